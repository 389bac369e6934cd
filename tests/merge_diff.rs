//! `lodestar diff`: golden output (text and JSON) on the example workspace in
//! a temporary git repository. Skipped (with a message) without `git`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn have_git() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: git is not installed");
    }
    ok
}

fn git(root: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        common::stderr(&out)
    );
}

/// `lodestar` run in `root` (so the workspace is named `ws` in the output).
fn lodestar_in(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .current_dir(root)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run lodestar")
}

/// The example committed in a fresh repository, then edited in the working tree.
fn edited() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().to_path_buf();
    common::copy_dir(&common::example(), &root.join("ws"));
    git(&root, &["init", "-q", "-b", "main"]);
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "example"]);
    for (field, value) in [
        ("risk-001.likelihood", "2"),
        ("risk-003.residual.impact", "2"),
        ("scn-support-bot.scores.value", "5"),
        ("scn-support-bot.scores.feasibility", "5"),
        ("scn-support-bot.scores.risk", "1"),
        ("scn-support-bot.needs", "need-002,need-003"),
        ("scn-support-bot.revenue.price", "2.6"),
        ("workspace.organisation", "Acme Retail AG"),
        ("workspace.scoring.delta", "0.2"),
    ] {
        let out = lodestar_in(&root, &["set", "ws", field, value]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let risks = root.join("ws").join("risks.toml");
    let mut text = std::fs::read_to_string(&risks).expect("read");
    // The last risk removed, a new one added.
    let last = text.rfind("\n[[risk]]").expect("a risk");
    text.truncate(last);
    text.push_str("\n[[risk]]\nid = \"risk-100\"\ntitle = \"Supplier data arrives late\"\ncategory = \"operational\"\nlikelihood = 3\nimpact = 2\n");
    std::fs::write(&risks, text).expect("write");
    (tmp, root)
}

#[test]
fn diff_of_the_working_tree_in_users_words() {
    if !have_git() {
        return;
    }
    let (_tmp, root) = edited();
    let out = lodestar_in(&root, &["diff", "ws"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    insta::assert_snapshot!("diff_text", common::stdout(&out));
}

#[test]
fn diff_json_is_the_documented_contract() {
    if !have_git() {
        return;
    }
    let (_tmp, root) = edited();
    let out = lodestar_in(&root, &["diff", "HEAD", "ws", "--format", "json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&common::stdout(&out)).expect("json");
    insta::assert_snapshot!("diff_json", common::stdout(&out));
    assert_eq!(doc["from"], "HEAD");
    assert_eq!(doc["to"], "working tree");
}

#[test]
fn diff_between_two_revisions_and_nothing_changed() {
    if !have_git() {
        return;
    }
    let (_tmp, root) = edited();
    git(&root, &["commit", "-q", "-a", "-m", "edits"]);
    let two = lodestar_in(&root, &["diff", "HEAD~1", "HEAD", "ws"]);
    assert!(two.status.success(), "{}", common::stderr(&two));
    let text = common::stdout(&two);
    assert!(text.starts_with("ws: HEAD~1 → HEAD\n"), "{text}");
    assert!(text.contains("risk-001: likelihood 4 → 2"), "{text}");
    let none = lodestar_in(&root, &["diff", "ws"]);
    assert_eq!(
        common::stdout(&none),
        "ws: HEAD → working tree\nno changes to the workspace files\n"
    );
}

#[test]
fn diff_outside_git_or_of_an_unknown_revision_is_a_clear_error() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let out = common::lodestar(&["diff", &dir.display().to_string()]);
    if !have_git() {
        return;
    }
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("is not inside a git repository"),
        "{}",
        common::stderr(&out)
    );
    let (_tmp2, root) = edited();
    let out = lodestar_in(&root, &["diff", "no-such-rev", "ws"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("unknown revision `no-such-rev`"));
}
