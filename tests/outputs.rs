//! Nothing destroyed: an output path (`-o`) never replaces something smout did not write. Each
//! test is an attack that once worked — `site -o` the register root deleted the register and
//! its `.git`, `-o records` every record, `-o notes.txt` the file; `render -o .git/HEAD`
//! overwrote HEAD with a PDF — and now is refused, with everything left as it was.

mod common;

use std::path::Path;

use common::{smout, stderr};

/// A refusal: exit 2, the error and hint as shown, nothing written.
fn refused(reg: &Path, args: &[&str]) -> String {
    let o = smout(reg, args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{args:?} was not refused: {}",
        stderr(&o)
    );
    stderr(&o)
}

/// The register is whole: its settings, a record, git's HEAD.
fn intact(reg: &Path) {
    assert!(reg.join("smout.toml").is_file());
    assert!(reg.join("records/cbp-fld/record.toml").is_file());
    assert!(std::fs::read_to_string(reg.join(".git/HEAD"))
        .unwrap()
        .starts_with("ref: refs/heads/main"));
    let left: Vec<_> = std::fs::read_dir(reg)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".smout-"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
}

#[test]
fn a_site_never_replaces_the_register_its_folders_or_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    std::fs::write(reg.join("notes.txt"), "my notes\n").unwrap();
    std::fs::create_dir_all(reg.join("drafts")).unwrap();
    std::fs::write(reg.join("drafts/plan.txt"), "plan\n").unwrap();
    let root = reg.to_str().unwrap().to_string();
    insta::assert_snapshot!(
        "site_over_the_register",
        refused(&reg, &["site", "-o", &root]).replace(&root, "[REG]")
    );
    insta::assert_snapshot!(
        "site_over_records",
        refused(&reg, &["site", "-o", "records"])
    );
    insta::assert_snapshot!(
        "site_over_a_file",
        refused(&reg, &["site", "-o", "notes.txt"])
    );
    insta::assert_snapshot!(
        "site_over_a_folder",
        refused(&reg, &["site", "-o", "drafts"])
    );
    for args in [
        &["site", "-o", "."][..],
        &["site", "-o", ".."],
        &["site", "-o", "forms"],
        &["site", "-o", "templates/x"],
        &["site", "-o", ".git"],
        &["site", "-o", ".git/smout"],
        &["site", "-o", "records/../records"],
    ] {
        refused(&reg, args);
    }
    intact(&reg);
    assert_eq!(
        std::fs::read_to_string(reg.join("notes.txt")).unwrap(),
        "my notes\n"
    );
    assert!(reg.join("drafts/plan.txt").is_file());
    // A link to the register is the register.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&reg, tmp.path().join("link")).unwrap();
        let link = tmp.path().join("link");
        refused(&reg, &["site", "-o", link.to_str().unwrap()]);
        intact(&reg);
    }
}

#[test]
fn a_site_folder_smout_wrote_is_replaced_and_an_empty_one_filled() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    std::fs::create_dir_all(reg.join("public")).unwrap();
    common::ok(smout(&reg, &["-q", "site", "-o", "public", "--no-pdf"]));
    assert!(reg.join("public/.smout-site").is_file());
    assert!(reg.join("public/index.html").is_file());
    common::ok(smout(&reg, &["-q", "site", "-o", "public", "--no-pdf"]));
    // Without smout's mark it is somebody's folder.
    std::fs::remove_file(reg.join("public/.smout-site")).unwrap();
    refused(&reg, &["site", "-o", "public", "--no-pdf"]);
    assert!(reg.join("public/index.html").is_file());
}

#[test]
fn an_output_file_never_replaces_gits_files_or_a_file_smout_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let head = std::fs::read(reg.join(".git/HEAD")).unwrap();
    insta::assert_snapshot!(
        "render_over_git_head",
        refused(&reg, &["render", "cbp-fld", "-o", ".git/HEAD"])
    );
    refused(&reg, &["render", "cbp-fld", "-o", ".git/new.pdf"]);
    refused(
        &reg,
        &[
            "roles",
            "export-allowed-signers",
            "-o",
            ".git/allowed_signers",
        ],
    );
    refused(&reg, &["report", "--format", "csv", "-o", ".git/config"]);
    assert_eq!(std::fs::read(reg.join(".git/HEAD")).unwrap(), head);
    assert!(!reg.join(".git/new.pdf").exists());

    std::fs::write(reg.join("notes.txt"), "my notes\n").unwrap();
    insta::assert_snapshot!(
        "render_over_a_users_file",
        refused(&reg, &["render", "cbp-fld", "-o", "notes.txt"])
    );
    refused(&reg, &["report", "--format", "csv", "-o", "notes.txt"]);
    refused(
        &reg,
        &["roles", "export-allowed-signers", "-o", "notes.txt"],
    );
    assert_eq!(
        std::fs::read_to_string(reg.join("notes.txt")).unwrap(),
        "my notes\n"
    );
    refused(&reg, &["render", "cbp-fld", "-o", "records"]);

    // A file smout wrote is smout's to write again — until someone changes it.
    common::ok(smout(&reg, &["-q", "render", "cbp-fld", "-o", "fld.pdf"]));
    common::ok(smout(&reg, &["-q", "render", "cbp-fld", "-o", "fld.pdf"]));
    std::fs::write(reg.join("fld.pdf"), "annotated by hand\n").unwrap();
    refused(&reg, &["render", "cbp-fld", "-o", "fld.pdf"]);
    assert_eq!(
        std::fs::read_to_string(reg.join("fld.pdf")).unwrap(),
        "annotated by hand\n"
    );
    // The register's renders/ folder is smout's: the default path is always written.
    common::ok(smout(&reg, &["-q", "render", "cbp-fld"]));
    std::fs::write(reg.join("renders/cbp-fld.pdf"), "old\n").unwrap();
    common::ok(smout(&reg, &["-q", "render", "cbp-fld"]));
}

#[test]
fn render_all_refuses_before_it_writes_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    std::fs::create_dir_all(reg.join("out")).unwrap();
    std::fs::write(reg.join("out/cbp-fld.pdf"), "mine\n").unwrap();
    refused(&reg, &["render", "--all", "-o", "out"]);
    let names: Vec<_> = std::fs::read_dir(reg.join("out"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(names.len(), 1, "render --all wrote before refusing");
    std::fs::remove_file(reg.join("out/cbp-fld.pdf")).unwrap();
    common::ok(smout(&reg, &["-q", "render", "--all", "-o", "out"]));
    common::ok(smout(&reg, &["-q", "render", "--all", "-o", "out"]));
}
