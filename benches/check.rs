//! Benchmark: `smout check` over a generated register of N SMOUT records (default 5,000).
//!
//! Run: `cargo bench --bench check [-- RECORDS RUNS]`. The register is generated in a temporary
//! folder from the example FLD record (each record varied so no two are alike) and removed after.
//! Prints the median and best wall time of the release binary over RUNS runs.

use std::path::Path;
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
    let bytes = generate(tmp.path(), n);
    let bin = env!("CARGO_BIN_EXE_smout");
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
    times.remove(0); // warm-up: the page cache
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "smout check: {n} records ({:.1} MB) — median {:.0} ms, best {:.0} ms over {runs} runs",
        bytes as f64 / 1e6,
        ms(times[times.len() / 2]),
        ms(times[0])
    );
}

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
            );
        total += text.len();
        std::fs::write(dir.join("record.toml"), text).unwrap();
        std::fs::write(dir.join("rules-of-behavior.txt"), &rob).unwrap();
    }
    total
}
