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

/// Read, parse, check and index one file.
fn load_file(kind: FileKind, path: PathBuf) -> Result<FileLoad, Diagnostic> {
    if !path.exists() {
        return Ok(missing_file(kind, path));
    }
    let loaded = source::load(&path)?;
    let root = source::parse(&path, &loaded.text)?;
    let mut check = check_root(kind, &path, &loaded.text, Node::Root(root.get_ref()));
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
    let mut model = Model::default();
    model.read_file(kind, Node::Root(root.get_ref()));
    let records = source::index_records(kind, &loaded.text, &root);
    drop(root);
    Ok(FileLoad {
        file: SourceFile::new(kind, path, loaded, records),
        check,
        model,
    })
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
        let results: Vec<Result<FileLoad, Diagnostic>> = std::thread::scope(|scope| {
            let handles: Vec<_> = FileKind::ALL
                .into_iter()
                .map(|kind| {
                    let path = root.join(kind.file_name());
                    scope.spawn(move || load_file(kind, path))
                })
                .collect();
            handles
                .into_iter()
                .zip(FileKind::ALL)
                .map(|(h, kind)| {
                    h.join().unwrap_or_else(|_| {
                        Err(Diagnostic {
                            file: root.join(kind.file_name()),
                            line: 0,
                            col: 0,
                            severity: Severity::Error,
                            message: "internal error while reading this file (please report it)"
                                .into(),
                        })
                    })
                })
                .collect()
        });
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
