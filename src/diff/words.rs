//! The word diff of two texts.

use super::model::Inline;

/// The words of a text, one space between each.
pub(super) fn fold_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a text, each with the white space before it (the text's white space after its
/// last word is dropped).
fn spaced_words(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let word_at = rest.len() - rest.trim_start().len();
        if word_at == rest.len() {
            return out;
        }
        let after = &rest[word_at..];
        let len = after.find(char::is_whitespace).unwrap_or(after.len());
        out.push((&rest[..word_at], &after[..len]));
        rest = &after[len..];
    }
}

/// Word-level diff of two texts: the words are compared, each piece carries the white space
/// before its words as its side has it (a word moved to a new line is the same word, and a
/// change of white space alone is none).
pub fn words(a: &str, b: &str) -> Vec<Inline> {
    use similar::{capture_diff_slices, Algorithm, DiffTag};
    let (old, new) = (spaced_words(a), spaced_words(b));
    let ow: Vec<&str> = old.iter().map(|w| w.1).collect();
    let nw: Vec<&str> = new.iter().map(|w| w.1).collect();
    let mut out: Vec<Inline> = Vec::new();
    let mut push = |op: &'static str, words: &[(&str, &str)]| {
        for (space, word) in words {
            match out.last_mut() {
                Some(last) if last.op == op => {
                    last.text.push_str(space);
                    last.text.push_str(word);
                }
                _ => out.push(Inline {
                    op,
                    text: format!("{space}{word}"),
                }),
            }
        }
    };
    for d in capture_diff_slices(Algorithm::Myers, &ow, &nw) {
        let (tag, o, n) = d.as_tag_tuple();
        match tag {
            DiffTag::Equal => push("equal", &new[n]),
            DiffTag::Delete => push("delete", &old[o]),
            DiffTag::Insert => push("insert", &new[n]),
            DiffTag::Replace => {
                push("delete", &old[o]);
                push("insert", &new[n]);
            }
        }
    }
    out
}
