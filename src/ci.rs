//! `smout ci`: the merge-request gate. What a change (HEAD) does to the register relative to its
//! base: the records it touches and their findings, approved records it changes materially (a
//! new review is needed), the determinations it adds and whether each was made by a reviewer
//! (signed, once the register signs), and whether anything in history was rewritten. One
//! summary, and a verdict a pipeline can gate on.

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{check_targets, CheckOptions, Target};
use crate::determination::Determinations;
use crate::diag::{Finding, Severity};
use crate::diff::{compare, RecordDiff};
use crate::error::Result;
use crate::register::{Register, DETERMINATIONS_FILE, RECORDS_DIR, SETTINGS_FILE};
use crate::release::Audience;
use crate::session::Session;
use crate::status::{register_status, Status};
use crate::store::history::short;

/// How one record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// New in this change.
    Added,
    /// Changed.
    Modified,
    /// Removed.
    Deleted,
}

impl Change {
    fn word(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Modified => "modified",
            Change::Deleted => "deleted",
        }
    }
}

/// One record the change touches.
#[derive(Debug, Clone, Serialize)]
pub struct CiRecord {
    /// The record.
    pub id: String,
    /// Added, modified or deleted.
    pub change: Change,
    /// Its status after the change.
    pub status: Option<Status>,
    /// `check`'s findings on it.
    pub findings: Vec<Finding>,
    /// An approved record changed materially: the approval no longer covers it.
    pub reopens_review: bool,
    /// Determinations (and appeals) the change adds to it.
    pub decisions_added: usize,
    /// The release copy's word-level diff, base → HEAD (none for an added or deleted record).
    #[serde(skip)]
    pub diff: Option<RecordDiff>,
}

/// What `smout ci` found.
#[derive(Debug, Clone, Serialize)]
pub struct CiReport {
    /// The base commit (short id) and how it was named.
    pub base: String,
    /// The head commit (short id).
    pub head: String,
    /// Records touched, by id.
    pub records: Vec<CiRecord>,
    /// `smout.toml` changed (who may decide, and the register's settings).
    pub settings_changed: bool,
    /// Determinations and appeals added.
    pub decisions_added: usize,
    /// The audit's findings over the whole history (determinations by non-reviewers, unsigned
    /// or badly signed decisions, edited past entries, moved tags).
    pub audit: Vec<Finding>,
    /// History rewritten relative to the base.
    pub rewritten: Vec<String>,
    /// Errors that fail the gate.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
}

impl CiReport {
    /// The gate passes: no error anywhere.
    pub fn passed(&self) -> bool {
        self.errors == 0
    }
}

/// Why the gate cannot run (nothing was judged).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// No commit to judge.
    #[error("the repository has no commit yet")]
    NoCommit,
    /// `--base` names no commit here.
    #[error("`{0}` names no commit here; fetch it first (e.g. `git fetch origin main`) and pass --base origin/main")]
    UnknownBase(String),
}

crate::error::refusal!(Refusal);

/// Check what HEAD changes relative to `base` (a git revision; the merge base of the two is
/// what HEAD is compared with).
pub fn gate(reg: &Session, base: &str, root: Option<&str>, today: NaiveDate) -> Result<CiReport> {
    let store = reg.store();
    if store.is_shallow()? {
        return Err(crate::trust::Refusal::Shallow("the gate audits the whole history. Clone with the full history (GitLab: GIT_DEPTH: 0; GitHub: actions/checkout with fetch-depth: 0), or run `git fetch --unshallow`").into());
    }
    if let Some(first) = store.history_rewriters()?.first() {
        return Err(crate::trust::Refusal::Rewritten(first.clone()).into());
    }
    let head = store.head_commit().ok_or(Refusal::NoCommit)?;
    let base_id = store
        .rev_id(base)
        .ok_or_else(|| Refusal::UnknownBase(base.to_string()))?;
    let mut rewritten = Vec::new();
    let from = match store.is_ancestor(base_id, head)? {
        // The register's history is its first-parent chain: the base must be on HEAD's, or
        // whoever made the branch chose which line's roles are in force.
        true if !store.on_first_parent_chain(base_id)? => {
            rewritten.push(format!(
                "{base} ({}) is in HEAD's history only through a merge's second parent: HEAD's first-parent line is another history than the base's (a branch that merged its base in, or a history merged onto the base with `-s ours`). Bring the branch up to date with `git rebase {base}` — never by merging the base into it — and push it again",
                short(base_id)
            ));
            base_id
        }
        true => base_id,
        false => {
            rewritten.push(format!(
                "{base} ({}) is not in HEAD's history: the branch is behind it (or rewrote commits it has). Bring the branch up to date without changing its own commits — `git rebase {base}` — and push it again: the gate checks a branch whose first-parent line holds its base",
                short(base_id)
            ));
            store.merge_base(base_id, head).unwrap_or(base_id)
        }
    };
    let paths = store.changed_paths(from, head)?;
    let settings_changed = paths.iter().any(|p| p == SETTINGS_FILE);
    let mut ids: Vec<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(&format!("{RECORDS_DIR}/")))
        .filter_map(|p| p.split_once('/').map(|(id, _)| id.to_string()))
        .collect();
    ids.sort();
    ids.dedup();

    let statuses = register_status(reg, &ids, today, Audience::Internal)?;
    let present: Vec<&String> = ids
        .iter()
        .filter(|id| {
            reg.record_dir(id)
                .join(crate::register::RECORD_FILE)
                .is_file()
        })
        .collect();
    let targets: Vec<Target> = present.iter().map(|id| Target::record(reg, id)).collect();
    let checked = check_targets(
        reg,
        &targets,
        &CheckOptions {
            today,
            warn_pii: false,
        },
    );
    let mut records = Vec::new();
    for id in &ids {
        let rel = Register::record_rel(id);
        let before = store.read_at(from, &rel)?.is_some();
        let after = store.read_at(head, &rel)?.is_some();
        let change = match (before, after) {
            (false, _) => Change::Added,
            (true, true) => Change::Modified,
            (true, false) => Change::Deleted,
        };
        let status = statuses.iter().find(|s| &s.id == id).map(|s| s.status);
        let findings = checked
            .records
            .iter()
            .find(|r| &r.id == id)
            .map(|r| r.findings.clone())
            .unwrap_or_default();
        let drel = Register::determinations_rel(id);
        let count = |c| -> usize {
            store
                .read_at(c, &drel)
                .ok()
                .flatten()
                .and_then(|t| {
                    Determinations::parse(&t, std::path::Path::new(DETERMINATIONS_FILE)).ok()
                })
                .map(|d| d.determinations.len() + d.appeals.len())
                .unwrap_or(0)
        };
        let decided_before = count(from);
        let decisions_added = count(head).saturating_sub(decided_before);
        if change == Change::Deleted && decided_before > 0 {
            rewritten.push(format!(
                "{id}: a decided record's folder is deleted; its history stays in git, but the register must keep it — end it with `smout retire {id}` or `smout withdraw {id}` instead"
            ));
        }
        let diff = match change {
            Change::Modified => {
                compare(reg, id, Some(&short(from)), Some("HEAD"), Audience::Release).ok()
            }
            _ => None,
        };
        records.push(CiRecord {
            id: id.clone(),
            change,
            status,
            reopens_review: status == Some(Status::Changed),
            findings,
            decisions_added,
            diff,
        });
    }
    let audited = crate::audit::audit(reg, false, root)?;
    // The root of trust is the base's: a history whose root came after the base (the base
    // named reviewers, HEAD's root does not descend into it) has another.
    if let Some(r) = audited.root.as_ref().and_then(|r| store.rev_id(&r.commit)) {
        let base_names_reviewers = store
            .read_at(base_id, SETTINGS_FILE)?
            .and_then(|t| {
                crate::register::Settings::parse(&t, std::path::Path::new(SETTINGS_FILE)).ok()
            })
            .is_some_and(|s| !s.roles.list().is_empty());
        if base_names_reviewers && !store.is_ancestor(r, base_id)? && r != base_id {
            rewritten.push(format!(
                "HEAD's root of trust is {}, which is not in {base}'s history: the branch carries another register's chain of trust. Do not merge it; compare with the Privacy Office's pinned root (`smout audit` prints it)",
                short(r)
            ));
        }
    }
    let audit = audited.findings;
    let decisions_added = records.iter().map(|r| r.decisions_added).sum();
    let all = || records.iter().flat_map(|r| &r.findings).chain(&audit);
    let errors = all().filter(|f| f.severity == Severity::Error).count() + rewritten.len();
    let warnings = all().filter(|f| f.severity == Severity::Warning).count();
    Ok(CiReport {
        base: if from == base_id {
            format!("{base} ({})", short(from))
        } else {
            format!("{base} ({}; merge base {})", short(base_id), short(from))
        },
        head: short(head),
        records,
        settings_changed,
        decisions_added,
        audit,
        rewritten,
        errors,
        warnings,
    })
}

fn counts(findings: &[Finding]) -> String {
    let e = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let w = findings.len() - e;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}

fn record_note(r: &CiRecord) -> String {
    let mut notes = Vec::new();
    if r.reopens_review {
        notes.push("changes an approved record materially: a new review is needed".to_string());
    }
    if r.decisions_added > 0 {
        notes.push(format!(
            "{} decision{} added",
            r.decisions_added,
            if r.decisions_added == 1 { "" } else { "s" }
        ));
    }
    notes.join("; ")
}

/// The summary for a terminal or a job log.
pub fn render_text(report: &CiReport) -> String {
    let mut out = format!(
        "smout ci: {} → HEAD ({}), {} record{} changed\n",
        report.base,
        report.head,
        report.records.len(),
        if report.records.len() == 1 { "" } else { "s" }
    );
    let width = report.records.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in &report.records {
        out.push_str(&format!(
            "  {:width$}  {:8}  {:13}  {}{}\n",
            r.id,
            r.change.word(),
            r.status.map(|s| s.word()).unwrap_or("-"),
            counts(&r.findings),
            match record_note(r) {
                n if n.is_empty() => String::new(),
                n => format!("  — {n}"),
            }
        ));
        for f in r.findings.iter().filter(|f| f.severity == Severity::Error) {
            out.push_str(&format!(
                "      error[{}] {} {}\n",
                f.code,
                f.location(),
                f.message
            ));
        }
    }
    if report.settings_changed {
        out.push_str(
            "  smout.toml changed: who may decide is reviewed by the Privacy Office (CODEOWNERS)\n",
        );
    }
    out.push_str(&format!("decisions added: {}\n", report.decisions_added));
    for f in &report.audit {
        out.push_str(&format!(
            "  audit {}[{}] {}: {}\n",
            f.severity.word(),
            f.code,
            f.location(),
            f.message
        ));
    }
    for r in &report.rewritten {
        out.push_str(&format!("  history: {r}\n"));
    }
    if report.audit.is_empty() && report.rewritten.is_empty() {
        out.push_str("history: intact (the base is an ancestor of HEAD; audit found nothing)\n");
    }
    out.push_str(&format!(
        "{}: {} error{}, {} warning{}\n",
        if report.passed() { "pass" } else { "FAIL" },
        report.errors,
        if report.errors == 1 { "" } else { "s" },
        report.warnings,
        if report.warnings == 1 { "" } else { "s" }
    ));
    out
}

/// A message (which may quote a drafter's answer) as one line of the merge-request comment: a
/// release copy, through the redaction step, and escaped as `render --format md` escapes text.
fn md_cell(s: &str) -> String {
    crate::render::md_escape(&crate::markup::release_plain(s).replace('\n', " "))
}

/// The summary as a merge-request comment: a table of the records, then each changed record's
/// diff (a release copy) in a collapsible section.
pub fn render_md(report: &CiReport) -> String {
    let mut out = format!(
        "### smout: {} — {} error{}, {} warning{}\n\n`{}` → `HEAD ({})`\n\n",
        if report.passed() {
            "✅ pass"
        } else {
            "❌ fail"
        },
        report.errors,
        if report.errors == 1 { "" } else { "s" },
        report.warnings,
        if report.warnings == 1 { "" } else { "s" },
        report.base,
        report.head
    );
    if !report.records.is_empty() {
        out.push_str("| Record | Change | Status | Findings | Note |\n|---|---|---|---|---|\n");
        for r in &report.records {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                r.id,
                r.change.word(),
                r.status.map(|s| s.word()).unwrap_or("-"),
                counts(&r.findings),
                md_cell(&record_note(r))
            ));
        }
        out.push('\n');
    }
    let errors: Vec<&Finding> = report
        .records
        .iter()
        .flat_map(|r| &r.findings)
        .chain(&report.audit)
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if !errors.is_empty() || !report.rewritten.is_empty() {
        out.push_str("**Errors**\n\n");
        for f in errors {
            out.push_str(&format!(
                "- `{}` {}: {}\n",
                f.code,
                f.location(),
                md_cell(&f.message)
            ));
        }
        for r in &report.rewritten {
            out.push_str(&format!("- history: {}\n", md_cell(r)));
        }
        out.push('\n');
    }
    if report.settings_changed {
        out.push_str(
            "> `smout.toml` changed: who may decide is the Privacy Office's to review.\n\n",
        );
    }
    for r in &report.records {
        let Some(d) = &r.diff else { continue };
        out.push_str(&format!(
            "<details{}><summary><code>{}</code> — {} change{}{}</summary>\n\n{}\n</details>\n\n",
            if report.records.len() == 1 {
                " open"
            } else {
                ""
            },
            r.id,
            d.changes.len(),
            if d.changes.len() == 1 { "" } else { "s" },
            if d.material { ", material" } else { "" },
            crate::diff::render_text(d, false, true)
        ));
    }
    out
}
