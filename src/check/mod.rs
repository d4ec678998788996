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
use crate::form::Form;
use crate::register::{Register, RECORD_FILE};

mod cache;
mod conditions;
mod read;
mod release;
mod walk;

pub use cache::check_targets_cached;
use conditions::*;
pub use conditions::{lookup, lookup_value, question_ref};
pub use read::read_record;

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
    ("SM022", "bad [provenance] entry"),
    ("SM023", "a citation the register's catalog knows otherwise"),
    (
        "SM024",
        "characters the PDF cannot print (no glyph in its font)",
    ),
    ("SM050", "unmarked PII in a release (check --release)"),
    (
        "SM051",
        "unmarked sensitive PII (SPII) in a release (check --release)",
    ),
    (
        "SM052",
        "information a statute protects in a release: (b)(3) (check --release)",
    ),
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
    check_file_probed(reg, t, opts).0
}

/// [`check_file`], and the probes of the record's folder (see [`check_text_probed`]).
fn check_file_probed(
    reg: &Register,
    t: &Target,
    opts: &CheckOptions,
) -> (RecordCheck, Vec<(String, bool)>) {
    let (findings, probes) = match read_record(&t.path, &t.display) {
        Ok(text) => {
            let dir = t.path.parent().unwrap_or(Path::new("."));
            check_text_probed(reg, &text, &t.display, Some(dir), opts)
        }
        Err(f) => (vec![*f], Vec::new()),
    };
    let check = RecordCheck {
        id: t.id.clone(),
        file: t.display.clone(),
        findings,
    };
    (check, probes)
}

/// Check the text of one record. `dir` is the record's folder (for attachments).
pub fn check_text(
    reg: &Register,
    text: &str,
    file: &str,
    dir: Option<&Path>,
    opts: &CheckOptions,
) -> Vec<Finding> {
    check_text_probed(reg, text, file, dir, opts).0
}

/// [`check_text`], and what it found of the record's folder: each attachment name it looked
/// for and whether a regular file is there (the findings depend on nothing else outside the
/// text, the register's forms and catalog, and the options).
fn check_text_probed(
    reg: &Register,
    text: &str,
    file: &str,
    dir: Option<&Path>,
    opts: &CheckOptions,
) -> (Vec<Finding>, Vec<(String, bool)>) {
    let index = LineIndex::new(text);
    let root = match DeTable::parse_recoverable(text) {
        (root, errors) if errors.is_empty() => root,
        (_, errors) => {
            let findings = errors
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
            return (findings, Vec::new());
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
        withheld_in_source: Vec::new(),
        probes: Vec::new(),
    };
    c.run();
    c.findings.sort_by_key(|f| (f.line, f.column));
    (c.findings, c.probes)
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
    /// Field paths the record says its source withheld: unanswered, and required of nobody.
    withheld_in_source: Vec<String>,
    /// Attachment names looked for in the record's folder, and whether each is a regular file.
    probes: Vec<(String, bool)>,
}

pub(crate) type Value<'r> = Spanned<DeValue<'r>>;

impl<'a, 'r> Checker<'a, 'r> {
    pub(super) fn report(&mut self, f: Finding, span: &Range<usize>) {
        let f = f.at(self.file, &self.index, span);
        self.findings.push(f);
    }

    pub(super) fn run(&mut self) {
        let Some(form) = self.resolve_form() else {
            return;
        };
        self.form = Some(form);
        if let Some(release) = self.root.get("release") {
            self.check_release(release);
        }
        if let Some(p) = self.root.get("provenance") {
            self.check_provenance(p);
        }
        self.check_table(self.root, 0..0, "", &Ctx::default());
        self.check_rules();
        self.check_citations();
        if self.opts.release {
            self.check_pii();
        }
    }

    pub(super) fn resolve_form(&mut self) -> Option<&'a Form> {
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

    pub(super) fn form(&self) -> &'a Form {
        self.form.expect("form resolved before fields are checked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = include_str!("../../tests/fixtures/valid/minimal.toml");

    fn findings(text: &str) -> Vec<(String, usize, usize, String)> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(crate::register::SETTINGS_FILE),
            crate::create::settings_text("Test", false),
        )
        .unwrap();
        let reg = Register::open(dir.path()).unwrap();
        let opts = CheckOptions {
            today: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            release: false,
        };
        check_text(&reg, text, "records/x/record.toml", None, &opts)
            .into_iter()
            .filter(|f| f.code != "SM030") // the attachment: no folder in this test
            .map(|f| (f.code, f.line, f.column, f.hint.unwrap_or_default()))
            .collect()
    }

    #[test]
    fn a_valid_record_has_no_findings() {
        assert_eq!(findings(MINIMAL), []);
    }

    #[test]
    fn a_misspelled_key_is_found_where_it_is_with_the_key_meant() {
        let f = findings(&MINIMAL.replace("it_systems =", "it_sytems ="));
        // The answer the form asks for is missing from its table, and the key written is not one.
        assert_eq!(
            f,
            [
                (
                    "SM005".into(),
                    5,
                    1,
                    "add `it_systems = \"…\"` under [summary]".into()
                ),
                ("SM002".into(), 8, 1, "did you mean `it_systems`?".into()),
            ]
        );
    }

    #[test]
    fn a_syntax_error_stops_the_checks_and_says_where() {
        let f = findings("form = \"dhs-smout\"\ntitle = \"unclosed\n");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].0.as_str(), f[0].1), ("SM001", 2));
    }

    #[test]
    fn a_launch_in_the_future_is_found_with_the_forms_hint() {
        let f = findings(&MINIMAL.replace("launched = 2020-03-01", "launched = 2025-03-01"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, "SM009");
        assert_eq!(
            f[0].3,
            "today is 2024-01-01; a use that has not launched yet is in development"
        );
    }
}
