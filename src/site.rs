//! `smout site`: the register as a static site a forge's Pages (or any file server) serves —
//! a dashboard of every record, a page per record (its rendering, its PDF, its timeline and the
//! word-level diff between consecutive submissions), the audit and the report. Plain HTML; a
//! little progressive JavaScript sorts and filters the dashboard. `--release` writes the public
//! reading room: release copies of submitted records only, every string through the one
//! redaction step.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::diff::{compare, ChangeKind, RecordDiff};
use crate::error::{Error, Result};
use crate::register::Register;
use crate::render::job::{record_at, render_record};
use crate::render::{Format, RenderOptions, Templates};
use crate::status::{register_status, RecordStatus, Status};
use crate::store::fs::write_atomic;
use crate::store::Store;

/// How to build the site.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The public reading room: release copies only.
    pub release: bool,
    /// Today, for statuses.
    pub today: NaiveDate,
    /// Seconds since the epoch stamped in the PDFs.
    pub timestamp: i64,
    /// Write each record's PDF (the slowest part of a large register).
    pub pdf: bool,
}

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSummary {
    /// Pages written.
    pub pages: usize,
    /// Records with a page.
    pub records: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Records left out (with why): a reading room holds no drafts nor records that fail check.
    pub left_out: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    status: &'a RecordStatus,
    status_word: &'static str,
    urgency: usize,
    review: String,
}

#[derive(Serialize)]
struct DiffView {
    from: u32,
    to: u32,
    material: bool,
    changes: Vec<ChangeView>,
}

#[derive(Serialize)]
struct ChangeView {
    label: String,
    kind: &'static str,
    material: bool,
    old: String,
    new: String,
    /// (op, words): equal / delete / insert.
    inline: Vec<(&'static str, String)>,
}

fn diff_view(from: u32, to: u32, d: &RecordDiff) -> DiffView {
    DiffView {
        from,
        to,
        material: d.material,
        changes: d
            .changes
            .iter()
            .map(|c| ChangeView {
                label: c.label.clone(),
                kind: match c.kind {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                    ChangeKind::Reflowed => "reflowed",
                },
                material: c.material,
                old: c.old.clone().unwrap_or_default(),
                new: c.new.clone().unwrap_or_default(),
                inline: c
                    .inline
                    .iter()
                    .map(|i| (i.op, i.text.trim().to_string()))
                    .filter(|(_, t)| !t.is_empty())
                    .collect(),
            })
            .collect(),
    }
}

/// Due, expired and changed records first: what needs someone's attention.
fn urgency(s: Status) -> usize {
    match s {
        Status::Expired => 0,
        Status::Due => 1,
        Status::Changed => 2,
        Status::Submitted => 3,
        Status::Appealed => 4,
        Status::NotYetMet => 5,
        Status::Draft => 6,
        Status::Approved => 7,
        Status::NotAuthorized => 8,
        Status::Withdrawn => 9,
        Status::Retired => 10,
    }
}

fn write(path: &Path, bytes: &[u8], total: &std::sync::atomic::AtomicU64) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    write_atomic(path, bytes).map_err(|e| Error::io(path, e))?;
    total.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// One record's pages: `records/<id>/index.html`, `record.html`, `record.pdf`.
fn record_pages(
    reg: &Register,
    templates: &Templates,
    row: &RecordStatus,
    out: &Path,
    opts: &SiteOptions,
    ctx: &serde_json::Value,
    total: &std::sync::atomic::AtomicU64,
) -> Result<usize> {
    let id = &row.id;
    let render_opts = RenderOptions {
        release: opts.release,
        timestamp: opts.timestamp,
        today: opts.today,
    };
    // The reading room shows what the Privacy Office received; the internal site, the register
    // as it stands.
    let rev = opts.release.then_some("submitted");
    let rec = record_at(reg, id, rev)?;
    let dir = out.join("records").join(id);
    let (html, _) = render_record(reg, templates, &rec, Format::Html, &render_opts)?;
    write(&dir.join("record.html"), &html, total)?;
    let mut pages = 1;
    if opts.pdf {
        let (pdf, _) = render_record(reg, templates, &rec, Format::Pdf, &render_opts)?;
        write(&dir.join("record.pdf"), &pdf, total)?;
    }
    let events = crate::timeline::timeline(reg, id, opts.release)?;
    let store = Store::open(&reg.root)?;
    let subs = store.submissions(id)?;
    let diffs: Vec<DiffView> = subs
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0].n, w[1].n);
            compare(
                reg,
                id,
                Some(&format!("submission/{a}")),
                Some(&format!("submission/{b}")),
                opts.release,
            )
            .ok()
            .map(|d| diff_view(a, b, &d))
        })
        .collect();
    let mut page = ctx.clone();
    page["record"] = serde_json::to_value(row).unwrap_or_default();
    page["status_word"] = row.status.word().into();
    page["events"] = serde_json::to_value(&events).unwrap_or_default();
    page["diffs"] = serde_json::to_value(&diffs).unwrap_or_default();
    page["pdf"] = opts.pdf.into();
    page["root"] = "../../".into();
    let text = templates.render_named("site/record.html", &page)?;
    write(&dir.join("index.html"), text.as_bytes(), total)?;
    pages += 1;
    Ok(pages)
}

/// Build the site into `out`, calling `progress(done, total)` as records are done.
pub fn build(
    reg: &Register,
    out: &Path,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SiteSummary> {
    let templates = Templates::load(Some(&reg.root.join("templates")))?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let total = std::sync::atomic::AtomicU64::new(0);
    let mut rows = register_status(reg, &[], opts.today, opts.release)?;
    let mut left_out = Vec::new();
    if opts.release {
        rows.retain(|r| {
            let keep = r.status != Status::Draft;
            if !keep {
                left_out.push((r.id.clone(), "a draft: never submitted".to_string()));
            }
            keep
        });
    }
    rows.sort_by(|a, b| {
        (urgency(a.status), a.review_by, &a.id).cmp(&(urgency(b.status), b.review_by, &b.id))
    });
    let name = match reg.settings.name.is_empty() {
        true => "smout register".to_string(),
        false => reg.settings.name.clone(),
    };
    let ctx = serde_json::json!({
        "register": name,
        "release": opts.release,
        "date": opts.today.to_string(),
        "banner": match opts.release {
            true => reg.settings.markings.release_banner.clone(),
            false => reg.settings.markings.banner.clone(),
        }.unwrap_or_default(),
        "generator": format!("smout {}", env!("CARGO_PKG_VERSION")),
    });
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results = crate::par::map(
        &rows,
        || (),
        |_, row| {
            let r = record_pages(reg, &templates, row, out, opts, &ctx, &total);
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, rows.len());
            r
        },
    );
    let mut pages = 0;
    let mut written = Vec::new();
    for (row, r) in rows.iter().zip(results) {
        match r {
            Ok(n) => {
                pages += n;
                written.push(row);
            }
            Err(e) => left_out.push((row.id.clone(), e.to_string())),
        }
    }
    let table: Vec<Row<'_>> = written
        .iter()
        .map(|r| Row {
            status: r,
            status_word: r.status.word(),
            urgency: urgency(r.status),
            review: r.review_by.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for s in Status::ALL {
        let n = written.iter().filter(|r| r.status == s).count();
        if n > 0 {
            counts.push((s.word().to_string(), n));
        }
    }
    let mut page = ctx.clone();
    page["rows"] = serde_json::to_value(&table).unwrap_or_default();
    page["counts"] = serde_json::to_value(&counts).unwrap_or_default();
    page["root"] = "".into();
    page["left_out"] = left_out.len().into();
    let index = templates.render_named("site/index.html", &page)?;
    write(&out.join("index.html"), index.as_bytes(), &total)?;

    // The audit: in full on the internal site; the reading room says what was verified.
    let audit = crate::audit::audit(reg, false, None)?;
    let mut page = ctx.clone();
    page["root"] = "".into();
    page["audit"] = serde_json::json!({
        "commits": audit.commits,
        "signatures": audit.signatures,
        "determinations": audit.determinations,
        "submissions": audit.submissions,
        "count": audit.findings.len(),
        "findings": if opts.release { serde_json::Value::Array(Vec::new()) } else { serde_json::to_value(&audit.findings).unwrap_or_default() },
    });
    let text = templates.render_named("site/audit.html", &page)?;
    write(&out.join("audit.html"), text.as_bytes(), &total)?;

    // The report: its PDF and CSV, and a page with the totals and the deviations.
    let kinds = [
        (crate::report::ReportFormat::Pdf, "report.pdf"),
        (crate::report::ReportFormat::Csv, "report.csv"),
        (crate::report::ReportFormat::Json, "report.json"),
    ];
    for (format, file) in kinds {
        let bytes = crate::report::report(reg, opts.today, opts.release, format, opts.timestamp)?;
        if file == "report.json" {
            let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let mut page = ctx.clone();
            page["root"] = "".into();
            page["report"] = report;
            let text = templates.render_named("site/report.html", &page)?;
            write(&out.join("report.html"), text.as_bytes(), &total)?;
        } else {
            write(&out.join(file), &bytes, &total)?;
        }
    }
    for (name, text) in crate::form::BUILTIN_TEMPLATES
        .iter()
        .filter(|(n, _)| n.starts_with("site/") && !n.ends_with(".html"))
    {
        let file = PathBuf::from(name.trim_start_matches("site/"));
        write(&out.join(file), text.as_bytes(), &total)?;
    }
    Ok(SiteSummary {
        pages: pages + 3,
        records: written.len(),
        bytes: total.into_inner(),
        left_out,
    })
}
