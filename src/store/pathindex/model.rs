//! The index's model: the commits of the first-parent chain and what each changed, and the
//! changes of one path as a record's history asks them.

use std::collections::HashMap;

use git2::Oid;

/// One changed file: its path relative to `records/` (`x/record.toml`) or `smout.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path.
    pub path: String,
    /// Blob before (None: added).
    pub old: Option<Oid>,
    /// Blob after (None: deleted).
    pub new: Option<Oid>,
}

/// One commit of the first-parent chain and what it changed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The commit.
    pub commit: Oid,
    /// Its first parent.
    pub parent: Option<Oid>,
    /// The files it changed.
    pub changes: Vec<FileChange>,
}

/// The index, oldest commit first, for the chain ending at HEAD.
#[derive(Debug, Clone, Default)]
pub struct PathIndex {
    /// Commits, oldest first.
    pub entries: Vec<Entry>,
    /// Per path, the entries that change it, oldest first: built on first use, so that the
    /// history of one record does not scan every commit (the site asks it of every record).
    postings: std::sync::OnceLock<std::collections::HashMap<String, Vec<usize>>>,
}

impl PathIndex {
    /// The index of `entries`.
    pub fn of(entries: Vec<Entry>) -> PathIndex {
        PathIndex {
            entries,
            postings: std::sync::OnceLock::new(),
        }
    }

    /// The entries (positions in `entries`, oldest first) that change `path`.
    pub fn changing(&self, path: &str) -> &[usize] {
        let postings = self.postings.get_or_init(|| {
            let mut m: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            for (i, e) in self.entries.iter().enumerate() {
                for c in &e.changes {
                    m.entry(c.path.clone()).or_default().push(i);
                }
            }
            m
        });
        postings.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The blob of every `records/<path>` as of each commit, computed by replaying the chain:
    /// call `f(entry, state)` after each commit's changes are applied.
    pub fn replay(&self, mut f: impl FnMut(&Entry, &HashMap<String, Oid>)) {
        let mut state: HashMap<String, Oid> = HashMap::new();
        for e in &self.entries {
            for c in &e.changes {
                match c.new {
                    Some(n) => {
                        state.insert(c.path.clone(), n);
                    }
                    None => {
                        state.remove(&c.path);
                    }
                }
            }
            f(e, &state);
        }
    }
}

/// One change of one path, as a record's history needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    /// The commit's position on the first-parent chain (0: the root).
    pub seq: usize,
    /// The commit.
    pub commit: Oid,
    /// Blob before (None: added).
    pub old: Option<Oid>,
    /// Blob after (None: deleted).
    pub new: Option<Oid>,
    /// For an addition: the record files the same commit removed, with their blobs (a move).
    pub removed: Vec<(String, Option<Oid>)>,
}

/// What changed one path, oldest first: answered by the whole index in memory, or by the
/// postings file without loading it.
pub trait PathHistory {
    /// The changes of `path` (relative to `records/`), oldest first; `None` when the answer
    /// cannot be trusted (a damaged cache file).
    fn path_changes(&self, path: &str) -> Option<Vec<PathChange>>;
}

impl PathHistory for PathIndex {
    fn path_changes(&self, path: &str) -> Option<Vec<PathChange>> {
        let out = self
            .changing(path)
            .iter()
            .filter_map(|&seq| {
                let e = &self.entries[seq];
                let c = e.changes.iter().find(|c| c.path == path)?;
                Some(PathChange {
                    seq,
                    commit: e.commit,
                    old: c.old,
                    new: c.new,
                    removed: if c.old.is_none() {
                        removed_records(e)
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect();
        Some(out)
    }
}

/// The record files a commit removed (where a record added by it may have come from).
pub(super) fn removed_records(e: &Entry) -> Vec<(String, Option<Oid>)> {
    e.changes
        .iter()
        .filter(|x| {
            x.new.is_none()
                && x.path
                    .ends_with(&format!("/{}", crate::store::layout::RECORD_FILE))
        })
        .map(|x| (x.path.clone(), x.old))
        .collect()
}
