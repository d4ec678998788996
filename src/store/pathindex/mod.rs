//! An exact changed-path index of the register's history, kept in `.git/smout/changes-v1`.
//!
//! Git answers "which commits changed this file?" quickly only with changed-path Bloom filters;
//! without them every commit's `records/` tree (one entry per record) is read, twice. smout keeps
//! its own index instead: for each commit on the first-parent chain of HEAD, which files under
//! `records/` (and the register's `smout.toml`) changed, with their old and new blob ids. Commits
//! never change, so the index is only ever extended: each run reads it, then indexes just the
//! commits made since. `log`, `status` and `audit` then read blobs by id and never walk trees.
//!
//! The file is a cache: when it is missing or unreadable it is rebuilt, and nothing is lost.

mod build;
mod changes_file;
mod model;
mod postings;
mod rawtree;
mod side;

pub use build::on_progress;
pub use model::{Entry, FileChange, PathChange, PathHistory, PathIndex};
pub use postings::PathPostings;
pub use side::side_edges;

#[cfg(test)]
mod tests;
