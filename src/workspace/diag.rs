//! Problems found in a workspace, each pointing at a file, line and column.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem: `file:line:col: severity: message`.
///
/// `line` and `col` are 1-based; 0 means "the whole file" (for example when
/// a file is missing or too large).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        let severity = match self.severity {
            Severity::Error => crate::tr!("check.severity.error"),
            Severity::Warning => crate::tr!("check.severity.warning"),
        };
        write!(f, ": {severity}: {}", self.message)
    }
}

/// Maps byte offsets of a text to 1-based line and column (columns count
/// characters, so a CJK character is one column).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let col = text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (line + 1, col + 1)
    }
}

/// Collects diagnostics for one file, turning byte spans into positions.
pub struct Sink<'a> {
    pub file: PathBuf,
    text: &'a str,
    /// Built when the first message needs a position.
    index: Option<LineIndex>,
    pub out: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    /// `text` is the file as parsed; pass an empty text when positions are
    /// unknown (records edited in memory have no spans).
    pub fn new(file: PathBuf, text: &'a str) -> Self {
        Sink {
            file,
            text,
            index: None,
            out: Vec::new(),
        }
    }

    /// The byte offset of a span in the file; `None` when positions are
    /// unknown.
    pub fn offset_of(&self, span: Option<std::ops::Range<usize>>) -> Option<usize> {
        span.filter(|_| !self.text.is_empty()).map(|s| s.start)
    }

    pub fn position(&mut self, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
        match self.offset_of(span) {
            Some(at) => {
                let text = self.text;
                self.index
                    .get_or_insert_with(|| LineIndex::new(text))
                    .line_col(text, at)
            }
            None => (0, 0),
        }
    }

    pub fn push(
        &mut self,
        severity: Severity,
        span: Option<std::ops::Range<usize>>,
        message: String,
    ) {
        let (line, col) = self.position(span);
        self.out.push(Diagnostic {
            file: self.file.clone(),
            line,
            col,
            severity,
            message,
        });
    }

    pub fn error(&mut self, span: Option<std::ops::Range<usize>>, message: impl Into<String>) {
        self.push(Severity::Error, span, message.into());
    }

    pub fn warning(&mut self, span: Option<std::ops::Range<usize>>, message: impl Into<String>) {
        self.push(Severity::Warning, span, message.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a = 1\n名前 = \"x\"\nb = 2";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        let eq = text
            .find('=')
            .map(|_| text.rfind("= \"x").unwrap_or(0))
            .unwrap_or(0);
        assert_eq!(idx.line_col(text, eq), (2, 4));
        assert_eq!(idx.line_col(text, text.len()), (3, 6));
    }

    #[test]
    fn display_without_position() {
        let d = Diagnostic {
            file: "needs.toml".into(),
            line: 0,
            col: 0,
            severity: Severity::Error,
            message: "missing".into(),
        };
        assert_eq!(d.to_string(), "needs.toml: error: missing");
    }
}
