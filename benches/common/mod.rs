//! Shared by the benchmarks: generated registers and child-process measurements.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Write a register of `n` records varied from the example FLD record; returns total bytes.
pub fn generate(root: &Path, n: usize) -> usize {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/register");
    std::fs::copy(example.join("smout.toml"), root.join("smout.toml")).unwrap();
    std::fs::copy(example.join("catalog.toml"), root.join("catalog.toml")).unwrap();
    let base = std::fs::read_to_string(example.join("records/cbp-fld/record.toml")).unwrap();
    let rob = std::fs::read(example.join("records/cbp-fld/rules-of-behavior.txt")).unwrap();
    let mut total = 0;
    for i in 0..n {
        let dir = root.join(format!("records/rec-{i:05}"));
        std::fs::create_dir_all(&dir).unwrap();
        let text = base
            .replace(
                "Forced Labor Division open-source research",
                &format!("Use number {i}"),
            )
            .replace(
                "date_submitted = 2018-06-12",
                &format!("date_submitted = 2018-06-{:02}", 1 + i % 28),
            )
            // A clean register: the FLD transcription keeps its filing's citation of the AFI
            // SORN, which the catalog knows otherwise (a warning per record, SM023).
            .replace("77 FR 13813", "77 FR 33753");
        total += text.len();
        std::fs::write(dir.join("record.toml"), text).unwrap();
        std::fs::write(dir.join("rules-of-behavior.txt"), &rob).unwrap();
    }
    total
}

/// Run a command to completion; return its wall time and peak resident memory in KiB.
pub fn measure(cmd: &mut Command) -> (Duration, u64) {
    let t = Instant::now();
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child with valid out-pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = t.elapsed();
    assert_eq!(r, pid, "wait4");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "command failed: {cmd:?}"
    );
    std::mem::forget(child);
    (wall, usage.ru_maxrss as u64)
}

/// Median of durations.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
