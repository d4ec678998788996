//! Comparing the `records/` trees of a commit and its parent byte for byte, and the file
//! changes inside one record folder.

use std::collections::HashMap;
use std::path::Path;

use git2::{Oid, Repository, Tree};

use super::model::FileChange;
use crate::error::{Error, Result};

pub(super) fn subtree_id(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// Git sorts tree entries by name, folders as if their name ended in '/'. Record folders are all
/// folders, so plain byte order of the names with a trailing '/' is the order.
fn tree_order(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    a.iter().chain(b"/").cmp(b.iter().chain(b"/"))
}

/// The file changes inside one record folder (`new` is this commit's, `old` the parent's).
pub(super) fn folder(
    repo: &Repository,
    name: &str,
    new: Option<Oid>,
    old: Option<Oid>,
    out: &mut Vec<FileChange>,
) -> Result<()> {
    let files = |o: Option<Oid>| -> HashMap<String, Oid> {
        o.and_then(|o| repo.find_tree(o).ok())
            .map(|t| {
                t.iter()
                    .filter_map(|e| Some((e.name().ok()?.to_string(), e.id())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (n, o) = (files(new), files(old));
    let mut names: Vec<&String> = n.keys().chain(o.keys()).collect();
    names.sort();
    names.dedup();
    for f in names {
        let (x, y) = (o.get(f).copied(), n.get(f).copied());
        if x != y {
            out.push(FileChange {
                path: format!("{name}/{f}"),
                old: x,
                new: y,
            });
        }
    }
    Ok(())
}

/// A tree object's raw bytes and where each of its entries starts: the `records/` tree of one
/// commit, read once, against which the next commit's is compared byte for byte.
pub(super) struct RawTree<'odb> {
    id: Oid,
    obj: git2::OdbObject<'odb>,
    starts: Vec<usize>,
}

/// Where the entry starting at `start` ends (`<mode> <name>\0<20-byte id>`).
fn entry_end(data: &[u8], start: usize) -> Option<usize> {
    let nul = data.get(start..)?.iter().position(|&c| c == 0)?;
    let end = start + nul + 1 + 20;
    (end <= data.len()).then_some(end)
}

/// The name and id of the entry starting at `start`.
fn entry_at(data: &[u8], start: usize) -> Option<(&[u8], Oid)> {
    let end = entry_end(data, start)?;
    let head = &data[start..end - 21];
    let space = head.iter().position(|&c| c == b' ')?;
    let id = Oid::from_bytes(&data[end - 20..end]).ok()?;
    Some((&head[space + 1..], id))
}

/// The length of the longest common prefix of `a` and `b`, compared a block at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    i + a[i..n]
        .iter()
        .zip(&b[i..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the longest common suffix of `a` and `b`, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    const BLOCK: usize = 256;
    let (la, lb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= max && a[la - i - BLOCK..la - i] == b[lb - i - BLOCK..lb - i] {
        i += BLOCK;
    }
    i + a[..la - i]
        .iter()
        .rev()
        .zip(b[..lb - i].iter().rev())
        .take(max - i)
        .take_while(|(x, y)| x == y)
        .count()
}

/// The names and ids of the entries starting at `list`.
fn entries_of(data: &[u8], list: &[usize], id: Oid) -> Result<Vec<(Vec<u8>, Oid)>> {
    list.iter()
        .map(|&s| {
            entry_at(data, s)
                .map(|(n, o)| (n.to_vec(), o))
                .ok_or_else(|| RawTree::damaged(id))
        })
        .collect()
}

/// Which entries differ between two lists in tree order: (name, id in `mine`, id in `theirs`).
fn merge(
    mine: &[(Vec<u8>, Oid)],
    theirs: &[(Vec<u8>, Oid)],
) -> Vec<(String, Option<Oid>, Option<Oid>)> {
    let mut out = Vec::new();
    let (mut x, mut y) = (mine.iter().peekable(), theirs.iter().peekable());
    loop {
        let ord = match (x.peek(), y.peek()) {
            (None, None) => break,
            (Some(m), Some(t)) => tree_order(&m.0, &t.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
        };
        let (name, here, there) = match ord {
            std::cmp::Ordering::Equal => {
                let (m, t) = (x.next().expect("peeked"), y.next().expect("peeked"));
                if m.1 == t.1 {
                    continue;
                }
                (&m.0, Some(m.1), Some(t.1))
            }
            std::cmp::Ordering::Less => {
                let m = x.next().expect("peeked");
                (&m.0, Some(m.1), None)
            }
            std::cmp::Ordering::Greater => {
                let t = y.next().expect("peeked");
                (&t.0, None, Some(t.1))
            }
        };
        out.push((String::from_utf8_lossy(name).into_owned(), here, there));
    }
    out
}

/// The entries of `records/` that differ between a commit's tree (`mine`) and its parent's
/// (tree `theirs`), and the parent's tree as read: located from `mine` when both are there.
#[allow(clippy::type_complexity)]
pub(super) fn diff_raw<'odb>(
    odb: &'odb git2::Odb<'odb>,
    mine: Option<&std::rc::Rc<RawTree<'odb>>>,
    theirs: Option<Oid>,
) -> Result<(
    Option<std::rc::Rc<RawTree<'odb>>>,
    Vec<(String, Option<Oid>, Option<Oid>)>,
)> {
    let all = |t: &RawTree<'_>| entries_of(t.data(), &t.starts, t.id);
    Ok(match (mine, theirs) {
        (Some(m), Some(t)) if m.id == t => (Some(m.clone()), Vec::new()),
        (Some(m), Some(t)) => match m.next(odb, t) {
            Ok((r, d)) => (Some(std::rc::Rc::new(r)), d),
            // Not a tree there (a file named `records`): nothing of it is a record.
            Err(_) => (None, merge(&all(m)?, &[])),
        },
        (None, Some(t)) => match RawTree::read(odb, t) {
            Ok(r) => {
                let d = merge(&[], &all(&r)?);
                (Some(std::rc::Rc::new(r)), d)
            }
            Err(_) => (None, Vec::new()),
        },
        (Some(m), None) => (None, merge(&all(m)?, &[])),
        (None, None) => (None, Vec::new()),
    })
}

impl<'odb> RawTree<'odb> {
    /// Tree `id`, every entry located.
    pub(super) fn read(odb: &'odb git2::Odb<'odb>, id: Oid) -> Result<RawTree<'odb>> {
        let obj = Self::object(odb, id)?;
        let data = obj.data();
        let mut starts = Vec::with_capacity(data.len() / 32);
        let mut p = 0;
        while p < data.len() {
            starts.push(p);
            p = entry_end(data, p).ok_or_else(|| Self::damaged(id))?;
        }
        Ok(RawTree { id, obj, starts })
    }

    /// The bytes of tree `id` (read as git stores them, not parsed into entries).
    fn object(odb: &'odb git2::Odb<'odb>, id: Oid) -> Result<git2::OdbObject<'odb>> {
        let obj = odb
            .read(id)
            .map_err(|e| Error::git(format!("read tree {id}"), e))?;
        if obj.kind() != git2::ObjectType::Tree {
            return Err(Self::damaged(id));
        }
        Ok(obj)
    }

    fn data(&self) -> &[u8] {
        self.obj.data()
    }

    fn damaged(id: Oid) -> Error {
        Error::Git(format!("tree {id} cannot be read as a tree"))
    }

    /// Tree `id`, located from this one: the bytes both share at the start and at the end
    /// hold the same entries, so only the stretch between is parsed. Also returns the
    /// entries that differ: (name, id here, id there).
    #[allow(clippy::type_complexity)]
    fn next(
        &self,
        odb: &'odb git2::Odb<'odb>,
        id: Oid,
    ) -> Result<(RawTree<'odb>, Vec<(String, Option<Oid>, Option<Oid>)>)> {
        let obj = Self::object(odb, id)?;
        let (a, b) = (self.data(), obj.data());
        let first = common_prefix(a, b);
        let suffix = common_suffix(a, b, a.len().min(b.len()) - first);
        // The entry of `a` holding the first difference starts at the same place in `b`.
        let k = self
            .starts
            .partition_point(|&s| s <= first)
            .saturating_sub(1);
        let mut starts: Vec<usize> = self.starts[..k].to_vec();
        let mut p = self.starts.get(k).copied().unwrap_or(0);
        // Parse `b` until it meets, inside the common suffix, a place where `a` has an entry:
        // from there on the two parse alike.
        let tail_a = loop {
            if p >= b.len() - suffix {
                let q = p + a.len() - b.len();
                if let Ok(j) = self.starts.binary_search(&q) {
                    break j;
                }
                if p == b.len() {
                    break self.starts.len();
                }
            }
            starts.push(p);
            p = entry_end(b, p).ok_or_else(|| Self::damaged(id))?;
        };
        let tail_b = starts.len();
        starts.extend(self.starts[tail_a..].iter().map(|s| s + b.len() - a.len()));
        let mine = entries_of(a, &self.starts[k..tail_a], self.id)?;
        let theirs = entries_of(b, &starts[k..tail_b], id)?;
        let out = merge(&mine, &theirs);
        Ok((RawTree { id, obj, starts }, out))
    }
}
