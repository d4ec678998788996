//! The reviewer's page of a form: outcomes, options, the documentation it rules on.

use serde::{Deserialize, Serialize};

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
    /// Answers of the submission that rule this outcome out (8.4: no approval while the DHS
    /// Chief Privacy Officer's approval is only requested).
    #[serde(default)]
    pub not_while: Vec<NotWhile>,
}

/// An answer that rules an outcome out, and why.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NotWhile {
    /// The field (a dotted path, no lists).
    pub field: String,
    /// The answer that rules the outcome out.
    pub eq: toml::Value,
    /// Why, in the form's words.
    pub message: String,
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
    /// "Updated. …" (its `<…>` placeholder is replaced by the documents named).
    pub update: String,
    /// The record's list of these documents (`summary.pia`: items with `id`, `title`, and for a
    /// SORN `published` and `citation`), from which the page names each by more than its id.
    #[serde(default)]
    pub listed_in: Option<String>,
}

/// A finding the reviewer makes on the page (8.1.1: "no unwarranted invasion of personal privacy,
/// as determined by the CBP Privacy Officer"; 8.1.2: the criterion relied on).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FindingDef {
    /// The key in the determination's `[findings]` table.
    pub key: String,
    /// The paragraph number printed before it.
    #[serde(default)]
    pub number: Option<String>,
    /// The printed wording: a statement the reviewer affirms, or (with `choices_from`) the
    /// question whose answer is one of those choices.
    pub text: String,
    /// A choice field of the record whose choices are this finding's (the reviewer picks the
    /// one relied on; the request's own pick is what the requester proposed).
    #[serde(default)]
    pub choices_from: Option<String>,
    /// An approving outcome needs this finding (affirmed, or a choice made).
    #[serde(default)]
    pub to_approve: bool,
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
    /// The outcome "rules do not comply" and "training required" qualify (refused with any
    /// other; printed under it unless `printed_under` says otherwise).
    #[serde(default)]
    pub options_under: Option<String>,
    /// The outcome the template prints "rules do not comply" and "training required" under,
    /// when that is not the one they qualify (the SMOUT indents them under its last outcome).
    #[serde(default)]
    pub printed_under: Option<String>,
    /// Wording of "training required", when the form has it.
    #[serde(default)]
    pub training_required: Option<String>,
    /// Heading above the reviewer's findings.
    #[serde(default)]
    pub findings_heading: Option<String>,
    /// Findings the reviewer makes (the Directive's 8.1.1 and 8.1.2).
    #[serde(default, rename = "finding")]
    pub findings: Vec<FindingDef>,
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
