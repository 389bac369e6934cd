//! Risks pane (seed §4.3): the register sorted by score with the workspace's
//! level bands, a 5×5 likelihood × impact heat map, overdue reviews.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::{detail, matches, plain, window_table};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::model::{Model, Risk};

pub const SORTS: [&str; 5] = ["score", "residual", "review date", "category", "file order"];

/// Band level of a score: its position among the bands ordered by `min`
/// (names are free text, so colours go by position, not by name).
pub fn level(model: &Model, score: i64) -> (usize, String) {
    let mut bands = model.bands();
    bands.sort_by_key(|b| b.min);
    bands
        .iter()
        .enumerate()
        .find(|(_, b)| (b.min..=b.max).contains(&score))
        .map(|(i, b)| (i, b.name.clone()))
        .unwrap_or((0, "?".into()))
}

/// Glyphs so that a level reads without colour.
pub fn level_glyph(level: usize) -> &'static str {
    ["·", "▲", "▲▲", "‼"][level.min(3)]
}

pub fn overdue(app: &App, r: &Risk) -> bool {
    r.status != "closed" && r.review.is_some_and(|d| d < app.today)
}

pub fn rows(app: &App) -> Vec<usize> {
    let m = &app.ws.model;
    let f = &app.risks.filter;
    let mut rows: Vec<usize> = (0..m.risks.len())
        .filter(|&i| {
            let r = &m.risks[i];
            app.risk_category.is_none_or(|c| r.category == c)
                && app.risk_status.is_none_or(|s| r.status == s)
                && matches(
                    f,
                    &[
                        &r.id,
                        &r.title,
                        &r.owner,
                        &r.category,
                        &r.status,
                        &r.mitigation,
                        &r.tags.join(" "),
                    ],
                )
        })
        .collect();
    match SORTS[app.risks.sort % SORTS.len()] {
        "score" => rows.sort_by_key(|&i| (-m.risks[i].score(), -m.risks[i].residual_score())),
        "residual" => rows.sort_by_key(|&i| (-m.risks[i].residual_score(), -m.risks[i].score())),
        "review date" => rows.sort_by_key(|&i| {
            m.risks[i]
                .review
                .map(|d| d.days_since_epoch())
                .unwrap_or(i64::MAX)
        }),
        "category" => rows.sort_by(|&a, &b| m.risks[a].category.cmp(&m.risks[b].category)),
        _ => {}
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = rows(app);
    let lower_h = 9.min(area.height / 2);
    let [table_area, lower] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(lower_h)]).areas(area);
    let [heat_area, detail_area] =
        Layout::horizontal([Constraint::Length(28), Constraint::Min(10)]).areas(lower);
    let m = &app.ws.model;
    let overdue_n = m.risks.iter().filter(|r| overdue(app, r)).count();
    let mut title = format!(
        "Risks {}/{} · sort: {}",
        rows.len(),
        m.risks.len(),
        SORTS[app.risks.sort % SORTS.len()]
    );
    if let Some(c) = app.risk_category {
        title.push_str(&format!(" · category {c}"));
    }
    if let Some(s) = app.risk_status {
        title.push_str(&format!(" · status {s}"));
    }
    if !app.risks.filter.is_empty() {
        title.push_str(&format!(" · filter “{}”", app.risks.filter));
    }
    if overdue_n > 0 {
        title.push_str(&format!(" · ⏰ {overdue_n} overdue"));
    }
    let full = table_area.width >= 100 && !app.presentation;
    let (header, widths) = if app.presentation {
        (
            vec!["id", "title", "level", "review"],
            vec![
                Constraint::Length(9),
                Constraint::Fill(1),
                Constraint::Length(12),
                Constraint::Length(12),
            ],
        )
    } else if full {
        (
            vec![
                "id", "title", "category", "L×I", "level", "resid.", "status", "review", "owner",
            ],
            vec![
                Constraint::Length(9),
                Constraint::Fill(3),
                Constraint::Length(11),
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Length(6),
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Fill(1),
            ],
        )
    } else {
        (
            vec!["id", "title", "L×I", "level", "res", "review"],
            vec![
                Constraint::Length(9),
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(11),
                Constraint::Length(3),
                Constraint::Length(12),
            ],
        )
    };
    let selected = app.risks.selected.min(rows.len().saturating_sub(1));
    let page = window_table(
        frame,
        table_area,
        title,
        header,
        widths,
        rows.len(),
        selected,
        &app.risks.offset,
        theme,
        |pos| {
            let r = &m.risks[rows[pos]];
            let (lv, name) = level(m, r.score());
            let level_cell = Cell::from(Span::styled(
                format!("{} {name}", level_glyph(lv)),
                theme.band(lv),
            ));
            let review = match r.review {
                Some(d) if overdue(app, r) => {
                    Cell::from(Span::styled(format!("⏰{d}"), theme.error))
                }
                Some(d) => Cell::from(d.to_string()),
                None => Cell::from("—"),
            };
            if app.presentation {
                return vec![
                    Cell::from(r.id.clone()),
                    Cell::from(r.title.clone()),
                    level_cell,
                    review,
                ];
            }
            let mut cells = vec![Cell::from(r.id.clone()), Cell::from(r.title.clone())];
            if full {
                cells.push(Cell::from(r.category.to_string()));
            }
            cells.push(Cell::from(format!(
                "{}×{}={:<2}",
                r.likelihood,
                r.impact,
                r.score()
            )));
            cells.push(level_cell);
            cells.push(Cell::from(r.residual_score().to_string()));
            if full {
                cells.push(Cell::from(r.status.to_string()));
            }
            cells.push(review);
            if full {
                cells.push(Cell::from(r.owner.clone()));
            }
            cells
        },
    );
    app.page = page;
    let current = rows.get(selected).map(|&i| &app.ws.model.risks[i]);
    heat_map(frame, heat_area, app, current, &rows, theme);
    let Some(r) = current else {
        detail(frame, detail_area, "Risk".into(), vec![], theme);
        return;
    };
    let names: Vec<String> = r
        .scenarios
        .iter()
        .map(|id| {
            app.ws
                .model
                .scenario(id)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| format!("{id} (missing)"))
        })
        .collect();
    let (lv, name) = level(&app.ws.model, r.score());
    let (rlv, rname) = level(&app.ws.model, r.residual_score());
    let residual = match &r.residual {
        Some(x) => format!(
            "{}×{} = {} {} {rname}",
            x.likelihood,
            x.impact,
            r.residual_score(),
            level_glyph(rlv)
        ),
        None => "not assessed".into(),
    };
    let review = match r.review {
        Some(d) if overdue(app, r) => Line::from(Span::styled(
            format!("⏰ {d} — overdue by {} days", d.days_until(app.today)),
            theme.error,
        )),
        Some(d) => plain(
            format!("{d} (in {} days)", app.today.days_until(d)),
            theme.base,
        ),
        None => plain("—", theme.dim),
    };
    let lines = vec![
        ("title".to_string(), plain(r.title.clone(), theme.base)),
        (
            "inherent".into(),
            Line::from(vec![
                Span::styled(
                    format!("{}×{} = {} ", r.likelihood, r.impact, r.score()),
                    theme.base,
                ),
                Span::styled(format!("{} {name}", level_glyph(lv)), theme.band(lv)),
            ]),
        ),
        ("residual".into(), plain(residual, theme.base)),
        (
            "status".into(),
            plain(
                format!("{} · {} · owner {}", r.status, r.category, r.owner),
                theme.base,
            ),
        ),
        ("review".into(), review),
        ("mitigation".into(), plain(r.mitigation.clone(), theme.base)),
        (
            "scenarios".into(),
            plain(
                if names.is_empty() {
                    "—".into()
                } else {
                    names.join(", ")
                },
                theme.base,
            ),
        ),
    ];
    detail(frame, detail_area, r.id.clone(), lines, theme);
}

/// 5×5 grid: impact up, likelihood right; counts of the filtered risks.
fn heat_map(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    current: Option<&Risk>,
    rows: &[usize],
    theme: &Theme,
) {
    let m = &app.ws.model;
    let mut counts = [[0usize; 5]; 5];
    let pick = |r: &Risk| -> (i64, i64) {
        match (&r.residual, app.heat_residual) {
            (Some(x), true) => (x.likelihood, x.impact),
            _ => (r.likelihood, r.impact),
        }
    };
    for &i in rows {
        let (l, im) = pick(&m.risks[i]);
        counts[(im - 1).clamp(0, 4) as usize][(l - 1).clamp(0, 4) as usize] += 1;
    }
    let mark = current.map(pick);
    let title = if app.heat_residual {
        "Heat map · residual"
    } else {
        "Heat map · inherent"
    };
    let block = ui::block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = Vec::new();
    for im in (1..=5).rev() {
        let mut spans = vec![Span::styled(format!("I{im} "), theme.dim)];
        for l in 1..=5 {
            let n = counts[(im - 1) as usize][(l - 1) as usize];
            let (lv, _) = level(m, l * im);
            let selected = mark == Some((l, im));
            let text = match (n, selected) {
                (0, true) => "[·]".to_string(),
                (0, false) => " · ".to_string(),
                (n, true) => format!("[{n}]"),
                (n, false) => format!(" {n} "),
            };
            let mut style: Style = theme.band(lv);
            if n > 0 {
                style = style.add_modifier(Modifier::BOLD);
            }
            if selected {
                style = style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::styled(text, style));
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::from(Span::styled("   L1  L2  L3  L4  L5", theme.dim)));
    frame.render_widget(Paragraph::new(lines), inner);
}
