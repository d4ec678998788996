//! The JSON Schema `smout schema <form>` writes agrees with `check`: every example record
//! `check` passes without errors validates against its form's schema with an independent
//! validator (python-jsonschema, records read as taplo reads them: dates as strings), and an
//! answer `check` requires the schema requires too — unless `[provenance]` says the source
//! withheld it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{smout, stdout};

/// Validates each record (argv[2:]) against the schema of its form (argv[1] is the folder
/// holding `<form>.json`); prints each record's path, its number of errors, and each error.
const VALIDATE: &str = r#"
import datetime, json, sys, tomllib
import jsonschema

def as_taplo(v):
    if isinstance(v, dict):
        return {k: as_taplo(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_taplo(x) for x in v]
    if isinstance(v, (datetime.date, datetime.datetime, datetime.time)):
        return v.isoformat()
    return v

schemas = sys.argv[1]
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        record = as_taplo(tomllib.load(f))
    with open(f"{schemas}/{record['form']}.json") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(v.iter_errors(record), key=lambda e: list(e.absolute_path))
    print(f"{path}: {len(errors)} errors")
    for e in errors:
        print(f"  {'.'.join(map(str, e.absolute_path))}: {e.message}")
"#;

/// Whether python3 with the jsonschema module is here; like [`common::have`], a missing one
/// fails under CI and is skipped loudly elsewhere.
fn have_jsonschema() -> bool {
    let install = "pip3 install jsonschema";
    if !common::have("python3", install) {
        return false;
    }
    let found = Command::new("python3")
        .args(["-c", "import jsonschema, tomllib"])
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let what = format!(
        "python3 lacks the module `jsonschema` (or is older than 3.11, without tomllib), so this test checked nothing: {install} (or run `.ci/run`, which installs every checker)"
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("{what}");
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "\nSKIPPED: {what}\n");
    false
}

/// The schema of every form, as `smout schema` writes it, in `dir`.
fn schemas(reg: &Path, dir: &Path) {
    for form in ["dhs-smout", "cbp-pii-disclosure"] {
        let o = smout(reg, &["schema", form]);
        assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
        std::fs::write(dir.join(format!("{form}.json")), &o.stdout).unwrap();
    }
}

/// What python-jsonschema says of `records`.
fn validate(schemas: &Path, records: &[PathBuf]) -> String {
    let o = Command::new("python3")
        .args(["-c", VALIDATE, schemas.to_str().unwrap()])
        .args(records)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    stdout(&o)
}

/// The ids of the records `check` finds no error in, of the register at `reg`.
fn clean_records(reg: &Path) -> Vec<String> {
    let o = smout(reg, &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            !r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["severity"] == "error")
        })
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_example_record_check_passes_validates_against_its_forms_schema() {
    if !have_jsonschema() {
        return;
    }
    let reg = common::example_register();
    let ids = clean_records(&reg);
    for flagship in ["cbp-fld", "opa-media-vawa", "opa-seizure-release"] {
        assert!(ids.iter().any(|i| i == flagship), "{ids:?}");
    }
    let tmp = tempfile::tempdir().unwrap();
    schemas(&reg, tmp.path());
    let records: Vec<PathBuf> = ids
        .iter()
        .map(|id| reg.join("records").join(id).join("record.toml"))
        .collect();
    let said = validate(tmp.path(), &records);
    let want: String = records
        .iter()
        .map(|p| format!("{}: 0 errors\n", p.display()))
        .collect();
    assert_eq!(said, want);
}

/// `from` copied into `to`, folders and files.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_schema_requires_what_check_requires_unless_the_source_withheld_it() {
    if !have_jsonschema() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = tmp.path().join("register");
    copy_dir(&common::example_register(), &reg);
    schemas(&reg, tmp.path());
    let fld = reg.join("records/cbp-fld");
    let text = std::fs::read_to_string(fld.join("record.toml")).unwrap();
    let marked = "\"rules_of_behavior.accounts\" = { withheld-in-source = [\"b7E\"] }\n";
    assert!(text.contains(marked));
    let cases = [
        // The source withheld 5(b) under (b) (7)(E): the record leaves it out; check and the
        // schema accept it.
        ("as-filed", text.clone()),
        // A register written before provenance named the exemptions reads as it did.
        (
            "plain-form",
            text.replace(
                marked,
                "\"rules_of_behavior.accounts\" = \"withheld-in-source\"\n",
            ),
        ),
        // An exemption FOIA does not have is refused by both.
        (
            "bad-exemption",
            text.replace(
                marked,
                "\"rules_of_behavior.accounts\" = { withheld-in-source = [\"b77\"] }\n",
            ),
        ),
        // Without the provenance line, 5(b) is a missing answer to both.
        ("unmarked", text.replace(marked, "")),
        // The whole page withheld in the source: none of its answers is required.
        (
            "page-withheld",
            text.replace(
                marked,
                &format!("{marked}\"rules_of_behavior\" = \"withheld-in-source\"\n"),
            )
            .replace("equipment = { complies = true }\n", ""),
        ),
        // A contact's title is required in every item of the list.
        (
            "no-title",
            text.replacen("title = \"International Trade Specialist\"\n", "", 1),
        ),
    ];
    let mut records = Vec::new();
    let mut said = String::new();
    for (name, text) in &cases {
        let dir = reg.join("records").join(name);
        copy_dir(&fld, &dir);
        std::fs::write(dir.join("record.toml"), text).unwrap();
        records.push(dir.join("record.toml"));
        let o = smout(&reg, &["check", name, "--format", "json"]);
        let errors: Vec<String> = common::findings(&o, &["severity", "code", "field"])
            .into_iter()
            .filter(|f| f[0] == "error")
            .map(|f| format!("{} {}", f[1], f[2]))
            .collect();
        said += &format!("check {name}: {errors:?}\n");
    }
    said += &validate(tmp.path(), &records).replace(&format!("{}/", reg.display()), "");
    insta::assert_snapshot!(said);
}
