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

use lopdf::dictionary;

pub use super::marks::{ITALIC_CLOSE, ITALIC_OPEN};
use crate::error::{Error, Result};

mod blocks;
mod draw;
mod faces;
mod layout;
pub(crate) mod metrics;
mod paginate;
mod strings;
mod tag;
mod units;
mod write;

use blocks::*;
use draw::*;
use faces::*;
use layout::*;
use paginate::*;
use strings::*;
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
    lo.save_to(&mut bytes).map_err(|e| Error::Write {
        what: "the PDF",
        source: Box::new(e),
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::metrics::*;
    use super::*;
    use crate::render::marks::{REDACTION_CLOSE, REDACTION_OPEN};

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
