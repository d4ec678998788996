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
use crate::store::layout::{RECORDS_DIR, SETTINGS_FILE};

const FILE: &str = "changes-v1";
/// The same facts by path, for `log`: see [`PathPostings`].
const PATHS_FILE: &str = "paths-v1";

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

/// The commits reachable from HEAD off its first-parent chain, and the edges (commit, parent)
/// the chain's index leaves out: every edge of such a commit, and a merge's edges to its
/// second and later parents. `merges` are the chain's merges with their parents, first parent
/// first. Oldest first: a commit's edges come after those of every commit it descends from
/// off the chain. Each edge says what changed between the parent and the commit, as the
/// chain's entries do (an off-chain root: against nothing).
pub fn side_edges(
    repo: &Repository,
    prefix: &str,
    chain: &PathIndex,
    merges: &[(Oid, Vec<Oid>)],
) -> Result<Vec<Entry>> {
    let on_chain: std::collections::HashSet<Oid> = chain.entries.iter().map(|e| e.commit).collect();
    // Depth-first from each merge's other parents, stopping at the chain: a commit is listed
    // after all its parents (post-order), so the list is oldest first.
    let mut order: Vec<(Oid, Vec<Oid>)> = Vec::new();
    let mut seen: std::collections::HashSet<Oid> = std::collections::HashSet::new();
    for (_, parents) in merges {
        for &start in parents.iter().skip(1) {
            let mut stack: Vec<(Oid, bool)> = vec![(start, false)];
            while let Some((id, expanded)) = stack.pop() {
                if on_chain.contains(&id) {
                    continue;
                }
                if expanded {
                    let c = repo
                        .find_commit(id)
                        .map_err(|e| Error::git(format!("read commit {id}"), e))?;
                    order.push((id, c.parent_ids().collect()));
                    continue;
                }
                if !seen.insert(id) {
                    continue;
                }
                let c = repo
                    .find_commit(id)
                    .map_err(|e| Error::git(format!("read commit {id}"), e))?;
                stack.push((id, true));
                for p in c.parent_ids() {
                    if !seen.contains(&p) && !on_chain.contains(&p) {
                        stack.push((p, false));
                    }
                }
            }
        }
    }
    let records = format!("{prefix}{RECORDS_DIR}");
    let settings = format!("{prefix}{SETTINGS_FILE}");
    let odb = repo
        .odb()
        .map_err(|e| Error::git("open the object store", e))?;
    let edge = |commit: Oid, parent: Option<Oid>| -> Result<Entry> {
        let tree_of = |id: Oid| {
            repo.find_commit(id)
                .and_then(|c| c.tree())
                .map_err(|e| Error::git(format!("read commit {id}"), e))
        };
        let tree = tree_of(commit)?;
        let ptree = parent.map(tree_of).transpose()?;
        let mine = subtree_id(&tree, &records)
            .and_then(|o| RawTree::read(&odb, o).ok())
            .map(std::rc::Rc::new);
        let theirs = ptree.as_ref().and_then(|t| subtree_id(t, &records));
        let (_, differ) = diff_raw(&odb, mine.as_ref(), theirs)?;
        let mut changes = Vec::new();
        for (name, new, old) in differ {
            folder(repo, &name, new, old, &mut changes)?;
        }
        let (s_new, s_old) = (
            subtree_id(&tree, &settings),
            ptree.as_ref().and_then(|t| subtree_id(t, &settings)),
        );
        if s_new != s_old {
            changes.push(FileChange {
                path: SETTINGS_FILE.into(),
                old: s_old,
                new: s_new,
            });
        }
        Ok(Entry {
            commit,
            parent,
            changes,
        })
    };
    let mut out = Vec::new();
    for (id, parents) in &order {
        if parents.is_empty() {
            out.push(edge(*id, None)?);
        }
        for p in parents {
            out.push(edge(*id, Some(*p))?);
        }
    }
    for (m, parents) in merges {
        for p in parents.iter().skip(1) {
            out.push(edge(*m, Some(*p))?);
        }
    }
    Ok(out)
}

fn subtree_id(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
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

/// `-` or a whole object id (git2 would take a prefix and pad it with zeros).
fn parse_oid(s: &str) -> Option<Option<Oid>> {
    if s == "-" {
        Some(None)
    } else if s.len() == 40 {
        Oid::from_str(s).ok().map(Some)
    } else {
        None
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
fn removed_records(e: &Entry) -> Vec<(String, Option<Oid>)> {
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

/// The changed-path index turned around, in `.git/smout/paths-v1`: one line per change of a
/// path, sorted by path, so that one record's history is a binary search in the file instead of
/// loading every commit's changes. Its header names HEAD: a file written for another HEAD is
/// not used (the index is then loaded, extended, and this file written again).
///
/// Line format: `<path>\t<seq> <commit> <old|-> <new|->`, then for an addition
/// `\t<removed path> <old>` per record file the same commit removed.
#[derive(Debug)]
pub struct PathPostings {
    /// The whole file; its lines start after the header.
    text: String,
    body: usize,
}

/// The header names the register's prefix and HEAD; the body's length follows, so that a file
/// cut short (or added to) is not read.
fn postings_header(prefix: &str, head: Oid) -> String {
    format!("smout paths v1 prefix={prefix} head={head} bytes=")
}

/// Whether `file` begins with `header` and is as long as its header says (reads only the
/// beginning of the file).
fn postings_current(file: &Path, header: &str) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(file) else {
        return false;
    };
    let mut buf = vec![0u8; header.len() + 24];
    let Ok(n) = f.read(&mut buf) else {
        return false;
    };
    let buf = &buf[..n];
    let Some(nl) = buf.iter().position(|&c| c == b'\n') else {
        return false;
    };
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    std::str::from_utf8(&buf[..nl])
        .ok()
        .and_then(|l| l.strip_prefix(header))
        .and_then(|b| b.parse::<u64>().ok())
        .is_some_and(|b| b + nl as u64 + 1 == size)
}

fn save_postings(dir: &Path, header: &str, index: &PathIndex) -> std::io::Result<()> {
    let mut lines: Vec<(&str, usize, String)> = Vec::new();
    for (seq, e) in index.entries.iter().enumerate() {
        for c in &e.changes {
            // A path no line can hold: no postings (log loads the index instead).
            if c.path.contains(['\t', '\n']) {
                return Ok(());
            }
            let mut line = format!(
                "{}\t{seq} {} {} {}",
                c.path,
                e.commit,
                oid_text(c.old),
                oid_text(c.new)
            );
            if c.old.is_none() {
                for (p, o) in removed_records(e) {
                    line.push_str(&format!("\t{p} {}", oid_text(o)));
                }
            }
            lines.push((&c.path, seq, line));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    let mut body = String::with_capacity(lines.len() * 140);
    for (_, _, l) in lines {
        body.push_str(&l);
        body.push('\n');
    }
    let out = format!("{header}{}\n{body}", body.len());
    std::fs::create_dir_all(dir)?;
    crate::store::fs::write_atomic(&dir.join(PATHS_FILE), out.as_bytes())
}

impl PathPostings {
    /// The postings file of `repo`, if it was written for its HEAD and `prefix`.
    pub fn load(repo: &Repository, prefix: &str) -> Option<PathPostings> {
        let head = repo.head().ok()?.peel_to_commit().ok()?.id();
        let text = std::fs::read_to_string(repo.path().join("smout").join(PATHS_FILE)).ok()?;
        let (first, body) = text.split_once('\n')?;
        let bytes: usize = first
            .strip_prefix(&postings_header(prefix, head))?
            .parse()
            .ok()?;
        if bytes != body.len() {
            return None;
        }
        let body = first.len() + 1;
        Some(PathPostings { text, body })
    }

    /// Remove the postings file (it could not be read).
    pub fn discard(repo: &Repository) {
        let _ = std::fs::remove_file(repo.path().join("smout").join(PATHS_FILE));
    }

    /// The lines of `path`: a binary search for the first, then the lines that follow.
    fn lines<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let body = &self.text[self.body..];
        let b = body.as_bytes();
        let key = |start: usize| -> &[u8] {
            let line = &b[start..];
            let end = line.iter().position(|&c| c == b'\t' || c == b'\n');
            &line[..end.unwrap_or(line.len())]
        };
        // `lo` is always a line start; the first line whose path is not below `path` lies in
        // [lo, hi].
        let (mut lo, mut hi) = (0usize, b.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = b[lo..mid]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(lo, |p| lo + p + 1);
            if key(start) < path.as_bytes() {
                lo = b[start..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| start + p + 1);
            } else {
                hi = start;
            }
        }
        body[lo..]
            .lines()
            .take_while(move |l| l.split('\t').next() == Some(path))
    }
}

impl PathHistory for PathPostings {
    fn path_changes(&self, path: &str) -> Option<Vec<PathChange>> {
        let parse = |line: &str| -> Option<PathChange> {
            let mut parts = line.split('\t').skip(1);
            let mut f = parts.next()?.split(' ');
            let seq = f.next()?.parse().ok()?;
            let commit = parse_oid(f.next()?)??;
            let old = parse_oid(f.next()?)?;
            let new = parse_oid(f.next()?)?;
            let removed = parts
                .map(|r| {
                    let (p, o) = r.rsplit_once(' ')?;
                    Some((p.to_string(), parse_oid(o)?))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(PathChange {
                seq,
                commit,
                old,
                new,
                removed,
            })
        };
        self.lines(path).map(parse).collect()
    }
}

/// A tree object's raw bytes and where each of its entries starts: the `records/` tree of one
/// commit, read once, against which the next commit's is compared byte for byte.
struct RawTree<'odb> {
    id: Oid,
    obj: git2::OdbObject<'odb>,
    starts: Vec<usize>,
}

/// Where the entry starting at `start` ends (`<mode> <name>\0<20-byte id>`).
fn entry_end(data: &[u8], start: usize) -> Option<usize> {
    let nul = data.get(start..)?.iter().position(|&c| c == 0)?;
    let end = start + nul + 1 + 20;
    (end <= data.len()).then_some(end)
}

/// The name and id of the entry starting at `start`.
fn entry_at(data: &[u8], start: usize) -> Option<(&[u8], Oid)> {
    let end = entry_end(data, start)?;
    let head = &data[start..end - 21];
    let space = head.iter().position(|&c| c == b' ')?;
    let id = Oid::from_bytes(&data[end - 20..end]).ok()?;
    Some((&head[space + 1..], id))
}

/// The length of the longest common prefix of `a` and `b`, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the longest common suffix of `a` and `b`, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    const BLOCK: usize = 256;
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= max && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    i + a[..la - i]
        .iter()
        .rev()
        .zip(b[..lb - i].iter().rev())
        .take(max - i)
        .take_while(|(x, y)| x == y)
        .count()
}

/// The names and ids of the entries starting at `list`.
fn entries_of(data: &[u8], list: &[usize], id: Oid) -> Result<Vec<(Vec<u8>, Oid)>> {
    list.iter()
        .map(|&s| {
            entry_at(data, s)
                .map(|(n, o)| (n.to_vec(), o))
                .ok_or_else(|| RawTree::damaged(id))
        })
        .collect()
}

/// Which entries differ between two lists in tree order: (name, id in `mine`, id in `theirs`).
fn merge(
    mine: &[(Vec<u8>, Oid)],
    theirs: &[(Vec<u8>, Oid)],
) -> Vec<(String, Option<Oid>, Option<Oid>)> {
    let mut out = Vec::new();
    let (mut x, mut y) = (mine.iter().peekable(), theirs.iter().peekable());
    loop {
        let ord = match (x.peek(), y.peek()) {
            (None, None) => break,
            (Some(m), Some(t)) => tree_order(&m.0, &t.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
        };
        let (name, here, there) = match ord {
            std::cmp::Ordering::Equal => {
                let (m, t) = (x.next().expect("peeked"), y.next().expect("peeked"));
                if m.1 == t.1 {
                    continue;
                }
                (&m.0, Some(m.1), Some(t.1))
            }
            std::cmp::Ordering::Less => {
                let m = x.next().expect("peeked");
                (&m.0, Some(m.1), None)
            }
            std::cmp::Ordering::Greater => {
                let t = y.next().expect("peeked");
                (&t.0, None, Some(t.1))
            }
        };
        out.push((String::from_utf8_lossy(name).into_owned(), here, there));
    }
    out
}

/// The entries of `records/` that differ between a commit's tree (`mine`) and its parent's
/// (tree `theirs`), and the parent's tree as read: located from `mine` when both are there.
#[allow(clippy::type_complexity)]
fn diff_raw<'odb>(
    odb: &'odb git2::Odb<'odb>,
    mine: Option<&std::rc::Rc<RawTree<'odb>>>,
    theirs: Option<Oid>,
) -> Result<(
    Option<std::rc::Rc<RawTree<'odb>>>,
    Vec<(String, Option<Oid>, Option<Oid>)>,
)> {
    let all = |t: &RawTree<'_>| entries_of(t.data(), &t.starts, t.id);
    Ok(match (mine, theirs) {
        (Some(m), Some(t)) if m.id == t => (Some(m.clone()), Vec::new()),
        (Some(m), Some(t)) => match m.next(odb, t) {
            Ok((r, d)) => (Some(std::rc::Rc::new(r)), d),
            // Not a tree there (a file named `records`): nothing of it is a record.
            Err(_) => (None, merge(&all(m)?, &[])),
        },
        (None, Some(t)) => match RawTree::read(odb, t) {
            Ok(r) => {
                let d = merge(&[], &all(&r)?);
                (Some(std::rc::Rc::new(r)), d)
            }
            Err(_) => (None, Vec::new()),
        },
        (Some(m), None) => (None, merge(&all(m)?, &[])),
        (None, None) => (None, Vec::new()),
    })
}

impl<'odb> RawTree<'odb> {
    /// Tree `id`, every entry located.
    fn read(odb: &'odb git2::Odb<'odb>, id: Oid) -> Result<RawTree<'odb>> {
        let obj = Self::object(odb, id)?;
        let data = obj.data();
        let mut starts = Vec::with_capacity(data.len() / 32);
        let mut p = 0;
        while p < data.len() {
            starts.push(p);
            p = entry_end(data, p).ok_or_else(|| Self::damaged(id))?;
        }
        Ok(RawTree { id, obj, starts })
    }

    /// The bytes of tree `id` (read as git stores them, not parsed into entries).
    fn object(odb: &'odb git2::Odb<'odb>, id: Oid) -> Result<git2::OdbObject<'odb>> {
        let obj = odb
            .read(id)
            .map_err(|e| Error::git(format!("read tree {id}"), e))?;
        if obj.kind() != git2::ObjectType::Tree {
            return Err(Self::damaged(id));
        }
        Ok(obj)
    }

    fn data(&self) -> &[u8] {
        self.obj.data()
    }

    fn damaged(id: Oid) -> Error {
        Error::Git(format!("tree {id} cannot be read as a tree"))
    }

    /// Tree `id`, located from this one: the bytes both share at the start and at the end
    /// hold the same entries, so only the stretch between is parsed. Also returns the
    /// entries that differ: (name, id here, id there).
    #[allow(clippy::type_complexity)]
    fn next(
        &self,
        odb: &'odb git2::Odb<'odb>,
        id: Oid,
    ) -> Result<(RawTree<'odb>, Vec<(String, Option<Oid>, Option<Oid>)>)> {
        let obj = Self::object(odb, id)?;
        let (a, b) = (self.data(), obj.data());
        let first = common_prefix(a, b);
        let suffix = common_suffix(a, b, a.len().min(b.len()) - first);
        // The entry of `a` holding the first difference starts at the same place in `b`.
        let k = self
            .starts
            .partition_point(|&s| s <= first)
            .saturating_sub(1);
        let mut starts: Vec<usize> = self.starts[..k].to_vec();
        let mut p = self.starts.get(k).copied().unwrap_or(0);
        // Parse `b` until it meets, inside the common suffix, a place where `a` has an entry:
        // from there on the two parse alike.
        let tail_a = loop {
            if p >= b.len() - suffix {
                let q = p + a.len() - b.len();
                if let Ok(j) = self.starts.binary_search(&q) {
                    break j;
                }
                if p == b.len() {
                    break self.starts.len();
                }
            }
            starts.push(p);
            p = entry_end(b, p).ok_or_else(|| Self::damaged(id))?;
        };
        let tail_b = starts.len();
        starts.extend(self.starts[tail_a..].iter().map(|s| s + b.len() - a.len()));
        let mine = entries_of(a, &self.starts[k..tail_a], self.id)?;
        let theirs = entries_of(b, &starts[k..tail_b], id)?;
        let out = merge(&mine, &theirs);
        Ok((RawTree { id, obj, starts }, out))
    }
}
