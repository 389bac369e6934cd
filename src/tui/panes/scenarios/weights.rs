//! Weights view: direct and AHP weights, the weights in force, and the
//! smallest change of each that flips the winner.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{View, rows};
use crate::analysis::ahp;
use crate::numfmt;
use crate::tui::panes::window_table;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// The table and the detail panel.
fn areas(area: Rect, app: &View) -> [Rect; 2] {
    let rows = rows(app);
    let detail_h = 8.min(area.height / 2).max(3);
    let table_h = (rows.len() as u16 + 3).min(area.height.saturating_sub(detail_h));
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area)
}

pub fn table_area(area: Rect, app: &View) -> Rect {
    areas(area, app)[0]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let rows = rows(app);
    let m = &app.ws.model;
    let a = app.analysis.as_ref().ok();
    let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
    let ahp_w = ahp(&ids, &m.comparisons).ok().map(|r| r.weights);
    let direct_total: f64 = m.criteria.iter().map(|c| c.weight.max(0.0)).sum();
    let [table_area, detail_area] = areas(area, app);
    let selected = app.weights.selected.min(rows.len().saturating_sub(1));
    let source = m.settings.scoring.weights.as_str();
    let pct = numfmt::percent_whole;
    window_table(
        frame,
        table_area,
        format!("Weights · in force: {source} · +/- weight · w source · m method"),
        vec![
            "criterion",
            "dir",
            "group",
            "weight",
            "direct",
            "AHP",
            "used",
            "flip at",
        ],
        vec![
            Constraint::Fill(1),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(4),
            Constraint::Length(4),
            Constraint::Length(8),
        ],
        rows.len(),
        app.weights,
        theme,
        |pos| {
            let j = rows[pos];
            let c = &m.criteria[j];
            let used = a.and_then(|a| a.weights.values.get(j)).copied();
            let flip = a.and_then(|a| a.flips.get(j)).and_then(|f| f.as_ref());
            vec![
                Line::from(c.name.clone()),
                Line::from(if c.cost { "cost" } else { "gain" }),
                Line::from(
                    c.group
                        .as_deref()
                        .map(|g| g.chars().take(5).collect::<String>())
                        .unwrap_or_else(|| "—".into()),
                ),
                Line::from(crate::tui::steps::number(c.weight)),
                Line::from(if direct_total > 0.0 {
                    pct(c.weight.max(0.0) / direct_total)
                } else {
                    "—".into()
                }),
                Line::from(
                    ahp_w
                        .as_ref()
                        .and_then(|w| w.get(j))
                        .map(|w| pct(*w))
                        .unwrap_or_else(|| "—".into()),
                ),
                Line::from(Span::styled(
                    used.map(pct).unwrap_or_else(|| "—".into()),
                    theme.header,
                )),
                Line::from(
                    flip.map(|f| format!("{}→{:.2}", if f.to > f.from { "↑" } else { "↓" }, f.to))
                        .unwrap_or_else(|| "never".into()),
                ),
            ]
        },
    );
    let m = &app.ws.model;
    let a = app.analysis.as_ref().ok();
    let mut lines = Vec::new();
    let src_line = if source == "ahp" {
        "weights from the AHP comparisons (AHP view); the direct weights wait — w switches"
    } else {
        "weights = each criterion's weight ÷ their sum; AHP shown for comparison — w switches"
    };
    lines.push(Line::from(Span::styled(src_line, theme.base)));
    if let Some(a) = a {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", a.method), theme.header),
            Span::styled(a.method.formula(), theme.dim),
        ]));
        let name = |i: usize| a.matrix.names.get(i).cloned().unwrap_or_default();
        match a.smallest_flip() {
            Some(f) => lines.push(Line::from(Span::styled(
                format!(
                    "smallest flip: {} weight {:.2} → {:.2} and {} overtakes {}",
                    a.matrix
                        .criteria
                        .get(f.criterion)
                        .map(String::as_str)
                        .unwrap_or("?"),
                    f.from,
                    f.to,
                    name(f.rival),
                    name(f.winner)
                ),
                theme.warn,
            ))),
            None => lines.push(Line::from(Span::styled(
                format!(
                    "no single weight change makes anyone overtake {}",
                    name(a.ranking.winner())
                ),
                theme.ok,
            ))),
        }
        if let Some(j) = rows.get(selected).copied()
            && let Some(t) = a.tornado.get(j)
        {
            let w = a.ranking.winner();
            let (lo, hi) = t.rank_range(w);
            lines.push(Line::from(Span::styled(
                format!(
                    "{} ±{:.0}% (weight {:.2}–{:.2}): {} scores {:.1}–{:.1}, rank {lo}–{hi}",
                    a.matrix.criteria.get(j).map(String::as_str).unwrap_or("?"),
                    m.settings.scoring.delta * 100.0,
                    t.weight_low,
                    t.weight_high,
                    name(w),
                    t.scores_low
                        .get(w)
                        .copied()
                        .unwrap_or(0.0)
                        .min(t.scores_high.get(w).copied().unwrap_or(0.0)),
                    t.scores_low
                        .get(w)
                        .copied()
                        .unwrap_or(0.0)
                        .max(t.scores_high.get(w).copied().unwrap_or(0.0)),
                ),
                theme.base,
            )));
        }
    } else if let Err(e) = &app.analysis {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error)));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(ui::block("How the weights decide", theme)),
        detail_area,
    );
}
