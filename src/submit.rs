//! `submit`: fill the submission date (editing the TOML in place, so comments and layout
//! survive), commit the record with its attachments, and tag the commit
//! `smout/<id>/submission/<n>` — all under the register lock, through the store.

use chrono::NaiveDate;

use crate::check::{check_targets, lookup, lookup_value, CheckOptions, Ctx, RecordCheck, Target};
use crate::diag::{Finding, LineIndex, Severity};
use crate::error::{Error, Result};
use crate::register::{Register, RECORDS_DIR};
use crate::session::Session;
use crate::store::fs::{MAX_ATTACHMENT_BYTES, MAX_TEXT_BYTES};
use crate::store::history::{date_of, Side, Submission};
use crate::store::{tag_name, Change, FileChange, Oid, Store, TagKind};

/// What `submit` did.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The submission number.
    pub n: u32,
    /// The date written into the record, when it was empty or the date smout filled in for an
    /// earlier submission.
    pub date_filled: Option<NaiveDate>,
    /// The earlier submission's date that `date_filled` replaced, and that submission.
    pub date_replaced: Option<(NaiveDate, u32)>,
    /// What the drafter should know about the submission (warnings; none block it).
    pub findings: Vec<Finding>,
    /// The commit, unless `--no-commit`.
    pub commit: Option<Oid>,
}

/// Set `path` (a dotted path to a date field) to `date` in `text` when it is missing or empty,
/// keeping everything else byte for byte. Returns the new text, or None when already set.
pub fn fill_date(text: &str, path: &str, date: NaiveDate) -> Result<Option<String>> {
    set_date(text, path, date, false)
}

/// Set `path` to `date` in `text` — when it is missing or empty, or whatever it holds with
/// `overwrite` — keeping everything else byte for byte. None when nothing changes.
fn set_date(text: &str, path: &str, date: NaiveDate, overwrite: bool) -> Result<Option<String>> {
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| Error::InvalidRecord {
                what: "the record".into(),
                message: e.to_string(),
            })?;
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, tables)) = parts.split_last() else {
        return Ok(None);
    };
    let mut item = doc.as_item_mut();
    for t in tables {
        let table = item
            .as_table_like_mut()
            .ok_or_else(|| Refusal::NotATable(t.to_string()))?;
        if table.get(t).is_none() {
            table.insert(t, toml_edit::Item::Table(toml_edit::Table::new()));
        }
        let Some(next) = table.get_mut(t) else {
            return Ok(None);
        };
        item = next;
    }
    let table = item
        .as_table_like_mut()
        .ok_or_else(|| Refusal::NotInATable(path.to_string()))?;
    let empty = match table.get(last) {
        None => true,
        Some(v) => v.as_str().is_some_and(|s| s.trim().is_empty()),
    };
    if !empty && !overwrite {
        return Ok(None);
    }
    let Ok(dt) = date.to_string().parse::<toml_edit::Datetime>() else {
        return Ok(None);
    };
    match table.get_mut(last).and_then(|i| i.as_value_mut()) {
        // In place: the key's decoration (its comment, its alignment) stays.
        Some(v) => {
            let decor = v.decor().clone();
            *v = toml_edit::Value::from(dt);
            *v.decor_mut() = decor;
        }
        None => {
            table.insert(last, toml_edit::value(dt));
        }
    }
    let out = doc.to_string();
    Ok((out != text).then_some(out))
}

/// What `submit` came to.
#[derive(Debug)]
pub enum Outcome {
    /// Submitted.
    Submitted(Submitted),
    /// Refused: the record has check errors (these findings).
    Refused(RecordCheck),
}

/// Why the submission date cannot be filled in (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A table on the way to the date's field holds a value.
    #[error("`{0}` is not a table in the record")]
    NotATable(String),
    /// The date's field does not sit in a table.
    #[error("`{0}` does not sit in a table")]
    NotInATable(String),
}

crate::error::refusal!(Refusal);

/// Submit record `id`: under the register lock, check it, fill an empty submission date with
/// `today` (and replace with it the date smout filled in for an earlier submission, which is
/// that submission's), and commit it with its attachments, tagged `smout/<id>/submission/<n>`. Refuses a
/// record with check errors, and one that has not changed since its last submission. With
/// `commit` false only the date is written. `note` receives what the user should be told on
/// the way (waiting for the lock, an interrupted change finished).
pub fn submit(
    reg: &Session,
    id: &str,
    today: NaiveDate,
    commit: bool,
    note: &mut dyn FnMut(String),
) -> Result<Outcome> {
    let store = reg.store();
    let rel = Register::record_rel(id);
    let tx = match commit {
        true => Some(reg.start(&format!("submit {id}"), note)?),
        false => None,
    };
    let report = check_targets(
        reg,
        &[Target::record(reg, id)],
        &CheckOptions {
            today,
            warn_pii: false,
        },
    );
    let rec = report.records.into_iter().next().expect("one record");
    if rec.errors() > 0 {
        return Ok(Outcome::Refused(rec));
    }
    let form = reg.form_of(id)?;
    let text = store
        .read_text(&rel, MAX_TEXT_BYTES)?
        .ok_or_else(|| reg.no_record(id))?;
    let subs = match store.has_repo() {
        true => store.submissions(id)?,
        false => Vec::new(),
    };
    let n = subs.last().map(|s| s.n + 1).unwrap_or(1);
    let dated = date_submitted(
        store,
        id,
        &text,
        form.index.submitted.as_deref(),
        &subs,
        today,
    )?;
    let (new_text, date_filled, date_replaced, findings) = match dated {
        Dated::Kept(findings) => (text.clone(), None, None, findings),
        Dated::Set { text: t, replaced } => (t, Some(today), replaced, Vec::new()),
    };
    let Some(tx) = tx else {
        if date_filled.is_some() {
            store.write(&rel, new_text.as_bytes())?;
        }
        return Ok(Outcome::Submitted(Submitted {
            n,
            date_filled,
            date_replaced,
            findings,
            commit: None,
        }));
    };

    // The record's attachments (the Rules of Behavior …) go into the same commit.
    let record: toml::Table = toml::from_str(&new_text).unwrap_or_default();
    let dir = format!("{RECORDS_DIR}/{id}");
    let mut files = vec![FileChange {
        rel: rel.clone(),
        bytes: Some(new_text.clone().into_bytes()),
    }];
    for name in form.attachments(&record) {
        let arel = format!("{dir}/{name}");
        let bytes = crate::store::fs::read(
            store.root(),
            std::path::Path::new(&arel),
            MAX_ATTACHMENT_BYTES,
        )
        .map_err(|source| Error::File {
            path: arel.clone().into(),
            source,
        })?;
        files.push(FileChange {
            rel: arel,
            bytes: Some(bytes),
        });
    }
    if let Some(last) = subs.last() {
        // Unchanged is judged on the drafter's text: a date smout stamps anew is no change.
        let mut written = files.clone();
        if date_replaced.is_some() {
            written[0].bytes = Some(text.clone().into_bytes());
        }
        if unchanged_since(store, last, &written)? {
            return Err(Error::Unchanged {
                id: id.to_string(),
                n: last.n,
            });
        }
    }
    // Which date smout filled in is kept with the submission, so that the next one knows the
    // date as smout's, not the drafter's.
    let filled = match (date_filled, &form.index.submitted) {
        (Some(d), Some(path)) => format!("{FILLED_TRAILER}{path} = {d}\n"),
        _ => String::new(),
    };
    let message = format!("submit {id}: submission {n}\n\nsmout-submission: {id}/{n}\n{filled}");
    let done = tx.commit(Change {
        what: format!("submit {id}"),
        files,
        message,
        tag: Some((
            tag_name(id, TagKind::Submission, n),
            format!("submission {n} of {id}"),
        )),
    })?;
    Ok(Outcome::Submitted(Submitted {
        n,
        date_filled,
        date_replaced,
        findings,
        commit: Some(done.commit),
    }))
}

/// The trailer of a submission's commit naming the date smout filled in:
/// `smout-filled: summary.date_submitted = 2024-01-10`.
const FILLED_TRAILER: &str = "smout-filled: ";

/// What becomes of the record's "date submitted".
enum Dated {
    /// The record keeps its text (with what the drafter should know about its date).
    Kept(Vec<Finding>),
    /// The record's text with today's date, replacing an earlier submission's when given.
    Set {
        text: String,
        replaced: Option<(NaiveDate, u32)>,
    },
}

/// The date this submission carries at the form's "date submitted" `path` (none: the form has
/// none). Empty, it is today. A date smout filled in for an earlier submission is that
/// submission's, not this one's: it becomes today. A date the drafter wrote that is earlier
/// than the previous submission stays — it is the drafter's to give — with a warning (SM025)
/// saying why the record does not print today's date.
fn date_submitted(
    store: &Store,
    id: &str,
    text: &str,
    path: Option<&str>,
    subs: &[Submission],
    today: NaiveDate,
) -> Result<Dated> {
    let Some(path) = path else {
        return Ok(Dated::Kept(Vec::new()));
    };
    let parsed: Option<toml::Table> = toml::from_str(text).ok();
    let current = parsed.as_ref().and_then(|t| lookup_value(t, path)).cloned();
    let empty = current
        .as_ref()
        .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()));
    let set = |overwrite: bool, replaced| -> Result<Dated> {
        Ok(match set_date(text, path, today, overwrite)? {
            Some(t) => Dated::Set { text: t, replaced },
            None => Dated::Kept(Vec::new()),
        })
    };
    if empty {
        return set(false, None);
    }
    let (Some(date), Some(previous)) = (
        current
            .as_ref()
            .and_then(|v| v.as_datetime())
            .and_then(crate::duration::toml_date::from_toml),
        subs.last(),
    ) else {
        return Ok(Dated::Kept(Vec::new()));
    };
    if let Some(n) = stamped_for(store, id, path, date, subs)? {
        return set(true, (date != today).then_some((date, n)));
    }
    let before = date_of(previous.time);
    if date >= before {
        return Ok(Dated::Kept(Vec::new()));
    }
    let rel = Register::record_rel(id);
    let mut finding = Finding::new(
        "SM025",
        Severity::Warning,
        format!(
            "`{path}` is {date}, earlier than submission {} ({before}): submission {} will print {date} as its date submitted for review, not today's date ({today})",
            previous.n,
            previous.n + 1
        ),
    )
    .field(path)
    .hint(format!(
        "leave `{path}` empty and `smout submit` fills in the day of each submission; keep {date} only if this submission was made then"
    ));
    let spanned = toml::de::DeTable::parse(text).ok();
    match spanned
        .as_ref()
        .and_then(|t| lookup(t.get_ref(), path, &Ctx::default()))
    {
        Some(v) => finding = finding.at(&rel, &LineIndex::new(text), &v.span()),
        None => finding = finding.in_file(&rel),
    }
    Ok(Dated::Kept(vec![finding]))
}

/// The earlier submission (newest first) whose date smout filled in and `date` is: its commit's
/// trailer says so, or — for a submission made before smout kept the trailer — the record as
/// submitted held `date` at `path` and `date` was the day of the submission.
fn stamped_for(
    store: &Store,
    id: &str,
    path: &str,
    date: NaiveDate,
    subs: &[Submission],
) -> Result<Option<u32>> {
    let said = format!("{FILLED_TRAILER}{path} = {date}");
    for s in subs.iter().rev() {
        // A tag that marks no readable commit says nothing of the date.
        let Ok(commit) = store.submission_commit(s) else {
            continue;
        };
        let message = store
            .commit_info(commit)
            .map(|c| c.message)
            .unwrap_or_default();
        if message.lines().any(|l| l.trim() == said) {
            return Ok(Some(s.n));
        }
        if date_of(s.time) != date {
            continue;
        }
        let then = store
            .record_text(id, &Side::Commit(commit))
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok());
        let held = then
            .as_ref()
            .and_then(|t| lookup_value(t, path))
            .and_then(|v| v.as_datetime())
            .and_then(crate::duration::toml_date::from_toml);
        if held == Some(date) {
            return Ok(Some(s.n));
        }
    }
    Ok(None)
}

/// Whether every file of a new submission is byte for byte as it was in submission `last`.
fn unchanged_since(
    store: &Store,
    last: &crate::store::history::Submission,
    files: &[FileChange],
) -> Result<bool> {
    let Ok(commit) = store.submission_commit(last) else {
        return Ok(false);
    };
    for f in files {
        let then = store.read_bytes_at(commit, &f.rel)?;
        if then.as_deref() != f.bytes.as_deref() {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_an_empty_date_keeping_comments_and_layout() {
        let text =
            "# my notes\ntitle = \"x\"\n\n[summary]\n# when\ncomponent = \"CBP\"   # aligned\n";
        let d = NaiveDate::from_ymd_opt(2018, 6, 12).unwrap();
        let out = fill_date(text, "summary.date_submitted", d)
            .unwrap()
            .unwrap();
        assert!(
            out.starts_with(
                "# my notes\ntitle = \"x\"\n\n[summary]\n# when\ncomponent = \"CBP\"   # aligned\n"
            ),
            "{out}"
        );
        assert!(out.contains("date_submitted = 2018-06-12"), "{out}");
        assert!(fill_date(&out, "summary.date_submitted", d)
            .unwrap()
            .is_none());
    }

    #[test]
    fn replaces_a_date_in_place_keeping_its_comment() {
        let text = "[summary]\ndate_submitted = 2024-01-10   # first sent\ncomponent = \"CBP\"\n";
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(fill_date(text, "summary.date_submitted", d).unwrap(), None);
        assert_eq!(
            set_date(text, "summary.date_submitted", d, true)
                .unwrap()
                .as_deref(),
            Some("[summary]\ndate_submitted = 2024-03-01   # first sent\ncomponent = \"CBP\"\n")
        );
        let same = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
        assert_eq!(
            set_date(text, "summary.date_submitted", same, true).unwrap(),
            None
        );
    }
}
