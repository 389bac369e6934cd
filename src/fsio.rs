//! Files and writers: every file lodestar writes — workspace files, the
//! recovery journal, `report -o`, `predict --output`, run files — goes
//! through [`Output`], which decides how the target is written:
//!
//! - a regular file (or a new one) is written to a temporary file with a
//!   unique name and renamed over the target only when everything was
//!   written ([`Output::commit`]); a failure leaves the old file untouched;
//! - a symbolic link is followed: the real file it points to is replaced
//!   (atomically, next to it), the link stays a link; a link to nothing is
//!   refused;
//! - a special file (device, FIFO, socket: `/dev/null`, `/dev/stdout`) is
//!   opened and written to directly, never replaced;
//! - a read-only file is refused, never replaced; a folder is refused.
//!
//! Temporary files are named `.lodestar-tmp-<pid>-<random>.tmp`; for
//! workspace files they live in `<workspace>/.lodestar/` (git-ignored), so a
//! `kill -9` mid-save leaves nothing `git status` shows, and the next write
//! removes leftovers whose writer is gone ([`clean_stale`]).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Start of every temporary file's name; the writer's pid follows.
pub const TMP_PREFIX: &str = ".lodestar-tmp-";
pub const TMP_SUFFIX: &str = ".tmp";
/// Temporary files of lodestar versions before the pid was in the name.
const LEGACY_PREFIX: &str = ".lodestar-save-";
/// A temporary file whose writer cannot be identified is stale after this.
const STALE_AGE: Duration = Duration::from_secs(600);

/// Why a file could not be written. The target is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{}: is read-only; not replaced (make it writable or write elsewhere)", .0.display())]
    ReadOnly(PathBuf),
    #[error("{}: is a folder, expected a file", .0.display())]
    Folder(PathBuf),
    #[error("{}: is a symbolic link to `{}`, which does not exist; not replaced", path.display(), target.display())]
    DanglingLink { path: PathBuf, target: PathBuf },
    #[error("{}: cannot write: {}", path.display(), reason(source))]
    Io { path: PathBuf, source: io::Error },
}

fn reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An output being written; dropped without [`Output::commit`], it leaves
/// the target as it was (the temporary file is removed).
pub struct Output {
    path: PathBuf,
    inner: Inner,
}

enum Inner {
    /// A special file, written in place.
    Direct(File),
    /// A temporary file renamed over `real` on commit.
    Temp {
        file: tempfile::NamedTempFile,
        real: PathBuf,
        keep: Option<fs::Permissions>,
    },
}

/// Where writing `path` really goes.
enum Dest {
    Special(PathBuf),
    Replace(PathBuf, Option<fs::Metadata>),
}

fn destination(path: &Path) -> Result<Dest, WriteError> {
    let real = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(WriteError::DanglingLink {
                    path: path.to_path_buf(),
                    target: fs::read_link(path).unwrap_or_default(),
                });
            }
            Err(e) => return Err(io_err(path)(e)),
        },
        Ok(_) => path.to_path_buf(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Dest::Replace(path.to_path_buf(), None));
        }
        Err(e) => return Err(io_err(path)(e)),
    };
    let meta = fs::metadata(&real).map_err(io_err(path))?;
    if meta.is_dir() {
        return Err(WriteError::Folder(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Ok(Dest::Special(real));
    }
    // Read-only by its mode, or not writable by us (another user's file):
    // renaming over it would replace what we may not change.
    let writable = OpenOptions::new().write(true).open(&real);
    if meta.permissions().readonly()
        || matches!(&writable, Err(e) if e.kind() == io::ErrorKind::PermissionDenied)
    {
        return Err(WriteError::ReadOnly(path.to_path_buf()));
    }
    Ok(Dest::Replace(real, Some(meta)))
}

#[cfg(unix)]
fn same_filesystem(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev(),
        _ => false,
    }
}

/// Without device numbers, assume so (workspace files and `.lodestar/` are
/// siblings); a rename across volumes then fails cleanly, old file kept.
#[cfg(not(unix))]
fn same_filesystem(_: &Path, _: &Path) -> bool {
    true
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Output {
    /// Start writing `path`; temporary files go next to the target.
    pub fn create(path: &Path) -> Result<Output, WriteError> {
        Self::create_in(path, None)
    }

    /// Start writing `path`, with the temporary file in `tmp_dir` when that
    /// folder exists on the target's filesystem (so the rename stays one
    /// atomic step), else next to the target.
    pub fn create_in(path: &Path, tmp_dir: Option<&Path>) -> Result<Output, WriteError> {
        let (real, meta) = match destination(path)? {
            Dest::Special(real) => {
                let file = OpenOptions::new()
                    .write(true)
                    .open(&real)
                    .map_err(io_err(path))?;
                return Ok(Output {
                    path: path.to_path_buf(),
                    inner: Inner::Direct(file),
                });
            }
            Dest::Replace(real, meta) => (real, meta),
        };
        let folder = folder_of(&real);
        let dir = match tmp_dir {
            Some(t) if same_filesystem(t, &folder) => t.to_path_buf(),
            _ => folder,
        };
        let prefix = format!("{TMP_PREFIX}{}-", std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TMP_SUFFIX);
        #[cfg(unix)]
        if meta.is_none() {
            // A new file gets the usual permissions (0666 less the umask),
            // not the temporary file's private 0600.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let file = builder.tempfile_in(&dir).map_err(io_err(path))?;
        Ok(Output {
            path: path.to_path_buf(),
            inner: Inner::Temp {
                file,
                real,
                keep: meta.map(|m| m.permissions()),
            },
        })
    }

    /// The path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Finish: flush, and for a replaced file sync and rename it into place.
    pub fn commit(self) -> Result<(), WriteError> {
        let path = self.path;
        match self.inner {
            Inner::Direct(mut f) => f.flush().map_err(io_err(&path)),
            Inner::Temp {
                mut file,
                real,
                keep,
            } => {
                file.flush().map_err(io_err(&path))?;
                if let Some(perms) = keep {
                    // Keep the permissions the file had.
                    let _ = fs::set_permissions(file.path(), perms);
                }
                file.as_file().sync_all().map_err(io_err(&path))?;
                file.persist(&real).map_err(|e| io_err(&path)(e.error))?;
                if let Ok(d) = File::open(folder_of(&real)) {
                    // Not every platform can fsync a folder; the rename is done either way.
                    let _ = d.sync_all();
                }
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Direct(f) => f.write(buf),
            Inner::Temp { file, .. } => file.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Direct(f) => f.flush(),
            Inner::Temp { file, .. } => file.flush(),
        }
    }
}

/// Write `bytes` to `path` by the rules above, temporary file next to it.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_in(path, bytes, None)
}

/// [`write`] with the temporary file in `tmp_dir` where possible.
pub fn write_in(path: &Path, bytes: &[u8], tmp_dir: Option<&Path>) -> Result<(), WriteError> {
    let mut out = Output::create_in(path, tmp_dir)?;
    out.write_all(bytes).map_err(io_err(path))?;
    out.commit()
}

/// Create `path` holding `bytes` unless a non-empty file is already there
/// (a `.gitignore` lodestar keeps in its own folders). The file appears
/// whole or not at all: a `kill -9` mid-write never leaves an empty
/// `.gitignore` that `git status` would show and a later `exists()` would
/// keep. On Linux the bytes go into an unnamed file (`O_TMPFILE`) that is
/// then linked under its name; elsewhere, or on a file system without
/// unnamed files, a plain write. An empty file left by a killed writer
/// (or an older lodestar) is rewritten.
pub fn create_whole(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    match fs::metadata(path) {
        Ok(m) if m.len() > 0 => return Ok(()),
        Ok(_) => return fs::write(path, bytes).map_err(io_err(path)),
        Err(_) => {}
    }
    #[cfg(target_os = "linux")]
    if let Some(done) = linux::create_linked(path, bytes) {
        return match done {
            Ok(()) => Ok(()),
            // A concurrent writer linked it first: theirs is whole too.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(io_err(path)(e)),
        };
    }
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => f.write_all(bytes).map_err(io_err(path)),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(io_err(path)(e)),
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::CString;
    use std::io::{self, Write};
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// Write `bytes` to an unnamed file in `path`'s folder and link it as
    /// `path`. `None` when the folder's file system has no unnamed files.
    pub(super) fn create_linked(path: &Path, bytes: &[u8]) -> Option<io::Result<()>> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .mode(0o644)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
        {
            Ok(f) => f,
            Err(e) => {
                return match e.raw_os_error() {
                    Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL) => None,
                    _ => Some(Err(e)),
                };
            }
        };
        if let Err(e) = file.write_all(bytes) {
            return Some(Err(e));
        }
        let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()));
        let to = CString::new(path.as_os_str().as_bytes());
        let (Ok(from), Ok(to)) = (from, to) else {
            return Some(Err(io::Error::from(io::ErrorKind::InvalidInput)));
        };
        // SAFETY: both are NUL-terminated strings that outlive the call.
        let rc = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if rc == 0 {
            Some(Ok(()))
        } else {
            let e = io::Error::last_os_error();
            // No /proc (a chroot): fall back to a plain write.
            if e.kind() == io::ErrorKind::NotFound && !Path::new("/proc/self/fd").exists() {
                return None;
            }
            Some(Err(e))
        }
    }
}

/// Whether a writer with this pid may still be running.
fn alive(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        Some(proc.join(pid.to_string()).exists())
    } else {
        None
    }
}

/// Whether `name` is a temporary file of a writer that is gone.
fn is_stale(name: &str, meta: &fs::Metadata) -> bool {
    let old = || {
        meta.modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AGE)
    };
    if !name.ends_with(TMP_SUFFIX) || !meta.is_file() {
        return false;
    }
    if let Some(rest) = name.strip_prefix(TMP_PREFIX) {
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        return match pid.map(alive) {
            Some(Some(alive)) => !alive,
            _ => old(),
        };
    }
    name.starts_with(LEGACY_PREFIX) && old()
}

/// Temporary files in `dir` left by writers that are gone (killed mid-write).
pub fn stale_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            (name.starts_with(TMP_PREFIX) || name.starts_with(LEGACY_PREFIX))
                && fs::symlink_metadata(e.path()).is_ok_and(|m| is_stale(&name, &m))
        })
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Remove the stale temporary files of `dirs`; returns those that could not
/// be removed, with why.
pub fn clean_stale(dirs: &[&Path]) -> Vec<(PathBuf, io::Error)> {
    let mut failed = Vec::new();
    for dir in dirs {
        for path in stale_files(dir) {
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => failed.push((path, e)),
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_names(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .expect("read_dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(TMP_SUFFIX))
            .collect()
    }

    #[test]
    fn create_whole_creates_keeps_and_repairs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(".gitignore");
        create_whole(&path, b"*\n").expect("create");
        assert_eq!(fs::read(&path).expect("read"), b"*\n");
        // Only the one file: nothing temporary was named in the folder.
        assert_eq!(fs::read_dir(dir.path()).expect("ls").count(), 1);
        // A file with content is the user's or an earlier run's: kept.
        fs::write(&path, "mine\n").expect("write");
        create_whole(&path, b"*\n").expect("keep");
        assert_eq!(fs::read(&path).expect("read"), b"mine\n");
        // An empty one is what a killed writer leaves: rewritten.
        fs::write(&path, "").expect("empty");
        create_whole(&path, b"*\n").expect("repair");
        assert_eq!(fs::read(&path).expect("read"), b"*\n");
        // A missing folder is an error that names the file.
        let err =
            create_whole(&dir.path().join("no/such/.gitignore"), b"*\n").expect_err("no folder");
        assert!(err.to_string().contains(".gitignore"), "{err}");
    }

    #[test]
    fn create_whole_from_many_threads_at_once_writes_one_whole_file() {
        for round in 0..20 {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join(format!(".gitignore{round}"));
            std::thread::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|| create_whole(&path, b"# x\n*\n").expect("create"));
                }
            });
            assert_eq!(fs::read(&path).expect("read"), b"# x\n*\n");
        }
    }

    #[test]
    fn replaces_a_regular_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.md");
        fs::write(&path, "old").expect("write");
        write(&path, b"new").expect("write");
        assert_eq!(fs::read_to_string(&path).expect("read"), "new");
        assert!(temp_names(dir.path()).is_empty());
    }

    #[test]
    fn an_uncommitted_output_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.csv");
        fs::write(&path, "old").expect("write");
        let mut out = Output::create(&path).expect("create");
        out.write_all(b"half").expect("write");
        drop(out);
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        assert!(temp_names(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_symlink_and_keeps_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.toml");
        let link = dir.path().join("link.toml");
        fs::write(&real, "old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write(&link, b"new").expect("write");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "new");
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
        let err = write(&dangling, b"x").expect_err("dangling");
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_read_only_files_and_folders() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ro.toml");
        fs::write(&path, "old").expect("write");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("chmod");
        let err = write(&path, b"new").expect_err("read-only");
        assert!(err.to_string().contains("read-only"), "{err}");
        assert_eq!(fs::read_to_string(&path).expect("read"), "old");
        let err = write(dir.path(), b"new").expect_err("folder");
        assert!(err.to_string().contains("is a folder"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn writes_to_a_device_in_place() {
        use std::os::unix::fs::FileTypeExt;
        write(Path::new("/dev/null"), b"gone").expect("/dev/null");
        let meta = fs::metadata("/dev/null").expect("meta");
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn temporary_files_of_dead_writers_are_stale() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mine = dir.path().join(format!(
            "{TMP_PREFIX}{}-abc{TMP_SUFFIX}",
            std::process::id()
        ));
        fs::write(&mine, "x").expect("write");
        // No process has pid 4294967295 (above every pid_max).
        let dead = dir
            .path()
            .join(format!("{TMP_PREFIX}4294967295-abc{TMP_SUFFIX}"));
        fs::write(&dead, "x").expect("write");
        if Path::new("/proc/self").exists() {
            assert_eq!(stale_files(dir.path()), vec![dead.clone()]);
            assert!(clean_stale(&[dir.path()]).is_empty());
            assert!(!dead.exists());
        }
        assert!(mine.exists());
    }
}
