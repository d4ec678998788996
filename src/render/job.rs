//! Render jobs: the record at a revision, rendered to bytes (refusing a release copy of a record
//! that fails `check`), one record or all of them on every core. The command line only parses
//! and prints; this is where the work is.

use std::path::Path;

use crate::check::{check_text, CheckOptions};
use crate::determination::Determinations;
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::store::history::Side;
use crate::store::Store;

use super::{render, Format, RenderOptions, Source, Templates};

/// A record at a revision: its text, its determinations, and where they came from.
#[derive(Debug, Clone)]
pub struct RecordAt {
    /// The record's id.
    pub id: String,
    /// record.toml.
    pub text: String,
    /// Its determinations (always from history: at the revision, or HEAD's for the work tree).
    pub determinations: Determinations,
    /// `records/x/record.toml` or `records/x/record.toml at submission/2`.
    pub origin: String,
    /// What it is when it is not exactly a submission (`DRAFT`, `CHANGED SINCE SUBMISSION 2`,
    /// `NOT A SUBMISSION`); empty when it is one.
    pub mark: String,
    /// Which revision it is (`submission 2`, `working tree`, `HEAD~1`).
    pub revision: String,
    /// The files it attaches (name, bytes), at the same revision.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// For a revision other than the record as it stands: what a release withholds of it,
    /// with whatever the record now withholds ([`crate::release::Withholding`], as a release
    /// diff withholds it) — a name marked `[[…]]` since, a field under `[release] redact`
    /// since. `None` for the record as it stands (its own markup says what is withheld).
    pub current: Option<crate::release::Withholding>,
}

/// What a release copy of the record at `text` (an older revision) withholds beyond its own
/// markup: whatever it or the record as it stands withholds. `None` when it is the record as
/// it stands (or either does not read), whose copy withholds what its markup says.
fn withheld_since(store: &Store, id: &str, text: &str) -> Option<crate::release::Withholding> {
    let at: toml::Table = toml::from_str(text).ok()?;
    let now = crate::diff::current_record(store, id)?;
    (at != now).then(|| crate::release::Withholding::of([&at, &now]))
}

/// The attachments `text` names, read from the same side.
fn attachments_of(
    reg: &Register,
    store: &Store,
    id: &str,
    text: &str,
    side: &Side,
) -> Vec<(String, Vec<u8>)> {
    let (Ok(table), Ok(form)) = (toml::from_str::<toml::Table>(text), reg.form_of(id)) else {
        return Vec::new();
    };
    store.attachments(id, side, &form.attachments(&table))
}

/// Record `id` at `rev` (`None`: the working tree), with every revision name `diff` knows
/// (`approved`, `submitted`, `submission/N`, any git revision) resolved by the one resolver.
pub fn record_at(reg: &Register, id: &str, rev: Option<&str>) -> Result<RecordAt> {
    record_at_in(reg, &Store::open(&reg.root)?, id, rev)
}

/// [`record_at`] through a store already open (the site renders thousands from one).
pub fn record_at_in(
    reg: &Register,
    store: &Store,
    id: &str,
    rev: Option<&str>,
) -> Result<RecordAt> {
    crate::register::validate_id(id)?;
    let rel = Register::record_rel(id);
    let drel = Register::determinations_rel(id);
    let Some(rev) = rev else {
        if !reg.record_dir(id).exists() {
            return Err(reg.no_record(id));
        }
        let text = store
            .read_text(&rel, crate::store::fs::MAX_TEXT_BYTES)?
            .ok_or_else(|| reg.no_record(id))?;
        // Decisions come from history: the committed determinations, not the working tree's.
        let determinations = store.committed_determinations(id)?;
        // Exactly the latest submission, or a draft, or changed since.
        let latest = match store.has_repo() {
            true => store.submissions(id)?.last().cloned().map(|s| {
                let same = store
                    .submission_commit(&s)
                    .and_then(|c| store.record_text(id, &Side::Commit(c)))
                    .is_ok_and(|t| t == text);
                (s.n, same)
            }),
            false => None,
        };
        let (mark, revision) = match latest {
            None => (
                "DRAFT — NOT SUBMITTED".to_string(),
                "working tree".to_string(),
            ),
            Some((n, true)) => (String::new(), format!("submission {n}")),
            Some((n, false)) => (
                format!("CHANGED SINCE SUBMISSION {n}"),
                "working tree".into(),
            ),
        };
        let attachments = attachments_of(reg, store, id, &text, &Side::Worktree);
        return Ok(RecordAt {
            id: id.to_string(),
            text,
            determinations,
            origin: rel,
            mark,
            revision,
            attachments,
            current: None,
        });
    };
    let (side, label) = store.resolve(reg, id, rev)?;
    let Side::Commit(oid) = side else {
        return record_at(reg, id, None);
    };
    let text = store.record_text(id, &side)?;
    // A revision that is a submission's commit is that submission, printed with the
    // determinations recorded on it (as HEAD has them committed); any other revision is not a
    // submission, printed with the determinations of its time.
    let subs = store.submissions(id)?;
    let (mark, revision, determinations) = match subs.iter().find(|s| s.commit == oid.to_string()) {
        Some(s) => {
            let mut all = store.committed_determinations(id)?;
            all.determinations.retain(|d| d.submission == s.n);
            all.appeals.retain(|d| d.submission == s.n);
            (String::new(), format!("submission {}", s.n), all)
        }
        None => {
            let dtext = store.read_at(oid, &drel)?.unwrap_or_default();
            let at = Determinations::parse(&dtext, Path::new(&drel))?;
            ("NOT A SUBMISSION".to_string(), label.clone(), at)
        }
    };
    let attachments = attachments_of(reg, store, id, &text, &side);
    let current = withheld_since(store, id, &text);
    Ok(RecordAt {
        id: id.to_string(),
        text,
        determinations,
        origin: format!("{rel} at {label}"),
        mark,
        revision,
        attachments,
        current,
    })
}

/// Render `rec` in `format`; returns the bytes and the mark printed on every page (empty when
/// the rendering is exactly a submission). A release copy of a record with check errors is
/// refused: a value of the wrong type or malformed markup could otherwise reach the page; an
/// internal copy of one is marked NOT VALID.
pub fn render_record(
    reg: &Register,
    templates: &Templates,
    rec: &RecordAt,
    format: Format,
    opts: &RenderOptions,
) -> Result<(Vec<u8>, String)> {
    let mark = checked_mark(reg, rec, opts)?;
    let src = rec.source(mark.clone());
    Ok((render(reg, templates, &src, format, opts)?, mark))
}

/// Check `rec` and say what its renderings are marked with (its own mark, and `NOT VALID`
/// when check finds errors); a release copy of a record with errors is refused.
pub fn checked_mark(reg: &Register, rec: &RecordAt, opts: &RenderOptions) -> Result<String> {
    let findings = check_text(
        reg,
        &rec.text,
        &rec.origin,
        None,
        &CheckOptions {
            today: opts.today,
            release: false,
        },
    );
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let mut mark = rec.mark.clone();
    if !errors.is_empty() {
        let invalid = format!(
            "NOT VALID: {} CHECK ERROR{}",
            errors.len(),
            if errors.len() == 1 { "" } else { "S" }
        );
        mark = if mark.is_empty() {
            invalid
        } else {
            format!("{mark} — {invalid}")
        };
    }
    if opts.release {
        if let Some(first) = errors.first() {
            return Err(Error::Refused(format!(
                "{} has {} check error(s) (first: {} {}); a release copy is made only of a record that passes `smout check {}`",
                rec.origin,
                errors.len(),
                first.code,
                first.message,
                rec.id
            )));
        }
    }
    Ok(mark)
}

impl RecordAt {
    /// What the renderers read, with `mark` on every page.
    pub fn source(&self, mark: String) -> Source<'_> {
        Source {
            id: &self.id,
            text: &self.text,
            determinations: &self.determinations,
            origin: self.origin.clone(),
            mark,
            revision: self.revision.clone(),
            attachments: &self.attachments,
            also: self.current.as_ref(),
        }
    }
}

/// The view the templates of `rec` are given (`render --context`): every value a template can
/// use, as JSON shows it.
pub fn render_context(
    reg: &Register,
    rec: &RecordAt,
    opts: &RenderOptions,
) -> Result<crate::render::View> {
    crate::render::build_view(reg, &rec.source(rec.mark.clone()), opts)
}

/// Render every record into `dir` on all cores, calling `progress(done, total)` as records are
/// done. Returns the records that failed, with why.
pub fn render_all(
    reg: &Register,
    templates: &Templates,
    opts: &RenderOptions,
    format: Format,
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(usize, Vec<(String, Error)>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let ids = reg.record_ids()?;
    // Every file is one smout may write (nothing it did not write is replaced), before any is.
    let store = Store::open(&reg.root)?;
    let suffix = if opts.release { "-release" } else { "" };
    let targets = ids
        .iter()
        .map(|id| store.check_output_file(&dir.join(format!("{id}{suffix}.{}", format.ext()))))
        .collect::<Result<Vec<_>>>()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let jobs: Vec<(&String, &std::path::PathBuf)> = ids.iter().zip(&targets).collect();
    let results = crate::par::map(
        &jobs,
        || (),
        |_, (id, path)| {
            let r = record_at(reg, id, None)
                .and_then(|rec| render_record(reg, templates, &rec, format, opts))
                .and_then(|(bytes, _)| {
                    crate::store::fs::write_atomic(path, &bytes)
                        .map(|()| crate::store::output::sha256(&bytes))
                        .map_err(|e| Error::io(path, e))
                });
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(n, ids.len());
            match r {
                Ok(h) => (Some(((*path).clone(), h)), None),
                Err(e) => (None, Some(((*id).clone(), e))),
            }
        },
    );
    let (written, failed): (Vec<_>, Vec<_>) = results.into_iter().unzip();
    store.remember_outputs(&written.into_iter().flatten().collect::<Vec<_>>());
    Ok((ids.len(), failed.into_iter().flatten().collect()))
}
