//! `check`'s findings in the formats git forges read: SARIF 2.1.0 (GitHub code scanning and
//! most forges' security dashboards) and GitLab Code Quality (the merge-request widget).
//! Both carry each finding's code, severity, message with its hint, file, line and column.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::check::{CheckReport, CODES};
use crate::diag::{Finding, Severity};

fn findings(report: &CheckReport) -> impl Iterator<Item = &Finding> {
    report.records.iter().flat_map(|r| r.findings.iter())
}

/// What a code means: smout's table, else the first message reported under it (a form's own
/// rule codes, PD020 …).
fn describe(code: &str, first: &Finding) -> String {
    CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| first.message.clone())
}

fn text(f: &Finding) -> String {
    match &f.hint {
        Some(h) => format!("{}\nhint: {h}", f.message),
        None => f.message.clone(),
    }
}

/// SARIF 2.1.0: one run, a rule per code found, a result per finding.
pub fn write_sarif(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings(report) {
        rules.entry(f.code.as_str()).or_insert(f);
    }
    let index: Vec<&str> = rules.keys().copied().collect();
    let results: Vec<Value> = findings(report)
        .map(|f| {
            json!({
                "ruleId": f.code,
                "ruleIndex": index.iter().position(|c| *c == f.code),
                "level": f.severity.word(),
                "message": { "text": text(f) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.file, "uriBaseId": "REGISTER" },
                        "region": {
                            "startLine": f.line.max(1),
                            "startColumn": f.column.max(1),
                            "endColumn": f.column.max(1) + f.width.max(1)
                        }
                    }
                }]
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "smout",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|(code, first)| json!({
                    "id": code,
                    "shortDescription": { "text": describe(code, first) },
                    "defaultConfiguration": { "level": first.severity.word() }
                })).collect::<Vec<_>>()
            } },
            "originalUriBaseIds": { "REGISTER": { "description": { "text": "the register's root folder" } } },
            // Columns count characters, as `check`'s text and JSON do (SARIF viewers otherwise
            // may count UTF-16 units, off after an emoji).
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// GitLab Code Quality: an array of issues, each with a stable fingerprint (file, code, line,
/// message) so a merge request shows what it adds and what it fixes.
pub fn write_gitlab(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let issues: Vec<Value> = findings(report)
        .map(|f| {
            let digest =
                Sha256::digest(format!("{}\0{}\0{}\0{}", f.file, f.code, f.line, f.message));
            let fingerprint = crate::digest::hex(&digest);
            json!({
                "description": text(f),
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": { "path": f.file, "lines": { "begin": f.line.max(1) } }
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
