//! `submit`: fill the submission date (editing the TOML in place, so comments and layout
//! survive), commit the record with its attachments, and tag the commit
//! `smout/<id>/submission/<n>` — all under the register lock, through the store.

use chrono::NaiveDate;

use crate::check::{check_targets, lookup_value, CheckOptions, RecordCheck, Target};
use crate::error::{Error, Result};
use crate::register::{Register, RECORDS_DIR};
use crate::store::fs::{MAX_ATTACHMENT_BYTES, MAX_TEXT_BYTES};
use crate::store::{tag_name, Change, FileChange, Oid, Store, TagKind};

/// What `submit` did.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The submission number.
    pub n: u32,
    /// The date written into the record, when it was empty.
    pub date_filled: Option<NaiveDate>,
    /// The commit, unless `--no-commit`.
    pub commit: Option<Oid>,
}

/// Set `path` (a dotted path to a date field) to `date` in `text` when it is missing or empty,
/// keeping everything else byte for byte. Returns the new text, or None when already set.
pub fn fill_date(text: &str, path: &str, date: NaiveDate) -> Result<Option<String>> {
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
            .ok_or_else(|| Error::Refused(format!("`{t}` is not a table in the record")))?;
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
        .ok_or_else(|| Error::Refused(format!("`{path}` does not sit in a table")))?;
    let empty = match table.get(last) {
        None => true,
        Some(v) => v.as_str().is_some_and(|s| s.trim().is_empty()),
    };
    if !empty {
        return Ok(None);
    }
    let Ok(dt) = date.to_string().parse::<toml_edit::Datetime>() else {
        return Ok(None);
    };
    table.insert(last, toml_edit::value(dt));
    Ok(Some(doc.to_string()))
}

/// What `submit` came to.
#[derive(Debug)]
pub enum Outcome {
    /// Submitted.
    Submitted(Submitted),
    /// Refused: the record has check errors (these findings).
    Refused(RecordCheck),
}

/// Submit record `id`: under the register lock, check it, fill an empty submission date with
/// `today`, and commit it with its attachments, tagged `smout/<id>/submission/<n>`. Refuses a
/// record with check errors, and one that has not changed since its last submission. With
/// `commit` false only the date is written. `note` receives what the user should be told on
/// the way (waiting for the lock, an interrupted change finished).
pub fn submit(
    reg: &Register,
    id: &str,
    today: NaiveDate,
    commit: bool,
    note: &mut dyn FnMut(String),
) -> Result<Outcome> {
    let store = Store::open(&reg.root)?;
    let rel = Register::record_rel(id);
    let lock = if commit {
        let lock = store.lock(&format!("submit {id}"), note)?;
        store.ensure_ready()?;
        Some(lock)
    } else {
        None
    };
    let report = check_targets(
        reg,
        &[Target::record(reg, id)],
        &CheckOptions {
            today,
            release: false,
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
    let mut new_text = text.clone();
    let mut date_filled = None;
    if let Some(path) = &form.index.submitted {
        let parsed: Option<toml::Table> = toml::from_str(&text).ok();
        let current = parsed.as_ref().and_then(|t| lookup_value(t, path)).cloned();
        let empty = current
            .as_ref()
            .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()));
        if empty {
            if let Some(t) = fill_date(&text, path, today)? {
                new_text = t;
                date_filled = Some(today);
            }
        }
    }
    let Some(lock) = lock else {
        if date_filled.is_some() {
            store.write(&rel, new_text.as_bytes())?;
        }
        let n = store.next_submission(id)?;
        return Ok(Outcome::Submitted(Submitted {
            n,
            date_filled,
            commit: None,
        }));
    };
    let subs = store.submissions(id)?;
    let n = subs.last().map(|s| s.n + 1).unwrap_or(1);

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
        if unchanged_since(&store, last, &files)? {
            return Err(Error::Unchanged {
                id: id.to_string(),
                n: last.n,
            });
        }
    }
    let message = format!("submit {id}: submission {n}\n\nsmout-submission: {id}/{n}\n");
    let done = store.commit(
        &lock,
        Change {
            what: format!("submit {id}"),
            files,
            message,
            tag: Some((
                tag_name(id, TagKind::Submission, n),
                format!("submission {n} of {id}"),
            )),
        },
    )?;
    Ok(Outcome::Submitted(Submitted {
        n,
        date_filled,
        commit: Some(done.commit),
    }))
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
}
