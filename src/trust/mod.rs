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

use crate::diag::Finding;
use crate::register::Roles;
use crate::store::history::short;
use crate::store::pathindex::PathIndex;
use crate::store::sign;
use crate::store::{Oid, Store};

mod graph;
mod rules;

pub(crate) use rules::SLACK;
use rules::{finding, own_commit, submissions_of};

/// Why the history cannot be audited as it is (nothing was judged).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A shallow clone: `for_what` (the audit, the gate) must see every commit.
    #[error("this is a shallow clone: {0}")]
    Shallow(&'static str),
    /// A replace ref or grafts file makes git show another history than the objects'.
    #[error("{0} is there: it makes git show another history than the commits' own, so an audit would vouch for what the objects do not say. Audit reads the graph as it is: remove it (git replace -d <commit> for a replace ref; delete .git/info/grafts), then audit again")]
    Rewritten(String),
}

crate::error::refusal!(Refusal);

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
    /// Commits off the first-parent chain (on the branches its merges bring in) audited.
    pub side_commits: usize,
    /// Findings (AU005–AU009, AU011, AU012).
    pub findings: Vec<Finding>,
    /// The first commit on the first-parent chain carrying each `smout-submission: <id>/<n>`
    /// trailer: the commit that submission's tag must mark.
    #[serde(skip)]
    pub submitted_by: HashMap<String, Oid>,
}

/// The root of trust `commit` sets with `roles`.
fn root_of(commit: Oid, roles: &Roles) -> RootOfTrust {
    RootOfTrust {
        commit: commit.to_string(),
        reviewers: roles
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
    }
}

/// Replay the first-parent history (oldest first) and verify the chain of trust; then the
/// history its merges bring in ([`crate::graph`]).
pub fn verify(
    store: &Store,
    index: &PathIndex,
    pinned: Option<&str>,
) -> crate::error::Result<TrustReport> {
    let mut report = TrustReport::default();
    let mut in_force = Roles::default();
    // What each commit says and who signed it (and its tags), read and verified on every core;
    // the chain of trust is then followed in order.
    let facts = store.signed_commits(index)?;
    let mut first_with_trailer: HashMap<String, Oid> = HashMap::new();
    let mut merges: Vec<(Oid, Vec<Oid>)> = Vec::new();
    let mut parent: Option<(Oid, i64)> = None;
    for (e, f) in index.entries.iter().zip(&facts) {
        let Some(f) = f else {
            continue;
        };
        // Commit times go forward along the chain (a day's slack for clocks and time zones):
        // a commit dated after its child had its date set by hand, as a reviewer would who
        // dates a decision in the future and the commit to match.
        if let Some((p, t)) = parent.filter(|(_, t)| f.info.time + SLACK < *t) {
            let date = |t: i64| crate::store::history::date_of(t);
            let mut found = finding(
                "AU010",
                format!(
                    "commit {} is dated {}, after its child {} ({})",
                    short(p),
                    date(t),
                    short(e.commit),
                    date(f.info.time)
                ),
                "commit times go forward: a commit dated after the one made on top of it had its date set by hand (GIT_COMMITTER_DATE); check what it recorded, and record a correction".into(),
            );
            found.commit = Some(p.to_string());
            report.findings.push(found);
        }
        parent = Some((e.commit, f.info.time));
        if f.info.is_merge() {
            merges.push((e.commit, f.info.parent_ids()));
        }
        let own = own_commit(store, e, f, &in_force, report.root.is_some());
        report.verified += usize::from(own.verified);
        report.findings.extend(own.findings);
        if own.is_root {
            report.root = own.roles_change.as_ref().map(|new| root_of(e.commit, new));
        }
        for rest in submissions_of(&f.info.message) {
            first_with_trailer
                .entry(rest.to_string())
                .or_insert(e.commit);
        }
        if let Some(new) = own.roles_change {
            in_force = new;
        }
    }
    if !merges.is_empty() {
        let side = graph::verify(store, index, &facts, &merges)?;
        report.verified += side.verified;
        report.side_commits = side.commits;
        report.findings.extend(side.findings);
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
                    found.as_deref().map(crate::digest::short).unwrap_or("missing")
                ),
                "the history below the pinned root was rewritten (or the pin is wrong): compare with a mirror before trusting anything this audit says".into(),
            ));
        }
    }
    Ok(report)
}
