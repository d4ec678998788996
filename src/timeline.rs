//! A record's timeline for `log`: its revisions (with a one-line summary in the form's words),
//! submissions, determinations and appeals, newest first — computed here, printed by the
//! printers below (text or JSON) to any `io::Write`.

use serde::Serialize;

use crate::determination::Notes;
use crate::diff::RecordDiff;
use crate::error::{Error, Result};
use crate::markup;
use crate::register::{Register, RECORDS_DIR, RECORD_FILE};
use crate::release::Audience;
use crate::session::Session;
use crate::store::history::{date_of, short};
use crate::store::{tag_name, Oid, Store, TagKind};

/// One event of a timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The day (YYYY-MM-DD).
    pub date: String,
    /// Seconds since the epoch (for ordering).
    pub time: i64,
    /// `revision`, `submission`, `determination` or `appeal`.
    pub kind: &'static str,
    /// The commit, abbreviated.
    pub commit: Option<String>,
    /// Who (withheld as (b) (6) in a release).
    pub author: Option<String>,
    /// What happened.
    pub summary: String,
    /// What a determination or an appeal's decision says beyond its outcome (comments,
    /// Rules of Behavior analysis, findings, conditions), as this timeline's audience reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Notes>,
}

/// An event and what orders it: its full commit and its kind's rank at one commit.
struct Placed {
    event: Event,
    commit: Option<Oid>,
    rank: u8,
}

/// At one commit, what happened on top of a revision comes first.
fn rank(kind: &str) -> u8 {
    match kind {
        "withdrawal" | "retirement" => 0,
        "appeal" => 1,
        "determination" => 2,
        "submission" => 3,
        _ => 4,
    }
}

/// The one-line summaries of revisions, by record and (old blob, new blob), kept between runs
/// in `.git/smout/summaries-v1`: a summary depends only on the two versions and the forms
/// (both in the cache's key) — a release summary also on what the record withholds now, which
/// its key names apart — so a site written again reads and compares no old version.
#[derive(Default)]
pub struct Summaries {
    known: std::collections::HashMap<String, String>,
    made: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

const SUMMARIES: &str = "summaries-v1";

fn summaries_key(reg: &Register) -> String {
    format!(
        "smout summaries {} forms={}",
        crate::BUILD,
        reg.forms.fingerprint()
    )
}

impl Summaries {
    /// The summaries kept by the last run (none when missing, damaged or for other forms).
    pub fn load(reg: &Register, store: &Store) -> Summaries {
        Summaries {
            known: store
                .load_cache(SUMMARIES, &summaries_key(reg))
                .unwrap_or_default(),
            made: Default::default(),
        }
    }

    /// Keep what this run added, for the next (best effort, atomically).
    pub fn save(self, reg: &Register, store: &Store) {
        let made = self.made.into_inner().unwrap_or_default();
        if made.is_empty() {
            return;
        }
        let mut all = self.known;
        all.extend(made);
        store.save_cache(SUMMARIES, &summaries_key(reg), &all);
    }

    fn get(&self, key: &str) -> Option<String> {
        match self.known.get(key) {
            Some(s) => Some(s.clone()),
            None => self.made.lock().ok()?.get(key).cloned(),
        }
    }

    fn put(&self, key: String, summary: &str) {
        if let Ok(mut made) = self.made.lock() {
            made.insert(key, summary.to_string());
        }
    }
}

/// Why a record's timeline cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// HEAD's determinations file does not read.
    #[error("{rel} at HEAD: {source}")]
    Determinations {
        /// The file.
        rel: String,
        /// Why.
        source: Box<Error>,
    },
}

crate::error::refusal!(Refusal);

/// The timeline of record `id`, newest first. A `release` timeline passes every string through
/// the redaction step and withholds people's names and addresses under (b) (6).
pub fn timeline(reg: &Session, id: &str, audience: Audience) -> Result<Vec<Event>> {
    crate::register::validate_id(id)?;
    let store = reg.store();
    timeline_in(reg, store, (None, None), id, audience)
}

/// [`timeline`] with the store open and, when given, the history index loaded (the site writes
/// thousands of timelines from one index; `log` reads one record's postings instead).
pub fn timeline_in(
    reg: &Register,
    store: &Store,
    (index, summaries): (
        Option<&crate::store::pathindex::PathIndex>,
        Option<&Summaries>,
    ),
    id: &str,
    audience: Audience,
) -> Result<Vec<Event>> {
    let release = audience.is_release();
    let revs = store.record_history(index, id)?;
    if revs.is_empty() && !reg.record_dir(id).exists() {
        return Err(reg.no_record(id));
    }
    // A release summary is made from release copies of the two versions, each withholding what
    // either of them or the record as it stands withholds: it depends on what the record
    // withholds now too, which its cache key names. What the record marks now is withheld from
    // every message too (a commit message naming a person it marks).
    let current = match release {
        true => crate::revision::current_record(store, id),
        false => None,
    };
    let now = crate::release::Withholding::of(current.as_ref());
    let text = |s: &str| {
        if release {
            now.plain(s)
        } else {
            markup::plain(s)
        }
    };
    let person = |s: String| {
        if release {
            "[(b) (6)]".to_string()
        } else {
            s
        }
    };
    // Each version is parsed once: a revision's new side is the next one's old side.
    let mut parsed: std::collections::HashMap<crate::store::Oid, Option<std::rc::Rc<toml::Table>>> =
        std::collections::HashMap::new();
    let mut parse = |o: Option<crate::store::Oid>| -> Option<std::rc::Rc<toml::Table>> {
        let o = o?;
        parsed
            .entry(o)
            .or_insert_with(|| {
                store
                    .blob_text(o)
                    .ok()
                    .and_then(|t| toml::from_str(&t).ok())
                    .map(std::rc::Rc::new)
            })
            .clone()
    };
    let flavour = match release {
        true => format!(" release {}", now.fingerprint()),
        false => String::new(),
    };
    let mut events: Vec<Placed> = Vec::new();
    for r in &revs {
        let key = match (r.old_blob, r.new_blob) {
            (Some(o), Some(n)) => Some(format!("{id} {o} {n}{flavour}")),
            _ => None,
        };
        let kept = summaries.zip(key.as_deref()).and_then(|(s, k)| s.get(k));
        let summary = match kept {
            Some(s) => s,
            None => {
                let new = parse(r.new_blob);
                let made = match (r.old_blob, parse(r.old_blob), &new) {
                    (None, _, _) => "record created".to_string(),
                    (Some(_), Some(old), Some(new)) => {
                        let form_id = new.get("form").and_then(|v| v.as_str()).unwrap_or("");
                        match reg.forms.get(form_id) {
                            Some(form) if release => {
                                let (old, new) =
                                    crate::diff::release_copies(&old, new, current.as_ref());
                                RecordDiff::summary_of(form, &old, &new)
                            }
                            Some(form) => RecordDiff::summary_of(form, &old, new),
                            None => "changed".into(),
                        }
                    }
                    _ => "changed (not valid TOML on one side)".into(),
                };
                if let (Some(s), Some(k)) = (summaries, key) {
                    s.put(k, &made);
                }
                made
            }
        };
        let moved = match &r.moved_from {
            Some(f) => format!(" [moved from {RECORDS_DIR}/{f}]"),
            None if r.path != format!("{id}/{RECORD_FILE}") => {
                format!(" [as {RECORDS_DIR}/{}]", r.path)
            }
            None => String::new(),
        };
        events.push(Placed {
            event: Event {
                date: r.time.date_naive().to_string(),
                time: r.time.timestamp(),
                kind: "revision",
                commit: Some(crate::digest::short(&r.commit).to_string()),
                author: Some(person(format!("{} <{}>", r.author, r.email))),
                summary: format!("{}: {}{moved}", text(&r.message), text(&summary)),
                notes: None,
            },
            commit: Oid::from_str(&r.commit).ok(),
            rank: rank("revision"),
        });
    }
    // Each source newest first, so that what nothing else orders stays newest first.
    for s in store.submissions(id)?.iter().rev() {
        events.push(Placed {
            event: Event {
                date: date_of(s.time).to_string(),
                time: s.time,
                kind: "submission",
                commit: Some(crate::digest::short(&s.commit).to_string()),
                author: None,
                summary: format!(
                    "submission {} (tag {})",
                    s.n,
                    tag_name(id, TagKind::Submission, s.n)
                ),
                notes: None,
            },
            commit: Oid::from_str(&s.commit).ok(),
            rank: rank("submission"),
        });
    }
    for e in store.endings(id)?.iter().rev() {
        let commit = Oid::from_str(&e.commit).ok();
        events.push(Placed {
            event: Event {
                date: date_of(e.time).to_string(),
                time: e.time,
                kind: e.kind,
                commit: commit.map(short),
                author: None,
                summary: match e.after {
                    0 => format!("{} of the draft: {}", e.kind, text(&e.message)),
                    n => format!("{} after submission {n}: {}", e.kind, text(&e.message)),
                },
                notes: None,
            },
            commit,
            rank: rank(e.kind),
        });
    }
    // Decisions come from history: the committed determinations, each placed at the commit
    // that appended it to the file (and so also tagged it).
    let dets = crate::determination::Determinations::committed(store, id).map_err(|e| match e {
        Error::Determinations { .. } => Refusal::Determinations {
            rel: Register::determinations_rel(id),
            source: Box::new(e),
        }
        .into(),
        e => e,
    })?;
    let appended = if dets.determinations.is_empty() && dets.appeals.is_empty() {
        Default::default()
    } else {
        let count = |text: &str, path: &std::path::Path| {
            let d = crate::determination::Determinations::parse(text, path).ok()?;
            Some((d.determinations.len(), d.appeals.len()))
        };
        store.decision_commits(index, id, &revs, &count)?
    };
    let form = reg.form_of(id).ok();
    // A release withholds what any version of the record withholds, the working tree's too.
    let withheld = std::cell::OnceCell::new();
    let mut withheld_now = || {
        withheld
            .get_or_init(|| {
                let worktree = store
                    .read_text(&Register::record_rel(id), crate::store::fs::MAX_TEXT_BYTES)
                    .ok()
                    .flatten()
                    .and_then(|t| toml::from_str::<toml::Table>(&t).ok());
                let versions: Vec<_> = worktree
                    .map(std::rc::Rc::new)
                    .into_iter()
                    .chain(revs.iter().filter_map(|r| parse(r.new_blob)))
                    .collect();
                crate::release::Withholding::of(versions.iter().map(|t| &**t))
            })
            .clone()
    };
    for (kind, list, commits) in [
        (
            "determination",
            &dets.determinations,
            &appended.determinations,
        ),
        ("appeal", &dets.appeals, &appended.appeals),
    ] {
        for (k, d) in list.iter().enumerate().rev() {
            let corrects = match d.corrects {
                Some(c) => format!(" (corrects {kind} {c}: {})", text(&d.correction)),
                None => String::new(),
            };
            let review = d
                .review_by
                .map(|r| format!(", review by {r}"))
                .unwrap_or_default();
            // Where the history does not show the commit, the end of the review day.
            let at = commits.get(k).copied().flatten();
            let (time, commit) = match at {
                Some(a) => (a.time, Some(a.commit)),
                None => (
                    d.reviewed
                        .and_hms_opt(23, 59, 59)
                        .map(|t| t.and_utc().timestamp())
                        .unwrap_or(0),
                    None,
                ),
            };
            let date = date_of(time);
            let reviewed = match date == d.reviewed {
                true => String::new(),
                false => format!(" (reviewed {})", d.reviewed),
            };
            let notes = if release {
                let w = withheld_now();
                Notes::of(d, form, &|p, s| w.present(p, s))
            } else {
                Notes::of(d, form, &|_, s| markup::plain(s))
            };
            events.push(Placed {
                event: Event {
                    date: date.to_string(),
                    time,
                    kind,
                    commit: commit.map(short),
                    author: Some(person(markup::plain(&d.reviewer))),
                    summary: format!(
                        "{kind} {} on submission {}: {}{reviewed}{review}{corrects}",
                        k + 1,
                        d.submission,
                        d.outcome
                    ),
                    notes: (!notes.is_empty()).then_some(notes),
                },
                commit,
                rank: rank(kind),
            });
        }
    }
    Ok(newest_first(store, events))
}

/// The events newest first: by time; in the same second, by history (a commit after those it
/// descends from), then by kind at one commit (what happened on top of a revision first).
fn newest_first(store: &Store, mut events: Vec<Placed>) -> Vec<Event> {
    events.sort_by_key(|p| std::cmp::Reverse(p.event.time));
    // Only events of the same second are compared by history (a few, rarely any).
    let mut order: std::collections::HashMap<(i64, Oid), usize> = std::collections::HashMap::new();
    for same in events.chunk_by(|a, b| a.event.time == b.event.time) {
        let mut commits: Vec<Oid> = same.iter().filter_map(|p| p.commit).collect();
        commits.sort();
        commits.dedup();
        if commits.len() > 1 {
            let time = same[0].event.time;
            let places = store.history_order(&commits);
            order.extend(commits.iter().map(|&c| (time, c)).zip(places));
        }
    }
    let place = |p: &Placed| {
        p.commit
            .and_then(|c| order.get(&(p.event.time, c)))
            .copied()
            .unwrap_or(0)
    };
    events.sort_by(|a, b| {
        b.event
            .time
            .cmp(&a.event.time)
            .then(place(b).cmp(&place(a)))
            .then(a.rank.cmp(&b.rank))
    });
    events.into_iter().map(|p| p.event).collect()
}
