//! Issue #29's campaign: every forgery of the adversarial round, crossed with every shape of
//! history it can arrive in (linear, a merged branch, a branch that merged main and was
//! fast-forwarded, an octopus, an evil merge, a cherry-pick, a rebase), each on a fresh signed
//! register. Every forged history must fail `smout audit --rebuild-index` (exit 1) with a
//! finding naming the forged commit; every honest control must audit clean; and a merge
//! request holding a forgery must fail `smout ci --base main`. Plain enumeration, no
//! randomness: the same cases in the same order every run. Needs `ssh-keygen`.

mod common;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{git_register, smout_as, stderr, stdout};

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

/// The three people's keys, made once for the whole campaign.
struct Keys {
    _dir: tempfile::TempDir,
    pat: Key,
    rob: Key,
    dana: Key,
}

impl Keys {
    fn of(&self, who: &str) -> &Key {
        match who {
            PAT => &self.pat,
            ROB => &self.rob,
            _ => &self.dana,
        }
    }
}

/// One register under attack, and a clock that only goes forward (commit times that go back
/// are a finding of their own, which must not be what flags a case).
struct W<'k> {
    reg: tempfile::TempDir,
    keys: &'k Keys,
    day: Cell<u32>,
}

impl W<'_> {
    fn dir(&self) -> &Path {
        self.reg.path()
    }

    /// The next day of the campaign's clock (April 2024, after the base history).
    fn next_day(&self) -> String {
        let d = self.day.get() + 1;
        self.day.set(d);
        assert!(d <= 30, "the campaign's clock ran out");
        format!("2024-04-{d:02}")
    }

    fn use_key(&self, key: &Key) {
        raw_git(
            self.dir(),
            &["config", "user.signingkey", key.private.to_str().unwrap()],
            None,
        );
    }

    /// Plain git as `who` on `day`, signing (when it signs) with `who`'s key.
    fn git_on(&self, who: &str, day: &str, args: &[&str]) -> String {
        self.use_key(self.keys.of(who));
        raw_git(self.dir(), args, Some((who, day)))
    }

    fn git(&self, who: &str, args: &[&str]) -> String {
        let day = self.next_day();
        self.git_on(who, &day, args)
    }

    /// smout as `who`, signing with `key`, on the next day; it must succeed.
    fn smout(&self, who: &str, key: &Key, args: &[&str]) -> Output {
        let day = self.next_day();
        self.use_key(key);
        let o = smout_as(self.dir(), who, &day, args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}\n{}\n{}",
            stdout(&o),
            stderr(&o)
        );
        o
    }

    fn head(&self) -> String {
        raw_git(self.dir(), &["rev-parse", "HEAD"], None)
            .trim()
            .to_string()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir().join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir().join(rel), text).unwrap();
    }

    /// An honest, signed change by Dana to a file no check reads.
    fn honest_note(&self, name: &str) {
        self.write(&format!("records/x/{name}.txt"), &format!("{name}\n"));
        self.git(DANA, &["add", "-A"]);
        self.git(
            DANA,
            &["commit", "-q", "-S", "-m", &format!("notes {name}")],
        );
    }

    /// The audit of record: exit code and the JSON report.
    fn audit(&self) -> (Option<i32>, serde_json::Value) {
        let o = smout_as(
            self.dir(),
            PAT,
            "2026-11-22",
            &["audit", "--rebuild-index", "--format", "json"],
        );
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
        (o.status.code(), v)
    }

    fn ci(&self, base: &str) -> (Option<i32>, String) {
        let o = smout_as(self.dir(), PAT, "2026-11-22", &["ci", "--base", base]);
        (o.status.code(), format!("{}{}", stdout(&o), stderr(&o)))
    }
}

/// git with a fixed environment; `as_` is (who, day) for author, committer and dates.
fn raw_git(dir: &Path, args: &[&str], as_: Option<(&str, &str)>) -> String {
    let mut c = Command::new("git");
    c.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_EDITOR", "true");
    if let Some((who, day)) = as_ {
        let name = who.split('@').next().unwrap();
        c.env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", who)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", who)
            .env("GIT_AUTHOR_DATE", format!("{day}T12:00:00Z"))
            .env("GIT_COMMITTER_DATE", format!("{day}T12:00:00Z"));
    }
    let o = c.output().expect("git");
    assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    stdout(&o)
}

/// The base every case starts from, made once: the README's migration (Pat's key, signatures
/// required, Rob added), Dana's submission, Pat's determination, and Dana's second submission
/// awaiting a decision. Returns the register's folder.
fn base(keys: &Keys) -> tempfile::TempDir {
    let reg = git_register("x");
    let dir = reg.path();
    raw_git(dir, &["config", "gpg.format", "ssh"], None);
    let run = |who: &str, key: &Key, day: &str, args: &[&str]| {
        raw_git(
            dir,
            &["config", "user.signingkey", key.private.to_str().unwrap()],
            None,
        );
        common::ok(smout_as(dir, who, day, args));
    };
    run(
        PAT,
        &keys.pat,
        "2024-01-02",
        &["roles", "rotate-key", PAT, "--key", &keys.pat.public],
    );
    run(
        PAT,
        &keys.pat,
        "2024-01-02",
        &["roles", "require-signatures"],
    );
    run(
        PAT,
        &keys.pat,
        "2024-01-03",
        &[
            "roles",
            "add",
            ROB,
            "--name",
            "Rob Reviewer",
            "--key",
            &keys.rob.public,
        ],
    );
    run(DANA, &keys.dana, "2024-01-10", &["submit", "x"]);
    run(
        PAT,
        &keys.pat,
        "2024-02-01",
        &["determine", "x", "--outcome", "met"],
    );
    common::edit(
        dir,
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Case system\"",
    );
    run(DANA, &keys.dana, "2024-03-01", &["submit", "x"]);
    reg
}

/// A fresh copy of the base (its own repository: nothing is shared but the keys).
fn fresh<'k>(keys: &'k Keys, base: &Path) -> W<'k> {
    let reg = tempfile::tempdir().unwrap();
    let o = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", base.display()))
        .arg(reg.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    W {
        reg,
        keys,
        day: Cell::new(0),
    }
}

const DETS: &str = "records/x/determinations.toml";

/// A decision for submission 2 written by hand, as the first one reads, dated `day`.
fn hand_entry(w: &W, day: &str) -> String {
    let text = w.read(DETS);
    let entry = text[text.find("[[determination]]").unwrap()..]
        .replace("submission = 1", "submission = 2")
        .replace("2024-02-01", day);
    format!("{text}\n{entry}")
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Forgery {
    /// Dana (a drafter) writes a decision by hand and signs it with her own key.
    DrafterDecision,
    /// Rob, after `roles remove`, writes a decision by hand, signed with his old key.
    RemovedReviewer,
    /// Pat's decision in an unsigned commit.
    Unsigned,
    /// Signed with Rob's key (a reviewer's), authored as Pat.
    ReviewerKeyOtherAuthor,
    /// Pat (signed) edits the past determination.
    EditedPast,
    /// Dana (signed) deletes the past determination.
    DeletedPast,
    /// Dana (signed) changes `[roles]`.
    DrafterRoles,
    /// Pat puts her own key on Rob's e-mail; nobody co-signs.
    RotateOthersKey,
    /// Dana (signed) changes `[review]`.
    DrafterPolicy,
    /// Pat's decision dated in the future with its commit, then an honest commit on top.
    FutureDated,
}

impl Forgery {
    /// The finding that must name it (beside whatever else the case trips).
    fn code(self) -> &'static str {
        match self {
            Forgery::DrafterDecision | Forgery::RemovedReviewer => "AU002",
            Forgery::Unsigned => "AU005",
            Forgery::ReviewerKeyOtherAuthor => "AU008",
            Forgery::EditedPast | Forgery::DeletedPast => "AU001",
            Forgery::DrafterRoles | Forgery::DrafterPolicy => "AU011",
            Forgery::RotateOthersKey => "AU013",
            Forgery::FutureDated => "AU010",
        }
    }
}

const FORGERIES: [Forgery; 10] = [
    Forgery::DrafterDecision,
    Forgery::RemovedReviewer,
    Forgery::Unsigned,
    Forgery::ReviewerKeyOtherAuthor,
    Forgery::EditedPast,
    Forgery::DeletedPast,
    Forgery::DrafterRoles,
    Forgery::RotateOthersKey,
    Forgery::DrafterPolicy,
    Forgery::FutureDated,
];

/// How a forgery's change is committed: the author, whose key signs (None: unsigned), the day
/// (None: the campaign's next), the message.
struct Forged {
    author: &'static str,
    key: Option<&'static str>,
    day: Option<&'static str>,
    message: &'static str,
}

impl Forgery {
    /// Honest commits the forgery needs before it, on the current branch.
    fn prepare(self, w: &W) {
        if self == Forgery::RemovedReviewer {
            w.smout(PAT, &w.keys.pat, &["roles", "remove", ROB]);
        }
    }

    /// Change the work tree as the forgery does; what to commit it as.
    fn change(self, w: &W) -> Forged {
        let day = || w.next_day();
        let f = |author, key, message| Forged {
            author,
            key,
            day: None,
            message,
        };
        match self {
            Forgery::DrafterDecision => {
                w.write(DETS, &hand_entry(w, &day()));
                f(DANA, Some(DANA), "approve x")
            }
            Forgery::RemovedReviewer => {
                w.write(DETS, &hand_entry(w, &day()));
                f(ROB, Some(ROB), "determine x")
            }
            Forgery::Unsigned => {
                w.write(DETS, &hand_entry(w, &day()));
                f(PAT, None, "determine x")
            }
            Forgery::ReviewerKeyOtherAuthor => {
                w.write(DETS, &hand_entry(w, &day()));
                f(PAT, Some(ROB), "determine x")
            }
            Forgery::EditedPast => {
                let t = w.read(DETS);
                let edited = t.replacen("reviewed = 2024-02-01", "reviewed = 2024-02-02", 1);
                assert_ne!(edited, t);
                w.write(DETS, &edited);
                f(PAT, Some(PAT), "fix a date")
            }
            Forgery::DeletedPast => {
                w.write(DETS, "");
                f(DANA, Some(DANA), "tidy")
            }
            Forgery::DrafterRoles => {
                let t = w.read("smout.toml");
                assert!(t.contains("Rob Reviewer"));
                w.write("smout.toml", &t.replace("Rob Reviewer", "Rob R."));
                f(DANA, Some(DANA), "rename")
            }
            Forgery::RotateOthersKey => {
                // As `roles rotate-key` writes it, made by hand so it can be any commit.
                let t = w.read("smout.toml");
                let bare = |k: &Key| {
                    k.public
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                let rob = bare(&w.keys.rob);
                assert!(t.contains(&rob), "{t}");
                w.write("smout.toml", &t.replace(&rob, &bare(&w.keys.pat)));
                f(PAT, Some(PAT), "roles: rotate the key of rob")
            }
            Forgery::DrafterPolicy => {
                let t = w.read("smout.toml");
                // A warning a week longer: in bounds, and nothing else for the audit to trip on.
                w.write("smout.toml", &format!("{t}\n[review]\nwarn = \"37d\"\n"));
                f(DANA, Some(DANA), "longer reviews")
            }
            Forgery::FutureDated => {
                w.write(DETS, &hand_entry(w, "2024-09-30"));
                Forged {
                    author: PAT,
                    key: Some(PAT),
                    day: Some("2024-09-30"),
                    message: "determine x",
                }
            }
        }
    }

    /// After the forged commit, on the same branch.
    fn follow(self, w: &W) {
        if self == Forgery::FutureDated {
            w.honest_note("after");
        }
    }

    /// Make the forgery as a commit of its own on the current branch; its id.
    fn commit(self, w: &W) -> String {
        self.prepare(w);
        let c = self.change(w);
        let forged = commit_as(w, &c, &["commit", "-q", "-a"]);
        self.follow(w);
        forged
    }
}

/// Commit what the work tree holds as `c` says (`args` start the commit command).
fn commit_as(w: &W, c: &Forged, args: &[&str]) -> String {
    let mut a: Vec<&str> = args.to_vec();
    if c.key.is_some() {
        a.push("-S");
    } else {
        a.push("--no-gpg-sign");
    }
    a.extend(["-m", c.message]);
    let day = c.day.map(str::to_string).unwrap_or_else(|| w.next_day());
    w.use_key(w.keys.of(c.key.unwrap_or(DANA)));
    raw_git(w.dir(), &a, Some((c.author, &day)));
    w.head()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    /// The forged commit on main.
    Linear,
    /// On a branch that Pat merges with `--no-ff`, signed.
    MergedNoFf,
    /// On a branch that merges main (which moved on) into itself; main fast-forwards to it.
    MergesMainThenFf,
    /// On one of two branches Pat merges at once (an octopus).
    Octopus,
    /// Made in Pat's merge commit itself.
    EvilMerge,
    /// Made on a branch, cherry-picked (by its author) onto another branch Pat merges.
    CherryPick,
    /// Made on a branch that is rebased onto main (which moved on) and fast-forwarded.
    Rebase,
}

const SHAPES: [Shape; 7] = [
    Shape::Linear,
    Shape::MergedNoFf,
    Shape::MergesMainThenFf,
    Shape::Octopus,
    Shape::EvilMerge,
    Shape::CherryPick,
    Shape::Rebase,
];

/// Build `shape` with `forgery` (None: the honest control, Pat's own `smout determine`);
/// returns the commit the finding must name (the forged one), and whether `smout ci --base
/// main` was run on the merge request and failed (None: not run for this shape).
fn build(w: &W, shape: Shape, forgery: Option<Forgery>) -> (Option<String>, Option<bool>) {
    // The honest change: Pat decides with smout, signed.
    let honest = |w: &W| {
        w.smout(PAT, &w.keys.pat, &["determine", "x", "--outcome", "met"]);
        None
    };
    let make = |w: &W| match forgery {
        Some(f) => Some(f.commit(w)),
        None => honest(w),
    };
    let mut ci = None;
    let mr_fails = |w: &W| {
        let (code, text) = w.ci("main");
        let failed = code == Some(1);
        if forgery.is_none() {
            assert_eq!(code, Some(0), "honest merge request: {text}");
        }
        failed
    };
    let forged = match shape {
        Shape::Linear => make(w),
        Shape::MergedNoFf => {
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            let forged = make(w);
            ci = Some(mr_fails(w));
            w.git(PAT, &["checkout", "-q", "main"]);
            w.git(PAT, &["merge", "-q", "-S", "--no-ff", "--no-edit", "side"]);
            forged
        }
        Shape::MergesMainThenFf => {
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            let forged = make(w);
            w.git(DANA, &["checkout", "-q", "main"]);
            w.honest_note("main");
            w.git(DANA, &["checkout", "-q", "side"]);
            w.git(DANA, &["merge", "-q", "-S", "--no-edit", "main"]);
            // The gate refuses any branch that merged its base in (honest or not), so only
            // the forged ones are asked.
            if forgery.is_some() {
                ci = Some(mr_fails(w));
            }
            w.git(PAT, &["checkout", "-q", "main"]);
            w.git(PAT, &["merge", "-q", "--ff-only", "side"]);
            forged
        }
        Shape::Octopus => {
            w.git(DANA, &["checkout", "-q", "-b", "one"]);
            w.honest_note("one");
            w.git(DANA, &["checkout", "-q", "main"]);
            w.git(DANA, &["checkout", "-q", "-b", "two"]);
            let forged = make(w);
            w.git(PAT, &["checkout", "-q", "main"]);
            // Main moves on, so the merge has three parents.
            w.honest_note("main");
            w.git(PAT, &["merge", "-q", "-S", "--no-edit", "one", "two"]);
            assert_eq!(
                raw_git(w.dir(), &["rev-list", "--parents", "-1", "HEAD"], None)
                    .split_whitespace()
                    .count(),
                4,
                "an octopus"
            );
            forged
        }
        Shape::EvilMerge => {
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            w.honest_note("side");
            w.git(PAT, &["checkout", "-q", "main"]);
            match forgery {
                None => {
                    w.git(PAT, &["merge", "-q", "-S", "--no-ff", "--no-edit", "side"]);
                    honest(w)
                }
                Some(f) => {
                    f.prepare(w);
                    w.git(PAT, &["merge", "-q", "--no-ff", "--no-commit", "side"]);
                    let c = f.change(w);
                    let forged = commit_as(w, &c, &["commit", "-q", "-a"]);
                    f.follow(w);
                    Some(forged)
                }
            }
        }
        Shape::CherryPick => {
            w.git(DANA, &["checkout", "-q", "-b", "draft"]);
            let forged = make(w);
            w.git(DANA, &["checkout", "-q", "main"]);
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            w.honest_note("side");
            match forgery {
                // The honest control picks Pat's decision.
                None => {
                    w.git(PAT, &["cherry-pick", "-S", "draft"]);
                }
                Some(f) => {
                    // Each commit of the forged line is picked as it was made (its author,
                    // signed as it was), in order.
                    let list = raw_git(w.dir(), &["rev-list", "--reverse", "main..draft"], None);
                    for c in list.split_whitespace() {
                        let author = raw_git(w.dir(), &["log", "-1", "--format=%ae", c], None);
                        let signed =
                            raw_git(w.dir(), &["cat-file", "commit", c], None).contains("gpgsig");
                        let who = author.trim().to_string();
                        let who: &str = [PAT, ROB, DANA].into_iter().find(|p| *p == who).unwrap();
                        // Signed by whoever signed it: the forgery's key.
                        let key = if signed { forged_key(f, who) } else { who };
                        let day = if f == Forgery::FutureDated && c == forged.as_deref().unwrap() {
                            "2024-09-30".to_string()
                        } else {
                            w.next_day()
                        };
                        w.use_key(w.keys.of(key));
                        let sign = if signed { "-S" } else { "--no-gpg-sign" };
                        raw_git(w.dir(), &["cherry-pick", sign, c], Some((who, &day)));
                        // The author stays the original's; the committer is the picker.
                    }
                }
            }
            ci = Some(mr_fails(w));
            w.git(PAT, &["checkout", "-q", "main"]);
            w.git(PAT, &["merge", "-q", "-S", "--no-ff", "--no-edit", "side"]);
            // The finding names the picked commit: the forged content's commit on main's
            // history (the draft branch is not).
            forgery.map(|_| String::new())
        }
        Shape::Rebase => {
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            let _ = make(w);
            w.git(DANA, &["checkout", "-q", "main"]);
            w.honest_note("main");
            w.git(DANA, &["checkout", "-q", "side"]);
            // Rebased onto main by hand (each commit picked in order, by its author, signed as
            // it was: what `git rebase` with each author's own key makes).
            let list = raw_git(w.dir(), &["rev-list", "--reverse", "main..side"], None);
            w.git(DANA, &["reset", "-q", "--hard", "main"]);
            for c in list.split_whitespace() {
                let author = raw_git(w.dir(), &["log", "-1", "--format=%ae", c], None);
                let who = author.trim().to_string();
                let who: &str = [PAT, ROB, DANA].into_iter().find(|p| *p == who).unwrap();
                let signed = raw_git(w.dir(), &["cat-file", "commit", c], None).contains("gpgsig");
                let key = match forgery {
                    Some(f) if signed => forged_key(f, who),
                    _ => who,
                };
                let future = raw_git(w.dir(), &["log", "-1", "--format=%cs", c], None).trim()
                    == "2024-09-30";
                let day = if future {
                    "2024-09-30".to_string()
                } else {
                    w.next_day()
                };
                w.use_key(w.keys.of(key));
                let sign = if signed { "-S" } else { "--no-gpg-sign" };
                raw_git(w.dir(), &["cherry-pick", sign, c], Some((who, &day)));
            }
            ci = Some(mr_fails(w));
            w.git(PAT, &["checkout", "-q", "main"]);
            w.git(PAT, &["merge", "-q", "--ff-only", "side"]);
            forgery.map(|_| String::new())
        }
    };
    (forged, ci)
}

/// Whose key signs a commit of forgery `f` authored by `who`.
fn forged_key(f: Forgery, who: &'static str) -> &'static str {
    if f == Forgery::ReviewerKeyOtherAuthor && who == PAT {
        ROB
    } else {
        who
    }
}

/// One case's outcome.
struct Outcome {
    exit: Option<i32>,
    codes: Vec<String>,
    names_commit: bool,
    ci_failed: Option<bool>,
}

fn run_case(keys: &Keys, base: &Path, shape: Shape, forgery: Option<Forgery>) -> Outcome {
    let w = fresh(keys, base);
    let (forged, ci_failed) = build(&w, shape, forgery);
    let (exit, v) = w.audit();
    let findings = v["findings"].as_array().cloned().unwrap_or_default();
    let mut codes: Vec<String> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_string())
        .collect();
    codes.sort();
    codes.dedup();
    let names_commit = match forged.as_deref() {
        Some(c) if !c.is_empty() => v.to_string().contains(&c[..10]),
        _ => true,
    };
    Outcome {
        exit,
        codes,
        names_commit,
        ci_failed,
    }
}

/// Known holes: (shape, forgery) pairs the audit accepts, each with its own ignored test.
const HOLES: &[(Shape, Forgery)] = &[];

#[test]
fn campaign_every_forgery_in_every_shape_is_flagged_and_every_honest_control_is_clean() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let kd = tempfile::tempdir().unwrap();
    let keys = Keys {
        pat: keygen(kd.path(), "pat", &["-t", "ed25519"]),
        rob: keygen(kd.path(), "rob", &["-t", "ecdsa", "-b", "256"]),
        dana: keygen(kd.path(), "dana", &["-t", "ed25519"]),
        _dir: kd,
    };
    let base = base(&keys);
    let mut table = String::new();
    let mut bad = Vec::new();
    for shape in SHAPES {
        let o = run_case(&keys, base.path(), shape, None);
        let ok = o.exit == Some(0) && o.codes.is_empty();
        table += &format!(
            "{shape:?} × honest → {} {:?}\n",
            if ok { "clean" } else { "FLAGGED" },
            o.codes
        );
        if !ok {
            bad.push(format!(
                "{shape:?} honest control: {:?} {:?}",
                o.exit, o.codes
            ));
        }
        for f in FORGERIES {
            let o = run_case(&keys, base.path(), shape, Some(f));
            let flagged = o.exit == Some(1) && o.codes.iter().any(|c| c == f.code());
            table += &format!(
                "{shape:?} × {f:?} → {} {:?}{}{}\n",
                if flagged { "flagged" } else { "ACCEPTED" },
                o.codes,
                if o.names_commit {
                    ""
                } else {
                    " (forged commit not named)"
                },
                match o.ci_failed {
                    Some(true) => " ci: fails",
                    Some(false) => " ci: PASSES",
                    None => "",
                }
            );
            let hole = HOLES.contains(&(shape, f));
            if flagged == hole || o.ci_failed == Some(false) {
                bad.push(format!(
                    "{shape:?} × {f:?}: exit {:?} {:?} ci {:?}",
                    o.exit, o.codes, o.ci_failed
                ));
            }
        }
    }
    eprintln!("{table}");
    assert!(bad.is_empty(), "{}\n{table}", bad.join("\n"));
}

/// The cherry-pick and rebase of the issue's own words: Rob's decision, honest when he made it
/// (he was a reviewer on his branch), carried onto main's line after Pat removed him — picked
/// onto a branch Pat merges, or his branch rebased onto main and fast-forwarded. Either way it
/// is a removed reviewer's decision on main's line (AU002), and the gate refuses the request.
#[test]
fn a_removed_reviewers_decision_cherry_picked_or_rebased_past_his_removal_is_caught() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let kd = tempfile::tempdir().unwrap();
    let keys = Keys {
        pat: keygen(kd.path(), "pat", &["-t", "ed25519"]),
        rob: keygen(kd.path(), "rob", &["-t", "ecdsa", "-b", "256"]),
        dana: keygen(kd.path(), "dana", &["-t", "ed25519"]),
        _dir: kd,
    };
    let base = base(&keys);
    for rebase in [false, true] {
        let w = fresh(&keys, base.path());
        w.git(ROB, &["checkout", "-q", "-b", "rob"]);
        w.smout(ROB, &w.keys.rob, &["determine", "x", "--outcome", "met"]);
        let decision = w.head();
        w.git(PAT, &["checkout", "-q", "main"]);
        w.smout(PAT, &w.keys.pat, &["roles", "remove", ROB]);
        if rebase {
            w.git(ROB, &["checkout", "-q", "rob"]);
            w.git(ROB, &["rebase", "-q", "-S", "main"]);
        } else {
            w.git(DANA, &["checkout", "-q", "-b", "side"]);
            w.git(ROB, &["cherry-pick", "-S", &decision]);
        }
        let carried = w.head();
        let (code, text) = w.ci("main");
        assert_eq!(code, Some(1), "rebase {rebase}: {text}");
        w.git(PAT, &["checkout", "-q", "main"]);
        if rebase {
            w.git(PAT, &["merge", "-q", "--ff-only", "rob"]);
        } else {
            w.git(PAT, &["merge", "-q", "-S", "--no-ff", "--no-edit", "side"]);
        }
        let (exit, v) = w.audit();
        let json = v.to_string();
        assert_eq!(exit, Some(1), "rebase {rebase}: {json}");
        assert!(json.contains("\"AU002\""), "rebase {rebase}: {json}");
        assert!(json.contains(&carried[..10]), "rebase {rebase}: {json}");
    }
}
