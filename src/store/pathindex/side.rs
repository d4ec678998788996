//! The edges the first-parent chain leaves out: what the side branches of merges changed.

use git2::{Oid, Repository};

use super::model::{Entry, FileChange, PathIndex};
use super::rawtree::{diff_raw, folder, subtree_id, RawTree};
use crate::error::{Error, Result};
use crate::store::layout::{RECORDS_DIR, SETTINGS_FILE};

/// The commits reachable from HEAD off its first-parent chain, and the edges (commit, parent)
/// the chain's index leaves out: every edge of such a commit, and a merge's edges to its
/// second and later parents. `merges` are the chain's merges with their parents, first parent
/// first. Oldest first: a commit's edges come after those of every commit it descends from
/// off the chain. Each edge says what changed between the parent and the commit, as the
/// chain's entries do (an off-chain root: against nothing).
pub fn side_edges(
    repo: &Repository,
    prefix: &str,
    chain: &PathIndex,
    merges: &[(Oid, Vec<Oid>)],
) -> Result<Vec<Entry>> {
    let on_chain: std::collections::HashSet<Oid> = chain.entries.iter().map(|e| e.commit).collect();
    // Depth-first from each merge's other parents, stopping at the chain: a commit is listed
    // after all its parents (post-order), so the list is oldest first.
    let mut order: Vec<(Oid, Vec<Oid>)> = Vec::new();
    let mut seen: std::collections::HashSet<Oid> = std::collections::HashSet::new();
    for (_, parents) in merges {
        for &start in parents.iter().skip(1) {
            let mut stack: Vec<(Oid, bool)> = vec![(start, false)];
            while let Some((id, expanded)) = stack.pop() {
                if on_chain.contains(&id) {
                    continue;
                }
                if expanded {
                    let c = repo
                        .find_commit(id)
                        .map_err(|e| Error::git(format!("read commit {id}"), e))?;
                    order.push((id, c.parent_ids().collect()));
                    continue;
                }
                if !seen.insert(id) {
                    continue;
                }
                let c = repo
                    .find_commit(id)
                    .map_err(|e| Error::git(format!("read commit {id}"), e))?;
                stack.push((id, true));
                for p in c.parent_ids() {
                    if !seen.contains(&p) && !on_chain.contains(&p) {
                        stack.push((p, false));
                    }
                }
            }
        }
    }
    let records = format!("{prefix}{RECORDS_DIR}");
    let settings = format!("{prefix}{SETTINGS_FILE}");
    let odb = repo
        .odb()
        .map_err(|e| Error::git("open the object store", e))?;
    let edge = |commit: Oid, parent: Option<Oid>| -> Result<Entry> {
        let tree_of = |id: Oid| {
            repo.find_commit(id)
                .and_then(|c| c.tree())
                .map_err(|e| Error::git(format!("read commit {id}"), e))
        };
        let tree = tree_of(commit)?;
        let ptree = parent.map(tree_of).transpose()?;
        let mine = subtree_id(&tree, &records)
            .and_then(|o| RawTree::read(&odb, o).ok())
            .map(std::rc::Rc::new);
        let theirs = ptree.as_ref().and_then(|t| subtree_id(t, &records));
        let (_, differ) = diff_raw(&odb, mine.as_ref(), theirs)?;
        let mut changes = Vec::new();
        for (name, new, old) in differ {
            folder(repo, &name, new, old, &mut changes)?;
        }
        let (s_new, s_old) = (
            subtree_id(&tree, &settings),
            ptree.as_ref().and_then(|t| subtree_id(t, &settings)),
        );
        if s_new != s_old {
            changes.push(FileChange {
                path: SETTINGS_FILE.into(),
                old: s_old,
                new: s_new,
            });
        }
        Ok(Entry {
            commit,
            parent,
            changes,
        })
    };
    let mut out = Vec::new();
    for (id, parents) in &order {
        if parents.is_empty() {
            out.push(edge(*id, None)?);
        }
        for p in parents {
            out.push(edge(*id, Some(*p))?);
        }
    }
    for (m, parents) in merges {
        for p in parents.iter().skip(1) {
            out.push(edge(*m, Some(*p))?);
        }
    }
    Ok(out)
}
