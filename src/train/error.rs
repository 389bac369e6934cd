//! Errors of the trainer. Data problems carry the file and line they are on.

use std::path::PathBuf;

/// A problem in a data file, reported as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct DataError {
    pub file: PathBuf,
    /// 1-based line; 1 for problems of the whole file or its header.
    pub line: u64,
    pub message: String,
}

impl DataError {
    pub fn new(file: impl Into<PathBuf>, line: u64, message: impl Into<String>) -> DataError {
        DataError {
            file: file.into(),
            line: line.max(1),
            message: message.into(),
        }
    }
}

/// Why training, loading a run or predicting failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error(transparent)]
    Data(#[from] DataError),
    /// A setting that cannot be used (training.toml or a command-line override).
    #[error("{0}")]
    Config(String),
    /// The requested device cannot be used.
    #[error("{0}")]
    Device(String),
    /// The loss became NaN or infinite.
    #[error("{0}")]
    Diverged(String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A saved run is incomplete or does not match this version.
    #[error("{0}")]
    Run(String),
    #[error("tensor backend: {0}")]
    Candle(#[from] candle_core::Error),
    /// An output file could not be written (the old one is untouched).
    #[error("{0}")]
    Write(#[from] crate::fsio::WriteError),
}

impl TrainError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> TrainError {
        TrainError::Io {
            path: path.into(),
            source,
        }
    }

    /// Problems the user fixes in the workspace or its data (exit status 1),
    /// as opposed to failures of the machine (exit status 2).
    pub fn is_user_problem(&self) -> bool {
        matches!(
            self,
            TrainError::Data(_)
                | TrainError::Config(_)
                | TrainError::Diverged(_)
                | TrainError::Run(_)
        )
    }
}
