//! Every user-visible output is a snapshot (#31): what `audit`, `report`, `ci` and `roles`
//! print, and a dozen refusals, each pinned whole — the command, its exit code, stdout and
//! stderr in one snapshot — as the real binary prints them on registers made the documented
//! way: people with their own home folders, git identities and SSH signing keys (README, "Once,
//! for everyone"), a register made by `smout init` whose first reviewer is its root of trust,
//! records submitted and decided by smout. Needs `ssh-keygen` (openssh-client).
//!
//! What changes from run to run is filtered: the temporary folder, commit ids (the keys are new
//! each run, so are the signed commits), key fingerprints. Days are fixed (`SMOUT_TODAY`, git's
//! dates, `SOURCE_DATE_EPOCH`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What a PDF or page may say was made at: 2026-11-22T00:00:00Z.
const EPOCH: &str = "1795305600";

/// Someone with a home folder of their own: a git identity and an SSH signing key in its
/// global git config, as the README's first block sets them.
struct Person {
    name: &'static str,
    email: &'static str,
    home: PathBuf,
    public_key: String,
    /// The key's fingerprint, as smout prints it (`SHA256:…`).
    fingerprint: String,
}

impl Person {
    /// A person, set up as the README says (`git config --global …`, `ssh-keygen`).
    fn new(root: &Path, who: &str, name: &'static str, email: &'static str) -> Person {
        let home = root.join(who);
        std::fs::create_dir_all(home.join(".ssh")).unwrap();
        let key = home.join(".ssh/id_ed25519");
        let o = Command::new("ssh-keygen")
            .args(["-t", "ed25519", "-N", "", "-q", "-C", email, "-f"])
            .arg(&key)
            .output()
            .expect("ssh-keygen (apt-get install openssh-client)");
        assert!(o.status.success(), "{}", common::stderr(&o));
        let o = Command::new("ssh-keygen")
            .arg("-lf")
            .arg(key.with_extension("pub"))
            .output()
            .unwrap();
        let listed = common::stdout(&o);
        let fingerprint = listed.split(' ').nth(1).unwrap_or_default().to_string();
        assert!(fingerprint.starts_with("SHA256:"), "{listed}");
        let p = Person {
            fingerprint,
            name,
            email,
            public_key: std::fs::read_to_string(key.with_extension("pub"))
                .unwrap()
                .trim()
                .to_string(),
            home,
        };
        let pub_path = key.with_extension("pub");
        for (k, v) in [
            ("user.name", name),
            ("user.email", email),
            ("gpg.format", "ssh"),
            ("user.signingkey", pub_path.to_str().unwrap()),
            ("commit.gpgsign", "true"),
        ] {
            p.git(root, "2024-01-01", &["config", "--global", k, v]);
        }
        p
    }

    /// Someone with a home folder and nothing in it: no git identity at all.
    fn nobody(root: &Path) -> Person {
        let home = root.join("nobody");
        std::fs::create_dir_all(&home).unwrap();
        Person {
            name: "",
            email: "",
            home,
            public_key: String::new(),
            fingerprint: String::new(),
        }
    }

    /// A command as this person runs it in `dir` on `day`: their home, no colour, fixed dates.
    fn command(&self, program: &str, dir: &Path, day: &str) -> Command {
        let mut c = Command::new(program);
        c.current_dir(dir)
            .env("HOME", &self.home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("SMOUT_TODAY", day)
            .env("NO_COLOR", "1")
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .env("GIT_AUTHOR_DATE", format!("{day}T12:00:00Z"))
            .env("GIT_COMMITTER_DATE", format!("{day}T12:00:00Z"));
        for v in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
            "GIT_DIR",
            "GIT_WORK_TREE",
            "EMAIL",
            "CLICOLOR_FORCE",
            "SMOUT_LOCK_TIMEOUT",
        ] {
            c.env_remove(v);
        }
        c
    }

    /// Run smout.
    fn smout(&self, dir: &Path, day: &str, args: &[&str]) -> Output {
        self.command(env!("CARGO_BIN_EXE_smout"), dir, day)
            .args(args)
            .output()
            .expect("run smout")
    }

    /// Run smout, which must succeed.
    fn ok(&self, dir: &Path, day: &str, args: &[&str]) -> Output {
        let o = self.smout(dir, day, args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}\nstdout: {}\nstderr: {}",
            common::stdout(&o),
            common::stderr(&o)
        );
        o
    }

    /// Run git, which must succeed.
    fn git(&self, dir: &Path, day: &str, args: &[&str]) -> String {
        let o = self
            .command("git", dir, day)
            .args(args)
            .output()
            .expect("git");
        assert!(o.status.success(), "git {args:?}: {}", common::stderr(&o));
        common::stdout(&o)
    }
}

/// A register made as the README's tour makes it: Pat, the Privacy Officer, creates it and is
/// its first reviewer; Dana drafts `cbp-fld` (the minimal valid record), commits it (signed)
/// and submits it; Pat approves it.
struct World {
    tmp: tempfile::TempDir,
    reg: PathBuf,
    /// The register's root of trust: the commit that named Pat its first reviewer.
    root: String,
    pat: Person,
    dana: Person,
}

impl World {
    fn new() -> World {
        let tmp = tempfile::tempdir().unwrap();
        let pat = Person::new(tmp.path(), "pat", "Pat Officer", "pat.officer@example.gov");
        let dana = Person::new(
            tmp.path(),
            "dana",
            "Dana Drafter",
            "dana.drafter@example.gov",
        );
        let reg = tmp.path().join("cbp-register");
        pat.ok(
            tmp.path(),
            "2024-01-02",
            &["init", "cbp-register", "--name", "CBP SMOUT register"],
        );
        pat.ok(
            &reg,
            "2024-01-02",
            &[
                "roles",
                "add",
                pat.email,
                "--name",
                pat.name,
                "--key",
                &pat.public_key,
            ],
        );
        let root = pat
            .git(&reg, "2024-01-02", &["rev-parse", "HEAD"])
            .trim()
            .to_string();
        let w = World {
            tmp,
            reg,
            root,
            pat,
            dana,
        };
        w.draft("cbp-fld", "2024-01-05");
        w.dana.ok(&w.reg, "2024-01-10", &["submit", "cbp-fld"]);
        w.pat.ok(
            &w.reg,
            "2024-02-01",
            &["determine", "cbp-fld", "--outcome", "met"],
        );
        w
    }

    /// Dana adds the minimal valid record as `id` and commits it with git (signed).
    fn draft(&self, id: &str, day: &str) {
        let text = std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap();
        common::add_record(&self.reg, id, &text);
        self.dana.git(&self.reg, day, &["add", "-A"]);
        self.dana.git(
            &self.reg,
            day,
            &["commit", "-q", "-m", &format!("draft {id}")],
        );
    }

    /// The filters that make this world's outputs the same from run to run, the root of
    /// trust named as such.
    fn filters(&self) -> Vec<(String, String)> {
        self.filters_with(&[])
    }

    /// [`World::filters`], with the keys of `others` named too.
    fn filters_with(&self, others: &[&Person]) -> Vec<(String, String)> {
        let mut people = vec![&self.pat, &self.dana];
        people.extend_from_slice(others);
        let mut f = vec![(
            format!(r"\b{}[0-9a-f]*\b", &self.root[..7]),
            "[ROOT]".to_string(),
        )];
        f.extend(filters(self.tmp.path(), &people));
        f
    }
}

/// Filters for outputs made under `tmp`: the folder itself, the fingerprints of `people`'s
/// keys (by whose key it is), any other key, commit ids (whole and short).
fn filters(tmp: &Path, people: &[&Person]) -> Vec<(String, String)> {
    let mut f = Vec::new();
    for p in [tmp.to_path_buf(), tmp.canonicalize().unwrap()] {
        f.push((regex::escape(&p.display().to_string()), "[TMP]".to_string()));
    }
    for p in people {
        let first = p.name.split(' ').next().unwrap_or_default();
        f.push((regex::escape(&p.fingerprint), format!("[KEY {first}]")));
    }
    f.extend(
        [
            (r"SHA256:[A-Za-z0-9+/]{43}", "[KEY]"),
            (r"\b[0-9a-f]{40}\b", "[COMMIT]"),
            (r"\b[0-9a-f]{7,12}\b", "[COMMIT]"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string())),
    );
    f
}

/// What the user sees: the command, its exit code, stdout and stderr (each said when it does
/// not end its last line).
fn transcript(args: &[&str], o: &Output) -> String {
    let shown_stream = |text: String| {
        if text.is_empty() || text.ends_with('\n') {
            text
        } else {
            text + "\n(no newline at the end)\n"
        }
    };
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '"', '$']) {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect();
    format!(
        "$ smout {}\nexit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        shown.join(" "),
        o.status
            .code()
            .map_or_else(|| "killed".to_string(), |c| c.to_string()),
        shown_stream(common::stdout(o)),
        shown_stream(common::stderr(o))
    )
}

/// Pin `who`'s run of `args` in `dir` on `day` as snapshot `name`, filtered with `filters`.
fn pin(
    name: &str,
    filters: &[(String, String)],
    who: &Person,
    dir: &Path,
    day: &str,
    args: &[&str],
) {
    let o = who.smout(dir, day, args);
    let filters: Vec<(&str, &str)> = filters
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    insta::with_settings!({ filters => filters }, {
        insta::assert_snapshot!(name, transcript(args, &o));
    });
}

/// Whether this machine can make SSH keys; says so and skips when not (fails under CI).
fn can_sign() -> bool {
    common::have("ssh-keygen", "apt-get install openssh-client")
}

/// `audit`, text and JSON: a clean signed history, the same with its root of trust pinned, and
/// the history with an approval rewritten by hand by a drafter.
#[test]
fn audit_clean_and_with_a_hand_edited_determination() {
    if !can_sign() {
        return;
    }
    let w = World::new();
    let f = w.filters();
    let day = "2024-06-01";
    pin("audit_clean", &f, &w.pat, &w.reg, day, &["audit"]);
    pin(
        "audit_clean_json",
        &f,
        &w.pat,
        &w.reg,
        day,
        &["audit", "--format", "json"],
    );
    // The root of trust pinned outside the history, as the README's officer does.
    w.pat.git(&w.reg, day, &["config", "audit.root", &w.root]);
    pin("audit_clean_pinned", &f, &w.pat, &w.reg, day, &["audit"]);
    // Dana rewrites the approval by hand and commits it, signed with her own key: she is no
    // reviewer, and the entry was recorded already.
    let path = w.reg.join("records/cbp-fld/determinations.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("outcome = \"met\""), "{text}");
    std::fs::write(
        &path,
        text.replacen("outcome = \"met\"", "outcome = \"not-authorized\"", 1),
    )
    .unwrap();
    w.dana.git(
        &w.reg,
        "2024-05-01",
        &["commit", "-q", "-am", "fix the determination"],
    );
    pin("audit_findings", &f, &w.pat, &w.reg, day, &["audit"]);
    pin(
        "audit_findings_json",
        &f,
        &w.pat,
        &w.reg,
        day,
        &["audit", "--format", "json"],
    );
}

/// `report` in Markdown, CSV and JSON, and `roles list`, on the example register with its dated
/// history (every status).
#[test]
fn report_and_roles_of_the_example_register() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let f = filters(tmp.path(), &[]);
    let anyone = Person::nobody(tmp.path());
    let day = "2026-11-22";
    pin("report_md", &f, &anyone, &reg, day, &["report"]);
    pin(
        "report_csv",
        &f,
        &anyone,
        &reg,
        day,
        &["report", "--format", "csv"],
    );
    pin(
        "report_json",
        &f,
        &anyone,
        &reg,
        day,
        &["report", "--format", "json"],
    );
    // An unsigned register whose reviewers are e-mails without keys.
    pin(
        "roles_list_unsigned",
        &f,
        &anyone,
        &reg,
        day,
        &["roles", "list"],
    );
}

/// `ci --base main`, text, Markdown and JSON: a branch that passes, and one that fails.
#[test]
fn ci_passing_and_failing() {
    if !can_sign() {
        return;
    }
    let w = World::new();
    let f = w.filters();
    // A merge request that adds a record and submits it: the gate passes.
    w.dana
        .git(&w.reg, "2024-03-01", &["switch", "-q", "-c", "tsa-watch"]);
    w.draft("tsa-watch", "2024-03-01");
    w.dana.ok(&w.reg, "2024-03-02", &["submit", "tsa-watch"]);
    let day = "2024-03-03";
    pin(
        "ci_pass",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["ci", "--base", "main"],
    );
    pin(
        "ci_pass_md",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["ci", "--base", "main", "--format", "md"],
    );
    // One that adds a record with an error (a launch date in the future), and changes the
    // approved record materially.
    w.dana
        .git(&w.reg, day, &["switch", "-q", "-c", "ice-draft", "main"]);
    w.draft("ice-draft", day);
    common::edit(
        &w.reg,
        "ice-draft",
        "launched = 2020-03-01",
        "launched = 2031-01-01",
    );
    common::edit(
        &w.reg,
        "cbp-fld",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    w.dana.git(
        &w.reg,
        day,
        &["commit", "-q", "-am", "ice draft, cbp systems"],
    );
    pin(
        "ci_fail",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["ci", "--base", "main"],
    );
    pin(
        "ci_fail_md",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["ci", "--base", "main", "--format", "md"],
    );
    pin(
        "ci_fail_json",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["ci", "--base", "main", "--format", "json"],
    );
}

/// `roles list`, text and JSON: two reviewers with their keys, signatures required.
#[test]
fn roles_list() {
    if !can_sign() {
        return;
    }
    let w = World::new();
    let rob = Person::new(
        w.tmp.path(),
        "rob",
        "Rob Reviewer",
        "rob.reviewer@example.gov",
    );
    let f = w.filters_with(&[&rob]);
    w.pat.ok(
        &w.reg,
        "2024-03-01",
        &[
            "roles",
            "add",
            rob.email,
            "--name",
            rob.name,
            "--key",
            &rob.public_key,
        ],
    );
    let day = "2024-03-02";
    pin("roles_list", &f, &w.dana, &w.reg, day, &["roles", "list"]);
    pin(
        "roles_list_json",
        &f,
        &w.dana,
        &w.reg,
        day,
        &["roles", "list", "--format", "json"],
    );
}

/// Refusals and errors as the user sees them: the message, its hint, exit code 2 (or 1 for
/// `check`'s findings), nothing on stdout.
#[test]
fn errors_with_their_hints_and_exit_codes() {
    if !can_sign() {
        return;
    }
    let w = World::new();
    let f = w.filters();
    // A second record, submitted and awaiting a determination.
    w.draft("tsa-watch", "2024-03-01");
    w.dana.ok(&w.reg, "2024-03-02", &["submit", "tsa-watch"]);
    let day = "2024-03-05";
    let (pat, dana, reg) = (&w.pat, &w.dana, w.reg.as_path());
    let outside = w.tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    pin("error_no_register", &f, dana, &outside, day, &["status"]);
    pin(
        "error_unknown_record",
        &f,
        dana,
        reg,
        day,
        &["status", "cbp-fdl"],
    );
    pin(
        "error_bad_record_id",
        &f,
        pat,
        reg,
        day,
        &["determine", "CBP_FLD", "--outcome", "met"],
    );
    pin(
        "error_unknown_revision",
        &f,
        dana,
        reg,
        day,
        &["diff", "cbp-fld", "submission/7"],
    );
    pin(
        "error_render_into_git",
        &f,
        dana,
        reg,
        day,
        &["render", "cbp-fld", "-o", ".git/cbp-fld.pdf"],
    );
    pin(
        "error_site_onto_register",
        &f,
        dana,
        reg,
        day,
        &["site", "-o", "."],
    );
    pin(
        "error_determine_not_reviewer",
        &f,
        dana,
        reg,
        day,
        &["determine", "tsa-watch", "--outcome", "met"],
    );
    pin(
        "error_determine_no_outcome",
        &f,
        pat,
        reg,
        day,
        &["determine", "tsa-watch"],
    );
    pin(
        "error_determine_not_yet_met_without_why",
        &f,
        pat,
        reg,
        day,
        &["determine", "tsa-watch", "--outcome", "not-yet-met"],
    );
    pin(
        "error_determine_correction_without_reason",
        &f,
        pat,
        reg,
        day,
        &[
            "determine",
            "cbp-fld",
            "--corrects",
            "1",
            "--outcome",
            "not-yet-met",
            "--comments",
            "Name the records schedule.",
        ],
    );
    pin(
        "error_determine_pia_required_and_covered",
        &f,
        pat,
        reg,
        day,
        &[
            "determine",
            "tsa-watch",
            "--outcome",
            "met",
            "--pia-required",
            "--pia-covered",
            "DHS/TSA/PIA-048",
        ],
    );
    pin(
        "error_withdraw_approved",
        &f,
        dana,
        reg,
        day,
        &["withdraw", "cbp-fld", "--reason", "The program ended"],
    );
    pin(
        "error_submit_unchanged",
        &f,
        dana,
        reg,
        day,
        &["submit", "tsa-watch"],
    );
    pin(
        "error_unknown_form",
        &f,
        dana,
        reg,
        day,
        &["new", "ice-draft", "--form", "dhs-smoot"],
    );
    pin(
        "error_record_exists",
        &f,
        dana,
        reg,
        day,
        &["new", "cbp-fld", "--form", "dhs-smout"],
    );
    pin(
        "error_bad_today",
        &f,
        dana,
        reg,
        day,
        &["status", "--today", "2026-02-30"],
    );
    pin("error_unknown_subcommand", &f, dana, reg, day, &["statsu"]);
    let nobody = Person::nobody(w.tmp.path());
    common::edit(
        reg,
        "tsa-watch",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    pin(
        "error_no_git_identity",
        &f,
        &nobody,
        reg,
        day,
        &["submit", "tsa-watch"],
    );
    // Last, as it leaves a broken record in the work tree.
    common::add_record(
        reg,
        "ice-draft",
        b"form = \"dhs-smout\"\ntitle = \"ICE draft\n",
    );
    pin(
        "error_check_invalid_toml",
        &f,
        dana,
        reg,
        day,
        &["check", "ice-draft"],
    );
    pin(
        "error_render_invalid_toml",
        &f,
        dana,
        reg,
        day,
        &["render", "ice-draft"],
    );
}
