//! The commits that appended each determination and appeal to a record's determinations file.

use std::path::Path;

use git2::{Oid, Repository};

use super::revisions::Revision;
use super::text::{blob_text, short};
use crate::error::{Error, Result};
use crate::store::pathindex::PathHistory;

/// The commit that appended an entry (a determination or an appeal) to a record's
/// determinations file, and when (its author time, as revisions are timed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The commit.
    pub commit: Oid,
    /// Its author time, seconds since the epoch.
    pub time: i64,
}

/// For each entry of a record's determinations file, in file order, the commit that appended
/// it (`None` where the history does not show one).
#[derive(Debug, Clone, Default)]
pub struct DecisionCommits {
    /// Of each `[[determination]]`.
    pub determinations: Vec<Option<Appended>>,
    /// Of each `[[appeal]]`.
    pub appeals: Vec<Option<Appended>>,
}

/// Reads a version of a record's determinations file (its text and path): how many
/// determinations and appeals it holds (`None`: it does not parse, and is passed over).
pub type Counter<'a> = dyn Fn(&str, &Path) -> Option<(usize, usize)> + 'a;

/// The commits that appended each entry of record `id`'s determinations file: the
/// first-parent commit from which the file holds it, found through the file's changes in the
/// changed-path index, followed through the record's moves (`revs`, its revisions newest
/// first, say where its folder was when). A version that does not parse is passed over; a
/// file deleted (or moved away) and added again keeps the entries it held.
pub(in crate::store) fn decision_commits(
    repo: &Repository,
    index: &dyn PathHistory,
    id: &str,
    revs: &[Revision],
    count: &Counter<'_>,
) -> Result<DecisionCommits> {
    // The record's folder, and the stretch of history (seq from, to) it was there for, newest
    // first.
    let mut folders: Vec<(String, usize, usize)> = Vec::new();
    let (mut folder, mut upper) = (id.to_string(), usize::MAX);
    for r in revs {
        if let Some(from) = &r.moved_from {
            folders.push((folder, r.seq, upper));
            folder = from
                .rsplit_once('/')
                .map_or(from.as_str(), |f| f.0)
                .to_string();
            upper = r.seq;
        }
    }
    folders.push((folder, 0, upper));
    let mut out = DecisionCommits::default();
    let (mut dets, mut appeals) = (0usize, 0usize);
    for (folder, lower, upper) in folders.iter().rev() {
        let path = format!("{folder}/{}", crate::store::layout::DETERMINATIONS_FILE);
        let changes = index.path_changes(&path).ok_or_else(|| {
            Error::Git(format!(
                "the history index of {path} is damaged; run `smout audit --rebuild-index` to rebuild it"
            ))
        })?;
        for c in changes.iter().filter(|c| (*lower..*upper).contains(&c.seq)) {
            let Some(new) = c.new else { continue };
            let Ok(text) = blob_text(repo, new) else {
                continue;
            };
            let Some((n_dets, n_appeals)) = count(&text, Path::new(&path)) else {
                continue;
            };
            if n_dets <= dets && n_appeals <= appeals {
                (dets, appeals) = (n_dets, n_appeals);
                continue;
            }
            let time = repo
                .find_commit(c.commit)
                .map(|k| k.author().when().seconds())
                .map_err(|e| Error::git(format!("read commit {}", short(c.commit)), e))?;
            let here = Some(Appended {
                commit: c.commit,
                time,
            });
            for (list, before, now) in [
                (&mut out.determinations, dets, n_dets),
                (&mut out.appeals, appeals, n_appeals),
            ] {
                if list.len() < now {
                    list.resize(now, None);
                }
                for slot in list.iter_mut().take(now).skip(before) {
                    *slot = here;
                }
            }
            (dets, appeals) = (n_dets, n_appeals);
        }
    }
    Ok(out)
}
