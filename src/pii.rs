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
            d("Social Security number", r"\b\d{3}-\d{2}-\d{4}\b"),
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
        let hint = "mark it for withholding, e.g. [[b6 b7C: …]]";
        out.extend(scan_string(
            value, path, span, &names, is_name, file, index, hint,
        ));
    });
    out
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
        .filter(|n| n.chars().count() >= 4)
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
        let lower = text.to_lowercase();
        for n in names {
            if lower.contains(&n.to_lowercase()) {
                hits.push(("name of a person named in this record".into(), n.clone()));
            }
        }
        if is_name_field
            && !text.trim().is_empty()
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
