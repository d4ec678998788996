//! Checking a record: read it, parse it (a syntax error is a finding), and walk it against its
//! form; many records on every core.

use std::ops::Range;
use std::path::Path;

use toml::de::DeTable;

use super::model::{CheckOptions, CheckReport, Checker, Ctx, RecordCheck, Target};
use super::read::read_record;
use crate::diag::{did_you_mean, Finding, LineIndex, Severity};
use crate::form::Form;
use crate::register::Register;

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
pub(super) fn check_file_probed(
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
        self.check_component();
        if self.opts.warn_pii {
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
