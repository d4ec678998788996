//! The comparison's model: the changes between two versions of a record.

use serde::Serialize;

/// What happened to a field or list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Answered now, not before (or a list item added).
    Added,
    /// Answered before, not now (or a list item removed).
    Removed,
    /// A different answer.
    Changed,
    /// The same words, wrapped differently: never material.
    Reflowed,
}

/// A piece of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inline {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    /// The words.
    pub text: String,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The field's path in the record (`summary.pia[1].id`).
    pub path: String,
    /// How the form names it.
    pub label: String,
    /// The section it is printed in.
    pub section: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Needs a new review.
    pub material: bool,
    /// The old answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Word-level changes, for prose.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<Inline>,
}

/// The changes between two versions of one record.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDiff {
    /// The record.
    pub id: String,
    /// What the old side is (`submission/2`, a commit, `worktree`).
    pub from: String,
    /// What the new side is.
    pub to: String,
    /// The changes, in form order.
    pub changes: Vec<Change>,
    /// Any change is material.
    pub material: bool,
}

/// The key under which a release copy's list items carry their identity's fingerprint (a key
/// no TOML file can hold, and no form field has).
pub(super) const MATCH_KEY: &str = "\u{0}match";

/// Why records are not compared.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No revision named, and none submitted to compare against.
    #[error("{0} was never submitted, so there is nothing to compare against by default; name a revision: smout diff {0} HEAD")]
    NeverSubmitted(String),
}

crate::error::refusal!(Refusal);
