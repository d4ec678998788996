//! Word out: `render --format docx` reads like the template — heading styles, rules with their
//! boxes, repeated table header rows, the banner in header and footer, page numbers, document
//! properties — and a release copy holds no withheld text in any part of the package.

mod common;

use std::path::Path;
use std::process::Command;

use common::{smout, stderr};

/// Every part of the package at `docx`: (name, text).
fn parts(docx: &Path) -> Vec<(String, String)> {
    let list = Command::new("unzip")
        .args(["-Z1", docx.to_str().unwrap()])
        .output()
        .expect("unzip is needed by this test");
    String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter(|n| !n.ends_with('/'))
        .map(|n| {
            let o = Command::new("unzip")
                .args(["-p", docx.to_str().unwrap(), n])
                .output()
                .unwrap();
            (
                n.to_string(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
            )
        })
        .collect()
}

fn part<'a>(parts: &'a [(String, String)], name: &str) -> &'a str {
    parts
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {name} in the package"))
}

fn docx(reg: &Path, out: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["-q", "render"];
    all.extend_from_slice(args);
    all.extend(["--format", "docx", "-o", out.to_str().unwrap()]);
    let o = smout(reg, &all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    parts(out)
}

#[test]
fn a_word_copy_reads_like_the_template() {
    if !common::have("unzip", "apt-get install unzip") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let p = docx(&reg, &tmp.path().join("fld.docx"), &["cbp-fld"]);
    let doc = part(&p, "word/document.xml");
    for heading in [
        "SUMMARY INFORMATION",
        "SPECIFIC QUESTIONS",
        "DHS SOCIAL MEDIA DOCUMENTATION",
    ] {
        assert!(
            doc.contains("<w:pStyle w:val=\"Heading1\" />") && doc.contains(heading),
            "{heading}"
        );
    }
    // Rules are headings of the third level, their names in italics, each with its boxes.
    assert!(doc.contains("Heading3"), "rules as headings");
    assert!(
        doc.contains(">5(a) </w:t>"),
        "{}",
        &doc[..2000.min(doc.len())]
    );
    assert!(
        doc.contains("<w:i />") && doc.contains(">Equipment.</w:t>"),
        "italic rule names"
    );
    // Boxes are Word check box content controls, ☒/☐ their glyphs for readers without them.
    assert!(
        doc.contains("<w14:checkbox><w14:checked w14:val=\"1\" />") && doc.contains(">☒</w:t>")
    );
    assert!(
        doc.contains("<w14:checkbox><w14:checked w14:val=\"0\" />") && doc.contains(">☐</w:t>")
    );
    // What a release copy withholds is shaded, in a character style whose name carries its
    // exemptions (what LibreOffice keeps), inside a content control tagged with them (what Word
    // shows) and a hidden bookmark (which tells an import the text was withheld if an editor
    // drops every other mark) — what `smout import` reads back as markup.
    assert!(
        doc.contains("<w:bookmarkStart w:id=\"1\" w:name=\"_smout_withheld_1\" /><w:sdt><w:sdtPr><w:alias w:val=\"Withheld in a release copy: (b) (6), (b) (7)(C)\" /><w:tag w:val=\"smout:withhold b6 b7C\" /></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rStyle w:val=\"SmoutWithholdb6b7C\" /><w:highlight w:val=\"lightGray\" /></w:rPr><w:t xml:space=\"preserve\">Alicia Moreno</w:t></w:r></w:sdtContent></w:sdt><w:bookmarkEnd w:id=\"1\" />"),
        "withheld span"
    );
    assert_eq!(
        doc.matches("<w:bookmarkStart ").count(),
        doc.matches("<w:tag w:val=\"smout:withhold ").count()
    );
    let styles = part(&p, "word/styles.xml");
    for codes in ["b6 b7C", "b7E", "b5"] {
        let id: String = codes.split(' ').collect();
        assert!(
            styles.contains(&format!("<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"SmoutWithhold{id}\"><w:name w:val=\"smout withhold {codes}\" />")),
            "{codes}: {styles}"
        );
    }
    assert!(
        !doc.contains('\u{E010}') && !doc.contains('\u{E002}'),
        "no marker left"
    );
    // Every table's header row repeats on each page; other rows do not.
    let tables = doc.matches("<w:tbl>").count();
    assert!(tables >= 3, "{tables}");
    assert_eq!(doc.matches("<w:tblHeader />").count(), tables);
    // Banner in the header and footer, page numbers in the footer.
    let header = part(&p, "word/header1.xml");
    assert!(
        header.contains("FOR OFFICIAL USE ONLY") || header.contains("DRAFT"),
        "{header}"
    );
    let footer = part(&p, "word/footer1.xml");
    assert!(
        footer.contains("PAGE") && footer.contains("NUMPAGES"),
        "{footer}"
    );
    assert!(footer.contains("Version date: July 24, 2012"), "{footer}");
    // Document properties: title and component, form and version.
    let core = part(&p, "docProps/core.xml");
    assert!(
        core.contains("<dc:title>DHS Operational Use of Social Media: Forced Labor Division open-source research</dc:title>"),
        "{core}"
    );
    let custom = part(&p, "docProps/custom.xml");
    for v in ["Customs and Border Protection", "dhs-smout", "2012-07-24"] {
        assert!(custom.contains(v), "{v} not in {custom}");
    }
}

#[test]
fn every_form_renders_to_word_through_the_same_path() {
    if !common::have("unzip", "apt-get install unzip") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    for e in std::fs::read_dir(reg.join("records")).unwrap() {
        let id = e.unwrap().file_name().to_string_lossy().into_owned();
        let p = docx(&reg, &tmp.path().join(format!("{id}.docx")), &[&id]);
        assert!(part(&p, "word/document.xml").contains("Heading1"), "{id}");
    }
}

#[test]
fn a_release_copy_in_word_holds_no_withheld_text_in_any_part() {
    if !common::have("unzip", "apt-get install unzip") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    for id in ["cbp-fld", "opa-seizure-release"] {
        let record =
            std::fs::read_to_string(reg.join(format!("records/{id}/record.toml"))).unwrap();
        let dets = std::fs::read_to_string(reg.join(format!("records/{id}/determinations.toml")))
            .unwrap_or_default();
        let exempt = common::withheld_texts(&(record + &dets));
        assert!(exempt.len() >= 2, "{id}: {exempt:?}");
        let p = docx(
            &reg,
            &tmp.path().join(format!("{id}-release.docx")),
            &[id, "--release"],
        );
        for (name, text) in &p {
            for e in &exempt {
                assert!(!text.contains(e.as_str()), "{e} in {name} of {id}");
            }
        }
        assert!(part(&p, "word/document.xml").contains("[(b) (6)"), "{id}");
        for mark in ["smout:withhold", "_smout_withheld_"] {
            assert!(
                !part(&p, "word/document.xml").contains(mark),
                "{id}: {mark}"
            );
        }
        assert!(
            !part(&p, "word/styles.xml").contains("smout withhold"),
            "{id}"
        );
        assert!(
            part(&p, "docProps/custom.xml").contains("true"),
            "ReleaseCopy"
        );
    }
}

/// An independent reader: pandoc turns the Word file into text that reads like the record.
#[test]
fn pandoc_reads_the_word_copy() {
    if !common::have("pandoc", "apt-get install pandoc") {
        return;
    }
    if !common::have("unzip", "apt-get install unzip") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let out = tmp.path().join("fld.docx");
    docx(&reg, &out, &["cbp-fld"]);
    let o = Command::new("pandoc")
        .args([out.to_str().unwrap(), "-t", "plain", "--wrap=none"])
        .output()
        .expect("pandoc is needed by this test (.ci/run installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for expect in [
        "SPECIFIC QUESTIONS",
        "5(a) Equipment. Use only government-issued equipment",
        "☒ Yes.",
        "See attached Rules of Behavior (RoB)",
        "Name of Component: Customs and Border Protection",
    ] {
        assert!(text.contains(expect), "{expect} not in:\n{text}");
    }
}

/// The checker of Word packages the tests use: openxml-audit (PyPI, a port of the Open XML
/// SDK's validator), pinned in `.ci/run`.
const OPENXML_AUDIT: &str = "pip3 install --break-system-packages openxml-audit==0.8.0";

/// The page of a Word copy's `word/document.xml`: US Letter upright, one-inch margins, and
/// every table's grid within the text width (6.5 inches).
fn assert_letter_with_one_inch_margins(name: &str, doc: &str) {
    let sect = doc
        .rsplit_once("<w:sectPr>")
        .and_then(|(_, s)| s.split_once("</w:sectPr>"))
        .map(|(s, _)| s)
        .unwrap_or_else(|| panic!("{name}: no section properties"));
    assert!(
        sect.contains("<w:pgSz w:w=\"12240\" w:h=\"15840\" />"),
        "{name}: not Letter: {sect}"
    );
    assert!(
        sect.contains(
            "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" "
        ),
        "{name}: not one-inch margins: {sect}"
    );
    let col = regex::Regex::new(r#"<w:gridCol w:w="(\d+)" />"#).unwrap();
    let width = regex::Regex::new(r#"<w:tblW w:w="(\d+)" w:type="dxa" />"#).unwrap();
    let mut tables = 0;
    for table in doc.split("<w:tbl>").skip(1) {
        let grid = table.split("</w:tblGrid>").next().unwrap();
        let sum: usize = col
            .captures_iter(grid)
            .map(|c| c[1].parse::<usize>().unwrap())
            .sum();
        assert!(
            sum > 0 && sum <= 9360,
            "{name}: a table's grid is {sum} twips wide"
        );
        let w: usize = width.captures(table).unwrap()[1].parse().unwrap();
        assert!(w <= 9360, "{name}: a table is {w} twips wide");
        tables += 1;
    }
    assert!(tables >= 1, "{name}: no table");
}

/// Every example record's Word copy, internal and release, is a package an independent checker
/// finds no error in — openxml-audit with its strictest profile (Microsoft 365, strict policy,
/// security checks) — on Letter paper with one-inch margins, its tables inside them.
#[test]
fn every_word_copy_validates_on_letter_with_one_inch_margins() {
    if !common::have("unzip", "apt-get install unzip")
        || !common::have("openxml-audit", OPENXML_AUDIT)
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let dir = tmp.path().join("word");
    std::fs::create_dir_all(&dir).unwrap();
    let mut ids: Vec<String> = std::fs::read_dir(reg.join("records"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    let mut files = Vec::new();
    for id in &ids {
        let name = format!("{id}.docx");
        let p = docx(&reg, &dir.join(&name), &[id]);
        assert_letter_with_one_inch_margins(&name, part(&p, "word/document.xml"));
        files.push(name);
        // A release copy is made only of a record that passes `check` (the draft does not).
        let name = format!("{id}-release.docx");
        let out = dir.join(&name);
        let o = smout(
            &reg,
            &[
                "-q",
                "render",
                id,
                "--release",
                "--format",
                "docx",
                "-o",
                out.to_str().unwrap(),
            ],
        );
        if id == "uscis-fraud-draft" {
            assert!(!o.status.success(), "{id}: a release copy of a draft");
            continue;
        }
        assert!(o.status.success(), "{id} --release: {}", stderr(&o));
        assert_letter_with_one_inch_margins(&name, part(&parts(&out), "word/document.xml"));
        files.push(name);
    }
    assert_eq!(files.len(), 2 * ids.len() - 1);
    let o = Command::new("openxml-audit")
        .args([
            "--format",
            "microsoft365",
            "--policy",
            "strict",
            "--ooxml-security",
            "--max-errors",
            "0",
            "--recursive",
        ])
        .arg(&dir)
        .output()
        .expect("openxml-audit runs");
    let report = String::from_utf8_lossy(&o.stdout);
    // Its report: `File: <path>`, a verdict, the errors found, `Errors: <n>`, for each file.
    let mut counted = Vec::new();
    let mut file = None;
    for line in report.lines() {
        if let Some(f) = line.strip_prefix("File: ") {
            file = Path::new(f.trim())
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
        } else if let Some(n) = line.strip_prefix("Errors: ") {
            counted.push((
                file.take().expect("a file before its count"),
                n.trim().to_string(),
            ));
        }
    }
    counted.sort();
    let mut want: Vec<(String, String)> = files.iter().map(|f| (f.clone(), "0".into())).collect();
    want.sort();
    assert_eq!(
        counted,
        want,
        "{report}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{report}");
}
