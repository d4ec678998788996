//! What `smout check` is asked to check: record ids or paths, read against the register they
//! belong to — a record file named by its path is checked in its own register wherever the
//! command runs, and on its own when it belongs to none.

use std::path::{Path, PathBuf};

use super::model::Target;
use crate::error::{Error, Result};
use crate::register::{validate_id, Register, RECORDS_DIR, RECORD_FILE};

/// The register and the targets `args` name from `start` (`-C`, or the current folder); every
/// record of the register when `args` is empty.
pub fn targets(start: &Path, args: &[String]) -> Result<(Register, Vec<Target>)> {
    let file = args
        .first()
        .filter(|t| looks_like_path(t))
        .map(PathBuf::from);
    let reg = match (Register::discover(start), file) {
        (Ok(reg), Some(f)) if !is_inside(&f, &reg.root) => Register::of_file(&record_file(f))?,
        (Ok(reg), _) => reg,
        (Err(Error::NoRegister(_)), Some(f)) => Register::of_file(&record_file(f))?,
        (Err(e), _) => return Err(e),
    };
    let targets = if args.is_empty() {
        reg.record_ids()?
            .iter()
            .map(|id| Target::record(&reg, id))
            .collect()
    } else {
        args.iter()
            .map(|t| resolve(&reg, t))
            .collect::<Result<Vec<_>>>()?
    };
    Ok((reg, targets))
}

fn looks_like_path(arg: &str) -> bool {
    arg.contains('/') || arg.contains('\\') || arg.ends_with(".toml") || arg.starts_with('.')
}

/// A record's folder names its `record.toml`.
fn record_file(path: PathBuf) -> PathBuf {
    if path.is_dir() {
        path.join(RECORD_FILE)
    } else {
        path
    }
}

fn is_inside(path: &Path, root: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| p.starts_with(root))
}

/// An id (`cbp-fld`) or a path (`records/cbp-fld/record.toml`, `records/cbp-fld`, `x.toml`).
fn resolve(reg: &Register, arg: &str) -> Result<Target> {
    if !looks_like_path(arg) {
        validate_id(arg)?;
        reg.require_record(arg)?;
        return Ok(Target::record(reg, arg));
    }
    let path = record_file(PathBuf::from(arg));
    if !path.exists() {
        return Err(Error::io(
            &path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    let abs = path.canonicalize().map_err(|e| Error::io(&path, e))?;
    let records = reg.root.join(RECORDS_DIR);
    let rel = abs.strip_prefix(&reg.root).ok().map(Path::to_path_buf);
    let id = match abs.parent() {
        Some(dir) if dir.parent() == Some(records.as_path()) => dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        _ => abs
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Target {
        id,
        display: rel
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|| arg.to_string()),
        path: abs,
    })
}
