//! The register store: the one door to a register's files and git objects. It opens the
//! repository once per command, spells every tag name, reads files without following links and
//! with capped reads ([`fs`]), and makes every change the same way: under the register lock
//! ([`lock`]), objects first, then — recorded in a journal — the branch and the tag, then the
//! work tree and the index. A change interrupted at any point is either invisible (the branch
//! never moved) or finished by the next smout that takes the lock (the journal says what is
//! left), so the register is never left half-changed.

pub mod cache;
pub mod fs;
pub mod git;
pub mod history;
pub mod layout;
pub mod lock;
pub mod output;
pub mod pathindex;
mod read;
pub mod sign;

/// The register's folder of renderings (`smout render` writes there; git ignores it).
pub const RENDERS_DIR: &str = "renders";

pub use git2::Oid;
pub use read::{CommitInfo, SignedCommit};

use std::path::{Path, PathBuf};

use git2::{ObjectType, Repository};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use lock::RegisterLock;

/// What a committed change names as its kind in tags: `smout/<id>/<kind>/<n>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// A drafter's submission.
    Submission,
    /// A Privacy Office determination.
    Determination,
    /// An appeal.
    Appeal,
    /// The drafter withdrew the record (its number: the submission it ends, 0 for a draft).
    Withdrawal,
    /// The use ended (its number: the submission whose approval it ends).
    Retirement,
}

impl TagKind {
    /// The word in the tag name.
    pub fn word(self) -> &'static str {
        match self {
            TagKind::Submission => "submission",
            TagKind::Determination => "determination",
            TagKind::Appeal => "appeal",
            TagKind::Withdrawal => "withdrawal",
            TagKind::Retirement => "retirement",
        }
    }
}

/// The tag name (without `refs/tags/`) of the `n`th entry of `kind` of record `id`.
pub fn tag_name(id: &str, kind: TagKind, n: impl std::fmt::Display) -> String {
    format!("smout/{id}/{}/{n}", kind.word())
}

/// Why the store cannot make a change now. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    /// Git does not know who is committing.
    #[error("git does not know who you are, and smout records who made each change. Set it with:\n  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.gov")]
    NoIdentity,
    /// A merge, rebase … is under way.
    #[error(
        "the repository is in the middle of {0}; finish or abort it first (smout changed nothing)"
    )]
    MidOperation(&'static str),
    /// Another git holds the index.
    #[error("{} exists: another git process is running, or one crashed. If none is running, remove the file (smout changed nothing)", .0.display())]
    IndexLocked(PathBuf),
    /// HEAD is detached (at this commit).
    #[error("HEAD is detached (at {0}): a change committed here would belong to no branch and vanish from the register's history. Check out the register's branch first (e.g. `git switch main`); smout changed nothing")]
    Detached(String),
    /// Part of the history is missing.
    #[error("this is a shallow clone: smout cannot see the whole history it must build on. Run `git fetch --unshallow` first; smout changed nothing")]
    Shallow,
    /// A bare repository.
    #[error(
        "the repository has no working tree (it is bare); clone it and run smout in the clone"
    )]
    NoWorkTree,
    /// The tag a change would make exists.
    #[error("tag {0} exists already; smout changed nothing")]
    TagExists(String),
    /// Another process moved the branch between smout's read and its write.
    #[error("{branch} moved while smout was working ({why}); smout changed nothing — run the command again")]
    BranchMoved {
        /// The branch.
        branch: String,
        /// What git said.
        why: String,
    },
    /// A reference smout must move is locked by a lock file no smout of this register holds.
    #[error("{} is there: git (or a killed program) is writing {branch}; smout changed nothing. If no git command is running, it was left by one that was interrupted: remove it (rm '{}') and run the command again", path.display(), path.display(), branch = path.file_name().map(|n| n.to_string_lossy().trim_end_matches(".lock").to_string()).unwrap_or_default())]
    RefLocked {
        /// The lock file.
        path: PathBuf,
    },
    /// An unfinished change's reference points elsewhere than the change made it.
    #[error("{reference} points elsewhere than the change `{what}` made; inspect it with `git show {reference}`")]
    Diverged {
        /// The reference.
        reference: String,
        /// The change.
        what: String,
    },
    /// A signed register, and git has no signing key.
    #[error("this register requires signed commits ([roles] require_signatures = true), and git has no signing key. Set one as for git itself:\n  git config gpg.format ssh\n  git config user.signingkey ~/.ssh/id_ed25519.pub      # a key file\n  git config user.signingkey \"key::$(ssh-add -L | head -1)\"   # a key in ssh-agent (a PIV card)\nsmout changed nothing")]
    NoSigningKey,
    /// Signing failed.
    #[error("{0}; smout changed nothing")]
    SigningFailed(String),
}

impl From<NotReady> for crate::error::Error {
    fn from(r: NotReady) -> Self {
        crate::error::Error::refusal(r, None)
    }
}

impl Error {
    /// A git operation `op` failed (errors from git objects are made only in the store).
    pub(crate) fn git(op: impl Into<String>, source: git2::Error) -> Error {
        Error::GitOp {
            op: op.into(),
            source: Box::new(source),
        }
    }
}

/// The tag name (without `refs/tags/`) of the `n`th co-signature of roles change `commit`.
pub fn cosign_tag(commit: Oid, n: u32) -> String {
    format!("{COSIGN_TAGS}{commit}/{n}")
}

/// Where co-signature tags live (`refs/tags/` + this + `<commit>/<n>`).
pub const COSIGN_TAGS: &str = "smout/roles/cosign/";

/// The submission tag a commit's `smout-submission: <id>/<n>` trailer names (`None` when the
/// trailer's value is not `<id>/<n>`).
pub fn trailer_tag(value: &str) -> Option<String> {
    let (id, n) = value.rsplit_once('/')?;
    let n: u32 = n.parse().ok()?;
    Some(tag_name(id, TagKind::Submission, n))
}

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

/// An open register store.
pub struct Store {
    root: PathBuf,
    repo: Option<Repository>,
    prefix: String,
    /// The record tags, read once per store (kind → record id → entries).
    /// Dropped by every change the store makes.
    tags: std::cell::RefCell<Option<std::rc::Rc<history::Tags>>>,
    /// The changed-path index, once loaded (or given: the site shares one among its workers).
    /// Dropped by every change the store makes.
    index: std::cell::RefCell<Option<std::sync::Arc<pathindex::PathIndex>>>,
    /// The postings file of the changed-path index, when it was current for HEAD and `index`
    /// was not loaded. Dropped by every change the store makes.
    postings: std::cell::RefCell<Option<std::rc::Rc<pathindex::PathPostings>>>,
    /// Read no cache under `.git/smout/` (an audit that trusts git's objects only).
    ignore_caches: std::cell::Cell<bool>,
    /// What commits-v2 keeps, when read ahead (see [`Store::path_index_and_commit_facts`]).
    commit_facts: std::cell::RefCell<Option<read::CommitFacts>>,
    /// What callers computed from HEAD's committed files ([`Store::memo_at_head`]), by HEAD and
    /// key (a record's page reads its determinations for its rendering and again for its
    /// timeline). Dropped by every change the store makes.
    #[allow(clippy::type_complexity)]
    memo: std::cell::RefCell<
        std::collections::HashMap<(Oid, String), std::rc::Rc<dyn std::any::Any>>,
    >,
    /// Every submission's record blob and HEAD's files, replayed once from the changed-path
    /// index and given to each worker (the site): a record as submitted and its committed
    /// determinations are then read by blob id, not through the trees of thousands of commits.
    /// Dropped by every change the store makes.
    submitted: std::cell::RefCell<Option<std::sync::Arc<history::SubmittedRecords>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("prefix", &self.prefix)
            .finish()
    }
}

pub use fs::read_text_file;

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
    /// Open the store of the register at `root` (its git repository, when there is one).
    pub fn open(root: &Path) -> Result<Store> {
        // Like git, trust the object store's own hashes instead of hashing every object again
        // on each read: reading a commit's tree re-hashed the 5,000-entry `records/` tree each
        // time (a quarter of a site build). `git fsck` is the integrity check of the objects.
        static ONCE: std::sync::Once = std::sync::Once::new();
        // And keep large trees in libgit2's object cache (by default only trees under 4 KB):
        // every path looked up at HEAD goes through the one `records/` tree, which was parsed
        // again for each lookup (a fifth of a site build).
        ONCE.call_once(|| {
            git2::opts::strict_hash_verification(false);
            // SAFETY: a libgit2 global set once, before this process opens any repository
            // (every repository is opened through this function, after this call).
            let _ = unsafe { git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 4 << 20) };
            // SAFETY: as above. At most 64 MB of objects per repository (libgit2's default is
            // 256 MB): the site's workers each read thousands of distinct large trees once.
            let _ = unsafe { git2::opts::set_cache_max_size(64 << 20) };
            // Nothing lost: libgit2 fsyncs every object, ref and packed-refs file it writes
            // before renaming it into place, as smout does its own files (libgit2 does not by
            // default; git does with core.fsync).
            // SAFETY: a libgit2 global set once, as above; libgit2 is initialised by the calls
            // above; the option takes one int.
            let _ = unsafe {
                libgit2_sys::git_libgit2_opts(
                    libgit2_sys::GIT_OPT_ENABLE_FSYNC_GITDIR as std::ffi::c_int,
                    1 as std::ffi::c_int,
                )
            };
        });
        let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        let repo = Repository::discover(&root).ok();
        if repo.is_none() {
            git::refuse_reftable(&root)?;
        }
        let prefix = match &repo {
            Some(r) => git::repo_path(r, &root, "")?,
            None => String::new(),
        };
        Ok(Store {
            root,
            repo,
            prefix,
            tags: std::cell::RefCell::new(None),
            index: std::cell::RefCell::new(None),
            postings: std::cell::RefCell::new(None),
            ignore_caches: std::cell::Cell::new(false),
            commit_facts: Default::default(),
            memo: Default::default(),
            submitted: Default::default(),
        })
    }

    /// Drop what was read of history (the store is about to change it).
    fn forget_history(&self) {
        self.tags.replace(None);
        self.index.replace(None);
        self.postings.replace(None);
        self.memo.borrow_mut().clear();
        self.submitted.replace(None);
    }

    /// The register's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The register's folder inside the repository (`""` or `sub/`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The repository, or a refusal saying the register is not in one.
    pub(in crate::store) fn repo(&self) -> Result<&Repository> {
        self.repo
            .as_ref()
            .ok_or_else(|| Error::NotGit(self.root.clone()))
    }

    /// Whether the register is in a git repository.
    pub fn has_repo(&self) -> bool {
        self.repo.is_some()
    }

    /// `.git/smout` (the common git folder, shared by linked worktrees).
    fn smout_dir(&self) -> Result<PathBuf> {
        Ok(self.repo()?.commondir().join("smout"))
    }

    /// Read a register file as text, at most `cap` bytes, refusing links and non-regular files.
    /// `Ok(None)` when it does not exist.
    pub fn read_text(&self, rel: &str, cap: u64) -> Result<Option<String>> {
        fs::as_text(fs::read(&self.root, Path::new(rel), cap), Path::new(rel))
    }

    /// A register file as HEAD holds it (`None` when HEAD has no such file, or there is no HEAD).
    pub fn read_committed(&self, rel: &str) -> Result<Option<String>> {
        let repo = self.repo()?;
        let Some(head) = repo.head().ok().and_then(|h| h.peel_to_commit().ok()) else {
            return Ok(None);
        };
        git::read_at(repo, &head, &format!("{}{rel}", self.prefix))
    }

    /// A register file as HEAD holds it, and whether the working tree's copy differs (an
    /// uncommitted edit, which decisions never believe).
    pub fn read_committed_and_edited(&self, rel: &str) -> Result<(Option<String>, bool)> {
        let committed = self.read_committed(rel)?;
        let worktree = self.read_text(rel, fs::MAX_TEXT_BYTES)?;
        let edited = worktree != committed;
        Ok((committed, edited))
    }

    /// Write a register file atomically (temporary file, fsync, rename), refusing links on the
    /// way; folders are created as needed.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.checked_path(rel)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::write_atomic(&path, bytes).map_err(|e| Error::io(&path, e))
    }

    /// The absolute path of `rel`, when no folder on the way and not the file itself is a link.
    fn checked_path(&self, rel: &str) -> Result<PathBuf> {
        match fs::kind(&self.root, Path::new(rel)) {
            Ok(Some(k)) if k.is_symlink() => Err(Error::File {
                path: PathBuf::from(rel),
                source: fs::FileError::Symlink(PathBuf::from(rel)),
            }),
            Ok(_) => Ok(self.root.join(rel)),
            Err(source) => Err(Error::File {
                path: PathBuf::from(rel),
                source,
            }),
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_spelled_in_one_place() {
        assert_eq!(
            tag_name("cbp-fld", TagKind::Submission, 2),
            "smout/cbp-fld/submission/2"
        );
        assert_eq!(tag_name("x", TagKind::Appeal, 1), "smout/x/appeal/1");
        assert_eq!(
            trailer_tag("cbp-fld/2").as_deref(),
            Some("smout/cbp-fld/submission/2")
        );
        assert_eq!(trailer_tag("cbp-fld"), None);
        assert_eq!(trailer_tag("cbp-fld/two"), None);
        let c = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        assert_eq!(
            cosign_tag(c, 1),
            "smout/roles/cosign/0123456789012345678901234567890123456789/1"
        );
        assert!(cosign_tag(c, 1).starts_with(COSIGN_TAGS));
    }

    /// A repository with an identity in its own config (no environment needed).
    fn repo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Drafter").unwrap();
        cfg.set_str("user.email", "d@example.gov").unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_change_commits_tags_and_writes_the_work_tree_and_leaves_no_journal() {
        let (dir, store) = repo();
        let lock = store.lock("test", &mut |_| {}).unwrap();
        let done = store
            .commit(
                &lock,
                Change {
                    what: "submit x".into(),
                    files: vec![FileChange {
                        rel: "records/x/record.toml".into(),
                        bytes: Some(b"title = \"X\"\n".to_vec()),
                    }],
                    message: "submit x: submission 1\n".into(),
                    tag: Some((
                        tag_name("x", TagKind::Submission, 1),
                        "submission 1 of x".into(),
                    )),
                },
            )
            .unwrap();
        drop(lock);
        assert_eq!(store.head_commit(), Some(done.commit));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("records/x/record.toml")).unwrap(),
            "title = \"X\"\n"
        );
        let subs = store.submissions("x").unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(store.submission_commit(&subs[0]).unwrap(), done.commit);
        assert!(
            store.unfinished().is_none(),
            "the journal is gone once the change is done"
        );
        let info = store.commit_info(done.commit).unwrap();
        assert_eq!(
            (info.author_email.as_str(), info.summary.as_str()),
            ("d@example.gov", "submit x: submission 1")
        );
        // The committed text, and whether the work tree's copy was edited since.
        assert_eq!(
            store
                .read_committed_and_edited("records/x/record.toml")
                .unwrap(),
            (Some("title = \"X\"\n".to_string()), false)
        );
        std::fs::write(dir.path().join("records/x/record.toml"), "title = \"Y\"\n").unwrap();
        assert_eq!(
            store
                .read_committed_and_edited("records/x/record.toml")
                .unwrap(),
            (Some("title = \"X\"\n".to_string()), true)
        );
    }

    #[test]
    fn a_second_tag_of_the_same_name_is_refused_and_nothing_moves() {
        let (_dir, store) = repo();
        let change = |n: u8| Change {
            what: "submit x".into(),
            files: vec![FileChange {
                rel: "records/x/record.toml".into(),
                bytes: Some(vec![b'a' + n]),
            }],
            message: "submit\n".into(),
            tag: Some((tag_name("x", TagKind::Submission, 1), "s".into())),
        };
        let lock = store.lock("test", &mut |_| {}).unwrap();
        let first = store.commit(&lock, change(0)).unwrap();
        let e = store.commit(&lock, change(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "tag smout/x/submission/1 exists already; smout changed nothing"
        );
        assert_eq!(store.head_commit(), Some(first.commit));
    }
}
