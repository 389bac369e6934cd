//! Scenarios pane: the candidate scenarios with their strategies, scores
//! on each criterion, linked needs and revenue model.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Cell;

use super::{compact, detail, matches, plain, window_table};
use crate::tui::app::App;
use crate::tui::theme::Theme;

pub fn rows(app: &App) -> Vec<usize> {
    let m = &app.ws.model;
    let mut rows: Vec<usize> = (0..m.scenarios.len())
        .filter(|&i| {
            let s = &m.scenarios[i];
            matches(
                &app.scenarios.filter,
                &[
                    &s.id,
                    &s.name,
                    &s.description,
                    &s.strategies.join(" "),
                    &s.status,
                ],
            )
        })
        .collect();
    if app.scenarios.sort % 2 == 1 {
        rows.sort_by(|&a, &b| m.scenarios[a].id.cmp(&m.scenarios[b].id));
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let detail_h = 7.min(area.height / 2);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(area);
    let rows = rows(app);
    let m = &app.ws.model;
    let criteria: Vec<&str> = m.criteria.iter().map(|c| c.id.as_str()).collect();
    let short: Vec<String> = criteria
        .iter()
        .map(|c| c.chars().take(4).collect())
        .collect();
    let mut header: Vec<&str> = vec!["id", "name", "model"];
    header.extend(short.iter().map(String::as_str));
    header.push("needs");
    let mut widths = vec![
        Constraint::Length(16),
        Constraint::Fill(1),
        Constraint::Length(8),
    ];
    widths.extend(criteria.iter().map(|_| Constraint::Length(4)));
    widths.push(Constraint::Length(5));
    let selected = app.scenarios.selected.min(rows.len().saturating_sub(1));
    let title = format!(
        "Scenarios {}/{} · scores per criterion",
        rows.len(),
        m.scenarios.len()
    );
    let page = window_table(
        frame,
        table_area,
        title,
        header,
        widths,
        rows.len(),
        selected,
        &app.scenarios.offset,
        theme,
        |pos| {
            let s = &m.scenarios[rows[pos]];
            let mut cells = vec![
                Cell::from(s.id.clone()),
                Cell::from(s.name.clone()),
                Cell::from(
                    s.revenue
                        .as_ref()
                        .map(|r| r.model.chars().take(8).collect::<String>())
                        .unwrap_or_else(|| "—".into()),
                ),
            ];
            cells.extend(criteria.iter().map(|c| {
                Cell::from(
                    s.scores
                        .get(*c)
                        .map(|x| compact(*x))
                        .unwrap_or_else(|| "—".into()),
                )
            }));
            cells.push(Cell::from(s.needs.len().to_string()));
            cells
        },
    );
    app.page = page;
    let Some(&i) = rows.get(selected) else {
        detail(frame, detail_area, "Scenario".into(), vec![], theme);
        return;
    };
    let s = &app.ws.model.scenarios[i];
    let mut lines = vec![
        ("name".to_string(), plain(s.name.clone(), theme.base)),
        (
            "strategies".into(),
            plain(s.strategies.join(", "), theme.base),
        ),
        ("needs".into(), plain(s.needs.join(", "), theme.base)),
    ];
    if let Some(r) = &s.revenue {
        let cost = r
            .unit_cost
            .map(|c| format!("unit cost {c}"))
            .or_else(|| {
                r.tokens_per_unit
                    .zip(r.price_per_1k_tokens)
                    .map(|(t, p)| format!("{t} tokens × {p}/1k"))
            })
            .unwrap_or_default();
        lines.push((
            "revenue".into(),
            plain(
                format!(
                    "{} · price {} · volume {} · growth {}%/mo · {cost} · fixed {}/mo · upfront {}",
                    r.model,
                    r.price,
                    compact(r.volume),
                    r.growth * 100.0,
                    compact(r.fixed_cost),
                    compact(r.upfront_cost)
                ),
                theme.base,
            ),
        ));
    }
    if !s.description.is_empty() {
        lines.push(("about".into(), plain(s.description.clone(), theme.base)));
    }
    detail(frame, detail_area, s.id.clone(), lines, theme);
}
