//! Determinations nobody can forge: signed commits and tags made with keys that `ssh-keygen`
//! generates here, the chain of trust of `[roles]`, and an audit that catches each attack of
//! the adversarial round — on real repositories. Needs `ssh-keygen` (openssh-client).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{git, git_register, smout_as, stderr, stdout};

const PAT: &str = "privacy@example.gov";
const ROB: &str = "rob.reviewer@example.gov";
const DANA: &str = "drafter@example.gov";

struct Key {
    private: PathBuf,
    public: String,
}

fn keygen(dir: &Path, name: &str, kind: &[&str]) -> Key {
    let private = dir.join(name);
    let o = Command::new("ssh-keygen")
        .args(["-q", "-N", "", "-C", name, "-f"])
        .arg(&private)
        .args(kind)
        .output()
        .expect("ssh-keygen (apt-get install openssh-client)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let public = std::fs::read_to_string(private.with_extension("pub"))
        .unwrap()
        .trim()
        .to_string();
    Key { private, public }
}

struct World {
    reg: tempfile::TempDir,
    _keys: tempfile::TempDir,
    pat: Key,
    rob: Key,
    dana: Key,
}

impl World {
    fn dir(&self) -> &Path {
        self.reg.path()
    }

    /// Run smout as `who`, signing with `key` (git's user.signingkey, as a user sets it).
    fn run(&self, who: &str, key: &Key, day: &str, args: &[&str]) -> Output {
        self.use_key(key);
        smout_as(self.dir(), who, day, args)
    }

    fn ok(&self, who: &str, key: &Key, day: &str, args: &[&str]) -> Output {
        let o = self.run(who, key, day, args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}\n{}\n{}",
            stdout(&o),
            stderr(&o)
        );
        o
    }

    /// Commit every change of the work tree with plain git as Dana, signed with `key`, on a
    /// day after the world's history.
    fn commit_by_hand(&self, key: &Key, message: &str) {
        self.git_as(
            DANA,
            key,
            "2024-06-01",
            &["commit", "-q", "-S", "-am", message],
        );
    }

    /// Make `key` git's signing key (user.signingkey), as its owner would.
    fn use_key(&self, key: &Key) {
        git(
            self.dir(),
            &["config", "user.signingkey", key.private.to_str().unwrap()],
        );
    }

    /// Dana changes record `x` and submits it again, signed with her key.
    fn resubmit(&self, day: &str) {
        common::edit(
            self.dir(),
            "x",
            "it_systems = \"Shared drive\"",
            "it_systems = \"Case system\"",
        );
        self.ok(DANA, &self.dana, day, &["submit", "x"]);
    }

    /// An audit of record (`--rebuild-index`: trusting git's objects only).
    fn audit(&self, extra: &[&str]) -> (Vec<String>, String) {
        let mut args = vec!["--rebuild-index"];
        args.extend_from_slice(extra);
        self.audit_trusting_caches(&args)
    }

    /// An audit that reads smout's caches in .git/smout: its codes and whole report.
    fn audit_trusting_caches(&self, extra: &[&str]) -> (Vec<String>, String) {
        let mut args = vec!["audit", "--format", "json"];
        args.extend_from_slice(extra);
        let o = smout_as(self.dir(), PAT, "2026-11-22", &args);
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
        let mut codes: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        codes.sort();
        codes.dedup();
        (codes, v.to_string())
    }
}

/// An unsigned register migrated as the README says: Pat gives herself a key, turns signatures
/// on, adds Rob; then Dana submits `x` (signed) and Pat approves it (signed).
fn world() -> World {
    let keys = tempfile::tempdir().unwrap();
    let pat = keygen(keys.path(), "pat", &["-t", "ed25519"]);
    let rob = keygen(keys.path(), "rob", &["-t", "ecdsa", "-b", "256"]);
    let dana = keygen(keys.path(), "dana", &["-t", "ed25519"]);
    let reg = git_register("x");
    let w = World {
        reg,
        _keys: keys,
        pat,
        rob,
        dana,
    };
    git(w.dir(), &["config", "gpg.format", "ssh"]);
    let pat_pub = w.pat.public.clone();
    w.ok(
        PAT,
        &w.pat,
        "2024-01-02",
        &["roles", "rotate-key", PAT, "--key", &pat_pub],
    );
    w.ok(PAT, &w.pat, "2024-01-02", &["roles", "require-signatures"]);
    let rob_pub = w.rob.public.clone();
    w.ok(
        PAT,
        &w.pat,
        "2024-01-03",
        &[
            "roles",
            "add",
            ROB,
            "--name",
            "Rob Reviewer",
            "--key",
            &rob_pub,
        ],
    );
    w.ok(DANA, &w.dana, "2024-01-10", &["submit", "x"]);
    w.ok(
        PAT,
        &w.pat,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    );
    w
}

#[test]
fn an_honest_signed_history_audits_clean_and_git_verifies_it_too() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["audit"]);
    let text = stdout(&o);
    assert!(text.contains("root of trust: commit "), "{text}");
    assert!(text.contains("privacy@example.gov: no keys"), "{text}");
    assert!(text.contains("signatures verified"), "{text}");
    // git itself says Good, with the allowed_signers smout exports.
    // (Outside .git: -o never writes git's files.)
    let signers = w._keys.path().join("allowed_signers");
    let o = smout_as(
        w.dir(),
        PAT,
        "2026-11-22",
        &[
            "roles",
            "export-allowed-signers",
            "-o",
            signers.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    git(
        w.dir(),
        &[
            "config",
            "gpg.ssh.allowedSignersFile",
            signers.to_str().unwrap(),
        ],
    );
    let log = Command::new("git")
        .args(["log", "--show-signature", "-1", "--format=%H"])
        .current_dir(w.dir())
        .env("HOME", w.dir())
        .output()
        .unwrap();
    let shown =
        String::from_utf8_lossy(&log.stdout).to_string() + &String::from_utf8_lossy(&log.stderr);
    assert!(
        shown.contains("Good \"git\" signature for privacy@example.gov"),
        "{shown}"
    );
    let tag = Command::new("git")
        .args(["tag", "-v", "smout/x/determination/1"])
        .current_dir(w.dir())
        .env("HOME", w.dir())
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&tag.stderr);
    assert!(
        shown.contains("Good \"git\" signature for privacy@example.gov"),
        "{shown}"
    );
    // roles list shows both reviewers with fingerprints.
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["roles", "list"]);
    assert!(
        stdout(&o).contains("signatures: required"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("rob.reviewer@example.gov  Rob Reviewer\n    SHA256:"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_signed_register_refuses_to_commit_without_a_key_and_says_how_to_set_one() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    git(w.dir(), &["config", "--unset", "user.signingkey"]);
    common::edit(
        w.dir(),
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    let head = git(w.dir(), &["rev-parse", "HEAD"]);
    let o = smout_as(w.dir(), DANA, "2024-03-01", &["submit", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("git config user.signingkey"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        git(w.dir(), &["rev-parse", "HEAD"]),
        head,
        "something was committed"
    );
}

#[test]
fn attack_1_a_drafter_who_grants_themselves_the_role_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    // Dana adds herself to [roles] by hand, determines, and removes herself again.
    let settings = w.dir().join("smout.toml");
    let before = std::fs::read_to_string(&settings).unwrap();
    let with_dana = before.clone()
        + &format!(
            "\n[[roles.reviewers]]\nemail = \"{DANA}\"\nkeys = [\"{}\"]\n",
            w.dana.public
        );
    std::fs::write(&settings, &with_dana).unwrap();
    w.commit_by_hand(&w.dana, "settings");
    w.resubmit("2024-03-01");
    w.ok(
        DANA,
        &w.dana,
        "2024-03-02",
        &["determine", "x", "--outcome", "met"],
    );
    std::fs::write(&settings, &before).unwrap();
    w.git_as(
        DANA,
        &w.dana,
        "2024-06-01",
        &["commit", "-q", "-S", "-am", "settings"],
    );
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU011".to_string()), "{json}");
    assert!(codes.contains(&"AU007".to_string()), "{json}");
}

#[test]
fn attack_2_a_borrowed_git_identity_does_not_make_a_reviewer() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    // Dana claims Pat's e-mail but can only sign with her own key.
    w.ok(
        PAT,
        &w.dana,
        "2024-03-02",
        &["determine", "x", "--outcome", "met"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU007"], "{json}");
    assert!(
        json.contains("not the key of a reviewer in force"),
        "{json}"
    );
}

#[test]
fn attack_2b_a_reviewer_key_with_another_reviewers_name_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    w.ok(
        PAT,
        &w.rob,
        "2024-03-02",
        &["determine", "x", "--outcome", "met"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU008"], "{json}");
}

#[test]
fn attack_3_a_rewritten_history_fails_loudly() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    // Pin the root of trust outside the history, as the audit output suggests.
    let (_, json) = w.audit(&[]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let root = v["root"]["commit"].as_str().unwrap().to_string();
    git(w.dir(), &["config", "audit.root", &root]);
    let o = Command::new("git")
        .args([
            "filter-branch",
            "-f",
            "--msg-filter",
            "cat; echo",
            "--",
            "--all",
        ])
        .current_dir(w.dir())
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .env("HOME", w.dir())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU012".to_string()), "{json}");
    assert!(codes.contains(&"AU005".to_string()), "{json}");
}

#[test]
fn attack_4_a_moved_or_deleted_submission_tag_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    // A later commit copies the trailer, and the tag is moved onto it.
    std::fs::write(w.dir().join("records/x/rules-of-behavior.txt"), "changed\n").unwrap();
    w.use_key(&w.dana);
    git(
        w.dir(),
        &[
            "commit",
            "-q",
            "-S",
            "-am",
            "touch\n\nsmout-submission: x/1",
        ],
    );
    git(
        w.dir(),
        &["tag", "-f", "-s", "-m", "moved", "smout/x/submission/1"],
    );
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU004".to_string()), "{json}");
    // Deleted: the submission commit's tag is gone.
    git(w.dir(), &["tag", "-d", "smout/x/submission/1"]);
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU009".to_string()), "{json}");
}

#[test]
fn attack_5_implausible_dates_are_refused_or_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    let o = w.run(
        PAT,
        &w.pat,
        "2024-03-02",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--reviewed",
            "2030-01-01",
            "--review-by",
            "2099-12-31",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("in the future"), "{}", stderr(&o));
    let o = w.run(
        PAT,
        &w.pat,
        "2024-03-02",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--review-by",
            "2099-12-31",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("beyond the review period"),
        "{}",
        stderr(&o)
    );
    // Hand-edited before committing (signed by Pat, so only the dates are wrong).
    w.ok(
        PAT,
        &w.pat,
        "2024-03-02",
        &["determine", "x", "--outcome", "met", "--no-commit"],
    );
    let d = w.dir().join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&d).unwrap();
    let forged = text
        .replace("reviewed = 2024-03-02", "reviewed = 1999-01-01")
        .replace("review_by = 2027-03-02", "review_by = 2199-01-01");
    assert_ne!(forged, text);
    std::fs::write(&d, forged).unwrap();
    w.use_key(&w.pat);
    Command::new("git")
        .args(["commit", "-q", "-S", "-am", "determine x"])
        .current_dir(w.dir())
        .env("GIT_AUTHOR_EMAIL", PAT)
        .env("GIT_COMMITTER_EMAIL", PAT)
        .env("GIT_AUTHOR_DATE", "2024-03-02T12:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-03-02T12:00:00Z")
        .env("HOME", w.dir())
        .output()
        .unwrap();
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU010".to_string()), "{json}");
    assert!(json.contains("1999-01-01 is before submission 2"), "{json}");
    assert!(
        json.contains("review_by 2199-01-01 lies beyond the review period"),
        "{json}"
    );
}

#[test]
fn copied_signatures_removed_keys_unsigned_commits_and_outsiders_are_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    // A key used after its removal.
    w.ok(PAT, &w.pat, "2024-03-01", &["roles", "remove", ROB]);
    w.resubmit("2024-03-02");
    // smout refuses Rob now; claiming Pat's address, his old key still signs nothing.
    let o = w.run(
        ROB,
        &w.rob,
        "2024-03-03",
        &["determine", "x", "--outcome", "met"],
    );
    assert_eq!(o.status.code(), Some(2));
    w.ok(
        PAT,
        &w.rob,
        "2024-03-03",
        &["determine", "x", "--outcome", "met"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU007"], "{json}");

    // An unsigned commit in a signed register.
    let w = world();
    std::fs::write(
        w.dir().join("records/x/rules-of-behavior.txt"),
        "unsigned\n",
    )
    .unwrap();
    w.git_as(
        DANA,
        &w.dana,
        "2024-06-01",
        &["commit", "-q", "-am", "no signature"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU005"], "{json}");
    // An audit that trusts smout's caches keeps what it verified by commit id; the next one
    // finds the same from it, and so does one with that cache damaged.
    let cached_audit = || w.audit_trusting_caches(&[]);
    let first = cached_audit();
    assert_eq!(first.0, ["AU005"]);
    let cache = w.dir().join(".git/smout/commits-v2");
    assert!(cache.exists(), "the audit keeps what it verified");
    assert_eq!(cached_audit(), first, "from the cache");
    std::fs::write(
        &cache,
        "smout commit facts v1\n{\"commits\":{}, \"tags\": 7}",
    )
    .unwrap();
    assert_eq!(cached_audit(), first, "damaged cache");

    // A signature copied from another commit onto a forged one.
    let w = world();
    let forged = git(w.dir(), &["cat-file", "commit", "HEAD"]);
    let tree = git(w.dir(), &["rev-parse", "HEAD^{tree}"])
        .trim()
        .to_string();
    // Same signature header, another tree: the parent's tree (the determination undone).
    let parent_tree = git(w.dir(), &["rev-parse", "HEAD^^{tree}"])
        .trim()
        .to_string();
    let forged = forged.replacen(&format!("tree {tree}"), &format!("tree {parent_tree}"), 1);
    let path = w.dir().join(".git/forged");
    std::fs::write(&path, forged).unwrap();
    let oid = git(
        w.dir(),
        &["hash-object", "-t", "commit", "-w", path.to_str().unwrap()],
    );
    std::fs::remove_file(&path).unwrap();
    git(w.dir(), &["update-ref", "refs/heads/main", oid.trim()]);
    git(w.dir(), &["reset", "-q", "--hard"]);
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU006".to_string()), "{json}");

    // A roles change signed by a non-reviewer.
    let w = world();
    let settings = w.dir().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("Rob Reviewer", "Rob R.")).unwrap();
    w.commit_by_hand(&w.dana, "rename");
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU011".to_string()), "{json}");
    assert!(codes.contains(&"AU007".to_string()), "{json}");
}

#[test]
fn with_a_quorum_of_two_a_roles_change_counts_once_a_second_reviewer_cosigns_it() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.ok(PAT, &w.pat, "2024-03-01", &["roles", "quorum", "2"]);
    let dana_pub = w.dana.public.clone();
    w.ok(
        PAT,
        &w.pat,
        "2024-03-02",
        &["roles", "add", DANA, "--key", &dana_pub],
    );
    let change = git(w.dir(), &["rev-parse", "HEAD"]).trim().to_string();
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU013"], "{json}");
    assert!(json.contains("1 of the 2 reviewer signatures"), "{json}");
    // Dana cannot co-sign her own appointment: she was not a reviewer before it.
    let o = w.run(DANA, &w.dana, "2024-03-03", &["roles", "cosign", &change]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let o = w.ok(ROB, &w.rob, "2024-03-03", &["roles", "cosign", &change]);
    assert!(
        stdout(&o).contains("co-signed: tag smout/roles/cosign/"),
        "{}",
        stdout(&o)
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");
}

/// A drafter's own `git commit` in a signed register: signed with `commit.gpgsign` (as the
/// README's set-up says) it audits clean; unsigned, the finding names that commit — not
/// `smout.toml:0`, a file and line it has nothing to do with — and says what to do.
#[test]
fn a_drafters_own_commit_is_audited_by_its_signature_and_named_by_its_commit() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.use_key(&w.dana);
    git(w.dir(), &["config", "commit.gpgsign", "true"]);
    std::fs::write(w.dir().join("records/x/notes.txt"), "notes\n").unwrap();
    git(w.dir(), &["add", "records/x/notes.txt"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-06-01",
        &["commit", "-q", "-m", "notes on x"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");

    git(w.dir(), &["config", "commit.gpgsign", "false"]);
    std::fs::write(w.dir().join("records/x/notes.txt"), "more notes\n").unwrap();
    w.git_as(
        DANA,
        &w.dana,
        "2024-06-01",
        &["commit", "-q", "-am", "more notes on x"],
    );
    let unsigned = git(w.dir(), &["rev-parse", "HEAD"]).trim().to_string();
    let (codes, _) = w.audit(&[]);
    assert_eq!(codes, ["AU005"]);
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["audit"]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let at = format!("--> commit {}", &unsigned[..10]);
    assert!(text.contains(&at), "{text}");
    assert!(!text.contains("smout.toml:0"), "{text}");
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["ci", "--base", "HEAD~2"]);
    let text = stdout(&o);
    assert!(
        text.contains(&format!("audit error[AU005] commit {}: ", &unsigned[..10])),
        "{text}"
    );
}

/// `.git/info/grafts` and replace refs make git show another history than the commits' own (a
/// graft that skipped a reviewer's removal hid their later determination from
/// `audit --rebuild-index`). The audit and the gate read the object graph as it is: beside
/// either, they refuse, naming it and how to remove it.
#[test]
fn grafts_and_replace_refs_are_refused_by_audit_and_ci() {
    let reg = common::submitted_register();
    let dir = reg.path();
    let head = git(dir, &["rev-parse", "HEAD"]).trim().to_string();
    std::fs::create_dir_all(dir.join(".git/info")).unwrap();
    std::fs::write(dir.join(".git/info/grafts"), format!("{head}\n")).unwrap();
    for args in [
        &["audit", "--rebuild-index"][..],
        &["audit"],
        &["ci", "--base", "HEAD~1"],
    ] {
        let o = smout_as(dir, PAT, "2026-11-22", args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stdout(&o));
        assert!(
            stderr(&o).contains(".git/info/grafts is there"),
            "{}",
            stderr(&o)
        );
    }
    std::fs::remove_file(dir.join(".git/info/grafts")).unwrap();
    git(dir, &["replace", "--graft", &head]);
    let o = smout_as(dir, PAT, "2026-11-22", &["audit", "--rebuild-index"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(&format!("refs/replace/{head} is there")),
        "{}",
        stderr(&o)
    );
    git(dir, &["replace", "-d", &head]);
    let o = smout_as(dir, PAT, "2026-11-22", &["audit", "--rebuild-index"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

impl World {
    /// Plain git as `who` (author and committer) on `day`, signing with `key` when it signs.
    fn git_as(&self, who: &str, key: &Key, day: &str, args: &[&str]) -> String {
        self.use_key(key);
        let o = Command::new("git")
            .args(args)
            .current_dir(self.dir())
            .env("GIT_AUTHOR_NAME", who.split('@').next().unwrap())
            .env("GIT_AUTHOR_EMAIL", who)
            .env("GIT_COMMITTER_NAME", who.split('@').next().unwrap())
            .env("GIT_COMMITTER_EMAIL", who)
            .env("GIT_AUTHOR_DATE", format!("{day}T12:00:00Z"))
            .env("GIT_COMMITTER_DATE", format!("{day}T12:00:00Z"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.dir())
            .output()
            .expect("git");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
        stdout(&o)
    }

    /// `smout ci --base <base>` as Pat: exit code and the whole summary.
    fn ci(&self, base: &str) -> (Option<i32>, String) {
        let o = smout_as(self.dir(), PAT, "2026-11-22", &["ci", "--base", base]);
        (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
    }
}

/// Attack: Rob forks before the Privacy Office removes him, records a determination on his
/// branch, and merges main in (signed). His branch's first parent is his own line, where he is
/// still a reviewer; the removal sits on the second parent. The audit judges the merge against
/// each parent: his decision enters main's line, where he was removed (AU002), before and after
/// main fast-forwards to it; and the gate refuses a branch that merged its base in.
#[test]
fn merge_attack_a_removed_reviewers_branch_decision_merged_with_main_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    w.git_as(ROB, &w.rob, "2024-03-01", &["branch", "rob"]);
    w.ok(PAT, &w.pat, "2024-03-02", &["roles", "remove", ROB]);
    w.git_as(ROB, &w.rob, "2024-03-03", &["checkout", "-q", "rob"]);
    w.ok(
        ROB,
        &w.rob,
        "2024-03-03",
        &["determine", "x", "--outcome", "met"],
    );
    w.git_as(
        ROB,
        &w.rob,
        "2024-03-04",
        &["merge", "-q", "-S", "--no-edit", "main"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU002"], "{json}");
    assert!(
        json.contains(&format!(
            "determination 2 of x, recorded by {ROB} in commit"
        )) && json.contains("into a line where"),
        "{json}"
    );
    let (code, text) = w.ci("main");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("is in HEAD's history only through a merge's second parent"),
        "{text}"
    );
    assert!(text.contains("audit error[AU002]"), "{text}");
    // Main fast-forwarded to the merge: the audit of record still finds it.
    w.git_as(PAT, &w.pat, "2024-03-05", &["checkout", "-q", "main"]);
    w.git_as(
        PAT,
        &w.pat,
        "2024-03-05",
        &["merge", "-q", "--ff-only", "rob"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU002"], "{json}");
}

/// Attack: an orphan history whose root of trust is an outsider (Dana names herself the only
/// reviewer), with main merged in as the second parent by `-s ours`. The merge changes the
/// roles against main's line by someone who was no reviewer there (AU011, AU007); a pinned
/// root finds another root (AU012); the gate refuses it.
#[test]
fn merge_attack_an_orphan_history_with_an_outsider_root_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    let root = {
        let (_, json) = w.audit(&[]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["root"]["commit"].as_str().unwrap().to_string()
    };
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-01",
        &["checkout", "-q", "--orphan", "evil"],
    );
    let settings = format!(
        "[roles]\nrequire_signatures = true\nreviewers = [{{ email = \"{DANA}\", name = \"Dana\", keys = [\"{}\"] }}]\n",
        w.dana.public
    );
    std::fs::write(w.dir().join("smout.toml"), settings).unwrap();
    w.git_as(DANA, &w.dana, "2024-03-01", &["add", "-A"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-01",
        &["commit", "-q", "-S", "-m", "register"],
    );
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-02",
        &[
            "merge",
            "-q",
            "-S",
            "-s",
            "ours",
            "--allow-unrelated-histories",
            "--no-edit",
            "main",
        ],
    );
    let (codes, json) = w.audit(&[]);
    assert!(
        codes.contains(&"AU011".to_string()) && codes.contains(&"AU007".to_string()),
        "{json}"
    );
    let (codes, _) = w.audit(&["--root", &root]);
    assert!(codes.contains(&"AU012".to_string()), "{codes:?}");
    let (code, text) = w.ci("main");
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("only through a merge's second parent"),
        "{text}"
    );
    let o = smout_as(
        w.dir(),
        PAT,
        "2026-11-22",
        &["ci", "--base", "main", "--root", &root],
    );
    assert!(stdout(&o).contains("audit error[AU012]"), "{}", stdout(&o));
}

/// Attack: a determination Dana (a drafter) writes by hand on a side branch, signed with her
/// own key, then merged into main by Pat's signed merge. The side commit is judged as any:
/// not a reviewer (AU002), not a reviewer's key (AU007).
#[test]
fn merge_attack_a_forged_decision_on_a_side_branch_merged_by_a_reviewer_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-02",
        &["checkout", "-q", "-b", "side"],
    );
    let dets = w.dir().join("records/x/determinations.toml");
    let text = std::fs::read_to_string(&dets).unwrap();
    let entry = text[text.find("[[determination]]").unwrap()..]
        .replace("submission = 1", "submission = 2")
        .replace("2024-02-01", "2024-03-02");
    std::fs::write(&dets, format!("{text}\n{entry}")).unwrap();
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-02",
        &["commit", "-q", "-S", "-am", "approve x"],
    );
    w.git_as(PAT, &w.pat, "2024-03-03", &["checkout", "-q", "main"]);
    w.git_as(
        PAT,
        &w.pat,
        "2024-03-03",
        &["merge", "-q", "-S", "--no-ff", "--no-edit", "side"],
    );
    let (codes, json) = w.audit(&[]);
    assert!(
        codes.contains(&"AU002".to_string()) && codes.contains(&"AU007".to_string()),
        "{json}"
    );
    assert!(json.contains("on a merged branch"), "{json}");
}

/// Honest merges audit clean: a drafter's branch merged into main by Pat's signed merge; a
/// branch that merged main (with a decision Pat made there) into itself; and main, after a
/// reviewer joined and decided on it, merged into a branch forked before.
#[test]
fn honest_merges_in_either_direction_audit_clean() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    git(w.dir(), &["config", "commit.gpgsign", "true"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-01",
        &["checkout", "-q", "-b", "notes"],
    );
    std::fs::write(w.dir().join("records/x/notes.txt"), "notes\n").unwrap();
    w.git_as(DANA, &w.dana, "2024-03-01", &["add", "-A"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-01",
        &["commit", "-q", "-m", "notes on x"],
    );
    w.git_as(PAT, &w.pat, "2024-03-02", &["checkout", "-q", "main"]);
    w.resubmit("2024-03-02");
    let dana_pub = w.dana.public.clone();
    w.ok(
        PAT,
        &w.pat,
        "2024-03-03",
        &[
            "roles",
            "add",
            "new.reviewer@example.gov",
            "--key",
            &dana_pub,
        ],
    );
    w.ok(
        "new.reviewer@example.gov",
        &w.dana,
        "2024-03-04",
        &["determine", "x", "--outcome", "met"],
    );
    // Main merged into the drafter's branch (its first parent), then that merged into main.
    w.git_as(DANA, &w.dana, "2024-03-05", &["checkout", "-q", "notes"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-05",
        &["merge", "-q", "--no-edit", "main"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");
    w.git_as(PAT, &w.pat, "2024-03-06", &["checkout", "-q", "main"]);
    w.git_as(
        PAT,
        &w.pat,
        "2024-03-06",
        &["merge", "-q", "--no-ff", "--no-edit", "notes"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");
}

/// Attack: Pat dates a decision in the future — `reviewed` and the commit's date (as
/// GIT_COMMITTER_DATE sets it) alike — so "reviewed after it was recorded" holds. The next
/// commit, made on the true day, is dated before it: the commit times go backwards, and the
/// decision is reviewed after the commit made on top of it (AU010, both named).
#[test]
fn attack_5c_a_decision_dated_in_the_future_with_its_commit_is_caught_by_the_next_commit() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    w.ok(
        PAT,
        &w.pat,
        "2024-09-30",
        &["determine", "x", "--outcome", "met"],
    );
    let forged = git(w.dir(), &["rev-parse", "--short=10", "HEAD"])
        .trim()
        .to_string();
    let (codes, json) = w.audit(&[]);
    assert_eq!(
        codes,
        Vec::<String>::new(),
        "alone, it cannot be told: {json}"
    );
    // A day later in truth: Dana's next change.
    std::fs::write(w.dir().join("records/x/notes.txt"), "notes\n").unwrap();
    w.git_as(DANA, &w.dana, "2024-03-03", &["add", "-A"]);
    w.git_as(
        DANA,
        &w.dana,
        "2024-03-03",
        &["commit", "-q", "-S", "-m", "notes"],
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU010"], "{json}");
    assert!(
        json.contains(&format!(
            "commit {forged} is dated 2024-09-30, after its child"
        )),
        "{json}"
    );
    assert!(
        json.contains(
            "determination 2 of x is reviewed 2024-09-30, after the commit made on top of it"
        ),
        "{json}"
    );
}

/// Weak by design, decided: a reviewer's key changed by another reviewer counts only with the
/// owner's co-signature or a second reviewer's. Pat puts her own key on Rob's e-mail (to sign
/// as him): smout says what it needs, and the audit finds it (AU013) until Rob co-signs.
#[test]
fn another_reviewers_key_changed_counts_only_once_co_signed() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    let pat_pub = w.pat.public.clone();
    let o = w.ok(
        PAT,
        &w.pat,
        "2024-03-01",
        &["roles", "rotate-key", ROB, "--key", &pat_pub],
    );
    let change = git(w.dir(), &["rev-parse", "HEAD"]).trim().to_string();
    let fp = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(w.pat.private.with_extension("pub"))
        .output()
        .unwrap();
    let fp = stdout(&fp).split_whitespace().nth(1).unwrap().to_string();
    assert_eq!(
        stdout(&o),
        format!(
            "committed roles: rotate the key of {ROB} ({fp})\nnext: this changes another reviewer's key, so it counts once {ROB} (with a key in force) or a second reviewer co-signs it: smout roles cosign {}\n",
            &change[..10]
        )
    );
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, ["AU013"], "{json}");
    assert!(
        json.contains(&format!("changed the keys of {ROB}, made by {PAT}")),
        "{json}"
    );
    w.ok(ROB, &w.rob, "2024-03-02", &["roles", "cosign", &change]);
    let (codes, json) = w.audit(&[]);
    assert_eq!(codes, Vec::<String>::new(), "{json}");
}

/// Weak by design, decided: the review policy (`[review]`) is the Privacy Office's. It is
/// bounded (no period past three years, a warning of at least a week), and a change of it by
/// someone who is not a reviewer in force is AU011, like a change of `[roles]`.
#[test]
fn the_review_policy_is_bounded_and_changed_only_by_a_reviewer() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    let settings = w.dir().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}\n[review]\nperiod = \"99y\"\n")).unwrap();
    let o = smout_as(w.dir(), DANA, "2024-03-01", &["status"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("review.period: 99y is outside what the review policy allows: from a day to three years"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&settings, format!("{text}\n[review]\nwarn = \"0d\"\n")).unwrap();
    let o = smout_as(w.dir(), DANA, "2024-03-01", &["status"]);
    assert!(
        stderr(&o).contains("review.warn: 0d is outside"),
        "{}",
        stderr(&o)
    );
    // Within the bounds, but by a drafter.
    std::fs::write(&settings, format!("{text}\n[review]\nperiod = \"2y\"\n")).unwrap();
    w.commit_by_hand(&w.dana, "longer reviews");
    let (codes, json) = w.audit(&[]);
    assert!(codes.contains(&"AU011".to_string()), "{json}");
    assert!(
        json.contains("changed [review], the review policy"),
        "{json}"
    );
}

/// Weak by design, decided: a decision recorded for someone else (`--reviewer`) names them,
/// but the audit lists it as recorded and signed by its signer on their behalf; a reviewer's
/// own decision names them by the name `[roles]` gives them.
#[test]
fn a_decision_recorded_for_another_reviewer_is_listed_by_the_audit_with_its_signer() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let w = world();
    w.resubmit("2024-03-01");
    let o = w.ok(
        ROB,
        &w.rob,
        "2024-03-02",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--reviewer",
            "Someone Else",
        ],
    );
    assert!(
        stderr(&o).contains(&format!(
            "note: recorded for Someone Else, by you ({ROB}): `smout audit` lists it"
        )),
        "{}",
        stderr(&o)
    );
    let commit = git(w.dir(), &["rev-parse", "--short=10", "HEAD"])
        .trim()
        .to_string();
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["audit"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(&format!(
            "recorded for another reviewer (the entry names them; its signer recorded it):\n  x determination 2: recorded and signed by {ROB} (Rob Reviewer), commit {commit}\n"
        )),
        "{}",
        stdout(&o)
    );
    // Rob's own decision names him as [roles] does, and is not listed.
    common::edit(
        w.dir(),
        "x",
        "it_systems = \"Case system\"",
        "it_systems = \"Case system and shared drive\"",
    );
    w.ok(DANA, &w.dana, "2024-03-03", &["submit", "x"]);
    w.ok(
        ROB,
        &w.rob,
        "2024-03-04",
        &["determine", "x", "--outcome", "met"],
    );
    let dets = std::fs::read_to_string(w.dir().join("records/x/determinations.toml")).unwrap();
    assert!(dets.contains("reviewer = \"Rob Reviewer\""), "{dets}");
    let o = smout_as(w.dir(), PAT, "2026-11-22", &["audit"]);
    assert_eq!(
        stdout(&o).matches("recorded and signed by").count(),
        1,
        "{}",
        stdout(&o)
    );
}
