//! `smout submit`: submit a record for review.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::register::validate_id;
use smout::submit::Outcome;

use super::{findings, CliResult, Env};

/// Submit a record for review: check it, fill the submission date, commit, tag
///
/// Refuses while `smout check` finds errors (and lists them). An empty "Date submitted for
/// review" is set to today, editing the file in place so your comments and layout survive; so
/// is the date smout set for an earlier submission (a date you wrote stays, with a warning when
/// it is earlier than the previous submission).
/// The commit holds record.toml and the attachments it names (the Rules of Behavior …) — your
/// other uncommitted edits stay as they are — and is tagged smout/<ID>/submission/<N>. A record
/// that has not changed since its last submission is refused.
///
/// Example: smout submit cbp-fld
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SubmitArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,

    /// Fill the date but do not commit or tag
    #[arg(long)]
    pub no_commit: bool,
}

/// Run `smout submit`.
pub fn run(env: &Env, args: SubmitArgs, out: &mut dyn Write) -> CliResult {
    validate_id(&args.id)?;
    let reg = env.session()?;
    reg.require_record(&args.id)?;
    let outcome = smout::submit::submit(&reg, &args.id, env.today, !args.no_commit, &mut |m| {
        eprintln!("{m}")
    })?;
    let s = match outcome {
        Outcome::Refused(rec) => {
            for f in &rec.findings {
                writeln!(out, "{}", f.render_text(env.color))?;
            }
            writeln!(
                out,
                "submission refused: {} has {} error(s); fix them and submit again",
                args.id,
                rec.errors()
            )?;
            return Ok(findings());
        }
        Outcome::Submitted(s) => s,
    };
    for f in &s.findings {
        writeln!(out, "{}", f.render_text(env.color))?;
    }
    if !env.quiet {
        match (s.date_filled, s.date_replaced) {
            (Some(d), Some((was, n))) => writeln!(
                out,
                "date submitted for review set to {d} (it was {was}, the date of submission {n})"
            )?,
            (Some(d), None) => writeln!(out, "date submitted for review set to {d}")?,
            (None, _) => {}
        }
        match s.commit {
            Some(c) => writeln!(
                out,
                "submitted {} as submission {} (commit {}, tag {})",
                args.id,
                s.n,
                smout::digest::short(&c.to_string()),
                smout::store::tag_name(&args.id, smout::store::TagKind::Submission, s.n)
            )?,
            None => writeln!(out, "not committed (--no-commit): nothing was tagged")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
