//! The Training pane: a snapshot of a finished run (recorded events,
//! wall-clock figures masked) and the `r` / `x` keys on the App.

mod common;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use lodestar::train::{self, Event, Overrides, TrainConfig};
use lodestar::tui::app::App;
use lodestar::tui::config;
use lodestar::tui::keymap::Action;
use lodestar::tui::ui;
use lodestar::workspace::{Date, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A copy of the example workspace with a small data file and `epochs`.
fn tiny_workspace(rows: usize, epochs: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = common::temp_copy(&common::example());
    let csv = std::fs::read_to_string(dir.join("data/propensity.csv")).expect("read csv");
    let head: Vec<&str> = csv.lines().take(rows + 1).collect();
    std::fs::write(dir.join("data/propensity.csv"), head.join("\n") + "\n").expect("write");
    let toml = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    let toml = toml
        .replace("epochs = 10", &format!("epochs = {epochs}"))
        .replace("device = \"auto\"", "device = \"cpu\"");
    std::fs::write(dir.join("training.toml"), toml).expect("write");
    (tmp, dir)
}

fn app(dir: &Path) -> App {
    let ws = Workspace::open(dir).expect("open");
    let today = Date::parse("2026-11-29").expect("date");
    App::new(ws, config::parse("theme = \"dark\"", None), today)
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal.draw(|f| ui::render(f, app)).expect("draw");
    terminal.backend().to_string()
}

fn key(app: &mut App, c: char) {
    app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
}

/// Wall-clock figures out of an event, so the screen is the same every run.
fn steady(e: Event) -> Event {
    match e {
        Event::Batch(mut p) => {
            p.samples_per_sec = 0.0;
            p.eta = Duration::ZERO;
            Event::Batch(p)
        }
        Event::Epoch(mut r) => {
            r.seconds = 0.0;
            r.samples_per_sec = 0.0;
            Event::Epoch(r)
        }
        e => e,
    }
}

#[test]
fn finished_run_snapshot() {
    let (_tmp, dir) = tiny_workspace(400, 4);
    let mut app = app(&dir);
    let ws = Workspace::open(&dir).expect("open");
    let overrides = Overrides {
        threads: Some(1),
        ..Overrides::default()
    };
    let cfg = TrainConfig::resolve(&ws.model.training, &overrides).expect("config");
    let job = train::Job::new(&dir, cfg);
    let mut events = Vec::new();
    let stop = AtomicBool::new(false);
    let summary = train::run(&job, &stop, &mut |e| events.push(steady(e))).expect("train");
    events.push(Event::Finished(Box::new(summary.clone())));
    // Mid-run: up to the first batch after epoch 2 (no end event yet).
    let cut = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Epoch(_)))
        .nth(1)
        .map(|(i, _)| i + 1)
        .expect("two epochs");
    let mut mid: Vec<Event> = events[..cut].to_vec();
    if let Some(Event::Batch(p)) = events.iter().find(|e| matches!(e, Event::Batch(_))) {
        let mut p = p.clone();
        p.epoch = 3;
        p.samples_per_sec = 12_345.0;
        p.eta = Duration::from_secs(75);
        mid.push(Event::Batch(p));
    }
    let mut running = self::app(&dir);
    running.perform(Action::Training);
    running.ctx.train.live = Some(Default::default());
    running.training_events(mid);
    let time_of = |id: &str| id.split_once('-').map(|x| x.1.to_string());
    let mut live_shot =
        screen(&mut running, 80, 24).replace(&summary.run_id, &"X".repeat(summary.run_id.len()));
    if let Some(t) = time_of(&summary.run_id) {
        live_shot = live_shot.replace(&t, &"X".repeat(t.len()));
    }
    assert!(live_shot.contains("▶ training"), "{live_shot}");
    assert!(live_shot.contains("ETA 1:15"), "{live_shot}");
    insta::assert_snapshot!("training_running_80x24", live_shot);
    // Feed the recorded run into the pane as the event loop would.
    app.perform(Action::Training);
    app.ctx.train.live = Some(Default::default());
    app.training_events(events);
    let id = summary.run_id.clone();
    let mask = "X".repeat(id.len());
    let time_part = id.split_once('-').map(|x| x.1).unwrap_or(&id).to_string();
    let masked = |s: String| {
        s.replace(&id, &mask)
            .replace(&time_part, &"X".repeat(time_part.len()))
    };
    let shot = masked(screen(&mut app, 80, 24));
    assert!(shot.contains("✓ finished"), "{shot}");
    assert!(shot.contains("★"), "{shot}");
    assert!(
        shot.contains("last 20% of rows, before shuffling"),
        "{shot}"
    );
    insta::assert_snapshot!("training_finished_80x24", shot);
    app.perform(Action::Presentation);
    insta::assert_snapshot!(
        "training_finished_presentation_60x20",
        masked(screen(&mut app, 60, 20))
    );
}

#[test]
fn r_starts_x_stops_and_the_best_checkpoint_is_kept() {
    let (_tmp, dir) = tiny_workspace(1500, 2000);
    let mut app = app(&dir);
    app.perform(Action::Training);
    key(&mut app, 'r');
    assert!(app.ctx.train.running(), "{:?}", app.ctx.message);
    // Wait for a finished epoch (and so a checkpoint).
    let start = Instant::now();
    while app
        .ctx
        .train
        .live
        .as_ref()
        .is_none_or(|l| l.epochs.len() < 2)
    {
        app.poll_training();
        assert!(start.elapsed() < Duration::from_secs(60), "no epochs");
        std::thread::sleep(Duration::from_millis(10));
    }
    // Switching panes keeps it running.
    app.perform(Action::Needs);
    app.perform(Action::Training);
    assert!(app.ctx.train.running());
    key(&mut app, 'x');
    while app.ctx.train.running() {
        app.poll_training();
        assert!(start.elapsed() < Duration::from_secs(60), "did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
    let live = app.ctx.train.live.as_ref().expect("live");
    let Some(lodestar::tui::trainrun::End::Stopped(s)) = &live.end else {
        panic!("not stopped: {:?}", live.end)
    };
    assert!(s.stopped_by_user);
    assert!(s.best_epoch.is_some());
    assert!(s.run_dir.join("model.safetensors").is_file());
    let runs = train::list_runs(&dir);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].summary.as_ref().expect("summary").status, "stopped");
    let msg = app
        .ctx
        .message
        .as_ref()
        .map(|m| m.0.clone())
        .unwrap_or_default();
    assert!(msg.contains("training stopped"), "{msg}");
    assert!(screen(&mut app, 80, 24).contains("■ stopped"));
}

#[test]
fn plus_and_minus_edit_the_main_settings_and_undo() {
    let (_tmp, dir) = tiny_workspace(100, 10);
    let mut app = app(&dir);
    app.perform(Action::Training);
    key(&mut app, '+');
    assert_eq!(app.ctx.ws.model.training.epochs, 11);
    app.perform(Action::Down);
    key(&mut app, '-');
    assert_eq!(app.ctx.ws.model.training.batch_size, 16);
    app.perform(Action::Down);
    key(&mut app, '+');
    assert!((app.ctx.ws.model.training.learning_rate - 0.002).abs() < 1e-12);
    app.perform(Action::Down);
    key(&mut app, '+');
    assert_eq!(app.ctx.ws.model.training.device, "cuda");
    for _ in 0..4 {
        key(&mut app, 'u');
    }
    let t = &app.ctx.ws.model.training;
    assert_eq!((t.epochs, t.batch_size, t.device.as_str()), (10, 32, "cpu"));
    assert!((t.learning_rate - 0.001).abs() < 1e-12);
}

#[test]
fn history_picks_a_run_and_compares_it_with_the_latest() {
    let (_tmp, dir) = tiny_workspace(200, 2);
    let ws = Workspace::open(&dir).expect("open");
    let overrides = Overrides {
        threads: Some(1),
        ..Overrides::default()
    };
    let cfg = TrainConfig::resolve(&ws.model.training, &overrides).expect("config");
    let a = train::train_blocking(&dir, cfg.clone()).expect("first run");
    let mut cfg = cfg;
    cfg.epochs = 3;
    let b = train::train_blocking(&dir, cfg).expect("second run");
    assert_ne!(a.run_id, b.run_id);
    let mut app = app(&dir);
    app.perform(Action::Training);
    let list = screen(&mut app, 80, 24);
    assert!(list.contains("Runs (2)"), "{list}");
    // `c` on the latest picks the one before it and compares.
    key(&mut app, 'c');
    assert!(app.panes.training.compare_runs && app.panes.training.run_cursor == 1);
    let shot = screen(&mut app, 80, 24);
    assert!(shot.contains("Compare"), "{shot}");
    assert!(shot.contains("latest"), "{shot}");
    assert!(shot.contains("best ep"), "{shot}");
    key(&mut app, 'c');
    assert!(!app.panes.training.compare_runs);
    key(&mut app, '[');
    assert_eq!(app.panes.training.run_cursor, 0);
}
