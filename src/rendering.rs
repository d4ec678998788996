//! Render jobs: a record at a revision ([`crate::revision`]) rendered to bytes (refusing a
//! release copy of a record that fails `check`), one record or all of them on every core. The command line only parses
//! and prints; this is where the work is.

use std::path::Path;

use crate::check::{check_text, CheckOptions};
use crate::diag::Severity;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::session::Session;

pub use crate::revision::{record_at, record_at_in, RecordAt};

use crate::render::{render, Format, RenderOptions, Source, Templates};

/// Why a rendering is refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A release copy of a record that fails `check`.
    #[error("{origin} has {errors} check error(s) (first: {first}); a release copy is made only of a record that passes `smout check {id}`")]
    ReleaseOfInvalid {
        /// Where the record was read.
        origin: String,
        /// How many errors.
        errors: usize,
        /// The first: its code and message.
        first: String,
        /// The record.
        id: String,
    },
}

crate::error::refusal!(Refusal);

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
            warn_pii: false,
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
    if opts.audience.is_release() {
        if let Some(first) = errors.first() {
            return Err(Refusal::ReleaseOfInvalid {
                origin: rec.origin.clone(),
                errors: errors.len(),
                first: format!("{} {}", first.code, first.message),
                id: rec.id.clone(),
            }
            .into());
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
    reg: &Session,
    templates: &Templates,
    opts: &RenderOptions,
    format: Format,
    dir: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<(usize, Vec<(String, Error)>)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let ids = reg.record_ids()?;
    // Every file is one smout may write (nothing it did not write is replaced), before any is.
    let store = reg.store();
    let suffix = if opts.audience.is_release() {
        "-release"
    } else {
        ""
    };
    let targets = ids
        .iter()
        .map(|id| store.check_output_file(&dir.join(format!("{id}{suffix}.{}", format.ext()))))
        .collect::<Result<Vec<_>>>()?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let jobs: Vec<(&String, &std::path::PathBuf)> = ids.iter().zip(&targets).collect();
    let results = reg.par_map(&jobs, |w, (id, path)| {
        let r = record_at_in(w.reg, w.store, id, None)
            .and_then(|rec| render_record(w.reg, templates, &rec, format, opts))
            .and_then(|(bytes, _)| {
                crate::store::fs::write_atomic(path, &bytes)
                    .map(|()| crate::store::output::sha256(&bytes))
                    .map_err(|e| Error::io(path, e))
            });
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, ids.len());
        Ok(match r {
            Ok(h) => (Some(((*path).clone(), h)), None),
            Err(e) => (None, Some(((*id).clone(), e))),
        })
    });
    let (written, failed): (Vec<_>, Vec<_>) = results
        .into_iter()
        .zip(&ids)
        .map(|(r, id)| r.unwrap_or_else(|e| (None, Some((id.clone(), e)))))
        .unzip();
    store.remember_outputs(&written.into_iter().flatten().collect::<Vec<_>>());
    Ok((ids.len(), failed.into_iter().flatten().collect()))
}
