//! Matrix view: scores per criterion, score, rank, P(rank 1), NPV and
//! quadrant, and the selected score explained criterion by criterion.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Wrap};

use super::{SORTS, View, npv, scenario_rows, selected_scenario, short_quadrant, stability};
use crate::analysis::{Analysis, Part};
use crate::numfmt;
use crate::tui::panes::window_table_with;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// The table and the "why this score" panel.
fn areas(area: Rect, app: &View) -> [Rect; 2] {
    let rows = scenario_rows(app);
    let detail_h = 8.min(area.height / 2).max(3);
    let table_h = (rows.len() as u16 + 3).min(area.height.saturating_sub(detail_h));
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area)
}

pub fn table_area(area: Rect, app: &View) -> Rect {
    areas(area, app)[0]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let rows = scenario_rows(app);
    let m = &app.ws.model;
    let [table_area, detail_area] = areas(area, app);
    let stab = stability(app);
    let n_crit = a.matrix.n_criteria();
    let sel_crit = app.criterion.min(n_crit.saturating_sub(1));
    // All criterion columns when they fit next to a readable name; else only
    // the selected one.
    let fixed = 1 + 3 + 6 + 5 + 7 + 6 + 2 + 1;
    let inner_w = table_area.width.saturating_sub(2) as usize;
    let all = inner_w >= fixed + 5 * n_crit + 14;
    let shown: Vec<usize> = if all {
        (0..n_crit).collect()
    } else {
        vec![sel_crit]
    };
    let col_w: u16 = if all { 4 } else { 6 };
    let heads: Vec<String> = shown
        .iter()
        .map(|&j| a.matrix.criteria[j].chars().take(col_w as usize).collect())
        .collect();
    let sel_style = theme.key.add_modifier(Modifier::REVERSED);
    let head = |t: &str| Cell::from(Span::styled(t.to_string(), theme.header));
    let mut header: Vec<Cell> = vec![head("#"), head("scenario")];
    header.extend(shown.iter().zip(&heads).map(|(&j, h)| {
        if j == sel_crit {
            Cell::from(Span::styled(h.clone(), sel_style))
        } else {
            head(h)
        }
    }));
    header.extend(["score", "P(1)", "NPV", "quad"].map(head));
    let mut widths = vec![Constraint::Length(2), Constraint::Fill(1)];
    widths.extend(shown.iter().map(|_| Constraint::Length(col_w)));
    widths.extend([
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(5),
    ]);
    let selected = app.scenarios.selected.min(rows.len().saturating_sub(1));
    let crit_name = m
        .criteria
        .get(sel_crit)
        .map(|c| c.id.as_str())
        .unwrap_or("—");
    let title = format!(
        "{} scenarios · {} · sort {} · ←→ {crit_name}",
        rows.len(),
        a.method,
        SORTS[app.scenarios.sort % SORTS.len()]
    );
    window_table_with(
        frame,
        table_area,
        title,
        header,
        widths,
        rows.len(),
        app.scenarios,
        theme,
        |pos| {
            let i = rows[pos];
            let s = &m.scenarios[i];
            let mut cells = vec![
                Cell::from(
                    a.ranking
                        .ranks
                        .get(i)
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                ),
                Cell::from(s.name.clone()),
            ];
            for &j in &shown {
                let cid = &a.matrix.criteria[j];
                let text = s
                    .scores
                    .get(cid)
                    .map(|x| numfmt::compact(*x))
                    .unwrap_or_else(|| "—".into());
                let cell = Cell::from(text);
                cells.push(if j == sel_crit && pos == selected {
                    cell.style(sel_style)
                } else {
                    cell
                });
            }
            cells.push(Cell::from(
                a.ranking
                    .scores
                    .get(i)
                    .map(|x| format!("{x:.1}"))
                    .unwrap_or_default(),
            ));
            cells.push(match stab {
                Some((st, fresh)) => Cell::from(Span::styled(
                    st.p_first
                        .get(i)
                        .map(|p| numfmt::percent_whole(*p))
                        .unwrap_or_default(),
                    if fresh { theme.base } else { theme.dim },
                )),
                None => Cell::from(Span::styled("…", theme.dim)),
            });
            cells.push(Cell::from(
                npv(a, i).map(numfmt::compact).unwrap_or_else(|| "—".into()),
            ));
            cells.push(Cell::from(
                a.positions
                    .as_ref()
                    .ok()
                    .and_then(|p| p.get(i))
                    .map(|p| short_quadrant(p.quadrant))
                    .unwrap_or("—"),
            ));
            cells
        },
    );
    let Ok(a) = &app.analysis else { return };
    match selected_scenario(app, &rows) {
        Some(i) => explain(frame, detail_area, app, a, i, theme),
        None => frame.render_widget(ui::block("Score", theme), detail_area),
    }
}

/// The selected score: summary, formula and each criterion's contribution.
fn explain(frame: &mut Frame, area: Rect, app: &View, a: &Analysis, i: usize, theme: &Theme) {
    let m = &app.ws.model;
    let Some(s) = m.scenarios.get(i) else { return };
    let score = a.ranking.scores.get(i).copied().unwrap_or(0.0);
    let rank = a.ranking.ranks.get(i).copied().unwrap_or(0);
    let mut head = vec![
        Span::styled(format!("score {score:.1}"), theme.header),
        Span::styled(
            format!(" · rank {rank}/{}", a.matrix.n_scenarios()),
            theme.base,
        ),
    ];
    if let Some((st, fresh)) = stability(app) {
        let style = if fresh { theme.base } else { theme.dim };
        if let (Some(p), Some(lo), Some(hi)) =
            (st.p_first.get(i), st.rank_p5.get(i), st.rank_p95.get(i))
        {
            head.push(Span::styled(
                format!(
                    " · P(rank 1) {} · ranks {lo}–{hi} (90%)",
                    numfmt::percent_whole(*p)
                ),
                style,
            ));
        }
    }
    if let Some(p) = a.positions.as_ref().ok().and_then(|p| p.get(i)) {
        head.push(Span::styled(
            format!(" · {}", p.quadrant.label()),
            theme.base,
        ));
    }
    let mut lines = vec![
        Line::from(head),
        Line::from(Span::styled(a.method.formula(), theme.dim)),
    ];
    let block = ui::block(format!("{} · why this score", s.name), theme);
    let inner = block.inner(area);
    let formula_h = (unicode_width::UnicodeWidthStr::width(a.method.formula()) as u16)
        .div_ceil(inner.width.max(1));
    let left = inner.height.saturating_sub(1 + formula_h).max(1) as usize;
    let parts = a.ranking.contributions.get(i).cloned().unwrap_or_default();
    let per_col = left.max(parts.len().div_ceil(3).max(1));
    let cols = parts.len().div_ceil(per_col).max(1);
    let cell_w = (inner.width as usize / cols).max(10);
    let max_signed = parts
        .iter()
        .map(|c| c.part.signed().abs())
        .fold(0.0, f64::max);
    for r in 0..per_col.min(parts.len()) {
        let mut spans = Vec::new();
        for c in 0..cols {
            let Some(ct) = parts.get(c * per_col + r) else {
                continue;
            };
            let id = a
                .matrix
                .criteria
                .get(ct.criterion)
                .map(String::as_str)
                .unwrap_or("?");
            let text = match ct.part {
                Part::Points(p) => format!(
                    "{:<9} {:>3.0}%×{:>3.0}={:>5.1} ",
                    ui::truncate(id, 9),
                    ct.weight * 100.0,
                    ct.normalised,
                    p
                ),
                Part::Distances { .. } => format!(
                    "{:<9} {:>3.0}% n{:>3.0} {:>+6.3} ",
                    ui::truncate(id, 9),
                    ct.weight * 100.0,
                    ct.normalised,
                    ct.part.signed() * 100.0
                ),
            };
            let bar_w =
                cell_w.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()) + 1);
            let filled = if max_signed > 0.0 {
                ((ct.part.signed().abs() / max_signed) * bar_w as f64).round() as usize
            } else {
                0
            };
            let style = if ct.criterion == app.criterion {
                theme.key
            } else {
                theme.base
            };
            spans.push(Span::styled(text, style));
            let glyph = if ct.part.signed() < 0.0 { "▒" } else { "█" };
            spans.push(Span::styled(glyph.repeat(filled), theme.dim));
            spans.push(Span::raw(" ".repeat(bar_w - filled + 1)));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}
