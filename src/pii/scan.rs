//! The scan: every string of a record (or of its determinations) checked for PII outside
//! redaction markup, as findings SM050, SM051 and SM052.

use std::collections::HashSet;
use std::ops::Range;

use toml::de::DeTable;

use super::detect::{found_in, protected_classes};
use super::fields::{collect_names, walk, withheld_fields};
use super::names;
use crate::diag::{Finding, LineIndex, Severity};
use crate::form::{path_covers, schema_path, Form};
use crate::markup::{self, Segment};

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
    // The exemptions the form gives a person's name in a record of this category: (b)(7)(C)
    // only where the record is compiled for law enforcement purposes.
    let exemptions = form.person_exemptions_for(root);
    let quoted = exemptions
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
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
            "mark it for withholding, e.g. [[{}: …]], or withhold the whole field with [release] redact = {{ \"{}\" = [{}] }}",
            exemptions.join(" "),
            release_key(path),
            quoted
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
            None,
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
        let key = determination_field(path);
        out.extend(scan_string(
            value,
            path,
            span,
            &names,
            is_name,
            file,
            index,
            &hint,
            Some(&key),
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
    redact_key: Option<&str>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(segs) = markup::parse(value) else {
        return out;
    };
    for seg in segs {
        let Segment::Text { text } = seg else {
            continue;
        };
        let mut hits: Vec<(String, bool, String)> = found_in(&text)
            .into_iter()
            .map(|(k, s, m)| (k.to_string(), s, m))
            .collect();
        // Names are compared with white space folded (two spaces, NBSP, a line break, a
        // zero-width character between the words) and in "Last, First" order too.
        let folded = fold(&text);
        for n in names {
            let want = fold(n);
            let reversed = last_first(&want);
            if folded.contains(&want) || reversed.is_some_and(|r| folded.contains(&r)) {
                hits.push((
                    "name of a person named in this record".into(),
                    false,
                    n.clone(),
                ));
            }
        }
        if is_name_field
            && looks_like_a_person(&text)
            && !hits.iter().any(|(k, _, _)| k.starts_with("name"))
        {
            hits.push(("person's name".into(), false, text.trim().to_string()));
        } else {
            // People named in free text, whom no name field of the record names.
            for r in names::find(&text) {
                let found = &text[r];
                let f = fold(found);
                let known = hits.iter().any(|(k, _, n)| {
                    k.starts_with("name") && (fold(n).contains(&f) || f.contains(&fold(n)))
                });
                if !known {
                    hits.push(("person's name".into(), false, found.to_string()));
                }
            }
        }
        for (what, re, statute) in protected_classes() {
            for m in re.find_iter(&text) {
                let at = precise(index, &span, m.as_str());
                out.push(
                    Finding::new(
                        "SM052",
                        Severity::Warning,
                        format!(
                            "a release would show information a statute protects (Directive 7.1.3): {what}, \"{}\"",
                            m.as_str()
                        ),
                    )
                    .hint(match redact_key {
                        Some(key) => format!(
                            "withhold it in release copies without touching the recorded determination: add \"{key}\" = [\"b3 {statute}\"] to the record's [release] redact (printed {})",
                            markup::exemption_label(&format!("b3 {statute}"))
                        ),
                        None => format!(
                            "withhold the passage under exemption 3 and its statute: [[b3 {statute}: …]] (printed {}), or the whole field with [release] redact = {{ \"{}\" = [\"b3 {statute}\"] }}",
                            markup::exemption_label(&format!("b3 {statute}")),
                            release_key(path)
                        ),
                    })
                    .field(path.to_string())
                    .at(file, index, &at),
                );
            }
        }
        for (kind, sensitive, found) in hits {
            let at = precise(index, &span, &found);
            let (code, what) = match sensitive {
                true => ("SM051", "sensitive PII (SPII)"),
                false => ("SM050", "PII"),
            };
            out.push(
                Finding::new(
                    code,
                    Severity::Warning,
                    format!("unmarked {what} in a release: {kind} \"{found}\""),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names_found(text: &str, names: &[&str]) -> usize {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let index = LineIndex::new(text);
        scan_string(
            text,
            "x",
            0..text.len(),
            &names,
            false,
            "f",
            &index,
            "h",
            None,
        )
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
