//! Determinations: the reviewer's decision on one submission, kept in
//! `records/<id>/determinations.toml` as `[[determination]]` (and `[[appeal]]`) entries that are
//! only ever appended. Each names its submission and the SHA-256 of the record it judged.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};

use crate::duration::toml_date;
use crate::error::{Error, Result};

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

/// One determination (or appeal decision).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
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
    /// PIA findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pia: Option<DocFinding>,
    /// SORN findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sorn: Option<DocFinding>,
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
    /// For appeals: who decided it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decided_by: String,
}

impl Determination {
    /// The documentation finding of a kind (`pia`, `sorn`).
    pub fn documentation(&self, key: &str) -> Option<&DocFinding> {
        match key {
            "pia" => self.pia.as_ref(),
            "sorn" => self.sorn.as_ref(),
            _ => None,
        }
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
        toml::from_str(text).map_err(|e| Error::Settings {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })
    }

    /// Read a record's determinations (none when the file does not exist).
    pub fn load(path: &Path) -> Result<Determinations> {
        match std::fs::read_to_string(path) {
            Ok(t) => Determinations::parse(&t, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Determinations::default()),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// The latest determination.
    pub fn latest(&self) -> Option<&Determination> {
        self.determinations.last()
    }
}
