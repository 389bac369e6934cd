//! Charts view: the value × feasibility scatter and the P(rank 1) bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Bar, BarChart, Chart, Dataset, Gauge, GraphType, Paragraph, Wrap};

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

fn draw_p_first(frame: &mut Frame, area: Rect, app: &View, sel: Option<usize>, theme: &Theme) {
    let Ok(a) = &app.analysis else { return };
    let title = match (stability(app), app.stability.running) {
        (Some((st, true)), _) => format!(
            "P(rank 1) · {} samples",
            numfmt::thousands(st.options.samples as f64)
        ),
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
