//! Frame time of each pane with 10,000 records per file, drawn into
//! ratatui's TestBackend at 120×40. `cargo bench --bench tui`.

#[path = "generate.rs"]
mod generate;

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar::tui::app::App;
use lodestar::tui::keymap::Action;
use lodestar::tui::{config, ui};
use lodestar::workspace::{Date, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn benches(c: &mut Criterion) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-tui-10k");
    let _ = std::fs::remove_dir_all(&dir);
    generate::generate(&dir);
    let ws = Workspace::open(&dir).expect("open");
    let today = Date::parse("2026-11-29").expect("date");
    let mut app = App::new(ws, config::parse("", None), today);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut group = c.benchmark_group("frame-10k-120x40");
    for (action, name) in [
        (Action::Overview, "overview"),
        (Action::Needs, "needs"),
        (Action::Market, "market"),
        (Action::Scenarios, "scenarios"),
        (Action::Training, "training"),
        (Action::Risks, "risks"),
    ] {
        app.perform(action);
        // Put the cursor in the middle of the table, as a user scrolling would.
        for _ in 0..5 {
            app.perform(Action::PageDown);
        }
        group.bench_function(name, |b| {
            b.iter(|| {
                terminal.draw(|f| ui::render(f, &mut app)).expect("draw");
            })
        });
    }
    group.finish();
}

criterion_group!(tui, benches);
criterion_main!(tui);
