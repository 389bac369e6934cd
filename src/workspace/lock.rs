//! One writer at a time: every command that writes workspace files (`set`,
//! `fmt`, the workbench's save) holds an advisory lock on
//! `.lodestar/lock` from the moment it reads what it will change until the
//! rename that writes it, so the "changed on disk?" check and the write
//! cannot interleave with another lodestar's. A second writer waits a few
//! seconds, then gives up with a message naming the holder. The lock is the
//! operating system's (`flock`/`LockFileEx` through `std::fs::File::lock`),
//! so a crashed or killed holder releases it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a second writer waits for the first.
pub const WAIT: Duration = Duration::from_secs(10);

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{}: another lodestar is writing this workspace ({holder}); tried for {} s — try again when it is done",
        path.display(),
        waited.as_secs()
    )]
    Busy {
        path: PathBuf,
        holder: String,
        waited: Duration,
    },
    #[error("{}: cannot take the workspace lock: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The held lock; dropping it releases it.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
}

pub fn lock_path(root: &Path) -> PathBuf {
    root.join(".lodestar").join("lock")
}

/// Take the workspace's write lock for `what` (e.g. "lodestar set
/// risk-003.title"), waiting up to `wait` for another holder.
pub fn acquire(root: &Path, what: &str, wait: Duration) -> Result<WriteLock, LockError> {
    let path = lock_path(root);
    let io = |source| LockError::Io {
        path: path.clone(),
        source,
    };
    super::recovery::ensure_dir(root).map_err(|e| match e {
        super::SaveError::Io { source, .. } => io(source),
        other => io(std::io::Error::other(other.to_string())),
    })?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    let mut holder = String::new();
                    let _ = file.seek(SeekFrom::Start(0));
                    let _ = Read::by_ref(&mut file)
                        .take(512)
                        .read_to_string(&mut holder);
                    let holder = holder.trim();
                    return Err(LockError::Busy {
                        path,
                        holder: if holder.is_empty() {
                            "holder unknown".into()
                        } else {
                            holder.to_string()
                        },
                        waited: start.elapsed(),
                    });
                }
                std::thread::sleep(Duration::from_millis(15));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
        }
    }
    // Say who holds it, for the message a waiter gives up with.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = writeln!(file, "pid {}: {what}", std::process::id());
    let _ = file.flush();
    Ok(WriteLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_then_names_the_holder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let held = acquire(dir.path(), "lodestar set risk-001.title", WAIT).expect("first");
        // Locks are per open file description, so a second open in the same
        // process contends like another process would.
        let err = acquire(dir.path(), "second", Duration::from_millis(100)).expect_err("busy");
        let text = err.to_string();
        assert!(text.contains("another lodestar is writing"), "{text}");
        assert!(text.contains("lodestar set risk-001.title"), "{text}");
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        drop(held);
        acquire(dir.path(), "third", Duration::from_millis(100)).expect("free again");
        // The lock file lives in the git-ignored folder.
        assert!(dir.path().join(".lodestar").join(".gitignore").is_file());
    }
}
