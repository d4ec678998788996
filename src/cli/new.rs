//! `smout new`: start a record from a form.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::error::Error;
use smout::register::validate_id;

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
    #[arg(long, add = ArgValueCompleter::new(super::completions::form_ids))]
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
    let reg = env.session()?;
    let form = reg.forms.get(&args.form).ok_or_else(|| Error::NoForm {
        id: args.form.clone(),
        known: reg.forms.ids().join(", "),
    })?;
    let rel = smout::create::new_record(
        &reg,
        form,
        &args.id,
        &args.title,
        !args.no_commit,
        &mut env.note(),
    )?;
    if !env.quiet {
        writeln!(out, "created {rel}")?;
        writeln!(out, "next: fill it in, then `smout check {}`", args.id)?;
    }
    Ok(ExitCode::SUCCESS)
}
