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

/// A condition on other answers of the record (`required_when`, `forbidden_when`, `when`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Condition {
    /// All of the conditions hold.
    All {
        /// The conditions.
        all: Vec<Condition>,
    },
    /// Any of the conditions holds.
    Any {
        /// The conditions.
        any: Vec<Condition>,
    },
    /// A test on one field.
    Test {
        /// The field's path (absolute, or relative inside a compound).
        field: String,
        /// The field equals this value.
        #[serde(default)]
        eq: Option<toml::Value>,
        /// The field is present and differs from this value.
        #[serde(default)]
        ne: Option<toml::Value>,
        /// The field equals one of these values.
        #[serde(default, rename = "in")]
        one_of: Option<Vec<toml::Value>>,
        /// The field is present (true) or absent (false).
        #[serde(default)]
        present: Option<bool>,
    },
}

impl Condition {
    fn prefixed(&self, prefix: &str) -> Condition {
        match self {
            Condition::All { all } => Condition::All {
                all: all.iter().map(|c| c.prefixed(prefix)).collect(),
            },
            Condition::Any { any } => Condition::Any {
                any: any.iter().map(|c| c.prefixed(prefix)).collect(),
            },
            Condition::Test {
                field,
                eq,
                ne,
                one_of,
                present,
            } => Condition::Test {
                field: format!("{prefix}.{field}"),
                eq: eq.clone(),
                ne: ne.clone(),
                one_of: one_of.clone(),
                present: *present,
            },
        }
    }

    /// Every field path the condition reads.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Condition::All { all } => all.iter().flat_map(|c| c.fields()).collect(),
            Condition::Any { any } => any.iter().flat_map(|c| c.fields()).collect(),
            Condition::Test { field, .. } => vec![field.as_str()],
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
}

/// A field as written in the form file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    #[serde(default)]
    path: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    section: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    label: String,
    #[serde(default)]
    label_separator: Option<String>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    required_when: Option<Condition>,
    #[serde(default)]
    forbidden_when: Option<Condition>,
    #[serde(default)]
    material: Option<bool>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    type_hint: Option<String>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    pattern_code: Option<String>,
    #[serde(default)]
    pattern_hint: Option<String>,
    #[serde(default)]
    expect: Option<toml::Value>,
    #[serde(default)]
    expect_code: Option<String>,
    #[serde(default)]
    expect_message: Option<String>,
    #[serde(default)]
    expect_hint: Option<String>,
    #[serde(default)]
    not_after: Option<String>,
    #[serde(default)]
    not_after_hint: Option<String>,
    #[serde(default)]
    min_items: Option<usize>,
    #[serde(default)]
    catalog: Option<String>,
    #[serde(default)]
    pii: Option<String>,
    #[serde(default)]
    retention: Option<String>,
    #[serde(default)]
    print: Option<bool>,
    #[serde(default)]
    question_before: Option<String>,
}

/// A compound answer type declared by the form (e.g. "Yes / No, if not please explain").
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompound {
    #[serde(default)]
    yes: Option<String>,
    #[serde(default)]
    no: Option<String>,
    #[serde(rename = "field")]
    fields: Vec<RawField>,
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

fn yes() -> bool {
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
    /// The date field retention counts from (default: the date of the approval).
    #[serde(default)]
    pub retention_from: Option<String>,
}

/// One possible outcome of the reviewer's determination.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The value written in `determinations.toml`.
    pub value: String,
    /// The printed wording.
    pub text: String,
    /// The record's status after this outcome.
    pub status: String,
    /// This outcome approves the filing (starts a review period).
    #[serde(default)]
    pub approves: bool,
    /// This outcome requires conditions to be written.
    #[serde(default)]
    pub requires_conditions: bool,
}

/// A kind of further compliance documentation the reviewer rules on (PIA, SORN).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentationKind {
    /// The key in the determination (`pia`, `sorn`).
    pub key: String,
    /// "A PIA is required."
    pub required: String,
    /// "Covered by existing PIA."
    pub covered: String,
    /// "New."
    pub new: String,
    /// "Updated. …"
    pub update: String,
}

/// The reviewer's page of the form.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DeterminationDef {
    /// Page heading.
    pub heading: String,
    /// Line under the heading.
    #[serde(default)]
    pub subheading: Option<String>,
    /// Label of the review date.
    pub reviewed_label: String,
    /// Label of the reviewer's name.
    pub reviewer_label: String,
    /// Heading above the outcomes.
    pub outcome_heading: String,
    /// The possible outcomes.
    #[serde(rename = "outcome")]
    pub outcomes: Vec<Outcome>,
    /// Wording of "rules do not comply", when the form has it.
    #[serde(default)]
    pub rules_do_not_comply: Option<String>,
    /// Wording of "training required", when the form has it.
    #[serde(default)]
    pub training_required: Option<String>,
    /// Heading above the documentation findings.
    #[serde(default)]
    pub documentation_heading: Option<String>,
    /// Further documentation the reviewer rules on.
    #[serde(default, rename = "documentation")]
    pub documentation: Vec<DocumentationKind>,
    /// Heading of the comments.
    pub comments_heading: String,
    /// Heading of the conditions, for forms whose outcomes can carry conditions.
    #[serde(default)]
    pub conditions_heading: Option<String>,
    /// Who hears appeals.
    #[serde(default)]
    pub appeal_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    id: String,
    version: String,
    title: String,
    #[serde(default)]
    short_title: Option<String>,
    #[serde(default)]
    version_label: Option<String>,
    #[serde(default)]
    issuer: Vec<String>,
    #[serde(default)]
    review_period: Option<String>,
    #[serde(default)]
    submit_to: Option<String>,
    #[serde(default = "yes")]
    reviews: bool,
    #[serde(default)]
    index: Index,
    #[serde(rename = "section")]
    sections: Vec<Section>,
    #[serde(rename = "field")]
    fields: Vec<RawField>,
    #[serde(default)]
    compound: BTreeMap<String, RawCompound>,
    #[serde(default, rename = "rule")]
    rules: Vec<Rule>,
    determination: DeterminationDef,
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
    /// Approvals are reviewed again after a period (false: case-by-case, no review date).
    pub reviews: bool,
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
}

/// Keys every record has whatever its form: they belong to the engine.
pub const ENGINE_KEYS: &[&str] = &["form", "form_version", "release"];

impl Form {
    /// Parse and compile a form definition.
    pub fn parse(text: &str, source: &str) -> Result<Form, Error> {
        let raw: RawForm = toml::from_str(text).map_err(|e| Error::Form {
            source_name: source.to_string(),
            message: e.to_string(),
        })?;
        compile(raw, source)
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
    pub fn children<'a>(&'a self, parent: &str) -> impl Iterator<Item = &'a Field> + 'a {
        let keys: &[String] = if parent.is_empty() {
            &self.roots
        } else {
            self.field(parent.trim_end_matches("[]"))
                .map(|f| &f.children[..])
                .unwrap_or(&[])
        };
        let prefix = child_prefix(parent);
        keys.iter()
            .filter_map(move |k| self.field(&format!("{prefix}{k}")))
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

fn compile(raw: RawForm, source: &str) -> Result<Form, Error> {
    let err = |message: String| Error::Form {
        source_name: source.to_string(),
        message,
    };
    let section_ids: Vec<&str> = raw.sections.iter().map(|s| s.id.as_str()).collect();
    let mut fields: Vec<Field> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();

    let push = |field: Field,
                fields: &mut Vec<Field>,
                by_path: &mut HashMap<String, usize>|
     -> Result<(), Error> {
        if by_path.contains_key(&field.path) {
            return Err(err(format!("field `{}` is defined twice", field.path)));
        }
        by_path.insert(field.path.clone(), fields.len());
        fields.push(field);
        Ok(())
    };

    for rf in &raw.fields {
        if rf.path.is_empty() {
            return Err(err(format!("a field (label `{}`) has no `path`", rf.label)));
        }
        let (parent, key) = split_path(&rf.path);
        let section = match &rf.section {
            Some(s) => s.clone(),
            None => {
                let p = parent.trim_end_matches("[]");
                let Some(&i) = by_path.get(p) else {
                    return Err(err(format!(
                        "field `{}` has no `section` and its parent `{p}` is not defined before it",
                        rf.path
                    )));
                };
                fields[i].section.clone()
            }
        };
        if !section_ids.contains(&section.as_str()) {
            return Err(err(format!(
                "field `{}` names section `{section}`, which the form does not define",
                rf.path
            )));
        }
        let mut field = make_field(rf, &rf.path, key, &section, None, source)?;
        if let FieldType::Compound(name) = field.kind.clone() {
            let Some(compound) = raw.compound.get(&name) else {
                return Err(err(format!(
                    "field `{}` has type `{name}`, which is neither a built-in type nor a [compound.{name}]",
                    rf.path
                )));
            };
            field.kind = FieldType::Table;
            field.compound = Some(name);
            field.yes = compound.yes.clone();
            field.no = compound.no.clone();
            let base = rf.path.clone();
            let material = field.material;
            push(field, &mut fields, &mut by_path)?;
            for cf in &compound.fields {
                let path = format!("{base}.{}", cf.key);
                let mut child = make_field(cf, &path, &cf.key, &section, Some(&base), source)?;
                child.number = child.number.or_else(|| rf.number.clone());
                child.label = format!("{}: {}", rf.label, cf.label);
                if cf.material.is_none() {
                    child.material = material;
                }
                push(child, &mut fields, &mut by_path)?;
            }
        } else {
            push(field, &mut fields, &mut by_path)?;
        }
    }

    // Link children to their containers, in form order.
    let mut roots = Vec::new();
    for i in 0..fields.len() {
        let (parent, key) = split_path(&fields[i].path);
        let key = key.to_string();
        if parent.is_empty() {
            roots.push(key);
            continue;
        }
        let container = parent.trim_end_matches("[]");
        let Some(&pi) = by_path.get(container) else {
            return Err(err(format!(
                "field `{}` sits under `{container}`, which is not defined",
                fields[i].path
            )));
        };
        let is_item = parent.ends_with("[]");
        let pk = &fields[pi].kind;
        if is_item != (*pk == FieldType::List) || !fields[pi].is_container() {
            return Err(err(format!(
                "field `{}`: `{container}` is a {pk:?}; write `{container}[].{key}` for list items, `{container}.{key}` for tables",
                fields[i].path
            )));
        }
        fields[pi].children.push(key);
    }

    // Conditions and rules must name defined fields.
    let known = |p: &str| by_path.contains_key(p);
    for f in &fields {
        for c in [&f.required_when, &f.forbidden_when].into_iter().flatten() {
            for p in c.fields() {
                if !known(p) {
                    return Err(err(format!(
                        "field `{}` has a condition on `{p}`, which is not a field",
                        f.path
                    )));
                }
            }
        }
    }
    for r in &raw.rules {
        for p in r.when.fields().into_iter().chain(r.at.as_deref()) {
            if !known(p) {
                return Err(err(format!(
                    "rule {} names `{p}`, which is not a field",
                    r.code
                )));
            }
        }
    }
    for p in [
        &raw.index.component,
        &raw.index.category,
        &raw.index.stage,
        &raw.index.submitted,
        &raw.index.retention_from,
    ]
    .into_iter()
    .flatten()
    .chain(raw.index.references.iter())
    {
        if !known(p) {
            return Err(err(format!("[index] names `{p}`, which is not a field")));
        }
    }

    if let Some(r) = &raw.index.retention {
        Period::parse(r).map_err(|m| err(format!("[index] retention: {m}")))?;
    }
    let review_period = raw
        .review_period
        .as_deref()
        .map(|p| Period::parse(p).map_err(|m| err(format!("review_period: {m}"))))
        .transpose()?;

    Ok(Form {
        short_title: raw.short_title.unwrap_or_else(|| raw.title.clone()),
        id: raw.id,
        version: raw.version,
        title: raw.title,
        version_label: raw.version_label,
        issuer: raw.issuer,
        review_period,
        submit_to: raw.submit_to,
        reviews: raw.reviews,
        index: raw.index,
        sections: raw.sections,
        fields,
        roots,
        rules: raw.rules,
        determination: raw.determination,
        source: source.to_string(),
        by_path,
    })
}

fn make_field(
    rf: &RawField,
    path: &str,
    key: &str,
    section: &str,
    compound_base: Option<&str>,
    source: &str,
) -> Result<Field, Error> {
    let err = |message: String| Error::Form {
        source_name: source.to_string(),
        message,
    };
    let kind = FieldType::parse(&rf.kind);
    if kind == FieldType::Choice && rf.choices.is_empty() {
        return Err(err(format!("choice field `{path}` lists no choices")));
    }
    let regex = rf
        .pattern
        .as_deref()
        .map(|p| Regex::new(p).map_err(|e| err(format!("field `{path}`: bad pattern: {e}"))))
        .transpose()?;
    let relative = |c: &Option<Condition>| match (c, compound_base) {
        (Some(c), Some(base)) => Some(c.prefixed(base)),
        (c, _) => c.clone(),
    };
    Ok(Field {
        path: path.to_string(),
        key: key.to_string(),
        section: section.to_string(),
        kind,
        compound: None,
        label: rf.label.clone(),
        label_separator: rf.label_separator.clone().unwrap_or_else(|| ".".into()),
        number: rf.number.clone(),
        question: rf.question.clone(),
        help: rf.help.clone(),
        required: rf.required,
        required_when: relative(&rf.required_when),
        forbidden_when: relative(&rf.forbidden_when),
        material: rf.material.unwrap_or(false),
        choices: rf.choices.clone(),
        type_hint: rf.type_hint.clone(),
        pattern: rf.pattern.clone(),
        pattern_code: rf.pattern_code.clone(),
        pattern_hint: rf.pattern_hint.clone(),
        expect: rf.expect.clone(),
        expect_code: rf.expect_code.clone(),
        expect_message: rf.expect_message.clone(),
        expect_hint: rf.expect_hint.clone(),
        not_after: rf.not_after.clone(),
        not_after_hint: rf.not_after_hint.clone(),
        min_items: rf.min_items,
        catalog: rf.catalog.clone(),
        pii: rf.pii.clone(),
        retention: rf.retention.clone(),
        print: rf.print.unwrap_or(true),
        question_before: rf.question_before.clone(),
        children: Vec::new(),
        yes: None,
        no: None,
        regex,
    })
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
    let schema = schema_path(path);
    let plain = schema.replace("[]", "");
    [path, schema.as_str(), plain.as_str()].iter().any(|p| {
        *p == withheld
            || p.starts_with(&format!("{withheld}."))
            || p.starts_with(&format!("{withheld}["))
    })
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
    forms: BTreeMap<String, Form>,
}

impl FormSet {
    /// The built-in forms only.
    pub fn builtin() -> Result<FormSet, Error> {
        let mut set = FormSet::default();
        for (name, text) in BUILTIN_FORMS.iter().filter(|(n, _)| n.ends_with(".toml")) {
            let form = Form::parse(text, &format!("built-in forms/{name}"))?;
            set.forms.insert(form.id.clone(), form);
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
            set.forms.insert(form.id.clone(), form);
        }
        Ok(set)
    }

    /// The form with this id.
    pub fn get(&self, id: &str) -> Option<&Form> {
        self.forms.get(id)
    }

    /// All forms, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Form> {
        self.forms.values()
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

    #[test]
    fn every_built_in_form_compiles() {
        let set = FormSet::builtin().unwrap();
        assert!(set.ids().len() >= 2);
        for f in set.iter() {
            assert!(!f.fields.is_empty() && !f.sections.is_empty(), "{}", f.id);
        }
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
