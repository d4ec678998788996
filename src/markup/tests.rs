//! The markup grammar, the labels and the release of withheld text.

use super::*;

#[test]
fn every_markup_error_of_a_string_is_found() {
    let s = "[[bx: Jane]] met [[John]] and [[b6: Ann]] at 5]] then [[b6: Lee";
    let all = errors(s);
    let found: Vec<(usize, usize, &str)> = all
        .iter()
        .map(|e| {
            (
                e.offset,
                e.opening,
                e.message.split(';').next().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (0, 0, "`bx` is not a FOIA exemption"),
            (17, 1, "redaction markup needs exemptions and a colon, e.g. `[[b6 b7C: Jane Roe]]`"),
            (46, 2, "stray `]]` outside redaction markup: if the text before it is exempt, open it with `[[b6: …`"),
            (54, 3, "redaction markup `[[` is never closed with `]]`"),
        ]
    );
    assert!(errors("[[b6: Jane]] and \\[[literal]]").is_empty());
}

#[test]
fn the_fast_paths_agree_with_the_grammar_on_every_short_string() {
    // Every string of up to five characters over the markup's alphabet: the byte test for
    // markup is the two-substring test it replaced, a string without markup is one text, and
    // `errors` (which keeps nothing) finds an error exactly where `parse` stops.
    let alphabet = ['[', ']', '\\', 'b', '6', ':', ' ', 'x'];
    let mut strings = vec![String::new()];
    for _ in 0..5 {
        let longer: Vec<String> = strings
            .iter()
            .filter(|s| s.len() == strings.last().map_or(0, |l| l.len()))
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        strings.extend(longer);
    }
    assert_eq!(strings.len(), (0..=5).map(|n| 8usize.pow(n)).sum::<usize>());
    for s in &strings {
        assert_eq!(has_markup(s), s.contains("[[") || s.contains("]]"), "{s:?}");
        let parsed = parse(s);
        if !has_markup(s) {
            let whole: Vec<Segment> = match s.is_empty() {
                true => vec![],
                false => vec![Segment::Text { text: s.clone() }],
            };
            assert_eq!(parsed.as_ref(), Ok(&whole), "{s:?}");
        }
        assert_eq!(errors(s).first(), parsed.as_ref().err(), "{s:?}");
    }
}

#[test]
fn splits_text_and_redactions() {
    let segs = parse("Call [[b6 b7C: Jane Roe]] today").unwrap();
    assert_eq!(
        segs,
        vec![
            Segment::Text {
                text: "Call ".into()
            },
            Segment::Redacted {
                exemptions: vec!["b6".into(), "b7C".into()],
                text: "Jane Roe".into()
            },
            Segment::Text {
                text: " today".into()
            },
        ]
    );
}

#[test]
fn a_text_marked_elsewhere_is_withheld_in_any_case_and_spacing_as_whole_words() {
    let mut w = Withheld::default();
    w.add_marked("Call [[b6 b7C: Maria  Lopez]] or [[b7E: SITE-9]]");
    w.add_marked("[[b6: Ann]] and [[b6: maria lopez]]");
    // Markup that does not parse adds nothing (a release withholds that string whole).
    w.add_marked("[[b6: Bob]] and [[b6: bad");
    let r = |s: &str| release_withholding(s, &w, |l| format!("[{l}]"));
    assert_eq!(
        r("MARIA\nLOPEZ met Ann at SITE-9; Annual review of site-9x"),
        "[(b) (6), (b) (7)(C)] met [(b) (6)] at [(b) (7)(E)]; Annual review of site-9x"
    );
    // Marked text is labelled as before; markup that does not parse withholds the string.
    assert_eq!(
        r("[[b5: Ann]] saw Ann and Bob"),
        "[(b) (5)] saw [(b) (6)] and Bob"
    );
    assert_eq!(r("Ann ]] x"), "[withheld]");
    assert_eq!(
        release_withholding("Ann", &Withheld::default(), |l| l),
        "Ann"
    );
}

#[test]
fn a_withheld_name_is_withheld_as_people_also_write_it() {
    let mut w = Withheld::default();
    w.add_marked("Research by [[b6: María Lopez]] and [[b7E: Port Nine]]");
    let r = |s: &str| release_withholding(s, &w, |l| format!("[{l}]"));
    assert_eq!(
        r("Lopez, Maria and M. Lopez and M Lopez and LOPEZ,\nMARÍA met at Port Nine"),
        "[(b) (6)] and [(b) (6)] and [(b) (6)] and [(b) (6)] met at [(b) (7)(E)]"
    );
    // Only a person's name (b6, b7C) has variants; a surname alone, or another name with
    // the same surname, is not withheld.
    assert_eq!(
        r("Nine, Port; Lopez; J. Lopez"),
        "Nine, Port; Lopez; J. Lopez"
    );
    let mut w3 = Withheld::default();
    w3.add_marked("[[b6 b7C: Maria Elena Lopez]]");
    assert_eq!(
        release_withholding(
            "Lopez, Maria Elena; Lopez, Maria; M. Lopez",
            &w3,
            |l| format!("[{l}]")
        ),
        "[(b) (6), (b) (7)(C)]; [(b) (6), (b) (7)(C)]; [(b) (6), (b) (7)(C)]"
    );
}

#[test]
fn escaped_brackets_are_literal() {
    assert_eq!(plain(r"see \[[b6: x]] here"), "see [[b6: x]] here");
}

#[test]
fn labels_read_as_foia_marks() {
    assert_eq!(label(&["b6".into(), "b7C".into()]), "(b) (6), (b) (7)(C)");
    assert_eq!(label(&["b7E".into()]), "(b) (7)(E)");
    // Exemptions are read case-insensitively and printed in their canonical form.
    let segs = parse("[[b7e: methods]]").unwrap();
    assert!(
        matches!(&segs[0], Segment::Redacted { exemptions, .. } if exemptions == &["b7E".to_string()])
    );
}

#[test]
fn exemption_3_names_its_statute_as_foia_offices_print_it() {
    let segs = parse("[[b3 8 USC 1367: a pending VAWA self-petition]]").unwrap();
    let Segment::Redacted { exemptions, .. } = &segs[0] else {
        panic!("{segs:?}");
    };
    assert_eq!(exemptions, &["b3 8 USC 1367"]);
    assert_eq!(label(exemptions), "(b) (3): 8 U.S.C. § 1367");
    assert_eq!(
        release_plain("[[b3 8 U.S.C. § 1367, b6: x]] and [[b3 8 cfr 208.6: y]]"),
        "[(b) (3): 8 U.S.C. § 1367, (b) (6)] and [(b) (3): 8 C.F.R. § 208.6]"
    );
    // The words of a list, as a DOCX content control's tag carries them.
    let words: Vec<String> = "b3 8 USC 1367 b6".split(' ').map(String::from).collect();
    assert_eq!(label(&words), "(b) (3): 8 U.S.C. § 1367, (b) (6)");
    for bad in [
        "[[b3: x]]",
        "[[b3 1367: x]]",
        "[[b3 8 XYZ 1367: x]]",
        "[[b6 8 USC 1367: x]]",
    ] {
        let e = parse(bad).unwrap_err().message;
        assert!(e.contains("8 USC 1367"), "{bad}: {e}");
    }
    assert!(is_exemption("b3 8 USC 1367") && is_exemption("b7c"));
    assert!(!is_exemption("b3") && !is_exemption("b6 b7C") && !is_exemption("x"));
}

#[test]
fn rejects_malformed_markup() {
    assert!(parse("[[b6: never closed")
        .unwrap_err()
        .message
        .contains("never closed"));
    assert!(parse("[[b10: x]]")
        .unwrap_err()
        .message
        .contains("not a FOIA exemption"));
    assert!(parse("[[Jane Roe]]").unwrap_err().message.contains("colon"));
    assert!(parse("[[b6: ]]").unwrap_err().message.contains("no text"));
    assert!(parse("[[: x]]")
        .unwrap_err()
        .message
        .contains("no exemption"));
    assert!(parse("[[b6: a [[b7C: b]] c]]")
        .unwrap_err()
        .message
        .contains("nested"));
    let e = parse("ok [[b6: a]] then [[b6 x]]").unwrap_err();
    assert_eq!(e.opening, 1);
}

#[test]
fn a_stray_closing_bracket_is_refused_and_a_release_withholds_the_string() {
    // The reproducer: the text after the first `]]` was meant to be withheld.
    let e = parse("[[b7E: a ]] b]] c").unwrap_err();
    assert!(e.message.contains("stray `]]`"), "{}", e.message);
    assert!(parse("Jane Roe]] called").is_err());
    assert_eq!(release_plain("[[b7E: a ]] b]] c"), "[withheld]");
    assert_eq!(plain(r"a \]] b"), "a ]] b");
    assert_eq!(release_plain("Call [[b6: Jane]] now"), "Call [(b) (6)] now");
}
