//! The register on a forge: SARIF validated by Microsoft's SARIF Multitool against the SARIF
//! 2.1.0 schema, and `smout ci`, the merge-request gate, end to end on a base and a feature
//! branch of the example history.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{git, smout_as, stderr, stdout};

const DAY: &str = "2026-11-24";

/// `smout ci` in `reg` as the drafter.
fn ci(reg: &Path, args: &[&str]) -> Output {
    let mut all = vec!["ci"];
    all.extend_from_slice(args);
    smout_as(reg, "drafter@example.gov", DAY, &all)
}

/// The example history with a feature branch checked out.
fn feature(tmp: &Path) -> std::path::PathBuf {
    let reg = common::example_history(tmp);
    git(&reg, &["checkout", "-q", "-b", "feature"]);
    reg
}

#[test]
fn check_sarif_passes_the_sarif_multitool_schema_validation() {
    if !common::have(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
        ),
        "npm ci --prefix tests/tools",
    ) {
        return;
    }
    let tool = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    assert!(
        tool.is_file(),
        "the SARIF Multitool is needed by this test: `npm ci --prefix tests/tools` (.ci/run does)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_register();
    let o = common::smout(&reg, &["check", "--format", "sarif"]);
    let sarif = tmp.path().join("check.sarif");
    std::fs::write(&sarif, &o.stdout).unwrap();
    let validate = |file: &Path| -> Vec<(String, String)> {
        let out = tmp.path().join("validation.sarif");
        let _ = std::fs::remove_file(&out);
        let o = Command::new(&tool)
            .args([
                "validate",
                file.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ])
            .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
            .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
            .output()
            .unwrap();
        let log: serde_json::Value = serde_json::from_slice(
            &std::fs::read(&out).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o))),
        )
        .unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap_or("").to_string(),
                    r["level"].as_str().unwrap_or("warning").to_string(),
                )
            })
            .collect()
    };
    let results = validate(&sarif);
    assert!(
        results.iter().all(|(_, level)| level != "error"),
        "{results:?}"
    );
    // The validator does fail a log that breaks the schema.
    let text = String::from_utf8(o.stdout).unwrap();
    let broken = tmp.path().join("broken.sarif");
    std::fs::write(
        &broken,
        text.replacen("\"startLine\": ", "\"startLine\": -", 1),
    )
    .unwrap();
    let results = validate(&broken);
    assert!(
        results.iter().any(|(_, level)| level == "error"),
        "{results:?}"
    );
}

#[test]
fn the_gate_passes_a_clean_change_and_says_what_it_does() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    // A non-material edit of an approved record, and a new draft.
    common::edit(&reg, "cbp-fld", "title = \"Forced", "title = \"The Forced");
    git(&reg, &["commit", "-qam", "FLD: title"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("smout ci: main ("), "{text}");
    assert!(text.contains("1 record changed"), "{text}");
    // Approved in 2018 for three years; its SORN citation draws check's one warning.
    assert!(
        text.contains("  cbp-fld  modified  expired        0 errors, 1 warning\n"),
        "{text}"
    );
    assert!(text.contains("history: intact"), "{text}");
    assert!(text.ends_with("pass: 0 errors, 1 warning\n"), "{text}");
}

#[test]
fn the_gate_flags_a_material_change_and_comments_in_markdown_without_exempt_text() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    common::edit(
        &reg,
        "cbp-fld",
        "description = \"\"\"",
        "description = \"\"\"Now also monitors closed forums. ",
    );
    common::edit(
        &reg,
        "tsa-insider-threat",
        "title = \"",
        "title = \"Renamed: ",
    );
    git(&reg, &["commit", "-qam", "two records change"]);
    let o = ci(&reg, &["--base", "main", "--format", "md"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("### smout: ✅ pass"), "{md}");
    assert!(
        md.contains("| `cbp-fld` | modified | changed | 0 errors, 1 warning | changes an approved record materially: a new review is needed |"),
        "{md}"
    );
    // Several records: each in its own collapsed section.
    assert!(
        md.contains("<details><summary><code>cbp-fld</code> — 1 change, material</summary>"),
        "{md}"
    );
    assert!(
        md.contains("<details><summary><code>tsa-insider-threat</code>"),
        "{md}"
    );
    assert!(md.contains("**Now also monitors closed forums.**"), "{md}");
    // A merge-request comment is a release copy: exempt text never reaches it.
    let record = std::fs::read_to_string(reg.join("records/cbp-fld/record.toml")).unwrap();
    for exempt in [
        "keyword monitoring of supplier",
        "Ana Beatriz",
        "@cbp.dhs.gov",
    ] {
        if record.contains(exempt) {
            assert!(!md.contains(exempt), "{exempt} in {md}");
        }
    }
    assert!(
        !md.contains("Contact Information"),
        "withheld names are not mistaken for a change: {md}"
    );
}

#[test]
fn the_gate_fails_findings_forged_decisions_and_rewritten_history() {
    let tmp = tempfile::tempdir().unwrap();
    let reg = feature(tmp.path());
    // A check error in a changed record.
    common::edit(
        &reg,
        "cbp-fld",
        "date_submitted = ",
        "date_submitted = \"soon\"\nx_ = ",
    );
    git(&reg, &["commit", "-qam", "broken"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("      error[SM"), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL: "), "{}", stdout(&o));
    git(&reg, &["reset", "-q", "--hard", "main"]);

    // A determination written by hand and committed by the drafter: the audit catches it.
    let dets = reg.join("records/fema-recovery-dev/determinations.toml");
    std::fs::write(
        &dets,
        "[[determination]]\nsubmission = 1\nrecord_sha256 = \"00\"\nreviewed = 2026-10-02\nreviewer = \"Me\"\noutcome = \"met\"\n",
    )
    .unwrap();
    git(&reg, &["add", "-A"]);
    git(&reg, &["commit", "-qm", "approve myself"]);
    let o = ci(&reg, &["--base", "main", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["decisions_added"], 1);
    let codes: Vec<&str> = v["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"AU002"), "{codes:?}");

    // History the base has, rewritten on the branch.
    git(&reg, &["checkout", "-q", "main"]);
    git(&reg, &["checkout", "-q", "-b", "rewrite", "main~1"]);
    common::edit(&reg, "cbp-fld", "title = \"Forced", "title = \"The Forced");
    git(&reg, &["commit", "-qam", "off an old main"]);
    let o = ci(&reg, &["--base", "main"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("is not in HEAD's history: the branch is behind it"),
        "{}",
        stdout(&o)
    );
    // A base that does not exist is a usage error that says what to do.
    common::refused(ci(&reg, &["--base", "origin/nope"]), "fetch it first");
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every `href="…"` and `src="…"` of an HTML file.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            if let Some(end) = part.find('"') {
                out.push(part[..end].to_string());
            }
        }
    }
    out
}

/// Chromium's DOM of `page` after `script` ran in it (appended before `</body>`; it leaves
/// its answer in `<pre id="probe">`), and what Chromium logged.
fn probe(page: &Path, script: &str) -> (String, String) {
    let html = std::fs::read_to_string(page).unwrap();
    let probed = page.with_file_name(format!(
        "{}.probe.html",
        page.file_stem().unwrap().to_string_lossy()
    ));
    std::fs::write(
        &probed,
        html.replace("</body>", &format!("<script>{script}</script>\n</body>")),
    )
    .unwrap();
    let o = common::chromium(&[
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=10000",
        "--dump-dom",
        &format!("file://{}", probed.display()),
    ]);
    let _ = std::fs::remove_file(&probed);
    let dom = String::from_utf8_lossy(&o.stdout);
    let answer = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|r| r.split("</pre>").next())
        .unwrap_or("")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    (answer, String::from_utf8_lossy(&o.stderr).into_owned())
}

fn screenshot(page: &Path, png: &Path) {
    let o = common::chromium(&[
        "--window-size=1100,1300",
        &format!("--screenshot={}", png.display()),
        &format!("file://{}", page.display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::metadata(png).unwrap().len() > 20_000,
        "an empty screenshot"
    );
}

#[test]
fn the_site_is_whole_sortable_filterable_and_without_broken_links() {
    if !common::have("chromium", "apt-get install chromium") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    // A second submission, so one record page has a diff to show.
    common::edit(
        &reg,
        "fema-recovery-dev",
        "description = \"\"\"",
        "description = \"\"\"Revised after the first review. ",
    );
    git(&reg, &["commit", "-qam", "FEMA: revised"]);
    let o = smout_as(
        &reg,
        "drafter@example.gov",
        "2026-10-20",
        &["submit", "fema-recovery-dev"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let site = tmp.path().join("public");
    let o = smout_as(
        &reg,
        "drafter@example.gov",
        DAY,
        &["site", "-o", site.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("wrote {} (11 records, 25 pages, ", site.display())),
        "{}",
        stdout(&o)
    );
    // No broken link, on any page.
    let all = files(&site);
    for page in all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(page).unwrap();
        for l in links(&html) {
            if l.starts_with('#') || l.starts_with("http") || l.starts_with("mailto:") {
                continue;
            }
            let target = page.parent().unwrap().join(&l);
            assert!(target.is_file(), "{}: broken link {l}", page.display());
        }
    }
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    // Due, expired and changed first.
    let order: Vec<&str> = index
        .split("<tr data-status=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert_eq!(&order[..3], ["expired", "due", "changed"], "{order:?}");
    // A record with two submissions shows the words that changed between them.
    let pages: Vec<String> = all
        .iter()
        .filter(|p| p.ends_with("index.html") && p.parent().unwrap() != site)
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert!(
        pages.iter().any(|p| p.contains("Submission 1 → 2")
            && p.contains("<ins>Revised after the first review.</ins>")),
        "no record page shows a diff between submissions"
    );

    // In a browser: sorting by record id, filtering by status, no console error.
    let (answer, log) = probe(
        &site.join("index.html"),
        "var ths = document.querySelectorAll('#records th button'); ths[0].click();\
         var ids = Array.prototype.map.call(document.querySelectorAll('#records tbody tr'), function (r) { return r.getAttribute('data-id'); });\
         var s = document.getElementById('filter-status'); s.value = 'approved'; s.dispatchEvent(new Event('change'));\
         var shown = Array.prototype.filter.call(document.querySelectorAll('#records tbody tr'), function (r) { return !r.hidden; }).map(function (r) { return r.getAttribute('data-id'); });\
         var pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify({ids: ids, shown: shown, said: document.getElementById('shown').textContent, sort: document.querySelector('#records th').getAttribute('aria-sort')}); document.body.appendChild(pre);",
    );
    let v: serde_json::Value =
        serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{e}: {answer} {log}"));
    let ids: Vec<&str> = v["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "sorted by record id");
    assert_eq!(v["sort"], "ascending");
    assert_eq!(
        v["shown"],
        serde_json::json!(["ice-hsi-osint", "opa-seizure-release"]),
        "{v}"
    );
    assert_eq!(v["said"], "2 of 11 records shown");
    for bad in ["Uncaught", "ERROR:CONSOLE", "Failed to load resource"] {
        assert!(
            !log.lines()
                .any(|l| l.contains(bad) && l.contains("CONSOLE")),
            "console error: {log}"
        );
    }
    screenshot(&site.join("index.html"), &tmp.path().join("dashboard.png"));
    screenshot(
        &site.join("records/cbp-fld/index.html"),
        &tmp.path().join("record.png"),
    );
}

#[test]
fn the_reading_room_holds_release_copies_only() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let site = tmp.path().join("public");
    // The internal site was written to the same folder first: none of its PDFs (with the
    // exempt text and the attachments) may be kept for the reading room.
    let o = smout_as(
        &reg,
        "drafter@example.gov",
        DAY,
        &["site", "-o", site.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let release = || {
        smout_as(
            &reg,
            "drafter@example.gov",
            DAY,
            &["site", "--release", "-o", site.to_str().unwrap()],
        )
    };
    let o = release();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stdout(&o).contains("kept from the last site"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("note: uscis-fraud-draft is not on the site: a draft: never submitted"),
        "{}",
        stderr(&o)
    );
    // Written again, the reading room keeps its own release copies.
    let o = release();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("; 20 unchanged renderings kept from the last site)"),
        "{}",
        stdout(&o)
    );
    assert!(!site.join("records/uscis-fraud-draft").exists());
    // Every withheld string of every record and determination, and every person in the
    // history, is nowhere on the site: not in a page, the CSV, nor the text of a PDF.
    let mut exempt: Vec<String> = Vec::new();
    for dir in std::fs::read_dir(reg.join("records")).unwrap() {
        for f in ["record.toml", "determinations.toml"] {
            let Ok(text) = std::fs::read_to_string(dir.as_ref().unwrap().path().join(f)) else {
                continue;
            };
            exempt.extend(common::withheld_texts(&text));
        }
    }
    exempt.extend([
        "dana.drafter@example.gov".to_string(),
        "Nathaniel Brooks".to_string(),
    ]);
    assert!(exempt.len() > 10, "{exempt:?}");
    for f in files(&site) {
        let text = if f.extension().is_some_and(|e| e == "pdf") {
            String::from_utf8_lossy(
                &Command::new("pdftotext")
                    .args([f.to_str().unwrap(), "-"])
                    .output()
                    .unwrap()
                    .stdout,
            )
            .into_owned()
        } else {
            std::fs::read_to_string(&f).unwrap()
        };
        for e in &exempt {
            assert!(!text.contains(e.as_str()), "{e} in {}", f.display());
        }
    }
    let audit = std::fs::read_to_string(site.join("audit.html")).unwrap();
    assert!(audit.contains("<p class=\"ok\">No finding"), "{audit}");
}

/// Written again to the same folder, the site takes a record's HTML and PDF from the last site
/// only when their whole input is unchanged and the file is still exactly the one smout wrote.
#[test]
fn a_site_written_again_keeps_only_the_renderings_of_unchanged_records() {
    if !common::have("pdftotext", "apt-get install poppler-utils") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let reg = common::example_history(tmp.path());
    let site = tmp.path().join("public");
    let pdf = |id: &str| std::fs::read(site.join("records").join(id).join("record.pdf")).unwrap();
    let run = |epoch: &str, extra: &[&str]| {
        let mut args = vec!["site", "-o", site.to_str().unwrap()];
        args.extend_from_slice(extra);
        let o = common::smout_with(
            &reg,
            "drafter@example.gov",
            DAY,
            &args,
            &[("SOURCE_DATE_EPOCH", epoch)],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let first = run("1790000000", &[]);
    assert!(!first.contains("kept"), "{first}");
    let (forged_id, edited_id, defaced_id) = ("cbp-fld", "fema-recovery-dev", "ice-hsi-osint");
    let original = pdf(forged_id);
    // An attacker replaces a published PDF and defaces a page in place (same length, the
    // same file); a drafter edits another record.
    std::fs::write(
        site.join("records").join(forged_id).join("record.pdf"),
        b"%PDF-1.7 forged",
    )
    .unwrap();
    let page = site.join("records").join(defaced_id).join("record.html");
    let html = std::fs::read_to_string(&page).unwrap();
    let defaced = html
        .replacen("<title>", "<title>X", 1)
        .replacen("</title>", "/title>", 1);
    assert_eq!(defaced.len(), html.len());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&page)
        .and_then(|mut f| std::io::Write::write_all(&mut f, defaced.as_bytes()))
        .unwrap();
    common::edit(
        &reg,
        edited_id,
        "description = \"\"\"",
        "description = \"\"\"Revised after the first review. ",
    );
    git(&reg, &["commit", "-qam", "FEMA: revised"]);
    let again = run("1790000000", &[]);
    assert!(
        again.contains("; 18 unchanged renderings kept from the last site)"),
        "{again}"
    );
    assert_eq!(
        pdf(forged_id),
        original,
        "the forged file was published again"
    );
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        html,
        "the defaced page stayed"
    );
    let text = Command::new("pdftotext")
        .args([
            site.join("records")
                .join(edited_id)
                .join("record.pdf")
                .to_str()
                .unwrap(),
            "-",
        ])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Revised after the first review."),
        "the edited record's PDF was not made again"
    );
    // Another pinned time, or --fresh, or a damaged manifest: every PDF is made again, the
    // same bytes as before for an unchanged input and time.
    assert!(!run("1790000001", &[]).contains("kept"));
    assert!(!run("1790000000", &["--fresh"]).contains("kept"));
    assert_eq!(pdf(forged_id), original);
    for f in std::fs::read_dir(reg.join(".git/smout")).unwrap() {
        let f = f.unwrap().path();
        if f.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("site-v1-")
        {
            std::fs::write(&f, b"smout site pdfs v1\n{\"cbp-fld\": [1, 2").unwrap();
        }
    }
    assert!(!run("1790000000", &[]).contains("kept"));
    assert_eq!(pdf(forged_id), original);
    assert!(run("1790000000", &[]).contains("; 22 unchanged renderings kept from the last site)"));
    // Each record page's timeline is the same whether its revisions' summaries were kept by
    // the last run, computed afresh, or kept in a damaged cache.
    let pages = || {
        files(&site.join("records"))
            .into_iter()
            .filter(|p| p.ends_with("index.html"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect::<Vec<_>>()
    };
    let kept = pages();
    assert!(kept.iter().any(|p| p.contains("revision")), "no timeline");
    let cache = reg.join(".git/smout/summaries-v1");
    assert!(cache.exists());
    std::fs::remove_file(&cache).unwrap();
    run("1790000000", &[]);
    assert_eq!(pages(), kept);
    let text = std::fs::read_to_string(&cache).unwrap();
    let (key, _) = text.split_once('\n').unwrap();
    std::fs::write(&cache, format!("{key}\n{{\"x\": 1")).unwrap();
    run("1790000000", &[]);
    assert_eq!(pages(), kept);
}

/// A forge's runner checks the register out at a place of its own and restores the last
/// site and `.git/smout/` from the CI cache: the renderings are still kept.
#[test]
fn a_site_restored_from_a_ci_cache_into_another_checkout_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("runner-1");
    std::fs::create_dir_all(&first).unwrap();
    let reg = common::example_history(&first);
    let site = |reg: &Path| {
        let o = smout_as(reg, "drafter@example.gov", DAY, &["site", "-o", "public"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    assert!(!site(&reg).contains("kept"));
    let elsewhere = tmp.path().join("runner-2");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let o = Command::new("cp")
        .args(["-a", reg.to_str().unwrap(), elsewhere.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let copy = elsewhere.join(reg.file_name().unwrap());
    assert!(
        site(&copy).contains("; 22 unchanged renderings kept from the last site)"),
        "the cached site was not reused at another place"
    );
}

/// The pipelines in examples/ci call smout only with subcommands and flags it has, keep the
/// whole history (the gate refuses a shallow clone), pin the root of trust, and CODEOWNERS reserves the decisions and
/// the roles for the Privacy Office.
#[test]
fn the_example_pipelines_call_smout_as_it_is() {
    let ci = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let gitlab = std::fs::read_to_string(ci.join(".gitlab-ci.yml")).unwrap();
    let github = std::fs::read_to_string(ci.join(".github/workflows/smout.yml")).unwrap();
    let owners = std::fs::read_to_string(ci.join("CODEOWNERS")).unwrap();
    assert!(gitlab.contains("GIT_DEPTH: 0"));
    assert!(github.contains("fetch-depth: 0"));
    let dir = tempfile::tempdir().unwrap();
    let mut calls = 0;
    for text in [&gitlab, &github] {
        for line in text.lines() {
            let Some(rest) = line.split("smout ").nth(1).filter(|_| {
                line.trim_start().starts_with("- smout ")
                    || line.trim_start().starts_with("run: smout ")
                    || line.trim_start().starts_with("smout ")
            }) else {
                continue;
            };
            let words: Vec<&str> = rest.split_whitespace().collect();
            let sub = words[0];
            let help = common::smout(dir.path(), &[sub, "--help"]);
            assert!(help.status.success(), "`smout {sub}` in: {line}");
            let help = stdout(&help);
            for flag in words.iter().filter(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap();
                assert!(help.contains(flag), "`smout {sub}` has no {flag}: {line}");
            }
            calls += 1;
        }
    }
    assert!(calls >= 5, "{calls} smout calls found");
    // The gate pins the root of trust outside the history.
    for text in [&gitlab, &github] {
        let gate = text
            .lines()
            .find(|l| l.contains("smout ci "))
            .expect("the pipeline runs the gate");
        assert!(gate.contains("--root \"$SMOUT_ROOT\""), "{gate}");
        assert!(
            text.contains("test -n \"$SMOUT_ROOT\""),
            "the gate refuses an unset root"
        );
    }
    for path in ["/records/*/determinations.toml", "/smout.toml"] {
        assert!(
            owners.lines().any(|l| l.starts_with(path)),
            "CODEOWNERS does not reserve {path}"
        );
    }
}

/// The GitHub workflow uses actions that still run: GitHub removed the Node 20 runtime of
/// JavaScript actions (announced 2025-09-19, forced from 2026), so every action it names is at
/// a major version that runs on Node 24 (the first such major of each, or later).
#[test]
fn the_github_workflow_uses_actions_that_run_on_node_24() {
    let wf = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/.github/workflows/smout.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    let node24 = [
        ("actions/checkout", 5),
        ("actions/cache", 5),
        ("actions/upload-pages-artifact", 5),
        ("actions/deploy-pages", 5),
        ("github/codeql-action/upload-sarif", 4),
    ];
    let mut seen = 0;
    for line in text.lines() {
        let Some(uses) = line.trim().trim_start_matches("- ").strip_prefix("uses: ") else {
            continue;
        };
        let (action, version) = uses
            .split_once('@')
            .expect("an action is pinned to a version");
        let major: u32 = version
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| panic!("{uses}: a major version"));
        let (_, least) = node24
            .iter()
            .find(|(a, _)| *a == action)
            .unwrap_or_else(|| panic!("{action}: which major runs on Node 24? add it here"));
        assert!(
            major >= *least,
            "{uses}: runs on Node 20, which GitHub removed; use v{least}"
        );
        seen += 1;
    }
    assert!(seen >= 5, "the workflow names {seen} actions");
}
