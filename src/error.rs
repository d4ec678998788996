//! The errors that stop a command (as opposed to findings, which are collected and reported):
//! each says which file, revision or setting it is about, and the CLI adds a hint.

use std::path::{Path, PathBuf};

/// An error that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A form definition is broken.
    #[error("form definition {source_name}: {message}")]
    Form {
        /// Where the form came from.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// No register was found.
    #[error("no smout register found in {0} or any folder above it")]
    NoRegister(PathBuf),
    /// `smout.toml` is broken.
    #[error("{path}: {message}")]
    Settings {
        /// The settings file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A record's `determinations.toml` (or a decision read with `--from`) does not parse.
    #[error("{path}: {message}")]
    Determinations {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A record id is not acceptable.
    #[error("`{id}` is not a record id: {why}")]
    BadId {
        /// The id given.
        id: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// No such record (and the register's closest id, when one is close).
    #[error("no record `{id}` in this register{}", .close.as_ref().map(|c| format!("; did you mean `{c}`?")).unwrap_or_default())]
    NoRecord {
        /// The id asked for.
        id: String,
        /// The closest id there is.
        close: Option<String>,
    },
    /// A record that is not valid TOML where it must be read.
    #[error("{what} is not valid TOML: {message}")]
    InvalidRecord {
        /// The record, and where it was read (`x at submission/2`).
        what: String,
        /// What the parser said.
        message: String,
    },
    /// A submission that would change nothing.
    #[error("{id} has not changed since submission {n} (nor have its attachments): there is nothing new to review. Edit the record, then submit again")]
    Unchanged {
        /// The record.
        id: String,
        /// Its latest submission.
        n: u32,
    },
    /// The record exists already.
    #[error("record `{0}` exists already")]
    RecordExists(String),
    /// No such form.
    #[error("no form `{id}` (known: {known})")]
    NoForm {
        /// The form asked for.
        id: String,
        /// The forms there are.
        known: String,
    },
    /// A revision named for a record does not resolve.
    #[error("record {id} has no revision `{spec}`: {why}")]
    Revision {
        /// The record.
        id: String,
        /// The revision as the user wrote it.
        spec: String,
        /// Why it does not resolve.
        why: String,
    },
    /// A git operation failed.
    #[error("git: {0}")]
    Git(String),
    /// A git operation failed: which one, and what git said.
    #[error("git could not {op}")]
    GitOp {
        /// What smout was doing.
        op: String,
        /// What git said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A register file is refused or unreadable.
    #[error("{}: {source}", path.display())]
    File {
        /// The file, relative to the register.
        path: PathBuf,
        /// Why.
        #[source]
        source: crate::store::fs::FileError,
    },
    /// The register is not inside a git repository.
    #[error("{} is not inside a git repository", .0.display())]
    NotGit(PathBuf),
    /// Another smout holds the register lock.
    #[error("another smout is changing this register ({holder}); gave up after {} s", waited.as_secs_f64())]
    Busy {
        /// The lock file.
        lock: PathBuf,
        /// What the holder wrote in it.
        holder: String,
        /// How long this one waited.
        waited: std::time::Duration,
    },
    /// The repository cannot take a change now (nothing was changed).
    #[error(transparent)]
    NotReady(#[from] crate::store::NotReady),
    /// A determination or appeal is refused.
    #[error(transparent)]
    Decision(#[from] crate::decide::Refusal),
    /// A roles change is refused.
    #[error(transparent)]
    Roles(#[from] crate::roles::Refusal),
    /// A withdrawal or retirement is refused.
    #[error(transparent)]
    Lifecycle(#[from] crate::lifecycle::Refusal),
    /// An output path that must not be written (see [`crate::store::output`]).
    #[error(transparent)]
    Output(#[from] crate::store::output::OutputRefusal),
    /// The command cannot go ahead; the message says why.
    #[error("{0}")]
    Refused(String),
    /// A template failed to render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's name.
        name: String,
        /// What tera said.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// What the user can do about it, when smout knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoRegister(_) => Some(
                "run `smout init` to create a register here, or pass `-C <register>`".into(),
            ),
            Error::NoRecord { .. } => Some("`smout status` lists the records of the register".into()),
            Error::Output(r) => Some(r.hint()),
            Error::InvalidRecord { what, .. } => Some(format!(
                "`smout check` shows where; {} must be valid TOML to be read",
                what.split(' ').next().unwrap_or("the record")
            )),
            Error::RecordExists(_) => {
                Some("choose another id, or edit the existing record.toml".into())
            }
            Error::NoForm { .. } => Some("`smout forms` lists the forms this register can use".into()),
            Error::BadId { .. } => Some(
                "record ids are lower-case letters, digits and hyphens, starting with a letter or digit (e.g. cbp-fld-2018)".into(),
            ),
            Error::File { source, .. } => Some(source.hint().into()),
            Error::Determinations { path, .. } => Some(format!(
                "determinations are written by `smout determine` and `smout appeal`; restore the committed file (`git checkout -- {}`), or `smout audit` to see what changed it",
                path.display()
            )),
            Error::Revision { id, .. } => Some(format!(
                "name a revision as submission/N, approved, submitted, worktree, or any git revision (a commit, tag or branch); `smout log {id}` lists the record's revisions"
            )),
            Error::NotGit(_) => Some(
                "a register lives in a git repository: statuses, submissions and determinations are its history. Clone the register (do not copy its files), or run `git init` and commit".into(),
            ),
            Error::Busy { lock, .. } => Some(format!(
                "wait for it to finish and run the command again, or set SMOUT_LOCK_TIMEOUT (seconds) to wait longer; the lock is {} and is released when its holder exits",
                lock.display()
            )),
            _ => None,
        }
    }
}

/// Result with smout's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
