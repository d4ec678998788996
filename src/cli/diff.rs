//! `smout diff`: what changed in a record, in the words of the form.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use smout::diff::{render_text, RecordDiff};
use smout::error::Error;
use smout::register::validate_id;
use smout::store::history::{approved, resolve, submissions, Side};

use super::{findings, CliResult, Env};

/// Show what changed in a record, field by field, in the words of the form
///
/// FROM and TO take any git revision, submission/N, `approved` (the submission of the latest
/// approving determination), `submitted` (the latest submission) or `worktree`. Default: the
/// approved submission (else the latest submission) against the working tree.
///
/// Each change is labelled with the form's question ("5(c) Public interaction: Complies"),
/// prose is compared word by word, list items (a PIA, a contact) are matched by identity, and
/// changes to material answers are marked: the last line says whether a new review is needed.
///
/// Examples:
///   smout diff cbp-fld                         # approved → working tree
///   smout diff cbp-fld submission/1 submission/2
///   smout diff cbp-fld approved HEAD --format md    # for a merge-request comment
///   smout diff cbp-fld --exit-code             # exit 1 when anything changed
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DiffArgs {
    /// The record's id
    pub id: String,
    /// The old side
    pub from: Option<String>,
    /// The new side (default: worktree)
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when there are changes
    #[arg(long)]
    pub exit_code: bool,
}

/// Formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal
    Text,
    /// Markdown, for a merge-request comment
    Md,
    /// For programs
    Json,
}

/// Run `smout diff`.
pub fn run(env: &Env, args: DiffArgs, out: &mut dyn Write) -> CliResult {
    validate_id(&args.id)?;
    let reg = env.register()?;
    if !reg.record_dir(&args.id).exists() {
        return Err(Error::NoRecord(args.id).into());
    }
    let repo = smout::store::git::open(&reg.root)?;
    let (from, from_name) = match &args.from {
        Some(r) => resolve(&reg, &repo, &args.id, r)?,
        None => match approved(&reg, &repo, &args.id)? {
            Some((n, c)) => (Side::Commit(c), format!("submission/{n} (approved)")),
            None => match submissions(&repo, &smout::store::history::prefix(&repo, &reg)?, &args.id)?.last() {
                Some(s) => (
                    Side::Commit(git2::Oid::from_str(&s.commit).map_err(Error::from)?),
                    format!("submission/{}", s.n),
                ),
                None => {
                    return Err(Error::Refused(format!(
                        "{} was never submitted, so there is nothing to compare against by default; name a revision: smout diff {} HEAD",
                        args.id, args.id
                    ))
                    .into())
                }
            },
        },
    };
    let (to, to_name) = match &args.to {
        Some(r) => resolve(&reg, &repo, &args.id, r)?,
        None => (Side::Worktree, "working tree".to_string()),
    };
    let parse = |side: &Side, name: &str| -> Result<toml::Table, Error> {
        let text = smout::store::history::record_text(&reg, &repo, &args.id, side)?;
        toml::from_str(&text).map_err(|e| {
            Error::Refused(format!(
                "{} at {name} is not valid TOML: {}",
                args.id,
                e.message()
            ))
        })
    };
    let old = parse(&from, &from_name)?;
    let new = parse(&to, &to_name)?;
    let form_id = new
        .get("form")
        .or(old.get("form"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let form = reg.forms.get(form_id).ok_or_else(|| Error::NoForm {
        id: form_id.into(),
        known: reg.forms.ids().join(", "),
    })?;
    let d = RecordDiff::new(form, &args.id, &from_name, &to_name, &old, &new);
    match args.format {
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &d).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        DiffFormat::Text => write!(out, "{}", render_text(&d, env.color, false))?,
        DiffFormat::Md => write!(out, "{}", render_text(&d, false, true))?,
    }
    Ok(if args.exit_code && !d.changes.is_empty() {
        findings()
    } else {
        ExitCode::SUCCESS
    })
}
