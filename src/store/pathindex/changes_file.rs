//! The index's cache file, `.git/smout/changes-v1`: read and written.

use std::collections::HashMap;
use std::path::Path;

use git2::Oid;

use super::model::{Entry, FileChange};

pub(super) fn oid_text(o: Option<Oid>) -> String {
    o.map(|o| o.to_string()).unwrap_or_else(|| "-".into())
}

/// `-` or a whole object id (git2 would take a prefix and pad it with zeros).
pub(super) fn parse_oid(s: &str) -> Option<Option<Oid>> {
    if s == "-" {
        Some(None)
    } else if s.len() == 40 {
        Oid::from_str(s).ok().map(Some)
    } else {
        None
    }
}

/// Format: a header naming the register's prefix, then per commit
/// `<commit> <parent|-> <n>` and n lines `\t<path> <old|-> <new|->`.
pub(super) fn load(file: &Path, prefix: &str) -> Option<HashMap<Oid, Entry>> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut lines = text.lines();
    if lines.next()? != format!("smout changes v1 prefix={prefix}") {
        return None;
    }
    let mut out = HashMap::new();
    while let Some(l) = lines.next() {
        let mut p = l.split(' ');
        let commit = Oid::from_str(p.next()?).ok()?;
        let parent = parse_oid(p.next()?)?;
        let n: usize = p.next()?.parse().ok()?;
        let mut changes = Vec::with_capacity(n);
        for _ in 0..n {
            let c = lines.next()?.strip_prefix('\t')?;
            let mut q = c.rsplitn(3, ' ');
            let new = parse_oid(q.next()?)?;
            let old = parse_oid(q.next()?)?;
            let path = q.next()?.to_string();
            changes.push(FileChange { path, old, new });
        }
        out.insert(
            commit,
            Entry {
                commit,
                parent,
                changes,
            },
        );
    }
    Some(out)
}

pub(super) fn save(
    dir: &Path,
    file: &Path,
    known: &HashMap<Oid, Entry>,
    prefix: &str,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut out = String::with_capacity(known.len() * 160);
    out.push_str(&format!("smout changes v1 prefix={prefix}\n"));
    for e in known.values() {
        out.push_str(&format!(
            "{} {} {}\n",
            e.commit,
            oid_text(e.parent),
            e.changes.len()
        ));
        for c in &e.changes {
            out.push_str(&format!(
                "\t{} {} {}\n",
                c.path,
                oid_text(c.old),
                oid_text(c.new)
            ));
        }
    }
    crate::store::fs::write_atomic(file, out.as_bytes())
}
