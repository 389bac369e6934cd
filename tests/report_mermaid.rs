//! Every mermaid diagram of `lodestar report` parses with mermaid's own
//! parser (the npm `mermaid` package under node, with jsdom for the DOM it
//! asks for): both example workspaces, in English and in Chinese, and a
//! workspace whose names hold quotes, brackets, `%%` and CJK. Skipped, with
//! a message, where node or the package is missing; install it with
//! `npm ci --prefix tests/mermaid`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn parser() -> Option<PathBuf> {
    let dir = common::repo().join("tests").join("mermaid");
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIPPED: node is not installed; the report's mermaid diagrams were not parsed");
        return None;
    }
    if !dir.join("node_modules").join("mermaid").is_dir()
        || !dir.join("node_modules").join("jsdom").is_dir()
    {
        eprintln!(
            "SKIPPED: mermaid is not installed (npm ci --prefix tests/mermaid); \
             the report's mermaid diagrams were not parsed"
        );
        return None;
    }
    Some(dir.join("parse.mjs"))
}

fn report(dir: &Path, lang: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(["report", &dir.to_string_lossy()])
        .env("NO_COLOR", "1")
        .env("LODESTAR_TODAY", "2026-11-29")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("run lodestar");
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

/// The bodies of the ```mermaid blocks.
fn diagrams(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in md.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```mermaid") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(body), l) => {
                body.push_str(l);
                body.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// A copy of the English example whose first scenario and first market
/// series are named to break naive escaping.
fn hostile() -> (tempfile::TempDir, PathBuf) {
    let (tmp, dir) = common::temp_copy(&common::example());
    let nasty = r#"Say \"hi\" [now] {x} 100%% 会员; (a|b) # not a comment"#;
    for (file, from) in [
        ("scenarios.toml", "name = \"Next-best-offer engine\""),
        ("market.toml", "name = \"EU retail spend on AI\""),
    ] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has {from}");
        let text = text.replacen(from, &format!("name = \"{nasty}\""), 1);
        std::fs::write(&path, text).expect("write");
    }
    (tmp, dir)
}

#[test]
fn every_report_diagram_parses_with_mermaid() {
    let Some(script) = parser() else { return };
    let (_keep, nasty) = hostile();
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    let repo = common::repo().join("workspaces");
    let cases = [
        (repo.join("example"), "C.UTF-8"),
        (repo.join("example"), "zh_CN.UTF-8"),
        (repo.join("zh-example"), "zh_CN.UTF-8"),
        (repo.join("zh-example"), "en_US.UTF-8"),
        (nasty.clone(), "C.UTF-8"),
        (nasty, "zh_CN.UTF-8"),
    ];
    for (k, (dir, lang)) in cases.iter().enumerate() {
        let md = report(dir, lang);
        let found = diagrams(&md);
        assert!(
            found.len() >= 3,
            "{}: {} diagrams",
            dir.display(),
            found.len()
        );
        for (j, d) in found.iter().enumerate() {
            let kind = d.split_whitespace().next().unwrap_or("").to_string();
            *kinds.entry(kind).or_default() += 1;
            let f = tmp.path().join(format!("{k}-{j}.mmd"));
            std::fs::write(&f, d).expect("write");
            files.push(f);
        }
    }
    for kind in ["flowchart", "quadrantChart", "xychart-beta"] {
        assert!(kinds.contains_key(kind), "no {kind} in {kinds:?}");
    }
    let out = Command::new("node")
        .arg(&script)
        .args(&files)
        .output()
        .expect("run node");
    let text = String::from_utf8_lossy(&out.stdout);
    let bad: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("ok "))
        .map(|l| {
            // Show the diagram that failed.
            let file = l
                .trim_start_matches("error ")
                .split(':')
                .next()
                .unwrap_or("");
            format!("{l}\n{}", std::fs::read_to_string(file).unwrap_or_default())
        })
        .collect();
    assert!(
        out.status.success() && bad.is_empty(),
        "diagrams mermaid cannot parse:\n{}\n{}",
        bad.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.lines().count(), files.len(), "{text}");
}
