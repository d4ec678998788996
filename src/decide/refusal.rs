//! Why a decision is refused.

use chrono::NaiveDate;

use crate::diag::list_or;
use crate::register::SETTINGS_FILE;

/// Why a decision is refused. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// `smout.toml` was never committed, so no reviewer is in force.
    #[error("{SETTINGS_FILE} is not committed yet, so no reviewer is in force; commit it first")]
    NoRoles,
    /// The git identity is not a reviewer in force.
    #[error("{email} is not a reviewer of this register, so it cannot record a {what}; reviewers are listed under [roles] reviewers in the committed smout.toml ({})", list_or(.reviewers, "none yet"))]
    NotReviewer {
        /// Who tried.
        email: String,
        /// `determination` or `appeal`.
        what: &'static str,
        /// The reviewers in force.
        reviewers: Vec<String>,
    },
    /// No outcome was given.
    #[error("say the outcome: --outcome {}", .0.join(" | "))]
    NoOutcome(Vec<String>),
    /// The outcome is not one of the form's.
    #[error("`{outcome}` is not an outcome of {form}; choose one of: {}", .choices.join(", "))]
    UnknownOutcome {
        /// What was given.
        outcome: String,
        /// The record's form.
        form: String,
        /// Its outcomes.
        choices: Vec<String>,
    },
    /// An option the form's determination page does not have.
    #[error("the determination page of form {form} has no {flag} option; say it in --comments")]
    NoSuchOption {
        /// The record's form.
        form: String,
        /// The flag given.
        flag: &'static str,
    },
    /// An approving outcome with a finding that contradicts it.
    #[error("`{outcome}` approves the use, so it cannot also find \"{finding}\"; choose another outcome or drop the analysis")]
    Contradiction {
        /// The outcome.
        outcome: String,
        /// The finding, in the form's words.
        finding: String,
    },
    /// A finding that qualifies another outcome.
    #[error("\"Rules of Behavior do not comply\" and \"Training required\" are reasons requirements are not yet met: they go with --outcome {under}, not `{outcome}`; say it in --comments")]
    NotUnder {
        /// The outcome given.
        outcome: String,
        /// The outcome they qualify.
        under: String,
    },
    /// An outcome the submission's answers rule out.
    #[error("`{outcome}` is ruled out by submission {n}: {why}")]
    RuledOut {
        /// The outcome.
        outcome: String,
        /// The submission.
        n: u32,
        /// The form's reason.
        why: String,
    },
    /// A not-approving outcome that does not say why.
    #[error("`{outcome}` does not approve the use, so it says why: --comments \"…\"{}", if .other.is_empty() { String::new() } else { format!(" (or {})", .other.join(", ")) })]
    NeedsWhy {
        /// The outcome.
        outcome: String,
        /// The form's other ways of saying why.
        other: Vec<&'static str>,
    },
    /// An outcome that needs conditions, without them.
    #[error("`{0}` needs the conditions (--conditions)")]
    NeedsConditions(String),
    /// Documentation the form does not rule on.
    #[error("{}", match .kinds.is_empty() {
        true => format!("form {form} rules on no further documentation, so a determination of {id} has no `{key}` finding; drop it"),
        false => format!("`{key}` is not documentation form {form} rules on; it rules on: {}", .kinds.join(", ")),
    })]
    UnknownDocumentation {
        /// The finding's key.
        key: String,
        /// The record.
        id: String,
        /// The record's form.
        form: String,
        /// The documentation it rules on.
        kinds: Vec<String>,
    },
    /// A documentation finding that is not well formed.
    #[error("{0}")]
    BadDocumentation(String),
    /// A review date after today.
    #[error("the review date {date} is in the future (today is {today}); a determination records a review that happened")]
    ReviewedInFuture {
        /// The date given.
        date: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// A review date before the submission was made.
    #[error("the review date {reviewed} is before submission {n} was made ({submitted})")]
    ReviewedBeforeSubmission {
        /// The review date.
        reviewed: NaiveDate,
        /// The submission.
        n: u32,
        /// When it was made.
        submitted: NaiveDate,
    },
    /// A review-by date on or before the review.
    #[error("the review-by date {review_by} must come after the review date {reviewed}")]
    ReviewByTooEarly {
        /// The review-by date.
        review_by: NaiveDate,
        /// The review date.
        reviewed: NaiveDate,
    },
    /// A review-by date beyond the review period, without a reason.
    #[error("the review-by date {review_by} lies beyond the review period (reviewed {reviewed} + {period} = {limit}); say why with --review-by-reason, or choose an earlier date")]
    ReviewByTooLate {
        /// The review-by date.
        review_by: NaiveDate,
        /// The review date.
        reviewed: NaiveDate,
        /// The review period.
        period: crate::duration::Period,
        /// Review date + period.
        limit: NaiveDate,
    },
    /// The working tree's determinations differ from the committed ones.
    #[error("{0} has uncommitted changes; determinations are append-only and smout records them from the committed file. Discard the edit (`git checkout -- {0}`) and run the command again")]
    EditedDeterminations(String),
    /// An appeal of a record without a determination.
    #[error("{0} has no determination to appeal")]
    NothingToAppeal(String),
    /// A determination of a record never submitted.
    #[error("{0} was never submitted (this clone has no submission tag for it); the drafter runs `smout submit {0}` first — or, if they did, pushes its tag (`git push --follow-tags`) and you fetch it (`git fetch --tags`)")]
    NeverSubmitted(String),
    /// A submission number that does not exist.
    #[error("{id} has no submission {n} (submissions: {})", list_or(&.have.iter().map(u32::to_string).collect::<Vec<_>>(), "none"))]
    NoSuchSubmission {
        /// The record.
        id: String,
        /// The number given.
        n: u32,
        /// The numbers there are.
        have: Vec<u32>,
    },
    /// A second determination of one submission.
    #[error("submission {n} of {id} has a determination already; past determinations are never changed — record an appeal, correct it (`--corrects N --correction \"…\"`), or ask for a new submission")]
    AlreadyDecided {
        /// The record.
        id: String,
        /// The submission.
        n: u32,
    },
    /// A finding the form's determination page does not have.
    #[error("{}", match .keys.is_empty() {
        true => format!("the determination page of form {form} has no findings, so `{key}` cannot be recorded; say it in --comments"),
        false => format!("`{key}` is not a finding of form {form}; its findings are: {}", .keys.join(", ")),
    })]
    UnknownFinding {
        /// The key given.
        key: String,
        /// The record's form.
        form: String,
        /// The form's finding keys.
        keys: Vec<String>,
    },
    /// A finding whose value is not one the form allows.
    #[error("finding `{key}`: {why}")]
    BadFinding {
        /// The finding.
        key: String,
        /// What it takes.
        why: String,
    },
    /// An approving outcome without a finding it needs.
    #[error("`{outcome}` approves, so the Privacy Officer records finding {number}: \"{text}\" — add --finding {key}{value}")]
    NeedsFinding {
        /// The outcome.
        outcome: String,
        /// The finding's key.
        key: String,
        /// Its paragraph number.
        number: String,
        /// Its wording.
        text: String,
        /// `=<choice>` for a finding with choices.
        value: String,
    },
    /// A PIA or SORN found both required and covered.
    #[error("a {0} cannot be found both required and covered: choose --{pia}-required or --{pia}-covered", pia = .0.to_lowercase())]
    RequiredAndCovered(&'static str),
    /// A correction that names no recorded determination, or says not why.
    #[error("{0}")]
    BadCorrection(String),
    /// An appeal of a submission that has no determination.
    #[error("submission {n} of {id} has no determination to appeal")]
    NotDecided {
        /// The record.
        id: String,
        /// The submission.
        n: u32,
    },
}

crate::error::refusal!(Refusal);
