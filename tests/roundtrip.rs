//! Shipped workspaces load and save byte-identical; formatting is canonical
//! and idempotent.

mod common;

use lodestar::workspace::{FileKind, Workspace, format};

fn shipped() -> Vec<std::path::PathBuf> {
    vec![
        common::example(),
        common::repo().join("workspaces/zh-example"),
    ]
}

#[test]
fn shipped_workspaces_have_no_problems() {
    for dir in shipped() {
        let mut ws = Workspace::open(&dir).expect("open");
        let diags = ws.diagnostics();
        assert!(diags.is_empty(), "{}: {diags:#?}", dir.display());
    }
}

#[test]
fn unedited_workspace_renders_byte_identical() {
    for dir in shipped() {
        let ws = Workspace::open(&dir).expect("open");
        for f in ws.files() {
            let disk = std::fs::read_to_string(&f.path).expect("read");
            assert_eq!(f.render(), disk, "{}", f.path.display());
        }
    }
}

#[test]
fn saving_an_unedited_copy_changes_no_byte() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let before: Vec<Vec<u8>> = FileKind::ALL
        .iter()
        .map(|k| std::fs::read(dir.join(k.file_name())).expect("read"))
        .collect();
    let mut ws = Workspace::open(&dir).expect("open");
    for kind in FileKind::ALL {
        ws.file(kind);
    }
    // Force every file to be written, not just skipped as clean.
    for kind in FileKind::ALL {
        let path = dir.join(kind.file_name());
        let text = ws.file(kind).render();
        lodestar::workspace::source::write_atomic(&path, text.as_bytes()).expect("write");
    }
    let after: Vec<Vec<u8>> = FileKind::ALL
        .iter()
        .map(|k| std::fs::read(dir.join(k.file_name())).expect("read"))
        .collect();
    assert_eq!(before, after);
    assert!(ws.save().expect("save").is_empty(), "nothing was dirty");
}

#[test]
fn shipped_files_are_already_formatted_and_fmt_is_idempotent() {
    let mut texts = Vec::new();
    for dir in shipped() {
        for kind in FileKind::ALL {
            let text = std::fs::read_to_string(dir.join(kind.file_name())).expect("read");
            assert_eq!(
                format::canonical(&text),
                text,
                "{} {}",
                dir.display(),
                kind.file_name()
            );
            texts.push(text);
        }
    }
    for entry in std::fs::read_dir(common::repo().join("tests/fixtures/broken/valid")).expect("dir")
    {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            texts.push(std::fs::read_to_string(path).expect("read"));
        }
    }
    texts.push("a=1\n\n\n\nb =   [1,2,3]   # c\n[t]\n  x = { y=1 }\n".into());
    for text in texts {
        let once = format::canonical(&text);
        assert!(format::same_data(&text, &once));
        assert_eq!(format::canonical(&once), once);
    }
}

#[test]
fn fmt_command_rewrites_only_what_changes_and_check_reports_it() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    assert_eq!(
        common::lodestar(&["fmt", &d, "--check"]).status.code(),
        Some(0)
    );
    let path = dir.join("risks.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    let messy = text.replacen("likelihood = ", "likelihood=   ", 1);
    std::fs::write(&path, &messy).expect("write");
    let out = common::lodestar(&["fmt", &d, "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("would reformat"));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        messy,
        "--check writes nothing"
    );
    assert_eq!(common::lodestar(&["fmt", &d]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    assert_eq!(
        common::lodestar(&["fmt", &d, "--check"]).status.code(),
        Some(0)
    );
}
