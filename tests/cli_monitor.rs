//! `lodestar monitor` as the real binary: the JSON contract of docs/CLI.md
//! on both shipped workspaces, the figures the sample data plants (one KPI on
//! track, one off, one scenario below plan, one drifting feature, one
//! labelled batch), `--fail-on-trigger`, and a workspace without monitoring.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn workspaces() -> [PathBuf; 2] {
    let root = common::repo().join("workspaces");
    [root.join("example"), root.join("zh-example")]
}

fn run(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let d = dir.display().to_string();
    let mut args = vec!["monitor", d.as_str()];
    args.extend_from_slice(extra);
    let out = common::lodestar(&args);
    (out.status.code(), common::stdout(&out))
}

fn json(dir: &Path) -> Value {
    let (code, text) = run(dir, &["--format", "json"]);
    assert_eq!(code, Some(0), "{text}");
    serde_json::from_str(&text).expect("valid JSON")
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    k.sort();
    k
}

#[test]
fn json_contract_has_exactly_the_documented_keys() {
    for dir in workspaces() {
        let v = json(&dir);
        assert_eq!(keys(&v), ["kpis", "model", "revenue", "triggers"]);
        for k in v["kpis"].as_array().expect("kpis") {
            assert_eq!(
                keys(k),
                [
                    "baseline",
                    "due",
                    "latest",
                    "latest_date",
                    "metric",
                    "need",
                    "projected",
                    "status",
                    "target",
                    "unit"
                ]
            );
        }
        for r in v["revenue"].as_array().expect("revenue") {
            assert_eq!(
                keys(r),
                [
                    "actual_total",
                    "months",
                    "payback_month",
                    "plan_npv",
                    "plan_total",
                    "reforecast_npv",
                    "scenario",
                    "variance"
                ]
            );
            let (a, p, var) = (
                r["actual_total"].as_f64().expect("actual"),
                r["plan_total"].as_f64().expect("plan"),
                r["variance"].as_f64().expect("variance"),
            );
            assert!((a - p - var).abs() < 0.02, "{r}");
        }
        let m = &v["model"];
        assert_eq!(
            keys(m),
            [
                "auc",
                "batches",
                "psi",
                "run",
                "score_psi",
                "since",
                "validation_auc"
            ]
        );
        for p in m["psi"].as_array().expect("psi") {
            assert_eq!(keys(p), ["feature", "psi"]);
        }
        for a in m["auc"].as_array().expect("auc") {
            assert_eq!(keys(a), ["auc", "batch"]);
        }
        for t in v["triggers"].as_array().expect("triggers") {
            assert_eq!(keys(t), ["evidence", "kind", "proposal", "subject"]);
        }
    }
}

#[test]
fn the_sample_data_shows_every_part() {
    let below = ["scn-support-bot", "scn-ai-service"];
    for (dir, below) in workspaces().iter().zip(below) {
        let v = json(dir);
        let status = |need: &str| {
            v["kpis"]
                .as_array()
                .expect("kpis")
                .iter()
                .find(|k| k["need"] == need)
                .map(|k| k["status"].as_str().unwrap_or("").to_string())
        };
        assert_eq!(status("need-001").as_deref(), Some("on-track"), "{v}");
        assert_eq!(status("need-002").as_deref(), Some("off-track"), "{v}");
        let rev = v["revenue"].as_array().expect("revenue");
        assert_eq!(rev.len(), 2);
        let short = rev.iter().find(|r| r["scenario"] == below).expect("below");
        assert!(short["variance"].as_f64().unwrap_or(0.0) < 0.0);
        let on = rev
            .iter()
            .find(|r| r["scenario"] == "scn-next-best-offer")
            .expect("on plan");
        assert!(on["variance"].as_f64().unwrap_or(-1.0) > 0.0);
        for r in rev {
            assert_eq!(r["months"], 8);
        }
        let m = &v["model"];
        assert_eq!(m["batches"], 6);
        assert_eq!(
            m["psi"][0]["feature"], "age",
            "the drifting feature is the worst"
        );
        assert!(m["psi"][0]["psi"].as_f64().unwrap_or(0.0) > 0.2);
        assert!(m["psi"][1]["psi"].as_f64().unwrap_or(1.0) < 0.1);
        assert_eq!(
            m["auc"].as_array().map(Vec::len),
            Some(1),
            "one labelled batch"
        );
        assert_eq!(m["auc"][0]["batch"], "data/scored-2026-06.csv");
        let kinds: Vec<(&str, &str)> = v["triggers"]
            .as_array()
            .expect("triggers")
            .iter()
            .map(|t| {
                (
                    t["kind"].as_str().unwrap_or(""),
                    t["subject"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert!(kinds.contains(&("kpi-off-track", "need-002")), "{kinds:?}");
        assert!(kinds.contains(&("revenue-below-plan", below)), "{kinds:?}");
        assert!(kinds.contains(&("feature-drift", "age")), "{kinds:?}");
        assert!(!kinds.iter().any(|k| k.0 == "auc-drop"), "{kinds:?}");
    }
}

#[test]
fn fail_on_trigger_exits_1_only_when_one_fires() {
    let dir = common::example();
    let (code, text) = run(&dir, &[]);
    assert_eq!(code, Some(0));
    assert!(text.contains("Triggers ("), "{text}");
    let (code, _) = run(&dir, &["--fail-on-trigger"]);
    assert_eq!(code, Some(1));
    // Without monitor.toml and with no overdue review nothing fires.
    let (_tmp, copy) = common::temp_copy(&dir);
    std::fs::remove_file(copy.join("monitor.toml")).expect("rm");
    let risks = std::fs::read_to_string(copy.join("risks.toml")).expect("risks");
    let risks = risks.replace("review = 2026-", "review = 2027-");
    std::fs::write(copy.join("risks.toml"), risks).expect("write");
    let (code, text) = run(&copy, &["--fail-on-trigger"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Nothing recorded yet"), "{text}");
    let v = json(&copy);
    assert_eq!(v["kpis"], Value::Array(vec![]));
    assert_eq!(v["model"]["run"], Value::Null);
    assert_eq!(v["triggers"], Value::Array(vec![]));
}

#[test]
fn the_report_has_a_monitor_section_with_the_same_triggers() {
    let dir = common::example();
    let out = common::lodestar(&["report", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(0));
    let report = common::squeeze_tables(&common::stdout(&out));
    let section = report
        .split("## Monitor and adjust\n")
        .nth(1)
        .expect("a Monitor section");
    let v = json(&dir);
    let triggers = v["triggers"].as_array().expect("triggers");
    assert!(
        section.contains(&format!("**Triggers ({})**", triggers.len())),
        "{section}"
    );
    for t in triggers {
        let kind = t["kind"].as_str().unwrap_or("");
        let subject = t["subject"].as_str().unwrap_or("");
        assert!(
            section.contains(&format!("`{kind}` {subject}:")),
            "{kind} {subject}"
        );
    }
    assert!(
        section.contains("| need-002 | Cost per contact |"),
        "{section}"
    );
}
