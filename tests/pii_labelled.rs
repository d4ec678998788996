//! The release check's free-text PII detection measured on a labelled set of sentences
//! (tests/fixtures/pii/labelled.toml) and on the forms' own wording (every sentence a negative):
//! caught, missed and false positives are printed and held to what was measured.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Default, Debug)]
struct Score {
    caught: usize,
    missed: Vec<String>,
    false_positives: Vec<String>,
}

/// Scored over the released text (markup withheld, as the check sees it), for the kinds `kinds`
/// starts (all when empty).
fn score(cases: &[(String, Vec<String>)], kinds: &[&str]) -> Score {
    let mut s = Score::default();
    for (text, want) in cases {
        let released = smout::markup::release_plain(text);
        let found: Vec<String> = smout::pii::passages(&released)
            .into_iter()
            .filter(|(k, _)| !k.starts_with("protected"))
            .filter(|(k, _)| kinds.is_empty() || kinds.iter().any(|x| k.starts_with(x)))
            .map(|(_, m)| m)
            .collect();
        for w in want {
            match found.contains(w) {
                true => s.caught += 1,
                false => s.missed.push(format!("{w:?} in {text:?}")),
            }
        }
        for f in found.iter().filter(|f| !want.contains(f)) {
            s.false_positives.push(format!("{f:?} in {text:?}"));
        }
    }
    s
}

fn labelled() -> Vec<(String, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/pii/labelled.toml")).unwrap();
    let t: toml::Table = toml::from_str(&text).unwrap();
    t["case"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let pii = c["pii"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_string())
                .collect();
            (c["text"].as_str().unwrap().to_string(), pii)
        })
        .collect()
}

/// Every printed string of the forms (questions, headings, paragraphs, labels, help, choices).
fn form_wording() -> Vec<String> {
    fn strings(v: &toml::Value, key: &str, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s)
                if [
                    "question",
                    "heading",
                    "lead",
                    "text",
                    "label",
                    "help",
                    "footnotes",
                    "page_heading",
                    "title",
                    "message",
                    "hint",
                    "type_hint",
                    "exempt",
                ]
                .contains(&key) =>
            {
                out.push(s.clone())
            }
            toml::Value::Array(a) => a.iter().for_each(|x| strings(x, key, out)),
            toml::Value::Table(t) => t.iter().for_each(|(k, x)| strings(x, k, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("forms")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let v: toml::Value = toml::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            strings(&v, "", &mut out);
        }
    }
    out
}

#[test]
fn free_text_pii_is_caught_with_two_known_misses_and_no_false_positives_on_the_labelled_set() {
    let cases = labelled();
    let s = score(&cases, &[]);
    let expected: usize = cases.iter().map(|(_, p)| p.len()).sum();
    let negatives = cases.iter().filter(|(_, p)| p.is_empty()).count();
    println!(
        "labelled set: {} sentences ({negatives} with no PII); {expected} passages: caught {}, missed {}, false positives {}",
        cases.len(),
        s.caught,
        s.missed.len(),
        s.false_positives.len()
    );
    for m in &s.missed {
        println!("  missed {m}");
    }
    for f in &s.false_positives {
        println!("  false positive {f}");
    }
    // Measured: the two known misses of the set (a name neither list has, a name in lower case).
    assert!(s.missed.len() <= 2, "missed: {:#?}", s.missed);
    assert_eq!(s.caught + s.missed.len(), expected);
    assert!(s.false_positives.is_empty(), "{:#?}", s.false_positives);
}

#[test]
fn the_forms_own_wording_names_nobody() {
    let wording = form_wording();
    assert!(wording.len() > 250, "{}", wording.len());
    // One number is the Directive's own: 9.2 gives the line of the DHS Security Operations
    // Center. It is a telephone number, rightly found, and an office's, naming nobody: the
    // form prints it as the Directive does.
    const SOC: &str = "(703) 921-6507";
    let cases: Vec<(String, Vec<String>)> = wording
        .into_iter()
        .map(|w| {
            let office_line = w.contains("Security Operations Center (SOC) at (703) 921-6507");
            (
                w,
                office_line.then(|| SOC.to_string()).into_iter().collect(),
            )
        })
        .collect();
    // The kinds a form's wording could be taken for: its category words ("criminal history")
    // are the Directive's own examples of what a record must not show.
    let s = score(
        &cases,
        &["person's name", "telephone", "internet protocol", "e-mail"],
    );
    println!(
        "forms' wording: {} strings, false positives {}",
        cases.len(),
        s.false_positives.len()
    );
    for f in &s.false_positives {
        println!("  false positive {f}");
    }
    assert!(s.false_positives.is_empty(), "{:#?}", s.false_positives);
}

#[test]
fn protected_class_terms_name_the_statute_that_protects_them() {
    for (text, statute) in [
        (
            "the traveler has a pending VAWA self-petition",
            "8 USC 1367",
        ),
        ("she holds a U visa as a crime victim", "8 USC 1367"),
        ("his T nonimmigrant status was approved", "8 USC 1367"),
        ("the family applied for asylum in 2023", "8 CFR 208.6"),
        ("he was granted refugee status", "8 CFR 208.6"),
        ("an asylee from Venezuela", "8 CFR 208.6"),
        ("her TPS application is pending", "8 CFR 244.16"),
        ("a Temporary Protected Status holder", "8 CFR 244.16"),
    ] {
        let found = smout::pii::passages(text);
        assert!(
            found
                .iter()
                .any(|(k, _)| k == &format!("protected by {statute}")),
            "{text:?}: {found:?}"
        );
    }
    for text in [
        "FDNS officers review social media of refugee applicants referred for enhanced review",
        "Active felony warrant for trafficking (Webb County, Texas).",
        "information protected by 8 U.S.C. § 1367 must not be disclosed",
    ] {
        let found = smout::pii::passages(text);
        assert!(
            !found.iter().any(|(k, _)| k.starts_with("protected")),
            "{text:?}: {found:?}"
        );
    }
}
