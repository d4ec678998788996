//! Why the store cannot make a change now (nothing was changed).

use std::path::PathBuf;

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
    /// A signed register is being made, and git has no signing key.
    #[error(
        "{}\n(or make a register without signatures: smout init --unsigned)",
        NotReady::NoSigningKey
    )]
    NoSigningKeyToInit,
    /// git's `user.signingkey` names a key file that is not there.
    #[error("git's user.signingkey names {}, which does not exist; make the key (`mkdir -p ~/.ssh && ssh-keygen -t ed25519 -f ~/.ssh/id_ed25519`) or point user.signingkey at yours; smout changed nothing", .0.display())]
    SigningKeyMissing(PathBuf),
    /// The repository keeps its references in a reftable (at this git folder).
    #[error("{} keeps its references in a reftable (git init --ref-format=reftable), which smout's git library cannot read yet; convert it to files, which every git reads: git -C {} refs migrate --ref-format=files", .0.display(), .0.parent().unwrap_or(.0).display())]
    Reftable(PathBuf),
    /// Signing failed.
    #[error("{0}; smout changed nothing")]
    SigningFailed(String),
}

crate::error::refusal!(NotReady);
