//! Terminal conventions as a user meets them: when output is coloured (`--color`, NO_COLOR,
//! CLICOLOR_FORCE, TERM), what a pipe gets from `status`, and how periods are written.

mod common;

use std::path::Path;
use std::process::{Command, Output};

/// The variables that decide colour; every run here starts without them.
const COLOR_VARS: &[&str] = &["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM", "CI"];

/// Run smout piped (stdout and stderr not terminals) with exactly the colour variables `envs`.
fn run(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smout"));
    cmd.args(args)
        .current_dir(dir)
        .env("SMOUT_TODAY", "2026-11-22")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    for v in COLOR_VARS {
        cmd.env_remove(v);
    }
    cmd.envs(envs.iter().copied()).output().expect("run smout")
}

/// A git register of two draft records with components and categories longer than the table's
/// terminal widths (26 and 24 characters).
fn register() -> tempfile::TempDir {
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    common::add_record(reg.path(), "cbp-osint", text.as_bytes());
    let fema = text
        .replace(
            "U.S. Customs and Border Protection",
            "Federal Emergency Management Agency",
        )
        .replace(
            "\"criminal-investigations\"",
            "\"benefit-or-employment-determinations\"",
        );
    common::add_record(reg.path(), "fema-recovery", fema.as_bytes());
    common::git(reg.path(), &["init", "-q", "-b", "main"]);
    common::git(reg.path(), &["add", "-A"]);
    common::git(reg.path(), &["commit", "-q", "-m", "add records"]);
    reg
}

#[test]
fn a_period_needs_a_unit() {
    let reg = register();
    let o = run(reg.path(), &["status", "--due-within", "90"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(common::stdout(&o), "");
    insta::assert_snapshot!("due_within_without_unit", common::stderr(&o));
    for ok in ["90d", "12w", "6m", "1y", "90 days"] {
        let o = run(reg.path(), &["status", "--due-within", ok], &[]);
        assert_eq!(o.status.code(), Some(0), "{ok}: {}", common::stderr(&o));
    }
}

#[test]
fn a_review_setting_needs_a_unit_too() {
    let reg = register();
    let settings = reg.path().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}[review]\nwarn = \"90\"\n")).unwrap();
    let o = run(reg.path(), &["status"], &[]);
    assert_eq!(o.status.code(), Some(2));
    let text = common::stderr(&o).replace(&reg.path().display().to_string(), "[REGISTER]");
    insta::assert_snapshot!("review_warn_without_unit", text);
}
