//! Nothing lost, nothing leaked, never a panic: each reproducer of the adversarial round is a
//! test here — interrupted and concurrent changes, links out of the register, inputs that used
//! to panic, detached HEAD and shallow clones.

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git, git_register, ok, smout_as, smout_with, stderr, stdout};

const DRAFTER: &str = "drafter@example.gov";
const REVIEWER: &str = "privacy@example.gov";

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// `git status --porcelain` of the register (empty: work tree, index and HEAD agree).
fn porcelain(dir: &Path) -> String {
    git(dir, &["status", "--porcelain"])
}

fn tags(dir: &Path) -> String {
    git(dir, &["tag", "-l"])
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

/// The register is whole: the work tree and index agree with HEAD, no journal is left, and
/// HEAD's record has the submission date iff a submission tag exists.
fn assert_whole(dir: &Path) {
    assert_eq!(porcelain(dir), "", "work tree or index disagree with HEAD");
    assert!(!dir.join(".git/smout/journal").exists(), "journal left");
    assert!(!dir.join(".git/index.lock").exists(), "index.lock left");
}

#[test]
fn a_submit_killed_between_any_two_steps_leaves_the_register_whole() {
    for point in [
        "before-branch",
        "after-branch",
        "after-tag",
        "after-worktree",
        "after-index",
    ] {
        let reg = git_register("x");
        let dir = reg.path();
        // An empty submission date makes submit rewrite record.toml.
        edit(dir, "x", "date_submitted = 2020-01-15\n", "");
        git(dir, &["commit", "-qam", "no date yet"]);
        let before = std::fs::read(dir.join("records/x/record.toml")).unwrap();
        let head_before = head(dir);
        let o = smout_with(
            dir,
            DRAFTER,
            "2024-01-10",
            &["submit", "x"],
            &[("SMOUT_TEST_CRASH_AT", point)],
        );
        assert_ne!(code(&o), 0, "{point}: the crash point was not reached");
        let after = std::fs::read(dir.join("records/x/record.toml")).unwrap();
        assert!(!after.is_empty(), "{point}: record.toml was emptied");
        if point == "before-branch" {
            // Nothing took effect: HEAD, the record and the tags are as they were.
            assert_eq!(head(dir), head_before, "{point}");
            assert_eq!(after, before, "{point}");
            assert_eq!(tags(dir), "", "{point}");
        }
        // The next smout that takes the lock finishes or forgets the change.
        let o = smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]);
        assert_whole(dir);
        assert_eq!(tags(dir), "smout/x/submission/1\n", "{point}");
        if point == "before-branch" {
            // Forgotten: this submit is the first one.
            assert_eq!(code(&o), 0, "{point}: {}", stderr(&o));
        } else {
            // Finished: the interrupted submission stands, so this one has nothing new.
            assert_eq!(code(&o), 2, "{point}: {}", stderr(&o));
            assert!(
                stderr(&o).contains("finished `smout submit x`"),
                "{point}: {}",
                stderr(&o)
            );
            assert!(
                stderr(&o).contains("has not changed since submission 1"),
                "{point}"
            );
        }
        let text = std::fs::read_to_string(dir.join("records/x/record.toml")).unwrap();
        assert!(text.contains("date_submitted = 20"), "{point}: {text}");
    }
}

#[test]
fn a_determination_killed_between_any_two_steps_is_finished_by_the_next_run() {
    for point in ["after-branch", "after-tag", "after-worktree", "after-index"] {
        let reg = common::submitted_register();
        let dir = reg.path();
        let o = smout_with(
            dir,
            REVIEWER,
            "2024-02-01",
            &["determine", "x", "--outcome", "met"],
            &[("SMOUT_TEST_CRASH_AT", point)],
        );
        assert_ne!(code(&o), 0, "{point}");
        // Any committing command finishes it first; a second determination is then refused
        // because submission 1 has one.
        let o = smout_as(
            dir,
            REVIEWER,
            "2024-02-02",
            &["determine", "x", "--outcome", "met"],
        );
        assert_eq!(code(&o), 2, "{point}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("finished `smout determination x`"),
            "{point}: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("has a determination already"),
            "{point}"
        );
        assert_whole(dir);
        assert!(tags(dir).contains("smout/x/determination/1"), "{point}");
        let a = ok(smout_as(dir, REVIEWER, "2024-02-03", &["audit"]));
        assert!(
            stdout(&a).contains(": 0 findings"),
            "{point}: {}",
            stdout(&a)
        );
    }
}

#[test]
fn concurrent_submits_and_determinations_lose_nothing() {
    let reg = git_register("a");
    let dir = reg.path();
    for id in ["b", "c", "d"] {
        common::add_record(
            dir,
            id,
            &std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap(),
        );
    }
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "more records"]);
    let ids = ["a", "b", "c", "d"];
    std::thread::scope(|s| {
        for id in ids {
            s.spawn(move || ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", id])));
        }
    });
    assert_whole(dir);
    std::thread::scope(|s| {
        for id in ids {
            s.spawn(move || {
                ok(smout_as(
                    dir,
                    REVIEWER,
                    "2024-02-01",
                    &["determine", id, "--outcome", "met"],
                ))
            });
        }
    });
    assert_whole(dir);
    let t = tags(dir);
    for id in ids {
        assert!(t.contains(&format!("smout/{id}/submission/1")), "{t}");
        assert!(t.contains(&format!("smout/{id}/determination/1")), "{t}");
    }
    // Eight commits on top of the two that made the register, in one line of history.
    let count = git(dir, &["rev-list", "--count", "HEAD"]);
    assert_eq!(count.trim(), "10");
    let a = ok(smout_as(dir, REVIEWER, "2024-02-03", &["audit"]));
    assert!(stdout(&a).contains(": 0 findings"), "{}", stdout(&a));
}

#[test]
fn a_busy_register_lock_is_waited_for_then_refused_with_a_hint() {
    let reg = git_register("x");
    let dir = reg.path();
    std::fs::create_dir_all(dir.join(".git/smout")).unwrap();
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".git/smout/lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = smout_with(
        dir,
        DRAFTER,
        "2024-01-10",
        &["submit", "x"],
        &[("SMOUT_LOCK_TIMEOUT", "0.2")],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("another smout is changing this register"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("SMOUT_LOCK_TIMEOUT"), "{}", stderr(&o));
    assert_eq!(tags(dir), "");
    drop(lock);
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
}

#[test]
fn submit_commits_the_attachments_with_the_record() {
    let reg = git_register("x");
    let dir = reg.path();
    std::fs::write(
        dir.join("records/x/rules-of-behavior.txt"),
        "Rules of Behavior, revised\n",
    )
    .unwrap();
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    let shown = git(
        dir,
        &[
            "show",
            "smout/x/submission/1:records/x/rules-of-behavior.txt",
        ],
    );
    assert_eq!(shown, "Rules of Behavior, revised\n");
    assert_whole(dir);
}

#[test]
fn submit_refuses_a_record_unchanged_since_its_last_submission() {
    let reg = common::submitted_register();
    let dir = reg.path();
    let o = smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("x has not changed since submission 1"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tags(dir), "smout/x/submission/1\n");
}

#[test]
fn lone_cr_and_crlf_inputs_give_findings_not_panics() {
    let reg = git_register("x");
    let dir = reg.path();
    for text in [
        "title = \"x\"\r",
        "title = \"x\r\nform = 1\r\n",
        "form = \"dhs-smout\"\r\ntitle = \"unclosed\r\n[summary]\r\n",
        "\r\r\r",
    ] {
        std::fs::write(dir.join("records/x/record.toml"), text).unwrap();
        for args in [
            &["check", "x"][..],
            &["check", "--release", "x"],
            &["submit", "x"],
            &["render", "x", "--release", "-o", "-"],
        ] {
            let o = smout_as(dir, DRAFTER, "2024-01-10", args);
            assert!(
                matches!(code(&o), 1 | 2),
                "{args:?} on {text:?}: exit {:?}\n{}",
                o.status.code(),
                stderr(&o)
            );
            assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        }
    }
}

#[cfg(unix)]
#[test]
fn links_out_of_the_register_are_refused_never_followed() {
    use std::os::unix::fs::symlink;
    let reg = git_register("x");
    let dir = reg.path();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:SECRET-OUTSIDE\n").unwrap();

    // A template linked to a file outside: refused, and nothing of it is rendered.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    symlink(&secret, dir.join("templates/record.html")).unwrap();
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-01-10",
        &["render", "x", "--format", "html", "-o", "-"],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(!stdout(&o).contains("SECRET-OUTSIDE"));
    assert!(stderr(&o).contains("symbolic link"), "{}", stderr(&o));
    std::fs::remove_file(dir.join("templates/record.html")).unwrap();

    // A form, the catalog or the settings linked to /dev/zero: refused before reading.
    for (link, target) in [("forms/x.toml", "/dev/zero"), ("catalog.toml", "/dev/zero")] {
        let path = dir.join(link);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        symlink(target, &path).unwrap();
        let o = smout_as(dir, DRAFTER, "2024-01-10", &["check", "x"]);
        assert_eq!(code(&o), 2, "{link}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("symbolic link"),
            "{link}: {}",
            stderr(&o)
        );
        std::fs::remove_file(&path).unwrap();
    }
    git(dir, &["checkout", "--", "catalog.toml"]);

    // A record linked to /dev/zero: one finding, no read.
    let record = dir.join("records/x/record.toml");
    let saved = std::fs::read(&record).unwrap();
    std::fs::remove_file(&record).unwrap();
    symlink("/dev/zero", &record).unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["check", "x"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("error[SM017]: the record file is a symbolic link"),
        "{}",
        stdout(&o)
    );

    // submit never writes the date through a record link into a file outside.
    std::fs::remove_file(&record).unwrap();
    let target = outside.path().join("record.toml");
    std::fs::write(
        &target,
        String::from_utf8(saved.clone())
            .unwrap()
            .replace("date_submitted = 2020-01-15\n", ""),
    )
    .unwrap();
    symlink(&target, &record).unwrap();
    let before = std::fs::read(&target).unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]);
    assert_ne!(code(&o), 0);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        before,
        "written through the link"
    );
    std::fs::remove_file(&record).unwrap();
    std::fs::write(&record, &saved).unwrap();

    // An attachment linked to a file outside does not satisfy SM011.
    let rob = dir.join("records/x/rules-of-behavior.txt");
    std::fs::remove_file(&rob).unwrap();
    symlink(&secret, &rob).unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["check", "x"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("error[SM011]"), "{}", stdout(&o));
}

#[test]
fn a_detached_head_is_refused_before_anything_changes() {
    let reg = git_register("x");
    let dir = reg.path();
    let at = head(dir);
    git(dir, &["checkout", "-q", "--detach", &at]);
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("HEAD is detached"), "{}", stderr(&o));
    assert!(stderr(&o).contains("git switch"), "{}", stderr(&o));
    assert_eq!(tags(dir), "");
    assert_eq!(head(dir), at);
    assert_eq!(porcelain(dir), "");
}

#[test]
fn a_shallow_clone_is_refused_by_audit_instead_of_false_findings() {
    let reg = common::submitted_register();
    let dir = reg.path();
    ok(smout_as(
        dir,
        REVIEWER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    ));
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "c"]);
    let o = smout_as(&clone.path().join("c"), REVIEWER, "2024-02-02", &["audit"]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("shallow clone"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("git fetch --unshallow"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_register_without_git_says_so_instead_of_showing_drafts() {
    let reg = common::register();
    common::add_record(
        reg.path(),
        "x",
        &std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap(),
    );
    let o = smout_as(reg.path(), DRAFTER, "2024-01-10", &["status"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is not inside a git repository"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("Clone the register"), "{}", stderr(&o));
}

#[test]
fn uncommitted_roles_and_determinations_are_not_believed() {
    let reg = common::submitted_register();
    let dir = reg.path();
    // A drafter adds themselves as a reviewer without committing: refused.
    let settings = std::fs::read_to_string(dir.join("smout.toml")).unwrap();
    std::fs::write(
        dir.join("smout.toml"),
        settings.replace(
            "\"privacy@example.gov\"",
            "\"privacy@example.gov\", \"drafter@example.gov\"",
        ),
    )
    .unwrap();
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    );
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(stderr(&o).contains("not a reviewer"), "{}", stderr(&o));
    git(dir, &["checkout", "--", "smout.toml"]);
    ok(smout_as(
        dir,
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "not-authorized",
            "--comments",
            "No authority.",
        ],
    ));
    // An uncommitted edit of determinations.toml does not change the status, and is reported.
    let d = dir.join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&d).unwrap();
    std::fs::write(&d, text.replace("not-authorized", "met")).unwrap();
    let o = ok(smout_as(dir, REVIEWER, "2024-02-02", &["status", "x"]));
    assert!(stdout(&o).contains("not-authorized"), "{}", stdout(&o));
    assert!(stderr(&o).contains("uncommitted changes"), "{}", stderr(&o));
}

#[test]
fn a_tag_lock_that_stops_a_submit_is_reported_then_finished_not_refused() {
    let reg = git_register("x");
    let dir = reg.path();
    let lock = dir.join(".git/refs/tags/smout/x/submission/1.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, "").unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    // The commit landed, its tag did not: status says so and how it gets finished.
    let o = ok(smout_as(dir, DRAFTER, "2024-01-11", &["status"]));
    assert!(
        stderr(&o).contains("`smout submit x` was interrupted"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(&lock).unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]);
    assert!(
        stderr(&o).contains("finished `smout submit x`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tags(dir), "smout/x/submission/1\n");
    assert_whole(dir);
}

/// A kill while libgit2 writes a reference leaves its lock file (`refs/heads/main.lock`, a
/// tag's `.lock`, `packed-refs.lock`): the journal was written first, so the next smout, which
/// holds the register lock, knows no living process holds it — it removes it and finishes or
/// forgets the change, instead of saying "main moved … run the command again" forever.
#[test]
fn a_reference_lock_left_by_a_killed_smout_is_cleared_by_the_next_one() {
    for (point, lock) in [
        ("before-branch", "refs/heads/main.lock"),
        ("after-branch", "refs/tags/smout/x/submission/1.lock"),
        ("after-branch", "packed-refs.lock"),
    ] {
        let reg = git_register("x");
        let dir = reg.path();
        let o = smout_with(
            dir,
            DRAFTER,
            "2024-01-10",
            &["submit", "x"],
            &[("SMOUT_TEST_CRASH_AT", point)],
        );
        assert_ne!(code(&o), 0, "{point}");
        // What the kill left mid-write, after the journal.
        let path = dir.join(".git").join(lock);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "0123456789012345678901234567890123456789\n").unwrap();
        let o = smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]);
        let err = stderr(&o);
        assert!(err.contains(&format!("removed {lock}")), "{lock}: {err}");
        assert!(!path.exists(), "{lock} is still there");
        assert_whole(dir);
        assert_eq!(tags(dir), "smout/x/submission/1\n", "{lock}: {err}");
        // And the register works on.
        let o = smout_as(dir, DRAFTER, "2024-01-12", &["status"]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
}

/// A reference lock smout cannot explain (no interrupted smout of its own: a git command
/// running, or one killed) is never removed: the refusal names the file and says what to do.
#[test]
fn a_reference_lock_smout_did_not_leave_is_named_with_what_to_do() {
    let reg = git_register("x");
    let dir = reg.path();
    let lock = dir.join(".git/refs/heads/main.lock");
    std::fs::write(&lock, "0123456789012345678901234567890123456789\n").unwrap();
    let o = smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o).replace(&dir.display().to_string(), "[REG]");
    insta::assert_snapshot!("a_foreign_ref_lock", err);
    assert!(lock.exists(), "smout removed a lock it could not explain");
    std::fs::remove_file(&lock).unwrap();
    ok(smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]));
}

/// A repository that keeps its references in a reftable (`git init --ref-format=reftable`, the
/// default of git's next major version) is named for what it is, with the command that
/// converts it — not "no register" or "not inside a git repository" — and `init` makes no
/// second repository inside it.
#[test]
fn a_reftable_repository_is_named_with_how_to_convert_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let o = std::process::Command::new("git")
        .args(["init", "-q", "--ref-format=reftable", "-b", "main"])
        .arg(dir)
        .output()
        .unwrap();
    if !o.status.success() {
        // A git older than 2.45 has no reftable: nothing to test.
        return;
    }
    std::fs::write(dir.join("smout.toml"), "name = \"r\"\n").unwrap();
    for args in [&["status"][..], &["init", "--unsigned", "sub"]] {
        let o = smout_as(dir, DRAFTER, "2024-01-11", args);
        assert_eq!(code(&o), 2, "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("keeps its references in a reftable"), "{err}");
        assert!(err.contains("refs migrate --ref-format=files"), "{err}");
    }
    assert!(
        !dir.join("sub").exists(),
        "init made a repository inside the reftable one"
    );
}
