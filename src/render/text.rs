//! Drafters' prose as every rendering sets it. Answers are TOML strings, multi-line ones
//! hard-wrapped wherever the drafter's editor wrapped them: one newline continues the paragraph
//! (it reads as a space), a blank line starts a new one. [`paragraphs`] is that rule, the one
//! place any format — HTML, Markdown, the PDF's and Word's block language — splits text.

use super::marks::{WITHHELD_CLOSE, WITHHELD_OPEN};

/// How paragraphs are kept apart in the PDF template's block language (escaped there as
/// `\n\n`): the only line breaks a value carries once [`paragraphs`] has read it.
pub const PARAGRAPH_BREAK: &str = "\n\n";

/// The paragraphs of `s`: lines up to a blank line (one holding only white space), each line
/// trimmed and joined to the next with one space. CRLF and a lone CR are line breaks too. A
/// span an internal Word copy marks as withheld ([`WITHHELD_OPEN`] … [`WITHHELD_CLOSE`]) stays
/// in one paragraph, so its content control is never cut in two. Empty text has none.
pub fn paragraphs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    // Withheld spans open at the end of the lines read so far.
    let mut open = 0usize;
    for line in s.split("\r\n").flat_map(|l| l.split(['\n', '\r'])) {
        let line = line.trim();
        if line.is_empty() {
            if open == 0 && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(line);
        for c in line.chars() {
            match c {
                WITHHELD_OPEN => open += 1,
                WITHHELD_CLOSE => open = open.saturating_sub(1),
                _ => {}
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The paragraphs of block-language text ([`PARAGRAPH_BREAK`] between them, as the `pdf`
/// filter writes them): what the PDF layout and the Word writer set one by one.
pub fn block_paragraphs(s: &str) -> impl Iterator<Item = &str> {
    s.split(PARAGRAPH_BREAK)
}

#[cfg(test)]
mod tests {
    use super::super::marks::WITHHELD_SEP;
    use super::*;

    #[test]
    fn one_newline_continues_a_paragraph_and_a_blank_line_ends_it() {
        let wrapped = "The Forced Labor Division researches\n  open sources  \nfor evidence.\n\n\
                       \t \nA second\r\nparagraph, \rthen a third line.\n";
        assert_eq!(
            paragraphs(wrapped),
            [
                "The Forced Labor Division researches open sources for evidence.",
                "A second paragraph, then a third line."
            ]
        );
        assert_eq!(
            paragraphs("The Forced Labor Division researches open sources for evidence."),
            paragraphs(wrapped)[..1]
        );
        assert!(paragraphs("").is_empty());
        assert!(paragraphs(" \n\n \r\n").is_empty());
    }

    #[test]
    fn a_withheld_span_is_never_cut_in_two() {
        let s = format!("Call {WITHHELD_OPEN}b6{WITHHELD_SEP}Jane\n\nRoe{WITHHELD_CLOSE}\n\nthen");
        assert_eq!(
            paragraphs(&s),
            [
                format!("Call {WITHHELD_OPEN}b6{WITHHELD_SEP}Jane Roe{WITHHELD_CLOSE}"),
                "then".to_string()
            ]
        );
    }
}
