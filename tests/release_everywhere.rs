//! Release means release everywhere: every command that prints a record's text — render in
//! every format, diff, log, status, report — has a release mode, and no exempt string ever
//! reaches it, whatever its type or where it is stored (record, determination, commit message).

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git, git_register, ok, smout_as, stderr, stdout};

const DRAFTER: &str = "drafter@example.gov";
const REVIEWER: &str = "privacy@example.gov";

/// Exempt strings planted in the register; none may appear in any release output.
const SECRETS: &[&str] = &[
    "SECRETTITLE",
    "SECRETSTAGE",
    "SECRETPIA",
    "SECRETRULE",
    "Jane Roe",
    "jane.roe",
    "SECRETCOMMENT",
    "SECRETEXPL",
];

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaks {s:?}:\n{text}");
    }
}

/// A register whose record `x` was submitted twice, with exempt text in strings of several
/// kinds, a withheld Yes/No answer and a withheld date, and a determination whose PIA id and
/// comments are marked.
fn register() -> tempfile::TempDir {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "title = \"Minimal valid record\"",
        "title = \"Research [[b7E: SECRETTITLE]]\"",
    );
    edit(
        dir,
        "x",
        "accounts = { complies = true }",
        "accounts = { complies = false, explanation = \"[[b7E: SECRETEXPL]] accounts\" }",
    );
    let p = dir.join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str(
        "\n[release]\nredact = { \"use.launched\" = [\"b7E\"], \"rules_of_behavior.equipment\" = [\"b7E\"] }\n",
    );
    std::fs::write(&p, text).unwrap();
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["check", "x"]));
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    ok(smout_as(
        dir,
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--pia-covered",
            "DHS/CBP/PIA-010 [[b7E: SECRETPIA]]",
            "--comments",
            "Fine. [[b5: SECRETCOMMENT]]",
        ],
    ));
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research by [[b6: Jane Roe]] at SECRETSTAGE.\"",
    );
    // Unmarked, the line above would leak: mark it properly before the second submission.
    edit(dir, "x", "at SECRETSTAGE.", "at [[b7E: SECRETSTAGE]].");
    ok(smout_as(dir, DRAFTER, "2024-03-01", &["submit", "x"]));
    reg
}

fn run(dir: &Path, args: &[&str]) -> Output {
    ok(smout_as(dir, REVIEWER, "2024-03-02", args))
}

#[test]
fn every_release_output_of_every_command_is_free_of_exempt_text() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    let reg = register();
    let dir = reg.path();
    // The internal outputs do show the text: the corpus is really there.
    let internal = run(dir, &["diff", "x", "submission/1", "submission/2"]);
    assert!(
        stdout(&internal).contains("Jane Roe"),
        "{}",
        stdout(&internal)
    );
    let internal = run(dir, &["render", "x", "--format", "md", "-o", "-"]);
    assert!(stdout(&internal).contains("SECRETTITLE"));

    for format in ["pdf", "html", "md"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join(format!("x.{format}"));
        run(
            dir,
            &[
                "render",
                "x",
                "--release",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        );
        let bytes = std::fs::read(&out).unwrap();
        if format == "pdf" {
            let txt = std::process::Command::new("pdftotext")
                .args([out.to_str().unwrap(), "-"])
                .output()
                .expect("pdftotext (apt-get install poppler-utils)");
            assert_clean("render --release pdf (text)", &txt.stdout);
            let q = std::process::Command::new("qpdf")
                .args([
                    "--qdf",
                    "--object-streams=disable",
                    out.to_str().unwrap(),
                    "-",
                ])
                .output()
                .expect("qpdf");
            assert_clean("render --release pdf (bytes)", &q.stdout);
        } else {
            assert_clean(&format!("render --release {format}"), &bytes);
            // The withheld Yes/No answer prints its label, not a ticked box.
            let text = String::from_utf8_lossy(&bytes);
            assert!(text.contains("(b) (7)(E)"), "{text}");
        }
    }
    for args in [
        &["diff", "x", "submission/1", "submission/2", "--release"][..],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--format",
            "md",
        ],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--release",
            "--format",
            "json",
        ],
        &["log", "x", "--release"],
        &["log", "x", "--release", "--format", "json"],
        &["status", "--release"],
        &["status", "--release", "--format", "json"],
        &["status", "--release", "--format", "csv"],
        &["status", "--release", "--open"],
        &["report", "--release"],
        &["report", "--release", "--format", "csv"],
        &["report", "--release", "--format", "json"],
    ] {
        let o = run(dir, args);
        assert_clean(&args.join(" "), &o.stdout);
        assert_clean(&args.join(" "), &o.stderr);
    }
    // A calendar folds its lines at 75 octets: an exempt string could sit across a fold, so it
    // is read unfolded (and its escapes undone) as well as raw.
    let o = run(dir, &["status", "--release", "--format", "ics"]);
    assert_clean("status --release --format ics", &o.stdout);
    let unfolded = String::from_utf8_lossy(&o.stdout)
        .replace("\r\n ", "")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\");
    assert!(unfolded.contains("BEGIN:VEVENT"), "{unfolded}");
    assert_clean(
        "status --release --format ics (unfolded)",
        unfolded.as_bytes(),
    );
    // `diff --format md` is a release copy by default; --internal shows the text.
    let o = run(
        dir,
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--format",
            "md",
            "--internal",
        ],
    );
    assert!(stdout(&o).contains("Jane Roe"), "{}", stdout(&o));
}

#[test]
fn a_release_refuses_a_record_with_check_errors_and_never_prints_raw_toml() {
    let reg = git_register("x");
    let dir = reg.path();
    // A value of the wrong type: an inline table where text is expected.
    edit(
        dir,
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = { note = \"[[b6: Jane Roe]] SECRETTITLE\" }",
    );
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-01-10",
        &["render", "x", "--release", "--format", "md", "-o", "-"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("check error"), "{}", stderr(&o));
    assert_clean("refused release", &o.stdout);
    // A stray `]]` is a check error too, so it cannot reach a release either.
    git(dir, &["checkout", "--", "records/x/record.toml"]);
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"[[b7E: a ]] SECRETTITLE]] c\"",
    );
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["check", "x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("stray `]]`"), "{}", stdout(&o));
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-01-10",
        &["render", "x", "--release", "--format", "html", "-o", "-"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_clean("refused release", &o.stdout);
}

#[test]
fn a_reviewers_name_is_withheld_by_the_record_without_editing_the_determination() {
    let reg = common::submitted_register();
    let dir = reg.path();
    ok(smout_as(
        dir,
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--reviewer",
            "Pat Privacy",
        ],
    ));
    // check --release finds the name on the determination page and says how to withhold it.
    let o = smout_as(dir, DRAFTER, "2024-02-02", &["check", "--release", "x"]);
    let out = stdout(&o);
    assert!(out.contains("\"Pat Privacy\""), "{out}");
    assert!(
        out.contains("add \"determination.reviewer\" = [\"b6\"] to the record's [release] redact"),
        "{out}"
    );
    let p = dir.join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n[release]\nredact = { \"determination.reviewer\" = [\"b6\"] }\n");
    std::fs::write(&p, text).unwrap();
    let o = smout_as(dir, DRAFTER, "2024-02-02", &["check", "--release", "x"]);
    assert!(!stdout(&o).contains("Pat Privacy"), "{}", stdout(&o));
    for args in [
        &["render", "x", "--release", "--format", "md", "-o", "-"][..],
        &["log", "x", "--release"],
    ] {
        let o = ok(smout_as(dir, DRAFTER, "2024-02-02", args));
        assert!(
            !stdout(&o).contains("Pat Privacy"),
            "{args:?}: {}",
            stdout(&o)
        );
        assert!(stdout(&o).contains("(b) (6)"), "{args:?}: {}", stdout(&o));
    }
    // The recorded determination is untouched.
    let d = std::fs::read_to_string(dir.join("records/x/determinations.toml")).unwrap();
    assert!(d.contains("reviewer = \"Pat Privacy\""), "{d}");
}
