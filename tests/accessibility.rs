//! Section 508: every PDF smout writes is a tagged PDF checked by an independent PDF/UA-1
//! checker (`pdfua`, PyPI, built on pikepdf) and read back through poppler's structure-tree
//! reader; every HTML page passes axe-core in a real browser (Debian's Chromium).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::stderr;

fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is needed by this test (.ci/run installs it: poppler-utils, pip pdfua, chromium): {e}")
    })
}

use common::write_out as write;

/// The PDF/UA checker's verdict on `pdf`: nothing found, nothing it could not evaluate.
fn assert_pdfua(pdf: &Path) {
    let o = tool("pdfua", &["check", pdf.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.contains("PASS (no findings)") && !out.contains("[skip"),
        "{}: {out}{}",
        pdf.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let info =
        String::from_utf8_lossy(&tool("pdfinfo", &[pdf.to_str().unwrap()]).stdout).into_owned();
    assert!(info.contains("Tagged:          yes"), "{info}");
}

fn struct_text(pdf: &Path) -> String {
    let o = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The headings of a structure tree, in order, with their level.
fn headings(tree: &str) -> Vec<String> {
    let lines: Vec<&str> = tree.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            t.len() > 2 && t.starts_with('H') && t.as_bytes()[1].is_ascii_digit()
        })
        .map(|(i, l)| {
            let text = lines.get(i + 1).map(|t| t.trim()).unwrap_or("");
            format!("{} {}", &l.trim()[..2], text.trim_matches('"'))
        })
        .collect()
}

#[test]
fn every_pdf_smout_writes_is_tagged_to_pdf_ua() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("pdfua", "pip install pdfua==0.1.3") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let mut pdfs: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pdf"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
    // Every example record, both forms, internal and release copies; the report, both ways.
    // (A draft is rendered but has no release copy: it must pass `check` first.)
    pdfs.push(write(
        &reg,
        tmp.path().join("draft.pdf"),
        &["render", "uscis-fraud-draft"],
    ));
    for id in ["cbp-fld", "opa-seizure-release", "cis-refugee-vetting"] {
        pdfs.push(write(
            &reg,
            tmp.path().join(format!("{id}.pdf")),
            &["render", id],
        ));
        pdfs.push(write(
            &reg,
            tmp.path().join(format!("{id}-release.pdf")),
            &["render", id, "--release"],
        ));
    }
    pdfs.push(write(
        &reg,
        tmp.path().join("report.pdf"),
        &["report", "--format", "pdf"],
    ));
    pdfs.push(write(
        &reg,
        tmp.path().join("report-release.pdf"),
        &["report", "--format", "pdf", "--release"],
    ));
    for pdf in &pdfs {
        assert_pdfua(pdf);
    }
}

/// The structure tree read back by poppler is the document: headings in order and never a
/// level skipped, table cells under column headers, checkboxes as labelled list items.
#[test]
fn the_structure_tree_reads_as_the_document() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pdf/cbp-fld.pdf");
    let tree = struct_text(&pdf);
    let heads = headings(&tree);
    insta::assert_snapshot!(heads.join("\n"));
    let mut last = 0;
    for h in &heads {
        let level: usize = h[1..2].parse().unwrap();
        assert!(level <= last + 1, "a heading level skipped at {h}");
        last = level;
    }
    // The contacts table: a header row of column headers, then rows of data cells.
    let table = tree.split("Table (block)").nth(1).unwrap();
    let first_row: Vec<&str> = table.lines().skip(1).take(12).collect();
    assert_eq!(first_row[0].trim(), "TR", "{table}");
    assert_eq!(first_row[1].trim(), "TH:", "{table}");
    assert_eq!(first_row[2].trim(), "/Scope /Column", "{table}");
    assert!(table.contains("TD"), "{table}");
    // A ticked box is the label of its option.
    let item = tree
        .split("LI (block)")
        .nth(1)
        .unwrap()
        .lines()
        .take(5)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(item.contains("Lbl") && item.contains("LBody"), "{item}");
}

/// No withheld text anywhere in a release copy's structure tree, its marked content or its
/// metadata; each redaction label reads "withheld under exemption …".
#[test]
fn a_release_copys_tree_holds_no_withheld_text() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let record = std::fs::read_to_string(reg.join("records/cbp-fld/record.toml")).unwrap();
    let withheld = common::withheld_texts(&record);
    assert!(withheld.len() > 3, "{withheld:?}");
    let pdf = write(
        &reg,
        tmp.path().join("release.pdf"),
        &["render", "cbp-fld", "--release"],
    );
    let tree = struct_text(&pdf);
    let qdf = tmp.path().join("release.qdf");
    let o = tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    for w in &withheld {
        assert!(!tree.contains(w.as_str()), "{w} in the structure tree");
        assert!(!raw.contains(w.as_str()), "{w} in the file");
    }
    assert!(
        raw.contains("/ActualText(withheld under exemption \\(b\\) \\(6\\)"),
        "redaction labels read as what they are"
    );
    assert!(raw.contains("<pdfuaid:part>1</pdfuaid:part>"));
    assert!(raw.contains("/Lang (en-US)") || raw.contains("/Lang(en-US)"));
}

/// axe-core's WCAG 2.1 A/AA (and best-practice) violations on the page at `html`, run in
/// headless Chromium: the page is loaded from a file with axe appended, and what axe reports
/// is read back from the DOM Chromium dumps.
fn axe_violations(html: &Path) -> Vec<serde_json::Value> {
    let axe =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe).unwrap_or_else(|e| {
        panic!("axe-core is needed by this test: `npm ci --prefix tests/tools` (.ci/run does): {e}")
    });
    let page = std::fs::read_to_string(html).unwrap();
    let probe = format!(
        "<script>{axe}</script>\n<script>\naxe.run(document, {{runOnly: {{type: \"tag\", values: [\"wcag2a\", \"wcag2aa\", \"wcag21a\", \"wcag21aa\", \"best-practice\"]}}}}).then(function (r) {{\n  var pre = document.createElement(\"pre\");\n  pre.id = \"axe-result\";\n  pre.textContent = JSON.stringify(r.violations.map(function (v) {{ return {{id: v.id, help: v.help, nodes: v.nodes.map(function (n) {{ return n.target.join(\" \"); }})}}; }}));\n  document.body.appendChild(pre);\n}});\n</script>\n</body>"
    );
    assert!(page.contains("</body>"), "{page}");
    let probed = html.with_extension("axe.html");
    std::fs::write(&probed, page.replace("</body>", &probe)).unwrap();
    let o = common::chromium(&[
        "--virtual-time-budget=30000",
        "--dump-dom",
        &format!("file://{}", probed.display()),
    ]);
    let dom = String::from_utf8_lossy(&o.stdout);
    let json = dom
        .split("<pre id=\"axe-result\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or_else(|| {
            panic!(
                "axe did not report on {}: {}",
                html.display(),
                String::from_utf8_lossy(&o.stderr)
            )
        })
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// Every HTML rendering — every example record, internal and release copies — has no WCAG 2.1
/// AA violation in a real browser, and says each checkbox's state in words.
#[test]
fn every_html_page_passes_axe_in_chromium() {
    if !common::have(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/node_modules/axe-core/axe.min.js"
        ),
        "npm ci --prefix tests/tools",
    ) {
        return;
    }
    if !common::have("chromium", "apt-get install chromium") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let mut pages = Vec::new();
    for e in std::fs::read_dir(reg.join("records")).unwrap() {
        let id = e.unwrap().file_name().to_string_lossy().into_owned();
        pages.push(write(
            &reg,
            tmp.path().join(format!("{id}.html")),
            &["render", &id, "--format", "html"],
        ));
    }
    for id in ["cbp-fld", "opa-seizure-release"] {
        pages.push(write(
            &reg,
            tmp.path().join(format!("{id}-release.html")),
            &["render", id, "--format", "html", "--release"],
        ));
    }
    for page in &pages {
        let v = axe_violations(page);
        assert!(v.is_empty(), "{}: {v:#?}", page.display());
    }
    let fld = std::fs::read_to_string(tmp.path().join("cbp-fld.html")).unwrap();
    assert!(
        fld.contains("<html lang=\"en-US\">")
            && fld.contains("role=\"img\" aria-label=\"checked\">☒</span>")
            && fld.contains("role=\"img\" aria-label=\"not checked\">☐</span>"),
        "{fld}"
    );
    let release = std::fs::read_to_string(tmp.path().join("cbp-fld-release.html")).unwrap();
    assert!(
        release.contains("aria-label=\"withheld under FOIA exemption (b) (6)"),
        "{release}"
    );
}

/// The browser check can fail: a page with an image without alternative text, grey-on-grey
/// text and no landmarks is reported.
#[test]
fn the_browser_check_finds_violations_where_there_are_some() {
    if !common::have(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/node_modules/axe-core/axe.min.js"
        ),
        "npm ci --prefix tests/tools",
    ) {
        return;
    }
    if !common::have("chromium", "apt-get install chromium") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>t</title></head><body><img src=\"x.png\"><p style=\"color:#bbb;background:#ccc\">faint</p></body></html>",
    )
    .unwrap();
    let ids: Vec<String> = axe_violations(&page)
        .iter()
        .map(|v| v["id"].as_str().unwrap_or("").to_string())
        .collect();
    for id in ["image-alt", "color-contrast", "html-has-lang"] {
        assert!(ids.iter().any(|i| i == id), "{id} not in {ids:?}");
    }
}

/// The static site meets the same bar as the HTML renderer: its dashboard, a record page, the
/// audit and the report, internal and in the reading room.
#[test]
fn every_site_page_passes_axe_in_chromium() {
    if !common::have(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/node_modules/axe-core/axe.min.js"
        ),
        "npm ci --prefix tests/tools",
    ) {
        return;
    }
    if !common::have("chromium", "apt-get install chromium") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    for (dir, release) in [("public", false), ("reading-room", true)] {
        let site = tmp.path().join(dir);
        let mut args = vec!["-q", "site", "--no-pdf", "-o", site.to_str().unwrap()];
        if release {
            args.push("--release");
        }
        let o = common::smout_as(&reg, "drafter@example.gov", "2026-11-24", &args);
        assert!(o.status.success(), "{}", stderr(&o));
        for page in [
            "index.html",
            "records/cbp-fld/index.html",
            "audit.html",
            "report.html",
        ] {
            let v = axe_violations(&site.join(page));
            assert!(v.is_empty(), "{dir}/{page}: {v:#?}");
        }
    }
}
