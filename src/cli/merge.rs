//! `lodestar merge` (a git merge driver) and `lodestar git-setup`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{FAILURE, OK, PROBLEMS};
use crate::workspace::merge::{self, MergeResult};
use crate::workspace::{FileKind, source};

/// The `.gitattributes` line `git-setup` writes: every TOML file directly in
/// the workspace folder goes through the driver.
pub const ATTRIBUTES_LINE: &str = "/*.toml merge=lodestar";

fn read_text(path: &Path) -> Result<String, String> {
    if !path.exists() {
        // git passes an empty file for a missing base; treat "no file" alike.
        return Ok(String::new());
    }
    source::read_capped(path)
        .and_then(|bytes| source::decode(path, bytes))
        .map_err(|d| d.to_string())
}

/// `lodestar merge BASE OURS THEIRS [PATH]`: git's `%O %A %B %P`. Writes the
/// result into OURS; exit 0 clean, 1 conflicts (or a clean merge `check`
/// finds errors in), 2 failure.
pub fn run(base: &Path, ours: &Path, theirs: &Path, path: Option<&Path>) -> u8 {
    let shown = path.unwrap_or(ours);
    let name = shown.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let Some(kind) = FileKind::ALL.into_iter().find(|k| k.file_name() == name) else {
        return fallback(base, ours, theirs, shown, "not a workspace file");
    };
    let texts = (read_text(base), read_text(ours), read_text(theirs));
    let (b, o, t) = match texts {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (b, o, t) => {
            let why = [b.err(), o.err(), t.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ");
            return fallback(base, ours, theirs, shown, &why);
        }
    };
    let result = merge::merge(kind, &b, &o, &t);
    if let Err(e) = source::write_atomic(ours, result.text.as_bytes()) {
        err!("lodestar merge: {}: {e}", shown.display());
        return FAILURE;
    }
    report(shown, &result)
}

fn report(shown: &Path, r: &MergeResult) -> u8 {
    for note in &r.notes {
        err!("lodestar merge: {}: {note}", shown.display());
    }
    for c in &r.conflicts {
        err!(
            "lodestar merge: {}:{}: conflict: {}",
            shown.display(),
            c.lines.0,
            c.describe()
        );
    }
    for d in &r.problems {
        err!(
            "lodestar merge: {}:{}:{}: merged cleanly, but: {}",
            shown.display(),
            d.line,
            d.col,
            d.message
        );
    }
    if r.is_clean() && r.problems.is_empty() {
        err!(
            "lodestar merge: {}: merged; the file passes its own checks (links into other files: run lodestar check)",
            shown.display()
        );
        OK
    } else {
        PROBLEMS
    }
}

/// Not a file the engine knows (or not readable as text): git's own
/// line-based merge, with the same labels.
fn fallback(base: &Path, ours: &Path, theirs: &Path, shown: &Path, why: &str) -> u8 {
    err!(
        "lodestar merge: {}: {why}; using git merge-file",
        shown.display()
    );
    match Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .status()
    {
        Ok(s) if s.success() => OK,
        Ok(s) if s.code().is_some_and(|c| c > 0) => PROBLEMS,
        Ok(_) => FAILURE,
        Err(e) => {
            err!("lodestar merge: cannot run git merge-file: {e}");
            FAILURE
        }
    }
}

/// Run git in `dir`; its trimmed stdout, or why it failed.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The folder's repository, or a message that says it has none.
pub(crate) fn repo_of(dir: &Path) -> Result<PathBuf, String> {
    if !dir.is_dir() {
        return Err(format!("{}: no such folder", dir.display()));
    }
    git(dir, &["rev-parse", "--show-toplevel"])
        .map(PathBuf::from)
        .map_err(|e| {
            format!(
                "{} is not inside a git repository ({})",
                dir.display(),
                e.lines().next().unwrap_or("git failed")
            )
        })
}

/// Quote a path for git's `sh -c` of the driver line.
fn sh_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `lodestar git-setup [DIR]`: the `.gitattributes` line and the local git
/// config of the merge driver, each only when missing.
pub fn git_setup(dir: &Path) -> u8 {
    if let Err(e) = repo_of(dir) {
        err!("{}", crate::tr!("cli.error", message = e));
        return FAILURE;
    }
    if !dir.join(FileKind::Workspace.file_name()).exists() {
        err!(
            "warning: {} has no workspace.toml; setting up anyway",
            dir.display()
        );
    }
    let attributes = dir.join(".gitattributes");
    let existing = match std::fs::read_to_string(&attributes) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            err!(
                "{}",
                crate::tr!(
                    "cli.error",
                    message = format!("{}: {e}", attributes.display())
                )
            );
            return FAILURE;
        }
    };
    if existing.lines().any(|l| l.trim() == ATTRIBUTES_LINE) {
        out!("{}: already has `{ATTRIBUTES_LINE}`", attributes.display());
    } else {
        let mut text = existing;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "# lodestar: field-level merge of the workspace files (lodestar git-setup)\n{ATTRIBUTES_LINE}\n"
        ));
        if let Err(e) = source::write_atomic(&attributes, text.as_bytes()) {
            err!("{}", crate::tr!("cli.error", message = e));
            return FAILURE;
        }
        out!("{}: added `{ATTRIBUTES_LINE}`", attributes.display());
    }
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "lodestar".into());
    let settings = [
        (
            "merge.lodestar.name",
            "lodestar field-level merge of workspace files".to_string(),
        ),
        (
            "merge.lodestar.driver",
            format!("{} merge %O %A %B %P", sh_quote(&exe)),
        ),
    ];
    for (key, value) in settings {
        match git(dir, &["config", "--local", "--get", key]) {
            Ok(current) if current == value => {
                out!("git config {key}: already `{value}`");
                continue;
            }
            _ => {}
        }
        match git(dir, &["config", "--local", key, &value]) {
            Ok(_) => out!("git config {key} = `{value}`"),
            Err(e) => {
                err!(
                    "{}",
                    crate::tr!("cli.error", message = format!("git config {key}: {e}"))
                );
                return FAILURE;
            }
        }
    }
    OK
}
