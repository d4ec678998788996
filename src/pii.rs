//! The release check (`check --release`): warn about personally identifiable information that a
//! FOIA or public release would show because nobody marked it. The kinds follow CBP Directive
//! 1450-027, footnotes 4 and 6: names, e-mail addresses, telephone numbers, Social Security
//! numbers, Alien Registration Numbers and internet protocol addresses.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use toml::de::{DeTable, DeValue};

use crate::diag::{Finding, LineIndex, Severity};
use crate::form::{child_prefix, path_covers, schema_path, FieldType, Form};
use crate::markup::{self, Segment};

struct Detector {
    kind: &'static str,
    regex: Regex,
}

fn detectors() -> &'static [Detector] {
    static D: OnceLock<Vec<Detector>> = OnceLock::new();
    D.get_or_init(|| {
        let d = |kind, re: &str| Detector {
            kind,
            regex: Regex::new(re).expect("built-in PII pattern"),
        };
        vec![
            d(
                "e-mail address",
                r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
            ),
            // Dashed, spaced or bare: 123-45-6789, 123 45 6789, 123456789.
            d(
                "Social Security number",
                r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b|\b\d{9}\b",
            ),
            d(
                "telephone number",
                r"(\(\d{3}\)\s?|\b\d{3}[-. ])\d{3}[-. ]\d{4}\b",
            ),
            d(
                "Alien Registration Number (A-Number)",
                r"\bA[- ]?\d{3}[- ]?\d{3}[- ]?\d{3}\b|\bA[- ]?\d{8}\b",
            ),
            d(
                "internet protocol address",
                r"\b(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\b",
            ),
            // IPv6, full (8 groups) or compressed with `::` (2001:db8::1, fe80::1ff:fe23).
            d(
                "internet protocol (IPv6) address",
                r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,5})?\b",
            ),
        ]
    })
}

/// Scan every string of a record for PII outside redaction markup and outside the fields that
/// `[release] redact` withholds whole. `also_names` are further people to look for (the
/// reviewers named in the record's determinations).
pub fn scan(
    root: &DeTable<'_>,
    form: &Form,
    file: &str,
    index: &LineIndex<'_>,
    also_names: &[String],
) -> Vec<Finding> {
    let withheld = withheld_fields(root);
    let mut names = HashSet::new();
    collect_names(root, form, "", &mut names);
    names.extend(also_names.iter().cloned());
    let names = usable(names);
    let is_name = |path: &str| {
        form.field(&schema_path(path))
            .is_some_and(|f| f.pii.as_deref() == Some("name"))
    };
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, span| {
        if path == "form" || path == "form_version" || path.starts_with("release") {
            return;
        }
        if withheld.iter().any(|w| path_covers(w, path)) {
            return;
        }
        let hint = format!(
            "mark it for withholding, e.g. [[b6 b7C: …]], or withhold the whole field with [release] redact = {{ \"{}\" = [\"b6\", \"b7C\"] }}",
            release_key(path)
        );
        out.extend(scan_string(
            value,
            path,
            span,
            &names,
            is_name(path),
            file,
            index,
            &hint,
        ));
    });
    out
}

/// Scan a record's determinations (printed on the release's last page) the same way; the
/// reviewer's name is itself PII.
pub fn scan_determinations(
    root: &DeTable<'_>,
    file: &str,
    index: &LineIndex<'_>,
    names: &[String],
) -> Vec<Finding> {
    let names = usable(names.iter().cloned().collect());
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, span| {
        if path.ends_with("record_sha256") || path.ends_with("outcome") {
            return;
        }
        let is_name = path.ends_with("reviewer") || path.ends_with("decided_by");
        // Recorded determinations are never edited: the record withholds the field instead.
        let hint = format!(
            "withhold it in release copies without touching the recorded determination: add \"{}\" = [\"b6\"] to the record's [release] redact",
            determination_field(path)
        );
        out.extend(scan_string(
            value, path, span, &names, is_name, file, index, &hint,
        ));
    });
    out
}

/// The `[release] redact` key that withholds a determinations-file value on the release's
/// determination page: `determination[0].pia.ids[1]` → `determination.ids`,
/// `appeal[1].reviewer` → `determination.reviewer`.
pub fn determination_field(path: &str) -> String {
    if path.contains(".ids") {
        return "determination.ids".into();
    }
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key);
    format!("determination.{key}")
}

/// Reviewers' names in a determinations file (markup removed).
pub fn reviewer_names(root: &DeTable<'_>) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, "", &mut |path, value, _| {
        if path.ends_with("reviewer") {
            out.push(markup::plain(value).trim().to_string());
        }
    });
    out
}

fn usable(names: HashSet<String>) -> Vec<String> {
    let mut v: Vec<String> = names
        .into_iter()
        .filter(|n| n.chars().count() >= 4 && looks_like_a_person(n))
        .collect();
    v.sort();
    v
}

#[allow(clippy::too_many_arguments)]
fn scan_string(
    value: &str,
    path: &str,
    span: Range<usize>,
    names: &[String],
    is_name_field: bool,
    file: &str,
    index: &LineIndex<'_>,
    hint: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(segs) = markup::parse(value) else {
        return out;
    };
    for seg in segs {
        let Segment::Text { text } = seg else {
            continue;
        };
        let mut hits: Vec<(String, String)> = Vec::new();
        for d in detectors() {
            for m in d.regex.find_iter(&text) {
                hits.push((d.kind.to_string(), m.as_str().to_string()));
            }
        }
        // Names are compared with white space folded (two spaces, NBSP, a line break, a
        // zero-width character between the words) and in "Last, First" order too.
        let folded = fold(&text);
        for n in names {
            let want = fold(n);
            let reversed = last_first(&want);
            if folded.contains(&want) || reversed.is_some_and(|r| folded.contains(&r)) {
                hits.push(("name of a person named in this record".into(), n.clone()));
            }
        }
        if is_name_field
            && looks_like_a_person(&text)
            && !hits.iter().any(|(k, _)| k.starts_with("name"))
        {
            hits.push(("person's name".into(), text.trim().to_string()));
        }
        for (kind, found) in hits {
            let at = precise(index, &span, &found);
            out.push(
                Finding::new(
                    "SM050",
                    Severity::Warning,
                    format!("unmarked PII in a release: {kind} \"{found}\""),
                )
                .hint(hint.replace("…", &found))
                .field(path.to_string())
                .at(file, index, &at),
            );
        }
    }
    out
}

/// Whether the unmarked text of a name field may be a person's name: not an office or agency
/// ("DHS Privacy Office"), not a title alone (", Deputy Secretary" after a marked name), not
/// punctuation.
fn looks_like_a_person(text: &str) -> bool {
    const ORGANISATIONS: &[&str] = &[
        "office",
        "department",
        "agency",
        "division",
        "directorate",
        "bureau",
        "branch",
        "center",
        "centre",
        "unit",
        "program",
        "programme",
        "committee",
        "board",
        "service",
        "services",
        "administration",
        "council",
        "team",
        "dhs",
        "cbp",
        "ice",
        "tsa",
        "uscis",
        "fema",
        "uscg",
        "usss",
        "cisa",
        "oig",
        "component",
        "headquarters",
        "staff",
        "section",
    ];
    const TITLES: &[&str] = &[
        "acting",
        "assistant",
        "associate",
        "deputy",
        "chief",
        "senior",
        "principal",
        "special",
        "executive",
        "under",
        "secretary",
        "officer",
        "director",
        "commissioner",
        "counsel",
        "general",
        "analyst",
        "agent",
        "specialist",
        "manager",
        "supervisor",
        "privacy",
        "administrator",
        "for",
        "of",
        "the",
        "and",
        "homeland",
        "security",
        "mr",
        "ms",
        "mrs",
        "dr",
        "jr",
        "sr",
    ];
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() || words.iter().any(|w| ORGANISATIONS.contains(&w.as_str())) {
        return false;
    }
    !words.iter().all(|w| TITLES.contains(&w.as_str()))
}

/// Lower case, zero-width characters removed, every run of white space (NBSP and the other
/// Unicode spaces included) one ASCII space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        ) {
            continue;
        }
        if c.is_whitespace() || c == '\u{00A0}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// "jane q roe" → "roe, jane q" (None for a one-word name).
fn last_first(folded: &str) -> Option<String> {
    let (first, last) = folded.rsplit_once(' ')?;
    Some(format!("{last}, {first}"))
}

/// The span of `needle` inside the string's source, or the whole string's span.
fn precise(index: &LineIndex<'_>, span: &Range<usize>, needle: &str) -> Range<usize> {
    match index.text(span).find(needle) {
        Some(i) => span.start + i..span.start + i + needle.len(),
        None => span.clone(),
    }
}

/// `summary.contacts[0].email` → `summary.contacts` (the key `[release] redact` takes).
fn release_key(path: &str) -> String {
    match path.find('[') {
        Some(i) => path[..i].to_string(),
        None => path.to_string(),
    }
}

/// The field paths that `[release] redact` withholds whole.
pub fn withheld_fields(root: &DeTable<'_>) -> Vec<String> {
    root.get("release")
        .and_then(|r| r.get_ref().as_table())
        .and_then(|r| r.get("redact"))
        .and_then(|r| r.get_ref().as_table())
        .map(|m| m.iter().map(|(k, _)| k.get_ref().to_string()).collect())
        .unwrap_or_default()
}

/// The names of the people a record names in its name fields (markup removed).
pub fn collect_record_names(root: &DeTable<'_>, form: &Form, out: &mut HashSet<String>) {
    collect_names(root, form, "", out);
}

fn collect_names(table: &DeTable<'_>, form: &Form, schema: &str, out: &mut HashSet<String>) {
    for (k, v) in table.iter() {
        let path = format!("{}{}", child_prefix(schema), k.get_ref());
        let Some(field) = form.field(&path) else {
            continue;
        };
        match v.get_ref() {
            DeValue::String(s) if field.pii.as_deref() == Some("name") => {
                out.insert(markup::plain(s).trim().to_string());
            }
            DeValue::Table(t) => collect_names(t, form, &path, out),
            DeValue::Array(a) if field.kind == FieldType::List => {
                for item in a.iter() {
                    if let Some(t) = item.get_ref().as_table() {
                        collect_names(t, form, &format!("{path}[]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Visit every string in the record with its concrete path (`summary.contacts[0].email`).
fn walk(table: &DeTable<'_>, prefix: &str, f: &mut dyn FnMut(&str, &str, Range<usize>)) {
    for (k, v) in table.iter() {
        let path = format!("{}{}", child_prefix(prefix), k.get_ref());
        walk_value(v, &path, f);
    }
}

fn walk_value(
    v: &toml::Spanned<DeValue<'_>>,
    path: &str,
    f: &mut dyn FnMut(&str, &str, Range<usize>),
) {
    match v.get_ref() {
        DeValue::String(s) => f(path, s, v.span()),
        DeValue::Table(t) => walk(t, path, f),
        DeValue::Array(a) => {
            for (i, item) in a.iter().enumerate() {
                walk_value(item, &format!("{path}[{i}]"), f);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_kind_of_pii_from_the_directive() {
        let text = "mail jane.roe@cbp.dhs.gov or call (202) 555-0142, SSN 123-45-6789, A-Number A123456789, host 10.1.2.3";
        let kinds: Vec<&str> = detectors()
            .iter()
            .filter(|d| d.regex.is_match(text))
            .map(|d| d.kind)
            .collect();
        assert_eq!(kinds.len(), 5, "{kinds:?}");
    }

    fn kinds_in(text: &str) -> Vec<&'static str> {
        detectors()
            .iter()
            .filter(|d| d.regex.is_match(text))
            .map(|d| d.kind)
            .collect()
    }

    #[test]
    fn finds_bare_ssns_and_ipv6_but_not_dates_or_times() {
        assert_eq!(kinds_in("SSN 123456789"), ["Social Security number"]);
        assert_eq!(kinds_in("SSN 123 45 6789"), ["Social Security number"]);
        assert_eq!(
            kinds_in("from 2001:db8::8a2e:370:7334 today"),
            ["internet protocol (IPv6) address"]
        );
        assert_eq!(kinds_in("fe80::1"), ["internet protocol (IPv6) address"]);
        assert!(kinds_in("met at 10:30 on 2024-03-15, 75 FR 404").is_empty());
        assert!(kinds_in("A123456789")
            .iter()
            .all(|k| !k.starts_with("Social")));
    }

    fn names_found(text: &str, names: &[&str]) -> usize {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let index = LineIndex::new(text);
        scan_string(text, "x", 0..text.len(), &names, false, "f", &index, "h")
            .iter()
            .filter(|f| f.message.contains("name of a person"))
            .count()
    }

    #[test]
    fn names_are_found_however_the_space_between_them_is_written() {
        for text in [
            "met Jane  Roe",
            "met Jane\u{00A0}Roe",
            "met Jane\u{200B} Roe",
            "met Jane\nRoe",
            "per Roe, Jane",
            "per ROE,  JANE",
        ] {
            assert_eq!(names_found(text, &["Jane Roe"]), 1, "{text:?}");
        }
        assert_eq!(names_found("met Jane Doe and Roe Smith", &["Jane Roe"]), 0);
    }

    #[test]
    fn an_office_or_a_title_alone_is_not_a_persons_name() {
        for text in [
            "DHS Privacy Office",
            ", Deputy Secretary",
            ", Deputy Secretary for Homeland Security",
            "U.S. Customs and Border Protection Privacy Office",
            " — ",
            "",
        ] {
            assert!(!looks_like_a_person(text), "{text:?}");
        }
        for text in [
            "Jane Roe",
            "Roe, Jane",
            "J. O'Neil-Smith",
            "Deputy Secretary Jane Roe",
        ] {
            assert!(looks_like_a_person(text), "{text:?}");
        }
    }

    #[test]
    fn schema_paths_drop_indices() {
        assert_eq!(
            schema_path("summary.contacts[12].email"),
            "summary.contacts[].email"
        );
        assert!(path_covers("summary.contacts", "summary.contacts[0].email"));
        assert!(!path_covers("summary.counsel", "summary.contacts[0].email"));
    }
}
