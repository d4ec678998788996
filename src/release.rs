//! Release copies of structured data: the `[release] redact` map of a record, and a copy of a
//! record's table in which every string has passed the redaction step and every withheld field
//! (of any type) is replaced by its label. `diff --release` compares such copies, so no exempt
//! text can reach its output whatever the printer does.

use std::collections::BTreeMap;

use toml::Value;

use crate::form::path_covers;
use crate::markup;

/// `[release] redact` of a record: withheld field path → exemptions.
pub fn withheld_map(root: &toml::Table) -> BTreeMap<String, Vec<String>> {
    root.get("release")
        .and_then(|r| r.get("redact"))
        .and_then(Value::as_table)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let ex = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(|e| e.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), ex)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The label a withheld field prints: `[(b) (6)]`, or `[withheld]` without exemptions.
fn withheld_label(ex: &[String]) -> String {
    let valid: Vec<String> = ex
        .iter()
        .filter(|e| markup::is_exemption(e))
        .cloned()
        .collect();
    if valid.is_empty() {
        "[withheld]".into()
    } else {
        format!("[{}]", markup::label(&valid))
    }
}

/// A string of field `path` as a release shows it: the exemption label of the `[release]
/// redact` entry (of `withheld`, as [`withheld_map`] reads them) that covers the path — nothing
/// for an empty string — else the text through the redaction step.
pub fn present(path: &str, s: &str, withheld: &BTreeMap<String, Vec<String>>) -> String {
    match withheld.iter().find(|(w, _)| path_covers(w, path)) {
        Some(_) if s.trim().is_empty() => String::new(),
        Some((_, ex)) => withheld_label(ex),
        None => markup::release_plain(s),
    }
}

/// A copy of a record as a release may show it.
pub fn release_table(root: &toml::Table) -> toml::Table {
    let withheld = withheld_map(root);
    let mut out = toml::Table::new();
    for (k, v) in root {
        let v = if k == "release" {
            v.clone()
        } else {
            release_value(v, k, &withheld)
        };
        out.insert(k.clone(), v);
    }
    out
}

fn release_value(v: &Value, path: &str, withheld: &BTreeMap<String, Vec<String>>) -> Value {
    if let Some((_, ex)) = withheld.iter().find(|(w, _)| path_covers(w, path)) {
        return Value::String(withheld_label(ex));
    }
    match v {
        Value::String(s) => Value::String(markup::release_plain(s)),
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| release_value(x, &format!("{path}[{i}]"), withheld))
                .collect(),
        ),
        Value::Table(t) => Value::Table(
            t.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        release_value(x, &format!("{path}.{k}"), withheld),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_redacted_and_withheld_fields_of_any_type_replaced() {
        let t: toml::Table = toml::from_str(
            r#"
title = "Call [[b6: Jane Roe]]"
[summary]
contacts = [{ name = "[[b6: Jane Roe]]", phone = "555" }]
[rules_of_behavior]
accounts = { complies = false, explanation = "[[b7E: how]] and why" }
[use]
launched = 2024-03-15
[release.redact]
"use.launched" = ["b7E"]
"summary.contacts[].phone" = ["b6"]
"#,
        )
        .unwrap();
        let r = release_table(&t);
        let s = toml::to_string(&r).unwrap();
        assert!(!s.contains("Jane"), "{s}");
        assert!(!s.contains("555"), "{s}");
        assert!(!s.contains("how"), "{s}");
        assert!(!s.contains("2024-03-15"), "{s}");
        assert!(s.contains("launched = \"[(b) (7)(E)]\""), "{s}");
        assert!(s.contains("title = \"Call [(b) (6)]\""), "{s}");
    }
}
