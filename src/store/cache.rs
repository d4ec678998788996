//! Caches under `.git/smout/`: facts computed from files and objects, kept so that the next run
//! does no work for what did not change. Every cache is keyed by what it was computed from (a
//! blob id, a commit id, or a working-tree file's [`Stamp`]), is written atomically, and is
//! only ever a shortcut: when it is missing, damaged or written by another version, the facts
//! are computed again and nothing is lost.

use std::path::Path;

use serde::{Deserialize, Serialize};

use git2::Oid;

use super::repo::Store;

/// What identifies a working-tree file's content without reading it, as git's index does: its
/// size, modification and change times, and inode. A file changed in the second before a stamp
/// was taken is "racy" (a later write within the clock's resolution would keep the stamp):
/// [`Stamp::settled`] says whether it may be trusted next time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    ino: u64,
}

impl Stamp {
    /// Whether the file was last changed more than a second before `now` (seconds since the
    /// epoch), so that an edit after the stamp would show in it.
    pub fn settled(&self, now: i64) -> bool {
        self.mtime.0.max(self.ctime.0) < now - 1
    }
}

/// The stamp of the regular file at `path` (`None`: nothing there, or not a regular file).
pub fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::symlink_metadata(path).ok()?;
    if !m.file_type().is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp {
            len: m.len(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
            ino: m.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(Stamp {
            len: m.len(),
            mtime: (t.as_secs() as i64, i64::from(t.subsec_nanos())),
            ctime: (0, 0),
            ino: 0,
        })
    }
}

/// The cache in `file`, as the JSON it was saved as, if it was saved under `key`.
pub(super) fn read_cache<T: serde::de::DeserializeOwned>(file: &Path, key: &str) -> Option<T> {
    let bytes = std::fs::read(file).ok()?;
    let nl = bytes.iter().position(|&c| c == b'\n')?;
    if &bytes[..nl] != key.as_bytes() {
        return None;
    }
    serde_json::from_slice(&bytes[nl + 1..]).ok()
}

impl Store {
    /// The stamp of register file `rel` in the working tree.
    pub fn stamp(&self, rel: &str) -> Option<Stamp> {
        stamp(&self.root().join(rel))
    }

    /// From now on, read no cache: every fact comes from git's objects and the files (what
    /// is computed is still saved, replacing what was there).
    pub fn ignore_caches(&self) {
        self.ignore_caches.set(true);
    }

    /// The cache `name` (`None`: none yet, outside a repository, unreadable, or caches are
    /// ignored), as the JSON it was saved as, if it was saved under the same `key`.
    pub fn load_cache<T: serde::de::DeserializeOwned>(&self, name: &str, key: &str) -> Option<T> {
        read_cache(&self.cache_file(name)?, key)
    }

    /// Where cache `name` is kept (`None` outside a repository or when caches are ignored).
    pub(super) fn cache_file(&self, name: &str) -> Option<std::path::PathBuf> {
        if self.ignore_caches.get() {
            return None;
        }
        Some(self.repo.as_ref()?.path().join("smout").join(name))
    }

    /// Save cache `name` under `key`, atomically. Best effort: a read-only repository still
    /// gets its answers, only not faster next time.
    pub fn save_cache<T: Serialize>(&self, name: &str, key: &str, value: &T) {
        let Some(repo) = self.repo.as_ref() else {
            return;
        };
        let dir = repo.path().join("smout");
        let Ok(json) = serde_json::to_vec(value) else {
            return;
        };
        let mut bytes = Vec::with_capacity(key.len() + 1 + json.len());
        bytes.extend_from_slice(key.as_bytes());
        bytes.push(b'\n');
        bytes.extend_from_slice(&json);
        let _ = std::fs::create_dir_all(&dir)
            .and_then(|_| super::fs::write_atomic(&dir.join(name), &bytes));
    }

    /// The id git gives a blob of these bytes.
    pub fn blob_id(bytes: &[u8]) -> Option<Oid> {
        Oid::hash_object(git2::ObjectType::Blob, bytes).ok()
    }
}
