//! Evidence view: the interviews and survey questions on the left; on the
//! right, a survey's answers as diverging bars (negative answers left of the
//! centre line, positive ones right, the neutral middle split across it)
//! with median, top-two-box and NPS, or an interview with the needs it
//! supports and its notes.

use crate::workspace::model::Evidence;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{View, problem_text, record_table, selection};
use crate::market::evidence::{Answers, Scale};
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;

/// The table and the detail panel.
fn areas(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(44), Constraint::Min(20)]).areas(area)
}

pub fn table_area(area: Rect) -> Rect {
    areas(area)[0]
}

/// An interview's text where it is drawn (for scrolling); `None` for a
/// survey question or no selection.
pub fn detail_text(area: Rect, app: &View, theme: &Theme) -> Option<(Rect, Vec<Line<'static>>)> {
    let [_, detail_area] = areas(area);
    let (rows, selected) = selection(app);
    let e = rows
        .get(selected)
        .and_then(|&i| app.ws.model.evidence.get(i))?;
    if app.data.survey(e).is_some() {
        return None;
    }
    let inner = ui::block("", theme).inner(detail_area);
    Some((inner, interview_lines(e, app, theme)))
}

/// An interview: its title, date and source, the needs it supports with
/// their titles, then the notes.
fn interview_lines(e: &Evidence, app: &View, theme: &Theme) -> Vec<Line<'static>> {
    let mut head = vec![Line::from(Span::styled(e.title.clone(), theme.header))];
    head.push(Line::from(Span::styled(
        format!(
            "{}{}",
            e.date.map(|d| format!("{d} · ")).unwrap_or_default(),
            e.source
        ),
        theme.dim,
    )));
    head.push(Line::from(Span::styled(
        if e.needs.len() == 1 {
            crate::tr!("tui.mkt.ev.supports_one")
        } else {
            crate::tr!("tui.mkt.ev.supports_n", n = e.needs.len())
        },
        theme.dim,
    )));
    head.extend(e.needs.iter().map(|id| {
        let title = app
            .ws
            .model
            .need(id)
            .map(|n| n.title.clone())
            .unwrap_or_else(|| crate::tr!("tui.mkt.ev.no_such_need"));
        Line::from(vec![
            Span::styled(format!("{id} "), theme.key),
            Span::styled(title, theme.base),
        ])
    }));
    head.push(Line::default());
    head.extend(
        e.notes
            .trim()
            .lines()
            .map(|l| Line::from(Span::styled(l.to_string(), theme.base))),
    );
    head
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let [table_area, detail_area] = areas(area);
    let presentation = app.presentation;
    let columns = if presentation {
        vec![("id", Constraint::Max(32)), ("title", Constraint::Fill(1))]
    } else {
        vec![
            ("id", Constraint::Max(32)),
            ("kind", Constraint::Length(9)),
            ("title", Constraint::Fill(1)),
        ]
    };
    record_table(frame, table_area, app, theme, columns, |app, i| {
        let e = &app.ws.model.evidence[i];
        let mut cells = vec![Line::from(e.id.clone())];
        if !presentation {
            cells.push(Line::from(super::super::value_label(e.kind.as_str())));
        }
        cells.push(Line::from(e.title.clone()));
        cells
    });
    let (rows, selected) = selection(app);
    let Some(e) = rows
        .get(selected)
        .and_then(|&i| app.ws.model.evidence.get(i))
    else {
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(
                Span::styled(crate::tr!("tui.market.no_evidence"), theme.dim),
                detail_area.width.saturating_sub(2),
                true,
            ))
            .block(ui::block(crate::tr!("tui.market.evidence"), theme)),
            detail_area,
        );
        return;
    };
    let survey = app.data.survey(e);
    let title = match survey.and_then(|s| s.answers.as_ref()) {
        Some(a) => format!(
            "{} · {} · n {}",
            e.id,
            crate::labels::scale_label(a.scale),
            a.n
        ),
        None => format!("{} · {}", e.id, super::super::value_label(e.kind.as_str())),
    };
    let mut block = ui::block(title, theme);
    if survey.is_some_and(|s| s.answers.is_some()) {
        block = block.title_bottom(Span::styled(crate::tr!("tui.mkt.ev.axis"), theme.dim));
    }
    let inner = block.inner(detail_area);
    frame.render_widget(block, detail_area);
    let Some(survey) = survey else {
        // An interview: the needs it supports, then what was said.
        super::super::scrolled_text(
            frame,
            inner,
            detail_area,
            interview_lines(e, app, theme),
            app.detail,
            app.keymap,
            theme,
        );
        return;
    };
    let mut head = vec![Line::from(Span::styled(e.title.clone(), theme.header))];
    let Some(answers) = &survey.answers else {
        head.push(Line::from(Span::styled(
            crate::tr!("tui.mkt.ev.unreadable"),
            theme.error,
        )));
        head.extend(
            survey
                .problems
                .iter()
                .map(|p| Line::from(Span::styled(problem_text(&app.ws.root, p), theme.base))),
        );
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(head, inner.width, true)),
            inner,
        );
        return;
    };
    let stats = stats(answers, theme);
    let bars_h = answers.counts.len() as u16;
    let fixed = bars_h + stats.len() as u16;
    // The question and the needs take what is left, the question first
    // (at most three lines of it: the table lists it too).
    let spare = inner.height.saturating_sub(fixed);
    let question_h = super::wrapped_height(&e.title, inner.width)
        .min(3)
        .min(spare);
    let needs_room = spare.saturating_sub(question_h) as usize;
    let mut needs: Vec<Line> = Vec::new();
    if needs_room > e.needs.len() && !e.needs.is_empty() {
        // Room for each need with its title (one line each, cut to fit).
        needs.push(Line::from(Span::styled(
            crate::tr!("tui.mkt.ev.supports"),
            theme.dim,
        )));
        let missing = crate::tr!("tui.mkt.ev.no_such_need");
        let width = usize::from(inner.width);
        needs.extend(e.needs.iter().map(|id| {
            let title = app
                .ws
                .model
                .need(id)
                .map_or(missing.as_str(), |n| n.title.as_str());
            let id_w = unicode_width::UnicodeWidthStr::width(id.as_str()) + 1;
            Line::from(vec![
                Span::styled(format!("{id} "), theme.key),
                Span::styled(
                    ui::truncate(title, width.saturating_sub(id_w).max(1)),
                    theme.base,
                ),
            ])
        }));
    } else if needs_room >= 1 && !e.needs.is_empty() {
        needs.push(Line::from(vec![
            Span::styled(crate::tr!("tui.mkt.ev.needs"), theme.dim),
            Span::styled(
                ui::truncate(&e.needs.join(", "), usize::from(inner.width)),
                theme.key,
            ),
        ]));
    }
    let [question_area, needs_area, bars_area, stats_area] = Layout::vertical([
        Constraint::Length(question_h),
        Constraint::Length(needs.len() as u16),
        Constraint::Length(bars_h),
        Constraint::Length(stats.len() as u16),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(
            Span::styled(e.title.clone(), theme.header),
            question_area.width,
            true,
        )),
        question_area,
    );
    frame.render_widget(Paragraph::new(needs), needs_area);
    frame.render_widget(
        Paragraph::new(diverging(answers, bars_area.width, theme)),
        bars_area,
    );
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(stats, stats_area.width, true)),
        stats_area,
    );
}

/// Which side of the centre an answer point falls on: −1 negative, 0 the
/// neutral middle, +1 positive. NPS: 0–6 detract, 7–8 are passive, 9–10 promote.
fn side(scale: Scale, point: i64) -> i8 {
    match scale {
        Scale::Nps => match point {
            ..=6 => -1,
            7 | 8 => 0,
            _ => 1,
        },
        _ => {
            let mid2 = scale.min() + scale.max(); // twice the middle
            (2 * point - mid2).signum() as i8
        }
    }
}

/// One line per answer point, lowest first: `  2  ████│      18 %`.
fn diverging(a: &Answers, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let label_w = if a.scale == Scale::Nps { 3 } else { 2 };
    let bar_w = usize::from(width).saturating_sub(label_w + 6);
    let half = (bar_w.saturating_sub(1) / 2).max(1);
    let most = a.distribution.iter().copied().fold(0.0_f64, f64::max);
    a.distribution
        .iter()
        .enumerate()
        .map(|(i, share)| {
            let point = a.scale.min() + i as i64;
            let len = if most > 0.0 {
                ((share / most) * half as f64).round() as usize
            } else {
                0
            }
            .min(half);
            let (left, right, glyph, style) = match side(a.scale, point) {
                -1 => (len, 0, "█", theme.warn),
                1 => (0, len, "█", theme.ok),
                _ => (len.div_ceil(2), len / 2, "░", theme.dim),
            };
            Line::from(vec![
                Span::styled(format!("{point:>w$} ", w = label_w - 1), theme.dim),
                Span::raw(" ".repeat(half - left)),
                Span::styled(glyph.repeat(left), style),
                Span::styled("│", theme.border),
                Span::styled(glyph.repeat(right), style),
                Span::raw(" ".repeat(half - right)),
                Span::styled(
                    format!("{:>4}", format!("{:.0}%", share * 100.0)),
                    theme.base,
                ),
            ])
        })
        .collect()
}

fn stats(a: &Answers, theme: &Theme) -> Vec<Line<'static>> {
    let num = |x: Option<f64>| match x {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
        None => "—".into(),
    };
    let share = |x: Option<f64>| x.map(numfmt::percent_whole).unwrap_or_else(|| "—".into());
    let mut lines = vec![Line::from(vec![
        Span::styled(crate::tr!("tui.mkt.ev.median"), theme.dim),
        Span::styled(num(a.median), theme.header),
        Span::styled(crate::tr!("tui.mkt.ev.top_two"), theme.dim),
        Span::styled(share(a.top_two_box), theme.header),
    ])];
    match &a.nps {
        Some(nps) => lines.push(Line::from(vec![
            Span::styled("NPS ", theme.dim),
            Span::styled(format!("{:+.0}", nps.score), theme.header),
            Span::styled(
                crate::tr!(
                    "tui.mkt.ev.detractors",
                    share = numfmt::percent_whole(nps.detractors)
                ),
                theme.dim,
            ),
        ])),
        None => lines.push(Line::from(vec![
            Span::styled(crate::tr!("tui.mkt.ev.bottom_two"), theme.dim),
            Span::styled(share(a.bottom_two_box), theme.base),
        ])),
    }
    lines
}
