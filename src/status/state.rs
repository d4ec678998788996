//! A record's status, decided from plain values — no store, no git, no files: the state
//! machine from draft through submission, determination, appeal and ending, and the next step
//! it leaves the drafter. Its tests read each status and move between them without git.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::determination::{Determination, Determinations};
use crate::duration::Period;
use crate::store::history::Ending;

/// A record's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Never submitted.
    Draft,
    /// Awaiting a determination.
    Submitted,
    /// Approved and within its review period.
    Approved,
    /// Approved; the review date is within the warning window.
    Due,
    /// Approved; the review date has passed.
    Expired,
    /// Changed materially since the approved submission.
    Changed,
    /// The latest determination found requirements not yet met.
    NotYetMet,
    /// The latest determination found the use not authorized.
    NotAuthorized,
    /// An appeal is pending.
    Appealed,
    /// The drafter withdrew it (kept in history; a new submission reopens it).
    Withdrawn,
    /// The approved use ended (kept in history; out of every due list).
    Retired,
}

impl Status {
    /// All statuses, in report order.
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::Approved,
        Status::Due,
        Status::Expired,
        Status::Changed,
        Status::NotYetMet,
        Status::NotAuthorized,
        Status::Appealed,
        Status::Withdrawn,
        Status::Retired,
    ];

    /// The word users see.
    pub fn word(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Due => "due",
            Status::Expired => "expired",
            Status::Changed => "changed",
            Status::NotYetMet => "not-yet-met",
            Status::NotAuthorized => "not-authorized",
            Status::Appealed => "appealed",
            Status::Withdrawn => "withdrawn",
            Status::Retired => "retired",
        }
    }

    /// Parse the word.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.word() == s)
    }

    /// Map a form outcome's `status` word.
    fn from_outcome(word: &str) -> Status {
        match word {
            "approved" => Status::Approved,
            "not-authorized" => Status::NotAuthorized,
            _ => Status::NotYetMet,
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// What a decision's outcome means, in its form's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// It approves the use: a review period starts.
    Approves,
    /// It does not approve: the status its outcome's `status` word names.
    Leaves(Status),
}

impl Meaning {
    /// The meaning of a form's outcome (an outcome the form does not know: not yet met).
    pub fn of(outcome: Option<&crate::form::Outcome>) -> Meaning {
        match outcome {
            Some(o) if o.approves => Meaning::Approves,
            o => Meaning::Leaves(Status::from_outcome(
                o.map(|o| o.status.as_str()).unwrap_or("not-yet-met"),
            )),
        }
    }
}

/// Everything a record's status is decided from, as plain values: its history (submissions,
/// decisions, endings), what its form says, and what the working tree holds.
pub struct Case<'a> {
    /// Record id (the next step names it).
    pub id: &'a str,
    /// The latest submission's number (none: never submitted).
    pub submission: Option<u32>,
    /// The committed determinations and appeals.
    pub decisions: &'a Determinations,
    /// Withdrawals and retirements, oldest first.
    pub endings: &'a [Ending],
    /// What an outcome means.
    pub meaning: &'a dyn Fn(&str) -> Meaning,
    /// The working tree differs materially from the submission the standing decision
    /// approved (consulted only when it approves).
    pub changed: bool,
    /// Today.
    pub today: NaiveDate,
    /// How long before the review-by date the review is due.
    pub warn: Period,
    /// The form names who hears appeals.
    pub appealable: bool,
    /// What the record keeps until when (the form's retention).
    pub retain_until: Option<NaiveDate>,
    /// What the form says is kept (`retention_keeps`).
    pub keeps: Option<&'a str>,
}

/// A record's status, as decided: the status and the columns that come with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The status.
    pub status: Status,
    /// The decision that stands: outcome and date.
    pub determination: Option<String>,
    /// When it was reviewed.
    pub reviewed: Option<NaiveDate>,
    /// When the approval must be reviewed again.
    pub review_by: Option<NaiveDate>,
    /// Withdrawn or retired: when and why.
    pub ended: Option<String>,
    /// What to do next.
    pub next: String,
}

/// Where a record stands before its decision's outcome is read.
enum Stage<'a> {
    Draft,
    Submitted,
    Appealed,
    /// A decision of the latest submission stands: the determination, or the appeal's decision.
    Ruled {
        ruling: &'a Determination,
        on_appeal: bool,
    },
}

/// The last appeal, when it appeals the latest determination's submission.
fn last_appeal(d: &Determinations) -> Option<&Determination> {
    let latest = d.latest();
    d.appeals
        .last()
        .filter(|a| latest.is_some_and(|d| d.submission == a.submission))
}

/// The decided appeal of the latest determination's submission, which overrides it.
pub fn decided_appeal(d: &Determinations) -> Option<&Determination> {
    last_appeal(d).filter(|a| a.outcome != "pending")
}

fn stage(submission: Option<u32>, d: &Determinations) -> Stage<'_> {
    match (submission, d.latest()) {
        (None, _) => Stage::Draft,
        (Some(n), Some(latest))
            if latest.submission == n || d.determinations.iter().any(|x| x.submission == n) =>
        {
            if last_appeal(d).is_some_and(|a| a.outcome == "pending") {
                Stage::Appealed
            } else {
                // An appeal's decision overrides the determination it appealed, dates included.
                let appeal = decided_appeal(d);
                Stage::Ruled {
                    ruling: appeal.unwrap_or(latest),
                    on_appeal: appeal.is_some(),
                }
            }
        }
        (Some(_), _) => Stage::Submitted,
    }
}

/// The decision whose outcome decides the status (none while a draft, submitted or appealed):
/// what "changed since the approval" is measured against.
pub fn ruling(submission: Option<u32>, d: &Determinations) -> Option<&Determination> {
    match stage(submission, d) {
        Stage::Ruled { ruling, .. } => Some(ruling),
        _ => None,
    }
}

/// A record's status, review-by date and next step, from its case alone.
pub fn status_of(c: &Case<'_>) -> Decided {
    let latest = c.decisions.latest();
    let mut out = Decided {
        status: Status::Draft,
        determination: latest.map(|d| format!("{} ({})", d.outcome, d.reviewed)),
        reviewed: latest.map(|d| d.reviewed),
        review_by: latest.and_then(|d| d.review_by),
        ended: None,
        next: String::new(),
    };
    out.status = match stage(c.submission, c.decisions) {
        Stage::Draft => Status::Draft,
        Stage::Submitted => Status::Submitted,
        Stage::Appealed => Status::Appealed,
        Stage::Ruled { ruling, on_appeal } => {
            if on_appeal {
                out.determination = Some(format!(
                    "{} ({}, on appeal)",
                    ruling.outcome, ruling.reviewed
                ));
                out.reviewed = Some(ruling.reviewed);
                out.review_by = ruling.review_by;
            }
            match (c.meaning)(&ruling.outcome) {
                Meaning::Approves if c.changed => Status::Changed,
                Meaning::Approves => match ruling.review_by {
                    Some(r) if c.today > r => Status::Expired,
                    Some(r) if c.warn.before(r) <= c.today => Status::Due,
                    _ => Status::Approved,
                },
                Meaning::Leaves(s) => s,
            }
        }
    };
    // Withdrawn or retired: an ending of the latest submission (0: of the draft) stands until a
    // new submission.
    if let Some(e) = c
        .endings
        .iter()
        .rev()
        .find(|e| e.after == c.submission.unwrap_or(0))
    {
        out.status = match e.kind {
            "retirement" => Status::Retired,
            _ => Status::Withdrawn,
        };
        out.ended = Some(format!(
            "{} on {}: {}",
            e.kind,
            crate::store::history::date_of(e.time),
            e.message
        ));
    }
    out.next = next_step(c, &out);
    out
}

/// What to do next, in the form's words where it has them (who hears appeals, what is kept).
fn next_step(c: &Case<'_>, s: &Decided) -> String {
    let rb = s.review_by.map(|d| d.to_string()).unwrap_or_default();
    let mut next = match s.status {
        Status::Draft => format!(
            "finish the record; `smout check {id}`, then `smout submit {id}`",
            id = c.id
        ),
        Status::Submitted => "awaiting the Privacy Office's determination".into(),
        Status::Approved if s.review_by.is_none() => "approved; no review date".into(),
        Status::Approved => format!("none until the review by {rb}"),
        Status::Due => format!("review due by {rb}: update the record and resubmit"),
        Status::Expired => format!("approval lapsed on {rb}: resubmit for review"),
        Status::Changed => format!(
            "material change since approval: `smout diff {id}`, then `smout submit {id}`",
            id = c.id
        ),
        Status::NotYetMet => "address the Privacy Office's comments and resubmit".into(),
        Status::NotAuthorized if c.appealable => {
            "not authorized: appeal (`smout appeal`) or withdraw".into()
        }
        Status::NotAuthorized => "not approved: revise and resubmit, or withdraw".into(),
        Status::Appealed => "awaiting the decision on the appeal".into(),
        Status::Withdrawn => format!(
            "none ({}); `smout submit {}` reopens it",
            s.ended.as_deref().unwrap_or("withdrawn"),
            c.id
        ),
        Status::Retired => format!(
            "none ({}); kept in the register's history",
            s.ended.as_deref().unwrap_or("retired")
        ),
    };
    if let Some(r) = c.retain_until {
        if r >= c.today {
            let what = c.keeps.unwrap_or("the record's documents");
            next.push_str(&format!("; keep {what} until {r}"));
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The determinations file holding `text`.
    fn decisions(text: &str) -> Determinations {
        Determinations::parse(text, std::path::Path::new("determinations.toml")).unwrap()
    }

    /// A `[[determination]]` (or `[[appeal]]`) entry.
    fn entry(kind: &str, submission: u32, outcome: &str, reviewed: &str, by: &str) -> String {
        let by = match by {
            "" => String::new(),
            d => format!("review_by = {d}\n"),
        };
        format!(
            "[[{kind}]]\nsubmission = {submission}\nrecord_sha256 = \"00\"\nreviewed = {reviewed}\nreviewer = \"M. Officer\"\noutcome = \"{outcome}\"\n{by}\n"
        )
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The outcomes of a form like the built-in ones.
    fn meaning(word: &str) -> Meaning {
        match word {
            "approved" => Meaning::Approves,
            "not-authorized" => Meaning::Leaves(Status::NotAuthorized),
            _ => Meaning::Leaves(Status::NotYetMet),
        }
    }

    /// The ending of kind `kind` after submission `after`, on 2024-02-01.
    fn ending(kind: &'static str, after: u32, message: &str) -> Ending {
        Ending {
            kind,
            after,
            time: 1_706_745_600,
            message: message.into(),
            commit: "c0ffee".into(),
        }
    }

    /// Record `x` on 2024-06-01, warned 90 days ahead, unchanged, not appealable.
    fn case<'a>(submission: Option<u32>, d: &'a Determinations, endings: &'a [Ending]) -> Case<'a> {
        Case {
            id: "x",
            submission,
            decisions: d,
            endings,
            meaning: &meaning,
            changed: false,
            today: date("2024-06-01"),
            warn: Period::Days(90),
            appealable: false,
            retain_until: None,
            keeps: None,
        }
    }

    fn approved_until(by: &str) -> Determinations {
        decisions(&entry("determination", 1, "approved", "2024-01-10", by))
    }

    #[test]
    fn a_record_never_submitted_is_a_draft() {
        let none = Determinations::default();
        let s = status_of(&case(None, &none, &[]));
        assert_eq!(
            (s.status, s.review_by, s.determination),
            (Status::Draft, None, None)
        );
        assert_eq!(
            s.next,
            "finish the record; `smout check x`, then `smout submit x`"
        );
    }

    #[test]
    fn a_submission_awaits_the_determination() {
        let none = Determinations::default();
        let s = status_of(&case(Some(1), &none, &[]));
        assert_eq!((s.status, s.review_by), (Status::Submitted, None));
        assert_eq!(s.next, "awaiting the Privacy Office's determination");
    }

    #[test]
    fn an_approval_within_its_period_is_approved_until_the_review() {
        let d = approved_until("2025-01-10");
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!(s.status, Status::Approved);
        assert_eq!(s.review_by, Some(date("2025-01-10")));
        assert_eq!(s.reviewed, Some(date("2024-01-10")));
        assert_eq!(s.determination.as_deref(), Some("approved (2024-01-10)"));
        assert_eq!(s.next, "none until the review by 2025-01-10");
    }

    #[test]
    fn an_approval_without_a_review_date_never_falls_due() {
        let d = approved_until("");
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!((s.status, s.review_by), (Status::Approved, None));
        assert_eq!(s.next, "approved; no review date");
    }

    #[test]
    fn an_approval_within_the_warning_window_is_due() {
        let d = approved_until("2024-08-01");
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!(
            (s.status, s.review_by),
            (Status::Due, Some(date("2024-08-01")))
        );
        assert_eq!(
            s.next,
            "review due by 2024-08-01: update the record and resubmit"
        );
    }

    #[test]
    fn the_warning_window_opens_on_its_first_day_and_not_before() {
        // 90 days before 2024-08-30 is 2024-06-01, today.
        let d = approved_until("2024-08-30");
        assert_eq!(status_of(&case(Some(1), &d, &[])).status, Status::Due);
        let d = approved_until("2024-08-31");
        assert_eq!(status_of(&case(Some(1), &d, &[])).status, Status::Approved);
    }

    #[test]
    fn an_approval_past_its_review_date_has_expired() {
        let d = approved_until("2024-05-31");
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!(
            (s.status, s.review_by),
            (Status::Expired, Some(date("2024-05-31")))
        );
        assert_eq!(s.next, "approval lapsed on 2024-05-31: resubmit for review");
        // On the review date itself it is due, not yet lapsed.
        let d = approved_until("2024-06-01");
        assert_eq!(status_of(&case(Some(1), &d, &[])).status, Status::Due);
    }

    #[test]
    fn a_material_change_since_the_approval_is_changed_whatever_the_date() {
        for by in ["2025-01-10", "2024-08-01", "2024-05-31"] {
            let d = approved_until(by);
            let s = status_of(&Case {
                changed: true,
                ..case(Some(1), &d, &[])
            });
            assert_eq!((s.status, s.review_by), (Status::Changed, Some(date(by))));
            assert_eq!(
                s.next,
                "material change since approval: `smout diff x`, then `smout submit x`"
            );
        }
    }

    #[test]
    fn a_change_counts_only_against_an_approval() {
        let d = decisions(&entry("determination", 1, "not-yet-met", "2024-01-10", ""));
        let s = status_of(&Case {
            changed: true,
            ..case(Some(1), &d, &[])
        });
        assert_eq!(s.status, Status::NotYetMet);
    }

    #[test]
    fn requirements_not_met_ask_the_drafter_to_resubmit() {
        let d = decisions(&entry("determination", 1, "not-yet-met", "2024-01-10", ""));
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!((s.status, s.review_by), (Status::NotYetMet, None));
        assert_eq!(s.determination.as_deref(), Some("not-yet-met (2024-01-10)"));
        assert_eq!(s.next, "address the Privacy Office's comments and resubmit");
    }

    #[test]
    fn a_use_not_authorized_may_be_appealed_where_the_form_names_who_hears_appeals() {
        let d = decisions(&entry(
            "determination",
            1,
            "not-authorized",
            "2024-01-10",
            "",
        ));
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!((s.status, s.review_by), (Status::NotAuthorized, None));
        assert_eq!(s.next, "not approved: revise and resubmit, or withdraw");
        let s = status_of(&Case {
            appealable: true,
            ..case(Some(1), &d, &[])
        });
        assert_eq!(s.status, Status::NotAuthorized);
        assert_eq!(
            s.next,
            "not authorized: appeal (`smout appeal`) or withdraw"
        );
    }

    #[test]
    fn a_pending_appeal_is_appealed_and_the_determination_still_shows() {
        let d = decisions(&format!(
            "{}{}",
            entry("determination", 1, "not-authorized", "2024-01-10", ""),
            entry("appeal", 1, "pending", "2024-02-01", "")
        ));
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!((s.status, s.review_by), (Status::Appealed, None));
        assert_eq!(
            s.determination.as_deref(),
            Some("not-authorized (2024-01-10)")
        );
        assert_eq!(s.next, "awaiting the decision on the appeal");
        assert!(ruling(Some(1), &d).is_none());
        assert!(decided_appeal(&d).is_none());
    }

    #[test]
    fn an_appeal_decided_overrides_the_determination_dates_included() {
        let d = decisions(&format!(
            "{}{}",
            entry("determination", 1, "not-authorized", "2024-01-10", ""),
            entry("appeal", 1, "approved", "2024-03-01", "2025-03-01")
        ));
        let s = status_of(&case(Some(1), &d, &[]));
        assert_eq!(s.status, Status::Approved);
        assert_eq!(
            s.determination.as_deref(),
            Some("approved (2024-03-01, on appeal)")
        );
        assert_eq!(s.reviewed, Some(date("2024-03-01")));
        assert_eq!(s.review_by, Some(date("2025-03-01")));
        assert_eq!(s.next, "none until the review by 2025-03-01");
        // What "changed" is measured against is the appeal's decision.
        assert_eq!(
            ruling(Some(1), &d).map(|r| r.reviewed),
            Some(date("2024-03-01"))
        );
        assert_eq!(
            decided_appeal(&d).map(|a| a.outcome.as_str()),
            Some("approved")
        );
    }

    #[test]
    fn an_appeal_upheld_leaves_the_use_not_authorized_on_appeal() {
        let d = decisions(&format!(
            "{}{}",
            entry("determination", 1, "not-authorized", "2024-01-10", ""),
            entry("appeal", 1, "not-authorized", "2024-03-01", "")
        ));
        let s = status_of(&Case {
            appealable: true,
            ..case(Some(1), &d, &[])
        });
        assert_eq!(s.status, Status::NotAuthorized);
        assert_eq!(
            s.determination.as_deref(),
            Some("not-authorized (2024-03-01, on appeal)")
        );
        assert_eq!(s.reviewed, Some(date("2024-03-01")));
    }

    #[test]
    fn an_appeal_of_an_earlier_submission_no_longer_counts() {
        let d = decisions(&format!(
            "{}{}{}",
            entry("determination", 1, "not-authorized", "2024-01-10", ""),
            entry("appeal", 1, "pending", "2024-02-01", ""),
            entry("determination", 2, "not-yet-met", "2024-04-01", "")
        ));
        let s = status_of(&case(Some(2), &d, &[]));
        assert_eq!(s.status, Status::NotYetMet);
        assert_eq!(s.determination.as_deref(), Some("not-yet-met (2024-04-01)"));
    }

    #[test]
    fn a_new_submission_after_a_determination_awaits_its_own() {
        let d = approved_until("2025-01-10");
        let s = status_of(&case(Some(2), &d, &[]));
        assert_eq!(s.status, Status::Submitted);
        // The last decision and its review date still show until the next is recorded.
        assert_eq!(s.determination.as_deref(), Some("approved (2024-01-10)"));
        assert_eq!(s.review_by, Some(date("2025-01-10")));
        assert_eq!(s.next, "awaiting the Privacy Office's determination");
        assert!(ruling(Some(2), &d).is_none());
    }

    #[test]
    fn a_withdrawal_stands_until_a_new_submission() {
        let d = decisions(&entry("determination", 1, "not-yet-met", "2024-01-10", ""));
        let ended = [ending("withdrawal", 1, "no longer needed (D. Rafter)")];
        let s = status_of(&case(Some(1), &d, &ended));
        assert_eq!(s.status, Status::Withdrawn);
        assert_eq!(
            s.ended.as_deref(),
            Some("withdrawal on 2024-02-01: no longer needed (D. Rafter)")
        );
        assert_eq!(
            s.next,
            "none (withdrawal on 2024-02-01: no longer needed (D. Rafter)); `smout submit x` reopens it"
        );
        // Submitting again reopens it.
        let s = status_of(&case(Some(2), &d, &ended));
        assert_eq!((s.status, s.ended), (Status::Submitted, None));
        // A draft may be withdrawn too (an ending after submission 0).
        let none = Determinations::default();
        let ended = [ending("withdrawal", 0, "abandoned")];
        assert_eq!(
            status_of(&case(None, &none, &ended)).status,
            Status::Withdrawn
        );
    }

    #[test]
    fn a_retired_use_stays_in_history_whatever_its_review_date() {
        let d = approved_until("2024-05-31");
        let ended = [ending("retirement", 1, "system decommissioned")];
        let s = status_of(&Case {
            changed: true,
            ..case(Some(1), &d, &ended)
        });
        assert_eq!(s.status, Status::Retired);
        assert_eq!(s.review_by, Some(date("2024-05-31")));
        assert_eq!(
            s.next,
            "none (retirement on 2024-02-01: system decommissioned); kept in the register's history"
        );
        // The latest ending of the submission decides.
        let ended = [ending("withdrawal", 1, "first"), ended[0].clone()];
        assert_eq!(
            status_of(&case(Some(1), &d, &ended)).status,
            Status::Retired
        );
    }

    #[test]
    fn what_is_kept_is_named_until_its_date_passes() {
        let d = approved_until("2025-01-10");
        let s = status_of(&Case {
            retain_until: Some(date("2029-01-10")),
            keeps: Some("consent copies"),
            ..case(Some(1), &d, &[])
        });
        assert_eq!(
            s.next,
            "none until the review by 2025-01-10; keep consent copies until 2029-01-10"
        );
        let s = status_of(&Case {
            retain_until: Some(date("2024-06-01")),
            ..case(Some(1), &d, &[])
        });
        assert_eq!(
            s.next,
            "none until the review by 2025-01-10; keep the record's documents until 2024-06-01"
        );
        let s = status_of(&Case {
            retain_until: Some(date("2024-05-31")),
            ..case(Some(1), &d, &[])
        });
        assert_eq!(s.next, "none until the review by 2025-01-10");
    }

    #[test]
    fn an_outcome_means_what_its_form_says() {
        let outcome = |text: &str| toml::from_str::<crate::form::Outcome>(text).unwrap();
        let approves =
            outcome("value = \"ok\"\ntext = \"OK\"\nstatus = \"approved\"\napproves = true\n");
        assert_eq!(Meaning::of(Some(&approves)), Meaning::Approves);
        let refuses = outcome("value = \"no\"\ntext = \"No\"\nstatus = \"not-authorized\"\n");
        assert_eq!(
            Meaning::of(Some(&refuses)),
            Meaning::Leaves(Status::NotAuthorized)
        );
        let other = outcome("value = \"hm\"\ntext = \"Hm\"\nstatus = \"anything\"\n");
        assert_eq!(
            Meaning::of(Some(&other)),
            Meaning::Leaves(Status::NotYetMet)
        );
        assert_eq!(Meaning::of(None), Meaning::Leaves(Status::NotYetMet));
    }
}
