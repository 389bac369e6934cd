//! One TOML file of a workspace: read safely, split into records, edited
//! record by record, written atomically.
//!
//! The file is kept as text plus the byte range of every record. An edit
//! re-renders only the record it touches (with `toml_edit`, so comments and
//! layout survive) and splices it back; saving writes the text. This keeps
//! edits and saves fast on files with tens of thousands of records.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::diag::{Diagnostic, LineIndex, Severity};
use super::error::SaveError;
use super::node::Node;
use super::schema::{FileKind, RecordKind};

/// Files larger than this are refused: workspace files come from git and are
/// untrusted, and nothing legitimate is this big.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

const BOM: &str = "\u{feff}";

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    /// The text without BOM, line endings as in the file.
    text: String,
    /// Hash of the bytes on disk when loaded or last saved (`None`: no file).
    loaded: Option<blake3::Hash>,
    bom: bool,
    crlf: bool,
    /// Whether the text differs from `base`: set after every edit, so an
    /// edit undone back to the saved text is not "unsaved".
    pub dirty: bool,
    /// The text as loaded or last saved (empty when there is no file).
    base: String,
    /// Byte range of every record in `text`, per kind, in file order.
    records: Vec<(RecordKind, Vec<Range<usize>>)>,
}

/// Why a file could not be read.
pub type ReadResult<T> = Result<T, Diagnostic>;

fn file_error(path: &Path, line: usize, col: usize, message: String) -> Diagnostic {
    Diagnostic {
        file: path.to_path_buf(),
        line,
        col,
        severity: Severity::Error,
        message,
    }
}

/// Read a file's bytes with the size cap.
pub fn read_capped(path: &Path) -> ReadResult<Vec<u8>> {
    let meta = fs::metadata(path)
        .map_err(|e| file_error(path, 0, 0, format!("cannot read: {}", io_reason(&e))))?;
    if !meta.is_file() {
        return Err(file_error(path, 0, 0, "is not a regular file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(file_error(
            path,
            0,
            0,
            format!(
                "file is {} MiB, larger than the {} MiB limit for workspace files; refusing to read it",
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    fs::read(path).map_err(|e| file_error(path, 0, 0, format!("cannot read: {}", io_reason(&e))))
}

/// Decode bytes as UTF-8, naming the line and column of the first bad byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> ReadResult<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = LineIndex::new(&prefix).line_col(&prefix, prefix.len());
        file_error(
            path,
            line,
            col,
            format!(
                "invalid UTF-8 (byte 0x{:02X}); workspace files must be UTF-8 text",
                bytes[valid]
            ),
        )
    })
}

/// A file read and decoded, not yet parsed.
pub struct Loaded {
    pub text: String,
    pub bom: bool,
    pub hash: blake3::Hash,
}

pub fn load(path: &Path) -> ReadResult<Loaded> {
    let bytes = read_capped(path)?;
    let hash = blake3::hash(&bytes);
    let text = decode(path, bytes)?;
    Ok(match text.strip_prefix(BOM) {
        Some(rest) => Loaded {
            text: rest.to_string(),
            bom: true,
            hash,
        },
        None => Loaded {
            text,
            bom: false,
            hash,
        },
    })
}

/// Parse TOML with spans; a syntax error becomes a positioned diagnostic.
pub fn parse<'a>(path: &Path, text: &'a str) -> ReadResult<Spanned<DeTable<'a>>> {
    DeTable::parse(text).map_err(|e| {
        let (line, col) = match e.span() {
            Some(span) => LineIndex::new(text).line_col(text, span.start),
            None => (unspanned_error_line(text), 1),
        };
        let message = e.message().trim().replace('\n', " ");
        file_error(path, line, col, format!("TOML syntax: {message}"))
    })
}

/// The line of a parse error that comes without a position (the parser's
/// recursion limit, hit by a key nested a thousand deep): the first line
/// whose text up to it fails the same way, found by bisection.
fn unspanned_error_line(text: &str) -> usize {
    let ends: Vec<usize> = text
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(text.len()))
        .collect();
    let fails =
        |lines: usize| DeTable::parse(&text[..ends[lines - 1]]).is_err_and(|e| e.span().is_none());
    // Invariant: the first `lo` lines parse (or fail elsewhere), the first
    // `hi` lines fail without a position.
    let (mut lo, mut hi) = (0, ends.len());
    if !fails(hi) {
        return 0;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fails(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// Git's merge conflict markers left in a file: every block from
/// `<<<<<<<` to `>>>>>>>` (markers at the start of a line), each reported
/// at its first line. Checked before TOML parsing, which would only say
/// "key with no value" at the first marker.
pub fn conflict_markers(path: &Path, text: &str) -> Vec<Diagnostic> {
    let marker = |line: &str, c: char| {
        line.len() >= 7
            && line.bytes().take(7).all(|b| b == c as u8)
            && line[7..].chars().next().is_none_or(char::is_whitespace)
    };
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut last = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        last = n;
        if marker(line, '<') && open.is_none() {
            open = Some(n);
        } else if marker(line, '>')
            && let Some(start) = open.take()
        {
            out.push(conflict(path, start, n));
        }
    }
    if let Some(start) = open {
        out.push(conflict(path, start, last));
    }
    out
}

fn conflict(path: &Path, start: usize, end: usize) -> Diagnostic {
    file_error(
        path,
        start,
        1,
        format!(
            "unresolved git merge conflict (lines {start}–{end}: ours vs theirs); keep the right lines and delete the marker lines"
        ),
    )
}

/// Where each record of a parsed file starts and ends.
///
/// A record runs from the comments and blank lines just above its header to
/// the comments above the next header that is not one of its own sub-tables
/// (`[scenario.revenue]` belongs to the `[[scenario]]` above it).
pub fn index_records(
    kind: FileKind,
    text: &str,
    root: &Spanned<DeTable>,
) -> Vec<(RecordKind, Vec<Range<usize>>)> {
    let is_header = |span: &Range<usize>| text.as_bytes().get(span.start) == Some(&b'[');
    // Headers that start a region: records and top-level tables.
    let mut boundaries: Vec<usize> = Vec::new();
    let mut heads: Vec<(RecordKind, usize)> = Vec::new();
    for (key, value) in root.get_ref().iter() {
        let record = kind.records().find(|r| r.key() == key.get_ref().as_ref());
        match (record, value.get_ref()) {
            (Some(rk), DeValue::Array(items)) => {
                for item in items.iter() {
                    if is_header(&item.span()) {
                        boundaries.push(item.span().start);
                        heads.push((rk, item.span().start));
                    }
                }
            }
            (_, DeValue::Table(_)) if is_header(&value.span()) => {
                boundaries.push(value.span().start)
            }
            (_, DeValue::Array(items)) => boundaries.extend(
                items
                    .iter()
                    .map(|i| i.span())
                    .filter(|s| is_header(s))
                    .map(|s| s.start),
            ),
            _ => {}
        }
    }
    boundaries.sort_unstable();
    let starts: Vec<usize> = boundaries.iter().map(|b| lead_start(text, *b)).collect();
    let mut out: Vec<(RecordKind, Vec<Range<usize>>)> =
        kind.records().map(|rk| (rk, Vec::new())).collect();
    heads.sort_by_key(|(_, s)| *s);
    for (rk, head) in heads {
        let Ok(i) = boundaries.binary_search(&head) else {
            continue;
        };
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if let Some((_, ranges)) = out.iter_mut().find(|(k, _)| *k == rk) {
            ranges.push(starts[i]..end);
        }
    }
    out
}

/// Where a record's text starts: the comment lines directly above its
/// header, and the blank lines above those (a comment separated from the
/// header by a blank line, like a file's heading, is not the record's).
pub(crate) fn lead_start(text: &str, pos: usize) -> usize {
    let line_before = |start: usize| text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    let mut start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let mut in_comments = true;
    while start > 0 {
        let prev = line_before(start);
        let line = text[prev..start].trim();
        if in_comments && line.starts_with('#') {
            start = prev;
        } else if line.is_empty() {
            in_comments = false;
            start = prev;
        } else {
            break;
        }
    }
    start
}

impl SourceFile {
    pub fn new(
        kind: FileKind,
        path: PathBuf,
        loaded: Loaded,
        records: Vec<(RecordKind, Vec<Range<usize>>)>,
    ) -> SourceFile {
        SourceFile {
            kind,
            path,
            crlf: loaded.text.contains("\r\n"),
            base: loaded.text.clone(),
            text: loaded.text,
            loaded: Some(loaded.hash),
            bom: loaded.bom,
            dirty: false,
            records,
        }
    }

    /// A file that does not exist yet (created by the first save).
    pub fn missing(kind: FileKind, path: PathBuf) -> SourceFile {
        SourceFile {
            kind,
            path,
            text: String::new(),
            base: String::new(),
            loaded: None,
            bom: false,
            crlf: false,
            dirty: false,
            records: kind.records().map(|rk| (rk, Vec::new())).collect(),
        }
    }

    /// Hash of the file on disk as loaded or last saved.
    pub fn base_hash(&self) -> Option<blake3::Hash> {
        self.loaded
    }

    /// The text as loaded or last saved (empty when there is no file).
    pub fn base_text(&self) -> &str {
        &self.base
    }

    /// Take a freshly read file as the new state (reload after an outside change).
    pub fn reset(&mut self, loaded: Loaded, records: Vec<(RecordKind, Vec<Range<usize>>)>) {
        *self = SourceFile::new(self.kind, self.path.clone(), loaded, records);
    }

    pub fn exists_on_load(&self) -> bool {
        self.loaded.is_some()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The bytes the file saves as (identical to the file when nothing changed).
    pub fn render(&self) -> String {
        if self.bom {
            format!("{BOM}{}", self.text)
        } else {
            self.text.clone()
        }
    }

    fn ranges(&self, kind: RecordKind) -> &[Range<usize>] {
        self.records
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, r)| r.as_slice())
            .unwrap_or(&[])
    }

    pub fn record_count(&self, kind: RecordKind) -> usize {
        self.ranges(kind).len()
    }

    /// The text of one record (with the comments above it).
    pub fn record_text(&self, kind: RecordKind, index: usize) -> Option<&str> {
        let r = self.ranges(kind).get(index)?;
        self.text.get(r.clone())
    }

    /// Byte offset of the line that sets `key` in one record (`key = …` at
    /// the start of a line), or of the record's `[[kind]]` header when no
    /// line does, for messages about that field.
    pub fn field_offset(&self, kind: RecordKind, index: usize, key: &str) -> Option<usize> {
        let range = self.ranges(kind).get(index)?.clone();
        let text = self.text.get(range.clone())?;
        let mut header = None;
        let mut at = range.start;
        for line in text.split_inclusive('\n') {
            let t = line.trim_start();
            let indent = line.len() - t.len();
            if let Some(rest) = t.strip_prefix(key)
                && rest.trim_start().starts_with('=')
            {
                return Some(at + indent);
            }
            if header.is_none() && t.starts_with("[[") {
                header = Some(at + indent);
            }
            at += line.len();
        }
        header.or(Some(range.start))
    }

    /// Convert a text to this file's line endings.
    pub fn native(&self, text: &str) -> String {
        if self.crlf {
            to_crlf(text)
        } else {
            text.to_string()
        }
    }

    /// Replace the whole text (edits of top-level keys); the caller re-indexes.
    pub fn set_text(&mut self, text: String, records: Vec<(RecordKind, Vec<Range<usize>>)>) {
        self.text = text;
        self.records = records;
        self.dirty = self.text != self.base;
    }

    /// Replace `range` of the text and move every record range after it.
    fn splice(&mut self, range: Range<usize>, with: &str) {
        let delta = with.len() as isize - range.len() as isize;
        self.text.replace_range(range.clone(), with);
        for (_, ranges) in &mut self.records {
            for r in ranges.iter_mut() {
                if r.start >= range.end {
                    r.start = (r.start as isize + delta) as usize;
                    r.end = (r.end as isize + delta) as usize;
                } else if r.end >= range.end && r.start <= range.start && !range.is_empty() {
                    r.end = (r.end as isize + delta) as usize;
                }
            }
        }
        self.dirty = self.text != self.base;
    }

    pub fn replace_record(&mut self, kind: RecordKind, index: usize, text: &str) -> bool {
        let Some(range) = self.ranges(kind).get(index).cloned() else {
            return false;
        };
        self.splice(range, text);
        true
    }

    /// Insert a record's text so that it becomes record `index` of its kind.
    pub fn insert_record(&mut self, kind: RecordKind, index: usize, text: &str) {
        let ranges = self.ranges(kind);
        let at = match ranges.get(index) {
            Some(r) => r.start,
            None => match ranges.last() {
                Some(r) => r.end,
                None => {
                    if !self.text.is_empty() && !self.text.ends_with('\n') {
                        let end = self.text.len();
                        let nl = self.native("\n");
                        self.splice(end..end, &nl);
                    }
                    self.text.len()
                }
            },
        };
        // Records from `at` on move behind the new text; then register it.
        self.splice(at..at, text);
        if let Some((_, ranges)) = self.records.iter_mut().find(|(k, _)| *k == kind) {
            let i = index.min(ranges.len());
            ranges.insert(i, at..at + text.len());
            ranges.sort_by_key(|r| r.start);
        }
    }

    /// Remove a record's text; returns it (for undo).
    pub fn remove_record(&mut self, kind: RecordKind, index: usize) -> Option<String> {
        let range = self.ranges(kind).get(index)?.clone();
        let removed = self.text.get(range.clone())?.to_string();
        if let Some((_, ranges)) = self.records.iter_mut().find(|(k, _)| *k == kind) {
            ranges.remove(index);
        }
        self.splice(range, "");
        Some(removed)
    }

    /// Whether the file on disk is still what we loaded.
    pub fn disk_unchanged(&self) -> Result<bool, SaveError> {
        match (fs::read(&self.path), self.loaded) {
            (Ok(bytes), Some(hash)) => Ok(blake3::hash(&bytes) == hash),
            (Ok(_), None) => Ok(false),
            (Err(e), None) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
            (Err(e), Some(_)) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            (Err(e), _) => Err(SaveError::Io {
                path: self.path.clone(),
                source: e,
            }),
        }
    }

    /// Write the text atomically, refusing if the file changed on disk
    /// since it was loaded. Clears `dirty` on success.
    pub fn save(&mut self) -> Result<(), SaveError> {
        if !self.disk_unchanged()? {
            return Err(SaveError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        let bytes = self.render();
        write_in_workspace(&self.path, bytes.as_bytes())?;
        self.loaded = Some(blake3::hash(bytes.as_bytes()));
        self.base = self.text.clone();
        self.dirty = false;
        Ok(())
    }

    /// Accept what is on disk now as the new base (after "keep mine").
    pub fn rebase_on_disk(&mut self) -> Result<(), SaveError> {
        self.loaded = match fs::read(&self.path) {
            Ok(bytes) => {
                // The disk text is the new base: unsaved is what differs from it.
                let text = String::from_utf8_lossy(&bytes);
                self.base = text.strip_prefix(BOM).unwrap_or(&text).to_string();
                self.dirty = self.text != self.base;
                Some(blake3::hash(&bytes))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.base.clear();
                self.dirty = self.text != self.base;
                None
            }
            Err(e) => {
                return Err(SaveError::Io {
                    path: self.path.clone(),
                    source: e,
                });
            }
        };
        Ok(())
    }
}

/// Parse a record's text on its own and hand its table to `f`.
pub fn with_record<T>(kind: RecordKind, text: &str, f: impl FnOnce(Node) -> T) -> Option<T> {
    let doc = text.parse::<toml_edit::DocumentMut>().ok()?;
    let table = doc.get(kind.key())?.as_array_of_tables()?.get(0)?;
    Some(f(Node::Table(table, None)))
}

pub(crate) fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// Write `bytes` to `path` so that a crash leaves either the old or the new
/// file, never a mix (see [`crate::fsio`]: temporary file, fsync, rename;
/// symlinks followed, special files written in place, read-only refused).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    Ok(crate::fsio::write(path, bytes)?)
}

/// [`write_atomic`] for a file of the workspace folder: the temporary file
/// goes into the git-ignored `.lodestar/` (so `git status` never shows one,
/// even after a `kill -9`), and temporary files left by writers that are
/// gone are removed first.
pub fn write_in_workspace(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let root = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = super::recovery::ensure_dir(&root)?;
    let _ = crate::fsio::clean_stale(&[&tmp, &root]);
    Ok(crate::fsio::write_in(path, bytes, Some(&tmp))?)
}

pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_markers_are_found_block_by_block() {
        let at = |text: &str| -> Vec<(usize, String)> {
            conflict_markers(Path::new("r.toml"), text)
                .into_iter()
                .map(|d| (d.line, d.message))
                .collect()
        };
        let text = "a = 1\r\n<<<<<<< HEAD\r\nb = 2\r\n=======\r\nb = 3\r\n>>>>>>> x\r\n\
                    <<<<<<<\nc = 1\n";
        let found = at(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(
            found[0]
                .1
                .starts_with("unresolved git merge conflict (lines 2–6: ours vs theirs)")
        );
        // An unterminated block runs to the end of the file.
        assert_eq!(found[1].0, 7);
        assert!(found[1].1.contains("(lines 7–8: ours vs theirs)"));
        // Not markers: a separator alone, eight signs, a marker inside a line.
        assert!(at("=======\n<<<<<<<< x\nk = \"<<<<<<< y\"\n").is_empty());
    }

    #[test]
    fn errors_without_a_position_get_a_line() {
        let deep = format!("a = 1\nb = 2\n{} = 1\nc = 3\n", vec!["k"; 2000].join("."));
        let d = parse(Path::new("r.toml"), &deep).expect_err("too deep");
        assert_eq!((d.line, d.col), (3, 1), "{d}");
    }

    fn indexed(text: &str) -> Vec<(RecordKind, Vec<Range<usize>>)> {
        let root = parse(Path::new("x.toml"), text).expect("parse");
        index_records(FileKind::Scenarios, text, &root)
    }

    #[test]
    fn records_own_their_comments_and_sub_tables() {
        let text = "# file\n\n# first\n[[scenario]]\nid = \"a\"\n\n[scenario.revenue]\nmodel = \"usage\"\n\n# second\n[[scenario]]\nid = \"b\"\n";
        let idx = indexed(text);
        let ranges = &idx[0].1;
        assert_eq!(ranges.len(), 2);
        assert_eq!(
            &text[ranges[0].clone()],
            "\n# first\n[[scenario]]\nid = \"a\"\n\n[scenario.revenue]\nmodel = \"usage\"\n"
        );
        assert_eq!(
            &text[ranges[1].clone()],
            "\n# second\n[[scenario]]\nid = \"b\"\n"
        );
    }

    #[test]
    fn crlf_conversion_keeps_existing_pairs() {
        assert_eq!(to_crlf("a\r\nb\nc"), "a\r\nb\r\nc");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("risks.toml");
        fs::write(&path, b"a = 1\nb = \"\xff\"\n").expect("write");
        let err = load(&path).err().expect("must fail");
        assert_eq!((err.line, err.col), (2, 6));
        assert!(err.message.contains("invalid UTF-8"), "{}", err.message);
    }
}
