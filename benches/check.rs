//! Benchmark: `smout check` over a generated register of N SMOUT records (default 5,000).
//!
//! Run: `cargo bench --bench check [-- RECORDS RUNS]`. The register is generated in a temporary
//! folder from the example FLD record (each record varied so no two are alike) and removed after.
//! With `BENCH_KEEP=1` a copy of the generated register is kept (its path is printed).
//! Prints the median and best wall time of the release binary over RUNS runs: outside git, where
//! every record is parsed, then in git, where unchanged records come from the check cache.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let tmp = tempfile::tempdir().unwrap();
    let bytes = common::generate(tmp.path(), n);
    if std::env::var_os("BENCH_KEEP").is_some() {
        // A copy outside the measured folder, which the second half turns into a git repository.
        let keep = tmp.path().with_extension("kept");
        let o = Command::new("cp")
            .arg("-r")
            .arg(tmp.path())
            .arg(&keep)
            .output()
            .unwrap();
        assert!(o.status.success());
        eprintln!("keeping a copy of the register in {}", keep.display());
    }
    let bin = env!("CARGO_BIN_EXE_smout");
    let run = |runs: usize| {
        let mut times = Vec::new();
        for _ in 0..runs + 1 {
            let t = Instant::now();
            let o = Command::new(bin)
                .args(["check", "-q"])
                .current_dir(tmp.path())
                .env("SMOUT_TODAY", "2026-11-22")
                .output()
                .unwrap();
            times.push(t.elapsed());
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        }
        times.remove(0); // warm-up: the page cache (and, in git, the check cache)
        times.sort();
        times
    };
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    // Outside git there is no cache: every record is read and parsed.
    let times = run(runs);
    println!(
        "smout check: {n} records ({:.1} MB), every record parsed — median {:.0} ms, best {:.0} ms over {runs} runs",
        bytes as f64 / 1e6,
        ms(times[times.len() / 2]),
        ms(times[0])
    );
    // A register kept in git, checked again with nothing changed.
    let o = Command::new("git")
        .args(["init", "-q"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let times = run(runs);
    println!(
        "smout check again in git, nothing changed (.git/smout/check-v1) — median {:.0} ms, best {:.0} ms over {runs} runs",
        ms(times[times.len() / 2]),
        ms(times[0])
    );
}
