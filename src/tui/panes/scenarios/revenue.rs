//! Revenue view: the selected scenario's cash-flow chart and figures.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

use super::{View, scenario_rows, selected_scenario};
use crate::analysis::Irr;
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// Prices and unit costs: small numbers keep their digits (0.0002).
fn small(x: f64) -> String {
    if x != 0.0 && x.abs() < 1.0 {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        numfmt::compact(x)
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
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
            numfmt::money(p.npv, cur),
        ));
        lines.push(row(
            "IRR",
            match p.irr {
                Irr::Rate { per_period, unique } => format!(
                    "{:.1}%/mo · {}/yr{}",
                    per_period * 100.0,
                    p.irr_annual
                        .map(numfmt::percent_whole)
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
                    numfmt::compact(v),
                    numfmt::compact(p.volume.get(1).copied().unwrap_or(0.0))
                ),
                None => "never (unit cost ≥ price)".into(),
            },
        ));
        lines.push(row(
            "gross margin",
            p.gross_margin
                .map(numfmt::percent_whole)
                .unwrap_or_else(|| "—".into()),
        ));
        lines.push(row(
            "revenue · cost",
            format!(
                "{} · {}",
                numfmt::compact(p.total_revenue),
                numfmt::compact(p.total_cost)
            ),
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
                    numfmt::compact(p.npv),
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
                    Span::raw(numfmt::compact(lo)),
                    Span::raw(numfmt::compact((lo + hi) / 2.0)),
                    Span::raw(numfmt::compact(hi)),
                ])
                .style(theme.dim),
        );
    frame.render_widget(chart, right);
}
