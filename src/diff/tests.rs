//! Diffs of two versions of the minimal record.

use super::*;
use crate::form::FormSet;
use toml::Table;

const MINIMAL: &str = include_str!("../../tests/fixtures/valid/minimal.toml");

fn diff(edit: impl Fn(&str) -> String) -> RecordDiff {
    let set = FormSet::builtin().unwrap();
    let form = set.get("dhs-smout").unwrap();
    let old: Table = toml::from_str(MINIMAL).unwrap();
    let new: Table = toml::from_str(&edit(MINIMAL)).unwrap();
    RecordDiff::new(form, "x", "submission/1", "worktree", &old, &new)
}

fn kinds(d: &RecordDiff) -> Vec<(String, ChangeKind, bool)> {
    d.changes
        .iter()
        .map(|c| (c.path.clone(), c.kind, c.material))
        .collect()
}

#[test]
fn the_same_record_has_no_change() {
    let d = diff(|t| t.to_string());
    assert!(d.changes.is_empty() && !d.material);
    assert_eq!(d.summary(), "no change to the answers");
}

#[test]
fn rewrapped_prose_is_reflowed_never_material() {
    let d = diff(|t| t.replace("\"Open-source research.\"", "\"Open-source\\n  research.\""));
    assert_eq!(
        kinds(&d),
        [("use.description".to_string(), ChangeKind::Reflowed, false)]
    );
}

#[test]
fn a_new_answer_is_labelled_with_the_question_and_word_diffed() {
    let d = diff(|t| t.replace("Open-source research.", "Open-source research of threats."));
    assert_eq!(d.changes.len(), 1);
    let c = &d.changes[0];
    assert_eq!((c.kind, c.material), (ChangeKind::Changed, true));
    assert!(c.label.contains("escri"), "{}", c.label);
    let inserted: Vec<&str> = c
        .inline
        .iter()
        .filter(|i| i.op == "insert")
        .map(|i| i.text.as_str())
        .collect();
    // Words carry their punctuation: "research." became "research of threats.".
    assert_eq!(inserted.concat().trim(), "research of threats.");
    assert!(material_change(
        FormSet::builtin().unwrap().get("dhs-smout").unwrap(),
        &toml::from_str(MINIMAL).unwrap(),
        &toml::from_str(&MINIMAL.replace("Open-source research.", "Other.")).unwrap()
    ));
}

#[test]
fn an_item_with_nothing_answered_is_named_by_its_place_never_by_an_empty_name() {
    // A contact as `smout new` writes it, beside a changed component: the summary names
    // both, and joins nothing empty ("Contact Information: , Name of Component").
    let d = diff(|t| {
        t.replace(
            "[[summary.counsel]]",
            "[[summary.contacts]]\nname = \"\"\ntitle = \"\"\n\n[[summary.counsel]]",
        )
        .replace("U.S. Customs and Border Protection", "CBP")
    });
    assert_eq!(
        d.summary(),
        "2 changes (1 material): Name of Component, Contact Information: #2"
    );
    let added = d
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::Added)
        .unwrap();
    assert_eq!((added.old.as_deref(), added.new.as_deref()), (None, None));
}

#[test]
fn list_items_are_matched_by_identity_not_position() {
    // A second PIA before the first: one added item, the first unchanged.
    let d = diff(|t| {
        t.replace(
            "[[summary.pia]]\nid = \"DHS/CBP/PIA-010(a)\"",
            "[[summary.pia]]\nid = \"DHS/CBP/PIA-001\"\ntitle = \"Other\"\n\n[[summary.pia]]\nid = \"DHS/CBP/PIA-010(a)\"",
        )
    });
    let k = kinds(&d);
    assert_eq!(k.len(), 1, "{k:?}");
    assert_eq!(k[0].1, ChangeKind::Added);
    assert!(
        d.changes[0]
            .new
            .as_deref()
            .unwrap_or("")
            .contains("PIA-001"),
        "{:?}",
        d.changes[0]
    );
}
