//! `smout log`: a record's timeline.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use smout::determination::Determinations;
use smout::diff::RecordDiff;
use smout::error::Error;
use smout::register::{validate_id, DETERMINATIONS_FILE, RECORD_FILE};
use smout::store::history::{blob_text, date_of, record_history, submissions};

use super::{CliResult, Env, ReportFormat};

/// Show a record's timeline: revisions, submissions and determinations, newest first
///
/// Each revision lists its author, date and a one-line summary of what changed, in the form's
/// words. Moved or renamed records are followed.
///
/// Example: smout log cbp-fld --format json
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The record's id
    pub id: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Serialize)]
struct Event {
    date: String,
    time: i64,
    kind: &'static str,
    commit: Option<String>,
    author: Option<String>,
    summary: String,
}

/// Run `smout log`.
pub fn run(env: &Env, args: LogArgs, out: &mut dyn Write) -> CliResult {
    validate_id(&args.id)?;
    let reg = env.register()?;
    let repo = smout::store::git::open(&reg.root)?;
    let prefix = smout::store::history::prefix(&repo, &reg)?;
    let index = smout::store::pathindex::PathIndex::open(&repo, &prefix)?;
    let revs = record_history(&repo, &index, &args.id)?;
    if revs.is_empty() && !reg.record_dir(&args.id).exists() {
        return Err(Error::NoRecord(args.id).into());
    }
    let parse = |o: Option<git2::Oid>| -> Option<toml::Table> {
        o.and_then(|o| blob_text(&repo, o).ok())
            .and_then(|t| toml::from_str(&t).ok())
    };
    let mut events = Vec::new();
    for r in &revs {
        let new = parse(r.new_blob);
        let summary = match (r.old_blob, parse(r.old_blob), &new) {
            (None, _, _) => "record created".to_string(),
            (Some(_), Some(old), Some(new)) => {
                let form_id = new.get("form").and_then(|v| v.as_str()).unwrap_or("");
                match reg.forms.get(form_id) {
                    Some(form) => RecordDiff::new(form, &args.id, "", "", &old, new).summary(),
                    None => "changed".into(),
                }
            }
            _ => "changed (not valid TOML on one side)".into(),
        };
        let moved = match &r.moved_from {
            Some(f) => format!(" [moved from records/{f}]"),
            None if r.path != format!("{}/{RECORD_FILE}", args.id) => {
                format!(" [as records/{}]", r.path)
            }
            None => String::new(),
        };
        events.push(Event {
            date: r.time.date_naive().to_string(),
            time: r.time.timestamp(),
            kind: "revision",
            commit: Some(r.commit[..10].to_string()),
            author: Some(format!("{} <{}>", r.author, r.email)),
            summary: format!("{}: {summary}{moved}", r.message),
        });
    }
    for s in submissions(&repo, &prefix, &args.id)? {
        events.push(Event {
            date: date_of(s.time).to_string(),
            time: s.time,
            kind: "submission",
            commit: Some(s.commit[..10].to_string()),
            author: None,
            summary: format!(
                "submission {} (tag smout/{}/submission/{})",
                s.n, args.id, s.n
            ),
        });
    }
    let dets = Determinations::load(&reg.record_dir(&args.id).join(DETERMINATIONS_FILE))?;
    for (kind, list) in [
        ("determination", &dets.determinations),
        ("appeal", &dets.appeals),
    ] {
        for d in list {
            let review = d
                .review_by
                .map(|r| format!(", review by {r}"))
                .unwrap_or_default();
            events.push(Event {
                date: d.reviewed.to_string(),
                time: d
                    .reviewed
                    .and_hms_opt(23, 59, 59)
                    .map(|t| t.and_utc().timestamp())
                    .unwrap_or(0),
                kind,
                commit: None,
                author: Some(smout::markup::plain(&d.reviewer)),
                summary: format!(
                    "{kind} on submission {}: {}{review}",
                    d.submission, d.outcome
                ),
            });
        }
    }
    // Newest first; at the same moment, what happened on top of a revision comes first.
    let rank = |k: &str| match k {
        "appeal" => 0,
        "determination" => 1,
        "submission" => 2,
        _ => 3,
    };
    events.sort_by(|a, b| b.time.cmp(&a.time).then(rank(a.kind).cmp(&rank(b.kind))));
    match args.format {
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &events).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        ReportFormat::Text => {
            for e in &events {
                let who = e
                    .author
                    .as_deref()
                    .map(|a| format!("  {a}"))
                    .unwrap_or_default();
                let c = e
                    .commit
                    .as_deref()
                    .map(|c| format!(" {c}"))
                    .unwrap_or_default();
                writeln!(out, "{}  {:<13}{c}{who}\n    {}", e.date, e.kind, e.summary)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
