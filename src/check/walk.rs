//! The walk: every key of every table against the form's fields — types, choices, dates,
//! formats, catalog references, attachments, markup.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use toml::de::{DeTable, DeValue};

use super::conditions::{
    choice_list, describe, describe_value, is_answered, missing_hint, parse_date_loose,
    question_ref,
};
use super::model::{Checker, Ctx, Value};
use crate::diag::{did_you_mean, Finding, Severity};
use crate::form::{child_prefix, item_path, Field, FieldType, ENGINE_KEYS};
use crate::markup;
use crate::register::Catalog;

/// Whether attachment `name` is a regular file in the record's folder `dir`.
pub(super) fn attachment_is_file(dir: &Path, name: &str) -> bool {
    let bad_name = name.contains("..") || name.starts_with('/') || name.contains('\\');
    // A link satisfies nothing: `rob.pdf -> /etc/passwd` is not an attachment.
    !bad_name && matches!(crate::store::fs::kind(dir, Path::new(name)), Ok(Some(k)) if k.is_file())
}

impl<'a, 'r> Checker<'a, 'r> {
    /// Check the keys of a table against the form's fields under `parent`, then check that every
    /// required field is there.
    pub(super) fn check_table(
        &mut self,
        table: &'r DeTable<'r>,
        span: Range<usize>,
        parent: &str,
        ctx: &Ctx,
    ) {
        let form = self.form();
        // The table's own fields, found once for all its keys.
        let fields = form.children(parent);
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            if parent.is_empty() && ENGINE_KEYS.contains(&k) {
                continue;
            }
            // Among the table's own fields, by key: the field at `{parent}.{k}`, without a
            // path made and hashed for every key of every record.
            match fields.clone().find(|f| f.key == k) {
                Some(field) => self.check_value(field, value, ctx),
                None => {
                    let path = format!("{}{k}", child_prefix(parent));
                    let siblings: Vec<&str> = fields.clone().map(|f| f.key.as_str()).collect();
                    let mut candidates = siblings.clone();
                    if parent.is_empty() {
                        candidates.extend(ENGINE_KEYS);
                    }
                    let hint = match did_you_mean(k, candidates.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None if siblings.is_empty() => "this table takes no keys".to_string(),
                        None => format!("known keys here: {}", siblings.join(", ")),
                    };
                    let where_ = if parent.is_empty() {
                        "at the top of the record".to_string()
                    } else {
                        format!("in [{}]", parent.replace("[]", ""))
                    };
                    self.report(
                        Finding::new(
                            "SM002",
                            Severity::Error,
                            format!("unknown key `{k}` {where_}"),
                        )
                        .hint(hint)
                        .field(path),
                        &key.span(),
                    );
                }
            }
        }
        // A table written inline (`accounts = { complies = false }`) takes missing keys inside
        // its braces; a `[section]` table takes them on lines of their own.
        let inline = self.index.text(&span).trim_start().starts_with('{');
        for field in fields {
            let value = table.get(field.key.as_str());
            let answered = value.is_some_and(|v| is_answered(v.get_ref()));
            if !answered
                && self
                    .withheld_in_source
                    .iter()
                    .any(|w| crate::form::path_covers(w, &field.path))
            {
                continue;
            }
            if !answered {
                if field.required {
                    let q = question_ref(field);
                    let hint = missing_hint(field, parent, inline);
                    self.report(
                        Finding::new("SM005", Severity::Error, format!("missing answer: {q}"))
                            .hint(hint)
                            .field(field.path.clone()),
                        &value.map(|v| v.span()).unwrap_or(span.clone()),
                    );
                } else if let Some(cond) = &field.required_when {
                    if self.eval(cond, ctx) {
                        let q = question_ref(field);
                        let why = describe(cond, form);
                        self.report(
                            Finding::new(
                                "SM006",
                                Severity::Error,
                                format!("missing answer: {q}, required when {why}"),
                            )
                            .hint(missing_hint(field, parent, inline))
                            .field(field.path.clone()),
                            &value.map(|v| v.span()).unwrap_or(span.clone()),
                        );
                    }
                }
            } else if let (Some(cond), Some(v)) = (&field.forbidden_when, value) {
                if self.eval(cond, ctx) {
                    let q = question_ref(field);
                    let why = describe(cond, form);
                    self.report(
                        Finding::new(
                            "SM007",
                            Severity::Error,
                            format!("{q} must be left out when {why}"),
                        )
                        .hint(format!(
                            "remove `{}`, or change the answer it depends on",
                            field.key
                        ))
                        .field(field.path.clone()),
                        &v.span(),
                    );
                }
            }
        }
    }

    pub(super) fn check_value(&mut self, field: &'a Field, value: &'r Value<'r>, ctx: &Ctx) {
        let span = value.span();
        let v = value.get_ref();
        let type_error = |this: &mut Self| {
            let mut hint = format!("write {}", field.kind.noun());
            if let Some(h) = &field.type_hint {
                hint = h.clone();
            } else if field.kind == FieldType::Choice {
                hint = format!("one of: {}", choice_list(field));
            }
            this.report(
                Finding::new(
                    "SM003",
                    Severity::Error,
                    format!(
                        "{} must be {}, not {}",
                        question_ref(field),
                        field.kind.noun(),
                        describe_value(v)
                    ),
                )
                .hint(hint)
                .field(field.path.clone()),
                &span,
            );
        };
        match &field.kind {
            FieldType::String | FieldType::Text | FieldType::Attachment => {
                let Some(s) = v.as_str() else {
                    return type_error(self);
                };
                self.check_string(field, s, &span);
            }
            FieldType::Choice => {
                let Some(s) = v.as_str() else {
                    return type_error(self);
                };
                match field.choice(s) {
                    Some(c) => {
                        if let Some(why) = &c.exempt {
                            self.report(
                                Finding::new(
                                    "SM014",
                                    Severity::Error,
                                    format!("no {} needed: {why}", self.form().short_title),
                                )
                                .hint("this use is exempt and must not be filed; if it is not the use you meant, choose another category")
                                .field(field.path.clone()),
                                &span,
                            );
                        }
                    }
                    None if s.trim().is_empty() => {}
                    None => {
                        let values: Vec<&str> =
                            field.choices.iter().map(|c| c.value.as_str()).collect();
                        let hint = match did_you_mean(s, values.iter().copied()) {
                            Some(m) => format!("did you mean \"{m}\"?"),
                            None => format!("one of: {}", choice_list(field)),
                        };
                        self.report(
                            Finding::new(
                                "SM008",
                                Severity::Error,
                                format!(
                                    "\"{s}\" is not one of the choices for {}",
                                    question_ref(field)
                                ),
                            )
                            .hint(hint)
                            .field(field.path.clone()),
                            &span,
                        );
                    }
                }
            }
            FieldType::Date => self.check_date(field, v, &span),
            FieldType::Bool => {
                let Some(b) = v.as_bool() else {
                    return type_error(self);
                };
                if let Some(expected) = field.expect.as_ref().and_then(|e| e.as_bool()) {
                    if b != expected {
                        self.expect_failed(field, &span);
                    }
                }
            }
            FieldType::Integer => {
                if !v.is_integer() {
                    type_error(self);
                }
            }
            FieldType::Strings => {
                let Some(items) = v.as_array() else {
                    return type_error(self);
                };
                for item in items.iter() {
                    match item.get_ref().as_str() {
                        Some(s) => self.check_string(field, s, &item.span()),
                        None => self.report(
                            Finding::new(
                                "SM003",
                                Severity::Error,
                                format!(
                                    "{} lists strings, not {}",
                                    question_ref(field),
                                    describe_value(item.get_ref())
                                ),
                            )
                            .field(field.path.clone()),
                            &item.span(),
                        ),
                    }
                }
            }
            FieldType::Table | FieldType::Compound(_) => {
                let Some(t) = v.as_table() else {
                    return type_error(self);
                };
                self.check_table(t, span, &field.path, ctx);
            }
            FieldType::List => {
                let Some(items) = v.as_array() else {
                    return type_error(self);
                };
                let item_schema = item_path(field);
                for (i, item) in items.iter().enumerate() {
                    let Some(t) = item.get_ref().as_table() else {
                        self.report(
                            Finding::new(
                                "SM003",
                                Severity::Error,
                                format!(
                                    "each item of {} must be a table, not {}",
                                    question_ref(field),
                                    describe_value(item.get_ref())
                                ),
                            )
                            .hint(format!(
                                "write items as [[{}]] tables or {{ key = … }} inline tables",
                                field.path.replace("[]", "")
                            ))
                            .field(field.path.clone()),
                            &item.span(),
                        );
                        continue;
                    };
                    let mut inner = ctx.clone();
                    inner.items.push((item_schema.clone(), i));
                    self.check_table(t, item.span(), &item_schema, &inner);
                }
                if let Some(min) = field.min_items {
                    if !items.is_empty() && items.len() < min {
                        self.report(
                            Finding::new(
                                "SM016",
                                Severity::Error,
                                format!("{} needs at least {min} item(s)", question_ref(field)),
                            )
                            .field(field.path.clone()),
                            &span,
                        );
                    }
                }
            }
        }
    }

    pub(super) fn expect_failed(&mut self, field: &Field, span: &Range<usize>) {
        let code = field.expect_code.as_deref().unwrap_or("SM015");
        let msg = field.expect_message.clone().unwrap_or_else(|| {
            format!(
                "{} must be {}",
                question_ref(field),
                field
                    .expect
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            )
        });
        let mut f = Finding::new(code, Severity::Error, msg).field(field.path.clone());
        if let Some(h) = &field.expect_hint {
            f = f.hint(h.clone());
        }
        self.report(f, span);
    }

    pub(super) fn check_string(&mut self, field: &Field, s: &str, span: &Range<usize>) {
        if markup::has_markup(s) {
            for e in markup::errors(s) {
                let at = self.markup_span(span, e.opening);
                self.report(
                    Finding::new("SM012", Severity::Error, e.message)
                        .hint("mark exempt text as [[b6 b7C: text]]; write \\[[ for a literal [[")
                        .field(field.path.clone()),
                    &at,
                );
            }
        }
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return;
        }
        if !trimmed.is_ascii() {
            let missing = crate::fonts::unprintable(trimmed);
            if !missing.is_empty() {
                let shown: Vec<String> = missing.iter().take(8).map(|c| format!("{c}")).collect();
                let more = match missing.len() {
                    n if n > 8 => format!(" and {} more", n - 8),
                    _ => String::new(),
                };
                self.report(
                    Finding::new(
                        "SM024",
                        Severity::Warning,
                        format!(
                            "{}: the PDF cannot print {}{more}: its font, DejaVu Sans, has no glyph for {}",
                            question_ref(field),
                            shown.join(" "),
                            if missing.len() == 1 { "it" } else { "them" }
                        ),
                    )
                    .hint("record.pdf shows an empty box for each (the HTML and Word renderings show the characters); if the PDF must carry them, add a transliteration in Latin letters")
                    .field(field.path.clone()),
                    span,
                );
            }
        }
        if !field.matches_pattern(trimmed) {
            let code = field.pattern_code.as_deref().unwrap_or("SM010");
            let mut f = Finding::new(
                code,
                Severity::Error,
                format!("\"{trimmed}\" is not a well-formed {}", field.label),
            )
            .field(field.path.clone());
            if let Some(h) = &field.pattern_hint {
                f = f.hint(h.clone());
            }
            self.report(f, span);
        }
        if let (Some(kind), Some(cat)) = (&field.catalog, self.reg.catalog.as_ref()) {
            self.check_catalog(field, kind, cat, trimmed, span);
        }
        if field.kind == FieldType::Attachment {
            if let Some(dir) = self.dir {
                let name = trimmed;
                let is_file = attachment_is_file(dir, name);
                self.probes.push((name.to_string(), is_file));
                if !is_file {
                    self.report(
                        Finding::new(
                            "SM011",
                            Severity::Error,
                            format!("{}: `{name}` is not in the record's folder", question_ref(field)),
                        )
                        .hint(format!(
                            "put the file beside record.toml (records/<id>/{name}); attachments are named relative to the record's folder"
                        ))
                        .field(field.path.clone()),
                        span,
                    );
                }
            }
        }
    }

    pub(super) fn check_catalog(
        &mut self,
        field: &Field,
        kind: &str,
        cat: &Catalog,
        id: &str,
        span: &Range<usize>,
    ) {
        if !cat.keeps(kind) {
            return;
        }
        match cat.get(kind, id) {
            None => {
                let hint = match did_you_mean(id, cat.ids(kind)) {
                    Some(m) => format!(
                        "did you mean {m}? Otherwise add it to catalog.toml under [[{kind}]]"
                    ),
                    None => format!(
                        "add it to the register's catalog.toml under [[{kind}]] if it is published"
                    ),
                };
                self.report(
                    Finding::new(
                        "SM018",
                        Severity::Error,
                        format!("{} {id} is not in the register's catalog", field.label),
                    )
                    .hint(hint)
                    .field(field.path.clone()),
                    span,
                );
            }
            Some(e) => {
                if let Some(retired) = e.retired {
                    if retired <= self.opts.today {
                        self.report(
                            Finding::new(
                                "SM019",
                                Severity::Error,
                                format!("{} {id} was retired on {retired}", field.label),
                            )
                            .hint("cite the document that replaced it")
                            .field(field.path.clone()),
                            span,
                        );
                    }
                }
            }
        }
    }

    /// The span of the n-th `[[` inside a string's source, or the whole string.
    pub(super) fn markup_span(&self, span: &Range<usize>, opening: usize) -> Range<usize> {
        let src = self.index_text(span);
        let mut seen = 0;
        let mut from = 0;
        while let Some(i) = src[from..].find("[[") {
            let at = from + i;
            if !src[..at].ends_with('\\') {
                if seen == opening {
                    return span.start + at..span.start + at + 2;
                }
                seen += 1;
            }
            from = at + 2;
        }
        span.clone()
    }

    pub(super) fn index_text(&self, span: &Range<usize>) -> &str {
        self.index.text(span)
    }

    pub(super) fn check_date(&mut self, field: &Field, v: &DeValue<'_>, span: &Range<usize>) {
        let dt = match v {
            DeValue::Datetime(dt) => dt,
            DeValue::String(s) => {
                let hint = if parse_date_loose(s).is_some() {
                    format!(
                        "write the date without quotes: {} = {}",
                        field.key,
                        s.trim()
                    )
                } else {
                    format!(
                        "write a date as YYYY-MM-DD without quotes, e.g. {} = 2018-06-12",
                        field.key
                    )
                };
                if s.trim().is_empty() {
                    return;
                }
                self.report(
                    Finding::new(
                        "SM003",
                        Severity::Error,
                        format!("{} must be a date, not a string", question_ref(field)),
                    )
                    .hint(hint)
                    .field(field.path.clone()),
                    span,
                );
                return;
            }
            other => {
                self.report(
                    Finding::new(
                        "SM003",
                        Severity::Error,
                        format!(
                            "{} must be a date, not {}",
                            question_ref(field),
                            describe_value(other)
                        ),
                    )
                    .hint(format!(
                        "write a date as YYYY-MM-DD, e.g. {} = 2018-06-12",
                        field.key
                    ))
                    .field(field.path.clone()),
                    span,
                );
                return;
            }
        };
        let (Some(d), None) = (dt.date, dt.time) else {
            self.report(
                Finding::new(
                    "SM004",
                    Severity::Error,
                    format!(
                        "{} must be a calendar date without a time",
                        question_ref(field)
                    ),
                )
                .hint(format!(
                    "write only the date, e.g. {} = 2018-06-12",
                    field.key
                ))
                .field(field.path.clone()),
                span,
            );
            return;
        };
        let Some(date) = NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
        else {
            self.report(
                Finding::new(
                    "SM004",
                    Severity::Error,
                    format!("{dt} is not a date on the calendar"),
                )
                .hint("check the day of the month")
                .field(field.path.clone()),
                span,
            );
            return;
        };
        if field.not_after.as_deref() == Some("today") && date > self.opts.today {
            self.report(
                Finding::new(
                    "SM009",
                    Severity::Error,
                    format!("{} is in the future ({date})", question_ref(field)),
                )
                .hint(match &field.not_after_hint {
                    Some(h) => format!("today is {}; {h}", self.opts.today),
                    None => format!(
                        "today is {}; a date in the future has not happened yet",
                        self.opts.today
                    ),
                })
                .field(field.path.clone()),
                span,
            );
        }
    }
}
