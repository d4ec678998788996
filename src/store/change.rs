//! Every change the store makes, made the same way: under the register lock, objects first,
//! then — recorded in a journal — the branch and the tag, then the work tree and the index; an
//! interrupted change is finished by the next smout that takes the lock.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository};
use serde::{Deserialize, Serialize};

use super::lock::{self, RegisterLock};
use super::ready::NotReady;
use super::repo::Store;
use super::{fs, git, history, sign};
use crate::error::{Error, Result};
use git2::Oid;

/// One file a change writes: its path relative to the register, and its new bytes (`None`
/// deletes it).
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Relative to the register root, with `/`.
    pub rel: String,
    /// The new content; `None` removes the file.
    pub bytes: Option<Vec<u8>>,
}

/// A change to commit: files, a message, and the annotated tag that marks it.
#[derive(Debug, Clone)]
pub struct Change {
    /// Which command makes it (for the journal and messages): `submit cbp-fld`.
    pub what: String,
    /// The files.
    pub files: Vec<FileChange>,
    /// The commit message.
    pub message: String,
    /// The tag: its name (without `refs/tags/`) and message.
    pub tag: Option<(String, String)>,
}

/// A change as committed.
#[derive(Debug, Clone)]
pub struct Committed {
    /// The new commit.
    pub commit: Oid,
}

/// The journal of a change under way (`.git/smout/journal`): what the next smout must finish if
/// this one is interrupted after the branch moved.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    what: String,
    branch: String,
    old_head: Option<String>,
    commit: String,
    tag_ref: Option<String>,
    tag: Option<String>,
    files: Vec<JournalFile>,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalFile {
    /// Relative to the repository's working tree.
    path: String,
    blob: Option<String>,
}

/// Write an annotated tag object on `target`, signed as git signs tags (the SSH signature after
/// the message); the reference is made by the caller.
fn write_signed_tag(
    repo: &Repository,
    key: &sign::SigningKey,
    target: Oid,
    name: &str,
    tagger: &git2::Signature<'_>,
    message: &str,
) -> Result<Oid> {
    let buf = sign::tag_buffer(target, name, tagger, message);
    let signature = sign::sign(repo, key, buf.as_bytes())?;
    repo.odb()
        .and_then(|db| db.write(ObjectType::Tag, format!("{buf}{signature}").as_bytes()))
        .map_err(|e| Error::git(format!("write tag {name}"), e))
}

/// Pack loose references into `packed-refs`, as `git pack-refs` does. A register makes a tag
/// per submission, determination and signature; left loose, thousands of them are thousands
/// of folders every listing of tags walks (a third of `status` on a register of 5,000 records).
/// Best effort: the references are the same either way.
fn pack_refs(repo: &Repository) {
    let _ = repo.refdb_compress();
}

/// Every `*.lock` file under `dir` (the `refs/` folder), without following links.
fn ref_locks(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(t) = e.file_type() else { continue };
        let p = e.path();
        if t.is_dir() {
            ref_locks(&p, out);
        } else if t.is_file() && p.extension().is_some_and(|x| x == "lock") {
            out.push(p);
        }
    }
}

/// Stop the process at a named point when `SMOUT_TEST_CRASH_AT` names it: the fault-injection
/// tests kill a change between any two of its steps this way, as a power cut would.
pub fn crash_point(name: &str) {
    if std::env::var("SMOUT_TEST_CRASH_AT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}

impl Store {
    /// Take the register lock for a change described by `what`, waiting for another smout as
    /// long as `SMOUT_LOCK_TIMEOUT` allows, then finish any change an earlier smout left
    /// half-done. `note` receives what the user should be told (waiting, a change finished).
    pub fn lock(&self, what: &str, note: &mut dyn FnMut(String)) -> Result<RegisterLock> {
        let dir = self.smout_dir()?;
        let lock = RegisterLock::acquire(&dir, what, lock::wait_from_env(), &mut |holder| {
            note(format!(
                "waiting for another smout to finish ({})",
                if holder.is_empty() { "busy" } else { holder }
            ))
        })?;
        for gone in self.clear_stale_ref_locks(&lock)? {
            note(format!(
                "removed {gone}, left by a smout that was interrupted while it moved a reference"
            ));
        }
        if let Some(done) = self.recover(&lock)? {
            note(done);
        }
        Ok(lock)
    }

    /// The lock files of references (`refs/…/*.lock`, `packed-refs.lock`) a killed smout left.
    /// smout writes references only under the register lock, after its journal: so while that
    /// lock is held and a journal is there, a reference lock made since the journal was written
    /// is the interrupted smout's — no living process holds it — and is removed, so that the
    /// change can be finished or dropped. Returns what it removed (relative to the git folder).
    fn clear_stale_ref_locks(&self, _lock: &RegisterLock) -> Result<Vec<String>> {
        let repo = self.repo()?;
        let common = repo.commondir().to_path_buf();
        let Ok(journal) = std::fs::metadata(self.smout_dir()?.join("journal")) else {
            return Ok(Vec::new());
        };
        let since = journal
            .modified()
            .ok()
            .and_then(|t| t.checked_sub(std::time::Duration::from_secs(1)));
        let mut found = Vec::new();
        ref_locks(&common.join("refs"), &mut found);
        let packed = common.join("packed-refs.lock");
        if packed.is_file() {
            found.push(packed);
        }
        let mut removed = Vec::new();
        for f in found {
            let made = std::fs::symlink_metadata(&f)
                .ok()
                .and_then(|m| m.modified().ok());
            if matches!((made, since), (Some(m), Some(s)) if m >= s)
                && std::fs::remove_file(&f).is_ok()
            {
                removed.push(f.strip_prefix(&common).unwrap_or(&f).display().to_string());
            }
        }
        Ok(removed)
    }

    /// The lock file git or libgit2 leaves beside `reference` while it writes it, when there is
    /// one: `.git/refs/heads/main.lock`.
    fn ref_lock_of(&self, reference: &str) -> Option<PathBuf> {
        let repo = self.repo().ok()?;
        [
            repo.commondir().join(format!("{reference}.lock")),
            repo.commondir().join("packed-refs.lock"),
        ]
        .into_iter()
        .find(|p| p.is_file())
    }

    /// A change an interrupted smout left unfinished (read-only commands report it; the next
    /// committing command finishes it): what it was.
    pub fn unfinished(&self) -> Option<String> {
        let jpath = self.smout_dir().ok()?.join("journal");
        let j: Journal = serde_json::from_slice(&std::fs::read(jpath).ok()?).ok()?;
        Some(j.what)
    }

    /// Refuse to commit when the repository is mid-merge or mid-rebase, its index is locked,
    /// or HEAD is detached (a commit there would belong to no branch).
    pub fn ensure_ready(&self) -> Result<()> {
        let repo = self.repo()?;
        git::ensure_ready(repo)?;
        if repo.head_detached().unwrap_or(false) {
            let at = repo
                .head()
                .ok()
                .and_then(|h| h.target())
                .map(history::short)
                .unwrap_or_default();
            return Err(NotReady::Detached(at).into());
        }
        if repo.is_shallow() {
            return Err(NotReady::Shallow.into());
        }
        Ok(())
    }

    /// Commit `change` on top of HEAD under `lock`: the files as given (the user's other edits,
    /// staged or not, are neither committed nor lost), the tag, the work tree and the index.
    pub fn commit(&self, _lock: &RegisterLock, change: Change) -> Result<Committed> {
        self.forget_history();
        let repo = self.repo()?;
        self.ensure_ready()?;
        let sig = git::signature(repo)?;
        let committer = git::committer(&sig)?;
        let head_ref = repo
            .find_reference("HEAD")
            .map_err(|e| Error::git("read HEAD", e))?;
        let branch = head_ref
            .symbolic_target()
            .ok()
            .flatten()
            .ok_or_else(|| NotReady::Detached("HEAD".into()))?
            .to_string();
        let head = repo
            .find_reference(&branch)
            .ok()
            .and_then(|r| r.peel_to_commit().ok());
        if let Some((name, _)) = &change.tag {
            if repo.find_reference(&format!("refs/tags/{name}")).is_ok() {
                return Err(NotReady::TagExists(name.clone()).into());
            }
        }

        // Objects first: blobs, tree, commit, tag. None of them is reachable yet.
        let mut tree_index = git2::Index::new().map_err(|e| Error::git("make an index", e))?;
        if let Some(h) = &head {
            tree_index
                .read_tree(&h.tree().map_err(|e| Error::git("read HEAD's tree", e))?)
                .map_err(|e| Error::git("read HEAD's tree", e))?;
        }
        let mut files = Vec::new();
        for f in &change.files {
            let path = format!("{}{}", self.prefix, f.rel);
            match &f.bytes {
                Some(bytes) => {
                    let oid = repo
                        .blob(bytes)
                        .map_err(|e| Error::git(format!("store {}", f.rel), e))?;
                    tree_index
                        .add(&git::index_entry(&path, oid, bytes.len()))
                        .map_err(|e| Error::git(format!("stage {}", f.rel), e))?;
                    files.push(JournalFile {
                        path,
                        blob: Some(oid.to_string()),
                    });
                }
                None => {
                    let _ = tree_index.remove_path(Path::new(&path));
                    files.push(JournalFile { path, blob: None });
                }
            }
        }
        let tree_id = tree_index
            .write_tree_to(repo)
            .map_err(|e| Error::git("write the tree", e))?;
        let tree = repo
            .find_tree(tree_id)
            .map_err(|e| Error::git("read the new tree", e))?;
        let parents: Vec<&git2::Commit> = head.iter().collect();
        // A signed register signs every commit and tag, as git does with gpg.format = ssh.
        let key = if self.requires_signatures(&change)? {
            Some(sign::signing_key(repo).ok_or_else(sign::no_key_error)?)
        } else {
            None
        };
        let commit = match &key {
            None => repo
                .commit(None, &sig, &committer, &change.message, &tree, &parents)
                .map_err(|e| Error::git("write the commit", e))?,
            Some(k) => {
                let buf = repo
                    .commit_create_buffer(&sig, &committer, &change.message, &tree, &parents)
                    .map_err(|e| Error::git("write the commit", e))?;
                let text = buf
                    .as_str()
                    .map_err(|_| {
                        NotReady::SigningFailed("the commit to sign is not UTF-8 text".into())
                    })?
                    .to_string();
                let signature = sign::sign(repo, k, text.as_bytes())?;
                repo.commit_signed(&text, &signature, Some("gpgsig"))
                    .map_err(|e| Error::git("write the signed commit", e))?
            }
        };
        let tag = match &change.tag {
            Some((name, message)) => {
                let oid = match &key {
                    None => {
                        let target = repo
                            .find_object(commit, Some(ObjectType::Commit))
                            .map_err(|e| Error::git("find the new commit", e))?;
                        repo.tag_annotation_create(name, &target, &committer, message)
                            .map_err(|e| Error::git(format!("write tag {name}"), e))?
                    }
                    Some(k) => write_signed_tag(repo, k, commit, name, &committer, message)?,
                };
                Some((format!("refs/tags/{name}"), oid))
            }
            None => None,
        };

        let journal = Journal {
            what: change.what.clone(),
            branch: branch.clone(),
            old_head: head.as_ref().map(|h| h.id().to_string()),
            commit: commit.to_string(),
            tag_ref: tag.as_ref().map(|t| t.0.clone()),
            tag: tag.as_ref().map(|t| t.1.to_string()),
            files,
        };
        let jpath = self.smout_dir()?.join("journal");
        let jtext = serde_json::to_vec_pretty(&journal).expect("a journal serialises");
        fs::write_atomic(&jpath, &jtext).map_err(|e| Error::io(&jpath, e))?;
        crash_point("before-branch");

        // The branch moves only if nobody else moved it since we read it.
        let log = change.message.lines().next().unwrap_or("smout");
        let moved = match &head {
            Some(h) => repo.reference_matching(&branch, commit, true, h.id(), log),
            None => repo.reference(&branch, commit, false, log),
        };
        if let Err(e) = moved {
            let _ = std::fs::remove_file(&jpath);
            if let Some(path) = self.ref_lock_of(&branch) {
                return Err(NotReady::RefLocked { path }.into());
            }
            return Err(NotReady::BranchMoved {
                branch,
                why: e.message().to_string(),
            }
            .into());
        }
        crash_point("after-branch");
        self.finish(&journal)?;
        let _ = std::fs::remove_file(&jpath);
        Ok(Committed { commit })
    }

    /// Whether this change must be signed: HEAD's committed `[roles]` requires signatures, or
    /// the change itself turns them on.
    fn requires_signatures(&self, change: &Change) -> Result<bool> {
        let requires = |text: &str| {
            toml::from_str::<toml::Table>(text)
                .ok()
                .and_then(|t| t.get("roles")?.get("require_signatures")?.as_bool())
                .unwrap_or(false)
        };
        let settings = crate::store::layout::SETTINGS_FILE;
        if self.read_committed(settings)?.is_some_and(|t| requires(&t)) {
            return Ok(true);
        }
        Ok(change.files.iter().any(|f| {
            f.rel == settings
                && f.bytes
                    .as_deref()
                    .and_then(|b| std::str::from_utf8(b).ok())
                    .is_some_and(requires)
        }))
    }

    /// Everything after the branch moved: tag, work tree, index. Each step can run again.
    fn finish(&self, j: &Journal) -> Result<()> {
        let repo = self.repo()?;
        if let (Some(r), Some(t)) = (&j.tag_ref, &j.tag) {
            let t = Oid::from_str(t).map_err(|e| Error::git("read the journal", e))?;
            match repo.find_reference(r) {
                Ok(existing) if existing.target() == Some(t) => {}
                Ok(_) => {
                    return Err(NotReady::Diverged {
                        reference: r.clone(),
                        what: j.what.clone(),
                    }
                    .into())
                }
                Err(_) => {
                    repo.reference(r, t, false, &j.what)
                        .map_err(|e| Error::git(format!("create {r}"), e))?;
                    pack_refs(repo);
                }
            }
        }
        crash_point("after-tag");
        if repo.workdir().is_none() {
            return Err(NotReady::NoWorkTree.into());
        }
        for f in &j.files {
            let rel = f
                .path
                .strip_prefix(&self.prefix)
                .unwrap_or(&f.path)
                .to_string();
            match &f.blob {
                Some(b) => {
                    let oid = Oid::from_str(b).map_err(|e| Error::git("read the journal", e))?;
                    let blob = repo
                        .find_blob(oid)
                        .map_err(|e| Error::git(format!("read {rel}"), e))?;
                    let current = fs::read(&self.root, Path::new(&rel), u64::MAX).ok();
                    if current.as_deref() != Some(blob.content()) {
                        self.write(&rel, blob.content())?;
                    }
                }
                None => {
                    let p = self.checked_path(&rel)?;
                    match std::fs::remove_file(&p) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(Error::io(&p, e)),
                    }
                }
            }
        }
        crash_point("after-worktree");
        let mut index = repo.index().map_err(|e| Error::git("open the index", e))?;
        index
            .read(true)
            .map_err(|e| Error::git("read the index", e))?;
        for f in &j.files {
            let p = Path::new(&f.path);
            match &f.blob {
                Some(_) => {
                    // From the file just written: the index gets its stat data too.
                    index
                        .add_path(p)
                        .map_err(|e| Error::git(format!("update the index for {}", f.path), e))?;
                }
                None => {
                    let _ = index.remove_path(p);
                }
            }
        }
        index.write().map_err(|e| {
            Error::git(
                "write the index (if .git/index.lock is left from a crashed git, remove it and run smout again)",
                e,
            )
        })?;
        crash_point("after-index");
        Ok(())
    }

    /// Make a signed annotated tag `name` on `target` under `lock` (a co-signature): always
    /// signed, whatever the register requires, since an unsigned co-signature proves nothing.
    pub fn signed_tag(
        &self,
        _lock: &RegisterLock,
        name: &str,
        target: Oid,
        message: &str,
    ) -> Result<Oid> {
        self.forget_history();
        let repo = self.repo()?;
        let r = format!("refs/tags/{name}");
        if repo.find_reference(&r).is_ok() {
            return Err(NotReady::TagExists(name.to_string()).into());
        }
        let key = sign::signing_key(repo).ok_or_else(sign::no_key_error)?;
        let tagger = git::committer(&git::signature(repo)?)?;
        let oid = write_signed_tag(repo, &key, target, name, &tagger, message)?;
        let made = repo.reference(&r, oid, false, message);
        pack_refs(repo);
        made.map_err(|e| Error::git(format!("create {r}"), e))?;
        Ok(oid)
    }

    /// Finish a change an interrupted smout left, or drop its journal when the change never took
    /// effect. Returns what to tell the user.
    fn recover(&self, _lock: &RegisterLock) -> Result<Option<String>> {
        let jpath = self.smout_dir()?.join("journal");
        let text = match std::fs::read(&jpath) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&jpath, e)),
        };
        let Ok(j) = serde_json::from_slice::<Journal>(&text) else {
            // Torn before it was renamed into place cannot happen; anything else is not ours.
            let _ = std::fs::remove_file(&jpath);
            return Ok(None);
        };
        let repo = self.repo()?;
        let commit = Oid::from_str(&j.commit).map_err(|e| Error::git("read the journal", e))?;
        let at = repo.find_reference(&j.branch).ok().and_then(|r| r.target());
        let msg = if at == Some(commit) {
            self.finish(&j)?;
            Some(format!(
                "finished `smout {}`, which was interrupted after it committed ({})",
                j.what,
                history::short(commit)
            ))
        } else if at.is_some_and(|h| repo.graph_descendant_of(h, commit).unwrap_or(false)) {
            // Landed, and other commits came on top: only the tag can be missing.
            let tagged = Journal {
                files: Vec::new(),
                ..j
            };
            self.finish(&tagged)?;
            Some(format!(
                "finished tagging `smout {}`, which was interrupted after it committed",
                tagged.what
            ))
        } else {
            None
        };
        let _ = std::fs::remove_file(&jpath);
        Ok(msg)
    }
}
