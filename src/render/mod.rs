//! Rendering a record: the form and the record's answers become a *view* (what the template
//! sees, dumpable with `render --context`), which tera templates turn into HTML, Markdown, or the
//! block language our PDF layout engine paginates.
//!
//! Release copies are made here, before any template runs: exempt text is replaced by a
//! sentinel carrying only its FOIA label, so no later stage — template, layout, font subsetting,
//! metadata — ever sees the removed text.

mod build;
pub mod docx;

pub mod marks;
mod model;
pub mod pdf;
mod templates;
pub(crate) use templates::md_escape;
pub mod text;

use crate::error::Result;
use crate::register::Register;

pub(crate) use build::kept_name;
pub use build::{build_view, printed_items};
pub use marks::{REDACTION_CLOSE, REDACTION_OPEN, WITHHELD_CLOSE, WITHHELD_OPEN, WITHHELD_SEP};
pub use model::*;
pub use templates::Templates;

use build::view_of;

/// A SHA-256 of everything a record's renderings are made of: the record, its determinations,
/// mark, revision and attachments, the forms, the templates, the register's settings, smout
/// itself, whether it is a release copy and what else it withholds (an older revision withholds
/// what the record now withholds: a name marked since makes a new key), and the timestamp when
/// the caller pins one. Equal keys
/// make equal renderings (a PDF's own timestamp aside, when not pinned).
pub fn rendering_key(
    reg: &Register,
    templates: &Templates,
    src: &Source<'_>,
    opts: &RenderOptions,
    pinned: bool,
) -> String {
    let settings = format!("{:?}", reg.settings);
    let determinations = serde_json::to_vec(src.determinations).unwrap_or_default();
    let timestamp = if pinned {
        opts.timestamp.to_le_bytes()
    } else {
        [0; 8]
    };
    // What a release withholds beyond the text's own marks and `[release] redact`.
    let also = match (opts.audience.is_release(), src.also) {
        (true, Some(w)) => w.fingerprint(),
        _ => String::new(),
    };
    let fixed: [&[u8]; 12] = [
        crate::BUILD.as_bytes(),
        reg.forms.fingerprint().as_bytes(),
        templates.fingerprint().as_bytes(),
        settings.as_bytes(),
        &[u8::from(opts.audience.is_release())],
        &timestamp,
        src.id.as_bytes(),
        src.text.as_bytes(),
        &determinations,
        src.mark.as_bytes(),
        src.revision.as_bytes(),
        also.as_bytes(),
    ];
    let files = src
        .attachments
        .iter()
        .flat_map(|(name, bytes)| [name.as_bytes(), bytes.as_slice()]);
    crate::digest::sha256_of_parts(fixed.into_iter().chain(files))
}

/// Render a record to bytes in `format`.
pub fn render(
    reg: &Register,
    templates: &Templates,
    src: &Source<'_>,
    format: Format,
    opts: &RenderOptions,
) -> Result<Vec<u8>> {
    render_sharing(reg, templates, src, format, opts, &mut None)
}

/// [`render`], for several formats of one record in turn (the site writes its HTML and its
/// PDF): the record's view is made on the first call and kept in `view` for the next. A Word
/// rendering makes its own (its view carries the provenance marks).
pub fn render_sharing(
    reg: &Register,
    templates: &Templates,
    src: &Source<'_>,
    format: Format,
    opts: &RenderOptions,
    view: &mut Option<View>,
) -> Result<Vec<u8>> {
    let mine;
    let view = match format {
        Format::Docx => {
            mine = view_of(reg, src, opts, true)?;
            &mine
        }
        _ => match view {
            Some(v) => &*v,
            None => &*view.insert(view_of(reg, src, opts, false)?),
        },
    };
    let text = templates.render(view, format)?;
    match format {
        Format::Pdf => {
            let files = if opts.audience.is_release() {
                &[][..]
            } else {
                src.attachments
            };
            pdf::render_with(&view.id, &text, opts.timestamp, files)
        }
        Format::Docx => docx::render(
            &text,
            opts.timestamp,
            &[
                ("Record", view.id.clone()),
                ("Component", view.component.clone()),
                ("Form", view.form.id.clone()),
                ("FormVersion", view.form.version.clone()),
                ("ReleaseCopy", opts.audience.is_release().to_string()),
            ],
        ),
        _ => Ok(text.into_bytes()),
    }
}
