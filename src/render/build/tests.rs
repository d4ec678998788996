//! The view of a record of a small form: its sections, items and boxes, as an internal copy, a
//! release copy and an empty record show them.

use chrono::NaiveDate;

use super::*;
use crate::determination::Determinations;

const FORM: &str = r#"
id = "t"
version = "1"
title = "T"

[[section]]
id = "who"
heading = "WHO ASKS"
lead = "The requester."

[[section]]
id = "what"
heading = "WHAT IS ASKED"

[determination]
heading = "D"
reviewed_label = "r"
reviewer_label = "n"
outcome_heading = "o"
comments_heading = "c"

[[determination.outcome]]
value = "ok"
text = "OK"
status = "approved"
approves = true

[[field]]
path = "name"
section = "who"
type = "string"
number = "1"
label = "Name"

[[field]]
path = "role"
section = "who"
type = "choice"
number = "2"
label = "Role"
choices = [
  { value = "pas", label = "Specialist" },
  { value = "pal", label = "Liaison" },
]

[[field]]
path = "affirms"
section = "what"
type = "bool"
number = "3"
label = "Affirmation"
yes = "It does."
no = "It does not."

[[field]]
path = "people"
section = "what"
type = "list"
number = "4"
label = "People"

[[field]]
path = "people[].name"
type = "string"
label = "Name"

[[field]]
path = "people[].role"
type = "string"
label = "Role"
"#;

const RECORD: &str = r#"
form = "t"
title = "Request about [[b6: Jane Roe]]"
name = "[[b6 b7C: Jane Roe]] of the press office"
role = "pal"
affirms = true

[[people]]
name = "[[b6: John Doe]]"
role = "Witness"
"#;

/// A register holding the form, and the view of the record in it (`marks`: an internal copy
/// marking what a release withholds, as the Word copy is made).
fn view(release: bool, marks: bool) -> View {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("smout.toml"), "name = \"Test register\"\n").unwrap();
    std::fs::create_dir(dir.path().join("forms")).unwrap();
    std::fs::write(dir.path().join("forms/t.toml"), FORM).unwrap();
    let reg = Register::open(dir.path()).unwrap();
    let determinations = Determinations::default();
    let src = Source {
        id: "r1",
        text: RECORD,
        determinations: &determinations,
        origin: "records/r1/record.toml".into(),
        mark: "DRAFT".into(),
        revision: "working tree".into(),
        attachments: &[],
        also: None,
    };
    let opts = RenderOptions {
        audience: crate::release::Audience::of_flag(release),
        timestamp: 0,
        today: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
    };
    view_of(&reg, &src, &opts, marks).unwrap()
}

/// An item as (kind, number, label, value, empty).
fn items(s: &SectionView) -> Vec<(&str, &str, &str, &str, bool)> {
    s.items
        .iter()
        .map(|i| {
            (
                i.kind,
                i.number.as_str(),
                i.label.as_str(),
                i.value.as_str(),
                i.empty,
            )
        })
        .collect()
}

/// The boxes of a choice: (wording, ticked).
fn boxes(i: &ItemView) -> Vec<(&str, bool)> {
    i.options
        .iter()
        .map(|o| (o.label.as_str(), o.checked))
        .collect()
}

#[test]
fn the_view_holds_the_forms_sections_and_the_records_answers() {
    let v = view(false, false);
    assert_eq!((v.form.id.as_str(), v.id.as_str()), ("t", "r1"));
    assert_eq!(v.register, "Test register");
    assert_eq!(
        (v.mark.as_str(), v.revision.as_str()),
        ("DRAFT", "working tree")
    );
    assert!(!v.release);
    assert_eq!(
        v.title, "Request about Jane Roe",
        "an internal copy shows the text"
    );
    assert!(v.exemptions_used.is_empty());
    let heads: Vec<(&str, &str, &str)> = v
        .sections
        .iter()
        .map(|s| (s.id.as_str(), s.heading.as_str(), s.lead.as_str()))
        .collect();
    assert_eq!(
        heads,
        [
            ("who", "WHO ASKS", "The requester."),
            ("what", "WHAT IS ASKED", "")
        ]
    );
    let (who, what) = (&v.sections[0], &v.sections[1]);
    assert_eq!(
        items(who),
        [
            ("field", "1.", "Name", "Jane Roe of the press office", false),
            ("choice", "2.", "Role", "Liaison", false),
        ]
    );
    assert_eq!(
        boxes(&who.items[1]),
        [("Specialist", false), ("Liaison", true)]
    );
    assert_eq!(
        items(what),
        [
            ("yesno", "3.", "Affirmation", "", false),
            ("table", "4.", "People", "", false),
        ]
    );
    let yes = &what.items[0];
    assert_eq!(
        (yes.yes.as_str(), yes.no.as_str(), yes.answer),
        ("It does.", "It does not.", Some(true))
    );
    let table = &what.items[1];
    assert_eq!(table.columns, ["Name", "Role"]);
    assert_eq!(table.rows, [["John Doe", "Witness"]]);
}

#[test]
fn a_release_view_carries_the_label_of_withheld_text_never_the_text() {
    let v = view(true, false);
    let label = |l: &str| format!("{REDACTION_OPEN}{l}{REDACTION_CLOSE}");
    assert!(v.release);
    assert_eq!(v.title, format!("Request about {}", label("(b) (6)")));
    let who = &v.sections[0];
    assert_eq!(
        who.items[0].value,
        format!("{} of the press office", label("(b) (6), (b) (7)(C)"))
    );
    assert_eq!(who.items[1].value, "Liaison", "released text stays");
    let table = &v.sections[1].items[1];
    assert_eq!(table.rows, [[label("(b) (6)"), "Witness".to_string()]]);
    assert_eq!(
        v.exemptions_used,
        ["(b) (6)", "(b) (6), (b) (7)(C)"],
        "the legend lists the labels used"
    );
    // Nowhere in the view — any field a template could print — is the withheld text.
    let all = serde_json::to_string(&v).unwrap();
    for secret in ["Jane", "Roe", "John", "Doe"] {
        assert!(!all.contains(secret), "{secret} in the release view: {all}");
    }
}

#[test]
fn an_internal_copy_with_marks_wraps_withheld_text_for_word() {
    let v = view(false, true);
    assert_eq!(
        v.sections[0].items[0].value,
        format!("{WITHHELD_OPEN}b6 b7C{WITHHELD_SEP}Jane Roe{WITHHELD_CLOSE} of the press office")
    );
    // A release is never marked: the text is not there to mark.
    let r = view(true, true);
    assert!(!serde_json::to_string(&r).unwrap().contains("Jane"));
}

#[test]
fn printed_items_are_the_forms_items_as_an_empty_record_shows_them() {
    let form = crate::form::Form::parse(FORM, "test").unwrap();
    let sections = printed_items(&form);
    assert_eq!(
        sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["who", "what"]
    );
    assert_eq!(
        items(&sections[0]),
        [
            ("field", "1.", "Name", "", true),
            ("choice", "2.", "Role", "", true),
        ]
    );
    assert_eq!(
        boxes(&sections[0].items[1]),
        [("Specialist", false), ("Liaison", false)],
        "every box printed, none ticked"
    );
    assert_eq!(
        items(&sections[1]),
        [
            ("yesno", "3.", "Affirmation", "", true),
            ("table", "4.", "People", "", true),
        ]
    );
    assert_eq!(sections[1].items[0].answer, None);
    let table = &sections[1].items[1];
    assert_eq!(table.columns, ["Name", "Role"]);
    assert!(table.rows.is_empty());
}

/// A numbered question the form words for a list's column prints once, before the list, and
/// the column is labelled with its number: the answers name the paragraph they answer.
#[test]
fn a_lists_numbered_column_question_prints_before_the_list() {
    let asked = FORM.replace(
        "path = \"people[].role\"\ntype = \"string\"\nlabel = \"Role\"",
        "path = \"people[].role\"\ntype = \"string\"\nnumber = \"4.1\"\nlabel = \"Role\"\nquestion = \"The role each person played;\"",
    );
    assert_ne!(asked, FORM);
    let form = crate::form::Form::parse(&asked, "test").unwrap();
    let sections = printed_items(&form);
    let what = &sections[1];
    assert_eq!(
        items(what),
        [
            ("yesno", "3.", "Affirmation", "", true),
            ("group", "4.1", "Role", "", false),
            ("table", "4.", "People", "", true),
        ]
    );
    assert_eq!(what.items[1].question, "The role each person played;");
    assert_eq!(what.items[2].columns, ["Name", "4.1 Role"]);
}
