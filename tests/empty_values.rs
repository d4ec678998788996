//! Nothing empty is printed as if it were an answer: a list item with nothing answered is no
//! row (and no "Contact Information: , …" in a diff), and a document the determination page
//! names leaves out what its entry leaves empty instead of joining it ("…, June 7, 2012, ").

mod common;

use std::path::Path;

use common::{edit, ok, smout, smout_as, stdout};

const REVIEWER: &str = "privacy@example.gov";

/// A register whose record `x` was submitted with a SORN that has no citation, approved as
/// covered by it, and then given a contact with every field left empty (as `smout new` writes
/// them) in the working tree.
fn register() -> tempfile::TempDir {
    let reg = common::git_register("x");
    edit(
        reg.path(),
        "x",
        "citation = \"77 FR 13813\"",
        "citation = \"\"",
    );
    common::git(reg.path(), &["commit", "-qam", "no citation"]);
    ok(smout_as(
        reg.path(),
        "drafter@example.gov",
        "2024-01-10",
        &["submit", "x"],
    ));
    ok(smout_as(
        reg.path(),
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "met",
            "--pia-covered",
            "DHS/CBP/PIA-010(a)",
            "--sorn-covered",
            "DHS/CBP-017",
        ],
    ));
    edit(
        reg.path(),
        "x",
        "[[summary.counsel]]",
        "[[summary.contacts]]\nname = \"\"\ntitle = \"\"\noffice = \"\"\nemail = \"\"\nphone = \"\"\n\n[[summary.counsel]]",
    );
    reg
}

fn render(reg: &Path, format: &str) -> String {
    let o = smout(reg, &["-q", "render", "x", "--format", format, "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    stdout(&o)
}

#[test]
fn an_item_with_nothing_answered_is_no_row_and_a_document_no_dangling_comma() {
    let reg = register();
    let md = render(reg.path(), "md");
    insta::assert_snapshot!("markdown", md);
    assert!(!md.contains("|  |  |"), "a row of empty cells");
    assert!(md.contains("DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012\n"));
    let html = render(reg.path(), "html");
    assert!(!html.contains("<tr><td></td>"), "a row of empty cells");
    assert!(
        !html.contains("<thead><tr></tr>"),
        "a table without columns"
    );
    assert!(
        html.contains(
            "DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012\n<ul class=\"checks\">"
        ),
        "{html}"
    );
}

#[test]
fn the_pdf_prints_no_row_of_empty_cells_and_no_dangling_comma() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let reg = register();
    let pdf = common::write_out(reg.path(), reg.path().join("x.pdf"), &["render", "x"]);
    let o = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Contact Information:"))
        .expect("the contacts");
    // The header, the one contact answered, then the next question: no empty row between.
    assert!(
        lines[at + 1].contains("Name"),
        "{}",
        lines[at..at + 4].join("\n")
    );
    assert!(
        lines[at + 2].contains("Jane Roe"),
        "{}",
        lines[at..at + 4].join("\n")
    );
    assert!(
        lines[at + 3..at + 6]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.starts_with("Counsel")),
        "{}",
        lines[at..at + 6].join("\n")
    );
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "☒ Covered by existing SORN. DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012 ☐ New. ☐ Updated."
        ),
        "{text}"
    );
}

#[test]
fn a_diff_names_an_item_with_nothing_answered_by_its_place() {
    let reg = register();
    let o = smout(reg.path(), &["diff", "x"]);
    insta::assert_snapshot!(stdout(&o));
    assert!(
        !stdout(&o).contains("Contact Information:  ") && !stdout(&o).contains(": ,"),
        "{}",
        stdout(&o)
    );
}
