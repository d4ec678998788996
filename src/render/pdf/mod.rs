//! Our own PDF layout: the `record.pdf` template emits a small block language (one directive a
//! line: `@h1`, `@p`, `@check`, `@table` …); this module wraps it into lines, paginates (keeping a
//! heading with what follows, repeating table headers), then draws each page with printpdf's
//! low-level ops and a header/footer pass ("Page N of M", the marking banner).
//!
//! Text is set in embedded DejaVu Sans so ☒ and ☐ print and no system font is needed. Each
//! text run is its own text section positioned with `SetTextMatrix`. Output is reproducible:
//! object ids, fonts and the document ID are derived from the input, dates from the timestamp.
//!
//! One file per job: [`blocks`] parses the block language, [`units`] wraps styled text into
//! lines, [`layout`] turns blocks into unbreakable units, [`paginate`] puts them on pages,
//! [`draw`] turns pages into printpdf operations, [`write`] makes the file reproducible.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};
use sha2::{Digest, Sha256};

use super::{REDACTION_CLOSE, REDACTION_OPEN};
use crate::error::{Error, Result};

const REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");
const ITALIC_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Oblique.ttf");

/// The typeface of a run of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Face {
    #[default]
    Regular,
    Bold,
    /// The template's italics (a directive's title, a rule's name): DejaVu Sans Oblique.
    Italic,
}

/// Form text marks italics `*thus*`; the `pdf` filter turns the marks into these (and strips
/// them from every other string), so a value typed with asterisks prints as typed.
pub const ITALIC_OPEN: char = '\u{E020}';
/// Closes [`ITALIC_OPEN`].
pub const ITALIC_CLOSE: char = '\u{E021}';

const MARGIN_X: f32 = 60.0;
const BOTTOM: f32 = 70.0;

/// The paper: US Letter, upright (forms) or on its side (`@sheet landscape`: wide tables).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Sheet {
    pub(super) w: f32,
    pub(super) h: f32,
}

impl Default for Sheet {
    fn default() -> Sheet {
        Sheet::LETTER
    }
}

impl Sheet {
    pub(super) const LETTER: Sheet = Sheet { w: 612.0, h: 792.0 };

    pub(super) fn landscape(self) -> Sheet {
        Sheet {
            w: self.h.max(self.w),
            h: self.h.min(self.w),
        }
    }

    /// Where the body starts, below the banner and the running heading.
    pub(super) fn top(self) -> f32 {
        self.h - 78.0
    }

    /// The body's right edge.
    pub(super) fn right(self) -> f32 {
        self.w - MARGIN_X
    }
}
const BODY: f32 = 10.0;
const LEADING: f32 = 1.32;
const INDENT: f32 = 18.0;
const BOX_TICKED: &str = "☒";
/// The markers footnotes start with.
const SUPERSCRIPTS: &str = "¹²³⁴⁵⁶⁷⁸⁹⁰";
const BOX_EMPTY: &str = "☐";

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    italic: ParsedFont,
    upem: [f32; 3],
    /// Advances of the first 0x250 code points (Latin), per face: measuring is most of laying
    /// out, and a cmap lookup per character per measurement was a twentieth of a render.
    latin: [Vec<u16>; 3],
}

/// Code points below this have their advance in `Fonts::latin`.
const LATIN: u32 = 0x250;

fn advance(font: &ParsedFont, c: u32) -> u16 {
    font.get_horizontal_advance(font.lookup_glyph_index(c).unwrap_or(0))
}

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())
            .expect("embedded DejaVu Sans parses");
        let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())
            .expect("embedded DejaVu Sans Bold parses");
        let italic = ParsedFont::from_bytes(ITALIC_TTF, 0, &mut Vec::new())
            .expect("embedded DejaVu Sans Oblique parses");
        let upem = [
            f32::from(regular.pdf_font_metrics.units_per_em.max(1)),
            f32::from(bold.pdf_font_metrics.units_per_em.max(1)),
            f32::from(italic.pdf_font_metrics.units_per_em.max(1)),
        ];
        let latin = [&regular, &bold, &italic].map(|f| (0..LATIN).map(|c| advance(f, c)).collect());
        Fonts {
            regular,
            bold,
            italic,
            upem,
            latin,
        }
    })
}

/// Width of `s` in points.
fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let f = fonts();
    let (font, upem) = match face {
        Face::Regular => (&f.regular, f.upem[0]),
        Face::Bold => (&f.bold, f.upem[1]),
        Face::Italic => (&f.italic, f.upem[2]),
    };
    let table = &f.latin[face as usize];
    let units: u32 = s
        .chars()
        .map(|c| match table.get(c as usize) {
            Some(a) => u32::from(*a),
            None => u32::from(advance(font, c as u32)),
        })
        .sum();
    units as f32 / upem * size
}

mod blocks;
mod draw;
mod layout;
mod paginate;
mod tag;
mod units;
mod write;

use blocks::*;
use draw::*;
use layout::*;
use paginate::*;
use tag::*;
use units::*;
use write::*;

pub(crate) use blocks::{Block, Doc};
pub(crate) use write::plain_meta;

/// Parse the block language (for the other writers of the same template, Word's).
pub(crate) fn parse_blocks(text: &str) -> Result<Doc> {
    parse(text)
}

/// Lay out the block-language text and write the PDF.
pub fn render(identifier: &str, blocks: &str, timestamp: i64) -> Result<Vec<u8>> {
    render_with(identifier, blocks, timestamp, &[])
}

/// Render blocks to a PDF with `files` (name, bytes) attached as embedded files — the
/// attachments a filing names, so the submission is one file.
pub fn render_with(
    identifier: &str,
    blocks: &str,
    timestamp: i64,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    let doc = parse(blocks)?;
    let mut layout = Layout::new(doc.sheet);
    for b in doc.blocks.iter().cloned() {
        layout.block(b);
    }
    let mut tree = std::mem::take(&mut layout.tree);
    let (pages, outline) = paginate(layout.units, doc.sheet);
    let total = pages.len();

    let f = fonts();
    let mut pdf = PdfDocument::new(&plain_meta(&doc.meta_title));
    let ids = [
        FontId("F1".into()),
        FontId("F2".into()),
        FontId("F3".into()),
    ];
    let uses_italic = pages.iter().any(|p| {
        p.draws.iter().any(|d| {
            matches!(
                d,
                Draw::Text {
                    face: Face::Italic,
                    ..
                }
            )
        })
    });
    for (id, font) in ids.iter().zip([&f.regular, &f.bold, &f.italic]) {
        if id.0 == "F3" && !uses_italic {
            continue;
        }
        pdf.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(font.clone()));
    }
    let date = printpdf::OffsetDateTime::from_unix_timestamp(timestamp)
        .unwrap_or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0).expect("epoch"));
    let info = &mut pdf.metadata.info;
    info.document_title = plain_meta(&doc.meta_title);
    info.author = plain_meta(&doc.meta_author);
    info.subject = plain_meta(&doc.meta_subject);
    info.creator = "smout".into();
    info.producer = format!("smout {}", env!("CARGO_PKG_VERSION"));
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.identifier = identifier.to_string();

    let mut out_pages = Vec::with_capacity(total);
    // The structure element of each MCID, page by page.
    let mut marks: Vec<Vec<u32>> = Vec::with_capacity(total);
    for (i, page) in pages.iter().enumerate() {
        // Page furniture first, then the body in reading order.
        let mut draws = decorate(page, i + 1, total, &doc);
        draws.extend(page.draws.iter().cloned());
        let mut page_marks = Vec::new();
        out_pages.push(PdfPage::new(
            Mm(doc.sheet.w * 25.4 / 72.0),
            Mm(doc.sheet.h * 25.4 / 72.0),
            ops_for(&draws, &ids, &mut tree, i, &mut page_marks),
        ));
        marks.push(page_marks);
    }
    pdf.with_pages(out_pages);
    for (k, (title, page)) in outline.iter().enumerate() {
        pdf.bookmarks.map.insert(
            printpdf::PageAnnotId(format!("B{k:04}")),
            printpdf::PageAnnotation {
                name: title.clone(),
                page: *page,
            },
        );
    }
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut lo = pdf.to_lopdf_document(&opts, &mut Vec::new());
    finish(&mut lo, &outline, blocks);
    let title = plain_meta(&doc.meta_title);
    let producer = format!("smout {}", env!("CARGO_PKG_VERSION"));
    let iso = chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    write_structure(
        &mut lo,
        &tree,
        &marks,
        &Catalog {
            title: &title,
            lang: &doc.meta_lang,
            producer: &producer,
            date: &iso,
        },
    );
    embed(&mut lo, files);
    compress(&mut lo);
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| Error::Refused(format!("writing the PDF failed: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_cells_split_at_unescaped_bars_only() {
        assert_eq!(
            cells(r"a \| b|c\nd"),
            vec!["a | b".to_string(), "c\nd".to_string()]
        );
    }

    #[test]
    fn long_text_wraps_within_the_margins() {
        let text = "word ".repeat(200);
        let lines = wrap(&[(text, Face::Regular)], 60.0, 60.0, 552.0, 10.0);
        assert!(lines.len() > 5);
        for l in &lines {
            for d in &l.draws {
                if let Draw::Text { x, text, .. } = d {
                    assert!(
                        x + text_width(text, Face::Regular, 10.0) <= 552.5,
                        "overflows: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn redaction_boxes_do_not_depend_on_the_removed_text() {
        let short = tokens(
            &[(
                format!("{REDACTION_OPEN}(b) (6){REDACTION_CLOSE}"),
                Face::Regular,
            )],
            10.0,
        );
        assert!(matches!(&short[0], Token::Box { label, .. } if label == "(b) (6)"));
    }
}
