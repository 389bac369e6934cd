//! Scenarios pane: the scoring matrix and everything that explains it, in
//! views that `v` cycles — matrix (scores, rank, P(rank 1), NPV, quadrant
//! and the selected score's contributions), charts (value × feasibility
//! scatter, P(rank 1) bars), revenue (cash-flow chart and figures), weights
//! (direct and AHP, tornado, smallest flip) and the AHP pairwise editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Bar, BarChart, Cell, Chart, Dataset, Gauge, GraphType, Paragraph, Wrap,
};

use super::{compact, matches, window_table, window_table_with};
use crate::analysis::{Analysis, Irr, Part, Quadrant, Stability, ahp};
use crate::tui::app::{App, ScenarioView, saaty};
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::Model;

/// Sort orders of the scenario list (`s` cycles them).
pub const SORTS: [&str; 5] = ["rank", "file order", "P(rank 1)", "NPV", "name"];

/// The criterion pair shown on row `p` of the AHP view (i < j, row-major).
pub fn pair(n: usize, p: usize) -> Option<(usize, usize)> {
    (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).nth(p)
}

fn pair_count(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// The comparison record for criteria `a` and `b` (the last one, as AHP
/// reads them) and its ratio expressed as "a over b".
pub fn comparison(m: &Model, a: &str, b: &str) -> Option<(usize, f64)> {
    m.comparisons.iter().enumerate().rev().find_map(|(k, c)| {
        if c.a == a && c.b == b {
            Some((k, c.ratio))
        } else if c.a == b && c.b == a && c.ratio != 0.0 {
            Some((k, 1.0 / c.ratio))
        } else {
            None
        }
    })
}

/// The P(rank 1) of each scenario when known, and whether it is for the
/// current inputs.
fn stability(app: &App) -> Option<(&Stability, bool)> {
    let a = app.analysis.as_ref().ok()?;
    app.stability.latest(&a.matrix.scenarios)
}

fn npv(a: &Analysis, i: usize) -> Option<f64> {
    match a.revenue.get(i) {
        Some(Some(Ok(p))) => Some(p.npv),
        _ => None,
    }
}

pub fn rows(app: &App) -> Vec<usize> {
    let m = &app.ws.model;
    match app.scenario_view {
        ScenarioView::Weights => (0..m.criteria.len())
            .filter(|&j| {
                let c = &m.criteria[j];
                matches(&app.weights.filter, &[&c.id, &c.name])
            })
            .collect(),
        ScenarioView::Ahp => {
            let n = m.criteria.len();
            (0..pair_count(n))
                .filter(|&p| {
                    pair(n, p).is_some_and(|(i, j)| {
                        matches(&app.pairs.filter, &[&m.criteria[i].id, &m.criteria[j].id])
                    })
                })
                .collect()
        }
        _ => scenario_rows(app),
    }
}

/// Scenario indices in the order the scenario views list them.
pub fn scenario_rows(app: &App) -> Vec<usize> {
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
    let Ok(a) = &app.analysis else {
        return rows;
    };
    // Analysis rows are in workspace order, like the records.
    let known = |i: usize| i < a.matrix.n_scenarios();
    match SORTS[app.scenarios.sort % SORTS.len()] {
        "rank" => rows.sort_by_key(|&i| (!known(i), a.ranking.ranks.get(i).copied(), i)),
        "P(rank 1)" => {
            if let Some((s, _)) = stability(app) {
                rows.sort_by(|&x, &y| {
                    let p = |i: usize| s.p_first.get(i).copied().unwrap_or(-1.0);
                    p(y).total_cmp(&p(x)).then(x.cmp(&y))
                });
            }
        }
        "NPV" => rows.sort_by(|&x, &y| {
            let v = |i| npv(a, i).unwrap_or(f64::NEG_INFINITY);
            v(y).total_cmp(&v(x)).then(x.cmp(&y))
        }),
        "name" => rows.sort_by(|&x, &y| m.scenarios[x].name.cmp(&m.scenarios[y].name)),
        _ => {}
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    draw_view_tabs(frame, tabs, app, theme);
    if let Err(e) = &app.analysis
        && !matches!(app.scenario_view, ScenarioView::Weights | ScenarioView::Ahp)
    {
        let text = vec![
            Line::from(Span::styled(format!("✗ cannot score: {e}"), theme.error)),
            Line::default(),
            Line::from(Span::styled(
                "Fix it in the weights or AHP view (v) or in the files; the pane updates on every change.",
                theme.dim,
            )),
        ];
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(ui::block("Scenarios", theme)),
            body,
        );
        return;
    }
    match app.scenario_view {
        ScenarioView::Matrix => draw_matrix(frame, body, app, theme),
        ScenarioView::Charts => draw_charts(frame, body, app, theme),
        ScenarioView::Revenue => draw_revenue(frame, body, app, theme),
        ScenarioView::Weights => draw_weights(frame, body, app, theme),
        ScenarioView::Ahp => draw_ahp(frame, body, app, theme),
    }
}

/// The line of views, with the stability run's state on the right.
fn draw_view_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    for v in ScenarioView::ALL {
        let active = v == app.scenario_view;
        spans.push(Span::styled(
            format!(" {} ", v.title()),
            if active { theme.tab_active } else { theme.dim },
        ));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let status = stability_status(app);
    let room = (area.width as usize).saturating_sub(used + 1);
    if room > 6 {
        let text = ui::truncate(&status.0, room);
        let pad = room.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(text, status.1(theme)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

type StyleOf = fn(&Theme) -> Style;

/// A few words on the ranking-stability run, and their style.
fn stability_status(app: &App) -> (String, StyleOf) {
    if let Some(p) = app.stability.running {
        return (
            format!("⟳ sampling weights {:.0}%", p.fraction() * 100.0),
            |t| t.warn,
        );
    }
    if let Some(e) = app.stability.error() {
        return (format!("✗ stability: {e}"), |t| t.error);
    }
    match stability(app) {
        Some((s, true)) => (format!("✓ {} samples", grouped(s.options.samples)), |t| {
            t.ok
        }),
        _ => ("stability —".into(), |t| t.dim),
    }
}

/// 10000 → "10,000".
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(p: f64) -> String {
    if p > 0.0 && p < 0.005 {
        "<1%".into()
    } else {
        format!("{:.0}%", p * 100.0)
    }
}

fn short_quadrant(q: Quadrant) -> &'static str {
    match q {
        Quadrant::QuickWin => "quick",
        Quadrant::StrategicBet => "bet",
        Quadrant::FillIn => "fill",
        Quadrant::Avoid => "avoid",
    }
}

fn selected_scenario(app: &App, rows: &[usize]) -> Option<usize> {
    rows.get(app.scenarios.selected.min(rows.len().saturating_sub(1)))
        .copied()
}

fn draw_matrix(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let rows = scenario_rows(app);
    let m = &app.ws.model;
    let detail_h = 8.min(area.height / 2).max(3);
    let table_h = (rows.len() as u16 + 3).min(area.height.saturating_sub(detail_h));
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area);
    let stab = stability(app);
    let n_crit = a.matrix.n_criteria();
    let sel_crit = app.criterion.min(n_crit.saturating_sub(1));
    // All criterion columns when they fit next to a readable name; else only
    // the selected one.
    let fixed = 1 + 3 + 6 + 5 + 7 + 6 + 2;
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
        Constraint::Length(4),
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
    let page = window_table_with(
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
                    .map(|x| compact(*x))
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
                    st.p_first.get(i).map(|p| percent(*p)).unwrap_or_default(),
                    if fresh { theme.base } else { theme.dim },
                )),
                None => Cell::from(Span::styled("…", theme.dim)),
            });
            cells.push(Cell::from(
                npv(a, i).map(compact).unwrap_or_else(|| "—".into()),
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
    app.page = page;
    let Ok(a) = &app.analysis else { return };
    match selected_scenario(app, &rows) {
        Some(i) => explain(frame, detail_area, app, a, i, theme),
        None => frame.render_widget(ui::block("Score", theme), detail_area),
    }
}

/// The selected score: summary, formula and each criterion's contribution.
fn explain(frame: &mut Frame, area: Rect, app: &App, a: &Analysis, i: usize, theme: &Theme) {
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
                format!(" · P(rank 1) {} · ranks {lo}–{hi} (90%)", percent(*p)),
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

fn draw_charts(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = scenario_rows(app);
    let sel = selected_scenario(app, &rows);
    let wide = area.width >= 70;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    };
    draw_scatter(frame, left, app, sel, theme);
    draw_p_first(frame, right, app, sel, theme);
}

fn draw_scatter(frame: &mut Frame, area: Rect, app: &App, sel: Option<usize>, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let positions = match &a.positions {
        Ok(p) => p,
        Err(e) => {
            frame.render_widget(
                Paragraph::new(Span::styled(format!("no quadrant chart: {e}"), theme.warn))
                    .wrap(Wrap { trim: true })
                    .block(ui::block("Value × feasibility", theme)),
                area,
            );
            return;
        }
    };
    let s = &app.ws.model.settings.scoring;
    let (vt, ft) = (s.quadrant_value, s.quadrant_feasibility);
    let others: Vec<(f64, f64)> = positions
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != sel)
        .map(|(_, p)| (p.feasibility, p.value))
        .collect();
    let chosen: Vec<(f64, f64)> = sel
        .and_then(|i| positions.get(i))
        .map(|p| vec![(p.feasibility, p.value)])
        .unwrap_or_default();
    let v_line = [(ft, 0.0), (ft, 100.0)];
    let h_line = [(0.0, vt), (100.0, vt)];
    let datasets = vec![
        Dataset::default()
            .data(&v_line)
            .graph_type(GraphType::Line)
            .marker(Marker::Braille)
            .style(theme.border),
        Dataset::default()
            .data(&h_line)
            .graph_type(GraphType::Line)
            .marker(Marker::Braille)
            .style(theme.border),
        Dataset::default()
            .data(&others)
            .graph_type(GraphType::Scatter)
            .marker(Marker::Dot)
            .style(theme.base),
        Dataset::default()
            .data(&chosen)
            .graph_type(GraphType::Scatter)
            .marker(Marker::Block)
            .style(theme.key),
    ];
    let bottom = match sel.and_then(|i| positions.get(i).map(|p| (i, p))) {
        Some((i, p)) => format!(
            " █ {}: {} (v {:.0}, f {:.0}) ",
            p.quadrant.label(),
            a.matrix.names.get(i).map(String::as_str).unwrap_or("?"),
            p.value,
            p.feasibility,
        ),
        None => String::new(),
    };
    let block = ui::block("value ↑ × feasibility →", theme).title_bottom(Span::styled(
        ui::truncate(&bottom, area.width.saturating_sub(2) as usize),
        theme.key,
    ));
    let inner = block.inner(area);
    let labels = || vec![Span::raw("0"), Span::raw("50"), Span::raw("100")];
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(labels())
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .labels(labels())
                .style(theme.dim),
        );
    frame.render_widget(chart, area);
    // Quadrant names in the corners of the plot, only on empty cells so they
    // never hide a point.
    let gx = inner.x + 4;
    let gw = inner.width.saturating_sub(4);
    let gh = inner.height.saturating_sub(2);
    if gw < 12 || gh < 3 {
        return;
    }
    let corners = [
        (Quadrant::StrategicBet, false, false),
        (Quadrant::QuickWin, true, false),
        (Quadrant::Avoid, false, true),
        (Quadrant::FillIn, true, true),
    ];
    let buf = frame.buffer_mut();
    for (q, right, low) in corners {
        let label = q.label();
        let w = label.chars().count() as u16;
        if w + 1 > gw / 2 {
            continue;
        }
        let x0 = if right { gx + gw - w } else { gx + 1 };
        let y = if low { inner.y + gh - 1 } else { inner.y };
        for (k, ch) in label.chars().enumerate() {
            let x = x0 + k as u16;
            if let Some(cell) = buf.cell_mut((x, y))
                && cell.symbol() == " "
            {
                cell.set_char(ch).set_style(theme.dim);
            }
        }
    }
}

fn draw_p_first(frame: &mut Frame, area: Rect, app: &App, sel: Option<usize>, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let title = match (stability(app), app.stability.running) {
        (Some((st, true)), _) => format!("P(rank 1) · {} samples", grouped(st.options.samples)),
        (_, Some(p)) => format!("P(rank 1) · updating {:.0}%", p.fraction() * 100.0),
        _ => "P(rank 1)".into(),
    };
    let block = ui::block(title, theme);
    let inner = block.inner(area);
    let Some((st, fresh)) = stability(app) else {
        frame.render_widget(block, area);
        let msg = match (app.stability.running, app.stability.error()) {
            (_, Some(e)) => format!("stability failed: {e}"),
            (Some(_), _) => "sampling weights…".into(),
            _ => "no stability result".into(),
        };
        let [g, t] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        if let Some(p) = app.stability.running {
            frame.render_widget(
                Gauge::default()
                    .ratio(p.fraction().clamp(0.0, 1.0))
                    .gauge_style(theme.key),
                g,
            );
        }
        frame.render_widget(
            Paragraph::new(Span::styled(msg, theme.dim)).wrap(Wrap { trim: true }),
            t,
        );
        return;
    };
    // Scenarios by P(rank 1), as many as fit; the selected one always shown.
    let mut order: Vec<usize> = (0..a.matrix.n_scenarios()).collect();
    order.sort_by(|&x, &y| {
        let p = |i: usize| st.p_first.get(i).copied().unwrap_or(0.0);
        p(y).total_cmp(&p(x)).then(x.cmp(&y))
    });
    let fit = inner.height as usize;
    order.truncate(fit.max(1));
    if let Some(s) = sel
        && !order.contains(&s)
        && let Some(last) = order.last_mut()
    {
        *last = s;
    }
    let label_w = (inner.width as usize / 3).clamp(6, 18);
    let style = if fresh { theme.base } else { theme.dim };
    let bars: Vec<Bar> = order
        .iter()
        .map(|&i| {
            let p = st.p_first.get(i).copied().unwrap_or(0.0);
            let name = a.matrix.names.get(i).map(String::as_str).unwrap_or("?");
            let chosen = Some(i) == sel;
            Bar::default()
                .value((p * 1000.0).round() as u64)
                .label(Line::from(Span::styled(
                    ui::truncate(name, label_w),
                    if chosen { theme.key } else { theme.base },
                )))
                .text_value(percent(p))
                .style(if chosen { theme.key } else { style })
                .value_style(if chosen {
                    theme.key.add_modifier(Modifier::REVERSED)
                } else {
                    style.add_modifier(Modifier::REVERSED)
                })
        })
        .collect();
    frame.render_widget(
        BarChart::horizontal(bars)
            .block(block)
            .bar_width(1)
            .bar_gap(0)
            .max(1000),
        area,
    );
}

/// Prices and unit costs: small numbers keep their digits (0.0002).
fn small(x: f64) -> String {
    if x != 0.0 && x.abs() < 1.0 {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        compact(x)
    }
}

fn money(x: f64, currency: &str) -> String {
    format!("{} {currency}", compact(x))
}

fn draw_revenue(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = scenario_rows(app);
    let Some(i) = selected_scenario(app, &rows) else {
        frame.render_widget(ui::block("Revenue", theme), area);
        return;
    };
    let Ok(a) = &app.analysis else { return };
    let m = &app.ws.model;
    let cur = m.settings.currency.as_str();
    let wide = area.width >= 70;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Length(40), Constraint::Min(20)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(9), Constraint::Min(5)]).areas(area)
    };
    let name = a.matrix.names.get(i).cloned().unwrap_or_default();
    let rank = a.ranking.ranks.get(i).copied().unwrap_or(0);
    let row = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:>17} "), theme.dim),
            Span::styled(value, theme.base),
        ])
    };
    let mut lines = Vec::new();
    let projection = match a.revenue.get(i) {
        Some(Some(Ok(p))) => Some(p),
        Some(Some(Err(e))) => {
            lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error)));
            None
        }
        _ => {
            lines.push(Line::from(Span::styled(
                "no revenue model: add [scenario.revenue] in scenarios.toml",
                theme.dim,
            )));
            None
        }
    };
    if let Some(p) = projection {
        lines.push(row(
            "model",
            format!("{} · {} months", p.model.as_str(), p.months),
        ));
        lines.push(row(
            &format!("NPV @{:.0}%/yr", p.discount_rate * 100.0),
            money(p.npv, cur),
        ));
        lines.push(row(
            "IRR",
            match p.irr {
                Irr::Rate { per_period, unique } => format!(
                    "{:.1}%/mo · {}/yr{}",
                    per_period * 100.0,
                    p.irr_annual
                        .map(|r| format!("{:.0}%", r * 100.0))
                        .unwrap_or_else(|| "—".into()),
                    if unique { "" } else { " (not unique)" }
                ),
                other => other.explain().trim_start_matches("no IRR: ").to_string(),
            },
        ));
        let month = |m: Option<usize>| {
            m.map(|m| format!("month {m}"))
                .unwrap_or_else(|| "not within the horizon".into())
        };
        lines.push(row("payback", month(p.payback_month)));
        lines.push(row("disc. payback", month(p.discounted_payback_month)));
        lines.push(row(
            "break-even",
            match p.break_even_volume {
                Some(v) => format!(
                    "{}/mo (now {})",
                    compact(v),
                    compact(p.volume.get(1).copied().unwrap_or(0.0))
                ),
                None => "never (unit cost ≥ price)".into(),
            },
        ));
        lines.push(row(
            "gross margin",
            p.gross_margin
                .map(|g| format!("{:.0}%", g * 100.0))
                .unwrap_or_else(|| "—".into()),
        ));
        lines.push(row(
            "revenue · cost",
            format!("{} · {}", compact(p.total_revenue), compact(p.total_cost)),
        ));
        lines.push(row(
            "price · unit cost",
            format!("{} · {}", small(p.unit_price), small(p.unit_cost)),
        ));
    }
    // The money of the top scenarios side by side.
    if wide {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(
                "{:>3} {:<15} {:>6} {:>7}",
                "#", "top by rank", "NPV", "payback"
            ),
            theme.header,
        )));
        for &k in a.ranking.order.iter().take(3) {
            let (npv, pb) = match a.revenue.get(k) {
                Some(Some(Ok(p))) => (
                    compact(p.npv),
                    p.payback_month
                        .map(|m| format!("m{m}"))
                        .unwrap_or_else(|| "—".into()),
                ),
                _ => ("—".into(), "—".into()),
            };
            let style = if k == i { theme.key } else { theme.base };
            lines.push(Line::from(Span::styled(
                format!(
                    "{:>3} {:<15} {:>6} {:>7}",
                    a.ranking.ranks.get(k).copied().unwrap_or(0),
                    ui::truncate(a.matrix.names.get(k).map(String::as_str).unwrap_or("?"), 15),
                    npv,
                    pb
                ),
                style,
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(ui::block(format!("#{rank} {name} · money"), theme)),
        left,
    );
    let Some(p) = projection else {
        frame.render_widget(ui::block("Cumulative cash", theme), right);
        return;
    };
    let cum: Vec<(f64, f64)> = p
        .cumulative
        .iter()
        .enumerate()
        .map(|(m, c)| (m as f64, *c))
        .collect();
    let lo = p.cumulative.iter().copied().fold(0.0, f64::min);
    let hi = p.cumulative.iter().copied().fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.05).max(1.0);
    let (lo, hi) = (lo - pad, hi + pad);
    let months = p.months.max(1) as f64;
    let zero = [(0.0, 0.0), (months, 0.0)];
    let payback: Vec<(f64, f64)> = p
        .payback_month
        .and_then(|m| p.cumulative.get(m).map(|c| (m as f64, *c)))
        .into_iter()
        .collect();
    let datasets = vec![
        Dataset::default()
            .data(&zero)
            .graph_type(GraphType::Line)
            .marker(Marker::Braille)
            .style(theme.border),
        Dataset::default()
            .data(&cum)
            .graph_type(GraphType::Line)
            .marker(Marker::Braille)
            .style(theme.key),
        Dataset::default()
            .data(&payback)
            .graph_type(GraphType::Scatter)
            .marker(Marker::Block)
            .style(theme.ok),
    ];
    let bottom = match p.payback_month {
        Some(m) => format!(" █ payback month {m} "),
        None => " no payback within the horizon ".into(),
    };
    let chart = Chart::new(datasets)
        .block(
            ui::block(format!("Cumulative cash ({cur}) by month"), theme)
                .title_bottom(Span::styled(bottom, theme.ok)),
        )
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, months])
                .labels(vec![
                    Span::raw("0"),
                    Span::raw(format!("{}", p.months / 2)),
                    Span::raw(format!("{}", p.months)),
                ])
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .labels(vec![
                    Span::raw(compact(lo)),
                    Span::raw(compact((lo + hi) / 2.0)),
                    Span::raw(compact(hi)),
                ])
                .style(theme.dim),
        );
    frame.render_widget(chart, right);
}

fn draw_weights(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = rows(app);
    let m = &app.ws.model;
    let a = app.analysis.as_ref().ok();
    let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
    let ahp_w = ahp(&ids, &m.comparisons).ok().map(|r| r.weights);
    let direct_total: f64 = m.criteria.iter().map(|c| c.weight.max(0.0)).sum();
    let detail_h = 8.min(area.height / 2).max(3);
    let table_h = (rows.len() as u16 + 3).min(area.height.saturating_sub(detail_h));
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Length(table_h), Constraint::Min(0)]).areas(area);
    let selected = app.weights.selected.min(rows.len().saturating_sub(1));
    let source = m.settings.scoring.weights.as_str();
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let page = window_table(
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
        selected,
        &app.weights.offset,
        theme,
        |pos| {
            let j = rows[pos];
            let c = &m.criteria[j];
            let used = a.and_then(|a| a.weights.values.get(j)).copied();
            let flip = a.and_then(|a| a.flips.get(j)).and_then(|f| f.as_ref());
            vec![
                Cell::from(c.name.clone()),
                Cell::from(if c.cost { "cost" } else { "gain" }),
                Cell::from(
                    c.group
                        .as_deref()
                        .map(|g| g.chars().take(5).collect::<String>())
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::from(crate::tui::app::number(c.weight)),
                Cell::from(if direct_total > 0.0 {
                    pct(c.weight.max(0.0) / direct_total)
                } else {
                    "—".into()
                }),
                Cell::from(
                    ahp_w
                        .as_ref()
                        .and_then(|w| w.get(j))
                        .map(|w| pct(*w))
                        .unwrap_or_else(|| "—".into()),
                ),
                Cell::from(Span::styled(
                    used.map(pct).unwrap_or_else(|| "—".into()),
                    theme.header,
                )),
                Cell::from(
                    flip.map(|f| format!("{}→{:.2}", if f.to > f.from { "↑" } else { "↓" }, f.to))
                        .unwrap_or_else(|| "never".into()),
                ),
            ]
        },
    );
    app.page = page;
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

/// Saaty's words for a ratio ≥ 1.
fn intensity(r: f64) -> &'static str {
    match r.round() as i64 {
        i64::MIN..=1 => "equally",
        2 => "slightly",
        3 => "moderately",
        4 => "moderately+",
        5 => "strongly",
        6 => "strongly+",
        7 => "very strongly",
        8 => "very strongly+",
        _ => "extremely",
    }
}

fn draw_ahp(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let rows = rows(app);
    let m = &app.ws.model;
    let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
    let n = ids.len();
    let result = ahp(&ids, &m.comparisons);
    let wide = area.width >= 70;
    let [left, right] = if wide {
        Layout::horizontal([Constraint::Min(40), Constraint::Length(32)]).areas(area)
    } else {
        Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area)
    };
    let selected = app.pairs.selected.min(rows.len().saturating_sub(1));
    let longest = ids.iter().map(|i| i.chars().count()).max().unwrap_or(1) as u16;
    let id_w = longest.clamp(4, if wide { 12 } else { 14 });
    let worst = result
        .as_ref()
        .ok()
        .and_then(|r| r.worst_pair.as_ref())
        .map(|w| (w.a.min(w.b), w.a.max(w.b)));
    let inconsistent = result.as_ref().is_ok_and(|r| r.inconsistent());
    let page = window_table(
        frame,
        left,
        "Pairwise (Saaty 1/9…9) · +/- change a:b".into(),
        vec!["a", "b", "a:b", "matters more", ""],
        vec![
            Constraint::Length(id_w),
            Constraint::Length(id_w),
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Length(1),
        ],
        rows.len(),
        selected,
        &app.pairs.offset,
        theme,
        |pos| {
            let Some((i, j)) = pair(n, rows[pos]) else {
                return vec![];
            };
            let found = comparison(m, &ids[i], &ids[j]);
            let r = found.map(|(_, r)| r).unwrap_or(1.0);
            let favours = if found.is_none() {
                Span::styled("not compared", theme.dim)
            } else if (r - 1.0).abs() < 1e-9 {
                Span::raw("equal")
            } else if r > 1.0 {
                Span::raw(format!("◀ a {}", intensity(r)))
            } else {
                Span::raw(format!("b {} ▶", intensity(1.0 / r)))
            };
            vec![
                Cell::from(ids[i].clone()),
                Cell::from(ids[j].clone()),
                Cell::from(saaty(r)),
                Cell::from(favours),
                Cell::from(if worst == Some((i, j)) && inconsistent {
                    Span::styled("⚠", theme.warn)
                } else if worst == Some((i, j)) {
                    Span::styled("·", theme.dim)
                } else {
                    Span::raw("")
                }),
            ]
        },
    );
    app.page = page;
    let m = &app.ws.model;
    let mut lines = Vec::new();
    match &result {
        Ok(r) => {
            match r.cr {
                Some(cr) if r.inconsistent() => lines.push(Line::from(Span::styled(
                    format!("⚠ CR {cr:.3} > 0.10: revisit"),
                    theme.warn.add_modifier(Modifier::BOLD),
                ))),
                Some(cr) => lines.push(Line::from(Span::styled(
                    format!("✓ CR {cr:.3} ≤ 0.10 consistent"),
                    theme.ok,
                ))),
                None => lines.push(Line::from(Span::styled(
                    "✓ 2 criteria: always consistent",
                    theme.ok,
                ))),
            }
            lines.push(Line::from(Span::styled(
                format!("λ {:.3} · CI {:.3} · RI {:.2}", r.lambda_max, r.ci, r.ri),
                theme.dim,
            )));
            if let Some(w) = &r.worst_pair {
                let (glyph, style) = if r.inconsistent() {
                    ("⚠", theme.warn)
                } else {
                    ("·", theme.base)
                };
                lines.push(Line::from(Span::styled(
                    format!(
                        "{glyph} most off: {} vs {}",
                        ids.get(w.a).map(String::as_str).unwrap_or("?"),
                        ids.get(w.b).map(String::as_str).unwrap_or("?"),
                    ),
                    style,
                )));
                lines.push(Line::from(Span::styled(
                    format!(
                        "  given {}, weights imply {}",
                        saaty(w.given),
                        saaty(w.implied)
                    ),
                    theme.base,
                )));
            }
            if !r.missing.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("{} pairs not compared (taken as 1)", r.missing.len()),
                    theme.dim,
                )));
            }
            if m.settings.scoring.weights != "ahp" {
                lines.push(Line::from(Span::styled(
                    "not in force: weights = direct (w)",
                    theme.warn,
                )));
            }
            let inner_w = right.width.saturating_sub(2) as usize;
            let label_w = 10.min(inner_w / 3);
            let bar_w = inner_w.saturating_sub(label_w + 6);
            let top = r.weights.iter().copied().fold(0.0, f64::max);
            for (k, w) in r.weights.iter().enumerate() {
                let filled = if top > 0.0 {
                    ((w / top) * bar_w as f64).round() as usize
                } else {
                    0
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!(
                            "{:<label_w$} {:>3.0}% ",
                            ui::truncate(&ids[k], label_w),
                            w * 100.0
                        ),
                        theme.base,
                    ),
                    Span::styled("█".repeat(filled.min(bar_w)), theme.key),
                ]));
            }
        }
        Err(e) => lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error))),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(ui::block("Consistency · AHP weights", theme)),
        right,
    );
}
