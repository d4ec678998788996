//! Files inside the register, read and written safely. git keeps symbolic links, so a register
//! cloned from anywhere may hold `record.toml -> /dev/zero` or `templates/x -> /etc/passwd`:
//! every path is walked from the register root without following a link, only regular files are
//! read, a read is capped *before* the bytes are read, and every write goes to a temporary file
//! in the same folder that is fsynced and then renamed over the target, so a crash or a full disk
//! leaves either the old file or the new one, never half of one.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest file smout reads from a register (records, settings, forms, templates, catalogs,
/// determinations). Attachments may be larger; they are named, hashed and embedded, not parsed.
pub const MAX_TEXT_BYTES: u64 = 1 << 20;

/// The largest attachment smout reads.
pub const MAX_ATTACHMENT_BYTES: u64 = 64 << 20;

pub use crate::error::FileError;

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Walk `rel` below `root` component by component without following links; returns the full
/// path when every folder on the way is a real folder (the last component is not examined).
fn walk(root: &Path, rel: &Path) -> Result<PathBuf, FileError> {
    let mut path = root.to_path_buf();
    let comps: Vec<Component<'_>> = rel.components().collect();
    for (i, c) in comps.iter().enumerate() {
        match c {
            Component::Normal(name) => path.push(name),
            Component::CurDir => continue,
            _ => return Err(FileError::Outside),
        }
        if i + 1 == comps.len() {
            break;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err(FileError::Symlink(rel_of(rel, i))),
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(FileError::NotFound),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(FileError::NotFound),
            Err(e) => return Err(FileError::Io(e)),
        }
    }
    Ok(path)
}

fn rel_of(rel: &Path, upto: usize) -> PathBuf {
    rel.components().take(upto + 1).collect()
}

/// What stands at `rel` below `root`, without following links: `None` when nothing does.
pub fn kind(root: &Path, rel: &Path) -> Result<Option<std::fs::FileType>, FileError> {
    let path = match walk(root, rel) {
        Ok(p) => p,
        Err(FileError::NotFound) => return Ok(None),
        Err(e) => return Err(e),
    };
    match std::fs::symlink_metadata(&path) {
        Ok(m) => Ok(Some(m.file_type())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(FileError::Io(e)),
    }
}

/// Read the regular file at `rel` below `root`, at most `cap` bytes: links anywhere on the way,
/// folders, devices and pipes are refused before anything is opened, and a file that grows past
/// `cap` while it is read is refused without reading the rest.
pub fn read(root: &Path, rel: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    let path = walk(root, rel)?;
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(FileError::NotFound),
        Err(e) => return Err(FileError::Io(e)),
    };
    let ft = meta.file_type();
    if ft.is_symlink() {
        return Err(FileError::Symlink(rel.to_path_buf()));
    }
    if !ft.is_file() {
        return Err(FileError::NotRegular(kind_of(&ft)));
    }
    if meta.len() > cap {
        return Err(FileError::TooLarge {
            len: meta.len(),
            cap,
        });
    }
    let file = open_nofollow(&path).map_err(|e| match e.raw_os_error() {
        Some(code) if is_loop_error(code) => FileError::Symlink(rel.to_path_buf()),
        _ => FileError::Io(e),
    })?;
    // What was opened is what is read: check it again (a swap after the first look is caught).
    let meta = file.metadata().map_err(FileError::Io)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind_of(&meta.file_type())));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(cap) as usize);
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge {
            len: bytes.len() as u64,
            cap,
        });
    }
    Ok(bytes)
}

/// Read the regular file at `path` (the file itself must not be a link), at most `cap` bytes.
pub fn read_file(path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => read(dir, Path::new(name), cap),
        _ => Err(FileError::NotRegular("a folder")),
    }
}

/// The entries of the folder at `path` (not a link), each with its type as it is on disk — a
/// link stays a link. Nothing there: no entries.
pub fn list_dir(path: &Path) -> Result<Vec<(PathBuf, std::fs::FileType)>, FileError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => return Err(FileError::Symlink(path.to_path_buf())),
        Ok(m) if !m.is_dir() => return Err(FileError::NotRegular(kind_of(&m.file_type()))),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(FileError::Io(e)),
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(path).map_err(FileError::Io)? {
        let e = e.map_err(FileError::Io)?;
        let ft = e.file_type().map_err(FileError::Io)?;
        out.push((e.path(), ft));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

#[cfg(unix)]
fn open_nofollow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nofollow(path: &Path) -> io::Result<File> {
    File::open(path)
}

#[cfg(unix)]
fn is_loop_error(code: i32) -> bool {
    code == libc::ELOOP
}

#[cfg(not(unix))]
fn is_loop_error(_code: i32) -> bool {
    false
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Write `bytes` to `path` atomically: a temporary file in the same folder, written, fsynced,
/// given the old file's permissions, renamed over `path`; then the folder is fsynced. A link at
/// `path` is refused, not written through.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let old = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(io::Error::other(format!(
                "{} is a symbolic link; smout does not write through links",
                path.display()
            )))
        }
        Ok(m) if !m.is_file() => {
            return Err(io::Error::other(format!(
                "{} is {}, not a regular file",
                path.display(),
                kind_of(&m.file_type())
            )))
        }
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(
        ".{name}.smout-{}-{}.tmp",
        std::process::id(),
        TMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        if let Some(m) = &old {
            f.set_permissions(m.permissions())?;
        }
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir);
    Ok(())
}

/// Create `path` with `bytes` only if nothing stands there yet (fsynced; no rename needed).
pub fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    let r = f.write_all(bytes).and_then(|_| f.sync_all());
    if let Err(e) = r {
        drop(f);
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    if let Some(dir) = path.parent() {
        sync_dir(dir);
    }
    Ok(())
}

/// Make the folder's entries durable (best effort: not every platform can fsync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Read the text file at `path` (not a link, a regular file, at most `cap` bytes); `Ok(None)`
/// when nothing is there.
pub fn read_text_file(path: &Path, cap: u64) -> crate::error::Result<Option<String>> {
    as_text(read_file(path, cap), path)
}

/// A read's bytes as UTF-8 text: `None` when nothing was there, an error naming `path` else.
pub(crate) fn as_text(
    read: Result<Vec<u8>, FileError>,
    path: &Path,
) -> crate::error::Result<Option<String>> {
    let file_err = |source| crate::error::Error::File {
        path: path.to_path_buf(),
        source,
    };
    match read {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
            file_err(FileError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "it is not UTF-8 text",
            )))
        }),
        Err(FileError::NotFound) => Ok(None),
        Err(source) => Err(file_err(source)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn refuses_links_anywhere_on_the_way() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("records/a")).unwrap();
        std::fs::write(root.join("outside.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(root.join("outside.txt"), root.join("records/a/record.toml"))
            .unwrap();
        std::os::unix::fs::symlink(root.join("records/a"), root.join("records/b")).unwrap();
        let e = read(root, Path::new("records/a/record.toml"), 100).unwrap_err();
        assert!(matches!(e, FileError::Symlink(_)), "{e}");
        let e = read(root, Path::new("records/b/record.toml"), 100).unwrap_err();
        assert!(
            matches!(&e, FileError::Symlink(p) if p == Path::new("records/b")),
            "{e:?}"
        );
        assert!(matches!(
            read(root, Path::new("../x"), 100),
            Err(FileError::Outside)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn caps_before_reading_and_refuses_devices() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("big"), vec![b'a'; 2000]).unwrap();
        let e = read(root, Path::new("big"), 1000).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::TooLarge {
                    len: 2000,
                    cap: 1000
                }
            ),
            "{e:?}"
        );
        // /dev/zero reached through the root itself: refused as a device, never read.
        let e = read(Path::new("/dev"), Path::new("zero"), 1000).unwrap_err();
        assert!(matches!(e, FileError::NotRegular("a device")), "{e:?}");
        assert!(matches!(
            read(root, Path::new("nothing"), 10),
            Err(FileError::NotFound)
        ));
    }

    #[test]
    fn atomic_write_replaces_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("record.toml");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_refuses_to_write_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("target"), "keep").unwrap();
        std::os::unix::fs::symlink(dir.path().join("target"), dir.path().join("link")).unwrap();
        assert!(write_atomic(&dir.path().join("link"), b"x").is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("target")).unwrap(),
            "keep"
        );
    }
}
