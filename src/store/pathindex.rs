//! An exact changed-path index of the register's history, kept in `.git/smout/changes-v1`.
//!
//! Git answers "which commits changed this file?" quickly only with changed-path Bloom filters;
//! without them every commit's `records/` tree (one entry per record) is read, twice. smout keeps
//! its own index instead: for each commit on the first-parent chain of HEAD, which files under
//! `records/` (and the register's `smout.toml`) changed, with their old and new blob ids. Commits
//! never change, so the index is only ever extended: each run reads it, then indexes just the
//! commits made since. `log`, `status` and `audit` then read blobs by id and never walk trees.
//!
//! The file is a cache: when it is missing or unreadable it is rebuilt, and nothing is lost.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository, Tree};

use crate::error::{Error, Result};
use crate::register::{RECORDS_DIR, SETTINGS_FILE};

const FILE: &str = "changes-v1";

/// Told (done, total) while a long stretch of history is being indexed.
type Progress = Box<dyn Fn(usize, usize) + Send + Sync>;

static PROGRESS: std::sync::OnceLock<Progress> = std::sync::OnceLock::new();

/// Have indexing report its progress (the command line shows it on a terminal). Set once.
pub fn on_progress(f: impl Fn(usize, usize) + Send + Sync + 'static) {
    let _ = PROGRESS.set(Box::new(f));
}

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
                let mut out = Vec::with_capacity(part.len());
                let mut carried: Option<(Oid, Option<Tree<'_>>)> = None;
                for (id, parent) in part {
                    let tree = tree_of(*id)?;
                    let mine: Option<Tree<'_>> = match carried.take() {
                        Some((cid, t)) if cid == *id => t,
                        _ => subtree_id(&tree, records).and_then(|o| repo.find_tree(o).ok()),
                    };
                    let ptree = match parent {
                        Some(p) => Some(tree_of(*p)?),
                        None => None,
                    };
                    let theirs_id = ptree.as_ref().and_then(|t| subtree_id(t, records));
                    let theirs: Option<Tree<'_>> = if theirs_id == mine.as_ref().map(|t| t.id()) {
                        mine.clone()
                    } else {
                        theirs_id.and_then(|o| repo.find_tree(o).ok())
                    };
                    let mut changes = diff_records(&repo, mine.as_ref(), theirs.as_ref())?;
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
                    carried = parent.map(|p| (p, theirs));
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
        Ok(PathIndex::of(entries))
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

fn subtree_id(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// The files that differ between two `records/` trees, with blob ids. A merge-join over the
/// entries in tree order that allocates only for entries that differ.
fn diff_records(
    repo: &Repository,
    mine: Option<&Tree<'_>>,
    theirs: Option<&Tree<'_>>,
) -> Result<Vec<FileChange>> {
    if mine.map(|t| t.id()) == theirs.map(|t| t.id()) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut a = mine.into_iter().flat_map(|t| t.iter()).peekable();
    let mut b = theirs.into_iter().flat_map(|t| t.iter()).peekable();
    loop {
        let ord = match (a.peek(), b.peek()) {
            (None, None) => break,
            (Some(x), Some(y)) => tree_order(x.name_bytes(), y.name_bytes()),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
        };
        match ord {
            std::cmp::Ordering::Equal => {
                let (x, y) = (a.next().expect("peeked"), b.next().expect("peeked"));
                if x.id() != y.id() {
                    folder(
                        repo,
                        &String::from_utf8_lossy(x.name_bytes()),
                        Some(x.id()),
                        Some(y.id()),
                        &mut out,
                    )?;
                }
            }
            std::cmp::Ordering::Less => {
                let x = a.next().expect("peeked");
                folder(
                    repo,
                    &String::from_utf8_lossy(x.name_bytes()),
                    Some(x.id()),
                    None,
                    &mut out,
                )?;
            }
            std::cmp::Ordering::Greater => {
                let y = b.next().expect("peeked");
                folder(
                    repo,
                    &String::from_utf8_lossy(y.name_bytes()),
                    None,
                    Some(y.id()),
                    &mut out,
                )?;
            }
        }
    }
    Ok(out)
}

/// Git sorts tree entries by name, folders as if their name ended in '/'. Record folders are all
/// folders, so plain byte order of the names with a trailing '/' is the order.
fn tree_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.iter().chain(b"/").cmp(b.iter().chain(b"/"))
}

/// The file changes inside one record folder (`new` is this commit's, `old` the parent's).
fn folder(
    repo: &Repository,
    name: &str,
    new: Option<Oid>,
    old: Option<Oid>,
    out: &mut Vec<FileChange>,
) -> Result<()> {
    let files = |o: Option<Oid>| -> HashMap<String, Oid> {
        o.and_then(|o| repo.find_tree(o).ok())
            .map(|t| {
                t.iter()
                    .filter_map(|e| Some((e.name().ok()?.to_string(), e.id())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (n, o) = (files(new), files(old));
    let mut names: Vec<&String> = n.keys().chain(o.keys()).collect();
    names.sort();
    names.dedup();
    for f in names {
        let (x, y) = (o.get(f).copied(), n.get(f).copied());
        if x != y {
            out.push(FileChange {
                path: format!("{name}/{f}"),
                old: x,
                new: y,
            });
        }
    }
    Ok(())
}

fn oid_text(o: Option<Oid>) -> String {
    o.map(|o| o.to_string()).unwrap_or_else(|| "-".into())
}

fn parse_oid(s: &str) -> Option<Option<Oid>> {
    if s == "-" {
        Some(None)
    } else {
        Oid::from_str(s).ok().map(Some)
    }
}

/// Format: a header naming the register's prefix, then per commit
/// `<commit> <parent|-> <n>` and n lines `\t<path> <old|-> <new|->`.
fn load(file: &Path, prefix: &str) -> Option<HashMap<Oid, Entry>> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != format!("smout changes v1 prefix={prefix}") {
        return None;
    }
    let mut out = HashMap::new();
    while let Some(l) = lines.next() {
        let mut p = l.split(' ');
        let commit = Oid::from_str(p.next()?).ok()?;
        let parent = parse_oid(p.next()?)?;
        let n: usize = p.next()?.parse().ok()?;
        let mut changes = Vec::with_capacity(n);
        for _ in 0..n {
            let c = lines.next()?.strip_prefix('\t')?;
            let mut q = c.rsplitn(3, ' ');
            let new = parse_oid(q.next()?)?;
            let old = parse_oid(q.next()?)?;
            let path = q.next()?.to_string();
            changes.push(FileChange { path, old, new });
        }
        out.insert(
            commit,
            Entry {
                commit,
                parent,
                changes,
            },
        );
    }
    Some(out)
}

fn save(dir: &Path, file: &Path, known: &HashMap<Oid, Entry>, prefix: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut out = String::with_capacity(known.len() * 160);
    out.push_str(&format!("smout changes v1 prefix={prefix}\n"));
    for e in known.values() {
        out.push_str(&format!(
            "{} {} {}\n",
            e.commit,
            oid_text(e.parent),
            e.changes.len()
        ));
        for c in &e.changes {
            out.push_str(&format!(
                "\t{} {} {}\n",
                c.path,
                oid_text(c.old),
                oid_text(c.new)
            ));
        }
    }
    crate::store::fs::write_atomic(file, out.as_bytes())
}
