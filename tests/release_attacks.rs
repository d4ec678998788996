//! Attacks on the release copy: text a record marks `[[…]]` in one place is withheld wherever
//! the record, or its determinations, print it again — in the rendering of the record as it
//! stands and on the determination page of `log`, `status` and `report`.

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git_register, ok, smout_as, stdout};

const DRAFTER: &str = "drafter@example.gov";
const REVIEWER: &str = "privacy@example.gov";

fn run(dir: &Path, args: &[&str]) -> Output {
    ok(smout_as(dir, REVIEWER, "2024-03-02", args))
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in secrets {
        assert!(
            !folded.to_lowercase().contains(&s.to_lowercase()),
            "{what} leaks {s:?}:\n{text}"
        );
    }
}

/// A record that marks a name in its title and prints it again, unmarked, in its description
/// (in another case, across a line break) — `check --release` knows no name field that holds
/// it, so it is silent — and a determination whose comments, conditions and reviewer name the
/// people the record marks.
fn marked_once() -> tempfile::TempDir {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "title = \"Minimal valid record\"",
        "title = \"Research on [[b6: Carlos Mendez]]\"",
    );
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"\"\"Open-source research; CARLOS\nMENDEZ reviews each post.\"\"\"",
    );
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    ok(smout_as(
        dir,
        REVIEWER,
        "2024-02-01",
        &[
            "determine",
            "x",
            "--outcome",
            "not-yet-met",
            "--rules-do-not-comply",
            "Jane Roe keeps no log.",
            "--conditions",
            "Carlos Mendez trains the staff.",
            "--comments",
            "Ask jane roe for the schedule.",
        ],
    ));
    reg
}

const SECRETS: &[&str] = &["Carlos Mendez", "Jane Roe"];

#[test]
fn a_release_rendering_withholds_a_marked_text_wherever_the_record_prints_it() {
    let reg = marked_once();
    let dir = reg.path();
    let tmp = tempfile::tempdir().unwrap();
    for format in ["html", "md"] {
        let out = tmp.path().join(format!("x.{format}"));
        let args = ["render", "x", "--release", "--format", format, "-o"];
        let mut args = args.to_vec();
        args.push(out.to_str().unwrap());
        run(dir, &args);
        let text = std::fs::read_to_string(&out).unwrap();
        assert_clean(
            &format!("render --release --format {format}"),
            &text,
            SECRETS,
        );
    }
    let md = std::fs::read_to_string(tmp.path().join("x.md")).unwrap();
    assert!(
        md.contains("Open-source research; **[(b) (6)]** reviews each post."),
        "{md}"
    );
    // The internal copy prints them.
    let out = tmp.path().join("internal.md");
    run(
        dir,
        &["render", "x", "--format", "md", "-o", out.to_str().unwrap()],
    );
    let internal = std::fs::read_to_string(&out).unwrap();
    assert!(internal.contains("MENDEZ reviews"), "{internal}");
}

#[test]
fn a_release_determination_page_withholds_the_names_the_record_marks() {
    let reg = marked_once();
    let dir = reg.path();
    for args in [
        &["log", "x", "--release"][..],
        &["log", "x", "--release", "--format", "json"],
        &["status", "x", "--release"],
        &["status", "--release", "--format", "json"],
        &["report", "--release", "--format", "json"],
        &["report", "--release", "--format", "md"],
    ] {
        let text = stdout(&run(dir, args));
        assert_clean(&args.join(" "), &text, SECRETS);
    }
    let log = stdout(&run(dir, &["log", "x", "--release"]));
    assert!(
        log.contains("    Comments: Ask [(b) (6)] for the schedule.\n"),
        "{log}"
    );
    // Internally the determination is as recorded.
    let log = stdout(&run(dir, &["log", "x"]));
    assert!(log.contains("Ask jane roe for the schedule."), "{log}");
}

/// A name marked today is withheld from an older revision that spelt it without its accents,
/// with a soft hyphen or a zero-width space inside it (invisible on the page), and a value
/// `[release] redact` withholds whole — a contact's name — is withheld from the commit
/// message and the description that name it.
#[test]
fn a_withheld_text_is_withheld_whatever_its_accents_or_invisible_characters() {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Research by Lucia Fernandez, Ma\u{AD}ria Lopez and Ann\u{200B}a Berg; Zelda Quux reads.\"",
    );
    edit(
        dir,
        "x",
        "name = \"[[b6: Jane Roe]]\"",
        "name = \"Zelda Quux\"",
    );
    let p = dir.join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n[release]\nredact = { \"summary.contacts[].name\" = [\"b6\"] }\n");
    std::fs::write(&p, text).unwrap();
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    edit(
        dir,
        "x",
        "Research by Lucia Fernandez, Ma\u{AD}ria Lopez and Ann\u{200B}a Berg;",
        "Research by [[b6: Lucía Fernández]], [[b6: Maria Lopez]] and [[b6: Anna Berg]], weekly;",
    );
    edit(
        dir,
        "x",
        "title = \"Analyst\"",
        "title = \"Senior Analyst\"",
    );
    common::git(
        dir,
        &["commit", "-qam", "Zelda Quux is a senior analyst now"],
    );
    ok(smout_as(dir, DRAFTER, "2024-02-10", &["submit", "x"]));
    let secrets = [
        "Lucia",
        "Fernandez",
        "Ma\u{AD}ria",
        "Lopez",
        "Ann\u{200B}a",
        "Berg",
        "Zelda",
    ];
    for args in [
        &["diff", "x", "submission/1", "submission/2", "--release"][..],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--format",
            "md",
        ],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--release",
            "--format",
            "json",
        ],
        &["log", "x", "--release"],
        &["log", "x", "--release", "--format", "json"],
    ] {
        let text = stdout(&run(dir, args));
        assert_clean(&args.join(" "), &text, &secrets);
    }
    let diff = stdout(&run(
        dir,
        &["diff", "x", "submission/1", "submission/2", "--release"],
    ));
    assert!(
        diff.contains("Research by [(b) (6)], [(b) (6)] and [(b) ")
            && diff.contains(" [(b) (6)] reads."),
        "{diff}"
    );
    let log = stdout(&run(dir, &["log", "x", "--release"]));
    assert!(
        log.contains("    [(b) (6)] is a senior analyst now: "),
        "{log}"
    );
}

/// A withdrawal's reason names a person the record marks: the release listings of `status`
/// and `report` withhold the name.
#[test]
fn a_release_listing_withholds_the_names_the_record_marks_in_a_withdrawals_reason() {
    let reg = marked_once();
    let dir = reg.path();
    run(
        dir,
        &[
            "withdraw",
            "x",
            "--reason",
            "Carlos Mendez left; ask JANE ROE.",
        ],
    );
    for args in [
        &["status", "--release"][..],
        &["status", "x", "--release"],
        &["status", "--release", "--format", "json"],
        &["status", "--release", "--format", "csv"],
        &["report", "--release", "--format", "json"],
        &["report", "--release", "--format", "csv"],
        &["report", "--release", "--format", "md"],
        &["log", "x", "--release"],
    ] {
        let text = stdout(&run(dir, args));
        assert_clean(&args.join(" "), &text, SECRETS);
    }
    let status = stdout(&run(dir, &["status", "x", "--release"]));
    assert!(
        status.contains("[(b) (6)] left; ask [(b) (6)]."),
        "{status}"
    );
    let status = stdout(&run(dir, &["status", "x"]));
    assert!(
        status.contains("Carlos Mendez left; ask JANE ROE."),
        "{status}"
    );
}

/// A withheld title in the HTML page's `<title>`, which a browser shows as text: the label,
/// not the markup of its box.
#[test]
fn a_release_pages_title_element_holds_text_only() {
    let reg = marked_once();
    let dir = reg.path();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x.html");
    let args = ["render", "x", "--release", "--format", "html", "-o"];
    let mut args = args.to_vec();
    args.push(out.to_str().unwrap());
    run(dir, &args);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("<title>DHS Operational Use of Social Media: Research on [(b) (6)]</title>"),
        "{html}"
    );
}

/// An older revision names the person as people also write a name — surname first, the given
/// name as an initial — and the record marks "Maria Lopez" since. The release diff, and the
/// release rendering of the record as it stands, withhold every form.
#[test]
fn a_name_marked_since_is_withheld_as_people_also_write_it() {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Research by Lopez, Maria and M. Lopez.\"",
    );
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    edit(
        dir,
        "x",
        "description = \"Research by Lopez, Maria and M. Lopez.\"",
        "description = \"Research by [[b6: Maria Lopez]], weekly; LOPEZ, MARIA signs.\"",
    );
    common::git(dir, &["commit", "-qam", "mark the researcher"]);
    ok(smout_as(dir, DRAFTER, "2024-01-12", &["submit", "x"]));
    let secrets = ["Lopez", "Maria"];
    for args in [
        &["diff", "x", "submission/1", "submission/2", "--release"][..],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--format",
            "md",
        ],
        &[
            "diff",
            "x",
            "submission/1",
            "submission/2",
            "--release",
            "--format",
            "json",
        ],
        &["render", "x", "--release", "--format", "md", "-o", "-"],
    ] {
        let o = smout_as(dir, REVIEWER, "2024-03-02", args);
        assert!(
            o.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            common::stderr(&o)
        );
        assert_clean(&format!("{args:?}"), &stdout(&o), &secrets);
    }
}
