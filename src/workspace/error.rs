//! Errors of the workspace core. Validation problems are not errors but
//! [`Diagnostic`]s; these are the operations that failed.

use std::path::PathBuf;

use super::diag::Diagnostic;

/// Why a workspace could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: not a lodestar workspace (no workspace.toml in it)")]
    NotAWorkspace { path: PathBuf },
    #[error("{path}: {reason}")]
    Io { path: PathBuf, reason: String },
    /// Files that cannot be parsed (syntax, encoding, size): nothing can be
    /// edited until they are fixed.
    #[error("{} problem(s) prevent opening the workspace", .0.len())]
    Unreadable(Vec<Diagnostic>),
}

/// Why a save did not happen. In every case the file on disk is untouched.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "{}: changed on disk since it was loaded (git pull? another editor?); not overwriting it",
        path.display()
    )]
    ChangedOnDisk { path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Locked(#[from] super::lock::LockError),
    #[error("{0}")]
    Write(#[from] crate::fsio::WriteError),
    /// The file would grow past [`super::source::MAX_FILE_BYTES`], which
    /// nothing could open again.
    #[error(
        "{}: would be {} MiB, larger than the {} MiB limit for workspace files; not written",
        path.display(),
        bytes.div_ceil(1024 * 1024),
        super::source::MAX_FILE_BYTES / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, bytes: u64 },
}

/// Why an edit was refused. The workspace is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no record with id `{0}` (ids: workspace, training, or any record id)")]
    UnknownId(String),
    #[error("`{field}` is not a field of {what}")]
    UnknownField { what: String, field: String },
    #[error("{field}: {reason}")]
    InvalidValue { field: String, reason: String },
    #[error("{0}")]
    Refused(String),
}
