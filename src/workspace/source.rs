//! One TOML file of a workspace: read safely, edited in place, written atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use super::diag::{Diagnostic, LineIndex, Severity};
use super::error::SaveError;
use super::schema::FileKind;

/// Files larger than this are refused: workspace files come from git and are
/// untrusted, and nothing legitimate is this big.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

const BOM: &str = "\u{feff}";

/// The text of a file that decoded and parsed, with what is needed to write
/// it back exactly as it was.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub kind: FileKind,
    pub path: PathBuf,
    /// The document being edited.
    pub doc: DocumentMut,
    /// Bytes on disk when loaded (`None`: the file did not exist).
    loaded: Option<blake3::Hash>,
    bom: bool,
    crlf: bool,
    /// Set by every edit; cleared by a successful save.
    pub dirty: bool,
}

/// Why a file could not be read into a document.
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

/// A parse of a file: the text (BOM removed) and the spanned document.
pub struct Parsed {
    pub text: String,
    pub doc: toml_edit::Document<String>,
    pub bom: bool,
    pub crlf: bool,
    pub hash: blake3::Hash,
}

/// Read, decode and parse a TOML file; every failure is a positioned diagnostic.
pub fn parse_file(path: &Path) -> ReadResult<Parsed> {
    let bytes = read_capped(path)?;
    let hash = blake3::hash(&bytes);
    let text = decode(path, bytes)?;
    parse_text(path, text, hash)
}

pub fn parse_text(path: &Path, text: String, hash: blake3::Hash) -> ReadResult<Parsed> {
    let (bom, text) = match text.strip_prefix(BOM) {
        Some(rest) => (true, rest.to_string()),
        None => (false, text),
    };
    let crlf = text.contains("\r\n");
    match toml_edit::Document::parse(text.clone()) {
        Ok(doc) => Ok(Parsed {
            text,
            doc,
            bom,
            crlf,
            hash,
        }),
        Err(e) => {
            let (line, col) = match e.span() {
                Some(span) => LineIndex::new(&text).line_col(&text, span.start),
                None => (0, 0),
            };
            let message = e.message().trim().replace('\n', " ");
            Err(file_error(
                path,
                line,
                col,
                format!("TOML syntax: {message}"),
            ))
        }
    }
}

impl SourceFile {
    pub fn from_parsed(kind: FileKind, path: PathBuf, parsed: Parsed) -> SourceFile {
        SourceFile {
            kind,
            path,
            doc: parsed.doc.into_mut(),
            loaded: Some(parsed.hash),
            bom: parsed.bom,
            crlf: parsed.crlf,
            dirty: false,
        }
    }

    /// A file that does not exist yet (created by the first save).
    pub fn missing(kind: FileKind, path: PathBuf) -> SourceFile {
        SourceFile {
            kind,
            path,
            doc: DocumentMut::new(),
            loaded: None,
            bom: false,
            crlf: false,
            dirty: false,
        }
    }

    pub fn exists_on_load(&self) -> bool {
        self.loaded.is_some()
    }

    /// The text the document saves as (byte-identical to the file when nothing changed).
    pub fn render(&self) -> String {
        let mut text = self.doc.to_string();
        if self.crlf {
            text = to_crlf(&text);
        }
        if self.bom {
            text.insert_str(0, BOM);
        }
        text
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

    /// Write the document atomically, refusing if the file changed on disk
    /// since it was loaded. Clears `dirty` on success.
    pub fn save(&mut self) -> Result<(), SaveError> {
        if !self.disk_unchanged()? {
            return Err(SaveError::ChangedOnDisk {
                path: self.path.clone(),
            });
        }
        let text = self.render();
        write_atomic(&self.path, text.as_bytes())?;
        self.loaded = Some(blake3::hash(text.as_bytes()));
        self.dirty = false;
        Ok(())
    }

    /// Accept what is on disk now as the new base (after "keep mine").
    pub fn rebase_on_disk(&mut self) -> Result<(), SaveError> {
        self.loaded = match fs::read(&self.path) {
            Ok(bytes) => Some(blake3::hash(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
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

fn to_crlf(text: &str) -> String {
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
/// file, never a mix: a temporary file in the same folder, fsync, rename over
/// the target, fsync the folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".lodestar-save-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    if let Ok(meta) = fs::metadata(path) {
        // Keep the permissions the file had.
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    if let Ok(d) = fs::File::open(&dir) {
        // Not every platform can fsync a directory; the rename is done either way.
        let _ = d.sync_all();
    }
    Ok(())
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
    fn crlf_conversion_keeps_existing_pairs() {
        assert_eq!(to_crlf("a\r\nb\nc"), "a\r\nb\r\nc");
    }

    #[test]
    fn bom_and_crlf_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("needs.toml");
        let text = "\u{feff}# c\r\n[[need]]\r\nid = \"need-001\" # x\r\n";
        fs::write(&path, text).expect("write");
        let parsed = parse_file(&path).expect("parse");
        let file = SourceFile::from_parsed(FileKind::Needs, path.clone(), parsed);
        assert_eq!(file.render(), text);
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("risks.toml");
        fs::write(&path, b"a = 1\nb = \"\xff\"\n").expect("write");
        let err = parse_file(&path).err().expect("must fail");
        assert_eq!((err.line, err.col), (2, 6));
        assert!(err.message.contains("invalid UTF-8"), "{}", err.message);
    }
}
