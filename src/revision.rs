//! A record at a revision: the domain's names for revisions (`approved`, `submitted`,
//! `submission/N`, `worktree`, any git revision) resolved to a side of the store, and the
//! record there — its text, the determinations recorded on it, its attachments, and what a
//! release of it withholds.

use std::path::Path;

use crate::determination::Determinations;
use crate::error::{Error, Result};
use crate::register::Register;
use crate::store::history::Side;
use crate::store::{Oid, Store};

/// Resolve a revision name for record `id`: `worktree`, `approved` (the submission of the
/// latest approving determination), `submitted` (the latest submission), `submission/N`, or
/// any git revision. Returns the side and how to print it.
pub fn resolve(reg: &Register, store: &Store, id: &str, rev: &str) -> Result<(Side, String)> {
    if rev != "approved" {
        return store.resolve(id, rev);
    }
    approved(store, reg, id)?
        .map(|(n, c)| (Side::Commit(c), format!("submission/{n} (approved)")))
        .ok_or_else(|| Error::Revision {
            id: id.to_string(),
            spec: rev.to_string(),
            why: "no determination approves any of its submissions".into(),
        })
}

/// The submission number and commit of the latest approving determination, as HEAD records it
/// (never the working tree's word).
fn approved(store: &Store, reg: &Register, id: &str) -> Result<Option<(u32, Oid)>> {
    let dets = Determinations::committed(store, id)?;
    let Ok(form) = reg.form_of(id) else {
        return Ok(None);
    };
    let Some(d) = dets
        .determinations
        .iter()
        .rev()
        .find(|d| form.outcome(&d.outcome).is_some_and(|o| o.approves))
    else {
        return Ok(None);
    };
    let subs = store.submissions(id)?;
    Ok(subs
        .iter()
        .find(|s| s.n == d.submission)
        .and_then(|s| Oid::from_str(&s.commit).ok())
        .map(|c| (d.submission, c)))
}

/// A record at a revision: its text, its determinations, and where they came from.
#[derive(Debug, Clone)]
pub struct RecordAt {
    /// The record's id.
    pub id: String,
    /// record.toml.
    pub text: String,
    /// Its determinations (always from history: at the revision, or HEAD's for the work tree).
    pub determinations: Determinations,
    /// `records/x/record.toml` or `records/x/record.toml at submission/2`.
    pub origin: String,
    /// What it is when it is not exactly a submission (`DRAFT`, `CHANGED SINCE SUBMISSION 2`,
    /// `NOT A SUBMISSION`); empty when it is one.
    pub mark: String,
    /// Which revision it is (`submission 2`, `working tree`, `HEAD~1`).
    pub revision: String,
    /// The files it attaches (name, bytes), at the same revision.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// For a revision other than the record as it stands: what a release withholds of it,
    /// with whatever the record now withholds ([`crate::release::Withholding`], as a release
    /// diff withholds it) — a name marked `[[…]]` since, a field under `[release] redact`
    /// since. `None` for the record as it stands (its own markup says what is withheld).
    pub current: Option<crate::release::Withholding>,
}

/// The record as it stands: the working tree's, else (missing or not valid TOML) HEAD's.
pub fn current_record(store: &Store, id: &str) -> Option<toml::Table> {
    let rel = Register::record_rel(id);
    let parse = |t: String| toml::from_str::<toml::Table>(&t).ok();
    store
        .read_text(&rel, crate::store::fs::MAX_TEXT_BYTES)
        .ok()
        .flatten()
        .and_then(parse)
        .or_else(|| store.read_committed(&rel).ok().flatten().and_then(parse))
}

/// What a release copy of the record at `text` (an older revision) withholds beyond its own
/// markup: whatever it or the record as it stands withholds. `None` when it is the record as
/// it stands (or either does not read), whose copy withholds what its markup says.
fn withheld_since(store: &Store, id: &str, text: &str) -> Option<crate::release::Withholding> {
    let at: toml::Table = toml::from_str(text).ok()?;
    let now = current_record(store, id)?;
    (at != now).then(|| crate::release::Withholding::of([&at, &now]))
}

/// The attachments `text` names, read from the same side.
fn attachments_of(
    reg: &Register,
    store: &Store,
    id: &str,
    text: &str,
    side: &Side,
) -> Vec<(String, Vec<u8>)> {
    let (Ok(table), Ok(form)) = (toml::from_str::<toml::Table>(text), reg.form_of(id)) else {
        return Vec::new();
    };
    store.attachments(id, side, &form.attachments(&table))
}

/// Record `id` at `rev` (`None`: the working tree), with every revision name `diff` knows
/// (`approved`, `submitted`, `submission/N`, any git revision) resolved by the one resolver.
pub fn record_at(reg: &crate::session::Session, id: &str, rev: Option<&str>) -> Result<RecordAt> {
    record_at_in(reg, reg.store(), id, rev)
}

/// [`record_at`] through a store already open (the site renders thousands from one).
pub fn record_at_in(
    reg: &Register,
    store: &Store,
    id: &str,
    rev: Option<&str>,
) -> Result<RecordAt> {
    crate::register::validate_id(id)?;
    let rel = Register::record_rel(id);
    let drel = Register::determinations_rel(id);
    let Some(rev) = rev else {
        reg.require_record(id)?;
        let text = store
            .read_text(&rel, crate::store::fs::MAX_TEXT_BYTES)?
            .ok_or_else(|| reg.no_record(id))?;
        // Decisions come from history: the committed determinations, not the working tree's.
        let determinations = Determinations::committed(store, id)?;
        // Exactly the latest submission, or a draft, or changed since.
        let latest = match store.has_repo() {
            true => store.submissions(id)?.last().cloned().map(|s| {
                let same = store
                    .submission_commit(&s)
                    .and_then(|c| store.record_text(id, &Side::Commit(c)))
                    .is_ok_and(|t| t == text);
                (s.n, same)
            }),
            false => None,
        };
        let (mark, revision) = match latest {
            None => (
                "DRAFT — NOT SUBMITTED".to_string(),
                "working tree".to_string(),
            ),
            Some((n, true)) => (String::new(), format!("submission {n}")),
            Some((n, false)) => (
                format!("CHANGED SINCE SUBMISSION {n}"),
                "working tree".into(),
            ),
        };
        let attachments = attachments_of(reg, store, id, &text, &Side::Worktree);
        return Ok(RecordAt {
            id: id.to_string(),
            text,
            determinations,
            origin: rel,
            mark,
            revision,
            attachments,
            current: None,
        });
    };
    let (side, label) = resolve(reg, store, id, rev)?;
    let Side::Commit(oid) = side else {
        return record_at_in(reg, store, id, None);
    };
    let text = store.record_text(id, &side)?;
    // A revision that is a submission's commit is that submission, printed with the
    // determinations recorded on it (as HEAD has them committed); any other revision is not a
    // submission, printed with the determinations of its time.
    let subs = store.submissions(id)?;
    let (mark, revision, determinations) = match subs.iter().find(|s| s.commit == oid.to_string()) {
        Some(s) => {
            let mut all = Determinations::committed(store, id)?;
            all.determinations.retain(|d| d.submission == s.n);
            all.appeals.retain(|d| d.submission == s.n);
            (String::new(), format!("submission {}", s.n), all)
        }
        None => {
            let dtext = store.read_at(oid, &drel)?.unwrap_or_default();
            let at = Determinations::parse(&dtext, Path::new(&drel))?;
            ("NOT A SUBMISSION".to_string(), label.clone(), at)
        }
    };
    let attachments = attachments_of(reg, store, id, &text, &side);
    let current = withheld_since(store, id, &text);
    Ok(RecordAt {
        id: id.to_string(),
        text,
        determinations,
        origin: format!("{rel} at {label}"),
        mark,
        revision,
        attachments,
        current,
    })
}
