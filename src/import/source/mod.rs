//! The text of a SMOUT as it exists outside smout — a Word file, the text of a PDF (`pdftotext`
//! output, or the PDF itself when poppler is installed), or a transcription — as a list of
//! [`Unit`]s: paragraphs and tables in reading order, each with where it sits in the source.
//!
//! Word files are read from `word/document.xml` directly: a paragraph's runs are joined (Word
//! splits a sentence into runs wherever formatting or editing history changes), tracked
//! deletions are skipped, check boxes — Word content controls (`w14:checkbox`), legacy form
//! fields and Wingdings symbols alike — read as ☒ / ☐, and text smout's own Word output marks as
//! withheld in a release copy comes back as redaction markup: by its character style
//! (`smout withhold b6 b7C`, which LibreOffice and Word keep when they save the file again) or
//! its content control's tag (which Word keeps). Text that smout's Word copy withheld but that no
//! longer carries either mark — inside a `_smout_withheld_<n>` bookmark, or still shaded as
//! smout shades withheld text — is read between [`LOST_OPEN`] and [`LOST_CLOSE`], so that the
//! import refuses it instead of taking it as plain text.

mod docx;
mod model;
mod text;

use std::path::Path;

use crate::error::{Error, Result};
use crate::import::refusal::Refusal;

pub use docx::docx_units;
pub use model::{Unit, CHECKED, LOST_CLOSE, LOST_OPEN, UNCHECKED};
pub use text::text_units;
use text::{pdf_text, pdf_units};

pub use crate::render::marks::{WITHHELD_BOOKMARK, WITHHOLD_STYLE, WITHHOLD_TAG};

/// Largest source read (a Word file, a text).
const MAX_SOURCE_BYTES: u64 = 64 << 20;

/// Read the source at `path` by its extension: `.docx`, `.txt` (or `.md`), `.pdf`.
pub fn read(path: &Path) -> Result<(Vec<Unit>, Vec<u8>)> {
    let bytes =
        crate::store::fs::read_file(path, MAX_SOURCE_BYTES).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let units = match ext.as_str() {
        "docx" => docx_units(&bytes, &name)?,
        "txt" | "text" | "md" => text_units(&String::from_utf8_lossy(&bytes), &name),
        "pdf" => pdf_units(&pdf_text(path)?, &name),
        "doc" => return Err(Refusal::OldWord(name).into()),
        _ => return Err(Refusal::UnknownKind(name).into()),
    };
    // A filing's longest answer is a few pages. A paragraph of megabytes is another kind of
    // file, and reading its wording would take memory many times its size: refused, where.
    for u in &units {
        if let Unit::Para { text, loc, .. } = u {
            if text.len() > MAX_PARAGRAPH_BYTES {
                return Err(Refusal::ParagraphTooLong {
                    loc: loc.to_string(),
                    kb: text.len() / 1024,
                    max_kb: MAX_PARAGRAPH_BYTES / 1024,
                }
                .into());
            }
        }
    }
    Ok((units, bytes))
}

/// Longest paragraph import reads: a filing's longest answer is a few pages (tens of KB).
const MAX_PARAGRAPH_BYTES: usize = 1 << 20;

#[cfg(test)]
mod tests;
