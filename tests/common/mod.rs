//! Helpers shared by the integration tests: throw-away registers and the binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The bundled example register.
pub fn example_register() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/register")
}

/// A temporary register with the fixture catalog and no git repository.
pub fn register() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("smout.toml"),
        "name = \"test register\"\n[roles]\nreviewers = [\"privacy@example.gov\"]\n",
    )
    .unwrap();
    std::fs::copy(
        fixtures().join("catalog.toml"),
        dir.path().join("catalog.toml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("records")).unwrap();
    dir
}

/// Put `text` in the register as record `id`, with a Rules of Behavior attachment.
pub fn add_record(reg: &Path, id: &str, text: &[u8]) -> PathBuf {
    let dir = reg.join("records").join(id);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rules-of-behavior.txt"), "Rules of Behavior\n").unwrap();
    std::fs::write(dir.join("record.toml"), text).unwrap();
    dir
}

/// Run the smout binary with a fixed "today" and no colour.
pub fn smout(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(args)
        .current_dir(dir)
        .env("SMOUT_TODAY", "2026-11-22")
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Test Drafter")
        .env("GIT_AUTHOR_EMAIL", "drafter@example.gov")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("run smout")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run git in `dir` with a fixed identity, dated 2024-01-02 — or, as a real clock would, no
/// earlier than HEAD (the audit flags commit times that go back).
pub fn git(dir: &Path, args: &[&str]) -> String {
    const DAY: i64 = 1_704_189_600; // 2024-01-02T10:00:00Z
    let head = Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<i64>()
                .ok()
        });
    let date = format!("{} +0000", head.unwrap_or(DAY).max(DAY));
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test Drafter")
        .env("GIT_AUTHOR_EMAIL", "drafter@example.gov")
        .env("GIT_COMMITTER_NAME", "Test Drafter")
        .env("GIT_COMMITTER_EMAIL", "drafter@example.gov")
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A register in a new git repository holding the minimal valid record as `id`, committed.
pub fn git_register(id: &str) -> tempfile::TempDir {
    let reg = register();
    git(reg.path(), &["init", "-q", "-b", "main"]);
    let text = std::fs::read(fixtures().join("valid/minimal.toml")).unwrap();
    add_record(reg.path(), id, &text);
    git(reg.path(), &["add", "-A"]);
    git(reg.path(), &["commit", "-q", "-m", "add record"]);
    reg
}

/// Replace `from` by `to` in a record's file (panics if `from` is absent).
pub fn edit(reg: &Path, id: &str, from: &str, to: &str) {
    let p = reg.join("records").join(id).join("record.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{from:?} not in the record");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// Run the smout binary as `who` (a git e-mail) on `day` (today and the commit dates).
pub fn smout_as(dir: &Path, who: &str, day: &str, args: &[&str]) -> Output {
    smout_with(dir, who, day, args, &[])
}

/// [`smout_as`] with extra environment variables (fault injection, lock timeouts).
pub fn smout_with(
    dir: &Path,
    who: &str,
    day: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(args)
        .current_dir(dir)
        .env("SMOUT_TODAY", day)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", who.split('@').next().unwrap_or(who))
        .env("GIT_AUTHOR_EMAIL", who)
        .env("GIT_AUTHOR_DATE", format!("{day}T12:00:00Z"))
        .env("GIT_COMMITTER_DATE", format!("{day}T12:00:00Z"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .envs(envs.iter().copied())
        .output()
        .expect("run smout")
}

/// Run the smout binary with no git identity anywhere (no GIT_AUTHOR_*, an empty HOME).
pub fn smout_without_identity(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(args)
        .current_dir(dir)
        .env("SMOUT_TODAY", "2026-11-22")
        .env("HOME", dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .output()
        .expect("run smout")
}

/// Assert that smout exited 0, showing its output when it did not.
pub fn ok(o: Output) -> Output {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(&o),
        stderr(&o)
    );
    o
}

/// The example register with its dated history, as `examples/build-register.sh` makes it, in
/// `<tmp>/reg`.
pub fn example_history(tmp: &Path) -> PathBuf {
    let out = tmp.join("reg");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/build-register.sh");
    // Named as the README names it: a path relative to where the script is started
    // (`SMOUT=target/release/smout`), which the script must still find after it moves.
    let bin = Path::new(env!("CARGO_BIN_EXE_smout"));
    let (Some(dir), Some(name)) = (bin.parent(), bin.file_name()) else {
        panic!("no folder for {}", bin.display());
    };
    let (start, rel) = match (dir.parent(), dir.file_name()) {
        (Some(up), Some(d)) => (up, Path::new(d).join(name)),
        _ => (dir, Path::new(".").join(name)),
    };
    let o = Command::new("bash")
        .arg(&script)
        .arg(&out)
        .current_dir(start)
        .env("SMOUT", &rel)
        .env("HOME", tmp)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    out
}

/// A git register holding the minimal valid record `x`, submitted by a drafter on 2024-01-10.
pub fn submitted_register() -> tempfile::TempDir {
    let reg = git_register("x");
    ok(smout_as(
        reg.path(),
        "drafter@example.gov",
        "2024-01-10",
        &["submit", "x"],
    ));
    reg
}

/// The findings of a `--format json` check, each as the values of `keys` (missing: "").
#[allow(dead_code)]
pub fn findings(o: &Output, keys: &[&str]) -> Vec<Vec<String>> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["records"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            keys.iter()
                .map(|k| f[*k].as_str().unwrap_or("").to_string())
                .collect()
        })
        .collect()
}

/// A command refused, changing nothing: exit code 2 and `why` in what it said.
#[allow(dead_code)]
pub fn refused(o: Output, why: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(why),
        "expected {why:?} in: {}",
        stderr(&o)
    );
}

/// Debian's Chromium, headless as this machine runs it (no sandbox as root, no background
/// networking on a closed network), with a fresh profile; `args` follow the flags.
pub fn chromium(args: &[&str]) -> Output {
    let profile = tempfile::tempdir().unwrap();
    let dir = format!("--user-data-dir={}", profile.path().display());
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &dir,
        ])
        .args(args)
        .output()
        .expect("chromium is needed by this test (.ci/run installs Debian's chromium)")
}

/// The texts a record (or determinations file) withholds with `[[bX: …]]` markup, longer than
/// three characters.
pub fn withheld_texts(text: &str) -> Vec<String> {
    text.split("[[")
        .skip(1)
        .filter_map(|s| s.split_once("]]").map(|(inner, _)| inner))
        .filter_map(|inner| inner.split_once(':').map(|(_, t)| t.trim().to_string()))
        .filter(|t| t.len() > 3)
        .collect()
}

/// Run `smout -q <args> -o <out>` in `reg`, expecting success; returns `out`.
pub fn write_out(reg: &Path, out: PathBuf, args: &[&str]) -> PathBuf {
    let mut all = vec!["-q"];
    all.extend_from_slice(args);
    all.extend(["-o", out.to_str().unwrap()]);
    let o = smout(reg, &all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    out
}

/// Whether the independent checker `name` is on this machine (a program on `PATH`, or a file
/// the tests installed, such as `tests/tools/node_modules/…`). A test that needs it starts
/// with `if !common::have(…) { return; }`:
/// - under CI (`CI` set, as `.ci/run` runs) a missing checker fails the test: nothing is
///   passed that checked nothing;
/// - elsewhere it says loudly, past the test harness's capture, which checker is missing and
///   how to install it, and the test checks nothing more — the others still run.
pub fn have(name: &str, install: &str) -> bool {
    let found = if name.contains('/') {
        Path::new(name).is_file()
    } else {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
    };
    if found {
        return true;
    }
    let shown = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let what = format!(
        "the checker `{shown}` is not installed, so this test checked nothing: {install} (or run `.ci/run`, which installs every checker)"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what}");
    }
    use std::io::Write;
    // Written to the process's stderr itself, not through `eprintln!`, which the harness
    // captures and shows only for a failing test.
    let _ = std::io::stderr()
        .lock()
        .write_all(format!("\nSKIPPED: {what}\n").as_bytes());
    false
}
