//! The printers: everything a command prints for people or programs, in one place and with one
//! signature — `(out, how, what)`: where to, how ([`Printer`]: colour, quiet, clipping) and the
//! value a library function computed (ripgrep's way: compute a report, then print it). JSON is
//! one printer for every command; one CSV writer serves every table.

use std::io::{self, Write};

use crate::audit::AuditReport;
use crate::check::CheckReport;
use crate::roles::Listing;
use crate::status::{RecordStatus, Status};
use crate::timeline::Event;

/// How to print: what the command line decided once for the whole output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Printer {
    /// Styles on (`--color`, `NO_COLOR`, a terminal).
    pub color: bool,
    /// `-q`: no summary lines.
    pub quiet: bool,
    /// Stdout is a terminal: wide columns may be clipped to fit (never in a pipe or a file).
    pub clip: bool,
}

/// Quote a CSV field (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Write one CSV line.
pub fn csv_line<S: AsRef<str>>(out: &mut dyn Write, fields: &[S]) -> io::Result<()> {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f.as_ref())).collect();
    writeln!(out, "{}", line.join(","))
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// `value` as pretty JSON and a newline: every command's `--format json`.
pub fn json(out: &mut dyn Write, _: &Printer, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// A date as the tables print it (empty when there is none).
pub fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Status rows as CSV.
pub fn status_csv(out: &mut dyn Write, _: &Printer, rows: &[RecordStatus]) -> io::Result<()> {
    csv_line(
        out,
        &[
            "id",
            "form",
            "component",
            "category",
            "stage",
            "status",
            "submission",
            "determination",
            "review_by",
            "retain_until",
            "next",
        ],
    )?;
    for r in rows {
        csv_line(
            out,
            &[
                r.id.clone(),
                r.form.clone(),
                r.component.clone(),
                r.category.clone(),
                r.stage.clone(),
                r.status.to_string(),
                r.submission.map(|n| n.to_string()).unwrap_or_default(),
                r.determination.clone().unwrap_or_default(),
                date(r.review_by),
                date(r.retain_until),
                r.next.clone(),
            ],
        )?;
    }
    Ok(())
}

/// Status rows as aligned columns. The id column is as wide as the longest id (ids are what
/// users copy, so they are never cut); the component and category columns too, unless `clip`
/// (for a terminal), which cuts them at 26 and 24 characters with an ellipsis. Unless `quiet`, a
/// last line counts the statuses. No rows print nothing, not even the header: the caller says
/// why there are none.
pub fn status_text(out: &mut dyn Write, p: &Printer, rows: &[RecordStatus]) -> io::Result<()> {
    use crate::style;
    let Printer {
        color,
        quiet,
        clip: clip_columns,
    } = *p;
    if rows.is_empty() {
        return Ok(());
    }
    let width = |header: &str, cap: usize, field: fn(&RecordStatus) -> &str| {
        let longest = rows
            .iter()
            .map(|r| field(r).chars().count())
            .max()
            .unwrap_or(0)
            .max(header.chars().count());
        if clip_columns {
            longest.min(cap)
        } else {
            longest
        }
    };
    let idw = width("ID", usize::MAX, |r| &r.id);
    let cw = width("COMPONENT", 26, |r| &r.component);
    let kw = width("CATEGORY", 24, |r| &r.category);
    let b = style::on(color, style::BOLD);
    writeln!(
        out,
        "{b}{:<idw$} {:<cw$} {:<kw$} {:<14} {:<10}  NEXT{b:#}",
        "ID", "COMPONENT", "CATEGORY", "STATUS", "REVIEW BY"
    )?;
    for r in rows {
        let c = style::on(
            color,
            match r.status {
                Status::Approved => style::GOOD,
                Status::Due | Status::Changed | Status::Submitted | Status::Appealed => {
                    style::ATTENTION
                }
                Status::Expired | Status::NotAuthorized | Status::NotYetMet => style::BAD,
                Status::Draft | Status::Withdrawn | Status::Retired => style::QUIET,
            },
        );
        writeln!(
            out,
            "{:<idw$} {:<cw$} {:<kw$} {c}{:<14}{c:#} {:<10}  {}",
            r.id,
            clip(&r.component, cw),
            clip(&r.category, kw),
            r.status.word(),
            r.review_by
                .map(|d| d.to_string())
                .unwrap_or_else(|| "-".into()),
            r.next
        )?;
    }
    if !quiet {
        let counts: Vec<String> = Status::ALL
            .iter()
            .filter_map(|s| {
                let n = rows.iter().filter(|r| r.status == *s).count();
                (n > 0).then(|| format!("{n} {s}"))
            })
            .collect();
        match rows.len() {
            1 => writeln!(out, "\n1 record: {}", counts.join(", "))?,
            n => writeln!(out, "\n{n} records: {}", counts.join(", "))?,
        }
    }
    Ok(())
}

/// What the decision that stands on each row asks of the drafter (its comments, Rules of
/// Behavior analysis, findings, conditions), under a line naming the decision; rows whose
/// decision says nothing beyond its outcome print nothing.
pub fn decisions_text(out: &mut dyn Write, _: &Printer, rows: &[RecordStatus]) -> io::Result<()> {
    for r in rows {
        let Some(d) = r.decision.as_ref().filter(|d| !d.notes.is_empty()) else {
            continue;
        };
        writeln!(
            out,
            "\n{}: {} {} on submission {}: {} ({})",
            r.id, d.kind, d.n, d.submission, d.outcome, d.reviewed
        )?;
        d.notes.write_text("    ", out)?;
    }
    Ok(())
}

/// What each record waits on, for people (`status --open`): whom, since when, how many days,
/// and what the decision that stands asks.
pub fn open_text(out: &mut dyn Write, _: &Printer, rows: &[RecordStatus]) -> io::Result<()> {
    for r in rows {
        let Some(w) = &r.waiting else { continue };
        let whom = match w.on {
            "program" => "the program",
            _ => "the Privacy Office",
        };
        writeln!(
            out,
            "\n{}: {}, waiting on {whom} since {} ({} day{})",
            r.id,
            r.status,
            w.since,
            w.days,
            if w.days == 1 { "" } else { "s" }
        )?;
        if let Some(d) = r.decision.as_ref().filter(|d| !d.notes.is_empty()) {
            writeln!(
                out,
                "  {} {} on submission {}: {} ({})",
                d.kind, d.n, d.submission, d.outcome, d.reviewed
            )?;
            d.notes.write_text("    ", out)?;
        }
    }
    Ok(())
}

/// Print a timeline for people: date, kind, commit and author in aligned columns, the summary
/// indented below.
pub fn timeline_text(out: &mut dyn Write, _: &Printer, events: &[Event]) -> io::Result<()> {
    for e in events {
        let c = e.commit.as_deref().unwrap_or("");
        let who = e.author.as_deref().unwrap_or("");
        let line = format!("{}  {:<13} {:<10}  {who}", e.date, e.kind, c);
        writeln!(out, "{}\n    {}", line.trim_end(), e.summary)?;
        if let Some(notes) = &e.notes {
            notes.write_text("    ", out)?;
        }
    }
    Ok(())
}

/// `check`'s findings for people, each with its caret and hint, then (unless quiet) the count.
pub fn check_text(out: &mut dyn Write, p: &Printer, report: &CheckReport) -> io::Result<()> {
    for rec in &report.records {
        for f in &rec.findings {
            writeln!(out, "{}", f.render_text(p.color))?;
        }
    }
    if !p.quiet {
        let n = report.records.len();
        let plural = |k: usize, w: &str| format!("{k} {w}{}", if k == 1 { "" } else { "s" });
        writeln!(
            out,
            "checked {}: {}, {}",
            plural(n, "record"),
            plural(report.errors, "error"),
            plural(report.warnings, "warning")
        )?;
    }
    Ok(())
}

/// Who decides, for people: whether signatures are required, then each reviewer and the
/// fingerprints of their keys.
pub fn roles_text(out: &mut dyn Write, _: &Printer, roles: &Listing) -> io::Result<()> {
    writeln!(
        out,
        "signatures: {}",
        if roles.require_signatures {
            "required"
        } else {
            "not required"
        }
    )?;
    if roles.reviewers.is_empty() {
        writeln!(out, "no reviewers yet: `smout roles add <email> --key …`")?;
    }
    for r in &roles.reviewers {
        writeln!(out, "{}  {}", r.email, r.name)?;
        for k in &r.keys {
            writeln!(out, "    {k}")?;
        }
    }
    Ok(())
}

/// The audit for people: its findings, decisions recorded for another reviewer, the root of
/// trust and how to pin it, and (unless quiet) what was audited.
pub fn audit_text(out: &mut dyn Write, p: &Printer, report: &AuditReport) -> io::Result<()> {
    for f in &report.findings {
        writeln!(out, "{}", f.render_text(p.color))?;
    }
    if p.quiet {
        return Ok(());
    }
    if !report.on_behalf.is_empty() {
        writeln!(
            out,
            "recorded for another reviewer (the entry names them; its signer recorded it):"
        )?;
        for b in &report.on_behalf {
            writeln!(
                out,
                "  {} {}: recorded and signed by {} ({}), commit {}",
                b.record, b.entry, b.recorded_by, b.recorded_by_name, b.commit
            )?;
        }
    }
    match &report.root {
        Some(r) => {
            writeln!(out, "root of trust: commit {}", r.commit)?;
            for (email, fps) in &r.reviewers {
                let keys = if fps.is_empty() {
                    "no keys".to_string()
                } else {
                    fps.join(", ")
                };
                writeln!(out, "  {email}: {keys}")?;
            }
            match &report.pinned {
                Some(p) if !report.findings.iter().any(|f| f.code == "AU012") => {
                    writeln!(out, "  pinned: it is {p}, as the pin says")?
                }
                // A pin is copied into git config: longer than a short id, so it stays unique.
                _ => writeln!(
                    out,
                    "  pin it outside the history: git config audit.root {}",
                    r.commit.get(..12).unwrap_or(&r.commit)
                )?,
            }
        }
        None => writeln!(
            out,
            "root of trust: none yet (no reviewers were ever named)"
        )?,
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "audited {}, {}, {}, {}: {}",
        plural(report.commits, "commit", "commits"),
        match report.imported {
            0 => plural(report.determinations, "determination", "determinations"),
            n => format!(
                "{} ({n} imported, decided outside smout)",
                plural(report.determinations, "determination", "determinations")
            ),
        },
        plural(report.submissions, "submission", "submissions"),
        plural(
            report.signatures,
            "signature verified",
            "signatures verified"
        ),
        plural(report.findings.len(), "finding", "findings")
    )
}

/// A calendar of a register's reviews and retention dates (`status --format ics`, the site's
/// `reviews.ics`), for Outlook or any calendar to subscribe to.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    /// The register's name (the calendar's, and part of every event's UID).
    pub register: &'a str,
    /// The day the calendar is made (every event's DTSTAMP: the same input, the same file).
    pub stamp: chrono::NaiveDate,
    /// The records.
    pub rows: &'a [RecordStatus],
}

/// `cal` as an RFC 5545 calendar: an all-day event for each review-by date (of a use not ended)
/// and each retention date. A record's event keeps its UID (`<id>.review.<register>@smout`)
/// when its date moves, so a subscribed calendar moves the event instead of adding one.
pub fn status_ics(out: &mut dyn Write, _: &Printer, cal: &Calendar<'_>) -> io::Result<()> {
    let slug: String = cal
        .register
        .chars()
        .map(|c| match c.is_ascii_alphanumeric() {
            true => c.to_ascii_lowercase(),
            false => '-',
        })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() {
        "register".into()
    } else {
        slug
    };
    let stamp = format!("{}T000000Z", cal.stamp.format("%Y%m%d"));
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        format!("PRODID:-//smout//smout {}//EN", env!("CARGO_PKG_VERSION")),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("{}: reviews", cal.register))
        ),
    ];
    for r in cal.rows {
        let ended = matches!(r.status, Status::Withdrawn | Status::Retired);
        let review = r.review_by.filter(|_| !ended).map(|d| {
            (
                "review",
                d,
                format!("Review due: {} ({})", r.title, r.id),
                format!("{} is {}: {}", r.id, r.status, r.next),
            )
        });
        let retention = r.retain_until.map(|d| {
            (
                "retention",
                d,
                format!("Retention ends: {} ({})", r.title, r.id),
                format!(
                    "{}: records kept for this use may be disposed of after this date",
                    r.id
                ),
            )
        });
        for (kind, date, summary, description) in review.into_iter().chain(retention) {
            let next = date.succ_opt().unwrap_or(date);
            lines.extend([
                "BEGIN:VEVENT".to_string(),
                format!("UID:{}.{kind}.{slug}@smout", r.id),
                format!("DTSTAMP:{stamp}"),
                format!("DTSTART;VALUE=DATE:{}", date.format("%Y%m%d")),
                format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")),
                format!("SUMMARY:{}", ics_text(&summary)),
                format!("DESCRIPTION:{}", ics_text(&description)),
                "TRANSP:TRANSPARENT".into(),
                "END:VEVENT".into(),
            ]);
        }
    }
    lines.push("END:VCALENDAR".into());
    for l in lines {
        out.write_all(ics_fold(&l).as_bytes())?;
    }
    Ok(())
}

/// Text as an iCalendar TEXT value: backslash, semicolon, comma and line ends escaped.
fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (never inside a character), ending in CRLF.
fn ics_fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut len = 0;
    for c in line.chars() {
        if len + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(c);
        len += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}
