//! A repository in a temporary folder for the store's tests.

use std::path::Path;

use git2::{Oid, Repository};

/// A repository whose commits write the given files (path → text; `None` deletes).
pub(crate) struct Repo {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) repo: Repository,
}

impl Repo {
    pub(crate) fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        Repo { dir, repo }
    }

    pub(crate) fn commit(&self, message: &str, files: &[(&str, Option<&str>)]) -> Oid {
        self.merge(message, None, files)
    }

    /// A commit onto HEAD, merging `other` when given (its second parent).
    pub(crate) fn merge(
        &self,
        message: &str,
        other: Option<Oid>,
        files: &[(&str, Option<&str>)],
    ) -> Oid {
        let mut index = self.repo.index().unwrap();
        for (path, text) in files {
            let p = self.dir.path().join(path);
            match text {
                Some(t) => {
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, t).unwrap();
                    index.add_path(Path::new(path)).unwrap();
                }
                None => {
                    std::fs::remove_file(&p).unwrap();
                    index.remove_path(Path::new(path)).unwrap();
                }
            }
        }
        index.write().unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new(
            "Drafter",
            "d@example.gov",
            &git2::Time::new(1_700_000_000, 0),
        )
        .unwrap();
        let parent = self.repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let other = other.map(|o| self.repo.find_commit(o).unwrap());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().chain(other.iter()).collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    /// Check out `at` (a commit: HEAD detached there; a reference name: that branch), work
    /// tree and index alike.
    pub(crate) fn checkout(&self, at: &str) {
        match Oid::from_str(at) {
            Ok(c) => self.repo.set_head_detached(c).unwrap(),
            Err(_) => self.repo.set_head(at).unwrap(),
        }
        self.repo
            .checkout_head(Some(git2::build::CheckoutBuilder::new().force()))
            .unwrap();
    }
}
