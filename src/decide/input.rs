//! What a reviewer says on the command line, over what a `--from` file says: each flag given
//! replaces (or, for lists and boxes, adds to) the file's answer. A PIA or SORN cannot be found
//! both required and covered.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::refusal::Refusal;
use crate::determination::{DeterminationInput, DocFinding};
use crate::error::{Error, Result};

/// The flags of one documentation finding (`pia` or `sorn`).
#[derive(Debug, Clone, Default)]
pub struct DocFlags {
    /// `--pia-required`.
    pub required: bool,
    /// `--pia-covered ID`, each.
    pub covered: Vec<String>,
    /// `--pia-action new|update|none`.
    pub action: Option<String>,
    /// `--pia-update ID`, each: required, to be updated.
    pub update: Vec<String>,
}

/// A determination's flags, each `None` (or empty) when not given.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--outcome`.
    pub outcome: Option<String>,
    /// `--submission`.
    pub submission: Option<u32>,
    /// `--rules-do-not-comply`.
    pub rules_do_not_comply: Option<String>,
    /// `--training-required`.
    pub training_required: bool,
    /// `--finding KEY[=VALUE]`, each.
    pub findings: Vec<String>,
    /// The PIA's.
    pub pia: DocFlags,
    /// The SORN's.
    pub sorn: DocFlags,
    /// `--conditions`.
    pub conditions: Option<String>,
    /// `--comments`.
    pub comments: Option<String>,
    /// `--reviewer`.
    pub reviewer: Option<String>,
    /// `--reviewed`.
    pub reviewed: Option<NaiveDate>,
    /// `--review-by`.
    pub review_by: Option<NaiveDate>,
    /// `--corrects`.
    pub corrects: Option<u32>,
    /// `--correction`.
    pub correction: Option<String>,
    /// `--review-by-reason`.
    pub review_by_reason: Option<String>,
}

impl DeterminationInput {
    /// A determination written in a TOML file (`determine --from`).
    pub fn from_file(path: &Path) -> Result<DeterminationInput> {
        let text = crate::store::read_text_file(path, crate::store::fs::MAX_TEXT_BYTES)?
            .ok_or_else(|| Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)))?;
        toml::from_str(&text).map_err(|e| Error::Determinations {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })
    }
}

impl Flags {
    /// `base` (a `--from` file's determination, or an empty one) with these flags over it.
    pub fn over(&self, base: DeterminationInput) -> Result<DeterminationInput> {
        let mut i = base;
        if let Some(o) = &self.outcome {
            i.outcome = o.clone();
        }
        i.submission = self.submission.or(i.submission);
        if let Some(t) = &self.rules_do_not_comply {
            i.rules_do_not_comply = t.clone();
        }
        i.training_required |= self.training_required;
        for f in &self.findings {
            let (key, value) = match f.split_once('=') {
                None => (f.as_str(), toml::Value::Boolean(true)),
                Some((k, "true" | "yes")) => (k, toml::Value::Boolean(true)),
                Some((k, "false" | "no")) => (k, toml::Value::Boolean(false)),
                Some((k, v)) => (k, toml::Value::String(v.to_string())),
            };
            i.findings.insert(key.trim().to_string(), value);
        }
        for (what, d) in [("PIA", &self.pia), ("SORN", &self.sorn)] {
            if d.required && !d.covered.is_empty() {
                return Err(Refusal::RequiredAndCovered(what).into());
            }
        }
        for (key, d) in [("pia", &self.pia), ("sorn", &self.sorn)] {
            doc(&mut i.documentation, key, d);
            if !d.update.is_empty() {
                let f = i.documentation.entry(key.to_string()).or_default();
                f.finding = "required".into();
                f.action = "update".into();
                f.ids = d.update.clone();
            }
        }
        if let Some(c) = &self.conditions {
            i.conditions = c.clone();
        }
        if let Some(c) = &self.comments {
            i.comments = c.clone();
        }
        if self.reviewer.is_some() {
            i.reviewer = self.reviewer.clone();
        }
        i.reviewed = self.reviewed.or(i.reviewed);
        i.review_by = self.review_by.or(i.review_by);
        i.corrects = self.corrects.or(i.corrects);
        if let Some(c) = &self.correction {
            i.correction = c.clone();
        }
        if let Some(r) = &self.review_by_reason {
            i.review_by_reason = r.clone();
        }
        Ok(i)
    }
}

/// One documentation finding's flags over what the file says.
fn doc(docs: &mut BTreeMap<String, DocFinding>, key: &str, d: &DocFlags) {
    if !d.required && d.covered.is_empty() && d.action.is_none() {
        return;
    }
    let f = docs.entry(key.to_string()).or_insert_with(|| DocFinding {
        action: "none".into(),
        ..Default::default()
    });
    if d.required {
        f.finding = "required".into();
    }
    if !d.covered.is_empty() {
        f.finding = "covered".into();
        f.ids = d.covered.clone();
    }
    if let Some(a) = &d.action {
        f.action = a.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_replace_the_files_answers_and_add_to_its_lists() {
        let base: DeterminationInput = toml::from_str(
            "outcome = \"not-yet-met\"\ncomments = \"from the file\"\n[pia]\nfinding = \"covered\"\nids = [\"DHS/CBP/PIA-058\"]\naction = \"none\"\n",
        )
        .unwrap();
        let i = Flags {
            outcome: Some("met".into()),
            findings: vec!["authorized".into(), "rules_comply=no".into()],
            sorn: DocFlags {
                update: vec!["DHS/CBP-024".into()],
                ..Default::default()
            },
            ..Default::default()
        }
        .over(base)
        .unwrap();
        assert_eq!(i.outcome, "met");
        assert_eq!(i.comments, "from the file");
        assert_eq!(i.findings["authorized"], toml::Value::Boolean(true));
        assert_eq!(i.findings["rules_comply"], toml::Value::Boolean(false));
        assert_eq!(i.documentation["pia"].ids, ["DHS/CBP/PIA-058"]);
        let sorn = &i.documentation["sorn"];
        assert_eq!(
            (sorn.finding.as_str(), sorn.action.as_str()),
            ("required", "update")
        );
    }

    #[test]
    fn a_pia_both_required_and_covered_is_refused() {
        let e = Flags {
            pia: DocFlags {
                required: true,
                covered: vec!["DHS/CBP/PIA-058".into()],
                ..Default::default()
            },
            ..Default::default()
        }
        .over(DeterminationInput::default())
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "a PIA cannot be found both required and covered: choose --pia-required or --pia-covered"
        );
    }
}
