//! Benchmark: `smout render` of the example FLD record — median wall time, peak memory and PDF
//! size — and `smout render --all` over a generated register of 1,000 records.
//!
//! Run: `cargo bench --bench render [-- RUNS RECORDS]` (defaults 50 and 1000).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(50);
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let bin = env!("CARGO_BIN_EXE_smout");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/register");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fld.pdf");
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..runs + 2 {
        let (t, rss) = common::measure(
            Command::new(bin)
                .args(["render", "cbp-fld", "-q", "-o", out.to_str().unwrap()])
                .current_dir(&example)
                .env("SOURCE_DATE_EPOCH", "1537747200")
                .stdout(Stdio::null()),
        );
        times.push(t);
        peak = peak.max(rss);
    }
    times.drain(..2);
    let size = std::fs::metadata(&out).unwrap().len();
    println!(
        "smout render cbp-fld: median {:.1} ms, best {:.1} ms over {runs} runs; peak RSS {:.1} MiB; PDF {:.1} KB",
        common::median(times.clone()).as_secs_f64() * 1e3,
        times.iter().min().unwrap().as_secs_f64() * 1e3,
        peak as f64 / 1024.0,
        size as f64 / 1000.0
    );

    let reg = tmp.path().join("reg");
    std::fs::create_dir_all(&reg).unwrap();
    common::generate(&reg, n);
    let all = tmp.path().join("all");
    let (t, rss) = common::measure(
        Command::new(bin)
            .args(["render", "--all", "-q", "-o", all.to_str().unwrap()])
            .current_dir(&reg)
            .env("SOURCE_DATE_EPOCH", "1537747200"),
    );
    println!(
        "smout render --all: {n} records in {:.2} s ({:.1} ms/record on all cores); peak RSS {:.1} MiB",
        t.as_secs_f64(),
        t.as_secs_f64() * 1e3 / n as f64,
        rss as f64 / 1024.0
    );
}
