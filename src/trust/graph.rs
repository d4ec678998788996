//! The history a merge brings in. The chain of trust ([`super`]) is followed along the
//! first-parent chain, but who made a merge request's branch chooses what is "first parent": a
//! reviewer removed on main could decide on a branch forked before the removal and merge main
//! in; a forged decision could sit on a side branch that a reviewer's signed merge brings in.
//! So every commit reachable from HEAD is judged, each against the roles in force at its own
//! parents:
//!
//! - a commit off the first-parent chain as the chain's are: signed (AU005, AU006), decisions
//!   appended only (AU001) by a reviewer in force at its parent (AU002), signed by their key
//!   (AU007, AU008), `[roles]` changed by a reviewer (AU011) with the quorum (AU013), its tags;
//! - a merge, parent by parent: it keeps every decision each parent holds (AU001); a decision
//!   it brings from one parent into another line must have been recorded by someone who is a
//!   reviewer in that line or after the merge (AU002: a reviewer removed on main, whose
//!   branch decision is merged in); a decision in none of its parents is the merge's own
//!   (AU002, AU007, AU008); roles that differ from a parent's are that line's own change only
//!   when they are the other parent's and that parent's line changed them since the two
//!   forked — else the merge changes them, and is judged as a roles change (AU011, AU013,
//!   AU007, AU008).

use std::collections::{HashMap, HashSet};

use super::rules::{finding, own_commit, roles_authority, signer_authority};
use crate::determination::{Determination, Determinations};
use crate::diag::{list_or, Finding, Severity};
use crate::error::Result;
use crate::register::{
    Register, ReviewSettings, Roles, Settings, DETERMINATIONS_FILE, SETTINGS_FILE,
};
use crate::store::history::short;
use crate::store::pathindex::{Entry, PathIndex};
use crate::store::{Oid, SignedCommit, Store};

/// What the pass over the history off the first-parent chain found.
#[derive(Default)]
pub(crate) struct SideReport {
    /// Signatures verified.
    pub verified: usize,
    /// Commits off the first-parent chain judged.
    pub commits: usize,
    /// Findings, each naming its commit.
    pub findings: Vec<Finding>,
}

/// Who recorded a decision entry, and in which commit.
type Origins = HashMap<(String, &'static str), Vec<(Determination, String, Oid)>>;

/// Reads of the history, each made once.
struct Reader<'s> {
    store: &'s Store,
    settings: HashMap<Oid, Option<Settings>>,
    dets: HashMap<(Oid, String), Determinations>,
}

impl Reader<'_> {
    /// The settings `smout.toml` holds at `commit` (None: none that parse), read once.
    fn settings_at(&mut self, commit: Oid) -> Option<&Settings> {
        let store = self.store;
        self.settings
            .entry(commit)
            .or_insert_with(|| {
                store
                    .read_at(commit, SETTINGS_FILE)
                    .ok()
                    .flatten()
                    .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok())
            })
            .as_ref()
    }

    /// The roles `smout.toml` sets at `commit`.
    fn roles_at(&mut self, commit: Oid) -> Roles {
        self.settings_at(commit)
            .map(|s| s.roles.clone())
            .unwrap_or_default()
    }

    /// The review policy `smout.toml` sets at `commit` (None: no settings that parse).
    fn review_at(&mut self, commit: Oid) -> Option<ReviewSettings> {
        self.settings_at(commit).map(|s| s.review.clone())
    }

    /// Record `id`'s decisions at `commit`.
    fn dets_at(&mut self, commit: Oid, id: &str) -> Determinations {
        let store = self.store;
        self.dets
            .entry((commit, id.to_string()))
            .or_insert_with(|| {
                store
                    .read_at(commit, &Register::determinations_rel(id))
                    .ok()
                    .flatten()
                    .map(|t| parse_dets(&t))
                    .unwrap_or_default()
            })
            .clone()
    }

    fn blob_dets(&self, blob: Option<Oid>) -> Determinations {
        blob.and_then(|b| self.store.blob_text(b).ok())
            .map(|t| parse_dets(&t))
            .unwrap_or_default()
    }
}

fn parse_dets(text: &str) -> Determinations {
    Determinations::parse(text, std::path::Path::new(DETERMINATIONS_FILE)).unwrap_or_default()
}

/// The record a determinations file's path (`<id>/determinations.toml`) belongs to.
fn record_of(path: &str) -> Option<&str> {
    path.strip_suffix(&format!("/{DETERMINATIONS_FILE}"))
}

/// A file's decisions by kind.
fn kinds(d: &Determinations) -> [(&'static str, &Vec<Determination>); 2] {
    [("determination", &d.determinations), ("appeal", &d.appeals)]
}

/// Judge the history `merges` (the first-parent chain's merges, with their parents) bring in.
/// `chain` and `chain_facts` are the first-parent chain and what each of its commits says.
pub(crate) fn verify(
    store: &Store,
    chain: &PathIndex,
    chain_facts: &[Option<SignedCommit>],
    merges: &[(Oid, Vec<Oid>)],
) -> Result<SideReport> {
    let side = store.side_edges(chain, merges)?;
    let side_facts = store.signed_commits(&side)?;
    let mut out = SideReport::default();
    let mut read = Reader {
        store,
        settings: HashMap::new(),
        dets: HashMap::new(),
    };
    // Who recorded each decision of the chain (a merge's are found below).
    let mut origins: Origins = HashMap::new();
    for (e, f) in chain.entries.iter().zip(chain_facts) {
        let Some(f) = f.as_ref().filter(|f| !f.info.is_merge()) else {
            continue;
        };
        note_origins(&read, &mut origins, e, &f.info.author_email);
    }
    let chain_entry: HashMap<Oid, &Entry> = chain.entries.iter().map(|e| (e.commit, e)).collect();
    // The side's edges come grouped by commit, oldest first.
    let mut i = 0;
    while i < side.entries.len() {
        let commit = side.entries[i].commit;
        let mut j = i;
        while j < side.entries.len() && side.entries[j].commit == commit {
            j += 1;
        }
        let Some(f) = side_facts[i].as_ref() else {
            i = j;
            continue;
        };
        let mut edges: Vec<&Entry> = Vec::new();
        if let Some(first) = chain_entry.get(&commit) {
            // A merge on the chain: the chain pass judged its signature and tags.
            edges.push(first);
        } else {
            out.commits += 1;
            let parent_roles = side.entries[i]
                .parent
                .map(|p| read.roles_at(p))
                .unwrap_or_default();
            let own = own_commit(
                store,
                &side.entries[i],
                f,
                &parent_roles,
                !parent_roles.list().is_empty(),
            );
            out.verified += usize::from(own.verified);
            out.findings.extend(own.findings);
            if !f.info.is_merge() {
                out.findings
                    .extend(appended_only(&read, &side.entries[i], f, &parent_roles));
                note_origins(&read, &mut origins, &side.entries[i], &f.info.author_email);
            }
        }
        edges.extend(side.entries[i..j].iter());
        if f.info.is_merge() {
            out.findings
                .extend(merge(&mut read, &mut origins, commit, f, &edges));
        }
        i = j;
    }
    // A finding a merge makes against each of its parents is told once.
    let mut seen = HashSet::new();
    out.findings
        .retain(|f| seen.insert((f.code.clone(), f.message.clone(), f.commit.clone())));
    Ok(out)
}

/// Note who recorded the decisions commit `e` appends (its author).
fn note_origins(read: &Reader<'_>, origins: &mut Origins, e: &Entry, author: &str) {
    for c in &e.changes {
        let Some(id) = record_of(&c.path) else {
            continue;
        };
        let (old, new) = (read.blob_dets(c.old), read.blob_dets(c.new));
        for ((kind, o), (_, n)) in kinds(&old).into_iter().zip(kinds(&new)) {
            for d in n.iter().skip(o.len()) {
                let list = origins.entry((id.to_string(), kind)).or_default();
                if !list.iter().any(|(x, _, _)| x == d) {
                    list.push((d.clone(), author.to_string(), e.commit));
                }
            }
        }
    }
}

/// A commit off the chain that is not a merge: its decisions files only grow (AU001), by a
/// reviewer in force at its parent (AU002).
fn appended_only(read: &Reader<'_>, e: &Entry, f: &SignedCommit, roles: &Roles) -> Vec<Finding> {
    let mut out = Vec::new();
    let author = &f.info.author_email;
    let what = format!("commit {} ({})", short(e.commit), f.info.summary);
    for c in &e.changes {
        let Some(id) = record_of(&c.path) else {
            continue;
        };
        let rel = Register::determinations_rel(id);
        let (old, new) = (read.blob_dets(c.old), read.blob_dets(c.new));
        for ((kind, o), (_, n)) in kinds(&old).into_iter().zip(kinds(&new)) {
            for (k, before) in o.iter().enumerate() {
                if n.get(k) != Some(before) {
                    out.push(
                        Finding::new(
                            "AU001",
                            Severity::Error,
                            format!("{kind} {} of {id} was changed or deleted by {what}, on a merged branch", k + 1),
                        )
                        .hint("past decisions are never changed — restore it and record a new one")
                        .in_file(&rel),
                    );
                }
            }
            if n.len() > o.len() && !roles.is_reviewer(author) {
                for k in o.len()..n.len() {
                    out.push(
                        Finding::new(
                            "AU002",
                            Severity::Error,
                            format!("{kind} {} of {id} was committed by {author}, who was not a reviewer then, in {what} on a merged branch", k + 1),
                        )
                        .hint(format!(
                            "reviewers then: {}",
                            list_or(&roles.emails(), "none")
                        ))
                        .in_file(&rel),
                    );
                }
            }
        }
    }
    for found in &mut out {
        found.commit = Some(e.commit.to_string());
    }
    out
}

/// Whether what `at` reads differs at merge `commit` from its parent `p` only because another
/// parent's line changed it since the two forked: the merge holds that parent's value, and `p`
/// still holds their merge base's. Else the merge itself made the change against `p`.
fn theirs<'s, T: PartialEq>(
    read: &mut Reader<'s>,
    commit: Oid,
    p: Oid,
    parents: &[Oid],
    at: impl Fn(&mut Reader<'s>, Oid) -> T,
) -> bool {
    let (mine, before) = (at(read, commit), at(read, p));
    parents.iter().filter(|&&q| q != p).any(|&q| {
        at(read, q) == mine
            && read
                .store
                .merge_base(p, q)
                .is_some_and(|b| at(read, b) == before)
    })
}

/// A merge judged against each parent (`edges`: the merge against each of its parents, first
/// parent first).
fn merge(
    read: &mut Reader<'_>,
    origins: &mut Origins,
    commit: Oid,
    f: &SignedCommit,
    edges: &[&Entry],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let author = f.info.author_email.clone();
    let signer = match &f.signer {
        Some(Ok(s)) => Some(s),
        _ => None,
    };
    let what = format!("merge {} ({})", short(commit), f.info.summary);
    let roles_m = read.roles_at(commit);
    let parents: Vec<Oid> = edges.iter().filter_map(|e| e.parent).collect();
    for e in edges {
        let Some(p) = e.parent else { continue };
        let roles_p = read.roles_at(p);
        // Roles: the other line's own change, or the merge's.
        if roles_m != roles_p && !theirs(read, commit, p, &parents, Reader::roles_at) {
            let against = format!("{what}, against its parent {}", short(p));
            out.extend(roles_authority(
                &against,
                commit,
                f,
                &author,
                &roles_p,
                &roles_m,
                !roles_p.list().is_empty(),
            ));
            if roles_p.require_signatures {
                out.extend(signer_authority(
                    &against,
                    false,
                    signer,
                    &roles_p.list(),
                    &author,
                ));
            }
        }
        // The review policy likewise: the other line's own change, or the merge's — which only
        // a reviewer in force on this parent's line makes (AU011), signed by their key.
        let (review_m, review_p) = (read.review_at(commit), read.review_at(p));
        if review_m != review_p
            && !roles_p.list().is_empty()
            && !theirs(read, commit, p, &parents, Reader::review_at)
        {
            let against = format!("{what}, against its parent {}", short(p));
            if !roles_p.is_reviewer(&author) {
                out.push(finding(
                    "AU011",
                    format!("{against} changed [review], the review policy, but its author {author} was not a reviewer in force"),
                    format!(
                        "the review period and warning are the Privacy Office's to set (a reviewer commits them, never in a merge); reviewers then: {}",
                        list_or(&roles_p.emails(), "none")
                    ),
                ));
            }
            if roles_p.require_signatures {
                out.extend(signer_authority(
                    &against,
                    false,
                    signer,
                    &roles_p.list(),
                    &author,
                ));
            }
        }
        for c in &e.changes {
            let Some(id) = record_of(&c.path) else {
                continue;
            };
            let rel = Register::determinations_rel(id);
            let (old, new) = (read.blob_dets(c.old), read.blob_dets(c.new));
            let others: Vec<Determinations> = parents
                .iter()
                .filter(|&&q| q != p)
                .map(|&q| read.dets_at(q, id))
                .collect();
            for ((kind, o), (_, n)) in kinds(&old).into_iter().zip(kinds(&new)) {
                for (k, before) in o.iter().enumerate() {
                    if !n.contains(before) {
                        out.push(
                            Finding::new(
                                "AU001",
                                Severity::Error,
                                format!(
                                    "{what} drops or changes {kind} {} of {id}, which its parent {} holds",
                                    k + 1,
                                    short(p)
                                ),
                            )
                            .hint("a merge keeps every decision of both lines: resolve the conflict by keeping the entries of both files, each unchanged")
                            .in_file(&rel),
                        );
                    }
                }
                for (k, d) in n.iter().enumerate().filter(|(_, d)| !o.contains(d)) {
                    let brought = others.iter().any(|x| {
                        kinds(x)
                            .into_iter()
                            .any(|(kk, list)| kk == kind && list.contains(d))
                    });
                    if brought {
                        let origin = origins
                            .get(&(id.to_string(), kind))
                            .and_then(|l| l.iter().find(|(x, _, _)| x == d));
                        if let Some((_, by, at)) = origin {
                            if !roles_p.is_reviewer(by) && !roles_m.is_reviewer(by) {
                                out.push(
                                    Finding::new(
                                        "AU002",
                                        Severity::Error,
                                        format!(
                                            "{kind} {} of {id}, recorded by {by} in commit {} on another line of history, was merged by {what} into a line where {by} was not a reviewer",
                                            k + 1,
                                            short(*at)
                                        ),
                                    )
                                    .hint(format!(
                                        "a decision counts only where its reviewer is in force; {by} was removed (or never listed) on the line it was merged into, whose reviewers were: {} — a reviewer in force records it again",
                                        list_or(&roles_p.emails(), "none")
                                    ))
                                    .in_file(&rel),
                                );
                            }
                        }
                        continue;
                    }
                    // In none of the parents: the merge wrote it.
                    if !roles_p.is_reviewer(&author) {
                        out.push(
                            Finding::new(
                                "AU002",
                                Severity::Error,
                                format!(
                                    "{kind} {} of {id} was written by {what} itself (no parent holds it), authored by {author}, who was not a reviewer then",
                                    k + 1
                                ),
                            )
                            .hint(format!(
                                "a decision is recorded with `smout determine`, never in a merge; reviewers then: {}",
                                list_or(&roles_p.emails(), "none")
                            ))
                            .in_file(&rel),
                        );
                    }
                    if roles_p.require_signatures {
                        out.extend(signer_authority(
                            &what,
                            true,
                            signer,
                            &roles_p.list(),
                            &author,
                        ));
                    }
                    let list = origins.entry((id.to_string(), kind)).or_default();
                    if !list.iter().any(|(x, _, _)| x == d) {
                        list.push((d.clone(), author.clone(), commit));
                    }
                }
            }
        }
    }
    for found in &mut out {
        found.commit = Some(commit.to_string());
    }
    out
}
