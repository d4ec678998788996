//! The FOIA exemptions markup names: their canonical spelling and their printed labels.

/// The FOIA exemptions markup may name (5 U.S.C. § 552(b)).
pub const EXEMPTIONS: &[&str] = &[
    "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b7A", "b7B", "b7C", "b7D", "b7E", "b7F", "b8", "b9",
];

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
