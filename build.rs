//! Embeds every file of `forms/` and `templates/` in the binary, so adding a form or a template
//! means adding a file, not code.

use std::fmt::Write as _;
use std::path::Path;

fn embed(dir: &str, konst: &str, out: &mut String) {
    // The package's folder as cargo names it when the script runs (not when it was compiled:
    // a build script compiled for one checkout may be run for another sharing its target).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join(dir);
    println!("cargo:rerun-if-changed={dir}");
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let _ = writeln!(
        out,
        "/// Files embedded from `{dir}/`: (path relative to it, contents)."
    );
    let _ = writeln!(out, "pub const {konst}: &[(&str, &str)] = &[");
    for (rel, abs) in files {
        println!("cargo:rerun-if-changed={}", abs.display());
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            abs.display().to_string()
        );
    }
    let _ = writeln!(out, "];");
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(base, &p, out);
        } else if let Ok(rel) = p.strip_prefix(base) {
            out.push((rel.to_string_lossy().replace('\\', "/"), p.clone()));
        }
    }
}

fn main() {
    let mut out = String::new();
    embed("forms", "BUILTIN_FORMS", &mut out);
    embed("templates", "BUILTIN_TEMPLATES", &mut out);
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin.rs");
    std::fs::write(dest, out).expect("write builtin.rs");
}
