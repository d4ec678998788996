//! Our own PDF layout: the `record.pdf` template emits a small block language (one directive a
//! line: `@h1`, `@p`, `@check`, `@table` …); this module wraps it into lines, paginates (keeping a
//! heading with what follows, repeating table headers), then writes each page's content stream
//! itself, with a header/footer pass ("Page N of M", the marking banner), into a PDF built with
//! lopdf. printpdf parses the fonts and, for a PDF beyond the Latin cut, subsets them; its own
//! serializer went through an operation value and a formatted number per operator, most of the
//! time of a render.
//!
//! Text is set in embedded DejaVu Sans so ☒ and ☐ print and no system font is needed: its
//! Latin cut (`assets/fonts/latin`), embedded whole, when that has every character of the PDF
//! (nearly always), else the full faces cut to the PDF's glyphs (`faces`). Each text run is its
//! own text object positioned with `Tm`. Output is reproducible:
//! object ids, fonts and the document ID are derived from the input, dates from the timestamp.
//!
//! One file per job: `blocks` parses the block language, `units` wraps styled text into
//! lines, `layout` turns blocks into unbreakable units, `paginate` puts them on pages,
//! `draw` writes pages' content streams, `faces` the fonts, `write` the outline, the
//! attachments and the document ID.

use std::sync::OnceLock;

use lopdf::dictionary;
use printpdf::ParsedFont;
use sha2::{Digest, Sha256};

use super::{REDACTION_CLOSE, REDACTION_OPEN};
use crate::error::{Error, Result};

/// DejaVu Sans, whole: embedded (as a subset) only in a PDF whose text needs a character the
/// Latin cut lacks.
const FULL_TTF: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/DejaVuSans-Oblique.ttf"),
];
/// DejaVu Sans cut to the characters of records and forms (`assets/fonts/make-latin.sh`),
/// deflated there: embedded whole and as they are in most PDFs, so no PDF pays for subsetting a
/// 700 KB font or deflating its cut.
const LATIN_ZLIB: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/latin/DejaVuSans.ttf.zlib"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Bold.ttf.zlib"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Oblique.ttf.zlib"),
];

/// The Latin cuts' font programs, as the deflated bytes above inflate to (a test holds them
/// to it).
const LATIN_TTF: [&[u8]; 3] = [
    include_bytes!("../../../assets/fonts/latin/DejaVuSans.ttf"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Bold.ttf"),
    include_bytes!("../../../assets/fonts/latin/DejaVuSans-Oblique.ttf"),
];

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
    /// The Latin cut of each face.
    latin: [ParsedFont; 3],
    upem: [f32; 3],
    /// Advances of the first 0x250 code points, per face ([`MISSING`] where the Latin cut
    /// lacks the character): measuring is most of laying out, and a cmap lookup per character
    /// per measurement was a twentieth of a render.
    table: [Vec<u16>; 3],
    /// The glyph of each of the first 0x250 code points in the Latin cut of each face
    /// ([`MISSING`] where it lacks the character): its code in a PDF that embeds the cut.
    gids: [Vec<u16>; 3],
}

/// Code points below this have their advance in `Fonts::table`.
const LATIN: u32 = 0x250;
/// In `Fonts::table`: not in the Latin cut.
const MISSING: u16 = u16::MAX;

fn parse_font(bytes: &[u8]) -> ParsedFont {
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("embedded DejaVu Sans parses")
}

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        let latin = LATIN_TTF.map(parse_font);
        let upem = [0, 1, 2].map(|i| f32::from(latin[i].pdf_font_metrics.units_per_em.max(1)));
        let gids = [0, 1, 2].map(|i| {
            (0..LATIN)
                .map(|c| latin[i].lookup_glyph_index(c).unwrap_or(MISSING))
                .collect::<Vec<u16>>()
        });
        let table = [0, 1, 2].map(|i| {
            gids[i]
                .iter()
                .map(|&g| match g {
                    MISSING => MISSING,
                    g => latin[i].get_horizontal_advance(g),
                })
                .collect()
        });
        Fonts {
            latin,
            upem,
            table,
            gids,
        }
    })
}

/// The whole faces, parsed on first need (a character outside the Latin cut).
fn full_fonts() -> &'static [ParsedFont; 3] {
    static F: OnceLock<[ParsedFont; 3]> = OnceLock::new();
    F.get_or_init(|| FULL_TTF.map(parse_font))
}

/// The characters of `s` the PDF cannot print, each once, in order: DejaVu Sans has no glyph
/// for them (CJK, most Indic scripts …), so they show as empty boxes and are lost to copying
/// and to screen readers. `check` warns of them (SM024).
pub fn unprintable(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() || c.is_control() || out.contains(&c) || in_latin(Face::Regular, c) {
            continue;
        }
        if full_fonts()[Face::Regular as usize]
            .lookup_glyph_index(c as u32)
            .is_none()
        {
            out.push(c);
        }
    }
    out
}

/// The advance of `c` in the Latin cut of `face`, in font units (`None`: the cut lacks it).
fn latin_advance(f: &Fonts, face: Face, c: char) -> Option<u16> {
    match f.table[face as usize].get(c as usize) {
        Some(&a) => (a != MISSING).then_some(a),
        None => {
            let latin = &f.latin[face as usize];
            latin
                .lookup_glyph_index(c as u32)
                .map(|g| latin.get_horizontal_advance(g))
        }
    }
}

/// Whether the Latin cut of `face` has `c`.
fn in_latin(face: Face, c: char) -> bool {
    latin_advance(fonts(), face, c).is_some()
}

/// The advance of `c` in `face`, in font units: DejaVu's own, from whichever cut has it.
fn advance(f: &Fonts, face: Face, c: char) -> u16 {
    latin_advance(f, face, c).unwrap_or_else(|| {
        let full = &full_fonts()[face as usize];
        full.get_horizontal_advance(full.lookup_glyph_index(c as u32).unwrap_or(0))
    })
}

/// Width of `s` in points.
fn text_width(s: &str, face: Face, size: f32) -> f32 {
    let f = fonts();
    let units: u32 = s.chars().map(|c| u32::from(advance(f, face, c))).sum();
    units as f32 / f.upem[face as usize] * size
}

mod blocks;
mod draw;
mod faces;
mod layout;
mod paginate;
mod tag;
mod units;
mod write;

use blocks::*;
use draw::*;
use faces::*;
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

    // Every page's drawing: page furniture first, then the body in reading order.
    let page_draws: Vec<Vec<Draw>> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let mut draws = decorate(page, i + 1, total, &doc);
            draws.extend(page.draws.iter().cloned());
            draws
        })
        .collect();
    let faces = Faces::new(page_draws.iter().flatten().filter_map(|d| match d {
        Draw::Text { face, text, .. } => Some((*face, text.as_str())),
        _ => None,
    }));
    let title = plain_meta(&doc.meta_title);
    let producer = format!("smout {}", env!("CARGO_PKG_VERSION"));
    let mut lo = lopdf::Document::with_version("1.7");
    lo.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let pages_id = lo.new_object_id();
    let fonts = faces.write(&mut lo);
    let resources = lo.add_object(dictionary! { "Font" => fonts });
    let media_box: Vec<lopdf::Object> = [0.0, 0.0, doc.sheet.w, doc.sheet.h]
        .into_iter()
        .map(lopdf::Object::Real)
        .collect();
    // The structure element of each MCID, page by page.
    let mut marks: Vec<Vec<u32>> = Vec::with_capacity(total);
    let mut page_ids = Vec::with_capacity(total);
    for (i, draws) in page_draws.iter().enumerate() {
        let mut page_marks = Vec::new();
        let stream = content(draws, &faces, &mut tree, i, &mut page_marks);
        let contents = lo.add_object(lopdf::Stream::new(dictionary! {}, stream));
        page_ids.push(lo.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => media_box.clone(),
            "Resources" => resources,
            "Contents" => contents,
        }));
        marks.push(page_marks);
    }
    lo.objects.insert(
        pages_id,
        lopdf::Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Count" => total as i64,
            "Kids" => page_ids.iter().map(|p| lopdf::Object::Reference(*p)).collect::<Vec<_>>(),
        }),
    );
    let date = chrono::DateTime::from_timestamp(timestamp, 0).unwrap_or_default();
    let pdf_date = date.format("D:%Y%m%d%H%M%S+00'00'").to_string();
    let info = lo.add_object(dictionary! {
        "Title" => text_string(&title),
        "Author" => text_string(&plain_meta(&doc.meta_author)),
        "Subject" => text_string(&plain_meta(&doc.meta_subject)),
        "Creator" => text_string("smout"),
        "Producer" => text_string(&producer),
        "CreationDate" => lopdf::Object::string_literal(pdf_date.clone()),
        "ModDate" => lopdf::Object::string_literal(pdf_date),
        "Trapped" => "False",
        "Identifier" => lopdf::Object::string_literal(identifier),
    });
    let mut catalog = dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "PageLayout" => "OneColumn",
        "PageMode" => "UseOutlines",
    };
    if let Some(outlines) = write_outline(&mut lo, &outline, &page_ids) {
        catalog.set("Outlines", outlines);
    }
    let catalog = lo.add_object(catalog);
    lo.trailer.set("Root", catalog);
    lo.trailer.set("Info", info);
    set_id(&mut lo, blocks);
    let iso = date.format("%Y-%m-%dT%H:%M:%SZ").to_string();
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

    /// The deflated cuts embedded are the fonts smout measures with (make-latin.sh makes both).
    #[test]
    fn the_deflated_latin_cuts_are_the_fonts_measured() {
        for (z, ttf) in LATIN_ZLIB.iter().zip(LATIN_TTF) {
            let mut inflated = vec![0; ttf.len() + 1];
            let n = libdeflater::Decompressor::new()
                .zlib_decompress(z, &mut inflated)
                .unwrap();
            assert!(inflated[..n] == *ttf, "run assets/fonts/make-latin.sh");
        }
    }

    /// Layout measures with whichever cut has a character: the Latin cut must be DejaVu's own
    /// metrics, so a PDF lays out the same whatever fonts it embeds.
    #[test]
    fn the_latin_cut_has_the_full_faces_metrics() {
        let f = fonts();
        let full = full_fonts();
        let mut covered = 0;
        for face in [Face::Regular, Face::Bold, Face::Italic] {
            let (cut, whole) = (&f.latin[face as usize], &full[face as usize]);
            assert_eq!(
                cut.pdf_font_metrics.units_per_em,
                whole.pdf_font_metrics.units_per_em
            );
            for c in (0x20..0x3000).filter_map(char::from_u32) {
                let Some(g) = cut.lookup_glyph_index(c as u32) else {
                    continue;
                };
                let w = whole
                    .lookup_glyph_index(c as u32)
                    .expect("in the full face");
                assert_eq!(
                    cut.get_horizontal_advance(g),
                    whole.get_horizontal_advance(w),
                    "{c:?} in {face:?}"
                );
                assert!(in_latin(face, c));
                covered += 1;
            }
            for c in ['a', 'é', 'Ł', '—', '☐', '☒', '⁷', '§'] {
                assert!(in_latin(face, c), "{c:?} in {face:?}");
            }
            assert!(!in_latin(face, 'Ж'));
        }
        assert!(covered > 3 * 350, "{covered}");
    }

    /// Numbers in content streams: to a thousandth, no trailing zeros, no `-0`.
    #[test]
    fn content_numbers_are_short_and_exact_to_a_thousandth() {
        let cases: [(f32, &str); 12] = [
            (0.0, "0"),
            (612.0, "612"),
            (0.6, "0.6"),
            (0.92, "0.92"),
            (170.52759, "170.528"),
            (-3.25, "-3.25"),
            (-0.0004, "0"),
            (1e-9, "0"),
            (17.880001, "17.88"),
            (0.05, "0.05"),
            (2.005, "2.005"),
            (1234567.0, "1234567"),
        ];
        for (v, want) in cases {
            let mut out = Vec::new();
            num(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), want, "{v}");
        }
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
        let spans = [(
            format!("{REDACTION_OPEN}(b) (6){REDACTION_CLOSE}"),
            Face::Regular,
        )];
        let short = tokens(&spans, 10.0);
        assert!(matches!(&short[0], Token::Box { label, .. } if label == "(b) (6)"));
    }
}
