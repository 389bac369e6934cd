//! `lodestar score` and `lodestar report` run as the real binary on the
//! bundled example workspace; the JSON contract of docs/CLI.md is checked
//! key by key.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workspaces")
        .join("example")
}

fn lodestar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .output()
        .expect("the lodestar binary runs")
}

fn json(args: &[&str]) -> Value {
    let out = lodestar(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn example_str() -> String {
    example().display().to_string()
}

#[test]
fn score_json_keeps_the_contract() {
    let dir = example_str();
    let v = json(&[
        "score",
        &dir,
        "--format",
        "json",
        "--samples",
        "3000",
        "--seed",
        "7",
    ]);
    assert_eq!(v["method"], "weighted-sum");
    assert_eq!(v["samples"], 3000);
    assert_eq!(v["seed"], 7);
    let criteria = v["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 6);
    let total: f64 = criteria.iter().map(|c| c["weight"].as_f64().unwrap()).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert!(criteria.iter().all(|c| c["id"].is_string()));
    let scenarios = v["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 9);
    let keys = [
        "id",
        "name",
        "score",
        "rank",
        "p_first",
        "rank_p5",
        "rank_p95",
        "quadrant",
        "npv",
        "irr",
        "payback_month",
    ];
    for s in scenarios {
        for k in keys {
            assert!(s.get(k).is_some(), "scenario lacks `{k}`: {s}");
        }
        let score = s["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
        let (p5, p95) = (
            s["rank_p5"].as_u64().unwrap(),
            s["rank_p95"].as_u64().unwrap(),
        );
        assert!(1 <= p5 && p5 <= p95 && p95 <= 9);
        let q = s["quadrant"].as_str().unwrap();
        assert!(
            ["quick-win", "strategic-bet", "fill-in", "avoid"].contains(&q),
            "{q}"
        );
        assert!(s["npv"].is_number());
    }
    // Best first, ranks ascending, scores descending.
    let ranks: Vec<u64> = scenarios
        .iter()
        .map(|s| s["rank"].as_u64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(ranks[0], 1);
    let p: f64 = scenarios
        .iter()
        .map(|s| s["p_first"].as_f64().unwrap())
        .sum();
    assert!((p - 1.0).abs() < 1e-9, "P(rank 1) sums to {p}");
    // The licence scenario loses money: negative NPV, no payback, a (negative) IRR.
    let lic = scenarios
        .iter()
        .find(|s| s["id"] == "scn-assistant-license")
        .unwrap();
    assert!(lic["npv"].as_f64().unwrap() < 0.0);
    assert!(lic["payback_month"].is_null());
    assert!(lic["irr"].as_f64().unwrap() < 0.0);
}

#[test]
fn same_seed_same_output_and_samples_zero_switches_sampling_off() {
    let dir = example_str();
    let a = lodestar(&[
        "score",
        &dir,
        "--format",
        "json",
        "--samples",
        "2500",
        "--seed",
        "11",
    ]);
    let b = lodestar(&[
        "score",
        &dir,
        "--format",
        "json",
        "--samples",
        "2500",
        "--seed",
        "11",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let v = json(&["score", &dir, "--format", "json", "--samples", "0"]);
    assert_eq!(v["samples"], 0);
    assert!(v["scenarios"][0]["p_first"].is_null());
    assert!(v["scenarios"][0]["rank_p5"].is_null());
}

#[test]
fn topsis_and_the_other_formats() {
    let dir = example_str();
    let v = json(&[
        "score",
        &dir,
        "--method",
        "topsis",
        "--format",
        "json",
        "--samples",
        "500",
    ]);
    assert_eq!(v["method"], "topsis");
    assert_eq!(v["scenarios"].as_array().unwrap().len(), 9);

    let csv = lodestar(&["score", &dir, "--format", "csv", "--samples", "500"]);
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    assert!(
        lines[0].starts_with(
            "rank,id,name,score,p_first,rank_p5,rank_p95,quadrant,npv,irr,payback_month"
        )
    );

    let md = lodestar(&["score", &dir, "--format", "md", "--samples", "500"]);
    let text = common::squeeze_tables(&String::from_utf8(md.stdout).unwrap());
    assert!(text.contains("| rank | scenario | score |"));

    let table = lodestar(&["score", &dir, "--samples", "500"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("P(rank 1)") && text.contains("scn-next-best-offer"));
}

#[test]
fn degenerate_workspaces_fail_with_a_message_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let blank = tmp.path().join("blank");
    let made = lodestar(&["new", &blank.display().to_string(), "--template", "blank"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let out = lodestar(&["score", &blank.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no scenarios"), "{err}");
    // The report still renders and says why there is no ranking.
    let rep = lodestar(&["report", &blank.display().to_string()]);
    assert!(rep.status.success());
    assert!(String::from_utf8_lossy(&rep.stdout).contains("cannot be scored"));

    let missing = lodestar(&["score", &tmp.path().join("nope").display().to_string()]);
    assert_eq!(missing.status.code(), Some(2));
    let bad = lodestar(&["score", &example_str(), "--method", "borda"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn report_writes_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("report.md");
    let out = lodestar(&["report", &example_str(), "-o", &file.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    for needle in [
        "```mermaid",
        "## Ranking",
        "P(rank 1)",
        "## Revenue",
        "## Market",
        "## Needs coverage",
        "## Risks",
        "impact ↓ / likelihood →",
        "## Latest training run",
        // The example ships workshop votes: the disagreement table and
        // the discuss-first list, with the planted cell that flips the top two.
        "## Workshop votes",
        "| Scenario | Criterion | Votes | Median | IQR | Min–max | Could flip the winner |",
        "| scn-next-best-offer | value | 5 | 5 | 1 | 2–5 | **yes** |",
        "Discuss first",
        "- scn-next-best-offer.value (IQR 1)",
    ] {
        assert!(
            common::squeeze_tables(&text).contains(needle),
            "report lacks {needle}"
        );
    }
    // Same workspace, same report: it can be committed and diffed.
    let again = lodestar(&["report", &example_str()]);
    assert_eq!(String::from_utf8(again.stdout).unwrap(), text);
}

#[test]
fn report_shows_the_latest_training_run() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    assert!(
        lodestar(&["new", &ws.display().to_string()])
            .status
            .success()
    );
    let run = ws.join("runs").join("20270101-120000");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::write(
        run.join("summary.toml"),
        "status = \"finished\"\nval-auc = 0.83\n",
    )
    .unwrap();
    let out = lodestar(&["report", &ws.display().to_string()]);
    let text = common::squeeze_tables(&String::from_utf8(out.stdout).unwrap());
    assert!(text.contains("validation AUC 0.83"), "{text}");
    assert!(text.contains("| val-auc | 0.83 |"));
}

#[test]
fn a_ratio_that_is_not_a_number_stops_score_and_report() {
    for bad in ["nan", "inf", "\"two\""] {
        let (_tmp, dir) = common::temp_copy(&example());
        let file = dir.join("workspace.toml");
        let text = std::fs::read_to_string(&file).unwrap();
        let good = "b = \"data-readiness\"\nratio = 2\n";
        assert!(text.contains(good));
        let text = text.replace(good, &format!("b = \"data-readiness\"\nratio = {bad}\n"));
        std::fs::write(&file, &text).unwrap();
        let line = text
            .lines()
            .position(|l| l == format!("ratio = {bad}"))
            .unwrap()
            + 1;
        let dir = dir.display().to_string();

        let out = lodestar(&["score", &dir, "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        let shown = if bad == "inf" { "inf" } else { "NaN" };
        let why = format!("comparison `value` vs `data-readiness` has an invalid ratio {shown}");
        assert!(err.contains(&why), "{err}");
        // And where it is, as `lodestar check` says it.
        assert!(
            err.contains(&format!("workspace.toml:{line}:9: error:")),
            "{err}"
        );

        let rep = lodestar(&["report", &dir]);
        assert!(rep.status.success());
        let text = String::from_utf8_lossy(&rep.stdout);
        assert!(
            text.contains(&format!("The scenarios cannot be scored: {why}")),
            "{text}"
        );
        assert!(!text.contains("P(rank 1)"));
    }
}
