//! `smout status`: one line per record.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use smout::duration::Period;
use smout::register::validate_id;
use smout::status::{register_status, Filter, RecordStatus, Status};

use super::{CliResult, Env};

/// Show each record's status: draft, submitted, approved, due, expired, changed, …
///
/// Status is computed, never stored: from the record, its submission tags and its
/// determinations. `changed` means the record differs materially from what was approved;
/// `due` that the review date is within the register's warning window ([review] warn);
/// `expired` that it has passed. Records named by id also show what the decision that stands
/// on them asks: the comments, the Rules of Behavior analysis, findings and conditions.
///
/// Examples:
///   smout status
///   smout status --due-within 90d          # reviews (and retention dates) in the next 90 days, or past
///   smout status --status changed --status expired --format csv
///   smout status --component "Customs and Border"
///   smout status --cites DHS/ICE-009       # every record citing a SORN that changed
///   smout status --format ics > reviews.ics  # reviews as calendar events
///   smout status --open                     # what waits on whom, since when
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// Only these records
    #[arg(add = ArgValueCompleter::new(super::completions::record_ids))]
    pub ids: Vec<String>,
    /// Only records whose review-by or retention date falls within this period from today (or
    /// has passed); PERIOD is a number and a unit: y (years), m (months), w (weeks), d (days),
    /// e.g. 90d, 6m, 1y
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub due_within: Option<Period>,
    /// Only records with this status (repeatable): draft, submitted, approved, due, expired,
    /// changed, not-yet-met, not-authorized, appealed, withdrawn, retired
    #[arg(
        long = "status",
        value_name = "STATUS",
        value_parser = parse_status,
        add = ArgValueCompleter::new(super::completions::statuses)
    )]
    pub statuses: Vec<Status>,
    /// Only records whose component contains this text
    #[arg(long, value_name = "TEXT")]
    pub component: Option<String>,
    /// Only records citing this PIA or SORN (repeatable): every record a changed or retired
    /// document touches
    #[arg(long, value_name = "ID")]
    pub cites: Vec<String>,
    /// Only records waiting on someone — submitted or appealed (the Privacy Office), not yet met
    /// or not authorized (the program) — longest waiting first, with what the decision asks
    #[arg(long)]
    pub open: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
    /// Release listing: exempt text and withheld columns replaced by their FOIA label
    #[arg(long)]
    pub release: bool,
}

/// Formats of tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns
    Text,
    /// JSON
    Json,
    /// CSV
    Csv,
    /// iCalendar (RFC 5545): an all-day event for each review-by and retention date
    Ics,
}

/// Parse a period for clap.
pub fn parse_period(s: &str) -> Result<Period, String> {
    Period::parse(s)
}

fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| {
        format!(
            "`{s}` is not a status; one of: {}",
            Status::ALL.map(|x| x.word()).join(", ")
        )
    })
}

/// Run `smout status`.
pub fn run(env: &Env, args: StatusArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    for id in &args.ids {
        validate_id(id)?;
        reg.require_record(id)?;
    }
    let mut rows: Vec<RecordStatus> = register_status(
        &reg,
        &args.ids,
        env.today,
        smout::release::Audience::of_flag(args.release),
    )?;
    for w in rows.iter().flat_map(|r| &r.warnings) {
        eprintln!("warning: {w}");
    }
    let filter = filter_of(&args);
    rows = filter.apply(rows, env.today);
    match args.format {
        TableFormat::Ics => {
            let cal = smout::print::Calendar {
                register: reg.settings.display_name(),
                stamp: env.today,
                rows: &rows,
            };
            smout::print::status_ics(out, &env.printer(), &cal)?;
        }
        TableFormat::Json => {
            smout::print::json(out, &env.printer(), &rows)?;
        }
        TableFormat::Csv => smout::print::status_csv(out, &env.printer(), &rows)?,
        TableFormat::Text if rows.is_empty() => {
            // No table, not even its header: say why on stderr, so that a pipe gets no lines.
            if !env.quiet {
                eprintln!("{}", nothing_to_show(&args, env));
            }
        }
        TableFormat::Text => {
            smout::print::status_text(out, &env.printer(), &rows)?;
            // Open records: whom each waits on and what the decision asks.
            if args.open {
                smout::print::open_text(out, &env.printer(), &rows)?;
            } else if !args.ids.is_empty() {
                // Records asked for by name: what their decisions ask of the drafter.
                smout::print::decisions_text(out, &env.printer(), &rows)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The filters the arguments give.
fn filter_of(args: &StatusArgs) -> Filter {
    Filter {
        due_within: args.due_within,
        statuses: args.statuses.clone(),
        component: args.component.clone(),
        cites: args.cites.clone(),
        open: args.open,
    }
}

/// Why a text listing has no rows: the filters the user gave, or an empty register.
fn nothing_to_show(args: &StatusArgs, env: &Env) -> String {
    let mut filters = Vec::new();
    if !args.ids.is_empty() {
        filters.push(args.ids.join(" "));
    }
    filters.extend(filter_of(args).describe());
    match (args.due_within, filters.is_empty()) {
        (Some(p), true) => format!(
            "no record is due within {p}: no review-by or retention date on or before {}",
            p.after(env.today)
        ),
        (Some(p), false) => format!(
            "no record matching {} is due within {p} (on or before {})",
            filters.join(" "),
            p.after(env.today)
        ),
        (None, false) => format!("no record matches {}", filters.join(" ")),
        (None, true) => "no records yet: start one with `smout new <ID> --form <FORM>`".into(),
    }
}
