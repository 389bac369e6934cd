//! The recovery journal: unsaved edits written to `.lodestar/recovery.json`
//! inside the workspace shortly after each edit, so a crash, a `kill -9` or a
//! dropped SSH session loses nothing. The folder has its own `.gitignore`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::schema::FileKind;
use super::source::write_atomic;
use super::{SaveError, Workspace};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct JournalFile {
    /// File name inside the workspace (`risks.toml`).
    pub name: String,
    /// BLAKE3 of the file on disk the edits were made against (hex), or
    /// empty when the file did not exist.
    pub base: String,
    /// The edited text.
    pub text: String,
    /// The text the edits were made against (journals written before this
    /// field have none): what a three-way merge with the disk starts from.
    #[serde(default)]
    pub base_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Journal {
    pub version: u32,
    pub files: Vec<JournalFile>,
}

pub fn journal_path(root: &Path) -> PathBuf {
    root.join(".lodestar").join("recovery.json")
}

pub(crate) fn ensure_dir(root: &Path) -> Result<PathBuf, SaveError> {
    let dir = root.join(".lodestar");
    let io = |source| SaveError::Io {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    crate::fsio::create_whole(
        &dir.join(".gitignore"),
        b"# lodestar's lock, recovery journal and temporary files: never committed\n*\n",
    )?;
    Ok(dir)
}

impl Workspace {
    /// Write the journal of unsaved edits, or remove it when nothing is unsaved.
    pub fn write_journal(&self) -> Result<(), SaveError> {
        let path = journal_path(&self.root);
        let files: Vec<JournalFile> = self
            .files()
            .iter()
            .filter(|f| f.dirty)
            .map(|f| JournalFile {
                name: f.kind.file_name().to_string(),
                base: f
                    .base_hash()
                    .map(|h| h.to_hex().to_string())
                    .unwrap_or_default(),
                text: f.text().to_string(),
                base_text: Some(f.base_text().to_string()),
            })
            .collect();
        if files.is_empty() {
            return self.discard_journal();
        }
        ensure_dir(&self.root)?;
        let journal = Journal { version: 1, files };
        let json = serde_json::to_vec(&journal).unwrap_or_default();
        write_atomic(&path, &json)
    }

    pub fn discard_journal(&self) -> Result<(), SaveError> {
        let path = journal_path(&self.root);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SaveError::Io { path, source: e }),
        }
    }

    /// A journal left by a session that did not save, if any (a journal
    /// that cannot be read is reported as `Err`).
    pub fn pending_journal(&self) -> Result<Option<Journal>, String> {
        let path = journal_path(&self.root);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(j) if !j.files.is_empty() => Ok(Some(j)),
            Ok(_) => Ok(None),
            Err(e) => Err(format!(
                "{}: unreadable recovery journal ({e})",
                path.display()
            )),
        }
    }

    /// Restore journaled edits as unsaved changes, for the files still as
    /// they were when the edits were made. Returns the indices (into
    /// `journal.files`) of the files that changed on disk since: those are
    /// not restored, so nothing newer on disk is overwritten without a
    /// question (see [`Workspace::restore_journal_file`]).
    pub fn restore_journal(&mut self, journal: &Journal) -> Result<Vec<usize>, String> {
        let mut moved = Vec::new();
        for (i, jf) in journal.files.iter().enumerate() {
            let kind = journal_kind(jf)?;
            let disk = self
                .file(kind)
                .base_hash()
                .map(|h| h.to_hex().to_string())
                .unwrap_or_default();
            if disk != jf.base {
                moved.push(i);
                continue;
            }
            self.replace_text_from_journal(kind, jf.text.clone())?;
        }
        Ok(moved)
    }

    /// Merge the disk's text into the journaled edits of file `i`, from the
    /// text the edits started from; `None` for a journal written before
    /// that text was kept (asked file by file instead).
    pub fn merge_journal_file(
        &self,
        journal: &Journal,
        i: usize,
    ) -> Result<Option<(FileKind, super::merge::MergeResult)>, String> {
        let jf = journal
            .files
            .get(i)
            .ok_or_else(|| format!("no file #{} in the recovery journal", i + 1))?;
        let kind = journal_kind(jf)?;
        let Some(base) = &jf.base_text else {
            return Ok(None);
        };
        let disk = self.disk_text(kind)?;
        Ok(Some((
            kind,
            super::merge::merge(kind, base, &jf.text, &disk),
        )))
    }

    /// Restore one journaled file whatever is on disk now ("keep mine"):
    /// the edits become unsaved changes against the disk's text, so saving
    /// replaces the outside change.
    pub fn restore_journal_file(
        &mut self,
        journal: &Journal,
        i: usize,
    ) -> Result<FileKind, String> {
        let jf = journal
            .files
            .get(i)
            .ok_or_else(|| format!("no file #{} in the recovery journal", i + 1))?;
        let kind = journal_kind(jf)?;
        self.replace_text_from_journal(kind, jf.text.clone())?;
        Ok(kind)
    }
}

/// The file a journal entry names.
pub fn journal_kind(jf: &JournalFile) -> Result<FileKind, String> {
    FileKind::ALL
        .into_iter()
        .find(|k| k.file_name() == jf.name)
        .ok_or_else(|| format!("recovery journal names an unknown file `{}`", jf.name))
}

/// A line diff from `old` to `new` for a prompt: changed lines with `-`/`+`
/// and one line of context, hunks separated by `…`.
pub fn line_diff(old: &str, new: &str) -> Vec<(char, String)> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (n, group) in diff.grouped_ops(1).iter().enumerate() {
        if n > 0 {
            out.push((' ', "…".to_string()));
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let mark = match change.tag() {
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                    similar::ChangeTag::Equal => ' ',
                };
                out.push((
                    mark,
                    change.value().trim_end_matches(['\n', '\r']).to_string(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Target;

    #[test]
    fn journal_round_trip_restores_edits() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("ws");
        crate::workspace::template::create(&dir, crate::workspace::template::EXAMPLE)
            .expect("create");
        let mut ws = Workspace::open(&dir).expect("open");
        let t = ws.find("risk-003").expect("risk");
        ws.set(t, &["likelihood".into()], "1").expect("set");
        ws.write_journal().expect("journal");
        assert!(
            std::fs::read_to_string(dir.join(".lodestar/.gitignore"))
                .expect("ignore")
                .contains('*')
        );
        let mut fresh = Workspace::open(&dir).expect("open");
        let journal = fresh.pending_journal().expect("readable").expect("present");
        assert_eq!(
            fresh.restore_journal(&journal).expect("restore"),
            Vec::<usize>::new()
        );
        let Target::Record(_, i) = t else { panic!() };
        assert_eq!(fresh.model.risks[i].likelihood, 1);
        assert!(fresh.is_dirty());
        fresh.save().expect("save");
        fresh.write_journal().expect("clears");
        assert!(fresh.pending_journal().expect("ok").is_none());
    }
}
