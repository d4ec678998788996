//! Forms are data: this module reads a form definition (`forms/<id>.toml`) and compiles it into
//! the tree the checker, the skeleton writer, the schema writer and the renderers walk.
//!
//! Nothing here names a particular form. A form declares sections, fields (by dotted `path`, with
//! `[]` for the items of a list), compound answer types, cross-field rules and the options of the
//! reviewer's determination.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::duration::Period;
use crate::error::Error;

mod compile;
mod condition;
mod page;

pub use condition::Condition;
pub use page::{DeterminationDef, DocumentationKind, FindingDef, Outcome};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The forms shipped with smout (every file of `forms/`), embedded in the binary.
pub use builtin::BUILTIN_FORMS;

/// The templates shipped with smout (every file of `templates/`), embedded in the binary.
pub use builtin::BUILTIN_TEMPLATES;

/// The type of a field's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// One line of text.
    String,
    /// Prose, possibly several paragraphs.
    Text,
    /// A calendar date (TOML local date, `2018-06-12`).
    Date,
    /// Yes or no.
    Bool,
    /// A whole number.
    Integer,
    /// One value from `choices`.
    Choice,
    /// A table of further fields.
    Table,
    /// A list of tables (TOML array of tables or inline tables).
    List,
    /// A file name in the record's folder.
    Attachment,
    /// A list of strings.
    Strings,
    /// A form-defined compound (expanded into a table at load time).
    Compound(String),
}

impl FieldType {
    fn parse(s: &str) -> FieldType {
        match s {
            "string" => FieldType::String,
            "text" => FieldType::Text,
            "date" => FieldType::Date,
            "bool" => FieldType::Bool,
            "integer" => FieldType::Integer,
            "choice" => FieldType::Choice,
            "table" => FieldType::Table,
            "list" => FieldType::List,
            "attachment" => FieldType::Attachment,
            "strings" => FieldType::Strings,
            other => FieldType::Compound(other.to_string()),
        }
    }

    /// The word a user reads in "expected …" messages.
    pub fn noun(&self) -> &'static str {
        match self {
            FieldType::String | FieldType::Text | FieldType::Attachment => "a string",
            FieldType::Date => "a date (e.g. 2018-06-12, without quotes)",
            FieldType::Bool => "true or false",
            FieldType::Integer => "a whole number",
            FieldType::Choice => "one of the listed choices (a string)",
            FieldType::Table | FieldType::Compound(_) => "a table",
            FieldType::List => "a list of tables ([[…]])",
            FieldType::Strings => "a list of strings",
        }
    }
}

/// One allowed value of a choice field.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value written in the record.
    pub value: String,
    /// The printed wording.
    pub label: String,
    /// Set when this value means the use needs no filing at all; says why.
    #[serde(default)]
    pub exempt: Option<String>,
    /// On the form's category field: the exemptions a person's name in a record of this
    /// category is withheld under, when they are not the form's `person_exemptions` (a record
    /// compiled for law enforcement purposes adds (b)(7)(C)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_exemptions: Option<Vec<String>>,
}

/// A printed section of the form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Stable id, referenced by fields.
    pub id: String,
    /// The printed heading.
    pub heading: String,
    /// The running heading of the page, when the template repeats one.
    #[serde(default)]
    pub page_heading: Option<String>,
    /// Start the section on a new page.
    #[serde(default)]
    pub new_page: bool,
    /// The bold sentence under the heading.
    #[serde(default)]
    pub lead: Option<String>,
    /// Printed paragraphs that are not questions.
    #[serde(default)]
    pub text: Vec<String>,
    /// Footnotes printed at the end of the section.
    #[serde(default)]
    pub footnotes: Vec<String>,
}

/// A cross-field rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The finding's stable code.
    pub code: String,
    /// `error` or `warning`.
    #[serde(default = "default_severity")]
    pub severity: String,
    /// When the finding is reported.
    pub when: Condition,
    /// The field the finding points at (default: the first field of `when`).
    #[serde(default)]
    pub at: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    #[serde(default)]
    pub hint: Option<String>,
}

pub(super) fn yes() -> bool {
    true
}

fn default_severity() -> String {
    "error".into()
}

/// Where the engine finds the facts listed by `status` and `report`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    /// Path of the component's name.
    #[serde(default)]
    pub component: Option<String>,
    /// Path of the category (or nature) of the filing.
    #[serde(default)]
    pub category: Option<String>,
    /// Path of the stage (development / operational …).
    #[serde(default)]
    pub stage: Option<String>,
    /// Path of the submission date that `submit` fills.
    #[serde(default)]
    pub submitted: Option<String>,
    /// Paths of compliance references (PIA, SORN ids …).
    #[serde(default)]
    pub references: Vec<String>,
    /// How long records of an approved filing must be kept (e.g. consent copies, `5y`).
    #[serde(default)]
    pub retention: Option<String>,
    /// What must be kept that long, as `status` says it ("copies of the consents and waivers").
    #[serde(default)]
    pub retention_keeps: Option<String>,
    /// The date field retention counts from (default: the date of the approval).
    #[serde(default)]
    pub retention_from: Option<String>,
    /// Retention applies only when some answer at this path (`individuals[].consent`) is
    /// `retention_only_eq` (`written`): copies are kept only of consents obtained.
    #[serde(default)]
    pub retention_only_if: Option<String>,
    /// See `retention_only_if`.
    #[serde(default)]
    pub retention_only_eq: Option<String>,
}

/// A compiled field of a form.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// Dotted path with `[]` for list items, e.g. `summary.contacts[].name`.
    pub path: String,
    /// The last segment of the path: the key in the record.
    pub key: String,
    /// The section the field is printed in.
    pub section: String,
    /// The answer's type (compounds are expanded to tables).
    #[serde(rename = "type")]
    pub kind: FieldType,
    /// The compound the field was expanded from, if any.
    pub compound: Option<String>,
    /// Short label ("Public interaction").
    pub label: String,
    /// What follows the label when printed (".", ":").
    pub label_separator: String,
    /// Question number as printed ("5(c)").
    pub number: Option<String>,
    /// The printed wording of the question.
    pub question: Option<String>,
    /// Help for the drafter.
    pub help: Option<String>,
    /// Must be answered.
    pub required: bool,
    /// Must be answered when this holds.
    pub required_when: Option<Condition>,
    /// Must be left out when this holds.
    pub forbidden_when: Option<Condition>,
    /// A change to this field needs a new review.
    pub material: bool,
    /// Allowed values of a choice.
    pub choices: Vec<Choice>,
    /// Extra hint for type errors.
    pub type_hint: Option<String>,
    /// The regular expression an answer must match.
    pub pattern: Option<String>,
    /// The code reported when the pattern does not match.
    pub pattern_code: Option<String>,
    /// Hint when the pattern does not match.
    pub pattern_hint: Option<String>,
    /// The value the answer must have.
    pub expect: Option<toml::Value>,
    /// Code when `expect` is not met.
    pub expect_code: Option<String>,
    /// Message when `expect` is not met.
    pub expect_message: Option<String>,
    /// Hint when `expect` is not met.
    pub expect_hint: Option<String>,
    /// The latest date allowed ("today").
    pub not_after: Option<String>,
    /// What a date after it means, for the hint ("a use that has not launched yet is in
    /// development").
    pub not_after_hint: Option<String>,
    /// A text answer printed as an option of its group: its question beside a box, ticked when
    /// answered, the answer beneath ("☐ No. If not, please explain:" — printed, empty or not).
    pub boxed: bool,
    /// A choice printed as its chosen wording, as the answer to a free-text question, instead of
    /// a list of boxes (the template asks the category of use in prose).
    pub as_text: bool,
    /// For an attachment: what the form prints in place of the file name ("See attached Rules of
    /// Behavior (RoB)"); the file itself is attached to the PDF.
    pub attached: Option<String>,
    /// Fewest list items.
    pub min_items: Option<usize>,
    /// The register catalog the value must be listed in (`pia`, `sorn`).
    pub catalog: Option<String>,
    /// Kind of PII the answer holds (e.g. `name`), for the release check.
    pub pii: Option<String>,
    /// Keep-until period after the determination (dates tracked like review dates).
    pub retention: Option<String>,
    /// Printed on renderings (false for bookkeeping fields such as the record's title).
    pub print: bool,
    /// For a table: print its question just before this child (children before it come first),
    /// as when a question's answers share a table with the question printed before it.
    pub question_before: Option<String>,
    /// Child keys, in form order (tables, lists, compounds).
    pub children: Vec<String>,
    /// Indices into the form's fields of `children`, in the same order.
    #[serde(skip)]
    child_ids: Vec<usize>,
    /// Wording of Yes for a compound answer.
    pub yes: Option<String>,
    /// Wording of No for a compound answer.
    pub no: Option<String>,
    #[serde(skip)]
    regex: Option<Regex>,
}

impl Field {
    /// "5(c) Public interaction", or the label alone.
    pub fn display_label(&self) -> String {
        match &self.number {
            Some(n) => format!("{n} {}", self.label),
            None => self.label.clone(),
        }
    }

    /// Whether `s` matches the field's pattern (true when there is none).
    pub fn matches_pattern(&self, s: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(s))
    }

    /// The choice with this value.
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.value == value)
    }

    /// True for fields that hold other fields.
    pub fn is_container(&self) -> bool {
        matches!(self.kind, FieldType::Table | FieldType::List)
    }
}

/// A compiled form.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// Form id, as records name it in `form = …`.
    pub id: String,
    /// Form version (`2012-07-24`).
    pub version: String,
    /// Printed title.
    pub title: String,
    /// Short title for lists.
    pub short_title: String,
    /// The version line printed in the footer.
    pub version_label: Option<String>,
    /// The issuing office's address block.
    pub issuer: Vec<String>,
    /// How long an approval lasts.
    pub review_period: Option<Period>,
    /// Whom the form is sent to.
    pub submit_to: Option<String>,
    /// How renderings print dates (chrono format; the template's filings: `%-m/%-d/%y`, 6/12/18).
    pub date_format: String,
    /// Approvals are reviewed again after a period (false: case-by-case, no review date).
    pub reviews: bool,
    /// The exemptions a person's name is withheld under in records of this form (`b6`; `b6`,
    /// `b7C` for records compiled for law enforcement purposes), unless the record's category
    /// says otherwise ([`Form::person_exemptions_for`]).
    pub person_exemptions: Vec<String>,
    /// The language of its wording (BCP 47, `en-US` unless the form says): a PDF's `/Lang`,
    /// a page's `lang`.
    pub lang: String,
    /// Facts for status and report.
    pub index: Index,
    /// Sections in printed order.
    pub sections: Vec<Section>,
    /// Fields in form order.
    pub fields: Vec<Field>,
    /// Top-level keys in form order.
    pub roots: Vec<String>,
    /// Cross-field rules.
    pub rules: Vec<Rule>,
    /// The reviewer's page.
    pub determination: DeterminationDef,
    /// Where the definition came from (`built-in` or a path).
    pub source: String,
    #[serde(skip)]
    by_path: HashMap<String, usize>,
    /// Indices into `fields` of the top-level fields, in form order.
    #[serde(skip)]
    root_ids: Vec<usize>,
}

/// Keys every record has whatever its form: they belong to the engine.
pub const ENGINE_KEYS: &[&str] = &["form", "form_version", "release", "provenance"];

/// Where a transcribed record's answers come from (`[provenance]`, field path → kind): what the
/// source filing shows (`transcribed`, the default), what the transcriber inferred because the
/// source does not show it (`inferred`), and what the source withheld (`withheld-in-source`:
/// left unanswered, and no answer is required). An answer the source withheld under FOIA
/// exemptions names them as the source printed them: `{ withheld-in-source = ["b7E"] }`.
pub const PROVENANCE_KINDS: &[&str] = &["transcribed", "inferred", WITHHELD_IN_SOURCE];

/// The provenance kind of what the source withheld, and the key of the table form that names
/// the exemptions it printed.
pub const WITHHELD_IN_SOURCE: &str = "withheld-in-source";

/// One `[provenance]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance {
    /// The field path it names.
    pub path: String,
    /// transcribed, inferred or withheld-in-source.
    pub kind: String,
    /// For withheld-in-source: the FOIA exemptions the source printed (`b7E`), as
    /// [`crate::markup::EXEMPTIONS`] spells them.
    pub exemptions: Vec<String>,
}

/// The kind and exemptions of a `[provenance]` value: `"inferred"`, or
/// `{ withheld-in-source = ["b7E"] }`. None when it is neither (`check` reports it, SM022).
pub fn provenance_value(v: &toml::Value) -> Option<(String, Vec<String>)> {
    match v {
        toml::Value::String(kind) => Some((kind.clone(), Vec::new())),
        toml::Value::Table(t) if t.len() == 1 => {
            let codes = t.get(WITHHELD_IN_SOURCE)?.as_array()?;
            let exemptions = codes
                .iter()
                .map(|c| c.as_str().and_then(canonical_exemption))
                .collect::<Option<Vec<_>>>()?;
            Some((WITHHELD_IN_SOURCE.to_string(), exemptions))
        }
        _ => None,
    }
}

/// An exemption as [`crate::markup::EXEMPTIONS`] spells it (`b7e` → `b7E`).
pub fn canonical_exemption(code: &str) -> Option<String> {
    crate::markup::EXEMPTIONS
        .iter()
        .find(|e| e.eq_ignore_ascii_case(code.trim()))
        .map(|e| e.to_string())
}

/// The `[provenance]` entries of a record.
pub fn provenance(root: &toml::Table) -> Vec<Provenance> {
    root.get("provenance")
        .and_then(toml::Value::as_table)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| {
                    let (kind, exemptions) = provenance_value(v)?;
                    Some(Provenance {
                        path: k.clone(),
                        kind,
                        exemptions,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a copy prints for an answer the source withheld: `Withheld in the source filing under
/// (b) (7)(E).`, as FOIA offices name the basis, or `Withheld in the source filing.` when the
/// record does not say what the source printed.
pub fn withheld_in_source_note(exemptions: &[String]) -> String {
    if exemptions.is_empty() {
        "Withheld in the source filing.".to_string()
    } else {
        format!(
            "Withheld in the source filing under {}.",
            crate::markup::label(exemptions)
        )
    }
}

impl Form {
    /// Parse and compile a form definition.
    pub fn parse(text: &str, source: &str) -> Result<Form, Error> {
        compile::parse(text, source)
    }

    /// The exemptions a person's name in this record is withheld under: its category's (the
    /// choice of the `[index] category` field), else the form's. A record of several
    /// categories takes every exemption any of them names.
    pub fn person_exemptions_for(&self, root: &toml::de::DeTable<'_>) -> Vec<String> {
        let mut values: Vec<String> = Vec::new();
        if let Some(path) = &self.index.category {
            let mut v: Option<&toml::de::DeValue<'_>> = None;
            let mut table = Some(root);
            for (i, key) in path.split('.').enumerate() {
                let Some(t) = table else { break };
                let Some(x) = t.get(key) else { break };
                if i + 1 == path.split('.').count() {
                    v = Some(x.get_ref());
                }
                table = x.get_ref().as_table();
            }
            match v {
                Some(toml::de::DeValue::String(s)) => values.push(s.to_string()),
                Some(toml::de::DeValue::Array(a)) => values.extend(
                    a.iter()
                        .filter_map(|x| x.get_ref().as_str().map(str::to_string)),
                ),
                _ => {}
            }
        }
        let field = self.index.category.as_deref().and_then(|p| self.field(p));
        let mut out: Vec<String> = Vec::new();
        let mut any = false;
        for v in &values {
            if let Some(ex) = field
                .and_then(|f| f.choice(v))
                .and_then(|c| c.person_exemptions.as_ref())
            {
                any = true;
                for e in ex {
                    if !out.contains(e) {
                        out.push(e.clone());
                    }
                }
            }
        }
        match any {
            true => out,
            false => self.person_exemptions.clone(),
        }
    }

    /// A field path to show in an example of `[release] redact`: the list of people (the
    /// parent of the first field holding a name), else the first field.
    pub fn redact_example(&self) -> String {
        self.fields
            .iter()
            .find(|f| f.pii.is_some())
            .map(|f| match f.path.rsplit_once("[].") {
                Some((list, _)) => list.to_string(),
                None => f.path.clone(),
            })
            .or_else(|| self.fields.first().map(|f| f.path.clone()))
            .unwrap_or_default()
    }

    /// The field at a schema path (`summary.contacts[].name`).
    pub fn field(&self, path: &str) -> Option<&Field> {
        self.by_path.get(path).map(|&i| &self.fields[i])
    }

    /// The child fields of a container path ("" for the top level), in form order.
    pub fn children<'a>(&'a self, parent: &str) -> impl Iterator<Item = &'a Field> + Clone + 'a {
        let ids: &[usize] = if parent.is_empty() {
            &self.root_ids
        } else {
            self.field(parent.trim_end_matches("[]"))
                .map(|f| &f.child_ids[..])
                .unwrap_or(&[])
        };
        ids.iter().map(move |&i| &self.fields[i])
    }

    /// The files a record names in its attachment fields (relative to the record's folder), in
    /// form order, each once.
    pub fn attachments(&self, record: &toml::Table) -> Vec<String> {
        fn collect(v: &toml::Value, path: &[&str], out: &mut Vec<String>) {
            let Some((first, rest)) = path.split_first() else {
                if let Some(s) = v.as_str().map(str::trim).filter(|s| !s.is_empty()) {
                    if !out.iter().any(|o| o == s) {
                        out.push(s.to_string());
                    }
                }
                return;
            };
            let (key, many) = match first.strip_suffix("[]") {
                Some(k) => (k, true),
                None => (*first, false),
            };
            let Some(child) = v.as_table().and_then(|t| t.get(key)) else {
                return;
            };
            match (many, child.as_array()) {
                (true, Some(items)) => items.iter().for_each(|i| collect(i, rest, out)),
                (true, None) => {}
                (false, _) => collect(child, rest, out),
            }
        }
        let root = toml::Value::Table(record.clone());
        let mut out = Vec::new();
        for f in self
            .fields
            .iter()
            .filter(|f| f.kind == FieldType::Attachment)
        {
            let parts: Vec<&str> = f.path.split('.').collect();
            collect(&root, &parts, &mut out);
        }
        out
    }

    /// The determination outcome with this value.
    pub fn outcome(&self, value: &str) -> Option<&Outcome> {
        self.determination
            .outcomes
            .iter()
            .find(|o| o.value == value)
    }
}

/// The prefix a child's key is appended to: `summary.contacts[]` → `summary.contacts[].`.
pub fn child_prefix(parent: &str) -> String {
    if parent.is_empty() {
        String::new()
    } else {
        format!("{parent}.")
    }
}

/// The schema path of a container's items: lists add `[]`.
pub fn item_path(field: &Field) -> String {
    if field.kind == FieldType::List {
        format!("{}[]", field.path)
    } else {
        field.path.clone()
    }
}

/// The schema path of a concrete one: `summary.contacts[3].name` → `summary.contacts[].name`.
pub fn schema_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut skip = false;
    for c in path.chars() {
        match c {
            '[' => {
                out.push_str("[]");
                skip = true;
            }
            ']' => skip = false,
            _ if skip => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether the field path `withheld` (as `[release] redact` names it: `summary.contacts`,
/// `summary.contacts[].email` …) covers the concrete path `path`.
pub fn path_covers(withheld: &str, path: &str) -> bool {
    // `p` is `withheld` or lies under it (the next character opens a child or an item).
    fn under(withheld: &str, mut p: impl Iterator<Item = char>) -> bool {
        withheld.chars().all(|w| p.next() == Some(w)) && matches!(p.next(), None | Some('.' | '['))
    }
    if under(withheld, path.chars()) {
        return true;
    }
    // Concrete indices only when there are any: `a[3].b` → `a[].b`, then `a.b`. Both are read
    // off `path` as they are compared (this runs for every field of every record checked).
    if !path.contains('[') {
        return false;
    }
    let indices_dropped = |keep_brackets: bool| {
        let mut inside = false;
        path.chars().filter(move |&c| match c {
            '[' => {
                inside = true;
                keep_brackets
            }
            ']' => {
                inside = false;
                keep_brackets
            }
            _ => !inside,
        })
    };
    under(withheld, indices_dropped(true)) || under(withheld, indices_dropped(false))
}

/// Split `a.b[].c` into (`a.b[]`, `c`).
pub fn split_path(path: &str) -> (&str, &str) {
    match path.rfind('.') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// The forms a register can use: the built-in ones, overridden or extended by the register's
/// own `forms/` folder.
#[derive(Debug, Clone, Default)]
pub struct FormSet {
    forms: BTreeMap<String, Entry>,
    /// SHA-256 over the definitions the set was read from: what a cache of facts computed with
    /// these forms is keyed by.
    fingerprint: String,
}

/// A form of the set: read from a register's folder, or built in and parsed on first use
/// (most runs use one form of the two; parsing both was a sixth of a one-record `render`).
#[derive(Debug, Clone)]
enum Entry {
    Read(Box<Form>),
    Builtin {
        name: &'static str,
        text: &'static str,
        form: std::sync::OnceLock<Option<Box<Form>>>,
    },
}

impl Entry {
    fn form(&self) -> Option<&Form> {
        match self {
            Entry::Read(f) => Some(f),
            // A built-in form parses (every one is parsed by the tests); were one not to, it
            // is unknown rather than a panic.
            Entry::Builtin { name, text, form } => form
                .get_or_init(|| {
                    Form::parse(text, &format!("built-in forms/{name}"))
                        .ok()
                        .map(Box::new)
                })
                .as_deref(),
        }
    }
}

impl FormSet {
    /// The built-in forms only (`forms/<id>.toml`, each parsed on first use).
    pub fn builtin() -> Result<FormSet, Error> {
        let mut set = FormSet::default();
        for (name, text) in BUILTIN_FORMS.iter().filter(|(n, _)| n.ends_with(".toml")) {
            set.hash(name, text);
            set.forms.insert(
                name.trim_end_matches(".toml").to_string(),
                Entry::Builtin {
                    name,
                    text,
                    form: std::sync::OnceLock::new(),
                },
            );
        }
        Ok(set)
    }

    /// The built-in forms plus every `*.toml` in `dir` (a register's `forms/`), which win.
    pub fn load(dir: Option<&Path>) -> Result<FormSet, Error> {
        let mut set = FormSet::builtin()?;
        let Some(dir) = dir else { return Ok(set) };
        let entries = crate::store::fs::list_dir(dir).map_err(|source| Error::File {
            path: dir.to_path_buf(),
            source,
        })?;
        let paths: Vec<PathBuf> = entries
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        for p in paths {
            // A link or a device named *.toml is refused by the read, not followed.
            let text = crate::store::read_text_file(&p, crate::store::fs::MAX_TEXT_BYTES)?
                .unwrap_or_default();
            let form = Form::parse(&text, &p.display().to_string())?;
            set.add(form, &p.display().to_string(), &text);
        }
        Ok(set)
    }

    fn add(&mut self, form: Form, name: &str, text: &str) {
        self.hash(name, text);
        self.forms
            .insert(form.id.clone(), Entry::Read(Box::new(form)));
    }

    /// Fold definition `name` into the fingerprint.
    fn hash(&mut self, name: &str, text: &str) {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.fingerprint.as_bytes());
        h.update(format!("{name}\0{}\0", text.len()).as_bytes());
        h.update(text.as_bytes());
        self.fingerprint = crate::digest::hex(&h.finalize());
    }

    /// What identifies the definitions these forms were read from (a SHA-256).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The form with this id.
    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.get(id).and_then(Entry::form)
    }

    /// All forms, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Form> {
        self.forms.values().filter_map(Entry::form)
    }

    /// All form ids.
    pub fn ids(&self) -> Vec<&str> {
        self.forms.keys().map(String::as_str).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id = \"t\"\nversion = \"1\"\ntitle = \"T\"\n[[section]]\nid = \"s\"\nheading = \"S\"\n[determination]\nheading = \"D\"\nreviewed_label = \"r\"\nreviewer_label = \"n\"\noutcome_heading = \"o\"\ncomments_heading = \"c\"\n[[determination.outcome]]\nvalue = \"ok\"\ntext = \"OK\"\nstatus = \"approved\"\napproves = true\n";

    fn form(fields: &str) -> Result<Form, Error> {
        Form::parse(&format!("{HEAD}{fields}"), "test")
    }

    fn error(fields: &str) -> String {
        form(fields).unwrap_err().to_string()
    }

    /// `path_covers` decides what a release withholds: it must answer as the plain definition
    /// (normalize the path with allocations, then compare) on every pair.
    #[test]
    fn path_covers_answers_as_its_definition() {
        fn reference(withheld: &str, path: &str) -> bool {
            let under = |p: &str| {
                p.strip_prefix(withheld).is_some_and(|rest| {
                    rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
                })
            };
            let schema = schema_path(path);
            under(path) || under(&schema) || under(&schema.replace("[]", ""))
        }
        let parts = ["a", "ab", "a[]", "a[0]", "a[12]", "b", "b[]", "b[3]", "c"];
        let mut paths = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = paths
                .iter()
                .flat_map(|p| {
                    parts.iter().map(move |q| {
                        if p.is_empty() {
                            q.to_string()
                        } else {
                            format!("{p}.{q}")
                        }
                    })
                })
                .collect();
            paths.extend(longer);
        }
        let mut checked = 0;
        for w in paths.iter().filter(|w| !w.is_empty() && w.len() < 9) {
            for p in &paths {
                assert_eq!(path_covers(w, p), reference(w, p), "{w} covers {p}?");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn a_bad_date_format_is_refused_when_the_form_loads() {
        let field = "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n";
        let e = Form::parse(&format!("date_format = \"%Q\"\n{HEAD}{field}"), "test").unwrap_err();
        assert_eq!(
            e.to_string(),
            "form definition test: date_format `%Q` is not a date format (e.g. %-m/%-d/%Y)"
        );
        let f = Form::parse(
            &format!("date_format = \"%-m/%-d/%y\"\n{HEAD}{field}"),
            "test",
        )
        .unwrap();
        assert_eq!(f.date_format, "%-m/%-d/%y");
    }

    #[test]
    fn every_built_in_form_compiles() {
        let set = FormSet::builtin().unwrap();
        assert!(set.ids().len() >= 2);
        // Each parses now, eagerly, and is filed under the id it declares (the set files a
        // built-in form under its file name before parsing it).
        for (name, text) in BUILTIN_FORMS.iter().filter(|(n, _)| n.ends_with(".toml")) {
            let f = Form::parse(text, name).unwrap();
            assert_eq!(format!("{}.toml", f.id), *name);
            assert!(!f.fields.is_empty() && !f.sections.is_empty(), "{}", f.id);
        }
        assert_eq!(set.iter().count(), set.ids().len());
    }

    #[test]
    fn compounds_expand_into_tables_with_relative_conditions() {
        let f = form(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"yn\"\nlabel = \"A\"\nnumber = \"1\"\n\
             [compound.yn]\nyes = \"Yes.\"\nno = \"No.\"\n\
             [[compound.yn.field]]\nkey = \"ok\"\ntype = \"bool\"\nlabel = \"OK\"\n\
             [[compound.yn.field]]\nkey = \"why\"\ntype = \"text\"\nlabel = \"Why\"\nrequired_when = { field = \"ok\", eq = false }\n",
        )
        .unwrap();
        let why = f.field("a.why").unwrap();
        assert_eq!(why.display_label(), "1 A: Why");
        assert_eq!(why.required_when.as_ref().unwrap().fields(), ["a.ok"]);
        assert_eq!(f.field("a").unwrap().kind, FieldType::Table);
        assert_eq!(
            f.children("a").map(|c| c.key.as_str()).collect::<Vec<_>>(),
            ["ok", "why"]
        );
    }

    #[test]
    fn list_items_are_children_of_the_list() {
        let f = form(
            "[[field]]\npath = \"l\"\nsection = \"s\"\ntype = \"list\"\nlabel = \"L\"\n\
             [[field]]\npath = \"l[].name\"\ntype = \"string\"\nlabel = \"Name\"\n",
        )
        .unwrap();
        assert_eq!(
            f.children("l[]")
                .map(|c| c.path.as_str())
                .collect::<Vec<_>>(),
            ["l[].name"]
        );
        assert_eq!(
            f.field("l[].name").unwrap().section,
            "s",
            "inherited from the list"
        );
    }

    #[test]
    fn broken_definitions_say_what_is_wrong() {
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"nope\"\ntype = \"string\"\nlabel = \"A\"\n"
        )
        .contains("names section `nope`"));
        assert!(
            error("[[field]]\npath = \"a.b\"\ntype = \"string\"\nlabel = \"B\"\n")
                .contains("parent `a` is not defined")
        );
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\nrequired_when = { field = \"zz\", eq = 1 }\n").contains("condition on `zz`"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\n").contains("defined twice"));
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"widget\"\nlabel = \"A\"\n"
        )
        .contains("neither a built-in type"));
        assert!(error(
            "[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"choice\"\nlabel = \"A\"\n"
        )
        .contains("lists no choices"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\npattern = \"(\"\n").contains("bad pattern"));
        assert!(error("[[field]]\npath = \"a\"\nsection = \"s\"\ntype = \"string\"\nlabel = \"A\"\nlabell = \"x\"\n").contains("unknown field `labell`"));
    }
}
