//! A register is a git repository of records with `smout.toml` at its root. This module finds
//! it, reads its settings and catalog, and lists its records; it never reads the clock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use crate::duration::Period;
use crate::error::{Error, Result};
use crate::form::FormSet;
use crate::store::fs::MAX_TEXT_BYTES;
use crate::store::read_text_file;

/// The register's catalog of PIAs, SORNs and other references.
pub use crate::store::layout::{DETERMINATIONS_FILE, RECORDS_DIR, RECORD_FILE, SETTINGS_FILE};

pub const CATALOG_FILE: &str = "catalog.toml";

/// `smout.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The register's name.
    #[serde(default)]
    pub name: String,
    /// Review periods.
    #[serde(default)]
    pub review: ReviewSettings,
    /// Who may do what.
    #[serde(default)]
    pub roles: Roles,
    /// Banners printed on renderings.
    #[serde(default)]
    pub markings: Markings,
    /// The components whose filings the register holds (`[[components]]`): when any are
    /// listed, `check` refuses a component that is not one of them (a typo would make a new
    /// component in the report).
    #[serde(default)]
    pub components: Vec<Component>,
}

/// One `[[components]]` entry of `smout.toml`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Its name, as records give it ("U.S. Customs and Border Protection").
    pub name: String,
    /// Its abbreviation ("CBP"), also accepted.
    #[serde(default)]
    pub abbreviation: Option<String>,
    /// Its Component Privacy Officer (an e-mail).
    #[serde(default)]
    pub privacy_officer: Option<String>,
}

impl Settings {
    /// The register's name as outputs title it (`smout register` when it has none).
    pub fn display_name(&self) -> &str {
        match self.name.is_empty() {
            true => "smout register",
            false => &self.name,
        }
    }

    /// The listed component `name` is (by name or abbreviation, any case), if any.
    pub fn component(&self, name: &str) -> Option<&Component> {
        let n = name.trim();
        self.components.iter().find(|c| {
            c.name.eq_ignore_ascii_case(n)
                || c.abbreviation
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(n))
        })
    }
}

/// `[review]` of `smout.toml`: the Privacy Office's review policy. Bounded (see
/// [`Settings::parse`]), and audited like `[roles]`: only a reviewer in force changes it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// Default review period when a form sets none.
    #[serde(default = "default_period")]
    pub period: String,
    /// How long before `review_by` a record shows as due.
    #[serde(default = "default_warn")]
    pub warn: String,
}

fn default_period() -> String {
    "3y".into()
}
fn default_warn() -> String {
    "90d".into()
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            period: default_period(),
            warn: default_warn(),
        }
    }
}

/// `[roles]` of `smout.toml`: who may decide, with the SSH keys that prove it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    /// The reviewers: `"e-mail"` (an unsigned register) or `{ email, name, keys }`.
    #[serde(default)]
    pub reviewers: Vec<ReviewerEntry>,
    /// Every committing command signs its commit and tag, and `audit` verifies them.
    #[serde(default)]
    pub require_signatures: bool,
    /// How many reviewers in force must sign a change of `[roles]` (the committer plus
    /// co-signers, see `smout roles cosign`).
    #[serde(default = "one")]
    pub quorum: u32,
}

fn one() -> u32 {
    1
}

/// No reviewers, no signatures, a quorum of one: what a `smout.toml` without `[roles]` (or
/// an empty one) says. Spelled out rather than derived so that it is the same value serde
/// reads from an empty table (`quorum` defaults to 1, not 0), which the audit compares with.
impl Default for Roles {
    fn default() -> Self {
        Roles {
            reviewers: Vec::new(),
            require_signatures: false,
            quorum: one(),
        }
    }
}

/// One reviewer as `smout.toml` lists them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum ReviewerEntry {
    /// An e-mail only (registers without signatures).
    Email(String),
    /// A reviewer with a name and SSH public keys.
    Full(Reviewer),
}

/// A reviewer: e-mail, name, and the SSH public keys (`ssh-ed25519 AAAA… comment`) that sign
/// their determinations.
#[derive(Debug, Clone, Deserialize, PartialEq, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewer {
    /// The git author e-mail.
    pub email: String,
    /// The name printed on determinations.
    #[serde(default)]
    pub name: String,
    /// SSH public keys, one per line of `authorized_keys` format.
    #[serde(default)]
    pub keys: Vec<String>,
}

impl Roles {
    /// Every reviewer, e-mail-only entries as reviewers without keys.
    pub fn list(&self) -> Vec<Reviewer> {
        self.reviewers
            .iter()
            .map(|r| match r {
                ReviewerEntry::Email(e) => Reviewer {
                    email: e.clone(),
                    name: String::new(),
                    keys: Vec::new(),
                },
                ReviewerEntry::Full(r) => r.clone(),
            })
            .collect()
    }

    /// The reviewers' e-mails.
    pub fn emails(&self) -> Vec<String> {
        self.list().into_iter().map(|r| r.email).collect()
    }

    /// Whether `email` is a reviewer (case-insensitively, as e-mail addresses are compared).
    pub fn is_reviewer(&self, email: &str) -> bool {
        self.list()
            .iter()
            .any(|r| r.email.eq_ignore_ascii_case(email))
    }
}

/// `[markings]` of `smout.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Markings {
    /// Printed top and bottom of internal renderings.
    #[serde(default)]
    pub banner: Option<String>,
    /// Printed top and bottom of release copies (none when absent).
    #[serde(default)]
    pub release_banner: Option<String>,
}

impl Settings {
    /// Parse `smout.toml`.
    pub fn parse(text: &str, path: &Path) -> Result<Settings> {
        let s: Settings = toml::from_str(text).map_err(|e| Error::Settings {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        for (what, v) in [
            ("review.period", &s.review.period),
            ("review.warn", &s.review.warn),
        ] {
            Period::parse(v).map_err(|m| Error::Settings {
                path: path.to_path_buf(),
                message: format!("{what}: {m}"),
            })?;
        }
        // The policy is bounded: no approval outlives the three-year review cycle of DHS
        // privacy compliance documents, and a record shows as due at least a week ahead.
        let from = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default();
        let (period, warn) = (s.review_period().after(from), s.warn_window().after(from));
        let bound = |message: String| Error::Settings {
            path: path.to_path_buf(),
            message,
        };
        if period > Period::Months(36).after(from) || period <= from {
            return Err(bound(format!(
                "review.period: {} is outside what the review policy allows: from a day to three years (\"3y\"); a longer approval is a determination's `review_by` with its `review_by_reason`",
                s.review.period
            )));
        }
        if warn < Period::Days(7).after(from) || warn > period {
            return Err(bound(format!(
                "review.warn: {} is outside what the review policy allows: from a week (\"7d\") to the review period ({})",
                s.review.warn, s.review.period
            )));
        }
        Ok(s)
    }

    /// The default review period.
    pub fn review_period(&self) -> Period {
        Period::parse(&self.review.period).unwrap_or(Period::Months(36))
    }

    /// The warning window before `review_by`.
    pub fn warn_window(&self) -> Period {
        Period::parse(&self.review.warn).unwrap_or(Period::Days(90))
    }
}

/// One catalog entry (a PIA, a SORN …).
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogEntry {
    /// Its identifier.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// When it was retired, if it was.
    #[serde(default, deserialize_with = "crate::duration::toml_date::optional")]
    pub retired: Option<NaiveDate>,
    /// Where it was published (`77 FR 33753`), when the catalog knows.
    #[serde(default)]
    pub citation: Option<String>,
    /// The document that replaced it, when it was superseded (`superseded_by = "DHS/ICE-009(a)"`).
    #[serde(default)]
    pub superseded_by: Option<String>,
}

/// The register's catalog: for each kind (`pia`, `sorn`), the known identifiers.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    kinds: HashMap<String, HashMap<String, CatalogEntry>>,
    /// SHA-256 of the text it was read from.
    digest: String,
}

impl Catalog {
    /// Parse `catalog.toml`: `[[pia]] id = … retired = …`, `[[sorn]] …`.
    pub fn parse(text: &str, path: &Path) -> Result<Catalog> {
        let raw: HashMap<String, Vec<CatalogEntry>> =
            toml::from_str(text).map_err(|e| Error::Settings {
                path: path.to_path_buf(),
                message: e.to_string().trim_end().to_string(),
            })?;
        Ok(Catalog {
            digest: crate::digest::sha256_hex(text.as_bytes()),
            kinds: raw
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().map(|e| (e.id.clone(), e)).collect()))
                .collect(),
        })
    }

    /// What identifies the text it was read from (a SHA-256): what a cache of facts computed
    /// with the catalog is keyed by.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Whether the catalog lists any entry of this kind (if not, nothing is checked).
    pub fn keeps(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    /// The entry of this kind and id.
    pub fn get(&self, kind: &str, id: &str) -> Option<&CatalogEntry> {
        self.kinds.get(kind)?.get(id)
    }

    /// Why a use citing `id` must be reviewed as of `today`: the document was retired, or
    /// another superseded it (`None`: it stands, or the catalog does not know it).
    pub fn stale(&self, id: &str, today: NaiveDate) -> Option<String> {
        let e = self.kinds.values().find_map(|k| k.get(id.trim()))?;
        match (&e.superseded_by, e.retired) {
            (Some(by), _) => Some(format!("{} is superseded by {by}", e.id)),
            (None, Some(d)) if d <= today => Some(format!("{} was retired on {d}", e.id)),
            _ => None,
        }
    }

    /// All ids of a kind, sorted (so "did you mean" hints are the same on every run).
    pub fn ids(&self, kind: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .kinds
            .get(kind)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }
}

/// An open register.
#[derive(Debug, Clone)]
pub struct Register {
    /// Its root folder.
    pub root: PathBuf,
    /// `smout.toml`.
    pub settings: Settings,
    /// Built-in forms plus the register's own.
    pub forms: FormSet,
    /// `catalog.toml`, when there is one.
    pub catalog: Option<Catalog>,
}

impl Register {
    /// Find the register at `start` or the nearest folder above it holding `smout.toml`.
    pub fn discover(start: &Path) -> Result<Register> {
        let start = start.canonicalize().map_err(|e| Error::io(start, e))?;
        let mut dir: &Path = &start;
        loop {
            if matches!(
                crate::store::fs::kind(dir, Path::new(SETTINGS_FILE)),
                Ok(Some(_))
            ) {
                return Register::open(dir);
            }
            match dir.parent() {
                Some(p) => dir = p,
                None => return Err(Error::NoRegister(start)),
            }
        }
    }

    /// The register a record file belongs to: the nearest folder above it holding `smout.toml`;
    /// for a file in no register (a record drafted on its own, an attachment to an e-mail), a
    /// register of its folder with the built-in forms and default settings, so it can still be
    /// checked.
    pub fn of_file(file: &Path) -> Result<Register> {
        let dir = match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        match Register::discover(dir) {
            Err(Error::NoRegister(_)) => {
                let root = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
                Ok(Register {
                    settings: Settings::parse("", &root.join(SETTINGS_FILE))?,
                    forms: FormSet::builtin()?,
                    catalog: None,
                    root,
                })
            }
            other => other,
        }
    }

    /// Open the register whose root is `root`.
    pub fn open(root: &Path) -> Result<Register> {
        let settings_path = root.join(SETTINGS_FILE);
        let text = read_text_file(&settings_path, MAX_TEXT_BYTES)?
            .ok_or_else(|| Error::NoRegister(root.to_path_buf()))?;
        let settings = Settings::parse(&text, &settings_path)?;
        let forms = FormSet::load(Some(&root.join("forms")))?;
        let catalog_path = root.join(CATALOG_FILE);
        let catalog = match read_text_file(&catalog_path, MAX_TEXT_BYTES)? {
            Some(t) => Some(Catalog::parse(&t, &catalog_path)?),
            None => None,
        };
        Ok(Register {
            root: root.to_path_buf(),
            settings,
            forms,
            catalog,
        })
    }

    /// The folder of record `id`.
    pub fn record_dir(&self, id: &str) -> PathBuf {
        self.root.join(RECORDS_DIR).join(id)
    }

    /// `records/<id>/record.toml`, relative to the register (with `/`, as printed and as in git).
    pub fn record_rel(id: &str) -> String {
        crate::store::layout::record_rel(id)
    }

    /// `records/<id>/determinations.toml`, relative to the register.
    pub fn determinations_rel(id: &str) -> String {
        crate::store::layout::determinations_rel(id)
    }

    /// The form record `id` fills, as its record.toml names it in `form = …`.
    pub fn form_of(&self, id: &str) -> Result<&crate::form::Form> {
        let path = self.record_dir(id).join(RECORD_FILE);
        let text = read_text_file(&path, MAX_TEXT_BYTES)?.ok_or_else(|| self.no_record(id))?;
        let form_id = form_id(&text);
        self.forms.get(&form_id).ok_or_else(|| Error::NoForm {
            id: form_id,
            known: self.forms.ids().join(", "),
        })
    }

    /// Record `id` is there (a valid id, and its folder), or the refusal naming the closest id.
    pub fn require_record(&self, id: &str) -> Result<()> {
        validate_id(id)?;
        match self.record_dir(id).exists() {
            true => Ok(()),
            false => Err(self.no_record(id)),
        }
    }

    /// "No record `id`", with the closest id of the register when there is one.
    pub fn no_record(&self, id: &str) -> Error {
        let ids = self.record_ids().unwrap_or_default();
        Error::NoRecord {
            id: id.to_string(),
            close: crate::diag::did_you_mean(id, ids.iter().map(String::as_str)).map(String::from),
        }
    }

    /// The ids of every record folder, sorted.
    pub fn record_ids(&self) -> Result<Vec<String>> {
        let dir = self.root.join(RECORDS_DIR);
        let entries = crate::store::fs::list_dir(&dir).map_err(|source| Error::File {
            path: PathBuf::from(RECORDS_DIR),
            source,
        })?;
        let mut ids: Vec<String> = entries
            .into_iter()
            .filter(|(_, t)| t.is_dir())
            .filter_map(|(p, _)| p.file_name()?.to_str().map(String::from))
            .filter(|id| validate_id(id).is_ok())
            .collect();
        ids.sort();
        Ok(ids)
    }
}

/// Refuse ids that are not `[a-z0-9][a-z0-9-]*` (no paths, no spaces, no upper case).
pub fn validate_id(id: &str) -> Result<()> {
    let bad = |why| {
        Err(Error::BadId {
            id: id.to_string(),
            why,
        })
    };
    if id.is_empty() {
        return bad("it is empty");
    }
    if id.len() > 64 {
        return bad("it is longer than 64 characters");
    }
    if id.contains('/') || id.contains('\\') || id.contains("..") {
        return bad("it looks like a path");
    }
    let first = id.as_bytes()[0];
    if !(first.is_ascii_lowercase() || first.is_ascii_digit()) {
        return bad("it must start with a lower-case letter or a digit");
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return bad("only lower-case letters, digits and hyphens are allowed");
    }
    Ok(())
}

/// The `form = "…"` of a record's text: from the line that says it plainly before any table,
/// multi-line string or other complication (what `smout new` writes, read without parsing a
/// whole record), else from a parse of the whole text.
pub fn form_id(text: &str) -> String {
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('[') || t.contains("\"\"\"") || t.contains("'''") {
            break;
        }
        let Some(rest) = t.strip_prefix("form") else {
            continue;
        };
        let plain = rest
            .trim_start()
            .strip_prefix('=')
            .map(str::trim)
            .and_then(|v| v.strip_prefix('"'))
            .and_then(|v| v.strip_suffix('"'))
            .filter(|v| !v.contains(['"', '\\']));
        match plain {
            Some(v) => return v.to_string(),
            None if rest.trim_start().starts_with('=') => break,
            // `formats = …`: another key.
            None => continue,
        }
    }
    toml::de::DeTable::parse(text)
        .ok()
        .and_then(|t| {
            t.get_ref()
                .get("form")
                .and_then(|v| v.get_ref().as_str())
                .map(String::from)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_id_is_read_from_its_line_or_else_from_a_parse() {
        for (text, want) in [
            (
                "schema = 1\nform = \"dhs-smout\"\ntitle = \"T\"\n",
                "dhs-smout",
            ),
            ("formats = 2\nform=\"a\"\n", "a"),
            // Not plain: the parse decides.
            ("form = 'lit'\n", "lit"),
            ("form = \"a\" # note\n", "a"),
            ("form = \"a\\u0062\"\n", "ab"),
            // A line inside a multi-line string is not a key.
            (
                "title = \"\"\"\nform = \"fake\"\n\"\"\"\nform = \"real\"\n",
                "real",
            ),
            // Under a table, `form` is not the record's.
            ("[x]\nform = \"no\"\n", ""),
            ("not toml at all [[\n", ""),
        ] {
            assert_eq!(form_id(text), want, "{text:?}");
        }
    }

    #[test]
    fn refuses_ids_that_are_paths_or_have_spaces() {
        for id in [
            "../x",
            "/etc/passwd",
            "a b",
            "",
            "-x",
            "Upper",
            "a/b",
            "a..b",
        ] {
            assert!(validate_id(id).is_err(), "{id:?} accepted");
        }
        for id in ["cbp-fld", "2018-uscis", "a"] {
            assert!(validate_id(id).is_ok(), "{id:?} refused");
        }
    }

    #[test]
    fn settings_reject_unknown_keys_and_bad_periods() {
        let p = Path::new("smout.toml");
        assert!(Settings::parse("nmae = \"x\"", p).is_err());
        let e = Settings::parse("[review]\nperiod = \"3 decades\"", p).unwrap_err();
        assert!(e.to_string().contains("review.period"), "{e}");
        let s = Settings::parse("[review]\nwarn = \"30d\"", p).unwrap();
        assert_eq!(s.warn_window(), Period::Days(30));
    }
}
