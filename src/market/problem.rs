//! Problems found while reading a CSV file, each pointing at a file and line.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem: `file:line: message`. `line` is 1-based; 0 means the whole
/// file (it is then left out of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: u64,
    pub message: String,
}

impl Problem {
    pub fn new(file: &Path, line: u64, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

/// How many row problems are kept per file; the rest are only counted, so a
/// file with a million bad rows does not need a million messages in memory.
pub const KEPT_PROBLEMS: usize = 20;

/// Row problems of one file, the first [`KEPT_PROBLEMS`] kept in full.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub kept: Vec<Problem>,
    /// Problems beyond the kept ones.
    pub more: u64,
}

impl Problems {
    pub fn push(&mut self, p: Problem) {
        if self.kept.len() < KEPT_PROBLEMS {
            self.kept.push(p);
        } else {
            self.more += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.more == 0
    }

    /// Every kept problem, plus one line counting the rest.
    pub fn into_list(self, file: &Path) -> Vec<Problem> {
        let mut out = self.kept;
        if self.more > 0 {
            out.push(Problem::new(
                file,
                0,
                format!("… and {} more row problems like these", self.more),
            ));
        }
        out
    }
}
