//! The terminal workbench: one event channel fed by an input thread, a
//! file watcher and the background stability run; the screen is redrawn only when an event arrives, so an
//! idle workbench uses no CPU.

pub mod app;
pub mod component;
pub mod config;
pub mod form;
pub mod keymap;
pub mod panes;
pub mod stability;
pub mod steps;
pub mod theme;
pub mod trainrun;
pub mod ui;
pub mod vote;

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event as TermEvent};
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use ratatui::crossterm::{event::DisableMouseCapture, event::EnableMouseCapture, execute};

use crate::workspace::{Date, Workspace};
use app::{App, Level};

/// Everything the loop reacts to.
enum Event {
    Term(TermEvent),
    /// Something changed in the workspace folder (debounced).
    Files,
    /// The input thread ended (terminal gone).
    InputClosed,
    /// Progress or the result of the ranking-stability run (throttled).
    Stability(stability::Update),
    /// Events of the training run, batched (at most ~10 a second).
    Training(Vec<crate::train::Event>),
}

/// How soon after an edit the recovery journal is written.
const JOURNAL_DELAY: Duration = Duration::from_millis(700);

/// Run the workbench on a workspace until the user quits.
pub fn run(dir: &Path) -> Result<(), String> {
    let ws = Workspace::open(dir).map_err(|e| match e {
        crate::workspace::OpenError::Unreadable(diags) => {
            let list: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
            format!(
                "{}\ncannot open the workspace until these are fixed",
                list.join("\n")
            )
        }
        e => e.to_string(),
    })?;
    let config = config::load();
    let mouse = config.mouse;
    let mut app = App::new(ws, config, Date::today());

    let (tx, rx) = mpsc::channel::<Event>();
    let input_tx = tx.clone();
    std::thread::Builder::new()
        .name("lodestar-input".into())
        .spawn(move || {
            loop {
                match event::read() {
                    Ok(ev) => {
                        if input_tx.send(Event::Term(ev)).is_err() {
                            break;
                        }
                    }
                    Err(_) => {
                        let _ = input_tx.send(Event::InputClosed);
                        break;
                    }
                }
            }
        })
        .map_err(|e| format!("cannot start the input thread: {e}"))?;
    let stability_tx = tx.clone();
    app.ctx.stability.set_sink(std::sync::Arc::new(move |u| {
        let _ = stability_tx.send(Event::Stability(u));
    }));
    let train_tx = tx.clone();
    app.ctx.train.set_sink(std::sync::Arc::new(move |events| {
        let _ = train_tx.send(Event::Training(events));
    }));
    // The analysis now; its background Monte Carlo once the first frame is
    // on screen, so that a large workspace does not keep the screen blank
    // while both cores run it.
    let watcher = watch(dir, tx.clone());
    if let Err(e) = &watcher {
        app.say(
            Level::Warn,
            format!("not watching the folder for outside changes: {e}"),
        );
    }

    let mut terminal = ratatui::init();
    if mouse {
        let _ = execute!(std::io::stdout(), EnableMouseCapture);
    }
    let result = event_loop(&mut terminal, &mut app, &rx);
    if mouse {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
    }
    // Quitting while training: stop the run and let it save the best weights.
    app.ctx.train.shutdown();
    ratatui::restore();
    drop(watcher);
    result
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    rx: &mpsc::Receiver<Event>,
) -> Result<(), String> {
    let mut journal_at: Option<Instant> = None;
    let mut first = true;
    loop {
        draw(terminal, app)?;
        if first {
            first = false;
            app.refresh();
        }
        if app.quit {
            return Ok(());
        }
        if app.ctx.journal_due {
            app.ctx.journal_due = false;
            journal_at = Some(Instant::now() + JOURNAL_DELAY);
        }
        let next = match journal_at {
            Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match next {
            Ok(Event::Term(TermEvent::Key(key))) => app.handle_key(key),
            Ok(Event::Term(_)) => {} // resize and the rest: just redraw
            Ok(Event::Files) => app.files_changed(),
            Ok(Event::Stability(u)) => app.stability_update(u),
            Ok(Event::Training(events)) => app.training_events(events),
            Ok(Event::InputClosed) | Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = app.ctx.ws.write_journal();
                return Err(
                    "the terminal went away; unsaved edits are kept in the recovery journal".into(),
                );
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if journal_at.is_some_and(|at| Instant::now() >= at) {
            journal_at = None;
            if let Err(e) = app.ctx.ws.write_journal() {
                app.say(
                    Level::Error,
                    format!("could not write the recovery journal: {e}"),
                );
            }
        }
    }
}

/// One frame, wrapped in a synchronized update so it never tears over SSH.
fn draw(terminal: &mut ratatui::DefaultTerminal, app: &mut App) -> Result<(), String> {
    let mut out = std::io::stdout();
    let _ = execute!(out, BeginSynchronizedUpdate);
    let r = terminal
        .draw(|f| ui::render(f, app))
        .map(|_| ())
        .map_err(|e| format!("cannot draw: {e}"));
    let _ = execute!(out, EndSynchronizedUpdate);
    let _ = out.flush();
    r
}

/// Watch the workspace folder (not single files: editors and git replace
/// files by renaming, which single-file watches miss).
fn watch(
    dir: &Path,
    tx: mpsc::Sender<Event>,
) -> Result<notify_debouncer_mini::Debouncer<notify::RecommendedWatcher>, String> {
    let mut debouncer = notify_debouncer_mini::new_debouncer(
        Duration::from_millis(250),
        move |res: notify_debouncer_mini::DebounceEventResult| {
            if let Ok(events) = res {
                let relevant = events.iter().any(|e| {
                    e.path.extension().is_some_and(|x| x == "toml")
                        && !e.path.components().any(|c| c.as_os_str() == ".lodestar")
                });
                if relevant {
                    let _ = tx.send(Event::Files);
                }
            }
        },
    )
    .map_err(|e| e.to_string())?;
    debouncer
        .watcher()
        .watch(dir, notify::RecursiveMode::NonRecursive)
        .map_err(|e| e.to_string())?;
    // Workshop votes (`lodestar vote` from other terminals) re-rank live.
    let votes = dir.join(crate::workspace::votes::DIR);
    if votes.is_dir() {
        debouncer
            .watcher()
            .watch(&votes, notify::RecursiveMode::NonRecursive)
            .map_err(|e| e.to_string())?;
    }
    Ok(debouncer)
}
