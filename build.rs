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

/// What identifies this build's behaviour beyond its version number: a hash of the sources,
/// forms, templates, fonts and locked dependencies. Caches of judgments (`check` findings,
/// `status` verdicts, summaries, site renderings) are keyed by it, so a build from other sources
/// under the same version number never trusts what an older build computed.
fn build_id() -> String {
    use std::hash::Hasher;
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest);
    // Fixed keys: the same files give the same id with the same toolchain.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for dir in ["src", "forms", "templates", "assets"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(&root.join(dir), &root.join(dir), &mut files);
        files.sort();
        for (rel, abs) in files {
            h.write(format!("{dir}/{rel}").as_bytes());
            h.write(&std::fs::read(abs).unwrap_or_default());
        }
    }
    println!("cargo:rerun-if-changed=Cargo.lock");
    h.write(&std::fs::read(root.join("Cargo.lock")).unwrap_or_default());
    format!("{:016x}", h.finish())
}

fn main() {
    println!("cargo:rustc-env=SMOUT_BUILD_ID={}", build_id());
    let mut out = String::new();
    embed("forms", "BUILTIN_FORMS", &mut out);
    embed("templates", "BUILTIN_TEMPLATES", &mut out);
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("builtin.rs");
    std::fs::write(dest, out).expect("write builtin.rs");
}
