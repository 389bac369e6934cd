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
        write!(f, ": {}: {}", self.severity, self.message)
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
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        self.column(text, offset, line)
    }

    /// The 0-based line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// [`LineIndex::line_col`] for offsets that mostly increase: looks in
    /// the few lines from the one of the previous call (`hint`) before
    /// searching all the lines.
    pub fn line_col_from(&self, text: &str, offset: usize, hint: &mut usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let from = (*hint).min(self.starts.len() - 1);
        let line = if self.starts[from] <= offset {
            let window = &self.starts[from..self.starts.len().min(from + 16)];
            match window.iter().rposition(|&s| s <= offset) {
                Some(i) if i + 1 < window.len() => from + i,
                _ => self.line_of(offset),
            }
        } else {
            self.line_of(offset)
        };
        *hint = line;
        self.column(text, offset, line)
    }

    fn column(&self, text: &str, offset: usize, line: usize) -> (usize, usize) {
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
    index: Option<std::borrow::Cow<'a, LineIndex>>,
    /// An index shared with the other threads checking parts of the file,
    /// built by the first that needs a position.
    shared: Option<&'a std::sync::OnceLock<LineIndex>>,
    pub out: Vec<Diagnostic>,
    /// Added to every span: the start of the part of `text` being checked
    /// (records are parsed one at a time).
    pub offset: usize,
    /// The line of the last position asked for (positions mostly increase).
    line_hint: usize,
}

impl<'a> Sink<'a> {
    /// `text` is the file as parsed; pass an empty text when positions are
    /// unknown (records edited in memory have no spans).
    pub fn new(file: PathBuf, text: &'a str) -> Self {
        Sink {
            file,
            text,
            index: None,
            shared: None,
            out: Vec::new(),
            offset: 0,
            line_hint: 0,
        }
    }

    /// A sink whose index of `text`'s lines is shared by the threads that
    /// check parts of one file, and built only when a message needs it.
    pub fn with_lines(
        file: PathBuf,
        text: &'a str,
        lines: &'a std::sync::OnceLock<LineIndex>,
    ) -> Self {
        Sink {
            shared: Some(lines),
            ..Sink::new(file, text)
        }
    }

    /// The byte offset in the whole file of a span of the part being
    /// checked; `None` when positions are unknown.
    pub fn offset_of(&self, span: Option<std::ops::Range<usize>>) -> Option<usize> {
        match span {
            Some(span) if !self.text.is_empty() => Some(span.start + self.offset),
            _ => None,
        }
    }

    pub fn position(&mut self, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
        match span {
            Some(span) if !self.text.is_empty() => {
                let text = self.text;
                if self.index.is_none() {
                    self.index = Some(match self.shared {
                        Some(shared) => {
                            std::borrow::Cow::Borrowed(shared.get_or_init(|| LineIndex::new(text)))
                        }
                        None => std::borrow::Cow::Owned(LineIndex::new(text)),
                    });
                }
                let Some(index) = &self.index else {
                    return (0, 0);
                };
                index.line_col_from(text, span.start + self.offset, &mut self.line_hint)
            }
            _ => (0, 0),
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
    fn line_col_from_a_hint_agrees_with_a_search() {
        let text: String = (0..200)
            .map(|i| format!("{}é\n", "x".repeat(i % 7)))
            .collect();
        let idx = LineIndex::new(&text);
        let mut hint = 0;
        // Increasing, jumping back, jumping far ahead, past the end.
        let mut offsets: Vec<usize> = (0..text.len()).step_by(3).collect();
        offsets.extend([5, 900, 2, text.len(), text.len() + 10, 0]);
        for offset in offsets {
            let offset = (0..=offset.min(text.len()))
                .rev()
                .find(|&o| text.is_char_boundary(o))
                .unwrap_or(0);
            assert_eq!(
                idx.line_col_from(&text, offset, &mut hint),
                idx.line_col(&text, offset),
                "offset {offset}"
            );
        }
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
