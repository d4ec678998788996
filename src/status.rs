//! The status of every record, computed — never stored — from the record in the working tree,
//! its submission tags (read in one pass over the repository's tags) and its determinations.
//! "Changed" compares the working tree with the approved submission through the semantic diff,
//! so only material changes count.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{lookup, Ctx};
use crate::determination::{Determination, Determinations, Notes};
use crate::diff::material_change;
use crate::duration::Period;
use crate::error::Result;
use crate::form::Form;
use crate::register::{Register, DETERMINATIONS_FILE, RECORDS_DIR};
use crate::session::Session;
use crate::store::cache::Stamp;
use crate::store::history::{Ending, Submission, SubmittedParts, SubmittedRecords};
use crate::store::Store;
use std::collections::HashMap;

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

/// What `status` reads from a record's text. Kept in `.git/smout/status-v1` between runs,
/// keyed by the file's stamp: a record unchanged since the last run is neither read nor parsed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
struct Facts {
    /// SHA-256 of the text (what a determination's `record_sha256` names).
    sha256: String,
    form: String,
    title: String,
    component: String,
    category: String,
    stage: String,
    references: Vec<String>,
    /// The columns the record's `[release] redact` withholds.
    withheld: Vec<String>,
    /// The `[release] redact` entries of the determination page (`determination.comments` …),
    /// with their exemptions.
    #[serde(default)]
    determination_withheld: std::collections::BTreeMap<String, Vec<String>>,
    /// The record's strings that mark text `[[…]]`: a release withholds the texts they mark
    /// wherever a determination prints them too.
    #[serde(default)]
    marked: Vec<String>,
    /// The form's retention applies to this record (its `retention_only_if` holds).
    retention_applies: bool,
    /// The date retention counts from, when the form names a field for it.
    retention_from: Option<NaiveDate>,
}

impl Facts {
    /// The facts of a record's text.
    fn of(reg: &Register, text: &str) -> Facts {
        let parsed = toml::de::DeTable::parse(text).ok();
        let empty = toml::de::DeTable::default();
        let record: &toml::de::DeTable<'_> = parsed.as_ref().map(|t| t.get_ref()).unwrap_or(&empty);
        let form_id = record
            .get("form")
            .and_then(|v| v.get_ref().as_str())
            .unwrap_or("")
            .to_string();
        let form = reg.forms.get(&form_id);
        let get = |p: &Option<String>| -> String {
            p.as_deref()
                .and_then(|p| lookup(record, p, &Ctx::default()))
                .map(|v| de_text(v.get_ref()))
                .unwrap_or_default()
        };
        let mut facts = Facts {
            sha256: crate::digest::sha256_hex(text.as_bytes()),
            title: record
                .get("title")
                .map(|v| de_text(v.get_ref()))
                .unwrap_or_default(),
            ..Facts::default()
        };
        // What a release withholds of the decisions: recorded determinations are never edited,
        // so the record says it.
        if text.contains("[[") {
            if let Ok(t) = toml::from_str::<toml::Table>(text) {
                facts.marked = crate::release::marked_strings(&t);
            }
        }
        if let Some(redact) = record
            .get("release")
            .and_then(|r| r.get_ref().as_table())
            .and_then(|r| r.get("redact"))
            .and_then(|r| r.get_ref().as_table())
        {
            for (k, v) in redact.iter() {
                let path = k.get_ref();
                if path != "determination" && !path.starts_with("determination.") {
                    continue;
                }
                let exemptions = v
                    .get_ref()
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e.get_ref().as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                facts
                    .determination_withheld
                    .insert(path.to_string(), exemptions);
            }
        }
        let Some(f) = form else {
            facts.form = form_id;
            return facts;
        };
        facts.component = get(&f.index.component);
        facts.category = category_label(f, &get(&f.index.category));
        facts.stage = get(&f.index.stage);
        facts.references = f
            .index
            .references
            .iter()
            .flat_map(|p| list_values(record, p))
            .collect();
        // Which of these columns `[release] redact` withholds, for a release listing.
        let withheld_paths = crate::pii::withheld_fields(record);
        let covered = |p: Option<&str>| {
            p.is_some_and(|p| {
                withheld_paths
                    .iter()
                    .any(|w| crate::form::path_covers(w, p))
            })
        };
        for (col, path) in [
            ("title", Some("title")),
            ("component", f.index.component.as_deref()),
            ("category", f.index.category.as_deref()),
            ("stage", f.index.stage.as_deref()),
        ] {
            if covered(path) {
                facts.withheld.push(col.into());
            }
        }
        if f.index.references.iter().any(|p| covered(Some(p))) {
            facts.withheld.push("references".into());
        }
        facts.retention_applies = match (&f.index.retention_only_if, &f.index.retention_only_eq) {
            (Some(path), Some(eq)) => list_values(record, path).iter().any(|v| v == eq),
            _ => true,
        };
        facts.retention_from = f.index.retention_from.as_deref().and_then(|path| {
            lookup(record, path, &Ctx::default()).and_then(|v| {
                v.get_ref()
                    .as_datetime()
                    .and_then(crate::duration::toml_date::from_toml)
            })
        });
        facts.form = form_id;
        facts
    }
}

/// One record's entry in the status cache.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
struct Cached {
    /// The stamp of `record.toml` the facts were read under.
    stamp: Stamp,
    facts: Facts,
    /// The materiality verdict against an approved submission: its blob, and whether the
    /// record as stamped differs materially from it.
    verdict: Option<(String, bool)>,
    /// The stamp of the working tree's `determinations.toml` and its blob id.
    determinations: Option<(Stamp, String)>,
}

/// The status cache: per record, and the parsed determinations files by blob id.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
struct Cache {
    /// The HEAD `submitted` was found for.
    head: Option<String>,
    /// The records as submitted and the determinations files as HEAD holds them.
    submitted: SubmittedParts,
    records: HashMap<String, Cached>,
    determinations: HashMap<String, Determinations>,
}

const CACHE: &str = "status-v1";

/// Compute the status of every record (or of `only`), reading tags once.
pub fn register_status(
    reg: &Session,
    only: &[String],
    today: NaiveDate,
    release: bool,
) -> Result<Vec<RecordStatus>> {
    // Statuses are history: without a repository every record would look like a draft.
    let store = reg.store();
    let unfinished = store.unfinished();
    let subs = store.all_submissions()?;
    let endings = store.all_endings()?;
    let ids: Vec<String> = if only.is_empty() {
        reg.record_ids()?
    } else {
        only.to_vec()
    };
    // What the facts are computed with: this build of smout and these forms.
    let key = format!(
        "smout status cache {} forms={}",
        crate::BUILD,
        reg.forms.fingerprint()
    );
    let mut cache: Cache = store.load_cache(CACHE, &key).unwrap_or_default();
    // The record as submitted, for every submission: from the cache when HEAD is the same,
    // else one replay of the changed-path index.
    let head = store.head_commit().map(|h| h.to_string());
    let known = (cache.head == head)
        .then(|| SubmittedRecords::from_parts(&cache.submitted, &subs, store.prefix()))
        .flatten();
    let mut changed = known.is_none();
    let submitted = match known {
        Some(s) => s,
        None => {
            let index = store.path_index(false)?;
            let s = SubmittedRecords::new(&index, &subs, store.prefix());
            cache.head = head;
            cache.submitted = s.to_parts(|p| p.ends_with(&format!("/{DETERMINATIONS_FILE}")));
            s
        }
    };
    let results: Vec<Result<One>> = reg.par_map(&ids, |w, id| {
        let subs = subs.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let ended = endings.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let inputs = Inputs {
            submitted: &submitted,
            subs,
            endings: ended,
            cache: &cache,
            release,
        };
        one(w.reg, w.store, &inputs, id, today)
    });
    let now = chrono::Utc::now().timestamp();
    let mut rows = Vec::with_capacity(results.len());
    let mut updates = Vec::new();
    for (id, r) in ids.iter().zip(results) {
        let One { row, entry, dets } = r?;
        if let Some((blob, d)) = dets {
            cache.determinations.insert(blob, d);
            changed = true;
        }
        // Only what was read settled goes to the cache (an edit within the clock's resolution
        // would keep the stamp).
        let entry = entry.filter(|e| {
            e.stamp.settled(now) && e.determinations.as_ref().is_none_or(|d| d.0.settled(now))
        });
        if entry.as_ref() != cache.records.get(id) {
            updates.push((id, entry));
        }
        rows.push(if release {
            row.released()
        } else {
            row.internal()
        });
    }
    if changed || !updates.is_empty() {
        for (id, e) in updates {
            match e {
                Some(e) => cache.records.insert(id.clone(), e),
                None => cache.records.remove(id),
            };
        }
        if only.is_empty() {
            // Records no longer in the register, and determinations files HEAD no longer
            // holds, leave the cache.
            let here: std::collections::HashSet<&String> = ids.iter().collect();
            cache.records.retain(|id, _| here.contains(id));
            let held: std::collections::HashSet<String> = ids
                .iter()
                .filter_map(|id| submitted.at_head_blob(&format!("{id}/{DETERMINATIONS_FILE}")))
                .map(|b| b.to_string())
                .collect();
            cache.determinations.retain(|b, _| held.contains(b));
        }
        store.save_cache(CACHE, &key, &cache);
    }
    if let (Some(what), Some(first)) = (unfinished, rows.first_mut()) {
        first.warnings.push(format!(
            "`smout {what}` was interrupted and is unfinished; the next committing smout command finishes it (e.g. run `smout {what}` again)"
        ));
    }
    Ok(rows)
}

fn de_text(v: &toml::de::DeValue<'_>) -> String {
    match v {
        // Raw, markup and all: `internal` or `released` decides what a listing shows.
        toml::de::DeValue::String(s) => s.to_string(),
        toml::de::DeValue::Integer(i) => i.as_str().to_string(),
        toml::de::DeValue::Boolean(b) => b.to_string(),
        toml::de::DeValue::Datetime(d) => d.to_string(),
        _ => String::new(),
    }
}

/// What every record's status is computed from, read once for the register.
struct Inputs<'a> {
    submitted: &'a SubmittedRecords,
    subs: &'a [Submission],
    endings: &'a [Ending],
    cache: &'a Cache,
    /// A release listing: decisions' texts through the redaction step.
    release: bool,
}

/// A record's status and what its computation leaves for the cache.
struct One {
    row: RecordStatus,
    /// Its cache entry (none for a record without a file).
    entry: Option<Cached>,
    /// Its committed determinations, parsed this run: blob id and contents.
    dets: Option<(String, Determinations)>,
}

/// The status of record `id`.
fn one(
    reg: &Register,
    store: &Store,
    inputs: &Inputs<'_>,
    id: &str,
    today: NaiveDate,
) -> Result<One> {
    let (subs, endings) = (inputs.subs, inputs.endings);
    let rel = Register::record_rel(id);
    let stamp = store.stamp(&rel);
    let cached = inputs
        .cache
        .records
        .get(id)
        .filter(|c| Some(c.stamp) == stamp);
    // The text, read only when the facts or a verdict must be computed.
    let read = || {
        store
            .read_text(&rel, crate::store::fs::MAX_TEXT_BYTES)
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    let mut text: Option<String> = None;
    let facts = match cached {
        Some(c) => c.facts.clone(),
        None => Facts::of(reg, text.get_or_insert_with(read)),
    };
    // Decisions come from committed history: determinations.toml as HEAD holds it. An
    // uncommitted edit is reported, never believed.
    let dpath = reg.record_dir(id).join(DETERMINATIONS_FILE);
    let drel = Register::determinations_rel(id);
    let mut warnings = Vec::new();
    // HEAD's blob from the changed-path index: no tree walk per record.
    let committed = inputs
        .submitted
        .at_head_blob(&format!("{id}/{DETERMINATIONS_FILE}"));
    let dstamp = store.stamp(&drel);
    let worktree_dets: Option<(Stamp, String)> = match (dstamp, cached) {
        (None, _) => None,
        (
            Some(s),
            Some(Cached {
                determinations: Some((cs, blob)),
                ..
            }),
        ) if *cs == s => Some((s, blob.clone())),
        (Some(s), _) => {
            let bytes = store
                .read_text(&drel, crate::store::fs::MAX_TEXT_BYTES)
                .ok()
                .flatten()
                .unwrap_or_default();
            Store::blob_id(bytes.as_bytes()).map(|b| (s, b.to_string()))
        }
    };
    let empty = Store::blob_id(b"").map(|b| b.to_string());
    let blob_or_empty = |b: Option<String>| b.or_else(|| empty.clone());
    if blob_or_empty(worktree_dets.as_ref().map(|d| d.1.clone()))
        != blob_or_empty(committed.map(|b| b.to_string()))
    {
        warnings.push(format!(
            "{RECORDS_DIR}/{id}/{DETERMINATIONS_FILE} has uncommitted changes; status uses the committed determinations"
        ));
    }
    let mut parsed_dets = None;
    let dets = match committed {
        None => Determinations::default(),
        Some(b) => match inputs.cache.determinations.get(&b.to_string()) {
            Some(d) => d.clone(),
            None => {
                let t = store.blob_text(b).unwrap_or_default();
                let d = Determinations::parse(&t, &dpath)?;
                parsed_dets = Some((b.to_string(), d.clone()));
                d
            }
        },
    };
    let form = reg.forms.get(&facts.form);
    let latest_sub = subs.last().map(|s| s.n);
    let latest = dets.latest();
    let retain_until = form.and_then(|f| retention(f, &facts, latest));
    let meaning = |word: &str| Meaning::of(form.and_then(|f| f.outcome(word)));
    // Changed since the approval: read only when the decision that stands approves.
    let mut verdict = cached.and_then(|c| c.verdict.clone());
    let changed = match ruling(latest_sub, &dets) {
        Some(r) if meaning(&r.outcome) == Meaning::Approves => {
            let current = Current {
                facts: &facts,
                text: &mut text,
                read: &read,
                verdict: &mut verdict,
            };
            changed_since(store, inputs, form, current, r, id)
        }
        _ => false,
    };
    let decided = status_of(&Case {
        id,
        submission: latest_sub,
        decisions: &dets,
        endings,
        meaning: &meaning,
        changed,
        today,
        warn: reg.settings.warn_window(),
        appealable: form.is_some_and(|f| f.determination.appeal_to.is_some()),
        retain_until,
        keeps: form.and_then(|f| f.index.retention_keeps.as_deref()),
    });
    let column = |c: &str| -> Option<&'static str> {
        ["title", "component", "category", "stage", "references"]
            .into_iter()
            .find(|x| *x == c)
    };
    // What the drafter is to address: the decision that stands.
    let standing = match decided_appeal(&dets) {
        Some(a) => Some(("appeal", dets.appeals.len(), a)),
        None => latest.map(|d| ("determination", dets.determinations.len(), d)),
    };
    let decision = standing.map(|(kind, n, d)| Decision {
        kind,
        n,
        submission: d.submission,
        outcome: d.outcome.clone(),
        reviewed: d.reviewed,
        notes: match inputs.release {
            true => {
                let w = crate::release::Withholding::marked_in(
                    facts.determination_withheld.clone(),
                    &facts.marked,
                );
                Notes::of(d, form, &|p, s| w.present(p, s))
            }
            false => Notes::of(d, form, &|_, s| crate::markup::plain(s)),
        },
    });
    let st = RecordStatus {
        id: id.to_string(),
        title: facts.title.clone(),
        form: facts.form.clone(),
        component: facts.component.clone(),
        category: facts.category.clone(),
        stage: facts.stage.clone(),
        status: decided.status,
        submission: latest_sub,
        determination: decided.determination,
        reviewed: decided.reviewed,
        review_by: decided.review_by,
        retain_until,
        references: facts.references.clone(),
        next: decided.next,
        ended: decided.ended,
        warnings,
        decision,
        withheld: facts.withheld.iter().filter_map(|c| column(c)).collect(),
        marked: facts.marked.clone(),
    };
    let entry = stamp.map(|stamp| Cached {
        stamp,
        facts,
        verdict,
        determinations: worktree_dets,
    });
    Ok(One {
        row: st,
        entry,
        dets: parsed_dets,
    })
}

/// The record in the working tree, as far as it has been read: its facts, its text once read,
/// and the materiality verdict when known.
struct Current<'a> {
    facts: &'a Facts,
    text: &'a mut Option<String>,
    read: &'a dyn Fn() -> String,
    verdict: &'a mut Option<(String, bool)>,
}

/// Whether the working tree differs materially from the submission `d` approved. A record
/// whose bytes still hash to what was judged is unchanged without reading anything else; a
/// verdict already reached against the same submitted blob is not reached again.
fn changed_since(
    store: &Store,
    inputs: &Inputs<'_>,
    form: Option<&Form>,
    current: Current<'_>,
    d: &Determination,
    id: &str,
) -> bool {
    let unchanged = current.facts.sha256 == d.record_sha256;
    let (false, Some(form), Some(sub)) = (
        unchanged,
        form,
        inputs.subs.iter().find(|s| s.n == d.submission),
    ) else {
        return false;
    };
    let blob = store
        .submitted_blob(inputs.submitted, id, sub)
        .map(|b| b.to_string());
    let known = match (&*current.verdict, &blob) {
        (Some((b, changed)), Some(blob)) if b == blob => Some(*changed),
        _ => None,
    };
    known.unwrap_or_else(|| {
        let approved = store
            .submitted_text(inputs.submitted, id, sub)
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok());
        let text = current.text.get_or_insert_with(current.read);
        let now: toml::Table = toml::from_str(text).unwrap_or_default();
        let changed = approved.is_some_and(|old| material_change(form, &old, &now));
        if let Some(b) = blob {
            *current.verdict = Some((b, changed));
        }
        changed
    })
}

/// Retention: the form's index says how long records of an approved filing are kept (e.g.
/// consent copies five years), counted from a date field of the record or from the approval.
fn retention(form: &Form, facts: &Facts, d: Option<&Determination>) -> Option<NaiveDate> {
    let d = d.filter(|d| form.outcome(&d.outcome).is_some_and(|o| o.approves))?;
    let p = Period::parse(form.index.retention.as_deref()?).ok()?;
    if !facts.retention_applies {
        return None;
    }
    // Counted from the date the form names (the actual release); until it is recorded, there
    // is nothing to count from. Without such a field, from the approval.
    match form.index.retention_from {
        None => Some(p.after(d.reviewed)),
        Some(_) => facts.retention_from.map(|from| p.after(from)),
    }
}

fn category_label(form: &Form, value: &str) -> String {
    form.index
        .category
        .as_deref()
        .and_then(|p| form.field(p))
        .and_then(|f| f.choice(value))
        .map(|c| c.label.clone())
        .unwrap_or_else(|| value.to_string())
}

/// The values at a path with `[]` (e.g. `summary.pia[].id`).
fn list_values(record: &toml::de::DeTable<'_>, path: &str) -> Vec<String> {
    let Some((list, key)) = path.split_once("[].") else {
        return lookup(record, path, &Ctx::default())
            .map(|v| de_text(v.get_ref()))
            .into_iter()
            .collect();
    };
    lookup(record, list, &Ctx::default())
        .and_then(|v| v.get_ref().as_array())
        .map(|a| {
            a.iter()
                .filter_map(|item| {
                    item.get_ref()
                        .as_table()?
                        .get(key)
                        .map(|v| de_text(v.get_ref()))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Change, FileChange};

    const MINIMAL: &str = include_str!("../tests/fixtures/valid/minimal.toml");

    /// A committed register (identity in the repository's config) holding record `x`.
    fn register() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        crate::store::git::create_repository(dir.path()).unwrap();
        let config = dir.path().join(".git/config");
        let mut text = std::fs::read_to_string(&config).unwrap();
        text.push_str("[user]\n\tname = Drafter\n\temail = d@example.gov\n");
        std::fs::write(&config, text).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let lock = store.lock("test", &mut |_| {}).unwrap();
        let file = |rel: &str, text: &str| FileChange {
            rel: rel.into(),
            bytes: Some(text.as_bytes().to_vec()),
        };
        store
            .commit(
                &lock,
                Change {
                    what: "add".into(),
                    files: vec![
                        file("smout.toml", &crate::create::settings_text("T", false)),
                        file("records/x/record.toml", MINIMAL),
                        file("records/x/rules-of-behavior.txt", "Rules.\n"),
                    ],
                    message: "add x\n".into(),
                    tag: None,
                },
            )
            .unwrap();
        drop(lock);
        let reg = Session::open(Register::open(dir.path()).unwrap()).unwrap();
        (dir, reg)
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, 10).unwrap()
    }

    fn one_status(reg: &Session) -> RecordStatus {
        let mut rows = register_status(reg, &[], today(), false).unwrap();
        assert_eq!(rows.len(), 1);
        rows.remove(0)
    }

    #[test]
    fn a_committed_record_is_a_draft_until_submitted() {
        let (_dir, reg) = register();
        let s = one_status(&reg);
        assert_eq!((s.status, s.submission), (Status::Draft, None));
        assert_eq!(
            s.next,
            "finish the record; `smout check x`, then `smout submit x`"
        );
        let out = crate::submit::submit(&reg, "x", today(), true, &mut |_| {}).unwrap();
        assert!(matches!(out, crate::submit::Outcome::Submitted(_)));
        let s = one_status(&reg);
        assert_eq!((s.status, s.submission), (Status::Submitted, Some(1)));
        assert_eq!(s.next, "awaiting the Privacy Office's determination");
    }

    #[test]
    fn an_uncommitted_determination_is_reported_never_believed() {
        let (dir, reg) = register();
        crate::submit::submit(&reg, "x", today(), true, &mut |_| {}).unwrap();
        std::fs::write(
            dir.path().join("records/x/determinations.toml"),
            "[[determination]]\nsubmission = 1\nrecord_sha256 = \"00\"\nreviewed = 2024-01-10\nreviewer = \"M\"\noutcome = \"met\"\n",
        )
        .unwrap();
        let s = one_status(&reg);
        assert_eq!(s.status, Status::Submitted);
        assert_eq!(
            s.warnings,
            ["records/x/determinations.toml has uncommitted changes; status uses the committed determinations"]
        );
    }
}
