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

/// What `pdftotext` reads in the PDF of `req` (the release copy with `--release`), its lines
/// joined: a sentence the page wraps reads as one.
fn pdf_text(reg: &Path, extra: &[&str]) -> Option<String> {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return None;
    }
    let out = reg.join("req.pdf");
    let _ = std::fs::remove_file(&out);
    let mut args = vec!["render", "req"];
    args.extend_from_slice(extra);
    let out = common::write_out(reg, out, &args);
    let o = Command::new("pdftotext")
        .args([out.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let mut text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence a page break cuts reads across it: the page's footnotes and footer, which
    // `pdftotext` reads between the two halves, are set aside (each footnote is held whole).
    for note in DIRECTIVE.iter().filter(|s| s.starts_with(is_superscript)) {
        assert!(text.contains(note), "the PDF lacks {note:?}:\n{text}");
        text = text.replacen(&format!("{note} "), "", 1);
    }
    let footer = regex::Regex::new(
        r"CBP Directive No\. 1450-027, February 1, 2024 · submission \d+ Page \d+ of \d+ ",
    )
    .unwrap();
    Some(footer.replace_all(&text, "").into_owned())
}

fn is_superscript(c: char) -> bool {
    "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c)
}

/// CBP Directive 1450-027's own wording, with its paragraph numbers, as a request prints it
/// (issue 32, items 6–8): the questions of 7.2.2.1–7.2.2.3 and 7.2.4, the sentences and
/// footnotes the form once left out, §9 and §11.
const DIRECTIVE: &[&str] = &[
    // 7.2.2.1–7.2.2.3 and 7.2.4, the questions of each individual's answers.
    "7.2.2.1 Name, age, country of citizenship, nationality, and photograph;",
    "7.2.2.2 The circumstances immediately surrounding an encounter or arrest, including the time and place, resistance, pursuit, possession and use of weapons, a description of any items seized, as well as the resolution of the encounter; and",
    "7.2.2.3 Criminal history, specifically any felony crimes that the individual has either been convicted of or has an active warrant for.",
    "7.2.4 Information containing PII may be released to the media or social media if an individual has provided written consent authorizing the release, so long as the individual has the capacity to consent (i.e., is not a minor) and is not in custody at the time of the waiver. Questions regarding the validity or scope of an individual's consent waiver should be directed to the CBP Privacy Office and the Office of Chief Counsel. Copies of consents and waivers must be maintained by OPA (if executed by a Public Affairs Specialist) or the respective CBP component or office (if executed by a Public Affairs Liaison) for five years in accordance with the accounting for disclosure requirements explained in this Directive.",
    // 7.1.3's last sentence, 7.1.4's second.
    "(related to Temporary Protected Status application information). Consult with CBP Office of Chief Counsel and the CBP Privacy Office if the response to a media inquiry or agency-generated release may involve protected class data.",
    "as part of a news release or social media posting is prohibited. Consult with CBP Office of Intelligence, CBP National Targeting Center, CBP Office of Chief Counsel, and the CBP Privacy Office to ensure a response to a media inquiry or agency-generated posting does not involve the release of such information.",
    // Footnote 1 (the scope exclusion), and §1 that it notes.
    "government-wide policies.¹",
    "¹ This Directive does not apply to the disclosure of information associated with CBP personnel through media releases or postings related to misconduct, internal investigations, or arrests as a result of actions outside the agency.",
    // 5.6 and footnote 4, 5.10 and footnote 6.
    "5.6 Personally Identifiable Information (PII): Any information that permits the identity of an individual to be directly or indirectly inferred, including other information that is linked or linkable to an individual, regardless of whether the individual is a U.S. citizen, lawful permanent resident, or a visitor to the United States.⁴",
    "⁴ For example, when linked or linkable to an individual, such information includes a name, Alien Registration Number, Social Security number, date and place of birth, mother's maiden name, account number, license number, vehicle identifier number, license plate number, device identifier or serial number, internet protocol address, biometric identifier (e.g., photograph, fingerprint, iris scan, voice print), educational information, financial information, medical information, criminal or employment information, and information created specifically to identify or authenticate an individual (e.g., a random generated number).",
    "5.10 Sensitive Personally Identifiable Information (SPII): Personally Identifiable Information, which if lost, compromised, or disclosed without authorization, could result in substantial harm, embarrassment, inconvenience, or unfair treatment of an individual.⁶",
    "⁶ Examples include Alien Registration Number, Social Security number, financial account numbers, license number, passport number, or biometric identifiers.",
    // 8.4 with its footnotes 9 and 10 (the news-media routine use it rests on).
    "In accordance with established DHS and CBP System of Records Notices, any release containing information covered by the Privacy Act or Departmental policy extension⁹ must be approved by the DHS Chief Privacy Officer, in consultation with the Office of General Counsel.¹⁰",
    "⁹ 5 U.S.C. § 552a. As a matter of policy, DHS Privacy Policy 262-16 extended administrative Privacy Act certain rights and protections to all individuals, regardless of their citizenship. Additionally, covered persons are granted certain Privacy Act rights and protections under the Judicial Redress Act of 2015, Pub. L. 114-126 (JRA).",
    "¹⁰ DHS and CBP System of Records Notices (SORNs) contain the following Routine Use: \"To the news media and the public, with the approval of the Chief Privacy Officer in consultation with counsel, when there exists a legitimate public interest in the disclosure of the information or when disclosure is necessary to preserve confidence in the integrity of DHS or is necessary to demonstrate the accountability of DHS's officers, employees, or individuals covered by the system, except to the extent it is determined that release of the specific information in the context of a particular case would constitute an unwarranted invasion of personal privacy.\"",
    // 6.2.3, 6.3.1, 6.5.1 (Chief Counsel, ongoing litigation).
    "6.2.3 Coordinating with the CBP Privacy Office, and Office of Chief Counsel (OCC) as appropriate, prior to the public disclosure of PII via a public release, social media posting, or in response to a request from a representative of the media;",
    "6.3.1 Providing appropriate supervisory oversight of news releases and postings containing CBP information to agency-owned social media accounts to ensure compliance with applicable laws and policies, including this Directive.",
    "6.5.1 Providing CBP personnel with legal guidance related to any proposed disclosures, as needed, particularly those involving ongoing litigation.",
    // §9: the Joint Intake Center, the incidents mailbox, the SOC line.
    "9. PRIVACY INCIDENT HANDLING AND RESPONSE",
    "9.1 Any unauthorized disclosure of CBP information containing PII, including images, is considered a Privacy Incident and must be promptly reported to the Joint Intake Center.",
    "9.2 In accordance with DHS Privacy Incident Handling Guidance (DHS Instruction 047-01-008), all Privacy Incidents are to be immediately reported, as appropriate, to the CBP Privacy Office (privacyincidents@cbp.dhs.gov) or DHS Security Operations Center (SOC) at (703) 921-6507 for review, investigation, and remediation, as necessary.",
    "9.3 Unauthorized disclosure of CBP information containing PII may be grounds for disciplinary action, consistent with applicable law and CBP policy, and may be subject to criminal sanctions.",
    // §11.
    "11. TRAINING REQUIREMENTS",
    "11.1 All CBP personnel assigned to Public Affairs Specialists or Public Affairs Liaison roles must complete training as designated by OPA annually to include OPA social media training if managing social media accounts on behalf of CBP;",
    "11.2 All CBP personnel must complete “Privacy at DHS: Protecting Personal Information” in the DHS Learning Management System or successor training course annually; and",
    "11.3 All CBP personnel must complete remedial or refresher training as required in response to a Privacy Incident.",
];

/// Issue 32, items 6–8: the PDF of a request prints the Directive's wording with its numbers;
/// each answer of 7.2.2.1 — name, age, citizenship, nationality, photograph — is its own, the
/// nationality beside the citizenship; 7.2.3 and 8.4 are the requester's assertions, not rules
/// with a tick; and the release copy prints the same wording while it withholds the name.
#[test]
fn the_pdf_prints_the_directive_as_written() {
    let text = with(
        "citizenship = \"Mexico\"",
        "citizenship = \"Mexico\"\nnationality = \"Mexican\"",
    )
    .replace("release_photograph = false", "release_photograph = true");
    let reg = submitted_request(&text);
    let Some(pdf) = pdf_text(reg.path(), &[]) else {
        return;
    };
    for s in DIRECTIVE.iter().filter(|s| !s.starts_with(is_superscript)) {
        assert!(pdf.contains(s), "the PDF lacks {s:?}:\n{pdf}");
    }
    for s in [
        "Country of citizenship Mexico Nationality Mexican",
        "7.2.2.1 Release name Yes 7.2.2.1 Release age Yes 7.2.2.1 Release country of citizenship Yes 7.2.2.1 Release nationality No 7.2.2.1 Release photograph Yes 7.2.2.2 Release circumstances Yes 7.2.2.3 Felony history Active felony warrant",
        "7.2.4 Written consent No consent",
        "7.2.3 Deconfliction. Prior to a proposed release, the office generating the disclosure should make reasonable efforts to deconflict the proposed release, ensuring that the disclosure will not negatively impact or undermine ongoing operations or law enforcement activities. ☒ The requester affirms that reasonable efforts were made to deconflict the proposed release. ☐ The proposed release has not been deconflicted.",
        "☒ The release contains information covered by the Privacy Act or Departmental policy extension. ☐ The requester affirms that the release contains no information covered by the Privacy Act or Departmental policy extension.",
    ] {
        assert!(pdf.contains(s), "the PDF lacks {s:?}:\n{pdf}");
    }
    // A rule is no assertion: no tick stands before the Directive's own wording.
    for rule in [
        "☒ Prior to a proposed release",
        "☒ In accordance with established",
    ] {
        assert!(!pdf.contains(rule), "{rule:?} printed as a ticked box");
    }
    // 7.2.2.1 is asked once, above the individuals, not once per answer.
    assert_eq!(
        pdf.matches("Name, age, country of citizenship, nationality, and photograph;")
            .count(),
        1
    );
    assert!(pdf.contains("Marco Ibáñez-Ruiz"));

    let release = pdf_text(reg.path(), &["--release"]).unwrap();
    for s in DIRECTIVE.iter().filter(|s| !s.starts_with(is_superscript)) {
        assert!(
            release.contains(s),
            "the release copy lacks {s:?}:\n{release}"
        );
    }
    assert!(
        !release.contains("Ibáñez"),
        "the release copy withholds the name"
    );
}
