//! `smout site`: the register as a static site a forge's Pages (or any file server) serves —
//! a dashboard of every record, a page per record (its rendering, its PDF, its timeline and the
//! word-level diff between consecutive submissions), the audit and the report. Plain HTML; a
//! little progressive JavaScript sorts and filters the dashboard. `--release` writes the public
//! reading room: release copies of submitted records only, every string through the one
//! redaction step.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::diff::{compare_in, ChangeKind, RecordDiff};
use crate::error::{Error, Result};
use crate::register::Register;
use crate::release::Audience;
use crate::render::{render_sharing, Format, RenderOptions, Templates};
use crate::rendering::{checked_mark, record_at_in};
use crate::session::Session;
use crate::status::{register_status, RecordStatus, Status};
use crate::store::Store;

/// How to build the site.
#[derive(Debug, Clone)]
pub struct SiteOptions {
    /// The public reading room (`Release`): release copies only.
    pub audience: Audience,
    /// Today, for statuses.
    pub today: NaiveDate,
    /// Seconds since the epoch stamped in the PDFs.
    pub timestamp: i64,
    /// Write each record's PDF (the slowest part of a large register).
    pub pdf: bool,
    /// Whether `timestamp` was pinned (SOURCE_DATE_EPOCH): a PDF is then reused from the last
    /// site only if it carries that same timestamp; otherwise it keeps the time it was made.
    pub timestamp_pinned: bool,
    /// Render every record and write every file anew, taking nothing from the last site.
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
    /// Renderings (a record's HTML or PDF) taken from the last site, their input unchanged.
    pub reused: usize,
}

/// The renderings of the last site written to a folder, by record id. Kept under
/// `.git/smout/`, not in the site, which is published.
type Manifest = std::collections::HashMap<String, Kept>;

/// What a record's renderings were made of, and what was written.
#[derive(Debug, Clone, serde::Deserialize, Serialize)]
struct Kept {
    /// [`crate::render::rendering_key`] of the record.
    key: String,
    /// SHA-256 of `record.html`.
    html: String,
    /// SHA-256 of `record.pdf`, when one was written.
    pdf: Option<String>,
}

/// The cache file holding the manifest of the site at `out`, and its key. A folder inside the
/// register is named by its path there (`public`), so that the manifest still matches in
/// another clone at another place (a forge's runners check out wherever they like).
fn manifest_name(root: &Path, out: &Path) -> (String, &'static str) {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    // The folder's parent exists (it holds the staging folder); the folder itself may not yet.
    let path = match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => canonical(out),
    };
    let root = canonical(root);
    let name = match path.strip_prefix(&root) {
        Ok(inside) => format!("register:{}", inside.to_string_lossy()),
        Err(_) => path.to_string_lossy().into_owned(),
    };
    let digest = crate::digest::sha256_hex(name.as_bytes());
    (
        format!("site-v1-{}", &digest[..16]),
        "smout site renderings v1",
    )
}

/// What a record's pages were: how many, what its renderings were, and how many of them
/// (0 to 2) were taken from the last site.
struct Written {
    pages: usize,
    kept: Kept,
    reused: usize,
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

/// Where the site is written: a staging folder, written whole and made durable with one
/// filesystem sync before it replaces the old site (a file-by-file fsync was most of the time
/// of a 5,000-record site). A file identical to the old site's is hard-linked from it instead
/// of written again: no new file, nothing to flush.
struct Out<'a> {
    stage: &'a Path,
    /// The last site, whose files may be linked.
    last: Option<&'a Path>,
    /// Bytes in the site.
    total: std::sync::atomic::AtomicU64,
}

impl Out<'_> {
    /// Write `bytes` as file `rel` of the site.
    fn put(&self, rel: &Path, bytes: &[u8]) -> Result<()> {
        if self
            .link_last(rel, Some(bytes.len() as u64), |b| b == bytes)
            .is_none()
        {
            let path = self.stage.join(rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
            self.count(bytes.len() as u64);
        }
        Ok(())
    }

    fn count(&self, n: u64) {
        self.total
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Hard-link file `rel` of the last site into the new one when it is a regular file (of
    /// `len` bytes, when given) whose content, read through the new link, passes `same`: a
    /// file changed or replaced since is never carried over. Returns its length.
    fn link_last(&self, rel: &Path, len: Option<u64>, same: impl Fn(&[u8]) -> bool) -> Option<u64> {
        let from = self.last?.join(rel);
        let m = std::fs::symlink_metadata(&from).ok()?;
        if !m.is_file() || len.is_some_and(|len| m.len() != len) {
            return None;
        }
        let to = self.stage.join(rel);
        std::fs::create_dir_all(to.parent()?).ok()?;
        std::fs::hard_link(&from, &to).ok()?;
        let kept = std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_file())
            && std::fs::read(&to).is_ok_and(|b| same(&b));
        if !kept {
            let _ = std::fs::remove_file(&to);
            return None;
        }
        let len = std::fs::metadata(&to).ok()?.len();
        self.count(len);
        Some(len)
    }
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
            return Err(Refusal::Symlink(out.to_path_buf()).into());
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
    out: &Out<'_>,
    opts: &SiteOptions,
    ctx: &serde_json::Value,
    old: &Manifest,
) -> Result<Written> {
    let id = &row.id;
    let render_opts = RenderOptions {
        audience: opts.audience,
        timestamp: opts.timestamp,
        today: opts.today,
    };
    // The reading room shows what the Privacy Office received; the internal site, the register
    // as it stands.
    let rev = opts.audience.is_release().then_some("submitted");
    let rec = record_at_in(reg, store, id, rev)?;
    let dir = PathBuf::from("records").join(id);
    // Checked once for both renderings.
    let src = rec.source(checked_mark(reg, &rec, &render_opts)?);
    // A rendering of the last site is taken, hard-linked, when the manifest says it was made
    // from this very input and its SHA-256 is still the one written; else it is made.
    let key =
        crate::render::rendering_key(reg, templates, &src, &render_opts, opts.timestamp_pinned);
    let last = old.get(id.as_str()).filter(|k| k.key == key);
    let mut reused = 0;
    // One view of the record for both renderings.
    let mut view = None;
    let mut rendering = |format: Format, sha: Option<&String>| -> Result<String> {
        let rel = dir.join(format!("record.{}", format.ext()));
        let kept = sha.filter(|sha| {
            out.link_last(&rel, None, |b| crate::digest::sha256_hex(b) == **sha)
                .is_some()
        });
        Ok(match kept {
            Some(sha) => {
                reused += 1;
                sha.clone()
            }
            None => {
                let bytes = render_sharing(reg, templates, &src, format, &render_opts, &mut view)?;
                out.put(&rel, &bytes)?;
                crate::digest::sha256_hex(&bytes)
            }
        })
    };
    let html = rendering(Format::Html, last.map(|k| &k.html))?;
    let mut pages = 1;
    let pdf = match opts.pdf {
        true => Some(rendering(Format::Pdf, last.and_then(|k| k.pdf.as_ref()))?),
        false => None,
    };
    let events = crate::timeline::timeline_in(
        reg,
        store,
        (Some(index), Some(summaries)),
        id,
        opts.audience,
    )?;
    let subs = store.submissions(id)?;
    let diffs: Vec<DiffView> = subs
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0].n, w[1].n);
            compare_in(
                reg,
                store,
                id,
                Some(&format!("submission/{a}")),
                Some(&format!("submission/{b}")),
                opts.audience,
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
    out.put(&dir.join("index.html"), text.as_bytes())?;
    pages += 1;
    Ok(Written {
        pages,
        kept: Kept { key, html, pdf },
        reused,
    })
}

/// Why the site cannot be written (nothing was replaced).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// The site's folder is a symbolic link.
    #[error("{} is a symbolic link; smout does not write through links", .0.display())]
    Symlink(std::path::PathBuf),
    /// The thread making the audit and report stopped (a panic).
    #[error("the site's audit and report stopped unexpectedly; run it again")]
    Stopped,
}

crate::error::refusal!(Refusal);

/// Build the site into `out`, calling `progress(done, total)` as records are done.
pub fn build(
    reg: &Session,
    out: &Path,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SiteSummary> {
    let templates = Templates::load(Some(&reg.root.join("templates")))?;
    let final_out = out;
    // The folder is replaced as a whole: only one that is new, empty or a site smout wrote.
    let store = reg.store();
    store.check_site_folder(final_out)?;
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
    crate::store::fs::write_atomic(
        &out.join(crate::store::output::SITE_MARK),
        crate::store::output::SITE_MARK_TEXT.as_bytes(),
    )
    .map_err(|e| Error::io(out, e))?;
    // The last site's renderings, where their input is unchanged (never with --fresh).
    let (cache, cache_key) = manifest_name(&reg.root, final_out);
    let old: Manifest = match opts.fresh {
        true => Manifest::new(),
        false => store.load_cache(&cache, cache_key).unwrap_or_default(),
    };
    let last = (!opts.fresh && std::fs::symlink_metadata(final_out).is_ok_and(|m| m.is_dir()))
        .then_some(final_out);
    let result = build_into(
        reg,
        &templates,
        &Out {
            stage: out,
            last,
            total: Default::default(),
        },
        opts,
        progress,
        &old,
    );
    match result {
        Ok((summary, manifest)) => {
            if let Err(e) = swap_in(out, final_out) {
                let _ = std::fs::remove_dir_all(out);
                return Err(e);
            }
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
    reg: &Session,
    templates: &Templates,
    out: &Out<'_>,
    opts: &SiteOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    old: &Manifest,
) -> Result<(SiteSummary, Manifest)> {
    let mut rows = register_status(reg, &[], opts.today, opts.audience)?;
    // The report covers every record (drafts too); the reading room's pages, submitted ones.
    let all_rows = rows.clone();
    let mut left_out = Vec::new();
    if opts.audience.is_release() {
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
    let name = reg.settings.display_name().to_string();
    let ctx = serde_json::json!({
        "register": name,
        "release": opts.audience.is_release(),
        "date": opts.today.to_string(),
        "banner": match opts.audience.is_release() {
            true => reg.settings.markings.release_banner.clone(),
            false => reg.settings.markings.banner.clone(),
        }.unwrap_or_default(),
        "generator": format!("smout {}", env!("CARGO_PKG_VERSION")),
    });
    let done = std::sync::atomic::AtomicUsize::new(0);
    // One history index for every page; a store per worker, given that index and every tag
    // read once (else each record's timeline lists its own tags, three listings a record).
    let main = reg.store();
    let index = main.shared_index()?;
    // And every record as submitted and every file at HEAD, found in one replay of the index:
    // read by blob id, not through the 5,000-entry `records/` tree of each submission's commit.
    main.share_history();
    let summaries = crate::timeline::Summaries::load(reg, main);
    let side_workers = reg.workers();
    // The audit and the report need none of the record pages: they are made beside them (their
    // single-threaded stretches no longer leave a core idle at the end).
    use crate::report::ReportFormat;
    let (results, side) = std::thread::scope(|scope| {
        let side = scope.spawn(|| -> Result<_> {
            let reg = &side_workers.session()?;
            let audit = crate::audit::audit(reg, false, None)?;
            let made = crate::report::report_of(
                reg,
                all_rows,
                opts.today,
                opts.audience,
                &[ReportFormat::Pdf, ReportFormat::Csv, ReportFormat::Json],
                opts.timestamp,
            )?;
            Ok((audit, made))
        });
        let results = reg.par_map(&rows, |w, row| {
            let r = record_pages(
                w.reg,
                templates,
                (w.store, &index, &summaries),
                row,
                out,
                opts,
                &ctx,
                old,
            );
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, rows.len());
            r
        });
        (results, side.join())
    });
    let (audit, made) = side.map_err(|_| Error::from(Refusal::Stopped))??;
    summaries.save(reg, main);
    let mut pages = 0;
    let mut written = Vec::new();
    let mut manifest = Manifest::new();
    let mut reused = 0;
    for (row, r) in rows.iter().zip(results) {
        match r {
            Ok(w) => {
                pages += w.pages;
                written.push(row);
                reused += w.reused;
                manifest.insert(row.id.clone(), w.kept);
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
    out.put(Path::new("index.html"), index.as_bytes())?;

    // The audit: in full on the internal site; the reading room says what was verified.
    let mut page = ctx.clone();
    page["root"] = "".into();
    page["audit"] = serde_json::json!({
        "commits": audit.commits,
        "signatures": audit.signatures,
        "determinations": audit.determinations,
        "submissions": audit.submissions,
        "count": audit.findings.len(),
        "findings": if opts.audience.is_release() { serde_json::Value::Array(Vec::new()) } else { serde_json::to_value(&audit.findings).unwrap_or_default() },
    });
    let text = templates.render_named("site/audit.html", &page)?;
    out.put(Path::new("audit.html"), text.as_bytes())?;

    // The report: its PDF and CSV, and a page with the totals and the deviations.
    let files = ["report.pdf", "report.csv", "report.json"];
    for (file, bytes) in files.into_iter().zip(made) {
        if file == "report.json" {
            let report: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let mut page = ctx.clone();
            page["root"] = "".into();
            page["report"] = report;
            let text = templates.render_named("site/report.html", &page)?;
            out.put(Path::new("report.html"), text.as_bytes())?;
        } else {
            out.put(Path::new(file), &bytes)?;
        }
    }
    // The review-by and retention dates as a calendar a Privacy Office subscribes to.
    let mut ics = Vec::new();
    let cal = crate::print::Calendar {
        register: &name,
        stamp: opts.today,
        rows: &rows,
    };
    crate::print::status_ics(&mut ics, &crate::print::Printer::default(), &cal)
        .map_err(|e| Error::io(Path::new("reviews.ics"), e))?;
    out.put(Path::new("reviews.ics"), &ics)?;
    for (name, text) in crate::form::BUILTIN_TEMPLATES
        .iter()
        .filter(|(n, _)| n.starts_with("site/") && !n.ends_with(".html"))
    {
        let file = PathBuf::from(name.trim_start_matches("site/"));
        out.put(&file, text.as_bytes())?;
    }
    let summary = SiteSummary {
        pages: pages + 3,
        records: written.len(),
        bytes: out.total.load(std::sync::atomic::Ordering::Relaxed),
        left_out,
        reused,
    };
    Ok((summary, manifest))
}
