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
use crate::render::job::{checked_mark, record_at_in};
use crate::render::{pdf_input, render, Format, RenderOptions, Templates};
use crate::status::{register_status, RecordStatus, Status};
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
    /// Whether `timestamp` was pinned (SOURCE_DATE_EPOCH): a PDF is then reused from the last
    /// site only if it carries that same timestamp; otherwise it keeps the time it was made.
    pub timestamp_pinned: bool,
    /// Make every PDF again instead of reusing those of the last site whose input is unchanged.
    pub fresh: bool,
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
    /// PDFs taken from the last site (their record, template and smout unchanged).
    pub pdfs_reused: usize,
}

/// The PDFs of the last site written to a folder: record id → (key of the PDF's input, SHA-256
/// of the PDF as written). Kept under `.git/smout/`, not in the site, which is published.
type PdfManifest = std::collections::HashMap<String, (String, String)>;

/// The cache file holding the manifest of the site at `out`, and its key.
fn manifest_name(out: &Path) -> (String, &'static str) {
    let path = out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let digest = crate::decide::sha256_hex(path.to_string_lossy().as_bytes());
    (format!("site-v1-{}", &digest[..16]), "smout site pdfs v1")
}

/// Put the PDF of record `id` from the last site at `previous` at `dest` (a hard link: no
/// copy, no new file), when the manifest says it was made from input `key` and the file is
/// still exactly what was written: its SHA-256, read through the new link, matches. A file
/// edited or replaced since is never published again. Returns its SHA-256 and length.
fn reuse(
    previous: &Path,
    old: &PdfManifest,
    (id, key): (&str, &str),
    dest: &Path,
) -> Option<(String, u64)> {
    let (k, sha) = old.get(id)?;
    if k != key {
        return None;
    }
    let path = previous.join("records").join(id).join("record.pdf");
    if !std::fs::symlink_metadata(&path).ok()?.is_file() {
        return None;
    }
    std::fs::create_dir_all(dest.parent()?).ok()?;
    std::fs::hard_link(&path, dest)
        .or_else(|_| std::fs::copy(&path, dest).map(|_| ()))
        .ok()?;
    let same = std::fs::symlink_metadata(dest).is_ok_and(|m| m.is_file())
        && std::fs::read(dest).is_ok_and(|b| crate::decide::sha256_hex(&b) == *sha);
    if !same {
        let _ = std::fs::remove_file(dest);
        return None;
    }
    Some((sha.clone(), std::fs::metadata(dest).ok()?.len()))
}

/// What a record's pages were: how many, and its PDF's manifest entry (key, SHA-256) and
/// whether that PDF was reused.
struct Written {
    pages: usize,
    pdf: Option<(String, String, bool)>,
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
    kind: ChangeKind,
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
                kind: c.kind,
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

/// Write one file of the site into the staging folder. The site is written whole into a
/// staging folder and made durable with one filesystem sync before it replaces the old one
/// (a file-by-file fsync was most of the time of a 5,000-record site).
fn write(path: &Path, bytes: &[u8], total: &std::sync::atomic::AtomicU64) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))?;
    total.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// Flush everything written on the filesystem holding `dir` to disk (syncfs).
fn sync_filesystem(dir: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(dir).map_err(|e| Error::io(dir, e))?;
    // SAFETY: syncfs takes a file descriptor, which `f` keeps open for the call.
    let rc = unsafe { libc::syncfs(f.as_raw_fd()) };
    if rc != 0 {
        return Err(Error::io(dir, std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Put the staged site in place of `out`, as a whole: the old site stays until the new one is
/// complete and on disk.
fn swap_in(stage: &Path, out: &Path) -> Result<()> {
    sync_filesystem(stage)?;
    let old = out.with_file_name(format!(
        ".{}.smout-old-{}",
        out.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let had_old = out.exists();
    if had_old {
        if std::fs::symlink_metadata(out)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
        {
            return Err(Error::Refused(format!(
                "{} is a symbolic link; smout does not write through links",
                out.display()
            )));
        }
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
    }
    if let Err(e) = std::fs::rename(stage, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        return Err(Error::io(out, e));
    }
    if let Some(parent) = out.parent() {
        let _ = std::fs::File::open(parent).and_then(|d| d.sync_all());
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

/// One record's pages: `records/<id>/index.html`, `record.html`, `record.pdf`.
#[allow(clippy::too_many_arguments)]
fn record_pages(
    reg: &Register,
    templates: &Templates,
    (store, index, summaries): (
        &Store,
        &crate::store::pathindex::PathIndex,
        &crate::timeline::Summaries,
    ),
    row: &RecordStatus,
    out: &Path,
    opts: &SiteOptions,
    ctx: &serde_json::Value,
    total: &std::sync::atomic::AtomicU64,
    last: Option<(&Path, &PdfManifest)>,
) -> Result<Written> {
    let id = &row.id;
    let render_opts = RenderOptions {
        release: opts.release,
        timestamp: opts.timestamp,
        today: opts.today,
    };
    // The reading room shows what the Privacy Office received; the internal site, the register
    // as it stands.
    let rev = opts.release.then_some("submitted");
    let rec = record_at_in(reg, store, id, rev)?;
    let dir = out.join("records").join(id);
    // Checked once for both renderings.
    let src = rec.source(checked_mark(reg, &rec, &render_opts)?);
    let html = render(reg, templates, &src, Format::Html, &render_opts)?;
    write(&dir.join("record.html"), &html, total)?;
    let mut pages = 1;
    let mut made = None;
    if opts.pdf {
        let input = pdf_input(reg, templates, &src, &render_opts)?;
        let key = input.key(opts.timestamp_pinned.then_some(opts.timestamp));
        let dest = dir.join("record.pdf");
        made = Some(
            match last.and_then(|(prev, old)| reuse(prev, old, (id, &key), &dest)) {
                Some((sha, len)) => {
                    total.fetch_add(len, std::sync::atomic::Ordering::Relaxed);
                    (key, sha, true)
                }
                None => {
                    let pdf = input.render(opts.timestamp)?;
                    write(&dest, &pdf, total)?;
                    (key, crate::decide::sha256_hex(&pdf), false)
                }
            },
        );
    }
    let events =
        crate::timeline::timeline_in(reg, store, (Some(index), Some(summaries)), id, opts.release)?;
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
    Ok(Written { pages, pdf: made })
}

/// Build the site into `out`, calling `progress(done, total)` as records are done.
pub fn build(
    reg: &Register,
    out: &Path,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SiteSummary> {
    let templates = Templates::load(Some(&reg.root.join("templates")))?;
    let final_out = out;
    let parent = final_out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let stage_buf = parent.join(format!(
        ".{}.smout-{}.tmp",
        final_out
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&stage_buf);
    std::fs::create_dir_all(&stage_buf).map_err(|e| Error::io(&stage_buf, e))?;
    let out = stage_buf.as_path();
    // The last site's PDFs, where their input is unchanged (never with --fresh).
    let store = Store::open(&reg.root)?;
    let (cache, cache_key) = manifest_name(final_out);
    let old: PdfManifest = match opts.fresh || !opts.pdf {
        true => PdfManifest::new(),
        false => store.load_cache(&cache, cache_key).unwrap_or_default(),
    };
    let last = (!old.is_empty()).then_some((final_out, &old));
    let result = build_into(reg, &templates, out, opts, progress, last);
    match result {
        Ok((summary, manifest)) => {
            swap_in(out, final_out)?;
            store.save_cache(&cache, cache_key, &manifest);
            Ok(summary)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(out);
            Err(e)
        }
    }
}

fn build_into(
    reg: &Register,
    templates: &Templates,
    out: &Path,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    last: Option<(&Path, &PdfManifest)>,
) -> Result<(SiteSummary, PdfManifest)> {
    let total = std::sync::atomic::AtomicU64::new(0);
    let mut rows = register_status(reg, &[], opts.today, opts.release)?;
    // The report covers every record (drafts too); the reading room's pages, submitted ones.
    let all_rows = rows.clone();
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
    // One history index for every page; a store per worker, given that index and every tag
    // read once (else each record's timeline lists its own tags, three listings a record).
    let main = Store::open(&reg.root)?;
    let index = main.shared_index()?;
    let summaries = crate::timeline::Summaries::load(reg, &main);
    let results = crate::par::map(
        &rows,
        || {
            Store::open(&reg.root).inspect(|s| {
                s.seed_index(index.clone());
                let _ = s.all_submissions();
            })
        },
        |store, row| {
            let r = match store {
                Ok(store) => record_pages(
                    reg,
                    templates,
                    (store, &index, &summaries),
                    row,
                    out,
                    opts,
                    &ctx,
                    &total,
                    last,
                ),
                Err(e) => Err(Error::Refused(format!("opening the repository: {e}"))),
            };
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, rows.len());
            r
        },
    );
    summaries.save(reg, &main);
    let mut pages = 0;
    let mut written = Vec::new();
    let mut manifest = PdfManifest::new();
    let mut pdfs_reused = 0;
    for (row, r) in rows.iter().zip(results) {
        match r {
            Ok(w) => {
                pages += w.pages;
                written.push(row);
                if let Some((key, sha, reused)) = w.pdf {
                    pdfs_reused += usize::from(reused);
                    manifest.insert(row.id.clone(), (key, sha));
                }
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
    use crate::report::ReportFormat;
    let files = ["report.pdf", "report.csv", "report.json"];
    let made = crate::report::report_of(
        reg,
        all_rows,
        opts.today,
        opts.release,
        &[ReportFormat::Pdf, ReportFormat::Csv, ReportFormat::Json],
        opts.timestamp,
    )?;
    for (file, bytes) in files.into_iter().zip(made) {
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
    let summary = SiteSummary {
        pages: pages + 3,
        records: written.len(),
        bytes: total.into_inner(),
        left_out,
        pdfs_reused,
    };
    Ok((summary, manifest))
}
