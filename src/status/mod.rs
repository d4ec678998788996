//! The status of every record, computed — never stored — from the record in the working tree,
//! its submission tags (read in one pass over the repository's tags) and its determinations.
//! "Changed" compares the working tree with the approved submission through the semantic diff,
//! so only material changes count.
//!
//! Here: reading history and the caches for each record. The state machine that decides from
//! what is read is in `state` (pure: no store, no git); the row and its listing views in `row`;
//! what a record's text says in `facts`; the cache kept between runs in `cache`.

mod cache;
mod facts;
mod filter;
mod row;
mod state;

use chrono::NaiveDate;

use crate::determination::{Determination, Determinations, Notes};
use crate::diff::material_change;
use crate::error::Result;
use crate::form::Form;
use crate::register::{Register, DETERMINATIONS_FILE, RECORDS_DIR};
use crate::release::Audience;
use crate::session::Session;
use crate::store::cache::Stamp;
use crate::store::history::{Ending, Submission, SubmittedRecords};
use crate::store::Store;

use cache::{Cache, Cached, CACHE};
use facts::{retention, Facts};
pub use filter::Filter;
pub use row::{Decision, RecordStatus, Waiting};
pub use state::Status;
use state::{decided_appeal, ruling, status_of, Case, Meaning};

/// Compute the status of every record (or of `only`), reading tags once.
pub fn register_status(
    reg: &Session,
    only: &[String],
    today: NaiveDate,
    audience: Audience,
) -> Result<Vec<RecordStatus>> {
    let release = audience.is_release();
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
    // Whom it waits on: the Privacy Office since the submission (or appeal), the program since
    // the determination that asks it to act.
    let submitted_on = |n: u32| {
        subs.iter()
            .find(|s| s.n == n)
            .map(|s| crate::store::history::date_of(s.time))
    };
    let since = match decided.status {
        Status::Submitted => latest_sub
            .and_then(submitted_on)
            .map(|d| ("privacy-office", d)),
        Status::Appealed => dets.appeals.last().map(|a| ("privacy-office", a.reviewed)),
        Status::NotYetMet | Status::NotAuthorized => decided.reviewed.map(|d| ("program", d)),
        _ => None,
    };
    let waiting = since.map(|(on, since)| Waiting {
        on,
        since,
        days: (today - since).num_days().max(0),
    });
    let turnaround = dets
        .determinations
        .iter()
        .filter(|d| d.corrects.is_none())
        .filter_map(|d| Some((d.reviewed - submitted_on(d.submission)?).num_days().max(0)))
        .collect();
    // A document it cites, retired or superseded since: a use in force is to be reviewed.
    let stale_citations: Vec<String> = reg
        .catalog
        .as_ref()
        .map(|cat| {
            facts
                .references
                .iter()
                .filter_map(|r| cat.stale(&crate::markup::plain(r), today))
                .collect()
        })
        .unwrap_or_default();
    let mut next = decided.next;
    let in_force = matches!(
        decided.status,
        Status::Approved | Status::Due | Status::Changed | Status::Submitted
    );
    if in_force && !stale_citations.is_empty() {
        next = format!(
            "review: {}; cite its successor and resubmit (`smout submit {id}`)",
            stale_citations.join("; ")
        );
    }
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
        next,
        stale_citations,
        ended: decided.ended,
        warnings,
        waiting,
        turnaround,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Change, FileChange};

    const MINIMAL: &str = include_str!("../../tests/fixtures/valid/minimal.toml");

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
        let mut rows = register_status(reg, &[], today(), Audience::Internal).unwrap();
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
