//! `smout import`: bring a SMOUT that exists outside smout — a Word file filled in from the
//! template, the text of a released PDF — into the register as `records/<id>/record.toml`.
//!
//! The document is read against what the form prints ([`crate::render::printed_items`]): each
//! question, rule, box and table column of the form is looked for in the source's paragraphs in
//! form order, and what stands between one and the next is its answer, converted by the field's
//! type (dates in the form's or common formats, boxes ☒/☐ to choices and Yes/No, table columns by
//! their labels, people and PIA/SORN lists from prose). FOIA marks in the source — `(b) (6)`,
//! `(b)(7)(E)`, `(b)(6);(b)(7)(C)` — become redaction markup around a placeholder. What cannot be
//! mapped is reported with where it is in the source and left as a commented TODO at the top of
//! the record; the Privacy Office's page, when the source has one, becomes a determination to
//! record with `smout determine --from`, marked as imported.

pub mod source;

use std::path::Path;

use chrono::NaiveDate;
use regex::Regex;
use toml::Value;

use crate::check::{check_targets, CheckOptions, RecordCheck, Target};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::form::{FieldType, Form};
use crate::register::Register;
use crate::render::{printed_items, ItemView};
use crate::session::Session;
use marks::{prose, with_marks};
use reader::{clip, wording, Reader};
use source::Unit;
use write::{determination_text, refuse_lost_marks};

mod answers;
mod determination;
mod marks;
mod matching;
mod model;
mod reader;
mod refusal;
mod values;
mod write;

pub use model::{Draft, Todo, DETERMINATION_FILE, PLACEHOLDER};
pub use refusal::Refusal;
pub use write::{id_from_name, record_text};

/// Read `units` against `form`.
pub fn read_document(form: &Form, units: &[Unit], source_name: &str, sha256: &str) -> Draft {
    let sections = printed_items(form);
    let items: Vec<ItemView> = sections.iter().flat_map(|s| s.items.clone()).collect();
    let mut r = Reader::new(form, units, &sections);
    // smout's own renderings name the record: "Record cbp-fld: Forced Labor …".
    let note =
        Regex::new(r"^Record ([a-z0-9][a-z0-9-]*): (.+?)(?: — release copy.*)?$").expect("valid");
    for p in &r.pieces {
        if let Some(c) = note.captures(p.text().trim()) {
            r.draft.id = Some(c[1].to_string());
            r.draft.title = Some(c[2].trim().to_string());
            break;
        }
    }
    let stop = r.determination_start().unwrap_or(r.pieces.len());
    let anchors = r.anchors(&items, stop);
    // A prose answer to a question whose listed answer is a category (question 1) is the text
    // of the next required field that has no question of its own (the use's description).
    let mut spills: Vec<(usize, String)> = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let region = r.region(a, anchors.get(i + 1), stop);
        let item = &items[a.item];
        if let Some((kind, codes)) = &region.provenance {
            r.provenance(&item.path, kind, codes);
            if *kind == crate::form::WITHHELD_IN_SOURCE {
                continue;
            }
        }
        if let Some(text) = r.item(item, a, &region) {
            spills.push((a.item, text));
        }
    }
    for (k0, text) in spills {
        let target = items[k0 + 1..].iter().find(|it| {
            it.kind == "field"
                && it.question.is_empty()
                && form
                    .field(&it.path)
                    .is_some_and(|f| f.kind == FieldType::Text && f.required)
        });
        if let Some(it) = target {
            if !r.has(&it.path) {
                let (v, _) = with_marks(&text);
                r.set(&it.path, Value::String(prose(v)));
                in_form_order(form, &mut r.draft.record, &it.path);
            }
        }
    }
    // smout's own page lists the answers the transcriber inferred, by number and label.
    use matching::norm_str;
    let heading = norm_str(crate::render::INFERRED_HEADING);
    if let Some(at) = r.pieces.iter().position(|p| norm_str(p.text()) == heading) {
        let mut inferred = Vec::new();
        'lines: for p in &r.pieces[at + 1..] {
            for line in p.text().lines().filter(|l| !l.trim().is_empty()) {
                let n = norm_str(line);
                match items
                    .iter()
                    .find(|i| norm_str(&crate::render::kept_name(i)) == n)
                {
                    Some(i) => inferred.push(i.path.clone()),
                    None => break 'lines,
                }
            }
        }
        for path in inferred {
            r.provenance(&path, "inferred", &[]);
        }
    }
    kept_answers(form, &mut r);
    let matched: std::collections::BTreeSet<usize> = anchors.iter().map(|a| a.item).collect();
    for (k, it) in items.iter().enumerate() {
        if matched.contains(&k) || matches!(it.kind, "group" | "withheld-rule") {
            continue;
        }
        let Some(f) = form.field(&it.path) else {
            continue;
        };
        if f.required && !r.has(&it.path) {
            r.todo(
                &it.path,
                source_name,
                format!("the source does not show \"{}\"", clip(wording(it))),
            );
        }
    }
    if stop < r.pieces.len() {
        r.determination(stop, source_name, sha256);
    }
    r.draft
}

/// The answers smout's own page prints for `kept` columns ("Counsel Contact Information 1:
/// Certifies authority: Yes"), into the items the list's table gave.
fn kept_answers(form: &Form, r: &mut Reader<'_>) {
    use matching::norm_str;
    let lines: Vec<String> = r
        .pieces
        .iter()
        .flat_map(|p| p.text().lines().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for list in form.fields.iter().filter(|f| f.kind == FieldType::List) {
        for c in form
            .children(&crate::form::item_path(list))
            .filter(|c| c.kept)
        {
            let Some(items) = r
                .draft
                .record
                .get_mut(list.path.split('.').next().unwrap_or_default())
                .and_then(|v| {
                    list.path
                        .split('.')
                        .skip(1)
                        .try_fold(v, |v, k| v.get_mut(k))
                })
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for (i, item) in items.iter_mut().enumerate() {
                let label = norm_str(&format!(
                    "{}:",
                    crate::render::kept_label(&list.label, i + 1, &c.label)
                ));
                let Some(rest) = lines.iter().find_map(|l| {
                    let n = norm_str(l);
                    n.strip_prefix(label.as_str()).map(|r| r.trim().to_string())
                }) else {
                    continue;
                };
                let value = match c.kind {
                    FieldType::Bool => values::yes_no(&rest).map(Value::Boolean),
                    _ => None,
                };
                if let (Some(v), Some(t)) = (value, item.as_table_mut()) {
                    t.entry(c.key.clone()).or_insert(v);
                }
            }
        }
    }
}

/// The answers beside `path` in the form's order: one read late (a description under question
/// 1, read with it) is not written after the questions that follow it.
fn in_form_order(form: &Form, root: &mut toml::Table, path: &str) {
    let Some((parent, _)) = path.rsplit_once('.') else {
        return;
    };
    let Some(t) = parent
        .split('.')
        .try_fold(root, |t, k| t.get_mut(k)?.as_table_mut())
    else {
        return;
    };
    let order: Vec<String> = form.children(parent).map(|c| c.key.clone()).collect();
    let mut entries: Vec<(String, Value)> = std::mem::take(t).into_iter().collect();
    entries.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
    t.extend(entries);
}

/// What `import` did.
#[derive(Debug)]
pub struct Imported {
    /// The record's id.
    pub id: String,
    /// `records/<id>/record.toml`.
    pub record_rel: String,
    /// The determination file written beside it, if the source has a determination page.
    pub determination_rel: Option<String>,
    /// What could not be mapped.
    pub todos: Vec<Todo>,
    /// Answers mapped.
    pub mapped: usize,
    /// `check` of the record as written.
    pub check: RecordCheck,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The form the document fills.
    pub form: String,
    /// The record id (default: the id the document names, else its file name).
    pub id: Option<String>,
    /// The title (default: the document's, else its file name).
    pub title: Option<String>,
    /// Replace an existing record's working copy.
    pub force: bool,
    /// For the check after writing.
    pub today: NaiveDate,
}
/// Import the document at `path` into the register as a new record (not committed: the
/// drafter fixes the TODOs and runs `smout submit`).
/// `note` hears what the user should be told on the way (waiting for the lock).
pub fn import(
    reg: &Session,
    path: &Path,
    opts: &ImportOptions,
    note: &mut dyn FnMut(String),
) -> Result<Imported> {
    let form = reg.forms.get(&opts.form).ok_or_else(|| Error::NoForm {
        id: opts.form.clone(),
        known: reg.forms.ids().join(", "),
    })?;
    let (units, bytes) = source::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha = sha256_hex(&bytes);
    if units.is_empty() {
        return Err(Refusal::NoText(name.to_string()).into());
    }
    let draft = read_document(form, &units, &name, &sha);
    refuse_lost_marks(&units, &draft, &name)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = opts
        .id
        .clone()
        .or_else(|| draft.id.clone())
        .unwrap_or_else(|| id_from_name(&stem));
    crate::register::validate_id(&id)?;
    let title = opts
        .title
        .clone()
        .or_else(|| draft.title.clone())
        .unwrap_or(stem);
    let store = reg.store();
    let _lock = reg.hold(&format!("import {id}"), note)?;
    if reg.record_dir(&id).exists() && !opts.force {
        return Err(Error::RecordExists(id));
    }
    let rel = Register::record_rel(&id);
    let text = record_text(form, &draft, &title, &name, &sha)?;
    store.write(&rel, text.as_bytes())?;
    let mut determination_rel = None;
    if let Some(det) = &draft.determination {
        let drel = format!("{}/{id}/{DETERMINATION_FILE}", crate::register::RECORDS_DIR);
        store.write(
            &drel,
            determination_text(&id, det, &draft.todos)?.as_bytes(),
        )?;
        determination_rel = Some(drel);
    }
    let report = check_targets(
        reg,
        &[Target::record(reg, &id)],
        &CheckOptions {
            today: opts.today,
            warn_pii: false,
        },
    );
    let check = report
        .records
        .into_iter()
        .next()
        .ok_or_else(|| reg.no_record(&id))?;
    Ok(Imported {
        id,
        record_rel: rel,
        determination_rel,
        todos: draft.todos,
        mapped: draft.mapped,
        check,
    })
}
