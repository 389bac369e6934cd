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
fn fused_cpu_step_matches_candle_ops() {
    let ws = workspace(&synthetic(600, false, 4));
    for dropout in [0.0, 0.3] {
        let mut c = config(2, 1);
        c.dropout = dropout;
        c.engine = Engine::Fused;
        let fused = train::train_blocking(ws.path(), c.clone()).unwrap();
        c.engine = Engine::Ops;
        let ops = train::train_blocking(ws.path(), c).unwrap();
        assert_eq!((fused.engine, ops.engine), ("fused", "candle-ops"));
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
