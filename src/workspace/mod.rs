//! The workspace: a folder of six TOML files, loaded into typed records,
//! validated, edited in place and saved without losing a byte of formatting.

pub mod check;
pub mod date;
pub mod diag;
pub mod edit;
pub mod error;
pub mod format;
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
    collected: Collected,
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
        collected,
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
            collected: Collected::default(),
        },
        model: Model::default(),
    }
}

/// Files of records larger than this are parsed record by record.
const CHUNKED_BYTES: usize = 256 * 1024;

/// Read, parse, check and index one file.
fn load_file(kind: FileKind, path: PathBuf) -> Result<FileLoad, Diagnostic> {
    load_file_with(kind, path, CHUNKED_BYTES)
}

/// [`load_file`] with the size above which a file of records is parsed
/// record by record (tests compare both ways on every fixture).
fn load_file_with(
    kind: FileKind,
    path: PathBuf,
    chunked_above: usize,
) -> Result<FileLoad, Diagnostic> {
    if !path.exists() {
        return Ok(missing_file(kind, path));
    }
    let loaded = source::load(&path)?;
    let parts = if kind.top_fields().is_empty() && loaded.text.len() > chunked_above {
        source::scan_records(kind, &loaded.text)
    } else {
        None
    };
    let (mut check, model, records) = match parts {
        Some(parts) => load_parts(kind, &path, &loaded.text, &parts)?,
        None => {
            let root = source::parse(&path, &loaded.text)?;
            let check = check_root(kind, &path, &loaded.text, Node::Root(root.get_ref()));
            let mut model = Model::default();
            model.read_file(kind, Node::Root(root.get_ref()));
            let records = source::index_records(kind, &loaded.text, &root);
            (check, model, records)
        }
    };
    if loaded.bom {
        check.diagnostics.insert(
            0,
            Diagnostic {
                file: path.clone(),
                line: 1,
                col: 1,
                severity: Severity::Warning,
                message: "file starts with a byte-order mark (BOM); it is kept on save, `lodestar fmt` removes it".into(),
            },
        );
    }
    Ok(FileLoad {
        file: SourceFile::new(kind, path, loaded, records),
        check,
        model,
    })
}

type Records = Vec<(RecordKind, Vec<std::ops::Range<usize>>)>;

/// Parse, check and read a file part by part (see `source::scan_records`),
/// the two halves on two threads. Positions are those in the whole file.
fn load_parts(
    kind: FileKind,
    path: &Path,
    text: &str,
    parts: &[(Option<RecordKind>, std::ops::Range<usize>)],
) -> Result<(FileCheck, Model, Records), Diagnostic> {
    let run = |parts: &[(Option<RecordKind>, std::ops::Range<usize>)]| -> Result<(FileCheck, Model), Diagnostic> {
        let mut sink = Sink::new(path.to_path_buf(), text);
        let mut model = Model::default();
        let collected = {
            let mut checker = Checker::new(&mut sink);
            for (_, range) in parts {
                let part = &text[range.clone()];
                let root = toml::de::DeTable::parse(part).map_err(|e| {
                    let at = e.span().map(|s| s.start).unwrap_or(0) + range.start;
                    let (line, col) = diag::LineIndex::new(text).line_col(text, at);
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
                let mut piece = Model::default();
                piece.read_file(kind, Node::Root(root.get_ref()));
                model.extend_file(kind, piece);
            }
            checker.collected
        };
        Ok((FileCheck { diagnostics: sink.out, collected }, model))
    };
    let (first, second) = parts.split_at(parts.len() / 2);
    let (a, b) = std::thread::scope(|scope| {
        let other = scope.spawn(|| run(second));
        let mine = run(first);
        (mine, other.join())
    });
    let (mut check, mut model) = a?;
    let (check_b, model_b) = match b {
        Ok(r) => r?,
        Err(_) => {
            return Err(Diagnostic {
                file: path.to_path_buf(),
                line: 0,
                col: 0,
                severity: Severity::Error,
                message: "internal error while reading this file (please report it)".into(),
            });
        }
    };
    check.diagnostics.extend(check_b.diagnostics);
    check.collected.ids.extend(check_b.collected.ids);
    check.collected.links.extend(check_b.collected.links);
    check.collected.paths.extend(check_b.collected.paths);
    model.extend_file(kind, model_b);
    let mut records: Records = kind.records().map(|rk| (rk, Vec::new())).collect();
    for (rk, range) in parts {
        if let Some(rk) = rk
            && let Some((_, ranges)) = records.iter_mut().find(|(k, _)| k == rk)
        {
            ranges.push(range.clone());
        }
    }
    Ok((check, model, records))
}

/// Parse trees take several times the size of their file, so files are
/// loaded in parallel only while the bytes in flight stay under this budget.
const PARALLEL_BYTES: u64 = 4 * 1024 * 1024;

/// Load every file, on two threads while the files are small, one at a
/// time when they are large (bounding peak memory).
fn load_all(root: &Path) -> Vec<Result<FileLoad, Diagnostic>> {
    use std::sync::Mutex;
    let sizes: Vec<u64> = FileKind::ALL
        .iter()
        .map(|k| {
            std::fs::metadata(root.join(k.file_name()))
                .map(|m| m.len())
                .unwrap_or(0)
        })
        .collect();
    // Largest first, so the small files fill in beside the big ones.
    let mut order: Vec<usize> = (0..FileKind::ALL.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let queue = Mutex::new((order, 0u64));
    let wake = std::sync::Condvar::new();
    let results: Mutex<Vec<Option<Result<FileLoad, Diagnostic>>>> =
        Mutex::new((0..FileKind::ALL.len()).map(|_| None).collect());
    let worker = || {
        loop {
            let i = {
                let Ok(mut q) = queue.lock() else { return };
                loop {
                    let (pending, in_flight) = &mut *q;
                    let Some(pos) = pending
                        .iter()
                        .position(|&i| *in_flight == 0 || *in_flight + sizes[i] <= PARALLEL_BYTES)
                    else {
                        if pending.is_empty() {
                            return;
                        }
                        q = match wake.wait(q) {
                            Ok(q) => q,
                            Err(_) => return,
                        };
                        continue;
                    };
                    let i = pending.remove(pos);
                    *in_flight += sizes[i];
                    break i;
                }
            };
            let kind = FileKind::ALL[i];
            let result = load_file(kind, root.join(kind.file_name()));
            if let Ok(mut r) = results.lock() {
                r[i] = Some(result);
            }
            if let Ok(mut q) = queue.lock() {
                q.1 -= sizes[i];
            }
            wake.notify_all();
        }
    };
    std::thread::scope(|scope| {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(2);
        for _ in 1..threads {
            scope.spawn(worker);
        }
        worker();
    });
    let results = results.into_inner().unwrap_or_default();
    FileKind::ALL
        .iter()
        .zip(results)
        .map(|(kind, r)| {
            r.unwrap_or_else(|| {
                Err(Diagnostic {
                    file: root.join(kind.file_name()),
                    line: 0,
                    col: 0,
                    severity: Severity::Error,
                    message: "internal error while reading this file (please report it)".into(),
                })
            })
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
        let collected: Vec<(FileKind, PathBuf, &Collected)> = self
            .files
            .iter()
            .zip(&self.checks)
            .map(|(f, c)| (f.kind, f.path.clone(), &c.collected))
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
                collected: Collected::default(),
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
                let whole = summary(load_file_with(kind, path.clone(), usize::MAX));
                let parts = summary(load_file_with(kind, path.clone(), 0));
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
                compared += 1;
            }
        }
        assert!(compared > 100);
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
