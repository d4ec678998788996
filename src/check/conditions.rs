//! Conditions and rules: when an answer is required or ruled out, the form's cross-field
//! rules, and the lookups and wording they share with the walk (hints, question references).

use std::ops::Range;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use super::model::{Checker, Ctx};
use crate::diag::{Finding, Severity};
use crate::form::{Condition, Field, FieldType, Form};
use toml::Spanned;

impl<'a, 'r> Checker<'a, 'r> {
    pub(super) fn check_rules(&mut self) {
        let form = self.form();
        for rule in &form.rules {
            let first = rule
                .when
                .fields()
                .first()
                .map(|s| s.to_string())
                .unwrap_or_default();
            let at = rule.at.clone().unwrap_or(first.clone());
            // A rule on list items is evaluated once per item of the (first) list it names.
            let list = first.find("[]").map(|i| first[..i + 2].to_string());
            let contexts: Vec<Ctx> = match &list {
                None => vec![Ctx::default()],
                Some(l) => {
                    let n = lookup(self.root, l.trim_end_matches("[]"), &Ctx::default())
                        .and_then(|v| v.get_ref().as_array())
                        .map(|a| a.len())
                        .unwrap_or(0);
                    (0..n)
                        .map(|i| Ctx {
                            items: vec![(l.clone(), i)],
                        })
                        .collect()
                }
            };
            for ctx in contexts {
                if self.eval(&rule.when, &ctx) {
                    let span = self.nearest_span(&at, &ctx);
                    let mut f = Finding::new(
                        &rule.code,
                        Severity::parse(&rule.severity),
                        rule.message.clone(),
                    )
                    .field(at.clone());
                    if let Some(h) = &rule.hint {
                        f = f.hint(h.clone());
                    }
                    self.report(f, &span);
                }
            }
        }
    }

    /// The span of the value at `path`, or of its nearest ancestor that exists.
    pub(super) fn nearest_span(&self, path: &str, ctx: &Ctx) -> Range<usize> {
        let mut p = path.to_string();
        loop {
            if let Some(v) = lookup(self.root, &p, ctx) {
                return v.span();
            }
            match p.rfind('.') {
                Some(i) => p.truncate(i),
                None => return 0..0,
            }
        }
    }

    pub(super) fn eval(&self, cond: &Condition, ctx: &Ctx) -> bool {
        match cond {
            Condition::All { all } => all.iter().all(|c| self.eval(c, ctx)),
            Condition::Any { any } => any.iter().any(|c| self.eval(c, ctx)),
            Condition::Test {
                field,
                eq,
                ne,
                one_of,
                present,
            } => {
                let v = lookup(self.root, field, ctx)
                    .map(|v| v.get_ref())
                    .filter(|v| is_answered(v));
                if let Some(p) = present {
                    return v.is_some() == *p;
                }
                let Some(v) = v else { return false };
                if let Some(e) = eq {
                    return value_eq(v, e);
                }
                if let Some(n) = ne {
                    return !value_eq(v, n);
                }
                if let Some(list) = one_of {
                    return list.iter().any(|e| value_eq(v, e));
                }
                true
            }
        }
    }
}

/// Find the value at a schema path (`a.b[].c`), taking list indices from `ctx`.
pub fn lookup<'r>(
    root: &'r DeTable<'r>,
    path: &str,
    ctx: &Ctx,
) -> Option<&'r Spanned<DeValue<'r>>> {
    let mut table = root;
    let mut schema = String::new();
    let mut segments = path.split('.').peekable();
    while let Some(seg) = segments.next() {
        let (key, is_item) = match seg.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (seg, false),
        };
        if !schema.is_empty() {
            schema.push('.');
        }
        schema.push_str(seg);
        let v = table.get(key)?;
        let v = if is_item {
            let i = ctx
                .items
                .iter()
                .find(|(p, _)| *p == schema)
                .map(|(_, i)| *i)?;
            v.get_ref().as_array()?.get(i)?
        } else {
            v
        };
        if segments.peek().is_none() {
            return Some(v);
        }
        table = v.get_ref().as_table()?;
    }
    None
}

/// An answer counts as given when it is not an empty string, list or table.
pub(super) fn is_answered(v: &DeValue<'_>) -> bool {
    match v {
        DeValue::String(s) => !s.trim().is_empty(),
        DeValue::Array(a) => !a.is_empty(),
        DeValue::Table(t) => !t.is_empty(),
        _ => true,
    }
}

pub(super) fn value_eq(v: &DeValue<'_>, e: &toml::Value) -> bool {
    match (v, e) {
        (DeValue::String(a), toml::Value::String(b)) => a.as_ref() == b,
        (DeValue::Boolean(a), toml::Value::Boolean(b)) => a == b,
        (DeValue::Integer(a), toml::Value::Integer(b)) => {
            a.as_str().parse::<i64>().ok() == Some(*b)
        }
        (DeValue::Datetime(a), toml::Value::Datetime(b)) => a == b,
        _ => false,
    }
}

pub(super) fn describe_value(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a number",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

pub(super) fn parse_date_loose(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// How a finding names a field: `5(c) "Public interaction"` or `"Name of Component"`.
pub fn question_ref(field: &Field) -> String {
    match &field.number {
        Some(n) => format!("{n} \"{}\"", field.label),
        None => format!("\"{}\"", field.label),
    }
}

pub(super) fn choice_list(field: &Field) -> String {
    field
        .choices
        .iter()
        .filter(|c| c.exempt.is_none())
        .map(|c| format!("\"{}\"", c.value))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn missing_hint(field: &Field, parent: &str, inline: bool) -> String {
    let example = match &field.kind {
        FieldType::Date => format!("{} = 2018-06-12", field.key),
        FieldType::Bool => format!("{k} = true` (Yes) or `{k} = false", k = field.key),
        FieldType::Integer => format!("{} = 1", field.key),
        FieldType::Choice => format!(
            "{} = \"{}\"",
            field.key,
            field
                .choices
                .first()
                .map(|c| c.value.as_str())
                .unwrap_or("")
        ),
        FieldType::Table if field.compound.is_some() => {
            format!("{} = {{ … }}", field.key)
        }
        FieldType::Table | FieldType::Compound(_) => format!("[{}]", field.path),
        FieldType::List => format!("[[{}]]", field.path.replace("[]", "")),
        FieldType::Strings => format!("{} = [\"…\"]", field.key),
        _ => format!("{} = \"…\"", field.key),
    };
    let place = if parent.is_empty()
        || (field.compound.is_none() && matches!(field.kind, FieldType::Table | FieldType::List))
    {
        String::new()
    } else if inline {
        let key = parent
            .rsplit('.')
            .next()
            .unwrap_or(parent)
            .replace("[]", "");
        format!(" inside the braces of `{key} = {{ … }}`")
    } else {
        format!(" under [{}]", parent.replace("[]", ""))
    };
    let mut hint = format!("add `{example}`{place}");
    if let Some(q) = &field.question {
        let first = if q.len() <= 200 {
            q.trim()
        } else {
            q.split_inclusive(". ").next().unwrap_or(q).trim()
        };
        if first.trim_end_matches(':') != field.label {
            hint.push_str(&format!(" — the form asks: {first}"));
        }
    }
    hint
}

/// A condition in words: `"Development or operational" is "operational"`.
pub(super) fn describe(cond: &Condition, form: &Form) -> String {
    match cond {
        Condition::All { all } => all
            .iter()
            .map(|c| describe(c, form))
            .collect::<Vec<_>>()
            .join(" and "),
        Condition::Any { any } => any
            .iter()
            .map(|c| describe(c, form))
            .collect::<Vec<_>>()
            .join(" or "),
        Condition::Test {
            field,
            eq,
            ne,
            one_of,
            present,
        } => {
            let name = form
                .field(field)
                .map(question_ref)
                .unwrap_or_else(|| field.clone());
            let show = |v: &toml::Value| match v {
                toml::Value::Boolean(true) => "Yes".to_string(),
                toml::Value::Boolean(false) => "No".to_string(),
                other => other.to_string(),
            };
            if let Some(e) = eq {
                format!("{name} is {}", show(e))
            } else if let Some(n) = ne {
                format!("{name} is not {}", show(n))
            } else if let Some(l) = one_of {
                format!(
                    "{name} is one of {}",
                    l.iter().map(show).collect::<Vec<_>>().join(", ")
                )
            } else if *present == Some(false) {
                format!("{name} is not answered")
            } else {
                format!("{name} is answered")
            }
        }
    }
}

/// The value at a plain dotted path (no list items) of a parsed record.
pub fn lookup_value<'v>(root: &'v toml::Table, path: &str) -> Option<&'v toml::Value> {
    let mut parts = path.split('.');
    let mut v = root.get(parts.next()?)?;
    for p in parts {
        v = v.as_table()?.get(p)?;
    }
    Some(v)
}
