//! `schema`: a JSON Schema (draft 2020-12) of a form's records, so editors with a TOML language
//! server (Even Better TOML / taplo) complete keys, show the question as documentation and flag
//! wrong types while the drafter types.

use serde_json::{json, Map, Value};

use crate::form::{item_path, Field, FieldType, Form, ENGINE_KEYS};

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
                "additionalProperties": {"type": "array", "items": {"enum": crate::markup::EXEMPTIONS}}
            }},
            "additionalProperties": false
        }),
    );
    props.insert(
        "provenance".into(),
        json!({
            "type": "object",
            "description": "Where transcribed answers come from: field path → transcribed (the source shows it), inferred (the source does not show it), withheld-in-source (the source withheld it; leave it unanswered)",
            "additionalProperties": {"enum": crate::form::PROVENANCE_KINDS}
        }),
    );
    let (p, required) = object(form, "");
    props.extend(p);
    let mut req = vec![json!("form"), json!("form_version")];
    req.extend(required.into_iter().map(Value::String));
    debug_assert!(ENGINE_KEYS.iter().all(|k| props.contains_key(*k)));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("https://smout.invalid/schema/{}/{}.json", form.id, form.version),
        "title": format!("{} ({})", form.title, form.id),
        "type": "object",
        "properties": props,
        "required": req,
        "additionalProperties": false
    })
}

fn object(form: &Form, parent: &str) -> (Map<String, Value>, Vec<String>) {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in form.children(parent) {
        if f.required {
            required.push(f.key.clone());
        }
        props.insert(f.key.clone(), field_schema(form, f));
    }
    (props, required)
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
            let (props, req) = object(form, &f.path);
            json!({"type": "object", "properties": props, "required": req, "additionalProperties": false})
        }
        FieldType::List => {
            let (props, req) = object(form, &item_path(f));
            let mut s = json!({"type": "array", "items": {
                "type": "object", "properties": props, "required": req, "additionalProperties": false
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
