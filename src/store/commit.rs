//! What a commit says, and who signed it and the tags that mark it, verified.

use std::collections::HashMap;

use git2::Oid;

/// What a commit says: its author, time and message.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CommitInfo {
    /// Author name.
    pub author_name: String,
    /// Author e-mail.
    pub author_email: String,
    /// Commit time, seconds since the epoch.
    pub time: i64,
    /// First line of the message.
    pub summary: String,
    /// The whole message.
    pub message: String,
    /// Its parents' ids, first parent first (two or more: a merge).
    #[serde(default)]
    pub parents: Vec<String>,
}

impl CommitInfo {
    /// Its parents, first parent first.
    pub fn parent_ids(&self) -> Vec<Oid> {
        self.parents
            .iter()
            .filter_map(|p| Oid::from_str(p).ok())
            .collect()
    }

    /// It joins lines of history: two parents or more.
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    pub(super) fn of(c: &git2::Commit<'_>) -> CommitInfo {
        let author = c.author();
        CommitInfo {
            author_name: author.name().unwrap_or("").to_string(),
            author_email: author.email().unwrap_or("").to_string(),
            time: c.time().seconds(),
            summary: c.summary().ok().flatten().unwrap_or("").to_string(),
            message: c.message().unwrap_or("").to_string(),
            parents: c.parent_ids().map(|p| p.to_string()).collect(),
        }
    }
}

/// A verified signature: its signer, or why it does not verify; `None` when there is none.
pub type Signature = Option<std::result::Result<super::sign::Signer, String>>;

/// What one commit of the first-parent chain says, with its signature and those of the smout
/// tags that mark it, verified.
#[derive(Debug, Clone)]
pub struct SignedCommit {
    /// What the commit says.
    pub info: CommitInfo,
    /// The commit's signature.
    pub signer: Signature,
    /// Each `smout/…` tag on the commit (`refs/tags/…`) and its signature.
    pub tags: Vec<(String, Signature)>,
}

/// What commits and tags say, verified, by object id.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct CommitFacts {
    pub(super) commits: HashMap<String, (CommitInfo, Signature)>,
    pub(super) tags: HashMap<String, Signature>,
}

/// The signature of a commit, verified: `None` when it has none.
pub(super) fn commit_signer(repo: &git2::Repository, oid: Oid) -> Signature {
    let (sig, data) = repo.extract_signature(&oid, None).ok()?;
    let sig = std::str::from_utf8(&sig).ok()?.to_string();
    Some(super::sign::verify(&data, &sig))
}

/// The signature of an annotated tag, verified: `None` when it has none (or is not a tag).
pub(super) fn tag_signer(repo: &git2::Repository, tag: Oid) -> Signature {
    let odb = repo.odb().ok()?;
    let obj = odb.read(tag).ok()?;
    if obj.kind() != git2::ObjectType::Tag {
        return None;
    }
    let (data, sig) = super::sign::split_tag(obj.data())?;
    Some(super::sign::verify(data, sig))
}
