//! Matching text against the form's wording.

use super::source::{CHECKED, UNCHECKED};

/// Text reduced to what wording comparisons look at: lower-case letters and digits, one space
/// between words; superscript footnote markers, punctuation and boxes dropped. Each character
/// keeps the byte offset it came from (eight bytes a character, not twenty: a large paragraph
/// is normalized once per anchor looked for).
pub(super) struct Norm {
    pub(super) chars: Vec<char>,
    starts: Vec<u32>,
}

pub(super) fn norm(s: &str) -> Norm {
    let mut chars = Vec::with_capacity(s.len());
    let mut starts = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c) {
            continue;
        }
        // Sources are capped far below 4 GiB (MAX_SOURCE_BYTES).
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                chars.push(l);
                starts.push(at);
            }
        } else if chars.last().is_some_and(|&l| l != ' ') {
            chars.push(' ');
            starts.push(at);
        }
    }
    if chars.last() == Some(&' ') {
        chars.pop();
        starts.pop();
    }
    Norm { chars, starts }
}

pub(super) fn norm_str(s: &str) -> String {
    norm(s).chars.into_iter().collect()
}

/// Where the wording `anchor` sits in `text` at or after byte `from`: the byte span of the
/// match. Long wording (a question, a rule) may sit anywhere after a number or label; short
/// wording ("Name of Component:") must open the paragraph, after at most a number such as
/// `3.` or `5(a)`.
pub(super) fn find(text: &str, from: usize, anchor: &[char]) -> Option<(usize, usize)> {
    find_in(text, from, anchor, true)
}

/// [`find`], with `anywhere` false: long wording too must open the paragraph.
pub(super) fn find_in(
    text: &str,
    from: usize,
    anchor: &[char],
    anywhere: bool,
) -> Option<(usize, usize)> {
    if anchor.is_empty() || from > text.len() {
        return None;
    }
    let n = norm(text.get(from..)?);
    let hay = &n.chars;
    let len = anchor.len();
    if hay.len() < len {
        return None;
    }
    let bounded =
        |p: usize| (p == 0 || hay[p - 1] == ' ') && (p + len == hay.len() || hay[p + len] == ' ');
    let at = if len >= 20 && anywhere {
        hay.windows(len)
            .enumerate()
            .find(|(p, w)| *w == anchor && bounded(*p))
            .map(|(p, _)| p)
    } else {
        // Up to two short leading tokens (a question number) may come first.
        let mut starts = vec![0usize];
        let mut p = 0;
        for _ in 0..2 {
            let end = hay[p..].iter().position(|&c| c == ' ').map(|e| p + e);
            match end {
                Some(e) if e - p <= 3 => {
                    p = e + 1;
                    starts.push(p);
                }
                _ => break,
            }
        }
        starts
            .into_iter()
            .find(|&p| hay.len() >= p + len && hay[p..p + len] == *anchor && bounded(p))
    }?;
    let rest = text.get(from..)?;
    let start = from + n.starts[at] as usize;
    let last = n.starts[at + len - 1] as usize;
    let end = from + last + rest[last..].chars().next().map_or(1, char::len_utf8);
    Some((start, end))
}

/// The text after an anchor: without the colon or full stop the anchor's wording ended on.
pub(super) fn after_anchor(s: &str) -> &str {
    s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '.' | ';' | ',' | ')' | '?')
    })
}

/// A line's box: Some(ticked) when it opens with ☒ or ☐ (or `[x]`, `[ ]`), and the rest.
pub(super) fn boxed(s: &str) -> (Option<bool>, &str) {
    let t = s.trim_start();
    for (mark, on) in [
        (CHECKED, true),
        ('☑', true),
        ('■', true),
        (UNCHECKED, false),
        ('□', false),
    ] {
        if let Some(rest) = t.strip_prefix(mark) {
            return (Some(on), rest.trim_start());
        }
    }
    for (mark, on) in [("[x]", true), ("[X]", true), ("[ ]", false)] {
        if let Some(rest) = t.strip_prefix(mark) {
            return (Some(on), rest.trim_start());
        }
    }
    (None, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_is_found_after_numbers_and_across_punctuation() {
        let a: Vec<char> = norm_str("Name of Component:").chars().collect();
        let t = "3. Name of Component: CBP";
        let (_, e) = find(t, 0, &a).expect("found");
        assert_eq!(after_anchor(&t[e..]), "CBP");
        assert!(find("Names of Components", 0, &a).is_none());
    }
}
