//! A deterministic mutation test on stable Rust (the `cargo fuzz` targets in `fuzz/` explore
//! further on nightly): thousands of seeded mutations of the example records and fixtures —
//! exempt text replaced by `ZQX…` tokens so that a leak can be recognised — go through check,
//! the release check and every release rendering (`smout::fuzz::exercise`): no panic, and no
//! withheld token in any release output. A smaller sample runs through the binary: exit codes
//! are only ever 0, 1 or 2.

mod common;

use std::path::{Path, PathBuf};

use smout::register::Register;
use smout::render::Templates;

/// xorshift64*: the same mutations on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Pieces that tend to break parsers, markup and layout.
const INSERTS: &[&str] = &[
    "[[",
    "]]",
    "\\]]",
    "\\[[",
    "[[b6: ",
    "[[b7E: ZQXINSERTED ",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "\r",
    "\n",
    "\r\n",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "\\",
    ".",
    "1979-05-27",
    "2026-02-30",
    "true",
    "-1",
    "1e999",
    "{ a = 1 }",
    "[{ x = \"y\" }]",
    "é",
    "\u{00A0}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0}",
    "|",
    "---\n",
    "~~~",
    "@h1 ",
    "\\n",
    "𝒳",
    "\t",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(4) {
        let len = chars.len();
        let at = rng.below(len + 1);
        match rng.below(8) {
            6 | 7 => {
                // Change a string value's type: an inline table, an array of tables, a mixed
                // array — values `check` rejects and a release must still never print.
                let s: String = chars.iter().collect();
                let mut lines: Vec<String> = s.split('\n').map(String::from).collect();
                let candidates: Vec<usize> = (0..lines.len())
                    .filter(|&i| lines[i].contains(" = \"") && lines[i].trim_end().ends_with('"'))
                    .collect();
                if !candidates.is_empty() {
                    let i = candidates[rng.below(candidates.len())];
                    let (key, value) = lines[i].split_once(" = ").unwrap();
                    let value = value.trim_end();
                    lines[i] = match rng.below(3) {
                        0 => format!("{key} = {{ v = {value} }}"),
                        1 => format!("{key} = [{{ v = {value} }}]"),
                        _ => format!("{key} = [{value}, 1, {{ w = {value} }}]"),
                    };
                }
                chars = lines.join("\n").chars().collect();
            }
            0 if len > 0 => {
                let n = 1 + rng.below(12.min(len - at.min(len - 1)).max(1));
                let end = (at + n).min(len);
                chars.drain(at.min(end)..end);
            }
            1 if len > 0 => {
                let from = rng.below(len);
                let n = 1 + rng.below(40);
                let piece: Vec<char> = chars[from..(from + n).min(len)].to_vec();
                chars.splice(at..at, piece);
            }
            2 | 3 => {
                let ins: Vec<char> = INSERTS[rng.below(INSERTS.len())].chars().collect();
                chars.splice(at..at, ins);
            }
            4 => {
                // Swap two lines.
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.split('\n').collect();
                if lines.len() > 2 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                chars = lines.join("\n").chars().collect();
            }
            _ if len > 0 => {
                // Replace one character by a random printable or control one.
                let c = char::from_u32(rng.below(0x80) as u32).unwrap_or('x');
                chars[at.min(len - 1)] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Exempt text in the corpus becomes `ZQXS<k>` tokens, so a leak can be recognised.
fn tokenise(text: &str, k: &mut usize) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("[[") {
        if rest[..i].ends_with('\\') {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
            continue;
        }
        let Some(close) = rest[i..].find("]]") else {
            break;
        };
        let inner = &rest[i + 2..i + close];
        match inner.split_once(':') {
            Some((ex, _)) if !ex.contains('\n') => {
                *k += 1;
                out.push_str(&rest[..i]);
                out.push_str(&format!("[[{ex}: ZQXS{k} ZQXT{k}]]"));
            }
            _ => out.push_str(&rest[..i + close + 2]),
        }
        rest = &rest[i + close + 2..];
    }
    out.push_str(rest);
    out
}

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["examples/register/records"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path().join("record.toml"));
        }
    }
    for f in [
        "tests/fixtures/valid/minimal.toml",
        "tests/fixtures/disclosure/valid.toml",
    ] {
        files.push(root.join(f));
    }
    files.sort();
    let mut k = 0;
    let mut out: Vec<String> = files
        .iter()
        .map(|f| tokenise(&std::fs::read_to_string(f).unwrap(), &mut k))
        .collect();
    // A field withheld whole, of text and of other kinds.
    let minimal = std::fs::read_to_string(root.join("tests/fixtures/valid/minimal.toml")).unwrap();
    out.push(
        minimal.replace("it_systems = \"Shared drive\"", "it_systems = \"ZQXWITHHELD1 drive\"")
            + "\n[release]\nredact = { \"summary.it_systems\" = [\"b7E\"], \"use.launched\" = [\"b7E\"], \"rules_of_behavior.accounts\" = [\"b5\"] }\n",
    );
    out
}

#[test]
fn no_mutation_panics_or_leaks_withheld_text_into_a_release() {
    let reg = common::register();
    let register = Register::open(reg.path()).unwrap();
    let templates = Templates::load(None).unwrap();
    let corpus = corpus();
    assert!(
        corpus.iter().all(|t| t.contains("ZQX")),
        "every seed has exempt text"
    );
    // The seeds themselves, unmutated.
    for (i, seed) in corpus.iter().enumerate() {
        smout::fuzz::exercise(&register, &templates, seed, true)
            .unwrap_or_else(|e| panic!("seed {i}: {e}"));
    }
    let mut rng = Rng(0x5EED_5A0F_u64);
    let mut leaks = Vec::new();
    for n in 0..2500 {
        let seed = &corpus[rng.below(corpus.len())];
        let text = mutate(seed, &mut rng);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            smout::fuzz::exercise(&register, &templates, &text, n % 25 == 0)
        }));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => leaks.push(format!("mutation {n}: {e}\n{text}")),
            Err(_) => panic!("mutation {n} panicked on:\n{text:?}"),
        }
    }
    assert!(
        leaks.is_empty(),
        "{} leaks; first:\n{}",
        leaks.len(),
        leaks[0]
    );
}

#[test]
fn the_binary_exits_0_1_or_2_on_mutated_records() {
    let reg = common::git_register("x");
    let dir = reg.path();
    let corpus = corpus();
    let mut rng = Rng(0xC0FF_EE00_u64);
    for n in 0..30 {
        let text = mutate(&corpus[rng.below(corpus.len())], &mut rng);
        std::fs::write(dir.join("records/x/record.toml"), &text).unwrap();
        for args in [
            &["check", "x"][..],
            &["check", "--release", "x"],
            &["render", "x", "--release", "--format", "md", "-o", "-"],
            &["submit", "x", "--no-commit"],
        ] {
            let o = common::smout(dir, args);
            let code = o.status.code();
            assert!(
                matches!(code, Some(0..=2)),
                "mutation {n}, {args:?}: exit {code:?}\n{}\n{text:?}",
                common::stderr(&o)
            );
        }
    }
}
