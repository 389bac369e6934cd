//! Trends view: each trend's type, direction (↑ ↓ →) and impact (●○, 1–5),
//! the selected one's horizon, source and notes, and a count per type.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{View, record_table, selection};
use crate::market::evidence::trends_by_type;
use crate::tui::theme::Theme;
use crate::tui::ui;

pub fn direction(d: &str) -> String {
    let arrow = match d {
        "rising" => "↑",
        "falling" => "↓",
        "stable" => "→",
        _ => "?",
    };
    format!("{arrow} {}", crate::tui::panes::value_label(d))
}

pub fn impact(i: i64) -> String {
    let n = i.clamp(0, 5) as usize;
    format!("{}{} {i}", "●".repeat(n), "○".repeat(5 - n))
}

/// The table and the detail panel.
fn areas(area: Rect, app: &View) -> [Rect; 2] {
    let (rows, _) = selection(app);
    let detail_min = 6;
    let table_h = (rows.len().max(1) as u16 + 3).min(area.height.saturating_sub(detail_min));
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(3)]).areas(area)
}

pub fn table_area(area: Rect, app: &View) -> Rect {
    areas(area, app)[0]
}

/// The detail panel's text and summary rows.
fn text_areas(detail_area: Rect, theme: &Theme) -> [Rect; 2] {
    let inner_h = detail_area.height.saturating_sub(2);
    Layout::vertical([Constraint::Min(1), Constraint::Length(1.min(inner_h))])
        .areas(ui::block("", theme).inner(detail_area))
}

/// The selected trend's detail text where it is drawn (for scrolling).
pub fn detail_text(area: Rect, app: &View, theme: &Theme) -> (Rect, Vec<Line<'static>>) {
    let [_, detail_area] = areas(area, app);
    let [text_area, _] = text_areas(detail_area, theme);
    (text_area, detail_lines(app, theme).1)
}

/// The selected trend's panel title and text.
fn detail_lines(app: &View, theme: &Theme) -> (String, Vec<Line<'static>>) {
    let (rows, selected) = selection(app);
    let mut lines = Vec::new();
    let title = match rows.get(selected).and_then(|&i| app.ws.model.trends.get(i)) {
        Some(t) => {
            let mut first = vec![
                Span::styled(
                    crate::tui::panes::value_label(&t.kind.to_string()),
                    theme.header,
                ),
                Span::styled(format!(" · {} · ", direction(&t.direction)), theme.base),
                Span::styled(
                    crate::tr!("tui.mkt.trend.impact", impact = impact(t.impact)),
                    theme.base,
                ),
            ];
            if !t.horizon.is_empty() {
                first.push(Span::styled(
                    crate::tr!(
                        "tui.mkt.trend.term",
                        horizon = crate::tui::panes::value_label(&t.horizon.to_string())
                    ),
                    theme.base,
                ));
            }
            lines.push(Line::from(first));
            if !t.source.is_empty() {
                lines.push(Line::from(vec![
                    Span::styled(crate::tr!("tui.market.source"), theme.dim),
                    Span::styled(t.source.clone(), theme.base),
                ]));
            }
            lines.extend(
                t.description
                    .lines()
                    .map(|l| Line::from(Span::styled(l.to_string(), theme.base))),
            );
            format!("{} · {}", t.id, t.title)
        }
        None => crate::tr!("tui.market.trend"),
    };
    (title, lines)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let [table_area, detail_area] = areas(area, app);
    let presentation = app.presentation;
    let columns = if presentation {
        vec![
            ("title", Constraint::Fill(1)),
            ("direction", Constraint::Length(9)),
            ("impact", Constraint::Length(7)),
        ]
    } else {
        vec![
            ("id", Constraint::Max(32)),
            ("title", Constraint::Fill(1)),
            ("type", Constraint::Length(11)),
            ("direction", Constraint::Length(9)),
            ("impact", Constraint::Length(7)),
        ]
    };
    record_table(frame, table_area, app, theme, columns, |app, i| {
        let t = &app.ws.model.trends[i];
        let mut cells = vec![];
        if !presentation {
            cells.push(Line::from(t.id.clone()));
        }
        cells.push(Line::from(t.title.clone()));
        if !presentation {
            cells.push(Line::from(crate::tui::panes::value_label(
                &t.kind.to_string(),
            )));
        }
        cells.push(Line::from(direction(&t.direction)));
        let style = if t.impact >= 4 {
            theme.header
        } else {
            theme.base
        };
        cells.push(Line::from(Span::styled(impact(t.impact), style)));
        cells
    });
    let groups = trends_by_type(&app.ws.model.trends);
    let summary: Vec<Span> = groups
        .iter()
        .flat_map(|g| {
            let arrows: String = [("↑", g.rising), ("→", g.stable), ("↓", g.falling)]
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(a, n)| format!(" {a}{n}"))
                .collect();
            [
                Span::styled(
                    format!(
                        "{} {}",
                        crate::tui::panes::value_label(&g.kind.to_string()),
                        g.trends.len()
                    ),
                    theme.key,
                ),
                Span::styled(format!("{arrows}  "), theme.dim),
            ]
        })
        .collect();
    let (title, lines) = detail_lines(app, theme);
    let [text_area, summary_area] = text_areas(detail_area, theme);
    frame.render_widget(ui::block(title, theme), detail_area);
    super::super::scrolled_text(
        frame,
        text_area,
        detail_area,
        lines,
        app.detail,
        app.keymap,
        theme,
    );
    frame.render_widget(Paragraph::new(Line::from(summary)), summary_area);
}
