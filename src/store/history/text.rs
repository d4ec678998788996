//! Small readings shared by the history: short commit ids, dates, blob texts.

use chrono::{DateTime, NaiveDate};
use git2::{Oid, Repository};

use crate::error::{Error, Result};

/// The short form of a commit id.
pub fn short(oid: Oid) -> String {
    crate::digest::short(&oid.to_string()).to_string()
}

/// The text of a blob.
pub(in crate::store) fn blob_text(repo: &Repository, oid: Oid) -> Result<String> {
    let b = repo
        .find_blob(oid)
        .map_err(|e| Error::git(format!("read blob {}", short(oid)), e))?;
    String::from_utf8(b.content().to_vec())
        .map_err(|_| Error::Git(format!("blob {} is not UTF-8 text", short(oid))))
}

/// A date from seconds since the epoch (UTC).
pub fn date_of(seconds: i64) -> NaiveDate {
    DateTime::from_timestamp(seconds, 0)
        .unwrap_or_default()
        .date_naive()
}
