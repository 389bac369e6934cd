//! Votes view: where the room disagrees. One row per scenario, one column
//! per criterion; each cell shows its spread (the IQR of its votes, as a
//! share of the criterion's scale) as a glyph — readable without colour —
//! and a colour, then the number of votes; `!` marks the cells to discuss
//! first (scoring them at their quartiles could change the winner). `P`
//! shows the selected scenario's votes participant by participant.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{View, scenario_rows, selected_scenario};
use crate::analysis::votes::{CellStats, VoteSummary, summarise};
use crate::tui::steps::number;
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::Model;

/// Spread glyphs, from agreement to the widest IQR.
pub const GLYPHS: [&str; 5] = ["·", "▂", "▄", "▆", "█"];

/// The level (index into [`GLYPHS`]) of an IQR on a scale of `range`:
/// 0 when the middle half of the votes agree, then up to ⅛, ¼, ½ of the
/// scale, and wider.
pub fn level(iqr: f64, range: f64) -> usize {
    if iqr.is_nan() || range.is_nan() || iqr <= 0.0 || range <= 0.0 {
        return 0;
    }
    let r = iqr / range;
    if r <= 0.125 {
        1
    } else if r <= 0.25 {
        2
    } else if r <= 0.5 {
        3
    } else {
        4
    }
}

fn level_style(level: usize, theme: &Theme) -> Style {
    match level {
        0 => theme.dim,
        1 | 2 => theme.ok,
        3 => theme.warn,
        _ => theme.error,
    }
}

/// A cell as text, 4 columns wide: `!` when it could flip the winner, the
/// spread glyph, the vote count (`—` without votes).
pub fn cell_text(c: Option<&CellStats>, range: f64, flips: bool) -> (String, usize) {
    match c {
        None => ("   —".into(), 0),
        Some(c) => {
            let lv = level(c.iqr, range);
            let mark = if flips { "!" } else { " " };
            let n = if c.n > 99 {
                "99".to_string()
            } else {
                c.n.to_string()
            };
            (format!("{mark}{}{n:>2}", GLYPHS[lv]), lv)
        }
    }
}

/// `s` right-aligned in `w` columns (display width, so CJK lines up).
fn right(s: &str, w: usize) -> String {
    let s = ui::truncate(s, w.saturating_sub(1));
    let used = unicode_width::UnicodeWidthStr::width(s.as_str());
    format!("{}{s}", " ".repeat(w.saturating_sub(used)))
}

fn range_of(model: &Model, j: usize) -> f64 {
    model.criteria.get(j).map_or(0.0, |c| c.max - c.min)
}

/// The criteria shown when only `fit` columns fit: a window that keeps
/// the selected criterion in view.
fn window(n: usize, fit: usize, sel: usize) -> std::ops::Range<usize> {
    let fit = fit.clamp(1, n.max(1));
    let start = (sel + 1).saturating_sub(fit).min(n.saturating_sub(fit));
    start..(start + fit).min(n)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme, participants: bool) {
    let model = &app.ws.model;
    if model.votes.is_empty() {
        let text = vec![
            Line::from(crate::tr!("votes.view.none")),
            Line::default(),
            Line::from(Span::styled(crate::tr!("votes.view.none_hint"), theme.dim)),
        ];
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(text, area.width.saturating_sub(2), true))
                .block(ui::block(crate::tr!("votes.view.title"), theme)),
            area,
        );
        return;
    }
    // The summary comes from the pane's cache (one computation per
    // workspace revision); computed here only before the first sync.
    let computed;
    let summary = match app.summary {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            frame.render_widget(
                Paragraph::new(Span::styled(format!("✗ {e}"), theme.error))
                    .block(ui::block(crate::tr!("votes.view.title"), theme)),
                area,
            );
            return;
        }
        None => match summarise(model, None) {
            Ok(s) => {
                computed = s;
                &computed
            }
            Err(e) => {
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("✗ {e}"), theme.error))
                        .block(ui::block(crate::tr!("votes.view.title"), theme)),
                    area,
                );
                return;
            }
        },
    };
    let rows = scenario_rows(app);
    // Participants: a header and a row per criterion; else the key and the
    // cells to discuss first. The grid keeps at least a header and 3 rows.
    let criteria = u16::try_from(model.criteria.len()).unwrap_or(u16::MAX);
    let detail_h = if participants {
        criteria
            .saturating_add(3)
            .min(area.height.saturating_sub(6))
            .max(4)
    } else {
        5.min(area.height / 3).max(4)
    };
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(area);
    draw_grid(frame, table_area, app, summary, &rows, theme);
    let sel = selected_scenario(app, &rows);
    if participants {
        draw_participants(frame, detail_area, app, summary, sel, theme);
    } else {
        draw_discuss(frame, detail_area, app, summary, theme);
    }
}

fn draw_grid(
    frame: &mut Frame,
    area: Rect,
    app: &View,
    s: &VoteSummary,
    rows: &[usize],
    theme: &Theme,
) {
    let model = &app.ws.model;
    let block = ui::block(crate::tr!("votes.view.title"), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let m = model.criteria.len();
    let sel_crit = app.criterion.min(m.saturating_sub(1));
    // "#" (2) + name (≥ 10) + 5 per criterion.
    let fit = (usize::from(inner.width).saturating_sub(2 + 1 + 10) / 5).max(1);
    let shown = window(m, fit, sel_crit);
    let name_w = usize::from(inner.width)
        .saturating_sub(3 + 5 * shown.len())
        .max(4);
    let cell = |i: usize, j: usize| s.cells.iter().find(|c| c.scenario == i && c.criterion == j);
    let flips = |i: usize, j: usize| {
        s.discuss_first
            .iter()
            .any(|d| d.scenario == i && d.criterion == j && d.could_flip)
    };
    let mut lines = Vec::new();
    let mut head = vec![Span::styled(
        format!(
            "{:<2} {}",
            "#",
            ui::pad(&crate::tr!("votes.view.scenario"), name_w)
        ),
        theme.title,
    )];
    for j in shown.clone() {
        // Criteria by their names (the workspace's words), as the matrix does.
        let name = model.criteria.get(j).map_or("", |c| c.name.as_str());
        let style = if j == sel_crit {
            theme.key.add_modifier(Modifier::REVERSED)
        } else {
            theme.title
        };
        head.push(Span::raw(" "));
        head.push(Span::styled(ui::rpad(name, 4), style));
    }
    lines.push(Line::from(head));
    let visible = usize::from(inner.height).saturating_sub(1);
    let sel_row = app.scenarios.selected.min(rows.len().saturating_sub(1));
    let start = (sel_row + 1).saturating_sub(visible.max(1));
    let ranks = app.analysis.as_ref().ok().map(|a| &a.ranking.ranks);
    for (pos, &i) in rows.iter().enumerate().skip(start).take(visible) {
        let sc = &model.scenarios[i];
        let rank = ranks
            .and_then(|r| r.get(i))
            .map_or("–".to_string(), ToString::to_string);
        let row_style = ui::row_style(pos == sel_row, theme);
        let mut spans = vec![Span::styled(
            format!("{rank:>2} {}", ui::pad(&sc.name, name_w)),
            row_style,
        )];
        for j in shown.clone() {
            let f = flips(i, j);
            let (text, lv) = cell_text(cell(i, j), range_of(model, j), f);
            let mut style = level_style(lv, theme);
            if f {
                style = style.add_modifier(Modifier::BOLD);
            }
            if pos == sel_row && j == sel_crit {
                style = style.add_modifier(Modifier::REVERSED);
            }
            spans.push(Span::raw(" "));
            spans.push(Span::styled(text, style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The key to the glyphs and the first cells to discuss.
fn draw_discuss(frame: &mut Frame, area: Rect, app: &View, s: &VoteSummary, theme: &Theme) {
    let model = &app.ws.model;
    let mut lines = vec![Line::from(vec![
        Span::styled(GLYPHS.join(""), theme.key),
        Span::styled(format!(" {}", crate::tr!("votes.view.key")), theme.dim),
    ])];
    let flips: Vec<_> = s.discuss_first.iter().filter(|d| d.could_flip).collect();
    let list = if flips.is_empty() {
        crate::tr!("votes.view.no_flip")
    } else {
        let items: Vec<String> = flips
            .iter()
            .take(3)
            .map(|d| {
                let sc = model
                    .scenarios
                    .get(d.scenario)
                    .map_or("?", |x| x.id.as_str());
                let cr = model
                    .criteria
                    .get(d.criterion)
                    .map_or("?", |x| x.id.as_str());
                crate::tr!(
                    "tui.votes.view.discuss_cell",
                    scenario = sc,
                    criterion = cr,
                    iqr = number(d.spread)
                )
            })
            .collect();
        crate::tr!("votes.view.discuss", cells = items.join(", "))
    };
    lines.push(Line::from(Span::styled(list, theme.warn)));
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, area.width.saturating_sub(2), true))
            .block(ui::block(crate::tr!("votes.view.discuss_title"), theme)),
        area,
    );
}

/// The selected scenario's votes: one row per criterion, one column per
/// participant, then the median and IQR.
fn draw_participants(
    frame: &mut Frame,
    area: Rect,
    app: &View,
    s: &VoteSummary,
    sel: Option<usize>,
    theme: &Theme,
) {
    let model = &app.ws.model;
    let title = match sel.and_then(|i| model.scenarios.get(i)) {
        Some(sc) => crate::tr!("votes.view.participants_of", scenario = sc.name.clone()),
        None => crate::tr!("votes.view.participants"),
    };
    let block = ui::block(title, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(i) = sel else { return };
    // Room for a criterion's name ("Total cost", "商业价值").
    let crit_w = 12usize;
    // criterion + median (5) + IQR (5) + 4 per participant.
    let fit = usize::from(inner.width).saturating_sub(crit_w + 12) / 4;
    let p = s.participants.len();
    let shown = p.min(fit);
    let mut head = vec![Span::styled(format!("{:<crit_w$}", ""), theme.title)];
    for part in s.participants.iter().take(shown) {
        head.push(Span::styled(
            format!("{:>4}", ui::truncate(&part.id, 3)),
            theme.title,
        ));
    }
    head.push(Span::styled(
        format!(
            "{}{}",
            right(&crate::tr!("tui.votes.view.median_short"), 6),
            right(&crate::tr!("tui.votes.view.iqr_short"), 6)
        ),
        theme.title,
    ));
    if shown < p {
        head.push(Span::styled(format!(" +{}", p - shown), theme.dim));
    }
    let mut lines = vec![Line::from(head)];
    for (j, c) in model.criteria.iter().enumerate() {
        let stats = s.cells.iter().find(|x| x.scenario == i && x.criterion == j);
        let mut spans = vec![Span::styled(
            format!("{} ", ui::pad(&c.name, crit_w - 1)),
            if j == app.criterion {
                theme.key
            } else {
                theme.base
            },
        )];
        for k in 0..shown {
            let v = stats
                .and_then(|x| x.votes.iter().find(|v| v.0 == k))
                .map(|v| v.1);
            spans.push(Span::raw(format!(
                "{:>4}",
                v.map_or("·".to_string(), number)
            )));
        }
        let (med, iqr) = stats.map_or(("—".to_string(), "—".to_string()), |x| {
            (number(x.median), number(x.iqr))
        });
        let lv = stats.map_or(0, |x| level(x.iqr, c.max - c.min));
        spans.push(Span::raw(format!("{med:>6}")));
        spans.push(Span::styled(format!("{iqr:>6}"), level_style(lv, theme)));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_by_share_of_the_scale() {
        // Scale 1–5 (range 4): IQR 0 agrees, 0.5 = ⅛, 1 = ¼, 2 = ½, 3 wider.
        assert_eq!(level(0.0, 4.0), 0);
        assert_eq!(level(0.5, 4.0), 1);
        assert_eq!(level(0.75, 4.0), 2);
        assert_eq!(level(1.0, 4.0), 2);
        assert_eq!(level(2.0, 4.0), 3);
        assert_eq!(level(3.0, 4.0), 4);
        assert_eq!(level(f64::NAN, 4.0), 0);
        assert_eq!(level(1.0, 0.0), 0);
    }

    #[test]
    fn window_keeps_the_selected_criterion() {
        assert_eq!(window(12, 5, 0), 0..5);
        assert_eq!(window(12, 5, 7), 3..8);
        assert_eq!(window(12, 5, 11), 7..12);
        assert_eq!(window(3, 5, 2), 0..3);
        assert_eq!(window(0, 5, 0), 0..0);
    }

    #[test]
    fn cells_read_without_colour() {
        let c =
            crate::analysis::votes::cell_stats(0, 0, vec![(0, 1.0), (1, 5.0), (2, 5.0), (3, 1.0)]);
        // IQR of 1, 1, 5, 5 (type 7) = 4: the widest glyph; 4 votes.
        assert_eq!(cell_text(Some(&c), 4.0, true), ("!█ 4".to_string(), 4));
        assert_eq!(cell_text(Some(&c), 4.0, false).0, " █ 4");
        assert_eq!(cell_text(None, 4.0, false).0, "   —");
    }
}
