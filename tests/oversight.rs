//! What a Privacy Office asks first — what waits on whom, since when, and how long
//! determinations take — answered from history: `status --open` and the report's turnaround.

mod common;

use common::{example_history, smout, stdout};

fn json(reg: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let o = smout(reg, args);
    assert!(o.status.success(), "{args:?}: {}", common::stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

#[test]
fn open_records_say_whom_they_wait_on_since_when_longest_first() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let all = json(&reg, &["status", "--format", "json"]);
    let open = json(&reg, &["status", "--open", "--format", "json"]);
    let open = open.as_array().unwrap();
    // Exactly the records waiting on someone, each as its status says.
    let waiting: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            matches!(
                r["status"].as_str(),
                Some("submitted" | "appealed" | "not-yet-met" | "not-authorized")
            )
        })
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(open.len(), waiting.len(), "{open:#?}");
    let mut last = i64::MAX;
    for r in open {
        let w = &r["waiting"];
        let on = w["on"].as_str().unwrap();
        let expected = match r["status"].as_str().unwrap() {
            "submitted" | "appealed" => "privacy-office",
            _ => "program",
        };
        assert_eq!(on, expected, "{r:#}");
        let days = w["days"].as_i64().unwrap();
        let since =
            chrono::NaiveDate::parse_from_str(w["since"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(days, (today - since).num_days(), "{r:#}");
        assert!(days <= last, "not longest first: {open:#?}");
        last = days;
    }
    // For people: each waiting record with whom, since when, and what the decision asks.
    let o = smout(&reg, &["status", "--open"]);
    let text = stdout(&o);
    for r in open {
        let id = r["id"].as_str().unwrap();
        let since = r["waiting"]["since"].as_str().unwrap();
        assert!(
            text.contains(&format!("{id}: ")) && text.contains(&format!("since {since}")),
            "{text}"
        );
    }
    assert!(text.contains("waiting on the program since"), "{text}");
    assert!(
        text.contains("waiting on the Privacy Office since"),
        "{text}"
    );
}

#[test]
fn the_report_says_how_long_determinations_take_per_component() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let report = json(&reg, &["report", "--format", "json"]);
    let t = report["turnaround"].as_array().unwrap();
    assert!(t.len() > 2, "{t:#?}");
    let all = t.last().unwrap();
    assert_eq!(all["name"], "All components");
    let per: u64 = t[..t.len() - 1]
        .iter()
        .map(|c| c["determinations"].as_u64().unwrap())
        .sum();
    assert_eq!(all["determinations"].as_u64().unwrap(), per);
    for c in t {
        let (median, p90) = (
            c["median_days"].as_f64().unwrap(),
            c["p90_days"].as_f64().unwrap(),
        );
        assert!(0.0 <= median && median <= p90, "{c:#}");
    }
    // Every format shows it.
    let md = stdout(&smout(&reg, &["report"]));
    assert!(
        md.contains("## Turnaround: days from a submission to its determination"),
        "{md}"
    );
    assert!(md.contains("| All components |"), "{md}");
}

#[test]
fn a_superseded_document_flags_every_use_in_force_that_cites_it_for_review() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = example_history(tmp.path());
    let catalog = reg.join("catalog.toml");
    let text = std::fs::read_to_string(&catalog).unwrap();
    let old = "id = \"DHS/CBP/PIA-010(a)\"\n";
    assert!(text.contains(old));
    std::fs::write(
        &catalog,
        text.replacen(
            old,
            &format!("{old}superseded_by = \"DHS/CBP/PIA-010(b)\"\n"),
            1,
        ),
    )
    .unwrap();
    let citing = json(
        &reg,
        &[
            "status",
            "--cites",
            "DHS/CBP/PIA-010(a)",
            "--format",
            "json",
        ],
    );
    let citing = citing.as_array().unwrap();
    assert!(!citing.is_empty());
    for r in citing {
        let in_force = matches!(
            r["status"].as_str(),
            Some("approved" | "due" | "changed" | "submitted")
        );
        let stale = r["stale_citations"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            stale,
            [serde_json::json!(
                "DHS/CBP/PIA-010(a) is superseded by DHS/CBP/PIA-010(b)"
            )],
            "{r:#}"
        );
        if in_force {
            assert!(
                r["next"]
                    .as_str()
                    .unwrap()
                    .starts_with("review: DHS/CBP/PIA-010(a) is superseded"),
                "{r:#}"
            );
        }
    }
    // Records that cite it not are left as they were.
    let all = json(&reg, &["status", "--format", "json"]);
    let untouched = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("stale_citations").is_none())
        .count();
    assert_eq!(untouched, all.as_array().unwrap().len() - citing.len());
}
