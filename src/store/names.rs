//! The names the store gives: every tag name smout makes is spelled here, and the register's
//! folder of renderings.

use git2::Oid;

/// The register's folder of renderings (`smout render` writes there; git ignores it).
pub const RENDERS_DIR: &str = "renders";

/// What a committed change names as its kind in tags: `smout/<id>/<kind>/<n>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// A drafter's submission.
    Submission,
    /// A Privacy Office determination.
    Determination,
    /// An appeal.
    Appeal,
    /// The drafter withdrew the record (its number: the submission it ends, 0 for a draft).
    Withdrawal,
    /// The use ended (its number: the submission whose approval it ends).
    Retirement,
}

impl TagKind {
    /// The word in the tag name.
    pub fn word(self) -> &'static str {
        match self {
            TagKind::Submission => "submission",
            TagKind::Determination => "determination",
            TagKind::Appeal => "appeal",
            TagKind::Withdrawal => "withdrawal",
            TagKind::Retirement => "retirement",
        }
    }
}

/// The tag name (without `refs/tags/`) of the `n`th entry of `kind` of record `id`.
pub fn tag_name(id: &str, kind: TagKind, n: impl std::fmt::Display) -> String {
    format!("smout/{id}/{}/{n}", kind.word())
}

/// The tag name (without `refs/tags/`) of the `n`th co-signature of roles change `commit`.
pub fn cosign_tag(commit: Oid, n: u32) -> String {
    format!("{COSIGN_TAGS}{commit}/{n}")
}

/// Where co-signature tags live (`refs/tags/` + this + `<commit>/<n>`).
pub const COSIGN_TAGS: &str = "smout/roles/cosign/";

/// The submission tag a commit's `smout-submission: <id>/<n>` trailer names (`None` when the
/// trailer's value is not `<id>/<n>`).
pub fn trailer_tag(value: &str) -> Option<String> {
    let (id, n) = value.rsplit_once('/')?;
    let n: u32 = n.parse().ok()?;
    Some(tag_name(id, TagKind::Submission, n))
}
