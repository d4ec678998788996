//! The README is executed: every command of its tour runs here, as the people it names would
//! run it, from fresh home folders with their own SSH keys and git identities, and the output
//! it shows must still be what smout prints.
//!
//! How the README marks a journey (the marks are HTML comments, invisible on a forge):
//! - `<!-- journey: WHO -->` before a ```` ```console ```` block: WHO runs the block. WHO is
//!   `officer` (the Privacy Officer, who creates the register and is its root of trust),
//!   `drafter`, `foia`, `everyone` (each of the three, in that order), or `example` (the
//!   bundled example register, run in a checkout of this repository).
//! - In a block, `$ ` starts a command (a trailing `\` continues it on the next line); the lines
//!   after it, up to the next command, are what it prints (stdout and stderr as a terminal
//!   shows them), matched with snapbox: `[..]` is any text within a line, `...` any lines,
//!   `[COMMIT]` a commit id, `[KEY]` a key fingerprint, `[ROOT]` the folder of the homes. A
//!   first line `? N` is the exit code the command must end with (0 otherwise). A command
//!   shown without output is run and must exit as said, and what it prints is not compared.
//! - "Your Name" and `you@example.gov` stand for the person running the block; `$FORGE` is
//!   the register's shared repository (a bare repository here, a forge's URL in real life);
//!   `$EDITOR` edits a record as the drafter would (`tests/fixtures/journey/edit-record`: the
//!   FLD record first, then the answer to the Privacy Office's comments); each home holds
//!   `Documents/rules-of-behavior.txt`.
//! - Commands that start with `cargo` are not run: cargo is what runs this test, and the smout
//!   it built is first on `PATH`.
//!
//! Each person's commands run in bash, one after the other, in the folder the last one left
//! them in. A command that fails, or prints other than the README shows, fails the test, with
//! the README line and the whole output.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use snapbox::data::IntoData;

/// One command of the README.
#[derive(Debug)]
struct Step {
    /// Who runs it.
    who: String,
    /// The README line it starts on.
    line: usize,
    /// The command, with its continuation lines (bash reads the `\\`).
    command: String,
    /// The exit code it must end with.
    code: i32,
    /// What it must print, when the README shows it.
    expected: Option<String>,
}

/// The people of the tour: (who, name, e-mail).
const PEOPLE: [(&str, &str, &str); 3] = [
    ("officer", "Pat Officer", "pat.officer@example.gov"),
    ("drafter", "Dana Drafter", "dana.drafter@example.gov"),
    ("foia", "Frances Foia", "frances.foia@example.gov"),
];

/// The steps of every journey of `readme`, in order.
fn steps(readme: &str) -> Vec<Step> {
    let mut out = Vec::new();
    let mut who: Option<String> = None;
    let mut in_block = false;
    let mut current: Option<(usize, String, Vec<String>)> = None;
    let lines: Vec<&str> = readme.lines().collect();
    let mut i = 0;
    let finish = |out: &mut Vec<Step>, who: &str, cur: Option<(usize, String, Vec<String>)>| {
        let Some((line, command, mut shown)) = cur else {
            return;
        };
        let mut code = 0;
        if let Some(first) = shown.first() {
            if let Some(c) = first.strip_prefix("? ") {
                code = c.trim().parse().expect("an exit code after `? `");
                shown.remove(0);
            }
        }
        let expected = (!shown.is_empty()).then(|| shown.join("\n") + "\n");
        let people: Vec<&str> = if who == "everyone" {
            PEOPLE.iter().map(|p| p.0).collect()
        } else {
            vec![who]
        };
        for p in people {
            out.push(Step {
                who: p.to_string(),
                line,
                command: command.clone(),
                code,
                expected: expected.clone(),
            });
        }
    };
    while i < lines.len() {
        let l = lines[i];
        if !in_block {
            if let Some(rest) = l.trim().strip_prefix("<!-- journey:") {
                who = Some(rest.trim_end_matches("-->").trim().to_string());
            } else if l.starts_with("```console") && who.is_some() {
                in_block = true;
            } else if l.starts_with("```") {
                who = None;
            }
            i += 1;
            continue;
        }
        let w = who.clone().unwrap_or_default();
        if l.starts_with("```") {
            finish(&mut out, &w, current.take());
            in_block = false;
            who = None;
            i += 1;
            continue;
        }
        if let Some(cmd) = l.strip_prefix("$ ") {
            finish(&mut out, &w, current.take());
            let start = i + 1;
            let mut cmd = cmd.to_string();
            while cmd.ends_with('\\') && i + 1 < lines.len() {
                i += 1;
                cmd.push('\n');
                cmd.push_str(lines[i]);
            }
            current = Some((start, cmd, Vec::new()));
        } else if let Some((_, _, shown)) = current.as_mut() {
            shown.push(l.to_string());
        }
        i += 1;
    }
    out
}

/// A person's home: git identity-free (the README sets it), with the files the tour names.
fn home(root: &Path, who: &str) -> PathBuf {
    let h = root.join(who);
    std::fs::create_dir_all(h.join("Documents")).unwrap();
    std::fs::write(
        h.join("Documents/rules-of-behavior.txt"),
        "Forced Labor Division — Rules of Behavior for the operational use of social media\n",
    )
    .unwrap();
    h
}

/// The README's placeholders for the person running a step.
fn personal(text: &str, who: &str) -> String {
    let (_, name, email) = PEOPLE
        .iter()
        .find(|p| p.0 == who)
        .copied()
        .unwrap_or(PEOPLE[0]);
    text.replace("Your Name", name)
        .replace("you@example.gov", email)
}

fn redactions(root: &Path) -> snapbox::Redactions {
    let mut r = snapbox::Redactions::new();
    let re = |s: &str| regex::Regex::new(s).unwrap();
    r.insert("[ROOT]", root.to_string_lossy().into_owned())
        .unwrap();
    r.insert("[COMMIT]", re(r"\b[0-9a-f]{10,40}\b")).unwrap();
    r.insert("[KEY]", re(r"SHA256:[A-Za-z0-9+/]{43}")).unwrap();
    r
}

#[test]
fn every_journey_of_the_readme_runs_as_written() {
    if !common::have("ssh-keygen", "apt-get install openssh-client") {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let steps = steps(&readme);
    assert!(
        steps.len() > 40,
        "the README's journeys were not found: {} commands",
        steps.len()
    );
    for (who, ..) in PEOPLE {
        assert!(
            steps.iter().any(|s| s.who == who),
            "no journey of the README is run by {who}"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let forge = root.join("forge.git");
    let o = Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&forge)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(o.status.success());
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_smout"));
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let editor = repo.join("tests/fixtures/journey/edit-record");
    let mut cwd: std::collections::HashMap<String, PathBuf> = Default::default();
    let checkout = root.join("checkout");
    copy_checkout(repo, &checkout);
    let assert = snapbox::Assert::new().redact_with(redactions(&root));
    for step in &steps {
        if step.command.trim_start().starts_with("cargo ") {
            continue;
        }
        let home = if step.who == "example" {
            root.join("example")
        } else {
            root.join(&step.who)
        };
        if !home.exists() {
            self::home(&root, &step.who);
        }
        let start = if step.who == "example" {
            checkout.clone()
        } else {
            home.clone()
        };
        let dir = cwd.entry(step.who.clone()).or_insert(start).clone();
        let state = root.join(format!(".cwd-{}", step.who));
        let command = personal(&step.command, &step.who);
        let script = format!(
            "cd \"$JOURNEY_CWD\" || exit 97\n{command}\n__rc=$?\npwd > \"$JOURNEY_STATE\"\nexit $__rc\n"
        );
        let o = Command::new("bash")
            .args(["--noprofile", "--norc", "-c", &script])
            .env_clear()
            .env("PATH", &path)
            .env("HOME", &home)
            .env("USER", &step.who)
            .env("LANG", "C.UTF-8")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("FORGE", &forge)
            .env("EDITOR", &editor)
            .env("JOURNEY_CWD", &dir)
            .env("JOURNEY_STATE", &state)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        if let Ok(p) = std::fs::read_to_string(&state) {
            cwd.insert(step.who.clone(), PathBuf::from(p.trim_end()));
        }
        let mut shown = String::from_utf8_lossy(&o.stdout).into_owned();
        shown.push_str(&String::from_utf8_lossy(&o.stderr));
        let code = o.status.code().unwrap_or(-1);
        assert_eq!(
            code, step.code,
            "README.md:{} ({}): `{command}` exited {code}, the README says {}:\n{shown}",
            step.line, step.who, step.code
        );
        if let Some(expected) = &step.expected {
            let expected = personal(expected, &step.who);
            if let Err(e) = assert.try_eq(
                Some(&format!(
                    "README.md:{} ({}): {command}",
                    step.line, step.who
                )),
                shown.clone().into_data(),
                expected.into_data(),
            ) {
                panic!(
                    "README.md:{} ({}): `{command}` no longer prints what the README shows:\n{e}",
                    step.line, step.who
                );
            }
        }
    }
}

/// The files git tracks in this checkout, copied to `to` (the example journey runs in it, as a
/// newcomer's clone, and may write there).
fn copy_checkout(repo: &Path, to: &Path) {
    let o = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(repo)
        .output()
        .unwrap();
    assert!(o.status.success(), "git ls-files in {}", repo.display());
    for rel in o.stdout.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).unwrap());
        let src = repo.join(rel);
        let dst = to.join(rel);
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        if let Ok(meta) = std::fs::symlink_metadata(&src) {
            if meta.is_file() {
                std::fs::copy(&src, &dst).unwrap();
            }
        }
    }
}

#[test]
fn the_readme_parser_reads_commands_codes_and_outputs() {
    let text = "intro\n<!-- journey: drafter -->\n```console\n$ smout check x\n? 1\nerror[SM001]: [..]\n$ smout a \\\n    --b\n```\n```sh\n$ not run\n```\n";
    let s = steps(text);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!((s[0].who.as_str(), s[0].line, s[0].code), ("drafter", 4, 1));
    assert_eq!(s[0].expected.as_deref(), Some("error[SM001]: [..]\n"));
    assert_eq!(s[1].command, "smout a \\\n    --b");
    assert_eq!(s[1].expected, None);
}
