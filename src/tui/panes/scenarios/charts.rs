//! Charts view: the value × feasibility scatter and the P(rank 1) bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, Chart, Dataset, Gauge, GraphType, Paragraph};

use super::labels::quadrant_label;
use super::{View, scenario_rows, selected_scenario, stability};
use crate::analysis::Quadrant;
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
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

fn draw_scatter(frame: &mut Frame, area: Rect, app: &View, sel: Option<usize>, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let positions = match &a.positions {
        Ok(p) => p,
        Err(e) => {
            frame.render_widget(
                Paragraph::new(ui::wrap_lines(
                    Span::styled(
                        crate::tr!("tui.scn.charts.no_quadrants", error = e),
                        theme.warn,
                    ),
                    area.width.saturating_sub(2),
                    true,
                ))
                .block(ui::block(crate::tr!("tui.scn.charts.scatter_title"), theme)),
                area,
            );
            return;
        }
    };
    let s = &app.ws.model.settings.scoring;
    let (vt, ft) = (s.quadrant_value, s.quadrant_feasibility);
    let v_line = [(ft, 0.0), (ft, 100.0)];
    let h_line = [(0.0, vt), (100.0, vt)];
    // The points themselves are drawn below as their rank numbers.
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
    ];
    let bottom = match sel.and_then(|i| positions.get(i).map(|p| (i, p))) {
        Some((i, p)) => crate::tr!(
            "tui.scn.charts.point",
            rank = a.ranking.ranks.get(i).copied().unwrap_or(0),
            quadrant = quadrant_label(p.quadrant),
            name = a.matrix.names.get(i).map(String::as_str).unwrap_or("?"),
            value = format!("{:.0}", p.value),
            feasibility = format!("{:.0}", p.feasibility),
        ),
        None => String::new(),
    };
    let block = ui::block(crate::tr!("tui.scn.charts.axes"), theme).title_bottom(Span::styled(
        ui::truncate(&bottom, area.width.saturating_sub(2) as usize),
        theme.key,
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Points in rank order: (scenario, rank, column, row) in plot cells.
    let mut points: Vec<(usize, usize, u16, u16)> = Vec::new();
    let legend_room = |rows: u16| {
        let [chart_area, legend_area] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(inner);
        (chart_area, legend_area)
    };
    // First lay the points out with no legend, then again with the rows
    // the legend of the names that did not fit needs.
    let mut legend_rows = 0u16;
    let mut plan = ScatterLabels::default();
    for _ in 0..2 {
        let (chart_area, legend_area) = legend_room(legend_rows);
        let gx = chart_area.x + 4;
        let gw = chart_area.width.saturating_sub(4);
        let gh = chart_area.height.saturating_sub(2);
        points.clear();
        for (i, p) in positions.iter().enumerate() {
            let rank = a.ranking.ranks.get(i).copied().unwrap_or(0);
            let col = cell_of(p.feasibility, gw);
            let row = gh.saturating_sub(1) - cell_of(p.value, gh);
            points.push((i, rank, gx + col, chart_area.y + row));
        }
        points.sort_by_key(|&(i, rank, _, _)| (rank, i));
        plan = ScatterLabels::plan(&points, &a.matrix.names, gx + gw);
        let need = legend_lines(&plan.unnamed, &a.matrix.names, legend_area.width).len() as u16;
        let most = (inner.height / 4).max(1);
        let want = need.min(most);
        if want == legend_rows {
            break;
        }
        legend_rows = want;
    }
    let (chart_area, legend_area) = legend_room(legend_rows);
    let labels = || vec![Span::raw("0"), Span::raw("50"), Span::raw("100")];
    let chart = Chart::new(datasets)
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
    frame.render_widget(chart, chart_area);
    let buf = frame.buffer_mut();
    for label in &plan.labels {
        let chosen = Some(label.scenario) == sel;
        let style = if chosen {
            theme.key.add_modifier(Modifier::REVERSED)
        } else {
            theme.header
        };
        buf.set_string(label.x, label.y, &label.number, style);
        if let Some(name) = &label.name {
            let x = label.x + label.number.chars().count() as u16;
            buf.set_string(
                x,
                label.y,
                format!(" {name}"),
                if chosen { theme.key } else { theme.base },
            );
        }
    }
    let legend = legend_lines(&plan.unnamed, &a.matrix.names, legend_area.width);
    for (k, line) in legend
        .into_iter()
        .take(legend_area.height as usize)
        .enumerate()
    {
        buf.set_line(
            legend_area.x,
            legend_area.y + k as u16,
            &line.style(theme.dim),
            legend_area.width,
        );
    }
    // Quadrant names in the corners of the plot, only on empty cells so they
    // never hide a point.
    let gx = chart_area.x + 4;
    let gw = chart_area.width.saturating_sub(4);
    let gh = chart_area.height.saturating_sub(2);
    if gw < 12 || gh < 3 {
        return;
    }
    let corners = [
        (Quadrant::StrategicBet, false, false),
        (Quadrant::QuickWin, true, false),
        (Quadrant::Avoid, false, true),
        (Quadrant::FillIn, true, true),
    ];
    for (q, right, low) in corners {
        let label = quadrant_label(q);
        let w = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
        if w + 1 > gw / 2 {
            continue;
        }
        let x0 = if right { gx + gw - w } else { gx + 1 };
        let y = if low {
            chart_area.y + gh - 1
        } else {
            chart_area.y
        };
        // Whole or not at all, so a name never runs into a quadrant name.
        let free = (0..w).all(|k| buf.cell((x0 + k, y)).is_some_and(|c| c.symbol() == " "));
        if !free {
            continue;
        }
        buf.set_string(x0, y, &label, theme.dim);
    }
}

/// The plot cell (0-based, of `cells`) of a value on a 0–100 axis, as
/// ratatui's chart puts a point.
fn cell_of(v: f64, cells: u16) -> u16 {
    if cells == 0 {
        return 0;
    }
    let c = (v.clamp(0.0, 100.0) / 100.0 * f64::from(cells - 1)).round();
    (c as u16).min(cells - 1)
}

/// A point's label: its rank number and, where there is room, its name.
#[derive(Debug, Default)]
struct PointLabel {
    scenario: usize,
    x: u16,
    y: u16,
    number: String,
    name: Option<String>,
}

/// Where the labels of the scatter go, and which names did not fit.
#[derive(Debug, Default)]
struct ScatterLabels {
    labels: Vec<PointLabel>,
    /// (rank, scenario) of the points shown by number only.
    unnamed: Vec<(usize, usize)>,
}

/// A name beside its point needs this many cells at least (else the legend
/// names it).
const NAME_MIN: usize = 6;
/// …and gets at most this many.
const NAME_MAX: usize = 16;

impl ScatterLabels {
    /// Numbers first, best rank first (a number that would cover another
    /// moves right); then names, each up to the next label or `right`.
    fn plan(points: &[(usize, usize, u16, u16)], names: &[String], right: u16) -> ScatterLabels {
        use std::collections::HashSet;
        let mut taken: HashSet<(u16, u16)> = HashSet::new();
        let mut labels: Vec<PointLabel> = Vec::new();
        for &(i, rank, x, y) in points {
            let number = rank.to_string();
            let w = number.len() as u16;
            let mut x = x.min(right.saturating_sub(w));
            // A blank cell either side, so 5 and 6 never read as 56.
            let clear = |x: u16| (x.saturating_sub(1)..=x + w).all(|c| !taken.contains(&(c, y)));
            let start = x;
            while !clear(x) && x + w < right && x < start + 3 {
                x += 1;
            }
            if !clear(x) {
                x = start;
                while (x..x + w).any(|c| taken.contains(&(c, y))) && x + w < right {
                    x += 1;
                }
            }
            for c in x..x + w {
                taken.insert((c, y));
            }
            labels.push(PointLabel {
                scenario: i,
                x,
                y,
                number,
                name: None,
            });
        }
        let mut unnamed = Vec::new();
        for (label, &(i, rank, _, _)) in labels.iter_mut().zip(points) {
            let start = label.x + label.number.len() as u16;
            let mut room = 0usize;
            let mut c = start;
            while c < right && !taken.contains(&(c, label.y)) && room < NAME_MAX + 1 {
                room += 1;
                c += 1;
            }
            // Stop a blank short of the next label.
            if c < right && taken.contains(&(c, label.y)) {
                room = room.saturating_sub(1);
            }
            let name = names.get(i).map(String::as_str).unwrap_or("?");
            // One cell is the space before the name.
            let fits =
                room > NAME_MIN || (room > 1 && unicode_width::UnicodeWidthStr::width(name) < room);
            if fits {
                let text = ui::truncate(name, room - 1);
                for k in 0..=unicode_width::UnicodeWidthStr::width(text.as_str()) as u16 {
                    taken.insert((start + k, label.y));
                }
                label.name = Some(text);
            } else {
                unnamed.push((rank, i));
            }
        }
        unnamed.sort();
        ScatterLabels { labels, unnamed }
    }
}

/// The legend of the points shown by number only: `3 Customer-se…`
/// entries packed into lines of `width`.
fn legend_lines(unnamed: &[(usize, usize)], names: &[String], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if unnamed.is_empty() || width == 0 {
        return vec![];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for &(rank, i) in unnamed {
        let name = names.get(i).map(String::as_str).unwrap_or("?");
        let entry = format!("{rank} {}", ui::truncate(name, NAME_MAX - 4));
        let used = unicode_width::UnicodeWidthStr::width(line.as_str());
        let ew = unicode_width::UnicodeWidthStr::width(entry.as_str());
        if !line.is_empty() && used + 2 + ew > width {
            lines.push(Line::from(std::mem::take(&mut line)));
        }
        if !line.is_empty() {
            line.push_str("  ");
        }
        line.push_str(&ui::truncate(&entry, width));
    }
    if !line.is_empty() {
        lines.push(Line::from(line));
    }
    lines
}

fn draw_p_first(frame: &mut Frame, area: Rect, app: &View, sel: Option<usize>, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let title = match (stability(app), app.stability.running) {
        (Some((st, true)), _) => {
            let mut t = crate::tr!(
                "tui.scn.charts.p_title_samples",
                n = numfmt::thousands(st.options.samples as f64)
            );
            if let Some(p) = st.participants {
                t.push_str(" · ");
                t.push_str(&crate::tr!("votes.stability.caption", participants = p));
            }
            t
        }
        (_, Some(p)) => crate::tr!(
            "tui.scn.charts.p_title_updating",
            pct = format!("{:.0}", p.fraction() * 100.0)
        ),
        _ => crate::tr!("tui.scn.charts.p_title"),
    };
    let block = ui::block(title, theme);
    let inner = block.inner(area);
    let Some((st, fresh)) = stability(app) else {
        frame.render_widget(block, area);
        let msg = match (app.stability.running, app.stability.error()) {
            (_, Some(e)) => crate::tr!("tui.scn.charts.stability_failed", error = e),
            (Some(_), _) => crate::tr!("tui.scn.charts.sampling"),
            _ => crate::tr!("tui.scn.charts.no_result"),
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
            Paragraph::new(ui::wrap_lines(Span::styled(msg, theme.dim), t.width, true)),
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
                .text_value(numfmt::percent_whole(p))
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
