//! Revenue view: the selected scenario's cash-flow chart and figures.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

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

/// Width of the name cell of the "top by rank" lines.
const TOP_NAME_W: usize = 15;

/// One line of the "top by rank" box: rank, name, NPV and payback, 34
/// columns wide whatever the script (by display width; cut with …).
pub fn top_row(rank: &str, name: &str, npv: &str, payback: &str) -> String {
    format!(
        "{} {} {} {}",
        ui::rpad(rank, 3),
        ui::pad(name, TOP_NAME_W),
        ui::rpad(npv, 6),
        ui::rpad(payback, 7)
    )
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let rows = scenario_rows(app);
    let Some(i) = selected_scenario(app, &rows) else {
        frame.render_widget(ui::block(crate::tr!("tui.scn.revenue.block"), theme), area);
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
            Span::styled(format!("{} ", ui::rpad(label, 17)), theme.dim),
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
                crate::tr!("tui.scn.revenue.no_model"),
                theme.dim,
            )));
            None
        }
    };
    if let Some(p) = projection {
        lines.push(row(
            &crate::tr!("tui.scn.revenue.model"),
            crate::tr!(
                "tui.scn.revenue.model_value",
                model = crate::tui::panes::value_label(p.model.as_str()),
                months = p.months
            ),
        ));
        lines.push(row(
            &crate::tr!(
                "tui.scn.revenue.npv",
                rate = format!("{:.0}", p.discount_rate * 100.0)
            ),
            numfmt::money(p.npv, cur),
        ));
        lines.push(row(
            "IRR",
            match p.irr {
                Irr::Rate { per_period, unique } => crate::tr!(
                    "tui.scn.revenue.irr",
                    monthly = format!("{:.1}", per_period * 100.0),
                    yearly = p
                        .irr_annual
                        .map(numfmt::percent_whole)
                        .unwrap_or_else(|| "—".into()),
                    note = if unique {
                        String::new()
                    } else {
                        crate::tr!("tui.scn.revenue.not_unique")
                    }
                ),
                Irr::NoSignChange => crate::tr!("tui.scn.revenue.irr_no_sign_change"),
                Irr::NoRoot { low, high } => crate::tr!(
                    "tui.scn.revenue.irr_no_root",
                    low = numfmt::compact(100.0 * low),
                    high = numfmt::thousands(100.0 * high)
                ),
            },
        ));
        let month = |m: Option<usize>| {
            m.map(|m| crate::tr!("tui.scn.revenue.month", m = m))
                .unwrap_or_else(|| crate::tr!("tui.scn.revenue.not_within"))
        };
        lines.push(row(
            &crate::tr!("tui.scn.revenue.payback"),
            month(p.payback_month),
        ));
        lines.push(row(
            &crate::tr!("tui.scn.revenue.disc_payback"),
            month(p.discounted_payback_month),
        ));
        lines.push(row(
            &crate::tr!("tui.scn.revenue.break_even"),
            match p.break_even_volume {
                Some(v) => crate::tr!(
                    "tui.scn.revenue.break_even_value",
                    volume = numfmt::compact(v),
                    now = numfmt::compact(p.volume.get(1).copied().unwrap_or(0.0))
                ),
                None => crate::tr!("tui.scn.revenue.break_even_never"),
            },
        ));
        lines.push(row(
            &crate::tr!("tui.scn.revenue.gross_margin"),
            p.gross_margin
                .map(numfmt::percent_whole)
                .unwrap_or_else(|| "—".into()),
        ));
        lines.push(row(
            &crate::tr!("tui.scn.revenue.revenue_cost"),
            format!(
                "{} · {}",
                numfmt::compact(p.total_revenue),
                numfmt::compact(p.total_cost)
            ),
        ));
        lines.push(row(
            &crate::tr!("tui.scn.revenue.price_cost"),
            format!("{} · {}", small(p.unit_price), small(p.unit_cost)),
        ));
    }
    // The money of the top scenarios side by side, one line each: cells
    // padded and cut by display width, so a Chinese name never pushes the
    // payback onto a line of its own.
    if wide {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            top_row(
                "#",
                &crate::tr!("tui.scn.revenue.top_by_rank"),
                "NPV",
                &crate::tr!("tui.scn.revenue.payback_short"),
            ),
            theme.header,
        )));
        for &k in a.ranking.order.iter().take(3) {
            let (npv, pb) = match a.revenue.get(k) {
                Some(Some(Ok(p))) => (
                    numfmt::compact(p.npv),
                    p.payback_month
                        .map(|m| crate::tr!("tui.scn.revenue.month_short", m = m))
                        .unwrap_or_else(|| "—".into()),
                ),
                _ => ("—".into(), "—".into()),
            };
            let style = if k == i { theme.key } else { theme.base };
            lines.push(Line::from(Span::styled(
                top_row(
                    &a.ranking.ranks.get(k).copied().unwrap_or(0).to_string(),
                    a.matrix.names.get(k).map(String::as_str).unwrap_or("?"),
                    &npv,
                    &pb,
                ),
                style,
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, area.width.saturating_sub(2), false)).block(
            ui::block(
                crate::tr!("tui.scn.revenue.title", rank = rank, name = name),
                theme,
            ),
        ),
        left,
    );
    let Some(p) = projection else {
        frame.render_widget(
            ui::block(crate::tr!("tui.scn.revenue.cumulative"), theme),
            right,
        );
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
        Some(m) => crate::tr!("tui.scn.revenue.payback_at", m = m),
        None => crate::tr!("tui.scn.revenue.no_payback"),
    };
    let chart = Chart::new(datasets)
        .block(
            ui::block(
                crate::tr!("tui.scn.revenue.chart_title", currency = cur),
                theme,
            )
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
