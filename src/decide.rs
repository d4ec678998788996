//! `determine` and `appeal`: record the reviewer's decision on a submission. The entry names the
//! submission and the SHA-256 of the record as submitted, is appended (never rewritten), committed
//! by a reviewer listed in `smout.toml`, and tagged `smout/<id>/determination/<n>`.

use crate::store::Oid;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::determination::{append, Determination, DeterminationInput, Determinations, DocFinding};
use crate::error::{Error, Result};
use crate::form::Form;
use crate::register::{Register, DETERMINATIONS_FILE, RECORDS_DIR, SETTINGS_FILE};
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

/// SHA-256 of a record's bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_doc(key: &str, d: &DocFinding) -> Result<()> {
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
            "{key} coverage needs the ids of the covering documents (--{key}-covered <id>, once for each)"
        )));
    }
    Ok(())
}

/// Refuse a decision the record's form cannot record: an outcome it does not have, an option
/// its determination page lacks, documentation it does not rule on, or a decision that does not
/// say what its outcome needs (why, conditions).
fn validate(form: &Form, kind: Kind, id: &str, input: &DeterminationInput) -> Result<()> {
    let outcomes: Vec<&str> = form
        .determination
        .outcomes
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    if input.outcome.is_empty() {
        return Err(Error::Refused(format!(
            "say the outcome: --outcome {}{}",
            outcomes.join(" | "),
            if kind == Kind::Appeal {
                " | pending"
            } else {
                ""
            }
        )));
    }
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
            return Err(Error::Refused(format!(
                "the determination page of form {} has no {flag} option; say it in --comments",
                form.id
            )));
        }
    }
    if let (true, true, Some(label)) = (
        outcome.is_some_and(|o| o.approves),
        analysis,
        &page.rules_do_not_comply,
    ) {
        return Err(Error::Refused(format!(
            "`{}` approves the use, so it cannot also find \"{}\"; choose another outcome or drop the analysis",
            input.outcome,
            label.split(" <").next().unwrap_or(label)
        )));
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
        return Err(Error::Refused(format!(
            "`{}` does not approve the use, so it says why: --comments \"…\"{}",
            input.outcome,
            match other.is_empty() {
                true => String::new(),
                false => format!(" (or {})", other.join(", ")),
            }
        )));
    }
    if outcome.is_some_and(|o| o.requires_conditions) && input.conditions.trim().is_empty() {
        return Err(Error::Refused(format!(
            "`{}` needs the conditions (--conditions)",
            input.outcome
        )));
    }
    let kinds: Vec<&str> = form
        .determination
        .documentation
        .iter()
        .map(|k| k.key.as_str())
        .collect();
    for (key, d) in &input.documentation {
        if !kinds.contains(&key.as_str()) {
            return Err(Error::Refused(match kinds.is_empty() {
                true => format!(
                    "form {} rules on no further documentation, so a determination of {id} has no `{key}` finding; drop it",
                    form.id
                ),
                false => format!(
                    "`{key}` is not documentation form {} rules on; it rules on: {}",
                    form.id,
                    kinds.join(", ")
                ),
            }));
        }
        check_doc(key, d)?;
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
    let settings_text = settings_text.ok_or_else(|| {
        Error::Refused(format!(
            "{SETTINGS_FILE} is not committed yet, so no reviewer is in force; commit it first"
        ))
    })?;
    let settings = crate::register::Settings::parse(&settings_text, Path::new(SETTINGS_FILE))?;
    if settings_edited {
        note(format!(
            "note: {SETTINGS_FILE} has uncommitted changes; smout uses the committed reviewers"
        ));
    }
    let reviewers = settings.roles.emails();
    if !settings.roles.is_reviewer(&email) {
        return Err(Error::Refused(format!(
            "{email} is not a reviewer of this register, so it cannot record a {}; reviewers are listed under [roles] reviewers in the committed smout.toml ({})",
            kind.table(),
            if reviewers.is_empty() { "none yet".to_string() } else { reviewers.join(", ") }
        )));
    }
    if let Some(r) = input.reviewed {
        if r > today {
            return Err(Error::Refused(format!(
                "the review date {r} is in the future (today is {today}); a determination records a review that happened"
            )));
        }
    }
    validate(form, kind, id, &input)?;

    let subs = store.submissions(id)?;
    let drel = format!("{RECORDS_DIR}/{id}/{DETERMINATIONS_FILE}");
    let dpath = reg.root.join(&drel);
    // Determinations are append-only and come from history: the new entry is appended to the
    // committed file, and an uncommitted edit of it is refused rather than committed.
    let (existing_text, edited) = store.read_committed_and_edited(&drel)?;
    let existing_text = existing_text.unwrap_or_default();
    if edited {
        return Err(Error::Refused(format!(
            "{drel} has uncommitted changes; determinations are append-only and smout records them from the committed file. Discard the edit (`git checkout -- {drel}`) and run the command again"
        )));
    }
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
    let text = store.record_text(id, &Side::Commit(store.submission_commit(sub)?))?;
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
    let approves = form.outcome(&input.outcome).is_some_and(|o| o.approves);
    let review_by = match input.review_by {
        Some(d) if d <= reviewed => {
            return Err(Error::Refused(format!(
                "the review-by date {d} must come after the review date {reviewed}"
            )))
        }
        Some(d) if d > period.after(reviewed) && input.review_by_reason.trim().is_empty() => {
            return Err(Error::Refused(format!(
                "the review-by date {d} lies beyond the review period (reviewed {reviewed} + {} = {}); say why with --review-by-reason, or choose an earlier date",
                period,
                period.after(reviewed)
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
        reviewer: input.reviewer.unwrap_or(name),
        outcome: input.outcome.clone(),
        rules_do_not_comply: input.rules_do_not_comply,
        training_required: input.training_required,
        conditions: input.conditions,
        comments: input.comments,
        review_by,
        review_by_reason: input.review_by_reason,
        decided_by: input.decided_by,
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
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, input("")),
            "say the outcome: --outcome met | not-yet-met | not-authorized"
        );
        assert_eq!(
            refusal("dhs-smout", Kind::Appeal, input("")),
            "say the outcome: --outcome met | not-yet-met | not-authorized | pending"
        );
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, input("approve")),
            "`approve` is not an outcome of dhs-smout; choose one of: met, not-yet-met, not-authorized"
        );
        assert_eq!(
            refusal("dhs-smout", Kind::Appeal, input("pending")),
            "accepted"
        );
        assert_eq!(
            refusal("dhs-smout", Kind::Determination, input("met")),
            "accepted"
        );
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
