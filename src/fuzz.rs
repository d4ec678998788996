//! The property every input must keep, in one place for the `cargo fuzz` targets (`fuzz/`) and
//! the deterministic mutation test that `cargo test` runs (`tests/fuzz_mutations.rs`): checking
//! any text never panics, and no release output of any format — HTML, Markdown, the PDF's block
//! text and the template context — prints a word that the release copy of the record
//! ([`crate::release::release_table`]) does not show.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::check::{check_text, CheckOptions};
use crate::determination::Determinations;
use crate::register::Register;
use crate::render::{build_view, Format, RenderOptions, Source, Templates};
use crate::rendering::{render_record, RecordAt};

/// Words a leak is looked for by: exempt text in the corpora is made of such tokens.
pub const SECRET_PREFIX: &str = "ZQX";

fn tokens(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.starts_with(SECRET_PREFIX))
        .map(String::from)
        .collect()
}

/// Check `text` as a record of `reg` (internal and release checks), then render it as a release
/// in every format, both through `render_record` (which refuses records with check errors) and
/// straight through the view (as if that refusal were missing). Returns a description of the
/// first leak; panics propagate to the caller.
pub fn exercise(
    reg: &Register,
    templates: &Templates,
    text: &str,
    pdf: bool,
) -> Result<(), String> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
    for release in [false, true] {
        let _ = check_text(
            reg,
            text,
            "records/x/record.toml",
            None,
            &CheckOptions {
                today,
                warn_pii: release,
            },
        );
    }
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return Ok(());
    };
    let shown = toml::to_string(&crate::release::release_table(&table)).unwrap_or_default();
    let allowed = tokens(&shown);
    let leaks = |what: &str, out: &str| -> Result<(), String> {
        match tokens(out).into_iter().find(|t| !allowed.contains(t)) {
            Some(t) => Err(format!("{what} prints withheld `{t}`")),
            None => Ok(()),
        }
    };
    let opts = RenderOptions {
        audience: crate::release::Audience::Release,
        timestamp: 0,
        today,
    };
    let dets = Determinations::default();
    let src = Source {
        id: "x",
        text,
        determinations: &dets,
        origin: "records/x/record.toml".into(),
        mark: String::new(),
        revision: String::new(),
        attachments: &[],
        also: None,
    };
    if let Ok(view) = build_view(reg, &src, &opts) {
        leaks(
            "the view",
            &serde_json::to_string(&view).unwrap_or_default(),
        )?;
        for format in [Format::Html, Format::Md, Format::Pdf] {
            if let Ok(out) = templates.render(&view, format) {
                leaks(&format!("the {} template", format.ext()), &out)?;
            }
        }
    }
    let rec = RecordAt {
        id: "x".into(),
        text: text.to_string(),
        determinations: dets.clone(),
        origin: "records/x/record.toml".into(),
        mark: String::new(),
        revision: String::new(),
        attachments: Vec::new(),
        current: None,
    };
    for format in [Format::Html, Format::Md] {
        if let Ok((bytes, _)) = render_record(reg, templates, &rec, format, &opts) {
            leaks(format.ext(), &String::from_utf8_lossy(&bytes))?;
        }
    }
    if pdf {
        // Laid out and written: must not panic whatever the blocks hold.
        let _ = render_record(reg, templates, &rec, Format::Pdf, &opts);
    }
    Ok(())
}
