//! Where `-o` may write. An output path never replaces something smout did not write: a file
//! smout wrote there before (its SHA-256 is kept in `.git/smout/outputs-v1`) or a site folder
//! smout wrote (it holds smout's mark, [`SITE_MARK`]) is replaced; anything else is refused, and
//! so is every path under a `.git` folder, a device, and — for a site, which replaces a whole
//! folder — the register itself, any folder above it, and its `records/`, `forms/` and
//! `templates/`. The register's own `renders/` folder (git ignores it) is smout's.
//!
//! This is the one place that decides; the commands that take `-o` (render, report, site,
//! `roles export-allowed-signers`) ask it before they write.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::repo::Store;
use crate::error::{Error, Result};

/// The file smout puts in every site folder it writes: a folder holding it is a site smout
/// may replace.
pub const SITE_MARK: &str = ".smout-site";

/// The text of [`SITE_MARK`].
pub const SITE_MARK_TEXT: &str = "This folder was written by `smout site`; smout replaces it as a whole when the site is written again, and only while this file is here.\n";

const OUTPUTS: &str = "outputs-v1";
const OUTPUTS_KEY: &str = "smout outputs v1";

/// Why an output path is refused.
#[derive(Debug, thiserror::Error)]
pub enum OutputRefusal {
    /// Under a `.git` folder: git's own files.
    #[error("{0} is inside a .git folder; smout never writes git's files with -o")]
    InGit(PathBuf),
    /// The register, a folder above it, or one of the folders it keeps.
    #[error(
        "{path} is {what}; a site replaces the whole folder, so smout does not write it there"
    )]
    Protected {
        /// The path.
        path: PathBuf,
        /// What it is ("the register", "the register's records/ folder", …).
        what: String,
    },
    /// An existing file or folder smout did not write (or that was changed since).
    #[error("{0} exists and is not something smout wrote; smout replaces only its own outputs")]
    NotOurs(PathBuf),
    /// Not a regular file (a device, a socket) or not a folder where a site goes.
    #[error("{path} is {what}")]
    WrongKind {
        /// The path.
        path: PathBuf,
        /// What it is.
        what: String,
    },
}

impl From<OutputRefusal> for crate::error::Error {
    fn from(r: OutputRefusal) -> Self {
        let hint = Some(r.hint());
        crate::error::Error::refusal(r, hint)
    }
}

impl OutputRefusal {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            OutputRefusal::InGit(_) => {
                "choose a path outside .git (to give git a file, write it elsewhere, or to standard output, and move it yourself)".into()
            }
            OutputRefusal::Protected { .. } => {
                "give the site a folder of its own, such as `-o public`".into()
            }
            OutputRefusal::NotOurs(_) => {
                "choose another path, or move the file or folder away first if it can go".into()
            }
            OutputRefusal::WrongKind { .. } => "choose a path to a regular file or folder".into(),
        }
    }
}

/// `p` made absolute and free of `.` and `..`, following links in the folders that exist (so
/// that `-o ../reg` and a link to the register are seen for what they are).
fn resolved(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut norm = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                norm.pop();
            }
            Component::CurDir => {}
            other => norm.push(other),
        }
    }
    // The longest existing prefix, canonicalized; the rest appended as written.
    let mut head = norm.clone();
    let mut tail: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(mut out) = head.canonicalize() {
            out.extend(tail.iter().rev());
            return out;
        }
        match (head.file_name(), head.parent()) {
            (Some(name), Some(parent)) => {
                tail.push(name.to_os_string());
                head = parent.to_path_buf();
            }
            _ => return norm,
        }
    }
}

fn in_git(p: &Path) -> bool {
    p.components().any(|c| c.as_os_str() == ".git")
}

/// The SHA-256 of `bytes`, as [`Store::remember_outputs`] keeps it.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Whether `target` (resolved) is under a `.git` folder or the repository's git folder.
    fn in_git_dir(&self, target: &Path) -> bool {
        in_git(target)
            || self.repo.as_ref().is_some_and(|r| {
                target.starts_with(resolved(r.path()))
                    || target.starts_with(resolved(r.commondir()))
            })
    }

    fn outputs(&self) -> BTreeMap<String, String> {
        self.load_cache(OUTPUTS, OUTPUTS_KEY).unwrap_or_default()
    }

    /// Whether `-o path` (a file) may be written, and where it then is (resolved).
    pub fn check_output_file(&self, path: &Path) -> Result<PathBuf> {
        let target = resolved(path);
        if self.in_git_dir(&target) {
            return Err(OutputRefusal::InGit(path.to_path_buf()).into());
        }
        match std::fs::symlink_metadata(&target) {
            Err(_) => Ok(target),
            Ok(m) if m.is_dir() => Err(OutputRefusal::WrongKind {
                path: path.to_path_buf(),
                what: "a folder (name a file, such as `-o fld.pdf`)".into(),
            }
            .into()),
            Ok(m) if !m.is_file() => Err(OutputRefusal::WrongKind {
                path: path.to_path_buf(),
                what: "not a regular file".into(),
            }
            .into()),
            Ok(_) => {
                let renders = resolved(&self.root().join(super::names::RENDERS_DIR));
                if target.starts_with(&renders) {
                    return Ok(target);
                }
                let had = std::fs::read(&target).map_err(|e| Error::io(&target, e))?;
                let kept = self.outputs();
                match kept.get(&target.to_string_lossy().into_owned()) {
                    Some(h) if *h == sha256(&had) => Ok(target),
                    _ => Err(OutputRefusal::NotOurs(path.to_path_buf()).into()),
                }
            }
        }
    }

    /// Write `bytes` to `-o path` (atomically), where it may go; smout then knows the file as
    /// its own, and replaces it next time.
    pub fn write_output(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let target = self.check_output_file(path)?;
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        super::fs::write_atomic(&target, bytes).map_err(|e| Error::io(path, e))?;
        self.remember_outputs(&[(target, sha256(bytes))]);
        Ok(())
    }

    /// Know the files at `written` (resolved paths, as [`Store::check_output_file`] returns
    /// them, with the SHA-256 of what was written) as smout's own outputs.
    pub fn remember_outputs(&self, written: &[(PathBuf, String)]) {
        let mut kept = self.outputs();
        for (p, h) in written {
            kept.insert(p.to_string_lossy().into_owned(), h.clone());
        }
        self.save_cache(OUTPUTS, OUTPUTS_KEY, &kept);
    }

    /// Whether a site may be written to the folder `out` (which it replaces as a whole): it
    /// does not exist, is empty, or holds smout's [`SITE_MARK`]; and it is not the register,
    /// above it, one of its kept folders, or under `.git`.
    pub fn check_site_folder(&self, out: &Path) -> Result<()> {
        let target = resolved(out);
        let root = resolved(self.root());
        if self.in_git_dir(&target) {
            return Err(OutputRefusal::InGit(out.to_path_buf()).into());
        }
        let protected = |what: &str| -> Error {
            OutputRefusal::Protected {
                path: out.to_path_buf(),
                what: what.to_string(),
            }
            .into()
        };
        if root.starts_with(&target) {
            return Err(protected(if root == target {
                "the register itself"
            } else {
                "a folder that holds the register"
            }));
        }
        for kept in ["records", "forms", "templates"] {
            if target.starts_with(root.join(kept)) {
                return Err(protected(&format!("the register's {kept}/ folder")));
            }
        }
        match std::fs::symlink_metadata(&target) {
            Err(_) => Ok(()),
            Ok(m) if m.file_type().is_symlink() => Err(OutputRefusal::WrongKind {
                path: out.to_path_buf(),
                what: "a symbolic link; smout does not write through links".into(),
            }
            .into()),
            Ok(m) if !m.is_dir() => Err(OutputRefusal::WrongKind {
                path: out.to_path_buf(),
                what: "not a folder (a site is a folder: name one, such as `-o public`)".into(),
            }
            .into()),
            Ok(_) => {
                let empty = std::fs::read_dir(&target)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(false);
                let marked =
                    std::fs::symlink_metadata(target.join(SITE_MARK)).is_ok_and(|m| m.is_file());
                if empty || marked {
                    Ok(())
                } else {
                    Err(OutputRefusal::NotOurs(out.to_path_buf()).into())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolved_paths_see_through_dots_and_links() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        assert_eq!(resolved(&base.join("a/b/../b/./c")), base.join("a/b/c"));
        assert_eq!(resolved(&base.join("a/x/../y")), base.join("a/y"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("a"), base.join("l")).unwrap();
            assert_eq!(resolved(&base.join("l/b")), base.join("a/b"));
        }
    }
}
