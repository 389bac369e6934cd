//! The workspace: a folder of six TOML files, loaded into typed records,
//! validated, edited in place and saved without losing a byte of formatting.

pub mod check;
pub mod date;
pub mod diag;
pub mod edit;
pub mod error;
pub mod format;
pub mod light;
pub mod model;
pub mod node;
pub mod recovery;
pub mod schema;
pub mod source;
pub mod template;
pub mod validate;

use std::path::{Path, PathBuf};

pub use date::Date;
pub use diag::{Diagnostic, Severity};
pub use edit::{Change, Target};
pub use error::{EditError, OpenError, SaveError};
pub use model::Model;
pub use schema::{FileKind, RecordKind};
pub use source::SourceFile;

use check::{Checker, Collected};
use diag::Sink;
use node::Node;

/// Results of checking one file against the schema.
#[derive(Debug, Default)]
struct FileCheck {
    diagnostics: Vec<Diagnostic>,
    /// In pieces, in file order: large files are checked in parallel
    /// units, and joining them would only copy tens of thousands of links.
    collected: Vec<Collected>,
}

/// An open workspace.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub(crate) files: Vec<SourceFile>,
    checks: Vec<FileCheck>,
    /// Files edited since their last check.
    stale: Vec<bool>,
    /// Counts every change to the model, so views can cache what they derive.
    revision: u64,
    /// The typed view of every file, kept in step with the documents.
    pub model: Model,
}

pub(crate) fn index(kind: FileKind) -> usize {
    FileKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Everything loading one file produces; files load on parallel threads.
struct FileLoad {
    file: SourceFile,
    check: FileCheck,
    model: Model,
}

fn check_root(kind: FileKind, path: &Path, text: &str, root: Node) -> FileCheck {
    let mut sink = Sink::new(path.to_path_buf(), text);
    let collected = {
        let mut checker = Checker::new(&mut sink);
        checker.check_file(kind, root);
        checker.collected
    };
    FileCheck {
        diagnostics: sink.out,
        collected: vec![collected],
    }
}

fn missing_file(kind: FileKind, path: PathBuf) -> FileLoad {
    // Training is optional: a workspace may not train a model.
    let diagnostics = if kind == FileKind::Training {
        Vec::new()
    } else {
        vec![Diagnostic {
            file: path.clone(),
            line: 0,
            col: 0,
            severity: Severity::Warning,
            message: "file is missing; treated as empty (it is created on the first save)".into(),
        }]
    };
    FileLoad {
        file: SourceFile::missing(kind, path),
        check: FileCheck {
            diagnostics,
            collected: Vec::new(),
        },
        model: Model::default(),
    }
}

/// Files of records larger than this are parsed record by record.
const CHUNKED_BYTES: usize = 256 * 1024;

/// Records are parsed, checked and read in units of about this many bytes,
/// handed out to the threads in file order.
const UNIT_BYTES: usize = 64 * 1024;

/// One part of a file: the record kind it holds (none for the file's head)
/// and its byte range.
type Part = (Option<RecordKind>, std::ops::Range<usize>);

/// A file read from disk and, when it is large, split into records; the
/// records are parsed by [`load_units`].
enum Stage {
    Done(Box<Result<FileLoad, Diagnostic>>),
    Split {
        kind: FileKind,
        path: PathBuf,
        loaded: source::Loaded,
        /// Built only when a message needs a position.
        lines: std::sync::OnceLock<diag::LineIndex>,
        parts: Vec<Part>,
    },
}

/// Read one file; parse, check and index it at once unless it is a file of
/// records larger than `chunked_above` bytes, which is split into records.
fn stage_file(kind: FileKind, path: PathBuf, chunked_above: usize) -> Stage {
    if !path.exists() {
        return Stage::Done(Box::new(Ok(missing_file(kind, path))));
    }
    let loaded = match source::load(&path) {
        Ok(loaded) => loaded,
        Err(d) => return Stage::Done(Box::new(Err(d))),
    };
    let parts = if kind.top_fields().is_empty() && loaded.text.len() > chunked_above {
        source::scan_records(kind, &loaded.text)
    } else {
        None
    };
    match parts {
        Some(parts) => Stage::Split {
            kind,
            lines: std::sync::OnceLock::new(),
            path,
            loaded,
            parts,
        },
        None => Stage::Done(Box::new(load_whole(kind, path, loaded))),
    }
}

/// Parse, check and index a whole file in one go.
fn load_whole(
    kind: FileKind,
    path: PathBuf,
    loaded: source::Loaded,
) -> Result<FileLoad, Diagnostic> {
    let root = source::parse(&path, &loaded.text)?;
    let check = check_root(kind, &path, &loaded.text, Node::Root(root.get_ref()));
    let mut model = Model::default();
    model.read_file(kind, Node::Root(root.get_ref()));
    let records = source::index_records(kind, &loaded.text, &root);
    drop(root);
    Ok(file_load(kind, path, loaded, records, check, model))
}

/// The loaded file, with a warning first when it starts with a BOM.
fn file_load(
    kind: FileKind,
    path: PathBuf,
    loaded: source::Loaded,
    records: Records,
    mut check: FileCheck,
    model: Model,
) -> FileLoad {
    if loaded.bom {
        check.diagnostics.insert(0, bom_warning(&path));
    }
    FileLoad {
        file: SourceFile::new(kind, path, loaded, records),
        check,
        model,
    }
}

fn bom_warning(path: &Path) -> Diagnostic {
    Diagnostic {
        file: path.to_path_buf(),
        line: 1,
        col: 1,
        severity: Severity::Warning,
        message: "file starts with a byte-order mark (BOM); it is kept on save, `lodestar fmt` removes it".into(),
    }
}

/// Read, parse, check and index one file.
fn load_file(kind: FileKind, path: PathBuf) -> Result<FileLoad, Diagnostic> {
    load_file_with(kind, path, CHUNKED_BYTES, UNIT_BYTES)
}

/// [`load_file`] with the size above which a file of records is parsed
/// record by record, and the size of the units they are parsed in (tests
/// compare the ways on every fixture).
fn load_file_with(
    kind: FileKind,
    path: PathBuf,
    chunked_above: usize,
    unit_bytes: usize,
) -> Result<FileLoad, Diagnostic> {
    finish(stage_file(kind, path, chunked_above), unit_bytes)
}

type Records = Vec<(RecordKind, Vec<std::ops::Range<usize>>)>;

/// Parse, check and read consecutive parts of one file. Positions are those
/// in the whole file.
fn load_unit(
    kind: FileKind,
    path: &Path,
    text: &str,
    lines: &std::sync::OnceLock<diag::LineIndex>,
    parts: &[Part],
) -> Result<(FileCheck, Model), Diagnostic> {
    let mut sink = Sink::with_lines(path.to_path_buf(), text, lines);
    let mut model = Model::default();
    // One record per part: reserving the room up front saves growing (and
    // copying) the vectors several times per unit.
    model.reserve_records(kind, parts.len());
    let mut scratch = light::Scratch::default();
    let collected = {
        let mut checker = Checker::new(&mut sink);
        checker.collected.ids.reserve(parts.len());
        checker.collected.links.reserve(2 * parts.len());
        for (_, range) in parts {
            let part = &text[range.clone()];
            checker.sink.offset = range.start;
            if let Some(root) = light::parse(part, &mut scratch) {
                checker.check_file(kind, Node::LightRoot(&root));
                model.append_file(kind, Node::LightRoot(&root));
                light::recycle(root, &mut scratch);
                continue;
            }
            let root = toml::de::DeTable::parse(part).map_err(|e| {
                let at = e.span().map(|s| s.start).unwrap_or(0) + range.start;
                let (line, col) = lines
                    .get_or_init(|| diag::LineIndex::new(text))
                    .line_col(text, at);
                Diagnostic {
                    file: path.to_path_buf(),
                    line,
                    col,
                    severity: Severity::Error,
                    message: format!("TOML syntax: {}", e.message().trim().replace('\n', " ")),
                }
            })?;
            checker.sink.offset = range.start;
            checker.check_file(kind, Node::Root(root.get_ref()));
            model.append_file(kind, Node::Root(root.get_ref()));
        }
        checker.collected
    };
    Ok((
        FileCheck {
            diagnostics: sink.out,
            collected: vec![collected],
        },
        model,
    ))
}

/// Finish loading a file: for a split file, parse its records in units of
/// about `unit_bytes` ([`UNIT_BYTES`]) on the threads of the rayon pool, and
/// join the units' results in file order, so the outcome does not depend on
/// the threads.
fn finish(stage: Stage, unit_bytes: usize) -> Result<FileLoad, Diagnostic> {
    use rayon::prelude::*;
    let (kind, path, loaded, lines, parts) = match stage {
        Stage::Done(result) => return *result,
        Stage::Split {
            kind,
            path,
            loaded,
            lines,
            parts,
        } => (kind, path, loaded, lines, parts),
    };
    let mut units: Vec<&[Part]> = Vec::new();
    let (mut first, mut bytes) = (0, 0);
    for (p, (_, range)) in parts.iter().enumerate() {
        bytes += range.len();
        if bytes >= unit_bytes || p + 1 == parts.len() {
            units.push(&parts[first..p + 1]);
            first = p + 1;
            bytes = 0;
        }
    }
    let results: Vec<Result<(FileCheck, Model), Diagnostic>> = units
        .par_iter()
        .map(|unit| load_unit(kind, &path, &loaded.text, &lines, unit))
        .collect();
    // The first problem in file order, whichever thread found it first.
    let pieces: Vec<(FileCheck, Model)> = results.into_iter().collect::<Result<_, _>>()?;
    drop(lines);
    let (checks, models): (Vec<FileCheck>, Vec<Model>) = pieces.into_iter().unzip();
    let mut check = FileCheck::default();
    for piece in checks {
        check.diagnostics.extend(piece.diagnostics);
        check.collected.extend(piece.collected);
    }
    let model = Model::concat_file(kind, models);
    let mut records: Records = kind.records().map(|rk| (rk, Vec::new())).collect();
    for (rk, range) in parts {
        if let Some(rk) = rk
            && let Some((_, ranges)) = records.iter_mut().find(|(k, _)| *k == rk)
        {
            ranges.push(range);
        }
    }
    Ok(file_load(kind, path, loaded, records, check, model))
}

/// Load every file, in parallel, and the records of large files in
/// parallel units (rayon's work stealing mixes the two). Parse trees live
/// only for one record (or one small file), so memory stays near the size
/// of the model.
fn load_all(root: &Path) -> Vec<Result<FileLoad, Diagnostic>> {
    use rayon::prelude::*;
    FileKind::ALL
        .par_iter()
        .map(|&kind| {
            let stage = stage_file(kind, root.join(kind.file_name()), CHUNKED_BYTES);
            finish(stage, UNIT_BYTES)
        })
        .collect()
}

impl Workspace {
    /// Open the workspace in `dir`. Files that cannot be read or parsed make
    /// this fail with every such problem listed; validation problems do not
    /// (see [`Workspace::diagnostics`]).
    pub fn open(dir: impl AsRef<Path>) -> Result<Workspace, OpenError> {
        let root = dir.as_ref().to_path_buf();
        if !root.is_dir() {
            return Err(OpenError::Io {
                path: root,
                reason: "no such folder".into(),
            });
        }
        if !root.join(FileKind::Workspace.file_name()).exists() {
            return Err(OpenError::NotAWorkspace { path: root });
        }
        // Files are independent until cross-file validation: load them in parallel.
        let results = load_all(&root);
        let mut files = Vec::new();
        let mut checks = Vec::new();
        let mut model = Model::default();
        let mut unreadable = Vec::new();
        for (kind, result) in FileKind::ALL.into_iter().zip(results) {
            match result {
                Ok(load) => {
                    files.push(load.file);
                    checks.push(load.check);
                    model.take_file(kind, load.model);
                }
                Err(d) => {
                    unreadable.push(d);
                    files.push(SourceFile::missing(kind, root.join(kind.file_name())));
                    checks.push(FileCheck::default());
                }
            }
        }
        if !unreadable.is_empty() {
            for c in checks {
                unreadable.extend(
                    c.diagnostics
                        .into_iter()
                        .filter(|d| d.line > 0 || d.is_error()),
                );
            }
            return Err(OpenError::Unreadable(unreadable));
        }
        Ok(Workspace {
            root,
            files,
            checks,
            stale: vec![false; FileKind::ALL.len()],
            revision: 0,
            model,
        })
    }

    pub fn file(&self, kind: FileKind) -> &SourceFile {
        &self.files[index(kind)]
    }

    pub(crate) fn file_mut(&mut self, kind: FileKind) -> &mut SourceFile {
        &mut self.files[index(kind)]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// Every problem: per-file schema checks and cross-file validation,
    /// sorted by file and position.
    pub fn diagnostics(&mut self) -> Vec<Diagnostic> {
        for kind in FileKind::ALL {
            if self.stale[index(kind)] {
                self.recheck(kind);
            }
        }
        let mut out: Vec<Diagnostic> = self
            .checks
            .iter()
            .flat_map(|c| c.diagnostics.iter().cloned())
            .collect();
        let collected: Vec<(FileKind, PathBuf, &str, &[Collected])> = self
            .files
            .iter()
            .zip(&self.checks)
            .map(|(f, c)| (f.kind, f.path.clone(), f.text(), c.collected.as_slice()))
            .collect();
        for mut d in validate::validate(&self.root, &collected, &self.model) {
            if d.file.as_os_str().is_empty() {
                d.file = self.root.clone();
            } else if d.file.parent().is_none_or(|p| p.as_os_str().is_empty()) {
                d.file = self.root.join(&d.file);
            }
            out.push(d);
        }
        out.sort_by(|a, b| {
            (
                index_of_path(&self.files, &a.file),
                a.line,
                a.col,
                a.severity,
            )
                .cmp(&(
                    index_of_path(&self.files, &b.file),
                    b.line,
                    b.col,
                    b.severity,
                ))
        });
        out.dedup();
        out
    }

    /// Re-check one file after edits (re-parses its rendered text so that
    /// positions are exact).
    pub fn recheck(&mut self, kind: FileKind) {
        let f = &self.files[index(kind)];
        let text = f.text();
        let check = match source::parse(&f.path, text) {
            Ok(root) => check_root(kind, &f.path, text, Node::Root(root.get_ref())),
            Err(d) => FileCheck {
                diagnostics: vec![d],
                collected: Vec::new(),
            },
        };
        self.checks[index(kind)] = check;
        self.stale[index(kind)] = false;
    }

    pub(crate) fn mark_stale(&mut self, kind: FileKind) {
        self.stale[index(kind)] = true;
        self.revision += 1;
    }

    /// Changes with every edit, undo, reload or restore of the model.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Files with unsaved edits.
    pub fn dirty_files(&self) -> Vec<FileKind> {
        self.files
            .iter()
            .filter(|f| f.dirty)
            .map(|f| f.kind)
            .collect()
    }

    pub fn is_dirty(&self) -> bool {
        self.files.iter().any(|f| f.dirty)
    }

    /// Save every edited file (and only those). Stops at the first file that
    /// cannot be saved; files saved before it stay saved.
    pub fn save(&mut self) -> Result<Vec<FileKind>, SaveError> {
        let mut saved = Vec::new();
        // Check every dirty file for outside changes first, so that a
        // conflict in one file does not leave a half-saved workspace.
        for f in self.files.iter().filter(|f| f.dirty) {
            if !f.disk_unchanged()? {
                return Err(SaveError::ChangedOnDisk {
                    path: f.path.clone(),
                });
            }
        }
        for f in self.files.iter_mut().filter(|f| f.dirty) {
            f.save()?;
            saved.push(f.kind);
        }
        Ok(saved)
    }

    /// Files whose content on disk differs from what was loaded or last saved.
    pub fn changed_on_disk(&self) -> Vec<FileKind> {
        self.files
            .iter()
            .filter(|f| !matches!(f.disk_unchanged(), Ok(true)))
            .map(|f| f.kind)
            .collect()
    }

    /// Re-read one file from disk (after an outside change), dropping any
    /// unsaved edits to it.
    pub fn reload_file(&mut self, kind: FileKind) -> Result<(), Diagnostic> {
        let path = self.file(kind).path.clone();
        let load = load_file(kind, path)?;
        self.model.take_file(kind, load.model);
        self.files[index(kind)] = load.file;
        self.checks[index(kind)] = load.check;
        self.stale[index(kind)] = false;
        self.revision += 1;
        Ok(())
    }

    /// Take the file on disk as the base for the next save ("keep mine").
    pub fn rebase_on_disk(&mut self, kind: FileKind) -> Result<(), SaveError> {
        self.file_mut(kind).rebase_on_disk()
    }

    /// Display name.
    pub fn name(&self) -> &str {
        if self.model.settings.name.is_empty() {
            self.root
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("workspace")
        } else {
            &self.model.settings.name
        }
    }
}

fn index_of_path(files: &[SourceFile], path: &Path) -> usize {
    files
        .iter()
        .position(|f| f.path == path)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(
        r: Result<FileLoad, Diagnostic>,
    ) -> Result<(Vec<Diagnostic>, Model, String), (usize, usize)> {
        match r {
            Ok(load) => {
                let mut diags = load.check.diagnostics;
                diags.sort_by_key(|d| (d.line, d.col, d.message.clone()));
                let ranges: Vec<String> = load
                    .file
                    .records_debug()
                    .into_iter()
                    .map(|(k, r)| format!("{k:?}{r:?}"))
                    .collect();
                Ok((diags, load.model, ranges.join(";")))
            }
            Err(d) => Err((d.line, d.col)),
        }
    }

    /// Parsing record by record gives exactly what parsing the whole file
    /// gives: problems, positions, records and their ranges.
    #[test]
    fn record_by_record_matches_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![
            root.join("workspaces/example"),
            root.join("workspaces/zh-example"),
        ];
        if let Ok(entries) = std::fs::read_dir(root.join("tests/fixtures/broken")) {
            dirs.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_dir()),
            );
        }
        let mut compared = 0;
        for dir in dirs {
            for kind in FileKind::ALL {
                let path = dir.join(kind.file_name());
                let whole = summary(load_file_with(kind, path.clone(), usize::MAX, UNIT_BYTES));
                for unit in [0, 300, UNIT_BYTES] {
                    let parts = summary(load_file_with(kind, path.clone(), 0, unit));
                    match (&whole, &parts) {
                        (Ok(w), Ok(p)) => {
                            assert_eq!(w.0, p.0, "{}", path.display());
                            assert_eq!(w.1, p.1, "{}", path.display());
                            assert_eq!(w.2, p.2, "{}", path.display());
                        }
                        (Err(w), Err(p)) => {
                            assert_eq!(w.0, p.0, "{}: error on another line", path.display())
                        }
                        _ => panic!(
                            "{}: whole {:?} vs parts {:?}",
                            path.display(),
                            whole.is_ok(),
                            parts.is_ok()
                        ),
                    }
                }
                compared += 1;
            }
        }
        assert!(compared > 100);
    }

    /// Text that is not valid TOML outside strings (a non-ASCII bare key,
    /// stray bytes) must not trip the scanner, whatever the file's size.
    #[test]
    fn scanner_survives_non_ascii_outside_strings() {
        for text in [
            "[[risk]]\né = 1\n",
            "[[risk]]\nid = \"a\" é [ ü\n[[risk]]\n",
            "é[[risk]]\n",
            "[[risk]]\nx = [ \"a\", ü ]\n",
        ] {
            let _ = source::scan_records(FileKind::Risks, text);
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("risks.toml");
            std::fs::write(&path, text).expect("write");
            assert!(
                load_file_with(FileKind::Risks, path, 0, 0).is_err(),
                "{text}"
            );
        }
        let _ = source::scan_records(FileKind::Risks, "\u{feff}[[risk]]\n# ü\n");
    }

    #[test]
    fn scanner_skips_brackets_inside_strings_and_arrays() {
        let text = "# head\n\n[[risk]]\nid = \"a\"\nnotes = \"\"\"\n[[risk]]\nnot a header\n\"\"\"\ntags = [\n  \"x\",\n]\n\n# b\n[[risk]]\nid = 'b'\nq = '''\n[x]\n'''\n";
        let parts = source::scan_records(FileKind::Risks, text).expect("scans");
        assert_eq!(parts.len(), 3);
        assert_eq!(&text[parts[0].1.clone()], "# head\n");
        assert!(text[parts[1].1.clone()].contains("not a header"));
        assert!(text[parts[2].1.clone()].starts_with("\n# b\n[[risk]]"));
        // A top-level table the scanner cannot place: fall back to a whole parse.
        assert!(source::scan_records(FileKind::Risks, "[x]\na = 1\n").is_none());
    }
}
