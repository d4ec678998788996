//! One row of `status`, and the views of it an internal and a release listing print.

use chrono::NaiveDate;
use serde::Serialize;

use crate::determination::Notes;

use super::state::Status;

/// One line of `status`.
#[derive(Debug, Clone, Serialize)]
pub struct RecordStatus {
    /// Record id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Form id.
    pub form: String,
    /// Component.
    pub component: String,
    /// Category (or nature) of the filing.
    pub category: String,
    /// Stage.
    pub stage: String,
    /// The status.
    pub status: Status,
    /// Latest submission number.
    pub submission: Option<u32>,
    /// Latest determination: outcome and date.
    pub determination: Option<String>,
    /// Date of the latest determination.
    pub reviewed: Option<NaiveDate>,
    /// When the approval must be reviewed again.
    pub review_by: Option<NaiveDate>,
    /// Records (e.g. consent copies) to keep until this date.
    pub retain_until: Option<NaiveDate>,
    /// PIA/SORN (or other) references the record cites.
    pub references: Vec<String>,
    /// Withdrawn or retired: when and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended: Option<String>,
    /// What to do next.
    pub next: String,
    /// What the user should know about how this status was computed (an uncommitted edit of
    /// determinations.toml, which is not believed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// The documents it cites that were retired or superseded since (the catalog's word): a
    /// use in force citing one is to be reviewed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stale_citations: Vec<String>,
    /// Whom the record waits on, since when: the Privacy Office (submitted or appealed, since
    /// the submission or appeal) or the program (not yet met or not authorized, since that
    /// determination). `None` when it waits on nobody.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Waiting>,
    /// Days from each submission to the determination made on it (the report's turnaround).
    #[serde(skip)]
    pub turnaround: Vec<i64>,
    /// The decision that stands (an appeal's decision, else the latest determination) and what
    /// it asks of the drafter — in a release, through the redaction step and the record's
    /// `[release] redact` of `determination.*`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    /// The columns the record's `[release] redact` withholds.
    #[serde(skip)]
    pub withheld: Vec<&'static str>,
    /// The record's strings that mark text `[[…]]`: a release listing withholds what they mark
    /// wherever the row prints it (a withdrawal's reason naming a person the record marks).
    #[serde(skip)]
    pub marked: Vec<String>,
}

/// Whom a record waits on, since when, and for how many days (as of the listing's today).
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// `privacy-office` or `program`.
    pub on: &'static str,
    /// Since when.
    pub since: NaiveDate,
    /// Days since then.
    pub days: i64,
}

/// A recorded decision, and what it says beyond its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// `determination` or `appeal`.
    pub kind: &'static str,
    /// Its number among the record's entries of its kind.
    pub n: usize,
    /// The submission it decided.
    pub submission: u32,
    /// Its outcome.
    pub outcome: String,
    /// When it was reviewed.
    pub reviewed: NaiveDate,
    /// Its comments, Rules of Behavior analysis, findings and conditions.
    #[serde(flatten)]
    pub notes: Notes,
}

impl RecordStatus {
    /// This row as an internal listing shows it: markup removed, exempt text shown.
    pub fn internal(mut self) -> RecordStatus {
        for v in [
            &mut self.title,
            &mut self.component,
            &mut self.category,
            &mut self.stage,
        ] {
            *v = crate::markup::plain(v);
        }
        for r in &mut self.references {
            *r = crate::markup::plain(r);
        }
        self.next = crate::markup::plain(&self.next);
        self.ended = self.ended.map(|e| crate::markup::plain(&e));
        self
    }

    /// This row as a release listing shows it: every string through the redaction step, and
    /// the columns the record withholds replaced by `[withheld]`.
    pub fn released(mut self) -> RecordStatus {
        let marked = crate::release::Withholding::marked_in(Default::default(), &self.marked);
        let hide = |col: &str, v: &mut String, withheld: &[&str]| {
            *v = if withheld.contains(&col) && !v.is_empty() {
                "[withheld]".into()
            } else {
                marked.plain(v)
            };
        };
        let w = std::mem::take(&mut self.withheld);
        // The documents it cites, where a release withholds them, leave every string that
        // names them (the review a retired one asks for).
        if w.contains(&"references") {
            for r in &self.references {
                let r = crate::markup::plain(r);
                if r.trim().is_empty() {
                    continue;
                }
                self.next = self.next.replace(&r, "[withheld]");
                for c in &mut self.stale_citations {
                    *c = c.replace(&r, "[withheld]");
                }
            }
        }
        for c in &mut self.stale_citations {
            *c = marked.plain(c);
        }
        hide("title", &mut self.title, &w);
        hide("component", &mut self.component, &w);
        hide("category", &mut self.category, &w);
        hide("stage", &mut self.stage, &w);
        for r in &mut self.references {
            hide("references", r, &w);
        }
        // Why a record was withdrawn or retired is the drafter's text: it may carry markup.
        self.next = marked.plain(&self.next);
        self.ended = self.ended.map(|e| marked.plain(&e));
        self.warnings.clear();
        self.withheld = w;
        self
    }

    /// The nearest date that needs attention (review-by or retention).
    pub fn attention_date(&self) -> Option<NaiveDate> {
        // A withdrawn or retired use is never reviewed again; what it must keep, it keeps.
        let review = match self.status {
            Status::Withdrawn | Status::Retired => None,
            _ => self.review_by,
        };
        [review, self.retain_until].into_iter().flatten().min()
    }
}
