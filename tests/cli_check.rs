//! End-to-end: what a user sees from `smout check`, `init`, `new`, `schema`, `forms` — stdout,
//! stderr and exit code.

mod common;

use common::{add_record, smout, stderr, stdout};

fn fixture(kind: &str, name: &str) -> Vec<u8> {
    std::fs::read(common::fixtures().join(kind).join(format!("{name}.toml"))).unwrap()
}

#[test]
fn clean_register_exits_zero_with_a_summary() {
    let reg = common::register();
    add_record(reg.path(), "ok", &fixture("valid", "minimal"));
    let o = smout(reg.path(), &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "checked 1 record: 0 errors, 0 warnings\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn findings_show_file_line_column_caret_and_hint() {
    let reg = common::register();
    add_record(
        reg.path(),
        "typo",
        &fixture("invalid", "unknown-top-level-key"),
    );
    let o = smout(reg.path(), &["check", "typo"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let expected = "\
error[SM002]: unknown key `titel` at the top of the record
 --> records/typo/record.toml:5:1
  |
5 | titel = \"typo\"
  | ^^^^^
  = hint: did you mean `title`?
";
    assert!(out.starts_with(expected), "{out}");
    assert!(
        out.ends_with("checked 1 record: 1 error, 0 warnings\n"),
        "{out}"
    );
}

#[test]
fn json_output_lists_codes_and_positions() {
    let reg = common::register();
    add_record(
        reg.path(),
        "future",
        &fixture("invalid", "launch-date-in-future"),
    );
    add_record(reg.path(), "ok", &fixture("valid", "minimal"));
    let o = smout(reg.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let f = &v["records"][0]["findings"][0];
    assert_eq!(v["records"][0]["id"], "future");
    assert_eq!(f["code"], "SM009");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["field"], "use.launched");
    assert_eq!(f["file"], "records/future/record.toml");
    assert!(f["line"].as_u64().unwrap() > 1);
    assert!(f["hint"].as_str().unwrap().contains("2026-11-22"));
    assert_eq!(v["records"][1]["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_path_can_be_checked_as_well_as_an_id() {
    let reg = common::register();
    add_record(
        reg.path(),
        "bad",
        &fixture("invalid", "syntax-error-unclosed-string"),
    );
    let o = smout(reg.path(), &["check", "records/bad/record.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("error[SM001]: TOML syntax"), "{out}");
    assert!(out.contains("--> records/bad/record.toml:8:"), "{out}");
}

#[test]
fn unknown_record_is_a_usage_error_with_a_hint() {
    let reg = common::register();
    let o = smout(reg.path(), &["check", "nosuch"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "error: no record `nosuch` in this register\nhint: `smout status` lists the records of the register\n"
    );
}

#[test]
fn no_register_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = smout(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no smout register found"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("hint: run `smout init`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn record_ids_that_are_paths_or_have_spaces_are_refused() {
    let reg = common::register();
    for id in ["../escape", "/etc/x", "has space", "Upper"] {
        let o = smout(
            reg.path(),
            &["new", id, "--form", "dhs-smout", "--no-commit"],
        );
        assert_eq!(o.status.code(), Some(2), "{id}");
        assert!(
            stderr(&o).contains("is not a record id"),
            "{id}: {}",
            stderr(&o)
        );
    }
    assert!(!reg.path().join("escape").exists());
    assert_eq!(
        std::fs::read_dir(reg.path().join("records"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn init_then_new_commits_a_skeleton_that_check_explains() {
    let dir = tempfile::tempdir().unwrap();
    let o = smout(
        dir.path(),
        &["init", "reg", "--name", "CBP SMOUT register", "--unsigned"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let reg = dir.path().join("reg");
    let o = smout(
        &reg,
        &[
            "new",
            "cbp-fld",
            "--form",
            "dhs-smout",
            "--title",
            "FLD research",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(reg.join("records/cbp-fld/record.toml")).unwrap();
    // Every question stands as a comment with its printed wording.
    for wording in [
        "# Name of Component",
        "Is this use of social media in development or operational?",
        "Use only government-issued equipment when engaging in the operational use of social media;",
        "Mechanisms are (or will be) in place to verify that users have completed training.",
    ] {
        assert!(text.contains(wording), "skeleton lacks {wording:?}");
    }
    assert!(text.contains("title = \"FLD research\""));
    // Its `#:schema` line names a schema that is there, committed with the first record.
    assert!(
        text.starts_with("#:schema ../../schemas/dhs-smout.json\n"),
        "{text}"
    );
    let schema: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reg.join("schemas/dhs-smout.json")).unwrap())
            .unwrap();
    assert!(
        schema["properties"]["rules_of_behavior"].is_object(),
        "{schema:#}"
    );
    assert_eq!(common::git(&reg, &["status", "--porcelain"]), "");
    let repo = git2::Repository::open(&reg).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.message().unwrap(), "new cbp-fld: start a SMOUT record");
    assert_eq!(head.author().email().unwrap(), "drafter@example.gov");
    assert_eq!(head.parent_count(), 1);
    // The skeleton is valid TOML whose findings are missing answers, not syntax errors.
    let o = smout(&reg, &["check", "cbp-fld", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.iter().all(|c| *c == "SM005"), "{codes:?}");
    assert!(codes.len() >= 10);
    // A second `new` with the same id is refused and changes nothing.
    let o = smout(&reg, &["new", "cbp-fld", "--form", "dhs-smout"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exists already"));
}

#[test]
fn new_refuses_without_a_git_identity_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let o = smout(dir.path(), &["init", "--no-commit", "--unsigned"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = common::smout_without_identity(dir.path(), &["new", "x", "--form", "dhs-smout"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("git config --global user.email"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("records/x").exists());
}

#[test]
fn schema_describes_every_question_for_editors() {
    let dir = tempfile::tempdir().unwrap();
    let o = smout(dir.path(), &["schema", "dhs-smout"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let cat = &v["properties"]["use"]["properties"]["category"];
    assert!(cat["enum"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "criminal-investigations"));
    assert!(cat["description"]
        .as_str()
        .unwrap()
        .contains("Describe the category of use"));
    let eq = &v["properties"]["rules_of_behavior"]["properties"]["equipment"];
    assert_eq!(eq["properties"]["complies"]["type"], "boolean");
    assert_eq!(
        v["properties"]["summary"]["properties"]["date_submitted"]["format"],
        "date"
    );
    assert_eq!(v["additionalProperties"], false);
    let o = smout(dir.path(), &["schema", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no form `nope`"));
}

#[test]
fn forms_and_completions_work_outside_a_register() {
    let dir = tempfile::tempdir().unwrap();
    let o = smout(dir.path(), &["forms"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("dhs-smout") && stdout(&o).contains("cbp-pii-disclosure"),
        "{}",
        stdout(&o)
    );
    let o = smout(dir.path(), &["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("smout"));
}

#[test]
fn register_forms_folder_adds_forms() {
    let reg = common::register();
    std::fs::create_dir_all(reg.path().join("forms")).unwrap();
    let form = include_str!("../forms/dhs-smout.toml")
        .replace("id = \"dhs-smout\"", "id = \"local-smout\"");
    std::fs::write(reg.path().join("forms/local.toml"), form).unwrap();
    let o = smout(reg.path(), &["forms", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"local-smout") && ids.contains(&"dhs-smout"),
        "{ids:?}"
    );
}

/// The id grammars are the DHS lists' own, tested on real ids.
#[test]
fn real_pia_sorn_and_federal_register_ids_are_accepted() {
    let set = smout::form::FormSet::builtin().unwrap();
    let smout = set.get("dhs-smout").unwrap();
    let f = |p: &str| smout.field(p).unwrap();
    for id in [
        "DHS/CBP/PIA-010(a)",
        "DHS/S&T/PIA-012",
        "DHS/ALL/PIA-036",
        "DHS/USCIS/PIA-013-01(b)",
        "DHS/OPS/PIA-004(f)",
    ] {
        assert!(f("summary.pia[].id").matches_pattern(id), "{id}");
    }
    for id in [
        "DHS/CBP-017",
        "DHS/USCIS/ICE/CBP-001",
        "DHS/ALL-004",
        "OPM/GOVT-1",
        "GSA/GOVT-7",
        "DHS/ICE-009",
    ] {
        assert!(f("summary.sorn[].id").matches_pattern(id), "{id}");
    }
    for c in ["75 FR 404", "77 FR 33753", "77 FR 13813", "88 FR 101234"] {
        assert!(f("summary.sorn[].citation").matches_pattern(c), "{c}");
    }
    for bad in [
        "CBP/PIA-010",
        "DHS/CBP/PIA-10",
        "DHS-CBP-017",
        "DHS/CBP-17",
        "77FR13813",
    ] {
        assert!(
            !f("summary.pia[].id").matches_pattern(bad)
                && !f("summary.sorn[].id").matches_pattern(bad)
                && !f("summary.sorn[].citation").matches_pattern(bad),
            "{bad}"
        );
    }
}

/// Every markup error of a string is reported, each pointing at its own `[[`.
#[test]
fn every_markup_error_in_a_string_is_reported_where_it_is() {
    let reg = common::register();
    let text = String::from_utf8(fixture("valid", "minimal"))
        .unwrap()
        .replace(
            "description = \"Open-source research.\"",
            "description = \"Met [[bx: Jane]] and [[John]] at the port.\"",
        );
    add_record(reg.path(), "x", text.as_bytes());
    let o = smout(reg.path(), &["check", "x", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = v["records"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let line = text
        .lines()
        .position(|l| l.starts_with("description"))
        .unwrap() as u64
        + 1;
    let col = |needle: &str| {
        text.lines()
            .nth(line as usize - 1)
            .unwrap()
            .find(needle)
            .unwrap() as u64
            + 1
    };
    assert_eq!(
        found,
        [
            ("SM012".to_string(), line, col("[[bx")),
            ("SM012".to_string(), line, col("[[John")),
        ]
    );
}

/// A record named by its path is checked in its own register wherever smout runs; a record
/// file in no register is checked on its own, with the built-in forms.
#[test]
fn a_record_path_is_checked_from_outside_its_register_or_any_register() {
    let reg = common::register();
    add_record(
        reg.path(),
        "bad",
        &fixture("invalid", "unknown-top-level-key"),
    );
    let elsewhere = tempfile::tempdir().unwrap();
    let file = reg.path().join("records/bad/record.toml");
    let o = smout(elsewhere.path(), &["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("--> records/bad/record.toml:"),
        "{}",
        stdout(&o)
    );
    // The folder works as well as the file.
    let o = smout(
        elsewhere.path(),
        &["check", reg.path().join("records/bad").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));

    // In no register: a valid record with its attachment beside it passes; a broken one is
    // reported against its own file name.
    std::fs::write(
        elsewhere.path().join("draft.toml"),
        fixture("valid", "minimal"),
    )
    .unwrap();
    std::fs::write(elsewhere.path().join("rules-of-behavior.txt"), "Rules.\n").unwrap();
    let o = smout(elsewhere.path(), &["check", "draft.toml"]);
    assert_eq!((o.status.code(), stderr(&o)), (Some(0), String::new()));
    assert_eq!(stdout(&o), "checked 1 record: 0 errors, 0 warnings\n");
    std::fs::write(
        elsewhere.path().join("typo.toml"),
        fixture("invalid", "unknown-top-level-key"),
    )
    .unwrap();
    let o = smout(elsewhere.path(), &["check", "./typo.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("--> typo.toml:"), "{}", stdout(&o));
}

/// A transcription says what its source does not show: an answer the source withheld is left
/// unanswered (and required of nobody), an inferred one is marked in every rendering.
#[test]
fn provenance_marks_inferred_and_withheld_answers() {
    let reg = common::register();
    let text = String::from_utf8(fixture("valid", "minimal"))
        .unwrap()
        .replace("accounts = { complies = true }\n", "")
        + "\n[provenance]\n\"rules_of_behavior.accounts\" = \"withheld-in-source\"\n\"use.category\" = \"inferred\"\n";
    let dir = add_record(reg.path(), "x", text.as_bytes());
    std::fs::write(dir.join("rules-of-behavior.txt"), "Rules.\n").unwrap();
    let o = smout(reg.path(), &["check", "x"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for format in ["md", "html"] {
        for release in [false, true] {
            let mut args = vec!["render", "x", "--format", format, "-o", "-"];
            if release {
                args.push("--release");
            }
            let o = smout(reg.path(), &args);
            let out = stdout(&o);
            // A rule the source withheld keeps its heading, as the released filing does.
            assert!(
                out.contains("Email and accounts."),
                "{format} {release}: {out}"
            );
            assert!(
                out.contains("Withheld in the source filing."),
                "{format} {release}"
            );
            // Inferred answers are listed once, on smout's own page after the form's.
            let kept = out
                .split("Kept by smout — not part of the form")
                .nth(1)
                .unwrap_or_default();
            assert_eq!(
                out.matches(
                    "Inferred by the transcriber: the source filing does not show these answers."
                )
                .count(),
                1,
                "{format} {release}: {out}"
            );
            assert!(
                kept.contains("Inferred by the transcriber") && kept.contains("Category of use"),
                "{format} {release}: {kept}"
            );
        }
    }
    // An unknown kind or field is refused with what to write instead.
    let bad = text
        .replace("= \"inferred\"", "= \"guessed\"")
        .replace("\"use.category\"", "\"use.categroy\"");
    std::fs::write(dir.join("record.toml"), bad).unwrap();
    let o = smout(reg.path(), &["check", "x", "--format", "json"]);
    assert_eq!(
        common::findings(&o, &["code", "hint"]),
        [["SM022", "did you mean \"use.category\"?"]]
    );
}

/// A citation the register's catalog knows otherwise is a warning: the FLD filing cites the AFI
/// SORN by its FR document number (77 FR 13813); the notice is at 77 FR 33753.
#[test]
fn a_citation_the_catalog_knows_otherwise_is_a_warning() {
    let o = smout(
        &common::example_register(),
        &["check", "cbp-fld", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["records"][0]["findings"][0];
    assert_eq!(f["code"], "SM023");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["message"],
        "SORN cites DHS/CBP-017 as 77 FR 13813; the register's catalog has 77 FR 33753"
    );
    assert_eq!(v["records"][0]["findings"].as_array().unwrap().len(), 1);
}

/// Findings where forges read them: SARIF 2.1.0 and GitLab Code Quality carry the same findings
/// as `--format json` — code, severity, file, line, column, message with its hint.
#[test]
fn check_speaks_sarif_and_gitlab_code_quality() {
    let reg = common::example_register();
    let o = smout(&reg, &["check", "--format", "json"]);
    let plain = common::findings(&o, &["code", "severity", "file", "message"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines: Vec<(u64, u64)> = v["records"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap().clone())
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert!(plain.len() > 2, "the example draft has findings");

    let o = smout(&reg, &["check", "--format", "sarif"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the exit code is the same whatever the format"
    );
    let sarif: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(
        run["columnKind"], "unicodeCodePoints",
        "columns count characters"
    );
    assert_eq!(run["tool"]["driver"]["name"], "smout");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), plain.len());
    for ((r, p), (line, col)) in results.iter().zip(&plain).zip(&lines) {
        assert_eq!(r["ruleId"], p[0].as_str());
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize], p[0]);
        assert_eq!(r["level"], p[1].as_str());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], p[2].as_str());
        assert_eq!(
            (
                loc["region"]["startLine"].as_u64().unwrap(),
                loc["region"]["startColumn"].as_u64().unwrap()
            ),
            (*line, *col)
        );
        assert!(
            loc["region"]["endColumn"].as_u64().unwrap() > *col,
            "the region spans what the text output underlines"
        );
        assert!(r["message"]["text"].as_str().unwrap().starts_with(&p[3]));
    }
    assert!(run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| !r["shortDescription"]["text"].as_str().unwrap().is_empty()));

    let o = smout(&reg, &["check", "--format", "gitlab"]);
    let gl: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let issues = gl.as_array().unwrap();
    assert_eq!(issues.len(), plain.len());
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort();
    prints.dedup();
    assert_eq!(prints.len(), issues.len(), "fingerprints are unique");
    for ((i, p), (line, _)) in issues.iter().zip(&plain).zip(&lines) {
        assert_eq!(i["check_name"], p[0].as_str());
        assert_eq!(
            i["severity"],
            if p[1] == "error" { "major" } else { "minor" }
        );
        assert_eq!(i["location"]["path"], p[2].as_str());
        assert_eq!(i["location"]["lines"]["begin"].as_u64().unwrap(), *line);
    }
    // The same findings give the same fingerprints on the next run.
    let again = smout(&reg, &["check", "--format", "gitlab"]);
    assert_eq!(again.stdout, o.stdout);
}

/// `smout check` run again takes unchanged records from `.git/smout/check-v1`. Whatever a
/// finding depends on — the record's bytes, its attachments, the catalog, today — changed
/// behind the cache's back is seen; a damaged cache is only slower.
#[test]
fn check_run_again_sees_every_change_behind_its_cache() {
    let reg = common::git_register("rec");
    let dir = reg.path();
    let bad = fixture("invalid", "unknown-top-level-key");
    add_record(dir, "other", &bad);
    common::edit(dir, "rec", "launched = 2020-03-01", "launched = 2026-06-01");
    // Files changed within the last second are not kept (an edit within the clock's
    // resolution would not show in their stamps).
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let run = |args: &[&str]| {
        let text = smout(dir, args);
        let json = smout(dir, &[args, &["--format", "json"]].concat());
        (stdout(&text), stdout(&json), text.status.code())
    };
    let cache = dir.join(".git/smout/check-v1");
    let first = run(&["check"]);
    assert!(first.0.contains("SM002"), "{}", first.0);
    assert!(cache.exists(), "the first run keeps what it found");

    // Taken from the cache: word for word what a fresh check says, carets included.
    assert_eq!(run(&["check"]), first);
    let kept = std::fs::read_to_string(&cache).unwrap();
    assert!(kept.contains("unknown key"), "{kept}");
    std::fs::write(&cache, kept.replace("unknown key", "UNKNOWN KEY")).unwrap();
    assert!(
        run(&["check"]).0.contains("UNKNOWN KEY"),
        "the second run reads its findings from the cache"
    );
    std::fs::write(&cache, "damaged").unwrap();
    assert_eq!(run(&["check"]), first, "a damaged cache is computed again");

    // The attachment removed, then a link in its place: the record file is unchanged.
    let rob = dir.join("records/rec/rules-of-behavior.txt");
    std::fs::remove_file(&rob).unwrap();
    let gone = run(&["check"]);
    assert!(gone.0.contains("SM011"), "{}", gone.0);
    std::os::unix::fs::symlink("/etc/hostname", &rob).unwrap();
    assert!(run(&["check"]).0.contains("SM011"));
    std::fs::remove_file(&rob).unwrap();
    std::fs::write(&rob, "Rules of Behavior\n").unwrap();
    assert_eq!(run(&["check"]), first);

    // The record edited in place, same length, its modification time put back.
    let file = dir.join("records/rec/record.toml");
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    common::edit(dir, "rec", "launched = 2026-06-01", "launched = 2027-06-01");
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let edited = run(&["check"]);
    assert!(edited.0.contains("SM009"), "{}", edited.0);
    common::edit(dir, "rec", "launched = 2027-06-01", "launched = 2026-06-01");

    // Another day: the launch date is in the future again.
    let day = |d: &str| {
        let o = common::smout_with(dir, "drafter@example.gov", d, &["check"], &[]);
        stdout(&o)
    };
    assert!(day("2026-01-01").contains("SM009"));
    // The catalog no longer knows the record's PIA.
    let catalog = dir.join("catalog.toml");
    let known = std::fs::read_to_string(&catalog).unwrap();
    std::fs::write(&catalog, known.replace("PIA-010(a)", "PIA-011")).unwrap();
    assert!(run(&["check"]).0.contains("SM018"));
    std::fs::write(&catalog, known).unwrap();
    assert_eq!(run(&["check"]), first);
}
