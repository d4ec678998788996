//! `schema`: a JSON Schema (draft 2020-12) of a form's records, so editors with a TOML language
//! server (Even Better TOML / taplo) complete keys, show the question as documentation and flag
//! wrong types while the drafter types.
//!
//! The schema accepts every record `check` passes: an answer the form requires is required
//! unless the record's `[provenance]` marks it (or what holds it) `withheld-in-source`, and an
//! answer required only in some cases (`required_when`) is left to `check`.

use serde_json::{json, Map, Value};

use crate::form::{item_path, path_covers, split_path, Field, FieldType, Form, ENGINE_KEYS};

/// The JSON Schema of records of `form`.
pub fn json_schema(form: &Form) -> Value {
    let mut props = Map::new();
    props.insert(
        "form".into(),
        json!({"const": form.id, "description": "The form this record fills."}),
    );
    props.insert(
        "form_version".into(),
        json!({"const": form.version, "description": "The version of the form."}),
    );
    props.insert(
        "release".into(),
        json!({
            "type": "object",
            "description": "What a FOIA or public release withholds besides [[b6: …]] markup.",
            "properties": {"redact": {
                "type": "object",
                "description": "Field path → FOIA exemptions, e.g. \"summary.contacts\" = [\"b6\", \"b7C\"]",
                "additionalProperties": {"type": "array", "items": {"anyOf": [
                    {"enum": crate::markup::EXEMPTIONS.iter().filter(|e| **e != "b3").collect::<Vec<_>>()},
                    {"type": "string", "pattern": "^[bB]3 [0-9]+ (USC|U\\.S\\.C\\.|CFR|C\\.F\\.R\\.) (§ )?[0-9][0-9A-Za-z.()-]*$", "description": "exemption 3 and its statute, e.g. \"b3 8 USC 1367\""}
                ]}}
            }},
            "additionalProperties": false
        }),
    );
    props.insert(
        "provenance".into(),
        json!({
            "type": "object",
            "description": "Where transcribed answers come from: field path → transcribed (the source shows it), inferred (the source does not show it), withheld-in-source (the source withheld it; leave it unanswered), or { withheld-in-source = [\"b7E\"] } with the FOIA exemptions the source printed",
            "additionalProperties": {"anyOf": [
                {"enum": crate::form::PROVENANCE_KINDS},
                withheld_with_exemptions(),
            ]}
        }),
    );
    props.extend(object(form, ""));
    debug_assert!(ENGINE_KEYS.iter().all(|k| props.contains_key(*k)));
    // A required answer is required as `check` requires it: unless `[provenance]` says the
    // source withheld it (or what holds it). Answers required only in some cases
    // (`required_when`) are never required here.
    let required: Vec<Value> = form
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| {
            json!({
                "if": withheld_in_source(&covering_keys(form, &f.path)),
                "else": required_at(form, f),
            })
        })
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://smout.invalid/schema/{}/{}.json", form.id, form.version),
        "title": format!("{} ({})", form.title, form.id),
        "type": "object",
        "properties": props,
        "required": ["form", "form_version"],
        "allOf": required,
        "additionalProperties": false
    })
}

fn object(form: &Form, parent: &str) -> Map<String, Value> {
    form.children(parent)
        .map(|f| (f.key.clone(), field_schema(form, f)))
        .collect()
}

/// The `[provenance]` keys that, marked `withheld-in-source`, excuse the answer at `path`
/// from being given: the keys `check` accepts (a field's path, or a list field's child
/// written without `[]`) that cover it.
fn covering_keys(form: &Form, path: &str) -> Vec<String> {
    let mut keys: Vec<String> = form
        .fields
        .iter()
        .flat_map(|f| [f.path.clone(), f.path.replace("[]", "")])
        .filter(|k| form.field(k).is_some() || form.field(&k.replace('.', "[].")).is_some())
        .filter(|k| path_covers(k, path))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// A `[provenance]` value naming the exemptions the source withheld an answer under:
/// `{ withheld-in-source = ["b7E"] }`.
fn withheld_with_exemptions() -> Value {
    json!({
        "type": "object",
        "properties": {crate::form::WITHHELD_IN_SOURCE: {
            "type": "array",
            "minItems": 1,
            "items": {"enum": crate::markup::EXEMPTIONS}
        }},
        "required": [crate::form::WITHHELD_IN_SOURCE],
        "additionalProperties": false
    })
}

/// A record whose `[provenance]` marks one of `keys` as withheld in the source.
fn withheld_in_source(keys: &[String]) -> Value {
    let withheld = json!({"anyOf": [
        {"const": crate::form::WITHHELD_IN_SOURCE},
        withheld_with_exemptions(),
    ]});
    let any: Vec<Value> = keys
        .iter()
        .map(|k| json!({"required": [k], "properties": {k: withheld}}))
        .collect();
    json!({"required": ["provenance"], "properties": {"provenance": {"anyOf": any}}})
}

/// The answer of `f` required where it sits: in its table, in every item of its list, and so
/// on up to the record (a table or list left out requires nothing of its own).
fn required_at(form: &Form, f: &Field) -> Value {
    let mut s = json!({"required": [f.key]});
    let mut parent = split_path(&f.path).0;
    while !parent.is_empty() {
        let list = parent.ends_with("[]");
        let Some(holder) = form.field(parent.trim_end_matches("[]")) else {
            break;
        };
        if list {
            s = json!({"items": s});
        }
        s = json!({"properties": {holder.key.clone(): s}});
        parent = split_path(&holder.path).0;
    }
    s
}

fn field_schema(form: &Form, f: &Field) -> Value {
    let mut s = match &f.kind {
        FieldType::String | FieldType::Text | FieldType::Attachment => {
            let mut s = json!({"type": "string"});
            if let Some(p) = &f.pattern {
                // Markup may wrap the value; the schema states the plain form only.
                s["pattern"] = json!(p);
            }
            s
        }
        FieldType::Date => json!({"type": "string", "format": "date"}),
        FieldType::Bool => json!({"type": "boolean"}),
        FieldType::Integer => json!({"type": "integer"}),
        FieldType::Strings => json!({"type": "array", "items": {"type": "string"}}),
        FieldType::Choice => json!({
            "enum": f.choices.iter().map(|c| c.value.clone()).collect::<Vec<_>>(),
        }),
        FieldType::Table | FieldType::Compound(_) => {
            let props = object(form, &f.path);
            json!({"type": "object", "properties": props, "additionalProperties": false})
        }
        FieldType::List => {
            let props = object(form, &item_path(f));
            let mut s = json!({"type": "array", "items": {
                "type": "object", "properties": props, "additionalProperties": false
            }});
            if let Some(n) = f.min_items {
                s["minItems"] = json!(n);
            }
            s
        }
    };
    let mut doc = f.display_label();
    if let Some(q) = &f.question {
        doc.push_str(" — ");
        doc.push_str(q);
    }
    if let Some(h) = &f.help {
        doc.push_str("\n\n");
        doc.push_str(h);
    }
    s["description"] = json!(doc);
    if f.kind == FieldType::Choice {
        s["enumDescriptions"] = json!(f
            .choices
            .iter()
            .map(|c| c.label.clone())
            .collect::<Vec<_>>());
    }
    s
}
