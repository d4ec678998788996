//! `--help` is the manual most users read: every command's help is a snapshot, so examples,
//! option lists and their order cannot regress unseen.

mod common;

const COMMANDS: &[&str] = &[
    "init",
    "new",
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
