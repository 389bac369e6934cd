//! Nothing lost, nothing leaked (issue 13): outputs written whole or not at
//! all, special files written in place, symlinks followed and never
//! replaced, read-only files refused, a full stdout exits 2, paths in
//! workspace files confined after following symlinks, command-line paths
//! taken as written, control characters escaped, and saves that survive
//! `kill -9` without leaving anything `git status` shows.
//!
//! Most cases are one row of a table: a setup on a fresh copy of the
//! example workspace, a command, the exit status, a message, and what may
//! change (everything else in the workspace must be byte-for-byte the same).
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Every file under `dir` (symlinks as their target path, not followed),
/// except the lock/journal folder.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for e in fs::read_dir(dir).expect("read_dir").flatten() {
            let path = e.path();
            let rel = path.strip_prefix(base).expect("inside").to_path_buf();
            let meta = fs::symlink_metadata(&path).expect("meta");
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("link");
                out.insert(rel, format!("-> {}", target.display()));
            } else if meta.is_dir() {
                if e.file_name() != ".lodestar" {
                    walk(base, &path, out);
                }
            } else {
                let bytes = fs::read(&path).unwrap_or_default();
                let mode = meta.permissions().mode() & 0o777;
                out.insert(rel, format!("{mode:o} {}", blake3::hash(&bytes)));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("LODESTAR_TODAY", "2026-11-29")
        .stdin(Stdio::null())
        .output()
        .expect("run lodestar")
}

struct Case {
    name: &'static str,
    setup: fn(&Path),
    /// `{ws}` is the workspace, `{tmp}` the folder around it.
    args: &'static [&'static str],
    code: i32,
    message: &'static str,
    /// Workspace-relative paths allowed to change.
    changes: &'static [&'static str],
}

fn none(_: &Path) {}

fn read_only_report(ws: &Path) {
    let p = ws.join("report.md");
    fs::write(&p, "old report\n").expect("write");
    fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).expect("chmod");
}

fn linked_report(ws: &Path) {
    fs::write(ws.join("real.md"), "old report\n").expect("write");
    symlink("real.md", ws.join("report.md")).expect("symlink");
}

fn dangling_report(ws: &Path) {
    symlink("nowhere/real.md", ws.join("report.md")).expect("symlink");
}

fn folder_report(ws: &Path) {
    fs::create_dir(ws.join("report.md")).expect("mkdir");
    fs::write(ws.join("report.md/keep"), "x").expect("write");
}

fn linked_risks(ws: &Path) {
    fs::rename(ws.join("risks.toml"), ws.join("data/risks-real.toml")).expect("move");
    symlink("data/risks-real.toml", ws.join("risks.toml")).expect("symlink");
}

fn read_only_risks(ws: &Path) {
    fs::set_permissions(ws.join("risks.toml"), fs::Permissions::from_mode(0o444)).expect("chmod");
}

fn evil_series(ws: &Path) {
    symlink("/etc/passwd", ws.join("data/evil.csv")).expect("symlink");
    let p = ws.join("market.toml");
    let text = fs::read_to_string(&p).expect("read");
    let text = text.replace("data/market-ai-retail.csv", "data/evil.csv");
    fs::write(&p, text).expect("write");
}

fn linked_data_folder(ws: &Path) {
    // The folder, not the file, leads out.
    fs::rename(ws.join("data"), ws.join("data-real")).expect("move");
    symlink("/etc", ws.join("data")).expect("symlink");
}

fn stale_temp_files(ws: &Path) {
    fs::create_dir_all(ws.join(".lodestar")).expect("mkdir");
    // pid 4294967295 is above every pid_max: its writer is surely gone.
    fs::write(
        ws.join(".lodestar/.lodestar-tmp-4294967295-abc.tmp"),
        "half a save",
    )
    .expect("write");
}

fn legacy_temp_file(ws: &Path) {
    // Where versions before the pid was in the name left them: visible to git.
    let p = ws.join(".lodestar-save-AbC123.tmp");
    fs::write(&p, "half a save").expect("write");
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&p)
        .and_then(|f| f.set_modified(an_hour_ago))
        .expect("set mtime");
}

const CASES: &[Case] = &[
    Case {
        name: "report -o a read-only file is refused",
        setup: read_only_report,
        args: &["report", "{ws}", "-o", "{ws}/report.md"],
        code: 2,
        message: "is read-only",
        changes: &[],
    },
    Case {
        name: "report -o a symlink writes through it and keeps the link",
        setup: linked_report,
        args: &["report", "{ws}", "-o", "{ws}/report.md"],
        code: 0,
        message: "wrote",
        changes: &["real.md"],
    },
    Case {
        name: "report -o a dangling symlink is refused",
        setup: dangling_report,
        args: &["report", "{ws}", "-o", "{ws}/report.md"],
        code: 2,
        message: "does not exist; not replaced",
        changes: &[],
    },
    Case {
        name: "report -o a folder is refused",
        setup: folder_report,
        args: &["report", "{ws}", "-o", "{ws}/report.md"],
        code: 2,
        message: "is a folder",
        changes: &[],
    },
    Case {
        name: "report -o /dev/null writes to the device",
        setup: none,
        args: &["report", "{ws}", "-o", "/dev/null"],
        code: 0,
        message: "wrote /dev/null",
        changes: &[],
    },
    Case {
        name: "set on a symlinked risks.toml keeps the link",
        setup: linked_risks,
        args: &["set", "{ws}", "risk-003.likelihood", "4"],
        code: 0,
        message: "",
        changes: &["data/risks-real.toml"],
    },
    Case {
        name: "set on a read-only risks.toml is refused",
        setup: read_only_risks,
        args: &["set", "{ws}", "risk-003.likelihood", "4"],
        code: 2,
        message: "risks.toml: is read-only",
        changes: &[],
    },
    Case {
        name: "check refuses a series linked out of the workspace",
        setup: evil_series,
        args: &["check", "{ws}"],
        code: 1,
        message: "",
        changes: &[],
    },
    Case {
        name: "market refuses a series linked out of the workspace",
        setup: evil_series,
        args: &["market", "{ws}"],
        code: 1,
        message: "through a symbolic link",
        changes: &[],
    },
    Case {
        name: "check refuses data under a folder linked out of the workspace",
        setup: linked_data_folder,
        args: &["check", "{ws}"],
        code: 1,
        message: "",
        changes: &[],
    },
    Case {
        name: "check removes an old temporary file from the workspace folder",
        setup: legacy_temp_file,
        args: &["check", "{ws}"],
        code: 0,
        message: "0 errors",
        changes: &[".lodestar-save-AbC123.tmp"],
    },
    Case {
        name: "set removes temporary files of dead writers",
        setup: stale_temp_files,
        args: &["set", "{ws}", "risk-003.likelihood", "4"],
        code: 0,
        message: "",
        changes: &["risks.toml"],
    },
];

#[test]
fn io_cases() {
    for case in CASES {
        let (tmp, ws) = common::temp_copy(&common::example());
        (case.setup)(&ws);
        let before = snapshot(&ws);
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                a.replace("{ws}", &ws.display().to_string())
                    .replace("{tmp}", &tmp.path().display().to_string())
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_in(tmp.path(), &args);
        let (stdout, stderr) = (common::stdout(&out), common::stderr(&out));
        assert_eq!(
            out.status.code(),
            Some(case.code),
            "{}: exit status\nstdout: {stdout}\nstderr: {stderr}",
            case.name
        );
        assert!(
            stderr.contains(case.message) || stdout.contains(case.message),
            "{}: expected `{}`\nstdout: {stdout}\nstderr: {stderr}",
            case.name,
            case.message
        );
        assert!(
            !stdout.contains("root:") && !stderr.contains("root:"),
            "{}: leaked /etc/passwd\n{stdout}{stderr}",
            case.name
        );
        let after = snapshot(&ws);
        for (path, was) in &before {
            let allowed = case.changes.iter().any(|c| Path::new(c) == path);
            if !allowed {
                assert_eq!(
                    after.get(path),
                    Some(was),
                    "{}: {} changed",
                    case.name,
                    path.display()
                );
            }
        }
        for path in after.keys() {
            assert!(
                before.contains_key(path),
                "{}: {} appeared",
                case.name,
                path.display()
            );
        }
        for c in case.changes {
            assert_ne!(
                before.get(Path::new(c)),
                after.get(Path::new(c)),
                "{}: {c} should have changed",
                case.name
            );
        }
        assert_eq!(
            fs::read_dir(ws.join(".lodestar"))
                .map(|d| d
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                    .count())
                .unwrap_or(0),
            0,
            "{}: temporary files left in .lodestar",
            case.name
        );
    }
}

#[test]
fn check_names_the_symlink_that_leads_out() {
    let (_tmp, ws) = common::temp_copy(&common::example());
    evil_series(&ws);
    let out = common::lodestar(&["check", ws.to_str().expect("utf-8")]);
    let text = common::stdout(&out);
    assert!(
        text.contains("market.toml:") && text.contains("leads outside the workspace folder"),
        "{text}"
    );
}

#[test]
fn a_full_stdout_exits_2_for_every_printing_command() {
    let (_tmp, ws) = common::temp_copy(&common::example());
    let ws = ws.to_str().expect("utf-8");
    // `check` of a clean workspace prints nothing on stdout; one with problems lists them.
    let broken = common::repo().join("tests/fixtures/broken/out-of-range");
    let broken = broken.to_str().expect("utf-8");
    let commands: &[&[&str]] = &[
        &["check", broken],
        &["check", ws, "--format", "json"],
        &["get", ws, "risk-003.likelihood"],
        &["score", ws, "--samples", "0"],
        &["score", ws, "--samples", "0", "--format", "json"],
        &["report", ws],
        &["market", ws],
        &["risks", ws],
        &[ws],
    ];
    for args in commands {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
            .args(*args)
            .env("LODESTAR_TODAY", "2026-11-29")
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .expect("run");
        let stderr = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write the output"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn control_characters_from_the_workspace_are_escaped() {
    let (_tmp, ws) = common::temp_copy(&common::example());
    let w = ws.to_str().expect("utf-8");
    let title = "Evil\u{1b}]0;owned\u{7}\u{1b}[2J title\u{202e}";
    let out = common::lodestar(&["set", w, "risk-003.title", title]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let scn = common::lodestar(&["set", w, "scn-support-bot.name", "Bot\u{1b}[31m"]);
    assert_eq!(scn.status.code(), Some(0), "{}", common::stderr(&scn));
    let runs: Vec<(Vec<&str>, Output)> = vec![
        (vec!["set"], out),
        (vec!["get"], common::lodestar(&["get", w, "risk-003.title"])),
        (vec!["check"], common::lodestar(&["check", w])),
        (vec!["risks"], common::lodestar(&["risks", w])),
        (
            vec!["score"],
            common::lodestar(&["score", w, "--samples", "0"]),
        ),
        (vec!["report"], common::lodestar(&["report", w])),
        (vec!["market"], common::lodestar(&["market", w])),
        (vec!["summary"], common::lodestar(&[w])),
    ];
    for (what, o) in &runs {
        for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
            assert!(
                !bytes.iter().any(|b| *b == 0x1b || *b == 0x07),
                "{what:?} {stream}: raw control character: {}",
                String::from_utf8_lossy(bytes)
            );
            assert!(
                !String::from_utf8_lossy(bytes).contains('\u{202e}'),
                "{what:?} {stream}: raw bidi override"
            );
        }
    }
    let get = common::stdout(&runs[1].1);
    assert!(
        get.contains("Evil\\u{1b}]0;owned\\u{7}\\u{1b}[2J title\\u{202e}"),
        "{get}"
    );
    let score = common::stdout(&runs[4].1);
    assert!(score.contains("Bot\\u{1b}[31m"), "{score}");
    // JSON escapes them by JSON's rules, and stays JSON.
    for args in [
        &["score", w, "--samples", "0", "--format", "json"][..],
        &["risks", w, "--format", "json"][..],
    ] {
        let o = common::lodestar(args);
        assert!(!o.stdout.contains(&0x1b), "{args:?}");
        let doc: serde_json::Value =
            serde_json::from_slice(&o.stdout).expect("score --format json stays JSON");
        assert!(doc.to_string().contains("\\u001b"), "{args:?}: {doc}");
    }
}

/// Train on a small CSV given on the command line, relative to the current
/// directory (not to the workspace); returns the workspace.
fn trained(tmp: &Path) -> PathBuf {
    let ws = tmp.join("ws");
    common::copy_dir(&common::example(), &ws);
    let mut csv = String::from("customer_id,age,accepted_offer\n");
    for i in 0..80 {
        let yes = i % 3 == 0;
        csv.push_str(&format!(
            "C{i},{},{}\n",
            20 + i % 50,
            if yes { "yes" } else { "no" }
        ));
    }
    fs::write(tmp.join("tiny.csv"), csv).expect("write");
    let out = run_in(
        tmp,
        &[
            "train",
            "ws",
            "--data",
            "./tiny.csv",
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    ws
}

#[test]
fn command_line_paths_are_relative_to_the_current_directory_and_outputs_survive_failures() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = trained(tmp.path());
    // An absolute --data is fine too.
    let abs = tmp.path().join("tiny.csv");
    let out = run_in(
        tmp.path(),
        &[
            "train",
            "ws",
            "--data",
            abs.to_str().expect("utf-8"),
            "--epochs",
            "1",
            "--device",
            "cpu",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));

    // train prints epoch lines: a full stdout is exit 2 for it too.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args([
            "train", "ws", "--data", "tiny.csv", "--epochs", "1", "--device", "cpu",
        ])
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("cannot write the output"));

    // predict: input and output relative to the current directory.
    let out = run_in(
        tmp.path(),
        &[
            "predict", "ws", "--run", "latest", "--input", "tiny.csv", "--output", "out.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let good = fs::read(tmp.path().join("out.csv")).expect("out.csv");
    assert!(good.len() > 100);

    // A header-only input fails and keeps the previous output.
    fs::write(tmp.path().join("empty.csv"), "customer_id,age\n").expect("write");
    let out = run_in(
        tmp.path(),
        &[
            "predict",
            "ws",
            "--run",
            "latest",
            "--input",
            "empty.csv",
            "--output",
            "out.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("no data rows"));
    assert_eq!(fs::read(tmp.path().join("out.csv")).expect("out.csv"), good);

    // A read-only output is refused.
    let ro = tmp.path().join("ro.csv");
    fs::write(&ro, "keep\n").expect("write");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = run_in(
        tmp.path(),
        &[
            "predict", "ws", "--run", "latest", "--input", "tiny.csv", "--output", "ro.csv",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("is read-only"));
    assert_eq!(fs::read_to_string(&ro).expect("read"), "keep\n");

    // /dev/null stays a device.
    let out = run_in(
        tmp.path(),
        &[
            "predict",
            "ws",
            "--run",
            "latest",
            "--input",
            "tiny.csv",
            "--output",
            "/dev/null",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        fs::metadata("/dev/null")
            .expect("meta")
            .file_type()
            .is_char_device()
    );

    // A FIFO is written to, not replaced.
    let fifo = tmp.path().join("pipe.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).expect("read fifo"))
    };
    let out = run_in(
        tmp.path(),
        &[
            "report",
            ws.to_str().expect("utf-8"),
            "-o",
            fifo.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = reader.join().expect("reader");
    assert!(text.contains("scenario report"), "{text}");
    assert!(fs::metadata(&fifo).expect("meta").file_type().is_fifo());
    // Nothing of the command-line files landed in the workspace.
    assert!(!ws.join("tiny.csv").exists() && !ws.join("out.csv").exists());
}

#[test]
fn train_data_in_the_workspace_file_is_confined_after_symlinks() {
    let (_tmp, ws) = common::temp_copy(&common::example());
    symlink("/etc/passwd", ws.join("data/evil.csv")).expect("symlink");
    let w = ws.to_str().expect("utf-8");
    let out = common::lodestar(&["set", w, "training.data.file", "data/evil.csv"]);
    // Refused by `set` (if it validates) or trained on nothing: never read.
    if out.status.success() {
        let out = common::lodestar(&["train", w, "--epochs", "1", "--device", "cpu"]);
        assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
        let stderr = common::stderr(&out);
        assert!(stderr.contains("through a symbolic link"), "{stderr}");
        assert!(!stderr.contains("root:"), "{stderr}");
    }
}

#[test]
fn concurrent_trains_without_runs_folder_all_succeed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = trained(tmp.path());
    fs::remove_dir_all(ws.join("runs")).expect("rm runs");
    let handles: Vec<_> = (0..3)
        .map(|seed| {
            let cwd = tmp.path().to_path_buf();
            std::thread::spawn(move || {
                let seed = seed.to_string();
                run_in(
                    &cwd,
                    &[
                        "train", "ws", "--data", "tiny.csv", "--epochs", "1", "--device", "cpu",
                        "--seed", &seed,
                    ],
                )
            })
        })
        .collect();
    for h in handles {
        let out = h.join().expect("thread");
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    }
    assert!(ws.join("runs/.gitignore").is_file());
    let stray: Vec<_> = fs::read_dir(ws.join("runs"))
        .expect("runs")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn saves_killed_at_random_moments_leave_old_or_new_and_nothing_for_git() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let (_tmp, ws) = common::temp_copy(&common::example());
    git(&ws, &["init", "-q"]);
    git(&ws, &["add", "-A"]);
    git(&ws, &["commit", "-qm", "start"]);
    let path = ws.join("risks.toml");
    let w = ws.to_str().expect("utf-8");
    let mut seed: u64 = 0x9e3779b97f4a7c15;
    for i in 0..30 {
        let old = fs::read(&path).expect("read");
        let title = format!("killed save {i} {}", "x".repeat(i * 37));
        let mut child = Command::new(env!("CARGO_BIN_EXE_lodestar"))
            .args(["set", w, "risk-002.title", &title])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(std::time::Duration::from_micros(seed % 40_000));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = fs::read(&path).expect("read");
        let text = String::from_utf8(now.clone()).expect("UTF-8");
        assert!(
            text.parse::<toml_edit::DocumentMut>().is_ok(),
            "iteration {i}: risks.toml does not parse"
        );
        if now != old {
            // The new content: the old with exactly the title changed.
            assert!(text.contains(&title), "iteration {i}: neither old nor new");
        }
        let status = git(&ws, &["status", "--porcelain", "--untracked-files=all"]);
        for line in status.lines() {
            assert!(
                line.ends_with("risks.toml"),
                "iteration {i}: git status shows {line}"
            );
        }
    }
    // The next write cleans what the killed ones left in .lodestar/.
    let out = common::lodestar(&["set", w, "risk-002.likelihood", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let left: Vec<_> = fs::read_dir(ws.join(".lodestar"))
        .expect(".lodestar")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let check = common::lodestar(&["check", w]);
    assert_eq!(check.status.code(), Some(0), "{}", common::stderr(&check));
}
