//! `audit`: proves the record keeping can be trusted, over the whole history.
//!
//! - AU001: a past determination (or appeal) was edited or deleted — determinations files may
//!   only ever grow by appended entries;
//! - AU002: a determination was committed by an identity that was not a reviewer at the time
//!   (the `smout.toml` of the commit's parent, so nobody can grant themselves the role in the
//!   same commit);
//! - AU003: a determination names a submission that does not exist, or whose record does not
//!   hash to the stored SHA-256;
//! - AU004: a submission tag was moved: it no longer points at the commit `submit` made for it.
//!
//! Findings use the same format as `check`.

use std::collections::HashMap;

use git2::{Oid, Repository, Sort, Tree};

use crate::decide::sha256_hex;
use crate::determination::Determinations;
use crate::diag::{Finding, LineIndex, Severity};
use crate::error::Result;
use crate::history::{all_submissions, short};
use crate::register::{
    Register, Settings, DETERMINATIONS_FILE, RECORDS_DIR, RECORD_FILE, SETTINGS_FILE,
};

/// The audit's findings and what it looked at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditReport {
    /// Commits examined.
    pub commits: usize,
    /// Determinations and appeals examined.
    pub determinations: usize,
    /// Submission tags examined.
    pub submissions: usize,
    /// What is wrong.
    pub findings: Vec<Finding>,
}

/// Audit the register's whole history.
pub fn audit(reg: &Register) -> Result<AuditReport> {
    let repo = crate::git::open(&reg.root)?;
    let prefix = crate::git::repo_path(&repo, &reg.root, "")?;
    let records_path = format!("{prefix}{RECORDS_DIR}");
    let mut findings = Vec::new();
    let mut commits = 0;

    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    if walk.push_head().is_ok() {
        for oid in walk {
            let oid = oid?;
            commits += 1;
            let commit = repo.find_commit(oid)?;
            let tree = commit.tree()?;
            let parent = commit.parent(0).ok();
            let ptree = match &parent {
                Some(p) => Some(p.tree()?),
                None => None,
            };
            for id in changed_determinations(&repo, &tree, ptree.as_ref(), &records_path)? {
                let path = format!("{records_path}/{id}/{DETERMINATIONS_FILE}");
                let new = read_dets(&repo, &tree, &path);
                let old = ptree
                    .as_ref()
                    .map(|t| read_dets(&repo, t, &path))
                    .unwrap_or_default();
                let author = commit.author().email().unwrap_or("").to_string();
                let rel = format!("{RECORDS_DIR}/{id}/{DETERMINATIONS_FILE}");
                for (kind, o, n) in [
                    ("determination", &old.determinations, &new.determinations),
                    ("appeal", &old.appeals, &new.appeals),
                ] {
                    for (k, before) in o.iter().enumerate() {
                        match n.get(k) {
                            Some(after) if after == before => {}
                            Some(_) => findings.push(
                                Finding::new("AU001", Severity::Error, format!("{kind} {} of {id} was edited after it was recorded", k + 1))
                                    .hint(format!("commit {} ({}) changed it; past {kind}s are never changed — restore it and record a new one", short(oid), commit.summary().ok().flatten().unwrap_or(""))
                                    )
                                    .in_file(&rel),
                            ),
                            None => findings.push(
                                Finding::new("AU001", Severity::Error, format!("{kind} {} of {id} was deleted", k + 1))
                                    .hint(format!("commit {} ({}) removed it; restore it from {}", short(oid), commit.summary().ok().flatten().unwrap_or(""), parent.as_ref().map(|p| short(p.id())).unwrap_or_default()))
                                    .in_file(&rel),
                            ),
                        }
                    }
                    if n.len() > o.len() {
                        let reviewers = ptree
                            .as_ref()
                            .and_then(|t| {
                                settings_at(&repo, t, &format!("{prefix}{SETTINGS_FILE}"))
                            })
                            .map(|s| s.roles.reviewers)
                            .unwrap_or_default();
                        if !reviewers.iter().any(|r| r.eq_ignore_ascii_case(&author)) {
                            for k in o.len()..n.len() {
                                findings.push(
                                    Finding::new(
                                        "AU002",
                                        Severity::Error,
                                        format!("{kind} {} of {id} was committed by {author}, who was not a reviewer then", k + 1),
                                    )
                                    .hint(format!(
                                        "commit {}; reviewers then: {}",
                                        short(oid),
                                        if reviewers.is_empty() { "none".into() } else { reviewers.join(", ") }
                                    ))
                                    .in_file(&rel),
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    // The determinations as they stand, against the submissions they name; and the tags.
    let subs = all_submissions(&repo)?;
    let mut determinations = 0;
    for id in reg.record_ids()? {
        let rel = format!("{RECORDS_DIR}/{id}/{DETERMINATIONS_FILE}");
        let file = reg.root.join(&rel);
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(dets) = Determinations::parse(&text, &file) else {
            findings.push(
                Finding::new("AU001", Severity::Error, format!("{rel} does not parse"))
                    .in_file(&rel),
            );
            continue;
        };
        let index = LineIndex::new(&text);
        let record_path = format!("{prefix}{}", Register::record_rel(&id));
        for (kind, list) in [
            ("determination", &dets.determinations),
            ("appeal", &dets.appeals),
        ] {
            for (k, d) in list.iter().enumerate() {
                determinations += 1;
                let span = entry_span(&text, kind, k);
                let at = |f: Finding| f.at(&rel, &index, &span);
                let Some(sub) = subs
                    .get(&id)
                    .and_then(|v| v.iter().find(|s| s.n == d.submission))
                else {
                    findings.push(at(Finding::new(
                        "AU003",
                        Severity::Error,
                        format!(
                            "{kind} {} names submission {}, which does not exist",
                            k + 1,
                            d.submission
                        ),
                    )
                    .hint(format!(
                        "there is no tag smout/{id}/submission/{}",
                        d.submission
                    ))));
                    continue;
                };
                let hash = Oid::from_str(&sub.commit)
                    .ok()
                    .and_then(|c| repo.find_commit(c).ok())
                    .and_then(|c| crate::git::read_at(&repo, &c, &record_path).ok().flatten())
                    .map(|t| sha256_hex(t.as_bytes()));
                if hash.as_deref() != Some(d.record_sha256.as_str()) {
                    findings.push(at(Finding::new(
                        "AU003",
                        Severity::Error,
                        format!("{kind} {} judged a record that is not submission {} as it stands", k + 1, d.submission),
                    )
                    .hint(format!(
                        "record_sha256 is {}, but {RECORD_FILE} at smout/{id}/submission/{} hashes to {}; the tag was moved or the entry altered",
                        short_hash(&d.record_sha256),
                        d.submission,
                        hash.as_deref().map(short_hash).unwrap_or("nothing (no record there)")
                    ))));
                }
            }
        }
    }
    let mut submissions = 0;
    for (id, list) in &subs {
        for s in list {
            submissions += 1;
            let trailer = format!("smout-submission: {id}/{}", s.n);
            let ok = Oid::from_str(&s.commit)
                .ok()
                .and_then(|c| repo.find_commit(c).ok())
                .is_some_and(|c| {
                    c.message()
                        .unwrap_or("")
                        .lines()
                        .any(|l| l.trim() == trailer)
                        && c.time().seconds() <= s.time
                });
            if !ok {
                findings.push(
                    Finding::new("AU004", Severity::Error, format!("tag smout/{id}/submission/{} does not point at the commit that submitted it", s.n))
                        .hint(format!(
                            "it points at {}; a submission tag is never moved — find the commit whose message has `{trailer}` and put the tag back",
                            &s.commit[..10]
                        ))
                        .in_file(&Register::record_rel(id)),
                );
            }
        }
    }
    findings.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.code.as_str()).cmp(&(b.file.as_str(), b.line, b.code.as_str()))
    });
    Ok(AuditReport {
        commits,
        determinations,
        submissions,
        findings,
    })
}

fn short_hash(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// The span of the k-th `[[kind]]` header in the file.
fn entry_span(text: &str, kind: &str, k: usize) -> std::ops::Range<usize> {
    let header = format!("[[{kind}]]");
    text.match_indices(&header)
        .nth(k)
        .map(|(i, _)| i..i + header.len())
        .unwrap_or(0..0)
}

fn settings_at(repo: &Repository, tree: &Tree<'_>, path: &str) -> Option<Settings> {
    let entry = tree.get_path(std::path::Path::new(path)).ok()?;
    let blob = repo.find_blob(entry.id()).ok()?;
    let text = std::str::from_utf8(blob.content()).ok()?;
    Settings::parse(text, std::path::Path::new(path)).ok()
}

fn read_dets(repo: &Repository, tree: &Tree<'_>, path: &str) -> Determinations {
    tree.get_path(std::path::Path::new(path))
        .ok()
        .and_then(|e| repo.find_blob(e.id()).ok())
        .and_then(|b| std::str::from_utf8(b.content()).ok().map(String::from))
        .and_then(|t| Determinations::parse(&t, std::path::Path::new(path)).ok())
        .unwrap_or_default()
}

/// Record ids whose determinations file differs between `tree` and its parent's tree. Subtrees
/// with equal ids are skipped without being read.
fn changed_determinations(
    repo: &Repository,
    tree: &Tree<'_>,
    parent: Option<&Tree<'_>>,
    records_path: &str,
) -> Result<Vec<String>> {
    let sub = |t: &Tree<'_>| -> Option<Oid> {
        t.get_path(std::path::Path::new(records_path))
            .ok()
            .map(|e| e.id())
    };
    let (mine, theirs) = (sub(tree), parent.and_then(sub));
    if mine == theirs {
        return Ok(Vec::new());
    }
    let load = |o: Option<Oid>| -> HashMap<String, Oid> {
        o.and_then(|o| repo.find_tree(o).ok())
            .map(|t| {
                t.iter()
                    .filter_map(|e| Some((e.name().ok()?.to_string(), e.id())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (a, b) = (load(mine), load(theirs));
    let mut out = Vec::new();
    for (name, id) in a.iter().chain(b.iter()) {
        let other = if a.get(name) == Some(id) {
            b.get(name)
        } else {
            a.get(name)
        };
        if other == Some(id) || out.contains(name) {
            continue;
        }
        let det = |o: Option<&Oid>| -> Option<Oid> {
            o.and_then(|o| repo.find_tree(*o).ok())
                .and_then(|t| t.get_name(DETERMINATIONS_FILE).map(|e| e.id()))
        };
        if det(a.get(name)) != det(b.get(name)) {
            out.push(name.clone());
        }
    }
    out.sort();
    Ok(out)
}
