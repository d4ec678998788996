//! Drawing primitives, and the wrapping of styled text into unbreakable line units.

use std::borrow::Cow;

use super::{metrics::*, tag::*};
use crate::render::marks::{ITALIC_CLOSE, ITALIC_OPEN, REDACTION_CLOSE, REDACTION_OPEN};

// ---------------------------------------------------------------------------------------------
// Layout: blocks → units (unbreakable strips of drawing) → pages.

#[derive(Debug, Clone)]
pub(super) enum Draw {
    Text {
        x: f32,
        y: f32,
        text: String,
        face: Face,
        size: f32,
        grey: f32,
        /// The structure element it belongs to, or an artifact.
        mark: Mark,
        /// What a screen reader reads instead of the glyphs (`/ActualText`).
        actual: Option<String>,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
        stroke: bool,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// A strip of drawing that is never split across pages. `y` grows downwards from its top.
#[derive(Debug, Clone, Default)]
pub(super) struct Unit {
    pub(super) height: f32,
    pub(super) draws: Vec<Draw>,
    pub(super) keep_with_next: bool,
    pub(super) page_before: bool,
    pub(super) running: Option<String>,
    pub(super) outline: Option<String>,
    /// For table rows: the header to repeat when the table continues on a new page.
    pub(super) repeat: Option<Box<Unit>>,
    /// A footnote (its marker, `²` or `¹⁰`): printed at the foot of the page where the marker
    /// first appears; where no marker appears, here in the flow.
    pub(super) footnote: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) enum Token<'a> {
    Word {
        /// Borrowed from the spans, unless italic marks split them.
        text: Cow<'a, str>,
        face: Face,
        width: f32,
        /// Follows the previous word with no space between (an italic title, then its full
        /// stop).
        glued: bool,
    },
    Box {
        label: Cow<'a, str>,
        width: f32,
    },
    Break,
}

/// Split one span at the italic marks ([`ITALIC_OPEN`] … [`ITALIC_CLOSE`]): the text between
/// them is set in the italic face.
fn italics(text: &str, face: Face) -> Vec<(String, Face)> {
    let mut out = Vec::new();
    let mut cur = face;
    let mut piece = String::new();
    for c in text.chars() {
        let next = match c {
            ITALIC_OPEN => Face::Italic,
            ITALIC_CLOSE => face,
            _ => {
                piece.push(c);
                continue;
            }
        };
        if !piece.is_empty() {
            out.push((std::mem::take(&mut piece), cur));
        }
        cur = next;
    }
    if !piece.is_empty() {
        out.push((piece, cur));
    }
    out
}

/// Spans: (text, face). Text may hold redaction sentinels, italic marks and newlines. The words
/// borrow from the spans (a paragraph is not copied word by word) except where italic marks
/// split a span.
pub(super) fn tokens(spans: &[(String, Face)], size: f32) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    // Whether the text so far ends inside a word (a span that ends without a space).
    let mut open = false;
    for (text, face) in spans {
        if text.contains([ITALIC_OPEN, ITALIC_CLOSE]) {
            for (piece, face) in italics(text, *face) {
                span_tokens(&piece, face, size, &mut open, &mut out, |w| {
                    Cow::Owned(w.to_string())
                });
            }
        } else {
            span_tokens(text, *face, size, &mut open, &mut out, Cow::Borrowed);
        }
    }
    out
}

/// The tokens of one span of one face, each word's text made by `cow`.
fn span_tokens<'t, 'a>(
    text: &'t str,
    face: Face,
    size: f32,
    open: &mut bool,
    out: &mut Vec<Token<'a>>,
    cow: impl Fn(&'t str) -> Cow<'a, str>,
) {
    let starts_inside = *open && !text.starts_with(char::is_whitespace);
    *open = !text.ends_with(char::is_whitespace);
    let mut first = true;
    let mut rest = text;
    loop {
        let (plain, label, next) = match rest.find(REDACTION_OPEN) {
            Some(i) => {
                let after = &rest[i + REDACTION_OPEN.len_utf8()..];
                let end = after.find(REDACTION_CLOSE).unwrap_or(after.len());
                let next = after.get(end + REDACTION_CLOSE.len_utf8()..).unwrap_or("");
                (&rest[..i], Some(&after[..end]), Some(next))
            }
            None => (rest, None, None),
        };
        for (k, line) in plain.split('\n').enumerate() {
            if k > 0 {
                out.push(Token::Break);
            }
            for w in line.split_whitespace() {
                out.push(Token::Word {
                    text: cow(w),
                    face,
                    width: text_width(w, face, size),
                    glued: first && starts_inside && k == 0,
                });
                first = false;
            }
            first = false;
        }
        if let Some(l) = label {
            let width = text_width(l, Face::Bold, size * 0.8) + 8.0;
            out.push(Token::Box {
                label: cow(l),
                width,
            });
        }
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
}

/// Wrap spans into line units of `width`, starting at `x`; the first line may start further
/// right (`first_x`), e.g. after a checkbox or a number.
pub(super) fn wrap(
    spans: &[(String, Face)],
    x: f32,
    first_x: f32,
    width_end: f32,
    size: f32,
) -> Vec<Unit> {
    let lh = size * LEADING;
    let spaces = [Face::Regular, Face::Bold, Face::Italic].map(|f| text_width(" ", f, size));
    let mut lines: Vec<Unit> = Vec::new();
    let mut cur = Unit {
        height: lh,
        ..Default::default()
    };
    let mut cx = first_x;
    let mut line_start = first_x;
    let baseline = size * 1.0;
    let flush = |cur: &mut Unit, lines: &mut Vec<Unit>| {
        // The line's words continue on the next: its last run ends with a space, invisible on
        // paper, so text read from the file (a screen reader, the structure tree) keeps the
        // words apart.
        if let Some(Draw::Text {
            text, actual: None, ..
        }) = cur.draws.last_mut()
        {
            text.push(' ');
        }
        lines.push(std::mem::replace(
            cur,
            Unit {
                height: lh,
                ..Default::default()
            },
        ));
    };
    // Where the next token of `width` starts: after a space on this line, or at the start of a
    // new line when it would not fit.
    let next_x = |cur: &mut Unit,
                  lines: &mut Vec<Unit>,
                  cx: &mut f32,
                  line_start: &mut f32,
                  width: f32,
                  space: f32| {
        let at = if *cx > *line_start { *cx + space } else { *cx };
        if at + width > width_end && *cx > *line_start {
            flush(cur, lines);
            *cx = x;
            *line_start = x;
            return x;
        }
        at
    };
    for t in tokens(spans, size) {
        match t {
            Token::Break => {
                flush(&mut cur, &mut lines);
                cx = x;
                line_start = x;
            }
            Token::Word {
                text,
                face,
                width,
                glued,
            } => {
                let space = match glued {
                    true => 0.0,
                    false => spaces[face as usize],
                };
                let at = next_x(&mut cur, &mut lines, &mut cx, &mut line_start, width, space);
                if width > width_end - x {
                    // A word longer than the line: break it by characters.
                    let mut piece = String::new();
                    let mut px = at;
                    for c in text.chars() {
                        let cw = text_width(&c.to_string(), face, size);
                        if px + text_width(&piece, face, size) + cw > width_end && !piece.is_empty()
                        {
                            cur.draws.push(Draw::Text {
                                x: px,
                                y: baseline,
                                text: std::mem::take(&mut piece),
                                face,
                                size,
                                grey: 0.0,
                                mark: Mark::default(),
                                actual: None,
                            });
                            flush(&mut cur, &mut lines);
                            px = x;
                            line_start = x;
                        }
                        piece.push(c);
                    }
                    cx = px + text_width(&piece, face, size);
                    cur.draws.push(Draw::Text {
                        x: px,
                        y: baseline,
                        text: piece,
                        face,
                        size,
                        grey: 0.0,
                        mark: Mark::default(),
                        actual: None,
                    });
                    continue;
                }
                // Merge with the previous run when the style is the same (fewer text sections).
                if let Some(Draw::Text {
                    text: prev,
                    face: pb,
                    size: ps,
                    ..
                }) = cur.draws.last_mut()
                {
                    if *pb == face && *ps == size && cx > line_start {
                        if !glued {
                            prev.push(' ');
                        }
                        prev.push_str(&text);
                        cx = at + width;
                        continue;
                    }
                }
                // A run that starts after another on the line carries the space between them.
                let (x0, text) = match at > line_start && space > 0.0 {
                    true => (at - space, format!(" {text}")),
                    false => (at, text.into_owned()),
                };
                cur.draws.push(Draw::Text {
                    x: x0,
                    y: baseline,
                    text,
                    face,
                    size,
                    grey: 0.0,
                    mark: Mark::default(),
                    actual: None,
                });
                cx = at + width;
            }
            Token::Box { label, width } => {
                let at = next_x(
                    &mut cur,
                    &mut lines,
                    &mut cx,
                    &mut line_start,
                    width,
                    spaces[0],
                );
                let bh = lh - 1.0;
                cur.draws.push(Draw::Rect {
                    x: at,
                    y: (lh - bh) / 2.0 - 1.0,
                    w: width,
                    h: bh,
                    fill: Some(0.86),
                    stroke: true,
                });
                let ls = size * 0.8;
                // Read aloud as what it is; the withheld text was never here to read.
                let actual = Some(format!("withheld under exemption {label}"));
                cur.draws.push(Draw::Text {
                    x: at + 4.0,
                    y: baseline - 0.5,
                    text: label.into_owned(),
                    face: Face::Bold,
                    size: ls,
                    grey: 0.0,
                    mark: Mark::default(),
                    actual,
                });
                cx = at + width;
            }
        }
    }
    if !cur.draws.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

pub(super) fn gap(h: f32) -> Unit {
    Unit {
        height: h,
        ..Default::default()
    }
}
