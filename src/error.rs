//! The errors that stop a command (as opposed to findings, which are collected and reported):
//! each says which file, revision or setting it is about, and the CLI adds a hint.

use std::fmt;
use std::io;
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
        source: FileError,
    },
    /// The register is not inside a git repository.
    #[error("{} is not inside a git repository", .0.display())]
    NotGit(PathBuf),
    /// A worker thread could not open its own handle on the repository.
    #[error("a worker could not open the register: {0}")]
    Worker(#[source] std::sync::Arc<Error>),
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
    /// A refusal typed by the module that makes it — a determination, a roles change, a
    /// withdrawal, a store that cannot change now, an output path — kept whole as the cause,
    /// with what the user can do about it. This module knows none of those types: each module
    /// converts its own ([`Error::refusal`]).
    #[error("{source}")]
    Refusal {
        /// The module's own refusal.
        source: Box<dyn std::error::Error + Send + Sync>,
        /// What the user can do about it, when the refusal says.
        hint: Option<String>,
    },
    /// A file smout makes (a PDF, a Word file, a determinations file) could not be written.
    #[error("writing {what} failed: {source}")]
    Write {
        /// What was being written.
        what: &'static str,
        /// Why.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
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

    /// A module's own refusal `source`, with what the user can do about it.
    pub fn refusal(
        source: impl std::error::Error + Send + Sync + 'static,
        hint: Option<String>,
    ) -> Error {
        Error::Refusal {
            source: Box::new(source),
            hint,
        }
    }

    /// What the user can do about it, when smout knows.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::NoRegister(_) => Some(
                "run `smout init` to create a register here, or pass `-C <register>`".into(),
            ),
            Error::NoRecord { .. } => Some("`smout status` lists the records of the register".into()),
            Error::Refusal { hint, .. } => hint.clone(),
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

/// `impl From<$t> for Error`: a module's typed refusal, kept whole as the cause (without a hint:
/// its message says what to do).
macro_rules! refusal {
    ($t:ty) => {
        impl From<$t> for $crate::error::Error {
            fn from(r: $t) -> Self {
                $crate::error::Error::refusal(r, None)
            }
        }
    };
}
pub(crate) use refusal;

/// Result with smout's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a register file could not be read.
#[derive(Debug)]
pub enum FileError {
    /// There is no such file.
    NotFound,
    /// The path, or a folder on the way to it, is a symbolic link.
    Symlink(PathBuf),
    /// Something other than a regular file stands there (a folder, a device, a pipe …).
    NotRegular(&'static str),
    /// The file is larger than smout reads.
    TooLarge {
        /// Its size in bytes.
        len: u64,
        /// The limit.
        cap: u64,
    },
    /// The path leaves the register (`..`, an absolute path).
    Outside,
    /// What the system said.
    Io(io::Error),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound => write!(f, "no such file"),
            FileError::Symlink(p) => write!(
                f,
                "{} is a symbolic link; smout reads and writes no links inside a register",
                p.display()
            ),
            FileError::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            FileError::TooLarge { len, cap } => write!(
                f,
                "it is {:.1} MB; smout reads files of at most {:.1} MB here",
                *len as f64 / 1e6,
                *cap as f64 / 1e6
            ),
            FileError::Outside => write!(f, "the path leaves the register"),
            FileError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FileError {}

impl FileError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            FileError::NotFound => "check the name; `smout status` lists the records",
            FileError::Symlink(_) => {
                "replace the link by the file itself (git keeps links; smout does not follow them)"
            }
            FileError::NotRegular(_) => "put a regular file at this path",
            FileError::TooLarge { .. } => {
                "keep long material in attachments beside record.toml and refer to them"
            }
            FileError::Outside => "name a file inside the register",
            FileError::Io(_) => "check the file's permissions",
        }
    }
}
