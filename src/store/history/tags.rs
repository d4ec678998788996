//! A record's tags: its submissions, withdrawals and retirements, read from the references.

use std::collections::HashMap;

use git2::{Oid, Repository};
use serde::Serialize;

use crate::error::{Error, Result};

/// One submission of a record.
#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    /// Its number.
    pub n: u32,
    /// The commit the tag points to.
    pub commit: String,
    /// When the tag was made (seconds since the epoch).
    pub time: i64,
    /// The tag object (the commit itself for a lightweight tag).
    #[serde(skip)]
    pub tag: String,
}

/// A withdrawal or retirement of a record: the tag's number is the submission it ends (0: a
/// draft never submitted), the message says why.
#[derive(Debug, Clone, Serialize)]
pub struct Ending {
    /// `withdrawal` or `retirement`.
    pub kind: &'static str,
    /// The submission it ends.
    pub after: u32,
    /// When (seconds since the epoch).
    pub time: i64,
    /// Why, and who.
    pub message: String,
    /// The commit the tag marks (the commit that records the ending).
    pub commit: String,
}

/// The tag kinds that end a record's use.
const ENDINGS: [&str; 2] = ["withdrawal", "retirement"];

/// The ending a record tag of `kind` records: its number, time and message.
fn ending(repo: &Repository, kind: &'static str, s: &Submission) -> Ending {
    let message = Oid::from_str(&s.tag)
        .ok()
        .and_then(|t| repo.find_tag(t).ok())
        .and_then(|t| t.message().ok().flatten().map(|m| m.trim().to_string()))
        .unwrap_or_default();
    Ending {
        kind,
        after: s.n,
        time: s.time,
        message,
        commit: s.commit.clone(),
    }
}

/// The withdrawals and retirements of `id`, oldest first: from `tags` when every tag was read,
/// else from this record's tags alone.
pub(in crate::store) fn endings(
    repo: &Repository,
    tags: Option<&Tags>,
    id: &str,
) -> Result<Vec<Ending>> {
    let mut out = Vec::new();
    for kind in ENDINGS {
        let list = match tags {
            Some(t) => t
                .get(kind)
                .and_then(|m| m.get(id))
                .cloned()
                .unwrap_or_default(),
            None => record_tags(repo, id, kind)?,
        };
        out.extend(list.iter().map(|s| ending(repo, kind, s)));
    }
    out.sort_by_key(|e| (e.after, e.time));
    Ok(out)
}

/// Every withdrawal and retirement, by record id, oldest first.
pub(in crate::store) fn all_endings(
    repo: &Repository,
    tags: &Tags,
) -> Result<HashMap<String, Vec<Ending>>> {
    let mut out: HashMap<String, Vec<Ending>> = HashMap::new();
    for kind in ENDINGS {
        for (id, list) in tags.get(kind).into_iter().flatten() {
            out.entry(id.clone())
                .or_default()
                .extend(list.iter().map(|s| ending(repo, kind, s)));
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|e| (e.after, e.time));
    }
    Ok(out)
}

/// The record tags: kind (`submission`, `withdrawal` …) → record id → entries in number order.
pub type Tags = HashMap<String, HashMap<String, Vec<Submission>>>;

/// What a tag object says: the commit it marks and when it was made. Tag objects never change,
/// so these are kept by tag id between runs.
pub type TagFacts = HashMap<String, (String, i64)>;

/// Every record tag `smout/<id>/<kind>/<n>` in one pass over the references; the tag objects
/// are read only when `known` does not hold them (and are then added to it).
pub(in crate::store) fn all_tags(repo: &Repository, known: &mut TagFacts) -> Result<Tags> {
    let mut out: HashMap<String, HashMap<String, Vec<Submission>>> = HashMap::new();
    repo.tag_foreach(|oid, name| {
        let name = String::from_utf8_lossy(name);
        let Some(rest) = name.strip_prefix("refs/tags/smout/") else {
            return true;
        };
        let mut parts = rest.split('/');
        let (Some(id), Some(kind), Some(n), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return true;
        };
        let Ok(n) = n.parse::<u32>() else { return true };
        out.entry(kind.to_string())
            .or_default()
            .entry(id.to_string())
            .or_default()
            .push({
                let (commit, time) = tag_facts(repo, known, oid);
                Submission {
                    n,
                    commit,
                    time,
                    tag: oid.to_string(),
                }
            });
        true
    })
    .map_err(|e| Error::git("list the tags", e))?;
    for v in out.values_mut().flat_map(|m| m.values_mut()) {
        v.sort_by_key(|s| s.n);
    }
    Ok(out)
}

/// The record tag `oid` numbered `n`: the commit it marks and when it was made.
fn tagged(repo: &Repository, oid: Oid, n: u32) -> Submission {
    let (commit, time) = tagged_facts(repo, oid);
    Submission {
        n,
        commit: commit.to_string(),
        time,
        tag: oid.to_string(),
    }
}

/// What tag `oid` says (the commit it marks, when it was made): from `known`, else read from
/// the tag object and added to `known`.
pub(in crate::store) fn tag_facts(
    repo: &Repository,
    known: &mut TagFacts,
    oid: Oid,
) -> (String, i64) {
    let key = oid.to_string();
    if let Some(f) = known.get(&key) {
        return f.clone();
    }
    let (commit, time) = tagged_facts(repo, oid);
    let f = (commit.to_string(), time);
    known.insert(key, f.clone());
    f
}

/// The commit tag `oid` marks and when the tag was made (a lightweight tag: the commit itself,
/// and its time).
fn tagged_facts(repo: &Repository, oid: Oid) -> (Oid, i64) {
    match repo.find_tag(oid) {
        Ok(tag) => (
            tag.target_id(),
            tag.tagger()
                .map(|s| s.when().seconds())
                .unwrap_or_else(|| commit_time(repo, tag.target_id())),
        ),
        Err(_) => (oid, commit_time(repo, oid)),
    }
}

/// The tags `smout/<id>/<kind>/<n>` of one record, in order — read without listing every tag
/// of the register (a render of one record in a register of thousands).
pub(in crate::store) fn record_tags(
    repo: &Repository,
    id: &str,
    kind: &str,
) -> Result<Vec<Submission>> {
    let prefix = format!("refs/tags/smout/{id}/{kind}/");
    let refs = repo
        .references_glob(&format!("{prefix}*"))
        .map_err(|e| Error::git("list the tags", e))?;
    let mut out = Vec::new();
    for r in refs.flatten() {
        let (Ok(name), Some(oid)) = (r.name(), r.target()) else {
            continue;
        };
        let Some(Ok(n)) = name.strip_prefix(&prefix).map(str::parse::<u32>) else {
            continue;
        };
        out.push(tagged(repo, oid, n));
    }
    out.sort_by_key(|s| s.n);
    Ok(out)
}

fn commit_time(repo: &Repository, oid: Oid) -> i64 {
    repo.find_commit(oid)
        .map(|c| c.time().seconds())
        .unwrap_or(0)
}
