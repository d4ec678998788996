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

use crate::session::Session;
use crate::store::{tag_name, Oid, TagKind};

use crate::determination::Determinations;
use crate::diag::{Finding, LineIndex, Severity};
use crate::digest::sha256_hex;
use crate::error::Result;
use crate::register::{Register, Settings, DETERMINATIONS_FILE, RECORD_FILE, SETTINGS_FILE};
use crate::store::history::short;

/// The audit's findings and what it looked at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditReport {
    /// The register's root of trust (the commit that first named reviewers) and its keys.
    pub root: Option<crate::trust::RootOfTrust>,
    /// Signatures verified.
    pub signatures: usize,
    /// Commits examined.
    pub commits: usize,
    /// Determinations and appeals examined.
    pub determinations: usize,
    /// Submission tags examined.
    pub submissions: usize,
    /// Of the determinations, those imported from documents decided outside smout.
    pub imported: usize,
    /// What is wrong.
    pub findings: Vec<Finding>,
    /// The pin the root of trust was compared with (`--root`, else git config `audit.root`).
    pub pinned: Option<String>,
    /// Decisions that name another reviewer than the one who recorded and signed them
    /// (`determine --reviewer`): recorded on that reviewer's behalf, as the audit shows.
    pub on_behalf: Vec<OnBehalf>,
}

/// A decision recorded for another reviewer than its signer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OnBehalf {
    /// The record.
    pub record: String,
    /// `determination` or `appeal`, and its number in the file.
    pub entry: String,
    /// Who recorded and signed it (the commit's author, a reviewer in force).
    pub recorded_by: String,
    /// Their name as `[roles]` lists it.
    pub recorded_by_name: String,
    /// The commit.
    pub commit: String,
}

/// Why the audit cannot run (nothing was judged).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// `--root ""`.
    #[error("--root is empty: give the root-of-trust commit `smout audit` prints (in a pipeline, set the CI variable SMOUT_ROOT to it)")]
    EmptyRoot,
    /// A thread of the audit stopped (a panic).
    #[error("the audit's record checks stopped unexpectedly; run `smout audit` again")]
    Stopped,
}

crate::error::refusal!(Refusal);

/// Audit the register's whole history. `root` pins the root of trust (else git config
/// `audit.root`, which lives outside the history).
pub fn audit(reg: &Session, rebuild_index: bool, root: Option<&str>) -> Result<AuditReport> {
    if root.is_some_and(|r| r.trim().is_empty()) {
        return Err(Refusal::EmptyRoot.into());
    }
    let store = reg.store();
    if rebuild_index {
        store.ignore_caches();
    }
    if store.is_shallow()? {
        return Err(crate::trust::Refusal::Shallow("an audit must see the whole history, or it would blame commits whose parents it cannot read. Run `git fetch --unshallow`, then audit again").into());
    }
    if let Some(first) = store.history_rewriters()?.first() {
        return Err(crate::trust::Refusal::Rewritten(first.clone()).into());
    }
    let head = store.head_commit();
    let mut findings = Vec::new();
    let index = store.path_index_and_commit_facts(rebuild_index)?;
    let parse_dets = |o: Option<Oid>| -> Determinations {
        o.and_then(|o| store.blob_text(o).ok())
            .and_then(|t| Determinations::parse(&t, std::path::Path::new(DETERMINATIONS_FILE)).ok())
            .unwrap_or_default()
    };
    // Replay the first-parent history, oldest first, with the reviewers in force before each
    // commit; note when each decision entry was committed, for the date checks.
    let mut reviewers: Vec<String> = Vec::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let mut on_behalf: Vec<OnBehalf> = Vec::new();
    let mut recorded_at: HashMap<(String, &'static str, usize), i64> = HashMap::new();
    for (i, e) in index.entries.iter().enumerate() {
        for c in &e.changes {
            let Some(id) = c.path.strip_suffix(&format!("/{DETERMINATIONS_FILE}")) else {
                continue;
            };
            let (old, new) = (parse_dets(c.old), parse_dets(c.new));
            let commit = store.commit_info(e.commit)?;
            let summary = commit.summary.clone();
            let author = commit.author_email.clone();
            let oid = e.commit;
            let rel = Register::determinations_rel(id);
            if commit.is_merge() {
                // A merge's decisions are judged parent by parent (`graph`); here only when they
                // reached this line of history.
                let (o, n) = (old.determinations.len(), new.determinations.len());
                for k in o..n {
                    recorded_at.insert((id.to_string(), "determination", k), commit.time);
                }
                for k in old.appeals.len()..new.appeals.len() {
                    recorded_at.insert((id.to_string(), "appeal", k), commit.time);
                }
                continue;
            }
            for (kind, o, n) in [
                ("determination", &old.determinations, &new.determinations),
                ("appeal", &old.appeals, &new.appeals),
            ] {
                for (k, before) in o.iter().enumerate() {
                    match n.get(k) {
                        Some(after) if after == before => {}
                        Some(_) => findings.push(
                            Finding::new("AU001", Severity::Error, format!("{kind} {} of {id} was edited after it was recorded", k + 1))
                                .hint(format!("commit {} ({summary}) changed it; past {kind}s are never changed — restore it and record a new one", short(oid)))
                                .in_file(&rel),
                        ),
                        None => findings.push(
                            Finding::new("AU001", Severity::Error, format!("{kind} {} of {id} was deleted", k + 1))
                                .hint(format!(
                                    "commit {} ({summary}) removed it; restore it from {}",
                                    short(oid),
                                    e.parent.map(short).unwrap_or_default()
                                ))
                                .in_file(&rel),
                        ),
                    }
                }
                for k in o.len()..n.len() {
                    recorded_at.insert((id.to_string(), kind_key(kind), k), commit.time);
                }
                // A decision is not reviewed after the commit made on top of it (a day's
                // slack): one dated later was dated, with its commit, in the future.
                if let Some(next) = index.entries.get(i + 1).filter(|_| n.len() > o.len()) {
                    let then = store.commit_info(next.commit)?.time;
                    let latest = crate::store::history::date_of(then + crate::trust::SLACK);
                    for (k, d) in n.iter().enumerate().skip(o.len()) {
                        if d.reviewed > latest {
                            findings.push(
                                Finding::new("AU010", Severity::Error, format!(
                                    "{kind} {} of {id} is reviewed {}, after the commit made on top of it ({}, {})",
                                    k + 1,
                                    d.reviewed,
                                    short(next.commit),
                                    crate::store::history::date_of(then)
                                ))
                                .hint(format!("commit {} ({summary}) was dated in the future to match; dates are what the review proves — record a correction", short(oid)))
                                .in_file(&rel),
                            );
                        }
                    }
                }
                // A decision names its reviewer; one that names another than its signer was
                // recorded on their behalf, and the audit says who recorded it.
                if let Some(me) = names.get(&author.to_lowercase()).filter(|m| !m.is_empty()) {
                    let squash = |s: &str| {
                        s.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .to_lowercase()
                    };
                    for (k, d) in n.iter().enumerate().skip(o.len()) {
                        if d.imported.is_none()
                            && squash(&crate::markup::plain(&d.reviewer)) != squash(me)
                        {
                            on_behalf.push(OnBehalf {
                                record: id.to_string(),
                                entry: format!("{kind} {}", k + 1),
                                recorded_by: author.clone(),
                                recorded_by_name: me.clone(),
                                commit: short(oid),
                            });
                        }
                    }
                }
                if n.len() > o.len() && !reviewers.iter().any(|r| r.eq_ignore_ascii_case(&author)) {
                    for k in o.len()..n.len() {
                        findings.push(
                            Finding::new("AU002", Severity::Error, format!("{kind} {} of {id} was committed by {author}, who was not a reviewer then", k + 1))
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
        if let Some(sc) = e.changes.iter().find(|c| c.path == SETTINGS_FILE) {
            let roles = sc
                .new
                .and_then(|o| store.blob_text(o).ok())
                .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok())
                .map(|s| s.roles)
                .unwrap_or_default();
            reviewers = roles.emails();
            names = roles
                .list()
                .into_iter()
                .map(|r| (r.email.to_lowercase(), r.name))
                .collect();
        }
    }
    let commits = index.entries.len();
    let pinned = root
        .map(String::from)
        .or_else(|| store.config_string("audit.root"));
    let settings_now = head
        .and_then(|h| store.read_at(h, SETTINGS_FILE).ok())
        .flatten()
        .and_then(|t| Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok());
    let period = settings_now
        .as_ref()
        .map(|s| s.review_period())
        .unwrap_or(crate::duration::Period::Months(36));

    // The determinations as they stand, against the submissions they name; and the tags.
    let subs = store.all_submissions()?;
    let submitted = crate::store::history::SubmittedRecords::new(&index, &subs, store.prefix());
    // Each record's determinations on every core, each thread with its own store.
    let ids = reg.record_ids()?;
    let mut hashes: HashMap<crate::store::Oid, String> = store
        .load_cache::<HashMap<String, String>>(SHA256S, SHA256S_KEY)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(b, h)| {
            let ok = b.len() == 40 && h.len() == 64;
            Some((crate::store::Oid::from_str(&b).ok().filter(|_| ok)?, h))
        })
        .collect();
    let checks = Checks {
        reg: reg.register(),
        submitted: &submitted,
        subs: &subs,
        recorded_at: &recorded_at,
        period,
        hashes: &hashes,
    };
    // The chain of trust is followed (in order, on this thread) while the records are checked.
    // A record that could not be checked fails the audit; it is never skipped.
    let workers = reg.workers();
    let (per_record, trust) = std::thread::scope(|s| {
        let per_record = s.spawn(|| workers.par_map(&ids, |w, id| Ok(checks.record(w.store, id))));
        let trust = crate::trust::verify(store, &index, pinned.as_deref());
        (per_record.join(), trust)
    });
    let per_record = per_record.map_err(|_| crate::error::Error::from(Refusal::Stopped))?;
    let per_record = per_record
        .into_iter()
        .collect::<Result<Vec<RecordAudit>, _>>()?;
    let trust = trust?;
    findings.extend(trust.findings.iter().cloned());
    let mut determinations = 0;
    let mut imported = 0;
    let mut hashed = Vec::new();
    for r in per_record {
        determinations += r.determinations;
        imported += r.imported;
        findings.extend(r.findings);
        hashed.extend(r.hashed);
    }
    if !hashed.is_empty() {
        hashes.extend(hashed);
        let all: HashMap<String, &String> =
            hashes.iter().map(|(b, h)| (b.to_string(), h)).collect();
        store.save_cache(SHA256S, SHA256S_KEY, &all);
    }
    let mut submissions = 0;
    for (id, list) in &subs {
        for s in list {
            submissions += 1;
            let trailer = format!("smout-submission: {id}/{}", s.n);
            // The tag marks the first commit carrying its trailer (a later commit that copies
            // the trailer is not the submission); off the first-parent chain, a commit carrying
            // it that is older than the tag.
            let first = trust.submitted_by.get(&format!("{id}/{}", s.n));
            let ok = match first {
                Some(first) => s.commit == first.to_string(),
                None => store
                    .submission_commit(s)
                    .and_then(|c| store.commit_info(c))
                    .is_ok_and(|c| {
                        c.message.lines().any(|l| l.trim() == trailer) && c.time <= s.time
                    }),
            };
            if !ok {
                let put_back = match first {
                    Some(c) => format!("put the tag back on {}", short(*c)),
                    None => format!(
                        "find the commit whose message has `{trailer}` and put the tag back"
                    ),
                };
                findings.push(
                    Finding::new(
                        "AU004",
                        Severity::Error,
                        format!(
                            "tag {} does not point at the commit that submitted it",
                            tag_name(id, TagKind::Submission, s.n)
                        ),
                    )
                    .hint(format!(
                        "it points at {}; a submission tag is never moved — {put_back}",
                        crate::digest::short(&s.commit)
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
        root: trust.root,
        signatures: trust.verified,
        commits: commits + trust.side_commits,
        determinations,
        submissions,
        imported,
        findings,
        pinned,
        on_behalf,
    })
}

fn kind_key(kind: &str) -> &'static str {
    if kind == "appeal" {
        "appeal"
    } else {
        "determination"
    }
}

fn short_hash(h: &str) -> &str {
    &h[..h.len().min(12)]
}

/// The span of the k-th `[[kind]]` header in the file (a header starts a line: the same words
/// inside a string are not one).
fn entry_span(text: &str, kind: &str, k: usize) -> std::ops::Range<usize> {
    let header = format!("[[{kind}]]");
    text.match_indices(&header)
        .filter(|(i, _)| {
            let line_start = text[..*i].rfind('\n').map(|n| n + 1).unwrap_or(0);
            text[line_start..*i].trim().is_empty()
        })
        .nth(k)
        .map(|(i, _)| i..i + header.len())
        .unwrap_or(0..0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_found_by_its_header_not_by_words_in_a_string() {
        let text = "[[determination]]\ncomments = \"see [[determination]] below\"\n\n  [[appeal]]\n[[determination]]\n";
        assert_eq!(entry_span(text, "determination", 0), 0..17);
        let second = text.rfind("[[determination]]").unwrap();
        assert_eq!(entry_span(text, "determination", 1), second..second + 17);
        assert_eq!(
            entry_span(text, "appeal", 0).start,
            text.find("[[appeal]]").unwrap()
        );
        assert_eq!(entry_span(text, "determination", 2), 0..0);
    }
}

/// What the audit of one record's determinations finds.
#[derive(Default)]
struct RecordAudit {
    findings: Vec<Finding>,
    determinations: usize,
    imported: usize,
    /// SHA-256s of submitted blobs this record's checks computed (not yet in the cache).
    hashed: Vec<(crate::store::Oid, String)>,
}

/// The SHA-256 of each submitted record's blob, by blob id, kept in `.git/smout/sha256-v1`: a
/// blob never changes, so neither does its hash (the audit hashed every submitted record that
/// a determination names, on every run).
const SHA256S: &str = "sha256-v1";
const SHA256S_KEY: &str = "smout blob sha256 v1";

/// What every record's determinations are checked against.
struct Checks<'a> {
    reg: &'a Register,
    submitted: &'a crate::store::history::SubmittedRecords,
    subs: &'a HashMap<String, Vec<crate::store::history::Submission>>,
    recorded_at: &'a HashMap<(String, &'static str, usize), i64>,
    period: crate::duration::Period,
    /// SHA-256s of blobs, from the cache.
    hashes: &'a HashMap<crate::store::Oid, String>,
}

impl Checks<'_> {
    /// Record `id`'s determinations as HEAD holds them, against the submissions they name.
    fn record(&self, store: &crate::store::Store, id: &str) -> RecordAudit {
        let (reg, submitted, subs, recorded_at, period) = (
            self.reg,
            self.submitted,
            self.subs,
            self.recorded_at,
            self.period,
        );
        let id = id.to_string();
        let mut out = RecordAudit::default();
        let rel = Register::determinations_rel(&id);
        let file = reg.root.join(&rel);
        // The committed file, never the working tree's word (HEAD's blob from the replayed
        // index: no tree walk per record).
        let Some(text) = store.head_text(submitted, &format!("{id}/{DETERMINATIONS_FILE}")) else {
            return out;
        };
        let Ok(dets) = Determinations::parse(&text, &file) else {
            out.findings.push(
                Finding::new("AU001", Severity::Error, format!("{rel} does not parse"))
                    .in_file(&rel),
            );
            return out;
        };
        let index = LineIndex::new(&text);
        // The record's form's review period, read once for all its entries.
        let form_period = reg
            .form_of(&id)
            .ok()
            .and_then(|f| f.review_period)
            .unwrap_or(period);
        for (kind, list) in [
            ("determination", &dets.determinations),
            ("appeal", &dets.appeals),
        ] {
            for (k, d) in list.iter().enumerate() {
                out.determinations += 1;
                out.imported += usize::from(d.imported.is_some());
                let span = entry_span(&text, kind, k);
                let at = |f: Finding| f.at(&rel, &index, &span);
                let Some(sub) = subs
                    .get(&id)
                    .and_then(|v| v.iter().find(|s| s.n == d.submission))
                else {
                    out.findings.push(at(Finding::new(
                        "AU003",
                        Severity::Error,
                        format!(
                            "{kind} {} names submission {}, which does not exist",
                            k + 1,
                            d.submission
                        ),
                    )
                    .hint(format!(
                        "there is no tag {}",
                        tag_name(&id, TagKind::Submission, d.submission)
                    ))));
                    continue;
                };
                // Dates: reviewed on or after the submission, not after it was committed; the
                // review-by date within the period unless the entry says why.
                let submitted_on = crate::store::history::date_of(sub.time);
                let committed = recorded_at
                    .get(&(id.clone(), kind_key(kind), k))
                    .map(|t| crate::store::history::date_of(*t));
                let mut bad_dates = Vec::new();
                if d.reviewed < submitted_on {
                    bad_dates.push(format!(
                        "reviewed {} is before submission {} was made ({submitted_on})",
                        d.reviewed, d.submission
                    ));
                }
                if let Some(c) = committed.filter(|c| d.reviewed > *c) {
                    bad_dates.push(format!(
                        "reviewed {} is after it was recorded ({c})",
                        d.reviewed
                    ));
                }
                if let Some(rb) = d.review_by {
                    if rb > form_period.after(d.reviewed) && d.review_by_reason.trim().is_empty() {
                        bad_dates.push(format!(
                        "review_by {rb} lies beyond the review period ({form_period} after {}) with no review_by_reason",
                        d.reviewed
                    ));
                    }
                }
                for why in bad_dates {
                    out.findings.push(at(Finding::new(
                    "AU010",
                    Severity::Error,
                    format!("{kind} {} of {id}: {why}", k + 1),
                )
                .hint("dates are what the review proves; an implausible one was typed by hand or forged — record a correction")));
                }
                let blob = store.submitted_blob(submitted, &id, sub);
                let hash = match blob.and_then(|b| self.hashes.get(&b)) {
                    Some(h) => Some(h.clone()),
                    None => {
                        let h = blob
                            .and_then(|b| store.blob_text(b).ok())
                            .map(|t| sha256_hex(t.as_bytes()));
                        if let (Some(b), Some(h)) = (blob, &h) {
                            out.hashed.push((b, h.clone()));
                        }
                        h
                    }
                };
                if hash.as_deref() != Some(d.record_sha256.as_str()) {
                    out.findings.push(at(Finding::new(
                    "AU003",
                    Severity::Error,
                    format!("{kind} {} judged a record that is not submission {} as it stands", k + 1, d.submission),
                )
                .hint(format!(
                    "record_sha256 is {}, but {RECORD_FILE} at {} hashes to {}; the tag was moved or the entry altered",
                    short_hash(&d.record_sha256),
                    tag_name(&id, TagKind::Submission, d.submission),
                    hash.as_deref().map(short_hash).unwrap_or("nothing (no record there)")
                ))));
                }
            }
        }
        out
    }
}
