//! The markup grammar: a string split into released text and redacted spans, its errors.

use serde::Serialize;

use super::exemptions::entries;

/// A piece of a marked-up string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Segment {
    /// Text that may be released.
    Text {
        /// The text.
        text: String,
    },
    /// Text exempt from release.
    Redacted {
        /// The exemptions, as written (`b6`, `b7C`).
        exemptions: Vec<String>,
        /// The exempt text (never printed in a release).
        text: String,
    },
}

/// Malformed markup: where (byte offset in the string) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    /// Byte offset of the problem in the string.
    pub offset: usize,
    /// Index of the `[[` the problem belongs to (0-based), to find it in the source.
    pub opening: usize,
    /// What is wrong.
    pub message: String,
}

/// Whether `s` may contain markup at all (fast path for the checker): an opening `[[`, or a
/// closing `]]` that may be stray.
pub fn has_markup(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(b'[', b']', b).any(|i| b.get(i + 1) == Some(&b[i]))
}

/// Where `needle` (`[[` or `]]`) first occurs in `s`: a byte offset, a character boundary since
/// brackets are ASCII. memchr's search, not `str::find`, whose two-way search for a two-byte
/// needle was most of `check`'s time in markup.
fn find(s: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(s.as_bytes(), needle.as_bytes())
}

/// What a scan of markup hands on, in order: released text, piece by piece, and redactions.
trait Sink {
    /// A piece of text that may be released (escapes already resolved).
    fn text(&mut self, piece: &str);
    /// A redaction: its exemptions as written (each one valid) and its exempt text, trimmed.
    fn redacted(&mut self, exemptions: &str, hidden: &str);
}

/// Validation only: nothing is kept.
impl Sink for () {
    fn text(&mut self, _: &str) {}
    fn redacted(&mut self, _: &str, _: &str) {}
}

/// The segments of [`parse`].
#[derive(Default)]
struct Segments {
    out: Vec<Segment>,
    text: String,
}

impl Sink for Segments {
    fn text(&mut self, piece: &str) {
        self.text.push_str(piece);
    }

    fn redacted(&mut self, exemptions: &str, hidden: &str) {
        if !self.text.is_empty() {
            self.out.push(Segment::Text {
                text: std::mem::take(&mut self.text),
            });
        }
        self.out.push(Segment::Redacted {
            exemptions: entries(exemptions).unwrap_or_default(),
            text: hidden.to_string(),
        });
    }
}

/// Text outside redactions: `\]]` is a literal `]]`; any other `]]` is stray — most likely the
/// end of text somebody meant to withhold — and refused, so a release never prints it.
fn released_text(
    fragment: &str,
    offset: usize,
    opening: usize,
    literal_open: &mut usize,
    out: &mut impl Sink,
) -> Result<(), MarkupError> {
    let mut rest = fragment;
    let mut pos = offset;
    while let Some(i) = find(rest, "]]") {
        // The `]]` that closes a literal `\[[` is literal too.
        if *literal_open > 0 && !rest[..i].ends_with('\\') {
            *literal_open -= 1;
            out.text(&rest[..i + 2]);
            rest = &rest[i + 2..];
            pos += i + 2;
            continue;
        }
        if rest[..i].ends_with('\\') {
            out.text(&rest[..i - 1]);
            out.text("]]");
            rest = &rest[i + 2..];
            pos += i + 2;
            continue;
        }
        return Err(MarkupError {
            offset: pos + i,
            opening: opening.saturating_sub(1),
            message: "stray `]]` outside redaction markup: if the text before it is exempt, open it with `[[b6: …`; write \\]] for a literal ]]".into(),
        });
    }
    out.text(rest);
    Ok(())
}

/// Split a string into released text and redacted spans.
pub fn parse(s: &str) -> Result<Vec<Segment>, MarkupError> {
    let mut segs = Segments::default();
    scan(s, &mut segs)?;
    if !segs.text.is_empty() {
        segs.out.push(Segment::Text { text: segs.text });
    }
    Ok(segs.out)
}

/// The markup grammar, once for [`parse`] and for [`errors`] (which keeps nothing): hand the
/// released text and the redactions of `s` to `out`, or stop at the first error.
fn scan(s: &str, out: &mut impl Sink) -> Result<(), MarkupError> {
    let mut rest = s;
    let mut opening = 0;
    let mut pos = 0;
    let mut literal_open = 0;
    while let Some(i) = find(rest, "[[") {
        if rest[..i].ends_with('\\') {
            released_text(&rest[..i - 1], pos, opening, &mut literal_open, out)?;
            literal_open += 1;
            out.text("[[");
            rest = &rest[i + 2..];
            pos += i + 2;
            continue;
        }
        released_text(&rest[..i], pos, opening, &mut literal_open, out)?;
        let start = pos + i;
        let body = &rest[i + 2..];
        let Some(close) = find(body, "]]") else {
            return Err(MarkupError {
                offset: start,
                opening,
                message: "redaction markup `[[` is never closed with `]]`".into(),
            });
        };
        let inner = &body[..close];
        if let Some(n) = find(inner, "[[") {
            if !inner[..n].ends_with('\\') {
                return Err(MarkupError {
                    offset: start,
                    opening,
                    message: "redaction markup cannot be nested; close the first `[[` with `]]` before opening another".into(),
                });
            }
        }
        let Some(colon) = inner.find(':') else {
            return Err(MarkupError {
                offset: start,
                opening,
                message:
                    "redaction markup needs exemptions and a colon, e.g. `[[b6 b7C: Jane Roe]]`"
                        .into(),
            });
        };
        let list = &inner[..colon];
        if let Err(message) = entries(list) {
            return Err(MarkupError {
                offset: start,
                opening,
                message,
            });
        }
        let hidden = inner[colon + 1..].trim();
        if hidden.is_empty() {
            return Err(MarkupError {
                offset: start,
                opening,
                message: "redaction markup marks no text".into(),
            });
        }
        out.redacted(list, hidden);
        opening += 1;
        let consumed = i + 2 + close + 2;
        rest = &rest[consumed..];
        pos += consumed;
    }
    released_text(rest, pos, opening, &mut literal_open, out)
}

/// Every markup error in `s`, in order (`parse` stops at the first): after each, the scan goes
/// on past the markup it belongs to, so a drafter fixes all of them in one round.
pub fn errors(s: &str) -> Vec<MarkupError> {
    let mut out = Vec::new();
    let mut from = 0;
    while from < s.len() {
        let Err(mut e) = scan(&s[from..], &mut ()) else {
            break;
        };
        let before = &s[..from];
        e.opening += before.matches("[[").count() - before.matches("\\[[").count();
        let at = from + e.offset;
        e.offset = at;
        let stray = s[at..].starts_with("]]");
        let never_closed = !stray && !s[at + 2..].contains("]]");
        out.push(e);
        if never_closed {
            break;
        }
        from = match stray {
            true => at + 2,
            false => at + 2 + s[at + 2..].find("]]").map(|i| i + 2).unwrap_or(s.len()),
        };
        if !s.is_char_boundary(from) {
            break;
        }
    }
    out
}

/// The text with markup removed, showing the exempt text (internal copies).
pub fn plain(s: &str) -> String {
    match parse(s) {
        Ok(segs) => segs
            .into_iter()
            .map(|seg| match seg {
                Segment::Text { text } | Segment::Redacted { text, .. } => text,
            })
            .collect(),
        Err(_) => s.to_string(),
    }
}
