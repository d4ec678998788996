//! `smout check` again: a record whose file, and whose attachments as checked, are what they
//! were at the last run is not read or parsed again. Its findings come from
//! `.git/smout/check-v1`, kept per record file by its [`Stamp`] with the attachment names looked
//! for and whether each was a regular file. The cache is keyed by smout's build ([`crate::BUILD`]), the forms'
//! and the catalog's fingerprints, today's date and the options: a check under other rules
//! computes everything. Only `smout check` reads it; `submit`, `ci` and `import` check afresh.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::model::{CheckOptions, CheckReport, RecordCheck, Target};
use super::run::check_file_probed;
use super::walk::attachment_is_file;
use crate::diag::{Finding, Severity};
use crate::register::Register;
use crate::store::cache::{stamp, Stamp};
use crate::store::Store;

const CACHE: &str = "check-v1";

/// A finding as kept in the cache: every field, the underline's width too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Kept {
    code: String,
    severity: Severity,
    message: String,
    file: String,
    line: usize,
    column: usize,
    source_line: String,
    width: usize,
    field: Option<String>,
    hint: Option<String>,
}

impl From<&Finding> for Kept {
    fn from(f: &Finding) -> Kept {
        Kept {
            code: f.code.clone(),
            severity: f.severity,
            message: f.message.clone(),
            file: f.file.clone(),
            line: f.line,
            column: f.column,
            source_line: f.source_line.clone(),
            width: f.width,
            field: f.field.clone(),
            hint: f.hint.clone(),
        }
    }
}

impl From<Kept> for Finding {
    fn from(k: Kept) -> Finding {
        Finding {
            code: k.code,
            severity: k.severity,
            message: k.message,
            file: k.file,
            line: k.line,
            column: k.column,
            source_line: k.source_line,
            width: k.width,
            field: k.field,
            commit: None,
            hint: k.hint,
        }
    }
}

/// One record file's entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    /// Attachment names looked for beside the record, and whether each was a regular file.
    probes: Vec<(String, bool)>,
    findings: Vec<Kept>,
}

/// Check `targets` as [`super::run::check_targets`] does, taking each record whose file and
/// attachments are unchanged since the last run from the register's cache (outside a git
/// repository, where there is none, everything is checked).
pub fn check_targets_cached(
    reg: &crate::session::Session,
    targets: &[Target],
    opts: &CheckOptions,
) -> CheckReport {
    match reg.store() {
        store if store.has_repo() => with_cache(reg, store, targets, opts),
        _ => super::run::check_targets(reg, targets, opts),
    }
}

fn with_cache(
    reg: &Register,
    store: &Store,
    targets: &[Target],
    opts: &CheckOptions,
) -> CheckReport {
    // The settings a finding depends on: the components the register lists (SM025).
    let components = crate::digest::sha256_of_parts(reg.settings.components.iter().flat_map(|c| {
        [
            c.name.as_bytes(),
            c.abbreviation.as_deref().unwrap_or("").as_bytes(),
        ]
    }));
    let key = format!(
        "smout check cache {} forms={} catalog={} components={components} today={} release={}",
        crate::BUILD,
        reg.forms.fingerprint(),
        reg.catalog.as_ref().map_or("none", |c| c.digest()),
        opts.today,
        opts.warn_pii
    );
    let cache: BTreeMap<String, Entry> = store.load_cache(CACHE, &key).unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let results = crate::par::map(
        targets,
        || (),
        |_, t| {
            let before = stamp(&t.path);
            let dir = t.path.parent();
            let kept = cache.get(&t.display).filter(|e| {
                Some(e.stamp) == before
                    && dir.is_some_and(|d| {
                        e.probes
                            .iter()
                            .all(|(name, was)| attachment_is_file(d, name) == *was)
                    })
            });
            if let Some(e) = kept {
                let check = RecordCheck {
                    id: t.id.clone(),
                    file: t.display.clone(),
                    findings: e.findings.iter().cloned().map(Finding::from).collect(),
                };
                return (check, Some(e.clone()));
            }
            let (check, probes) = check_file_probed(reg, t, opts);
            // Kept only when the file was settled before it was read and is the same after (an
            // edit within the clock's resolution would keep the stamp).
            let entry = before
                .filter(|s| s.settled(now) && stamp(&t.path) == Some(*s))
                .map(|stamp| Entry {
                    stamp,
                    probes,
                    findings: check.findings.iter().map(Kept::from).collect(),
                });
            (check, entry)
        },
    );
    // Records not checked this time keep their entries (while their files are there); the
    // cache is written only when an entry changed.
    let mut next = cache.clone();
    let mut records = Vec::with_capacity(results.len());
    for (t, (check, entry)) in targets.iter().zip(results) {
        match entry {
            Some(e) => next.insert(t.display.clone(), e),
            None => next.remove(&t.display),
        };
        records.push(check);
    }
    if next.len() > targets.len() {
        let checked: std::collections::HashSet<&str> =
            targets.iter().map(|t| t.display.as_str()).collect();
        next.retain(|file, _| checked.contains(file.as_str()) || store.root().join(file).exists());
    }
    if next != cache {
        store.save_cache(CACHE, &key, &next);
    }
    CheckReport::new(records)
}
