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
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }
}
