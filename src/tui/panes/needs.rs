//! Needs pane (seed §2.1): business needs, development goals and resource
//! constraints, with KPIs and how many scenarios address each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Cell;

use super::{detail, matches, plain, window_table};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::ui::truncate;
use crate::workspace::model::Need;

pub const SORTS: [&str; 6] = ["file order", "priority", "kind", "status", "coverage", "id"];

fn priority_rank(p: &str) -> usize {
    ["must", "should", "could", "wont"]
        .iter()
        .position(|x| *x == p)
        .unwrap_or(4)
}

pub fn priority_label(p: &str) -> &'static str {
    match p {
        "must" => "Must",
        "should" => "Should",
        "could" => "Could",
        "wont" => "Won't",
        _ => "?",
    }
}

pub fn kind_label(k: &str) -> &'static str {
    match k {
        "business" => "need",
        "goal" => "goal",
        "constraint" => "constr.",
        _ => "?",
    }
}

/// Needs that no scenario addresses (constraints are respected, not
/// addressed, so they are never flagged).
pub fn uncovered(app: &App, n: &Need) -> bool {
    n.kind != "constraint"
        && n.status != "dropped"
        && app.coverage().get(&n.id).copied().unwrap_or(0) == 0
}

pub fn kpi_text(n: &Need) -> String {
    let Some(k) = &n.kpi else {
        return String::new();
    };
    let num = |x: Option<f64>| x.map(super::compact).unwrap_or_else(|| "?".into());
    let mut s = format!("{}→{}", num(k.baseline), num(k.target));
    if !k.unit.is_empty() {
        s.push(' ');
        s.push_str(&k.unit);
    }
    s
}

pub fn rows(app: &App) -> Vec<usize> {
    let m = &app.ws.model;
    let f = &app.needs.filter;
    let mut rows: Vec<usize> = (0..m.needs.len())
        .filter(|&i| {
            let n = &m.needs[i];
            matches(
                f,
                &[
                    &n.id,
                    &n.title,
                    &n.owner,
                    &n.kind,
                    &n.priority,
                    &n.status,
                    &n.description,
                ],
            )
        })
        .collect();
    match SORTS[app.needs.sort % SORTS.len()] {
        "priority" => rows.sort_by_key(|&i| priority_rank(&m.needs[i].priority)),
        "kind" => rows.sort_by(|&a, &b| m.needs[a].kind.cmp(&m.needs[b].kind)),
        "status" => rows.sort_by(|&a, &b| m.needs[a].status.cmp(&m.needs[b].status)),
        "coverage" => {
            let cov = app.coverage();
            rows.sort_by_key(|&i| cov.get(&m.needs[i].id).copied().unwrap_or(0))
        }
        "id" => rows.sort_by(|&a, &b| m.needs[a].id.cmp(&m.needs[b].id)),
        _ => {}
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = rows(app);
    let wide = area.width >= 120;
    let (table_area, detail_area) = if wide {
        let [a, b] = Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)])
            .areas(area);
        (a, b)
    } else {
        let detail_h = if app.presentation { 6 } else { 8 }.min(area.height / 2);
        let [a, b] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(detail_h)]).areas(area);
        (a, b)
    };
    let coverage = app.coverage();
    let m = &app.ws.model;
    let uncovered_count = m.needs.iter().filter(|n| uncovered(app, n)).count();
    let mut title = format!("Needs {}/{}", rows.len(), m.needs.len());
    if !app.needs.filter.is_empty() {
        title.push_str(&format!(" · filter “{}”", app.needs.filter));
    }
    title.push_str(&format!(" · sort: {}", SORTS[app.needs.sort % SORTS.len()]));
    if uncovered_count > 0 {
        title.push_str(&format!(" · ⚠ {uncovered_count} unaddressed"));
    }
    let full = table_area.width >= 100 && !app.presentation;
    let (header, widths) = if app.presentation {
        (
            vec!["id", "title", "priority", "scn"],
            vec![
                Constraint::Length(9),
                Constraint::Fill(1),
                Constraint::Length(8),
                Constraint::Length(4),
            ],
        )
    } else if full {
        (
            vec![
                "id", "title", "kind", "priority", "horizon", "KPI", "owner", "status", "scn",
            ],
            vec![
                Constraint::Length(9),
                Constraint::Fill(3),
                Constraint::Length(7),
                Constraint::Length(8),
                Constraint::Length(7),
                Constraint::Length(14),
                Constraint::Fill(1),
                Constraint::Length(11),
                Constraint::Length(4),
            ],
        )
    } else {
        (
            vec!["id", "title", "kind", "prio", "KPI", "scn"],
            vec![
                Constraint::Length(9),
                Constraint::Fill(1),
                Constraint::Length(7),
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(4),
            ],
        )
    };
    let selected = app.needs.selected.min(rows.len().saturating_sub(1));
    let page = window_table(
        frame,
        table_area,
        title,
        header,
        widths,
        rows.len(),
        selected,
        &app.needs.offset,
        theme,
        |pos| {
            let n = &m.needs[rows[pos]];
            let cov = coverage.get(&n.id).copied().unwrap_or(0);
            let cov_cell = if uncovered(app, n) {
                Cell::from(Span::styled(format!("⚠{cov}"), theme.warn))
            } else {
                Cell::from(format!(" {cov}"))
            };
            let prio_style = if n.priority == "must" {
                theme.header
            } else {
                theme.base
            };
            let mut cells = vec![
                Cell::from(n.id.clone()),
                Cell::from(n.title.clone()),
                Cell::from(kind_label(&n.kind)),
                Cell::from(Span::styled(priority_label(&n.priority), prio_style)),
            ];
            if full {
                cells.push(Cell::from(n.horizon.to_string()));
            }
            cells.push(Cell::from(kpi_text(n)));
            if full {
                cells.push(Cell::from(n.owner.clone()));
                cells.push(Cell::from(n.status.to_string()));
            }
            cells.push(cov_cell);
            cells
        },
    );
    app.page = page;
    let Some(&i) = rows.get(selected) else {
        detail(frame, detail_area, "Need".into(), vec![], theme);
        return;
    };
    let n = &app.ws.model.needs[i];
    let scenarios: Vec<String> = app
        .ws
        .model
        .scenarios
        .iter()
        .filter(|s| s.needs.contains(&n.id))
        .map(|s| s.name.clone())
        .collect();
    let mut lines = vec![
        ("title".to_string(), plain(n.title.clone(), theme.base)),
        (
            "kind".into(),
            plain(
                format!(
                    "{} · {} · {} term · {} · owner {}",
                    n.kind,
                    priority_label(&n.priority),
                    n.horizon,
                    n.status,
                    if n.owner.is_empty() { "—" } else { &n.owner }
                ),
                theme.base,
            ),
        ),
    ];
    if let Some(k) = &n.kpi {
        let due = k.due.map(|d| format!(" by {d}")).unwrap_or_default();
        lines.push((
            "KPI".into(),
            plain(format!("{}: {}{due}", k.metric, kpi_text(n)), theme.base),
        ));
    }
    let addressed = if scenarios.is_empty() {
        if n.kind == "constraint" {
            plain("— (a constraint: scenarios must respect it)", theme.dim)
        } else {
            plain("⚠ no scenario addresses this need", theme.warn)
        }
    } else {
        Line::from(Span::styled(
            truncate(&scenarios.join(", "), 200),
            theme.base,
        ))
    };
    lines.push(("addressed by".into(), addressed));
    if !n.description.is_empty() {
        lines.push(("notes".into(), plain(n.description.clone(), theme.base)));
    }
    detail(frame, detail_area, n.id.clone(), lines, theme);
}
