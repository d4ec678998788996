//! The revisions that changed a record, following its moves and renames.

use std::path::Path;

use chrono::{DateTime, Utc};
use git2::{Oid, Repository};
use serde::Serialize;

use super::text::short;
use crate::error::{Error, Result};
use crate::store::layout::RECORD_FILE;
use crate::store::pathindex::{PathChange, PathHistory};

/// The ids a record had before it was moved to `records/<id>/` (newest first).
pub(in crate::store) fn former_ids(
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
pub(in crate::store) fn former_path(
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
pub(in crate::store) fn record_history(
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
