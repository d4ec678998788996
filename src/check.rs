//! `check`: validate records against their forms. Every problem of every record is collected as
//! a [`Finding`] pointing into the TOML (file, line, column, caret) with a stable code and a hint;
//! nothing here stops at the first error, panics on bad input, or reads the clock.
//!
//! The walk is generic: what is required, what type an answer has, which choices exist, which
//! rules apply — all of it comes from the [`Form`].

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{did_you_mean, Finding, LineIndex, Severity};
use crate::form::{child_prefix, item_path, Condition, Field, FieldType, Form, ENGINE_KEYS};
use crate::markup;
use crate::register::{Catalog, Register, RECORD_FILE};

/// The codes `check` reports, with what each means (the form may add its own).
pub const CODES: &[(&str, &str)] = &[
    ("SM001", "TOML syntax error"),
    ("SM002", "unknown key"),
    ("SM003", "wrong type of answer"),
    ("SM004", "not a valid date"),
    ("SM005", "required answer missing"),
    ("SM006", "answer required by another answer is missing"),
    ("SM007", "answer given where another answer rules it out"),
    ("SM008", "not one of the form's choices"),
    ("SM009", "date in the future"),
    ("SM010", "answer does not have the required format"),
    ("SM011", "attachment missing"),
    ("SM012", "malformed redaction markup"),
    ("SM013", "unknown form or form version"),
    ("SM014", "exempt use: no filing needed"),
    ("SM015", "answer does not have the value the form requires"),
    ("SM016", "too few items"),
    (
        "SM017",
        "record file unreadable (not UTF-8, empty, too large, not a file)",
    ),
    ("SM018", "reference not in the register's catalog"),
    ("SM019", "reference retired in the register's catalog"),
    ("SM020", "bad [release] redaction entry"),
    ("SM050", "unmarked PII in a release (check --release)"),
];

/// Records larger than this are refused unread.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// What a check run needs besides the records.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Today's date, for "not in the future" rules.
    pub today: NaiveDate,
    /// Also warn about PII a release would show unmarked.
    pub release: bool,
}

/// The findings for one record.
#[derive(Debug, Clone, Serialize)]
pub struct RecordCheck {
    /// The record's id (folder name), or the file name for a path outside `records/`.
    pub id: String,
    /// The record file, relative to the register.
    pub file: String,
    /// Everything found.
    pub findings: Vec<Finding>,
}

impl RecordCheck {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }
}

/// The findings of a whole run.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// One entry per record checked, in id order.
    pub records: Vec<RecordCheck>,
    /// Total errors.
    pub errors: usize,
    /// Total warnings.
    pub warnings: usize,
}

impl CheckReport {
    fn new(records: Vec<RecordCheck>) -> CheckReport {
        let all = || records.iter().flat_map(|r| r.findings.iter());
        let errors = all().filter(|f| f.severity == Severity::Error).count();
        let warnings = all().count() - errors;
        CheckReport {
            records,
            errors,
            warnings,
        }
    }
}

/// A record to check: by id, or a file path.
#[derive(Debug, Clone)]
pub struct Target {
    /// Id shown in the report.
    pub id: String,
    /// Absolute path of the record file.
    pub path: PathBuf,
    /// Path shown in findings (relative to the register).
    pub display: String,
}

impl Target {
    /// The record `id` of `reg`.
    pub fn record(reg: &Register, id: &str) -> Target {
        Target {
            id: id.to_string(),
            path: reg.record_dir(id).join(RECORD_FILE),
            display: Register::record_rel(id),
        }
    }
}

/// Check many records, on all cores, and return the findings in target order.
pub fn check_targets(reg: &Register, targets: &[Target], opts: &CheckOptions) -> CheckReport {
    let records = crate::par::map(targets, || (), |_, t| check_file(reg, t, opts));
    CheckReport::new(records)
}

/// Read and check one record file; unreadable files are findings, not errors.
pub fn check_file(reg: &Register, t: &Target, opts: &CheckOptions) -> RecordCheck {
    let findings = match read_record(&t.path, &t.display) {
        Ok(text) => {
            let dir = t.path.parent().unwrap_or(Path::new("."));
            check_text(reg, &text, &t.display, Some(dir), opts)
        }
        Err(f) => vec![*f],
    };
    RecordCheck {
        id: t.id.clone(),
        file: t.display.clone(),
        findings,
    }
}

/// Read a record file as UTF-8 text, or say in one finding why it cannot be.
pub fn read_record(path: &Path, display: &str) -> Result<String, Box<Finding>> {
    let unreadable = |msg: String, hint: &str| {
        Box::new(
            Finding::new("SM017", Severity::Error, msg)
                .hint(hint)
                .in_file(display),
        )
    };
    use crate::store::fs::FileError;
    let bytes = match crate::store::fs::read_file(path, MAX_RECORD_BYTES) {
        Ok(b) => b,
        Err(FileError::NotFound) => {
            return Err(unreadable(
                "record file not found".into(),
                "create it with `smout new <id> --form <form>`",
            ))
        }
        Err(FileError::NotRegular("a folder")) => {
            return Err(unreadable(
                "a folder stands where the record file should be".into(),
                "a record is one file, records/<id>/record.toml; move the folder away",
            ))
        }
        Err(FileError::TooLarge { len, .. }) => {
            return Err(unreadable(
                format!(
                    "the record is {:.1} MB; records are at most 1 MB",
                    len as f64 / 1e6
                ),
                "keep long material in attachments beside record.toml and refer to them",
            ))
        }
        Err(e @ FileError::Symlink(_)) => {
            return Err(unreadable(
                "the record file is a symbolic link; smout does not follow links".into(),
                e.hint(),
            ))
        }
        Err(e) => return Err(unreadable(format!("cannot read the record: {e}"), e.hint())),
    };
    match String::from_utf8(bytes) {
        Ok(s) if s.trim().is_empty() => Err(unreadable(
            "the record is empty".into(),
            "start from a skeleton: `smout new <id> --form <form>` writes every question",
        )),
        Ok(s) => Ok(s),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
            let index = LineIndex::new(&prefix);
            let mut f = Finding::new(
                "SM017",
                Severity::Error,
                "the record is not valid UTF-8 text",
            )
            .hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\")")
            .at(display, &index, &(good..good));
            f.source_line.push('\u{FFFD}');
            Err(Box::new(f))
        }
    }
}

/// Check the text of one record. `dir` is the record's folder (for attachments).
pub fn check_text(
    reg: &Register,
    text: &str,
    file: &str,
    dir: Option<&Path>,
    opts: &CheckOptions,
) -> Vec<Finding> {
    let index = LineIndex::new(text);
    let root = match DeTable::parse_recoverable(text) {
        (root, errors) if errors.is_empty() => root,
        (_, errors) => {
            return errors
                .into_iter()
                .map(|e| {
                    let span = e.span().unwrap_or(0..0);
                    let hint = if e.message().contains("invalid date") {
                        "that day does not exist in the calendar: check the day and the month (YYYY-MM-DD; February has 28 days, 29 in leap years)"
                    } else {
                        "see https://toml.io for TOML syntax; strings need quotes, dates do not"
                    };
                    Finding::new("SM001", Severity::Error, syntax_message(e.message()))
                        .hint(hint)
                        .at(file, &index, &span)
                })
                .collect();
        }
    };
    let mut c = Checker {
        reg,
        form: None,
        file,
        index,
        dir,
        opts,
        root: root.get_ref(),
        findings: Vec::new(),
    };
    c.run();
    c.findings.sort_by_key(|f| (f.line, f.column));
    c.findings
}

fn syntax_message(m: &str) -> String {
    let m = m.trim();
    let first = m.lines().next().unwrap_or(m);
    format!("TOML syntax: {first}")
}

/// Where a value sits in the record: the list items on the way to it.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// (schema path of a list with `[]`, index of the current item)
    pub items: Vec<(String, usize)>,
}

struct Checker<'a, 'r> {
    reg: &'a Register,
    form: Option<&'a Form>,
    file: &'a str,
    index: LineIndex<'a>,
    dir: Option<&'a Path>,
    opts: &'a CheckOptions,
    root: &'r DeTable<'r>,
    findings: Vec<Finding>,
}

type Value<'r> = Spanned<DeValue<'r>>;

impl<'a, 'r> Checker<'a, 'r> {
    fn report(&mut self, f: Finding, span: &Range<usize>) {
        let f = f.at(self.file, &self.index, span);
        self.findings.push(f);
    }

    fn run(&mut self) {
        let Some(form) = self.resolve_form() else {
            return;
        };
        self.form = Some(form);
        if let Some(release) = self.root.get("release") {
            self.check_release(release);
        }
        self.check_table(self.root, 0..0, "", &Ctx::default());
        self.check_rules();
        if self.opts.release {
            self.check_pii();
        }
    }

    fn resolve_form(&mut self) -> Option<&'a Form> {
        let known = self.reg.forms.ids().join(", ");
        let Some(v) = self.root.get("form") else {
            self.report(
                Finding::new(
                    "SM013",
                    Severity::Error,
                    "the record does not name its form",
                )
                .hint(format!("add `form = \"<id>\"` at the top; forms: {known}"))
                .field("form"),
                &(0..0),
            );
            return None;
        };
        let Some(id) = v.get_ref().as_str() else {
            self.report(
                Finding::new("SM003", Severity::Error, "`form` must be a string")
                    .hint(format!("forms: {known}"))
                    .field("form"),
                &v.span(),
            );
            return None;
        };
        let Some(form) = self.reg.forms.get(id) else {
            let hint = match did_you_mean(id, self.reg.forms.ids()) {
                Some(s) => format!("did you mean `{s}`? (`smout forms` lists them)"),
                None => format!("forms known here: {known}"),
            };
            self.report(
                Finding::new("SM013", Severity::Error, format!("unknown form `{id}`"))
                    .hint(hint)
                    .field("form"),
                &v.span(),
            );
            return None;
        };
        match self.root.get("form_version") {
            None => self.report(
                Finding::new("SM013", Severity::Error, "the record does not name its form version")
                    .hint(format!("add `form_version = \"{}\"`", form.version))
                    .field("form_version"),
                &v.span(),
            ),
            Some(fv) => match fv.get_ref().as_str() {
                Some(s) if s == form.version => {}
                _ => self.report(
                    Finding::new(
                        "SM013",
                        Severity::Error,
                        format!(
                            "the record is for another version of `{id}` than this register's ({})",
                            form.version
                        ),
                    )
                    .hint(format!(
                        "review the record against the current template, then set `form_version = \"{}\"`",
                        form.version
                    ))
                    .field("form_version"),
                    &fv.span(),
                ),
            },
        }
        Some(form)
    }

    fn form(&self) -> &'a Form {
        self.form.expect("form resolved before fields are checked")
    }

    /// Check the keys of a table against the form's fields under `parent`, then check that every
    /// required field is there.
    fn check_table(&mut self, table: &'r DeTable<'r>, span: Range<usize>, parent: &str, ctx: &Ctx) {
        let form = self.form();
        let prefix = child_prefix(parent);
        for (key, value) in table.iter() {
            let k: &str = key.get_ref();
            if parent.is_empty() && ENGINE_KEYS.contains(&k) {
                continue;
            }
            let path = format!("{prefix}{k}");
            match form.field(&path) {
                Some(field) => self.check_value(field, value, ctx),
                None => {
                    let siblings: Vec<&str> =
                        form.children(parent).map(|f| f.key.as_str()).collect();
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
        for field in form.children(parent) {
            let value = table.get(field.key.as_str());
            let answered = value.is_some_and(|v| is_answered(v.get_ref()));
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

    fn check_value(&mut self, field: &'a Field, value: &'r Value<'r>, ctx: &Ctx) {
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

    fn expect_failed(&mut self, field: &Field, span: &Range<usize>) {
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

    fn check_string(&mut self, field: &Field, s: &str, span: &Range<usize>) {
        if markup::has_markup(s) {
            if let Err(e) = markup::parse(s) {
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
                let bad_name = name.contains("..") || name.starts_with('/') || name.contains('\\');
                // A link satisfies nothing: `rob.pdf -> /etc/passwd` is not an attachment.
                let is_file = !bad_name
                    && matches!(crate::store::fs::kind(dir, Path::new(name)), Ok(Some(k)) if k.is_file());
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

    fn check_catalog(
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
    fn markup_span(&self, span: &Range<usize>, opening: usize) -> Range<usize> {
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

    fn index_text(&self, span: &Range<usize>) -> &str {
        self.index.text(span)
    }

    fn check_date(&mut self, field: &Field, v: &DeValue<'_>, span: &Range<usize>) {
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
                .hint(format!(
                    "today is {}; a use that has not launched yet is in development",
                    self.opts.today
                ))
                .field(field.path.clone()),
                span,
            );
        }
    }

    fn check_release(&mut self, release: &'r Value<'r>) {
        let form = self.form();
        let Some(t) = release.get_ref().as_table() else {
            self.report(
                Finding::new("SM020", Severity::Error, "[release] must be a table")
                    .hint("[release]\nredact = { \"summary.contacts\" = [\"b6\", \"b7C\"] }"),
                &release.span(),
            );
            return;
        };
        for (k, v) in t.iter() {
            if k.get_ref() != "redact" {
                self.report(
                    Finding::new(
                        "SM002",
                        Severity::Error,
                        format!("unknown key `{}` in [release]", k.get_ref()),
                    )
                    .hint("[release] takes only `redact`"),
                    &k.span(),
                );
                continue;
            }
            let Some(map) = v.get_ref().as_table() else {
                self.report(
                    Finding::new(
                        "SM020",
                        Severity::Error,
                        "`redact` maps field paths to exemptions",
                    )
                    .hint("redact = { \"summary.contacts\" = [\"b6\", \"b7C\"] }"),
                    &v.span(),
                );
                continue;
            };
            for (path, ex) in map.iter() {
                let p: &str = path.get_ref();
                if form.field(p).is_none() && form.field(&p.replace('.', "[].")).is_none() {
                    let hint = match did_you_mean(p, form.fields.iter().map(|f| f.path.as_str())) {
                        Some(m) => format!("did you mean \"{m}\"?"),
                        None => "name a field by its path, e.g. \"summary.contacts\"".into(),
                    };
                    self.report(
                        Finding::new(
                            "SM020",
                            Severity::Error,
                            format!(
                                "[release] redact names `{p}`, which is not a field of the form"
                            ),
                        )
                        .hint(hint),
                        &path.span(),
                    );
                }
                let ok = ex.get_ref().as_array().is_some_and(|a| {
                    !a.is_empty()
                        && a.iter().all(|e| {
                            e.get_ref().as_str().is_some_and(|s| {
                                markup::EXEMPTIONS.iter().any(|x| x.eq_ignore_ascii_case(s))
                            })
                        })
                });
                if !ok {
                    self.report(
                        Finding::new(
                            "SM020",
                            Severity::Error,
                            format!(
                                "the exemptions for `{p}` must be a list such as [\"b6\", \"b7C\"]"
                            ),
                        )
                        .hint("FOIA exemptions are b1–b9 and b7A–b7F"),
                        &ex.span(),
                    );
                }
            }
        }
    }

    fn check_rules(&mut self) {
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
    fn nearest_span(&self, path: &str, ctx: &Ctx) -> Range<usize> {
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

    fn eval(&self, cond: &Condition, ctx: &Ctx) -> bool {
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

    fn check_pii(&mut self) {
        // The release prints the determination page too: its reviewers are people to look for,
        // and its text is scanned like the record's.
        let dets_text = self
            .dir
            .and_then(|d| {
                crate::store::read_text_file(
                    &d.join(crate::register::DETERMINATIONS_FILE),
                    crate::store::fs::MAX_TEXT_BYTES,
                )
                .ok()
                .flatten()
            })
            .unwrap_or_default();
        let dets = DeTable::parse(&dets_text).ok();
        let reviewers = dets
            .as_ref()
            .map(|d| crate::pii::reviewer_names(d.get_ref()))
            .unwrap_or_default();
        let findings = crate::pii::scan(self.root, self.form(), self.file, &self.index, &reviewers);
        self.findings.extend(findings);
        if let Some(d) = dets {
            let file = self
                .file
                .replace(RECORD_FILE, crate::register::DETERMINATIONS_FILE);
            let index = LineIndex::new(&dets_text);
            let mut names = reviewers;
            let mut record_names = std::collections::HashSet::new();
            crate::pii::collect_record_names(self.root, self.form(), &mut record_names);
            names.extend(record_names);
            self.findings.extend(crate::pii::scan_determinations(
                d.get_ref(),
                &file,
                &index,
                &names,
            ));
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
fn is_answered(v: &DeValue<'_>) -> bool {
    match v {
        DeValue::String(s) => !s.trim().is_empty(),
        DeValue::Array(a) => !a.is_empty(),
        DeValue::Table(t) => !t.is_empty(),
        _ => true,
    }
}

fn value_eq(v: &DeValue<'_>, e: &toml::Value) -> bool {
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

fn describe_value(v: &DeValue<'_>) -> &'static str {
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

fn parse_date_loose(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// How a finding names a field: `5(c) "Public interaction"` or `"Name of Component"`.
pub fn question_ref(field: &Field) -> String {
    match &field.number {
        Some(n) => format!("{n} \"{}\"", field.label),
        None => format!("\"{}\"", field.label),
    }
}

fn choice_list(field: &Field) -> String {
    field
        .choices
        .iter()
        .filter(|c| c.exempt.is_none())
        .map(|c| format!("\"{}\"", c.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn missing_hint(field: &Field, parent: &str, inline: bool) -> String {
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
fn describe(cond: &Condition, form: &Form) -> String {
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
