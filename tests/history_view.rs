//! What the log, the timeline and status tell a drafter: events newest first at the time they
//! were committed, the date each submission carries, and the Privacy Office's comments —
//! internal and release. Registers are built with smout's own commands, at fixed times.

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git_register, ok, stdout};

const REVIEWER: &str = "privacy@example.gov";
const DRAFTER: &str = "drafter@example.gov";

/// Run smout as `who` with today `day` and its commits (and tags) made at `at` (UTC).
fn smout_at(dir: &Path, who: &str, day: &str, at: &str, args: &[&str]) -> Output {
    let when = format!("{day}T{at}Z");
    common::smout_with(
        dir,
        who,
        day,
        args,
        &[("GIT_AUTHOR_DATE", &when), ("GIT_COMMITTER_DATE", &when)],
    )
}

/// Commit every change of the working tree as the drafter, at `when` (`2024-02-01T09:00:00Z`).
fn commit_at(dir: &Path, when: &str, message: &str) {
    for args in [vec!["add", "-A"], vec!["commit", "-q", "-m", message]] {
        let o = std::process::Command::new("git")
            .args(&args)
            .current_dir(dir)
            .env("GIT_AUTHOR_NAME", "Test Drafter")
            .env("GIT_AUTHOR_EMAIL", DRAFTER)
            .env("GIT_COMMITTER_NAME", "Test Drafter")
            .env("GIT_COMMITTER_EMAIL", DRAFTER)
            .env("GIT_AUTHOR_DATE", when)
            .env("GIT_COMMITTER_DATE", when)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

/// Record `x`, submitted on 2024-01-10 and found not yet meeting the requirements on
/// 2024-02-01 at 09:00, with an analysis, training and comments.
fn not_yet_met() -> tempfile::TempDir {
    let reg = git_register("x");
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-01-10",
        "12:00:00",
        &["submit", "x"],
    ));
    ok(smout_at(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        "09:00:00",
        &[
            "determine",
            "x",
            "--outcome",
            "not-yet-met",
            "--training-required",
            "--rules-do-not-comply",
            "Rule (g): reviews are not documented in the case file.",
            "--comments",
            "Document each review in the case file; ask [[b6: Mary Major]] for the template.",
        ],
    ));
    reg
}

#[test]
fn log_is_newest_first_within_a_day_each_decision_at_its_own_commit() {
    let reg = not_yet_met();
    // The drafter answers in the same second the determination was committed, then resubmits
    // that afternoon and withdraws the next day: history, not the review date, orders them.
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    commit_at(reg.path(), "2024-02-01T09:00:00Z", "x: document reviews");
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-01",
        "15:00:00",
        &["submit", "x"],
    ));
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-02",
        "08:00:00",
        &["withdraw", "x", "--reason", "The program is cancelled."],
    ));
    let text = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-03",
        "08:00:00",
        &["log", "x"],
    ));
    insta::assert_snapshot!("log_text", stdout(&text));
    let json = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-03",
        "08:00:00",
        &["log", "x", "--format", "json"],
    ));
    insta::assert_snapshot!("log_json", stdout(&json));
    // Every event that is a commit names it.
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for e in v.as_array().unwrap() {
        assert!(e["commit"].is_string(), "{e}");
    }
    // The site's record page lists the same events in the same order.
    let site = reg.path().join("site");
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-03",
        "08:00:00",
        &["-q", "site", "--no-pdf", "-o", site.to_str().unwrap()],
    ));
    let page = std::fs::read_to_string(site.join("records/x/index.html")).unwrap();
    let listed: Vec<&str> = page
        .split("<code>")
        .skip(1)
        .filter_map(|s| s.split_once("</code>").map(|c| c.0))
        .collect();
    let logged: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["commit"].as_str().unwrap())
        .collect();
    assert_eq!(listed, logged, "{page}");
}

#[test]
fn status_of_a_record_shows_what_the_privacy_office_asks() {
    let reg = not_yet_met();
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-02",
        "08:00:00",
        &["status", "x"],
    ));
    insta::assert_snapshot!("status_one_record", stdout(&o));
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-02",
        "08:00:00",
        &["status", "x", "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    insta::assert_snapshot!(
        "status_one_record_json_decision",
        serde_json::to_string_pretty(&v[0]["decision"]).unwrap()
    );
    // A release passes the comments through the redaction step: the marked name is withheld.
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-02",
        "08:00:00",
        &["status", "x", "--release"],
    ));
    let out = stdout(&o);
    assert!(
        out.contains(
            "Comments: Document each review in the case file; ask [(b) (6)] for the template."
        ),
        "{out}"
    );
    assert!(!out.contains("Mary Major"), "{out}");
}

#[test]
fn a_release_withholds_the_comments_the_record_redacts() {
    let reg = not_yet_met();
    let record = reg.path().join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&record).unwrap();
    text.push_str("\n[release.redact]\n\"determination.comments\" = [\"b5\"]\n");
    std::fs::write(&record, text).unwrap();
    for args in [
        &["status", "x", "--release"][..],
        &["status", "x", "--release", "--format", "json"],
        &["log", "x", "--release"],
        &["log", "x", "--release", "--format", "json"],
    ] {
        let o = ok(smout_at(
            reg.path(),
            DRAFTER,
            "2024-02-02",
            "08:00:00",
            args,
        ));
        let out = stdout(&o);
        assert!(!out.contains("case file;"), "{args:?}: {out}");
        assert!(!out.contains("template"), "{args:?}: {out}");
        assert!(out.contains("[(b) (5)]"), "{args:?}: {out}");
        // What the record does not withhold is still there.
        assert!(
            out.contains("reviews are not documented"),
            "{args:?}: {out}"
        );
    }
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-02-02",
        "08:00:00",
        &["status", "x", "--release"],
    ));
    insta::assert_snapshot!("status_one_record_release_redacted", stdout(&o));
    // Internal copies show them.
    for args in [&["status", "x"][..], &["log", "x"]] {
        let o = ok(smout_at(
            reg.path(),
            DRAFTER,
            "2024-02-02",
            "08:00:00",
            args,
        ));
        assert!(
            stdout(&o).contains(
                "Comments: Document each review in the case file; ask Mary Major for the template."
            ),
            "{args:?}: {}",
            stdout(&o)
        );
    }
}

/// The record as submission `n` holds it.
fn submitted_record(reg: &Path, n: u32) -> String {
    common::git(
        reg,
        &[
            "show",
            &format!("smout/x/submission/{n}:records/x/record.toml"),
        ],
    )
}

#[test]
fn a_resubmission_carries_its_own_date_not_the_first_ones() {
    let reg = git_register("x");
    // Left empty, as the README says: smout fills it in.
    edit(reg.path(), "x", "date_submitted = 2020-01-15\n", "");
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-01-10",
        "12:00:00",
        &["submit", "x"],
    ));
    assert!(
        stdout(&o).starts_with("date submitted for review set to 2024-01-10\n"),
        "{}",
        stdout(&o)
    );
    ok(smout_at(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        "09:00:00",
        &[
            "determine",
            "x",
            "--outcome",
            "not-yet-met",
            "--comments",
            "Name the case system.",
        ],
    ));
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-03-01",
        "12:00:00",
        &["submit", "x"],
    ));
    insta::assert_snapshot!("resubmit_restamps", stdout(&o));
    let first = submitted_record(reg.path(), 1);
    let second = submitted_record(reg.path(), 2);
    assert!(first.contains("date_submitted = 2024-01-10\n"), "{first}");
    assert!(second.contains("date_submitted = 2024-03-01\n"), "{second}");
    // Only the date and the drafter's edit differ: the file is edited in place.
    assert_eq!(
        second
            .replace("2024-03-01", "2024-01-10")
            .replace("Case system", "Shared drive"),
        first
    );
    // The rendering of submission 2 prints its own date.
    let md = reg.path().join("s2.md");
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-03-02",
        "08:00:00",
        &[
            "render",
            "x",
            "--rev",
            "submission/2",
            "--format",
            "md",
            "-o",
            md.to_str().unwrap(),
        ],
    ));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.contains("**Date submitted for review:** 3/1/2024\n"),
        "{md}"
    );
    // Resubmitting with no change of the drafter's is still refused, new date or not.
    let o = smout_at(
        reg.path(),
        DRAFTER,
        "2024-03-05",
        "12:00:00",
        &["submit", "x"],
    );
    common::refused(o, "has not changed since submission 2");
}

#[test]
fn a_hand_written_date_earlier_than_the_last_submission_stays_with_a_warning() {
    // The fixture's date (2020-01-15) is the drafter's own.
    let reg = git_register("x");
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-01-10",
        "12:00:00",
        &["submit", "x"],
    ));
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-03-01",
        "12:00:00",
        &["submit", "x"],
    ));
    insta::assert_snapshot!("resubmit_hand_written_date", stdout(&o));
    assert!(submitted_record(reg.path(), 2).contains("date_submitted = 2020-01-15\n"));
    // A date the drafter gives on or after the last submission is taken as given, silently.
    edit(
        reg.path(),
        "x",
        "date_submitted = 2020-01-15",
        "date_submitted = 2024-03-20",
    );
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-04-01",
        "12:00:00",
        &["submit", "x"],
    ));
    assert!(
        stdout(&o).starts_with("submitted x as submission 3"),
        "{}",
        stdout(&o)
    );
    assert!(submitted_record(reg.path(), 3).contains("date_submitted = 2024-03-20\n"));
}

#[test]
fn a_date_that_was_an_earlier_submissions_day_is_that_submissions() {
    // Written by hand on the day of submission 1 (as smout before its trailer, which left no
    // word of what it filled in): it is the date of submission 1, so submission 2 gets its own.
    let reg = git_register("x");
    edit(
        reg.path(),
        "x",
        "date_submitted = 2020-01-15",
        "date_submitted = 2024-01-10   # the day we sent it",
    );
    ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-01-10",
        "12:00:00",
        &["submit", "x"],
    ));
    edit(
        reg.path(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    let o = ok(smout_at(
        reg.path(),
        DRAFTER,
        "2024-03-01",
        "12:00:00",
        &["submit", "x"],
    ));
    assert!(
        stdout(&o).starts_with(
            "date submitted for review set to 2024-03-01 (it was 2024-01-10, the date of submission 1)\n"
        ),
        "{}",
        stdout(&o)
    );
    assert!(
        submitted_record(reg.path(), 2)
            .contains("date_submitted = 2024-03-01   # the day we sent it\n"),
        "{}",
        submitted_record(reg.path(), 2)
    );
}
