//! AHP view: the pairwise comparisons on Saaty's scale, their
//! consistency and the weights they give.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{View, comparison, pair, rows};
use crate::analysis::ahp;
use crate::tui::panes::window_table;
use crate::tui::steps::saaty;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// Saaty's words for a ratio ≥ 1.
fn intensity(r: f64) -> String {
    match r.round() as i64 {
        i64::MIN..=1 => crate::tr!("tui.scn.ahp.i1"),
        2 => crate::tr!("tui.scn.ahp.i2"),
        3 => crate::tr!("tui.scn.ahp.i3"),
        4 => crate::tr!("tui.scn.ahp.i4"),
        5 => crate::tr!("tui.scn.ahp.i5"),
        6 => crate::tr!("tui.scn.ahp.i6"),
        7 => crate::tr!("tui.scn.ahp.i7"),
        8 => crate::tr!("tui.scn.ahp.i8"),
        _ => crate::tr!("tui.scn.ahp.i9"),
    }
}

/// The pairs table and the consistency panel.
fn areas(area: Rect) -> [Rect; 2] {
    if area.width >= 70 {
        Layout::horizontal([Constraint::Min(40), Constraint::Length(32)]).areas(area)
    } else {
        Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area)
    }
}

pub fn table_area(area: Rect) -> Rect {
    areas(area)[0]
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let rows = rows(app);
    let m = &app.ws.model;
    let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
    // Criteria are named on screen (the workspace's own words); the id
    // only where a criterion has no name.
    let names: Vec<String> = m
        .criteria
        .iter()
        .map(|c| {
            if c.name.trim().is_empty() {
                c.id.clone()
            } else {
                c.name.clone()
            }
        })
        .collect();
    let n = ids.len();
    let result = ahp(&ids, &m.comparisons);
    let wide = area.width >= 70;
    let [left, right] = areas(area);
    let _selected = app.pairs.selected.min(rows.len().saturating_sub(1));
    let longest = names
        .iter()
        .map(|i| unicode_width::UnicodeWidthStr::width(i.as_str()))
        .max()
        .unwrap_or(1) as u16;
    let id_w = longest.clamp(4, if wide { 12 } else { 14 });
    let worst = result
        .as_ref()
        .ok()
        .and_then(|r| r.worst_pair.as_ref())
        .map(|w| (w.a.min(w.b), w.a.max(w.b)));
    let inconsistent = result.as_ref().is_ok_and(|r| r.inconsistent());
    let more = crate::tr!("tui.scn.ahp.h.more");
    window_table(
        frame,
        left,
        crate::tr!("tui.scn.ahp.title"),
        vec!["a", "b", "a:b", more.as_str(), ""],
        vec![
            Constraint::Max(id_w.max(24)),
            Constraint::Max(id_w.max(24)),
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Length(1),
        ],
        rows.len(),
        app.pairs,
        theme,
        |pos| {
            let Some((i, j)) = pair(n, rows[pos]) else {
                return vec![];
            };
            let found = comparison(m, &ids[i], &ids[j]);
            let r = found.map(|(_, r)| r).unwrap_or(1.0);
            let favours = if found.is_none() {
                Span::styled(crate::tr!("tui.scn.ahp.not_compared"), theme.dim)
            } else if (r - 1.0).abs() < 1e-9 {
                Span::raw(crate::tr!("tui.scn.ahp.equal"))
            } else if r > 1.0 {
                Span::raw(format!("◀ a {}", intensity(r)))
            } else {
                Span::raw(format!("b {} ▶", intensity(1.0 / r)))
            };
            vec![
                Line::from(names[i].clone()),
                Line::from(names[j].clone()),
                Line::from(saaty(r)),
                Line::from(favours),
                Line::from(if worst == Some((i, j)) && inconsistent {
                    Span::styled("⚠", theme.warn)
                } else if worst == Some((i, j)) {
                    Span::styled("·", theme.dim)
                } else {
                    Span::raw("")
                }),
            ]
        },
    );
    let m = &app.ws.model;
    let mut lines = Vec::new();
    match &result {
        Ok(r) => {
            match r.cr {
                Some(cr) if r.inconsistent() => lines.push(Line::from(Span::styled(
                    crate::tr!("tui.scn.ahp.cr_bad", cr = format!("{cr:.3}")),
                    theme.warn.add_modifier(Modifier::BOLD),
                ))),
                Some(cr) => lines.push(Line::from(Span::styled(
                    crate::tr!("tui.scn.ahp.cr_ok", cr = format!("{cr:.3}")),
                    theme.ok,
                ))),
                None => lines.push(Line::from(Span::styled(
                    crate::tr!("tui.scn.ahp.two"),
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
                    crate::tr!(
                        "tui.scn.ahp.most_off",
                        glyph = glyph,
                        a = names.get(w.a).map(String::as_str).unwrap_or("?"),
                        b = names.get(w.b).map(String::as_str).unwrap_or("?"),
                    ),
                    style,
                )));
                lines.push(Line::from(Span::styled(
                    crate::tr!(
                        "tui.scn.ahp.given",
                        given = saaty(w.given),
                        implied = saaty(w.implied)
                    ),
                    theme.base,
                )));
            }
            if !r.missing.is_empty() {
                lines.push(Line::from(Span::styled(
                    crate::tr!("tui.scn.ahp.missing", n = r.missing.len()),
                    theme.dim,
                )));
            }
            if m.settings.scoring.weights != "ahp" {
                lines.push(Line::from(Span::styled(
                    crate::tr!("tui.scn.ahp.not_in_force"),
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
                        format!("{} {:>3.0}% ", ui::pad(&names[k], label_w), w * 100.0),
                        theme.base,
                    ),
                    Span::styled("█".repeat(filled.min(bar_w)), theme.key),
                ]));
            }
        }
        Err(e) => lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error))),
    }
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, right.width.saturating_sub(2), false))
            .block(ui::block(crate::tr!("tui.scn.ahp.detail_title"), theme)),
        right,
    );
}
