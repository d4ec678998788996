//! Printers of the tables a user reads — status rows and the report's uses — as aligned text or
//! CSV, to any `io::Write` (ripgrep's way: compute a report, then print it). One CSV writer
//! serves every table.

use std::io::{self, Write};

use crate::status::{RecordStatus, Status};

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

/// A date as the tables print it (empty when there is none).
pub fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Status rows as CSV.
pub fn status_csv(rows: &[RecordStatus], out: &mut dyn Write) -> io::Result<()> {
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
pub fn status_text(
    rows: &[RecordStatus],
    color: bool,
    clip_columns: bool,
    quiet: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    use crate::style;
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
pub fn decisions_text(rows: &[RecordStatus], out: &mut dyn Write) -> io::Result<()> {
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
