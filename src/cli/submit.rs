//! `smout submit`: submit a record for review.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use smout::check::{check_targets, CheckOptions, Target};
use smout::error::Error;
use smout::register::validate_id;

use super::{findings, CliResult, Env};

/// Submit a record for review: check it, fill the submission date, commit, tag
///
/// Refuses while `smout check` finds errors (and lists them). An empty "Date submitted for
/// review" is set to today, editing the file in place so your comments and layout survive.
/// The commit holds record.toml only — your other uncommitted edits stay as they are — and is
/// tagged smout/<ID>/submission/<N>.
///
/// Example: smout submit cbp-fld
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct SubmitArgs {
    /// The record's id
    pub id: String,

    /// Fill the date but do not commit or tag
    #[arg(long)]
    pub no_commit: bool,
}

/// Run `smout submit`.
pub fn run(env: &Env, args: SubmitArgs, out: &mut dyn Write) -> CliResult {
    validate_id(&args.id)?;
    let reg = env.register()?;
    if !reg.record_dir(&args.id).exists() {
        return Err(Error::NoRecord(args.id).into());
    }
    let opts = CheckOptions {
        today: env.today,
        release: false,
    };
    let report = check_targets(&reg, &[Target::record(&reg, &args.id)], &opts);
    let rec = &report.records[0];
    if rec.errors() > 0 {
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
    let form = reg.form_of(&args.id)?;
    let s = smout::submit::submit(&reg, form, &args.id, env.today, !args.no_commit)?;
    if !env.quiet {
        if let Some(d) = s.date_filled {
            writeln!(out, "date submitted for review set to {d}")?;
        }
        match s.commit {
            Some(c) => writeln!(
                out,
                "submitted {} as submission {} (commit {}, tag smout/{}/submission/{})",
                args.id,
                s.n,
                &c.to_string()[..10],
                args.id,
                s.n
            )?,
            None => writeln!(out, "not committed (--no-commit): nothing was tagged")?,
        }
    }
    Ok(ExitCode::SUCCESS)
}
