//! Weights view: direct and AHP weights, the weights in force, and the
//! smallest change of each that flips the winner.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::labels::{criterion_name, method_formula, method_label};
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
    let source_name = if source == "ahp" {
        "AHP".to_string()
    } else {
        crate::tr!("tui.scn.weights.direct_source")
    };
    let header: Vec<String> = [
        "tui.scn.weights.h.criterion",
        "tui.scn.weights.h.dir",
        "tui.scn.weights.h.group",
        "tui.scn.weights.h.weight",
        "tui.scn.weights.h.direct",
        "tui.scn.weights.h.ahp",
        "tui.scn.weights.h.used",
        "tui.scn.weights.h.flip",
    ]
    .into_iter()
    .map(|k| crate::tr!(k))
    .collect();
    window_table(
        frame,
        table_area,
        crate::tr!("tui.scn.weights.title", source = source_name),
        header.iter().map(String::as_str).collect(),
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
                Line::from(criterion_name(c)),
                Line::from(if c.cost {
                    crate::tr!("tui.scn.weights.cost")
                } else {
                    crate::tr!("tui.scn.weights.gain")
                }),
                Line::from(
                    c.group
                        .as_deref()
                        .map(|g| ui::truncate(&crate::tui::panes::value_label(g), 5))
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
                        .unwrap_or_else(|| crate::tr!("tui.scn.weights.never")),
                ),
            ]
        },
    );
    let m = &app.ws.model;
    let a = app.analysis.as_ref().ok();
    let mut lines = Vec::new();
    let src_line = if source == "ahp" {
        crate::tr!("tui.scn.weights.from_ahp")
    } else {
        crate::tr!("tui.scn.weights.from_direct")
    };
    lines.push(Line::from(Span::styled(src_line, theme.base)));
    if let Some(a) = a {
        lines.push(Line::from(vec![
            Span::styled(
                crate::tr!("tui.scn.weights.method", method = method_label(a.method)),
                theme.header,
            ),
            Span::styled(method_formula(a.method), theme.dim),
        ]));
        let name = |i: usize| a.matrix.names.get(i).cloned().unwrap_or_default();
        // A criterion of the matrix by its name (the id where it has none).
        let crit = |j: usize| {
            a.matrix.criteria.get(j).map_or_else(
                || "?".to_string(),
                |id| {
                    m.criteria
                        .iter()
                        .find(|c| &c.id == id)
                        .map_or_else(|| id.clone(), criterion_name)
                },
            )
        };
        match a.smallest_flip() {
            Some(f) => lines.push(Line::from(Span::styled(
                crate::tr!(
                    "tui.scn.weights.smallest_flip",
                    criterion = crit(f.criterion),
                    from = format!("{:.2}", f.from),
                    to = format!("{:.2}", f.to),
                    rival = name(f.rival),
                    winner = name(f.winner)
                ),
                theme.warn,
            ))),
            None => lines.push(Line::from(Span::styled(
                crate::tr!("tui.scn.weights.no_flip", winner = name(a.ranking.winner())),
                theme.ok,
            ))),
        }
        if let Some(j) = rows.get(selected).copied()
            && let Some(t) = a.tornado.get(j)
        {
            let w = a.ranking.winner();
            let (lo, hi) = t.rank_range(w);
            lines.push(Line::from(Span::styled(
                crate::tr!(
                    "tui.scn.weights.tornado",
                    criterion = crit(j),
                    delta = format!("{:.0}", m.settings.scoring.delta * 100.0),
                    w_lo = format!("{:.2}", t.weight_low),
                    w_hi = format!("{:.2}", t.weight_high),
                    winner = name(w),
                    s_lo = format!(
                        "{:.1}",
                        t.scores_low
                            .get(w)
                            .copied()
                            .unwrap_or(0.0)
                            .min(t.scores_high.get(w).copied().unwrap_or(0.0))
                    ),
                    s_hi = format!(
                        "{:.1}",
                        t.scores_low
                            .get(w)
                            .copied()
                            .unwrap_or(0.0)
                            .max(t.scores_high.get(w).copied().unwrap_or(0.0))
                    ),
                    lo = lo,
                    hi = hi
                ),
                theme.base,
            )));
        }
    } else if let Err(e) = &app.analysis {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error)));
    }
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(
            lines,
            detail_area.width.saturating_sub(2),
            false,
        ))
        .block(ui::block(crate::tr!("tui.scn.weights.detail_title"), theme)),
        detail_area,
    );
}
