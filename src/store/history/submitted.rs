//! Every submitted record's blob, from one replay of the changed-path index.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository};
use serde::Serialize;

use super::tags::Submission;
use super::text::blob_text;
use crate::store::layout::RECORD_FILE;
use crate::store::pathindex::PathIndex;

/// [`SubmittedRecords`] as text, to keep between runs.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct SubmittedParts {
    head: HashMap<String, String>,
    blobs: Vec<(String, String, String)>,
}

/// Every submitted record's blob, found by replaying the changed-path index once, so that
/// `status` and `audit` read "the record as submitted" by blob id instead of walking trees.
pub struct SubmittedRecords {
    blobs: HashMap<(Oid, String), Oid>,
    /// Every file under `records/` as HEAD holds it (path relative to `records/` → blob).
    head: HashMap<String, Oid>,
    /// The commit `head` is of (`None` when not known: kept between runs for one HEAD).
    head_commit: Option<Oid>,
    prefix: String,
}

impl SubmittedRecords {
    /// Look up the records of all `subs` (by record id) in one replay of `index`.
    pub fn new(
        index: &PathIndex,
        subs: &HashMap<String, Vec<Submission>>,
        prefix: &str,
    ) -> SubmittedRecords {
        let mut by_commit: HashMap<Oid, Vec<&String>> = HashMap::new();
        for (id, list) in subs {
            for s in list {
                if let Ok(c) = Oid::from_str(&s.commit) {
                    by_commit.entry(c).or_default().push(id);
                }
            }
        }
        let mut blobs = HashMap::new();
        let mut head = HashMap::new();
        let last = index.entries.last().map(|e| e.commit);
        index.replay(|e, state| {
            for id in by_commit.get(&e.commit).into_iter().flatten() {
                if let Some(b) = state.get(&format!("{id}/{RECORD_FILE}")) {
                    blobs.insert((e.commit, (*id).clone()), *b);
                }
            }
            if Some(e.commit) == last {
                head = state.clone();
            }
        });
        SubmittedRecords {
            blobs,
            head,
            head_commit: last,
            prefix: prefix.to_string(),
        }
    }

    /// The blob of record `id` at submission commit `commit`, when the replay found it there.
    pub fn known_blob(&self, commit: Oid, id: &str) -> Option<Oid> {
        self.blobs.get(&(commit, id.to_string())).copied()
    }

    /// The commit whose files [`SubmittedRecords::at_head_blob`] gives.
    pub fn head_commit(&self) -> Option<Oid> {
        self.head_commit
    }

    /// The text of `records/<path>` as HEAD holds it (`None`: HEAD has no such file).
    pub(in crate::store) fn at_head(&self, repo: &Repository, path: &str) -> Option<String> {
        self.head.get(path).and_then(|b| blob_text(repo, *b).ok())
    }

    /// What this holds, as text to keep between runs: of HEAD's files only those `keep`
    /// names (a cache for one HEAD).
    pub fn to_parts(&self, keep: impl Fn(&str) -> bool) -> SubmittedParts {
        SubmittedParts {
            head: self
                .head
                .iter()
                .filter(|(p, _)| keep(p))
                .map(|(p, b)| (p.clone(), b.to_string()))
                .collect(),
            blobs: self
                .blobs
                .iter()
                .map(|((c, id), b)| (c.to_string(), id.clone(), b.to_string()))
                .collect(),
        }
    }

    /// Back from [`SubmittedRecords::to_parts`], if every submission of `subs` is in it (and
    /// every id in it is whole).
    pub fn from_parts(
        parts: &SubmittedParts,
        subs: &HashMap<String, Vec<Submission>>,
        prefix: &str,
    ) -> Option<SubmittedRecords> {
        let oid = |s: &str| (s.len() == 40).then(|| Oid::from_str(s).ok()).flatten();
        let mut blobs = HashMap::new();
        for (c, id, b) in &parts.blobs {
            blobs.insert((oid(c)?, id.clone()), oid(b)?);
        }
        let mut head = HashMap::new();
        for (p, b) in &parts.head {
            head.insert(p.clone(), oid(b)?);
        }
        for (id, list) in subs {
            for s in list {
                if !blobs.contains_key(&(oid(&s.commit)?, id.clone())) {
                    return None;
                }
            }
        }
        Some(SubmittedRecords {
            blobs,
            head,
            head_commit: None,
            prefix: prefix.to_string(),
        })
    }

    /// The blob of `records/<path>` as HEAD holds it.
    pub fn at_head_blob(&self, path: &str) -> Option<Oid> {
        self.head.get(path).copied()
    }

    /// The blob of record `id` as `sub` holds it; a commit off the first-parent chain is read
    /// through its tree.
    pub(in crate::store) fn blob(
        &self,
        repo: &Repository,
        id: &str,
        sub: &Submission,
    ) -> Option<Oid> {
        let commit = Oid::from_str(&sub.commit).ok()?;
        match self.blobs.get(&(commit, id.to_string())) {
            Some(b) => Some(*b),
            None => {
                let path = format!("{}{}", self.prefix, crate::store::layout::record_rel(id));
                let tree = repo.find_commit(commit).ok()?.tree().ok()?;
                tree.get_path(Path::new(&path)).ok().map(|e| e.id())
            }
        }
    }
}
