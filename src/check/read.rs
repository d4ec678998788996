//! Reading a record file: capped, link-free, UTF-8 — or one finding that says why not.

use std::path::Path;

use super::model::MAX_RECORD_BYTES;
use crate::diag::{Finding, LineIndex, Severity};

/// Read a record file as UTF-8 text, or say in one finding why it cannot be.
pub fn read_record(path: &Path, display: &str) -> Result<String, Box<Finding>> {
    let unreadable = |msg: String, hint: &str| {
        Box::new(
            Finding::new("SM017", Severity::Error, msg)
                .hint(hint)
                .in_file(display),
        )
    };
    use crate::store::fs::FileError;
    let bytes = match crate::store::fs::read_file(path, MAX_RECORD_BYTES) {
        Ok(b) => b,
        Err(FileError::NotFound) => {
            return Err(unreadable(
                "record file not found".into(),
                "create it with `smout new <id> --form <form>`",
            ))
        }
        Err(FileError::NotRegular("a folder")) => {
            return Err(unreadable(
                "a folder stands where the record file should be".into(),
                "a record is one file, records/<id>/record.toml; move the folder away",
            ))
        }
        Err(FileError::TooLarge { len, .. }) => {
            return Err(unreadable(
                format!(
                    "the record is {:.1} MB; records are at most 1 MB",
                    len as f64 / 1e6
                ),
                "keep long material in attachments beside record.toml and refer to them",
            ))
        }
        Err(e @ FileError::Symlink(_)) => {
            return Err(unreadable(
                "the record file is a symbolic link; smout does not follow links".into(),
                e.hint(),
            ))
        }
        Err(e) => return Err(unreadable(format!("cannot read the record: {e}"), e.hint())),
    };
    match String::from_utf8(bytes) {
        Ok(s) if s.trim().is_empty() => Err(unreadable(
            "the record is empty".into(),
            "start from a skeleton: `smout new <id> --form <form>` writes every question",
        )),
        Ok(s) => Ok(s),
        Err(e) => {
            let good = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
            let index = LineIndex::new(&prefix);
            let mut f = Finding::new(
                "SM017",
                Severity::Error,
                "the record is not valid UTF-8 text",
            )
            .hint("save the file as UTF-8 (editors call it \"UTF-8\" or \"Unicode\")")
            .at(display, &index, &(good..good));
            f.source_line.push('\u{FFFD}');
            Err(Box::new(f))
        }
    }
}
