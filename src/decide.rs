//! `determine` and `appeal`: record the reviewer's decision on a submission. The entry names the
//! submission and the SHA-256 of the record as submitted, is appended (never rewritten), committed
//! by a reviewer listed in `smout.toml`, and tagged `smout/<id>/determination/<n>`.

use chrono::NaiveDate;
use git2::Oid;
use sha2::{Digest, Sha256};

use crate::determination::{append, Determination, DeterminationInput, Determinations, DocFinding};
use crate::error::{Error, Result};
use crate::form::Form;
use crate::history::{date_of, submissions};
use crate::register::{Register, DETERMINATIONS_FILE};

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

/// SHA-256 of a record's bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_doc(key: &str, d: &Option<DocFinding>) -> Result<()> {
    let Some(d) = d else { return Ok(()) };
    if !["required", "covered", ""].contains(&d.finding.as_str()) {
        return Err(Error::Refused(format!(
            "{key} finding must be `required` or `covered`, not `{}`",
            d.finding
        )));
    }
    if !["none", "new", "update"].contains(&d.action.as_str()) {
        return Err(Error::Refused(format!(
            "{key} action must be `none`, `new` or `update`, not `{}`",
            d.action
        )));
    }
    if d.finding == "covered" && d.ids.is_empty() {
        return Err(Error::Refused(format!(
            "{key} coverage needs the covering ids (e.g. --{key} DHS/CBP/PIA-010(a))"
        )));
    }
    Ok(())
}

/// Record a determination (or appeal) on record `id`.
pub fn record(
    reg: &Register,
    form: &Form,
    id: &str,
    kind: Kind,
    input: DeterminationInput,
    today: NaiveDate,
    commit: bool,
) -> Result<Recorded> {
    let repo = crate::git::open(&reg.root)?;
    if commit {
        crate::git::ensure_ready(&repo)?;
    }
    let sig = crate::git::signature(&repo)?;
    let email = sig.email().unwrap_or("").to_string();
    if !reg
        .settings
        .roles
        .reviewers
        .iter()
        .any(|r| r.eq_ignore_ascii_case(&email))
    {
        return Err(Error::Refused(format!(
            "{email} is not a reviewer of this register, so it cannot record a {}; reviewers are listed under [roles] reviewers in smout.toml ({})",
            kind.table(),
            if reg.settings.roles.reviewers.is_empty() { "none yet".to_string() } else { reg.settings.roles.reviewers.join(", ") }
        )));
    }
    let outcomes: Vec<&str> = form
        .determination
        .outcomes
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    let outcome_ok = form.outcome(&input.outcome).is_some()
        || (kind == Kind::Appeal && input.outcome == "pending");
    if !outcome_ok {
        return Err(Error::Refused(format!(
            "`{}` is not an outcome of {}; choose one of: {}{}",
            input.outcome,
            form.id,
            outcomes.join(", "),
            if kind == Kind::Appeal {
                ", pending"
            } else {
                ""
            }
        )));
    }
    let outcome = form.outcome(&input.outcome);
    if outcome.is_some_and(|o| o.approves) && !input.rules_do_not_comply.trim().is_empty() {
        return Err(Error::Refused(format!(
            "`{}` approves the use, so it cannot also find that the Rules of Behavior do not comply; choose another outcome or drop the analysis",
            input.outcome
        )));
    }
    if outcome.is_some_and(|o| o.requires_conditions) && input.conditions.trim().is_empty() {
        return Err(Error::Refused(format!(
            "`{}` needs the conditions (--conditions)",
            input.outcome
        )));
    }
    check_doc("pia", &input.pia)?;
    check_doc("sorn", &input.sorn)?;

    let subs = submissions(&repo, &crate::history::prefix(&repo, reg)?, id)?;
    let dir = reg.record_dir(id);
    let dpath = dir.join(DETERMINATIONS_FILE);
    let existing_text = match std::fs::read_to_string(&dpath) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(&dpath, e)),
    };
    let existing = Determinations::parse(&existing_text, &dpath)?;
    let n = match (kind, input.submission) {
        (_, Some(n)) => n,
        (Kind::Appeal, None) => existing
            .latest()
            .map(|d| d.submission)
            .ok_or_else(|| Error::Refused(format!("{id} has no determination to appeal")))?,
        (Kind::Determination, None) => subs.last().map(|s| s.n).ok_or_else(|| {
            Error::Refused(format!(
                "{id} was never submitted; the drafter runs `smout submit {id}` first"
            ))
        })?,
    };
    let Some(sub) = subs.iter().find(|s| s.n == n) else {
        let have = if subs.is_empty() {
            "none".to_string()
        } else {
            subs.iter()
                .map(|s| s.n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Error::Refused(format!(
            "{id} has no submission {n} (submissions: {have})"
        )));
    };
    if kind == Kind::Determination && existing.determinations.iter().any(|d| d.submission == n) {
        return Err(Error::Refused(format!(
            "submission {n} of {id} has a determination already; past determinations are never changed — record an appeal, or ask for a new submission"
        )));
    }
    if kind == Kind::Appeal && !existing.determinations.iter().any(|d| d.submission == n) {
        return Err(Error::Refused(format!(
            "submission {n} of {id} has no determination to appeal"
        )));
    }
    let commit_oid = Oid::from_str(&sub.commit)?;
    let sub_commit = repo.find_commit(commit_oid)?;
    let path = crate::git::repo_path(&repo, &reg.root, &Register::record_rel(id))?;
    let text = match crate::git::read_at(&repo, &sub_commit, &path)? {
        Some(t) => t,
        None => {
            let old =
                crate::history::former_path(&repo, &sub_commit, &path)?.unwrap_or(path.clone());
            crate::git::read_at(&repo, &sub_commit, &old)?
                .ok_or_else(|| Error::Git(format!("record {id} is not in submission {n}")))?
        }
    };
    let submitted_on = date_of(sub.time);
    let reviewed = input.reviewed.unwrap_or(today);
    if reviewed < submitted_on {
        return Err(Error::Refused(format!(
            "the review date {reviewed} is before submission {n} was made ({submitted_on})"
        )));
    }
    let period = form
        .review_period
        .unwrap_or_else(|| reg.settings.review_period());
    let approves = outcome.is_some_and(|o| o.approves);
    let review_by = match input.review_by {
        Some(d) if d <= reviewed => {
            return Err(Error::Refused(format!(
                "the review-by date {d} must come after the review date {reviewed}"
            )))
        }
        Some(d) => Some(d),
        None if approves && form.reviews => Some(period.after(reviewed)),
        None => None,
    };
    let entry = Determination {
        submission: n,
        record_sha256: sha256_hex(text.as_bytes()),
        reviewed,
        reviewer: input
            .reviewer
            .unwrap_or_else(|| sig.name().unwrap_or("").to_string()),
        outcome: input.outcome.clone(),
        rules_do_not_comply: input.rules_do_not_comply,
        training_required: input.training_required,
        pia: input.pia,
        sorn: input.sorn,
        conditions: input.conditions,
        comments: input.comments,
        review_by,
        decided_by: input.decided_by,
    };
    let new_text = append(&existing_text, kind.table(), &entry)?;
    let k = match kind {
        Kind::Determination => existing.determinations.len() + 1,
        Kind::Appeal => existing.appeals.len() + 1,
    };
    std::fs::write(&dpath, new_text).map_err(|e| Error::io(&dpath, e))?;
    if !commit {
        return Ok(Recorded {
            entry,
            n: k,
            commit: None,
        });
    }
    let rel = format!(
        "{}/{id}/{DETERMINATIONS_FILE}",
        crate::register::RECORDS_DIR
    );
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
    let oid = match crate::git::commit_paths(&reg.root, std::slice::from_ref(&rel), &message) {
        Ok(o) => o,
        Err(e) => {
            // Nothing half-done: put the file back as it was.
            let _ = if existing_text.is_empty() {
                std::fs::remove_file(&dpath)
            } else {
                std::fs::write(&dpath, &existing_text)
            };
            return Err(e);
        }
    };
    let target = repo.find_object(oid, Some(git2::ObjectType::Commit))?;
    repo.tag(
        &format!("smout/{id}/{}/{k}", kind.table()),
        &target,
        &sig,
        &format!("{} {k} of {id}", kind.table()),
        false,
    )?;
    Ok(Recorded {
        entry,
        n: k,
        commit: Some(oid),
    })
}
