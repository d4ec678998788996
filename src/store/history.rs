//! A record's history in git: its submissions (annotated tags `smout/<id>/submission/<n>`),
//! the revisions that changed it (a revwalk comparing the path's tree-entry ids with the
//! parent's, top-down, so unchanged subtrees are never opened), renames, and the revisions that
//! `diff` accepts by name (`approved`, `submitted`, `submission/N`, `worktree`).

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use git2::{Oid, Repository};

use crate::store::pathindex::{PathChange, PathHistory, PathIndex};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::layout::RECORD_FILE;

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
pub(super) fn endings(repo: &Repository, tags: Option<&Tags>, id: &str) -> Result<Vec<Ending>> {
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
pub(super) fn all_endings(repo: &Repository, tags: &Tags) -> Result<HashMap<String, Vec<Ending>>> {
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
pub(super) fn all_tags(repo: &Repository, known: &mut TagFacts) -> Result<Tags> {
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
pub(super) fn tag_facts(repo: &Repository, known: &mut TagFacts, oid: Oid) -> (String, i64) {
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
pub(super) fn record_tags(repo: &Repository, id: &str, kind: &str) -> Result<Vec<Submission>> {
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

/// The ids a record had before it was moved to `records/<id>/` (newest first).
pub(super) fn former_ids(
    repo: &Repository,
    index: &dyn PathHistory,
    id: &str,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for r in record_history(repo, index, id)? {
        if let Some(old) = r
            .moved_from
            .as_deref()
            .and_then(|p| p.strip_suffix(&format!("/{RECORD_FILE}")))
        {
            if old != id && !out.iter().any(|o| o == old) {
                out.push(old.to_string());
            }
        }
    }
    Ok(out)
}

/// One side of a comparison.
#[derive(Debug, Clone)]
pub enum Side {
    /// The working tree.
    Worktree,
    /// A commit.
    Commit(Oid),
}

/// Where the file now at `path` (in HEAD) was at `commit`, if git sees it as renamed since.
pub(super) fn former_path(
    repo: &Repository,
    commit: &git2::Commit<'_>,
    path: &str,
) -> Result<Option<String>> {
    let head = repo
        .head()
        .and_then(|h| h.peel_to_tree())
        .map_err(|e| Error::git("read HEAD's tree", e))?;
    let mut opts = git2::DiffOptions::new();
    let old = commit
        .tree()
        .map_err(|e| Error::git(format!("read the tree of {}", short(commit.id())), e))?;
    let mut diff = repo
        .diff_tree_to_tree(Some(&old), Some(&head), Some(&mut opts))
        .map_err(|e| Error::git("compare trees to follow a rename", e))?;
    let mut find = git2::DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .map_err(|e| Error::git("find renames", e))?;
    for delta in diff.deltas() {
        if delta.status() == git2::Delta::Renamed
            && delta.new_file().path() == Some(Path::new(path))
        {
            return Ok(delta
                .old_file()
                .path()
                .map(|p| p.to_string_lossy().replace('\\', "/")));
        }
    }
    Ok(None)
}

/// The short form of a commit id.
pub fn short(oid: Oid) -> String {
    crate::digest::short(&oid.to_string()).to_string()
}

/// A revision that changed a record.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// Commit id.
    pub commit: String,
    /// The record's path then, relative to `records/` (`x/record.toml`).
    pub path: String,
    /// The record's blob before this revision (for a move: at its former path).
    #[serde(skip)]
    pub old_blob: Option<Oid>,
    /// The record's blob after this revision.
    #[serde(skip)]
    pub new_blob: Option<Oid>,
    /// Moved here from this path (relative to `records/`).
    pub moved_from: Option<String>,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author time.
    pub time: DateTime<Utc>,
    /// First line of the message.
    pub message: String,
    /// The commit's position on the first-parent chain (0: the root), for ordering.
    #[serde(skip)]
    pub seq: usize,
}

/// The revisions of record `id`, newest first, from the changed-path index (first-parent
/// history of HEAD), following moves: a record file added in the same commit that removed
/// another record file with the same content — or the only one removed — was moved.
pub(super) fn record_history(
    repo: &Repository,
    index: &dyn PathHistory,
    id: &str,
) -> Result<Vec<Revision>> {
    let mut current = format!("{id}/{RECORD_FILE}");
    let mut out = Vec::new();
    // Newest first, through the changes of the current path only; below a move, the path it
    // was moved from.
    let mut below = usize::MAX;
    'paths: loop {
        let changes = index.path_changes(&current).ok_or_else(|| {
            Error::Git(format!(
                "the history index of {current} is damaged; run `smout audit --rebuild-index` to rebuild it"
            ))
        })?;
        let older: Vec<&PathChange> = changes.iter().rev().filter(|c| c.seq < below).collect();
        for c in older {
            below = c.seq;
            let Some(new) = c.new else { continue };
            let mut rev_old = c.old;
            let mut moved_from = None;
            if c.old.is_none() {
                let from =
                    c.removed
                        .iter()
                        .find(|x| x.1 == Some(new))
                        .or(if c.removed.len() == 1 {
                            c.removed.first()
                        } else {
                            None
                        });
                if let Some(f) = from {
                    moved_from = Some(f.0.clone());
                    rev_old = f.1;
                }
            }
            let commit = repo
                .find_commit(c.commit)
                .map_err(|err| Error::git(format!("read commit {}", short(c.commit)), err))?;
            let sig = commit.author();
            out.push(Revision {
                commit: c.commit.to_string(),
                path: current.clone(),
                old_blob: rev_old,
                new_blob: Some(new),
                moved_from: moved_from.clone(),
                author: sig.name().unwrap_or("").to_string(),
                email: sig.email().unwrap_or("").to_string(),
                time: DateTime::from_timestamp(sig.when().seconds(), 0).unwrap_or_default(),
                message: commit.summary().ok().flatten().unwrap_or("").to_string(),
                seq: c.seq,
            });
            match moved_from {
                Some(f) => {
                    current = f;
                    continue 'paths;
                }
                None if c.old.is_none() => break 'paths,
                None => {}
            }
        }
        break;
    }
    Ok(out)
}

/// The commit that appended an entry (a determination or an appeal) to a record's
/// determinations file, and when (its author time, as revisions are timed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The commit.
    pub commit: Oid,
    /// Its author time, seconds since the epoch.
    pub time: i64,
}

/// For each entry of a record's determinations file, in file order, the commit that appended
/// it (`None` where the history does not show one).
#[derive(Debug, Clone, Default)]
pub struct DecisionCommits {
    /// Of each `[[determination]]`.
    pub determinations: Vec<Option<Appended>>,
    /// Of each `[[appeal]]`.
    pub appeals: Vec<Option<Appended>>,
}

/// Reads a version of a record's determinations file (its text and path): how many
/// determinations and appeals it holds (`None`: it does not parse, and is passed over).
pub type Counter<'a> = dyn Fn(&str, &Path) -> Option<(usize, usize)> + 'a;

/// The commits that appended each entry of record `id`'s determinations file: the
/// first-parent commit from which the file holds it, found through the file's changes in the
/// changed-path index, followed through the record's moves (`revs`, its revisions newest
/// first, say where its folder was when). A version that does not parse is passed over; a
/// file deleted (or moved away) and added again keeps the entries it held.
pub(super) fn decision_commits(
    repo: &Repository,
    index: &dyn PathHistory,
    id: &str,
    revs: &[Revision],
    count: &Counter<'_>,
) -> Result<DecisionCommits> {
    // The record's folder, and the stretch of history (seq from, to) it was there for, newest
    // first.
    let mut folders: Vec<(String, usize, usize)> = Vec::new();
    let (mut folder, mut upper) = (id.to_string(), usize::MAX);
    for r in revs {
        if let Some(from) = &r.moved_from {
            folders.push((folder, r.seq, upper));
            folder = from
                .rsplit_once('/')
                .map_or(from.as_str(), |f| f.0)
                .to_string();
            upper = r.seq;
        }
    }
    folders.push((folder, 0, upper));
    let mut out = DecisionCommits::default();
    let (mut dets, mut appeals) = (0usize, 0usize);
    for (folder, lower, upper) in folders.iter().rev() {
        let path = format!("{folder}/{}", crate::store::layout::DETERMINATIONS_FILE);
        let changes = index.path_changes(&path).ok_or_else(|| {
            Error::Git(format!(
                "the history index of {path} is damaged; run `smout audit --rebuild-index` to rebuild it"
            ))
        })?;
        for c in changes.iter().filter(|c| (*lower..*upper).contains(&c.seq)) {
            let Some(new) = c.new else { continue };
            let Ok(text) = blob_text(repo, new) else {
                continue;
            };
            let Some((n_dets, n_appeals)) = count(&text, Path::new(&path)) else {
                continue;
            };
            if n_dets <= dets && n_appeals <= appeals {
                (dets, appeals) = (n_dets, n_appeals);
                continue;
            }
            let time = repo
                .find_commit(c.commit)
                .map(|k| k.author().when().seconds())
                .map_err(|e| Error::git(format!("read commit {}", short(c.commit)), e))?;
            let here = Some(Appended {
                commit: c.commit,
                time,
            });
            for (list, before, now) in [
                (&mut out.determinations, dets, n_dets),
                (&mut out.appeals, appeals, n_appeals),
            ] {
                if list.len() < now {
                    list.resize(now, None);
                }
                for slot in list.iter_mut().take(now).skip(before) {
                    *slot = here;
                }
            }
            (dets, appeals) = (n_dets, n_appeals);
        }
    }
    Ok(out)
}

/// The text of a blob.
pub(super) fn blob_text(repo: &Repository, oid: Oid) -> Result<String> {
    let b = repo
        .find_blob(oid)
        .map_err(|e| Error::git(format!("read blob {}", short(oid)), e))?;
    String::from_utf8(b.content().to_vec())
        .map_err(|_| Error::Git(format!("blob {} is not UTF-8 text", short(oid))))
}

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
    pub(super) fn at_head(&self, repo: &Repository, path: &str) -> Option<String> {
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
    pub(super) fn blob(&self, repo: &Repository, id: &str, sub: &Submission) -> Option<Oid> {
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

/// A date from seconds since the epoch (UTC).
pub fn date_of(seconds: i64) -> NaiveDate {
    DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pathindex::PathPostings;

    /// A repository whose commits write the given files (path → text; `None` deletes).
    struct Repo {
        dir: tempfile::TempDir,
        repo: Repository,
    }

    impl Repo {
        fn new() -> Repo {
            let dir = tempfile::tempdir().unwrap();
            let repo = Repository::init(dir.path()).unwrap();
            Repo { dir, repo }
        }

        fn commit(&self, message: &str, files: &[(&str, Option<&str>)]) -> Oid {
            let mut index = self.repo.index().unwrap();
            for (path, text) in files {
                let p = self.dir.path().join(path);
                match text {
                    Some(t) => {
                        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                        std::fs::write(&p, t).unwrap();
                        index.add_path(Path::new(path)).unwrap();
                    }
                    None => {
                        std::fs::remove_file(&p).unwrap();
                        index.remove_path(Path::new(path)).unwrap();
                    }
                }
            }
            index.write().unwrap();
            let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
            let sig = git2::Signature::new(
                "Drafter",
                "d@example.gov",
                &git2::Time::new(1_700_000_000, 0),
            )
            .unwrap();
            let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
            let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
            self.repo
                .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
                .unwrap()
        }
    }

    #[test]
    fn each_decision_is_placed_at_the_commit_that_appended_it_across_a_move() {
        let entry = |table: &str, n: u32| {
            format!("[[{table}]]\nsubmission = {n}\nrecord_sha256 = \"00\"\nreviewed = 2024-01-10\nreviewer = \"M\"\noutcome = \"met\"\n")
        };
        let one = entry("determination", 1);
        let three = format!("{one}{}{}", entry("determination", 2), entry("appeal", 2));
        let r = Repo::new();
        r.commit(
            "add a",
            &[("records/a/record.toml", Some("title = \"A\"\n"))],
        );
        let first = r.commit(
            "determine a",
            &[("records/a/determinations.toml", Some(&one))],
        );
        r.commit(
            "move a to b",
            &[
                ("records/a/record.toml", None),
                ("records/a/determinations.toml", None),
                ("records/b/record.toml", Some("title = \"A\"\n")),
                ("records/b/determinations.toml", Some(&one)),
            ],
        );
        r.commit(
            "not valid",
            &[("records/b/determinations.toml", Some("[[x"))],
        );
        let second = r.commit(
            "determine b and appeal",
            &[("records/b/determinations.toml", Some(&three))],
        );
        let index = PathIndex::rebuild(&r.repo, "").unwrap();
        let revs = record_history(&r.repo, &index, "b").unwrap();
        // What the domain counts: the entries of each list (a version that does not parse is
        // passed over).
        let count = |text: &str, _: &Path| {
            let t: toml::Table = toml::from_str(text).ok()?;
            let n = |k: &str| t.get(k).and_then(|v| v.as_array()).map_or(0, Vec::len);
            Some((n("determination"), n("appeal")))
        };
        let found = decision_commits(&r.repo, &index, "b", &revs, &count).unwrap();
        let commits =
            |v: &[Option<Appended>]| v.iter().map(|a| a.map(|a| a.commit)).collect::<Vec<_>>();
        assert_eq!(commits(&found.determinations), [Some(first), Some(second)]);
        assert_eq!(commits(&found.appeals), [Some(second)]);
        assert_eq!(found.determinations[0].map(|a| a.time), Some(1_700_000_000));
    }

    #[test]
    fn a_records_history_follows_its_move_and_skips_other_records() {
        let r = Repo::new();
        r.commit(
            "add a",
            &[("records/a/record.toml", Some("title = \"A\"\n"))],
        );
        r.commit(
            "add other",
            &[("records/o/record.toml", Some("title = \"O\"\n"))],
        );
        r.commit(
            "edit a",
            &[("records/a/record.toml", Some("title = \"A2\"\n"))],
        );
        r.commit(
            "move a to b",
            &[
                ("records/a/record.toml", None),
                ("records/b/record.toml", Some("title = \"A2\"\n")),
            ],
        );
        let index = PathIndex::rebuild(&r.repo, "").unwrap();
        let revs = record_history(&r.repo, &index, "b").unwrap();
        let seen: Vec<(&str, &str, Option<&str>)> = revs
            .iter()
            .map(|v| (v.message.as_str(), v.path.as_str(), v.moved_from.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                ("move a to b", "b/record.toml", Some("a/record.toml")),
                ("edit a", "a/record.toml", None),
                ("add a", "a/record.toml", None),
            ]
        );
        assert_eq!(revs[0].email, "d@example.gov");
        assert_eq!(
            former_ids(&r.repo, &PathIndex::open(&r.repo, "").unwrap(), "b").unwrap(),
            ["a"],
            "a submission made as `a` still belongs to `b`"
        );
        // The postings file written beside the index gives the same history, move and all,
        // without loading the index.
        let postings = PathPostings::load(&r.repo, "").expect("written for HEAD");
        let from_postings = record_history(&r.repo, &postings, "b").unwrap();
        assert_eq!(
            format!("{from_postings:?}"),
            format!("{revs:?}"),
            "the postings answer as the index does"
        );
        for id in ["a", "o", "none"] {
            assert_eq!(
                postings.path_changes(&format!("{id}/record.toml")),
                index.path_changes(&format!("{id}/record.toml")),
                "{id}"
            );
        }
        // Written for another HEAD, or for another prefix, it is not used.
        assert!(PathPostings::load(&r.repo, "sub/").is_none());
        r.commit(
            "edit o",
            &[("records/o/record.toml", Some("title = \"O2\"\n"))],
        );
        assert!(PathPostings::load(&r.repo, "").is_none(), "HEAD moved on");
        PathIndex::open(&r.repo, "").unwrap();
        let postings = PathPostings::load(&r.repo, "").expect("rewritten for the new HEAD");
        assert_eq!(postings.path_changes("o/record.toml").unwrap().len(), 2);
        // A damaged line is not believed: the history of that path is refused, not cut short.
        let file = r.repo.path().join("smout/paths-v1");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}x\n")).unwrap();
        assert!(
            PathPostings::load(&r.repo, "").is_none(),
            "longer than its header says"
        );
        std::fs::write(
            &file,
            text.replace("b/record.toml\t3 ", "b/record.toml\tx "),
        )
        .unwrap();
        let damaged = PathPostings::load(&r.repo, "").unwrap();
        assert_eq!(damaged.path_changes("b/record.toml"), None);
        assert!(record_history(&r.repo, &damaged, "b").is_err());
    }

    #[test]
    fn submissions_are_read_from_tags_in_number_order() {
        let r = Repo::new();
        let c1 = r.commit("one", &[("records/a/record.toml", Some("v = 1\n"))]);
        let c2 = r.commit("two", &[("records/a/record.toml", Some("v = 2\n"))]);
        let sig =
            git2::Signature::new("D", "d@example.gov", &git2::Time::new(1_700_000_100, 0)).unwrap();
        for (n, c) in [(10, c2), (2, c1)] {
            let obj = r.repo.find_object(c, None).unwrap();
            r.repo
                .tag(&format!("smout/a/submission/{n}"), &obj, &sig, "s", false)
                .unwrap();
        }
        // Tags that are not submissions are not read as ones.
        let obj = r.repo.find_object(c1, None).unwrap();
        r.repo
            .tag("smout/a/determination/1", &obj, &sig, "d", false)
            .unwrap();
        r.repo
            .tag("smout/a/submission/x", &obj, &sig, "bad", false)
            .unwrap();
        let tags = all_tags(&r.repo, &mut TagFacts::new()).unwrap();
        let subs = &tags["submission"]["a"];
        let got: Vec<(u32, String, i64)> = subs
            .iter()
            .map(|s| (s.n, s.commit.clone(), s.time))
            .collect();
        assert_eq!(
            got,
            [
                (2, c1.to_string(), 1_700_000_100),
                (10, c2.to_string(), 1_700_000_100)
            ]
        );
    }
}
