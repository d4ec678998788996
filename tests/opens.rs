//! One opened register per command: the command line opens the repository once and hands it
//! down, and work on every core opens at most one handle per worker thread. Measured as the
//! issue measured it, with strace, on the bundled example register: libgit2 looks for
//! `.git/commondir` twice each time it discovers a repository (once when it opens one by its
//! git folder), so the probes each thread makes count its opens. (Before: `site` opened the
//! repository 14 times, `render --all` once per record, `ci` 9 times, `report` 6.)

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{example_history, have};

/// How many times each thread (by id, in the order they first probe) looked for
/// `.git/commondir` while `smout args` ran in `reg`, and the output's status.
fn probes(reg: &Path, home: &Path, args: &[&str]) -> Vec<(u32, usize)> {
    let log = home.join("strace.log");
    let o = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-e",
            "trace=newfstatat,stat,statx,access,openat",
            "-o",
        ])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_smout"))
        .args(args)
        .current_dir(reg)
        .env("HOME", home)
        .env("SMOUT_TODAY", "2026-11-22")
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let mut order = Vec::new();
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    for line in text.lines().filter(|l| l.contains(".git/commondir")) {
        let pid: u32 = line
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap();
        if !count.contains_key(&pid) {
            order.push(pid);
        }
        *count.entry(pid).or_default() += 1;
    }
    order.into_iter().map(|p| (p, count[&p])).collect()
}

#[test]
fn each_command_opens_the_repository_once_and_each_worker_at_most_once() {
    if !have("strace", "apt-get install strace") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let out = tmp.path().join("out");
    let site = out.join("public");
    let pdfs = out.join("pdfs");
    let commands: [(&str, Vec<&str>); 5] = [
        ("site", vec!["site", "-o", site.to_str().unwrap()]),
        (
            "render --all",
            vec!["render", "--all", "-o", pdfs.to_str().unwrap()],
        ),
        ("ci", vec!["ci", "--base", "HEAD~3"]),
        ("report", vec!["report"]),
        ("status", vec!["status"]),
    ];
    std::fs::create_dir_all(&out).unwrap();
    for (what, args) in commands {
        let threads = probes(&reg, tmp.path(), &args);
        let (main, main_probes) = threads[0];
        assert_eq!(
            main_probes,
            2,
            "{what}: the command's own thread ({main}) opened the repository {} times: {threads:?}",
            main_probes as f64 / 2.0
        );
        for (thread, n) in &threads[1..] {
            assert!(
                *n <= 2,
                "{what}: worker {thread} opened the repository {} times: {threads:?}",
                *n as f64 / 2.0
            );
        }
        // Nothing opens it for each record: a handle per thread, never per record.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        if what == "render --all" {
            assert!(
                threads.len() <= 1 + cores,
                "{what}: {} handles on {cores} cores: {threads:?}",
                threads.len()
            );
        }
    }
}
