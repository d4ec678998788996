//! FOIA marks.

use std::sync::LazyLock;

use regex::Regex;

use super::model::PLACEHOLDER;

/// A FOIA mark: one or more exemptions, each (b) (n) [(X)] — (b) (6), (b)(7)(C),
/// (b)(6);(b)(7)(C) — with the brackets smout's release copies print around it
/// (`[(b) (6), (b) (7)(C)]`), which are part of the mark.
pub(super) static MARK: LazyLock<Regex> = LazyLock::new(|| {
    let one = r"\(b\)\s?\(\d\)(?:\s?\([A-F]\))?";
    let list = format!(r"{one}(?:\s*[,;]\s*{one})*");
    Regex::new(&format!(r"\[\s*{list}\s*\]|{list}")).expect("valid")
});

/// One exemption of a FOIA mark.
static EXEMPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(b\)\s?\((\d)\)(?:\s?\(([A-F])\))?").expect("valid"));
/// The exemption codes of a FOIA mark's text: `(b) (6), (b) (7)(C)` → `b6 b7C`.
pub(super) fn mark_codes(mark: &str) -> String {
    let mut codes: Vec<String> = Vec::new();
    for c in EXEMPTION.captures_iter(mark) {
        let code = format!(
            "b{}{}",
            &c[1],
            c.get(2).map(|m| m.as_str()).unwrap_or_default()
        );
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.join(" ")
}

/// Pieces of a text: Err(codes) for a FOIA mark (adjacent marks, separated only by white space
/// within a paragraph, are one withheld span; marks in paragraphs of their own are a span each,
/// as a release prints them), Ok(text) between them.
pub(super) fn foia_pieces(s: &str, merge: bool) -> Vec<std::result::Result<String, String>> {
    let mut out: Vec<std::result::Result<String, String>> = Vec::new();
    let mut last = 0;
    for m in MARK.find_iter(s) {
        let between = &s[last..m.start()];
        let codes = mark_codes(m.as_str());
        match out.last_mut() {
            Some(Err(prev)) if merge && between.trim().is_empty() && !paragraph_break(between) => {
                for c in codes.split(' ') {
                    if !prev.split(' ').any(|p| p == c) {
                        prev.push(' ');
                        prev.push_str(c);
                    }
                }
            }
            _ => {
                if !between.is_empty() {
                    out.push(Ok(between.to_string()));
                }
                out.push(Err(codes));
            }
        }
        last = m.end();
    }
    if last < s.len() {
        out.push(Ok(s[last..].to_string()));
    }
    out
}

/// Whether white space holds a blank line (a paragraph break).
fn paragraph_break(space: &str) -> bool {
    space.split('\n').skip(1).count() >= 2
}

/// The markup of a placeholder for withheld text.
pub(super) fn placeholder(codes: &str) -> String {
    format!("[[{codes}: {PLACEHOLDER}]]")
}

/// A text with its FOIA marks as redaction markup around the placeholder; and whether nothing
/// but marks is there (the source withheld the answer whole).
pub(super) fn with_marks(s: &str) -> (String, bool) {
    let pieces = foia_pieces(s, true);
    let whole = !pieces.is_empty()
        && pieces
            .iter()
            .all(|p| p.as_ref().map_or(true, |t| t.trim().is_empty()));
    let mut out = String::new();
    for p in pieces {
        match p {
            Ok(t) => out.push_str(&t),
            Err(codes) => out.push_str(&placeholder(&codes)),
        }
    }
    (tidy(&out), whole)
}

/// Prose as drafters write it: several paragraphs as a multi-line string ending in a newline,
/// one line as it is.
pub(super) fn prose(s: String) -> String {
    if s.contains('\n') {
        format!("{s}\n")
    } else {
        s
    }
}

/// White space as a record keeps it: lines trimmed, runs of blank lines one paragraph break.
fn tidy(s: &str) -> String {
    let mut out = String::new();
    for para in s.split("\n\n") {
        let p = para
            .split('\n')
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foia_marks_become_placeholders() {
        let (s, whole) = with_marks("Office (b) (6), (b) (7)(C) and (b)(6);(b)(7)(C) x");
        assert_eq!(
            s,
            "Office [[b6 b7C: withheld in the source]] and [[b6 b7C: withheld in the source]] x"
        );
        assert!(!whole);
        // Marks in paragraphs of their own are a span each, as the release prints them.
        let (s, whole) = with_marks("(b) (7)(E)\n\n(b) (7)(E)");
        assert_eq!(
            s,
            "[[b7E: withheld in the source]]\n\n[[b7E: withheld in the source]]"
        );
        assert!(whole);
        let (s, _) = with_marks("(b) (6) (b) (7)(C)\n(b) (6)");
        assert_eq!(s, "[[b6 b7C: withheld in the source]]");
        // smout's release copies print a mark in brackets: they are the mark's.
        let (s, whole) = with_marks("including [(b) (7)(E)] capabilities; [(b) (6), (b) (7)(C)]");
        assert_eq!(
            s,
            "including [[b7E: withheld in the source]] capabilities; [[b6 b7C: withheld in the source]]"
        );
        assert!(!whole);
        assert_eq!(
            with_marks("[(b) (5)]"),
            ("[[b5: withheld in the source]]".into(), true)
        );
        // "(b) of this section" and "(a)" are not marks.
        assert_eq!(
            with_marks("paragraph (b) of this (a)").0,
            "paragraph (b) of this (a)"
        );
    }
}
