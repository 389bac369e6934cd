//! Training pane: the prototype model's configuration (`training.toml`) and
//! the runs on disk.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Cell;

use super::{detail, plain, window_table};
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// The configuration as (setting, value) rows.
pub fn settings(app: &App) -> Vec<(String, String)> {
    let t = &app.ws.model.training;
    let scenario = t
        .scenario
        .as_deref()
        .map(|id| match app.ws.model.scenario(id) {
            Some(s) => format!("{} ({id})", s.name),
            None => id.to_string(),
        })
        .unwrap_or_else(|| "—".into());
    vec![
        ("validates scenario".into(), scenario),
        ("data".into(), t.data_file.clone()),
        ("target".into(), format!("{} = {}", t.target, t.positive)),
        ("excluded columns".into(), t.exclude.join(", ")),
        (
            "layers".into(),
            format!(
                "{} → 1 ({}, sigmoid out)",
                t.hidden
                    .iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>()
                    .join(" → "),
                t.activation
            ),
        ),
        (
            "optimizer".into(),
            format!(
                "{} lr {} β {}/{} ε {}",
                t.optimizer, t.learning_rate, t.beta1, t.beta2, t.epsilon
            ),
        ),
        (
            "batch · epochs".into(),
            format!("{} · {}", t.batch_size, t.epochs),
        ),
        (
            "validation".into(),
            format!(
                "last {:.0}% of rows, before shuffling",
                t.validation_split * 100.0
            ),
        ),
        ("device · seed".into(), format!("{} · {}", t.device, t.seed)),
        (
            "early stopping".into(),
            t.early_stopping
                .as_ref()
                .map(|(m, p)| format!("{m}, patience {p}"))
                .unwrap_or_else(|| "off".into()),
        ),
    ]
}

/// Run folders under `runs/`, newest first.
pub fn runs(app: &App) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(app.ws.root.join("runs"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.reverse();
    names
}

pub fn rows(app: &App) -> Vec<usize> {
    (0..settings(app).len()).collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let [table_area, runs_area] = Layout::vertical([
        Constraint::Min(5),
        Constraint::Length(6.min(area.height / 2)),
    ])
    .areas(area);
    let rows = settings(app);
    let selected = app.training.selected.min(rows.len().saturating_sub(1));
    let page = window_table(
        frame,
        table_area,
        "Training configuration (training.toml)".into(),
        vec!["setting", "value"],
        vec![Constraint::Length(20), Constraint::Fill(1)],
        rows.len(),
        selected,
        &app.training.offset,
        theme,
        |i| vec![Cell::from(rows[i].0.clone()), Cell::from(rows[i].1.clone())],
    );
    app.page = page;
    let runs = runs(app);
    let lines = if runs.is_empty() {
        vec![("runs".to_string(), plain("no training run yet", theme.dim))]
    } else {
        runs.iter()
            .take(4)
            .map(|r| ("run".to_string(), plain(r.clone(), theme.base)))
            .collect()
    };
    detail(
        frame,
        runs_area,
        format!("Runs ({})", runs.len()),
        lines,
        theme,
    );
}
