//! What rendering is asked and what the templates see: the formats, the options, a record's
//! source, and the *view* — sections, items, boxes, determinations — dumpable with
//! `render --context`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::determination::Determinations;

pub use crate::release::DETERMINATION_FIELDS;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PDF via our layout engine.
    Pdf,
    /// A standalone HTML page.
    Html,
    /// Markdown.
    Md,
    /// A Word document, set from the PDF template's blocks.
    Docx,
}

impl Format {
    /// The file extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Md => "md",
            Format::Docx => "docx",
        }
    }

    /// The extension of the template it is written from (Word's is the PDF's blocks).
    pub fn template_ext(self) -> &'static str {
        match self {
            Format::Docx => "pdf",
            f => f.ext(),
        }
    }
}

/// What to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Whom the copy is for: `Release` makes the FOIA release copy.
    pub audience: crate::release::Audience,
    /// Seconds since the epoch stamped in the PDF (SOURCE_DATE_EPOCH).
    pub timestamp: i64,
    /// Today, for the check a release copy must pass.
    pub today: NaiveDate,
}

/// A record to render: its id, its text (from the working tree or a revision) and its
/// determinations.
pub struct Source<'a> {
    /// Record id.
    pub id: &'a str,
    /// record.toml text.
    pub text: &'a str,
    /// Its determinations.
    pub determinations: &'a Determinations,
    /// Where the text came from (for errors).
    pub origin: String,
    /// What the rendering is, when it is not exactly a submission: `DRAFT`, `CHANGED SINCE
    /// SUBMISSION 2`, `NOT VALID` … — printed with the banner on every page.
    pub mark: String,
    /// Which revision it shows (`submission 2`, `working tree`, a commit) — on every page.
    pub revision: String,
    /// The files the record attaches (name, bytes): attached to an internal PDF, never to a
    /// release copy (their text has not passed the redaction step).
    pub attachments: &'a [(String, Vec<u8>)],
    /// What a release copy withholds beyond what the text itself withholds: for an older
    /// revision, what the record as it stands withholds (a name marked `[[…]]` since, a field
    /// listed under `[release] redact` since), so that the revision does not print it.
    pub also: Option<&'a crate::release::Withholding>,
}

/// One choice as printed: a box and its wording.
#[derive(Debug, Clone, Serialize)]
pub struct OptionView {
    /// The printed wording.
    pub label: String,
    /// Ticked.
    pub checked: bool,
}

/// One printed item of a section.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ItemView {
    /// `group` (a heading over the items that follow), `field`, `choice`, `check`, `yesno`,
    /// `table`.
    pub kind: &'static str,
    /// The field's path.
    pub path: String,
    /// Nesting depth (0 for top-level questions).
    pub depth: usize,
    /// Question number ("5(c)").
    pub number: String,
    /// Short label.
    pub label: String,
    /// What follows the label ("." or ":").
    pub separator: String,
    /// The printed question.
    pub question: String,
    /// The answer as text (with redaction sentinels in a release).
    pub value: String,
    /// Nothing answered.
    pub empty: bool,
    /// Asked only in some cases (e.g. "other" described): templates may leave it out when empty.
    pub conditional: bool,
    /// Choices, for `choice`.
    pub options: Vec<OptionView>,
    /// Yes/No wording and the answer, for `yesno` and `check`.
    pub yes: String,
    /// "No. If not, please explain:"
    pub no: String,
    /// The answer (None: not answered).
    pub answer: Option<bool>,
    /// The explanation of a `yesno`.
    pub explanation: String,
    /// Column labels, for `table`.
    pub columns: Vec<String>,
    /// Rows of cells, for `table`.
    pub rows: Vec<Vec<String>>,
    /// Printed without its label, under the question before it (the description after
    /// question 1).
    pub unlabelled: bool,
    /// Printed on the line of the choice that asks it ("Operational. Date first launched:
    /// 4/15/2019"), not on a line of its own.
    pub on_choice_line: bool,
    /// Where the answer comes from when it is not simply transcribed: `inferred` (the source
    /// does not show it) or `withheld-in-source`.
    pub provenance: String,
}

/// One printed section.
#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    /// Section id.
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Running heading of its pages.
    pub page_heading: String,
    /// Starts on a new page.
    pub new_page: bool,
    /// Bold lead sentence.
    pub lead: String,
    /// The lead and text print above the heading.
    pub text_above_heading: bool,
    /// Printed paragraphs.
    pub text: Vec<String>,
    /// Footnotes.
    pub footnotes: Vec<String>,
    /// The questions and answers.
    pub items: Vec<ItemView>,
}

/// One finding on the determination page.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// The paragraph number and wording, ticked when a statement is affirmed.
    pub statement: OptionView,
    /// For a finding with choices: every choice, the one relied on ticked.
    pub choices: Vec<OptionView>,
}

/// The reviewer's page.
#[derive(Debug, Clone, Serialize)]
pub struct DeterminationView {
    /// Heading.
    pub heading: String,
    /// "(To be Completed by …)"
    pub subheading: String,
    /// Label of the date.
    pub reviewed_label: String,
    /// The date, or empty.
    pub reviewed: String,
    /// Label of the reviewer.
    pub reviewer_label: String,
    /// The reviewer, or empty.
    pub reviewer: String,
    /// Heading over the outcomes.
    pub outcome_heading: String,
    /// Outcomes with the chosen one ticked.
    pub outcomes: Vec<OptionView>,
    /// The index of the outcome "rules do not comply" and "training required" print under.
    pub options_under: usize,
    /// Rules of behavior do not comply: wording, ticked, analysis.
    pub rules_do_not_comply: Option<OptionView>,
    /// The analysis.
    pub rules_analysis: String,
    /// Training required: wording and tick.
    pub training_required: Option<OptionView>,
    /// Heading over the reviewer's findings.
    pub findings_heading: String,
    /// The reviewer's findings: a statement ticked when affirmed, or a question with its
    /// choices, the one relied on ticked.
    pub findings: Vec<FindingView>,
    /// Heading over the documentation findings.
    pub documentation_heading: String,
    /// PIA / SORN findings as ticked lines.
    pub documentation: Vec<DocView>,
    /// Conditions heading and text.
    pub conditions_heading: String,
    /// Conditions of the approval.
    pub conditions: String,
    /// Comments heading.
    pub comments_heading: String,
    /// Comments.
    pub comments: String,
    /// Review-by date, when set.
    pub review_by: String,
    /// Submission judged.
    pub submission: String,
    /// The document a determination decided outside smout was imported from (empty when it
    /// was made in smout).
    pub imported: String,
    /// Whether any determination was recorded.
    pub recorded: bool,
}

/// The ticked lines of one documentation kind.
#[derive(Debug, Clone, Serialize)]
pub struct DocView {
    /// "A PIA is required."
    pub required: OptionView,
    /// "Covered by existing PIA. `<ids>`"
    pub covered: OptionView,
    /// The ids listed after "Covered by existing …".
    pub ids: String,
    /// "New."
    pub new: OptionView,
    /// "Updated. …"
    pub update: OptionView,
}

/// Everything a template sees.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// Form facts.
    pub form: FormView,
    /// The record's id.
    pub id: String,
    /// The record's title.
    pub title: String,
    /// The filing component (from the form's index), for metadata.
    pub component: String,
    /// A release copy.
    pub release: bool,
    /// Banner printed top and bottom (empty for none).
    pub banner: String,
    /// The register's name.
    pub register: String,
    /// Sections in printed order.
    pub sections: Vec<SectionView>,
    /// The reviewer's page.
    pub determination: DeterminationView,
    /// Labels of redactions used (for a release's legend).
    pub exemptions_used: Vec<String>,
    /// What the rendering is when it is not exactly a submission (empty when it is).
    pub mark: String,
    /// Which revision it shows.
    pub revision: String,
    /// What smout keeps with the record, printed apart from the form's pages.
    pub kept: KeptView,
}

/// The heading of the page smout adds after the form's own: what it keeps of the record.
pub const KEPT_HEADING: &str = "Kept by smout — not part of the form";

/// An answer printed on smout's page only.
#[derive(Debug, Clone, Serialize)]
pub struct KeptAnswer {
    /// Its list, item number and column: [`kept_label`].
    pub label: String,
    /// The answer as text.
    pub value: String,
}

/// How smout's page names a `kept` column's answer: "Counsel Contact Information 1: Certifies
/// authority".
pub fn kept_label(list: &str, n: usize, column: &str) -> String {
    format!("{list} {n}: {column}")
}

/// The line over the answers the transcriber inferred, on smout's page.
pub const INFERRED_HEADING: &str =
    "Inferred by the transcriber: the source filing does not show these answers.";

/// What smout adds to the form's pages: printed on a page of its own, after them, so that the
/// form's pages carry the form's wording and the record's answers only.
#[derive(Debug, Clone, Serialize)]
pub struct KeptView {
    /// [`KEPT_HEADING`].
    pub heading: String,
    /// What the page is.
    pub intro: String,
    /// [`INFERRED_HEADING`].
    pub inferred_heading: String,
    /// Answers the form's pages do not print (`kept` columns): "Counsel Contact Information 1:
    /// Certifies authority" → "Yes".
    pub answers: Vec<KeptAnswer>,
    /// The answers the transcriber inferred (the source filing does not show them): each
    /// question's number and label.
    pub inferred: Vec<String>,
}

/// Form facts for templates.
#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    /// Form id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Version.
    pub version: String,
    /// Footer version line.
    pub version_label: String,
    /// Issuer address lines.
    pub issuer: Vec<String>,
    /// The language of its wording (BCP 47).
    pub lang: String,
}

/// Dates as the template prints them: 6/12/2018.
pub fn us_date(d: NaiveDate) -> String {
    d.format("%-m/%-d/%Y").to_string()
}
