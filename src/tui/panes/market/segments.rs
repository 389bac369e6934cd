//! Segments view: TAM / SAM / SOM sized top-down (TAM × shares) and
//! bottom-up (customers × revenue per customer), one pair of bars per level,
//! with a ⚠ wherever the two are more than 20 % apart.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph};

use super::{View, record_table, selection};
use crate::market::sizing::{self, DISAGREEMENT, Sizing};
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// `⚠ 3 levels` / `✓ agree` / `one way`: whether the two sizings agree.
fn check(s: &Sizing, theme: &Theme) -> Span<'static> {
    let both = [s.difference.tam, s.difference.sam, s.difference.som]
        .iter()
        .filter(|d| d.is_some())
        .count();
    match (s.disagreements.len(), both) {
        (0, 0) => Span::styled(crate::tr!("tui.mkt.seg.one_way"), theme.dim),
        (0, _) => Span::styled(crate::tr!("tui.mkt.seg.agree"), theme.ok),
        _ => Span::styled(
            format!(
                "⚠ {}",
                s.disagreements
                    .iter()
                    .map(|d| d.level)
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            theme.warn,
        ),
    }
}

/// The table and the bars.
fn areas(area: Rect, app: &View) -> [Rect; 2] {
    let (rows, _) = selection(app);
    // Keep room for the bars: six of them plus a line or two of notes.
    let table_h = (rows.len().max(1) as u16 + 3).min(area.height.saturating_sub(10).max(4));
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(4)]).areas(area)
}

pub fn table_area(area: Rect, app: &View) -> Rect {
    areas(area, app)[0]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let sizes = sizing::size_all(&app.ws.model.segments);
    let (rows, selected) = selection(app);
    let [table_area, bars_area] = areas(area, app);
    let presentation = app.presentation;
    let columns = if presentation {
        vec![
            ("name", Constraint::Fill(1)),
            ("TAM", Constraint::Length(8)),
            ("SOM", Constraint::Length(8)),
            ("sizings", Constraint::Length(13)),
        ]
    } else {
        vec![
            ("id", Constraint::Max(32)),
            ("name", Constraint::Fill(1)),
            ("TAM", Constraint::Length(8)),
            ("SAM", Constraint::Length(8)),
            ("SOM", Constraint::Length(8)),
            ("sizings", Constraint::Length(13)),
        ]
    };
    record_table(frame, table_area, app, theme, columns, |app, i| {
        let s = &sizes[i];
        let seg = &app.ws.model.segments[i];
        let v = |x: Option<f64>| x.map(numfmt::compact).unwrap_or_else(|| "—".into());
        let mut cells = vec![];
        if !presentation {
            cells.push(Line::from(seg.id.clone()));
        }
        cells.push(Line::from(seg.name.clone()));
        cells.push(Line::from(v(s.headline.tam)));
        if !presentation {
            cells.push(Line::from(v(s.headline.sam)));
        }
        cells.push(Line::from(v(s.headline.som)));
        cells.push(Line::from(check(s, theme)));
        cells
    });
    let Some(s) = rows.get(selected).and_then(|&i| sizes.get(i)) else {
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(
                Span::styled(crate::tr!("tui.market.no_segments"), theme.dim),
                bars_area.width.saturating_sub(2),
                true,
            ))
            .block(ui::block(crate::tr!("tui.market.sizing"), theme)),
            bars_area,
        );
        return;
    };
    // The segment by its name (the id where it has none).
    let name = app
        .ws
        .model
        .segments
        .iter()
        .find(|seg| seg.id == s.id && !seg.name.trim().is_empty())
        .map_or(s.id.as_str(), |seg| seg.name.as_str());
    bars(frame, bars_area, s, name, theme);
}

/// How a sizing was made, on screen.
fn how_label(how: &str) -> String {
    match how {
        "top-down" => crate::tr!("tui.mkt.seg.top_down"),
        "bottom-up" => crate::tr!("tui.mkt.seg.bottom_up"),
        "none" => crate::tr!("tui.mkt.seg.basis_none"),
        other => other.to_string(),
    }
}

/// Six bars (two per level), each pair scaled to its larger value, then the
/// disagreement and what the headline numbers rest on.
fn bars(frame: &mut Frame, area: Rect, s: &Sizing, name: &str, theme: &Theme) {
    // The name cut with … so the whole title shows.
    let rest = crate::text::width(&crate::tr!("tui.mkt.seg.bars_title", name = ""));
    let name = ui::truncate(
        name,
        usize::from(area.width).saturating_sub(rest + 4).max(4),
    );
    let block = ui::block(crate::tr!("tui.mkt.seg.bars_title", name = name), theme)
        .title_bottom(Span::styled(crate::tr!("tui.mkt.seg.scaled"), theme.dim));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let levels = [
        ("TAM", s.top_down.tam, s.bottom_up.tam),
        ("SAM", s.top_down.sam, s.bottom_up.sam),
        ("SOM", s.top_down.som, s.bottom_up.som),
    ];
    let value_w = 8u16;
    let flag_w = 7u16;
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for (level, td, bu) in levels {
        let larger = td.unwrap_or(0.0).abs().max(bu.unwrap_or(0.0).abs());
        let apart = s.disagreements.iter().find(|d| d.level == level);
        for (k, (how, value)) in [("top-down", td), ("bottom-up", bu)]
            .into_iter()
            .enumerate()
        {
            if y >= bottom {
                return;
            }
            let [gauge_area, value_area, flag_area] = Layout::horizontal([
                Constraint::Min(10),
                Constraint::Length(value_w),
                Constraint::Length(flag_w),
            ])
            .areas(Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: 1,
            });
            let label = format!(
                "{:<3} {}",
                if k == 0 { level } else { "" },
                ui::pad(&how_label(how), 9)
            );
            match value {
                Some(v) => {
                    let ratio = if larger > 0.0 && v.is_finite() {
                        (v.abs() / larger).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    let gauge = LineGauge::default()
                        .ratio(ratio)
                        .label(Span::styled(label, theme.base))
                        .filled_symbol("█")
                        .unfilled_symbol("░")
                        .filled_style(if k == 0 { theme.key } else { theme.header })
                        .unfilled_style(theme.dim);
                    frame.render_widget(gauge, gauge_area);
                    frame.render_widget(
                        Paragraph::new(Span::styled(
                            format!("{:>7}", numfmt::compact(v)),
                            theme.base,
                        )),
                        value_area,
                    );
                }
                None => {
                    let why = if k == 0 {
                        crate::tr!("tui.mkt.seg.needs_tam")
                    } else {
                        crate::tr!("tui.mkt.seg.needs_customers")
                    };
                    frame.render_widget(
                        Paragraph::new(Line::from(vec![
                            Span::styled(label, theme.base),
                            Span::styled(format!(" {why}"), theme.dim),
                        ])),
                        gauge_area,
                    );
                }
            }
            if k == 1
                && let Some(d) = apart
            {
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!(" ⚠{:>3.0}%", d.relative * 100.0),
                        theme.warn,
                    )),
                    flag_area,
                );
            }
            y += 1;
        }
    }
    let mut notes = Vec::new();
    if !s.disagreements.is_empty() {
        notes.push(Line::from(Span::styled(
            crate::tr!(
                "tui.mkt.seg.apart",
                pct = format!("{:.0}", DISAGREEMENT * 100.0),
                levels = s
                    .disagreements
                    .iter()
                    .map(|d| d.level)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            theme.warn,
        )));
    } else if s.difference.som.is_some() || s.difference.tam.is_some() {
        notes.push(Line::from(Span::styled(
            crate::tr!(
                "tui.mkt.seg.within",
                pct = format!("{:.0}", DISAGREEMENT * 100.0)
            ),
            theme.ok,
        )));
    }
    let growth = s
        .growth
        .map(|g| crate::tr!("tui.mkt.seg.growth", pct = format!("{:+.0}", g * 100.0)))
        .unwrap_or_default();
    notes.push(Line::from(Span::styled(
        crate::tr!(
            "tui.mkt.seg.headline",
            basis = how_label(s.basis.as_str()),
            growth = growth
        ),
        theme.dim,
    )));
    if y < bottom {
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(notes, inner.width, true)),
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: bottom - y,
            },
        );
    }
}
