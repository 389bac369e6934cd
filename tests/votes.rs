//! Workshop votes: aggregation checked against values computed
//! independently (numpy 2.4 / scipy 1.17, script in the comments), scoring
//! with the votes, the CLI (`vote`, `votes`, `votes import`, `score`'s
//! `source`) and several `lodestar vote` processes writing at once.

mod common;

use std::path::{Path, PathBuf};

use lodestar::analysis::{self, votes};
use lodestar::workspace::Workspace;
use lodestar::workspace::choice::ScoreSource;
use serde_json::Value;

const WORKSPACE: &str = r#"name = "Votes"

[scoring]
weights = "ahp"
source = "votes"

[[criterion]]
id = "a"
name = "A"
weight = 1
group = "value"

[[criterion]]
id = "b"
name = "B"
weight = 1
group = "feasibility"

[[criterion]]
id = "c"
name = "C"
weight = 1

# Replaced by the participants' judgments (AIJ) when scoring with votes.
[[comparison]]
a = "a"
b = "b"
ratio = 1

[[comparison]]
a = "a"
b = "c"
ratio = 1

[[comparison]]
a = "b"
b = "c"
ratio = 1
"#;

const SCENARIOS: &str = r#"[[scenario]]
id = "s1"
name = "One"
scores = { a = 3, b = 3, c = 3 }

[[scenario]]
id = "s2"
name = "Two"
scores = { a = 2, b = 4, c = 3 }
"#;

// Judgments: p1 a/b = 3, a/c = 5, b/c = 2; p2 a/b = 2, a/c = 4, b/c = 1.
const P1: &str = r#"[scores.s1]
a = 5

[weights]
a = 40
b = 30
c = 30

[[comparison]]
a = "a"
b = "b"
ratio = 3

[[comparison]]
a = "a"
b = "c"
ratio = 5

[[comparison]]
a = "c"
b = "b"
ratio = 0.5
"#;

const P2: &str = r#"[scores.s1]
a = 2
b = 4

[weights]
a = 20
b = 40
c = 40

[[comparison]]
a = "a"
b = "b"
ratio = 2

[[comparison]]
a = "a"
b = "c"
ratio = 4

[[comparison]]
a = "b"
b = "c"
ratio = 1
"#;

fn workspace(votes: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ws");
    std::fs::create_dir_all(dir.join("votes")).expect("mkdir");
    std::fs::write(dir.join("workspace.toml"), WORKSPACE).expect("write");
    std::fs::write(dir.join("scenarios.toml"), SCENARIOS).expect("write");
    for (name, text) in votes {
        std::fs::write(dir.join("votes").join(format!("{name}.toml")), text).expect("write");
    }
    (tmp, dir)
}

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() < tol, "{a} vs {b}");
}

#[test]
fn judgments_weights_and_cells_aggregate_as_computed_by_hand() {
    let (_tmp, dir) = workspace(&[("p1", P1), ("p2", P2)]);
    let mut ws = Workspace::open(&dir).expect("opens");
    let problems: Vec<String> = ws.diagnostics().iter().map(|d| d.to_string()).collect();
    assert!(
        problems.iter().all(|d| !d.contains("error")),
        "{problems:?}"
    );
    let model = &ws.model;
    assert_eq!(model.votes.len(), 2);

    // AIJ: geometric means √(3·2), √(5·4), √(2·1) (c/b = 0.5 is b/c = 2).
    let g = votes::aij(model);
    assert_eq!(g.len(), 3);
    close(g[0].2, 2.449489742783178, 1e-12);
    close(g[1].2, 4.47213595499958, 1e-12);
    close(g[2].2, std::f64::consts::SQRT_2, 1e-12); // √(2·1)

    // The group's AHP weights (principal eigenvector of the AIJ matrix,
    // np.linalg.eig) drive the ranking.
    let a = analysis::analyse(model, None).expect("analyses");
    assert_eq!(a.source, ScoreSource::Votes);
    for (w, e) in
        a.weights
            .values
            .iter()
            .zip([0.6178913482160302, 0.23166567851339095, 0.1504429732705788])
    {
        close(*w, e, 1e-6);
    }
    let cr = a
        .weights
        .ahp
        .as_ref()
        .and_then(|h| h.cr)
        .unwrap_or(f64::NAN);
    close(cr, 0.006252405996077831, 1e-6);

    // Each participant's own consistency ratio: CI / 0.58.
    let s = votes::summarise(model, None).expect("summarises");
    close(
        s.participants[0].ahp_cr.unwrap_or(f64::NAN),
        0.003184998330723208,
        1e-6,
    );
    close(
        s.participants[1].ahp_cr.unwrap_or(f64::NAN),
        0.04622549644738984,
        1e-6,
    );

    // Cells: s1.a has votes 5 and 2 (median 3.5), s1.b one vote 4.
    let cell = |sc: usize, cr: usize| {
        s.cells
            .iter()
            .find(|c| (c.scenario, c.criterion) == (sc, cr))
            .expect("cell voted")
    };
    let c = cell(0, 0);
    assert_eq!(c.n, 2);
    close(c.median, 3.5, 1e-12);
    close(c.iqr, 1.5, 1e-12);
    assert_eq!(cell(0, 1).n, 1);
    assert_eq!(s.cells.len(), 2);
    assert_eq!(a.matrix.raw[0], 3.5);
    assert_eq!(a.matrix.raw[1], 4.0);
    // Cells nobody voted keep the scenario's own score.
    assert_eq!(a.matrix.raw[2], 3.0);
    assert_eq!(&a.matrix.raw[3..], &[2.0, 4.0, 3.0]);

    // Weight points: geometric mean of the normalised weights, rescaled.
    let gw = votes::group_weights(model).expect("weights");
    for (w, e) in gw
        .iter()
        .zip([0.2898979485566357, 0.3550510257216822, 0.3550510257216822])
    {
        close(*w, e, 1e-12);
    }
    let mut direct = model.clone();
    direct.settings.scoring.weights = "direct".into();
    let a = analysis::analyse(&direct, None).expect("analyses");
    for (w, e) in a.weights.values.iter().zip(&gw) {
        close(*w, *e, 1e-12);
    }
}

#[test]
fn a_single_scorer_workspace_scores_exactly_as_before() {
    let (_tmp, dir) = workspace(&[("p1", P1), ("p2", P2)]);
    let model = Workspace::open(&dir).expect("opens").model;
    let mut single = model.clone();
    single.settings.scoring.source = ScoreSource::Single.into();
    let mut no_votes = single.clone();
    no_votes.votes.clear();
    let a = analysis::analyse(&single, None).expect("analyses");
    let b = analysis::analyse(&no_votes, None).expect("analyses");
    assert_eq!(a.source, ScoreSource::Single);
    assert_eq!(a.ranking, b.ranking);
    assert_eq!(a.weights, b.weights);
    // `source = "votes"` without any vote file is single scoring too.
    let mut votes_none = model;
    votes_none.votes.clear();
    let c = analysis::analyse(&votes_none, None).expect("analyses");
    assert_eq!(c.source, ScoreSource::Single);
    assert_eq!(c.ranking, b.ranking);
}

fn run(args: &[&str]) -> std::process::Output {
    common::lodestar(args)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

#[test]
fn vote_writes_the_participants_file_and_votes_reports_it() {
    let (_tmp, dir) = workspace(&[]);
    let d = s(&dir);
    let out = run(&["vote", &d, "--as", "ana", "s1.a=5", "s2.b=1"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let first = std::fs::read_to_string(dir.join("votes/ana.toml")).expect("written");
    assert_eq!(
        first,
        "# Votes, written by `lodestar vote`.\n\n[scores.s1]\na = 5\n\n[scores.s2]\nb = 1\n"
    );
    // A second vote changes only its own line.
    let out = run(&["vote", &d, "--as", "ana", "s1.a=4"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let second = std::fs::read_to_string(dir.join("votes/ana.toml")).expect("written");
    assert_eq!(second, first.replace("a = 5", "a = 4"));
    // Unknown ids and scores off the scale write nothing.
    for bad in ["s9.a=3", "s1.z=3", "s1.a=6", "s1.a=x", "s1a=3"] {
        let out = run(&["vote", &d, "--as", "ana", "s2.c=2", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let now = std::fs::read_to_string(dir.join("votes/ana.toml")).expect("kept");
        assert_eq!(now, second, "{bad}");
    }
    // A file written by hand with inline tables takes new cells too.
    std::fs::write(
        dir.join("votes/ina.toml"),
        "scores = { s1 = { a = 2 } } # mine\n",
    )
    .expect("write");
    let out = run(&["vote", &d, "--as", "ina", "s1.b=3", "s2.c=4"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let ina = lodestar::workspace::votes::load_file(&dir.join("votes/ina.toml"));
    assert!(ina.problems.is_empty(), "{:?}", ina.problems);
    let cells: Vec<(&str, &str, f64)> = ina
        .scores
        .iter()
        .map(|v| (v.scenario.as_str(), v.criterion.as_str(), v.value))
        .collect();
    assert_eq!(
        cells,
        [("s1", "a", 2.0), ("s1", "b", 3.0), ("s2", "c", 4.0)]
    );
    std::fs::remove_file(dir.join("votes/ina.toml")).expect("remove");
    let out = run(&["vote", &d, "--as", "../evil", "s1.a=3"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["vote", &d, "--as", "ben", "s1.a=2"]);
    assert!(out.status.success());

    let out = run(&["votes", &d, "--format", "json"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["source"], "votes");
    assert_eq!(v["aggregate"], "median");
    let ids: Vec<&str> = v["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| p["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, ["ana", "ben"]);
    for p in v["participants"].as_array().into_iter().flatten() {
        for k in ["id", "cells", "ahp_cr", "spearman"] {
            assert!(p.get(k).is_some(), "participant lacks {k}");
        }
    }
    let cell = &v["cells"][0];
    for k in [
        "scenario",
        "criterion",
        "n",
        "median",
        "mean",
        "iqr",
        "min",
        "max",
    ] {
        assert!(cell.get(k).is_some(), "cell lacks {k}");
    }
    assert_eq!(
        (cell["scenario"].as_str(), cell["n"].as_u64()),
        (Some("s1"), Some(2))
    );
    assert_eq!(cell["median"], 3.0);
    assert!(v.get("kendall_w").is_some());
    for d in v["discuss_first"].as_array().into_iter().flatten() {
        for k in ["scenario", "criterion", "spread", "could_flip"] {
            assert!(d.get(k).is_some(), "discuss_first lacks {k}");
        }
    }

    let out = run(&["score", &d, "--format", "json", "--samples", "0"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["source"], "votes");
    let out = run(&[
        "score",
        &s(&common::example()),
        "--format",
        "json",
        "--samples",
        "0",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["source"], "single");
}

/// With Unix and Windows line ends alike (forms exported on Windows end
/// lines with `\r\n`), and a blank line skipped.
#[test]
fn csv_import_casts_good_rows_and_reports_the_others_by_line() {
    for end in ["\n", "\r\n"] {
        let (tmp, dir) = workspace(&[]);
        let csv = tmp.path().join("form.csv");
        let rows = [
            "Timestamp,Participant,Scenario,Criterion,Score",
            "t,ana,s1,a,4",
            "t,ana,s2,a,3",
            "",
            "t,ben,s1,a,5",
            "t,ben,s3,a,5",
            "t,ben,s1,a,9",
            "t,a b,s1,a,2",
            "t,cy,s1,q,2",
            "t,cy,s1,b,lots",
        ];
        std::fs::write(&csv, rows.join(end) + end).expect("write");
        let out = run(&["votes", "import", &s(&csv), &s(&dir)]);
        assert_eq!(out.status.code(), Some(1));
        let err = common::stderr(&out);
        let f = s(&csv);
        for (line, what) in [
            (6, "unknown scenario `s3`"),
            (7, "score 9 for `s1.a` is outside the criterion's scale 1–5"),
            (8, "participant `a b`"),
            (9, "unknown criterion `q`"),
            (10, "score `lots` is not a number"),
        ] {
            assert!(
                err.contains(&format!("{f}:{line}: error: {what}")),
                "{end:?} {line}: {err}"
            );
        }
        assert!(
            common::stdout(&out).contains("imported 3 scores for 2 participants; 5 rows skipped"),
            "{end:?}"
        );
        let ana = std::fs::read_to_string(dir.join("votes/ana.toml")).expect("ana");
        assert!(ana.contains("[scores.s2]\na = 3"), "{ana}");
        assert!(!dir.join("votes/cy.toml").exists());
        let out = run(&["check", &s(&dir)]);
        assert!(out.status.success(), "{}", common::stdout(&out));
    }
}

/// Eight `lodestar vote` processes at once, each for its own participant
/// and each also updating one shared participant's file: every vote is
/// counted, none lost to a concurrent write.
#[test]
fn concurrent_voters_lose_no_vote() {
    let (_tmp, dir) = workspace(&[]);
    let d = s(&dir);
    let bin = env!("CARGO_BIN_EXE_lodestar");
    let children: Vec<_> = (0..8)
        .map(|k| {
            let cells = [
                format!("s1.a={}", 1 + k % 5),
                format!("s2.{}={}", ["a", "b", "c"][k % 3], 1 + (k + 2) % 5),
            ];
            std::process::Command::new(bin)
                .args(["vote", &d, "--as", &format!("p{k}")])
                .args(&cells)
                .spawn()
                .expect("spawn")
        })
        .chain((0..8).map(|k| {
            let crit = ["a", "b", "c"][k % 3];
            let scen = ["s1", "s2"][k / 3 % 2];
            std::process::Command::new(bin)
                .args(["vote", &d, "--as", "shared", &format!("{scen}.{crit}=3")])
                .spawn()
                .expect("spawn")
        }))
        .collect();
    for mut c in children {
        assert!(c.wait().expect("waits").success());
    }
    let model = Workspace::open(&dir).expect("opens").model;
    assert_eq!(model.votes.len(), 9);
    let s = votes::summarise(&model, None).expect("summarises");
    let s1a = s.cells.iter().find(|c| (c.scenario, c.criterion) == (0, 0));
    assert_eq!(s1a.map(|c| c.n), Some(9));
    let shared = model.votes.iter().find(|b| b.participant == "shared");
    // The shared file got all six distinct cells of the eight writers.
    assert_eq!(shared.map(|b| b.scores.len()), Some(6));
    let total: usize = model.votes.iter().map(|b| b.scores.len()).sum();
    assert_eq!(total, 8 * 2 + 6);
}

/// Discuss first, checked by brute force on both examples: each cell with a
/// spread is re-scored at its quartiles by a full analysis; it could flip
/// exactly when the winner changes. The planted cell is the only one.
#[test]
fn discuss_first_matches_a_full_rescoring() {
    for name in ["example", "zh-example"] {
        let mut model = Workspace::open(common::repo().join("workspaces").join(name))
            .expect("opens")
            .model;
        model.settings.scoring.source = ScoreSource::Votes.into();
        let s = votes::summarise(&model, None).expect("summarises");
        let group = votes::effective(&model).into_owned();
        let winner = analysis::analyse(&group, None)
            .expect("analyses")
            .ranking
            .winner();
        assert_eq!(winner, s.winner);
        assert!(!s.discuss_first.is_empty());
        for d in &s.discuss_first {
            let c = s
                .cells
                .iter()
                .find(|c| (c.scenario, c.criterion) == (d.scenario, d.criterion))
                .expect("cell");
            let flips = [c.q1, c.q3].iter().any(|&at| {
                let mut m = group.clone();
                m.votes.clear();
                let id = m.criteria[d.criterion].id.clone();
                m.scenarios[d.scenario].scores.insert(id, at);
                analysis::analyse(&m, None)
                    .expect("analyses")
                    .ranking
                    .winner()
                    != winner
            });
            assert_eq!(flips, d.could_flip, "{name}: {d:?}");
        }
        let flipping: Vec<(String, String)> = s
            .discuss_first
            .iter()
            .filter(|d| d.could_flip)
            .map(|d| {
                (
                    model.scenarios[d.scenario].id.clone(),
                    model.criteria[d.criterion].id.clone(),
                )
            })
            .collect();
        assert_eq!(
            flipping,
            [("scn-next-best-offer".to_string(), "value".to_string())],
            "{name}"
        );
    }
}

/// The participant bootstrap through the CLI on the example (scoring with
/// its five participants' votes): the JSON says what was resampled, the
/// output is byte-identical on 1 and 2 threads, and `--resample weights`
/// gives back the weights-only figures.
#[test]
fn score_resamples_the_participants_on_request() {
    let (_tmp, dir) = common::temp_copy(&common::example());
    let path = dir.join("workspace.toml");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("weights = \"ahp\"", "weights = \"ahp\"\nsource = \"votes\""),
    )
    .expect("write");
    let d = s(&dir);
    let score = |threads: &str, resample: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lodestar"))
            .args(["score", &d, "--format", "json", "--samples", "4000"])
            .args(["--resample", resample])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    let one = score("1", "participants");
    assert_eq!(one, score("2", "participants"), "1 and 2 threads differ");
    let v: Value = serde_json::from_str(&one).expect("json");
    assert_eq!(v["resample"], "participants");
    assert_eq!(v["participants"], 5);
    assert_eq!(v["source"], "votes");
    let p: Vec<f64> = v["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .map(|x| x["p_first"].as_f64().expect("p_first"))
        .collect();
    assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-9, "{p:?}");
    let w: Value = serde_json::from_str(&score("2", "weights")).expect("json");
    assert_eq!(w["resample"], "weights");
    assert_eq!(w["participants"], Value::Null);
    // The same ranking; only the Monte Carlo differs.
    for (a, b) in v["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .zip(w["scenarios"].as_array().expect("scenarios"))
    {
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["score"], b["score"]);
    }
    // The text says so too.
    let out = run(&[
        "score",
        &d,
        "--samples",
        "1000",
        "--resample",
        "participants",
    ]);
    assert!(
        common::stdout(&out).contains("participants resampled too: 5 drawn"),
        "{}",
        common::stdout(&out)
    );
}

/// A vote killed (`SIGKILL`) at a random moment leaves the participant's
/// file as it was or with the new vote, always readable, never half
/// written; the next vote goes through and the workspace checks clean.
#[test]
fn votes_killed_at_random_moments_leave_old_or_new() {
    let (_tmp, dir) = workspace(&[]);
    let d = s(&dir);
    let out = run(&["vote", &d, "--as", "ana", "s1.a=1", "s2.b=2"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let path = dir.join("votes/ana.toml");
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..30 {
        let old = std::fs::read_to_string(&path).expect("read");
        let score = 1 + i % 5;
        let cell = format!("s{}.{}={score}", 1 + i % 2, ["a", "b", "c"][i % 3]);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lodestar"))
            .args(["vote", &d, "--as", "ana", &cell])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(std::time::Duration::from_micros(seed % 30_000));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(&path).expect("read");
        let doc: toml_edit::DocumentMut = now
            .parse()
            .unwrap_or_else(|e| panic!("iteration {i}: ana.toml does not parse: {e}\n{now}"));
        if now != old {
            // The new file: the cell now holds the new score.
            let (scen, rest) = cell.split_once('.').expect("cell");
            let (crit, _) = rest.split_once('=').expect("score");
            let got = doc["scores"][scen][crit].as_integer();
            assert_eq!(
                got,
                Some(score as i64),
                "iteration {i}: neither old nor new\n{now}"
            );
        }
    }
    let out = run(&["vote", &d, "--as", "ana", "s2.c=5"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let check = run(&["check", &d]);
    assert!(check.status.success(), "{}", common::stderr(&check));
    let left: Vec<String> = std::fs::read_dir(dir.join(".lodestar"))
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
