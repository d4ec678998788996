//! `--help` is the manual most users read: every command's help is a snapshot, so examples,
//! option lists and their order cannot regress unseen.

mod common;

const COMMANDS: &[&str] = &[
    "init",
    "new",
    "import",
    "check",
    "render",
    "submit",
    "withdraw",
    "retire",
    "diff",
    "log",
    "determine",
    "appeal",
    "status",
    "report",
    "audit",
    "ci",
    "site",
    "roles",
    "schema",
    "forms",
    "completions",
];

#[test]
fn every_command_teaches_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    let top = common::smout(dir.path(), &["--help"]);
    insta::assert_snapshot!("help", common::stdout(&top));
    for cmd in COMMANDS {
        let o = common::smout(dir.path(), &[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd}");
        let text = common::stdout(&o);
        assert!(
            text.contains("Example"),
            "`smout {cmd} --help` shows no example:\n{text}"
        );
        insta::assert_snapshot!(format!("help_{cmd}"), text);
    }
}

/// What the shell hook (`source <(COMPLETE=bash smout)`) asks smout while the user types.
fn complete(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_smout"))
        .current_dir(dir)
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .arg("--")
        .args(words)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect()
}

/// Completions offer what is in the register: record ids, forms, revisions.
#[test]
fn completions_offer_record_ids_forms_and_revisions() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    assert_eq!(
        complete(&reg, &["smout", "submit", "c"]),
        ["cbp-fld", "cis-refugee-vetting"]
    );
    assert_eq!(
        complete(&reg, &["smout", "log", "ice-"]),
        ["ice-ero-locate", "ice-hsi-osint"]
    );
    assert_eq!(
        complete(&reg, &["smout", "new", "x", "--form", "d"]),
        ["dhs-smout"]
    );
    assert_eq!(
        complete(&reg, &["smout", "render", "cbp-fld", "--rev", "sub"]),
        ["submitted", "submission/1"]
    );
    assert_eq!(
        complete(&reg, &["smout", "diff", "cbp-fld", "app"]),
        ["approved"]
    );
}

/// Fixed lists of values complete with their values: statuses, outcomes (of the named record's
/// form), actions, and every `--format`.
#[test]
fn completions_offer_fixed_values() {
    let reg = common::example_register();
    assert_eq!(
        complete(&reg, &["smout", "status", "--status", ""]),
        [
            "draft",
            "submitted",
            "approved",
            "due",
            "expired",
            "changed",
            "not-yet-met",
            "not-authorized",
            "appealed",
            "withdrawn",
            "retired"
        ]
    );
    assert_eq!(
        complete(&reg, &["smout", "status", "--status", "not"]),
        ["not-yet-met", "not-authorized"]
    );
    assert_eq!(
        complete(&reg, &["smout", "determine", "cbp-fld", "--outcome", ""]),
        ["met", "not-yet-met", "not-authorized"]
    );
    assert_eq!(
        complete(&reg, &["smout", "appeal", "cbp-fld", "--outcome", ""]),
        ["met", "not-yet-met", "not-authorized", "pending"]
    );
    assert_eq!(
        complete(
            &reg,
            &[
                "smout",
                "determine",
                "opa-seizure-release",
                "--outcome",
                "app"
            ]
        ),
        ["approve", "approve-with-conditions"]
    );
    // Before the record is named: the outcomes of every form of the register.
    let any = complete(&reg, &["smout", "determine", "--outcome", ""]);
    for o in ["met", "not-authorized", "approve", "disapprove"] {
        assert!(any.iter().any(|c| c == o), "{o} not in {any:?}");
    }
    assert_eq!(
        complete(
            &reg,
            &["smout", "determine", "cbp-fld", "--sorn-action", ""]
        ),
        ["none", "new", "update"]
    );
    for (cmd, formats) in [
        (&["audit"][..], &["text", "json"][..]),
        (&["check"], &["text", "json", "sarif", "gitlab"]),
        (&["ci"], &["text", "md", "json"]),
        (&["diff", "cbp-fld"], &["text", "md", "json"]),
        (&["forms"], &["text", "json"]),
        (&["log", "cbp-fld"], &["text", "json"]),
        (&["render", "cbp-fld"], &["pdf", "html", "md", "docx"]),
        (&["report"], &["md", "csv", "json", "pdf"]),
        (&["roles", "list"], &["text", "json"]),
        (&["status"], &["text", "json", "csv", "ics"]),
    ] {
        let words = [&["smout"][..], cmd, &["--format", ""]].concat();
        assert_eq!(complete(&reg, &words), formats, "smout {}", cmd.join(" "));
    }
}

/// `render --help` names every format it writes.
#[test]
fn render_help_names_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::smout(dir.path(), &["render", "--help"]);
    let about = common::stdout(&o).lines().next().unwrap_or("").to_string();
    for format in ["PDF", "HTML", "Markdown", "DOCX"] {
        assert!(about.contains(format), "{format} not in {about:?}");
    }
}

/// A word that is not UTF-8 on the command line does not stop completion.
#[cfg(unix)]
#[test]
fn completion_survives_a_word_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_smout"))
        .current_dir(common::example_register())
        .env("COMPLETE", "bash")
        .env("_CLAP_IFS", "\n")
        .env("_CLAP_COMPLETE_INDEX", "4")
        .env("_CLAP_COMPLETE_COMP_TYPE", "9")
        .env("_CLAP_COMPLETE_SPACE", "true")
        .args(["--", "smout", "appeal"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff"))
        .args(["--outcome", "p"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(common::stdout(&o), "pending");
}
