//! The store opened: the register's root, its git repository (when there is one), and what the
//! store keeps of history while it is open; reading and writing the work tree's files.

use std::path::{Path, PathBuf};

use git2::Repository;

use super::{commit, fs, git, history, pathindex};
use crate::error::{Error, Result};
use git2::Oid;

impl Error {
    /// A git operation `op` failed (errors from git objects are made only in the store).
    pub(crate) fn git(op: impl Into<String>, source: git2::Error) -> Error {
        Error::GitOp {
            op: op.into(),
            source: Box::new(source),
        }
    }
}

/// An open register store.
pub struct Store {
    pub(super) root: PathBuf,
    pub(super) repo: Option<Repository>,
    pub(super) prefix: String,
    /// The record tags, read once per store (kind → record id → entries).
    /// Dropped by every change the store makes.
    pub(super) tags: std::cell::RefCell<Option<std::sync::Arc<history::Tags>>>,
    /// The changed-path index, once loaded (or given: the site shares one among its workers).
    /// Dropped by every change the store makes.
    pub(super) index: std::cell::RefCell<Option<std::sync::Arc<pathindex::PathIndex>>>,
    /// The postings file of the changed-path index, when it was current for HEAD and `index`
    /// was not loaded. Dropped by every change the store makes.
    pub(super) postings: std::cell::RefCell<Option<std::rc::Rc<pathindex::PathPostings>>>,
    /// Read no cache under `.git/smout/` (an audit that trusts git's objects only).
    pub(super) ignore_caches: std::cell::Cell<bool>,
    /// What commits-v2 keeps, when read ahead (see [`Store::path_index_and_commit_facts`]).
    pub(super) commit_facts: std::cell::RefCell<Option<commit::CommitFacts>>,
    /// What callers computed from HEAD's committed files ([`Store::memo_at_head`]), by HEAD and
    /// key (a record's page reads its determinations for its rendering and again for its
    /// timeline). Dropped by every change the store makes.
    #[allow(clippy::type_complexity)]
    pub(super) memo: std::cell::RefCell<
        std::collections::HashMap<(Oid, String), std::rc::Rc<dyn std::any::Any>>,
    >,
    /// Every submission's record blob and HEAD's files, replayed once from the changed-path
    /// index and given to each worker (the site): a record as submitted and its committed
    /// determinations are then read by blob id, not through the trees of thousands of commits.
    /// Dropped by every change the store makes.
    pub(super) submitted: std::cell::RefCell<Option<std::sync::Arc<history::SubmittedRecords>>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("root", &self.root)
            .field("prefix", &self.prefix)
            .finish()
    }
}

impl Store {
    /// The repository, or a refusal saying the register is not in one.
    pub(in crate::store) fn repo(&self) -> Result<&Repository> {
        self.repo
            .as_ref()
            .ok_or_else(|| Error::NotGit(self.root.clone()))
    }

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
    pub(super) fn forget_history(&self) {
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

    /// Whether the register is in a git repository.
    pub fn has_repo(&self) -> bool {
        self.repo.is_some()
    }

    /// `.git/smout` (the common git folder, shared by linked worktrees).
    pub(super) fn smout_dir(&self) -> Result<PathBuf> {
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
    pub(super) fn checked_path(&self, rel: &str) -> Result<PathBuf> {
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
}
