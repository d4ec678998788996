//! `smout log`: a record's timeline.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::print::{json, timeline_text};
use smout::timeline::timeline;

use super::{CliResult, Env, ReportFormat};

/// Show a record's timeline: revisions, submissions and determinations, newest first
///
/// Each revision lists its author, date and a one-line summary of what changed, in the form's
/// words. Moved or renamed records are followed. Each determination and appeal is placed at the
/// commit that recorded it and shows what it says beyond its outcome: the comments, the Rules
/// of Behavior analysis, findings and conditions.
///
/// Examples:
///   smout log cbp-fld
///   smout log cbp-fld --format json
///   smout log cbp-fld --release        # for a FOIA production
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The record's id
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Release copy: exempt text replaced by its FOIA label, people's names withheld as (b) (6)
    #[arg(long)]
    pub release: bool,
}

/// Run `smout log`.
pub fn run(env: &Env, args: LogArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let events = timeline(
        &reg,
        &args.id,
        smout::release::Audience::of_flag(args.release),
    )?;
    match args.format {
        ReportFormat::Json => json(out, &env.printer(), &events)?,
        ReportFormat::Text => timeline_text(out, &env.printer(), &events)?,
    }
    Ok(ExitCode::SUCCESS)
}
