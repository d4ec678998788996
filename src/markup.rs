//! Redaction markup: `[[b6 b7C: text]]` marks text exempt from release under the listed FOIA
//! exemptions; `\[[` is a literal `[[`. The release rendering replaces each span by its label,
//! e.g. `(b) (6), (b) (7)(C)`; internal renderings show the text. Malformed markup is a finding.

use serde::Serialize;

/// The FOIA exemptions markup may name (5 U.S.C. § 552(b)).
pub const EXEMPTIONS: &[&str] = &[
    "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b7A", "b7B", "b7C", "b7D", "b7E", "b7F", "b8", "b9",
];

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

/// Whether `s` may contain markup at all (fast path for the checker).
pub fn has_markup(s: &str) -> bool {
    s.contains("[[")
}

/// Split a string into released text and redacted spans.
pub fn parse(s: &str) -> Result<Vec<Segment>, MarkupError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    let mut opening = 0;
    let mut pos = 0;
    while let Some(i) = rest.find("[[") {
        if rest[..i].ends_with('\\') {
            text.push_str(&rest[..i - 1]);
            text.push_str("[[");
            rest = &rest[i + 2..];
            pos += i + 2;
            continue;
        }
        text.push_str(&rest[..i]);
        let start = pos + i;
        let body = &rest[i + 2..];
        let Some(close) = body.find("]]") else {
            return Err(MarkupError {
                offset: start,
                opening,
                message: "redaction markup `[[` is never closed with `]]`".into(),
            });
        };
        let inner = &body[..close];
        if let Some(n) = inner.find("[[") {
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
        let mut exemptions = Vec::new();
        for word in inner[..colon]
            .split([' ', ',', '\t'])
            .filter(|w| !w.is_empty())
        {
            match EXEMPTIONS.iter().find(|e| e.eq_ignore_ascii_case(word)) {
                Some(e) => exemptions.push(e.to_string()),
                None => {
                    return Err(MarkupError {
                        offset: start,
                        opening,
                        message: format!(
                        "`{word}` is not a FOIA exemption; use b1–b9 or b7A–b7F (e.g. `[[b6: …]]`)"
                    ),
                    })
                }
            }
        }
        if exemptions.is_empty() {
            return Err(MarkupError {
                offset: start,
                opening,
                message: "redaction markup names no exemption, e.g. `[[b6: Jane Roe]]`".into(),
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
        if !text.is_empty() {
            out.push(Segment::Text {
                text: std::mem::take(&mut text),
            });
        }
        out.push(Segment::Redacted {
            exemptions,
            text: hidden.to_string(),
        });
        opening += 1;
        let consumed = i + 2 + close + 2;
        rest = &rest[consumed..];
        pos += consumed;
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Segment::Text { text });
    }
    Ok(out)
}

/// The printed label of an exemption: `b7C` → `(b) (7)(C)`.
pub fn exemption_label(e: &str) -> String {
    let digits = &e[1..2];
    match e.get(2..) {
        Some(sub) if !sub.is_empty() => format!("(b) ({digits})({sub})"),
        _ => format!("(b) ({digits})"),
    }
}

/// The label of a redaction: `(b) (6), (b) (7)(C)`.
pub fn label(exemptions: &[String]) -> String {
    exemptions
        .iter()
        .map(|e| exemption_label(e))
        .collect::<Vec<_>>()
        .join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_text_and_redactions() {
        let segs = parse("Call [[b6 b7C: Jane Roe]] today").unwrap();
        assert_eq!(
            segs,
            vec![
                Segment::Text {
                    text: "Call ".into()
                },
                Segment::Redacted {
                    exemptions: vec!["b6".into(), "b7C".into()],
                    text: "Jane Roe".into()
                },
                Segment::Text {
                    text: " today".into()
                },
            ]
        );
    }

    #[test]
    fn escaped_brackets_are_literal() {
        assert_eq!(plain(r"see \[[b6: x]] here"), "see [[b6: x]] here");
    }

    #[test]
    fn labels_read_as_foia_marks() {
        assert_eq!(label(&["b6".into(), "b7C".into()]), "(b) (6), (b) (7)(C)");
        assert_eq!(label(&["b7E".into()]), "(b) (7)(E)");
        // Exemptions are read case-insensitively and printed in their canonical form.
        let segs = parse("[[b7e: methods]]").unwrap();
        assert!(
            matches!(&segs[0], Segment::Redacted { exemptions, .. } if exemptions == &["b7E".to_string()])
        );
    }

    #[test]
    fn rejects_malformed_markup() {
        assert!(parse("[[b6: never closed")
            .unwrap_err()
            .message
            .contains("never closed"));
        assert!(parse("[[b10: x]]")
            .unwrap_err()
            .message
            .contains("not a FOIA exemption"));
        assert!(parse("[[Jane Roe]]").unwrap_err().message.contains("colon"));
        assert!(parse("[[b6: ]]").unwrap_err().message.contains("no text"));
        assert!(parse("[[: x]]")
            .unwrap_err()
            .message
            .contains("no exemption"));
        assert!(parse("[[b6: a [[b7C: b]] c]]")
            .unwrap_err()
            .message
            .contains("nested"));
        let e = parse("ok [[b6: a]] then [[b6 x]]").unwrap_err();
        assert_eq!(e.opening, 1);
    }
}
