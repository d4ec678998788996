//! The register lock: one committing smout at a time. Every command that commits holds it from
//! the moment it reads what it will change until its tag is written, so two `submit`s or a
//! `submit` and a `determine` never interleave. It is an OS file lock on `.git/smout/lock` (in
//! the common git folder, so linked worktrees share it): the operating system releases it when
//! the process ends, however it ends, so a killed smout never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// How long a command waits for another smout to finish before giving up, unless
/// `SMOUT_LOCK_TIMEOUT` (seconds) says otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(30);

/// A held register lock; dropping it releases the lock.
#[derive(Debug)]
pub struct RegisterLock {
    file: File,
    path: PathBuf,
}

impl RegisterLock {
    /// Take the lock in `smout_dir` (`.git/smout`), waiting up to `wait`; `waiting` is called
    /// once, with what the holder wrote, when the lock is busy.
    pub fn acquire(
        smout_dir: &Path,
        what: &str,
        wait: Duration,
        waiting: &mut dyn FnMut(&str),
    ) -> Result<RegisterLock> {
        std::fs::create_dir_all(smout_dir).map_err(|e| Error::io(smout_dir, e))?;
        let path = smout_dir.join("lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let start = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    if !told {
                        waiting(holder);
                        told = true;
                    }
                    if start.elapsed() >= wait {
                        return Err(Error::Busy {
                            lock: path,
                            holder: holder.to_string(),
                            waited: wait,
                        });
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
        }
        // Say who holds it, for the message another smout prints while it waits.
        let mut f = &file;
        let _ = f.set_len(0);
        let _ = writeln!(f, "smout {what} (process {})", std::process::id());
        Ok(RegisterLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RegisterLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// How long to wait for the lock: `SMOUT_LOCK_TIMEOUT` seconds, else [`DEFAULT_WAIT`].
pub fn wait_from_env() -> Duration {
    std::env::var("SMOUT_LOCK_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_WAIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_gives_up_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = RegisterLock::acquire(dir.path(), "submit a", DEFAULT_WAIT, &mut |_| {})
            .expect("first lock");
        let mut seen = String::new();
        let e = RegisterLock::acquire(
            dir.path(),
            "submit b",
            Duration::from_millis(60),
            &mut |h| seen = h.to_string(),
        )
        .unwrap_err();
        assert!(seen.starts_with("smout submit a (process "), "{seen}");
        assert!(e.to_string().contains("another smout is changing"), "{e}");
        drop(first);
        RegisterLock::acquire(dir.path(), "submit b", DEFAULT_WAIT, &mut |_| {})
            .expect("free after the first is dropped");
    }
}
