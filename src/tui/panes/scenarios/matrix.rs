//! Matrix view: scores per criterion, score, rank, P(rank 1), NPV and
//! quadrant, and the selected score explained criterion by criterion.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::labels::{method_formula, method_label, quadrant_label, sort_label};
use super::{SORTS, View, npv, scenario_rows, selected_scenario, short_quadrant, stability};
use crate::analysis::{Analysis, Part, Stability};
use crate::numfmt;
use crate::tui::panes::{
    COLUMN_SPACING, Column, col, fit_line, line_width, table_inner_width, window_table_with,
};
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

/// The fields of the matrix table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Rank,
    Name,
    /// A criterion, by its index in the matrix.
    Criterion(usize),
    Score,
    P1,
    Npv,
    Quadrant,
}

/// Width the name keeps before criterion columns are shown.
const NAME_MIN: usize = 16;

/// The columns of the matrix in a table `inner_w` cells wide: every
/// criterion when each gets at least 4 cells next to a readable name (as
/// wide as its name where there is room; else the scenario names keep what
/// the widest needs, up to the room left, and the criteria share the rest),
/// else only the selected one. `criteria` are the criteria's names,
/// `name_need` the display width of the widest scenario name.
pub fn columns(
    inner_w: u16,
    criteria: &[String],
    name_need: usize,
    sel_crit: usize,
) -> Vec<Column<Col>> {
    use Constraint::{Fill, Length};
    let fixed = [2usize, 5, 5, 6, 5];
    let mut cols = vec![
        col(Col::Rank, "#", Length(2)),
        col(Col::Name, "scenario", Fill(1)),
    ];
    let n = criteria.len();
    let spacing = usize::from(COLUMN_SPACING) * (fixed.len() + n);
    let left =
        usize::from(inner_w).saturating_sub(fixed.iter().sum::<usize>() + spacing + NAME_MIN);
    let id_w = |j: usize| {
        criteria
            .get(j)
            .map(|c| unicode_width::UnicodeWidthStr::width(c.as_str()))
            .unwrap_or(4)
            .max(4)
    };
    if n > 0 && left >= 4 * n {
        // Whole names where they all fit; else the scenario names first (a
        // readable scenario name matters more than a few more cells of a
        // cut criterion name), the criteria an even share of what is left.
        let full: usize = (0..n).map(id_w).sum();
        let widths: Vec<usize> = if left >= full {
            (0..n).map(id_w).collect()
        } else {
            let room = left + NAME_MIN;
            let name_keep = name_need.clamp(NAME_MIN, room - 4 * n);
            let share = ((room - name_keep) / n).max(4);
            (0..n).map(|j| id_w(j).min(share)).collect()
        };
        for (j, w) in widths.into_iter().enumerate() {
            cols.push(Column {
                key: Col::Criterion(j),
                header: "",
                width: Length(u16::try_from(w).unwrap_or(u16::MAX)),
            });
        }
    } else if n > 0 {
        let j = sel_crit.min(n - 1);
        let w = id_w(j)
            .min(12)
            .min(usize::from(inner_w).saturating_sub(30).max(4));
        cols.push(Column {
            key: Col::Criterion(j),
            header: "",
            width: Length(u16::try_from(w).unwrap_or(u16::MAX)),
        });
    }
    cols.extend([
        col(Col::Score, "score", Length(5)),
        col(Col::P1, "P(1)", Length(5)),
        col(Col::Npv, "NPV", Length(6)),
        col(Col::Quadrant, "quad", Length(5)),
    ]);
    cols
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let rows = scenario_rows(app);
    let m = &app.ws.model;
    let [table_area, detail_area] = areas(area, app);
    let stab = stability(app);
    let n_crit = a.matrix.n_criteria();
    let sel_crit = app.criterion.min(n_crit.saturating_sub(1));
    // Criteria are named by their names (the workspace's own words).
    let crit_names: Vec<String> = a
        .matrix
        .criteria
        .iter()
        .map(|id| {
            m.criteria
                .iter()
                .find(|c| &c.id == id)
                .map_or_else(|| id.clone(), super::labels::criterion_name)
        })
        .collect();
    let name_need = rows
        .iter()
        .filter_map(|&i| m.scenarios.get(i))
        .map(|s| unicode_width::UnicodeWidthStr::width(s.name.as_str()))
        .max()
        .unwrap_or(NAME_MIN);
    let columns = columns(
        table_inner_width(table_area, rows.len()),
        &crit_names,
        name_need,
        sel_crit,
    );
    let sel_style = theme.key.add_modifier(Modifier::REVERSED);
    let header: Vec<Line> = columns
        .iter()
        .map(|c| match c.key {
            Col::Criterion(j) => {
                let name = crit_names.get(j).cloned().unwrap_or_default();
                let style = if j == sel_crit {
                    sel_style
                } else {
                    theme.header
                };
                Line::from(Span::styled(name, style))
            }
            _ => Line::from(Span::styled(
                crate::tui::panes::header_text(c.header),
                theme.header,
            )),
        })
        .collect();
    let widths = columns.iter().map(|c| c.width).collect();
    let selected = app.scenarios.selected.min(rows.len().saturating_sub(1));
    let crit_name = m
        .criteria
        .get(sel_crit)
        .map_or_else(|| "—".to_string(), super::labels::criterion_name);
    let title = crate::tr!(
        "tui.scn.matrix.title",
        n = rows.len(),
        method = method_label(a.method),
        sort = sort_label(SORTS[app.scenarios.sort % SORTS.len()]),
        criterion = crit_name
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
            columns
                .iter()
                .map(|c| cell(app, a, stab, theme, i, c.key, pos == selected, sel_crit))
                .collect()
        },
    );
    match selected_scenario(app, &rows) {
        Some(i) => explain(frame, detail_area, app, a, i, theme),
        None => frame.render_widget(
            ui::block(crate::tr!("tui.scn.matrix.score_block"), theme),
            detail_area,
        ),
    }
}

/// The text of scenario `i` under column `key`.
#[allow(clippy::too_many_arguments)]
pub fn cell<'a>(
    app: &View,
    a: &Analysis,
    stab: Option<(&Stability, bool)>,
    theme: &Theme,
    i: usize,
    key: Col,
    selected: bool,
    sel_crit: usize,
) -> Line<'a> {
    let Some(s) = app.ws.model.scenarios.get(i) else {
        return Line::default();
    };
    match key {
        Col::Rank => Line::from(
            a.ranking
                .ranks
                .get(i)
                .map(|r| r.to_string())
                .unwrap_or_default(),
        ),
        Col::Name => Line::from(s.name.clone()),
        Col::Criterion(j) => {
            // Scoring with workshop votes: the group's value (median or
            // mean) the ranking uses, where the cell has one.
            let m = a.matrix.criteria.len();
            let voted = a.source == crate::workspace::choice::ScoreSource::Votes
                && !a.matrix.missing.contains(&(i, j));
            let value = if voted {
                a.matrix.raw.get(i * m + j).copied()
            } else {
                a.matrix
                    .criteria
                    .get(j)
                    .and_then(|cid| s.scores.get(cid))
                    .copied()
            };
            let text = value.map(numfmt::compact).unwrap_or_else(|| "—".into());
            let line = Line::from(text);
            if j == sel_crit && selected {
                line.style(theme.key.add_modifier(Modifier::REVERSED))
            } else {
                line
            }
        }
        Col::Score => Line::from(
            a.ranking
                .scores
                .get(i)
                .map(|x| format!("{x:.1}"))
                .unwrap_or_default(),
        ),
        Col::P1 => match stab {
            Some((st, fresh)) => Line::from(Span::styled(
                st.p_first
                    .get(i)
                    .map(|p| numfmt::percent_whole(*p))
                    .unwrap_or_default(),
                if fresh { theme.base } else { theme.dim },
            )),
            None => Line::from(Span::styled("…", theme.dim)),
        },
        Col::Npv => Line::from(npv(a, i).map(numfmt::compact).unwrap_or_else(|| "—".into())),
        Col::Quadrant => Line::from(
            a.positions
                .as_ref()
                .ok()
                .and_then(|p| p.get(i))
                .map(|p| short_quadrant(p.quadrant))
                .unwrap_or_else(|| "—".into()),
        ),
    }
}

/// What one slot of the "why this score" panel shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    /// Contribution `k` of the scenario (an index into its parts).
    Part(usize),
    /// The `n` smallest contributions left out, and their sum (in the
    /// units the parts are shown in: points, or signed × 100 for TOPSIS).
    More { n: usize, sum: f64 },
}

/// Width of one contribution slot (text and a short bar).
pub const SLOT_W: usize = 28;

/// The slots of a "why this score" list in `width` × `height` cells: every
/// contribution when they fit, else the largest (by size) in criterion
/// order and a last "+N more = x" slot, so what is shown always adds up to
/// the whole.
pub fn slots(parts: &[f64], width: usize, height: usize) -> Vec<Slot> {
    let cols = (width / SLOT_W).max(1);
    let capacity = cols * height.max(1);
    if parts.len() <= capacity {
        return (0..parts.len()).map(Slot::Part).collect();
    }
    let keep = capacity - 1;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&x, &y| parts[y].abs().total_cmp(&parts[x].abs()).then(x.cmp(&y)));
    let mut shown: Vec<usize> = order[..keep].to_vec();
    shown.sort_unstable();
    let rest = &order[keep..];
    let sum = rest.iter().map(|&k| parts[k]).sum();
    let mut out: Vec<Slot> = shown.into_iter().map(Slot::Part).collect();
    out.push(Slot::More { n: rest.len(), sum });
    out
}

/// A part as shown: points, or TOPSIS's signed pull × 100.
fn shown_value(part: &Part) -> f64 {
    match part {
        Part::Points(p) => *p,
        Part::Distances { .. } => part.signed() * 100.0,
    }
}

/// The selected score: summary, formula and each criterion's contribution.
fn explain(frame: &mut Frame, area: Rect, app: &View, a: &Analysis, i: usize, theme: &Theme) {
    let m = &app.ws.model;
    let Some(s) = m.scenarios.get(i) else { return };
    let score = a.ranking.scores.get(i).copied().unwrap_or(0.0);
    let rank = a.ranking.ranks.get(i).copied().unwrap_or(0);
    let mut head = vec![
        Span::styled(
            crate::tr!("tui.scn.why.score", score = format!("{score:.1}")),
            theme.header,
        ),
        Span::styled(
            crate::tr!("tui.scn.why.rank", rank = rank, n = a.matrix.n_scenarios()),
            theme.base,
        ),
    ];
    if let Some((st, fresh)) = stability(app) {
        let style = if fresh { theme.base } else { theme.dim };
        if let (Some(p), Some(lo), Some(hi)) =
            (st.p_first.get(i), st.rank_p5.get(i), st.rank_p95.get(i))
        {
            head.push(Span::styled(
                crate::tr!(
                    "tui.scn.why.p_first",
                    p = numfmt::percent_whole(*p),
                    lo = lo,
                    hi = hi
                ),
                style,
            ));
        }
    }
    if let Some(p) = a.positions.as_ref().ok().and_then(|p| p.get(i)) {
        head.push(Span::styled(
            format!(" · {}", quadrant_label(p.quadrant)),
            theme.base,
        ));
    }
    let block = ui::block(crate::tr!("tui.scn.why.title", name = s.name), theme);
    let inner = block.inner(area);
    let width = usize::from(inner.width.max(1));
    let head = Line::from(head);
    let head_h = line_width(&head).div_ceil(width).max(1);
    let formula = method_formula(a.method);
    let formula_w = unicode_width::UnicodeWidthStr::width(formula.as_str());
    // The contributions come first; the formula takes the lines left over
    // (cut with … when it has only one).
    let parts = a.ranking.contributions.get(i).cloned().unwrap_or_default();
    let values: Vec<f64> = parts.iter().map(|c| shown_value(&c.part)).collect();
    let height = usize::from(inner.height);
    let cols = (width / SLOT_W).max(1);
    let formula_h = formula_w.div_ceil(width).max(1);
    // The formula stays when every contribution still fits beside it.
    let below_head = height.saturating_sub(head_h);
    let with_formula = below_head.saturating_sub(formula_h);
    let rows_for_parts = if values.len() <= cols * with_formula {
        with_formula
    } else {
        below_head.max(1)
    };
    let list = slots(&values, width, rows_for_parts);
    let per_col = list.len().min(rows_for_parts).max(1);
    let left = height.saturating_sub(head_h + per_col);
    let mut lines = vec![head];
    if left > 0 {
        if formula_h <= left {
            lines.push(Line::from(Span::styled(formula, theme.dim)));
        } else {
            lines.push(fit_line(
                Line::from(Span::styled(formula, theme.dim)),
                width,
            ));
        }
    }
    let cols = list.len().div_ceil(per_col).max(1);
    let cell_w = (width / cols).max(1);
    let max_signed = parts
        .iter()
        .map(|c| c.part.signed().abs())
        .fold(0.0, f64::max);
    for r in 0..per_col {
        let mut spans = Vec::new();
        for c in 0..cols {
            let Some(slot) = list.get(c * per_col + r) else {
                continue;
            };
            let k = match *slot {
                Slot::Part(k) => k,
                Slot::More { n, sum } => {
                    let text = crate::tr!("tui.scn.why.more", n = n, sum = format!("{sum:.1}"));
                    spans.push(Span::styled(ui::pad(&text, cell_w), theme.dim));
                    continue;
                }
            };
            let Some(ct) = parts.get(k) else { continue };
            // The criterion's name (the workspace's own words), by width.
            let id = a
                .matrix
                .criteria
                .get(ct.criterion)
                .map(String::as_str)
                .unwrap_or("?");
            let name = m
                .criteria
                .iter()
                .find(|c| c.id == id && !c.name.trim().is_empty())
                .map_or(id, |c| c.name.as_str());
            let text = match ct.part {
                Part::Points(p) => format!(
                    "{} {:>3.0}%×{:>3.0}={:>5.1} ",
                    ui::pad(name, 9),
                    ct.weight * 100.0,
                    ct.normalised,
                    p
                ),
                Part::Distances { .. } => format!(
                    "{} {:>3.0}% n{:>3.0} {:>+6.3} ",
                    ui::pad(name, 9),
                    ct.weight * 100.0,
                    ct.normalised,
                    ct.part.signed() * 100.0
                ),
            };
            let text_w = unicode_width::UnicodeWidthStr::width(text.as_str());
            let bar_w = cell_w.saturating_sub(text_w + 1);
            let filled = if max_signed > 0.0 {
                (((ct.part.signed().abs() / max_signed) * bar_w as f64).round() as usize).min(bar_w)
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
        lines.push(fit_line(Line::from(spans), width));
    }
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, area.width.saturating_sub(2), false)).block(block),
        area,
    );
}
