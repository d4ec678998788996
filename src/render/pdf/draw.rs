//! Drawing: placed units become printpdf operations; each page gets its banner, running
//! heading, version line and page number.

use super::*;

// ---------------------------------------------------------------------------------------------
// Drawing.

pub(super) fn grey(v: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: v,
        icc_profile: None,
    })
}

/// Open the marked-content sequence of a drawing: content of a structure element (its MCID
/// recorded for the page, with `/ActualText` when it reads otherwise than it prints), or an
/// artifact.
fn begin_marked(
    ops: &mut Vec<Op>,
    mark: Mark,
    actual: Option<&str>,
    tree: &mut Tree,
    page: usize,
    marks: &mut Vec<u32>,
) {
    use printpdf::DictItem;
    match mark {
        Mark::Elem(e) => {
            let mcid = marks.len() as u32;
            marks.push(e);
            if let Some(el) = tree.elems.get_mut(e as usize) {
                el.kids.push(Kid::Content { page, mcid });
            }
            let mut map = std::collections::BTreeMap::new();
            map.insert("MCID".to_string(), DictItem::Int(i64::from(mcid)));
            if let Some(a) = actual {
                map.insert("ActualText".to_string(), actual_text(a));
            }
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: tree.role(e).to_string(),
                properties: DictItem::Dict { map },
            });
        }
        Mark::Pagination => {
            let mut map = std::collections::BTreeMap::new();
            map.insert("Type".to_string(), DictItem::Name(b"Pagination".to_vec()));
            ops.push(Op::BeginMarkedContentWithProperties {
                tag: "Artifact".into(),
                properties: DictItem::Dict { map },
            });
        }
        Mark::Artifact => ops.push(Op::BeginMarkedContent {
            tag: "Artifact".into(),
        }),
    }
}

/// `/ActualText` as a PDF text string.
fn actual_text(s: &str) -> printpdf::DictItem {
    let data = match s.is_ascii() {
        true => s.as_bytes().to_vec(),
        false => utf16_text(s),
    };
    printpdf::DictItem::String {
        literal: s.is_ascii(),
        data,
    }
}

/// The operations of one page's drawings; every one is marked content (`marks`: the structure
/// element of each MCID on the page, in order).
pub(super) fn ops_for(
    draws: &[Draw],
    fonts: &[FontId; 3],
    tree: &mut Tree,
    page: usize,
    marks: &mut Vec<u32>,
) -> Vec<Op> {
    let mut ops = Vec::with_capacity(draws.len() * 8);
    // The open marked-content sequence: consecutive drawings of one element (the lines of a
    // paragraph) share one, so each element reads as one piece of content.
    let mut open: Option<Mark> = None;
    let mut enter = |ops: &mut Vec<Op>, mark: Mark, actual: Option<&str>| {
        let joins = actual.is_none() && open == Some(mark);
        if joins {
            return;
        }
        if open.is_some() {
            ops.push(Op::EndMarkedContent);
        }
        begin_marked(ops, mark, actual, tree, page, marks);
        // A sequence with its own reading (a checkbox, a redaction label) stands alone.
        open = match actual {
            None => Some(mark),
            Some(_) => Some(Mark::Elem(u32::MAX)),
        };
    };
    for d in draws {
        match d {
            Draw::Text {
                x,
                y,
                text,
                face,
                size,
                grey: g,
                mark,
                actual,
            } => {
                if text.is_empty() {
                    continue;
                }
                let font = &fonts[*face as usize];
                enter(&mut ops, *mark, actual.as_deref());
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFillColor { col: grey(*g) });
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(*size),
                });
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(*x), Pt(*y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                enter(&mut ops, Mark::Artifact, None);
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                ops.push(Op::SetOutlineColor { col: grey(0.0) });
                let mode = match (fill, stroke) {
                    (Some(f), true) => {
                        ops.push(Op::SetFillColor { col: grey(*f) });
                        PaintMode::FillStroke
                    }
                    (Some(f), false) => {
                        ops.push(Op::SetFillColor { col: grey(*f) });
                        PaintMode::Fill
                    }
                    (None, _) => PaintMode::Stroke,
                };
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(*y),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(mode),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            Draw::Rule { x1, y1, x2, y2 } => {
                enter(&mut ops, Mark::Artifact, None);
                ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                ops.push(Op::SetOutlineColor { col: grey(0.0) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: Pt(*x1),
                                    y: Pt(*y1),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: Pt(*x2),
                                    y: Pt(*y2),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
        }
    }
    if open.is_some() {
        ops.push(Op::EndMarkedContent);
    }
    ops
}

pub(super) fn centered(text: &str, face: Face, size: f32, y: f32, sheet: Sheet) -> Draw {
    let w = text_width(text, face, size);
    Draw::Text {
        x: (sheet.w - w) / 2.0,
        y,
        text: text.to_string(),
        face,
        size,
        grey: 0.0,
        mark: Mark::Pagination,
        actual: None,
    }
}

/// Header and footer of one page: banner top and bottom, running heading, version, page N of M.
pub(super) fn decorate(page: &PageOut, n: usize, total: usize, doc: &Doc) -> Vec<Draw> {
    let mut d = Vec::new();
    let sheet = doc.sheet;
    if !doc.banner.is_empty() {
        d.push(centered(
            &doc.banner,
            Face::Bold,
            9.0,
            sheet.h - 30.0,
            sheet,
        ));
        d.push(centered(&doc.banner, Face::Bold, 9.0, 22.0, sheet));
    }
    if !page.running.is_empty() {
        d.push(centered(
            &page.running,
            Face::Bold,
            11.0,
            sheet.h - 54.0,
            sheet,
        ));
    }
    d.push(Draw::Rule {
        x1: MARGIN_X,
        y1: 50.0,
        x2: sheet.right(),
        y2: 50.0,
    });
    if !doc.footer.is_empty() {
        d.push(Draw::Text {
            x: MARGIN_X,
            y: 39.0,
            text: doc.footer.clone(),
            face: Face::Bold,
            size: 8.0,
            grey: 0.0,
            mark: Mark::Pagination,
            actual: None,
        });
    }
    let label = format!("Page {n} of {total}");
    let w = text_width(&label, Face::Regular, 8.0);
    d.push(Draw::Text {
        x: sheet.right() - w,
        y: 39.0,
        text: label,
        face: Face::Regular,
        size: 8.0,
        grey: 0.0,
        mark: Mark::Pagination,
        actual: None,
    });
    d
}
