//! The workspace: a folder of seven TOML files, loaded into typed records,
//! validated, edited in place and saved without losing a byte of formatting.

pub mod check;
pub mod choice;
pub mod date;
pub mod diag;
pub mod disk_merge;
pub mod edit;
pub mod error;
pub mod format;
pub mod lock;
pub mod merge;
pub mod model;
pub mod monitor_check;
pub mod node;
pub mod recovery;
pub mod schema;
pub mod source;
pub mod template;
pub mod validate;
pub mod votes;

use std::path::{Path, PathBuf};

pub use choice::Choice;
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
    // Training and monitoring are optional: a workspace may not train a
    // model, and has nothing to monitor before launch.
    let diagnostics = if matches!(kind, FileKind::Training | FileKind::Monitor) {
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

/// Read, parse, check and index one file. The parse tree lives only while
/// the file is checked and read into the model.
fn load_file(kind: FileKind, path: PathBuf) -> Result<FileLoad, Vec<Diagnostic>> {
    if !path.exists() {
        return Ok(missing_file(kind, path));
    }
    let loaded = source::load(&path).map_err(|d| vec![d])?;
    let conflicts = source::conflict_markers(&path, &loaded.text);
    if !conflicts.is_empty() {
        return Err(conflicts);
    }
    let root = source::parse(&path, &loaded.text).map_err(|d| vec![d])?;
    let mut check = check_root(kind, &path, &loaded.text, Node::Root(root.get_ref()));
    let mut model = Model::default();
    model.read_file(kind, Node::Root(root.get_ref()));
    let records = source::index_records(kind, &loaded.text, &root);
    drop(root);
    if loaded.bom {
        check.diagnostics.insert(0, bom_warning(&path));
    }
    Ok(FileLoad {
        file: SourceFile::new(kind, path, loaded, records),
        check,
        model,
    })
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

/// Load every file, on the threads of the rayon pool.
fn load_all(root: &Path) -> Vec<Result<FileLoad, Vec<Diagnostic>>> {
    use rayon::prelude::*;
    FileKind::ALL
        .par_iter()
        .map(|&kind| load_file(kind, root.join(kind.file_name())))
        .collect()
}

impl Workspace {
    /// Open the workspace in `dir`. Files that cannot be read or parsed make
    /// this fail with every such problem listed; validation problems do not
    /// (see [`Workspace::diagnostics`]).
    pub fn open(dir: impl AsRef<Path>) -> Result<Workspace, OpenError> {
        let root = dir.as_ref().to_path_buf();
        if !root.is_dir() {
            let reason = if root.exists() {
                "is a file, expected a workspace folder"
            } else {
                "no such folder"
            };
            return Err(OpenError::Io {
                path: root,
                reason: reason.into(),
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
                    unreadable.extend(d);
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
        model.votes = votes::load(&root);
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
        let collected: Vec<(FileKind, PathBuf, &str, &Collected)> = self
            .files
            .iter()
            .zip(&self.checks)
            .map(|(f, c)| (f.kind, f.path.clone(), f.text(), &c.collected))
            .collect();
        let monitor = monitor_check::check(self.file(FileKind::Monitor), &self.model);
        for mut d in validate::validate(&self.root, &collected, &self.model)
            .into_iter()
            .chain(monitor)
        {
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
        // Vote files come after the workspace files, each in line order.
        out.extend(votes::check(&self.model));
        out
    }

    /// Re-read the vote files (after `lodestar vote` or a pull); `true`
    /// when they changed.
    pub fn reload_votes(&mut self) -> bool {
        let now = votes::load(&self.root);
        if now == self.model.votes {
            return false;
        }
        self.model.votes = now;
        self.revision += 1;
        true
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

    /// Save every edited file (and only those) under the workspace's write
    /// lock (see [`lock`]). Stops at the first file that cannot be saved;
    /// files saved before it stay saved.
    pub fn save(&mut self) -> Result<Vec<FileKind>, SaveError> {
        if !self.is_dirty() {
            return Ok(Vec::new());
        }
        let held = lock::acquire(&self.root, "lodestar workbench (saving)", lock::WAIT)
            .map_err(SaveError::Locked)?;
        self.save_locked(&held)
    }

    /// [`Workspace::save`] for a caller that already holds the write lock
    /// (a command that read the files under it).
    pub fn save_locked(&mut self, _held: &lock::WriteLock) -> Result<Vec<FileKind>, SaveError> {
        let mut saved = Vec::new();
        // Check every dirty file for outside changes first, so that a
        // conflict in one file does not leave a half-saved workspace.
        for f in self.files.iter().filter(|f| f.dirty) {
            let bytes = f.render().len() as u64;
            if bytes > source::MAX_FILE_BYTES {
                return Err(SaveError::TooLarge {
                    path: f.path.clone(),
                    bytes,
                });
            }
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
        let load = load_file(kind, path.clone()).map_err(|ds| {
            ds.into_iter().next().unwrap_or_else(|| Diagnostic {
                file: path,
                line: 0,
                col: 0,
                severity: Severity::Error,
                message: "cannot be read".into(),
            })
        })?;
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

/// The errors of `after` that `before` does not have: what an edit added.
///
/// Errors are compared by file, severity and message, not by position (an
/// edit can move the lines below it), and counted: two equal errors before
/// and three after is one added. `lodestar set` refuses an edit that adds
/// any; errors that were there before the edit do not block it.
pub fn added_errors(before: &[Diagnostic], after: &[Diagnostic]) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let mut seen: HashMap<(&Path, &str), usize> = HashMap::new();
    for d in before.iter().filter(|d| d.is_error()) {
        *seen
            .entry((d.file.as_path(), d.message.as_str()))
            .or_default() += 1;
    }
    after
        .iter()
        .filter(|d| d.is_error())
        .filter(
            |d| match seen.get_mut(&(d.file.as_path(), d.message.as_str())) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            },
        )
        .cloned()
        .collect()
}

fn index_of_path(files: &[SourceFile], path: &Path) -> usize {
    files
        .iter()
        .position(|f| f.path == path)
        .unwrap_or(usize::MAX)
}

/// The `language` of `DIR/workspace.toml`, read on its own before anything
/// else (the interface language is chosen before the workspace is opened).
/// `None` when the file is missing, unreadable, not TOML or sets none:
/// `lodestar check` reports those problems, not this.
pub fn language_setting(dir: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let path = dir.join(FileKind::Workspace.file_name());
    // A FIFO would block here; only a plain file is read.
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(&path)
        .ok()?
        .take(4 * 1024 * 1024)
        .read_to_string(&mut text)
        .ok()?;
    let doc = text.parse::<toml_edit::DocumentMut>().ok()?;
    doc.get("language")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn load_text(kind: FileKind, bytes: &[u8]) -> Result<FileLoad, Diagnostic> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(kind.file_name());
        std::fs::write(&path, bytes).expect("write");
        load_file(kind, path).map_err(|mut ds| ds.remove(0))
    }

    /// Text that is not TOML (a non-ASCII bare key, stray characters outside
    /// strings) is a syntax error at its line and column, in a file of any
    /// size. (A file over 256 KiB with such a key once crashed `lodestar check`.)
    #[test]
    fn non_ascii_outside_strings_is_a_positioned_syntax_error() {
        let padding = "[[risk]]\nid = \"r\"\n".repeat(20_000);
        for (text, line, col) in [
            ("[[risk]]\né = 1\n".to_string(), 2, 1),
            ("[[risk]]\nid = \"a\" é [ ü\n".to_string(), 2, 10),
            ("é[[risk]]\n".to_string(), 1, 2),
            (format!("{padding}[[risk]]\nclé = 1\n"), 40_002, 3),
        ] {
            match load_text(FileKind::Risks, text.as_bytes()) {
                Err(d) => {
                    assert_eq!((d.line, d.col), (line, col), "{d}");
                    assert!(d.message.starts_with("TOML syntax:"), "{d}");
                }
                Ok(_) => panic!("{:?} loaded", &text[text.len().saturating_sub(30)..]),
            }
        }
    }

    /// Pieces of TOML and of not-quite-TOML, for the test below.
    fn piece() -> impl Strategy<Value = Vec<u8>> {
        const PIECES: &[&str] = &[
            "[[risk]]\n",
            "[risk.residual]\n",
            "id = \"r-1\"\n",
            "likelihood = 3\n",
            "title = \"a [ b ] # c \\\" d\"\n",
            "q = '''multi\n[[risk]]\n'''\n",
            "tags = [\n \"a\",\n]\n",
            "t = { a = 1, b = [2] }\n",
            "# comment é\n",
            "\n",
            "\r\n",
            "\u{feff}",
            "é",
            "\"",
            "'",
            "[",
            "]",
            "{",
            "=",
        ];
        prop_oneof![
            8 => prop::sample::select(PIECES).prop_map(|p| p.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 1..8),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever the bytes, loading ends in a loaded file or a problem
        /// with a position, never a panic; a loaded file renders to the
        /// bytes it was read from.
        #[test]
        fn any_bytes_load_or_fail_with_a_position(
            pieces in prop::collection::vec(piece(), 0..24),
        ) {
            let bytes = pieces.concat();
            match load_text(FileKind::Risks, &bytes) {
                Ok(load) => prop_assert_eq!(load.file.render().into_bytes(), bytes),
                Err(d) => prop_assert!(d.line >= 1 && d.col >= 1, "{}", d),
            }
        }
    }
}
