//! `smout diff`: what changed in a record, in the words of the form.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use smout::diff::{compare, render_text};

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
/// --release compares release copies: marked text and fields under [release] redact print as
/// their FOIA label. `--format md` (meant for merge-request comments) is a release copy unless
/// --internal is given.
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
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,
    /// The old side
    #[arg(add = ArgValueCompleter::new(super::completions::revisions))]
    pub from: Option<String>,
    /// The new side (default: worktree)
    #[arg(add = ArgValueCompleter::new(super::completions::revisions))]
    pub to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when there are changes
    #[arg(long)]
    pub exit_code: bool,
    /// Compare release copies: exempt text replaced by its FOIA label (the default for md)
    #[arg(long, conflicts_with = "internal")]
    pub release: bool,
    /// With --format md: show exempt text (for an internal review only)
    #[arg(long)]
    pub internal: bool,
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
    let reg = env.session()?;
    // Markdown is for merge-request comments, read by more people than the record's drafters:
    // it is a release copy unless --internal says otherwise.
    let release = args.release || (args.format == DiffFormat::Md && !args.internal);
    let d = compare(
        &reg,
        &args.id,
        args.from.as_deref(),
        args.to.as_deref(),
        smout::release::Audience::of_flag(release),
    )?;
    match args.format {
        DiffFormat::Json => {
            smout::print::json(out, &env.printer(), &d)?;
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
