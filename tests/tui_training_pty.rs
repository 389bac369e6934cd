//! The real binary in a pseudo-terminal: start a training run from the
//! Training pane, switch panes while it runs, stop it, and find the run
//! folder on disk.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

struct Tui {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
}

const WAIT: Duration = Duration::from_secs(30);

impl Tui {
    fn start(dir: &Path, cols: u16, rows: u16) -> Tui {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lodestar"));
        cmd.arg(dir);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LODESTAR_TODAY", "2026-11-29");
        cmd.env("LODESTAR_CONFIG", dir.join("no-such-config.toml"));
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let p = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut parser) = p.lock() {
                    parser.process(&buf[..n]);
                }
            }
        });
        Tui {
            child,
            _master: pair.master,
            writer,
            parser,
        }
    }

    fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    fn wait_for(&self, needle: &str) {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.screen().contains(needle) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!("`{needle}` did not appear; screen:\n{}", self.screen());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
        // Let the program read keys one event at a time, as typed.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        false
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The example workspace with many epochs (so the run is still going when
/// `x` arrives) and a smaller data file (so epochs come quickly).
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
