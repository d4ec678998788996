//! Drafters' prose as it prints: answers are multi-line TOML strings hard-wrapped wherever the
//! drafter's editor wrapped them. One newline continues the paragraph, a blank line starts a new
//! one — in the PDF, HTML, Markdown and Word alike, internal and release copies (redaction
//! markup may span a newline too): a hard-wrapped record renders exactly as the same record
//! with each paragraph on one line.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{smout, stderr};

/// The description with each paragraph on one line.
const ONE_LINE: &str = r#"description = """
The Forced Labor Division researches open sources (trade data, company websites and the public posts of [[b6: Jane Roe]]) for evidence that goods were mined, produced or manufactured with forced labor.

Findings are kept in the case file for as long as the investigation is open.""""#;

/// The same description as an editor wraps it: mid-paragraph newlines (one inside the
/// redaction markup), a line with trailing blanks, an indented line, a blank line holding a
/// space between the paragraphs, a final newline.
const WRAPPED: &str = "description = \"\"\"
The Forced Labor Division researches open sources (trade data, company
websites and the public posts of [[b6: Jane
Roe]]) for evidence that goods were mined, produced or manufactured   
  with forced labor.
 
Findings are kept in the case file for as long as the investigation
is open.
\"\"\"";

/// A register holding the minimal valid record as `x`, its description `description`.
fn register_with(description: &str) -> tempfile::TempDir {
    let reg = common::register();
    let text = std::fs::read_to_string(common::fixtures().join("valid/minimal.toml")).unwrap();
    let from = "description = \"Open-source research.\"";
    assert!(text.contains(from));
    common::add_record(reg.path(), "x", text.replace(from, description).as_bytes());
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stdout(&o));
    reg
}

/// `smout render x <args> -o <file>` in `reg`; the file written.
fn rendered(reg: &Path, file: &str, args: &[&str]) -> PathBuf {
    let mut all = vec!["render", "x"];
    all.extend_from_slice(args);
    common::write_out(reg, reg.join(file), &all)
}

fn run(program: &str, args: &[&str]) -> String {
    let o = Command::new(program).args(args).output().unwrap();
    assert!(o.status.success(), "{program} {args:?}: {}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn pdftotext(pdf: &Path) -> String {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// The lines of `text` from the one holding `from` up to the one holding `to`.
fn lines_between(text: &str, from: &str, to: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.contains(from)).expect(from);
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.contains(to))
            .expect(to);
    lines[start..=end].join("\n")
}

#[test]
fn a_hard_wrapped_answer_prints_in_the_pdf_as_if_written_on_one_line() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let (one, wrapped) = (register_with(ONE_LINE), register_with(WRAPPED));
    for (args, name) in [(&[][..], "x.pdf"), (&["--release"][..], "x-release.pdf")] {
        let want = pdftotext(&rendered(one.path(), name, args));
        let got = pdftotext(&rendered(wrapped.path(), name, args));
        assert_eq!(
            got, want,
            "{args:?}: the source's line breaks show in the PDF"
        );
    }
    // The sentence runs on to the width of the page; the paragraphs stay apart.
    let text = pdftotext(&wrapped.path().join("x.pdf"));
    insta::assert_snapshot!(
        "pdf",
        lines_between(
            &text,
            "The Forced Labor Division researches",
            "investigation is open"
        )
    );
    let text = pdftotext(&wrapped.path().join("x-release.pdf"));
    insta::assert_snapshot!(
        "pdf_release",
        lines_between(
            &text,
            "The Forced Labor Division researches",
            "investigation is open"
        )
    );
}

#[test]
fn a_hard_wrapped_answer_is_one_html_paragraph_and_one_markdown_paragraph_per_paragraph() {
    let (one, wrapped) = (register_with(ONE_LINE), register_with(WRAPPED));
    for format in ["html", "md"] {
        for release in [false, true] {
            let mut args = vec!["--format", format];
            if release {
                args.push("--release");
            }
            let name = format!("x-{release}.{format}");
            let want = std::fs::read_to_string(rendered(one.path(), &name, &args)).unwrap();
            let got = std::fs::read_to_string(rendered(wrapped.path(), &name, &args)).unwrap();
            assert_eq!(got, want, "{args:?}");
            insta::assert_snapshot!(
                format!("{format}_release_{release}"),
                lines_between(
                    &got,
                    "The Forced Labor Division researches",
                    "investigation is open"
                )
            );
        }
    }
}

/// The text of each `w:p` of a Word document.xml, with whether it holds a line break.
fn word_paragraphs(xml: &str) -> Vec<(String, bool)> {
    // `<w:p>` or `<w:p …>`, not `<w:pPr>` or `<w:pStyle …>`.
    // Each paragraph from its start tag to its end tag (its `w:pPr` inside it).
    let starts: Vec<usize> = xml
        .match_indices("<w:p")
        .filter(|(i, _)| xml[i + 4..].starts_with(['>', ' ']))
        .map(|(i, _)| i)
        .collect();
    starts
        .into_iter()
        .map(|i| {
            let p = xml[i..].split("</w:p>").next().unwrap_or("");
            let mut text = String::new();
            // `<w:t>` or `<w:t xml:space=…>`, not `<w:tag …>`.
            for piece in p.split("<w:t").skip(1) {
                if !piece.starts_with(['>', ' ']) {
                    continue;
                }
                let body = piece.split_once('>').map(|(_, b)| b).unwrap_or("");
                text.push_str(body.split("</w:t>").next().unwrap_or(""));
            }
            (text, p.contains("<w:br"))
        })
        .collect()
}

#[test]
fn a_hard_wrapped_answer_is_one_word_paragraph_per_paragraph() {
    if !common::have("unzip", "apt-get install unzip") {
        return;
    }
    let (one, wrapped) = (register_with(ONE_LINE), register_with(WRAPPED));
    for (release, first) in [(false, "Jane Roe"), (true, "[(b) (6)]")] {
        let mut args = vec!["--format", "docx"];
        if release {
            args.push("--release");
        }
        let name = format!("x-{release}.docx");
        let xml = |reg: &Path| {
            let docx = rendered(reg, &name, &args);
            run(
                "unzip",
                &["-p", docx.to_str().unwrap(), "word/document.xml"],
            )
        };
        let got = xml(wrapped.path());
        assert_eq!(got, xml(one.path()), "{args:?}");
        let paragraphs: Vec<(String, bool)> = word_paragraphs(&got)
            .into_iter()
            .filter(|(t, _)| t.contains("Forced Labor") || t.contains("Findings"))
            .collect();
        assert_eq!(
            paragraphs,
            [
                (
                    format!("The Forced Labor Division researches open sources (trade data, company websites and the public posts of {first}) for evidence that goods were mined, produced or manufactured with forced labor."),
                    false
                ),
                (
                    "Findings are kept in the case file for as long as the investigation is open."
                        .to_string(),
                    false
                ),
            ],
            "{args:?}"
        );
    }
}

#[test]
fn the_skeleton_says_how_a_multi_line_answer_prints() {
    let reg = common::git_register("x");
    let o = smout(reg.path(), &["new", "y", "--form", "dhs-smout"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(reg.path().join("records/y/record.toml")).unwrap();
    let at = text
        .find("it_systems = \"\"\"")
        .expect("a multi-line answer");
    insta::assert_snapshot!(lines_between(
        &text[..at + 20],
        "# IT System(s)",
        "it_systems ="
    ));
}
