//! `determine` and `appeal`: record the reviewer's decision on a submission. The entry names the
//! submission and the SHA-256 of the record as submitted, is appended (never rewritten), committed
//! by a reviewer listed in `smout.toml`, and tagged `smout/<id>/determination/<n>`.

use crate::digest::sha256_hex;
use crate::store::Oid;
use chrono::NaiveDate;

use crate::determination::{append, Determination, DeterminationInput, Determinations, DocFinding};
use crate::diag::list_or;
use crate::error::Result;
use crate::form::Form;
use crate::register::{Register, SETTINGS_FILE};
use crate::store::history::{date_of, Side};
use crate::store::{tag_name, Change, FileChange, Store, TagKind};
use std::path::Path;

/// Determination or appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The Privacy Office's determination.
    Determination,
    /// An appeal to the Deputy Secretary, and its outcome.
    Appeal,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Determination => "determination",
            Kind::Appeal => "appeal",
        }
    }

    /// The kind of tag its entries get.
    pub fn tag_kind(self) -> TagKind {
        match self {
            Kind::Determination => TagKind::Determination,
            Kind::Appeal => TagKind::Appeal,
        }
    }
}

/// When and how a decision is recorded.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Today (the default review date, and the limit of a given one).
    pub today: NaiveDate,
    /// Commit and tag (`false`: `--no-commit`, the file only).
    pub commit: bool,
}

/// What was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The entry as written.
    pub entry: Determination,
    /// Its number among the record's entries of its kind.
    pub n: usize,
    /// The commit, unless `--no-commit`.
    pub commit: Option<Oid>,
}

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

impl From<Refusal> for crate::error::Error {
    fn from(r: Refusal) -> Self {
        crate::error::Error::refusal(r, None)
    }
}

fn check_doc(key: &str, d: &DocFinding) -> Result<()> {
    if !["required", "covered", ""].contains(&d.finding.as_str()) {
        return Err(Refusal::BadDocumentation(format!(
            "{key} finding must be `required` or `covered`, not `{}`",
            d.finding
        ))
        .into());
    }
    if !["none", "new", "update"].contains(&d.action.as_str()) {
        return Err(Refusal::BadDocumentation(format!(
            "{key} action must be `none`, `new` or `update`, not `{}`",
            d.action
        ))
        .into());
    }
    // New and Updated say what the required document will be: they go with "required" only.
    if !matches!(d.action.as_str(), "none" | "") && d.finding != "required" {
        return Err(Refusal::BadDocumentation(format!(
            "{key}: New and Updated say what the required {key} will be, so they go with --{key}-required, not with coverage by an existing one"
        ))
        .into());
    }
    if d.action == "update" && d.ids.is_empty() {
        return Err(Refusal::BadDocumentation(format!(
            "{key}: an update names the {key} to be updated (--{key}-update <id>)"
        ))
        .into());
    }
    if d.finding == "covered" && d.ids.is_empty() {
        return Err(Refusal::BadDocumentation(format!(
            "{key} coverage needs the ids of the covering documents (--{key}-covered <id>, once for each)"
        ))
        .into());
    }
    Ok(())
}

/// Refuse a decision the record's form cannot record: an outcome it does not have, an option
/// its determination page lacks, documentation it does not rule on, or a decision that does not
/// say what its outcome needs (why, conditions).
fn validate(form: &Form, kind: Kind, id: &str, input: &DeterminationInput) -> Result<()> {
    let mut outcomes: Vec<String> = form
        .determination
        .outcomes
        .iter()
        .map(|o| o.value.clone())
        .collect();
    if kind == Kind::Appeal {
        outcomes.push("pending".into());
    }
    if input.outcome.is_empty() {
        return Err(Refusal::NoOutcome(outcomes).into());
    }
    if !outcomes.contains(&input.outcome) {
        return Err(Refusal::UnknownOutcome {
            outcome: input.outcome.clone(),
            form: form.id.clone(),
            choices: outcomes,
        }
        .into());
    }
    let page = &form.determination;
    let outcome = form.outcome(&input.outcome);
    let analysis = !input.rules_do_not_comply.trim().is_empty();
    // The options a form's determination page does not have cannot be ticked.
    for (given, label, flag) in [
        (analysis, &page.rules_do_not_comply, "--rules-do-not-comply"),
        (
            input.training_required,
            &page.training_required,
            "--training-required",
        ),
    ] {
        if given && label.is_none() {
            return Err(Refusal::NoSuchOption {
                form: form.id.clone(),
                flag,
            }
            .into());
        }
    }
    if let (true, true, Some(label)) = (
        outcome.is_some_and(|o| o.approves),
        analysis,
        &page.rules_do_not_comply,
    ) {
        return Err(Refusal::Contradiction {
            outcome: input.outcome.clone(),
            finding: label.split(" <").next().unwrap_or(label).to_string(),
        }
        .into());
    }
    // They are reasons requirements are not yet met: they qualify one outcome.
    if let (true, Some(under)) = (
        analysis || input.training_required,
        page.options_under.as_deref(),
    ) {
        if input.outcome != under && input.outcome != "pending" {
            return Err(Refusal::NotUnder {
                outcome: input.outcome.clone(),
                under: under.to_string(),
            }
            .into());
        }
    }
    let says_why = !input.comments.trim().is_empty() || analysis || input.training_required;
    if outcome.is_some_and(|o| !o.approves) && !says_why {
        let mut other = Vec::new();
        if page.rules_do_not_comply.is_some() {
            other.push("--rules-do-not-comply \"…\"");
        }
        if page.training_required.is_some() {
            other.push("--training-required");
        }
        return Err(Refusal::NeedsWhy {
            outcome: input.outcome.clone(),
            other,
        }
        .into());
    }
    if outcome.is_some_and(|o| o.requires_conditions) && input.conditions.trim().is_empty() {
        return Err(Refusal::NeedsConditions(input.outcome.clone()).into());
    }
    let kinds: Vec<&str> = form
        .determination
        .documentation
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    for (key, d) in &input.documentation {
        if !kinds.contains(&key.as_str()) {
            return Err(Refusal::UnknownDocumentation {
                key: key.clone(),
                id: id.to_string(),
                form: form.id.clone(),
                kinds: kinds.iter().map(|k| k.to_string()).collect(),
            }
            .into());
        }
        check_doc(key, d)?;
    }
    Ok(())
}

/// The reviewer's findings: only the form's, each of the kind it takes, and every one an
/// approval needs.
fn check_findings(form: &Form, approves: bool, input: &DeterminationInput) -> Result<()> {
    let defs = &form.determination.findings;
    for (key, value) in &input.findings {
        let Some(def) = defs.iter().find(|f| &f.key == key) else {
            return Err(Refusal::UnknownFinding {
                key: key.clone(),
                form: form.id.clone(),
                keys: defs.iter().map(|f| f.key.clone()).collect(),
            }
            .into());
        };
        let choices = finding_choices(form, def);
        let ok = match (&choices, value) {
            (None, toml::Value::Boolean(_)) => true,
            (Some(c), toml::Value::String(v)) => c.contains(v),
            _ => false,
        };
        if !ok {
            let why = match choices {
                None => "it is a statement the reviewer affirms: true or false".to_string(),
                Some(c) => format!("choose one of: {}", c.join(", ")),
            };
            return Err(Refusal::BadFinding {
                key: key.clone(),
                why,
            }
            .into());
        }
    }
    if !approves || input.outcome == "pending" {
        return Ok(());
    }
    for def in defs.iter().filter(|f| f.to_approve) {
        let given = input.findings.get(&def.key);
        let affirmed = match given {
            Some(toml::Value::Boolean(b)) => *b,
            Some(_) => true,
            None => false,
        };
        if !affirmed {
            let choices = finding_choices(form, def);
            return Err(Refusal::NeedsFinding {
                outcome: input.outcome.clone(),
                key: def.key.clone(),
                number: def.number.clone().unwrap_or_default(),
                text: def.text.clone(),
                value: choices
                    .map(|c| format!("=<{}>", c.join("|")))
                    .unwrap_or_default(),
            }
            .into());
        }
    }
    Ok(())
}

/// The values a finding with choices takes (`None`: a statement affirmed or not).
pub fn finding_choices(form: &Form, def: &crate::form::FindingDef) -> Option<Vec<String>> {
    let path = def.choices_from.as_deref()?;
    Some(
        form.field(path)
            .map(|f| f.choices.iter().map(|c| c.value.clone()).collect())
            .unwrap_or_default(),
    )
}

/// Record a determination (or appeal) on record `id`.
pub fn record(
    reg: &Register,
    form: &Form,
    id: &str,
    kind: Kind,
    input: DeterminationInput,
    mode: Mode,
    note: &mut dyn FnMut(String),
) -> Result<Recorded> {
    let Mode { today, commit } = mode;
    let store = Store::open(&reg.root)?;
    let lock = if commit {
        let lock = store.lock(&format!("{} {id}", kind.table()), note)?;
        store.ensure_ready()?;
        Some(lock)
    } else {
        None
    };
    let (name, email) = store.identity()?;
    // Who may decide comes from the committed smout.toml, never from an uncommitted edit.
    let (settings_text, settings_edited) = store.read_committed_and_edited(SETTINGS_FILE)?;
    let settings_text = settings_text.ok_or(Refusal::NoRoles)?;
    let settings = crate::register::Settings::parse(&settings_text, Path::new(SETTINGS_FILE))?;
    if settings_edited {
        note(format!(
            "note: {SETTINGS_FILE} has uncommitted changes; smout uses the committed reviewers"
        ));
    }
    if !settings.roles.is_reviewer(&email) {
        return Err(Refusal::NotReviewer {
            email,
            what: kind.table(),
            reviewers: settings.roles.emails(),
        }
        .into());
    }
    // The reviewer printed is the signer, by the name [roles] gives them (else git's); a
    // decision recorded for someone else names them, and the audit lists it as recorded by
    // its signer on their behalf.
    let name = settings
        .roles
        .list()
        .into_iter()
        .find(|r| r.email.eq_ignore_ascii_case(&email))
        .map(|r| r.name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or(name);
    if let Some(other) = input
        .reviewer
        .as_deref()
        .filter(|r| crate::markup::plain(r).trim() != name.trim())
    {
        note(format!(
            "note: recorded for {other}, by you ({email}): `smout audit` lists it as recorded and signed by you on their behalf"
        ));
    }
    if let Some(date) = input.reviewed.filter(|r| *r > today) {
        return Err(Refusal::ReviewedInFuture { date, today }.into());
    }
    validate(form, kind, id, &input)?;

    let subs = store.submissions(id)?;
    let drel = Register::determinations_rel(id);
    let dpath = reg.root.join(&drel);
    // Determinations are append-only and come from history: the new entry is appended to the
    // committed file, and an uncommitted edit of it is refused rather than committed.
    let (existing_text, edited) = store.read_committed_and_edited(&drel)?;
    let existing_text = existing_text.unwrap_or_default();
    if edited {
        return Err(Refusal::EditedDeterminations(drel).into());
    }
    let existing = Determinations::parse(&existing_text, &dpath)?;
    // A correction supersedes a recorded determination, on the same submission.
    let corrected = match input.corrects {
        None => None,
        Some(_) if kind == Kind::Appeal => {
            return Err(Refusal::BadCorrection(
                "an appeal is not corrected: record its outcome, or correct the determination (`smout determine --corrects N`)".into(),
            )
            .into())
        }
        Some(k) => {
            let Some(d) = (k as usize)
                .checked_sub(1)
                .and_then(|i| existing.determinations.get(i))
            else {
                return Err(Refusal::BadCorrection(format!(
                    "{id} has no determination {k} to correct (it has {})",
                    existing.determinations.len()
                ))
                .into());
            };
            if input.correction.trim().is_empty() {
                return Err(Refusal::BadCorrection(
                    "say why the determination is corrected: --correction \"…\" (the original stays as recorded)".into(),
                )
                .into());
            }
            if input.submission.is_some_and(|n| n != d.submission) {
                return Err(Refusal::BadCorrection(format!(
                    "determination {k} judged submission {}; its correction judges the same submission",
                    d.submission
                ))
                .into());
            }
            Some(d.submission)
        }
    };
    let n = match (kind, corrected.or(input.submission)) {
        (_, Some(n)) => n,
        (Kind::Appeal, None) => existing
            .latest()
            .map(|d| d.submission)
            .ok_or_else(|| Refusal::NothingToAppeal(id.to_string()))?,
        (Kind::Determination, None) => subs
            .last()
            .map(|s| s.n)
            .ok_or_else(|| Refusal::NeverSubmitted(id.to_string()))?,
    };
    let Some(sub) = subs.iter().find(|s| s.n == n) else {
        return Err(Refusal::NoSuchSubmission {
            id: id.to_string(),
            n,
            have: subs.iter().map(|s| s.n).collect(),
        }
        .into());
    };
    if kind == Kind::Determination
        && corrected.is_none()
        && existing.determinations.iter().any(|d| d.submission == n)
    {
        return Err(Refusal::AlreadyDecided {
            id: id.to_string(),
            n,
        }
        .into());
    }
    if kind == Kind::Appeal && !existing.determinations.iter().any(|d| d.submission == n) {
        return Err(Refusal::NotDecided {
            id: id.to_string(),
            n,
        }
        .into());
    }
    let text = store.record_text(id, &Side::Commit(store.submission_commit(sub)?))?;
    // The submission's own answers may rule the outcome out.
    if let (Some(o), Ok(table)) = (
        form.outcome(&input.outcome),
        toml::from_str::<toml::Table>(&text),
    ) {
        if let Some(w) = o
            .not_while
            .iter()
            .find(|w| crate::check::lookup_value(&table, &w.field) == Some(&w.eq))
        {
            return Err(Refusal::RuledOut {
                outcome: input.outcome.clone(),
                n,
                why: w.message.clone(),
            }
            .into());
        }
    }
    // What an approval needs the reviewer to find, once the submission allows it at all.
    check_findings(
        form,
        form.outcome(&input.outcome).is_some_and(|o| o.approves),
        &input,
    )?;
    let submitted_on = date_of(sub.time);
    let reviewed = input.reviewed.unwrap_or(today);
    if reviewed < submitted_on {
        return Err(Refusal::ReviewedBeforeSubmission {
            reviewed,
            n,
            submitted: submitted_on,
        }
        .into());
    }
    let period = form
        .review_period
        .unwrap_or_else(|| reg.settings.review_period());
    let approves = form.outcome(&input.outcome).is_some_and(|o| o.approves);
    let review_by = match input.review_by {
        Some(review_by) if review_by <= reviewed => {
            return Err(Refusal::ReviewByTooEarly {
                review_by,
                reviewed,
            }
            .into())
        }
        Some(review_by)
            if review_by > period.after(reviewed) && input.review_by_reason.trim().is_empty() =>
        {
            return Err(Refusal::ReviewByTooLate {
                review_by,
                reviewed,
                period,
                limit: period.after(reviewed),
            }
            .into())
        }
        Some(d) => Some(d),
        None if approves && form.reviews => Some(period.after(reviewed)),
        None => None,
    };
    let entry = Determination {
        submission: n,
        record_sha256: sha256_hex(text.as_bytes()),
        reviewed,
        reviewer: input.reviewer.unwrap_or(name),
        outcome: input.outcome.clone(),
        rules_do_not_comply: input.rules_do_not_comply,
        training_required: input.training_required,
        conditions: input.conditions,
        comments: input.comments,
        review_by,
        review_by_reason: input.review_by_reason,
        decided_by: input.decided_by,
        corrects: input.corrects,
        correction: input.correction.trim().to_string(),
        findings: input.findings,
        imported: input.imported,
        documentation: input.documentation,
    };
    let new_text = append(&existing_text, kind.table(), &entry)?;
    let k = match kind {
        Kind::Determination => existing.determinations.len() + 1,
        Kind::Appeal => existing.appeals.len() + 1,
    };
    let Some(lock) = lock else {
        store.write(&drel, new_text.as_bytes())?;
        return Ok(Recorded {
            entry,
            n: k,
            commit: None,
        });
    };
    let message = format!(
        "{} {id}: {} on submission {n} (by {email})\n\nsmout-{}: {id}/{k}\n",
        if kind == Kind::Appeal {
            "appeal"
        } else {
            "determine"
        },
        entry.outcome,
        kind.table()
    );
    let tag_kind = kind.tag_kind();
    let done = store.commit(
        &lock,
        Change {
            what: format!("{} {id}", kind.table()),
            files: vec![FileChange {
                rel: drel,
                bytes: Some(new_text.into_bytes()),
            }],
            message,
            tag: Some((
                tag_name(id, tag_kind, k),
                format!("{} {k} of {id}", kind.table()),
            )),
        },
    )?;
    let oid = done.commit;
    Ok(Recorded {
        entry,
        n: k,
        commit: Some(oid),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::determination::DocFinding;
    use crate::form::FormSet;

    fn refusal(form: &str, kind: Kind, input: DeterminationInput) -> String {
        let set = FormSet::builtin().unwrap();
        match validate(set.get(form).unwrap(), kind, "x", &input) {
            Ok(()) => "accepted".into(),
            Err(e) => e.to_string(),
        }
    }

    fn input(outcome: &str) -> DeterminationInput {
        DeterminationInput {
            outcome: outcome.into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_outcome_is_one_of_the_forms() {
        for (kind, outcome, says) in [
            (Kind::Determination, "", "say the outcome: --outcome met | not-yet-met | not-authorized"),
            (Kind::Appeal, "", "say the outcome: --outcome met | not-yet-met | not-authorized | pending"),
            (
                Kind::Determination,
                "approve",
                "`approve` is not an outcome of dhs-smout; choose one of: met, not-yet-met, not-authorized",
            ),
            (Kind::Appeal, "pending", "accepted"),
            (Kind::Determination, "met", "accepted"),
        ] {
            assert_eq!(refusal("dhs-smout", kind, input(outcome)), says, "{outcome:?}");
        }
    }

    #[test]
    fn a_refusal_says_why_in_the_forms_words() {
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, input("not-authorized")),
            "`not-authorized` does not approve the use, so it says why: --comments \"…\" (or --rules-do-not-comply \"…\", --training-required)"
        );
        let mut i = input("not-yet-met");
        i.training_required = true;
        assert_eq!(refusal("dhs-smout", Kind::Determination, i), "accepted");
        let mut i = input("met");
        i.rules_do_not_comply = "They do not.".into();
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, i),
            "`met` approves the use, so it cannot also find \"Rules of Behavior do not comply.\"; choose another outcome or drop the analysis"
        );
        assert_eq!(
            refusal(
                "cbp-pii-disclosure",
                Kind::Determination,
                input("approve-with-conditions")
            ),
            "`approve-with-conditions` needs the conditions (--conditions)"
        );
    }

    #[test]
    fn documentation_findings_are_the_forms_kinds_and_well_formed() {
        let with = |key: &str, finding: &str, ids: &[&str], action: &str| {
            let mut i = input("met");
            i.documentation.insert(
                key.into(),
                DocFinding {
                    finding: finding.into(),
                    ids: ids.iter().map(|s| s.to_string()).collect(),
                    action: action.into(),
                },
            );
            i
        };
        let d = Kind::Determination;
        assert_eq!(
            refusal(
                "dhs-smout",
                d,
                with("pia", "covered", &["DHS/CBP/PIA-010(a)"], "none")
            ),
            "accepted"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("dpia", "required", &[], "new")),
            "`dpia` is not documentation form dhs-smout rules on; it rules on: pia, sorn"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("sorn", "covered", &[], "none")),
            "sorn coverage needs the ids of the covering documents (--sorn-covered <id>, once for each)"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("pia", "maybe", &[], "none")),
            "pia finding must be `required` or `covered`, not `maybe`"
        );
        assert_eq!(
            refusal("dhs-smout", d, with("pia", "required", &[], "later")),
            "pia action must be `none`, `new` or `update`, not `later`"
        );
    }
}
