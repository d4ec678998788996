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
    Withholding::fields_of(root).copy(root)
}

/// What a release withholds, gathered from several versions of one record (the two sides of a
/// diff and the record as it stands): the fields any of them lists under `[release] redact`,
/// and the texts any of them marks `[[…]]`, wherever a version prints them. A field or a name
/// withheld today is thus withheld from the older version that did not withhold it yet.
#[derive(Debug, Default, Clone)]
pub struct Withholding {
    fields: BTreeMap<String, Vec<String>>,
    texts: markup::Withheld,
}

impl Withholding {
    /// What any of `versions` withholds.
    pub fn of<'a>(versions: impl IntoIterator<Item = &'a toml::Table>) -> Withholding {
        let mut w = Withholding::default();
        for t in versions {
            let fields = withheld_map(t);
            for (k, v) in t {
                if k != "release" {
                    withheld_values(v, k, &fields, &mut w.texts);
                }
            }
            for (path, ex) in fields {
                let known = w.fields.entry(path).or_default();
                for e in ex {
                    if !known.contains(&e) {
                        known.push(e);
                    }
                }
            }
            for (k, v) in t {
                if k != "release" {
                    marked_texts(v, &mut w.texts);
                }
            }
        }
        w
    }

    /// What `root` withholds whole: the fields it lists under `[release] redact` (its marked
    /// text is withheld where it is marked, by the redaction step).
    pub fn fields_of(root: &toml::Table) -> Withholding {
        Withholding {
            fields: withheld_map(root),
            texts: markup::Withheld::default(),
        }
    }

    /// The fields `fields` and the texts the strings `marked` mark (as [`marked_strings`]
    /// gathers them).
    pub fn marked_in(fields: BTreeMap<String, Vec<String>>, marked: &[String]) -> Withholding {
        let mut texts = markup::Withheld::default();
        for s in marked {
            texts.add_marked(s);
        }
        Withholding { fields, texts }
    }

    /// Withhold whatever `other` withholds too.
    pub fn add(&mut self, other: &Withholding) {
        for (path, ex) in &other.fields {
            let known = self.fields.entry(path.clone()).or_default();
            for e in ex {
                if !known.contains(e) {
                    known.push(e.clone());
                }
            }
        }
        self.texts.add(&other.texts);
    }

    /// The exemptions of the `[release] redact` entry that withholds field `path` whole.
    pub fn field(&self, path: &str) -> Option<&[String]> {
        self.fields
            .iter()
            .find_map(|(p, ex)| path_covers(p, path).then_some(ex.as_slice()))
    }

    /// A string as a release shows it, each withheld span — marked in it, or a text withheld
    /// wherever it occurs — replaced by `wrap(label)`: the one redaction step
    /// ([`markup::release_withholding`]).
    pub fn release_with(&self, s: &str, wrap: impl FnMut(String) -> String) -> String {
        markup::release_withholding(s, &self.texts, wrap)
    }

    /// A copy of `root` as a release may show it: each withheld field its label, each string
    /// through the redaction step, with every withheld text withheld wherever it occurs.
    pub fn copy(&self, root: &toml::Table) -> toml::Table {
        let mut out = toml::Table::new();
        for (k, v) in root {
            let v = if k == "release" {
                v.clone()
            } else {
                release_value(v, k, self)
            };
            out.insert(k.clone(), v);
        }
        out
    }

    /// A string as a release shows it: through the redaction step, every withheld text
    /// withheld wherever it occurs (a commit message naming a person the record marks).
    pub fn plain(&self, s: &str) -> String {
        markup::release_withholding(s, &self.texts, |l| format!("[{l}]"))
    }

    /// A string of field `path` as a release shows it ([`present`]), every withheld text
    /// withheld wherever it occurs too (a determination's comments naming a person the record
    /// marks).
    pub fn present(&self, path: &str, s: &str) -> String {
        match self.field(path) {
            Some(_) if s.trim().is_empty() => String::new(),
            Some(ex) => withheld_label(ex),
            None => self.plain(s),
        }
    }

    /// A digest of what is withheld (for the key of a cached release summary).
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for (path, ex) in &self.fields {
            h.update(format!("field {path:?} {ex:?}\n").as_bytes());
        }
        for (text, ex) in self.texts.texts() {
            h.update(format!("text {text:?} {ex:?}\n").as_bytes());
        }
        crate::digest::hex(&h.finalize()[..16])
    }
}

/// The strings of a record (outside `[release]`) that mark text `[[…]]`.
pub fn marked_strings(root: &toml::Table) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if markup::has_markup(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Table(t) => t.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in root {
        if k != "release" {
            walk(v, &mut out);
        }
    }
    out
}

/// Add the strings (and dates) of `v`, at `path`, that a `[release] redact` entry of
/// `fields` withholds whole: a release withholds them wherever the record prints them too (a
/// withheld contact's name in a commit message or a description).
fn withheld_values(
    v: &Value,
    path: &str,
    fields: &BTreeMap<String, Vec<String>>,
    out: &mut markup::Withheld,
) {
    let ex = fields
        .iter()
        .find(|(p, _)| path_covers(p, path))
        .map(|x| x.1);
    match v {
        Value::String(s) => {
            if let Some(ex) = ex {
                out.add_text(s, ex);
            }
        }
        Value::Datetime(d) => {
            if let Some(ex) = ex {
                out.add_text(&d.to_string(), ex);
            }
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| withheld_values(x, &format!("{path}[{i}]"), fields, out)),
        Value::Table(t) => t
            .iter()
            .filter(|(k, _)| !is_match_key(k))
            .for_each(|(k, x)| withheld_values(x, &format!("{path}.{k}"), fields, out)),
        _ => {}
    }
}

/// Add the texts the strings of `v` mark.
fn marked_texts(v: &Value, out: &mut markup::Withheld) {
    match v {
        Value::String(s) => out.add_marked(s),
        Value::Array(a) => a.iter().for_each(|x| marked_texts(x, out)),
        Value::Table(t) => t.values().for_each(|x| marked_texts(x, out)),
        _ => {}
    }
}

/// The key a list item's matching fingerprint is kept under ([`crate::diff`]): a digest, not
/// text, copied as it is.
fn is_match_key(k: &str) -> bool {
    k.starts_with('\u{0}')
}

fn release_value(v: &Value, path: &str, w: &Withholding) -> Value {
    if let Some((_, ex)) = w.fields.iter().find(|(p, _)| path_covers(p, path)) {
        return Value::String(withheld_label(ex));
    }
    match v {
        Value::String(s) => Value::String(markup::release_withholding(s, &w.texts, |l| {
            format!("[{l}]")
        })),
        Value::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| release_value(x, &format!("{path}[{i}]"), w))
                .collect(),
        ),
        Value::Table(t) => Value::Table(
            t.iter()
                .map(|(k, x)| match is_match_key(k) {
                    true => (k.clone(), x.clone()),
                    false => (k.clone(), release_value(x, &format!("{path}.{k}"), w)),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The determination page's fields a record may withhold with `[release] redact` (recorded
/// determinations are never edited, so this is how a release withholds a reviewer's name).
pub const DETERMINATION_FIELDS: &[&str] = &[
    "determination.reviewer",
    "determination.comments",
    "determination.rules_do_not_comply",
    "determination.conditions",
    "determination.ids",
];

/// Who an output is for: the office itself, or the public (a FOIA release copy, every string
/// through the one redaction step).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// The register's own people: everything, withheld text marked.
    #[default]
    Internal,
    /// A release copy: exempt text replaced by its FOIA label.
    Release,
}

impl Audience {
    /// `--release` given or not.
    pub fn of_flag(release: bool) -> Audience {
        match release {
            true => Audience::Release,
            false => Audience::Internal,
        }
    }

    /// A release copy.
    pub fn is_release(self) -> bool {
        self == Audience::Release
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
