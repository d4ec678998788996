//! The rules each commit is judged by, on the first-parent chain ([`super::verify`]) and off it
//! ([`super::graph`]): who may change `[roles]` and `[review]`, who may append a decision, and
//! whose signature counts.

use crate::diag::{list_or, Finding, Severity};
use crate::register::{Roles, Settings, DETERMINATIONS_FILE, SETTINGS_FILE};
use crate::store::history::short;
use crate::store::pathindex::Entry;
use crate::store::sign::{self, Signer};
use crate::store::{Oid, SignedCommit, Store};

pub(crate) fn roles_of(store: &Store, blob: Option<Oid>) -> Roles {
    blob.and_then(|o| store.blob_text(o).ok())
        .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok())
        .map(|s| s.roles)
        .unwrap_or_default()
}

/// The reviewer in force who owns `signer`'s key, if any.
pub(crate) fn owner<'r>(
    roles: &'r [crate::register::Reviewer],
    signer: &Signer,
) -> Option<&'r crate::register::Reviewer> {
    roles.iter().find(|r| {
        r.keys
            .iter()
            .any(|k| sign::parse_public(k).is_ok_and(|p| p.key == signer.key))
    })
}

/// How far back a commit may be dated from its parent (clocks differ; people work in several
/// time zones) before its date is taken as set by hand.
pub(crate) const SLACK: i64 = 24 * 3600;

/// Whether `refs/tags/…` name `name` is a co-signature of a roles change.
fn is_cosign(name: &str) -> bool {
    name.strip_prefix("refs/tags/")
        .is_some_and(|n| n.starts_with(crate::store::COSIGN_TAGS))
}

/// A finding of the chain of trust; [`verify`] names the commit it is about.
pub(crate) fn finding(code: &str, msg: String, hint: String) -> Finding {
    Finding::new(code, Severity::Error, msg).hint(hint)
}

/// What [`own_commit`] found of one commit judged by itself against the roles in force at its
/// parent.
pub(crate) struct Own {
    /// Findings, without their commit.
    pub findings: Vec<Finding>,
    /// The roles the commit sets, when they differ from those in force.
    pub roles_change: Option<Roles>,
    /// The commit names the first reviewers: it is a root of trust.
    pub is_root: bool,
    /// Its signature verified.
    pub verified: bool,
}

/// The roles `smout.toml` sets in a commit's tree, when it changed (`changes` are the
/// commit's, against its parent) and differ from `in_force`.
fn roles_set(store: &Store, e: &Entry, in_force: &Roles) -> Option<Roles> {
    e.changes
        .iter()
        .find(|c| c.path == SETTINGS_FILE)
        .map(|c| roles_of(store, c.new))
        .filter(|new| new != in_force)
}

/// The review policy (`[review]`) a `smout.toml` blob sets.
fn review_of(store: &Store, blob: Option<Oid>) -> Option<crate::register::ReviewSettings> {
    blob.and_then(|o| store.blob_text(o).ok())
        .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok())
        .map(|s| s.review)
}

/// Whether the commit changes the review policy (`[review]`).
fn changes_policy(store: &Store, e: &Entry) -> bool {
    e.changes
        .iter()
        .find(|c| c.path == SETTINGS_FILE)
        .is_some_and(|c| c.old.is_some() && review_of(store, c.old) != review_of(store, c.new))
}

/// Whether the commit's changes append to a determinations file.
fn decides(e: &Entry) -> bool {
    e.changes
        .iter()
        .any(|c| c.path.ends_with(&format!("/{DETERMINATIONS_FILE}")))
}

/// One commit (`e`, against its first parent) judged by itself: its signature and its tags',
/// who may change `[roles]` or decide, with `in_force` the roles of its parent. A merge's
/// decisions and roles changes are judged by [`crate::graph`], parent by parent; here only its
/// signature and tags. `root_exists`: a root of trust is already in force (before it, naming
/// the first reviewers is the register being set up).
pub(crate) fn own_commit(
    store: &Store,
    e: &Entry,
    f: &SignedCommit,
    in_force: &Roles,
    root_exists: bool,
) -> Own {
    let mut findings = Vec::new();
    let author = f.info.author_email.clone();
    let what = format!("commit {} ({})", short(e.commit), f.info.summary);
    let reviewers = in_force.list();
    let signed = in_force.require_signatures;
    let merge = f.info.is_merge();
    let roles_change = roles_set(store, e, in_force);
    let decides = decides(e);
    let is_root = !root_exists && roles_change.as_ref().is_some_and(|r| !r.list().is_empty());
    // A roles change that turns signatures on must itself be signed.
    let must_sign = signed || roles_change.as_ref().is_some_and(|r| r.require_signatures);
    let mut verified = false;
    match (&f.signer, must_sign) {
        (None, true) => findings.push(finding(
            "AU005",
            format!("{what} is not signed, in a register that requires signatures"),
            "a register signs every commit (set `git config --global commit.gpgsign true`); re-sign one not yet pushed with `git commit --amend -S --no-edit` (several: `git rebase --exec 'git commit --amend -S --no-edit' <base>`). Once on main, a revert does not unmake it: find out who made it, and tell the Privacy Office".into(),
        )),
        (Some(Err(why)), _) => findings.push(finding(
            "AU006",
            format!("{what} carries a signature that does not verify: {why}"),
            "the commit was altered after it was signed, or its signature was copied from another object; restore the original from a mirror".into(),
        )),
        (Some(Ok(_)), _) => verified = true,
        (None, false) => {}
    }
    let signer_ok = match &f.signer {
        Some(Ok(s)) => Some(s),
        _ => None,
    };
    if is_root {
        // The root signs itself: its signature must be by a key it lists.
        let new = roles_change.clone().unwrap_or_default();
        if let (Some(s), true) = (signer_ok, new.require_signatures) {
            if owner(&new.list(), s).is_none() {
                findings.push(finding(
                    "AU007",
                    format!(
                        "{what}, the root of trust, is signed by {} — a key it does not list",
                        s.fingerprint
                    ),
                    "the first roles commit is signed by one of the reviewers it names".into(),
                ));
            }
        }
    } else if let Some(new) = roles_change.as_ref().filter(|_| !merge) {
        findings.extend(roles_authority(
            &what,
            e.commit,
            f,
            &author,
            in_force,
            new,
            root_exists,
        ));
    }
    // The review policy is the Privacy Office's: changed by a reviewer in force, like [roles].
    let policy = root_exists && !merge && changes_policy(store, e);
    if policy && !in_force.is_reviewer(&author) {
        findings.push(finding(
            "AU011",
            format!("{what} changed [review], the review policy, but its author {author} was not a reviewer in force"),
            format!(
                "the review period and warning are the Privacy Office's to set (a reviewer commits them); reviewers then: {}",
                list_or(&in_force.emails(), "none")
            ),
        ));
    }
    if (decides || policy || (roles_change.is_some() && !is_root)) && signed && !merge {
        findings.extend(signer_authority(
            &what, decides, signer_ok, &reviewers, &author,
        ));
    }
    // Tags on this commit: signed, by whoever signed the commit.
    for (name, tag_signed) in &f.tags {
        if is_cosign(name) {
            continue; // counted with the quorum
        }
        let tag = name.trim_start_matches("refs/tags/");
        match (tag_signed.clone(), signed || must_sign) {
            (None, true) => findings.push(finding(
                "AU005",
                format!("tag {tag} is not signed, in a register that requires signatures"),
                "tags are made by smout with the commit, signed with the same key".into(),
            )),
            (Some(Err(why)), _) => findings.push(finding(
                "AU006",
                format!("tag {tag} carries a signature that does not verify: {why}"),
                "the tag was altered or re-made; restore it from a mirror".into(),
            )),
            (Some(Ok(t)), _) => {
                if signer_ok.is_some_and(|s| s.key != t.key) {
                    findings.push(finding(
                        "AU007",
                        format!("tag {tag} is signed by {}, not by the key that signed its commit", t.fingerprint),
                        "a tag is made with its commit by the same person; a different signer re-made it".into(),
                    ));
                }
            }
            (None, false) => {}
        }
    }
    // A submission commit keeps its tag.
    for rest in submissions_of(&f.info.message) {
        let tag = crate::store::trailer_tag(rest).unwrap_or_else(|| rest.to_string());
        if !store.has_ref(&format!("refs/tags/{tag}")) {
            findings.push(
                Finding::new(
                    "AU009",
                    Severity::Error,
                    format!("{what} submitted {rest}, but its tag {tag} is gone"),
                )
                .hint(format!(
                    "a submission tag is never deleted; put it back: git tag -a {tag} {}",
                    short(e.commit)
                )),
            );
        }
    }
    for found in &mut findings {
        found.commit.get_or_insert_with(|| e.commit.to_string());
    }
    Own {
        findings,
        roles_change,
        is_root,
        verified,
    }
}

/// The `smout-submission: <id>/<n>` trailers of a commit message.
pub(super) fn submissions_of(message: &str) -> impl Iterator<Item = &str> {
    message
        .lines()
        .filter_map(|l| l.trim().strip_prefix("smout-submission: "))
}

/// A change of `[roles]` by `commit` (described as `what`, authored as `author`) against the
/// roles `in_force` before it: made by a reviewer in force (AU011), with the quorum's
/// co-signatures (AU013). Before any root of trust (`root_exists` false) nobody is in force:
/// a change that still names no reviewer (`init` writing `[roles]` with signatures required)
/// is the register being set up, not someone deciding who decides. A reviewer's keys changed
/// by another need that reviewer's co-signature or a second reviewer's (AU013).
pub(crate) fn roles_authority(
    what: &str,
    commit: Oid,
    f: &SignedCommit,
    author: &str,
    in_force: &Roles,
    new: &Roles,
    root_exists: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let reviewers = in_force.list();
    if root_exists && !in_force.is_reviewer(author) {
        out.push(finding(
            "AU011",
            format!("{what} changed [roles], but its author {author} was not a reviewer in force"),
            format!(
                "only a reviewer may change who decides (`smout roles`); reviewers then: {}",
                list_or(&in_force.emails(), "none")
            ),
        ));
    }
    let signers = reviewer_signers(f, &reviewers);
    // A reviewer's keys changed by someone else: their own co-signature, or a second
    // reviewer's (any reviewer could otherwise put their own key on another's e-mail and then
    // sign as them).
    if root_exists && (in_force.require_signatures || new.require_signatures) {
        let keys = |r: &crate::register::Reviewer| {
            let mut k: Vec<String> = r
                .keys
                .iter()
                .filter_map(|k| sign::parse_public(k).ok())
                .map(|p| p.fingerprint)
                .collect();
            k.sort();
            k
        };
        for r in &reviewers {
            let after = new
                .list()
                .into_iter()
                .find(|n| n.email.eq_ignore_ascii_case(&r.email));
            let Some(after) = after.filter(|a| keys(a) != keys(r)) else {
                continue;
            };
            if r.email.eq_ignore_ascii_case(author)
                || signers.contains(&r.email.to_lowercase())
                || signers.len() >= 2
            {
                continue;
            }
            out.push(finding(
                "AU013",
                format!(
                    "{what} changed the keys of {}, made by {author}: another reviewer's key counts only with their co-signature or a second reviewer's",
                    after.email
                ),
                format!(
                    "{} (with a key in force) or another reviewer co-signs it: smout roles cosign {}",
                    after.email,
                    short(commit)
                ),
            ));
        }
    }
    if in_force.quorum > 1 && (signers.len() as u32) < in_force.quorum {
        out.push(finding(
            "AU013",
            format!(
                "{what} changed [roles] with {} of the {} reviewer signatures the quorum asks for",
                signers.len(),
                in_force.quorum
            ),
            format!(
                "another reviewer in force co-signs it: smout roles cosign {}",
                short(commit)
            ),
        ));
    }
    out
}

/// The reviewers in `reviewers` (lower-case e-mails) who signed `f`: its own signature and its
/// co-signature tags.
fn reviewer_signers(f: &SignedCommit, reviewers: &[crate::register::Reviewer]) -> Vec<String> {
    let mut signers: Vec<String> = Vec::new();
    let sigs = std::iter::once(&f.signer).chain(
        f.tags
            .iter()
            .filter(|(name, _)| is_cosign(name))
            .map(|(_, s)| s),
    );
    for s in sigs {
        if let Some(Ok(s)) = s {
            if let Some(r) = owner(reviewers, s) {
                if !signers.contains(&r.email.to_lowercase()) {
                    signers.push(r.email.to_lowercase());
                }
            }
        }
    }
    signers
}

/// In a signed register, a commit that decides (or changes `[roles]`) is signed by the key of
/// a reviewer in force (AU007) whose e-mail is its author's (AU008).
pub(crate) fn signer_authority(
    what: &str,
    decides: bool,
    signer: Option<&Signer>,
    reviewers: &[crate::register::Reviewer],
    author: &str,
) -> Vec<Finding> {
    let Some(s) = signer else {
        return Vec::new();
    };
    match owner(reviewers, s) {
        None => vec![finding(
            "AU007",
            format!(
                "{what} {} is signed by {}, which is not the key of a reviewer in force",
                if decides { "records a decision and" } else { "changes [roles] and" },
                s.fingerprint
            ),
            "a key counts only while its reviewer is listed in the smout.toml before the commit; a removed key signs nothing".into(),
        )],
        Some(r) if !r.email.eq_ignore_ascii_case(author) => vec![finding(
            "AU008",
            format!("{what} is signed by {}'s key but authored as {author}", r.email),
            "a git identity is a claim; the signature is the proof, and they disagree".into(),
        )],
        Some(_) => Vec::new(),
    }
}
