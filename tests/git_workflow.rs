//! Revisions in git: submit, diff, log — on real temporary repositories with fixed dates.

mod common;

use common::{edit, git, git_register, smout, stderr, stdout};

/// smout as the drafter, at a full git date (`2024-02-01T09:00:00Z`).
fn smout_at(dir: &std::path::Path, date: &str, args: &[&str]) -> std::process::Output {
    common::smout_as(dir, "drafter@example.gov", &date[..10], args)
}

#[test]
fn submit_commits_only_the_record_and_tags_it() {
    let reg = git_register("x");
    edit(reg.path(), "x", "date_submitted = 2020-01-15\n", "");
    // The user's unrelated work in progress: an edited file and a new one.
    std::fs::write(reg.path().join("notes.txt"), "draft notes\n").unwrap();
    std::fs::write(reg.path().join("catalog.toml"), "# edited\n").unwrap();
    let o = smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("date submitted for review set to 2024-02-01"));
    assert!(stdout(&o).contains("submission 1"));
    let text = std::fs::read_to_string(reg.path().join("records/x/record.toml")).unwrap();
    assert!(text.contains("date_submitted = 2024-02-01"));
    assert!(
        text.starts_with("form = \"dhs-smout\"\nform_version"),
        "layout kept"
    );
    assert_eq!(
        git(
            reg.path(),
            &["show", "--name-only", "--format=%s|%an|%aI", "HEAD"]
        )
        .trim(),
        "submit x: submission 1|drafter|2024-02-01T12:00:00Z\n\nrecords/x/record.toml"
    );
    assert_eq!(
        git(reg.path(), &["tag", "-l"]).trim(),
        "smout/x/submission/1"
    );
    assert_eq!(
        git(reg.path(), &["cat-file", "-t", "smout/x/submission/1"]).trim(),
        "tag",
        "annotated"
    );
    // Nothing of the user's was committed or lost.
    let status = git(reg.path(), &["status", "--porcelain"]);
    assert!(
        status.contains(" M catalog.toml") && status.contains("?? notes.txt"),
        "{status}"
    );
    assert_eq!(
        std::fs::read_to_string(reg.path().join("catalog.toml")).unwrap(),
        "# edited\n"
    );
}

#[test]
fn submit_refuses_a_record_with_errors_and_lists_them() {
    let reg = git_register("x");
    edit(
        reg.path(),
        "x",
        "certifies_authority = true",
        "certifies_authority = false",
    );
    let o = smout(reg.path(), &["submit", "x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("error[SM040]"), "{}", stdout(&o));
    assert!(stdout(&o).contains("submission refused"));
    assert_eq!(git(reg.path(), &["tag", "-l"]), "");
    assert_eq!(
        git(reg.path(), &["rev-list", "--count", "HEAD"]).trim(),
        "1"
    );
}

#[test]
fn diff_between_two_submissions_names_the_questions() {
    let reg = git_register("x");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    edit(reg.path(), "x", "public_interaction = { complies = true }", "public_interaction = { complies = false, explanation = \"Undercover contact approved in writing.\" }");
    edit(
        reg.path(),
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research of public posts by named suppliers.\"",
    );
    let o = smout_at(reg.path(), "2024-03-01T09:00:00Z", &["submit", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = smout(reg.path(), &["diff", "x", "submission/1", "submission/2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let expected = "\
x: submission/1 → submission/2

Description of the use (changed) [material]
    Open-source [-research.-]{+research of public posts by named suppliers.+}

5(c) Public interaction: Complies (changed) [material]
  - Yes
  + No

5(c) Public interaction: Explanation (added) [material]
  + Undercover contact approved in writing.

3 changes, 3 material: a new review is needed (`smout submit x` once checked)
";
    assert_eq!(out, expected);
}

#[test]
fn a_non_material_change_needs_no_new_review() {
    let reg = git_register("x");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    edit(
        reg.path(),
        "x",
        "title = \"Analyst\"",
        "title = \"Analyst\"\nphone = \"(202) 555-0100\"",
    );
    let o = smout(reg.path(), &["diff", "x", "--exit-code"]);
    assert_eq!(o.status.code(), Some(1), "changes with --exit-code exit 1");
    let out = stdout(&o);
    assert!(
        out.contains("Contact Information (Jane Roe): Phone (added)\n  + (202) 555-0100"),
        "{out}"
    );
    assert!(
        out.ends_with("1 change, none material: no new review is needed\n"),
        "{out}"
    );
    let o = smout(reg.path(), &["diff", "x", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["material"], false);
    assert_eq!(v["changes"][0]["path"], "summary.contacts[0].phone");
    assert_eq!(v["from"], "submission/1");
}

#[test]
fn list_items_are_matched_by_identity_not_position() {
    let reg = git_register("x");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    edit(
        reg.path(),
        "x",
        "[[summary.pia]]",
        "[[summary.pia]]\nid = \"DHS/ALL/PIA-036\"\ntitle = \"Unidirectional\"\n\n[[summary.pia]]",
    );
    let o = smout(reg.path(), &["diff", "x", "--format", "md"]);
    let out = stdout(&o);
    assert!(
        out.starts_with("### `x`: submission/1 → working tree"),
        "{out}"
    );
    assert!(
        out.contains(
            "**Applicable Privacy Impact Assessment(s) (PIA): DHS/ALL/PIA-036** — added (material)"
        ),
        "{out}"
    );
    assert!(
        !out.contains("PIA-010(a)"),
        "the existing PIA moved down a place but did not change: {out}"
    );
}

#[test]
fn diff_without_a_submission_asks_for_a_revision() {
    let reg = git_register("x");
    let o = smout(reg.path(), &["diff", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("never submitted"), "{}", stderr(&o));
    let o = smout(reg.path(), &["diff", "x", "HEAD"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "x: HEAD → working tree\n\nno changes\n");
}

#[test]
fn a_moved_record_keeps_its_history() {
    let reg = git_register("old-name");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "old-name"]);
    git(reg.path(), &["mv", "records/old-name", "records/new-name"]);
    git(reg.path(), &["commit", "-q", "-m", "rename the record"]);
    edit(
        reg.path(),
        "new-name",
        "public_interaction = { complies = true }",
        "public_interaction = { complies = false, explanation = \"x\" }",
    );
    let o = smout(reg.path(), &["diff", "new-name"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("new-name: submission/1 → working tree"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("5(c) Public interaction: Complies (changed) [material]"));
    let o = smout(reg.path(), &["log", "new-name"]);
    let out = stdout(&o);
    assert!(out.contains("rename the record"), "{out}");
    assert!(
        out.contains("add record: record created [as records/old-name/record.toml]"),
        "{out}"
    );
    assert!(out.contains("submission 1"), "{out}");
}

/// Record `x` submitted on 2024-02-01, then its authorities edited (not yet committed).
fn submitted_then_edited() -> tempfile::TempDir {
    let reg = git_register("x");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    edit(
        reg.path(),
        "x",
        "authorities = \"19 U.S.C. § 1307\"",
        "authorities = \"19 U.S.C. § 1307; 19 CFR 12.42\"",
    );
    reg
}

#[test]
fn log_lists_revisions_submissions_and_determinations_newest_first() {
    let reg = submitted_then_edited();
    let o = std::process::Command::new("git")
        .args(["commit", "-q", "-am", "cite the regulation"])
        .current_dir(reg.path())
        .env("GIT_AUTHOR_NAME", "Test Drafter")
        .env("GIT_AUTHOR_EMAIL", "drafter@example.gov")
        .env("GIT_COMMITTER_NAME", "Test Drafter")
        .env("GIT_COMMITTER_EMAIL", "drafter@example.gov")
        .env("GIT_AUTHOR_DATE", "2024-03-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-01T10:00:00Z")
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = smout(reg.path(), &["log", "x", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    // The submit commit changed nothing in the record (its date was set), so it is no revision.
    assert_eq!(kinds, ["revision", "submission", "revision"], "{v:#}");
    assert_eq!(
        v[0]["summary"],
        "cite the regulation: 1 change (1 material): 2 Authorities"
    );
    assert_eq!(v[1]["date"], "2024-02-01");
    assert_eq!(v[2]["summary"], "add record: record created");
}

fn assert_refused_and_intact(reg: &std::path::Path, why: &str) {
    std::fs::write(reg.join("notes.txt"), "mine\n").unwrap();
    edit(
        reg,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Edited, not saved anywhere else.\"",
    );
    let before = std::fs::read(reg.join("records/x/record.toml")).unwrap();
    let head = git(reg, &["rev-parse", "HEAD"]);
    let o = smout(reg, &["submit", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains(why), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(reg.join("records/x/record.toml")).unwrap(),
        before,
        "record untouched"
    );
    assert_eq!(
        std::fs::read_to_string(reg.join("notes.txt")).unwrap(),
        "mine\n"
    );
    assert_eq!(git(reg, &["rev-parse", "HEAD"]), head, "no commit");
}

#[test]
fn refuses_mid_merge() {
    let reg = git_register("x");
    let head = git(reg.path(), &["rev-parse", "HEAD"]);
    std::fs::write(reg.path().join(".git/MERGE_HEAD"), head).unwrap();
    assert_refused_and_intact(reg.path(), "middle of a merge");
}

#[test]
fn refuses_mid_rebase() {
    let reg = git_register("x");
    std::fs::create_dir_all(reg.path().join(".git/rebase-merge")).unwrap();
    assert_refused_and_intact(reg.path(), "middle of a rebase");
}

#[test]
fn refuses_when_the_index_is_locked() {
    let reg = git_register("x");
    std::fs::write(reg.path().join(".git/index.lock"), "").unwrap();
    assert_refused_and_intact(reg.path(), "index.lock exists");
}

#[test]
fn refuses_without_a_git_identity() {
    let reg = git_register("x");
    std::fs::write(reg.path().join("notes.txt"), "mine\n").unwrap();
    let o = common::smout_without_identity(reg.path(), &["submit", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("git config --global user.name"),
        "{}",
        stderr(&o)
    );
    assert_eq!(git(reg.path(), &["tag", "-l"]), "");
}

#[test]
fn render_rev_reads_a_past_submission_through_git() {
    let reg = git_register("x");
    smout_at(reg.path(), "2024-02-01T09:00:00Z", &["submit", "x"]);
    edit(
        reg.path(),
        "x",
        "description = \"Open-source research.\"",
        "description = \"Changed after submission.\"",
    );
    let o = smout(
        reg.path(),
        &[
            "render",
            "x",
            "--rev",
            "submission/1",
            "--format",
            "md",
            "-o",
            "-",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("Open-source research.") && !md.contains("Changed after submission"));
}

#[test]
fn a_register_in_a_subfolder_of_a_repository_works() {
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q", "-b", "main"]);
    std::fs::write(repo.path().join("README"), "other project files\n").unwrap();
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "unrelated"]);
    let reg = repo.path().join("privacy/smout");
    std::fs::create_dir_all(&reg).unwrap();
    std::fs::write(
        reg.join("smout.toml"),
        "name = \"sub\"\n[roles]\nreviewers = [\"privacy@example.gov\"]\n",
    )
    .unwrap();
    common::add_record(
        &reg,
        "x",
        &std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap(),
    );
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "add register"]);
    assert!(smout_at(&reg, "2024-02-01T09:00:00Z", &["submit", "x"])
        .status
        .success());
    let o = common::smout_as(
        &reg,
        "privacy@example.gov",
        "2024-03-01",
        &["determine", "x", "--outcome", "met"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    edit(
        &reg,
        "x",
        "public_interaction = { complies = true }",
        "public_interaction = { complies = false, explanation = \"x\" }",
    );
    let o = smout(&reg, &["diff", "x"]);
    assert!(
        stdout(&o).contains("5(c) Public interaction: Complies (changed) [material]"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = smout(&reg, &["status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["status"], "changed", "{v:#}");
    let o = smout(&reg, &["log", "x"]);
    assert!(
        stdout(&o).contains("submission 1") && stdout(&o).contains("add register: record created"),
        "{}",
        stdout(&o)
    );
    let o = smout(&reg, &["audit"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Only the register's files were committed by smout.
    let files = git(repo.path(), &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), "privacy/smout/records/x/determinations.toml");
}

#[test]
fn a_damaged_history_index_is_rebuilt_not_trusted() {
    let reg = submitted_then_edited();
    git(reg.path(), &["commit", "-q", "-am", "cite the regulation"]);
    let before = stdout(&smout(reg.path(), &["log", "x"]));
    let index = reg.path().join(".git/smout/changes-v1");
    assert!(index.exists(), "log keeps its index in .git/smout");
    for damage in [
        "",
        "garbage\n",
        "smout changes v1 prefix=\nnot-an-oid - 1\n",
    ] {
        std::fs::write(&index, damage).unwrap();
        assert_eq!(
            stdout(&smout(reg.path(), &["log", "x"])),
            before,
            "after writing {damage:?}"
        );
    }
    std::fs::remove_file(&index).unwrap();
    assert_eq!(stdout(&smout(reg.path(), &["log", "x"])), before);
    // The same facts by path, which `log` reads without loading the index: damaged (its
    // header still naming HEAD, so that it would be read), it is not believed either.
    let postings = reg.path().join(".git/smout/paths-v1");
    let text = std::fs::read_to_string(&postings).expect("log writes the postings file");
    let header = text.lines().next().unwrap().to_string();
    for damage in [
        String::new(),
        "garbage\n".to_string(),
        format!("{header}\n"),
        format!("{header}\nx/record.toml\tnot-a-number - - -\n"),
        text.replace("x/record.toml\t", "x/record.toml\t9"),
        text.replace(" - ", " 0123 "),
    ] {
        std::fs::write(&postings, &damage).unwrap();
        std::fs::write(&index, "garbage\n").unwrap();
        assert_eq!(
            stdout(&smout(reg.path(), &["log", "x"])),
            before,
            "after writing {damage:?}"
        );
    }
}

#[test]
fn a_long_history_is_indexed_in_parallel_with_the_same_answers() {
    // 100 commits alternately editing two records: enough for the index to be built on
    // several threads; every revision of each record must be found, newest first.
    let reg = common::register();
    git(reg.path(), &["init", "-q", "-b", "main"]);
    let base = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    let mut stream = String::new();
    for k in 0..100 {
        let id = if k % 2 == 0 { "a" } else { "b" };
        let text = base.replace(
            "Open-source research.",
            &format!("Open-source research, revision {k}."),
        );
        let parent = if k == 0 {
            String::new()
        } else {
            format!("from :{k}\n")
        };
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{}\ncommitter T <t@example.gov> {} +0000\ndata 8\nedit {k:03}\n{parent}M 100644 inline records/{id}/record.toml\ndata {}\n{text}\n",
            k + 1,
            1_700_000_000 + k * 60,
            text.len()
        ));
    }
    let mut child = std::process::Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(reg.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stream.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    git(reg.path(), &["checkout", "-q", "main"]);
    let o = smout(reg.path(), &["log", "a", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let summaries: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(summaries.len(), 50, "{summaries:#?}");
    assert!(
        summaries[0].starts_with("edit 098: 1 change (1 material): Description of the use"),
        "{}",
        summaries[0]
    );
    assert_eq!(summaries[49], "edit 000: record created");
    // The same answers from a cold, single-pass rebuild.
    let o = smout(reg.path(), &["audit", "--rebuild-index"]);
    assert!(stdout(&o).contains("audited 100 commits"), "{}", stdout(&o));
}
