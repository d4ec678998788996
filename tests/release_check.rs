//! `check --release` on whole records: free-text names, section numbers and mailboxes on the
//! example register, statute-protected passages (exemption 3 and its statute, in every
//! rendering), and the exemption a hint suggests for the record's category.

mod common;

use std::path::Path;

use common::{add_record, findings, register, smout};

fn example(id: &str) -> String {
    std::fs::read_to_string(common::example_register().join(format!("records/{id}/record.toml")))
        .unwrap()
}

/// The release check's findings (code, message, hint) of `id` in `reg`.
fn release_findings(reg: &Path, id: &str) -> Vec<Vec<String>> {
    let o = smout(reg, &["check", "--release", id, "--format", "json"]);
    findings(&o, &["code", "message", "hint"])
        .into_iter()
        .filter(|f| f[0].starts_with("SM05"))
        .collect()
}

/// The example register's release warnings are the two real ones: the section numbers of the
/// Directive (8.1.2.1, 7.2.2.3) are no IP addresses, the office mailbox
/// cbp-privacymediareleases@cbp.dhs.gov no person's, and the VAWA example's determination
/// withholds what 8 U.S.C. § 1367 protects.
#[test]
fn the_example_registers_release_warnings_are_the_two_real_ones() {
    let o = smout(
        &common::example_register(),
        &["check", "--release", "--format", "json"],
    );
    let got: Vec<Vec<String>> = findings(&o, &["code", "message"])
        .into_iter()
        .filter(|f| f[0].starts_with("SM05"))
        .collect();
    assert_eq!(
        got,
        [
            [
                "SM050",
                "unmarked PII in a release: name of a person named in this record \"Laura Benedetti\""
            ],
            [
                "SM050",
                "unmarked PII in a release: e-mail address \"laura.benedetti@uscis.dhs.gov\""
            ],
        ]
    );
}

/// A passenger named only in free text, in the three ways people write names, is found.
#[test]
fn a_person_named_only_in_free_text_is_found() {
    let reg = register();
    let text = example("opa-seizure-release").replace(
        "he was wanted on an active felony warrant for trafficking.",
        "he was wanted on an active felony warrant for trafficking. His passenger, Lucía Fernández (FERNÁNDEZ, LUCÍA on the manifest), was released; Fernández, Lucía called +52 55 1234 5678.",
    );
    add_record(reg.path(), "x", text.as_bytes());
    std::fs::write(reg.path().join("records/x/consent-waiver.txt"), "x").unwrap();
    let got: Vec<String> = release_findings(reg.path(), "x")
        .into_iter()
        .map(|f| f[1].clone())
        .collect();
    for want in [
        "person's name \"Lucía Fernández\"",
        "person's name \"FERNÁNDEZ, LUCÍA\"",
        "person's name \"Fernández, Lucía\"",
        "telephone number \"+52 55 1234 5678\"",
    ] {
        assert!(got.iter().any(|m| m.ends_with(want)), "{want}: {got:#?}");
    }
}

/// The suggested exemptions fit the record: (b)(7)(C) only where it is compiled for law
/// enforcement purposes — a benefits record gets (b)(6), a criminal investigation (b)(6) and
/// (b)(7)(C), as its form's category says.
#[test]
fn the_suggested_exemptions_follow_the_records_category() {
    let reg = register();
    let sentence = "Reviewed by analyst Karen Walsh.";
    for (id, src) in [
        ("benefits", "cis-refugee-vetting"),
        ("criminal", "fps-threat-monitoring"),
    ] {
        let text = example(src);
        let text = text.replacen(
            "description = \"",
            &format!("description = \"{sentence} "),
            1,
        );
        add_record(reg.path(), id, text.as_bytes());
    }
    let hint = |id: &str| {
        release_findings(reg.path(), id)
            .into_iter()
            .find(|f| f[1].ends_with("\"Karen Walsh\""))
            .unwrap_or_else(|| panic!("{id}: no finding for Karen Walsh"))[2]
            .clone()
    };
    let benefits = hint("benefits");
    assert!(
        benefits.starts_with("mark it for withholding, e.g. [[b6: Karen Walsh]]")
            && benefits.contains("= [\"b6\"] }"),
        "{benefits}"
    );
    let criminal = hint("criminal");
    assert!(
        criminal.starts_with("mark it for withholding, e.g. [[b6 b7C: Karen Walsh]]")
            && criminal.contains("= [\"b6\", \"b7C\"] }"),
        "{criminal}"
    );
}

/// A protected-class passage (Directive 7.1.3) that a release would show is a warning naming
/// the statute; marked `[[b3 8 USC 1367: …]]`, every rendering prints `(b) (3): 8 U.S.C. § 1367`
/// in its place.
#[test]
fn a_protected_class_passage_is_withheld_under_exemption_3_and_its_statute() {
    let reg = register();
    let passage = "she has a pending VAWA self-petition";
    let text = example("opa-media-vawa").replace(
        "She agreed in writing",
        &format!("Officers learned that {passage}. She agreed in writing"),
    );
    add_record(reg.path(), "x", text.as_bytes());
    std::fs::write(reg.path().join("records/x/consent-waiver.txt"), "x").unwrap();
    let got = release_findings(reg.path(), "x");
    let vawa: Vec<&Vec<String>> = got.iter().filter(|f| f[0] == "SM052").collect();
    assert_eq!(vawa.len(), 2, "{got:#?}");
    assert!(
        vawa[0][2].starts_with(
            "withhold the passage under exemption 3 and its statute: [[b3 8 USC 1367: …]] (printed (b) (3): 8 U.S.C. § 1367)"
        ),
        "{}",
        vawa[0][2]
    );

    common::edit(
        reg.path(),
        "x",
        passage,
        &format!("[[b3 8 USC 1367: {passage}]]"),
    );
    assert!(release_findings(reg.path(), "x")
        .iter()
        .all(|f| f[0] != "SM052"));
    let out = tempfile::tempdir().unwrap();
    let label = "(b) (3): 8 U.S.C. § 1367";
    for format in ["md", "html", "docx", "pdf"] {
        let file = common::write_out(
            reg.path(),
            out.path().join(format!("x.{format}")),
            &["render", "x", "--release", "--format", format],
        );
        let text = match format {
            "docx" => {
                let f = std::fs::File::open(&file).unwrap();
                let mut z = zip::ZipArchive::new(f).unwrap();
                let mut s = String::new();
                std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut s)
                    .unwrap();
                s
            }
            "pdf" => {
                if !common::have("pdftotext", "apt-get install poppler-utils")
                    || !common::have("qpdf", "apt-get install qpdf")
                {
                    continue;
                }
                // The tagged PDF's accessibility label (/ActualText, UTF-16) names the statute.
                let qdf = out.path().join("x.qdf");
                let o = std::process::Command::new("qpdf")
                    .args(["--qdf", "--object-streams=disable"])
                    .args([&file, &qdf])
                    .output()
                    .unwrap();
                assert!(o.status.success());
                let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
                let utf16: String = format!("withheld under exemption {label}")
                    .encode_utf16()
                    .map(|u| format!("{u:04x}"))
                    .collect();
                assert!(
                    raw.contains(&format!("/ActualText<feff{utf16}>")),
                    "the PDF's accessibility label names the statute"
                );
                let o = std::process::Command::new("pdftotext")
                    .args([file.to_str().unwrap(), "-"])
                    .output()
                    .unwrap();
                String::from_utf8_lossy(&o.stdout).into_owned()
            }
            _ => std::fs::read_to_string(&file).unwrap(),
        };
        assert!(
            !text.contains("self-petition"),
            "{format} shows the passage"
        );
        assert!(text.contains(label), "{format} lacks {label}");
    }
    let html = std::fs::read_to_string(out.path().join("x.html")).unwrap();
    assert!(
        html.contains(&format!(
            "aria-label=\"withheld under FOIA exemption {label}"
        )),
        "the accessibility label names the statute"
    );
    // The internal Word copy carries the statute in its content control (what import reads).
    let docx = common::write_out(
        reg.path(),
        out.path().join("internal.docx"),
        &["render", "x", "--format", "docx"],
    );
    let f = std::fs::File::open(&docx).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut z.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(
        xml.contains("<w:alias w:val=\"Withheld in a release copy: (b) (3): 8 U.S.C. § 1367\" /><w:tag w:val=\"smout:withhold b3 8 USC 1367\" />"),
        "the content control names the statute"
    );
}
