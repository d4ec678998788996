//! The SMOUT as the DHS template prints it (the 2018 CBP Forced Labor Division filing released
//! under FOIA): the example `cbp-fld` PDF, read back with `pdftotext` and `pdfinfo
//! -struct-text`, carries the template's words in the template's order and nesting, and what
//! smout adds — the record, the revision, the review date, the transcriber's notes, counsel's
//! certification — on a page of its own after the form's. The expected strings are the seed's.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{smout, stderr};

fn tool(name: &str, args: &[&str]) -> String {
    let o = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` is needed by this test (poppler-utils): {e}"));
    assert!(
        o.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn have_poppler() -> bool {
    common::have("pdftotext", "apt-get install poppler-utils")
        && common::have("pdfinfo", "apt-get install poppler-utils")
}

/// `smout -q render cbp-fld <extra> -o <dir>/<name>` in the register `reg`.
fn render(reg: &Path, extra: &[&str], out: PathBuf) -> PathBuf {
    let mut args = vec!["-q", "render", "cbp-fld"];
    args.extend_from_slice(extra);
    args.extend(["-o", out.to_str().unwrap()]);
    let o = smout(reg, &args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    out
}

/// The pages' text in reading order, white space as single spaces.
fn pages(pdf: &Path) -> Vec<String> {
    tool("pdftotext", &[pdf.to_str().unwrap(), "-"])
        .split('\u{c}')
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// `strings` all appear in `text`, in this order.
fn in_order(text: &str, strings: &[&str]) {
    let mut at = 0;
    for s in strings {
        match text[at..].find(s) {
            Some(i) => at += i + s.len(),
            None => panic!("{s:?} missing or out of order after byte {at} of:\n{text}"),
        }
    }
}

/// The example register's FLD SMOUT as submitted (with its determination), as examples/pdf
/// keeps it.
fn fld(tmp: &Path) -> (PathBuf, PathBuf) {
    let reg = common::example_history(tmp);
    let pdf = render(&reg, &["--rev", "submitted"], tmp.join("fld.pdf"));
    (reg, pdf)
}

const KEPT: &str = "Kept by smout — not part of the form";

#[test]
fn the_summary_page_opens_with_the_instruction_then_summary_information() {
    if !have_poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, pdf) = fld(tmp.path());
    let pages = pages(&pdf);
    in_order(
        &pages[1],
        &[
            "DHS OPERATIONAL USE OF SOCIAL MEDIA",
            "Please complete this form and send it to your Component Privacy Officer.",
            "Upon receipt, your Component Privacy Officer and the DHS Privacy Office will review this form and may request additional information.",
            "SUMMARY INFORMATION",
            "Date submitted for review: 6/12/2018",
            "Name of Component: Customs and Border Protection",
            "Contact Information:",
            "Counsel² Contact Information:",
            "IT System(s) where social media data is stored: Information will be stored in users shared drive",
            "Applicable Privacy Impact Assessment(s) (PIA):",
        ],
    );
}

#[test]
fn the_determination_page_reads_in_the_templates_order() {
    if !have_poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, pdf) = fld(tmp.path());
    let pages = pages(&pdf);
    let page = pages
        .iter()
        .find(|p| p.contains("DHS SOCIAL MEDIA DOCUMENTATION"))
        .expect("the Privacy Office's page");
    in_order(
        page,
        &[
            "DHS SOCIAL MEDIA DOCUMENTATION",
            "(To be Completed by the DHS Privacy Office)",
            "DATE reviewed by the DHS Privacy Office: 9/24/2018",
            "NAME of the DHS Privacy Office Reviewer:",
            "DHS Privacy Office Determination",
            "☒ Program has met requirements to use social media for the stated authorized operational purposes, and must continue compliance with the requirements above.",
            "☐ Program has not yet met requirements to utilize social media for operational purposes.",
            "☐ Program authorities do not authorize operational use of social media.",
            "☐ Rules of Behavior do not comply. <Please explain analysis.>",
            "☐ Training required.",
            "Additional Privacy compliance documentation is required:",
            "☐ A PIA is required.",
            "☒ Covered by existing PIA. DHS/CBP/PIA-010(a) Analytical Framework for Intelligence",
            "☐ New.",
            "☐ Updated. <Please include the name and number of PIA to be updated here.>",
            "☐ A SORN is required:",
            "☒ Covered by existing SORN. DHS/CBP-001 Import Information System, July 26, 2016, 81 FR 48826; DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012, 77 FR 13813",
            "☐ New.",
            "☐ Updated. <Please include the name and number of SORN to be updated here.>",
            "DHS PRIVACY OFFICE COMMENTS",
        ],
    );
}

/// The lines of `pdfinfo -struct-text` nested under the list item whose words are `text`: the
/// lines after it indented deeper than its `LBody`.
fn nested_under(tree: &str, text: &str) -> Vec<String> {
    let lines: Vec<&str> = tree.lines().collect();
    let depth = |l: &str| l.len() - l.trim_start().len();
    let at = lines
        .iter()
        .position(|l| l.trim().trim_matches('"') == text)
        .unwrap_or_else(|| panic!("{text:?} not in the structure tree:\n{tree}"));
    // The words sit in the LBody one line up; what is nested in it is deeper than the LBody.
    let body = lines[..at]
        .iter()
        .rposition(|l| l.trim() == "LBody (block)")
        .expect("an LBody");
    let d = depth(lines[body]);
    lines[body + 1..]
        .iter()
        .take_while(|l| depth(l) > d)
        .filter(|l| l.trim().starts_with('"'))
        .map(|l| l.trim().trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_determination_page_nests_as_the_template_does() {
    if !have_poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, pdf) = fld(tmp.path());
    let tree = tool("pdfinfo", &["-struct-text", pdf.to_str().unwrap()]);
    let rules = "Rules of Behavior do not comply. <Please explain analysis.>";
    let training = "Training required.";
    // Under "do not authorize", its words first, then the two findings indented under it.
    let under = nested_under(
        &tree,
        "Program authorities do not authorize operational use of social media.",
    );
    assert_eq!(
        under,
        [
            "Program authorities do not authorize operational use of social media.",
            "☐",
            rules,
            "☐",
            training
        ],
        "{tree}"
    );
    let not_yet = nested_under(
        &tree,
        "Program has not yet met requirements to utilize social media for operational purposes.",
    );
    assert!(
        !not_yet.iter().any(|l| l == rules || l == training),
        "{not_yet:?}"
    );
    // New and Updated under "Covered by existing PIA." (and SORN), not under "required".
    let pia = nested_under(
        &tree,
        "Covered by existing PIA. DHS/CBP/PIA-010(a) Analytical Framework for Intelligence",
    );
    assert_eq!(
        pia[1..],
        [
            "☐",
            "New.",
            "☐",
            "Updated. <Please include the name and number of PIA to be updated here.>"
        ],
        "{pia:?}"
    );
    let sorn = nested_under(
        &tree,
        "Covered by existing SORN. DHS/CBP-001 Import Information System, July 26, 2016, 81 FR 48826; DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012, 77 FR 13813",
    );
    assert!(
        sorn.iter()
            .any(|l| l
                == "Updated. <Please include the name and number of SORN to be updated here.>"),
        "{sorn:?}"
    );
    assert_eq!(
        nested_under(&tree, "A PIA is required."),
        ["A PIA is required."]
    );
}

#[test]
fn what_smout_adds_is_on_a_page_of_its_own_after_the_forms() {
    if !have_poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (_, pdf) = fld(tmp.path());
    let pages = pages(&pdf);
    let (last, form) = pages.split_last().unwrap();
    assert!(last.contains(KEPT), "{last}");
    let form = form.join(" ");
    for absent in [
        "Record cbp-fld",
        "Description of the use",
        "Certifies authority",
        "Counsel Contact Information 1",
        "· submission",
        "submission 1",
        "Review by",
        "recorded with smout",
        "Inferred by the transcriber",
        "3. Date first launched",
        KEPT,
    ] {
        assert!(
            !form.contains(absent),
            "{absent:?} on the form's pages:\n{form}"
        );
    }
    assert_eq!(form.matches("Date first launched").count(), 1, "{form}");
    // Question 1 is followed by its answer and the description, with no label between.
    in_order(
        &form,
        &[
            "please submit separate template for each category.",
            "Criminal investigations",
            "CBP is submitting this SMOUT to outline the Office of Trade, Forced Labor Division's (FLD) operational use of social media",
            "2. Based on the operational use of social media listed above, please provide the appropriate authorities.",
        ],
    );
    // Each page's footer is the template's: its version date and page number.
    for (n, p) in pages.iter().enumerate() {
        assert!(
            p.contains(&format!(
                "Version date: July 24, 2012 Page {} of {}",
                n + 1,
                pages.len()
            )),
            "page {}: {p}",
            n + 1
        );
    }
    in_order(
        last,
        &[
            KEPT,
            "Record cbp-fld: Forced Labor Division open-source research",
            "Revision shown: submission 1",
            "Counsel Contact Information 1: Certifies authority: Yes",
            "Review by 9/24/2021 (determination on submission 1; recorded with smout).",
            "Inferred by the transcriber: the source filing does not show these answers.",
            "1. Category of use",
            "3. Development or operational",
            "5(a) Equipment",
        ],
    );
}

#[test]
fn the_launch_date_prints_where_the_template_asks_for_it_with_four_digits() {
    if !have_poppler() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    common::edit(
        &reg,
        "cbp-fld",
        "stage = \"development\"\n",
        "stage = \"operational\"\nlaunched = 2019-04-15\n",
    );
    let pdf = render(&reg, &[], tmp.path().join("operational.pdf"));
    let text = pages(&pdf).join(" ");
    in_order(
        &text,
        &[
            "3. Is this use of social media in development or operational?",
            "☐ In development.",
            "☒ Operational. Date first launched: 4/15/2019",
            "4. Please attach a copy of the Rules of Behavior that outline the requirements below.",
        ],
    );
    assert_eq!(text.matches("Date first launched").count(), 1, "{text}");
    // What marks the working copy stays on every page (the banner), and the page of smout's
    // own says which revision it is.
    assert!(text.contains("Revision shown: working tree"), "{text}");
    for y2 in ["4/15/19 ", "6/12/18 ", "9/24/18 ", "9/24/21 "] {
        assert!(!text.contains(y2), "a two-digit year: {y2:?}");
    }
}
