//! Series view: the selected series as a chart — history, the forecast and
//! its 80 % prediction interval — with CAGR, the forecast's end point and the
//! method with its parameters written out below it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::{SeriesView, View, problem_text, record_table, selection, wrapped_height};
use crate::market::{Frequency, LoadedSeries};
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::model::Series;

/// The table (no rows in presentation mode with one series) and the chart.
fn areas(area: Rect, app: &View) -> [Rect; 2] {
    let (rows, _) = selection(app);
    // Presentation mode keeps the room for the chart when there is one series.
    let table_h = match (app.presentation, rows.len()) {
        (true, n) if n <= 1 => 0,
        (true, n) => n.min(2) as u16 + 3,
        (false, n) => n.clamp(1, 3) as u16 + 3,
    };
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(6)]).areas(area)
}

pub fn table_area(area: Rect, app: &View) -> Rect {
    areas(area, app)[0]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let (rows, selected) = selection(app);
    let [table_area, chart_area] = areas(area, app);
    let table_h = table_area.height;
    if table_h > 0 {
        let columns = if app.presentation {
            vec![
                ("name", Constraint::Fill(1)),
                ("frequency", Constraint::Length(9)),
                ("forecast", Constraint::Length(15)),
            ]
        } else {
            vec![
                ("id", Constraint::Max(32)),
                ("name", Constraint::Fill(1)),
                ("frequency", Constraint::Length(9)),
                ("unit", Constraint::Length(8)),
                ("forecast", Constraint::Length(15)),
            ]
        };
        let presentation = app.presentation;
        record_table(frame, table_area, app, theme, columns, |app, i| {
            let s = &app.ws.model.series[i];
            let mut cells = vec![];
            if !presentation {
                cells.push(Line::from(s.id.clone()));
            }
            cells.push(Line::from(s.name.clone()));
            cells.push(Line::from(crate::tui::panes::value_label(
                &s.frequency.to_string(),
            )));
            if !presentation {
                cells.push(Line::from(s.unit.clone()));
            }
            cells.push(Line::from(format!(
                "{} +{}",
                method_name(&s.method.to_string()),
                s.horizon
            )));
            cells
        });
    }
    let Some(&i) = rows.get(selected) else {
        let block = ui::block(crate::tr!("tui.market.series"), theme);
        let text = Paragraph::new(ui::wrap_lines(
            Span::styled(crate::tr!("tui.market.no_series"), theme.dim),
            chart_area.width.saturating_sub(2),
            true,
        ))
        .block(block);
        frame.render_widget(text, chart_area);
        return;
    };
    let series = &app.ws.model.series[i];
    let Some(view) = app.data.series(series) else {
        frame.render_widget(
            Paragraph::new(Span::styled(crate::tr!("tui.market.loading"), theme.dim))
                .block(ui::block(crate::tr!("tui.market.series"), theme)),
            chart_area,
        );
        return;
    };
    let position = if rows.len() > 1 && table_h == 0 {
        format!(" ({}/{})", selected + 1, rows.len())
    } else {
        String::new()
    };
    let root = &app.ws.root;
    draw_series(frame, chart_area, root, series, &view, &position, theme);
}

fn draw_series(
    frame: &mut Frame,
    area: Rect,
    root: &std::path::Path,
    series: &Series,
    view: &SeriesView,
    position: &str,
    theme: &Theme,
) {
    let unit = if series.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", series.unit)
    };
    let block = ui::block(
        format!(
            "{}{unit} · {}{position}",
            series.name,
            crate::tui::panes::value_label(&series.frequency.to_string())
        ),
        theme,
    )
    .title_bottom(Line::from(vec![
        Span::styled(" ⣀⣀ ", theme.base),
        Span::styled(format!("{} ", crate::tr!("tui.market.history")), theme.dim),
        Span::styled("•• ", theme.key),
        Span::styled(format!("{} ", crate::tr!("tui.market.forecast")), theme.dim),
        Span::styled("⠄ ⠄ ", theme.warn),
        Span::styled(
            format!("{} ", crate::tr!("tui.market.interval80")),
            theme.dim,
        ),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let data = match view.data {
        Ok(d) => d,
        Err(problems) => {
            let mut lines = vec![Line::from(Span::styled(
                crate::tr!("tui.mkt.series.cannot_use", file = series.file),
                theme.error,
            ))];
            lines.extend(
                problems
                    .iter()
                    .map(|p| Line::from(Span::styled(problem_text(root, p), theme.base))),
            );
            frame.render_widget(
                Paragraph::new(ui::wrap_lines(lines, inner.width, false)),
                inner,
            );
            return;
        }
    };
    let info = info_lines(root, series, data, view, theme);
    let info_h: u16 = info
        .iter()
        .map(|l| wrapped_height(&line_text(l), inner.width))
        .sum::<u16>()
        .min(inner.height.saturating_sub(4));
    let [chart_area, info_area] =
        Layout::vertical([Constraint::Min(4), Constraint::Length(info_h)]).areas(inner);
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(info, info_area.width, false)),
        info_area,
    );
    chart(frame, chart_area, data, view, theme);
}

fn line_text(l: &Line) -> String {
    l.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn noun(f: Frequency, n: usize) -> String {
    match (f, n) {
        (Frequency::Monthly, 1) => crate::tr!("tui.mkt.series.month_one"),
        (Frequency::Monthly, n) => crate::tr!("tui.mkt.series.months", n = n),
        (Frequency::Quarterly, 1) => crate::tr!("tui.mkt.series.quarter_one"),
        (Frequency::Quarterly, n) => crate::tr!("tui.mkt.series.quarters", n = n),
        (Frequency::Yearly, 1) => crate::tr!("tui.mkt.series.year_one"),
        (Frequency::Yearly, n) => crate::tr!("tui.mkt.series.years", n = n),
    }
}

/// A forecast method's short name as a series record spells it
/// (`holt-damped`), on screen.
fn method_name(m: &str) -> String {
    match m {
        "holt-damped" => crate::tr!("tui.mkt.series.method_short.holt_damped"),
        "holt" => crate::tr!("tui.mkt.series.method_short.holt"),
        "linear" => crate::tr!("tui.mkt.series.method_short.linear"),
        other => other.to_string(),
    }
}

/// A value with about four significant digits.
pub fn num(x: f64) -> String {
    let a = x.abs();
    if !x.is_finite() {
        "—".into()
    } else if a >= 1e4 {
        numfmt::compact(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn info_lines(
    root: &std::path::Path,
    series: &Series,
    data: &LoadedSeries,
    view: &SeriesView,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let span = match (data.first_period(), data.last_period()) {
        (Some(a), Some(b)) => format!("{a}…{b}, {}", noun(data.frequency, data.points.len())),
        _ => crate::tr!("tui.mkt.series.no_periods"),
    };
    let last = data
        .points
        .last()
        .map(|p| {
            crate::tr!(
                "tui.mkt.series.last",
                value = num(p.value),
                unit = series.unit
            )
        })
        .unwrap_or_default();
    let cagr = match view.cagr {
        Some(c) => crate::tr!("tui.mkt.series.cagr", pct = format!("{:+.1}", c * 100.0)),
        None => "CAGR —".into(),
    };
    lines.push(Line::from(vec![
        Span::styled(cagr, theme.header),
        Span::styled(format!(" · {span}{last}"), theme.base),
    ]));
    match view.forecast {
        Ok(f) => {
            if let Some(p) = f.points.last() {
                let band = |lo: Option<f64>, hi: Option<f64>, level: &str| match (lo, hi) {
                    (Some(lo), Some(hi)) => format!(" · {level} {}–{}", num(lo), num(hi)),
                    _ => String::new(),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{}: ", p.period), theme.key),
                    Span::styled(
                        crate::tr!(
                            "tui.mkt.series.forecast",
                            value = num(p.value),
                            band80 = band(p.lo80, p.hi80, "80 %"),
                            band95 = band(p.lo95, p.hi95, "95 %")
                        ),
                        theme.base,
                    ),
                ]));
            }
            lines.push(Line::from(Span::styled(f.describe(), theme.dim)));
            if let Some(note) = &f.note {
                lines.push(Line::from(Span::styled(format!("⚠ {note}"), theme.warn)));
            }
        }
        Err(e) => lines.push(Line::from(Span::styled(
            crate::tr!("tui.mkt.series.no_forecast", error = e),
            theme.error,
        ))),
    }
    if let Some(p) = data.problems.first() {
        let more = match data.problems.len() {
            1 => String::new(),
            n => crate::tr!("tui.mkt.series.more", n = n - 1),
        };
        lines.push(Line::from(Span::styled(
            format!("⚠ {}{more}", problem_text(root, p)),
            theme.warn,
        )));
    }
    lines
}

fn chart(frame: &mut Frame, area: Rect, data: &LoadedSeries, view: &SeriesView, theme: &Theme) {
    let history: Vec<(f64, f64)> = data
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| (i as f64, p.value))
        .collect();
    let Some(&(x_last, y_last)) = history.last() else {
        return;
    };
    let points = view.forecast.as_ref().map(|f| f.points.as_slice());
    let points = points.unwrap_or(&[]);
    // The forecast and the band start at the last observation so they join it.
    let at = |i: usize| x_last + 1.0 + i as f64;
    let mut forecast = vec![(x_last, y_last)];
    forecast.extend(points.iter().enumerate().map(|(i, p)| (at(i), p.value)));
    let lo: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.lo80.map(|v| (at(i), v)))
        .collect();
    let hi: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.hi80.map(|v| (at(i), v)))
        .collect();
    let ys = history
        .iter()
        .chain(&forecast)
        .chain(&lo)
        .chain(&hi)
        .map(|p| p.1)
        .filter(|y| y.is_finite());
    let (mut y0, mut y1) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    if !(y0.is_finite() && y1.is_finite()) {
        return;
    }
    let pad = ((y1 - y0) * 0.05).max(y1.abs().max(1.0) * 1e-6);
    y0 -= pad;
    y1 += pad;
    let x1 = forecast.last().map_or(x_last, |p| p.0).max(1.0);
    let Some(first) = data.first_period() else {
        return;
    };
    let x_labels: Vec<Span> = [0.0, x1 / 2.0, x1]
        .iter()
        .map(|x| Span::styled(first.plus(x.round() as i64).to_string(), theme.dim))
        .collect();
    let y_labels: Vec<Span> = [y0, (y0 + y1) / 2.0, y1]
        .iter()
        .map(|y| Span::styled(num(*y), theme.dim))
        .collect();
    let datasets = vec![
        Dataset::default()
            .name(crate::tr!("tui.market.low80"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Scatter)
            .style(theme.warn.remove_modifier(Modifier::BOLD))
            .data(&lo),
        Dataset::default()
            .name(crate::tr!("tui.market.high80"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Scatter)
            .style(theme.warn.remove_modifier(Modifier::BOLD))
            .data(&hi),
        Dataset::default()
            .name(crate::tr!("tui.market.history"))
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.base)
            .data(&history),
        Dataset::default()
            .name(crate::tr!("tui.market.forecast"))
            .marker(Marker::Dot)
            .graph_type(GraphType::Line)
            .style(theme.key)
            .data(&forecast),
    ];
    let chart = Chart::new(datasets)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, x1])
                .labels(x_labels)
                .style(theme.border),
        )
        .y_axis(
            Axis::default()
                .bounds([y0, y1])
                .labels(y_labels)
                .style(theme.border),
        );
    frame.render_widget(chart, area);
}
