//! The bundled transcription of the seed filing — the CBP Forced Labor Division SMOUT of 2018 as
//! released under FOIA (`examples/register/records/cbp-fld`) — holds to what the release shows:
//! one withheld span for each FOIA mark, where the release prints it; no answer the release does
//! not show (an e-mail on contacts 1 and 4, an office for counsel); counsel's title as printed.
//! The expected text is written here, as the release prints it: the test reads nothing outside
//! the repository.

mod common;

use std::path::Path;

use smout::markup::{self, Segment};
use toml::{Table, Value};

fn load(p: &Path) -> Table {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn record() -> Table {
    load(&common::example_register().join("records/cbp-fld/record.toml"))
}

fn str_at<'a>(t: &'a Table, path: &[&str]) -> &'a str {
    let mut v = t.get(path[0]).unwrap_or_else(|| panic!("no {}", path[0]));
    for k in &path[1..] {
        v = v.get(k).unwrap_or_else(|| panic!("no {k} in {path:?}"));
    }
    v.as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string"))
}

/// A marked-up text as the FOIA release prints it: each withheld span its exemption label
/// (`(b) (7)(E)`), white space one space within a paragraph, paragraphs one per item.
fn as_released(s: &str) -> Vec<String> {
    let segments = markup::parse(s).unwrap_or_else(|e| panic!("bad markup: {e:?}"));
    let mut flat = String::new();
    for seg in segments {
        match seg {
            Segment::Text { text } => flat.push_str(&text),
            Segment::Redacted { exemptions, .. } => flat.push_str(&markup::label(&exemptions)),
        }
    }
    flat.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The withheld spans of a marked-up text: their exemptions, in order.
fn spans(s: &str) -> Vec<Vec<String>> {
    markup::parse(s)
        .unwrap()
        .into_iter()
        .filter_map(|seg| match seg {
            Segment::Redacted { exemptions, .. } => Some(exemptions),
            Segment::Text { .. } => None,
        })
        .collect()
}

fn b7e() -> Vec<String> {
    vec!["b7E".to_string()]
}

#[test]
fn question_1_withholds_five_spans_where_the_release_prints_them() {
    let r = record();
    let description = str_at(&r, &["use", "description"]);
    assert_eq!(spans(description), vec![b7e(); 5]);
    // The release prints the second paragraph's mark on its own line, then "The cases are…" in
    // the same paragraph: a line break in prose, which smout reads as a space.
    assert_eq!(
        as_released(description),
        [
            "CBP is submitting this SMOUT to outline the Office of Trade, Forced Labor Division's (FLD) operational use of social media, including (b) (7)(E) capabilities to identify and support FLD cases. The Commissioner of CBP established the Forced Labor Division in 2018 to focus solely on developing forced labor enforcement cases. These cases are (b) (7)(E)",
            "(b) (7)(E) The cases are developed through open source searches (b) (7)(E)",
            "(b) (7)(E) FLD may take notes containing PII from the social media that is reviewed, but it will not be retrievable by a personal identifier. All notes would be stored in password protected files on a shared drive. Because FLD investigates entities, this information will be stored for the length of the investigation.",
        ]
    );
    // Question 2 ends in the one (b) (5) span the release shows.
    let authorities = str_at(&r, &["use", "authorities"]);
    assert_eq!(spans(authorities), vec![vec!["b5".to_string()]]);
    assert_eq!(as_released(authorities).last().unwrap(), "(b) (5)");
}

/// The comments' paragraphs that hold a mark, as the release prints them; the three after
/// them (PIA and SORN coverage) hold none.
const COMMENTS_WITHHELD: [&str; 9] = [
    "CBP Office of Trade, Forced Labor Division's (FLD) is submitting this SMOUT to discuss the request for access to social media for certain instances to use (b) (7)(E)",
    "(b) (7)(E)",
    "CBP's definition of (b) (7)(E)",
    "(b) (7)(E)",
    "The cases are developed through open source searches to (b) (7)(E)",
    "(b) (7)(E)",
    "(b) (7)(E)",
    "Under no circumstance will DHS/CBP violate any social media privacy settings (b) (7)(E)",
    "(b) (7)(E)",
];

#[test]
fn the_comments_withhold_nine_spans_where_the_release_prints_them() {
    let bundled = load(&common::example_register().join("records/cbp-fld/determinations.toml"));
    let first = &bundled["determination"].as_array().unwrap()[0];
    let history = load(&common::example_register().join("../history/cbp-fld.toml"));
    // The determination build-register.sh replays and the one bundled with the record.
    for comments in [
        first["comments"].as_str().unwrap(),
        history["comments"].as_str().unwrap(),
    ] {
        assert_eq!(spans(comments), vec![b7e(); 9]);
        let paragraphs = as_released(comments);
        assert_eq!(paragraphs.len(), 12, "{paragraphs:#?}");
        assert_eq!(paragraphs[..9], COMMENTS_WITHHELD);
        assert!(paragraphs[9].starts_with("PIA coverage for this collection is provided by"));
        assert!(paragraphs[11].starts_with("Additional SORN coverage is provided by"));
    }
    assert_eq!(first["comments"], history["comments"]);
}

#[test]
fn contacts_and_counsel_carry_only_what_the_release_shows() {
    let r = record();
    let summary = r["summary"].as_table().unwrap();
    let contacts = summary["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 5);
    let withheld = vec![vec!["b6".to_string(), "b7C".to_string()]];
    // The release shows a mark after the office of contacts 2, 3 and 5, and none after 1 and 4.
    for (i, c) in contacts.iter().enumerate() {
        let c = c.as_table().unwrap();
        assert_eq!(
            spans(c["name"].as_str().unwrap()),
            withheld,
            "contact {}",
            i + 1
        );
        assert_eq!(
            c["office"].as_str(),
            Some("Office of Trade"),
            "contact {}",
            i + 1
        );
        match i {
            0 | 3 => assert!(!c.contains_key("email"), "contact {} has an e-mail", i + 1),
            _ => assert_eq!(
                spans(c["email"].as_str().unwrap()),
                withheld,
                "contact {}",
                i + 1
            ),
        }
        assert!(!c.contains_key("phone"), "contact {} has a phone", i + 1);
    }
    let titles: Vec<&str> = contacts
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "International Trade Specialist",
            "International Trade Specialist",
            "International Trade Specialist",
            "International Trade Specialist",
            "Management and Program Analyst",
        ]
    );

    // Counsel: a mark, the title as printed (no comma), two marks; no office.
    let counsel = summary["counsel"].as_array().unwrap();
    assert_eq!(counsel.len(), 1);
    let c = counsel[0].as_table().unwrap();
    assert_eq!(c["title"].as_str(), Some("Director Forced Labor Division"));
    assert!(!c.contains_key("office"), "counsel has an office");
    for key in ["name", "email", "phone"] {
        assert_eq!(spans(c[key].as_str().unwrap()), withheld, "{key}");
    }
}

#[test]
fn what_the_release_does_not_show_is_marked() {
    let r = record();
    let provenance = r["provenance"].as_table().unwrap();
    let kind = |path: &str| provenance.get(path).cloned();
    let s = |v: &str| Some(Value::String(v.into()));
    // The check boxes did not survive the release.
    for path in [
        "summary.counsel[].certifies_authority",
        "use.category",
        "use.stage",
        "rules_of_behavior.equipment",
        "rules_of_behavior.pii_collection",
        "rules_of_behavior.pii_safeguards",
        "rules_of_behavior.documentation",
        "rules_of_behavior.training",
        "training_verification",
    ] {
        assert_eq!(kind(path), s("inferred"), "{path}");
    }
    // Rules (b)–(d): the release prints only (b) (7)(E) where their answers were.
    for path in [
        "rules_of_behavior.accounts",
        "rules_of_behavior.public_interaction",
        "rules_of_behavior.privacy_settings",
    ] {
        let v = kind(path).unwrap_or_else(|| panic!("{path} not marked"));
        assert_eq!(
            v["withheld-in-source"].as_array().unwrap(),
            &[Value::String("b7E".into())]
        );
        assert!(
            !r["rules_of_behavior"]
                .as_table()
                .unwrap()
                .contains_key(path.rsplit('.').next().unwrap()),
            "{path} is answered"
        );
    }
    assert_eq!(provenance.len(), 12, "{provenance:#?}");
}
