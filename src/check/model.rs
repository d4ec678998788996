//! What `check` is asked and what it answers: the codes, the options, the targets, the report;
//! and the checker the walk carries through a record.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diag::{Finding, LineIndex, Severity};
use crate::form::Form;
use crate::register::{Register, RECORD_FILE};

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
    (
        "SM025",
        "component not one of the register's [[components]]",
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
    pub warn_pii: bool,
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
    pub(super) fn new(records: Vec<RecordCheck>) -> CheckReport {
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

/// Where a value sits in the record: the list items on the way to it.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// (schema path of a list with `[]`, index of the current item)
    pub items: Vec<(String, usize)>,
}

pub(super) struct Checker<'a, 'r> {
    pub(super) reg: &'a Register,
    pub(super) form: Option<&'a Form>,
    pub(super) file: &'a str,
    pub(super) index: LineIndex<'a>,
    pub(super) dir: Option<&'a Path>,
    pub(super) opts: &'a CheckOptions,
    pub(super) root: &'r DeTable<'r>,
    pub(super) findings: Vec<Finding>,
    /// Field paths the record says its source withheld: unanswered, and required of nobody.
    pub(super) withheld_in_source: Vec<String>,
    /// Attachment names looked for in the record's folder, and whether each is a regular file.
    pub(super) probes: Vec<(String, bool)>,
}

pub(crate) type Value<'r> = Spanned<DeValue<'r>>;
