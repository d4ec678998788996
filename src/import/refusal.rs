//! Why a document is not imported (nothing was written).

use std::path::PathBuf;

/// Why a document is not imported. Each says what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A Word 97–2003 file.
    #[error("{0} is a Word 97–2003 file (.doc), which smout does not read; open it in Word and save it as .docx (or run `libreoffice --headless --convert-to docx {0}`), then import the .docx")]
    OldWord(String),
    /// A kind of file smout does not import.
    #[error("{0}: smout imports .docx, .txt (the text of a PDF, e.g. `pdftotext -layout file.pdf`) and .pdf; rename or convert the file")]
    UnknownKind(String),
    /// A paragraph longer than any filing's answer (at `loc`, of `kb` KB).
    #[error("{loc}: a paragraph of {kb} KB — a SMOUT filing's longest answer is a few pages (smout reads paragraphs up to {max_kb} KB). Is this the filing? If it is, break the text into its paragraphs (a blank line between them) and import it again")]
    ParagraphTooLong {
        /// Where.
        loc: String,
        /// Its size.
        kb: usize,
        /// The limit.
        max_kb: usize,
    },
    /// Not a .docx smout can read.
    #[error(
        "{name} is not a Word file smout can read ({why}); open it in Word and save it as .docx"
    )]
    NotWord {
        /// The file.
        name: String,
        /// What is wrong with it.
        why: String,
    },
    /// A part that would inflate past the limit.
    #[error("{name} would inflate its text ({part}, {compressed_kb} KB compressed) past {limit_mb} MB: that is a zip bomb, not a filing; smout read no more of it")]
    ZipBomb {
        /// The file.
        name: String,
        /// The part.
        part: String,
        /// The file's size.
        compressed_kb: String,
        /// The limit.
        limit_mb: u64,
    },
    /// `word/document.xml` is not well-formed.
    #[error("{name}: word/document.xml is not well-formed XML at byte {at} ({why}); open it in Word and save it again")]
    BadXml {
        /// The file.
        name: String,
        /// Where.
        at: u64,
        /// What the XML reader said.
        why: String,
    },
    /// Text of the document that does not decode.
    #[error("{name}: {why}")]
    BadText {
        /// The file.
        name: String,
        /// What the XML reader said.
        why: String,
    },
    /// A PDF, and no `pdftotext` to read it.
    #[error("reading {} needs poppler's `pdftotext`, which is not installed: install poppler-utils, or convert the PDF yourself (`pdftotext file.pdf file.txt`) and import the .txt", .0.display())]
    NoPdftotext(PathBuf),
    /// `pdftotext` failed.
    #[error("pdftotext could not read {}: {why}", .path.display())]
    PdftotextFailed {
        /// The PDF.
        path: PathBuf,
        /// What it said.
        why: String,
    },
    /// No text at all.
    #[error("{0} holds no text smout can read (a scanned PDF needs OCR first)")]
    NoText(String),
    /// Withheld text whose marks an editor lost.
    #[error("{name}: text smout's Word copy marked as withheld has lost its marks or the exemptions they name ({n} place(s); an editor dropped or renamed them when it saved the file): {what}. Imported as it is, that text would be plain text a release copy prints, so nothing was imported. In the Word file, select each shaded passage and apply a character style named \"{style} <exemptions>\" (e.g. \"{style} b6 b7C\"), or take the gray shading off text that is not withheld, and import it again; or make the change in the record and render a new Word copy (`smout render <id> --format docx`).")]
    LostMarks {
        /// The file.
        name: String,
        /// How many places.
        n: usize,
        /// Which answers, or where in the document.
        what: String,
        /// The style's name.
        style: &'static str,
    },
}

crate::error::refusal!(Refusal);
