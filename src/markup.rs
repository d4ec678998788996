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

/// The words of an exemption list: `b6 b7C`, `b6, b7C`.
fn exemption_words(list: &str) -> impl Iterator<Item = &str> {
    list.split([' ', ',', '\t']).filter(|w| !w.is_empty())
}

/// An exemption in its canonical spelling (`b7e` → `b7E`), or `None` when `word` is none.
fn canonical_exemption(word: &str) -> Option<&'static str> {
    EXEMPTIONS
        .iter()
        .find(|e| e.eq_ignore_ascii_case(word))
        .copied()
}

/// The statutes exemption 3 cites, as FOIA offices print them: the code (`USC`, `U.S.C.`,
/// `CFR`, `C.F.R.`) → its printed abbreviation.
const CODES: &[(&str, &str)] = &[("USC", "U.S.C."), ("CFR", "C.F.R.")];

/// A statute of exemption 3 in its canonical form (`8 U.S.C. § 1367` → `8 USC 1367`), from its
/// words: a title number, the code, an optional `§`, a section.
fn canonical_statute(words: &[&str]) -> Option<String> {
    let words: Vec<&str> = words.iter().copied().filter(|w| *w != "§").collect();
    let [title, code, section] = words[..] else {
        return None;
    };
    let code = code.replace('.', "").to_ascii_uppercase();
    let ok = title.chars().all(|c| c.is_ascii_digit())
        && CODES.iter().any(|(c, _)| *c == code)
        && section.starts_with(|c: char| c.is_ascii_digit())
        && section
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '(' | ')' | '-'));
    ok.then(|| format!("{title} {code} {section}"))
}

/// The exemptions of a list, each canonical: `b6 b7c` → `b6`, `b7C`; exemption 3 with the
/// statute its words after it name: `b3 8 U.S.C. § 1367, b6` → `b3 8 USC 1367`, `b6`. An error
/// says what is wrong with the list.
pub fn entries(list: &str) -> Result<Vec<String>, String> {
    let words: Vec<&str> = exemption_words(list).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let Some(e) = canonical_exemption(words[i]) else {
            let word = words[i];
            // A statute's words after another exemption than b3: say where a statute goes.
            let statute = !word.starts_with(['b', 'B']);
            return Err(format!(
                "`{word}` is not a FOIA exemption; use b1–b9 or b7A–b7F (e.g. `[[b6: …]]`){}",
                match statute {
                    true => ", and name a statute only after b3 (`[[b3 8 USC 1367: …]]`)",
                    false => "",
                }
            ));
        };
        i += 1;
        if e != "b3" {
            out.push(e.to_string());
            continue;
        }
        let n = words[i..]
            .iter()
            .take_while(|w| canonical_exemption(w).is_none())
            .count();
        let Some(statute) = canonical_statute(&words[i..i + n]) else {
            return Err(
                "exemption 3 names the statute that exempts the text, e.g. `[[b3 8 USC 1367: …]]` (8 U.S.C. § 1367), `[[b3 8 CFR 208.6: …]]` (asylum and refugee information) or `[[b3 8 CFR 244.16: …]]` (TPS)".into(),
            );
        };
        i += n;
        out.push(format!("b3 {statute}"));
    }
    if out.is_empty() {
        return Err("redaction markup names no exemption, e.g. `[[b6: Jane Roe]]`".into());
    }
    Ok(out)
}

/// Whether one entry of a `[release] redact` list is an exemption (`b6`, `b3 8 USC 1367`).
pub fn is_exemption(entry: &str) -> bool {
    entries(entry).is_ok_and(|e| e.len() == 1)
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

/// The printed label of an exemption: `b7C` → `(b) (7)(C)`, `b3 8 USC 1367` →
/// `(b) (3): 8 U.S.C. § 1367`, as FOIA offices print them.
pub fn exemption_label(e: &str) -> String {
    let mut words = e.split_whitespace();
    let code = words.next().unwrap_or("");
    let Some(digits) = code.get(1..2) else {
        return "withheld".into();
    };
    let base = match code.get(2..) {
        Some(sub) if !sub.is_empty() => format!("(b) ({digits})({sub})"),
        _ => format!("(b) ({digits})"),
    };
    let statute: Vec<&str> = words.collect();
    match canonical_statute(&statute) {
        Some(s) => {
            let mut parts = s.splitn(3, ' ');
            let (title, code, section) = (
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            );
            let printed = CODES
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code, |(_, p)| p);
            format!("{base}: {title} {printed} § {section}")
        }
        None => base,
    }
}

/// The label of a redaction: `(b) (6), (b) (7)(C)`; exemption 3 with its statute,
/// `(b) (3): 8 U.S.C. § 1367`. Takes the exemptions as entries (`b3 8 USC 1367`) or as the words
/// of a list (`b3`, `8`, `USC`, `1367`, `b6`).
pub fn label(exemptions: &[String]) -> String {
    let entries = entries(&exemptions.join(" ")).unwrap_or_else(|_| {
        exemptions
            .iter()
            .filter(|e| canonical_exemption(e).is_some())
            .cloned()
            .collect()
    });
    if entries.is_empty() {
        return "withheld".into();
    }
    entries
        .iter()
        .map(|e| exemption_label(e))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The text as a release shows it, each redaction replaced by `wrap(label)`; a string whose
/// markup does not parse is withheld whole (`check` reports it). This is the one redaction step
/// every release output — PDF, HTML, Markdown, diff, log, status, report — goes through.
pub fn release_with(s: &str, wrap: impl FnMut(String) -> String) -> String {
    release_withholding(s, &Withheld::default(), wrap)
}

/// [`release_with`], and in the text it releases every occurrence of a text `also` withholds
/// (marked in another version of the record) replaced by `wrap(label)` too.
pub fn release_withholding(
    s: &str,
    also: &Withheld,
    mut wrap: impl FnMut(String) -> String,
) -> String {
    if !has_markup(s) {
        return also.apply(s, &mut wrap);
    }
    match parse(s) {
        Ok(segs) => segs
            .into_iter()
            .map(|seg| match seg {
                Segment::Text { text } => also.apply(&text, &mut wrap),
                Segment::Redacted { exemptions, .. } => wrap(label(&exemptions)),
            })
            .collect(),
        Err(_) => wrap("withheld".into()),
    }
}

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
    fn apply(&self, s: &str, wrap: &mut impl FnMut(String) -> String) -> String {
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

/// The text as a plain-text release shows it: `Call [(b) (6)] today`.
pub fn release_plain(s: &str) -> String {
    release_with(s, |l| format!("[{l}]"))
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
    fn every_markup_error_of_a_string_is_found() {
        let s = "[[bx: Jane]] met [[John]] and [[b6: Ann]] at 5]] then [[b6: Lee";
        let all = errors(s);
        let found: Vec<(usize, usize, &str)> = all
            .iter()
            .map(|e| {
                (
                    e.offset,
                    e.opening,
                    e.message.split(';').next().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (0, 0, "`bx` is not a FOIA exemption"),
                (17, 1, "redaction markup needs exemptions and a colon, e.g. `[[b6 b7C: Jane Roe]]`"),
                (46, 2, "stray `]]` outside redaction markup: if the text before it is exempt, open it with `[[b6: …`"),
                (54, 3, "redaction markup `[[` is never closed with `]]`"),
            ]
        );
        assert!(errors("[[b6: Jane]] and \\[[literal]]").is_empty());
    }

    #[test]
    fn the_fast_paths_agree_with_the_grammar_on_every_short_string() {
        // Every string of up to five characters over the markup's alphabet: the byte test for
        // markup is the two-substring test it replaced, a string without markup is one text, and
        // `errors` (which keeps nothing) finds an error exactly where `parse` stops.
        let alphabet = ['[', ']', '\\', 'b', '6', ':', ' ', 'x'];
        let mut strings = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = strings
                .iter()
                .filter(|s| s.len() == strings.last().map_or(0, |l| l.len()))
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        assert_eq!(strings.len(), (0..=5).map(|n| 8usize.pow(n)).sum::<usize>());
        for s in &strings {
            assert_eq!(has_markup(s), s.contains("[[") || s.contains("]]"), "{s:?}");
            let parsed = parse(s);
            if !has_markup(s) {
                let whole: Vec<Segment> = match s.is_empty() {
                    true => vec![],
                    false => vec![Segment::Text { text: s.clone() }],
                };
                assert_eq!(parsed.as_ref(), Ok(&whole), "{s:?}");
            }
            assert_eq!(errors(s).first(), parsed.as_ref().err(), "{s:?}");
        }
    }

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
    fn a_text_marked_elsewhere_is_withheld_in_any_case_and_spacing_as_whole_words() {
        let mut w = Withheld::default();
        w.add_marked("Call [[b6 b7C: Maria  Lopez]] or [[b7E: SITE-9]]");
        w.add_marked("[[b6: Ann]] and [[b6: maria lopez]]");
        // Markup that does not parse adds nothing (a release withholds that string whole).
        w.add_marked("[[b6: Bob]] and [[b6: bad");
        let r = |s: &str| release_withholding(s, &w, |l| format!("[{l}]"));
        assert_eq!(
            r("MARIA\nLOPEZ met Ann at SITE-9; Annual review of site-9x"),
            "[(b) (6), (b) (7)(C)] met [(b) (6)] at [(b) (7)(E)]; Annual review of site-9x"
        );
        // Marked text is labelled as before; markup that does not parse withholds the string.
        assert_eq!(
            r("[[b5: Ann]] saw Ann and Bob"),
            "[(b) (5)] saw [(b) (6)] and Bob"
        );
        assert_eq!(r("Ann ]] x"), "[withheld]");
        assert_eq!(
            release_withholding("Ann", &Withheld::default(), |l| l),
            "Ann"
        );
    }

    #[test]
    fn a_withheld_name_is_withheld_as_people_also_write_it() {
        let mut w = Withheld::default();
        w.add_marked("Research by [[b6: María Lopez]] and [[b7E: Port Nine]]");
        let r = |s: &str| release_withholding(s, &w, |l| format!("[{l}]"));
        assert_eq!(
            r("Lopez, Maria and M. Lopez and M Lopez and LOPEZ,\nMARÍA met at Port Nine"),
            "[(b) (6)] and [(b) (6)] and [(b) (6)] and [(b) (6)] met at [(b) (7)(E)]"
        );
        // Only a person's name (b6, b7C) has variants; a surname alone, or another name with
        // the same surname, is not withheld.
        assert_eq!(
            r("Nine, Port; Lopez; J. Lopez"),
            "Nine, Port; Lopez; J. Lopez"
        );
        let mut w3 = Withheld::default();
        w3.add_marked("[[b6 b7C: Maria Elena Lopez]]");
        assert_eq!(
            release_withholding(
                "Lopez, Maria Elena; Lopez, Maria; M. Lopez",
                &w3,
                |l| format!("[{l}]")
            ),
            "[(b) (6), (b) (7)(C)]; [(b) (6), (b) (7)(C)]; [(b) (6), (b) (7)(C)]"
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
    fn exemption_3_names_its_statute_as_foia_offices_print_it() {
        let segs = parse("[[b3 8 USC 1367: a pending VAWA self-petition]]").unwrap();
        let Segment::Redacted { exemptions, .. } = &segs[0] else {
            panic!("{segs:?}");
        };
        assert_eq!(exemptions, &["b3 8 USC 1367"]);
        assert_eq!(label(exemptions), "(b) (3): 8 U.S.C. § 1367");
        assert_eq!(
            release_plain("[[b3 8 U.S.C. § 1367, b6: x]] and [[b3 8 cfr 208.6: y]]"),
            "[(b) (3): 8 U.S.C. § 1367, (b) (6)] and [(b) (3): 8 C.F.R. § 208.6]"
        );
        // The words of a list, as a DOCX content control's tag carries them.
        let words: Vec<String> = "b3 8 USC 1367 b6".split(' ').map(String::from).collect();
        assert_eq!(label(&words), "(b) (3): 8 U.S.C. § 1367, (b) (6)");
        for bad in [
            "[[b3: x]]",
            "[[b3 1367: x]]",
            "[[b3 8 XYZ 1367: x]]",
            "[[b6 8 USC 1367: x]]",
        ] {
            let e = parse(bad).unwrap_err().message;
            assert!(e.contains("8 USC 1367"), "{bad}: {e}");
        }
        assert!(is_exemption("b3 8 USC 1367") && is_exemption("b7c"));
        assert!(!is_exemption("b3") && !is_exemption("b6 b7C") && !is_exemption("x"));
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

    #[test]
    fn a_stray_closing_bracket_is_refused_and_a_release_withholds_the_string() {
        // The reproducer: the text after the first `]]` was meant to be withheld.
        let e = parse("[[b7E: a ]] b]] c").unwrap_err();
        assert!(e.message.contains("stray `]]`"), "{}", e.message);
        assert!(parse("Jane Roe]] called").is_err());
        assert_eq!(release_plain("[[b7E: a ]] b]] c"), "[withheld]");
        assert_eq!(plain(r"a \]] b"), "a ]] b");
        assert_eq!(release_plain("Call [[b6: Jane]] now"), "Call [(b) (6)] now");
    }
}
