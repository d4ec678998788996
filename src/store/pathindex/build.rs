//! Building the index: loading the cached file and extending it to HEAD, on all cores.

use std::collections::HashMap;

use git2::{Oid, Repository, Tree};

use super::changes_file::{load, save};
use super::model::{Entry, FileChange, PathIndex};
use super::postings::{postings_current, postings_header, save_postings, PATHS_FILE};
use super::rawtree::{diff_raw, folder, subtree_id, RawTree};
use crate::error::{Error, Result};
use crate::store::layout::{RECORDS_DIR, SETTINGS_FILE};

const FILE: &str = "changes-v1";

/// Told (done, total) while a long stretch of history is being indexed.
type Progress = Box<dyn Fn(usize, usize) + Send + Sync>;

static PROGRESS: std::sync::OnceLock<Progress> = std::sync::OnceLock::new();

/// Have indexing report its progress (the command line shows it on a terminal). Set once.
pub fn on_progress(f: impl Fn(usize, usize) + Send + Sync + 'static) {
    let _ = PROGRESS.set(Box::new(f));
}

impl PathIndex {
    /// Load the index and extend it to HEAD (building it on first use).
    pub fn open(repo: &Repository, prefix: &str) -> Result<PathIndex> {
        PathIndex::open_with(repo, prefix, true)
    }

    /// Build the index from the history alone, ignoring (and then replacing) the cached file:
    /// for an audit that must not rely on anything but git's own objects.
    pub fn rebuild(repo: &Repository, prefix: &str) -> Result<PathIndex> {
        PathIndex::open_with(repo, prefix, false)
    }

    fn open_with(repo: &Repository, prefix: &str, use_cache: bool) -> Result<PathIndex> {
        let dir = repo.path().join("smout");
        let file = dir.join(FILE);
        let mut known: HashMap<Oid, Entry> = if use_cache {
            load(&file, prefix).unwrap_or_default()
        } else {
            HashMap::new()
        };
        let before = known.len();
        let Ok(head) = repo.head().and_then(|h| h.peel_to_commit()) else {
            return Ok(PathIndex::default());
        };
        // Walk back from HEAD through commit objects only (cheap): stretches already indexed
        // are followed through the index; the commits not yet indexed are collected.
        let mut chain: Vec<Oid> = Vec::new();
        let mut fresh: Vec<(Oid, Option<Oid>)> = Vec::new();
        let mut cur = Some(head);
        while let Some(c) = cur {
            let id = c.id();
            if known.contains_key(&id) {
                let mut next = Some(id);
                while let Some(k) = next {
                    match known.get(&k) {
                        Some(e) => {
                            chain.push(k);
                            next = e.parent;
                        }
                        None => break,
                    }
                }
                cur = next.and_then(|k| repo.find_commit(k).ok());
                continue;
            }
            chain.push(id);
            let parent = c.parent(0).ok();
            fresh.push((id, parent.as_ref().map(|p| p.id())));
            cur = parent;
        }
        // Index the new commits on all cores, in contiguous stretches so that each parent's
        // records tree, read once, serves as the next commit's.
        let records = &format!("{prefix}{RECORDS_DIR}");
        let settings = &format!("{prefix}{SETTINGS_FILE}");
        let done = std::sync::atomic::AtomicUsize::new(0);
        let total = fresh.len();
        let progress = |n: usize| {
            if let Some(p) = PROGRESS.get() {
                p(n, total);
            }
        };
        // A short stretch is not worth the threads.
        let max_threads = if fresh.len() < 64 { 1 } else { 8 };
        let gitdir = repo.path().to_path_buf();
        let results: Vec<Result<Vec<Entry>>> =
            crate::par::chunks(&fresh, max_threads, |part| -> Result<Vec<Entry>> {
                let repo =
                    Repository::open(&gitdir).map_err(|e| Error::git("open the repository", e))?;
                let tree_of = |id: Oid| {
                    repo.find_commit(id)
                        .and_then(|c| c.tree())
                        .map_err(|e| Error::git(format!("read commit {id}"), e))
                };
                let odb = repo
                    .odb()
                    .map_err(|e| Error::git("open the object store", e))?;
                let mut out = Vec::with_capacity(part.len());
                // The parent's root tree and `records/` tree, read for one commit, are the next
                // commit's.
                type Carried<'r> = (Oid, Tree<'r>, Option<std::rc::Rc<RawTree<'r>>>);
                let mut carried: Option<Carried<'_>> = None;
                for (id, parent) in part {
                    let (tree, mine) = match carried.take() {
                        Some((cid, t, r)) if cid == *id => (t, r),
                        _ => {
                            let t = tree_of(*id)?;
                            let r = subtree_id(&t, records)
                                .and_then(|o| RawTree::read(&odb, o).ok())
                                .map(std::rc::Rc::new);
                            (t, r)
                        }
                    };
                    let ptree = match parent {
                        Some(p) => Some(tree_of(*p)?),
                        None => None,
                    };
                    let theirs_id = ptree.as_ref().and_then(|t| subtree_id(t, records));
                    let (theirs, differ) = diff_raw(&odb, mine.as_ref(), theirs_id)?;
                    let mut changes = Vec::new();
                    for (name, new, old) in differ {
                        folder(&repo, &name, new, old, &mut changes)?;
                    }
                    let (s_new, s_old) = (
                        subtree_id(&tree, settings),
                        ptree.as_ref().and_then(|t| subtree_id(t, settings)),
                    );
                    if s_new != s_old {
                        changes.push(FileChange {
                            path: SETTINGS_FILE.into(),
                            old: s_old,
                            new: s_new,
                        });
                    }
                    out.push(Entry {
                        commit: *id,
                        parent: *parent,
                        changes,
                    });
                    carried = parent.zip(ptree).map(|(p, t)| (p, t, theirs));
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    if n.is_multiple_of(500) {
                        progress(n);
                    }
                }
                Ok(out)
            });
        for r in results {
            for e in r? {
                known.insert(e.commit, e);
            }
        }
        if total >= 500 {
            progress(total);
        }
        if known.len() != before || !use_cache {
            // Best effort: a read-only repository still gets its answers, just not cached.
            let _ = save(&dir, &file, &known, prefix);
        }
        chain.reverse();
        let mut entries = Vec::with_capacity(chain.len());
        for c in chain {
            if let Some(e) = known.remove(&c) {
                entries.push(e);
            }
        }
        let index = PathIndex::of(entries);
        if let Some(last) = index.entries.last() {
            let header = postings_header(prefix, last.commit);
            if !postings_current(&dir.join(PATHS_FILE), &header) {
                // Best effort, as above: without it `log` loads this index instead.
                let _ = save_postings(&dir, &header, &index);
            }
        }
        Ok(index)
    }
}
