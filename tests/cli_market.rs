//! `lodestar market` run as a real program on the bundled example workspace.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("workspaces")
        .join("example")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lodestar: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 0, "stderr: {stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn json_contract_on_the_example() {
    let dir = example();
    let doc = json(&[
        "market",
        dir.to_str().unwrap_or_default(),
        "--format",
        "json",
    ]);
    for key in ["series", "segments", "competitors", "surveys"] {
        assert!(doc[key].is_array(), "`{key}` is not an array");
    }

    let s = &doc["series"][0];
    for key in ["id", "points", "cagr", "method", "params", "forecast"] {
        assert!(s.get(key).is_some(), "series has no `{key}`");
    }
    assert_eq!(s["id"], "series-ai-spend");
    assert_eq!(s["method"], "holt-damped");
    assert_eq!(s["points"].as_array().map(Vec::len), Some(42));
    assert_eq!(s["points"][0]["period"], "2023-01");
    assert_eq!(num(&s["points"][0]["value"]), 39.21);
    // (87.61 / 39.21)^(12/41) − 1, the CAGR statsmodels' script also prints.
    assert!((num(&s["cagr"]) - 0.26529632099907263).abs() < 1e-12);
    for p in ["alpha", "beta", "phi"] {
        let x = num(&s["params"][p]);
        assert!((0.0..=1.0).contains(&x), "{p} = {x}");
    }
    assert_eq!(
        s["params"]["fitted"],
        serde_json::json!(["alpha", "beta", "phi"])
    );
    let f = s["forecast"].as_array().cloned().unwrap_or_default();
    assert_eq!(f.len(), 12, "the series' own horizon");
    assert_eq!(f[0]["period"], "2026-07");
    assert_eq!(f[11]["period"], "2027-06");
    let mut width = 0.0;
    for p in &f {
        let (v, lo, hi) = (num(&p["value"]), num(&p["lo"]), num(&p["hi"]));
        assert!(
            lo < num(&p["lo80"])
                && num(&p["lo80"]) < v
                && v < num(&p["hi80"])
                && num(&p["hi80"]) < hi
        );
        assert!(hi - lo > width, "intervals widen with the horizon");
        width = hi - lo;
    }

    let seg = &doc["segments"][0];
    assert_eq!(seg["id"], "seg-members");
    assert_eq!(num(&seg["tam"]), 1.1e9);
    assert!((num(&seg["sam"]) - 44e6).abs() < 1e-3);
    assert!((num(&seg["som"]) - 6.6e6).abs() < 1e-3);
    assert_eq!(num(&seg["bottom_up"]["som"]), 3.6e6);
    let warnings = seg["warnings"].as_array().cloned().unwrap_or_default();
    assert!(warnings.iter().any(|w| {
        w.as_str()
            .is_some_and(|w| w.contains("SOM") && w.contains("45 %"))
    }));

    let megamart = &doc["competitors"][0];
    assert_eq!(megamart["id"], "comp-megamart");
    // (5·1 + 4·0.5 + 3·0 + 2·0 + 4·1 + 3·0.5) / 21 = 12.5 / 21.
    assert!((num(&megamart["weighted_coverage"]) - 12.5 / 21.0).abs() < 1e-12);
    assert_eq!(megamart["features"]["feat-chat-support"], "partial");
    assert_eq!(doc["biggest_gap"]["feature"], "feat-personal-offers");

    let nps = doc["surveys"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == "ev-007"))
        .cloned();
    let nps = nps.unwrap_or_default();
    assert_eq!(nps["n"], 300);
    assert!((num(&nps["nps"]["score"]) - (-16.0 / 3.0)).abs() < 1e-9);
    let csv = doc["surveys"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["id"] == "ev-008"))
        .cloned();
    let csv = csv.unwrap_or_default();
    assert_eq!(csv["source"], "responses");
    assert_eq!(csv["n"], 120);

    let need = doc["needs"]
        .as_array()
        .and_then(|a| a.iter().find(|n| n["id"] == "need-006"))
        .cloned();
    assert_eq!(
        need.unwrap_or_default()["evidence"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(doc["trends"][0]["type"], "market");
}

#[test]
fn horizon_overrides_every_series() {
    let dir = example();
    let doc = json(&[
        "market",
        dir.to_str().unwrap_or_default(),
        "--format",
        "json",
        "--horizon",
        "3",
    ]);
    assert_eq!(
        doc["series"][0]["forecast"].as_array().map(Vec::len),
        Some(3)
    );
    let (code, _, stderr) = run(&["market", dir.to_str().unwrap_or_default(), "--horizon", "0"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn table_and_markdown() {
    let dir = example();
    let (code, table, _) = run(&["market", dir.to_str().unwrap_or_default()]);
    assert_eq!(code, 0);
    assert!(
        table.contains("SERIES")
            && table.contains("Holt's damped trend")
            && table.contains("95 % interval")
    );
    assert!(table.contains("bottom-up is 45 % lower"));
    let (code, md, _) = run(&["market", dir.to_str().unwrap_or_default(), "--format", "md"]);
    assert_eq!(code, 0);
    assert!(md.starts_with("## Market\n"));
    assert!(md.contains("| 2026-07 |"));
}

#[test]
fn a_broken_series_file_exits_1_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let ws = tmp.path().join("ws");
    let (code, _, stderr) = run(&["new", ws.to_str().unwrap_or_default()]);
    assert_eq!(code, 0, "{stderr}");
    let csv = ws.join("data").join("market-ai-retail.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap_or_default();
    text.push_str("2026-07,lots\n");
    std::fs::write(&csv, &text).unwrap_or_else(|e| panic!("{e}"));
    // A bad row is a warning: the series still loads.
    let (code, _, stderr) = run(&[
        "market",
        ws.to_str().unwrap_or_default(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains(
            "market-ai-retail.csv:44: column `spend_eur_m`: `lots` is not a number; row skipped"
        ),
        "{stderr}"
    );
    // An empty file is an error for that series: exit 1, the rest still reported.
    std::fs::write(&csv, "").unwrap_or_else(|e| panic!("{e}"));
    let (code, stdout, stderr) = run(&[
        "market",
        ws.to_str().unwrap_or_default(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("market-ai-retail.csv: the file is empty"),
        "{stderr}"
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_default();
    assert!(
        doc["series"][0]["error"]
            .as_str()
            .is_some_and(|e| e.contains("the file is empty"))
    );
    assert!(
        doc["series"][0]["forecast"]
            .as_array()
            .is_some_and(Vec::is_empty)
    );
    assert_eq!(doc["segments"].as_array().map(Vec::len), Some(3));
}
