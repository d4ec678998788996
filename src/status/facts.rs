//! What `status` reads from a record's text, and the retention it implies.

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{lookup, Ctx};
use crate::determination::Determination;
use crate::duration::Period;
use crate::form::Form;
use crate::register::Register;

/// What `status` reads from a record's text. Kept in `.git/smout/status-v1` between runs,
/// keyed by the file's stamp: a record unchanged since the last run is neither read nor parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub(super) struct Facts {
    /// SHA-256 of the text (what a determination's `record_sha256` names).
    pub(super) sha256: String,
    pub(super) form: String,
    pub(super) title: String,
    pub(super) component: String,
    pub(super) category: String,
    pub(super) stage: String,
    pub(super) references: Vec<String>,
    /// The columns the record's `[release] redact` withholds.
    pub(super) withheld: Vec<String>,
    /// The `[release] redact` entries of the determination page (`determination.comments` …),
    /// with their exemptions.
    #[serde(default)]
    pub(super) determination_withheld: std::collections::BTreeMap<String, Vec<String>>,
    /// The record's strings that mark text `[[…]]`: a release withholds the texts they mark
    /// wherever a determination prints them too.
    #[serde(default)]
    pub(super) marked: Vec<String>,
    /// The form's retention applies to this record (its `retention_only_if` holds).
    pub(super) retention_applies: bool,
    /// The date retention counts from, when the form names a field for it.
    pub(super) retention_from: Option<NaiveDate>,
}

impl Facts {
    /// The facts of a record's text.
    pub(super) fn of(reg: &Register, text: &str) -> Facts {
        let parsed = toml::de::DeTable::parse(text).ok();
        let empty = toml::de::DeTable::default();
        let record: &toml::de::DeTable<'_> = parsed.as_ref().map(|t| t.get_ref()).unwrap_or(&empty);
        let form_id = record
            .get("form")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or("")
            .to_string();
        let form = reg.forms.get(&form_id);
        let get = |p: &Option<String>| -> String {
            p.as_deref()
                .and_then(|p| lookup(record, p, &Ctx::default()))
                .map(|v| de_text(v.get_ref()))
                .unwrap_or_default()
        };
        let mut facts = Facts {
            sha256: crate::digest::sha256_hex(text.as_bytes()),
            title: record
                .get("title")
                .map(|v| de_text(v.get_ref()))
                .unwrap_or_default(),
            ..Facts::default()
        };
        // What a release withholds of the decisions: recorded determinations are never edited,
        // so the record says it.
        if text.contains("[[") {
            if let Ok(t) = toml::from_str::<toml::Table>(text) {
                facts.marked = crate::release::marked_strings(&t);
            }
        }
        if let Some(redact) = record
            .get("release")
            .and_then(|r| r.get_ref().as_table())
            .and_then(|r| r.get("redact"))
            .and_then(|r| r.get_ref().as_table())
        {
            for (k, v) in redact.iter() {
                let path = k.get_ref();
                if path != "determination" && !path.starts_with("determination.") {
                    continue;
                }
                let exemptions = v
                    .get_ref()
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e.get_ref().as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                facts
                    .determination_withheld
                    .insert(path.to_string(), exemptions);
            }
        }
        let Some(f) = form else {
            facts.form = form_id;
            return facts;
        };
        facts.component = get(&f.index.component);
        facts.category = category_label(f, &get(&f.index.category));
        facts.stage = get(&f.index.stage);
        facts.references = f
            .index
            .references
            .iter()
            .flat_map(|p| list_values(record, p))
            .collect();
        // Which of these columns `[release] redact` withholds, for a release listing.
        let withheld_paths = crate::pii::withheld_fields(record);
        let covered = |p: Option<&str>| {
            p.is_some_and(|p| {
                withheld_paths
                    .iter()
                    .any(|w| crate::form::path_covers(w, p))
            })
        };
        for (col, path) in [
            ("title", Some("title")),
            ("component", f.index.component.as_deref()),
            ("category", f.index.category.as_deref()),
            ("stage", f.index.stage.as_deref()),
        ] {
            if covered(path) {
                facts.withheld.push(col.into());
            }
        }
        if f.index.references.iter().any(|p| covered(Some(p))) {
            facts.withheld.push("references".into());
        }
        facts.retention_applies = match (&f.index.retention_only_if, &f.index.retention_only_eq) {
            (Some(path), Some(eq)) => list_values(record, path).iter().any(|v| v == eq),
            _ => true,
        };
        facts.retention_from = f.index.retention_from.as_deref().and_then(|path| {
            lookup(record, path, &Ctx::default()).and_then(|v| {
                v.get_ref()
                    .as_datetime()
                    .and_then(crate::duration::toml_date::from_toml)
            })
        });
        facts.form = form_id;
        facts
    }
}

fn de_text(v: &toml::de::DeValue<'_>) -> String {
    match v {
        // Raw, markup and all: `internal` or `released` decides what a listing shows.
        toml::de::DeValue::String(s) => s.to_string(),
        toml::de::DeValue::Integer(i) => i.as_str().to_string(),
        toml::de::DeValue::Boolean(b) => b.to_string(),
        toml::de::DeValue::Datetime(d) => d.to_string(),
        _ => String::new(),
    }
}

/// Retention: the form's index says how long records of an approved filing are kept (e.g.
/// consent copies five years), counted from a date field of the record or from the approval.
pub(super) fn retention(
    form: &Form,
    facts: &Facts,
    d: Option<&Determination>,
) -> Option<NaiveDate> {
    let d = d.filter(|d| form.outcome(&d.outcome).is_some_and(|o| o.approves))?;
    let p = Period::parse(form.index.retention.as_deref()?).ok()?;
    if !facts.retention_applies {
        return None;
    }
    // Counted from the date the form names (the actual release); until it is recorded, there
    // is nothing to count from. Without such a field, from the approval.
    match form.index.retention_from {
        None => Some(p.after(d.reviewed)),
        Some(_) => facts.retention_from.map(|from| p.after(from)),
    }
}

fn category_label(form: &Form, value: &str) -> String {
    form.index
        .category
        .as_deref()
        .and_then(|p| form.field(p))
        .and_then(|f| f.choice(value))
        .map(|c| c.label.clone())
        .unwrap_or_else(|| value.to_string())
}

/// The values at a path with `[]` (e.g. `summary.pia[].id`).
fn list_values(record: &toml::de::DeTable<'_>, path: &str) -> Vec<String> {
    let Some((list, key)) = path.split_once("[].") else {
        return lookup(record, path, &Ctx::default())
            .map(|v| de_text(v.get_ref()))
            .into_iter()
            .collect();
    };
    lookup(record, list, &Ctx::default())
        .and_then(|v| v.get_ref().as_array())
        .map(|a| {
            a.iter()
                .filter_map(|item| {
                    item.get_ref()
                        .as_table()?
                        .get(key)
                        .map(|v| de_text(v.get_ref()))
                })
                .collect()
        })
        .unwrap_or_default()
}
