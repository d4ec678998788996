//! Determinations: the reviewer's decision on one submission, kept in
//! `records/<id>/determinations.toml` as `[[determination]]` (and `[[appeal]]`) entries that are
//! only ever appended. Each names its submission and the SHA-256 of the record it judged.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::duration::toml_date;
use crate::error::{Error, Result};
use crate::form::Form;

/// Findings on one kind of further documentation (PIA, SORN).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocFinding {
    /// `required` (a new one is needed) or `covered` (by the named ids).
    #[serde(default)]
    pub finding: String,
    /// The covering or affected documents.
    #[serde(default)]
    pub ids: Vec<String>,
    /// `none`, `new` or `update`.
    #[serde(default = "none")]
    pub action: String,
}

fn none() -> String {
    "none".into()
}

/// Where a determination decided outside smout was imported from (`smout import`): the
/// document and its SHA-256. The entry is still recorded, signed and audited like any other;
/// this says the decision itself was made before the register existed.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedFrom {
    /// The document's file name.
    pub source: String,
    /// SHA-256 of the document.
    #[serde(default)]
    pub sha256: String,
}

/// One determination (or appeal decision).
// Not `deny_unknown_fields`: every key that is not a field is a documentation finding (a
// table, checked as one), so an unknown key still fails to parse.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Determination {
    /// The submission number judged (`smout/<id>/submission/<n>`).
    pub submission: u32,
    /// SHA-256 of record.toml at that submission.
    pub record_sha256: String,
    /// Date reviewed.
    #[serde(deserialize_with = "toml_date::required", serialize_with = "ser_date")]
    pub reviewed: NaiveDate,
    /// The reviewer (may carry redaction markup).
    pub reviewer: String,
    /// One of the form's outcomes.
    pub outcome: String,
    /// Why the rules of behavior do not comply (only with a not-approving outcome).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rules_do_not_comply: String,
    /// Training is required.
    #[serde(default)]
    pub training_required: bool,
    /// Conditions of an approval, for forms that have them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conditions: String,
    /// The reviewer's comments.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comments: String,
    /// When the approval must be reviewed again.
    #[serde(
        default,
        deserialize_with = "toml_date::optional",
        serialize_with = "ser_opt_date",
        skip_serializing_if = "Option::is_none"
    )]
    pub review_by: Option<NaiveDate>,
    /// Why review_by lies beyond the review period (the Privacy Office may set its own period;
    /// `audit` flags a longer one without a reason).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub review_by_reason: String,
    /// For appeals: who decided it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decided_by: String,
    /// A correction: the number (1-based) of the determination this one supersedes. The
    /// corrected entry stays as recorded; this one stands in its place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<u32>,
    /// Why the correction was made.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub correction: String,
    /// The reviewer's findings, keyed by the form's `[[determination.finding]]` keys: `true` for
    /// a statement affirmed, a choice's value for a finding with choices.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub findings: BTreeMap<String, toml::Value>,
    /// Imported from a document decided outside smout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported: Option<ImportedFrom>,
    /// Findings on further documentation, keyed by the form's documentation kinds (`pia`,
    /// `sorn` on the DHS SMOUT; none on a form that has no such kinds).
    #[serde(flatten)]
    pub documentation: BTreeMap<String, DocFinding>,
}

impl Determination {
    /// The documentation finding of a kind (`pia`, `sorn`).
    pub fn doc(&self, key: &str) -> Option<&DocFinding> {
        self.documentation.get(key)
    }
}

/// What a determination (or an appeal's decision) says beyond its outcome — what a drafter
/// told to "address the Privacy Office's comments" must read: the Rules of Behavior analysis,
/// training, the reviewer's findings, further documentation, conditions and comments. Every
/// string is as one audience reads it: [`Notes::of`] passes each through `show(path, text)`,
/// `path` being the determination page's field (`determination.comments` …) that a record's
/// `[release] redact` may withhold.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Notes {
    /// Why the Rules of Behavior do not comply.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rules_do_not_comply: String,
    /// Training is required.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub training_required: bool,
    /// The findings affirmed, in the form's words (a choice: the form's wording and the choice).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// The rulings on further documentation (PIA, SORN), in the form's words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documentation: Vec<String>,
    /// Conditions of an approval.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub conditions: String,
    /// The reviewer's comments.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comments: String,
}

impl Notes {
    /// The notes of `d`, worded by its record's form (by their keys when the form is unknown),
    /// each string shown through `show(path, text)`.
    pub fn of(
        d: &Determination,
        form: Option<&Form>,
        show: &dyn Fn(&str, &str) -> String,
    ) -> Notes {
        let page = form.map(|f| &f.determination);
        let defs = page.map(|p| p.findings.as_slice()).unwrap_or_default();
        let kinds = page.map(|p| p.documentation.as_slice()).unwrap_or_default();
        // In the form's order, then what the form does not know, by key.
        let mut findings = Vec::new();
        for def in defs {
            let Some(value) = d.findings.get(&def.key) else {
                continue;
            };
            let wording = match &def.number {
                Some(n) => format!("{n} {}", def.text),
                None => def.text.clone(),
            };
            match (value, &def.choices_from) {
                (toml::Value::Boolean(false), _) => {}
                (toml::Value::Boolean(true), None) => findings.push(wording),
                (v, Some(from)) => {
                    let chosen = value_text(v);
                    let label = form
                        .and_then(|f| f.field(from))
                        .and_then(|f| f.choice(&chosen))
                        .map_or(chosen.clone(), |c| c.label.clone());
                    findings.push(format!("{wording} {label}"));
                }
                (v, None) => findings.push(format!("{wording} {}", value_text(v))),
            }
        }
        for (key, value) in &d.findings {
            if !defs.iter().any(|f| &f.key == key) {
                findings.push(format!("{key}: {}", value_text(value)));
            }
        }
        let ids_of = |f: &DocFinding| -> String {
            f.ids
                .iter()
                .map(|i| show("determination.ids", i))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let mut documentation = Vec::new();
        for k in kinds {
            let Some(f) = d.doc(&k.key) else { continue };
            // The form's sentences, their `<…>` placeholders giving way to the documents named.
            let words = |s: &str| s.split_once(" <").map_or(s, |(head, _)| head).to_string();
            let mut said: Vec<String> = Vec::new();
            match f.finding.as_str() {
                "covered" => said.push(words(&k.covered)),
                "required" => said.push(words(&k.required)),
                _ => {}
            }
            match f.action.as_str() {
                "new" => said.push(words(&k.new)),
                "update" => said.push(words(&k.update)),
                _ => {}
            }
            if said.is_empty() {
                continue;
            }
            let ids = ids_of(f);
            if !ids.is_empty() {
                said.push(ids);
            }
            documentation.push(said.join(" "));
        }
        for (key, f) in &d.documentation {
            if kinds.iter().any(|k| &k.key == key) {
                continue;
            }
            let ids = ids_of(f);
            let said: Vec<&str> = [f.finding.as_str(), f.action.as_str(), ids.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty() && *p != "none")
                .collect();
            if !said.is_empty() {
                documentation.push(format!("{key}: {}", said.join(" ")));
            }
        }
        Notes {
            rules_do_not_comply: show("determination.rules_do_not_comply", &d.rules_do_not_comply),
            training_required: d.training_required,
            findings,
            documentation,
            conditions: show("determination.conditions", &d.conditions),
            comments: show("determination.comments", &d.comments),
        }
    }

    /// Whether the decision says nothing beyond its outcome.
    pub fn is_empty(&self) -> bool {
        *self == Notes::default()
    }

    /// Print the notes for people, one labelled line each at `indent`; the lines of a value
    /// that spans lines follow two columns further in.
    pub fn write_text(&self, indent: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for note in self.lines() {
            for (i, line) in note.lines().enumerate() {
                match (i, line.trim().is_empty()) {
                    (0, _) => writeln!(out, "{indent}{line}")?,
                    (_, true) => writeln!(out)?,
                    (_, false) => writeln!(out, "{indent}  {}", line.trim_start())?,
                }
            }
        }
        Ok(())
    }

    /// The notes as lines for people, each labelled (a value may span lines).
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let text = |s: &str| s.trim().to_string();
        if !self.rules_do_not_comply.trim().is_empty() {
            out.push(format!(
                "Rules of Behavior do not comply: {}",
                text(&self.rules_do_not_comply)
            ));
        }
        if self.training_required {
            out.push("Training required.".into());
        }
        out.extend(
            self.findings
                .iter()
                .map(|f| format!("Finding: {}", text(f))),
        );
        out.extend(
            self.documentation
                .iter()
                .map(|d| format!("Documentation: {}", text(d))),
        );
        if !self.conditions.trim().is_empty() {
            out.push(format!("Conditions: {}", text(&self.conditions)));
        }
        if !self.comments.trim().is_empty() {
            out.push(format!("Comments: {}", text(&self.comments)));
        }
        out
    }
}

/// A finding's value as text (a choice's value, a number …).
fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn ser_date<S: Serializer>(d: &NaiveDate, s: S) -> std::result::Result<S::Ok, S::Error> {
    let dt: toml::value::Datetime = d.to_string().parse().map_err(serde::ser::Error::custom)?;
    dt.serialize(s)
}

fn ser_opt_date<S: Serializer>(
    d: &Option<NaiveDate>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser_date(d, s),
        None => s.serialize_none(),
    }
}

/// The whole `determinations.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Determinations {
    /// Determinations, oldest first.
    #[serde(default, rename = "determination")]
    pub determinations: Vec<Determination>,
    /// Appeals, oldest first.
    #[serde(default, rename = "appeal", skip_serializing_if = "Vec::is_empty")]
    pub appeals: Vec<Determination>,
}

impl Determinations {
    /// Parse the text of a determinations file.
    pub fn parse(text: &str, path: &Path) -> Result<Determinations> {
        toml::from_str(text).map_err(|e| Error::Determinations {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })
    }

    /// Record `id`'s determinations as HEAD has them committed — decisions come from
    /// history, never from the working tree (none when HEAD has no such file, or there is no
    /// repository). Read once per HEAD and store.
    pub fn committed(store: &crate::store::Store, id: &str) -> Result<Determinations> {
        store.memo_at_head(id, || {
            let rel = crate::store::layout::determinations_rel(id);
            let text = store.committed_file(id, crate::store::layout::DETERMINATIONS_FILE)?;
            Determinations::parse(&text.unwrap_or_default(), Path::new(&rel))
        })
    }

    /// The latest determination.
    pub fn latest(&self) -> Option<&Determination> {
        self.determinations.last()
    }
}

/// What the reviewer decides, before smout fills in submission, hash and dates.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DeterminationInput {
    /// Submission judged (default: the latest).
    #[serde(default)]
    pub submission: Option<u32>,
    /// The outcome (one of the form's).
    #[serde(default)]
    pub outcome: String,
    /// Rules-of-behavior analysis, when they do not comply.
    #[serde(default)]
    pub rules_do_not_comply: String,
    /// Training required.
    #[serde(default)]
    pub training_required: bool,
    /// Conditions of an approval.
    #[serde(default)]
    pub conditions: String,
    /// Comments.
    #[serde(default)]
    pub comments: String,
    /// The reviewer's name as printed (default: the git identity's name).
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Date reviewed (default: today).
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub reviewed: Option<NaiveDate>,
    /// Review-by date (default: reviewed + the review period).
    #[serde(default, deserialize_with = "toml_date::optional")]
    pub review_by: Option<NaiveDate>,
    /// Why review_by lies beyond the review period.
    #[serde(default)]
    pub review_by_reason: String,
    /// For appeals: who decided.
    #[serde(default)]
    pub decided_by: String,
    /// Correct determination N (1-based) instead of deciding a new submission.
    #[serde(default)]
    pub corrects: Option<u32>,
    /// Why the correction is made.
    #[serde(default)]
    pub correction: String,
    /// The reviewer's findings (`[findings]`).
    #[serde(default)]
    pub findings: BTreeMap<String, toml::Value>,
    /// Imported from a document decided outside smout (`[imported]`, written by `smout import`).
    #[serde(default)]
    pub imported: Option<ImportedFrom>,
    /// Documentation findings by the form's documentation kind (a table each).
    #[serde(flatten)]
    pub documentation: BTreeMap<String, DocFinding>,
}

/// Append one entry to a determinations file's text, keeping what is there byte for byte.
pub fn append(existing: &str, table: &str, entry: &Determination) -> Result<String> {
    #[derive(Serialize)]
    struct One<'a> {
        #[serde(rename = "determination", skip_serializing_if = "Option::is_none")]
        determination: Option<[&'a Determination; 1]>,
        #[serde(rename = "appeal", skip_serializing_if = "Option::is_none")]
        appeal: Option<[&'a Determination; 1]>,
    }
    let one = if table == "appeal" {
        One {
            determination: None,
            appeal: Some([entry]),
        }
    } else {
        One {
            determination: Some([entry]),
            appeal: None,
        }
    };
    let text = toml::to_string(&one).map_err(|e| Error::Write {
        what: "the determination",
        source: Box::new(e),
    })?;
    let mut out = existing.to_string();
    if out.is_empty() {
        out.push_str("# Determinations of the Privacy Office, appended by `smout determine`; never edit past entries.\n");
    } else if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&text);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENTRY: &str = "[[determination]]\nsubmission = 1\nrecord_sha256 = \"ab\"\nreviewed = 2024-02-01\nreviewer = \"R\"\noutcome = \"met\"\n";

    #[test]
    fn documentation_findings_are_keyed_by_kind() {
        let text =
            format!("{ENTRY}pia = {{ finding = \"covered\", ids = [\"DHS/CBP/PIA-010(a)\"] }}\n");
        let d = Determinations::parse(&text, Path::new("d.toml")).unwrap();
        let e = d.latest().unwrap();
        assert_eq!(e.doc("pia").unwrap().ids, ["DHS/CBP/PIA-010(a)"]);
        assert_eq!(e.doc("pia").unwrap().action, "none");
        assert!(e.doc("sorn").is_none());
        assert_eq!(e.reviewed, NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
    }

    #[test]
    fn an_unknown_key_still_fails_to_parse() {
        for extra in [
            "colour = \"red\"",
            "pia = { finding = \"covered\", colour = 1 }",
        ] {
            let text = format!("{ENTRY}{extra}\n");
            assert!(
                Determinations::parse(&text, Path::new("d.toml")).is_err(),
                "{extra} was accepted"
            );
        }
    }

    #[test]
    fn an_appended_entry_reads_back_as_written() {
        let d = Determinations::parse(ENTRY, Path::new("d.toml")).unwrap();
        let mut e = d.latest().unwrap().clone();
        e.submission = 2;
        e.documentation.insert(
            "sorn".into(),
            DocFinding {
                finding: "required".into(),
                ids: vec![],
                action: "new".into(),
            },
        );
        let text = append(ENTRY, "determination", &e).unwrap();
        assert!(
            text.starts_with(ENTRY),
            "past entries are kept byte for byte"
        );
        let back = Determinations::parse(&text, Path::new("d.toml")).unwrap();
        assert_eq!(back.determinations[1], e);
    }
}
