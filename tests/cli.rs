//! The headless CLI through the real binary: new, check, get, set.

mod common;

use std::fs;

#[test]
fn new_creates_valid_workspaces() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for template in ["example", "blank"] {
        let dir = tmp.path().join(template);
        let d = dir.display().to_string();
        let out = common::lodestar(&["new", &d, "--template", template]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let out = common::lodestar(&["check", &d]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
        assert!(
            common::stdout(&out).is_empty(),
            "no warnings: {}",
            common::stdout(&out)
        );
        assert!(
            fs::read_to_string(dir.join(".gitignore"))
                .expect("gitignore")
                .contains(".lodestar/")
        );
        // Refuses to overwrite.
        let again = common::lodestar(&["new", &d]);
        assert_eq!(again.status.code(), Some(2));
    }
}

#[test]
fn set_changes_exactly_one_line_and_keeps_the_comment() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let before = fs::read_to_string(dir.join("risks.toml")).expect("read");
    let out = common::lodestar(&["set", &d, "risk-003.residual.likelihood", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let after = fs::read_to_string(dir.join("risks.toml")).expect("read");
    let (removed, added) = common::changed_region(&before, &after);
    assert_eq!(
        (removed.len(), added.len()),
        (1, 1),
        "{removed:?} {added:?}"
    );
    assert!(
        added[0].starts_with("residual = { likelihood = 2,"),
        "{added:?}"
    );
    assert_eq!(
        removed[0].split_once('#').map(|x| x.1),
        added[0].split_once('#').map(|x| x.1),
        "comment kept"
    );
    let got = common::lodestar(&["get", &d, "risk-003.residual.likelihood"]);
    assert_eq!(common::stdout(&got).trim(), "2");
    // Other files untouched.
    for f in [
        "needs.toml",
        "market.toml",
        "scenarios.toml",
        "workspace.toml",
        "training.toml",
    ] {
        assert_eq!(
            fs::read(dir.join(f)).expect("read"),
            fs::read(common::example().join(f)).expect("read"),
            "{f}"
        );
    }
}

#[test]
fn set_of_every_kind_of_value_is_one_line() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let cases = [
        ("workspace.discount-rate", "0.08", "workspace.toml"),
        ("need-001.priority", "could", "needs.toml"),
        ("risk-001.review", "2027-03-01", "risks.toml"),
        ("risk-001.title", "A \"quoted\" title — 中文", "risks.toml"),
        ("training.run.epochs", "12", "training.toml"),
    ];
    for (field, value, file) in cases {
        let before = fs::read_to_string(dir.join(file)).expect("read");
        let out = common::lodestar(&["set", &d, field, value]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{field}: {}",
            common::stderr(&out)
        );
        let after = fs::read_to_string(dir.join(file)).expect("read");
        let (removed, added) = common::changed_region(&before, &after);
        assert_eq!(
            (removed.len(), added.len()),
            (1, 1),
            "{field}: {removed:?} {added:?}"
        );
        let got = common::lodestar(&["get", &d, field]);
        assert_eq!(common::stdout(&got).trim_end(), value, "{field}");
    }
    assert_eq!(common::lodestar(&["check", &d]).status.code(), Some(0));
}

#[test]
fn invalid_values_are_refused_and_nothing_is_written() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let before = fs::read_to_string(dir.join("risks.toml")).expect("read");
    let cases = [
        ("risk-003.likelihood", "9", "is 9, allowed 1–5"),
        ("risk-003.likelihood", "high", "is not a whole number"),
        (
            "risk-003.category",
            "cosmic",
            "allowed: technical, market, legal, operational",
        ),
        ("risk-003.review", "2027-02-30", "has no day 30"),
        (
            "risk-003.scenarios",
            "scn-nope",
            "no scenario with id `scn-nope`",
        ),
        (
            "risk-003.colour",
            "red",
            "`colour` is not a field of a risk",
        ),
        ("risk-999.likelihood", "2", "no record with id `risk-999`"),
    ];
    for (field, value, message) in cases {
        let out = common::lodestar(&["set", &d, field, value]);
        assert_eq!(out.status.code(), Some(1), "{field}={value}");
        assert!(
            common::stderr(&out).contains(message),
            "{field}={value}: {}",
            common::stderr(&out)
        );
    }
    assert_eq!(
        fs::read_to_string(dir.join("risks.toml")).expect("read"),
        before
    );
    let out = common::lodestar(&["set", &d, "nodot", "1"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn save_is_refused_when_the_file_changed_on_disk() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let mut ws = lodestar::workspace::Workspace::open(&dir).expect("open");
    let target = ws.find("risk-003").expect("risk-003");
    ws.set(target, &["likelihood".to_string()], "4")
        .expect("set");
    let theirs = fs::read_to_string(dir.join("risks.toml")).expect("read") + "# pulled from git\n";
    fs::write(dir.join("risks.toml"), &theirs).expect("write");
    let err = ws.save().expect_err("must refuse");
    assert!(
        matches!(err, lodestar::workspace::SaveError::ChangedOnDisk { .. }),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(dir.join("risks.toml")).expect("read"),
        theirs,
        "disk untouched"
    );
    assert!(ws.is_dirty(), "edits kept in memory");
}

#[test]
fn a_failed_write_leaves_the_original_intact() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("risks.toml");
    let before = fs::read(&path).expect("read");
    // Limit the size of files the process may write (works for root too, unlike
    // a read-only folder); SIGXFSZ is ignored so the write fails with EFBIG.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec '{}' set '{}' risk-003.likelihood 4",
        env!("CARGO_BIN_EXE_lodestar"),
        dir.display()
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("bash");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("risks.toml"),
        "{}",
        common::stderr(&out)
    );
    assert_eq!(fs::read(&path).expect("read"), before);
    let leftovers: Vec<_> = [dir.clone(), dir.join(".lodestar")]
        .iter()
        .flat_map(|d| fs::read_dir(d).expect("dir"))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary file cleaned up");
}

#[test]
fn check_json_lists_problems() {
    let dir = common::repo().join("tests/fixtures/broken/out-of-range");
    let out = common::lodestar(&["check", &dir.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["errors"], 3);
    assert_eq!(v["problems"][0]["severity"], "error");
}

#[test]
fn help_has_examples() {
    let out = common::lodestar(&["--help"]);
    assert!(common::stdout(&out).contains("lodestar set workspaces/example risk-003.likelihood 4"));
    let out = common::lodestar(&["set", "--help"]);
    assert!(common::stdout(&out).contains("Examples:"));
}
