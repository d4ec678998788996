//! Rendering: the PDF carries the template's wording and the record's answers, is reproducible,
//! and a release copy leaks none of the text it withholds — not in the page text, the file's
//! decompressed bytes, metadata, outline, font subsets, HTML or Markdown.
//!
//! These tests read PDFs with poppler's `pdftotext`/`pdfinfo` and `qpdf` (installed by .ci/run).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{smout, stderr};
use smout::markup::{self, Segment};

fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is needed by this test (apt-get install poppler-utils qpdf): {e}")
    });
    assert!(
        o.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pdftotext(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// Run `smout -q <args> -o <pdf>` in `reg` (a register), expecting success; returns `pdf`.
fn pdf_from(reg: &Path, pdf: PathBuf, args: &[&str]) -> PathBuf {
    let mut all = vec!["-q"];
    all.extend_from_slice(args);
    all.extend(["-o", pdf.to_str().unwrap()]);
    let o = smout(reg, &all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    pdf
}

/// The file with every stream decompressed (qpdf QDF mode), as bytes.
fn decompressed(pdf: &Path) -> Vec<u8> {
    let out = pdf.with_extension("qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            out.to_str().unwrap(),
        ],
    );
    std::fs::read(out).unwrap()
}

/// Render `id` of the register at `reg` into `dir`, returning the output path.
fn render(reg: &Path, id: &str, extra: &[&str], out: &Path) -> PathBuf {
    let mut args = vec!["render", id, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(&args)
        .current_dir(reg)
        .env("SOURCE_DATE_EPOCH", "1537747200")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "render {id} {extra:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out.to_path_buf()
}

/// The example register's FLD record as a PDF in `dir`.
fn example_fld(dir: &Path) -> PathBuf {
    render(
        &common::example_register(),
        "cbp-fld",
        &[],
        &dir.join("fld.pdf"),
    )
}

/// Every text the example register marks as exempt.
fn secrets(reg: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(reg.join("records")).unwrap() {
        let dir = entry.unwrap().path();
        for file in ["record.toml", "determinations.toml"] {
            let Ok(text) = std::fs::read_to_string(dir.join(file)) else {
                continue;
            };
            for line in text.lines() {
                if let Ok(segs) = markup::parse(line) {
                    for s in segs {
                        if let Segment::Redacted { text, .. } = s {
                            out.push(text.trim_end_matches(['"', ',']).to_string());
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn pdf_reads_like_the_template_with_the_records_answers() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pdf = example_fld(tmp.path());
    let text = normalise(&pdftotext(&pdf));
    for wording in [
        "DHS OPERATIONAL USE OF SOCIAL MEDIA",
        "SUMMARY INFORMATION",
        "Please complete this form and send it to your Component Privacy Officer.",
        "Describe the category of use for collecting personally identifiable information from social media sources.",
        "Based on the operational use of social media listed above, please provide the appropriate authorities.",
        "Use only government-issued equipment when engaging in the operational use of social media;",
        "Respect individuals' privacy settings and access only information that is publicly available;",
        "Mechanisms are (or will be) in place to verify that users have completed training.",
        "DHS SOCIAL MEDIA DOCUMENTATION",
        "Program has met requirements to use social media for the stated authorized operational purposes",
        "Version date: July 24, 2012",
        "FOR OFFICIAL USE ONLY",
    ] {
        assert!(text.contains(wording), "PDF lacks template wording {wording:?}");
    }
    for answer in [
        "Information will be stored in users shared drive",
        "Name of Component: Customs and Border Protection",
        "DHS/CBP/PIA-010(a)",
        "19 CFR § 12.42",
        "9/24/2018",
        "Alicia Moreno",
    ] {
        assert!(text.contains(answer), "PDF lacks the answer {answer:?}");
    }
    assert!(
        text.contains("Criminal investigations") && !text.contains("☒ Criminal investigations"),
        "question 1 is answered in prose: the category prints as its wording"
    );
    assert!(!text.contains("☐ Law enforcement intelligence"));
    let pages: usize = tool("pdfinfo", &[pdf.to_str().unwrap()])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().parse().unwrap()))
        .unwrap();
    assert!(
        text.contains(&format!("Page 1 of {pages}"))
            && text.contains(&format!("Page {pages} of {pages}"))
    );
}

#[test]
fn pdf_has_metadata_embedded_fonts_and_an_outline_in_document_order() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pdf = example_fld(tmp.path());
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Title:           DHS Operational Use of Social Media: Forced Labor Division open-source research"), "{info}");
    assert!(
        info.contains("Author:          Customs and Border Protection"),
        "{info}"
    );
    assert!(
        info.contains("Subject:         DHS Operational Use of Social Media (dhs-smout"),
        "{info}"
    );
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "every font embedded: {fonts}"
    );
    let json: serde_json::Value = serde_json::from_str(&tool(
        "qpdf",
        &["--json", "--json-key=outlines", pdf.to_str().unwrap()],
    ))
    .unwrap();
    let titles: Vec<&str> = json["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "DHS OPERATIONAL USE OF SOCIAL MEDIA",
            "SUMMARY INFORMATION",
            "SPECIFIC QUESTIONS",
            "DHS SOCIAL MEDIA DOCUMENTATION"
        ]
    );
    let pages: Vec<u64> = json["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["destpageposfrom1"].as_u64().unwrap())
        .collect();
    assert!(pages.windows(2).all(|w| w[0] < w[1]), "{pages:?}");
}

#[test]
fn same_record_and_timestamp_give_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_register();
    let a = std::fs::read(render(&reg, "cbp-fld", &[], &tmp.path().join("a.pdf"))).unwrap();
    let b = std::fs::read(render(&reg, "cbp-fld", &[], &tmp.path().join("b.pdf"))).unwrap();
    assert!(a == b, "two renderings differ");
    // Rendering all records in parallel gives the same bytes as rendering one alone.
    let out = tmp.path().join("all");
    let o = Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(["render", "--all", "-q", "-o", out.to_str().unwrap()])
        .current_dir(&reg)
        .env("SOURCE_DATE_EPOCH", "1537747200")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        std::fs::read(out.join("cbp-fld.pdf")).unwrap() == a,
        "render --all differs from render"
    );
}

#[test]
fn release_removes_withheld_text_from_every_output() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_register();
    let corpus = secrets(&reg);
    assert!(corpus.len() >= 15, "{corpus:?}");
    assert!(corpus.iter().any(|s| s == "Alicia Moreno"));
    for id in ["cbp-fld", "ice-hsi-osint", "fema-recovery-dev"] {
        let pdf = render(
            &reg,
            id,
            &["--release"],
            &tmp.path().join(format!("{id}.pdf")),
        );
        let text = normalise(&pdftotext(&pdf));
        let bytes = decompressed(&pdf);
        let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
        let html = std::fs::read_to_string(render(
            &reg,
            id,
            &["--release", "--format", "html"],
            &tmp.path().join(format!("{id}.html")),
        ))
        .unwrap();
        let md = std::fs::read_to_string(render(
            &reg,
            id,
            &["--release", "--format", "md"],
            &tmp.path().join(format!("{id}.md")),
        ))
        .unwrap();
        for secret in &corpus {
            let needle = normalise(secret);
            let utf16: Vec<u8> = secret
                .encode_utf16()
                .flat_map(|u| u.to_be_bytes())
                .collect();
            assert!(!text.contains(&needle), "{id}: page text shows {secret:?}");
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{id}: file bytes hold {secret:?}"
            );
            assert!(
                !contains(&bytes, &utf16),
                "{id}: file bytes hold {secret:?} as UTF-16"
            );
            assert!(
                !info.contains(secret.as_str()),
                "{id}: metadata holds {secret:?}"
            );
            assert!(
                !html.contains(secret.as_str()),
                "{id}: HTML holds {secret:?}"
            );
            assert!(
                !md.contains(secret.as_str()),
                "{id}: Markdown holds {secret:?}"
            );
        }
        assert!(
            text.contains("(b) (6)"),
            "{id}: release shows the exemption labels"
        );
        assert!(html.contains("class=\"redaction\""));
        assert!(md.contains("**[(b) (6)"));
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn release_does_not_depend_on_the_length_or_glyphs_of_removed_text() {
    // Two registers whose records differ only inside redaction markup give identical release
    // PDFs: boxes do not reveal lengths, and font subsets hold no glyph of the removed text.
    let tmp = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    let mut files = Vec::new();
    for (k, name) in ["Al Wu", "Maximilian-Quentin Zbigniewska-Vögelsang"]
        .iter()
        .enumerate()
    {
        let reg = common::register();
        let text = base.replace("[[b6: Jane Roe]]", &format!("[[b6: {name}]]"));
        common::add_record(reg.path(), "x", text.as_bytes());
        files.push(
            std::fs::read(render(
                reg.path(),
                "x",
                &["--release"],
                &tmp.path().join(format!("{k}.pdf")),
            ))
            .unwrap(),
        );
    }
    assert!(
        files[0] == files[1],
        "release copies differ with the removed text"
    );
}

#[test]
fn release_withholds_whole_fields_listed_under_release_redact() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml"))
        .unwrap()
        .replace("[[b6: Jane Roe]]", "Jane Roe")
        .replace("[[b6: jane.roe@cbp.dhs.gov]]", "jane.roe@cbp.dhs.gov")
        + "\n[release]\nredact = { \"summary.contacts\" = [\"b6\", \"b7C\"] }\n";
    common::add_record(reg.path(), "x", text.as_bytes());
    let tmp = tempfile::tempdir().unwrap();
    let pdf = render(reg.path(), "x", &["--release"], &tmp.path().join("x.pdf"));
    let page = pdftotext(&pdf);
    assert!(
        !page.contains("Jane Roe") && !page.contains("jane.roe@"),
        "{page}"
    );
    assert!(page.contains("(b) (6), (b) (7)(C)"));
    // The internal copy still shows them.
    let pdf = render(reg.path(), "x", &[], &tmp.path().join("internal.pdf"));
    assert!(pdftotext(&pdf).contains("Jane Roe"));
}

/// Filled rectangles painted over text drawn before them: the classic broken redaction.
/// Returns (text position, rectangle) pairs.
fn text_under_boxes(pdf: &Path) -> Vec<String> {
    let bytes = decompressed(pdf);
    let text = String::from_utf8_lossy(&bytes);
    let mut problems = Vec::new();
    for stream in text.split("endstream") {
        let mut texts: Vec<(f32, f32)> = Vec::new();
        let mut pending: Option<[f32; 4]> = None;
        for line in stream.lines() {
            let parts: Vec<&str> = line.split_whitespace().collect();
            match parts.last().copied() {
                Some("Tm") if parts.len() == 7 => {
                    texts.push((
                        parts[4].parse().unwrap_or(0.0),
                        parts[5].parse().unwrap_or(0.0),
                    ));
                }
                Some("Td") if parts.len() == 3 => {
                    texts.push((
                        parts[0].parse().unwrap_or(0.0),
                        parts[1].parse().unwrap_or(0.0),
                    ));
                }
                Some("re") if parts.len() == 5 => {
                    let v: Vec<f32> = parts[..4]
                        .iter()
                        .map(|p| p.parse().unwrap_or(0.0))
                        .collect();
                    pending = Some([v[0], v[1], v[2], v[3]]);
                }
                Some("f" | "f*" | "B" | "B*" | "b" | "b*" | "F") => {
                    if let Some([x, y, w, h]) = pending.take() {
                        for (tx, ty) in &texts {
                            if *tx >= x - 0.5 && *tx <= x + w && *ty >= y - 0.5 && *ty <= y + h {
                                problems.push(format!(
                                    "text at ({tx}, {ty}) under box {x} {y} {w} {h}"
                                ));
                            }
                        }
                    }
                }
                Some("S" | "n") => pending = None,
                _ => {}
            }
        }
    }
    problems
}

#[test]
fn no_text_lies_under_a_filled_box_in_a_release() {
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pdf = render(
        &common::example_register(),
        "cbp-fld",
        &["--release"],
        &tmp.path().join("r.pdf"),
    );
    let problems = text_under_boxes(&pdf);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_box_painted_over_text_is_caught() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("qpdf", "apt-get install qpdf") {
        return;
    }
    // A deliberately broken redaction — the name drawn, then a black box over it — must make
    // the check above fail, or the check proves nothing.
    use printpdf::*;
    let mut doc = PdfDocument::new("broken");
    let ops = vec![
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
            size: Pt(10.0),
        },
        Op::SetTextMatrix {
            matrix: TextMatrix::Translate(Pt(100.0), Pt(700.0)),
        },
        Op::ShowText {
            items: vec![TextItem::Text("Jane Roe".into())],
        },
        Op::EndTextSection,
        Op::SetFillColor {
            col: Color::Greyscale(Greyscale {
                percent: 0.0,
                icc_profile: None,
            }),
        },
        Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(95.0),
                y: Pt(695.0),
                width: Pt(60.0),
                height: Pt(15.0),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        },
    ];
    doc.with_pages(vec![PdfPage::new(Mm(215.9), Mm(279.4), ops)]);
    let bytes = doc.save(&PdfSaveOptions::default(), &mut Vec::new());
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("broken.pdf");
    std::fs::write(&path, bytes).unwrap();
    assert!(
        !text_under_boxes(&path).is_empty(),
        "the detector missed text under a box"
    );
    assert!(
        pdftotext(&path).contains("Jane Roe"),
        "and the 'redacted' name is still extractable"
    );
}

#[test]
fn html_is_an_accessible_page_and_markdown_reads_on_its_own() {
    let reg = common::example_register();
    let o = smout(&reg, &["render", "cbp-fld", "--format", "html", "-o", "-"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en-US\">"));
    assert!(html.contains("<h1>SUMMARY INFORMATION</h1>"));
    assert!(html.contains("<th scope=\"col\">Name</th>"));
    // Question 1 asks in prose: the category prints as its wording, not as a list of boxes.
    assert!(
        html.contains("<div class=\"answer\"><p>Criminal investigations</p></div>"),
        "{html}"
    );
    assert!(!html.contains(">Law enforcement intelligence</li>"));
    assert!(!html.contains("[[b6"), "markup never reaches the page");
    let o = smout(&reg, &["render", "cbp-fld", "--format", "md", "-o", "-"]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("## SPECIFIC QUESTIONS"));
    assert!(
        md.contains("submit separate template for each category.**\n\nCriminal investigations\n"),
        "{md}"
    );
    assert!(md.contains("| Name | Title | Office | E-mail |"));
}

#[test]
fn a_registers_own_template_overrides_the_built_in_one() {
    let reg = common::register();
    common::add_record(
        reg.path(),
        "x",
        &std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap(),
    );
    std::fs::create_dir_all(reg.path().join("templates")).unwrap();
    std::fs::write(
        reg.path().join("templates/record.md"),
        "Custom: {{ title }} ({{ form.id }})\n",
    )
    .unwrap();
    let o = smout(reg.path(), &["render", "x", "--format", "md", "-o", "-"]);
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "Custom: Minimal valid record (dhs-smout)\n"
    );
}

#[test]
fn context_shows_what_the_templates_see() {
    let o = smout(
        &common::example_register(),
        &["render", "cbp-fld", "--context", "--release"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["release"], true);
    assert_eq!(v["sections"][1]["id"], "summary");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("Alicia Moreno"));
}

#[test]
fn check_release_warns_about_unmarked_pii() {
    let o = smout(
        &common::example_register(),
        &[
            "check",
            "--release",
            "uscis-fraud-draft",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let pii: Vec<String> = v["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "SM050")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert!(
        pii.iter()
            .any(|m| m.contains("laura.benedetti@uscis.dhs.gov")),
        "{pii:#?}"
    );
    assert!(
        pii.iter().any(|m| m.contains("Laura Benedetti")),
        "{pii:#?}"
    );
    // Marked PII is not reported.
    assert!(!pii.iter().any(|m| m.contains("Kevin Marsh")), "{pii:#?}");
    let o = smout(
        &common::example_register(),
        &["check", "--release", "cbp-fld"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("SM050"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn check_release_looks_at_reviewers_and_the_determination_page() {
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml"))
        .unwrap()
        .replace(
            "description = \"Open-source research.\"",
            "description = \"Reviewed with Pat Quinlan of the Privacy Office.\"",
        );
    let dir = common::add_record(reg.path(), "x", text.as_bytes());
    std::fs::write(
        dir.join("determinations.toml"),
        "[[determination]]\nsubmission = 1\nrecord_sha256 = \"0\"\nreviewed = 2024-02-01\nreviewer = \"Pat Quinlan\"\noutcome = \"met\"\ncomments = \"Call 202-555-0199 with questions.\"\n",
    )
    .unwrap();
    let o = smout(reg.path(), &["check", "--release", "x", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, String)> = v["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |file: &str, needle: &str| {
        found
            .iter()
            .any(|(f, m)| f.ends_with(file) && m.contains(needle))
    };
    assert!(
        has("record.toml", "Pat Quinlan"),
        "the reviewer named in the record text: {found:#?}"
    );
    assert!(
        has("determinations.toml", "\"Pat Quinlan\""),
        "the reviewer field itself: {found:#?}"
    );
    assert!(
        has("determinations.toml", "telephone number \"202-555-0199\""),
        "{found:#?}"
    );
}

/// An office in the reviewer field and a title after a marked name are not unmarked names.
#[test]
fn check_release_does_not_take_an_office_or_a_title_for_a_person() {
    let reg = common::register();
    let text = std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap();
    let dir = common::add_record(reg.path(), "x", &text);
    std::fs::write(
        dir.join("determinations.toml"),
        "[[determination]]\nsubmission = 1\nrecord_sha256 = \"0\"\nreviewed = 2024-02-01\nreviewer = \"DHS Privacy Office\"\noutcome = \"not-authorized\"\ncomments = \"No.\"\n\n[[appeal]]\nsubmission = 1\nrecord_sha256 = \"0\"\nreviewed = 2024-03-01\nreviewer = \"DHS Privacy Office\"\noutcome = \"met\"\ndecided_by = \"[[b6: Jane Roe]], Deputy Secretary\"\n",
    )
    .unwrap();
    let o = smout(reg.path(), &["check", "--release", "x"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(!out.contains("SM050"), "{out}");
    assert_eq!(o.status.code(), Some(0), "{out}");
}

/// The report PDF is landscape, sizes its columns to their content and never breaks a token
/// (an id, a status, a date) across lines; it ends with the per-rule deviations.
#[test]
fn the_report_pdf_is_landscape_and_keeps_every_token_whole() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let pdf = pdf_from(
        &reg,
        tmp.path().join("report.pdf"),
        &["report", "--format", "pdf"],
    );
    assert!(tool("pdfinfo", &[pdf.to_str().unwrap()]).contains("Page size:       792 x 612 pts"));
    let text = pdftotext(&pdf);
    let o = smout(&reg, &["status", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for r in rows.as_array().unwrap() {
        for key in ["id", "status", "review_by"] {
            if let Some(v) = r[key].as_str() {
                assert!(text.contains(v), "{key} {v} is broken or missing:\n{text}");
            }
        }
    }
    assert!(
        text.contains("Determination") && text.contains("Review by"),
        "{text}"
    );
    assert!(
        text.contains("Deviations: approved uses answering No"),
        "{text}"
    );
    assert!(text.contains("5(b) Email and accounts"), "{text}");
}

/// The submission is one file: the Rules of Behavior the record names is attached to the PDF
/// (byte for byte, as submitted), question 4 reads as the filing does, and a release copy
/// attaches nothing (the attachment's text never passed the redaction step).
#[test]
fn the_pdf_attaches_the_rules_of_behavior_and_prints_every_option() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let pdf = pdf_from(
        &reg,
        tmp.path().join("fld.pdf"),
        &["render", "cbp-fld", "--rev", "submitted"],
    );
    let list = tool("pdfdetach", &["-list", pdf.to_str().unwrap()]);
    assert_eq!(list, "1 embedded files\n1: rules-of-behavior.txt\n");
    let saved = tmp.path().join("rob.txt");
    tool(
        "pdfdetach",
        &[
            "-save",
            "1",
            "-o",
            saved.to_str().unwrap(),
            pdf.to_str().unwrap(),
        ],
    );
    let submitted = common::git(
        &reg,
        &[
            "show",
            "smout/cbp-fld/submission/1:records/cbp-fld/rules-of-behavior.txt",
        ],
    );
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), submitted);
    let text = pdftotext(&pdf);
    assert!(
        text.contains("See attached Rules of Behavior (RoB)"),
        "{text}"
    );
    // The submission carries the determination recorded on it (committed later, at HEAD).
    let page = text.split("DHS SOCIAL MEDIA DOCUMENTATION").nth(1).unwrap();
    assert!(
        page.contains("9/24/2018") && page.contains("Nathaniel Brooks"),
        "{page}"
    );
    assert!(page.contains("☒ Program has met requirements"), "{page}");
    assert!(!text.contains("rules-of-behavior.txt"), "{text}");
    // Training verification prints all three of its options, the unanswered third too.
    let training = text
        .split("Mechanisms are (or will be) in place")
        .nth(1)
        .unwrap();
    assert!(
        training.contains("☐ No. If not, please explain:"),
        "{training}"
    );

    let release = pdf_from(
        &reg,
        tmp.path().join("fld-release.pdf"),
        &["render", "cbp-fld", "--rev", "submitted", "--release"],
    );
    assert_eq!(
        tool("pdfdetach", &["-list", release.to_str().unwrap()]),
        "0 embedded files\n"
    );
}

/// A footnote is printed at the foot of the page that carries its marker.
#[test]
fn footnotes_sit_on_the_page_of_their_marker() {
    if !common::have("pdfinfo", "apt-get install poppler-utils") {
        return;
    }
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    for (id, marker, note) in [
        ("cbp-fld", "Counsel²", "² Counsel listed here must certify"),
        (
            "cbp-fld",
            "requirement¹",
            "¹ Gathering information by the Office of Operations",
        ),
        (
            "opa-seizure-release",
            "populations⁷",
            "⁷ Vulnerable populations include",
        ),
        (
            "opa-seizure-release",
            "individuals,⁸",
            "⁸ Exempt from this review requirement",
        ),
        (
            "opa-seizure-release",
            "specific person.⁵",
            "⁵ For the purposes of this directive",
        ),
    ] {
        let pdf = pdf_from(
            &reg,
            tmp.path().join(format!("{id}.pdf")),
            &["render", id, "--rev", "submitted"],
        );
        let pages: usize = tool("pdfinfo", &[pdf.to_str().unwrap()])
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        let page_of = |needle: &str| {
            (1..=pages).find(|p| {
                let p = p.to_string();
                tool(
                    "pdftotext",
                    &["-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
                )
                .replace('\n', " ")
                .contains(needle)
            })
        };
        let at = page_of(marker);
        assert!(at.is_some(), "{id}: no {marker}");
        assert_eq!(
            at,
            page_of(note),
            "{id}: {note} is not on the page of {marker}"
        );
    }
}

/// Sensitive PII (footnote 6) is reported apart from other PII: SM051, not SM050.
#[test]
fn check_release_tells_sensitive_pii_from_pii() {
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml"))
        .unwrap()
        .replace(
            "description = \"Open-source research.\"",
            "description = \"Traveler (passport no. X12345678, DOB: 03/14/1987) posted publicly.\"",
        );
    common::add_record(reg.path(), "x", text.as_bytes());
    let o = smout(reg.path(), &["check", "--release", "x", "--format", "json"]);
    assert_eq!(
        common::findings(&o, &["code", "message"]),
        [
            ["SM051", "unmarked sensitive PII (SPII) in a release: passport number \"passport no. X12345678\""],
            ["SM050", "unmarked PII in a release: date of birth \"DOB: 03/14/1987\""],
        ]
    );
    assert_eq!(o.status.code(), Some(0), "warnings only");
}

/// Numbers print as each document prints them: the template's questions "1.", the Directive's
/// paragraphs "8.2.1" (no trailing dot), a rule "5(a)".
#[test]
fn question_numbers_print_as_their_document_prints_them() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    for (id, want, never) in [
        (
            "cbp-fld",
            ["1. Describe the category", "5(a) Equipment."],
            "1.. ",
        ),
        (
            "opa-seizure-release",
            ["8.2.1 The submission email", "8.2.2 Requests must"],
            "8.2.1.",
        ),
    ] {
        for format in ["md", "html"] {
            let o = smout(
                &reg,
                &[
                    "render",
                    id,
                    "--rev",
                    "submitted",
                    "--format",
                    format,
                    "-o",
                    "-",
                ],
            );
            let text = String::from_utf8_lossy(&o.stdout)
                .replace('*', "")
                .replace("<em>", "")
                .replace("</em>", "");
            for w in want {
                assert!(text.contains(w), "{id} {format}: no {w:?}");
            }
            assert!(!text.contains(never), "{id} {format}: {never:?}");
        }
    }
}

/// The template's italics are kept: the Directive's title and each rule's name are set in the
/// oblique face, in every format; an answer typed with asterisks prints as typed.
#[test]
fn the_templates_italics_are_kept_and_answers_stay_as_typed() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let pdf = pdf_from(&reg, tmp.path().join("fld.pdf"), &["render", "cbp-fld"]);
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(fonts.contains("DejaVuSans-Oblique"), "{fonts}");
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("Privacy Policy for Operational Use of Social Media. For"),
        "the title and its full stop with no space between: {text}"
    );
    assert!(!text.contains("*Privacy"), "{text}");
    let html = smout(
        &reg,
        &["-q", "render", "cbp-fld", "--format", "html", "-o", "-"],
    );
    assert!(
        common::stdout(&html)
            .contains("<em>Privacy Policy for Operational Use of Social Media</em>."),
        "{}",
        common::stdout(&html)
    );
    let md = smout(
        &reg,
        &["-q", "render", "cbp-fld", "--format", "md", "-o", "-"],
    );
    assert!(
        common::stdout(&md).contains("*Privacy Policy for Operational Use of Social Media*."),
        "{}",
        common::stdout(&md)
    );
    // A drafter's asterisks are text, not markup, in every format.
    common::edit(
        &reg,
        "cbp-fld",
        "title = \"Forced",
        "title = \"*Draft* Forced",
    );
    let pdf = pdf_from(&reg, tmp.path().join("typed.pdf"), &["render", "cbp-fld"]);
    assert!(
        tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).contains("*Draft*"),
        "asterisks typed in an answer print"
    );
    let html = common::stdout(&smout(
        &reg,
        &["-q", "render", "cbp-fld", "--format", "html", "-o", "-"],
    ));
    assert!(
        html.contains("*Draft*") && !html.contains("<em>Draft"),
        "{html}"
    );
}

/// 7.2.4: the written consent is attached to the internal PDF (never to a release copy), and
/// who keeps it is printed.
#[test]
fn the_consent_waiver_is_attached_and_its_keeper_recorded() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let pdf = pdf_from(
        &reg,
        tmp.path().join("vawa.pdf"),
        &["render", "opa-media-vawa"],
    );
    assert_eq!(
        tool("pdfdetach", &["-list", pdf.to_str().unwrap()]),
        "1 embedded files\n1: consent-waiver.txt\n"
    );
    let text = pdftotext(&pdf);
    assert!(text.contains("See attached written consent"), "{text}");
    assert!(
        text.contains("OPA Media Division, Miami Field Office"),
        "{text}"
    );
    let release = pdf_from(
        &reg,
        tmp.path().join("vawa-release.pdf"),
        &["render", "opa-media-vawa", "--release"],
    );
    assert_eq!(
        tool("pdfdetach", &["-list", release.to_str().unwrap()]),
        "0 embedded files\n"
    );
}

/// Most PDFs embed DejaVu Sans cut to Latin (`assets/fonts/latin`), whole; a record in another
/// script gets the full faces cut to its glyphs. Either way every character prints and is
/// extracted as written, and every font is a subset tagged as ISO 32000-1 asks (`ABCDEF+`).
#[test]
fn text_in_any_script_prints_and_every_font_is_a_tagged_subset() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::register();
    let minimal = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    let latin = minimal.replace(
        "description = \"Open-source research.\"",
        "description = \"Open-source research by Zoë Łukasiewicz — “quoted” § 1307.\"",
    );
    assert_ne!(latin, minimal, "the fixture's description moved");
    let other = latin.replace("Zoë Łukasiewicz", "Zoë Łukasiewicz, Ελλάδα and Москва");
    common::add_record(reg.path(), "latin", latin.as_bytes());
    common::add_record(reg.path(), "other", other.as_bytes());
    let fonts_of = |id: &str| {
        let pdf = render(reg.path(), id, &[], &tmp.path().join(format!("{id}.pdf")));
        let text = pdftotext(&pdf)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
        let names: Vec<String> = fonts
            .lines()
            .skip(2)
            .map(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                assert_eq!(cols[cols.len() - 5..cols.len() - 2], ["yes"; 3], "{fonts}");
                cols[0].to_string()
            })
            .collect();
        for n in &names {
            let (tag, base) = n.split_once('+').unwrap_or_else(|| panic!("untagged: {n}"));
            assert!(
                tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()),
                "{n}"
            );
            assert!(base.starts_with("DejaVuSans"), "{n}");
        }
        (text, names)
    };
    let (text, latin_fonts) = fonts_of("latin");
    assert!(
        text.contains("Zoë Łukasiewicz — “quoted” § 1307."),
        "{text}"
    );
    let (text, other_fonts) = fonts_of("other");
    assert!(
        text.contains("Zoë Łukasiewicz, Ελλάδα and Москва"),
        "{text}"
    );
    // The regular face of the record in other scripts is another cut, so another tag.
    assert_ne!(latin_fonts[0], other_fonts[0]);
    // The same cut has the same tag in every PDF.
    let fld = example_fld(tmp.path());
    let fonts = tool("pdffonts", &[fld.to_str().unwrap()]);
    assert!(fonts.contains(&latin_fonts[0]), "{fonts}");
}
