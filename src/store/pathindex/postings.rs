//! The index by path, `.git/smout/paths-v1`, for `log`.

use std::path::Path;

use git2::{Oid, Repository};

use super::changes_file::{oid_text, parse_oid};
use super::model::{removed_records, PathChange, PathHistory, PathIndex};

/// The same facts by path, for `log`: see [`PathPostings`].
pub(super) const PATHS_FILE: &str = "paths-v1";

/// The changed-path index turned around, in `.git/smout/paths-v1`: one line per change of a
/// path, sorted by path, so that one record's history is a binary search in the file instead of
/// loading every commit's changes. Its header names HEAD: a file written for another HEAD is
/// not used (the index is then loaded, extended, and this file written again).
///
/// Line format: `<path>\t<seq> <commit> <old|-> <new|->`, then for an addition
/// `\t<removed path> <old>` per record file the same commit removed.
#[derive(Debug)]
pub struct PathPostings {
    /// The whole file; its lines start after the header.
    text: String,
    body: usize,
}

/// The header names the register's prefix and HEAD; the body's length follows, so that a file
/// cut short (or added to) is not read.
pub(super) fn postings_header(prefix: &str, head: Oid) -> String {
    format!("smout paths v1 prefix={prefix} head={head} bytes=")
}

/// Whether `file` begins with `header` and is as long as its header says (reads only the
/// beginning of the file).
pub(super) fn postings_current(file: &Path, header: &str) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(file) else {
        return false;
    };
    let mut buf = vec![0u8; header.len() + 24];
    let Ok(n) = f.read(&mut buf) else {
        return false;
    };
    let buf = &buf[..n];
    let Some(nl) = buf.iter().position(|&c| c == b'\n') else {
        return false;
    };
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    std::str::from_utf8(&buf[..nl])
        .ok()
        .and_then(|l| l.strip_prefix(header))
        .and_then(|b| b.parse::<u64>().ok())
        .is_some_and(|b| b + nl as u64 + 1 == size)
}

pub(super) fn save_postings(dir: &Path, header: &str, index: &PathIndex) -> std::io::Result<()> {
    let mut lines: Vec<(&str, usize, String)> = Vec::new();
    for (seq, e) in index.entries.iter().enumerate() {
        for c in &e.changes {
            // A path no line can hold: no postings (log loads the index instead).
            if c.path.contains(['\t', '\n']) {
                return Ok(());
            }
            let mut line = format!(
                "{}\t{seq} {} {} {}",
                c.path,
                e.commit,
                oid_text(c.old),
                oid_text(c.new)
            );
            if c.old.is_none() {
                for (p, o) in removed_records(e) {
                    line.push_str(&format!("\t{p} {}", oid_text(o)));
                }
            }
            lines.push((&c.path, seq, line));
        }
    }
    lines.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(&b.1)));
    let mut body = String::with_capacity(lines.len() * 140);
    for (_, _, l) in lines {
        body.push_str(&l);
        body.push('\n');
    }
    let out = format!("{header}{}\n{body}", body.len());
    std::fs::create_dir_all(dir)?;
    crate::store::fs::write_atomic(&dir.join(PATHS_FILE), out.as_bytes())
}

impl PathPostings {
    /// The postings file of `repo`, if it was written for its HEAD and `prefix`.
    pub fn load(repo: &Repository, prefix: &str) -> Option<PathPostings> {
        let head = repo.head().ok()?.peel_to_commit().ok()?.id();
        let text = std::fs::read_to_string(repo.path().join("smout").join(PATHS_FILE)).ok()?;
        let (first, body) = text.split_once('\n')?;
        let bytes: usize = first
            .strip_prefix(&postings_header(prefix, head))?
            .parse()
            .ok()?;
        if bytes != body.len() {
            return None;
        }
        let body = first.len() + 1;
        Some(PathPostings { text, body })
    }

    /// Remove the postings file (it could not be read).
    pub fn discard(repo: &Repository) {
        let _ = std::fs::remove_file(repo.path().join("smout").join(PATHS_FILE));
    }

    /// The lines of `path`: a binary search for the first, then the lines that follow.
    fn lines<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let body = &self.text[self.body..];
        let b = body.as_bytes();
        let key = |start: usize| -> &[u8] {
            let line = &b[start..];
            let end = line.iter().position(|&c| c == b'\t' || c == b'\n');
            &line[..end.unwrap_or(line.len())]
        };
        // `lo` is always a line start; the first line whose path is not below `path` lies in
        // [lo, hi].
        let (mut lo, mut hi) = (0usize, b.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = b[lo..mid]
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(lo, |p| lo + p + 1);
            if key(start) < path.as_bytes() {
                lo = b[start..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| start + p + 1);
            } else {
                hi = start;
            }
        }
        body[lo..]
            .lines()
            .take_while(move |l| l.split('\t').next() == Some(path))
    }
}

impl PathHistory for PathPostings {
    fn path_changes(&self, path: &str) -> Option<Vec<PathChange>> {
        let parse = |line: &str| -> Option<PathChange> {
            let mut parts = line.split('\t').skip(1);
            let mut f = parts.next()?.split(' ');
            let seq = f.next()?.parse().ok()?;
            let commit = parse_oid(f.next()?)??;
            let old = parse_oid(f.next()?)?;
            let new = parse_oid(f.next()?)?;
            let removed = parts
                .map(|r| {
                    let (p, o) = r.rsplit_once(' ')?;
                    Some((p.to_string(), parse_oid(o)?))
                })
                .collect::<Option<Vec<_>>>()?;
            Some(PathChange {
                seq,
                commit,
                old,
                new,
                removed,
            })
        };
        self.lines(path).map(parse).collect()
    }
}
