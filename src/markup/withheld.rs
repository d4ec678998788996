//! Texts a release withholds wherever they occur, and the ways a withheld name is written.

use super::exemptions::label;
use super::grammar::{has_markup, parse, plain, Segment};

/// Texts a release withholds wherever they occur: what `[[…]]` markup marks in some version of
/// a record (the other side of a diff, the record as it stands now), so that a version that did
/// not mark it yet does not print it. Matched whatever the case and the white space between
/// words, as whole words.
#[derive(Debug, Default, Clone)]
pub struct Withheld {
    /// Each text's words, lower case, one space between them → its exemptions.
    texts: std::collections::BTreeMap<String, Vec<String>>,
    /// The texts as patterns, compiled on first use.
    patterns: std::sync::OnceLock<Vec<Option<regex::Regex>>>,
}

/// A text's words, lower case, one space between them, without diacritics or invisible
/// characters (soft hyphens, zero-width spaces): "Lucía" and "Lu\u{AD}cia" are "lucia".
fn folded(s: &str) -> String {
    plain_letters(s)
        .0
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `c` prints nothing: a soft hyphen or a zero-width character.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// `s` without diacritics (decomposed, combining marks dropped) or invisible characters, and
/// for each byte of it the byte of `s` its character came from.
fn plain_letters(s: &str) -> (String, Vec<usize>) {
    use unicode_normalization::char::{decompose_canonical, is_combining_mark};
    let mut out = String::with_capacity(s.len());
    let mut from = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if invisible(c) {
            continue;
        }
        decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.push(d);
                from.resize(out.len(), i);
            }
        });
    }
    (out, from)
}

/// The other ways a withheld name (a folded text of two or three words, letters only:
/// "maria lopez", "maria elena lopez") is written: "lopez, maria", "m. lopez", "m lopez"
/// (and with the middle names kept: "lopez, maria elena").
fn name_variants(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').collect();
    let name_like = (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().count() > 1 && w.chars().all(|c| c.is_alphabetic() || "-'’".contains(c))
        });
    if !name_like {
        return Vec::new();
    }
    let (given, last) = (&words[..words.len() - 1], words[words.len() - 1]);
    let initial: String = given[0].chars().take(1).collect();
    vec![
        format!("{last}, {}", given.join(" ")),
        format!("{last}, {}", given[0]),
        format!("{initial}. {last}"),
        format!("{initial} {last}"),
    ]
}

/// The pattern of a folded text: its words, any white space between them, whole words.
fn text_pattern(t: &str) -> String {
    let words: Vec<String> = t.split(' ').map(regex::escape).collect();
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    format!(
        "{}{}{}",
        if word(t.chars().next()) { r"\b" } else { "" },
        words.join(r"\s+"),
        if word(t.chars().last()) { r"\b" } else { "" },
    )
}

impl Withheld {
    /// Add the texts `s` marks (nothing when its markup does not parse: a release withholds
    /// such a string whole).
    pub fn add_marked(&mut self, s: &str) {
        if !has_markup(s) {
            return;
        }
        let Ok(segs) = parse(s) else { return };
        for seg in segs {
            if let Segment::Redacted { exemptions, text } = seg {
                let key = folded(&text);
                if key.is_empty() {
                    continue;
                }
                // A person's name is withheld as people also write it: surname first, and
                // the given name as an initial.
                let person = exemptions.iter().any(|e| e == "b6" || e == "b7C");
                let variants = if person {
                    name_variants(&key)
                } else {
                    Vec::new()
                };
                for key in std::iter::once(key).chain(variants) {
                    let known = self.texts.entry(key).or_default();
                    for e in &exemptions {
                        if !known.contains(e) {
                            known.push(e.clone());
                        }
                    }
                }
                self.patterns = Default::default();
            }
        }
    }

    /// Withhold `text` (a value a release withholds whole) wherever it occurs, under
    /// `exemptions`.
    pub fn add_text(&mut self, text: &str, exemptions: &[String]) {
        let key = folded(&plain(text));
        if key.is_empty() {
            return;
        }
        let known = self.texts.entry(key).or_default();
        for e in exemptions {
            if !known.contains(e) {
                known.push(e.clone());
            }
        }
        self.patterns = Default::default();
    }

    /// Withhold what `other` withholds too.
    pub fn add(&mut self, other: &Withheld) {
        for (text, ex) in &other.texts {
            let known = self.texts.entry(text.clone()).or_default();
            for e in ex {
                if !known.contains(e) {
                    known.push(e.clone());
                }
            }
        }
        if !other.texts.is_empty() {
            self.patterns = Default::default();
        }
    }

    /// Whether nothing is withheld.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The texts and their exemptions, in order (for a cache key).
    pub fn texts(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.texts.iter()
    }

    /// One pattern of every text, longest first; else (too large to compile) one per text,
    /// `None` for a text whose pattern does not compile either.
    fn patterns(&self) -> &[Option<regex::Regex>] {
        self.patterns.get_or_init(|| {
            let mut texts: Vec<&String> = self.texts.keys().collect();
            texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
            let build = |p: &str| {
                regex::RegexBuilder::new(&format!("(?i:{p})"))
                    .size_limit(64 << 20)
                    .build()
                    .ok()
            };
            let all: Vec<String> = texts.iter().map(|t| text_pattern(t)).collect();
            match build(&all.join("|")) {
                Some(re) => vec![Some(re)],
                None => all.iter().map(|p| build(p)).collect(),
            }
        })
    }

    /// `s` with every withheld text replaced by `wrap(label)`; a string holding a text whose
    /// pattern could not be compiled is withheld whole.
    pub(super) fn apply(&self, s: &str, wrap: &mut impl FnMut(String) -> String) -> String {
        if self.texts.is_empty() {
            return s.to_string();
        }
        let label_of = |found: &str| match self.texts.get(&folded(found)) {
            Some(ex) => label(ex),
            None => "withheld".to_string(),
        };
        let patterns = self.patterns();
        if patterns.iter().any(Option::is_none) {
            let f = folded(s);
            if self.texts.keys().any(|t| f.contains(t.as_str())) {
                return wrap("withheld".into());
            }
        }
        // Matched in the text without diacritics and invisible characters, replaced in the
        // text itself: a match runs from its first letter's character to the next letter's.
        let mut out = s.to_string();
        for re in patterns.iter().flatten() {
            let (letters, from) = plain_letters(&out);
            let at = |b: usize| from.get(b).copied().unwrap_or(out.len());
            let mut next = String::with_capacity(out.len());
            let mut last = 0;
            for m in re.find_iter(&letters) {
                let (start, end) = (at(m.start()), at(m.end()));
                if start < last {
                    continue;
                }
                next.push_str(&out[last..start]);
                next.push_str(&wrap(label_of(m.as_str())));
                last = end;
            }
            next.push_str(&out[last..]);
            out = next;
        }
        out
    }
}
