//! Reviews that reach people's calendars: `status --format ics` and the site's `reviews.ics`
//! are RFC 5545 calendars an independent parser (Python's `icalendar`) reads — one all-day
//! event per review-by date of a use not ended and per retention date, UIDs that stay when a
//! date moves — and `status --cites` finds every record citing a PIA or SORN that changed.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{example_history, have, smout, stdout};

/// What Python's `icalendar` reads of `ics`: one line per event, `UID|DTSTART|SUMMARY`, sorted.
fn parsed(ics: &[u8]) -> Vec<String> {
    let script = r#"
import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
assert cal.get('VERSION') == '2.0', cal.get('VERSION')
assert cal.get('PRODID'), 'no PRODID'
out = []
for e in cal.walk('VEVENT'):
    for k in ('UID', 'DTSTAMP', 'DTSTART', 'DTEND', 'SUMMARY'):
        assert e.get(k) is not None, (k, e)
    out.append('%s|%s|%s' % (e['UID'], e.decoded('DTSTART').isoformat(), e['SUMMARY']))
print('\n'.join(sorted(out)))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(ics).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(
        o.status.success(),
        "icalendar refused the calendar: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(ics)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect()
}

fn has_icalendar() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok || have(
        "python3-icalendar (missing)",
        "pip3 install icalendar==6.1.0",
    )
}

#[test]
fn the_reviews_are_a_calendar_outlook_can_subscribe_to() {
    if !has_icalendar() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let o = smout(&reg, &["status", "--format", "ics"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let ics = o.stdout.clone();
    let text = String::from_utf8_lossy(&ics);
    // Lines end in CRLF and are folded at 75 octets.
    assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "a line of {} octets: {line}", line.len());
        assert!(!line.contains('\n'), "a bare line feed: {line:?}");
    }
    let events = parsed(&ics);
    // Every review-by date of a use not ended, and every retention date, as `status` has them.
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&smout(&reg, &["status", "--format", "json"]))).unwrap();
    let mut expected = Vec::new();
    for r in &rows {
        let id = r["id"].as_str().unwrap();
        let ended = matches!(r["status"].as_str(), Some("withdrawn" | "retired"));
        if let (Some(d), false) = (r["review_by"].as_str(), ended) {
            expected.push(format!("{id}.review|{d}"));
        }
        if let Some(d) = r["retain_until"].as_str() {
            expected.push(format!("{id}.retention|{d}"));
        }
    }
    expected.sort();
    assert!(!expected.is_empty());
    let uids: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e.split('|').next().unwrap())
        .collect();
    assert_eq!(uids.len(), events.len(), "UIDs repeat: {events:#?}");
    assert_eq!(
        events.len(),
        expected.len(),
        "{events:#?}\nexpected {expected:#?}"
    );
    for e in &expected {
        let (id_kind, date) = e.split_once('|').unwrap();
        assert!(
            events
                .iter()
                .any(|x| x.starts_with(&format!("{id_kind}.")) && x.contains(&format!("|{date}|"))),
            "no event {e}: {events:#?}"
        );
    }
    // The same register, the same day: the same bytes (a feed does not churn).
    assert_eq!(smout(&reg, &["status", "--format", "ics"]).stdout, ics);
    // The site publishes the same feed.
    let site = tmp.path().join("public");
    let o = smout(
        &reg,
        &["-q", "site", "--no-pdf", "-o", site.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let feed = std::fs::read(site.join("reviews.ics")).unwrap();
    assert_eq!(parsed(&feed), events);
    assert!(std::fs::read_to_string(site.join("report.html"))
        .unwrap()
        .contains("href=\"reviews.ics\""));
}

#[test]
fn a_review_date_that_moves_keeps_its_event() {
    if !has_icalendar() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let before = parsed(&smout(&reg, &["status", "--format", "ics", "cbp-fld"]).stdout);
    assert_eq!(before.len(), 1, "{before:#?}");
    let uid = before[0].split('|').next().unwrap().to_string();
    assert!(uid.starts_with("cbp-fld.review."), "{uid}");
    // A later day: the status may change, the event is the same event.
    let o = Command::new(env!("CARGO_BIN_EXE_smout"))
        .args(["status", "--format", "ics", "cbp-fld"])
        .current_dir(&reg)
        .env("HOME", tmp.path())
        .env("SMOUT_TODAY", "2031-01-01")
        .output()
        .unwrap();
    let after = parsed(&o.stdout);
    assert_eq!(after[0].split('|').next().unwrap(), uid);
}

#[test]
fn every_record_citing_a_document_is_found_whatever_its_spelling() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&smout(&reg, &["status", "--format", "json"]))).unwrap();
    // A document more than one record cites, if the example has one; else the first cited.
    let mut counts = std::collections::BTreeMap::<String, Vec<String>>::new();
    for r in &rows {
        for x in r["references"].as_array().unwrap() {
            counts
                .entry(x.as_str().unwrap().to_string())
                .or_default()
                .push(r["id"].as_str().unwrap().to_string());
        }
    }
    let (doc, ids) = counts
        .iter()
        .max_by_key(|(_, v)| v.len())
        .expect("the example cites documents");
    let asked = doc.to_lowercase().replace('/', " / ");
    let o = smout(&reg, &["status", "--format", "json", "--cites", &asked]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let found: Vec<serde_json::Value> = serde_json::from_str(&stdout(&o)).unwrap();
    let mut found: Vec<String> = found
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    let mut ids = ids.clone();
    ids.sort();
    ids.dedup();
    assert_eq!(found, ids, "--cites {asked:?}");
    // A document nobody cites: nothing, and the text listing says why on stderr.
    let o = smout(&reg, &["status", "--cites", "DHS/NOBODY-999"]);
    assert!(o.status.success());
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    assert!(
        common::stderr(&o).contains("no record matches --cites DHS/NOBODY-999"),
        "{}",
        common::stderr(&o)
    );
}
