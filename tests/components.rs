//! Components as data: a register that lists its components in `smout.toml`
//! (`[[components]]`) refuses a component it does not list — a typo would otherwise make a new
//! component in the report — and reports a component by name however a record spells it.

mod common;

use common::{add_record, fixtures, git, register, smout, stdout};

const COMPONENTS: &str = r#"
[[components]]
name = "U.S. Customs and Border Protection"
abbreviation = "CBP"
privacy_officer = "cbp.privacy@example.gov"

[[components]]
name = "Transportation Security Administration"
abbreviation = "TSA"
"#;

/// A register listing the components, with the minimal record as `x` (component `component`).
fn with_components(component: &str) -> tempfile::TempDir {
    let reg = register();
    let settings = reg.path().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{text}{COMPONENTS}")).unwrap();
    let record = std::fs::read_to_string(fixtures().join("valid/minimal.toml")).unwrap();
    let record = record.replace(
        "component = \"U.S. Customs and Border Protection\"",
        &format!("component = \"{component}\""),
    );
    add_record(reg.path(), "x", record.as_bytes());
    git(reg.path(), &["init", "-q", "-b", "main"]);
    git(reg.path(), &["add", "-A"]);
    git(reg.path(), &["commit", "-q", "-m", "register"]);
    reg
}

#[test]
fn a_component_the_register_does_not_list_is_refused_with_the_closest_one() {
    let reg = with_components("U.S. Customs and Boarder Protection");
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.contains("SM025"), "{out}");
    assert!(
        out.contains(
            "\"U.S. Customs and Boarder Protection\" is not one of the register's components"
        ),
        "{out}"
    );
    assert!(
        out.contains("did you mean \"U.S. Customs and Border Protection\"?"),
        "{out}"
    );
    // Fixed in smout.toml instead (the component added): the cached check sees the change.
    let settings = reg.path().join("smout.toml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!("{text}\n[[components]]\nname = \"U.S. Customs and Boarder Protection\"\n"),
    )
    .unwrap();
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_component_given_by_its_abbreviation_is_that_component_in_the_report() {
    let reg = with_components("cbp");
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&smout(reg.path(), &["report", "--format", "json"]))).unwrap();
    let names: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["U.S. Customs and Border Protection"]);
}

#[test]
fn a_register_that_lists_no_components_takes_any() {
    let reg = register();
    let record = std::fs::read_to_string(fixtures().join("valid/minimal.toml"))
        .unwrap()
        .replace(
            "U.S. Customs and Border Protection",
            "Some Office Nobody Listed",
        );
    add_record(reg.path(), "x", record.as_bytes());
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}
