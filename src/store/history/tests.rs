//! The history read from small repositories built in a temporary folder.

use std::path::Path;

use super::*;
use crate::store::pathindex::{PathHistory, PathIndex, PathPostings};
use crate::store::testrepo::Repo;

#[test]
fn each_decision_is_placed_at_the_commit_that_appended_it_across_a_move() {
    let entry = |table: &str, n: u32| {
        format!("[[{table}]]\nsubmission = {n}\nrecord_sha256 = \"00\"\nreviewed = 2024-01-10\nreviewer = \"M\"\noutcome = \"met\"\n")
    };
    let one = entry("determination", 1);
    let three = format!("{one}{}{}", entry("determination", 2), entry("appeal", 2));
    let r = Repo::new();
    r.commit(
        "add a",
        &[("records/a/record.toml", Some("title = \"A\"\n"))],
    );
    let first = r.commit(
        "determine a",
        &[("records/a/determinations.toml", Some(&one))],
    );
    r.commit(
        "move a to b",
        &[
            ("records/a/record.toml", None),
            ("records/a/determinations.toml", None),
            ("records/b/record.toml", Some("title = \"A\"\n")),
            ("records/b/determinations.toml", Some(&one)),
        ],
    );
    r.commit(
        "not valid",
        &[("records/b/determinations.toml", Some("[[x"))],
    );
    let second = r.commit(
        "determine b and appeal",
        &[("records/b/determinations.toml", Some(&three))],
    );
    let index = PathIndex::rebuild(&r.repo, "").unwrap();
    let revs = record_history(&r.repo, &index, "b").unwrap();
    // What the domain counts: the entries of each list (a version that does not parse is
    // passed over).
    let count = |text: &str, _: &Path| {
        let t: toml::Table = toml::from_str(text).ok()?;
        let n = |k: &str| t.get(k).and_then(|v| v.as_array()).map_or(0, Vec::len);
        Some((n("determination"), n("appeal")))
    };
    let found = decision_commits(&r.repo, &index, "b", &revs, &count).unwrap();
    let commits =
        |v: &[Option<Appended>]| v.iter().map(|a| a.map(|a| a.commit)).collect::<Vec<_>>();
    assert_eq!(commits(&found.determinations), [Some(first), Some(second)]);
    assert_eq!(commits(&found.appeals), [Some(second)]);
    assert_eq!(found.determinations[0].map(|a| a.time), Some(1_700_000_000));
}

#[test]
fn a_records_history_follows_its_move_and_skips_other_records() {
    let r = Repo::new();
    r.commit(
        "add a",
        &[("records/a/record.toml", Some("title = \"A\"\n"))],
    );
    r.commit(
        "add other",
        &[("records/o/record.toml", Some("title = \"O\"\n"))],
    );
    r.commit(
        "edit a",
        &[("records/a/record.toml", Some("title = \"A2\"\n"))],
    );
    r.commit(
        "move a to b",
        &[
            ("records/a/record.toml", None),
            ("records/b/record.toml", Some("title = \"A2\"\n")),
        ],
    );
    let index = PathIndex::rebuild(&r.repo, "").unwrap();
    let revs = record_history(&r.repo, &index, "b").unwrap();
    let seen: Vec<(&str, &str, Option<&str>)> = revs
        .iter()
        .map(|v| (v.message.as_str(), v.path.as_str(), v.moved_from.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("move a to b", "b/record.toml", Some("a/record.toml")),
            ("edit a", "a/record.toml", None),
            ("add a", "a/record.toml", None),
        ]
    );
    assert_eq!(revs[0].email, "d@example.gov");
    assert_eq!(
        former_ids(&r.repo, &PathIndex::open(&r.repo, "").unwrap(), "b").unwrap(),
        ["a"],
        "a submission made as `a` still belongs to `b`"
    );
    // The postings file written beside the index gives the same history, move and all,
    // without loading the index.
    let postings = PathPostings::load(&r.repo, "").expect("written for HEAD");
    let from_postings = record_history(&r.repo, &postings, "b").unwrap();
    assert_eq!(
        format!("{from_postings:?}"),
        format!("{revs:?}"),
        "the postings answer as the index does"
    );
    for id in ["a", "o", "none"] {
        assert_eq!(
            postings.path_changes(&format!("{id}/record.toml")),
            index.path_changes(&format!("{id}/record.toml")),
            "{id}"
        );
    }
    // Written for another HEAD, or for another prefix, it is not used.
    assert!(PathPostings::load(&r.repo, "sub/").is_none());
    r.commit(
        "edit o",
        &[("records/o/record.toml", Some("title = \"O2\"\n"))],
    );
    assert!(PathPostings::load(&r.repo, "").is_none(), "HEAD moved on");
    PathIndex::open(&r.repo, "").unwrap();
    let postings = PathPostings::load(&r.repo, "").expect("rewritten for the new HEAD");
    assert_eq!(postings.path_changes("o/record.toml").unwrap().len(), 2);
    // A damaged line is not believed: the history of that path is refused, not cut short.
    let file = r.repo.path().join("smout/paths-v1");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}x\n")).unwrap();
    assert!(
        PathPostings::load(&r.repo, "").is_none(),
        "longer than its header says"
    );
    std::fs::write(
        &file,
        text.replace("b/record.toml\t3 ", "b/record.toml\tx "),
    )
    .unwrap();
    let damaged = PathPostings::load(&r.repo, "").unwrap();
    assert_eq!(damaged.path_changes("b/record.toml"), None);
    assert!(record_history(&r.repo, &damaged, "b").is_err());
}

#[test]
fn submissions_are_read_from_tags_in_number_order() {
    let r = Repo::new();
    let c1 = r.commit("one", &[("records/a/record.toml", Some("v = 1\n"))]);
    let c2 = r.commit("two", &[("records/a/record.toml", Some("v = 2\n"))]);
    let sig =
        git2::Signature::new("D", "d@example.gov", &git2::Time::new(1_700_000_100, 0)).unwrap();
    for (n, c) in [(10, c2), (2, c1)] {
        let obj = r.repo.find_object(c, None).unwrap();
        r.repo
            .tag(&format!("smout/a/submission/{n}"), &obj, &sig, "s", false)
            .unwrap();
    }
    // Tags that are not submissions are not read as ones.
    let obj = r.repo.find_object(c1, None).unwrap();
    r.repo
        .tag("smout/a/determination/1", &obj, &sig, "d", false)
        .unwrap();
    r.repo
        .tag("smout/a/submission/x", &obj, &sig, "bad", false)
        .unwrap();
    let tags = all_tags(&r.repo, &mut TagFacts::new()).unwrap();
    let subs = &tags["submission"]["a"];
    let got: Vec<(u32, String, i64)> = subs
        .iter()
        .map(|s| (s.n, s.commit.clone(), s.time))
        .collect();
    assert_eq!(
        got,
        [
            (2, c1.to_string(), 1_700_000_100),
            (10, c2.to_string(), 1_700_000_100)
        ]
    );
}
