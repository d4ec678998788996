//! A record's history in git: its submissions (annotated tags `smout/<id>/submission/<n>`),
//! the revisions that changed it (a revwalk comparing the path's tree-entry ids with the
//! parent's, top-down, so unchanged subtrees are never opened), renames, and the revisions that
//! `diff` accepts by name (`approved`, `submitted`, `submission/N`, `worktree`).

mod decisions;
mod revisions;
mod submitted;
mod tags;
mod text;

pub(in crate::store) use decisions::decision_commits;
pub use decisions::{Appended, Counter, DecisionCommits};
pub(in crate::store) use revisions::{former_ids, former_path, record_history};
pub use revisions::{Revision, Side};
pub use submitted::{SubmittedParts, SubmittedRecords};
pub(in crate::store) use tags::{all_endings, all_tags, endings, record_tags, tag_facts};
pub use tags::{Ending, Submission, TagFacts, Tags};
pub(in crate::store) use text::blob_text;
pub use text::{date_of, short};

#[cfg(test)]
mod tests;
