//! `smout status`: one line per record.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use smout::duration::Period;
use smout::error::Error;
use smout::register::validate_id;
use smout::status::{register_status, RecordStatus, Status};

use super::{CliResult, Env};

/// Show each record's status: draft, submitted, approved, due, expired, changed, …
///
/// Status is computed, never stored: from the record, its submission tags and its
/// determinations. `changed` means the record differs materially from what was approved;
/// `due` that the review date is within the register's warning window ([review] warn);
/// `expired` that it has passed.
///
/// Examples:
///   smout status
///   smout status --due-within 90d          # reviews (and retention dates) in the next 90 days, or past
///   smout status --status changed --status expired --format csv
///   smout status --component "Customs and Border"
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct StatusArgs {
    /// Only these records
    pub ids: Vec<String>,
    /// Only records whose review-by or retention date falls within this period from today (or has passed)
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub due_within: Option<Period>,
    /// Only records with this status (repeatable)
    #[arg(long = "status", value_name = "STATUS", value_parser = parse_status)]
    pub statuses: Vec<Status>,
    /// Only records whose component contains this text
    #[arg(long, value_name = "TEXT")]
    pub component: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
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

/// Quote a CSV field.
pub fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// Run `smout status`.
pub fn run(env: &Env, args: StatusArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.register()?;
    for id in &args.ids {
        validate_id(id)?;
        if !reg.record_dir(id).exists() {
            return Err(Error::NoRecord(id.clone()).into());
        }
    }
    let mut rows: Vec<RecordStatus> = register_status(&reg, &args.ids, env.today)?;
    for w in rows.iter().flat_map(|r| &r.warnings) {
        eprintln!("warning: {w}");
    }
    if let Some(p) = args.due_within {
        let limit = p.after(env.today);
        rows.retain(|r| r.attention_date().is_some_and(|d| d <= limit));
        rows.sort_by_key(|r| r.attention_date());
    }
    if !args.statuses.is_empty() {
        rows.retain(|r| args.statuses.contains(&r.status));
    }
    if let Some(c) = &args.component {
        let c = c.to_lowercase();
        rows.retain(|r| r.component.to_lowercase().contains(&c));
    }
    match args.format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        TableFormat::Csv => {
            writeln!(out, "id,form,component,category,stage,status,submission,determination,review_by,retain_until,next")?;
            for r in &rows {
                let f = [
                    r.id.clone(),
                    r.form.clone(),
                    r.component.clone(),
                    r.category.clone(),
                    r.stage.clone(),
                    r.status.to_string(),
                    r.submission.map(|n| n.to_string()).unwrap_or_default(),
                    r.determination.clone().unwrap_or_default(),
                    r.review_by.map(|d| d.to_string()).unwrap_or_default(),
                    r.retain_until.map(|d| d.to_string()).unwrap_or_default(),
                    r.next.clone(),
                ];
                writeln!(
                    out,
                    "{}",
                    f.iter().map(|x| csv(x)).collect::<Vec<_>>().join(",")
                )?;
            }
        }
        TableFormat::Text => {
            let (b, r0) = if env.color {
                ("\x1b[1m", "\x1b[0m")
            } else {
                ("", "")
            };
            writeln!(
                out,
                "{b}{:<20} {:<26} {:<24} {:<14} {:<10}  NEXT{r0}",
                "ID", "COMPONENT", "CATEGORY", "STATUS", "REVIEW BY"
            )?;
            for r in &rows {
                let color = match (env.color, r.status) {
                    (false, _) => "",
                    (true, Status::Approved) => "\x1b[32m",
                    (
                        true,
                        Status::Due | Status::Changed | Status::Submitted | Status::Appealed,
                    ) => "\x1b[33m",
                    (true, Status::Expired | Status::NotAuthorized | Status::NotYetMet) => {
                        "\x1b[31m"
                    }
                    (true, Status::Draft) => "\x1b[2m",
                };
                writeln!(
                    out,
                    "{:<20} {:<26} {:<24} {color}{:<14}{r0} {:<10}  {}",
                    clip(&r.id, 20),
                    clip(&r.component, 26),
                    clip(&r.category, 24),
                    r.status.word(),
                    r.review_by
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    r.next
                )?;
            }
            if !env.quiet {
                let mut counts: Vec<String> = Vec::new();
                for s in Status::ALL {
                    let n = rows.iter().filter(|r| r.status == s).count();
                    if n > 0 {
                        counts.push(format!("{n} {s}"));
                    }
                }
                writeln!(
                    out,
                    "\n{} record{}: {}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "s" },
                    counts.join(", ")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
