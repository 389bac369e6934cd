//! Training end to end on small synthetic sets: learning, determinism,
//! stopping, saved runs, predict, malformed data, and the real binary.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lodestar::train::config::{Engine, Overrides, TrainConfig};
use lodestar::train::data;
use lodestar::train::metrics::roc_auc;
use lodestar::train::rng::Rng;
use lodestar::train::{self, Event, Job, Summary};
use lodestar::workspace::model::Training;

fn config(epochs: usize, threads: usize) -> TrainConfig {
    let t = Training {
        data_file: "data/set.csv".into(),
        target: "y".into(),
        positive: "yes".into(),
        exclude: vec!["id".into()],
        epochs: epochs as i64,
        ..Training::default()
    };
    TrainConfig::resolve(
        &t,
        &Overrides {
            threads: Some(threads),
            device: Some(train::DeviceRequest::Cpu),
            ..Overrides::default()
        },
    )
    .unwrap()
}

/// `rows` rows: two numbers, a category, a number with gaps; `y` depends on
/// them (or is noise when `shuffled`).
fn synthetic(rows: usize, shuffled: bool, seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut s = String::from("id,a,b,colour,gappy,y\n");
    for i in 0..rows {
        let a = r.next_f64() * 4.0 - 2.0;
        let b = r.next_f64() * 10.0;
        let colour = ["red", "green", "blue"][r.below(3)];
        let gappy = if i % 17 == 0 {
            String::new()
        } else {
            format!("{:.3}", r.next_f64())
        };
        let z = 2.0 * a + (b - 5.0) * 0.6 + if colour == "red" { 1.5 } else { 0.0 };
        let yes = if shuffled {
            r.next_f64() < 0.4
        } else {
            z > 0.3
        };
        let _ = writeln!(
            s,
            "{i},{a:.4},{b:.3},{colour},{gappy},{}",
            if yes { "yes" } else { "no" }
        );
    }
    s
}

fn workspace(csv: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/set.csv"), csv).unwrap();
    dir
}

fn best_val_auc(s: &Summary) -> f64 {
    let b = s.best_epoch.unwrap();
    s.epochs[b - 1].valid.unwrap().auc
}

#[test]
fn separable_set_learns_without_nan() {
    let ws = workspace(&synthetic(1500, false, 1));
    let s = train::train_blocking(ws.path(), config(6, 1)).unwrap();
    assert_eq!((s.rows_train, s.rows_valid), (1200, 300));
    assert_eq!(s.features, 2 + 3 + 1);
    for e in &s.epochs {
        assert!(e.train.loss.is_finite() && e.valid.unwrap().loss.is_finite());
    }
    let last = s.epochs.last().unwrap().valid.unwrap();
    assert!(last.auc > 0.95, "val AUC {}", last.auc);
    assert!(s.epochs[0].train.loss > s.epochs[5].train.loss);
    // The run is on disk, listed, and its weights are ignored by git.
    let runs = train::list_runs(ws.path());
    assert_eq!(runs.len(), 1);
    let r = runs[0].summary.as_ref().unwrap();
    assert_eq!(
        (r.status.as_str(), r.epochs, r.best_epoch),
        ("finished", 6, s.best_epoch)
    );
    assert!((r.val_auc.unwrap() - best_val_auc(&s)).abs() < 1e-5);
    let ignore = std::fs::read_to_string(ws.path().join("runs/.gitignore")).unwrap();
    assert!(ignore.contains("*.safetensors"));
    for f in [
        "config.toml",
        "metrics.csv",
        "model.safetensors",
        "encoding.json",
        "summary.toml",
    ] {
        assert!(s.run_dir.join(f).exists(), "{f}");
    }
    assert_eq!(
        std::fs::read_to_string(s.run_dir.join("metrics.csv"))
            .unwrap()
            .lines()
            .count(),
        7
    );
}

#[test]
fn shuffled_labels_stay_near_chance() {
    let ws = workspace(&synthetic(1500, true, 2));
    let s = train::train_blocking(ws.path(), config(3, 1)).unwrap();
    for e in &s.epochs {
        let auc = e.valid.unwrap().auc;
        assert!((auc - 0.5).abs() < 0.12, "val AUC {auc} on noise");
    }
}

fn comparable(s: &Summary) -> serde_json::Value {
    let mut j = s.to_json();
    for k in ["run_id", "run_dir", "samples_per_second", "seconds"] {
        j.as_object_mut().unwrap().remove(k);
    }
    for e in j["epochs"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("seconds");
    }
    j
}

#[test]
fn same_seed_and_one_thread_give_identical_metrics() {
    let ws = workspace(&synthetic(800, false, 3));
    let mut c = config(3, 1);
    c.dropout = 0.2;
    c.balanced = true;
    let a = train::train_blocking(ws.path(), c.clone()).unwrap();
    let b = train::train_blocking(ws.path(), c.clone()).unwrap();
    assert_eq!(comparable(&a), comparable(&b));
    c.seed = 43;
    let other = train::train_blocking(ws.path(), c).unwrap();
    assert_ne!(comparable(&a), comparable(&other));
}

#[test]
fn fused_cpu_step_matches_candle_autograd() {
    let ws = workspace(&synthetic(600, false, 4));
    for dropout in [0.0, 0.3] {
        let mut c = config(2, 1);
        c.dropout = dropout;
        c.engine = Engine::Fused;
        let fused = train::train_blocking(ws.path(), c.clone()).unwrap();
        c.engine = Engine::Candle;
        let ops = train::train_blocking(ws.path(), c).unwrap();
        assert_eq!((fused.engine, ops.engine), ("fused", "candle"));
        for (f, o) in fused.epochs.iter().zip(&ops.epochs) {
            let (fv, ov) = (f.valid.unwrap(), o.valid.unwrap());
            assert!(
                (f.train.loss - o.train.loss).abs() < 1e-4,
                "{} vs {}",
                f.train.loss,
                o.train.loss
            );
            assert!(
                (fv.loss - ov.loss).abs() < 1e-4,
                "{} vs {}",
                fv.loss,
                ov.loss
            );
            assert!((fv.auc - ov.auc).abs() < 1e-3);
        }
    }
    // Each run's summary.toml records its engine.
    let mut engines: Vec<String> = train::list_runs(ws.path())
        .into_iter()
        .map(|r| r.summary.unwrap().engine)
        .collect();
    engines.sort();
    assert_eq!(engines, ["candle", "candle", "fused", "fused"]);
}

#[test]
fn stop_mid_epoch_keeps_the_best_checkpoint() {
    let ws = workspace(&synthetic(1000, false, 5));
    let mut job = Job::new(ws.path(), config(50, 1));
    job.progress_every = Duration::ZERO;
    let stop = AtomicBool::new(false);
    let mut epochs_seen = 0;
    let mut checkpoints = 0;
    let s = train::run(&job, &stop, &mut |e| match e {
        Event::Epoch(_) => epochs_seen += 1,
        Event::Checkpoint { .. } => checkpoints += 1,
        Event::Batch(p) if p.epoch == 3 && p.batch == 5 => stop.store(true, Ordering::Relaxed),
        _ => {}
    })
    .unwrap();
    assert!(s.stopped_by_user && !s.stopped_early);
    assert_eq!((s.epochs.len(), epochs_seen), (2, 2));
    assert!(checkpoints >= 1);
    // The saved weights are the best epoch's: they reproduce its validation AUC.
    let model = train::load_run(ws.path(), &s.run_id).unwrap();
    let d = data::load(&ws.path().join("data/set.csv"), &job.config).unwrap();
    let logits = train::fused::predict_logits(
        &model.shape,
        model.activation,
        &model.params,
        &d.valid_x,
        d.rows_valid(),
        1,
    );
    assert!((roc_auc(&logits, &d.valid_y) - best_val_auc(&s)).abs() < 1e-9);
    let listed = train::list_runs(ws.path());
    assert_eq!(listed[0].summary.as_ref().unwrap().status, "stopped");
}

#[test]
fn early_stopping_and_background_thread_events() {
    let ws = workspace(&synthetic(600, true, 6));
    let mut c = config(40, 1);
    c.early_stopping = Some(lodestar::train::config::EarlyStopping {
        monitor: lodestar::train::config::Monitor::ValAuc,
        patience: 2,
    });
    let trainer = train::start(Job::new(ws.path(), c)).unwrap();
    let events: Vec<Event> = trainer.events.iter().collect();
    assert!(
        matches!(events.first(), Some(Event::Started(s)) if s.threads == 1 && s.device == "cpu")
    );
    let Some(Event::Finished(s)) = events.last() else {
        panic!("last event: {:?}", events.last())
    };
    assert!(s.stopped_early && s.epochs.len() < 40);
    assert_eq!(s.epochs.len(), s.best_epoch.unwrap() + 2);
}

#[test]
fn predict_reproduces_validation_and_handles_unseen_categories() {
    let csv = synthetic(1000, false, 7);
    let ws = workspace(&csv);
    let job_cfg = config(3, 1);
    let s = train::train_blocking(ws.path(), job_cfg.clone()).unwrap();
    // The validation rows, as a new file, with one unseen colour and a gap added.
    let lines: Vec<&str> = csv.lines().collect();
    let mut input = format!("{}\n", lines[0]);
    for l in &lines[lines.len() - s.rows_valid..] {
        input.push_str(l);
        input.push('\n');
    }
    let inp = ws.path().join("valid.csv");
    std::fs::write(&inp, &input).unwrap();
    let out = ws.path().join("scored.csv");
    let r = train::predict(ws.path(), &s.run_id, &inp, &out).unwrap();
    assert_eq!((r.rows, r.column.as_str()), (s.rows_valid, "probability"));
    let mut rdr = csv::Reader::from_path(&out).unwrap();
    let probs: Vec<f32> = rdr
        .records()
        .map(|r| r.unwrap()[6].parse().unwrap())
        .collect();
    let labels: Vec<f32> = input
        .lines()
        .skip(1)
        .map(|l| if l.ends_with("yes") { 1.0 } else { 0.0 })
        .collect();
    assert!((roc_auc(&probs, &labels) - best_val_auc(&s)).abs() < 1e-9);

    let unseen = ws.path().join("unseen.csv");
    std::fs::write(
        &unseen,
        "id,a,b,colour,gappy\n1,0.5,3,purple,\n2,0.5,3,red,0.2\n",
    )
    .unwrap();
    let r = train::predict(ws.path(), "latest", &unseen, &out).unwrap();
    assert_eq!(r.unseen, vec![("colour".to_string(), 1)]);
    assert_eq!(r.missing, vec![("gappy".to_string(), 1)]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("id,a,b,colour,gappy,probability\n1,0.5,3,purple,,"),
        "{text}"
    );

    let bad = ws.path().join("bad.csv");
    std::fs::write(
        &bad,
        "id,a,b,colour,gappy\n1,0.5,3,red,0.1\n2,oops,3,red,0.2\n",
    )
    .unwrap();
    let e = train::predict(ws.path(), &s.run_id, &bad, &out)
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("bad.csv:3: column `a`: `oops` is not a number"),
        "{e}"
    );
    let e = train::predict(ws.path(), "no-such-run", &inp, &out)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no run `no-such-run`"), "{e}");
}

#[test]
fn malformed_fixtures_name_file_and_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/train");
    let t = Training {
        data_file: "x".into(),
        target: "y".into(),
        positive: "yes".into(),
        ..Training::default()
    };
    let cfg = TrainConfig::resolve(&t, &Overrides::default()).unwrap();
    let cases = [
        (
            "empty.csv",
            "1: file is empty (expected a header row with column names)",
        ),
        ("header-only.csv", "1: no data rows after the header"),
        (
            "missing-target.csv",
            "1: no target column `y` (columns: x, c, label)",
        ),
        (
            "single-class.csv",
            "1: target `y` never has the positive label `yes` (values: no); training needs both classes",
        ),
        ("ragged.csv", "4: row has 2 fields, the header has 3"),
        (
            "junk-number.csv",
            "19: column `x`: `12;5` is not a number (39 of 40 values are); fix the cell, or list the column under [data] categorical",
        ),
        (
            "inf-number.csv",
            "32: column `x`: `inf` is not a number (30 of 31 values are); fix the cell, or list the column under [data] categorical",
        ),
        (
            "invalid-utf8.csv",
            "4: invalid UTF-8 in field 2 (save the file as UTF-8)",
        ),
        (
            "id-column.csv",
            "1: column `c` has 160 different values in the training rows, which looks like an id or free text; add it to [data] exclude",
        ),
        ("empty-target.csv", "3: the target `y` is empty"),
    ];
    for (file, expected) in cases {
        let path: PathBuf = dir.join(file);
        let e = data::load(&path, &cfg).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}:{expected}", path.display()),
            "{file}"
        );
    }
    // A byte-order mark is not an error.
    let d = data::load(&dir.join("bom.csv"), &cfg).unwrap();
    assert_eq!(d.encoding.columns[0].name(), "x");
}

#[test]
fn cuda_without_the_feature_is_a_clear_error() {
    if train::device::CUDA_BUILT {
        return;
    }
    let e = train::device::choose_device(train::DeviceRequest::Cuda)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("--features cuda") && e.contains("--device cpu"),
        "{e}"
    );
    let auto = train::device::choose_device(train::DeviceRequest::Auto).unwrap();
    assert_eq!(auto.name, "cpu");
    assert!(auto.fallback.unwrap().contains("no CUDA support"));
}

#[test]
fn cli_train_json_and_predict() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
    let ws = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&example).unwrap() {
        let f = f.unwrap();
        if f.path().extension().is_some_and(|e| e == "toml") {
            std::fs::copy(f.path(), ws.path().join(f.file_name())).unwrap();
        }
    }
    std::fs::create_dir(ws.path().join("data")).unwrap();
    for f in ["market-ai-retail.csv", "survey-responses.csv"] {
        std::fs::copy(example.join("data").join(f), ws.path().join("data").join(f)).unwrap();
    }
    let full = std::fs::read_to_string(example.join("data/propensity.csv")).unwrap();
    let small: String = full.lines().take(1001).map(|l| format!("{l}\n")).collect();
    std::fs::write(ws.path().join("data/propensity.csv"), &small).unwrap();

    let bin = env!("CARGO_BIN_EXE_lodestar");
    let out = std::process::Command::new(bin)
        .args([
            "train",
            &ws.path().display().to_string(),
            "--epochs",
            "2",
            "--device",
            "cpu",
            "--seed",
            "7",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "run_id",
        "device",
        "rows_train",
        "rows_valid",
        "features",
        "samples_per_second",
        "best_epoch",
        "stopped_early",
        "epochs",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }
    assert_eq!(
        (
            j["rows_train"].as_u64(),
            j["rows_valid"].as_u64(),
            j["device"].as_str()
        ),
        (Some(800), Some(200), Some("cpu"))
    );
    assert!(j["run_id"].as_str().unwrap().ends_with("-7"));
    let epochs = j["epochs"].as_array().unwrap();
    assert_eq!(epochs.len(), 2);
    for k in [
        "epoch",
        "loss",
        "accuracy",
        "auc",
        "val_loss",
        "val_accuracy",
        "val_auc",
        "seconds",
    ] {
        assert!(epochs[1][k].is_number(), "epochs[1].{k}");
    }
    assert!(epochs[1]["val_auc"].as_f64().unwrap() > 0.7);

    // The JSON carries the gains table, and the report shows it.
    let gains = j["gains"].as_array().unwrap();
    assert_eq!(gains.len(), 10);
    assert!((gains[9]["gain"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let out = std::process::Command::new(bin)
        .args(["report", &ws.path().display().to_string()])
        .output()
        .unwrap();
    // The report pads its table columns; compare with the padding taken out.
    let report: String = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            if l.starts_with('|') {
                l.split(' ')
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(report.contains("Gains by decile"), "{report}");
    assert!(report.contains("| 100.0 % | 200 |"), "{report}");

    let scored = ws.path().join("scored.csv");
    let out = std::process::Command::new(bin)
        .args([
            "predict",
            &ws.path().display().to_string(),
            "--run",
            j["run_id"].as_str().unwrap(),
            "--input",
        ])
        .arg(ws.path().join("data/propensity.csv"))
        .arg("--output")
        .arg(&scored)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&scored).unwrap();
    assert_eq!(text.lines().count(), 1001);
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",accepted_offer,probability")
    );

    // `--record` appends the scored file to monitor.toml as a scoring batch
    // (labels included: the file keeps the target column), and the monitor
    // reads it: one more batch, with its AUC.
    let before = std::fs::read_to_string(ws.path().join("monitor.toml")).unwrap();
    let batches = before.matches("[[batch]]").count();
    let out = std::process::Command::new(bin)
        .env("LODESTAR_TODAY", "2026-11-29")
        .args([
            "predict",
            &ws.path().display().to_string(),
            "--run",
            j["run_id"].as_str().unwrap(),
            "--record",
            "--input",
        ])
        .arg(ws.path().join("data/propensity.csv"))
        .arg("--output")
        .arg(ws.path().join("data/scored-new.csv"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(ws.path().join("monitor.toml")).unwrap();
    assert!(after.starts_with(&before), "only appended");
    assert_eq!(
        &after[before.len()..],
        "\n[[batch]]\ndate = 2026-11-29\nfile = \"data/scored-new.csv\"\nrows = 1000\nnote = \"scored with run "
            .to_string()
            + j["run_id"].as_str().unwrap()
            + "\"\n"
    );
    assert_eq!(after.matches("[[batch]]").count(), batches + 1);
    // Outside the workspace: refused, nothing written.
    let outside = std::env::temp_dir().join(format!("lodestar-outside-{}.csv", std::process::id()));
    let out = std::process::Command::new(bin)
        .args([
            "predict",
            &ws.path().display().to_string(),
            "--run",
            "latest",
            "--record",
            "--input",
        ])
        .arg(ws.path().join("data/propensity.csv"))
        .arg("--output")
        .arg(&outside)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&outside);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the workspace"));
    assert_eq!(
        std::fs::read_to_string(ws.path().join("monitor.toml")).unwrap(),
        after
    );

    // Plain text when not on a terminal: one line per epoch; bad device → non-zero.
    let out = std::process::Command::new(bin)
        .args([
            "train",
            &ws.path().display().to_string(),
            "--epochs",
            "1",
            "--device",
            "cpu",
            "--batch-size",
            "1024",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("epoch"))
            .count(),
        1
    );
    if !train::device::CUDA_BUILT {
        let out = std::process::Command::new(bin)
            .args([
                "train",
                &ws.path().display().to_string(),
                "--device",
                "cuda",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("--features cuda"));
    }
}

#[cfg(unix)]
#[test]
fn cli_ctrl_c_stops_and_keeps_the_best_weights() {
    use std::io::{BufRead, BufReader};
    let ws = workspace(&synthetic(3000, false, 8));
    std::fs::write(ws.path().join("workspace.toml"), "name = \"t\"\n").unwrap();
    std::fs::write(
        ws.path().join("training.toml"),
        "[data]\nfile = \"data/set.csv\"\ntarget = \"y\"\npositive = \"yes\"\nexclude = [\"id\"]\n",
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lodestar"))
        .args([
            "train",
            &ws.path().display().to_string(),
            "--epochs",
            "100000",
            "--device",
            "cpu",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = 0;
    for line in lines.by_ref() {
        if line.unwrap().starts_with("epoch") {
            seen += 1;
            if seen == 2 {
                break;
            }
        }
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
    let code = child.wait().unwrap().code();
    assert_eq!(code, Some(130), "{rest:?}");
    assert!(
        rest.last()
            .unwrap()
            .starts_with("stopped on request: best epoch"),
        "{rest:?}"
    );
    let runs = train::list_runs(ws.path());
    let s = runs[0].summary.as_ref().unwrap();
    assert_eq!(s.status, "stopped");
    assert!(s.best_epoch.is_some() && runs[0].dir.join("model.safetensors").exists());
}

// ---- Keras' options: class weights, early stopping, overfitting ------------

#[test]
fn balanced_class_weights_by_hand() {
    use lodestar::train::Balance;
    use lodestar::train::trainer::balanced_weights;
    // 8 rows, 2 positive: 8 / (2·2) = 2 and 8 / (2·6) = 2/3; each class then
    // weighs 4 in total.
    let (p, n) = balanced_weights(Balance {
        positive: 2,
        negative: 6,
    });
    assert!(
        (p - 2.0).abs() < 1e-6 && (n - 2.0 / 3.0).abs() < 1e-6,
        "{p} {n}"
    );
    // Already balanced: both 1. One class missing: it gets 1, the other 0.5.
    assert_eq!(
        balanced_weights(Balance {
            positive: 5,
            negative: 5
        }),
        (1.0, 1.0)
    );
    assert_eq!(
        balanced_weights(Balance {
            positive: 0,
            negative: 4
        }),
        (1.0, 0.5)
    );
}

#[test]
fn balanced_run_weighs_the_loss_by_hand_figures() {
    // 20 rows, the last 4 for validation; of the first 16, rows 0..4 are `yes`.
    let mut csv = String::from("id,a,y\n");
    for i in 0..20 {
        let yes = i < 4 || i == 18;
        let _ = writeln!(
            csv,
            "{i},{},{}",
            i as f64 / 10.0,
            if yes { "yes" } else { "no" }
        );
    }
    let ws = workspace(&csv);
    let mut c = config(1, 1);
    c.balanced = true;
    c.learning_rate = 1e-12; // the weights barely move: the loss is the start's
    let mut job = Job::new(ws.path(), c.clone());
    job.progress_every = Duration::from_secs(3600);
    let mut weights = None;
    let s = train::run(&job, &AtomicBool::new(false), &mut |e| {
        if let Event::Started(s) = e {
            weights = s.class_weights;
        }
    })
    .unwrap();
    // 16 training rows, 4 positive: 16 / 8 = 2 and 16 / 24 = 2/3.
    let (p, n) = weights.unwrap();
    assert!((p - 2.0).abs() < 1e-6 && (n - 2.0 / 3.0).abs() < 1e-6);
    // The weighted training loss differs from the unweighted one; validation
    // loss is never weighted (Keras weighs the training loss only).
    c.balanced = false;
    let plain = train::train_blocking(ws.path(), c).unwrap();
    assert_ne!(s.epochs[0].train.loss, plain.epochs[0].train.loss);
    let (v, pv) = (s.epochs[0].valid.unwrap(), plain.epochs[0].valid.unwrap());
    assert!((v.loss - pv.loss).abs() < 1e-6, "{} vs {}", v.loss, pv.loss);

    // By hand, in both engines: with every weight 0 the logit is 0 and
    // p = ½, so the output bias's gradient is Σ wᵢ(½ − yᵢ)/n. For 4
    // positives and 12 negatives: unweighted (12·½ − 4·½)/16 = 0.25;
    // balanced (12·⅔·½ − 4·2·½)/16 = 0.
    use lodestar::train::autograd::CandleStep;
    use lodestar::train::config::Activation;
    use lodestar::train::fused::FusedStep;
    use lodestar::train::net::{Adam, NetShape};
    let shape = NetShape::new(2, &[3]);
    let adam = Adam {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-7,
        weight_decay: 0.0,
    };
    let x: Vec<f32> = (0..32).map(|i| i as f32 / 7.0).collect();
    let y: Vec<f32> = (0..16).map(|i| f32::from(u8::from(i < 4))).collect();
    let bias = shape.bias_offset(1);
    for (w_pos, w_neg, expected) in [(1.0f32, 1.0f32, 0.25f64), (2.0, 2.0 / 3.0, 0.0)] {
        let w: Vec<f32> = y
            .iter()
            .map(|&y| if y > 0.5 { w_pos } else { w_neg })
            .collect();
        let params = vec![0.0f32; shape.params()];
        let mut f = FusedStep::new(shape.clone(), Activation::Relu, adam, params.clone(), 16, 1);
        f.backward(&x, &y, &w, 16, None, &mut Vec::new());
        assert!(
            (f64::from(f.grad()[bias]) - expected).abs() < 1e-6,
            "fused {}",
            f.grad()[bias]
        );
        let dev = candle_core::Device::Cpu;
        let c = CandleStep::new(
            shape.clone(),
            Activation::Relu,
            adam,
            &params,
            &dev,
            candle_core::DType::F64,
        )
        .unwrap();
        let t = |v: &[f32], cols: usize| {
            candle_core::Tensor::from_slice(v, (v.len() / cols, cols), &dev).unwrap()
        };
        let g = c.gradients(&t(&x, 2), &t(&y, 1), &t(&w, 1), None).unwrap();
        // (2/3 arrives as an f32.)
        assert!((g[bias] - expected).abs() < 1e-7, "candle {}", g[bias]);
    }
}

#[test]
fn early_stopping_counts_epochs_without_improvement_like_keras() {
    use lodestar::train::config::Monitor;
    use lodestar::train::trainer::Watch;
    // val_loss by epoch; patience 2: best at 2 (0.40); 3 and 4 do not improve
    // (0.45, 0.41) → stop after epoch 4. Equal values do not improve either.
    let mut w = Watch::new(Monitor::ValLoss, Some(2));
    let seq = [0.50, 0.40, 0.45, 0.41, 0.39];
    let got: Vec<(bool, bool)> = seq
        .iter()
        .enumerate()
        .map(|(i, &v)| w.update(i + 1, v))
        .collect();
    assert_eq!(
        got[..4],
        [(true, false), (true, false), (false, false), (false, true)]
    );
    // AUC improves upwards; a tie is no improvement.
    let mut w = Watch::new(Monitor::ValAuc, Some(1));
    assert_eq!(w.update(1, 0.80), (true, false));
    assert_eq!(w.update(2, 0.80), (false, true));
    assert_eq!(w.best, Some((1, 0.80)));
    // No patience: never stops, still tracks the best.
    let mut w = Watch::new(Monitor::ValAccuracy, None);
    for (i, v) in [0.7, 0.6, 0.5, 0.4].into_iter().enumerate() {
        assert!(!w.update(i + 1, v).1);
    }
    assert_eq!(w.best, Some((1, 0.7)));
}

#[test]
fn early_stopping_option_parses_monitor_and_patience() {
    use lodestar::train::config::{EarlyStopping, Monitor};
    assert_eq!(
        EarlyStopping::parse("val_auc:3"),
        Ok(Some(EarlyStopping {
            monitor: Monitor::ValAuc,
            patience: 3
        }))
    );
    assert_eq!(EarlyStopping::parse("off"), Ok(None));
    for bad in ["val_auc", "auc:3", "val_loss:0", "val_loss:x"] {
        assert!(EarlyStopping::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn overfitting_is_validation_loss_climbing_while_training_loss_falls() {
    use lodestar::train::trainer::overfitting_from;
    let s = |t: &[f64], v: &[f64]| -> Vec<(f64, Option<f64>)> {
        t.iter().zip(v).map(|(&t, &v)| (t, Some(v))).collect()
    };
    let train = [0.6, 0.5, 0.45, 0.40, 0.35, 0.30];
    // Lowest validation loss at epoch 3 (0.41), 3 epochs later it is 3.0
    // (> 0.41 × 1.05) and training loss fell from 0.45 to 0.30: from epoch 3.
    assert_eq!(
        overfitting_from(&s(&train, &[0.6, 0.5, 0.41, 0.5, 0.9, 3.0])),
        Some(3)
    );
    // Noise on the way up does not hide it: lowest at 2, last 0.65 > 0.4305.
    assert_eq!(
        overfitting_from(&s(&train, &[0.5, 0.41, 0.6, 0.55, 0.7, 0.65])),
        Some(2)
    );
    // Two epochs since the lowest are not "several".
    assert_eq!(
        overfitting_from(&s(&train, &[0.6, 0.5, 0.45, 0.41, 0.5, 0.9])),
        None
    );
    // A plateau within 5 % of the lowest is not overfitting (0.414 < 0.4305).
    assert_eq!(
        overfitting_from(&s(&train, &[0.6, 0.5, 0.41, 0.415, 0.412, 0.414])),
        None
    );
    // Rising validation loss with rising training loss is not overfitting.
    assert_eq!(
        overfitting_from(&s(
            &[0.3, 0.35, 0.4, 0.45, 0.5, 0.55],
            &[0.6, 0.5, 0.41, 0.5, 0.9, 3.0]
        )),
        None
    );
    // A climb that came back down to a new lowest is not flagged.
    assert_eq!(
        overfitting_from(&s(&train, &[0.6, 0.7, 0.8, 0.9, 0.5, 0.4])),
        None
    );
    // No validation part: never.
    assert_eq!(
        overfitting_from(&[(0.5, None), (0.4, None), (0.3, None), (0.2, None)]),
        None
    );
}

#[test]
fn cli_early_stopping_and_class_weight_flags() {
    let ws = workspace(&synthetic(600, true, 8));
    // A workspace: the example's files, with this training.toml.
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
    for f in std::fs::read_dir(&example).unwrap() {
        let f = f.unwrap();
        if f.path().extension().is_some_and(|e| e == "toml") {
            std::fs::copy(f.path(), ws.path().join(f.file_name())).unwrap();
        }
    }
    std::fs::write(
        ws.path().join("training.toml"),
        "[data]\nfile = \"data/set.csv\"\ntarget = \"y\"\npositive = \"yes\"\nexclude = [\"id\"]\n\n[run]\nepochs = 30\ndevice = \"cpu\"\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_lodestar");
    let dir = ws.path().display().to_string();
    let out = std::process::Command::new(bin)
        .args([
            "train",
            &dir,
            "--early-stopping",
            "val_auc:2",
            "--class-weight",
            "balanced",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("class weights (balanced)"), "{text}");
    assert!(
        text.contains("early stopping: val_auc without improvement for 2 epochs"),
        "{text}"
    );
    assert!(text.contains("stopped early"), "{text}");
    // Off by default: the same workspace runs all 30 epochs... (3 to keep it short)
    let out = std::process::Command::new(bin)
        .args(["train", &dir, "--epochs", "3", "--format", "json"])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            j["stopped_early"].as_bool(),
            j["epochs"].as_array().map(Vec::len)
        ),
        (Some(false), Some(3))
    );
    let out = std::process::Command::new(bin)
        .args(["train", &dir, "--early-stopping", "auc:2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("val_loss, val_auc, val_accuracy"));
}

#[test]
fn gains_table_matches_values_computed_independently() {
    use lodestar::train::metrics::gains;
    // 37 rows (not a multiple of 10) with a tie; the expected figures were
    // computed with numpy (argsort of −score, stable; bin i = ranked rows
    // ⌊i·n/10⌋ .. ⌊(i+1)·n/10⌋), not with this code.
    let n = 37;
    let mut s: Vec<f32> = (0..n)
        .map(|i| (((i * 7919) % 101) as f64 / 101.0) as f32)
        .collect();
    s[5] = s[6];
    let y: Vec<f32> = (0..n)
        .map(|i| f32::from(u8::from((i * 31) % 7 < 3 || f64::from(s[i]) > 0.8)))
        .collect();
    // (bin, rows, positives, cumulative positives, gain, lift, cumulative lift)
    let expected = [
        (1, 3, 3, 3, 0.142857, 1.761905, 1.761905),
        (2, 4, 4, 7, 0.333333, 1.761905, 1.761905),
        (3, 4, 3, 10, 0.47619, 1.321429, 1.601732),
        (4, 3, 1, 11, 0.52381, 0.587302, 1.384354),
        (5, 4, 3, 14, 0.666667, 1.321429, 1.37037),
        (6, 4, 1, 15, 0.714286, 0.440476, 1.201299),
        (7, 3, 2, 17, 0.809524, 1.174603, 1.198095),
        (8, 4, 0, 17, 0.809524, 0.0, 1.032841),
        (9, 4, 2, 19, 0.904762, 0.880952, 1.01443),
        (10, 4, 2, 21, 1.0, 0.880952, 1.0),
    ];
    let g = gains(&s, &y, 10);
    assert_eq!(g.len(), 10);
    for (r, e) in g.iter().zip(expected) {
        assert_eq!(
            (r.bin, r.rows, r.positives, r.cum_positives),
            (e.0, e.1, e.2, e.3)
        );
        for (got, want) in [(r.gain, e.4), (r.lift, e.5), (r.cum_lift, e.6)] {
            assert!((got - want).abs() < 1e-5, "bin {}: {got} vs {want}", r.bin);
        }
    }
    assert_eq!(g[9].cum_rows, 37);
    assert!(gains(&s, &vec![0.0; n], 10).is_empty());
}
