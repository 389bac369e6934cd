//! `lodestar risks` run as the real binary on both shipped workspaces. The
//! expected figures are worked out here from the TOML files themselves (with
//! `toml_edit`, not lodestar's reader), and the command must agree with
//! `lodestar report` on the open high/critical count and the heat map.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use toml_edit::{DocumentMut, Item};

/// `LODESTAR_TODAY` as `common::lodestar` sets it.
const TODAY: &str = "2026-11-29";

fn workspaces() -> [PathBuf; 2] {
    let root = common::repo().join("workspaces");
    [root.join("example"), root.join("zh-example")]
}

fn json(dir: &Path) -> Value {
    let out = common::lodestar(&["risks", &dir.display().to_string(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn doc(dir: &Path, file: &str) -> DocumentMut {
    std::fs::read_to_string(dir.join(file))
        .expect("read")
        .parse()
        .expect("TOML")
}

fn records<'a>(d: &'a DocumentMut, key: &str) -> Vec<&'a toml_edit::Table> {
    d.get(key)
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn int(t: &toml_edit::Table, key: &str) -> i64 {
    t.get(key).and_then(Item::as_integer).expect(key)
}

fn text<'a>(t: &'a toml_edit::Table, key: &str) -> &'a str {
    t.get(key).and_then(Item::as_str).unwrap_or("")
}

/// What the files say, worked out independently.
struct Expected {
    /// (name, min, max), ordered by min.
    bands: Vec<(String, i64, i64)>,
    risks: Vec<ExpectedRisk>,
    open_high: usize,
    inherent: [[u64; 5]; 5],
    residual: [[u64; 5]; 5],
    unassessed: u64,
}

struct ExpectedRisk {
    id: String,
    score: i64,
    /// Level: position among the bands ordered by min.
    position: usize,
    residual: Option<i64>,
    overdue: bool,
    scenarios: Vec<String>,
}

fn expected(dir: &Path) -> Expected {
    let ws = doc(dir, "workspace.toml");
    let mut bands: Vec<(String, i64, i64)> = records(&ws, "risk-band")
        .iter()
        .map(|b| (text(b, "name").to_string(), int(b, "min"), int(b, "max")))
        .collect();
    bands.sort_by_key(|b| b.1);
    assert_eq!(bands.len(), 4, "both workspaces define four bands");
    let position = |score: i64| {
        bands
            .iter()
            .position(|b| b.1 <= score && score <= b.2)
            .expect("banded")
    };
    let rk = doc(dir, "risks.toml");
    let mut e = Expected {
        bands: bands.clone(),
        risks: vec![],
        open_high: 0,
        inherent: [[0; 5]; 5],
        residual: [[0; 5]; 5],
        unassessed: 0,
    };
    for r in records(&rk, "risk") {
        let (l, i) = (int(r, "likelihood"), int(r, "impact"));
        let residual = r.get("residual").and_then(Item::as_inline_table).map(|x| {
            let get = |k| x.get(k).and_then(toml_edit::Value::as_integer).expect(k);
            (get("likelihood"), get("impact"))
        });
        let status = r.get("status").and_then(Item::as_str).unwrap_or("open");
        let open = status != "closed";
        // Dates are written YYYY-MM-DD, so their text sorts as dates do.
        let review = r
            .get("review")
            .and_then(Item::as_value)
            .and_then(toml_edit::Value::as_datetime)
            .map(ToString::to_string);
        let overdue = open && review.as_deref().is_some_and(|d| d < TODAY);
        // Two highest of four bands: positions 2 and 3.
        if open && position(l * i) >= 2 {
            e.open_high += 1;
        }
        e.inherent[(i - 1) as usize][(l - 1) as usize] += 1;
        match residual {
            Some((rl, ri)) => e.residual[(ri - 1) as usize][(rl - 1) as usize] += 1,
            None => e.unassessed += 1,
        }
        let scenarios = r
            .get("scenarios")
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        e.risks.push(ExpectedRisk {
            id: text(r, "id").to_string(),
            score: l * i,
            position: position(l * i),
            residual: residual.map(|(a, b)| a * b),
            overdue,
            scenarios,
        });
    }
    e
}

fn grid(v: &Value) -> [[u64; 5]; 5] {
    let mut g = [[0; 5]; 5];
    for (i, row) in v.as_array().expect("rows").iter().enumerate() {
        for (l, n) in row.as_array().expect("cells").iter().enumerate() {
            g[i][l] = n.as_u64().expect("count");
        }
    }
    g
}

#[test]
fn json_matches_the_files_on_both_workspaces() {
    for dir in workspaces() {
        let e = expected(&dir);
        let v = json(&dir);
        assert_eq!(v["today"], TODAY);
        let bands: Vec<(String, i64, i64)> = v["bands"]
            .as_array()
            .expect("bands")
            .iter()
            .map(|b| {
                (
                    b["name"].as_str().expect("name").to_string(),
                    b["min"].as_i64().expect("min"),
                    b["max"].as_i64().expect("max"),
                )
            })
            .collect();
        assert_eq!(bands, e.bands, "{}", dir.display());

        let risks = v["risks"].as_array().expect("risks");
        assert_eq!(risks.len(), e.risks.len());
        for (r, x) in risks.iter().zip(&e.risks) {
            let id = &x.id;
            let keys = [
                "id",
                "title",
                "category",
                "status",
                "owner",
                "likelihood",
                "impact",
                "score",
                "level",
                "residual",
                "review",
                "overdue",
                "scenarios",
            ];
            for k in keys {
                assert!(r.get(k).is_some(), "{id} lacks {k}");
            }
            assert_eq!(r["id"], id.as_str());
            assert_eq!(r["score"], x.score, "{id}");
            assert_eq!(
                r["likelihood"].as_i64().unwrap_or(0) * r["impact"].as_i64().unwrap_or(0),
                x.score
            );
            assert_eq!(r["level"]["position"], x.position, "{id}");
            assert_eq!(r["level"]["name"], e.bands[x.position].0.as_str(), "{id}");
            match x.residual {
                Some(s) => {
                    assert_eq!(r["residual"]["score"], s, "{id}");
                    assert!(r["residual"]["level"]["name"].is_string(), "{id}");
                }
                None => assert!(r["residual"].is_null(), "{id}: unassessed is null"),
            }
            assert_eq!(r["overdue"], x.overdue, "{id}");
            let linked: Vec<&str> = r["scenarios"]
                .as_array()
                .expect("scenarios")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(linked, x.scenarios, "{id}");
        }

        let s = &v["summary"];
        assert_eq!(s["risks"], e.risks.len());
        assert_eq!(s["open_high"], e.open_high, "{}", dir.display());
        let overdue = e.risks.iter().filter(|r| r.overdue).count();
        assert_eq!(s["overdue"], overdue);
        assert!(overdue > 0, "each example has an overdue review");
        assert_eq!(grid(&v["heat_map"]["inherent"]), e.inherent);
        assert_eq!(grid(&v["heat_map"]["residual"]), e.residual);
        assert_eq!(v["heat_map"]["residual_unassessed"], e.unassessed);
    }
}

#[test]
fn exposure_sums_the_open_risks_of_each_scenario() {
    let dir = &workspaces()[0];
    let v = json(dir);
    let risks = v["risks"].as_array().expect("risks");
    let exposure = v["exposure"].as_array().expect("exposure");
    assert_eq!(exposure.len(), 9, "one entry per scenario");
    for e in exposure {
        let scenario = e["scenario"].as_str().expect("scenario");
        let linked: Vec<&Value> = risks
            .iter()
            .filter(|r| r["status"] != "closed")
            .filter(|r| {
                r["scenarios"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|s| s == scenario))
            })
            .collect();
        let ids: Vec<&str> = linked.iter().filter_map(|r| r["id"].as_str()).collect();
        let scores: Vec<i64> = linked.iter().filter_map(|r| r["score"].as_i64()).collect();
        let listed: Vec<&str> = e["risks"]
            .as_array()
            .expect("risks")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(listed, ids, "{scenario}");
        assert_eq!(e["sum"], scores.iter().sum::<i64>(), "{scenario}");
        assert_eq!(e["max"], scores.iter().max().copied().unwrap_or(0));
    }
}

/// The report's "N open high/critical risks" and its inherent heat map.
fn report_figures(dir: &Path) -> (usize, [[u64; 5]; 5]) {
    let out = common::lodestar(&["report", &dir.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    let high = text
        .split(" open high/critical risks")
        .next()
        .and_then(|before| before.rsplit("<br/>").next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the flow's monitor line");
    let mut grid = [[0; 5]; 5];
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("| impact ↓ / likelihood →"))
        .skip(2)
        .take(5)
        .collect();
    assert_eq!(rows.len(), 5);
    for row in rows {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let impact: usize = cells[0].parse().expect("impact");
        for (l, cell) in cells[1..].iter().enumerate() {
            // `· [H]` for none, `**2** [H]` for two.
            let n = cell
                .split_whitespace()
                .next()
                .map(|c| c.trim_matches('*'))
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            grid[impact - 1][l] = n;
        }
    }
    (high, grid)
}

#[test]
fn agrees_with_the_report() {
    for dir in workspaces() {
        let v = json(&dir);
        let (high, grid_in_report) = report_figures(&dir);
        assert_eq!(
            v["summary"]["open_high"],
            high,
            "{}: open high/critical",
            dir.display()
        );
        assert!(high > 0, "both examples have serious open risks");
        assert_eq!(grid(&v["heat_map"]["inherent"]), grid_in_report);
    }
}

#[test]
fn table_lists_every_risk_with_its_level() {
    for (dir, level) in workspaces().iter().zip(["critical", "极高"]) {
        let out = common::lodestar(&["risks", &dir.display().to_string()]);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let text = common::stdout(&out);
        let v = json(dir);
        for r in v["risks"].as_array().expect("risks") {
            let id = r["id"].as_str().expect("id");
            assert!(text.contains(id), "{id} missing from the table");
        }
        assert!(text.contains(level), "{text}");
        assert!(text.contains("overdue"), "{text}");
        assert!(text.contains("L1 L2 L3 L4 L5"), "{text}");
    }
}

#[test]
fn missing_folder_is_a_usage_failure() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = common::lodestar(&["risks", &tmp.path().join("nope").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("error"));
}
