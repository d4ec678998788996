//! The house has no circles. Which file of the library uses which — through `use` items, paths
//! such as `crate::store::fs::read` or `super::model::View`, and a module's own children — is
//! read from `src/`, and must have no cycle: a child never uses its parent's items while the
//! parent uses the child, and no two modules use each other. And every use runs down the
//! layers below, from the commands to the ground floor; a new top-level module must be given a
//! layer here. (`cargo modules dependencies --acyclic` draws the same graph at module level;
//! this test holds it in every CI run without building rust-analyzer.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

/// The layers, lowest first: a module may use only its own layer and those below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "ground",
        &["error", "digest", "duration", "par", "style", "diag"],
    ),
    ("store", &["store"]),
    (
        "data",
        &[
            "fonts",
            "form",
            "register",
            "markup",
            "pii",
            "release",
            "determination",
            "schema",
            "skeleton",
        ],
    ),
    ("session", &["session"]),
    ("check", &["check"]),
    ("render", &["render"]),
    (
        "history",
        &[
            "revision",
            "rendering",
            "trust",
            "timeline",
            "diff",
            "status",
        ],
    ),
    (
        "commands",
        &[
            "audit",
            "ci",
            "create",
            "decide",
            "import",
            "lifecycle",
            "report",
            "roles",
            "site",
            "submit",
            "forge",
            "print",
            "fuzz",
        ],
    ),
];

type Module = Vec<String>;

fn name(m: &Module) -> String {
    match m.is_empty() {
        true => "crate".into(),
        false => m.join("::"),
    }
}

/// Every library file, by module path (the binary's `main.rs` and `cli/` are not the library).
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, src: &Path, out: &mut BTreeMap<Module, PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, src, out);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Module = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts[0] == "cli" || parts == ["main"] || parts == ["bin"] {
                continue;
            }
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            out.insert(parts, p);
        }
    }
    let mut out = BTreeMap::new();
    walk(src, src, &mut out);
    out
}

/// The paths of a `use` tree (`a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`).
fn expand(prefix: &[String], tree: &str) -> Vec<Module> {
    let tree = tree.trim();
    if let Some(open) = tree.find('{').filter(|_| tree.ends_with('}')) {
        let head: Module = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let inner = &tree[open + 1..tree.len() - 1];
        let (mut depth, mut cur, mut items) = (0, String::new(), Vec::new());
        for ch in inner.chars() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if ch == ',' && depth == 0 {
                items.push(std::mem::take(&mut cur));
            } else {
                cur.push(ch);
            }
        }
        items.push(cur);
        let base: Module = prefix.iter().cloned().chain(head).collect();
        return items
            .iter()
            .filter(|i| !i.trim().is_empty())
            .flat_map(|i| expand(&base, i))
            .collect();
    }
    let tree = tree.split(" as ").next().unwrap_or(tree);
    vec![prefix
        .iter()
        .cloned()
        .chain(
            tree.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        )
        .collect()]
}

/// The file a path names: the longest prefix of it that is a module.
fn resolve(files: &BTreeMap<Module, PathBuf>, path: &[String]) -> Option<Module> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains_key(p))
}

/// Which module each module uses.
fn graph(files: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, BTreeSet<Module>> {
    let use_item = Regex::new(r"\buse\s+([^;]+);").unwrap();
    let crate_path = Regex::new(r"\bcrate((?:::\w+)+)").unwrap();
    let super_path = Regex::new(r"\bsuper((?:::\w+)+)").unwrap();
    let bare_path = Regex::new(r"(?:^|[^:\w])(\w+)((?:::\w+)+)").unwrap();
    let comment = Regex::new(r"//[^\n]*").unwrap();
    let vis_in = Regex::new(r"pub\(in [\w:]+\)").unwrap();
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in files {
        let text = std::fs::read_to_string(file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap_or("");
        let text = comment.replace_all(text, "");
        let text = vis_in.replace_all(&text, "pub");
        let kids: BTreeSet<&str> = files
            .keys()
            .filter(|k| k.len() == module.len() + 1 && k.starts_with(module))
            .map(|k| k[module.len()].as_str())
            .collect();
        let mut found = BTreeSet::new();
        let mut add = |path: Module| {
            let target = match path.first().map(String::as_str) {
                Some("crate") => resolve(files, &path[1..]),
                Some("super") => {
                    let mut base = module.clone();
                    let mut rest = &path[..];
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    resolve(files, &[base, rest.to_vec()].concat())
                }
                Some("self") => resolve(files, &[module.clone(), path[1..].to_vec()].concat()),
                Some(first) if kids.contains(first) => {
                    resolve(files, &[module.clone(), path.clone()].concat())
                }
                _ => None,
            };
            if let Some(t) = target.filter(|t| t != module && !t.is_empty()) {
                found.insert(t);
            }
        };
        for m in use_item.captures_iter(&text) {
            for path in expand(&[], &m[1]) {
                add(path);
            }
        }
        let split = |s: &str| -> Module { s.split("::").skip(1).map(String::from).collect() };
        for m in crate_path.captures_iter(&text) {
            add([vec!["crate".to_string()], split(&m[1])].concat());
        }
        // `super::x` outside a `use` item (inside one, `add` resolved it above).
        for m in super_path.captures_iter(&text) {
            add([vec!["super".to_string()], split(&m[1])].concat());
        }
        for m in bare_path.captures_iter(&text) {
            if kids.contains(&m[1]) {
                add([vec![m[1].to_string()], split(&m[2])].concat());
            }
        }
        edges.insert(module.clone(), found);
    }
    edges
}

/// A cycle of the graph, when there is one (the modules on it, in order).
fn a_cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        m: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        marks.insert(m.clone(), Mark::Open);
        stack.push(m.clone());
        for next in edges.get(m).into_iter().flatten() {
            match marks.get(next) {
                Some(Mark::Open) => {
                    let from = stack.iter().position(|s| s == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(Mark::Done) => {}
                None => {
                    if let Some(c) = visit(next, edges, marks, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        marks.insert(m.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in edges.keys() {
        if !marks.contains_key(m) {
            if let Some(c) = visit(m, edges, &mut marks, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn layer(m: &Module) -> Option<usize> {
    let top = m.first()?;
    LAYERS.iter().position(|(_, ms)| ms.contains(&top.as_str()))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_file_of_the_library_is_on_a_circle() {
    let files = modules(&src());
    let edges = graph(&files);
    if let Some(cycle) = a_cycle(&edges) {
        panic!(
            "the modules use each other in a circle: {}\nbreak it: move what both need into a module below them both (a child's shared types into a sibling file, not its parent's mod.rs)",
            cycle.iter().map(name).collect::<Vec<_>>().join(" -> ")
        );
    }
}

#[test]
fn every_use_runs_down_the_layers() {
    let files = modules(&src());
    let unlayered: Vec<String> = files
        .keys()
        .filter(|m| !m.is_empty() && layer(m).is_none())
        .map(name)
        .collect();
    assert!(
        unlayered.is_empty(),
        "give these modules a layer in tests/layers.rs: {unlayered:?}"
    );
    let up: Vec<String> = graph(&files)
        .iter()
        .filter(|(from, _)| !from.is_empty())
        .flat_map(|(from, to)| to.iter().map(move |t| (from, t)))
        .filter(|(from, to)| layer(to) > layer(from))
        .map(|(from, to)| {
            format!(
                "{} ({}) uses {} ({})",
                name(from),
                LAYERS[layer(from).unwrap()].0,
                name(to),
                LAYERS[layer(to).unwrap()].0
            )
        })
        .collect();
    assert!(
        up.is_empty(),
        "uses that run back up the layers:\n  {}",
        up.join("\n  ")
    );
}

/// The reader of the graph finds what it must: a test that could not fail would hold nothing.
#[test]
fn the_graph_reader_sees_uses_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("a")).unwrap();
    std::fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\npub mod c;\n").unwrap();
    // a/mod.rs uses its child; the child uses its parent back: a circle.
    std::fs::write(
        src.join("a/mod.rs"),
        "mod kid;\npub use kid::Thing;\npub struct Parent;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("a/kid.rs"),
        "use super::Parent; // uses crate::c in a comment only\npub struct Thing;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("b.rs"),
        "use crate::{a::{Thing}, c as see};\nfn f() { crate::c::g(); }\n",
    )
    .unwrap();
    std::fs::write(src.join("c.rs"), "pub fn g() {}\n").unwrap();
    let files = modules(src);
    let edges = graph(&files);
    let m = |s: &str| -> Module { s.split("::").map(String::from).collect() };
    assert_eq!(edges[&m("a")], BTreeSet::from([m("a::kid")]));
    assert_eq!(edges[&m("a::kid")], BTreeSet::from([m("a")]));
    assert_eq!(edges[&m("b")], BTreeSet::from([m("a"), m("c")]));
    assert!(edges[&m("c")].is_empty());
    let cycle = a_cycle(&edges).expect("the circle a -> a::kid -> a");
    assert_eq!(cycle.first(), cycle.last());
    assert_eq!(cycle.len(), 3);
}
