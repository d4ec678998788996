//! A record's strings and fields: every string with its path, the fields `[release] redact`
//! withholds, the names a record's name fields give.

use std::collections::HashSet;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

use crate::form::{child_prefix, FieldType, Form};
use crate::markup;

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

pub(super) fn collect_names(
    table: &DeTable<'_>,
    form: &Form,
    schema: &str,
    out: &mut HashSet<String>,
) {
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
pub(super) fn walk(table: &DeTable<'_>, prefix: &str, f: &mut dyn FnMut(&str, &str, Range<usize>)) {
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
