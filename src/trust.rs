//! The chain of trust `audit` verifies. The roles in force at a commit are those of its first
//! parent's `smout.toml`; the commit that first names reviewers is the register's *root of
//! trust*; every later change of `[roles]` must be made — and, in a signed register, signed —
//! by a reviewer in force before it. In a signed register every commit that changes the record
//! keeping carries a valid SSH signature (verified here, in pure Rust, over the exact object),
//! determinations and appeals are signed by a key of a reviewer in force whose e-mail is the
//! commit's author, and tags are signed by whoever signed the commit they mark.
//!
//! - AU005: an unsigned commit or tag in a signed register;
//! - AU006: a signature that does not verify over the object (altered, or copied from another);
//! - AU007: signed by a key that is not a reviewer's in force (never was, or was removed);
//! - AU008: the author's e-mail is not the signing reviewer's;
//! - AU009: a submission commit whose tag is missing (and, for AU004 in `audit`, which commit
//!   each submission tag must mark);
//! - AU011: `[roles]` changed by someone who was not a reviewer in force;
//! - AU012: the root of trust is not the pinned one (`audit --root`, git config `audit.root`);
//! - AU013: a roles change signed by fewer reviewers in force than `[roles] quorum` asks
//!   (co-signatures are signed tags `smout/roles/cosign/<commit>/<n>`, see `smout roles cosign`).

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::{list_or, Finding, Severity};
use crate::register::{Roles, Settings, DETERMINATIONS_FILE, SETTINGS_FILE};
use crate::store::history::short;
use crate::store::pathindex::PathIndex;
use crate::store::sign::{self, Signer};
use crate::store::{Oid, Store};

/// The register's root of trust: the commit that first named reviewers, and their keys.
#[derive(Debug, Clone, Serialize)]
pub struct RootOfTrust {
    /// The commit.
    pub commit: String,
    /// Each reviewer's e-mail and key fingerprints.
    pub reviewers: Vec<(String, Vec<String>)>,
}

/// What the trust pass found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrustReport {
    /// The root of trust, when reviewers were ever named.
    pub root: Option<RootOfTrust>,
    /// Commits whose signature was verified.
    pub verified: usize,
    /// Findings (AU005–AU009, AU011, AU012).
    pub findings: Vec<Finding>,
    /// The first commit on the first-parent chain carrying each `smout-submission: <id>/<n>`
    /// trailer: the commit that submission's tag must mark.
    #[serde(skip)]
    pub submitted_by: HashMap<String, Oid>,
}

fn roles_of(store: &Store, blob: Option<Oid>) -> Roles {
    blob.and_then(|o| store.blob_text(o).ok())
        .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok())
        .map(|s| s.roles)
        .unwrap_or_default()
}

/// The reviewer in force who owns `signer`'s key, if any.
fn owner<'r>(
    roles: &'r [crate::register::Reviewer],
    signer: &Signer,
) -> Option<&'r crate::register::Reviewer> {
    roles.iter().find(|r| {
        r.keys
            .iter()
            .any(|k| sign::parse_public(k).is_ok_and(|p| p.key == signer.key))
    })
}

/// Whether `refs/tags/…` name `name` is a co-signature of a roles change.
fn is_cosign(name: &str) -> bool {
    name.strip_prefix("refs/tags/")
        .is_some_and(|n| n.starts_with(crate::store::COSIGN_TAGS))
}

/// A finding of the chain of trust; [`verify`] names the commit it is about.
fn finding(code: &str, msg: String, hint: String) -> Finding {
    Finding::new(code, Severity::Error, msg).hint(hint)
}

/// Replay the first-parent history (oldest first) and verify the chain of trust.
pub fn verify(store: &Store, index: &PathIndex, pinned: Option<&str>) -> TrustReport {
    let mut report = TrustReport::default();
    let mut in_force = Roles::default();
    // What each commit says and who signed it (and its tags), read and verified on every core;
    // the chain of trust is then followed in order.
    let facts = match store.signed_commits(index) {
        Ok(f) => f,
        Err(_) => return report,
    };
    let mut first_with_trailer: HashMap<String, Oid> = HashMap::new();
    for (e, f) in index.entries.iter().zip(facts) {
        let Some(f) = f else {
            continue;
        };
        let before = report.findings.len();
        let author = f.info.author_email.clone();
        let summary = f.info.summary.clone();
        let what = format!("commit {} ({summary})", short(e.commit));
        let reviewers = in_force.list();
        let signed = in_force.require_signatures;
        let roles_change = e
            .changes
            .iter()
            .find(|c| c.path == SETTINGS_FILE)
            .map(|c| roles_of(store, c.new))
            .filter(|new| *new != in_force);
        let decides = e
            .changes
            .iter()
            .filter(|c| c.path.ends_with(&format!("/{DETERMINATIONS_FILE}")))
            .count()
            > 0;
        let is_root =
            report.root.is_none() && roles_change.as_ref().is_some_and(|r| !r.list().is_empty());
        // A roles change that turns signatures on must itself be signed.
        let must_sign = signed || roles_change.as_ref().is_some_and(|r| r.require_signatures);

        let signer = f.signer.clone();
        match (&signer, must_sign) {
            (None, true) => report.findings.push(finding(
                "AU005",
                format!("{what} is not signed, in a register that requires signatures"),
                "a register signs every commit (set `git config --global commit.gpgsign true`); re-sign one not yet pushed with `git commit --amend -S --no-edit` (several: `git rebase --exec 'git commit --amend -S --no-edit' <base>`). Once on main, a revert does not unmake it: find out who made it, and tell the Privacy Office".into(),
            )),
            (Some(Err(why)), _) => report.findings.push(finding(
                "AU006",
                format!("{what} carries a signature that does not verify: {why}"),
                "the commit was altered after it was signed, or its signature was copied from another object; restore the original from a mirror".into(),
            )),
            (Some(Ok(_)), _) => report.verified += 1,
            (None, false) => {}
        }
        let signer_ok = match &signer {
            Some(Ok(s)) => Some(s),
            _ => None,
        };

        if is_root {
            let new = roles_change.clone().unwrap_or_default();
            report.root = Some(RootOfTrust {
                commit: e.commit.to_string(),
                reviewers: new
                    .list()
                    .into_iter()
                    .map(|r| {
                        let fps = r
                            .keys
                            .iter()
                            .filter_map(|k| sign::parse_public(k).ok())
                            .map(|p| p.fingerprint)
                            .collect();
                        (r.email, fps)
                    })
                    .collect(),
            });
            // The root signs itself: its signature must be by a key it lists.
            if let (Some(s), true) = (signer_ok, new.require_signatures) {
                if owner(&new.list(), s).is_none() {
                    report.findings.push(finding(
                        "AU007",
                        format!(
                            "{what}, the root of trust, is signed by {} — a key it does not list",
                            s.fingerprint
                        ),
                        "the first roles commit is signed by one of the reviewers it names".into(),
                    ));
                }
            }
        } else if let Some(new) = &roles_change {
            // Before the root of trust nobody is in force: a change that still names no
            // reviewer (`init` writing `[roles]` with signatures required) is the register
            // being set up, not someone deciding who decides.
            if report.root.is_some() && !in_force.is_reviewer(&author) {
                report.findings.push(finding(
                    "AU011",
                    format!("{what} changed [roles], but its author {author} was not a reviewer in force"),
                    format!(
                        "only a reviewer may change who decides (`smout roles`); reviewers then: {}",
                        list_or(&in_force.emails(), "none")
                    ),
                ));
            }
            let _ = new;
            if in_force.quorum > 1 {
                let mut signers: Vec<String> = Vec::new();
                if let Some(r) = signer_ok.and_then(|s| owner(&reviewers, s)) {
                    signers.push(r.email.to_lowercase());
                }
                for (name, tag_signed) in &f.tags {
                    if !is_cosign(name) {
                        continue;
                    }
                    if let Some(Ok(t)) = tag_signed {
                        if let Some(r) = owner(&reviewers, t) {
                            if !signers.contains(&r.email.to_lowercase()) {
                                signers.push(r.email.to_lowercase());
                            }
                        }
                    }
                }
                if (signers.len() as u32) < in_force.quorum {
                    report.findings.push(finding(
                        "AU013",
                        format!(
                            "{what} changed [roles] with {} of the {} reviewer signatures the quorum asks for",
                            signers.len(),
                            in_force.quorum
                        ),
                        format!(
                            "another reviewer in force co-signs it: smout roles cosign {}",
                            short(e.commit)
                        ),
                    ));
                }
            }
        }
        if (decides || (roles_change.is_some() && !is_root)) && signed {
            if let Some(s) = signer_ok {
                match owner(&reviewers, s) {
                    None => report.findings.push(finding(
                        "AU007",
                        format!(
                            "{what} {} is signed by {}, which is not the key of a reviewer in force",
                            if decides { "records a decision and" } else { "changes [roles] and" },
                            s.fingerprint
                        ),
                        "a key counts only while its reviewer is listed in the smout.toml before the commit; a removed key signs nothing".into(),
                    )),
                    Some(r) if !r.email.eq_ignore_ascii_case(&author) => {
                        report.findings.push(finding(
                            "AU008",
                            format!("{what} is signed by {}'s key but authored as {author}", r.email),
                            "a git identity is a claim; the signature is the proof, and they disagree".into(),
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
        // Tags on this commit: signed, by whoever signed the commit.
        for (name, tag_signed) in &f.tags {
            if is_cosign(name) {
                continue; // counted with the quorum above
            }
            match (tag_signed.clone(), signed || must_sign) {
                (None, true) => report.findings.push(finding(
                    "AU005",
                    format!(
                        "tag {} is not signed, in a register that requires signatures",
                        name.trim_start_matches("refs/tags/")
                    ),
                    "tags are made by smout with the commit, signed with the same key".into(),
                )),
                (Some(Err(why)), _) => report.findings.push(finding(
                    "AU006",
                    format!(
                        "tag {} carries a signature that does not verify: {why}",
                        name.trim_start_matches("refs/tags/")
                    ),
                    "the tag was altered or re-made; restore it from a mirror".into(),
                )),
                (Some(Ok(t)), _) => {
                    if signer_ok.is_some_and(|s| s.key != t.key) {
                        report.findings.push(finding(
                            "AU007",
                            format!("tag {} is signed by {}, not by the key that signed its commit", name.trim_start_matches("refs/tags/"), t.fingerprint),
                            "a tag is made with its commit by the same person; a different signer re-made it".into(),
                        ));
                    }
                }
                (None, false) => {}
            }
        }
        // A submission commit keeps its tag.
        for line in f.info.message.lines() {
            if let Some(rest) = line.trim().strip_prefix("smout-submission: ") {
                first_with_trailer
                    .entry(rest.to_string())
                    .or_insert(e.commit);
                let tag = crate::store::trailer_tag(rest).unwrap_or_else(|| rest.to_string());
                if !store.has_ref(&format!("refs/tags/{tag}")) {
                    report.findings.push(
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
        }
        for found in &mut report.findings[before..] {
            found.commit.get_or_insert_with(|| e.commit.to_string());
        }
        if let Some(new) = roles_change {
            in_force = new;
        }
    }
    report.submitted_by = first_with_trailer;
    if let Some(p) = pinned {
        let pinned_oid = store.rev_id(p);
        let found = report.root.as_ref().map(|r| r.commit.clone());
        if pinned_oid.map(|o| o.to_string()) != found {
            report.findings.push(finding(
                "AU012",
                format!(
                    "the root of trust is {}, not the pinned {p}",
                    found.as_deref().map(|c| &c[..10]).unwrap_or("missing")
                ),
                "the history below the pinned root was rewritten (or the pin is wrong): compare with a mirror before trusting anything this audit says".into(),
            ));
        }
    }
    report
}
