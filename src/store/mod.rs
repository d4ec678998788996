//! The register store: the one door to a register's files and git objects. It opens the
//! repository once per command (for [`crate::session::Session`]), spells every tag name, reads files without following links and
//! with capped reads ([`fs`]), and makes every change the same way: under the register lock
//! ([`lock`]), objects first, then — recorded in a journal — the branch and the tag, then the
//! work tree and the index. A change interrupted at any point is either invisible (the branch
//! never moved) or finished by the next smout that takes the lock (the journal says what is
//! left), so the register is never left half-changed.

pub mod cache;
mod change;
mod commit;
pub mod fs;
pub mod git;
pub mod history;
pub mod layout;
pub mod lock;
mod names;
pub mod output;
pub mod pathindex;
mod read;
mod ready;
mod repo;
pub mod sign;

pub use change::{crash_point, Change, Committed, FileChange};
pub use commit::{CommitInfo, SignedCommit};
pub use fs::read_text_file;
pub use git2::Oid;
pub use names::{cosign_tag, tag_name, trailer_tag, TagKind, COSIGN_TAGS, RENDERS_DIR};
pub use read::Seed;
pub use ready::NotReady;
pub use repo::Store;

#[cfg(test)]
mod testrepo;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_spelled_in_one_place() {
        assert_eq!(
            tag_name("cbp-fld", TagKind::Submission, 2),
            "smout/cbp-fld/submission/2"
        );
        assert_eq!(tag_name("x", TagKind::Appeal, 1), "smout/x/appeal/1");
        assert_eq!(
            trailer_tag("cbp-fld/2").as_deref(),
            Some("smout/cbp-fld/submission/2")
        );
        assert_eq!(trailer_tag("cbp-fld"), None);
        assert_eq!(trailer_tag("cbp-fld/two"), None);
        let c = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        assert_eq!(
            cosign_tag(c, 1),
            "smout/roles/cosign/0123456789012345678901234567890123456789/1"
        );
        assert!(cosign_tag(c, 1).starts_with(COSIGN_TAGS));
    }

    /// A repository with an identity in its own config (no environment needed).
    fn repo() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        let mut cfg = repo.config().unwrap();
        cfg.set_str("user.name", "Drafter").unwrap();
        cfg.set_str("user.email", "d@example.gov").unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_change_commits_tags_and_writes_the_work_tree_and_leaves_no_journal() {
        let (dir, store) = repo();
        let lock = store.lock("test", &mut |_| {}).unwrap();
        let done = store
            .commit(
                &lock,
                Change {
                    what: "submit x".into(),
                    files: vec![FileChange {
                        rel: "records/x/record.toml".into(),
                        bytes: Some(b"title = \"X\"\n".to_vec()),
                    }],
                    message: "submit x: submission 1\n".into(),
                    tag: Some((
                        tag_name("x", TagKind::Submission, 1),
                        "submission 1 of x".into(),
                    )),
                },
            )
            .unwrap();
        drop(lock);
        assert_eq!(store.head_commit(), Some(done.commit));
        assert_eq!(
            std::fs::read_to_string(dir.path().join("records/x/record.toml")).unwrap(),
            "title = \"X\"\n"
        );
        let subs = store.submissions("x").unwrap();
        assert_eq!(subs.len(), 1);
        assert_eq!(store.submission_commit(&subs[0]).unwrap(), done.commit);
        assert!(
            store.unfinished().is_none(),
            "the journal is gone once the change is done"
        );
        let info = store.commit_info(done.commit).unwrap();
        assert_eq!(
            (info.author_email.as_str(), info.summary.as_str()),
            ("d@example.gov", "submit x: submission 1")
        );
        // The committed text, and whether the work tree's copy was edited since.
        assert_eq!(
            store
                .read_committed_and_edited("records/x/record.toml")
                .unwrap(),
            (Some("title = \"X\"\n".to_string()), false)
        );
        std::fs::write(dir.path().join("records/x/record.toml"), "title = \"Y\"\n").unwrap();
        assert_eq!(
            store
                .read_committed_and_edited("records/x/record.toml")
                .unwrap(),
            (Some("title = \"X\"\n".to_string()), true)
        );
    }

    #[test]
    fn a_second_tag_of_the_same_name_is_refused_and_nothing_moves() {
        let (_dir, store) = repo();
        let change = |n: u8| Change {
            what: "submit x".into(),
            files: vec![FileChange {
                rel: "records/x/record.toml".into(),
                bytes: Some(vec![b'a' + n]),
            }],
            message: "submit\n".into(),
            tag: Some((tag_name("x", TagKind::Submission, 1), "s".into())),
        };
        let lock = store.lock("test", &mut |_| {}).unwrap();
        let first = store.commit(&lock, change(0)).unwrap();
        let e = store.commit(&lock, change(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "tag smout/x/submission/1 exists already; smout changed nothing"
        );
        assert_eq!(store.head_commit(), Some(first.commit));
    }
}
