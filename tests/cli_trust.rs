//! Nothing lost, nothing leaked (issue 13): `set` is a transaction that
//! agrees with `check` on every rule, numbers stay honest, messages are
//! clear. Every refusal leaves every file byte for byte as it was.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use proptest::prelude::*;

/// Every file of a workspace (data included) and its bytes, but not the
/// lock folder that any writer creates.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if entry.file_name() == ".lodestar" {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("inside").display();
                out.insert(rel.to_string(), fs::read(&path).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn set(dir: &Path, field: &str, value: &str) -> std::process::Output {
    common::lodestar(&["set", &dir.display().to_string(), field, value])
}

/// `set` refuses with exit 1 and `fragment` in its message, and changes nothing.
fn assert_refused(dir: &Path, field: &str, value: &str, fragment: &str) {
    let before = snapshot(dir);
    let out = set(dir, field, value);
    let value: String = value.chars().take(40).collect();
    let err = common::stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "set {field} {value:?} was not refused: {err}{}",
        common::stdout(&out)
    );
    assert!(
        err.contains(fragment),
        "set {field} {value:?}: expected {fragment:?} in:\n{err}"
    );
    assert!(
        snapshot(dir) == before,
        "set {field} {value:?} changed a file although it was refused"
    );
}

/// One `set` per rule of `check` that a `set` can break, each refused
/// with that rule's words (the rules that need records `set` cannot
/// address — comparisons and risk bands have no id — are left out).
#[test]
fn every_check_rule_refuses_the_set_that_breaks_it() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    // The shipped example is clean, so every refusal below is the edit's.
    let check = common::lodestar(&["check", &d]);
    assert_eq!(check.status.code(), Some(0), "{}", common::stdout(&check));

    let table: &[(&str, &str, &str)] = &[
        // Types and ranges of single values.
        ("risk-001.likelihood", "6", "is 6, allowed 1–5"),
        ("risk-001.impact", "0", "is 0, allowed 1–5"),
        ("training.optimizer.epsilon", "0", "is 0, allowed 1e-12–1"),
        (
            "need-001.priority",
            "maybe",
            "allowed: must, should, could, wont",
        ),
        ("risk-001.review", "2027-02-30", "has no day 30"),
        ("ev-006.counts", "1,2,-3,4,5,6,7", "contains -3"),
        (
            "comp-megamart.features.feat-chat-support",
            "sometimes",
            "is \"sometimes\"; allowed: yes, partial, no",
        ),
        // Required values.
        ("workspace.name", "", "is empty; it is required"),
        ("workspace.name", "   ", "is empty; it is required"),
        ("risk-001.title", "", "is empty; it is required"),
        ("training.data.target", "", "is empty; it is required"),
        // Tables that lose a required key.
        (
            "risk-009.residual.likelihood",
            "2",
            "is missing required key `residual.impact`",
        ),
        (
            "need-010.kpi.baseline",
            "3",
            "is missing required key `kpi.metric`",
        ),
        // Links.
        (
            "training.scenario",
            "scn-nope",
            "no scenario with id `scn-nope`",
        ),
        (
            "training.scenario",
            "need-001",
            "`need-001` is a need, expected a scenario id",
        ),
        (
            "risk-001.scenarios",
            "scn-support-bot, scn-nope",
            "scn-nope",
        ),
        // Ids.
        ("need-002.id", "need-001", "id `need-001` is already used"),
        ("need-002.id", "need 2", "may only use letters, digits"),
        // Paths written in workspace files.
        ("series-ai-spend.file", "/etc/passwd", "is absolute"),
        (
            "series-ai-spend.file",
            "../outside.csv",
            "leaves the workspace",
        ),
        (
            "series-ai-spend.file",
            "data/nope.csv",
            "not found in the workspace",
        ),
        ("training.data.file", "/etc/passwd", "is absolute"),
        (
            "ev-008.responses",
            "data/../../x.csv",
            "leaves the workspace",
        ),
        // Rules across records.
        (
            "value.min",
            "10",
            "criterion value: `min` (10) must be below `max` (5)",
        ),
        (
            "value.max",
            "3",
            "score value = 4 is outside the criterion's range 1–3",
        ),
        (
            "scn-support-bot.scores.value",
            "9",
            "score value = 9 is outside the criterion's range 1–5",
        ),
        ("ev-001.kind", "survey", "survey ev-001 needs a `scale`"),
        (
            "ev-006.counts",
            "1,2,3",
            "a likert7 question has 7 answers, but `counts` has 3",
        ),
        (
            "ev-006.counts",
            "[]",
            "survey ev-006 needs `counts` or `responses`",
        ),
        (
            "ev-006.responses",
            "data/survey-responses.csv",
            "`responses` needs a `column`",
        ),
    ];
    for (field, value, fragment) in table {
        assert_refused(&dir, field, value, fragment);
    }
    // Refusals print `check`'s own lines: file:line:col: error: message.
    let out = set(&dir, "value.min", "10");
    let err = common::stderr(&out);
    assert!(
        err.contains(&format!("{}:", dir.join("workspace.toml").display()))
            && err.contains(": error: criterion value"),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
}

/// An error that was there before does not block an edit that adds none;
/// an edit that adds one is still refused.
#[test]
fn old_errors_do_not_block_but_new_ones_do() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let risks = dir.join("risks.toml");
    let text = fs::read_to_string(&risks).expect("read");
    // An error written by hand: likelihood 9.
    let broken = text.replacen("likelihood = 4", "likelihood = 9", 1);
    assert_ne!(broken, text);
    fs::write(&risks, &broken).expect("write");
    let out = set(&dir, "risk-002.title", "A new title");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_refused(&dir, "risk-002.impact", "7", "is 7, allowed 1–5");
}

#[derive(Debug, Clone)]
struct Edit {
    field: &'static str,
    value: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    const FIELDS: &[&str] = &[
        "workspace.name",
        "workspace.discount-rate",
        "workspace.horizon-months",
        "workspace.scoring.samples",
        "value.min",
        "value.max",
        "cost.weight",
        "risk-001.likelihood",
        "risk-009.residual.likelihood",
        "risk-003.review",
        "risk-001.scenarios",
        "need-010.kpi.baseline",
        "need-001.priority",
        "scn-support-bot.scores.value",
        "scn-support-bot.revenue.growth",
        "scn-support-bot.revenue.volume",
        "ev-006.counts",
        "ev-001.kind",
        "series-ai-spend.file",
        "training.data.file",
        "training.scenario",
        "training.optimizer.epsilon",
        "seg-members.tam",
    ];
    let value = prop_oneof![
        (-3i64..12).prop_map(|i| i.to_string()),
        prop::sample::select(vec![
            "0.5",
            "1e308",
            "-1",
            "",
            "x",
            "must",
            "survey",
            "2027-01-31",
            "2027-02-30",
            "data/propensity.csv",
            "/etc/passwd",
            "../a.csv",
            "data/none.csv",
            "scn-support-bot",
            "need-001",
            "1,2,3",
            "1,2,3,4,5,6,7",
            "[]",
        ])
        .prop_map(str::to_string),
    ];
    (prop::sample::select(FIELDS), value).prop_map(|(field, value)| Edit { field, value })
}

proptest! {
    // Each case runs the binary two or three times: kept small for CI.
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Random edits on a copy of a shipped workspace: either refused with exit 1
    /// and nothing changed, or `check` is still clean afterwards.
    #[test]
    fn set_is_refused_untouched_or_leaves_check_clean(
        chinese in any::<bool>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        // Both shipped workspaces (ids the other lacks are refused too).
        let source = if chinese {
            common::repo().join("workspaces").join("zh-example")
        } else {
            common::example()
        };
        let (_tmp, dir) = common::temp_copy(&source);
        let d = dir.display().to_string();
        for e in &edits {
            let before = snapshot(&dir);
            let out = set(&dir, e.field, &e.value);
            match out.status.code() {
                Some(0) => {
                    let check = common::lodestar(&["check", &d]);
                    prop_assert_eq!(
                        check.status.code(),
                        Some(0),
                        "set {} {:?} exited 0 but check says:\n{}",
                        e.field,
                        e.value,
                        common::stdout(&check)
                    );
                }
                Some(1) => prop_assert!(
                    snapshot(&dir) == before,
                    "set {} {:?} was refused but changed a file",
                    e.field,
                    e.value
                ),
                other => prop_assert!(false, "set {} {:?} exited {:?}: {}", e.field, e.value, other, common::stderr(&out)),
            }
        }
    }
}

// ---- Messages (Build step 8) ------------------------------------------------

/// Git's conflict markers are found before TOML parsing, every block is
/// reported with its lines, and nothing is formatted.
#[test]
fn merge_conflicts_are_reported_block_by_block() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let risks = dir.join("risks.toml");
    let text = fs::read_to_string(&risks).expect("read");
    let conflicted = text
        .replacen(
            "likelihood = 4\n",
            "<<<<<<< HEAD\nlikelihood = 4\n=======\nlikelihood = 5\n>>>>>>> theirs\n",
            1,
        )
        .replacen(
            "impact = 5\n",
            "<<<<<<< ours\nimpact = 5\n||||||| base\nimpact = 3\n=======\nimpact = 4\n>>>>>>> feature/risk\n",
            1,
        );
    fs::write(&risks, &conflicted).expect("write");
    let start = |from: usize| {
        conflicted
            .lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| l.starts_with("<<<<<<<"))
            .map(|(i, _)| i + 1)
            .expect("marker")
    };
    let (a, b) = (start(0), start(start(0)));
    for args in [vec!["check", &d], vec!["get", &d, "risk-001.title"]] {
        let out = common::lodestar(&args);
        let all = format!("{}{}", common::stdout(&out), common::stderr(&out));
        assert_eq!(out.status.code(), Some(1), "{all}");
        for (line, end) in [(a, a + 4), (b, b + 6)] {
            let want = format!(
                "{}:{line}:1: error: unresolved git merge conflict (lines {line}–{end}: ours vs theirs)",
                risks.display()
            );
            assert!(all.contains(&want), "{want}\nnot in:\n{all}");
        }
        assert!(!all.contains("key with no value"), "{all}");
    }
    let out = common::lodestar(&["fmt", &d]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("unresolved git merge conflict"));
    assert_eq!(fs::read_to_string(&risks).expect("read"), conflicted);
}

#[test]
fn numbers_in_messages_are_compact_and_exact() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let risks = dir.join("risks.toml");
    let text = fs::read_to_string(&risks).expect("read");
    fs::write(
        &risks,
        text.replacen("likelihood = 4\n", "likelihood = 5.0\n", 1),
    )
    .expect("write");
    let ws = dir.join("workspace.toml");
    let text = fs::read_to_string(&ws).expect("read");
    fs::write(
        &ws,
        text.replacen("discount-rate = 0.12", "discount-rate = 1e308", 1),
    )
    .expect("write");
    let out = common::lodestar(&["check", &d]);
    let text = common::stdout(&out);
    assert!(
        text.contains("`likelihood` is 5.0, must be a whole number (1–5)"),
        "{text}"
    );
    assert!(text.contains("`discount-rate` is 1e308, allowed"), "{text}");
    assert!(!text.contains("000000000000"), "{text}");
}

#[test]
fn a_file_given_as_the_workspace_is_named_as_such() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let file = dir.join("risks.toml").display().to_string();
    for args in [
        vec!["get", &file, "risk-001.title"],
        vec!["set", &file, "risk-001.title", "x"],
        vec!["check", &file],
    ] {
        let out = common::lodestar(&args);
        let err = common::stderr(&out);
        assert!(
            err.contains("is a file, expected a workspace folder"),
            "{args:?}: {err}"
        );
        assert_ne!(out.status.code(), Some(0));
    }
}

#[test]
fn recursion_limit_errors_carry_a_line() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let risks = dir.join("risks.toml");
    let text = fs::read_to_string(&risks).expect("read");
    let deep = format!("{} = 1\n", vec!["a"; 1000].join("."));
    let lines = text.lines().count();
    fs::write(&risks, format!("{text}{deep}")).expect("write");
    let out = common::lodestar(&["check", &d]);
    let all = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{all}");
    let want = format!("{}:{}:1: error: TOML syntax:", risks.display(), lines + 1);
    assert!(all.contains(&want), "{want} not in {all}");
}

// ---- Honest numbers (Build step 7) -------------------------------------------

#[test]
fn command_line_limits_equal_the_files() {
    let d = common::example().display().to_string();
    for args in [
        vec!["score", &d, "--samples", "10000001"],
        vec!["score", &d, "--samples", "10000000000"],
        vec!["score", &d, "--seed", "9223372036854775808"],
        vec!["train", &d, "--seed", "9223372036854775808"],
    ] {
        let out = common::lodestar(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            common::stderr(&out).contains("not in 0.."),
            "{args:?}: {}",
            common::stderr(&out)
        );
    }
    let out = common::lodestar(&[
        "score",
        &d,
        "--samples",
        "0",
        "--seed",
        "9223372036854775807",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}

#[test]
fn duplicate_ids_make_get_and_set_refuse_with_both_places() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let needs = dir.join("needs.toml");
    let text = fs::read_to_string(&needs).expect("read");
    fs::write(
        &needs,
        text.replacen("id = \"need-002\"", "id = \"need-001\"", 1),
    )
    .expect("write");
    let d = dir.display().to_string();
    let out = common::lodestar(&["get", &d, "need-001.title"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let first = format!("{}:11", needs.display());
    let second = format!("{}:23:", needs.display());
    assert!(err.contains(&first) && err.contains(&second), "{err}");
    assert!(err.contains("names more than one record"), "{err}");
    assert_refused(&dir, "need-001.title", "x", "names more than one record");
}

#[test]
fn whole_table_set_writes_canonical_text() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    for (field, value) in [
        (
            "scn-support-bot.revenue",
            "{ model = \"usage\", price = 2, volume = 100 }",
        ),
        ("risk-009.residual", "{likelihood=2,impact=3}"),
        ("need-010.kpi", "{ metric = \"Cost\", unit = \"EUR\" }"),
    ] {
        let out = set(&dir, field, value);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{field}: {}",
            common::stderr(&out)
        );
        let fmt = common::lodestar(&["fmt", &d, "--check"]);
        assert_eq!(
            fmt.status.code(),
            Some(0),
            "{field}: {}{}",
            common::stdout(&fmt),
            common::stderr(&fmt)
        );
    }
    let check = common::lodestar(&["check", &d]);
    assert_eq!(check.status.code(), Some(0), "{}", common::stdout(&check));
}

#[test]
fn a_set_that_would_pass_the_read_cap_is_refused() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let risks = dir.join("risks.toml");
    let text = fs::read_to_string(&risks).expect("read");
    // A comment that brings the file to just under 16 MiB.
    let room = 16 * 1024 * 1024 - text.len() - 40 * 1024;
    let padded = format!("{text}# {}\n", "x".repeat(room));
    fs::write(&risks, &padded).expect("write");
    assert_refused(
        &dir,
        "risk-001.description",
        &"y".repeat(100 * 1024),
        "larger than the 16 MiB limit",
    );
}

#[test]
fn revenue_that_overflows_says_so() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    for (field, value) in [
        ("scn-support-bot.revenue.growth", "10"),
        ("scn-support-bot.revenue.horizon-months", "600"),
    ] {
        let out = set(&dir, field, value);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    }
    let out = common::lodestar(&["score", &d, "--samples", "0", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let bot = json["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|s| s["id"] == "scn-support-bot")
        .expect("bot");
    let error = bot["revenue_error"].as_str().unwrap_or_default();
    assert!(error.contains("revenue arithmetic overflows"), "{bot}");
    let out = common::lodestar(&["score", &d, "--samples", "0"]);
    assert!(
        common::stdout(&out).contains("problem: scn-support-bot: revenue arithmetic overflows"),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn a_feature_of_absurd_scale_is_refused_with_its_rows() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let csv = dir.join("data").join("propensity.csv");
    let text = fs::read_to_string(&csv).expect("read");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row on line 5: age = 1e300.
    let mut cells: Vec<&str> = lines[4].split(',').collect();
    cells[1] = "1e300";
    lines[4] = cells.join(",");
    fs::write(&csv, lines.join("\n") + "\n").expect("write");
    let out = common::lodestar(&["train", &dir.display().to_string(), "--epochs", "1"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("propensity.csv:5:"), "{err}");
    assert!(
        err.contains("column `age`: `1e300` is too large to standardise"),
        "{err}"
    );
}

#[test]
fn a_market_series_of_huge_values_is_a_problem_not_a_null_forecast() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let csv = dir.join("data").join("market-ai-retail.csv");
    let text = fs::read_to_string(&csv).expect("read");
    let mut lines = text.lines();
    let header = lines.next().expect("header");
    let value_col = header
        .split(',')
        .position(|c| c == "spend_eur_m")
        .expect("column");
    let mut out_text = format!("{header}\n");
    for l in lines {
        let mut cells: Vec<&str> = l.split(',').collect();
        cells[value_col] = "1e308";
        out_text.push_str(&cells.join(","));
        out_text.push('\n');
    }
    fs::write(&csv, out_text).expect("write");
    let out = common::lodestar(&["market", &dir.display().to_string()]);
    let all = format!("{}{}", common::stdout(&out), common::stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("too large to forecast"), "{all}");
}

/// A run whose process is killed mid-way is marked interrupted, skipped by
/// `--run latest` and reported as such.
#[test]
fn a_killed_training_run_is_marked_interrupted() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let d = dir.display().to_string();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(["train", &d, "--epochs", "100000", "--device", "cpu"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let runs = dir.join("runs");
    let started = std::time::Instant::now();
    let summary = loop {
        let found = fs::read_dir(&runs).ok().and_then(|entries| {
            entries
                .flatten()
                .map(|e| e.path().join("summary.toml"))
                .find(|p| p.is_file())
        });
        if let Some(p) = found {
            break p;
        }
        assert!(
            started.elapsed().as_secs() < 60,
            "no summary.toml after 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(
        fs::read_to_string(&summary)
            .expect("read")
            .contains("status = \"running\"")
    );
    child.kill().expect("kill");
    child.wait().expect("wait");
    let report = common::lodestar(&["report", &d]);
    let text = common::squeeze_tables(&common::stdout(&report));
    assert!(text.contains("| status | interrupted |"), "{text}");
    let input = dir
        .join("data")
        .join("propensity.csv")
        .display()
        .to_string();
    let output = dir.join("out.csv").display().to_string();
    let out = common::lodestar(&[
        "predict", &d, "--run", "latest", "--input", &input, "--output", &output,
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        common::stderr(&out).contains("no finished runs"),
        "{}",
        common::stderr(&out)
    );
    // Listing the runs marked it in the file.
    let text = fs::read_to_string(&summary).expect("read");
    assert!(text.contains("status = \"interrupted\""), "{text}");
}
