//! Determinations, status, report and audit — on real temporary repositories, with "today"
//! fixed through SMOUT_TODAY and commit dates through GIT_*_DATE.

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git, git_register, ok, refused, stderr, stdout};

const REVIEWER: &str = "privacy@example.gov";

fn run(dir: &Path, who: &str, day: &str, args: &[&str]) -> Output {
    common::smout_as(dir, who, day, args)
}

fn status_of(dir: &Path, day: &str, id: &str) -> String {
    let o = ok(run(
        dir,
        "x@example.gov",
        day,
        &["status", id, "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v[0]["status"].as_str().unwrap().to_string()
}

/// A register with record `x` submitted on 2024-01-10.
fn submitted() -> tempfile::TempDir {
    common::submitted_register()
}

#[test]
fn status_moves_from_draft_to_submitted_to_approved_due_and_expired() {
    let reg = git_register("x");
    assert_eq!(status_of(reg.path(), "2024-01-05", "x"), "draft");
    ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-01-10",
        &["submit", "x"],
    ));
    assert_eq!(status_of(reg.path(), "2024-01-11", "x"), "submitted");
    let o = ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--pia-covered",
            "DHS/CBP/PIA-010(a)",
        ],
    ));
    assert!(
        stdout(&o).contains("review by 2027-02-01"),
        "{}",
        stdout(&o)
    );
    assert_eq!(status_of(reg.path(), "2024-02-02", "x"), "approved");
    assert_eq!(
        status_of(reg.path(), "2026-11-02", "x"),
        "approved",
        "91 days before"
    );
    assert_eq!(
        status_of(reg.path(), "2026-11-03", "x"),
        "due",
        "90 days before (warn = 90d)"
    );
    assert_eq!(status_of(reg.path(), "2027-02-01", "x"), "due");
    assert_eq!(status_of(reg.path(), "2027-02-02", "x"), "expired");
    // The determination is committed by the reviewer and tagged.
    assert_eq!(
        git(reg.path(), &["log", "-1", "--format=%ae|%s"]).trim(),
        "privacy@example.gov|determine x: met on submission 1 (by privacy@example.gov)"
    );
    assert!(git(reg.path(), &["tag", "-l"]).contains("smout/x/determination/1"));
    let text = std::fs::read_to_string(reg.path().join("records/x/determinations.toml")).unwrap();
    assert!(
        text.contains("submission = 1\nrecord_sha256 = \""),
        "{text}"
    );
    assert!(text.contains("review_by = 2027-02-01"), "{text}");
}

#[test]
fn a_material_change_after_approval_shows_as_changed_a_minor_one_does_not() {
    let reg = submitted();
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    ));
    edit(
        reg.path(),
        "x",
        "title = \"Analyst\"",
        "title = \"Analyst\"\nphone = \"(202) 555-0100\"",
    );
    assert_eq!(
        status_of(reg.path(), "2024-03-01", "x"),
        "approved",
        "a phone number is not material"
    );
    edit(
        reg.path(),
        "x",
        "public_interaction = { complies = true }",
        "public_interaction = { complies = false, explanation = \"x\" }",
    );
    assert_eq!(status_of(reg.path(), "2024-03-01", "x"), "changed");
    // Resubmitting puts it back in the queue.
    ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-03-02",
        &["submit", "x"],
    ));
    assert_eq!(status_of(reg.path(), "2024-03-03", "x"), "submitted");
}

/// Statuses of every record, by id, as `status --format json` lists them (and its warnings).
fn statuses(dir: &Path, day: &str) -> (Vec<(String, String)>, String) {
    let o = ok(run(
        dir,
        "x@example.gov",
        day,
        &["status", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].to_string(), r["status"].to_string()))
        .collect();
    (rows, common::stderr(&o))
}

#[test]
fn status_kept_between_runs_still_sees_every_edit() {
    let reg = approved();
    let record = reg.path().join("records/x/record.toml");
    // Files changed in the last second are not kept (an edit within the clock's resolution
    // would look the same): let them settle, then run once to fill the cache.
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let first = statuses(reg.path(), "2024-03-01");
    assert_eq!(first.0, [("\"x\"".into(), "\"approved\"".into())]);
    let cache = reg.path().join(".git/smout/status-v1");
    assert!(
        std::fs::read_to_string(&cache).unwrap().contains("\"x\""),
        "the record's facts are kept"
    );
    assert_eq!(
        statuses(reg.path(), "2024-03-01"),
        first,
        "read back from the cache"
    );
    // An attacker's edit of the same size, the file's time put back: still seen (the change
    // time cannot be put back).
    let when = std::fs::metadata(&record).unwrap().modified().unwrap();
    edit(
        reg.path(),
        "x",
        "public_interaction = { complies = true }",
        "public_interaction = { complies = false}",
    );
    std::fs::File::options()
        .write(true)
        .open(&record)
        .unwrap()
        .set_modified(when)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&record).unwrap().modified().unwrap(),
        when
    );
    assert_eq!(status_of(reg.path(), "2024-03-01", "x"), "changed");
    // An uncommitted edit of the determinations is reported, never believed, cache or not.
    let dets = reg.path().join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&dets).unwrap();
    std::fs::write(&dets, text.replace("Fine.", "Fine!")).unwrap();
    let (rows, warnings) = statuses(reg.path(), "2024-03-01");
    assert_eq!(rows, [("\"x\"".into(), "\"changed\"".into())]);
    assert!(
        warnings.contains("records/x/determinations.toml has uncommitted changes"),
        "{warnings}"
    );
    // A damaged cache is not believed: the same answers, computed again.
    for damage in ["", "garbage", "smout status cache\n{}"] {
        std::fs::write(&cache, damage).unwrap();
        assert_eq!(statuses(reg.path(), "2024-03-01").0, rows, "{damage:?}");
    }
}

#[test]
fn not_yet_met_not_authorized_and_appeals() {
    let reg = submitted();
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "not-yet-met",
            "--training-required",
            "--rules-do-not-comply",
            "Rule (g) is not documented.",
        ],
    ));
    assert_eq!(status_of(reg.path(), "2024-02-02", "x"), "not-yet-met");
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-03-01",
        &["submit", "x"],
    ));
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-04-01",
        &[
            "determine",
            "x",
            "--outcome",
            "not-authorized",
            "--comments",
            "No authority.",
        ],
    ));
    assert_eq!(status_of(reg.path(), "2024-04-02", "x"), "not-authorized");
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-04-10",
        &["appeal", "x", "--outcome", "pending"],
    ));
    assert_eq!(status_of(reg.path(), "2024-04-11", "x"), "appealed");
    let o = ok(run(
        reg.path(),
        REVIEWER,
        "2024-06-01",
        &["appeal", "x", "--outcome", "met"],
    ));
    assert!(
        stdout(&o).contains("recorded appeal 2 on submission 2 of x: met"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        status_of(reg.path(), "2024-06-02", "x"),
        "approved",
        "the appeal's decision stands"
    );
    let text = std::fs::read_to_string(reg.path().join("records/x/determinations.toml")).unwrap();
    assert!(
        text.contains("decided_by = \"Deputy Secretary for Homeland Security\""),
        "{text}"
    );
}

#[test]
fn determine_refuses_invalid_decisions_and_changes_nothing() {
    let reg = submitted();
    let head = git(reg.path(), &["rev-parse", "HEAD"]);
    refused(
        run(
            reg.path(),
            "drafter@example.gov",
            "2024-02-01",
            &["determine", "x", "--outcome", "met"],
        ),
        "is not a reviewer of this register",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &[
                "determine",
                "x",
                "--outcome",
                "met",
                "--rules-do-not-comply",
                "b",
            ],
        ),
        "cannot also find \"Rules of Behavior do not comply.\"",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &["determine", "x", "--outcome", "approved"],
        ),
        "is not an outcome of dhs-smout",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-01-05",
            &["determine", "x", "--outcome", "met"],
        ),
        "is before submission 1 was made",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &["determine", "x", "--outcome", "met", "--submission", "7"],
        ),
        "has no submission 7",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &[
                "determine",
                "x",
                "--outcome",
                "met",
                "--review-by",
                "2024-01-01",
            ],
        ),
        "must come after the review date",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &[
                "determine",
                "x",
                "--outcome",
                "met",
                "--pia-covered",
                "",
                "--pia-action",
                "rewrite",
            ],
        ),
        "pia action must be",
    );
    assert_eq!(git(reg.path(), &["rev-parse", "HEAD"]), head);
    assert!(!reg.path().join("records/x/determinations.toml").exists());
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    ));
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-02",
            &[
                "determine",
                "x",
                "--outcome",
                "not-authorized",
                "--comments",
                "No authority.",
            ],
        ),
        "has a determination already",
    );
}

#[test]
fn determine_refuses_a_record_never_submitted() {
    let reg = git_register("x");
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-01",
            &["determine", "x", "--outcome", "met"],
        ),
        "was never submitted",
    );
}

#[test]
fn determine_reads_a_toml_fragment() {
    let reg = submitted();
    std::fs::write(
        reg.path().join("d.toml"),
        "outcome = \"met\"\nreviewer = \"[[b6: Pat Reviewer]]\"\npia = { finding = \"covered\", ids = [\"DHS/CBP/PIA-010(a)\"] }\ncomments = \"\"\"\nTwo\n\nparagraphs.\n\"\"\"\n",
    )
    .unwrap();
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--from", "d.toml"],
    ));
    let text = std::fs::read_to_string(reg.path().join("records/x/determinations.toml")).unwrap();
    let d: toml::Table = toml::from_str(&text).unwrap();
    let e = &d["determination"][0];
    assert_eq!(e["reviewer"].as_str(), Some("[[b6: Pat Reviewer]]"));
    assert_eq!(e["pia"]["ids"][0].as_str(), Some("DHS/CBP/PIA-010(a)"));
    assert_eq!(e["comments"].as_str(), Some("Two\n\nparagraphs.\n"));
}

fn audit_codes(dir: &Path) -> Vec<String> {
    audit_json(dir)
        .0
        .into_iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// `smout audit --format json`: its findings (the exit code checked against them) and the
/// whole report.
fn audit_json(dir: &Path) -> (Vec<serde_json::Value>, serde_json::Value) {
    let o = run(
        dir,
        "x@example.gov",
        "2026-11-22",
        &["audit", "--format", "json"],
    );
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    let findings = v["findings"].as_array().unwrap().clone();
    assert_eq!(
        o.status.code(),
        Some(if findings.is_empty() { 0 } else { 1 })
    );
    (findings, v)
}

fn approved() -> tempfile::TempDir {
    let reg = submitted();
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met", "--comments", "Fine."],
    ));
    reg
}

/// Rewrite the comments of the recorded determination and commit it: tampering.
fn edit_past_determination(reg: &Path) {
    let p = reg.join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replace("Fine.", "Fine, with conditions.")).unwrap();
    git(reg, &["commit", "-q", "-am", "fix a typo"]);
}

#[test]
fn audit_is_clean_on_honest_history() {
    let reg = approved();
    assert_eq!(audit_codes(reg.path()), Vec::<String>::new());
}

#[test]
fn audit_finds_an_edited_determination() {
    let reg = approved();
    edit_past_determination(reg.path());
    assert_eq!(audit_codes(reg.path()), ["AU001"]);
    let o = run(reg.path(), "x@example.gov", "2026-11-22", &["audit"]);
    assert!(
        stdout(&o).contains("error[AU001]: determination 1 of x was edited after it was recorded"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn audit_finds_a_deleted_determination() {
    let reg = approved();
    git(reg.path(), &["rm", "-q", "records/x/determinations.toml"]);
    git(reg.path(), &["commit", "-q", "-m", "clean up"]);
    assert_eq!(audit_codes(reg.path()), ["AU001"]);
}

#[test]
fn audit_finds_a_determination_committed_by_a_non_reviewer() {
    let reg = submitted();
    // The drafter writes a determination by hand and commits it (as the common helper's identity).
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met", "--no-commit"],
    ));
    git(reg.path(), &["add", "records/x/determinations.toml"]);
    git(reg.path(), &["commit", "-q", "-m", "approve my own use"]);
    // The hand-made commit is also dated (2024-01-02) before the review it records: AU010.
    assert_eq!(audit_codes(reg.path()), ["AU002", "AU010"]);
}

#[test]
fn audit_checks_every_entry_after_one_naming_a_missing_submission() {
    let reg = approved();
    let p = reg.path().join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let at = text.find("[[determination]]").unwrap();
    let (head, entry) = text.split_at(at);
    // The first entry now names a submission that was never made; the second is honest.
    let forged = entry.replacen("submission = 1", "submission = 9", 1);
    assert_ne!(forged, entry);
    std::fs::write(&p, format!("{head}{forged}\n{entry}")).unwrap();
    git(reg.path(), &["commit", "-q", "-am", "two entries"]);
    let (findings, v) = audit_json(reg.path());
    assert_eq!(v["determinations"], 2, "{v}");
    let missing: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["message"].as_str())
        .filter(|m| m.contains("which does not exist"))
        .collect();
    assert_eq!(
        missing,
        ["determination 1 names submission 9, which does not exist"]
    );
}

#[test]
fn audit_finds_a_moved_submission_tag() {
    let reg = approved();
    // A first audit keeps the SHA-256 of the submitted record by blob id; the moved tag names
    // another blob, hashed afresh.
    assert!(audit_codes(reg.path()).is_empty());
    assert!(reg.path().join(".git/smout/sha256-v1").exists());
    edit(
        reg.path(),
        "x",
        "description = \"Open-source research.\"",
        "description = \"Something else entirely.\"",
    );
    git(reg.path(), &["commit", "-q", "-am", "edit after approval"]);
    git(
        reg.path(),
        &[
            "tag",
            "-f",
            "-a",
            "-m",
            "moved",
            "smout/x/submission/1",
            "HEAD",
        ],
    );
    let codes = audit_codes(reg.path());
    assert!(codes.contains(&"AU004".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"AU003".to_string()),
        "the record at the tag no longer hashes to the stored SHA-256: {codes:?}"
    );
    // A damaged cache changes nothing.
    std::fs::write(
        reg.path().join(".git/smout/sha256-v1"),
        "smout blob sha256 v1\n{\"zz\": 1",
    )
    .unwrap();
    assert_eq!(audit_codes(reg.path()), codes);
}

#[test]
fn report_lists_uses_per_component_in_every_format() {
    let reg = approved();
    let o = ok(run(reg.path(), "x@example.gov", "2024-03-01", &["report"]));
    let md = stdout(&o);
    assert!(md.contains("## U.S. Customs and Border Protection"), "{md}");
    assert!(md.contains("| `x` | Minimal valid record | Criminal investigations | operational | **approved** | met (2024-02-01) | DHS/CBP/PIA-010(a), DHS/CBP-017 | 2027-02-01 |"), "{md}");
    let o = ok(run(
        reg.path(),
        "x@example.gov",
        "2024-03-01",
        &["report", "--format", "csv"],
    ));
    assert!(stdout(&o).starts_with("component,id,title,category,stage,status,determination,references,review_by\nU.S. Customs and Border Protection,x,"), "{}", stdout(&o));
    let o = ok(run(
        reg.path(),
        "x@example.gov",
        "2024-03-01",
        &["report", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"][0]["status"], "approved");
    ok(run(
        reg.path(),
        "x@example.gov",
        "2024-03-01",
        &["report", "--format", "pdf", "-o", "r.pdf"],
    ));
    assert!(std::fs::read(reg.path().join("r.pdf"))
        .unwrap()
        .starts_with(b"%PDF-"));
}

#[test]
fn status_filters_by_due_date_status_and_component() {
    let reg = approved();
    let day = "2026-12-01";
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["status", "--format", "json"];
        a.extend_from_slice(args);
        let o = ok(run(reg.path(), "x@example.gov", day, &a));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&["--due-within", "90d"]), ["x"]);
    assert_eq!(ids(&["--due-within", "30d"]), Vec::<String>::new());
    assert_eq!(ids(&["--status", "due"]), ["x"]);
    assert_eq!(ids(&["--status", "draft"]), Vec::<String>::new());
    assert_eq!(ids(&["--component", "border"]), ["x"]);
    let o = run(
        reg.path(),
        "x@example.gov",
        day,
        &["status", "--status", "pending"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a status"));
}

#[test]
fn the_example_register_history_shows_every_status() {
    let tmp = tempfile::tempdir().unwrap();
    let out = common::example_history(tmp.path());
    let o = ok(run(
        &out,
        "x@example.gov",
        "2026-11-22",
        &["status", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut statuses: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            "appealed",
            "approved",
            "changed",
            "draft",
            "due",
            "expired",
            "not-authorized",
            "not-yet-met",
            "submitted"
        ]
    );
    assert_eq!(audit_codes(&out), Vec::<String>::new());
    // What a reviewer reads, whole: the status table, a timeline, and the diff of the record
    // that changed after its approval, as text and as a merge-request comment.
    let changed = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "changed")
        .map(|r| r["id"].as_str().unwrap().to_string())
        .unwrap();
    let status = ok(run(&out, "x@example.gov", "2026-11-22", &["status"]));
    insta::assert_snapshot!("example_status", stdout(&status));
    let log = ok(run(
        &out,
        "x@example.gov",
        "2026-11-22",
        &["log", "cbp-fld"],
    ));
    insta::assert_snapshot!("example_log_cbp_fld", stdout(&log));
    let diff = ok(run(
        &out,
        "x@example.gov",
        "2026-11-22",
        &["diff", &changed],
    ));
    insta::assert_snapshot!("example_diff_changed_text", stdout(&diff));
    let md = ok(run(
        &out,
        "x@example.gov",
        "2026-11-22",
        &["diff", &changed, "--format", "md"],
    ));
    insta::assert_snapshot!("example_diff_changed_md", stdout(&md));
    // The determinations the history makes are the ones shipped in examples/register.
    for id in [
        "cbp-fld",
        "ice-hsi-osint",
        "opa-seizure-release",
        "opa-media-vawa",
    ] {
        let built =
            std::fs::read_to_string(out.join(format!("records/{id}/determinations.toml"))).unwrap();
        let shipped = std::fs::read_to_string(
            common::example_register().join(format!("records/{id}/determinations.toml")),
        )
        .unwrap();
        assert_eq!(built, shipped, "{id}");
    }
}

#[test]
fn audit_can_ignore_a_doctored_index() {
    let reg = approved();
    edit_past_determination(reg.path());
    assert_eq!(audit_codes(reg.path()), ["AU001"]);
    // Someone removes the telltale commit's changes from the cached index …
    let index = reg.path().join(".git/smout/changes-v1");
    let text = std::fs::read_to_string(&index).unwrap();
    let head = git(reg.path(), &["rev-parse", "HEAD"]).trim().to_string();
    let doctored: Vec<String> = {
        let mut out = Vec::new();
        let mut lines = text.lines().peekable();
        while let Some(l) = lines.next() {
            if l.starts_with(&head) {
                let mut parts: Vec<&str> = l.split(' ').collect();
                let n: usize = parts[2].parse().unwrap();
                parts[2] = "0";
                out.push(parts.join(" "));
                for _ in 0..n {
                    lines.next();
                }
            } else {
                out.push(l.to_string());
            }
        }
        out
    };
    std::fs::write(&index, doctored.join("\n") + "\n").unwrap();
    assert_eq!(
        audit_codes(reg.path()),
        Vec::<String>::new(),
        "the cache is trusted by default"
    );
    // … but an audit that rebuilds the index from git's objects still finds it.
    let o = run(
        reg.path(),
        "x@example.gov",
        "2026-11-22",
        &["audit", "--rebuild-index"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("AU001"));
}

#[test]
fn determine_refuses_contradictions_and_unexplained_refusals() {
    let reg = submitted();
    for (args, says) in [
        (
            &[
                "--outcome",
                "met",
                "--pia-required",
                "--pia-covered",
                "DHS/CBP/PIA-010(a)",
            ][..],
            "both required and covered",
        ),
        (&["--outcome", "not-yet-met"], "says why"),
        (&["--outcome", "not-authorized"], "says why"),
        (
            &["--outcome", "met", "--reviewed", "2030-01-01"],
            "in the future",
        ),
    ] {
        let mut all = vec!["determine", "x"];
        all.extend_from_slice(args);
        let o = run(reg.path(), REVIEWER, "2024-02-01", &all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
    }
    assert!(!reg.path().join("records/x/determinations.toml").exists());
}

#[test]
fn report_pdf_works_when_records_have_no_determination() {
    let reg = submitted();
    let out = reg.path().join("inventory.pdf");
    ok(run(
        reg.path(),
        "x@example.gov",
        "2024-02-01",
        &["report", "--format", "pdf", "-o", out.to_str().unwrap()],
    ));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF"));
}

#[test]
fn rewrapping_a_paragraph_is_shown_as_reflowed_and_reopens_no_review() {
    let reg = approved();
    edit(
        reg.path(),
        "x",
        "description = \"Open-source research.\"",
        "description = \"\"\"Open-source\nresearch.\"\"\"",
    );
    assert_eq!(status_of(reg.path(), "2024-03-01", "x"), "approved");
    let o = ok(run(reg.path(), REVIEWER, "2024-03-01", &["diff", "x"]));
    assert!(
        stdout(&o).contains("(reflowed, same words)"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("[material]"), "{}", stdout(&o));
    // A real change of a long answer is a word diff; in Markdown it is quoted, never indented
    // into a code block.
    edit(
        reg.path(),
        "x",
        "\"\"\"Open-source\nresearch.\"\"\"",
        "\"Open-source research of public posts about forced labor in supply chains.\"",
    );
    let o = ok(run(
        reg.path(),
        REVIEWER,
        "2024-03-01",
        &["diff", "x", "--format", "md"],
    ));
    let md = stdout(&o);
    assert!(
        md.contains("\n> Open-source ~~research.~~ **research of"),
        "{md}"
    );
    assert!(!md.contains("\n    "), "{md}");
}

#[test]
fn a_rendering_that_is_not_exactly_a_submission_says_so_on_every_page() {
    let reg = git_register("x");
    let md = |rev: &[&str]| {
        let mut args = vec!["render", "x", "--format", "md", "-o", "-"];
        args.extend_from_slice(rev);
        run(reg.path(), REVIEWER, "2024-03-01", &args)
    };
    let o = md(&[]);
    assert!(
        stdout(&o).contains("DRAFT — NOT SUBMITTED"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("warning: this rendering is not a submission"),
        "{}",
        stderr(&o)
    );
    ok(run(reg.path(), DRAFTER_ID, "2024-01-10", &["submit", "x"]));
    let o = md(&[]);
    assert!(!stdout(&o).contains("DRAFT"), "{}", stdout(&o));
    // Which revision it is, on smout's own page (not in the template's footer).
    assert!(
        stdout(&o).contains("Revision shown: submission 1"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    let o = md(&[]);
    assert!(
        stdout(&o).contains("CHANGED SINCE SUBMISSION 1"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("Revision shown: working tree"),
        "{}",
        stdout(&o)
    );
    let o = md(&["--rev", "submission/1"]);
    assert!(!stdout(&o).contains("CHANGED"), "{}", stdout(&o));
    edit(
        reg.path(),
        "x",
        "it_systems = \"Case system\"",
        "it_systems = 12",
    );
    let o = md(&[]);
    assert!(
        stdout(&o).contains("NOT VALID: 1 CHECK ERROR"),
        "{}",
        stdout(&o)
    );
}

const DRAFTER_ID: &str = "drafter@example.gov";

/// `approved` names the submission a *committed* determination approves: a determination
/// typed into the working tree (never recorded by a reviewer) approves nothing.
#[test]
fn an_uncommitted_determination_approves_nothing() {
    let reg = submitted();
    let forged = "[[determination]]\nsubmission = 1\nrecord_sha256 = \"00\"\nreviewed = 2024-02-01\nreviewer = \"Mallory\"\noutcome = \"met\"\n";
    std::fs::write(reg.path().join("records/x/determinations.toml"), forged).unwrap();
    for args in [
        &["diff", "x", "approved"][..],
        &["render", "x", "--rev", "approved", "--format", "md"][..],
    ] {
        let o = run(reg.path(), "x@example.gov", "2024-03-01", args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains("record x has no revision `approved`: no determination approves any of its submissions"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// `smout log x` as of `day`.
fn log_of(dir: &Path, day: &str) -> String {
    stdout(&ok(run(dir, "x@example.gov", day, &["log", "x"])))
}

fn status_json(dir: &Path, day: &str) -> serde_json::Value {
    let o = ok(run(
        dir,
        "x@example.gov",
        day,
        &["status", "--format", "json"],
    ));
    serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()[0].clone()
}

/// A record that will not be approved is withdrawn, an approved use retired: both stay in the
/// register and its history, out of the work lists; a new submission reopens a withdrawn one.
#[test]
fn withdraw_and_retire_keep_the_record_and_end_its_work() {
    let reg = submitted();
    // Withdraw needs a reason; retire needs an approval.
    let o = run(
        reg.path(),
        "drafter@example.gov",
        "2024-01-20",
        &["withdraw", "x", "--reason", " "],
    );
    refused(o, "say why: --reason");
    let o = run(
        reg.path(),
        "drafter@example.gov",
        "2024-01-20",
        &["retire", "x", "--reason", "Done."],
    );
    refused(o, "x is submitted, never approved: a use that was not approved is withdrawn (`smout withdraw x --reason \"…\"`)");
    let o = ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-01-20",
        &[
            "withdraw",
            "x",
            "--reason",
            "Cancelled by [[b5: the program manager]].",
        ],
    ));
    assert!(
        stdout(&o).starts_with("x withdrawn; commit "),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).ends_with(" tagged smout/x/withdrawal/1\n"),
        "{}",
        stdout(&o)
    );
    let s = status_json(reg.path(), "2024-01-21");
    assert_eq!(s["status"], "withdrawn");
    assert_eq!(
        s["next"],
        "none (withdrawal on 2024-01-20: Cancelled by the program manager.); `smout submit x` reopens it"
    );
    // The release listing withholds the marked part of the reason.
    let o = ok(run(
        reg.path(),
        "x@example.gov",
        "2024-01-21",
        &["status", "--release", "--format", "json"],
    ));
    let text = stdout(&o);
    assert!(
        text.contains("Cancelled by [(b) (5)].") && !text.contains("program manager"),
        "{text}"
    );
    // Twice is refused; the log shows it.
    let o = run(
        reg.path(),
        "drafter@example.gov",
        "2024-01-22",
        &["withdraw", "x", "--reason", "Again."],
    );
    refused(
        o,
        "x is withdrawn already; a new submission (`smout submit x`) reopens it",
    );
    let log = log_of(reg.path(), "2024-01-22");
    assert!(
        log.contains("withdrawal after submission 1: Cancelled by the program manager."),
        "{log}"
    );
    // A new submission reopens it, and an approval can then be retired — not withdrawn.
    edit(
        reg.path(),
        "x",
        "Open-source research.",
        "Open-source research, resumed.",
    );
    git(reg.path(), &["commit", "-qam", "resume"]);
    ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-02-01",
        &["submit", "x"],
    ));
    assert_eq!(status_json(reg.path(), "2024-02-02")["status"], "submitted");
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-10",
        &["determine", "x", "--outcome", "met", "--comments", "Fine."],
    ));
    let o = run(
        reg.path(),
        "drafter@example.gov",
        "2024-03-01",
        &["withdraw", "x", "--reason", "No."],
    );
    refused(o, "x is approved: an approved use is not withdrawn but retired (`smout retire x --reason \"…\"`)");
    ok(run(
        reg.path(),
        "drafter@example.gov",
        "2024-03-01",
        &["retire", "x", "--reason", "Monitoring ended."],
    ));
    // Retired: never due, whatever the date.
    let s = status_json(reg.path(), "2030-01-01");
    assert_eq!(s["status"], "retired");
    let o = ok(run(
        reg.path(),
        "x@example.gov",
        "2030-01-01",
        &["status", "--due-within", "90d", "--format", "json"],
    ));
    assert_eq!(stdout(&o).trim(), "[]");
    // The history stays verifiable.
    let o = run(reg.path(), "x@example.gov", "2030-01-01", &["audit"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// A determination recorded wrongly is corrected by a superseding entry that names it and says
/// why; the original stays, audit accepts both, and the correction stands.
#[test]
fn a_determination_is_corrected_by_a_superseding_entry() {
    let reg = approved();
    let again = [
        "determine",
        "x",
        "--outcome",
        "not-yet-met",
        "--comments",
        "Training first.",
    ];
    refused(
        run(reg.path(), REVIEWER, "2024-02-05", &again),
        "record an appeal, correct it (`--corrects N --correction \"…\"`), or ask for a new submission",
    );
    let with = |extra: &[&'static str]| [&again[..], extra].concat();
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-05",
            &with(&["--corrects", "2", "--correction", "x"]),
        ),
        "x has no determination 2 to correct (it has 1)",
    );
    refused(
        run(
            reg.path(),
            REVIEWER,
            "2024-02-05",
            &with(&["--corrects", "1"]),
        ),
        "say why the determination is corrected: --correction \"…\"",
    );
    refused(
        run(
            reg.path(),
            "drafter@example.gov",
            "2024-02-05",
            &with(&["--corrects", "1", "--correction", "Mine."]),
        ),
        "drafter@example.gov is not a reviewer of this register",
    );
    let before = std::fs::read_to_string(reg.path().join("records/x/determinations.toml")).unwrap();
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-05",
        &with(&[
            "--corrects",
            "1",
            "--correction",
            "Recorded as met by mistake.",
        ]),
    ));
    let after = std::fs::read_to_string(reg.path().join("records/x/determinations.toml")).unwrap();
    assert!(
        after.starts_with(&before),
        "the original stays byte for byte"
    );
    assert!(
        after.contains("corrects = 1\ncorrection = \"Recorded as met by mistake.\""),
        "{after}"
    );
    assert_eq!(status_of(reg.path(), "2024-02-06", "x"), "not-yet-met");
    let log = log_of(reg.path(), "2024-02-06");
    assert!(
        log.contains("determination 2 on submission 1: not-yet-met (corrects determination 1: Recorded as met by mistake.)"),
        "{log}"
    );
    assert_eq!(audit_codes(reg.path()), Vec::<String>::new());
}

/// The determination page as the Privacy Office fills it: the findings that explain "not yet
/// met" go with that outcome, New/Updated say what a required document will be (Updated names
/// it), coverage by an existing document is not also new; the page names documents as the
/// template does.
#[test]
fn the_determination_page_refuses_impossible_combinations_and_names_documents() {
    let reg = submitted();
    for (extra, says) in [
        (
            &["--outcome", "not-authorized", "--comments", "No.", "--training-required"][..],
            "\"Rules of Behavior do not comply\" and \"Training required\" are reasons requirements are not yet met: they go with --outcome not-yet-met, not `not-authorized`",
        ),
        (
            &["--outcome", "met", "--pia-covered", "DHS/CBP/PIA-010(a)", "--pia-action", "new"][..],
            "pia: New and Updated say what the required pia will be, so they go with --pia-required, not with coverage by an existing one",
        ),
        (
            &["--outcome", "met", "--pia-required", "--pia-action", "update"][..],
            "pia: an update names the pia to be updated (--pia-update <id>)",
        ),
    ] {
        let args = [&["determine", "x"][..], extra].concat();
        refused(run(reg.path(), REVIEWER, "2024-02-01", &args), says);
    }
    ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "not-yet-met",
            "--training-required",
            "--pia-update",
            "DHS/CBP/PIA-010(a)",
            "--sorn-covered",
            "DHS/CBP-017",
        ],
    ));
    let o = ok(run(
        reg.path(),
        REVIEWER,
        "2024-02-02",
        &["render", "x", "--format", "md", "-o", "-"],
    ));
    let page = stdout(&o);
    let page = page
        .split("DHS Privacy Office Determination")
        .nth(1)
        .unwrap();
    for line in [
        // As the template prints them: the two findings under "do not authorize", New and
        // Updated under "Covered by existing PIA" (whatever outcome they go with).
        "- ☒ Program has not yet met requirements to utilize social media for operational purposes.\n- ☐ Program authorities do not authorize",
        "  - ☐ Rules of Behavior do not comply. \\<Please explain analysis.\\>\n  - ☒ Training required.",
        "- ☒ A PIA is required.\n- ☐ Covered by existing PIA.",
        "  - ☐ New.\n  - ☒ Updated. DHS/CBP/PIA-010(a) Analytical Framework for Intelligence",
        "- ☒ Covered by existing SORN. DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012, 77 FR 13813",
    ] {
        assert!(page.contains(line), "{line:?} not in:\n{page}");
    }
}
