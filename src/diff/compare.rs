//! Comparing two versions of a record field by field, in the form's order, list items by identity.

use toml::{Table, Value};

use super::model::{Change, ChangeKind, RecordDiff, MATCH_KEY};
use super::words::{fold_ws, words};
use crate::form::{item_path, Field, FieldType, Form};

impl RecordDiff {
    /// Compare two parsed versions of a record.
    pub fn new(
        form: &Form,
        id: &str,
        from: &str,
        to: &str,
        old: &Table,
        new: &Table,
    ) -> RecordDiff {
        let changes = Self::changes(form, old, new, true);
        let material = changes.iter().any(|c| c.material);
        RecordDiff {
            id: id.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            changes,
            material,
        }
    }

    /// [`RecordDiff::summary`] of the change from `old` to `new`, without the word diffs it
    /// does not show (a timeline summarises every revision of every record).
    pub fn summary_of(form: &Form, old: &Table, new: &Table) -> String {
        summary(&Self::changes(form, old, new, false))
    }

    /// The changed answers, each with its word diff when `inline_words`.
    fn changes(form: &Form, old: &Table, new: &Table, inline_words: bool) -> Vec<Change> {
        let mut changes = Vec::new();
        if old.get("form_version") != new.get("form_version") {
            changes.push(Change {
                path: "form_version".into(),
                label: "Form version".into(),
                section: String::new(),
                kind: ChangeKind::Changed,
                material: true,
                old: old.get("form_version").map(show_plain),
                new: new.get("form_version").map(show_plain),
                inline: Vec::new(),
            });
        }
        walk(
            form,
            "",
            "",
            "",
            Some(old),
            Some(new),
            inline_words,
            &mut changes,
        );
        changes
    }

    /// A one-line summary: "3 changes (2 material): 5(c) Public interaction: Complies, …".
    pub fn summary(&self) -> String {
        summary(&self.changes)
    }
}

/// The one-line summary of `changes` ([`RecordDiff::summary`]).
fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change to the answers".into();
    }
    let n = changes.len();
    let m = changes.iter().filter(|c| c.material).count();
    let mut labels: Vec<&str> = Vec::new();
    for c in changes {
        if !labels.contains(&c.label.as_str()) {
            labels.push(&c.label);
        }
    }
    let shown: Vec<&str> = labels.iter().take(3).copied().collect();
    let more = if labels.len() > 3 {
        format!(", and {} more", labels.len() - 3)
    } else {
        String::new()
    };
    format!(
        "{n} change{} ({m} material): {}{more}",
        if n == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

fn show_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How an answer is shown in a diff.
fn show(field: &Field, v: &Value) -> String {
    match v {
        Value::String(s) if field.kind == FieldType::Choice => match field.choice(s) {
            Some(c) => format!("{} ({})", c.label, c.value),
            None => s.clone(),
        },
        Value::String(s) => s.clone(),
        Value::Boolean(b) => (if *b { "Yes" } else { "No" }).into(),
        Value::Array(a) => a.iter().map(show_plain).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn answered(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Table(t) => !t.is_empty(),
        _ => true,
    })
}

/// The child used to match list items across versions: `id`, else `name`, else the first
/// required string.
fn identity(form: &Form, list: &Field) -> Option<String> {
    let kids: Vec<&Field> = form.children(&item_path(list)).collect();
    ["id", "name"]
        .iter()
        .find_map(|k| kids.iter().find(|c| c.key == *k))
        .or_else(|| {
            kids.iter()
                .find(|c| c.required && c.kind == FieldType::String)
        })
        .map(|c| c.key.clone())
}

/// Whether any material answer differs (no labels or word diffs: for `status`).
pub fn material_change(form: &Form, old: &Table, new: &Table) -> bool {
    if old.get("form_version") != new.get("form_version") {
        return true;
    }
    let mut changes = Vec::new();
    walk(form, "", "", "", Some(old), Some(new), false, &mut changes);
    changes.iter().any(|c| c.material)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    form: &Form,
    schema_parent: &str,
    concrete_parent: &str,
    label_prefix: &str,
    old: Option<&Table>,
    new: Option<&Table>,
    inline_words: bool,
    out: &mut Vec<Change>,
) {
    for f in form.children(schema_parent) {
        let path = if concrete_parent.is_empty() {
            f.key.clone()
        } else {
            format!("{concrete_parent}.{}", f.key)
        };
        let label = format!("{label_prefix}{}", f.display_label());
        let ov = answered(old.and_then(|t| t.get(&f.key)));
        let nv = answered(new.and_then(|t| t.get(&f.key)));
        match f.kind {
            FieldType::Table | FieldType::Compound(_) => {
                walk(
                    form,
                    &f.path,
                    &path,
                    label_prefix,
                    ov.and_then(Value::as_table),
                    nv.and_then(Value::as_table),
                    inline_words,
                    out,
                );
            }
            FieldType::List => list(form, f, &path, &label, ov, nv, inline_words, out),
            _ => {
                if ov == nv {
                    continue;
                }
                let (o, n) = (ov.map(|v| show(f, v)), nv.map(|v| show(f, v)));
                if o == n {
                    continue;
                }
                // Prose is compared with white space folded: re-wrapping a paragraph (a space
                // become a line break) changes no answer and reopens no review.
                let reflowed = matches!(f.kind, FieldType::Text | FieldType::String)
                    && matches!((&o, &n), (Some(a), Some(b)) if fold_ws(a) == fold_ws(b));
                let kind = match (&o, &n) {
                    _ if reflowed => ChangeKind::Reflowed,
                    (None, Some(_)) => ChangeKind::Added,
                    (Some(_), None) => ChangeKind::Removed,
                    _ => ChangeKind::Changed,
                };
                let inline = match (&o, &n, &f.kind) {
                    _ if !inline_words || reflowed => Vec::new(),
                    (Some(a), Some(b), FieldType::Text | FieldType::String)
                        if a.len() + b.len() > 40 =>
                    {
                        words(a, b)
                    }
                    _ => Vec::new(),
                };
                out.push(Change {
                    path,
                    label,
                    section: f.section.clone(),
                    kind,
                    material: f.material && !reflowed,
                    old: if reflowed { None } else { o },
                    new: if reflowed { None } else { n },
                    inline,
                });
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn list(
    form: &Form,
    f: &Field,
    path: &str,
    label: &str,
    ov: Option<&Value>,
    nv: Option<&Value>,
    inline_words: bool,
    out: &mut Vec<Change>,
) {
    let empty = Vec::new();
    let olds = ov.and_then(Value::as_array).unwrap_or(&empty);
    let news = nv.and_then(Value::as_array).unwrap_or(&empty);
    let key = identity(form, f);
    // An item whose identity is left empty is known by its place: "Contact Information: #2",
    // never "Contact Information: " (which a summary then joins to "Contact Information: , …").
    let key_of = |v: &Value, i: usize| -> String {
        key.as_ref()
            .and_then(|k| v.get(k.as_str()))
            .map(|v| crate::markup::plain(&show_plain(v)).trim().to_string())
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| format!("#{}", i + 1))
    };
    // An item with nothing answered has no summary to print (no bare "+").
    let summary = |v: &Value| -> Option<String> {
        let s = match v.as_table() {
            Some(t) => form
                .children(&item_path(f))
                .filter_map(|c| answered(t.get(&c.key)).map(|x| show(c, x)))
                .filter(|s| s.chars().count() <= 120)
                .collect::<Vec<_>>()
                .join(", "),
            None => show_plain(v),
        };
        (!s.trim().is_empty()).then_some(s)
    };
    // Items are matched on their identity as the record has it: a release copy's identities
    // are FOIA labels, alike for every withheld name, so it carries the unredacted identity's
    // fingerprint ([`MATCH_KEY`]), used to pair items and never printed.
    let match_of = |v: &Value, i: usize| -> String {
        match v.get(MATCH_KEY).and_then(Value::as_str) {
            Some(m) => m.to_string(),
            None => key_of(v, i),
        }
    };
    let old_keys: Vec<String> = olds
        .iter()
        .enumerate()
        .map(|(i, v)| match_of(v, i))
        .collect();
    let new_keys: Vec<String> = news
        .iter()
        .enumerate()
        .map(|(i, v)| match_of(v, i))
        .collect();
    let old_labels: Vec<String> = olds.iter().enumerate().map(|(i, v)| key_of(v, i)).collect();
    let new_labels: Vec<String> = news.iter().enumerate().map(|(i, v)| key_of(v, i)).collect();
    for (i, k) in old_keys.iter().enumerate() {
        if !new_keys.contains(k) {
            out.push(Change {
                path: format!("{path}[{i}]"),
                label: format!("{label}: {}", old_labels[i]),
                section: f.section.clone(),
                kind: ChangeKind::Removed,
                material: f.material || form.children(&item_path(f)).any(|c| c.material),
                old: summary(&olds[i]),
                new: None,
                inline: Vec::new(),
            });
        }
    }
    for (j, k) in new_keys.iter().enumerate() {
        let shown = &new_labels[j];
        match old_keys.iter().position(|o| o == k) {
            None => out.push(Change {
                path: format!("{path}[{j}]"),
                label: format!("{label}: {shown}"),
                section: f.section.clone(),
                kind: ChangeKind::Added,
                material: f.material || form.children(&item_path(f)).any(|c| c.material),
                old: None,
                new: summary(&news[j]),
                inline: Vec::new(),
            }),
            Some(i) => walk(
                form,
                &item_path(f),
                &format!("{path}[{j}]"),
                &format!("{label} ({shown}): "),
                olds[i].as_table(),
                news[j].as_table(),
                inline_words,
                out,
            ),
        }
    }
}
