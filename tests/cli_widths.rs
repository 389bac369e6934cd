//! Width tests on the Chinese example workspace, with the real binary:
//! every row of every text table of `market` and `score`, and every line of
//! every Markdown table of `report`, is as wide on screen as its header
//! (display columns: 中 takes two), in English and in Chinese.

mod common;

use std::process::Command;

use lodestar::text::width;

fn run(args: &[&str], lang: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("LODESTAR_TODAY", "2026-11-29")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("run lodestar");
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    common::stdout(&out)
}

fn zh() -> String {
    common::repo()
        .join("workspaces")
        .join("zh-example")
        .to_string_lossy()
        .into_owned()
}

/// Asserts that the header line (found by its first two words) and the lines up
/// to the first that `ends` says is no longer a row are equally wide;
/// returns how many rows it checked.
fn check_block(text: &str, header: [&str; 2], ends: impl Fn(&str) -> bool) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut checked = 0;
    for (at, l) in lines.iter().enumerate() {
        if l.split_whitespace().take(2).ne(header) {
            continue;
        }
        let w = width(l);
        for row in lines[at + 1..].iter().take_while(|r| !ends(r)) {
            assert_eq!(
                width(row),
                w,
                "row is not as wide as its header `{header:?}`:\n{l}\n{row}\n\n{text}"
            );
            checked += 1;
        }
    }
    checked
}

/// Ends a table of `market`: a blank line, a section heading (no indent),
/// or a note under a table.
fn market_row_ends(r: &str) -> bool {
    r.trim().is_empty()
        || !r.starts_with("  ")
        || ["⚠", "✗", "top-down", "biggest gap"]
            .iter()
            .any(|p| r.trim_start().starts_with(p))
}

#[test]
fn market_tables_are_rectangular_on_the_chinese_workspace() {
    for lang in ["C.UTF-8", "zh_CN.UTF-8"] {
        let text = run(&["market", &zh()], lang);
        let mut total = 0;
        for header in [
            ["period", "forecast"],
            ["segment", "TAM"],
            ["feature", "w"],
            ["scenario", "planned"],
            ["question", "scale"],
            ["need", "title"],
        ] {
            let n = check_block(&text, header, market_row_ends);
            assert!(n > 0, "{lang}: no rows under `{header:?}`:\n{text}");
            total += n;
        }
        assert!(total >= 20, "{lang}: {total} rows");
    }
}

#[test]
fn score_table_is_rectangular_on_the_chinese_workspace() {
    for lang in ["C.UTF-8", "zh_CN.UTF-8"] {
        let text = run(&["score", &zh()], lang);
        let n = check_block(&text, ["rank", "id"], |r| r.trim().is_empty());
        let scenarios = 5;
        assert_eq!(n, scenarios, "{lang}: one row per scenario:\n{text}");
    }
}

#[test]
fn report_tables_are_rectangular_on_the_chinese_workspace() {
    for lang in ["C.UTF-8", "zh_CN.UTF-8"] {
        let text = run(&["report", &zh()], lang);
        let mut tables = 0;
        let mut rows = 0;
        let mut current: Option<usize> = None;
        for l in text.lines() {
            if l.starts_with('|') {
                match current {
                    None => {
                        current = Some(width(l));
                        tables += 1;
                    }
                    Some(w) => assert_eq!(width(l), w, "{lang}: `{l}`\n\n{text}"),
                }
                rows += 1;
            } else {
                current = None;
            }
        }
        assert!(tables >= 6, "{lang}: {tables} tables");
        assert!(rows >= 40, "{lang}: {rows} rows");
    }
}
