//! Commits that touch only what a command changed. smout builds each commit from `HEAD`'s tree
//! plus the named files, so the user's other staged or unstaged edits are neither committed nor
//! lost; it refuses to commit mid-merge, mid-rebase or while another git holds the index lock.

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use git2::{IndexEntry, IndexTime, Oid, Repository, RepositoryState, Signature, Time};

use crate::error::{Error, Result};

/// Before `init` writes anything: whether `dir` is inside a repository already. When `commit`,
/// refuses unless the first commit could be made — git knows who is committing, the repository
/// is not mid-merge, and (for a `signed` register) git has a signing key.
pub fn prepare_init(dir: &Path, commit: bool, signed: bool) -> Result<bool> {
    let existing = Repository::discover(dir).ok();
    if existing.is_none() {
        refuse_reftable(dir)?;
    }
    if commit {
        match &existing {
            Some(r) => {
                ensure_ready(r)?;
                signature(r)?;
            }
            None => {
                default_signature()?;
            }
        }
        if signed {
            let key = match &existing {
                Some(r) => r.config().ok(),
                None => git2::Config::open_default().ok(),
            }
            .and_then(crate::store::sign::signing_key_in);
            match key {
                None => return Err(super::ready::NotReady::NoSigningKeyToInit.into()),
                Some(crate::store::sign::SigningKey::File(p)) if !p.is_file() => {
                    return Err(super::ready::NotReady::SigningKeyMissing(p).into())
                }
                Some(_) => {}
            }
        }
    }
    Ok(existing.is_some())
}

/// Make a git repository in `dir` whose first branch is `main`.
pub fn create_repository(dir: &Path) -> Result<()> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head("main");
    Repository::init_opts(dir, &opts)
        .map(|_| ())
        .map_err(|e| Error::git("create a repository", e))
}

/// The author of changes: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL` when set (as git does), else
/// `user.name`/`user.email` from git config; `GIT_AUTHOR_DATE` fixes the time.
pub fn signature(repo: &Repository) -> Result<Signature<'static>> {
    signature_from(repo.config().ok())
}

/// The author of changes outside any repository yet (`init`): the environment and the user's
/// global git configuration.
pub fn default_signature() -> Result<Signature<'static>> {
    signature_from(git2::Config::open_default().ok())
}

fn signature_from(cfg: Option<git2::Config>) -> Result<Signature<'static>> {
    let cfg = cfg.and_then(|mut c| c.snapshot().ok());
    let get = |env: &str, key: &str| {
        std::env::var(env)
            .ok()
            .filter(|s| !s.is_empty())
            .or_else(|| cfg.as_ref().and_then(|c| c.get_string(key).ok()))
    };
    let (Some(name), Some(email)) = (
        get("GIT_AUTHOR_NAME", "user.name"),
        get("GIT_AUTHOR_EMAIL", "user.email"),
    ) else {
        return Err(super::ready::NotReady::NoIdentity.into());
    };
    let sig = match std::env::var("GIT_AUTHOR_DATE")
        .ok()
        .and_then(|d| parse_git_date(&d))
    {
        Some(t) => Signature::new(&name, &email, &t),
        None => Signature::now(&name, &email),
    };
    sig.map_err(|e| Error::git("make the author's signature", e))
}

/// The committer of a change: the author, at `GIT_COMMITTER_DATE` when that is set.
pub fn committer(author: &Signature<'_>) -> Result<Signature<'static>> {
    match std::env::var("GIT_COMMITTER_DATE")
        .ok()
        .and_then(|d| parse_git_date(&d))
    {
        Some(t) => Signature::new(
            author.name().unwrap_or_default(),
            author.email().unwrap_or_default(),
            &t,
        )
        .map_err(|e| Error::git("make the committer's signature", e)),
        None => Ok(author.to_owned()),
    }
}

/// Parse the date forms git accepts in `GIT_AUTHOR_DATE` that matter here:
/// `@1528800000 +0000`, `1528800000 +0000` and RFC 3339.
pub fn parse_git_date(s: &str) -> Option<Time> {
    let s = s.trim();
    let raw = s.strip_prefix('@').unwrap_or(s);
    let mut parts = raw.split_whitespace();
    if let Some(Ok(secs)) = parts.next().map(str::parse::<i64>) {
        let offset = parts.next().and_then(parse_offset).unwrap_or(0);
        return Some(Time::new(secs, offset));
    }
    let dt: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(s).ok()?;
    Some(Time::new(
        dt.timestamp(),
        dt.offset().local_minus_utc() / 60,
    ))
}

fn parse_offset(s: &str) -> Option<i32> {
    let (sign, digits) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    Some(sign * (h * 60 + m))
}

/// Refuse when the repository is in the middle of something or its index is locked.
pub fn ensure_ready(repo: &Repository) -> Result<()> {
    let state = repo.state();
    if state != RepositoryState::Clean {
        let what = match state {
            RepositoryState::Merge => "a merge",
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => "a rebase",
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => "a cherry-pick",
            RepositoryState::Revert | RepositoryState::RevertSequence => "a revert",
            RepositoryState::Bisect => "a bisect",
            _ => "another git operation",
        };
        return Err(super::ready::NotReady::MidOperation(what).into());
    }
    if repo.path().join("index.lock").exists() {
        return Err(super::ready::NotReady::IndexLocked(repo.path().join("index.lock")).into());
    }
    Ok(())
}

pub(crate) fn index_entry(path: &str, id: Oid, len: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: len as u32,
        id,
        flags: (path.len().min(0xfff)) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// The path of a register file inside the repository (`<prefix>/records/x/record.toml`).
pub fn repo_path(repo: &Repository, root: &Path, rel: &str) -> Result<String> {
    let workdir = repo
        .workdir()
        .ok_or_else(|| Error::from(super::ready::NotReady::NoWorkTree))?;
    let workdir = workdir.canonicalize().map_err(|e| Error::io(workdir, e))?;
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let prefix = root
        .strip_prefix(&workdir)
        .map_err(|_| Error::Git("the register is outside the repository's working tree".into()))?;
    let p = prefix.join(rel);
    Ok(p.to_string_lossy().replace('\\', "/"))
}

/// Resolve a revision as users write it for a record: any git revision, or `submission/N`
/// (the tag `smout/<id>/submission/N`).
pub fn resolve_commit<'r>(repo: &'r Repository, id: &str, rev: &str) -> Result<git2::Commit<'r>> {
    let spec = if let Some(n) = rev.strip_prefix("submission/") {
        format!("refs/tags/smout/{id}/submission/{n}")
    } else if let Some(n) = rev.strip_prefix("determination/") {
        format!("refs/tags/smout/{id}/determination/{n}")
    } else {
        rev.to_string()
    };
    let obj = repo.revparse_single(&spec).map_err(|_| Error::Revision {
        id: id.to_string(),
        spec: rev.to_string(),
        why: "git knows no such commit, tag or branch".into(),
    })?;
    obj.peel_to_commit().map_err(|_| Error::Revision {
        id: id.to_string(),
        spec: rev.to_string(),
        why: "it does not name a commit".into(),
    })
}

/// The bytes of `path` (repository-relative) in `commit`, or None if it did not exist there.
pub fn read_bytes_at(
    repo: &Repository,
    commit: &git2::Commit<'_>,
    path: &str,
) -> Result<Option<Vec<u8>>> {
    let tree = commit
        .tree()
        .map_err(|e| Error::git(format!("read the tree of {}", commit.id()), e))?;
    let entry = match tree.get_path(Path::new(path)) {
        Ok(e) => e,
        Err(_) => return Ok(None),
    };
    let blob = repo
        .find_blob(entry.id())
        .map_err(|e| Error::git(format!("read {path} at {}", commit.id()), e))?;
    Ok(Some(blob.content().to_vec()))
}

/// The text of `path` (repository-relative) in `commit`, or None if it did not exist there.
pub fn read_at(repo: &Repository, commit: &git2::Commit<'_>, path: &str) -> Result<Option<String>> {
    let Some(bytes) = read_bytes_at(repo, commit, path)? else {
        return Ok(None);
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Error::Git(format!("{path} at {} is not UTF-8 text", commit.id())))
}

/// The git folder of a repository at or above `dir` that keeps its references in a reftable
/// (`git init --ref-format=reftable`, git 3's default), which libgit2 cannot read yet.
fn reftable_above(dir: &Path) -> Option<std::path::PathBuf> {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    start.ancestors().find_map(|d| {
        let git = d.join(".git");
        let config = std::fs::read_to_string(git.join("config")).unwrap_or_default();
        let reftable = git.join("reftable").is_dir()
            || config.lines().any(|l| {
                l.replace(' ', "")
                    .eq_ignore_ascii_case("refstorage=reftable")
            });
        reftable.then_some(git)
    })
}

/// Refuse, saying what it is and how to convert it, a register whose repository keeps its
/// references in a reftable: libgit2 would see no repository at all.
pub fn refuse_reftable(dir: &Path) -> Result<()> {
    match reftable_above(dir) {
        Some(git) => Err(super::ready::NotReady::Reftable(git).into()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_date_forms_git_accepts() {
        let t = parse_git_date("@1528800000 +0200").unwrap();
        assert_eq!((t.seconds(), t.offset_minutes()), (1528800000, 120));
        let t = parse_git_date("2018-06-12T10:00:00-04:00").unwrap();
        assert_eq!((t.seconds(), t.offset_minutes()), (1528812000, -240));
        assert!(parse_git_date("yesterday").is_none());
    }
}
