//! A record's status, decided from plain values — no store, no git, no files: the state
//! machine from draft through submission, determination, appeal and ending, and the next step
//! it leaves the drafter.

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
