//! Broken workspaces: each gives its expected `file:line:col` messages, from
//! the library and from the real binary, and never a panic.

mod common;

use std::path::Path;

use lodestar::workspace::{OpenError, Workspace};

fn cases() -> Vec<std::path::PathBuf> {
    let root = common::repo().join("tests/fixtures/broken");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn relative(line: &str, dir: &Path) -> String {
    let prefix = format!("{}/", dir.display());
    line.replace(&prefix, "")
}

fn library_messages(dir: &Path) -> Vec<String> {
    let diags = match Workspace::open(dir) {
        Ok(mut ws) => ws.diagnostics(),
        Err(OpenError::Unreadable(d)) => d,
        Err(e) => panic!("{}: unexpected {e}", dir.display()),
    };
    diags
        .iter()
        .map(|d| relative(&d.to_string(), dir))
        .collect()
}

fn expected(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("expected.txt"))
        .expect("expected.txt")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_fixture_gives_its_messages_from_the_library() {
    let cases = cases();
    assert!(cases.len() >= 15, "fixture folder is incomplete");
    for dir in cases {
        assert_eq!(library_messages(&dir), expected(&dir), "{}", dir.display());
    }
}

#[test]
fn every_fixture_gives_its_messages_from_the_binary() {
    for dir in cases() {
        let out = common::lodestar(&["check", &dir.display().to_string()]);
        let lines: Vec<String> = common::stdout(&out)
            .lines()
            .chain(
                common::stderr(&out)
                    .lines()
                    .filter(|l| l.contains(": error:") || l.contains(": warning:")),
            )
            .map(|l| relative(l, &dir))
            .collect();
        let want = expected(&dir);
        for w in &want {
            assert!(
                lines.contains(w),
                "{}: missing `{w}` in {lines:#?}",
                dir.display()
            );
        }
        let has_error = want.iter().any(|l| l.contains(": error:"));
        assert_eq!(
            out.status.code(),
            Some(if has_error { 1 } else { 0 }),
            "{}",
            dir.display()
        );
    }
}

#[test]
fn oversize_file_is_refused_with_a_clear_message() {
    let (_tmp, dir) = common::temp_copy(&common::repo().join("tests/fixtures/broken/valid"));
    let mut big = String::from("# padding\n");
    while big.len() <= 17 * 1024 * 1024 {
        big.push_str("# ................................................................\n");
    }
    std::fs::write(dir.join("market.toml"), big).expect("write");
    let msgs = library_messages(&dir);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].starts_with("market.toml: error: file is 17 MiB, larger than the 16 MiB limit"),
        "{msgs:?}"
    );
    let out = common::lodestar(&["check", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn not_a_workspace_is_a_usage_failure() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = common::lodestar(&["check", &tmp.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("not a lodestar workspace"));
    let out = common::lodestar(&["check", "/definitely/not/here"]);
    assert_eq!(out.status.code(), Some(2));
}
