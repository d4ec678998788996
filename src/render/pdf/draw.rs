//! Drawing: placed units become content-stream operators; each page gets its banner, running
//! heading, version line and page number.

use super::strings::{literal_byte, utf16_text};
use super::{blocks::*, faces::*, metrics::*, paginate::*, tag::*, units::*};

// ---------------------------------------------------------------------------------------------
// Drawing.

/// Append a number to a content stream: to a thousandth of a point (far finer than print or
/// screen), without trailing zeros; digit by digit (this runs for every operand of every page).
pub(super) fn num(out: &mut Vec<u8>, v: f32) {
    let milli = (f64::from(v) * 1000.0).round() as i64;
    if milli < 0 {
        out.push(b'-');
    }
    let milli = milli.unsigned_abs();
    digits(out, milli / 1000);
    let frac = milli % 1000;
    if frac != 0 {
        out.push(b'.');
        let d = [frac / 100, frac / 10 % 10, frac % 10];
        let places = match d {
            [_, 0, 0] => 1,
            [_, _, 0] => 2,
            _ => 3,
        };
        out.extend(d[..places].iter().map(|&x| b'0' + x as u8));
    }
}

/// Append `n` in decimal.
fn digits(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Append numbers, each followed by a space, then an operator and a newline.
fn op(out: &mut Vec<u8>, args: &[f32], operator: &str) {
    for &a in args {
        num(out, a);
        out.push(b' ');
    }
    out.extend_from_slice(operator.as_bytes());
    out.push(b'\n');
}

/// A PDF string in a content stream: ASCII as a literal (escaped), anything else as UTF-16BE
/// hex with its byte-order mark.
fn string(out: &mut Vec<u8>, s: &str) {
    if s.is_ascii() {
        out.push(b'(');
        for b in s.bytes() {
            literal_byte(out, b);
        }
        out.push(b')');
    } else {
        out.push(b'<');
        for b in utf16_text(s) {
            out.extend_from_slice(format!("{b:02x}").as_bytes());
        }
        out.push(b'>');
    }
}

/// Open the marked-content sequence of a drawing: content of a structure element (its MCID
/// recorded for the page, with `/ActualText` when it reads otherwise than it prints), or an
/// artifact.
fn begin_marked(
    out: &mut Vec<u8>,
    mark: Mark,
    actual: Option<&str>,
    tree: &mut Tree,
    page: usize,
    marks: &mut Vec<u32>,
) {
    match mark {
        Mark::Elem(e) => {
            let mcid = marks.len() as u32;
            marks.push(e);
            if let Some(el) = tree.elems.get_mut(e as usize) {
                // Content is drawn after the layout opened the element's children: the one
                // element with both, an option's LBody, reads its words before the list nested
                // in it ("Covered by existing PIA." before its "New." and "Updated.").
                let at = el
                    .kids
                    .iter()
                    .position(|k| matches!(k, Kid::Elem(_)))
                    .unwrap_or(el.kids.len());
                el.kids.insert(at, Kid::Content { page, mcid });
            }
            out.push(b'/');
            out.extend_from_slice(tree.role(e).as_bytes());
            out.extend_from_slice(b" <<");
            if let Some(a) = actual {
                out.extend_from_slice(b"/ActualText");
                string(out, a);
            }
            out.extend_from_slice(format!("/MCID {mcid}>> BDC\n").as_bytes());
        }
        Mark::Pagination => out.extend_from_slice(b"/Artifact <</Type/Pagination>> BDC\n"),
        Mark::Artifact => out.extend_from_slice(b"/Artifact BMC\n"),
    }
}

/// The content stream of one page's drawings; every one is marked content (`marks`: the
/// structure element of each MCID on the page, in order).
pub(super) fn content(
    draws: &[Draw],
    faces: &Faces,
    tree: &mut Tree,
    page: usize,
    marks: &mut Vec<u32>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(draws.len() * 64);
    // Lines and boxes are drawn with one pen: set once.
    out.extend_from_slice(b"0.6 w\n0 G\n");
    // The fill colour and font in force (graphics state, kept across text objects): set only
    // when a drawing needs another.
    let mut fill = 0.0f32;
    let mut font: Option<(Face, f32)> = None;
    // The open marked-content sequence: consecutive drawings of one element (the lines of a
    // paragraph) share one, so each element reads as one piece of content.
    let mut open: Option<Mark> = None;
    let mut enter = |out: &mut Vec<u8>, mark: Mark, actual: Option<&str>| {
        let joins = actual.is_none() && open == Some(mark);
        if joins {
            return;
        }
        if open.is_some() {
            out.extend_from_slice(b"EMC\n");
        }
        begin_marked(out, mark, actual, tree, page, marks);
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
                enter(&mut out, *mark, actual.as_deref());
                out.extend_from_slice(b"BT\n");
                if *g != fill {
                    op(&mut out, &[*g], "g");
                    fill = *g;
                }
                if font != Some((*face, *size)) {
                    out.push(b'/');
                    out.extend_from_slice(resource(*face).as_bytes());
                    out.push(b' ');
                    op(&mut out, &[*size], "Tf");
                    font = Some((*face, *size));
                }
                op(&mut out, &[1.0, 0.0, 0.0, 1.0, *x, *y], "Tm");
                faces.show(&mut out, *face, text);
                out.extend_from_slice(b" Tj\nET\n");
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill: fill_with,
                stroke,
            } => {
                enter(&mut out, Mark::Artifact, None);
                if let Some(f) = fill_with.filter(|f| *f != fill) {
                    op(&mut out, &[f], "g");
                    fill = f;
                }
                op(&mut out, &[*x, *y, *w, *h], "re");
                out.extend_from_slice(match (fill_with, stroke) {
                    (Some(_), true) => b"B\n",
                    (Some(_), false) => b"f\n",
                    (None, _) => b"S\n",
                });
            }
            Draw::Rule { x1, y1, x2, y2 } => {
                enter(&mut out, Mark::Artifact, None);
                op(&mut out, &[*x1, *y1], "m");
                op(&mut out, &[*x2, *y2], "l");
                out.extend_from_slice(b"S\n");
            }
        }
    }
    if open.is_some() {
        out.extend_from_slice(b"EMC\n");
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `/ActualText` in a content stream: ASCII a literal with its delimiters escaped, any other
    /// text UTF-16BE hex (a closing parenthesis in a record's text cannot end the string).
    #[test]
    fn strings_in_content_streams_cannot_break_out() {
        let mut out = Vec::new();
        string(&mut out, r"a (b) \ c");
        assert_eq!(out, br"(a \(b\) \\ c)");
        let mut out = Vec::new();
        string(&mut out, "é)");
        assert_eq!(out, b"<feff00e90029>");
    }
}
