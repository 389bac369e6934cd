//! Problems found while reading a CSV file, each pointing at a file and line.

use std::fmt;
use std::fs::File;
use std::io::Read;
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

/// Problems of one file while it is being read, located by byte offset
/// (`None`: the whole file). Line numbers are worked out once at the end by
/// [`lines_at`]: the csv crate's own line numbers skip blank lines and count
/// CRLF files wrongly, and counting every line ourselves would slow the hot
/// loop down for the rare file that has problems.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowProblems {
    kept: Vec<(Option<u64>, String)>,
    /// Problems beyond the kept ones.
    more: u64,
}

impl RowProblems {
    /// Add a row problem; `message` is only called for the kept ones, so a
    /// file with a million bad rows words twenty of them.
    pub fn push(&mut self, offset: u64, message: impl FnOnce() -> String) {
        if self.kept.len() < KEPT_PROBLEMS {
            self.kept.push((Some(offset), message()));
        } else {
            self.more += 1;
        }
    }

    /// Resolve line numbers and turn everything into [`Problem`]s: the kept
    /// row problems, a line counting the rest, then `notes` (never capped).
    pub fn finish(mut self, path: &Path, notes: Vec<(Option<u64>, String)>) -> Vec<Problem> {
        if self.more > 0 {
            self.kept
                .push((None, crate::tr!("market.data.more_rows", n = self.more)));
        }
        self.kept.extend(notes);
        let offsets: Vec<u64> = self.kept.iter().filter_map(|(o, _)| *o).collect();
        let mut lines = lines_at(path, &offsets).into_iter();
        self.kept
            .into_iter()
            .map(|(o, m)| {
                let line = if o.is_some() {
                    lines.next().unwrap_or(0)
                } else {
                    0
                };
                Problem::new(path, line, m)
            })
            .collect()
    }
}

/// The 1-based line on which the record found by scanning from each byte
/// offset starts (line breaks right at the offset are skipped, as the csv
/// reader skips blank lines). One pass over the file, stopping after the
/// last offset; 0 for an offset that cannot be read.
pub fn lines_at(path: &Path, offsets: &[u64]) -> Vec<u64> {
    let mut result = vec![0u64; offsets.len()];
    if offsets.is_empty() {
        return result;
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|i| offsets[*i]);
    let Ok(mut file) = File::open(path) else {
        return result;
    };
    let mut buf = vec![0u8; 1 << 16];
    let (mut base, mut line, mut next) = (0u64, 1u64, 0usize);
    let mut waiting: Vec<usize> = Vec::new();
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        for (i, &b) in buf[..n].iter().enumerate() {
            let pos = base + i as u64;
            while next < order.len() && offsets[order[next]] <= pos {
                waiting.push(order[next]);
                next += 1;
            }
            if !waiting.is_empty() && b != b'\n' && b != b'\r' {
                for k in waiting.drain(..) {
                    result[k] = line;
                }
                if next == order.len() {
                    return result;
                }
            }
            if b == b'\n' {
                line += 1;
            }
        }
        base += n as u64;
    }
    // Offsets at the very end (after the last line break).
    for k in waiting.into_iter().chain(order[next..].iter().copied()) {
        result[k] = line;
    }
    result
}
