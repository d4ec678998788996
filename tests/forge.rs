//! The register on a forge: SARIF validated by Microsoft's SARIF Multitool against the SARIF
//! 2.1.0 schema, and `smout ci`, the merge-request gate, end to end on a base and a feature
//! branch of the example history.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{git, smout_as, stderr, stdout};

const DAY: &str = "2026-11-24";

/// `smout ci` in `reg` as the drafter.
fn ci(reg: &Path, args: &[&str]) -> Output {
    let mut all = vec!["ci"];
    all.extend_from_slice(args);
    smout_as(reg, "drafter@example.gov", DAY, &all)
}

/// The example history with a feature branch checked out.
fn feature(tmp: &Path) -> std::path::PathBuf {
    let reg = common::example_history(tmp);
    git(&reg, &["checkout", "-q", "-b", "feature"]);
    reg
}

#[test]
fn check_sarif_passes_the_sarif_multitool_schema_validation() {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    assert!(
        tool.is_file(),
        "the SARIF Multitool is needed by this test: `npm ci --prefix tests/tools` (.ci/run does)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_register();
    let o = common::smout(&reg, &["check", "--format", "sarif"]);
    let sarif = tmp.path().join("check.sarif");
    std::fs::write(&sarif, &o.stdout).unwrap();
    let validate = |file: &Path| -> Vec<(String, String)> {
        let out = tmp.path().join("validation.sarif");
        let _ = std::fs::remove_file(&out);
        let o = Command::new(&tool)
            .args([
                "validate",
                file.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .output()
            .unwrap();
        let log: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&out).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o))),
        )
        .unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or("").to_string(),
                    r["level"].as_str().unwrap_or("warning").to_string(),
                )
            })
            .collect()
    };
    let results = validate(&sarif);
    assert!(
        results.iter().all(|(_, level)| level != "error"),
        "{results:?}"
    );
    // The validator does fail a log that breaks the schema.
    let text = String::from_utf8(o.stdout).unwrap();
    let broken = tmp.path().join("broken.sarif");
    std::fs::write(
        &broken,
        text.replacen("\"startLine\": ", "\"startLine\": -", 1),
    )
    .unwrap();
    let results = validate(&broken);
    assert!(
        results.iter().any(|(_, level)| level == "error"),
        "{results:?}"
    );
}

#[test]
fn the_gate_passes_a_clean_change_and_says_what_it_does() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    // A non-material edit of an approved record, and a new draft.
    common::edit(&reg, "cbp-fld", "title = \"Forced", "title = \"The Forced");
    git(&reg, &["commit", "-qam", "FLD: title"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("smout ci: main ("), "{text}");
    assert!(text.contains("1 record changed"), "{text}");
    // Approved in 2018 for three years; its SORN citation draws check's one warning.
    assert!(
        text.contains("  cbp-fld  modified  expired        0 errors, 1 warning\n"),
        "{text}"
    );
    assert!(text.contains("history: intact"), "{text}");
    assert!(text.ends_with("pass: 0 errors, 1 warning\n"), "{text}");
}

#[test]
fn the_gate_flags_a_material_change_and_comments_in_markdown_without_exempt_text() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    common::edit(
        &reg,
        "cbp-fld",
        "description = \"\"\"",
        "description = \"\"\"Now also monitors closed forums. ",
    );
    common::edit(
        &reg,
        "tsa-insider-threat",
        "title = \"",
        "title = \"Renamed: ",
    );
    git(&reg, &["commit", "-qam", "two records change"]);
    let o = ci(&reg, &["--base", "main", "--format", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("### smout: ✅ pass"), "{md}");
    assert!(
        md.contains("| `cbp-fld` | modified | changed | 0 errors, 1 warning | changes an approved record materially: a new review is needed |"),
        "{md}"
    );
    // Several records: each in its own collapsed section.
    assert!(
        md.contains("<details><summary><code>cbp-fld</code> — 1 change, material</summary>"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><code>tsa-insider-threat</code>"),
        "{md}"
    );
    assert!(md.contains("**Now also monitors closed forums.**"), "{md}");
    // A merge-request comment is a release copy: exempt text never reaches it.
    let record = std::fs::read_to_string(reg.join("records/cbp-fld/record.toml")).unwrap();
    for exempt in [
        "keyword monitoring of supplier",
        "Ana Beatriz",
        "@cbp.dhs.gov",
    ] {
        if record.contains(exempt) {
            assert!(!md.contains(exempt), "{exempt} in {md}");
        }
    }
    assert!(
        !md.contains("Contact Information"),
        "withheld names are not mistaken for a change: {md}"
    );
}

#[test]
fn the_gate_fails_findings_forged_decisions_and_rewritten_history() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    // A check error in a changed record.
    common::edit(
        &reg,
        "cbp-fld",
        "date_submitted = ",
        "date_submitted = \"soon\"\nx_ = ",
    );
    git(&reg, &["commit", "-qam", "broken"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("      error[SM"), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL: "), "{}", stdout(&o));
    git(&reg, &["reset", "-q", "--hard", "main"]);

    // A determination written by hand and committed by the drafter: the audit catches it.
    let dets = reg.join("records/fema-recovery-dev/determinations.toml");
    std::fs::write(
        &dets,
        "[[determination]]\nsubmission = 1\nrecord_sha256 = \"00\"\nreviewed = 2026-10-02\nreviewer = \"Me\"\noutcome = \"met\"\n",
    )
    .unwrap();
    git(&reg, &["add", "-A"]);
    git(&reg, &["commit", "-qm", "approve myself"]);
    let o = ci(&reg, &["--base", "main", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decisions_added"], 1);
    let codes: Vec<&str> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"AU002"), "{codes:?}");

    // History the base has, rewritten on the branch.
    git(&reg, &["checkout", "-q", "main"]);
    git(&reg, &["checkout", "-q", "-b", "rewrite", "main~1"]);
    common::edit(&reg, "cbp-fld", "title = \"Forced", "title = \"The Forced");
    git(&reg, &["commit", "-qam", "off an old main"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("is not an ancestor of HEAD"),
        "{}",
        stdout(&o)
    );
    // A base that does not exist is a usage error that says what to do.
    common::refused(ci(&reg, &["--base", "origin/nope"]), "fetch it first");
}
