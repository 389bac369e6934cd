//! `lodestar merge` as git's merge driver, in temporary repositories: after
//! `lodestar git-setup`, branches that edit the same workspace merge field by
//! field. Skipped (with a message) where `git` is not installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Repo {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    ws: PathBuf,
}

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

fn git_in(root: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(root)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_MERGE_AUTOEDIT", "no")
        .output()
        .expect("run git")
}

fn git(repo: &Repo, args: &[&str]) -> Output {
    let out = git_in(&repo.root, args);
    assert!(
        out.status.success(),
        "git {args:?}: {}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    out
}

/// A repository with the example workspace in `ws/`, set up with
/// `lodestar git-setup` and committed on `main`.
fn repo() -> Repo {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("repo");
    let ws = root.join("ws");
    common::copy_dir(&common::example(), &ws);
    std::fs::create_dir_all(&root).expect("mkdir");
    let repo = Repo {
        _tmp: tmp,
        root,
        ws,
    };
    git(&repo, &["init", "-q", "-b", "main"]);
    let setup = common::lodestar(&["git-setup", &repo.ws.display().to_string()]);
    assert!(setup.status.success(), "{}", common::stderr(&setup));
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "example"]);
    repo
}

fn set(repo: &Repo, field: &str, value: &str) {
    let out = common::lodestar(&["set", &repo.ws.display().to_string(), field, value]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

fn append(repo: &Repo, file: &str, text: &str) {
    let path = repo.ws.join(file);
    let mut now = std::fs::read_to_string(&path).expect("read");
    now.push_str(text);
    std::fs::write(&path, now).expect("write");
}

fn commit(repo: &Repo, message: &str) {
    git(repo, &["commit", "-q", "-a", "-m", message]);
}

/// Edit on a branch `theirs` and on `main`, then merge `theirs` into `main`.
fn branches(repo: &Repo, theirs: impl FnOnce(&Repo), ours: impl FnOnce(&Repo)) -> Output {
    git(repo, &["checkout", "-q", "-b", "theirs"]);
    theirs(repo);
    commit(repo, "theirs");
    git(repo, &["checkout", "-q", "main"]);
    ours(repo);
    commit(repo, "ours");
    git_in(&repo.root, &["merge", "--no-edit", "theirs"])
}

fn read(repo: &Repo, file: &str) -> String {
    std::fs::read_to_string(repo.ws.join(file)).expect("read")
}

fn check_ok(repo: &Repo) {
    let out = common::lodestar(&["check", &repo.ws.display().to_string()]);
    assert!(out.status.success(), "{}", common::stdout(&out));
}

fn merged_clean(out: &Output) {
    assert!(
        out.status.success(),
        "merge failed: {}{}",
        common::stdout(out),
        common::stderr(out)
    );
}

#[test]
fn git_setup_is_idempotent_and_says_what_it_did() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let ws = repo.ws.display().to_string();
    let again = common::lodestar(&["git-setup", &ws]);
    assert!(again.status.success());
    let said = common::stdout(&again);
    assert!(
        said.contains("already has `/*.toml merge=lodestar`"),
        "{said}"
    );
    assert!(said.contains("merge.lodestar.driver: already"), "{said}");
    let attributes = std::fs::read_to_string(repo.ws.join(".gitattributes")).expect("read");
    assert_eq!(attributes.matches("merge=lodestar").count(), 1);
    let driver = git(&repo, &["config", "--get", "merge.lodestar.driver"]);
    assert!(
        common::stdout(&driver)
            .trim_end()
            .ends_with("merge %O %A %B %P")
    );
    let check = git(&repo, &["check-attr", "merge", "ws/risks.toml"]);
    assert!(common::stdout(&check).contains("merge: lodestar"));
}

#[test]
fn git_setup_outside_a_repository_is_a_clear_error() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let out = common::lodestar(&["git-setup", &dir.display().to_string()]);
    if !have_git() {
        return;
    }
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("is not inside a git repository"));
}

#[test]
fn adjacent_lines_of_one_risk_merge_clean() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let out = branches(
        &repo,
        |r| set(r, "risk-001.impact", "5"),
        |r| set(r, "risk-001.likelihood", "2"),
    );
    merged_clean(&out);
    let risks = read(&repo, "risks.toml");
    assert!(risks.contains("id = \"risk-001\""));
    let at = risks.find("id = \"risk-001\"").unwrap_or(0);
    let record = &risks[at..at + 200.min(risks.len() - at)];
    assert!(record.contains("likelihood = 2\nimpact = 5\n"), "{record}");
    check_ok(&repo);
}

const RISK_A: &str = "\n[[risk]]\nid = \"risk-100\"\ntitle = \"Added on main\"\ncategory = \"legal\"\nlikelihood = 2\nimpact = 2\n";
const RISK_B: &str = "\n[[risk]]\nid = \"risk-101\"\ntitle = \"Added on the branch\"\ncategory = \"market\"\nlikelihood = 3\nimpact = 2\n";

#[test]
fn two_appended_risks_merge_clean() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let out = branches(
        &repo,
        |r| append(r, "risks.toml", RISK_B),
        |r| append(r, "risks.toml", RISK_A),
    );
    merged_clean(&out);
    let risks = read(&repo, "risks.toml");
    assert!(risks.ends_with(&format!("{RISK_A}{RISK_B}")), "{risks}");
    check_ok(&repo);
}

#[test]
fn different_keys_of_one_scores_table_merge_clean() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let out = branches(
        &repo,
        |r| set(r, "scn-support-bot.scores.risk", "1"),
        |r| set(r, "scn-support-bot.scores.value", "5"),
    );
    merged_clean(&out);
    let scenarios = read(&repo, "scenarios.toml");
    assert!(
        scenarios.contains("scores = { value = 5, feasibility = 4, data-readiness = 3, time-to-value = 4, risk = 1, cost = 3 }"),
        "{scenarios}"
    );
    check_ok(&repo);
}

#[test]
fn different_needs_added_to_one_scenario_merge_into_both() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let out = branches(
        &repo,
        |r| set(r, "scn-support-bot.needs", "need-002,need-005"),
        |r| set(r, "scn-support-bot.needs", "need-002,need-003"),
    );
    merged_clean(&out);
    let scenarios = read(&repo, "scenarios.toml");
    assert!(
        scenarios.contains("needs = [\"need-002\", \"need-003\", \"need-005\"]"),
        "{scenarios}"
    );
    check_ok(&repo);
}

#[test]
fn the_same_field_changed_differently_is_one_conflict_at_that_field() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let out = branches(
        &repo,
        |r| {
            set(r, "risk-001.likelihood", "3");
            set(r, "risk-001.owner", "CTO");
        },
        |r| set(r, "risk-001.likelihood", "2"),
    );
    assert!(!out.status.success(), "the merge must stop");
    let said = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(
        said.contains("conflict: risk-001.likelihood: changed on both sides (ours 2, theirs 3)"),
        "{said}"
    );
    let risks = read(&repo, "risks.toml");
    assert_eq!(risks.matches("<<<<<<<").count(), 1, "{risks}");
    assert!(
        risks.contains(
            "<<<<<<< ours\nlikelihood = 2\n=======\nlikelihood = 3\n>>>>>>> theirs\nimpact = 4\n"
        ),
        "{risks}"
    );
    assert!(risks.contains("owner = \"CTO\""), "{risks}");
    let check = common::lodestar(&["check", &repo.ws.display().to_string()]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "check must fail on the markers"
    );
}

#[test]
fn the_same_new_id_on_both_branches_is_reported() {
    if !have_git() {
        return;
    }
    let repo = repo();
    let other = RISK_B.replace("risk-101", "risk-100");
    let out = branches(
        &repo,
        move |r| append(r, "risks.toml", &other),
        |r| append(r, "risks.toml", RISK_A),
    );
    assert!(!out.status.success(), "the merge must stop");
    let said = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert!(
        said.contains("risk-100: added on both sides with different contents"),
        "{said}"
    );
    let risks = read(&repo, "risks.toml");
    assert_eq!(risks.matches("<<<<<<< ours").count(), 1, "{risks}");
}

#[test]
fn the_driver_alone_follows_git_conventions() {
    // No git needed: the driver is a plain command on three files.
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = std::fs::read_to_string(common::example().join("risks.toml")).expect("read");
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).expect("write");
        p.display().to_string()
    };
    let o = write(
        "o",
        &base.replacen(
            "likelihood = 4\nimpact = 4",
            "likelihood = 2\nimpact = 4",
            1,
        ),
    );
    let b = write("b", &base);
    let t = write(
        "t",
        &base.replacen(
            "likelihood = 4\nimpact = 4",
            "likelihood = 4\nimpact = 5",
            1,
        ),
    );
    let out = common::lodestar(&["merge", &b, &o, &t, "ws/risks.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let merged = std::fs::read_to_string(&o).expect("read");
    assert_eq!(
        merged,
        base.replacen(
            "likelihood = 4\nimpact = 4",
            "likelihood = 2\nimpact = 5",
            1
        )
    );
}
