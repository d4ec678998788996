//! What a form is made of: fields and their types, sections, rules, the index of facts, the
//! provenance a record may carry; and the paths that name fields.

use std::collections::HashMap;

use regex::Regex;

use serde::{Deserialize, Serialize};

use super::condition::Condition;
use super::page::DeterminationDef;
use crate::duration::Period;

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
    pub(super) fn parse(s: &str) -> FieldType {
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
    /// The key of a sibling field whose answer the template asks on this choice's line
    /// ("Operational. Date first launched:"): printed after the wording, not on a line of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_answer: Option<String>,
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
    /// The lead and text print above the heading, under the page's running heading, as a
    /// template that opens its page with an instruction prints them.
    #[serde(default)]
    pub text_above_heading: bool,
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

pub(crate) fn yes() -> bool {
    true
}

pub(super) fn default_severity() -> String {
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
    /// A column of a list the template does not print (footnote 2 asks counsel to certify; it
    /// has no box for it): smout prints the answers on its own page, not as a column.
    pub kept: bool,
    /// A text answer printed without its label, under the question before it, as the template
    /// prints the description that follows question 1.
    pub unlabelled: bool,
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
    pub(super) child_ids: Vec<usize>,
    /// Wording of Yes for a compound answer.
    pub yes: Option<String>,
    /// Wording of No for a compound answer.
    pub no: Option<String>,
    #[serde(skip)]
    pub(super) regex: Option<Regex>,
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
    pub(super) by_path: HashMap<String, usize>,
    /// Indices into `fields` of the top-level fields, in form order.
    #[serde(skip)]
    pub(super) root_ids: Vec<usize>,
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
