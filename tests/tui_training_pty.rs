//! The real binary in a pseudo-terminal: start a training run from the
//! Training pane, switch panes while it runs, stop it, and find the run
//! folder on disk.

mod common;

mod pty;

use pty::Tui;

fn workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = common::temp_copy(&common::example());
    let csv = std::fs::read_to_string(dir.join("data/propensity.csv")).expect("read csv");
    let head: Vec<&str> = csv.lines().take(1501).collect();
    std::fs::write(dir.join("data/propensity.csv"), head.join("\n") + "\n").expect("write");
    let toml = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    let toml = toml
        .replace("epochs = 10", "epochs = 5000")
        .replace("device = \"auto\"", "device = \"cpu\"");
    std::fs::write(dir.join("training.toml"), toml).expect("write");
    (tmp, dir)
}

#[test]
fn start_switch_panes_and_stop_a_run() {
    let (_tmp, dir) = workspace();
    let mut t = Tui::start(&dir, 80, 24);
    t.wait_for("Needs & goals");
    t.send("5");
    t.wait_for("Config");
    t.wait_for("idle");
    t.send("r");
    // Epoch progress: the gauge counts epochs of the 5000.
    t.wait_for("/5000");
    t.send("2");
    t.wait_for("need-001");
    t.send("5");
    t.wait_for("/5000");
    t.send("x");
    t.wait_for("■ stopped");
    t.wait_for("training stopped");
    let runs: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .expect("runs folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    let run = runs[0].path();
    assert!(run.join("summary.toml").is_file());
    assert!(run.join("model.safetensors").is_file());
    let summary = std::fs::read_to_string(run.join("summary.toml")).expect("summary");
    assert!(summary.contains("status = \"stopped\""), "{summary}");
    t.send("q");
    assert!(t.wait_exit());
}

#[test]
fn quitting_while_training_stops_the_run_cleanly() {
    let (_tmp, dir) = workspace();
    let mut t = Tui::start(&dir, 80, 24);
    t.wait_for("Needs & goals");
    t.send("5");
    t.wait_for("idle");
    t.send("r");
    t.wait_for("/5000");
    t.send("q");
    assert!(t.wait_exit(), "did not exit while training");
    let runs: Vec<_> = std::fs::read_dir(dir.join("runs"))
        .expect("runs folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert_eq!(runs.len(), 1);
    let summary = std::fs::read_to_string(runs[0].path().join("summary.toml")).expect("summary");
    assert!(summary.contains("status = \"stopped\""), "{summary}");
}
