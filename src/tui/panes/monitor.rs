//! Monitor pane (seed §3.4, §4.3): after launch, the KPIs against their
//! path, cumulative revenue against plan, the model's drift, and the
//! triggers; `Enter` follows a trigger back to the decision it questions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph};

use super::{fit_line, plain};
use crate::analysis::monitor::{Adjust, KpiReport, KpiStatus, Monitoring, RevenueReport, Trigger};
use crate::numfmt;
use crate::tui::component::{AppCtx, Component, Handled, Level, ListView, Modal, Pane};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::{Date, RecordKind};

/// The Monitor pane: the cursor in the trigger list, or (`v`) in the list
/// of recorded measurements and actuals, which `e`/`Enter` edit and `d`
/// deletes. The figures are [`AppCtx::monitoring`], computed once per
/// workspace revision.
#[derive(Debug, Default)]
pub struct MonitorPane {
    /// The trigger under the cursor.
    pub list: ListView,
    /// Trigger rows the last layout step had room for.
    trigger_rows: usize,
    /// The records list is shown instead of the triggers.
    pub records_view: bool,
    /// The record under the cursor in the records list.
    pub records: ListView,
}

/// The recorded measurements and actuals, newest first: (date, kind, index).
pub fn record_rows(ctx: &AppCtx) -> Vec<(Option<Date>, RecordKind, usize)> {
    let m = &ctx.ws.model;
    let mut rows: Vec<(Option<Date>, RecordKind, usize)> = m
        .measurements
        .iter()
        .enumerate()
        .map(|(i, r)| (r.date, RecordKind::Measurement, i))
        .chain(
            m.actuals
                .iter()
                .enumerate()
                .map(|(i, a)| (a.month, RecordKind::Actual, i)),
        )
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    rows
}

/// `s` cut to `width` terminal columns and padded to exactly that width
/// (wide characters such as 中文 take two).
fn pad(s: &str, width: usize) -> String {
    let t = ui::truncate(s, width);
    let w = unicode_width::UnicodeWidthStr::width(t.as_str());
    format!("{t}{}", " ".repeat(width.saturating_sub(w)))
}

const SPARK: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A sparkline of the values, `width` cells at most (the latest points).
pub fn sparkline(values: &[f64], width: usize) -> String {
    let v = &values[values.len().saturating_sub(width)..];
    let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    v.iter()
        .map(|x| {
            if hi > lo {
                SPARK[(((x - lo) / (hi - lo)) * 7.0).round().clamp(0.0, 7.0) as usize]
            } else {
                SPARK[3]
            }
        })
        .collect()
}

/// How a status reads without colour, and its style.
pub fn status_text(s: KpiStatus, theme: &Theme) -> (String, Style) {
    match s {
        KpiStatus::OnTrack => (crate::tr!("tui.monitor.on_track"), theme.ok),
        KpiStatus::AtRisk => (crate::tr!("tui.monitor.at_risk"), theme.warn),
        KpiStatus::OffTrack => (crate::tr!("tui.monitor.off_track"), theme.error),
        KpiStatus::NoData => (crate::tr!("tui.monitor.no_data"), theme.dim),
    }
}

/// The record and pane a trigger leads to.
fn target(t: &Trigger, ctx: &AppCtx) -> Result<(RecordKind, usize), Pane> {
    let find = |kind: RecordKind, id: &str| {
        ctx.ws
            .ids(kind)
            .iter()
            .position(|x| *x == id)
            .map(|i| (kind, i))
    };
    match &t.adjust {
        Adjust::Need(id) => find(RecordKind::Need, id).ok_or(Pane::Needs),
        Adjust::Scenario(id) => find(RecordKind::Scenario, id).ok_or(Pane::Scenarios),
        Adjust::Risk(id) => find(RecordKind::Risk, id).ok_or(Pane::Risks),
        Adjust::Retrain => Err(Pane::Training),
    }
}

/// A form for a new record of `kind` with its date field `key` filled in.
fn add_dated(kind: RecordKind, key: &str, date: Date, ctx: &AppCtx) -> Handled {
    let mut form = Form::new(&ctx.ws, kind, None);
    for f in &mut form.fields {
        if f.path == [key] {
            f.input = tui_input::Input::new(date.to_string());
        }
    }
    form.validate_all(&ctx.ws);
    Handled::Open(Modal::Form(Box::new(form)))
}

/// The areas of the pane: KPIs, then revenue and drift side by side, then
/// the triggers. In presentation mode: KPIs and triggers only.
fn areas(area: Rect, m: &Monitoring, presentation: bool) -> (Rect, Option<(Rect, Rect)>, Rect) {
    let kpi_h = (m.kpis.len().max(1) as u16 + 3).min(area.height / 3).max(4);
    if presentation || area.height < 18 {
        let [k, t] = Layout::vertical([Constraint::Length(kpi_h), Constraint::Fill(1)]).areas(area);
        return (k, None, t);
    }
    let [k, mid, t] = Layout::vertical([
        Constraint::Length(kpi_h),
        Constraint::Length(8),
        Constraint::Fill(1),
    ])
    .areas(area);
    let drift_w = (mid.width / 2).min(40);
    let [rev, drift] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(drift_w)]).areas(mid);
    (k, Some((rev, drift)), t)
}

impl Component for MonitorPane {
    fn commands(&self) -> Vec<Scope> {
        vec![Scope::Nav, Scope::Monitor]
    }

    fn sync(&mut self, ctx: &mut AppCtx) {
        ctx.sync_monitoring();
        self.list.clamp(ctx.monitoring.triggers.len());
        self.records.clamp(record_rows(ctx).len());
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        let (_, _, t) = areas(area, &ctx.monitoring, ctx.presentation);
        self.trigger_rows = t.height.saturating_sub(2) as usize / 2;
        self.list
            .scroll(self.trigger_rows.max(1), ctx.monitoring.triggers.len());
        let rows = t.height.saturating_sub(3) as usize;
        self.records.scroll(rows.max(1), record_rows(ctx).len());
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        if action == Action::MonitorView {
            self.records_view = !self.records_view;
            return Handled::Done;
        }
        if self.records_view {
            let rows = record_rows(ctx);
            if self.records.navigate(action, rows.len()) {
                return Handled::Done;
            }
            let selected = rows.get(self.records.selected).map(|&(_, k, i)| (k, i));
            match action {
                Action::Follow | Action::MonitorEdit => {
                    return match selected {
                        Some((kind, i)) => super::edit(kind, Some(i), ctx),
                        None => {
                            ctx.say(Level::Info, crate::tr!("tui.monitor.nothing_yet"));
                            Handled::Done
                        }
                    };
                }
                Action::MonitorDelete => {
                    return match selected {
                        Some((kind, i)) => super::delete(kind, Some(i), ctx),
                        None => Handled::Done,
                    };
                }
                _ => {}
            }
        }
        let n = ctx.monitoring.triggers.len();
        if !self.records_view && self.list.navigate(action, n) {
            return Handled::Done;
        }
        match action {
            Action::MonitorEdit | Action::MonitorDelete => {
                ctx.say(Level::Info, crate::tr!("tui.monitor.v_lists"));
                Handled::Done
            }
            Action::Follow => {
                let Some(t) = ctx.monitoring.triggers.get(self.list.selected) else {
                    ctx.say(Level::Info, crate::tr!("tui.monitor.no_trigger_follow"));
                    return Handled::Done;
                };
                let proposal = t.proposal.clone();
                match target(t, ctx) {
                    Ok((kind, index)) => Handled::Jump(kind, index, proposal),
                    Err(pane) => {
                        ctx.say(Level::Info, proposal);
                        Handled::Go(pane)
                    }
                }
            }
            Action::AddMeasurement => add_dated(RecordKind::Measurement, "date", ctx.today, ctx),
            Action::AddActual => {
                // The month after the latest one recorded, else last month
                // (the latest whose figures are in).
                let month = match ctx.ws.model.actuals.iter().filter_map(|a| a.month).max() {
                    Some(latest) => crate::analysis::monitor::add_months(latest, 1),
                    None => crate::analysis::monitor::add_months(ctx.today, -1),
                };
                add_dated(RecordKind::Actual, "month", month, ctx)
            }
            _ => Handled::Ignored,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        let theme = &ctx.theme();
        let m = &ctx.monitoring;
        let (k, mid, t) = areas(area, m, ctx.presentation);
        draw_kpis(frame, k, &m.kpis, ctx.presentation, theme);
        if let Some((rev, drift)) = mid {
            draw_revenue(frame, rev, &m.revenue, theme);
            draw_drift(frame, drift, m, ctx.ws.model.monitor.thresholds.psi, theme);
        }
        if self.records_view {
            self.draw_records(frame, t, ctx, theme);
        } else {
            self.draw_triggers(frame, t, m, theme);
        }
    }

    fn list(&self) -> Option<&ListView> {
        Some(if self.records_view {
            &self.records
        } else {
            &self.list
        })
    }

    fn list_mut(&mut self) -> Option<&mut ListView> {
        Some(if self.records_view {
            &mut self.records
        } else {
            &mut self.list
        })
    }

    fn selected(&self, ctx: &AppCtx) -> Option<(RecordKind, usize)> {
        if !self.records_view {
            return None;
        }
        record_rows(ctx)
            .get(self.records.selected)
            .map(|&(_, k, i)| (k, i))
    }

    fn select(&mut self, kind: RecordKind, index: usize, ctx: &AppCtx) -> bool {
        let Some(at) = record_rows(ctx)
            .iter()
            .position(|&(_, k, i)| k == kind && i == index)
        else {
            return false;
        };
        // The view stays: after `a`, the triggers show what the new
        // measurement changed; `v` shows it selected in the records.
        self.records.selected = at;
        true
    }
}

fn draw_kpis(frame: &mut Frame, area: Rect, kpis: &[KpiReport], presentation: bool, theme: &Theme) {
    let block = ui::block(crate::tr!("tui.monitor.kpis_title"), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    if kpis.is_empty() {
        frame.render_widget(
            Paragraph::new(plain(crate::tr!("tui.monitor.no_kpi"), theme.dim)),
            inner,
        );
        return;
    }
    // need · metric · sparkline · latest → target · status
    let status_w = 11;
    let spark_w = if presentation { 0 } else { 8 };
    let num_w = 15;
    let need_w = if presentation { 0 } else { 9 };
    let metric_w = w
        .saturating_sub(status_w + spark_w + num_w + need_w + 4)
        .max(4);
    let mut lines = vec![fit_line(
        Line::from(Span::styled(
            format!(
                "{}{} {}{} {}",
                if presentation {
                    String::new()
                } else {
                    ui::pad(&crate::tr!("tui.monitor.h.need"), need_w)
                },
                ui::pad(&crate::tr!("tui.monitor.h.metric"), metric_w),
                if presentation {
                    String::new()
                } else {
                    format!("{} ", ui::pad(&crate::tr!("tui.monitor.h.trend"), spark_w))
                },
                ui::rpad(&crate::tr!("tui.monitor.h.latest"), num_w),
                crate::tr!("tui.monitor.h.status")
            ),
            theme.header,
        )),
        w,
    )];
    for k in kpis {
        let (status, style) = status_text(k.status, theme);
        let values: Vec<f64> = k.points.iter().map(|p| p.1).collect();
        let nums = format!(
            "{} → {}",
            k.latest
                .map(|l| numfmt::compact(l.1))
                .unwrap_or_else(|| numfmt::MISSING.into()),
            k.target
                .map(numfmt::compact)
                .unwrap_or_else(|| numfmt::MISSING.into())
        );
        let mut spans = Vec::new();
        if !presentation {
            spans.push(Span::styled(
                pad(&ui::truncate(&k.need, need_w - 1), need_w),
                theme.dim,
            ));
        }
        spans.push(Span::styled(
            format!("{} ", pad(&k.metric, metric_w)),
            theme.base,
        ));
        if !presentation {
            spans.push(Span::styled(
                format!("{:<spark_w$} ", sparkline(&values, spark_w)),
                theme.key,
            ));
        }
        spans.push(Span::styled(format!("{nums:>num_w$} "), theme.base));
        spans.push(Span::styled(status, style));
        lines.push(fit_line(Line::from(spans), w));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Cumulative revenue, plan against actual, of the scenario furthest
/// below plan (the others are listed under the chart's title).
fn draw_revenue(frame: &mut Frame, area: Rect, revenue: &[RevenueReport], theme: &Theme) {
    let Some(r) = revenue
        .iter()
        .min_by(|a, b| a.variance.total_cmp(&b.variance))
    else {
        let block = ui::block(crate::tr!("tui.monitor.revenue_title"), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(plain(crate::tr!("tui.monitor.no_actuals"), theme.dim)),
            inner,
        );
        return;
    };
    let months = r.actual_cumulative.len().max(1);
    // The plan a little beyond the actuals, so the gap shows its direction.
    let shown = (months + months / 3 + 1).min(r.plan_cumulative.len());
    let plan: Vec<(f64, f64)> = r.plan_cumulative[..shown]
        .iter()
        .enumerate()
        .map(|(i, v)| ((i + 1) as f64, *v))
        .collect();
    let actual: Vec<(f64, f64)> = r
        .actual_cumulative
        .iter()
        .enumerate()
        .map(|(i, v)| ((i + 1) as f64, *v))
        .collect();
    let hi = plan
        .iter()
        .chain(&actual)
        .map(|p| p.1)
        .fold(0.0f64, f64::max)
        .max(1.0);
    let share = if r.plan_total > 0.0 {
        format!("{:+.0} %", 100.0 * r.variance / r.plan_total)
    } else {
        numfmt::MISSING.into()
    };
    // The actual line first, the plan's dots over it (each month's dot shows).
    let datasets = vec![
        Dataset::default()
            .name(crate::tr!("tui.monitor.actual"))
            .data(&actual)
            .graph_type(GraphType::Line)
            .marker(Marker::Braille)
            .style(theme.key),
        Dataset::default()
            .name(crate::tr!("tui.monitor.plan"))
            .data(&plan)
            .graph_type(GraphType::Scatter)
            .marker(Marker::Dot)
            .style(theme.dim),
    ];
    let chart = Chart::new(datasets)
        .block(
            ui::block(
                crate::tr!("tui.monitor.vs_plan", scenario = r.scenario, share = share),
                theme,
            )
            .title_bottom(Span::styled(
                crate::tr!("tui.monitor.legend", n = revenue.len()),
                theme.dim,
            )),
        )
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([1.0, shown.max(2) as f64])
                .labels(vec![
                    Span::raw("m1"),
                    Span::raw(format!("m{}", shown.max(2))),
                ])
                .style(theme.dim),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, hi * 1.05])
                .labels(vec![Span::raw("0"), Span::raw(numfmt::compact(hi))])
                .style(theme.dim),
        );
    frame.render_widget(chart, area);
}

/// PSI bars per feature, worst first, and the AUC line.
fn draw_drift(frame: &mut Frame, area: Rect, m: &Monitoring, threshold: f64, theme: &Theme) {
    let block = ui::block(crate::tr!("tui.monitor.drift_title"), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let mut lines: Vec<Line> = Vec::new();
    // AUC over time: every labelled batch, oldest first (the latest last).
    let aucs: Vec<String> = m
        .model
        .auc
        .iter()
        .map(|(_, _, a)| format!("{a:.2}"))
        .collect();
    let auc = match (aucs.is_empty(), m.model.validation_auc) {
        (false, Some(v)) => Some(crate::tr!(
            "tui.monitor.auc_valid",
            aucs = aucs.join(" → "),
            v = format!("{v:.2}")
        )),
        (false, None) => Some(format!("AUC {}", aucs.join(" → "))),
        _ => None,
    };
    let rows = h.saturating_sub(usize::from(auc.is_some()));
    if m.model.psi.is_empty() {
        lines.push(plain(
            if m.model.batches == 0 {
                crate::tr!("tui.monitor.no_batch")
            } else {
                crate::tr!("tui.monitor.no_feature")
            },
            theme.dim,
        ));
    }
    let name_w = 14.min(w / 2);
    let bar_w = w.saturating_sub(name_w + 6);
    for f in m.model.psi.iter().take(rows) {
        // Full bar at PSI 0.5; the threshold (0.2 by default) shows as colour and `!`.
        let filled = ((f.psi / 0.5).min(1.0) * bar_w as f64).round() as usize;
        let over = f.psi > threshold;
        let style = if over { theme.error } else { theme.key };
        lines.push(fit_line(
            Line::from(vec![
                Span::styled(
                    pad(&ui::truncate(&f.feature, name_w.saturating_sub(1)), name_w),
                    theme.base,
                ),
                Span::styled("█".repeat(filled), style),
                Span::styled(
                    format!(
                        "{} {:.2}{}",
                        " ".repeat(bar_w.saturating_sub(filled)),
                        f.psi,
                        if over { "!" } else { "" }
                    ),
                    style,
                ),
            ]),
            w,
        ));
    }
    lines.truncate(rows.max(1));
    if let Some(a) = auc {
        lines.push(plain(a, theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

impl MonitorPane {
    /// The recorded measurements and actuals, newest first.
    fn draw_records(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx, theme: &Theme) {
        let rows = record_rows(ctx);
        let block = ui::block(crate::tr!("tui.monitor.recorded", n = rows.len()), theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = inner.width as usize;
        let m = &ctx.ws.model;
        let mut lines: Vec<Line> = Vec::new();
        if rows.is_empty() {
            lines.push(plain(crate::tr!("tui.monitor.nothing_after"), theme.dim));
        }
        let height = inner.height as usize;
        for (n, &(date, kind, i)) in rows
            .iter()
            .enumerate()
            .skip(self.records.offset)
            .take(height.max(1))
        {
            let selected = n == self.records.selected;
            let style = ui::row_style(selected, theme);
            let mark = if selected { "▶ " } else { "  " };
            let (what, text) = match kind {
                RecordKind::Measurement => {
                    let r = &m.measurements[i];
                    let need = m.need(&r.need);
                    let unit = need
                        .and_then(|n| n.kpi.as_ref())
                        .map(|k| k.unit.clone())
                        .unwrap_or_default();
                    let metric = need
                        .and_then(|n| n.kpi.as_ref())
                        .map(|k| k.metric.clone())
                        .unwrap_or_else(|| r.need.clone());
                    (
                        crate::tr!("tui.monitor.kind_kpi"),
                        format!(
                            "{} {metric}: {} {unit}{}",
                            r.need,
                            numfmt::compact(r.value),
                            if r.note.is_empty() {
                                String::new()
                            } else {
                                format!(" · {}", r.note)
                            }
                        ),
                    )
                }
                _ => {
                    let a = &m.actuals[i];
                    (
                        crate::tr!("tui.monitor.kind_actual"),
                        crate::tr!(
                            "tui.monitor.actual_line",
                            scenario = a.scenario,
                            revenue = numfmt::compact(a.revenue),
                            cost = numfmt::compact(a.cost)
                        ),
                    )
                }
            };
            let day = match (kind, date) {
                (RecordKind::Actual, Some(d)) => d.to_string().chars().take(7).collect(),
                (_, Some(d)) => d.to_string(),
                (_, None) => numfmt::MISSING.to_string(),
            };
            lines.push(fit_line(
                Line::from(vec![
                    Span::styled(mark, style),
                    Span::styled(format!("{day:<10} "), style),
                    Span::styled(
                        format!("{} ", ui::pad(&what, 6)),
                        if selected { style } else { theme.key },
                    ),
                    Span::styled(text, style),
                ]),
                w,
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_triggers(&self, frame: &mut Frame, area: Rect, m: &Monitoring, theme: &Theme) {
        let title = if m.triggers.is_empty() {
            crate::tr!("tui.monitor.triggers_none")
        } else {
            crate::tr!("tui.monitor.triggers", n = m.triggers.len())
        };
        let block = ui::block(title, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let w = inner.width as usize;
        let mut lines: Vec<Line> = Vec::new();
        if m.triggers.is_empty() {
            lines.push(plain(
                if m.is_empty() {
                    crate::tr!("tui.monitor.nothing_after")
                } else {
                    crate::tr!("tui.monitor.within")
                },
                theme.dim,
            ));
        }
        let first = self.list.offset;
        let rows = (inner.height as usize / 2).max(1);
        for (i, t) in m.triggers.iter().enumerate().skip(first).take(rows) {
            let selected = i == self.list.selected;
            let style = ui::row_style(selected, theme);
            let mark = if selected { "▶ " } else { "  " };
            lines.push(fit_line(
                Line::from(vec![
                    Span::styled(mark, style),
                    Span::styled(
                        format!("{} ", t.kind.as_str()),
                        if selected { style } else { theme.error },
                    ),
                    Span::styled(format!("{}: ", t.subject), style),
                    Span::styled(t.evidence.clone(), style),
                ]),
                w,
            ));
            lines.push(fit_line(
                Line::from(vec![
                    Span::raw("    → "),
                    Span::styled(t.proposal.clone(), theme.dim),
                ]),
                w,
            ));
        }
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
