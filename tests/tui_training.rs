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
use lodestar::tui::panes::training::GainsView;
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
    // Epochs step on the 1-2-5 scale.
    assert_eq!(app.ctx.ws.model.training.epochs, 20);
    app.perform(Action::Down);
    key(&mut app, '-');
    // Batch size too: 32 is between 20 and 50.
    assert_eq!(app.ctx.ws.model.training.batch_size, 20);
    app.perform(Action::Down);
    key(&mut app, '+');
    assert!((app.ctx.ws.model.training.learning_rate - 0.002).abs() < 1e-12);
    app.perform(Action::Down);
    key(&mut app, '+');
    assert_eq!(app.ctx.ws.model.training.device, "cuda");
    // Early stopping and class weights are toggles.
    app.perform(Action::Down);
    key(&mut app, '+');
    let es = app.ctx.ws.model.training.early_stopping.clone();
    assert_eq!(
        es.map(|(m, p)| (m.to_string(), p)),
        Some(("val_loss".to_string(), 3))
    );
    app.perform(Action::Down);
    key(&mut app, '+');
    assert_eq!(
        app.ctx.ws.model.training.class_weight.to_string(),
        "balanced"
    );
    let shot = screen(&mut app, 80, 24);
    assert!(shot.contains("val_loss, 3 ep"), "{shot}");
    assert!(shot.contains("balanced"), "{shot}");
    key(&mut app, '-');
    assert_eq!(app.ctx.ws.model.training.class_weight.to_string(), "none");
    app.perform(Action::Up);
    key(&mut app, '-');
    assert!(app.ctx.ws.model.training.early_stopping.is_none());
    for _ in 0..8 {
        key(&mut app, 'u');
    }
    let t = &app.ctx.ws.model.training;
    assert_eq!((t.epochs, t.batch_size, t.device.as_str()), (10, 32, "cpu"));
    assert!((t.learning_rate - 0.001).abs() < 1e-12);
    assert!(t.early_stopping.is_none());
    assert_eq!(t.class_weight.to_string(), "none");
}

/// Epoch reports with chosen losses: validation loss is lowest at epoch 3
/// and then climbs while training loss keeps falling (an overfitting run).
fn overfitting_epochs(n: usize) -> Vec<train::EpochReport> {
    let mut best = f64::INFINITY;
    (1..=n)
        .map(|e| {
            let x = e as f64;
            let val_loss = 0.5 + 0.02 * (x - 3.0) * (x - 3.0);
            let is_best = val_loss < best;
            best = best.min(val_loss);
            let score = |loss: f64, auc: f64| train::Scores {
                loss,
                accuracy: 0.8,
                auc,
                precision: 0.6,
                recall: 0.5,
            };
            train::EpochReport {
                epoch: e,
                train: score(0.6 / x.sqrt(), 0.80 + 0.01 * x),
                valid: Some(score(val_loss, 0.83 - 0.002 * (x - 3.0).abs())),
                seconds: 0.0,
                samples_per_sec: 0.0,
                best: is_best,
            }
        })
        .collect()
}

#[test]
fn epochs_scroll_keep_the_best_in_view_and_overfitting_is_flagged() {
    let (_tmp, dir) = tiny_workspace(200, 1);
    let ws = Workspace::open(&dir).expect("open");
    let overrides = Overrides {
        threads: Some(1),
        ..Overrides::default()
    };
    let cfg = TrainConfig::resolve(&ws.model.training, &overrides).expect("config");
    let job = train::Job::new(&dir, cfg);
    let mut events = Vec::new();
    let summary = train::run(&job, &AtomicBool::new(false), &mut |e| {
        if matches!(e, Event::Started(_)) {
            events.push(e)
        }
    })
    .expect("train");
    let epochs = overfitting_epochs(15);
    events.extend(epochs.iter().cloned().map(Event::Epoch));
    let mut s = summary.clone();
    s.epochs = epochs;
    s.best_epoch = Some(3);
    s.overfitting_from = Some(3);
    events.push(Event::Finished(Box::new(s)));
    let mut app = app(&dir);
    app.perform(Action::Training);
    app.ctx.train.live = Some(Default::default());
    app.training_events(events);
    let id = summary.run_id.clone();
    let time_part = id.split_once('-').map(|x| x.1).unwrap_or(&id).to_string();
    let masked = |s: String| {
        s.replace(&id, &"X".repeat(id.len()))
            .replace(&time_part, &"X".repeat(time_part.len()))
    };
    let shot = masked(screen(&mut app, 80, 24));
    // The latest epochs and, pinned above them, the best one.
    assert!(shot.contains("★3"), "{shot}");
    assert!(shot.contains(" 15"), "{shot}");
    assert!(shot.contains("⚠ overfitting"), "{shot}");
    insta::assert_snapshot!("training_overfit_epochs_80x24", shot);
    // ctrl-u scrolls up to the first epochs; ★ stays.
    for _ in 0..6 {
        app.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    }
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("│ 1 ") && top.contains("★3"), "{top}");
    assert!(!top.contains("│ 15 "), "{top}");
    for _ in 0..6 {
        app.handle_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
    }
    assert_eq!(app.panes.training.epoch_scroll, None);
    app.perform(Action::Presentation);
    let small = masked(screen(&mut app, 60, 20));
    assert!(small.contains("★3"), "{small}");
    insta::assert_snapshot!("training_overfit_epochs_60x20", small);
    // `v`: the gains chart against the random diagonal and the cut-off box,
    // with what the example's `[money]` (top 20 % of 10,000,000 members,
    // volume counts contacts) implies for the next-best-offer plan.
    key(&mut app, 'v');
    assert_eq!(app.panes.training.gains_view, GainsView::Chart);
    let chart = masked(screen(&mut app, 60, 20));
    assert!(chart.contains("Cut-off top 20.0 %"), "{chart}");
    assert!(chart.contains("2,000,000"), "{chart}");
    assert!(chart.contains("2,400,000"), "{chart}");
    insta::assert_snapshot!("training_lift_60x20", chart);
    app.perform(Action::Presentation);
    let wide = masked(screen(&mut app, 80, 24));
    assert!(wide.contains('█'), "{wide}");
    insta::assert_snapshot!("training_lift_80x24", wide);
    // `+` moves the cut-off 5 points: one undoable edit of `[money] cutoff`.
    let before = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    key(&mut app, '+');
    assert_eq!(
        app.ctx.ws.model.training.money.as_ref().and_then(|m| m.top),
        Some(0.25)
    );
    let moved = screen(&mut app, 80, 24);
    assert!(
        moved.contains("Cut-off top 25.0 %") && moved.contains("2,500,000"),
        "{moved}"
    );
    app.handle_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let after = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    let (removed, added) = common::changed_region(&before, &after);
    assert_eq!(removed, vec!["cutoff = { top = 0.2 }\n"], "{after}");
    assert_eq!(added, vec!["cutoff = { top = 0.25 }\n"], "{after}");
    key(&mut app, 'u');
    assert_eq!(
        app.ctx.ws.model.training.money.as_ref().and_then(|m| m.top),
        Some(0.2)
    );
    // `v` again: the gains / lift table by decile of the run's validation part.
    key(&mut app, 'v');
    assert_eq!(app.panes.training.gains_view, GainsView::Table);
    app.perform(Action::Presentation);
    let gains = masked(screen(&mut app, 60, 20));
    assert!(gains.contains("Gains by decile"), "{gains}");
    assert!(gains.contains("100 %"), "{gains}");
    insta::assert_snapshot!("training_gains_60x20", gains);
    app.perform(Action::Presentation);
    insta::assert_snapshot!("training_gains_80x24", masked(screen(&mut app, 80, 24)));
    key(&mut app, 'v');
    assert_eq!(app.panes.training.gains_view, GainsView::Off);
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
    cfg.batch_size = 8;
    let b = train::train_blocking(&dir, cfg).expect("second run");
    assert_ne!(a.run_id, b.run_id);
    // Ids name the second a run started (with `-2` within the same
    // second): fixed names keep the snapshots steady.
    let runs = dir.join("runs");
    std::fs::rename(runs.join(&a.run_id), runs.join("20261129-100000-42")).expect("rename a");
    std::fs::rename(runs.join(&b.run_id), runs.join("20261129-100500-42")).expect("rename b");
    let mut app = app(&dir);
    app.perform(Action::Training);
    let list = screen(&mut app, 80, 24);
    assert!(list.contains("Runs (2)"), "{list}");
    // The newest run's 3 epochs; `]` picks the older run and the table and
    // charts show its 2 epochs.
    assert!(
        list.contains("Epochs (★ best)") && list.contains(" 3 "),
        "{list}"
    );
    key(&mut app, ']');
    assert_eq!(app.panes.training.run_cursor, 1);
    let older = screen(&mut app, 80, 24);
    assert!(older.contains("Epochs of 100000-42"), "{older}");
    assert!(!older.contains("│ 3 "), "{older}");
    key(&mut app, '[');
    // `c` on the latest picks the one before it and compares.
    key(&mut app, 'c');
    assert!(app.panes.training.compare_runs && app.panes.training.run_cursor == 1);
    let shot = screen(&mut app, 80, 24);
    assert!(shot.contains("Compare"), "{shot}");
    assert!(shot.contains("latest"), "{shot}");
    assert!(shot.contains("val AUC"), "{shot}");
    // Every setting that differs, with both values.
    assert!(
        shot.contains("batch-size") && shot.contains("epochs"),
        "{shot}"
    );
    insta::assert_snapshot!("training_compare_80x24", shot);
    app.perform(Action::Presentation);
    insta::assert_snapshot!("training_compare_60x20", screen(&mut app, 60, 20));
    app.perform(Action::Presentation);
    key(&mut app, 'c');
    assert!(!app.panes.training.compare_runs);
    key(&mut app, '[');
    assert_eq!(app.panes.training.run_cursor, 0);
}

#[test]
fn slash_and_s_are_not_offered_on_the_training_pane() {
    let (_tmp, dir) = tiny_workspace(100, 1);
    let mut app = app(&dir);
    app.perform(Action::Training);
    let shot = screen(&mut app, 80, 24);
    // The last line (TestBackend quotes each line).
    let footer = shot
        .lines()
        .last()
        .unwrap_or_default()
        .trim_matches('"')
        .to_string();
    assert!(
        !footer.contains("filter") && !footer.contains("sort"),
        "{footer}"
    );
    // The footer fits: its last hint is not cut.
    assert!(footer.trim_end().ends_with("o links"), "{footer}");
    key(&mut app, '?');
    let help = screen(&mut app, 80, 24);
    assert!(!help.contains("filter rows by text"), "{help}");
}

#[test]
fn auto_falling_back_to_the_cpu_says_why_in_the_status_line() {
    let (_tmp, dir) = tiny_workspace(200, 1);
    let toml = std::fs::read_to_string(dir.join("training.toml")).expect("read");
    std::fs::write(
        dir.join("training.toml"),
        toml.replace("device = \"cpu\"", "device = \"auto\""),
    )
    .expect("write");
    let ws = Workspace::open(&dir).expect("open");
    let cfg = TrainConfig::resolve(&ws.model.training, &Overrides::default()).expect("config");
    let mut events = Vec::new();
    let summary = train::run(
        &train::Job::new(&dir, cfg),
        &AtomicBool::new(false),
        &mut |e| events.push(steady(e)),
    )
    .expect("train");
    // This test binary is a CPU build; a `cuda` build on a machine without a
    // GPU gives the driver's reason instead (tests/cuda_fallback.rs).
    let reason = summary.fallback.clone().expect("auto fell back");
    assert!(reason.contains("no CUDA support"), "{reason}");
    let mut app = app(&dir);
    app.perform(Action::Training);
    app.ctx.train.live = Some(Default::default());
    app.training_events(events);
    let shot = screen(&mut app, 80, 24);
    // The status line (two rows here: long messages wrap above the footer).
    let status: Vec<&str> = shot.lines().rev().skip(1).take(3).collect();
    assert!(
        status
            .iter()
            .any(|l| l
                .contains("⚠ device auto: training on the CPU, because this build has no CUDA")),
        "{shot}"
    );
    assert!(
        shot.contains("device cpu · 1 thread (fallback: this"),
        "{shot}"
    );
}
