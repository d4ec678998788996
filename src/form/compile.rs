//! A form file as written (`Raw…`) and its compilation into a [`Form`]: compounds expanded into
//! fields, paths, sections and conditions checked.

use std::collections::BTreeMap;

use regex::Regex;
use serde::Deserialize;

use super::condition::Condition;
use super::model::*;
use super::page::*;
use crate::duration::Period;
use crate::error::Error;
use std::collections::HashMap;

/// A field as written in the form file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(default)]
    path: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    section: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    label: String,
    #[serde(default)]
    label_separator: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    required_when: Option<Condition>,
    #[serde(default)]
    forbidden_when: Option<Condition>,
    #[serde(default)]
    material: Option<bool>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    type_hint: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    pattern_code: Option<String>,
    #[serde(default)]
    pattern_hint: Option<String>,
    #[serde(default)]
    expect: Option<toml::Value>,
    #[serde(default)]
    expect_code: Option<String>,
    #[serde(default)]
    expect_message: Option<String>,
    #[serde(default)]
    expect_hint: Option<String>,
    #[serde(default)]
    not_after: Option<String>,
    #[serde(default)]
    not_after_hint: Option<String>,
    #[serde(default)]
    boxed: bool,
    #[serde(default)]
    as_text: bool,
    #[serde(default)]
    unlabelled: bool,
    #[serde(default)]
    kept: bool,
    /// A Yes/No answer's own wording of each side (a prohibition the requester affirms).
    #[serde(default)]
    yes: Option<String>,
    #[serde(default)]
    no: Option<String>,
    #[serde(default)]
    attached: Option<String>,
    #[serde(default)]
    min_items: Option<usize>,
    #[serde(default)]
    catalog: Option<String>,
    #[serde(default)]
    pii: Option<String>,
    #[serde(default)]
    retention: Option<String>,
    #[serde(default)]
    print: Option<bool>,
    #[serde(default)]
    question_before: Option<String>,
}

/// A compound answer type declared by the form (e.g. "Yes / No, if not please explain").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompound {
    #[serde(default)]
    yes: Option<String>,
    #[serde(default)]
    no: Option<String>,
    #[serde(rename = "field")]
    fields: Vec<RawField>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    id: String,
    version: String,
    title: String,
    #[serde(default)]
    short_title: Option<String>,
    #[serde(default)]
    version_label: Option<String>,
    #[serde(default)]
    issuer: Vec<String>,
    #[serde(default)]
    review_period: Option<String>,
    #[serde(default)]
    submit_to: Option<String>,
    #[serde(default)]
    date_format: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default = "yes")]
    reviews: bool,
    #[serde(default)]
    person_exemptions: Option<Vec<String>>,
    #[serde(default)]
    index: Index,
    #[serde(rename = "section")]
    sections: Vec<Section>,
    #[serde(rename = "field")]
    fields: Vec<RawField>,
    #[serde(default)]
    compound: BTreeMap<String, RawCompound>,
    #[serde(default, rename = "rule")]
    rules: Vec<Rule>,
    determination: DeterminationDef,
}

/// The exemptions a person's name in records of the form is withheld under (`["b6"]` unless the
/// form says), each one an exemption.
fn person_exemptions(list: Option<Vec<String>>, source: &str) -> Result<Vec<String>, Error> {
    let list = list.unwrap_or_else(|| vec!["b6".into()]);
    match list.iter().find(|e| !crate::markup::is_exemption(e)) {
        Some(bad) => Err(Error::Form {
            source_name: source.to_string(),
            message: format!(
                "person_exemptions: `{bad}` is not a FOIA exemption (b1–b9, b7A–b7F), e.g. [\"b6\", \"b7C\"]"
            ),
        }),
        None if list.is_empty() => Err(Error::Form {
            source_name: source.to_string(),
            message: "person_exemptions names no exemption, e.g. [\"b6\"]".into(),
        }),
        None => Ok(list),
    }
}

/// Parse and compile a form definition.
pub(super) fn parse(text: &str, source: &str) -> Result<Form, Error> {
    let raw: RawForm = toml::from_str(text).map_err(|e| Error::Form {
        source_name: source.to_string(),
        message: e.to_string(),
    })?;
    compile(raw, source)
}

fn compile(raw: RawForm, source: &str) -> Result<Form, Error> {
    let err = |message: String| Error::Form {
        source_name: source.to_string(),
        message,
    };
    let section_ids: Vec<&str> = raw.sections.iter().map(|s| s.id.as_str()).collect();
    let mut fields: Vec<Field> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();

    let push = |field: Field,
                fields: &mut Vec<Field>,
                by_path: &mut HashMap<String, usize>|
     -> Result<(), Error> {
        if by_path.contains_key(&field.path) {
            return Err(err(format!("field `{}` is defined twice", field.path)));
        }
        by_path.insert(field.path.clone(), fields.len());
        fields.push(field);
        Ok(())
    };

    for rf in &raw.fields {
        if rf.path.is_empty() {
            return Err(err(format!("a field (label `{}`) has no `path`", rf.label)));
        }
        let (parent, key) = split_path(&rf.path);
        let section = match &rf.section {
            Some(s) => s.clone(),
            None => {
                let p = parent.trim_end_matches("[]");
                let Some(&i) = by_path.get(p) else {
                    return Err(err(format!(
                        "field `{}` has no `section` and its parent `{p}` is not defined before it",
                        rf.path
                    )));
                };
                fields[i].section.clone()
            }
        };
        if !section_ids.contains(&section.as_str()) {
            return Err(err(format!(
                "field `{}` names section `{section}`, which the form does not define",
                rf.path
            )));
        }
        let mut field = make_field(rf, &rf.path, key, &section, None, source)?;
        if let FieldType::Compound(name) = field.kind.clone() {
            let Some(compound) = raw.compound.get(&name) else {
                return Err(err(format!(
                    "field `{}` has type `{name}`, which is neither a built-in type nor a [compound.{name}]",
                    rf.path
                )));
            };
            field.kind = FieldType::Table;
            field.compound = Some(name);
            field.yes = compound.yes.clone();
            field.no = compound.no.clone();
            let base = rf.path.clone();
            let material = field.material;
            push(field, &mut fields, &mut by_path)?;
            for cf in &compound.fields {
                let path = format!("{base}.{}", cf.key);
                let mut child = make_field(cf, &path, &cf.key, &section, Some(&base), source)?;
                child.number = child.number.or_else(|| rf.number.clone());
                child.label = format!("{}: {}", rf.label, cf.label);
                if cf.material.is_none() {
                    child.material = material;
                }
                push(child, &mut fields, &mut by_path)?;
            }
        } else {
            push(field, &mut fields, &mut by_path)?;
        }
    }

    // Link children to their containers, in form order.
    let mut roots = Vec::new();
    let mut root_ids = Vec::new();
    for i in 0..fields.len() {
        let (parent, key) = split_path(&fields[i].path);
        let key = key.to_string();
        if parent.is_empty() {
            roots.push(key);
            root_ids.push(i);
            continue;
        }
        let container = parent.trim_end_matches("[]");
        let Some(&pi) = by_path.get(container) else {
            return Err(err(format!(
                "field `{}` sits under `{container}`, which is not defined",
                fields[i].path
            )));
        };
        let is_item = parent.ends_with("[]");
        let pk = &fields[pi].kind;
        if is_item != (*pk == FieldType::List) || !fields[pi].is_container() {
            return Err(err(format!(
                "field `{}`: `{container}` is a {pk:?}; write `{container}[].{key}` for list items, `{container}.{key}` for tables",
                fields[i].path
            )));
        }
        fields[pi].children.push(key);
        fields[pi].child_ids.push(i);
    }

    // Conditions and rules must name defined fields.
    let known = |p: &str| by_path.contains_key(p);
    for f in &fields {
        for c in [&f.required_when, &f.forbidden_when].into_iter().flatten() {
            for p in c.fields() {
                if !known(p) {
                    return Err(err(format!(
                        "field `{}` has a condition on `{p}`, which is not a field",
                        f.path
                    )));
                }
            }
        }
    }
    for r in &raw.rules {
        for p in r.when.fields().into_iter().chain(r.at.as_deref()) {
            if !known(p) {
                return Err(err(format!(
                    "rule {} names `{p}`, which is not a field",
                    r.code
                )));
            }
        }
    }
    for p in [
        &raw.index.component,
        &raw.index.category,
        &raw.index.stage,
        &raw.index.submitted,
        &raw.index.retention_from,
    ]
    .into_iter()
    .flatten()
    .chain(raw.index.references.iter())
    {
        if !known(p) {
            return Err(err(format!("[index] names `{p}`, which is not a field")));
        }
    }

    // A choice's `with_answer` names a field beside it; `printed_under`, an outcome.
    for f in &fields {
        for c in &f.choices {
            if let Some(k) = &c.with_answer {
                let (parent, _) = split_path(&f.path);
                let sibling = if parent.is_empty() {
                    k.clone()
                } else {
                    format!("{parent}.{k}")
                };
                if !known(&sibling) {
                    return Err(err(format!(
                        "field `{}`: choice `{}` prints the answer of `{sibling}`, which is not a field",
                        f.path, c.value
                    )));
                }
            }
        }
    }
    let d = &raw.determination;
    for (key, under) in [
        ("options_under", &d.options_under),
        ("printed_under", &d.printed_under),
    ] {
        if let Some(u) = under {
            if !d.outcomes.iter().any(|o| &o.value == u) {
                return Err(err(format!(
                    "[determination] {key} = \"{u}\" is not one of its outcomes"
                )));
            }
        }
    }
    for f in &raw.determination.findings {
        if let Some(p) = &f.choices_from {
            let choice = fields
                .iter()
                .any(|x| &x.path == p && x.kind == FieldType::Choice);
            if !choice {
                return Err(err(format!(
                    "determination finding `{}` takes its choices from `{p}`, which is not a choice field",
                    f.key
                )));
            }
        }
    }
    if let Some(r) = &raw.index.retention {
        Period::parse(r).map_err(|m| err(format!("[index] retention: {m}")))?;
    }
    let review_period = raw
        .review_period
        .as_deref()
        .map(|p| Period::parse(p).map_err(|m| err(format!("review_period: {m}"))))
        .transpose()?;

    Ok(Form {
        short_title: raw.short_title.unwrap_or_else(|| raw.title.clone()),
        id: raw.id,
        version: raw.version,
        title: raw.title,
        version_label: raw.version_label,
        issuer: raw.issuer,
        review_period,
        submit_to: raw.submit_to,
        date_format: match raw.date_format {
            Some(f)
                if chrono::format::StrftimeItems::new(&f)
                    .any(|i| matches!(i, chrono::format::Item::Error)) =>
            {
                return Err(Error::Form {
                    source_name: source.to_string(),
                    message: format!("date_format `{f}` is not a date format (e.g. %-m/%-d/%Y)"),
                })
            }
            Some(f) => f,
            None => "%-m/%-d/%Y".into(),
        },
        reviews: raw.reviews,
        person_exemptions: person_exemptions(raw.person_exemptions, source)?,
        lang: match raw.lang {
            Some(l)
                if l.is_empty()
                    || !l.split('-').all(|p| {
                        (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric())
                    }) =>
            {
                return Err(Error::Form {
                    source_name: source.to_string(),
                    message: format!("lang `{l}` is not a language tag (e.g. en-US)"),
                })
            }
            Some(l) => l,
            None => "en-US".into(),
        },
        index: raw.index,
        sections: raw.sections,
        fields,
        roots,
        rules: raw.rules,
        determination: raw.determination,
        source: source.to_string(),
        by_path,
        root_ids,
    })
}

fn make_field(
    rf: &RawField,
    path: &str,
    key: &str,
    section: &str,
    compound_base: Option<&str>,
    source: &str,
) -> Result<Field, Error> {
    let err = |message: String| Error::Form {
        source_name: source.to_string(),
        message,
    };
    let kind = FieldType::parse(&rf.kind);
    if kind == FieldType::Choice && rf.choices.is_empty() {
        return Err(err(format!("choice field `{path}` lists no choices")));
    }
    if let Some((c, bad)) = rf.choices.iter().find_map(|c| {
        c.person_exemptions
            .as_ref()?
            .iter()
            .find(|e| !crate::markup::is_exemption(e))
            .map(|e| (c, e))
    }) {
        return Err(err(format!(
            "choice `{}` of `{path}`: person_exemptions `{bad}` is not a FOIA exemption (b1–b9, b7A–b7F)",
            c.value
        )));
    }
    let regex = rf
        .pattern
        .as_deref()
        .map(|p| compiled(p).map_err(|e| err(format!("field `{path}`: bad pattern: {e}"))))
        .transpose()?;
    let relative = |c: &Option<Condition>| match (c, compound_base) {
        (Some(c), Some(base)) => Some(c.prefixed(base)),
        (c, _) => c.clone(),
    };
    Ok(Field {
        path: path.to_string(),
        key: key.to_string(),
        section: section.to_string(),
        kind,
        compound: None,
        label: rf.label.clone(),
        label_separator: rf.label_separator.clone().unwrap_or_else(|| ".".into()),
        number: rf.number.clone(),
        question: rf.question.clone(),
        help: rf.help.clone(),
        required: rf.required,
        required_when: relative(&rf.required_when),
        forbidden_when: relative(&rf.forbidden_when),
        material: rf.material.unwrap_or(false),
        choices: rf.choices.clone(),
        type_hint: rf.type_hint.clone(),
        pattern: rf.pattern.clone(),
        pattern_code: rf.pattern_code.clone(),
        pattern_hint: rf.pattern_hint.clone(),
        expect: rf.expect.clone(),
        expect_code: rf.expect_code.clone(),
        expect_message: rf.expect_message.clone(),
        expect_hint: rf.expect_hint.clone(),
        not_after: rf.not_after.clone(),
        not_after_hint: rf.not_after_hint.clone(),
        boxed: rf.boxed,
        as_text: rf.as_text,
        unlabelled: rf.unlabelled,
        kept: rf.kept,
        attached: rf.attached.clone(),
        min_items: rf.min_items,
        catalog: rf.catalog.clone(),
        pii: rf.pii.clone(),
        retention: rf.retention.clone(),
        print: rf.print.unwrap_or(true),
        question_before: rf.question_before.clone(),
        children: Vec::new(),
        child_ids: Vec::new(),
        yes: rf.yes.clone(),
        no: rf.no.clone(),
        regex,
    })
}

/// `pattern` compiled, once per process: several forms share a pattern (the e-mail address), and
/// compiling was a twentieth of a one-record `render`.
fn compiled(pattern: &str) -> Result<Regex, regex::Error> {
    static SEEN: std::sync::Mutex<Vec<(String, Regex)>> = std::sync::Mutex::new(Vec::new());
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = seen.iter().find(|(p, _)| p == pattern) {
        return Ok(r.clone());
    }
    let r = Regex::new(pattern)?;
    seen.push((pattern.to_string(), r.clone()));
    Ok(r)
}
