//! `submit`: fill the submission date (editing the TOML in place, so comments and layout
//! survive), commit the record, and tag the commit `smout/<id>/submission/<n>`.

use chrono::NaiveDate;
use git2::Oid;

use crate::check::lookup_value;
use crate::error::{Error, Result};
use crate::form::Form;
use crate::register::Register;

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
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        Error::Refused(format!("the record is not valid TOML: {e}"))
    })?;
    let parts: Vec<&str> = path.split('.').collect();
    let (last, tables) = parts.split_last().expect("a path");
    let mut item = doc.as_item_mut();
    for t in tables {
        let table = item
            .as_table_like_mut()
            .ok_or_else(|| Error::Refused(format!("`{t}` is not a table in the record")))?;
        if table.get(t).is_none() {
            table.insert(t, toml_edit::Item::Table(toml_edit::Table::new()));
        }
        item = table.get_mut(t).expect("just inserted");
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
    let dt: toml_edit::Datetime = date.to_string().parse().expect("a date");
    table.insert(last, toml_edit::value(dt));
    Ok(Some(doc.to_string()))
}

/// The next submission number of `id`.
pub fn next_number(repo: &git2::Repository, prefix: &str, id: &str) -> Result<u32> {
    Ok(crate::history::submissions(repo, prefix, id)?
        .last()
        .map(|s| s.n + 1)
        .unwrap_or(1))
}

/// Submit record `id` (already checked by the caller). `today` fills an empty submission date.
pub fn submit(
    reg: &Register,
    form: &Form,
    id: &str,
    today: NaiveDate,
    commit: bool,
) -> Result<Submitted> {
    let rel = Register::record_rel(id);
    let file = reg.root.join(&rel);
    let repo = crate::git::open(&reg.root)?;
    let n = next_number(&repo, &crate::history::prefix(&repo, reg)?, id)?;
    let sig = if commit {
        crate::git::ensure_ready(&repo)?;
        let tag = format!("refs/tags/smout/{id}/submission/{n}");
        if repo.find_reference(&tag).is_ok() {
            return Err(Error::Refused(format!("tag {tag} exists already")));
        }
        Some(crate::git::signature(&repo)?)
    } else {
        None
    };
    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
    let mut date_filled = None;
    if let Some(path) = &form.index.submitted {
        let parsed: Option<toml::Table> = toml::from_str(&text).ok();
        let current = parsed.as_ref().and_then(|t| lookup_value(t, path)).cloned();
        let empty = current
            .as_ref()
            .is_none_or(|v| v.as_str().is_some_and(|s| s.trim().is_empty()));
        if empty {
            if let Some(new) = fill_date(&text, path, today)? {
                std::fs::write(&file, new).map_err(|e| Error::io(&file, e))?;
                date_filled = Some(today);
            }
        }
    }
    let Some(sig) = sig else {
        return Ok(Submitted {
            n,
            date_filled,
            commit: None,
        });
    };
    let message = format!("submit {id}: submission {n}\n\nsmout-submission: {id}/{n}\n");
    let oid = crate::git::commit_paths(&reg.root, std::slice::from_ref(&rel), &message)?;
    let target = repo.find_object(oid, Some(git2::ObjectType::Commit))?;
    repo.tag(
        &format!("smout/{id}/submission/{n}"),
        &target,
        &sig,
        &format!("submission {n} of {id}"),
        false,
    )?;
    Ok(Submitted {
        n,
        date_filled,
        commit: Some(oid),
    })
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
