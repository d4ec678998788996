//! What the rest of smout asks the store about history: submissions, revisions, a record or file
//! at a commit, commit facts, settings of the user's git. Every question is a method on
//! [`Store`], so no other module opens the repository or names a git object type beyond the
//! object id ([`Oid`]).

use std::collections::HashMap;

use super::commit::{commit_signer, tag_signer, CommitFacts, CommitInfo, SignedCommit};
use super::git;
use super::history::{self, Revision, Side, Submission, SubmittedRecords};
use super::pathindex::{PathHistory, PathIndex, PathPostings};
use super::repo::Store;
use crate::error::{Error, Result};
use git2::Oid;

impl Store {
    /// Whether the repository is a shallow clone (part of its history is missing).
    pub fn is_shallow(&self) -> Result<bool> {
        Ok(self.repo()?.is_shallow())
    }

    /// The changed-path index of the first-parent history, extended to HEAD (or rebuilt).
    pub fn path_index(&self, rebuild: bool) -> Result<PathIndex> {
        let repo = self.repo()?;
        if rebuild {
            PathIndex::rebuild(repo, &self.prefix)
        } else {
            PathIndex::open(repo, &self.prefix)
        }
    }

    /// [`Store::path_index`], while the other core reads what commits-v2 keeps of every
    /// commit (for [`Store::signed_commits`], which the audit calls next): the two largest
    /// caches are read side by side.
    pub fn path_index_and_commit_facts(&self, rebuild: bool) -> Result<PathIndex> {
        let file = self.cache_file(COMMITS);
        let (index, facts) = std::thread::scope(|s| {
            let facts = s.spawn(move || {
                file.and_then(|f| super::cache::read_cache::<CommitFacts>(&f, COMMITS_KEY))
            });
            (self.path_index(rebuild), facts.join().ok().flatten())
        });
        self.commit_facts.replace(facts);
        index
    }

    /// The history off `chain`, the first-parent chain: the edges (commit, parent) that
    /// `chain`'s merges (`merges`: each with its parents, first parent first) bring in, oldest
    /// first, each with what it changed (see [`super::pathindex::side_edges`]). Empty for a
    /// history without merges.
    pub fn side_edges(&self, chain: &PathIndex, merges: &[(Oid, Vec<Oid>)]) -> Result<PathIndex> {
        if merges.is_empty() {
            return Ok(PathIndex::default());
        }
        let entries = super::pathindex::side_edges(self.repo()?, &self.prefix, chain, merges)?;
        Ok(PathIndex::of(entries))
    }

    /// Whether `commit` is on HEAD's first-parent chain.
    pub fn on_first_parent_chain(&self, commit: Oid) -> Result<bool> {
        Ok(self
            .shared_index()?
            .entries
            .iter()
            .any(|e| e.commit == commit))
    }

    /// The changed-path index, loaded once per store and shared (cheap to clone).
    pub fn shared_index(&self) -> Result<std::sync::Arc<PathIndex>> {
        if let Some(i) = self.index.borrow().as_ref() {
            return Ok(i.clone());
        }
        let i = std::sync::Arc::new(self.path_index(false)?);
        self.index.replace(Some(i.clone()));
        Ok(i)
    }

    /// What this store has read of history that another handle on the same repository can
    /// use as it is (a worker's: [`Store::open_seeded`]).
    pub fn seed(&self) -> Seed {
        Seed {
            index: self.index.borrow().clone(),
            submitted: self.submitted.borrow().clone(),
            tags: self.tags.borrow().clone(),
        }
    }

    /// Open another handle on the repository at `root` (for a worker thread), seeded with
    /// what `seed` holds.
    pub fn open_seeded(root: &std::path::Path, seed: &Seed) -> Result<Store> {
        let store = Store::open(root)?;
        if let Some(i) = &seed.index {
            store.seed_index(i.clone());
        }
        if let Some(s) = &seed.submitted {
            store.seed_submitted(s.clone());
        }
        if let Some(t) = &seed.tags {
            store.tags.replace(Some(t.clone()));
        }
        Ok(store)
    }

    /// Use `index` (already loaded and current) instead of loading it again.
    pub fn seed_index(&self, index: std::sync::Arc<PathIndex>) {
        self.index.replace(Some(index));
    }

    /// Every submission's record and HEAD's files, found in one replay of the changed-path
    /// index (for a store that reads many records' submissions and determinations).
    pub fn submitted_records(&self) -> Result<std::sync::Arc<SubmittedRecords>> {
        let index = self.shared_index()?;
        let subs = self.all_submissions()?;
        Ok(std::sync::Arc::new(SubmittedRecords::new(
            &index,
            &subs,
            &self.prefix,
        )))
    }

    /// Ready this store's history for many readers and for the workers seeded from it: every
    /// tag read once, and every submission's record found in one replay of the index — unless
    /// the store holds one for HEAD already (a store seeded from another). Best effort: a
    /// store that cannot reads each record through the trees instead.
    pub fn share_history(&self) {
        let _ = self.all_submissions();
        let seeded = self
            .head_commit()
            .and_then(|h| self.seeded_for(h))
            .is_some();
        if !seeded {
            if let Ok(sub) = self.submitted_records() {
                self.seed_submitted(sub);
            }
        }
    }

    /// Read records as submitted and determinations at HEAD through `submitted` (from
    /// [`Store::submitted_records`] of this repository), while HEAD is the commit it was made
    /// for.
    pub fn seed_submitted(&self, submitted: std::sync::Arc<SubmittedRecords>) {
        self.submitted.replace(Some(submitted));
    }

    /// The seeded [`SubmittedRecords`], if made for `head`.
    fn seeded_for(&self, head: Oid) -> Option<std::sync::Arc<SubmittedRecords>> {
        self.submitted
            .borrow()
            .as_ref()
            .filter(|s| s.head_commit() == Some(head))
            .cloned()
    }

    /// The ids record `id` had before it was moved to `records/<id>/`.
    fn former_ids(&self, id: &str) -> Result<Vec<String>> {
        self.with_history(|repo, h| history::former_ids(repo, h, id))
    }

    /// Answer a question about one path's history: from the index when it is loaded, else
    /// from its postings file when that is current for HEAD (a binary search, not a load of
    /// every commit's changes), else from the index loaded now. A postings file that cannot
    /// be read is not believed: the index answers instead.
    fn with_history<T>(
        &self,
        f: impl Fn(&git2::Repository, &dyn PathHistory) -> Result<T>,
    ) -> Result<T> {
        let repo = self.repo()?;
        if let Some(i) = self.index.borrow().clone() {
            return f(repo, i.as_ref());
        }
        let cached = self.postings.borrow().clone();
        let postings = match cached {
            Some(p) => Some(p),
            None => PathPostings::load(repo, &self.prefix).map(std::rc::Rc::new),
        };
        if let Some(p) = postings {
            if let Ok(v) = f(repo, p.as_ref()) {
                self.postings.replace(Some(p));
                return Ok(v);
            }
            // Damaged: loading the index below writes it again.
            PathPostings::discard(repo);
        }
        let index = self.shared_index()?;
        f(repo, index.as_ref())
    }

    /// The record tags, kind → record id → entries, read once per store.
    fn tags(&self) -> Result<std::sync::Arc<history::Tags>> {
        if let Some(t) = self.tags.borrow().as_ref() {
            return Ok(t.clone());
        }
        let repo = self.repo()?;
        let t = std::sync::Arc::new(self.with_tag_facts(|known| history::all_tags(repo, known))?);
        self.tags.replace(Some(t.clone()));
        Ok(t)
    }

    /// Run `f` with what each tag object says, kept by tag id in `.git/smout/tags-v1`: what
    /// `f` adds (tags read for the first time) is saved for the next run.
    fn with_tag_facts<T>(&self, f: impl FnOnce(&mut history::TagFacts) -> T) -> T {
        let mut known: history::TagFacts = self.load_cache(TAGS, TAGS_KEY).unwrap_or_default();
        let before = known.len();
        let out = f(&mut known);
        if known.len() != before {
            self.save_cache(TAGS, TAGS_KEY, &known);
        }
        out
    }

    /// The submissions of record `id`, oldest first (also those made under a former id).
    pub fn submissions(&self, id: &str) -> Result<Vec<Submission>> {
        // From the tags already read; else this record's tags only, not every tag of the
        // register.
        let cached = self.tags.borrow().clone();
        let of = |id: &str| -> Result<Vec<Submission>> {
            match &cached {
                Some(t) => Ok(t
                    .get("submission")
                    .and_then(|m| m.get(id))
                    .cloned()
                    .unwrap_or_default()),
                None => history::record_tags(self.repo()?, id, "submission"),
            }
        };
        let mine = of(id)?;
        if !mine.is_empty() {
            return Ok(mine);
        }
        for former in self.former_ids(id)? {
            let theirs = of(&former)?;
            if !theirs.is_empty() {
                return Ok(theirs);
            }
        }
        Ok(Vec::new())
    }

    /// Every submission tag, by record id.
    pub fn all_submissions(&self) -> Result<HashMap<String, Vec<Submission>>> {
        Ok(self.tags()?.get("submission").cloned().unwrap_or_default())
    }

    /// The withdrawals and retirements of record `id`, oldest first (its tags alone unless
    /// every tag was read already).
    pub fn endings(&self, id: &str) -> Result<Vec<history::Ending>> {
        let cached = self.tags.borrow().clone();
        history::endings(self.repo()?, cached.as_deref(), id)
    }

    /// Every withdrawal and retirement, by record id, oldest first.
    pub fn all_endings(&self) -> Result<HashMap<String, Vec<history::Ending>>> {
        let tags = self.tags()?;
        history::all_endings(self.repo()?, &tags)
    }

    /// The number the next submission of `id` gets (1 outside a repository).
    pub fn next_submission(&self, id: &str) -> Result<u32> {
        if !self.has_repo() {
            return Ok(1);
        }
        Ok(self.submissions(id)?.last().map(|s| s.n + 1).unwrap_or(1))
    }

    /// The commit a submission's tag marks.
    pub fn submission_commit(&self, sub: &Submission) -> Result<Oid> {
        Oid::from_str(&sub.commit).map_err(|e| Error::git(format!("read submission {}", sub.n), e))
    }

    /// Resolve a revision name for record `id` (`worktree`, `submitted`, `submission/N` or any
    /// git revision): the side and how to print it.
    pub fn resolve(&self, id: &str, rev: &str) -> Result<(Side, String)> {
        resolve(self, id, rev)
    }

    /// The text of record `id` on a side, following a rename.
    pub fn record_text(&self, id: &str, side: &Side) -> Result<String> {
        // A submission's commit: by its blob, when a replay of the index has it.
        if let Side::Commit(c) = side {
            let known = self
                .submitted
                .borrow()
                .as_ref()
                .and_then(|s| s.known_blob(*c, id));
            if let Some(blob) = known {
                return self.blob_text(blob);
            }
        }
        record_text(self, id, side)
    }

    /// The revisions that changed record `id`, newest first, from `index` when given (the
    /// site shares one among thousands of records), else as `Store::with_history` finds
    /// them.
    pub fn record_history(&self, index: Option<&PathIndex>, id: &str) -> Result<Vec<Revision>> {
        match index {
            Some(i) => history::record_history(self.repo()?, i, id),
            None => self.with_history(|repo, h| history::record_history(repo, h, id)),
        }
    }

    /// The commits that appended each determination and appeal of record `id` (`revs`: its
    /// revisions, newest first, as [`Store::record_history`] gives them), from `index` when
    /// given, else as `Store::with_history` finds them.
    ///
    /// `count` reads a version of the determinations file: how many determinations and appeals
    /// it holds (`None`: it does not parse, and is passed over).
    pub fn decision_commits(
        &self,
        index: Option<&PathIndex>,
        id: &str,
        revs: &[Revision],
        count: &history::Counter<'_>,
    ) -> Result<history::DecisionCommits> {
        match index {
            Some(i) => history::decision_commits(self.repo()?, i, id, revs, count),
            None => {
                self.with_history(|repo, h| history::decision_commits(repo, h, id, revs, count))
            }
        }
    }

    /// The order of `commits` in history: for each, how many of the others are its ancestors
    /// (an ancestor always counts fewer than its descendants; commits on one line of history
    /// count 0, 1, 2 … oldest first). Meant for a few commits made in the same second.
    pub fn history_order(&self, commits: &[Oid]) -> Vec<usize> {
        commits
            .iter()
            .map(|&c| {
                commits
                    .iter()
                    .filter(|&&a| a != c && self.is_ancestor(a, c).unwrap_or(false))
                    .count()
            })
            .collect()
    }

    /// The text of a blob.
    pub fn blob_text(&self, oid: Oid) -> Result<String> {
        history::blob_text(self.repo()?, oid)
    }

    /// Commit `oid`, or an error naming it.
    pub(super) fn find_commit(&self, oid: Oid) -> Result<git2::Commit<'_>> {
        self.repo()?
            .find_commit(oid)
            .map_err(|e| Error::git(format!("read commit {}", history::short(oid)), e))
    }

    /// What commit `oid` says.
    pub fn commit_info(&self, oid: Oid) -> Result<CommitInfo> {
        Ok(CommitInfo::of(&self.find_commit(oid)?))
    }

    /// The text of record `id`'s file `name` (beside record.toml) as HEAD has it committed —
    /// never the working tree's (`None` when HEAD has no such file, or there is no
    /// repository).
    pub fn committed_file(&self, id: &str, name: &str) -> Result<Option<String>> {
        let Some(head) = self.head_commit() else {
            return Ok(None);
        };
        // Paths under `records/`, as the replay keeps them.
        match self
            .seeded_for(head)
            .map(|s| s.at_head_blob(&format!("{id}/{name}")))
        {
            Some(Some(blob)) => Ok(Some(self.blob_text(blob)?)),
            Some(None) => Ok(None),
            None => self.read_at(
                head,
                &format!("{}/{id}/{name}", crate::store::layout::RECORDS_DIR),
            ),
        }
    }

    /// What `make` computes from HEAD's committed files, computed once per HEAD and `key`: a
    /// commit made since, by anyone, is never answered from memory (nor, outside a repository,
    /// anything).
    pub fn memo_at_head<T: Clone + 'static>(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let Some(head) = self.head_commit() else {
            return make();
        };
        let key = (head, format!("{}:{key}", std::any::type_name::<T>()));
        if let Some(v) = self
            .memo
            .borrow()
            .get(&key)
            .and_then(|v| v.downcast_ref::<T>())
        {
            return Ok(v.clone());
        }
        let v = make()?;
        self.memo
            .borrow_mut()
            .insert(key, std::rc::Rc::new(v.clone()));
        Ok(v)
    }

    /// The commit HEAD points to (`None` on an unborn branch or outside a repository).
    pub fn head_commit(&self) -> Option<Oid> {
        let repo = self.repo.as_ref()?;
        repo.head().ok()?.peel_to_commit().ok().map(|c| c.id())
    }

    /// Register file `rel` as commit `commit` holds it (`None`: not there).
    pub fn read_at(&self, commit: Oid, rel: &str) -> Result<Option<String>> {
        let c = self.find_commit(commit)?;
        git::read_at(self.repo()?, &c, &format!("{}{rel}", self.prefix))
    }

    /// The bytes of register file `rel` at `commit` (`None`: not there).
    pub fn read_bytes_at(&self, commit: Oid, rel: &str) -> Result<Option<Vec<u8>>> {
        let c = self.find_commit(commit)?;
        git::read_bytes_at(self.repo()?, &c, &format!("{}{rel}", self.prefix))
    }

    /// The files record `id` names as attachments (`names`, relative to its folder) on a side:
    /// the bytes of each that is there (capped at the attachment limit), in the order named.
    pub fn attachments(&self, id: &str, side: &Side, names: &[String]) -> Vec<(String, Vec<u8>)> {
        names
            .iter()
            .filter_map(|n| {
                let rel = format!("{}/{id}/{n}", crate::store::layout::RECORDS_DIR);
                let bytes = match side {
                    Side::Worktree => super::fs::read(
                        &self.root,
                        std::path::Path::new(&rel),
                        super::fs::MAX_ATTACHMENT_BYTES,
                    )
                    .ok(),
                    Side::Commit(c) => self.read_bytes_at(*c, &rel).ok().flatten(),
                }?;
                Some((n.clone(), bytes))
            })
            .collect()
    }

    /// The text of record `id` as submission `sub` holds it (from a replayed index when it has
    /// the blob, else through the commit's tree).
    pub fn submitted_text(
        &self,
        submitted: &SubmittedRecords,
        id: &str,
        sub: &Submission,
    ) -> Option<String> {
        self.blob_text(self.submitted_blob(submitted, id, sub)?)
            .ok()
    }

    /// The blob of record `id` as submission `sub` holds it.
    pub fn submitted_blob(
        &self,
        submitted: &SubmittedRecords,
        id: &str,
        sub: &Submission,
    ) -> Option<Oid> {
        submitted.blob(self.repo().ok()?, id, sub)
    }

    /// `records/<path>` as HEAD holds it, from a replayed index.
    pub fn head_text(&self, submitted: &SubmittedRecords, path: &str) -> Option<String> {
        submitted.at_head(self.repo().ok()?, path)
    }

    /// A string from the user's git configuration (the repository's, then global).
    pub fn config_string(&self, key: &str) -> Option<String> {
        self.repo().ok()?.config().ok()?.get_string(key).ok()
    }

    /// The commit a git revision names, if any.
    pub fn rev_id(&self, spec: &str) -> Option<Oid> {
        let obj = self.repo().ok()?.revparse_single(spec).ok()?;
        obj.peel_to_commit().ok().map(|c| c.id())
    }

    /// Whether commit `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: Oid, commit: Oid) -> Result<bool> {
        if ancestor == commit {
            return Ok(true);
        }
        self.repo()?
            .graph_descendant_of(commit, ancestor)
            .map_err(|e| Error::git("reading the history", e))
    }

    /// The best common ancestor of two commits, if they have one.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Option<Oid> {
        self.repo().ok()?.merge_base(a, b).ok()
    }

    /// The paths (under the register's folder, `/`-separated) whose content differs between
    /// the trees of commits `a` and `b`.
    pub fn changed_paths(&self, a: Oid, b: Oid) -> Result<Vec<String>> {
        let repo = self.repo()?;
        let tree = |c: Oid| {
            repo.find_commit(c)
                .and_then(|c| c.tree())
                .map_err(|e| Error::git("reading a commit's tree", e))
        };
        let (ta, tb) = (tree(a)?, tree(b)?);
        let diff = repo
            .diff_tree_to_tree(Some(&ta), Some(&tb), None)
            .map_err(|e| Error::git("comparing two commits", e))?;
        let prefix = self.prefix().to_string();
        let mut out = Vec::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                let Some(p) = f.path().and_then(|p| p.to_str()) else {
                    continue;
                };
                let Some(rel) = p.strip_prefix(prefix.as_str()) else {
                    continue;
                };
                if !out.iter().any(|o: &String| o == rel) {
                    out.push(rel.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The first parent of commit `oid` (`None`: a root commit).
    pub fn parent(&self, oid: Oid) -> Result<Option<Oid>> {
        Ok(self.find_commit(oid)?.parent_id(0).ok())
    }

    /// Whether reference `name` (`refs/tags/…`) exists.
    /// What would make git show a history other than the objects' own: `info/grafts` and
    /// replace refs (`refs/replace/…`). An audit reads the object graph as it is, so it
    /// refuses to run beside them rather than be shown another history.
    pub fn history_rewriters(&self) -> Result<Vec<String>> {
        let repo = self.repo()?;
        let mut found = Vec::new();
        let grafts = repo.commondir().join("info/grafts");
        if std::fs::symlink_metadata(&grafts).is_ok() {
            found.push(".git/info/grafts".to_string());
        }
        if let Ok(refs) = repo.references_glob("refs/replace/*") {
            found.extend(
                refs.flatten()
                    .filter_map(|r| r.name().ok().map(str::to_string)),
            );
        }
        Ok(found)
    }

    pub fn has_ref(&self, name: &str) -> bool {
        self.repo().is_ok_and(|r| r.find_reference(name).is_ok())
    }

    /// Who commits (name, e-mail), as git would record it; a refusal saying how to tell git
    /// when it does not know.
    pub fn identity(&self) -> Result<(String, String)> {
        let sig = git::signature(self.repo()?)?;
        Ok((
            sig.name().unwrap_or("").to_string(),
            sig.email().unwrap_or("").to_string(),
        ))
    }
}

impl Store {
    /// Every commit of `index`, read and its signatures verified on every core, in order
    /// (`None` for a commit that cannot be read).
    pub fn signed_commits(&self, index: &PathIndex) -> Result<Vec<Option<SignedCommit>>> {
        let repo = self.repo()?;
        // Commits and tags never change: what each says and who signed it is kept by object
        // id in `.git/smout/commits-v2` (an audit with --rebuild-index reads none of it).
        let known: CommitFacts = match self.commit_facts.take() {
            Some(known) => known,
            None => self.load_cache(COMMITS, COMMITS_KEY).unwrap_or_default(),
        };
        let mut tag_targets: HashMap<Oid, Vec<(String, Oid)>> = HashMap::new();
        self.with_tag_facts(|known| {
            let _ = repo.tag_foreach(|oid, name| {
                let name = String::from_utf8_lossy(name).into_owned();
                if name.starts_with("refs/tags/smout/") {
                    let (commit, _) = history::tag_facts(repo, known, oid);
                    let target = Oid::from_str(&commit).unwrap_or(oid);
                    tag_targets.entry(target).or_default().push((name, oid));
                }
                true
            });
        });
        let gitdir = repo.path().to_path_buf();
        let facts: Vec<Option<(SignedCommit, bool)>> = crate::par::map(
            &index.entries,
            || git2::Repository::open(&gitdir).ok(),
            |r, e| {
                let r = r.as_ref()?;
                let mut fresh = false;
                let (info, signer) = match known.commits.get(&e.commit.to_string()) {
                    Some(f) => f.clone(),
                    None => {
                        fresh = true;
                        let c = r.find_commit(e.commit).ok()?;
                        (CommitInfo::of(&c), commit_signer(r, e.commit))
                    }
                };
                let tags = tag_targets
                    .get(&e.commit)
                    .into_iter()
                    .flatten()
                    .map(|(name, tag)| {
                        let s = match known.tags.get(&tag.to_string()) {
                            Some(s) => s.clone(),
                            None => {
                                fresh = true;
                                tag_signer(r, *tag)
                            }
                        };
                        (name.clone(), s)
                    })
                    .collect();
                Some((SignedCommit { info, signer, tags }, fresh))
            },
        );
        if facts.iter().flatten().any(|(_, fresh)| *fresh) {
            let mut all = known;
            for (e, f) in index.entries.iter().zip(&facts) {
                if let Some((f, _)) = f {
                    all.commits
                        .insert(e.commit.to_string(), (f.info.clone(), f.signer.clone()));
                    for ((_, oid), (_, s)) in tag_targets
                        .get(&e.commit)
                        .into_iter()
                        .flatten()
                        .zip(&f.tags)
                    {
                        all.tags.insert(oid.to_string(), s.clone());
                    }
                }
            }
            self.save_cache(COMMITS, COMMITS_KEY, &all);
        }
        Ok(facts.into_iter().map(|f| f.map(|(f, _)| f)).collect())
    }
}

/// The cache of what commits and tags say, verified.
const COMMITS: &str = "commits-v2";
const COMMITS_KEY: &str = "smout commit facts v2";

/// The cache of what each tag object says.
const TAGS: &str = "tags-v1";
const TAGS_KEY: &str = "smout tag facts v1";

/// Resolve a revision name for record `id`: `worktree`, `submitted` (the latest submission),
/// `submission/N`, or any git revision. Returns the side and how to print it. (`approved` is
/// the domain's word: [`crate::revision::resolve`].)
fn resolve(store: &Store, id: &str, rev: &str) -> Result<(Side, String)> {
    let repo = store.repo()?;
    let missing = |why: String| Error::Revision {
        id: id.to_string(),
        spec: rev.to_string(),
        why,
    };
    let commit_of = |s: &Submission| {
        Oid::from_str(&s.commit).map_err(|e| Error::git(format!("read submission {}", s.n), e))
    };
    match rev {
        "worktree" | "working-tree" => Ok((Side::Worktree, "working tree".into())),
        "submitted" => match store.submissions(id)?.last() {
            Some(s) => Ok((Side::Commit(commit_of(s)?), format!("submission/{}", s.n))),
            None => Err(missing("it was never submitted".into())),
        },
        _ => {
            if let Some(n) = rev
                .strip_prefix("submission/")
                .and_then(|n| n.parse::<u32>().ok())
            {
                let subs = store.submissions(id)?;
                return match subs.iter().find(|s| s.n == n) {
                    Some(s) => Ok((Side::Commit(commit_of(s)?), rev.to_string())),
                    None => Err(missing(match subs.len() {
                        0 => "it was never submitted".into(),
                        k => format!("its submissions are 1 to {k}"),
                    })),
                };
            }
            let c = git::resolve_commit(repo, id, rev)?;
            Ok((Side::Commit(c.id()), rev.to_string()))
        }
    }
}

/// The text of record `id` on a side, following a rename when the record had another path at
/// that commit.
fn record_text(store: &Store, id: &str, side: &Side) -> Result<String> {
    let rel = crate::store::layout::record_rel(id);
    match side {
        Side::Worktree => store
            .read_text(&rel, crate::store::fs::MAX_TEXT_BYTES)?
            .ok_or_else(|| Error::NoRecord {
                id: id.to_string(),
                close: None,
            }),
        Side::Commit(oid) => {
            let repo = store.repo()?;
            let commit = store.find_commit(*oid)?;
            let path = format!("{}{rel}", store.prefix());
            if let Some(t) = git::read_at(repo, &commit, &path)? {
                return Ok(t);
            }
            let old =
                history::former_path(repo, &commit, &path)?.ok_or_else(|| Error::Revision {
                    id: id.to_string(),
                    spec: history::short(*oid),
                    why: "the record did not exist then".into(),
                })?;
            git::read_at(repo, &commit, &old)?.ok_or_else(|| Error::Revision {
                id: id.to_string(),
                spec: history::short(*oid),
                why: "the record did not exist then".into(),
            })
        }
    }
}

/// What one store has read of history, shared with another handle on the same repository:
/// immutable, and `Sync` ([`Store::seed`]).
#[derive(Clone, Default)]
pub struct Seed {
    index: Option<std::sync::Arc<PathIndex>>,
    submitted: Option<std::sync::Arc<SubmittedRecords>>,
    /// The record tags, as read when the seed was taken (a worker only reads).
    tags: Option<std::sync::Arc<history::Tags>>,
}
