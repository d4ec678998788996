//! `smout new`: start a record from a form.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use smout::error::Error;
use smout::register::{validate_id, Register, RECORD_FILE};

use super::{CliResult, Env};

/// Start a record: a skeleton with every question of the form as a comment
///
/// Writes records/<ID>/record.toml and commits it. Fill it in with any editor, then run
/// `smout check <ID>` until it is clean. IDs are lower-case letters, digits and hyphens.
///
/// Example: smout new cbp-fld --form <form id> --title "Forced Labor Division open-source research"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct NewArgs {
    /// The record's id, e.g. cbp-fld
    pub id: String,

    /// The form to fill (see `smout forms`)
    #[arg(long)]
    pub form: String,

    /// A short title for status and reports
    #[arg(long, default_value = "")]
    pub title: String,

    /// Write the file but do not commit it
    #[arg(long)]
    pub no_commit: bool,
}

/// Run `smout new`.
pub fn run(env: &Env, args: NewArgs, out: &mut dyn Write) -> CliResult {
    validate_id(&args.id)?;
    let reg = env.register()?;
    let form = reg.forms.get(&args.form).ok_or_else(|| Error::NoForm {
        id: args.form.clone(),
        known: reg.forms.ids().join(", "),
    })?;
    let dir = reg.record_dir(&args.id);
    if dir.exists() {
        return Err(Error::RecordExists(args.id).into());
    }
    if !args.no_commit {
        let repo = smout::git::open(&reg.root)?;
        smout::git::ensure_ready(&repo)?;
        smout::git::signature(&repo)?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let file = dir.join(RECORD_FILE);
    std::fs::write(&file, smout::skeleton::skeleton(form, &args.title))
        .map_err(|e| Error::io(&file, e))?;
    let rel = Register::record_rel(&args.id);
    if !args.no_commit {
        smout::git::commit_paths(
            &reg.root,
            std::slice::from_ref(&rel),
            &format!("new {}: start a {} record", args.id, form.short_title),
        )?;
    }
    if !env.quiet {
        writeln!(out, "created {rel}")?;
        writeln!(out, "next: fill it in, then `smout check {}`", args.id)?;
    }
    Ok(ExitCode::SUCCESS)
}
