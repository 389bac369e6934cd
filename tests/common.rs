//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example() -> PathBuf {
    repo().join("workspaces").join("example")
}

/// Copy a folder recursively (workspaces are small).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            if entry.file_name() == ".lodestar" || entry.file_name() == "runs" {
                continue;
            }
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A fresh copy of a shipped workspace in a temporary folder.
pub fn temp_copy(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ws");
    copy_dir(src, &dir);
    (tmp, dir)
}

pub fn lodestar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LODESTAR_TODAY", "2026-11-29")
        // English whatever the machine's locale or config file say.
        .env("LC_ALL", "C")
        .env("LODESTAR_CONFIG", "/nonexistent/lodestar-test-config.toml")
        .output()
        .expect("run lodestar")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Lines that differ between two texts: (removed, added), using the common
/// prefix and suffix (enough for edits that touch one region).
pub fn changed_region(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    (
        a[prefix..a.len() - suffix]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        b[prefix..b.len() - suffix]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    )
}

/// Markdown with the padding of its pipe tables taken out (runs of spaces
/// in a `|` line become one), so a test can look for `| a | b |` whatever
/// width the report pads its columns to.
pub fn squeeze_tables(md: &str) -> String {
    md.lines()
        .map(|l| {
            if l.starts_with('|') {
                l.split(' ')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// key → (language → text), from every locales/*.toml.
pub fn messages() -> std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>
{
    let mut out = std::collections::BTreeMap::new();
    let dir = repo().join("locales");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("locales/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "{files:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read");
        let doc: toml_edit::DocumentMut = text
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            doc.get("_version").and_then(|v| v.as_integer()),
            Some(2),
            "{}: _version = 2 expected",
            path.display()
        );
        fn walk(
            file: &Path,
            prefix: &str,
            t: &dyn toml_edit::TableLike,
            out: &mut std::collections::BTreeMap<
                String,
                std::collections::BTreeMap<String, String>,
            >,
        ) {
            for (k, v) in t.iter() {
                if prefix.is_empty() && k == "_version" {
                    continue;
                }
                let key = if prefix.is_empty() {
                    k.to_string()
                } else {
                    format!("{prefix}.{k}")
                };
                if let Some(s) = v.as_str() {
                    let prev = out
                        .entry(prefix.to_string())
                        .or_default()
                        .insert(k.to_string(), s.to_string());
                    assert!(prev.is_none(), "{}: {key} twice", file.display());
                } else if let Some(sub) = v.as_table_like() {
                    walk(file, &key, sub, out);
                } else {
                    panic!("{}: {key} is neither text nor a table", file.display());
                }
            }
        }
        walk(&path, "", doc.as_table(), &mut out);
    }
    out
}

/// Where a box's right border is not drawn: below every top-right corner
/// `┐` down to the `┘` under it, each cell must be `│` (or a junction). A
/// wide character wrapped one column too far replaces such a cell.
pub fn broken_right_borders(buf: &ratatui::buffer::Buffer) -> Vec<String> {
    let a = buf.area;
    let mut out = Vec::new();
    for x in a.left()..a.right() {
        for y in a.top()..a.bottom() {
            if buf[(x, y)].symbol() != "┐" {
                continue;
            }
            let Some(end) = (y + 1..a.bottom()).find(|&b| buf[(x, b)].symbol() == "┘") else {
                continue;
            };
            for r in y + 1..end {
                let s = buf[(x, r)].symbol();
                if !matches!(s, "│" | "┤" | "┼") {
                    let row: String = (a.left()..a.right())
                        .map(|c| buf[(c, r)].symbol())
                        .collect();
                    out.push(format!("({x}, {r}) is {s:?}: {row:?}"));
                }
            }
        }
    }
    out
}
