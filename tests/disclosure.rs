//! The second form, CBP Directive 1450-027 requests to disclose PII: its checks cite the
//! Directive, its decisions go through `determine`, retention dates show in `status`, and the
//! engine names neither form.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use chrono::NaiveDate;
use common::{git, stderr, stdout};
use smout::check::{check_targets, CheckOptions, Target};
use smout::register::Register;

fn base() -> String {
    std::fs::read_to_string(common::fixtures().join("disclosure/valid.toml")).unwrap()
}

fn codes(text: &str) -> Vec<String> {
    let reg = common::register();
    let dir = common::add_record(reg.path(), "req", text.as_bytes());
    std::fs::write(dir.join("seizure-blurred.png"), b"\x89PNG").unwrap();
    std::fs::write(dir.join("waiver.pdf"), b"%PDF-1.7").unwrap();
    let reg = Register::open(reg.path()).unwrap();
    let opts = CheckOptions {
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        warn_pii: false,
    };
    let report = check_targets(&reg, &[Target::record(&reg, "req")], &opts);
    let mut c: Vec<String> = report.records[0]
        .findings
        .iter()
        .map(|f| f.code.clone())
        .collect();
    c.dedup();
    c
}

fn with(from: &str, to: &str) -> String {
    let b = base();
    assert!(b.contains(from), "{from:?}");
    b.replacen(from, to, 1)
}

#[test]
fn a_valid_request_passes() {
    assert_eq!(codes(&base()), Vec::<String>::new());
}

#[test]
fn each_prohibition_answered_yes_is_an_error_citing_its_paragraph() {
    assert_eq!(
        codes(&with("protected_class = false", "protected_class = true")),
        ["PD010"]
    );
    assert_eq!(
        codes(&with(
            "tsds_classified_ic = false",
            "tsds_classified_ic = true"
        )),
        ["PD011"]
    );
    assert_eq!(
        codes(&with(
            "booking_photographs = false",
            "booking_photographs = true"
        )),
        ["PD012"]
    );
    assert_eq!(
        codes(&with(
            "other_agency_information = false",
            "other_agency_information = true\nowning_agency_consent = false"
        )),
        ["PD040"]
    );
    assert_eq!(
        codes(&with(
            "other_agency_information = false",
            "other_agency_information = true"
        )),
        ["SM006"],
        "consent must be answered"
    );
    assert_eq!(
        codes(&with(
            "personnel_identified = false",
            "personnel_identified = true\npersonnel_consent = false"
        )),
        ["PD041"],
        "7.1.6 says 'should, where practicable': a warning"
    );
}

#[test]
fn consent_from_a_minor_or_a_person_in_custody_is_invalid() {
    let consent = "consent = \"written\"\nin_custody_at_waiver = false\nwaiver_date = 2025-10-01\nwaiver_copy = \"waiver.pdf\"\nwaiver_kept_by = \"OPA Media Division\"";
    assert_eq!(
        codes(&with("consent = \"none\"", consent)),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(&with(
            "consent = \"none\"",
            &consent.replace(
                "in_custody_at_waiver = false",
                "in_custody_at_waiver = true"
            )
        )),
        ["PD021"]
    );
    let minor = with("consent = \"none\"", consent).replace("minor = false", "minor = true");
    assert_eq!(codes(&minor), ["PD020"]);
    assert_eq!(
        codes(&with("consent = \"none\"", "consent = \"written\"")),
        ["SM006"],
        "custody and date must be answered"
    );
}

#[test]
fn images_of_children_must_be_fully_blurred_and_eye_bars_never_suffice() {
    assert_eq!(
        codes(&with(
            "redaction = \"blurred-unrecognizable\"",
            "redaction = \"eye-bars\""
        )),
        ["PD030"]
    );
    let child = with("child_or_vulnerable = false", "child_or_vulnerable = true");
    assert_eq!(codes(&child), Vec::<String>::new(), "fully blurred is fine");
    assert_eq!(
        codes(&child.replace(
            "redaction = \"blurred-unrecognizable\"",
            "redaction = \"partly-blurred\""
        )),
        ["PD031", "PD033"]
    );
    assert_eq!(
        codes(&with(
            "source = \"captured-for-release\"",
            "source = \"law-enforcement-system\""
        )),
        ["PD032"]
    );
}

#[test]
fn a_media_request_needs_the_question_asked() {
    assert_eq!(
        codes(&with(
            "nature = \"proactive\"",
            "nature = \"media-request\""
        )),
        ["SM006"]
    );
}

fn run(dir: &Path, who: &str, day: &str, args: &[&str]) -> Output {
    common::smout_as(dir, who, day, args)
}

#[test]
fn a_protected_class_answer_blocks_submission() {
    let reg = common::register();
    let dir = common::add_record(
        reg.path(),
        "req",
        with("protected_class = false", "protected_class = true").as_bytes(),
    );
    std::fs::write(dir.join("seizure-blurred.png"), b"\x89PNG").unwrap();
    std::fs::write(dir.join("waiver.pdf"), b"%PDF-1.7").unwrap();
    git(reg.path(), &["init", "-q", "-b", "main"]);
    git(reg.path(), &["add", "-A"]);
    git(reg.path(), &["commit", "-q", "-m", "add"]);
    let o = run(
        reg.path(),
        "pas@example.gov",
        "2025-10-06",
        &["submit", "req"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains(
            "error[PD010]: 7.1.3: information associated with individuals in a protected class"
        ),
        "{}",
        stdout(&o)
    );
}

/// A git register holding request `req` (with `text`, its image beside it) and a SMOUT, the
/// request submitted by its Public Affairs Specialist on 2025-10-06.
fn submitted_request(text: &str) -> tempfile::TempDir {
    let reg = common::register();
    let dir = common::add_record(reg.path(), "req", text.as_bytes());
    std::fs::write(dir.join("seizure-blurred.png"), b"\x89PNG").unwrap();
    std::fs::write(dir.join("waiver.pdf"), b"%PDF-1.7").unwrap();
    common::add_record(
        reg.path(),
        "smout-use",
        &std::fs::read(common::fixtures().join("valid/minimal.toml")).unwrap(),
    );
    git(reg.path(), &["init", "-q", "-b", "main"]);
    git(reg.path(), &["add", "-A"]);
    git(reg.path(), &["commit", "-q", "-m", "add"]);
    let o = run(
        reg.path(),
        "pas@example.gov",
        "2025-10-06",
        &["submit", "req"],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    reg
}

#[test]
fn decisions_go_through_determine_and_retention_shows_in_status() {
    let reg = submitted_request(&with(
        "consent = \"none\"",
        "consent = \"written\"\nin_custody_at_waiver = false\nwaiver_date = 2025-10-05\nwaiver_copy = \"waiver.pdf\"\nwaiver_kept_by = \"OPA Media Division\"",
    ));
    let o = run(
        reg.path(),
        "privacy@example.gov",
        "2025-10-07",
        &["determine", "req", "--outcome", "approve-with-conditions"],
    );
    common::refused(o, "needs the conditions");
    let o = run(
        reg.path(),
        "privacy@example.gov",
        "2025-10-07",
        &["determine", "req", "--outcome", "met"],
    );
    assert!(
        stderr(&o).contains("choose one of: approve, approve-with-conditions, disapprove"),
        "{}",
        stderr(&o)
    );
    // The refusals speak the form's words, never the SMOUT's.
    for (args, why) in [
        (
            &["determine", "req"][..],
            "say the outcome: --outcome approve | approve-with-conditions | disapprove",
        ),
        (
            &["determine", "req", "--outcome", "disapprove"][..],
            "`disapprove` does not approve the use, so it says why: --comments \"…\"\n",
        ),
        (
            &["determine", "req", "--outcome", "disapprove", "--training-required"][..],
            "the determination page of form cbp-pii-disclosure has no --training-required option; say it in --comments",
        ),
    ] {
        common::refused(run(reg.path(), "privacy@example.gov", "2025-10-07", args), why);
    }
    // The disclosure form rules on no PIA or SORN: a finding on one is refused, not recorded.
    let o = run(
        reg.path(),
        "privacy@example.gov",
        "2025-10-07",
        &[
            "determine",
            "req",
            "--outcome",
            "approve-with-conditions",
            "--conditions",
            "After the arraignment.",
            "--pia-required",
        ],
    );
    common::refused(
        o,
        "form cbp-pii-disclosure rules on no further documentation, so a determination of req has no `pia` finding; drop it",
    );
    // 8.1.1 and 8.1.2 are the Privacy Officer's determination: an approval records both.
    let approve = |more: &[&str]| {
        let mut args = vec![
            "determine",
            "req",
            "--outcome",
            "approve-with-conditions",
            "--conditions",
            "After the arraignment.",
        ];
        args.extend_from_slice(more);
        run(reg.path(), "privacy@example.gov", "2025-10-07", &args)
    };
    for (more, why) in [
        (
            &[][..],
            "`approve-with-conditions` approves, so the Privacy Officer records finding 8.1.1: \"The release does not constitute an unwarranted invasion of personal privacy.\" — add --finding no_unwarranted_invasion\n",
        ),
        (
            &["--finding", "no_unwarranted_invasion=false", "--finding", "criterion=8.1.2.1"][..],
            "records finding 8.1.1",
        ),
        (
            &["--finding", "no_unwarranted_invasion"][..],
            "records finding 8.1.2: \"There being no unwarranted invasion of privacy, the release meets the following criterion:\" — add --finding criterion=<8.1.2.1|8.1.2.2|8.1.2.3|8.1.2.4>",
        ),
        (
            &["--finding", "no_unwarranted_invasion", "--finding", "criterion=8.1.2.9"][..],
            "finding `criterion`: choose one of: 8.1.2.1, 8.1.2.2, 8.1.2.3, 8.1.2.4",
        ),
        (
            &["--finding", "criterion"][..],
            "finding `criterion`: choose one of",
        ),
        (
            &["--finding", "newsworthy"][..],
            "`newsworthy` is not a finding of form cbp-pii-disclosure; its findings are: no_unwarranted_invasion, criterion",
        ),
    ] {
        common::refused(approve(more), why);
    }
    let o = approve(&[
        "--finding",
        "no_unwarranted_invasion",
        "--finding",
        "criterion=8.1.2.1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written =
        std::fs::read_to_string(reg.path().join("records/req/determinations.toml")).unwrap();
    assert!(
        !written.contains("pia") && !written.contains("sorn"),
        "{written}"
    );
    assert!(
        written.contains(
            "[determination.findings]\ncriterion = \"8.1.2.1\"\nno_unwarranted_invasion = true\n"
        ),
        "{written}"
    );
    assert!(
        stdout(&o).contains("approve-with-conditions") && !stdout(&o).contains("review by"),
        "case by case: no review date: {}",
        stdout(&o)
    );
    // 7.2.4: consent copies are kept five years from the actual release — nothing to count
    // from until it is recorded (a non-material edit: the approval stands).
    let due = |day: &str| -> serde_json::Value {
        let o = run(
            reg.path(),
            "x@example.gov",
            day,
            &["status", "--due-within", "90d", "--format", "json"],
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    assert_eq!(due("2030-09-01"), serde_json::json!([]));
    let rec = reg.path().join("records/req/record.toml");
    let text = std::fs::read_to_string(&rec).unwrap();
    std::fs::write(
        &rec,
        text.replacen(
            "release_date = 2025-10-09",
            "release_date = 2025-10-09\nreleased_on = 2025-10-09",
            1,
        ),
    )
    .unwrap();
    git(reg.path(), &["commit", "-qam", "released"]);
    let v = due("2030-09-01");
    assert_eq!(v.as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v[0]["id"], "req");
    assert_eq!(v[0]["status"], "approved");
    assert_eq!(
        v[0]["retain_until"], "2030-10-09",
        "five years from the release date"
    );
    assert!(v[0]["next"]
        .as_str()
        .unwrap()
        .contains("keep consent and waiver copies until 2030-10-09"));
    // Both forms side by side.
    let o = run(
        reg.path(),
        "x@example.gov",
        "2025-10-08",
        &["status", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let forms: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["form"].as_str().unwrap())
        .collect();
    assert_eq!(forms, ["cbp-pii-disclosure", "dhs-smout"]);
    let o = run(reg.path(), "x@example.gov", "2025-10-08", &["report"]);
    let md = stdout(&o);
    assert!(
        md.contains("## Office of Field Operations, Laredo Field Office")
            && md.contains("## U.S. Customs and Border Protection"),
        "{md}"
    );
}

#[test]
fn no_engine_code_names_either_form() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut hits = Vec::new();
    let mut stack = vec![src];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .is_some_and(|n| n == "tests.rs" || n == "testrepo.rs")
            {
                // A module's unit tests in a file of their own.
                continue;
            } else {
                let text = std::fs::read_to_string(&p).unwrap();
                // Unit tests exercise the shipped forms by name; the engine above them may not.
                let text = text.split("#[cfg(test)]").next().unwrap_or("");
                for id in ["dhs-smout", "cbp-pii-disclosure"] {
                    if text.contains(id) {
                        hits.push(format!("{} names {id}", p.display()));
                    }
                }
            }
        }
    }
    assert!(hits.is_empty(), "{hits:#?}");
}

#[test]
fn the_example_pdfs_are_current() {
    // examples/pdf holds the renderings of the example requests and the FLD SMOUT as submitted,
    // from the example history; re-rendering them must give the same bytes (they are
    // reproducible and kept up to date).
    let history = tempfile::tempdir().unwrap();
    let reg = common::example_history(history.path());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/pdf");
    let tmp = tempfile::tempdir().unwrap();
    for (id, extra) in [
        ("opa-seizure-release", ""),
        ("opa-media-vawa", ""),
        ("cbp-fld", ""),
        ("cbp-fld", "--release"),
    ] {
        let name = if extra.is_empty() {
            format!("{id}.pdf")
        } else {
            format!("{id}-release.pdf")
        };
        let out = tmp.path().join(&name);
        let mut args = vec![
            "render",
            id,
            "--rev",
            "submitted",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ];
        if !extra.is_empty() {
            args.push(extra);
        }
        let o = Command::new(env!("CARGO_BIN_EXE_smout"))
            .args(&args)
            .current_dir(&reg)
            .env("SOURCE_DATE_EPOCH", "1763769600")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let shipped = std::fs::read(dir.join(&name)).unwrap_or_default();
        assert!(
            std::fs::read(&out).unwrap() == shipped,
            "examples/pdf/{name} is out of date: run examples/render-pdfs.sh"
        );
    }
}

/// 8.4: while the DHS Chief Privacy Officer's approval is only requested, the release cannot be
/// approved (it can be disapproved, or decided once the approval is obtained and resubmitted).
#[test]
fn a_release_awaiting_the_chief_privacy_officer_is_not_approved() {
    let reg = submitted_request(&with(
        "dhs_cpo_approval = \"obtained\"",
        "dhs_cpo_approval = \"requested\"",
    ));
    let o = run(
        reg.path(),
        "privacy@example.gov",
        "2025-10-07",
        &["determine", "req", "--outcome", "approve"],
    );
    common::refused(o, "`approve` is ruled out by submission 1: 8.4: a release of information covered by the Privacy Act or Departmental policy extension must be approved by the DHS Chief Privacy Officer; that approval is only requested");
    let o = run(
        reg.path(),
        "privacy@example.gov",
        "2025-10-07",
        &[
            "determine",
            "req",
            "--outcome",
            "disapprove",
            "--comments",
            "Await the CPO.",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The 7.1 prohibitions print as statements the requester affirms (both sides worded, the
/// answer ticked), never as a lone box whose emptiness says nothing.
#[test]
fn prohibitions_print_as_affirmations() {
    let reg = submitted_request(&base());
    let o = run(
        reg.path(),
        "x@example.gov",
        "2025-10-07",
        &["render", "req", "--format", "md", "-o", "-"],
    );
    let md = stdout(&o);
    let part = md.split("## 7.1 GENERAL PROHIBITIONS").nth(1).unwrap();
    assert_eq!(
        part.matches("- ☒ The requester affirms that the release includes none of it.")
            .count(),
        3,
        "{part}"
    );
    assert!(part.contains("- ☐ The release identifies DHS or CBP personnel on duty.\n- ☒ The requester affirms that the release identifies no DHS or CBP personnel on duty."), "{part}");
    assert!(
        !part.contains("- ☐ Releases identifying"),
        "no lone box: {part}"
    );
}
