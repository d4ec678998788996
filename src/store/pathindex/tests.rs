//! The index of a small history built in a temporary folder: commits touching records and the
//! register's settings, a record moved, a side branch merged back.

use git2::{ObjectType, Oid};

use super::*;
use crate::store::testrepo::Repo;

/// The blob id of `text`.
fn blob(text: &str) -> Oid {
    Oid::hash_object(ObjectType::Blob, text.as_bytes()).unwrap()
}

/// The history:
///
/// ```text
/// c1 add a ── c2 add o, settings ── c3 move a to b ── m merge side
///                        └──────── s1 edit o ──────────┘
/// ```
struct History {
    r: Repo,
    c: [Oid; 3],
    side: Oid,
    merge: Oid,
}

fn history() -> History {
    let r = Repo::new();
    let c1 = r.commit("add a", &[("records/a/record.toml", Some("A1\n"))]);
    let c2 = r.commit(
        "add o",
        &[
            ("records/o/record.toml", Some("O1\n")),
            ("smout.toml", Some("name = \"R\"\n")),
        ],
    );
    let c3 = r.commit(
        "move a to b",
        &[
            ("records/a/record.toml", None),
            ("records/b/record.toml", Some("A1\n")),
        ],
    );
    let branch = r.repo.head().unwrap().name().unwrap().to_string();
    r.checkout(&c2.to_string());
    let side = r.commit("edit o", &[("records/o/record.toml", Some("O2\n"))]);
    r.checkout(&branch);
    let merge = r.merge(
        "merge side",
        Some(side),
        &[("records/o/record.toml", Some("O2\n"))],
    );
    History {
        r,
        c: [c1, c2, c3],
        side,
        merge,
    }
}

/// A change as (seq, commit, old, new, removed).
type Seen = (
    usize,
    Oid,
    Option<Oid>,
    Option<Oid>,
    Vec<(String, Option<Oid>)>,
);

fn seen(changes: Option<Vec<PathChange>>) -> Vec<Seen> {
    changes
        .expect("an index in memory always answers")
        .into_iter()
        .map(|c| (c.seq, c.commit, c.old, c.new, c.removed))
        .collect()
}

#[test]
fn the_index_holds_the_first_parent_chain_and_each_commits_changes() {
    let h = history();
    let [c1, c2, c3] = h.c;
    let index = PathIndex::rebuild(&h.r.repo, "").unwrap();
    let chain: Vec<(Oid, Option<Oid>)> =
        index.entries.iter().map(|e| (e.commit, e.parent)).collect();
    assert_eq!(
        chain,
        [
            (c1, None),
            (c2, Some(c1)),
            (c3, Some(c2)),
            (h.merge, Some(c3))
        ],
        "the side branch's commit is not on the chain; the merge is, by its first parent"
    );
    assert_eq!(
        index.entries[1].changes,
        [
            FileChange {
                path: "o/record.toml".into(),
                old: None,
                new: Some(blob("O1\n")),
            },
            FileChange {
                path: "smout.toml".into(),
                old: None,
                new: Some(blob("name = \"R\"\n")),
            },
        ],
        "paths under records/ are relative to it; the settings file by its name"
    );
    // A record added in the commit that removed another: the removed file is named with it.
    assert_eq!(
        seen(index.path_changes("b/record.toml")),
        [(
            2,
            c3,
            None,
            Some(blob("A1\n")),
            vec![("a/record.toml".to_string(), Some(blob("A1\n")))]
        )]
    );
    assert_eq!(
        seen(index.path_changes("a/record.toml")),
        [
            (0, c1, None, Some(blob("A1\n")), vec![]),
            (2, c3, Some(blob("A1\n")), None, vec![]),
        ]
    );
    // The merge changed `o` against its first parent: what the side branch brought in.
    assert_eq!(
        seen(index.path_changes("o/record.toml")),
        [
            (1, c2, None, Some(blob("O1\n")), vec![]),
            (3, h.merge, Some(blob("O1\n")), Some(blob("O2\n")), vec![]),
        ]
    );
    assert_eq!(seen(index.path_changes("none/record.toml")), []);
    // The postings file written beside the index answers alike; so does the index loaded back
    // from its cache file.
    let postings = PathPostings::load(&h.r.repo, "").expect("written for HEAD");
    let cached = PathIndex::open(&h.r.repo, "").unwrap();
    for path in [
        "a/record.toml",
        "b/record.toml",
        "o/record.toml",
        "smout.toml",
    ] {
        assert_eq!(
            postings.path_changes(path),
            index.path_changes(path),
            "{path}"
        );
        assert_eq!(
            cached.path_changes(path),
            index.path_changes(path),
            "{path}"
        );
    }
}

#[test]
fn side_edges_are_the_edges_the_chain_leaves_out() {
    let h = history();
    let [_, c2, c3] = h.c;
    let index = PathIndex::rebuild(&h.r.repo, "").unwrap();
    let merges = vec![(h.merge, vec![c3, h.side])];
    let edges = side_edges(&h.r.repo, "", &index, &merges).unwrap();
    let got: Vec<(Oid, Option<Oid>, Vec<FileChange>)> = edges
        .into_iter()
        .map(|e| (e.commit, e.parent, e.changes))
        .collect();
    assert_eq!(
        got,
        [
            // The side branch's commit against its parent on the chain.
            (
                h.side,
                Some(c2),
                vec![FileChange {
                    path: "o/record.toml".into(),
                    old: Some(blob("O1\n")),
                    new: Some(blob("O2\n")),
                }]
            ),
            // The merge against its second parent: what the chain brought in (the move).
            (
                h.merge,
                Some(h.side),
                vec![
                    FileChange {
                        path: "a/record.toml".into(),
                        old: Some(blob("A1\n")),
                        new: None,
                    },
                    FileChange {
                        path: "b/record.toml".into(),
                        old: None,
                        new: Some(blob("A1\n")),
                    },
                ]
            ),
        ]
    );
    // No merges: nothing is left out.
    assert!(side_edges(&h.r.repo, "", &index, &[]).unwrap().is_empty());
}
