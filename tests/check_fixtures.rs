//! Every invalid fixture produces exactly the codes it declares; every valid record passes.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use smout::check::{check_targets, CheckOptions, Target};
use smout::register::Register;

fn opts() -> CheckOptions {
    CheckOptions {
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        warn_pii: false,
    }
}

fn codes_of(reg: &Register, id: &str) -> BTreeSet<String> {
    let report = check_targets(reg, &[Target::record(reg, id)], &opts());
    report.records[0]
        .findings
        .iter()
        .map(|f| f.code.clone())
        .collect()
}

#[test]
fn each_invalid_fixture_reports_exactly_its_codes() {
    let tmp = common::register();
    let extra: BTreeMap<String, Vec<String>> = toml::from_str(
        &std::fs::read_to_string(common::fixtures().join("expected-codes.toml")).unwrap(),
    )
    .unwrap();
    let mut expected = BTreeMap::new();
    for entry in std::fs::read_dir(common::fixtures().join("invalid")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let codes: BTreeSet<String> = match extra.get(&name) {
            Some(c) => c.iter().cloned().collect(),
            None => {
                let first = String::from_utf8_lossy(&bytes)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let list = first
                    .strip_prefix("# expect:")
                    .unwrap_or_else(|| panic!("{name}: no `# expect:` line"));
                list.split_whitespace().map(String::from).collect()
            }
        };
        common::add_record(tmp.path(), &name, &bytes);
        expected.insert(name, codes);
    }
    assert!(
        expected.len() >= 30,
        "only {} invalid fixtures",
        expected.len()
    );
    let reg = Register::open(tmp.path()).unwrap();
    let mut wrong = Vec::new();
    for (name, want) in &expected {
        let got = codes_of(&reg, name);
        if &got != want {
            wrong.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn valid_fixtures_pass_without_findings() {
    let tmp = common::register();
    let mut ids = Vec::new();
    for entry in std::fs::read_dir(common::fixtures().join("valid")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        common::add_record(tmp.path(), &name, &std::fs::read(&path).unwrap());
        ids.push(name);
    }
    let reg = Register::open(tmp.path()).unwrap();
    for id in ids {
        let report = check_targets(&reg, &[Target::record(&reg, &id)], &opts());
        let f = &report.records[0].findings;
        assert!(f.is_empty(), "{id}: {f:#?}");
    }
}

#[test]
fn example_register_passes_except_its_draft() {
    let reg = Register::open(&common::example_register()).unwrap();
    let ids = reg.record_ids().unwrap();
    let targets: Vec<Target> = ids.iter().map(|id| Target::record(&reg, id)).collect();
    let report = check_targets(&reg, &targets, &opts());
    for rec in &report.records {
        if rec.id.contains("draft") {
            assert!(rec.errors() > 0, "the example draft should show findings");
        } else {
            // Only the FLD transcription warns: it keeps its filing's citation of the AFI SORN.
            let codes: Vec<&str> = rec.findings.iter().map(|f| f.code.as_str()).collect();
            let expected: &[&str] = if rec.id == "cbp-fld" { &["SM023"] } else { &[] };
            assert_eq!(codes, expected, "{}: {:#?}", rec.id, rec.findings);
        }
    }
    assert!(ids.iter().any(|i| i == "cbp-fld"));
}

#[test]
fn a_folder_where_the_record_file_should_be_is_one_finding() {
    let tmp = common::register();
    std::fs::create_dir_all(tmp.path().join("records/x/record.toml")).unwrap();
    let reg = Register::open(tmp.path()).unwrap();
    let report = check_targets(&reg, &[Target::record(&reg, "x")], &opts());
    let f = &report.records[0].findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].code, "SM017");
    assert!(f[0].message.contains("folder"), "{}", f[0].message);
}

#[test]
fn a_50_mb_record_is_refused_unread() {
    let tmp = common::register();
    let big = "# padding\n".repeat(5_000_000);
    common::add_record(tmp.path(), "big", big.as_bytes());
    let reg = Register::open(tmp.path()).unwrap();
    let report = check_targets(&reg, &[Target::record(&reg, "big")], &opts());
    let f = &report.records[0].findings;
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].code, "SM017");
    assert!(f[0].message.contains("50.0 MB"), "{}", f[0].message);
}

#[test]
fn all_findings_of_all_records_come_in_one_run() {
    let tmp = common::register();
    let dir = common::fixtures().join("invalid");
    for name in [
        "misspelled-key",
        "launch-date-in-future",
        "markup-never-closed",
    ] {
        let text = std::fs::read(dir.join(format!("{name}.toml"))).unwrap();
        common::add_record(tmp.path(), name, &text);
    }
    let reg = Register::open(tmp.path()).unwrap();
    let targets: Vec<Target> = reg
        .record_ids()
        .unwrap()
        .iter()
        .map(|id| Target::record(&reg, id))
        .collect();
    let report = check_targets(&reg, &targets, &opts());
    assert_eq!(report.records.len(), 3);
    assert_eq!(report.errors, 4, "{:#?}", report.records);
}

/// The whole text a drafter reads for each invalid fixture — message, caret, hint — as a
/// snapshot, so wording and positions cannot regress unseen.
#[test]
fn the_findings_of_every_invalid_fixture_read_as_snapshotted() {
    let tmp = common::register();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(common::fixtures().join("invalid")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        common::add_record(tmp.path(), &name, &std::fs::read(&path).unwrap());
        names.push(name);
    }
    names.sort();
    let reg = Register::open(tmp.path()).unwrap();
    for name in names {
        let report = check_targets(&reg, &[Target::record(&reg, &name)], &opts());
        let text: String = report.records[0]
            .findings
            .iter()
            .map(|f| f.render_text(false) + "\n")
            .collect();
        insta::assert_snapshot!(format!("findings_{name}"), text);
    }
}
