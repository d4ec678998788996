//! Release copies hold across revisions: a revision's summary is made from redacted text, an
//! older revision that did not withhold yet what is withheld now prints it withheld, and a
//! merge-request comment shows a drafter's words as words — in every release output of `log`,
//! `diff`, `ci` and `site`.

mod common;

use std::path::Path;
use std::process::Output;

use common::{edit, git, git_register, ok, smout_as, stdout};

const DRAFTER: &str = "drafter@example.gov";

fn run(dir: &Path, args: &[&str]) -> Output {
    ok(smout_as(dir, DRAFTER, "2024-03-02", args))
}

fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !text.to_lowercase().contains(&s.to_lowercase()),
            "{what} leaks {s:?}:\n{text}"
        );
    }
}

/// The text of every file under `dir`.
fn site_text(dir: &Path) -> String {
    let mut out = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.push_str(&site_text(&p));
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            out.push_str(&t);
        }
    }
    out
}

/// `site --release` of `dir`, its record page for `x` and all its text.
fn release_site(dir: &Path) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("public");
    run(
        dir,
        &[
            "site",
            "--release",
            "--no-pdf",
            "-o",
            site.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(site.join("records/x/index.html")).unwrap();
    (page, site_text(&site))
}

/// Item 1 of issue 30: a contact whose name is marked and whose e-mail changes.
#[test]
fn a_revision_summary_never_names_a_withheld_contact() {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "name = \"[[b6: Jane Roe]]\"",
        "name = \"[[b6 b7C: Maria Lopez]]\"",
    );
    edit(
        dir,
        "x",
        "\"[[b6: jane.roe@cbp.dhs.gov]]\"",
        "\"fld-office@cbp.dhs.gov\"",
    );
    git(dir, &["commit", "-qam", "contact"]);
    edit(dir, "x", "fld-office@", "fld-tips@");
    // The message names her too, as people write.
    git(dir, &["commit", "-qam", "new e-mail for maria lopez"]);
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    let secrets = ["Maria Lopez"];
    // Internally the summary names her (the corpus is really there).
    let o = run(dir, &["log", "x"]);
    assert!(
        stdout(&o).contains("new e-mail for maria lopez: 1 change (0 material): Contact Information (Maria Lopez): E-mail"),
        "{}",
        stdout(&o)
    );
    let text = stdout(&run(dir, &["log", "x", "--release"]));
    assert_clean("log --release", &text, &secrets);
    assert!(
        text.contains(
            "    new e-mail for [(b) (6), (b) (7)(C)]: 1 change (0 material): Contact Information ([(b) (6), (b) (7)(C)]): E-mail\n"
        ),
        "{text}"
    );
    let json = stdout(&run(dir, &["log", "x", "--release", "--format", "json"]));
    assert_clean("log --release --format json", &json, &secrets);
    let events: serde_json::Value = serde_json::from_str(&json).unwrap();
    let summaries: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "revision")
        .map(|e| e["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        [
            "new e-mail for [(b) (6), (b) (7)(C)]: 1 change (0 material): Contact Information ([(b) (6), (b) (7)(C)]): E-mail",
            "contact: 2 changes (0 material): Contact Information: [(b) (6)], Contact Information: [(b) (6), (b) (7)(C)]",
            "add record: record created",
        ],
        "{json}"
    );
    // The site: once from nothing, once from the summaries it kept (the internal site's, which
    // name her, are kept apart from the release's).
    let tmp = tempfile::tempdir().unwrap();
    let internal = tmp.path().join("internal");
    run(dir, &["site", "--no-pdf", "-o", internal.to_str().unwrap()]);
    assert!(site_text(&internal).contains("Maria Lopez"));
    for round in ["with the internal summaries kept", "again"] {
        let (page, all) = release_site(dir);
        assert_clean(&format!("site --release ({round})"), &all, &secrets);
        assert!(
            page.contains("Contact Information ([(b) (6), (b) (7)(C)]): E-mail"),
            "{page}"
        );
    }
}

/// Item 2 of issue 30: what a record withholds today is withheld from the older revisions that
/// did not withhold it yet — by markup added later, by a `[release] redact` entry added later,
/// or by the record as it stands (the working tree) alone.
fn withheld_later() -> tempfile::TempDir {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research by Maria Lopez of the Targeting Center at SECRETSITE, reviewed weekly.\"",
    );
    edit(
        dir,
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Shared drive SECRETSYS\"",
    );
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    // `check --release` would warn of the name: marked (in other words, in capitals), the
    // systems withheld by `[release] redact`, and the description reworded.
    edit(
        dir,
        "x",
        "description = \"Open-source research by Maria Lopez of the Targeting Center at SECRETSITE, reviewed weekly.\"",
        "description = \"Open-source research by [[b6: MARIA LOPEZ]] of the Targeting Center at SECRETSITE, reviewed monthly.\"",
    );
    edit(
        dir,
        "x",
        "it_systems = \"Shared drive SECRETSYS\"",
        "it_systems = \"Shared drive SECRETSYS2\"",
    );
    let p = dir.join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n[release]\nredact = { \"summary.it_systems\" = [\"b7E\"] }\n");
    std::fs::write(&p, text).unwrap();
    ok(smout_as(dir, DRAFTER, "2024-02-10", &["submit", "x"]));
    // Withheld by the record as it stands only: neither submission marks the site.
    edit(dir, "x", "at SECRETSITE,", "at [[b7E: SECRETSITE]],");
    reg
}

const LATER: &[&str] = &["Maria Lopez", "SECRETSITE", "SECRETSYS"];

#[test]
fn a_release_diff_withholds_what_either_side_or_the_record_now_withholds() {
    let reg = withheld_later();
    let dir = reg.path();
    let diff = |extra: &[&str]| {
        let mut args = vec!["diff", "x", "submission/1", "submission/2"];
        args.extend_from_slice(extra);
        stdout(&run(dir, &args))
    };
    // Internally both texts are there.
    let internal = diff(&[]);
    assert!(
        internal.contains("Maria") && internal.contains("SECRETSYS"),
        "{internal}"
    );

    assert_eq!(
        diff(&["--release"]),
        // Both sides of the systems withhold them: no change a release can show.
        "x: submission/1 → submission/2
\nDescription of the use (changed) [material]
    Open-source research by [(b) (6)] of the Targeting Center at [(b) (7)(E)], reviewed [-weekly.-]{+monthly.+}
\n1 change, 1 material: a new review is needed (`smout submit x` once checked)
"
    );
    assert_eq!(
        diff(&["--format", "md"]),
        "### `x`: submission/1 → submission/2
\n
**Description of the use** — changed (material)
\n> Open-source research by \\[(b) (6)\\] of the Targeting Center at \\[(b) (7)(E)\\], reviewed ~~weekly.~~ **monthly.**
\n1 change, 1 material: a new review is needed (`smout submit x` once checked)
"
    );
    let json = diff(&["--release", "--format", "json"]);
    assert_clean("diff --release --format json", &json, LATER);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(
        v["changes"][0]["old"],
        "Open-source research by [(b) (6)] of the Targeting Center at [(b) (7)(E)], reviewed weekly.",
        "{json}"
    );

    // The merge-request comment: HEAD (the second submission) against the first.
    let first = git(dir, &["rev-parse", "smout/x/submission/1"]);
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-03-02",
        &["ci", "--base", first.trim(), "--format", "md"],
    );
    let md = stdout(&o);
    assert_clean("ci --format md", &md, LATER);
    assert!(
        md.contains("> Open-source research by \\[(b) (6)\\] of the Targeting Center at \\[(b) (7)(E)\\], reviewed ~~weekly.~~ **monthly.**\n"),
        "{md}"
    );

    // The reading room's record page: its diff between the submissions and its timeline.
    let (page, _) = release_site(dir);
    assert_clean("site --release record page", &page, LATER);
    assert!(page.contains("<del>weekly.</del>"), "{page}");
}

/// Item 3 of issue 30: a drafter's words in a merge-request comment are shown, never obeyed.
#[test]
fn a_merge_request_comment_shows_a_drafters_markdown_and_html_as_text() {
    let reg = git_register("x");
    let dir = reg.path();
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research of a file. Agents <img src=https://t.example/p.gif> read <details><summary>✅ pass</summary>it</details> and [approved](javascript:alert(1)) **now** ~~then~~ `x` _y_ | z\\n# Heading\\n- list\"",
    );
    edit(
        dir,
        "x",
        "title = \"Analyst\"",
        "title = \"<b>Chief</b> [x](http://evil.example)\"",
    );
    git(dir, &["commit", "-qam", "words"]);
    let expected_change = "> Open-source ~~research.~~ **research of a file. Agents \\<img src=https://t.example/p.gif\\> read \\<details\\>\\<summary\\>✅ pass\\</summary\\>it\\</details\\> and \\[approved\\](javascript:alert(1)) \\*\\*now\\*\\* \\~\\~then\\~\\~ \\`x\\` \\_y\\_ \\| z**
> **\\# Heading**
> **\\- list**
";
    let md = stdout(&run(
        dir,
        &["diff", "x", "submission/1", "HEAD", "--format", "md"],
    ));
    assert_eq!(
        md,
        format!(
            "### `x`: submission/1 → HEAD
\n
**Contact Information (\\[(b) (6)\\]): Title** — changed
\n> ~~Analyst~~ **\\<b\\>Chief\\</b\\> \\[x\\](http://evil.example)**
\n**Description of the use** — changed (material)
\n{expected_change}
2 changes, 1 material: a new review is needed (`smout submit x` once checked)
"
        )
    );
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-03-02",
        &["ci", "--base", "smout/x/submission/1", "--format", "md"],
    );
    let ci = stdout(&o);
    assert!(ci.contains(expected_change), "{ci}");
    for raw in [
        " <img",
        "**<b>",
        " <details><summary>✅",
        " [approved](",
        "[x](http",
    ] {
        assert!(
            !md.contains(raw) && !ci.contains(raw),
            "{raw} raw in:\n{md}\n{ci}"
        );
    }
}

/// Whitespace stays outside the word diff's markers, and a change of white space alone marks
/// nothing: GitHub and GitLab read `** word**` and `~~~~****` as no emphasis.
#[test]
fn the_word_diffs_markers_hold_words_only() {
    let reg = git_register("x");
    let dir = reg.path();
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research of open forums by the analysts of the file. Agents read  it weekly\\n\\nand then they write.\"",
    );
    git(dir, &["commit", "-qam", "one"]);
    ok(smout_as(dir, DRAFTER, "2024-01-11", &["submit", "x"]));
    edit(
        dir,
        "x",
        "of the file. Agents read  it weekly\\n\\nand then",
        "of the file.\\nAgents now read it daily\\n\\nand then",
    );
    git(dir, &["commit", "-qam", "two"]);
    let md = stdout(&run(
        dir,
        &["diff", "x", "submission/2", "HEAD", "--format", "md"],
    ));
    let quote: Vec<&str> = md.lines().filter(|l| l.starts_with('>')).collect();
    assert_eq!(
        quote,
        [
            "> Open-source research of open forums by the analysts of the file.",
            "> Agents **now** read it ~~weekly~~ **daily**",
            "> ",
            "> and then they write.",
        ],
        "{md}"
    );
    for broken in ["~~~~", "****", "** **"] {
        assert!(!md.contains(broken), "{broken:?} in:\n{md}");
    }
}

/// The gate's findings quote a drafter's answer: in the merge-request comment, a release copy
/// escaped like the diff, never the marked text or the drafter's HTML.
#[test]
fn a_merge_request_comments_findings_quote_answers_withheld_and_escaped() {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "id = \"DHS/CBP-017\"",
        "id = \"<img src=https://t.example/p.gif> [[b6: SECRETNAME]]\"",
    );
    edit(
        dir,
        "x",
        "stage = \"operational\"",
        "stage = \"<b>[[b6: SECRETSTAGE]]</b>\"",
    );
    git(dir, &["commit", "-qam", "bad answers"]);
    let o = smout_as(
        dir,
        DRAFTER,
        "2024-03-02",
        &["ci", "--base", "HEAD~1", "--format", "md"],
    );
    assert_eq!(o.status.code(), Some(1));
    let md = stdout(&o);
    assert_clean("ci --format md", &md, &["SECRETNAME", "SECRETSTAGE"]);
    let errors = md
        .split("**Errors**\n\n")
        .nth(1)
        .and_then(|e| e.split("\n\n").next())
        .unwrap_or_default();
    assert_eq!(
        errors,
        "- `SM031` records/x/record.toml:25:6: \"\\<img src=https://t.example/p.gif\\> \\[(b) (6)\\]\" is not a well-formed SORN
- `SM018` records/x/record.toml:25:6: SORN \\<img src=https://t.example/p.gif\\> \\[(b) (6)\\] is not in the register's catalog
- `SM008` records/x/record.toml:34:9: \"\\<b\\>\\[(b) (6)\\]\\</b\\>\" is not one of the choices for 3 \"Development or operational\"",
        "{md}"
    );
    assert!(md.contains("**3 Development or operational** — changed (material)\n\n- before: Operational. Date first launched: (operational)\n- after: \\<b\\>\\[(b) (6)\\]\\</b\\>\n"), "{md}");
}

/// The text of a PDF as a reader copies it, its white space folded (a name may break a line).
fn pdf_text(pdf: &Path) -> String {
    let o = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(o.status.success(), "pdftotext {}", pdf.display());
    fold(&String::from_utf8_lossy(&o.stdout))
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a Word file's body.
fn docx_text(docx: &Path) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if part.name().ends_with(".xml") {
            std::io::Read::read_to_string(&mut part, &mut out).unwrap();
        }
    }
    // The words of a run, as Word shows them one after another.
    let mut words = String::new();
    for piece in out.split('<') {
        if let Some((_, text)) = piece.split_once('>') {
            words.push_str(text);
        }
    }
    fold(&words)
}

/// Item 2 of issue 30, for the renderings: a release copy of the submitted revision — the
/// reading room's record page and PDF, `render --release --rev submitted` in every format —
/// withholds a name the drafter marked after submitting, and the reading room's rendering
/// cache, warm from before the marking, is not reused for it.
#[test]
fn a_release_rendering_of_an_older_revision_withholds_what_the_record_now_withholds() {
    let reg = git_register("x");
    let dir = reg.path();
    edit(
        dir,
        "x",
        "description = \"Open-source research.\"",
        "description = \"Open-source research by Maria Lopez of the Targeting Center.\"",
    );
    edit(
        dir,
        "x",
        "it_systems = \"Shared drive\"",
        "it_systems = \"Shared drive SECRETSYS\"",
    );
    ok(smout_as(dir, DRAFTER, "2024-01-10", &["submit", "x"]));
    let pdftotext = common::have("pdftotext", "apt-get install poppler-utils");
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("public");
    let record = site.join("records/x");
    let release_site = || {
        let args = ["site", "--release", "-o", site.to_str().unwrap()];
        run(dir, &args);
    };
    // Before the marking the reading room prints her: the cache holds renderings naming her.
    release_site();
    let html = std::fs::read_to_string(record.join("record.html")).unwrap();
    assert!(fold(&html).contains("Maria Lopez"), "{html}");
    assert!(html.contains("SECRETSYS"), "{html}");
    if pdftotext {
        assert!(pdf_text(&record.join("record.pdf")).contains("Maria Lopez"));
    }

    // `check --release` warns of the name; the drafter marks it, withholds the systems with
    // `[release] redact`, and commits, without submitting again.
    edit(
        dir,
        "x",
        "research by Maria Lopez of",
        "research by [[b6: Maria Lopez]] of",
    );
    let p = dir.join("records/x/record.toml");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n[release]\nredact = { \"summary.it_systems\" = [\"b7E\"] }\n");
    std::fs::write(&p, text).unwrap();
    git(
        dir,
        &["commit", "-qam", "withhold her name and the systems"],
    );
    let secrets = ["Maria Lopez", "SECRETSYS"];
    release_site();
    let html = std::fs::read_to_string(record.join("record.html")).unwrap();
    assert_clean("site --release record.html", &fold(&html), &secrets);
    assert!(
        html.contains("Open-source research by <span class=\"redaction\""),
        "{html}"
    );
    if pdftotext {
        let text = pdf_text(&record.join("record.pdf"));
        assert_clean("site --release record.pdf", &text, &secrets);
        assert!(text.contains("(b) (6) of the Targeting Center."), "{text}");
    }
    assert_clean("site --release", &fold(&site_text(&site)), &secrets);

    // `render --release` of the submitted revision, in every format it offers.
    for format in ["pdf", "html", "md", "docx"] {
        let out = tmp.path().join(format!("x-release.{format}"));
        run(
            dir,
            &[
                "render",
                "x",
                "--release",
                "--rev",
                "submitted",
                "--format",
                format,
                "-o",
                out.to_str().unwrap(),
            ],
        );
        let text = match format {
            "pdf" if !pdftotext => continue,
            "pdf" => pdf_text(&out),
            "docx" => docx_text(&out),
            _ => fold(&std::fs::read_to_string(&out).unwrap()),
        };
        assert_clean(
            &format!("render --release --format {format}"),
            &text,
            &secrets,
        );
        assert!(text.contains("Targeting Center"), "{format}: {text}");
    }
    // An internal copy of the revision still prints her.
    let internal = stdout(&run(
        dir,
        &[
            "render",
            "x",
            "--rev",
            "submitted",
            "--format",
            "md",
            "-o",
            "-",
        ],
    ));
    assert!(fold(&internal).contains("Maria Lopez"), "{internal}");
}
