//! `determine` and `appeal`: record the reviewer's decision on a submission. The entry names the
//! submission and the SHA-256 of the record as submitted, is appended (never rewritten), committed
//! by a reviewer listed in `smout.toml`, and tagged `smout/<id>/determination/<n>`.

use crate::digest::sha256_hex;
use crate::session::Session;
use crate::store::Oid;
use chrono::NaiveDate;

use crate::determination::{append, Determination, DeterminationInput, Determinations};
use crate::error::Result;
use crate::form::Form;
use crate::register::{Register, SETTINGS_FILE};
use crate::store::history::{date_of, Side};
use crate::store::{tag_name, Change, FileChange};
use std::path::Path;

pub mod input;
mod kind;
mod refusal;
mod validate;

pub use kind::Kind;
pub use refusal::Refusal;
pub use validate::finding_choices;
use validate::{check_findings, validate};

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

/// Record a determination (or appeal) on record `id`.
pub fn record(
    reg: &Session,
    form: &Form,
    id: &str,
    kind: Kind,
    input: DeterminationInput,
    mode: Mode,
    note: &mut dyn FnMut(String),
) -> Result<Recorded> {
    let Mode { today, commit } = mode;
    let store = reg.store();
    let tx = match commit {
        true => Some(reg.start(&format!("{} {id}", kind.table()), note)?),
        false => None,
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
    let Some(tx) = tx else {
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
    let done = tx.commit(Change {
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
    })?;
    let oid = done.commit;
    Ok(Recorded {
        entry,
        n: k,
        commit: Some(oid),
    })
}
