//! Competitors view: the feature matrix (✓ yes, ~ partial, ✗ no, ? not
//! stated) with the buyers' weights, weighted coverage per competitor, our
//! planned coverage per scenario (best first) and the biggest gaps: ◆ marks
//! the market's white space, `!` each scenario's worst shortfall.
//! Features view: each feature's weight and who covers it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

use super::{View, record_table, selection};
use crate::market::competitors::{self, Coverage, Matrix};
use crate::numfmt;
use crate::tui::theme::Theme;
use crate::tui::ui;

fn glyph(c: Option<Coverage>, theme: &Theme, unstated: &'static str) -> Span<'static> {
    match c {
        Some(Coverage::Yes) => Span::styled("✓", theme.ok),
        Some(Coverage::Partial) => Span::styled("~", theme.warn),
        Some(Coverage::No) => Span::styled("✗", theme.dim),
        None => Span::styled(unstated, theme.dim),
    }
}

/// The lines under the matrix: the white space, what `!` means, and which
/// feature each column is.
fn notes(m: &Matrix, shown: usize, width: u16, wide: bool, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(g) = &m.white_space {
        let col = m
            .features
            .iter()
            .position(|f| f.id == g.feature)
            .map(|j| format!("f{} ", j + 1))
            .unwrap_or_default();
        let head = if wide {
            crate::tr!("tui.mkt.comp.gap_market")
        } else {
            crate::tr!("tui.mkt.comp.gap")
        };
        let tail = crate::tr!(
            "tui.mkt.comp.gap_tail",
            weight = g.weight,
            theirs = numfmt::percent_whole(g.theirs)
        );
        let room = usize::from(width)
            .saturating_sub(crate::text::width(&head) + col.len() + crate::text::width(&tail))
            .max(8);
        lines.push(Line::from(vec![
            Span::styled(head, theme.header),
            Span::styled(
                format!("{col}{}{tail}", ui::truncate(&g.name, room)),
                theme.base,
            ),
        ]));
    }
    if !m.scenarios.is_empty() && !wide {
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.mkt.comp.bang"),
            theme.dim,
        )));
    }
    let n = shown.max(1);
    let name_w = ((usize::from(width) * 2 / n).saturating_sub(9)).max(6);
    let mut legend: Vec<Span> = Vec::new();
    for (j, f) in m.features.iter().take(shown).enumerate() {
        legend.push(Span::styled(format!("f{} ", j + 1), theme.key));
        legend.push(Span::styled(
            format!("{} w{}  ", ui::truncate(&f.name, name_w), f.weight),
            theme.dim,
        ));
    }
    if shown < m.features.len() {
        legend.push(Span::styled(
            crate::tr!("tui.mkt.comp.more_features", n = m.features.len() - shown),
            theme.dim,
        ));
    }
    lines.push(Line::from(legend));
    lines
}

fn height_of(lines: &[Line], width: u16) -> u16 {
    lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            super::wrapped_height(text.trim_end(), width)
        })
        .sum()
}

/// The competitors view's layout: the table and notes areas, the feature
/// columns shown, whether the wide columns show, and how many competitor
/// rows fit (the rest of the table shows our plan per scenario).
struct Shape {
    table: Rect,
    notes: Rect,
    shown: usize,
    wide: bool,
    comp_rows: usize,
}

fn shape(area: Rect, app: &View, m: &Matrix, theme: &Theme) -> (Shape, Vec<Line<'static>>) {
    let (rows, _) = selection(app);
    let wide = area.width >= 70 && !app.presentation;
    // name, share, features × 3, cover, notes; one column of spacing each.
    let fixed = 1 + 12 + if wide { 5 + 1 } else { 0 } + 5 + 1 + 2;
    let room = usize::from(area.width.saturating_sub(fixed + if wide { 16 } else { 0 }));
    let shown = m.features.len().min(room / 4);
    let notes = notes(m, shown, area.width, wide, theme);
    let notes_h = height_of(&notes, area.width).min(area.height.saturating_sub(7));
    let [table, notes_area] =
        Layout::vertical([Constraint::Min(7), Constraint::Length(notes_h)]).areas(area);
    // Borders and the two header lines.
    let body = usize::from(table.height.saturating_sub(4));
    let plan_min = if m.scenarios.is_empty() {
        0
    } else {
        (m.scenarios.len() + 1).min(3)
    };
    let comp_rows = rows.len().min(body.saturating_sub(plan_min).max(1));
    (
        Shape {
            table,
            notes: notes_area,
            shown,
            wide,
            comp_rows,
        },
        notes,
    )
}

/// Competitor rows on screen, for the layout step.
pub fn visible_rows(area: Rect, app: &View) -> usize {
    let m = competitors::matrix(&app.ws.model);
    shape(
        area,
        app,
        &m,
        &Theme::new(crate::tui::theme::ThemeName::Monochrome),
    )
    .0
    .comp_rows
    .max(1)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let m = competitors::matrix(&app.ws.model);
    let (rows, selected) = selection(app);
    let (
        Shape {
            table: table_area,
            notes: notes_area,
            shown,
            wide,
            comp_rows,
        },
        notes,
    ) = shape(area, app, &m, theme);
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(notes, notes_area.width, true)),
        notes_area,
    );

    let mut title = crate::tr!(
        "tui.mkt.comp.title",
        shown = rows.len(),
        total = m.competitors.len()
    );
    if !app.list.filter.is_empty() {
        title.push_str(&crate::tr!("tui.list.filter", text = app.list.filter));
    }
    let block = ui::block(title, theme);
    let inner = block.inner(table_area);
    let body = usize::from(inner.height.saturating_sub(2));
    let white = m
        .white_space
        .as_ref()
        .and_then(|g| m.features.iter().position(|f| f.id == g.feature));

    let header = header_row(&m, shown, wide, white, theme);

    let mut widths = vec![Constraint::Fill(3)];
    if wide {
        widths.push(Constraint::Length(5));
    }
    widths.extend(std::iter::repeat_n(Constraint::Length(3), shown));
    widths.push(Constraint::Length(5));
    if wide {
        widths.push(Constraint::Fill(2));
    }

    // Competitors first (scrolled by the layout step to keep the selection
    // on screen), then our plan per scenario, best coverage first, as many
    // as fit.
    let mut first = app.list.offset.min(selected);
    if selected >= first + comp_rows {
        first = selected + 1 - comp_rows;
    }
    let mut table_rows: Vec<Row> = Vec::new();
    for &i in rows.iter().skip(first).take(comp_rows) {
        let Some(c) = m.competitors.get(i) else {
            continue;
        };
        let mut cells = vec![Cell::from(c.name.clone())];
        if wide {
            cells.push(Cell::from(
                c.share
                    .map(numfmt::percent_whole)
                    .unwrap_or_else(|| "—".into()),
            ));
        }
        for cov in c.cells.iter().take(shown) {
            cells.push(Cell::from(glyph(*cov, theme, "?")));
        }
        cells.push(Cell::from(numfmt::percent_whole(c.weighted)));
        if wide {
            let pricing = app
                .ws
                .model
                .competitors
                .get(i)
                .map(|x| x.pricing.clone())
                .unwrap_or_default();
            cells.push(Cell::from(Span::styled(pricing, theme.dim)));
        }
        table_rows.push(Row::new(cells));
    }
    let left = body.saturating_sub(table_rows.len());
    if !m.scenarios.is_empty() && left >= 2 {
        let mut plans: Vec<&competitors::ScenarioRow> = m.scenarios.iter().collect();
        plans.sort_by(|a, b| b.weighted.total_cmp(&a.weighted));
        let fit = if plans.len() < left {
            plans.len()
        } else {
            left.saturating_sub(2)
        };
        table_rows.push(Row::new(vec![Cell::from(Span::styled(
            crate::tr!("tui.mkt.comp.our_plan"),
            theme.header,
        ))]));
        for p in plans.iter().take(fit) {
            let behind = p
                .behind
                .as_ref()
                .and_then(|g| m.features.iter().position(|f| f.id == g.feature));
            let mut cells = vec![Cell::from(format!(" {}", p.name))];
            if wide {
                cells.push(Cell::from(""));
            }
            for (j, cov) in p.cells.iter().take(shown).enumerate() {
                let g = glyph(*cov, theme, "·");
                if behind == Some(j) {
                    let style: Style = theme.error.add_modifier(Modifier::REVERSED);
                    cells.push(Cell::from(Span::styled(format!("{}!", g.content), style)));
                } else {
                    cells.push(Cell::from(g));
                }
            }
            cells.push(Cell::from(Span::styled(
                numfmt::percent_whole(p.weighted),
                theme.header,
            )));
            if wide {
                let text = match &p.behind {
                    Some(g) => crate::tr!("tui.mkt.comp.behind", name = g.name, weight = g.weight),
                    None => crate::tr!("tui.mkt.comp.none_ahead"),
                };
                cells.push(Cell::from(Span::styled(text, theme.warn)));
            }
            table_rows.push(Row::new(cells));
        }
        if fit < plans.len() {
            table_rows.push(Row::new(vec![Cell::from(Span::styled(
                crate::tr!("tui.mkt.comp.more_plans", n = plans.len() - fit),
                theme.dim,
            ))]));
        }
    }
    let table = Table::new(table_rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶")
        .column_spacing(1);
    let mut state = TableState::default();
    if !rows.is_empty() {
        state.select(Some(selected - first));
    }
    frame.render_stateful_widget(table, table_area, &mut state);
    if rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(crate::tr!("tui.mkt.comp.empty"), theme.dim)),
            Rect {
                x: inner.x,
                y: inner.y + 2,
                width: inner.width,
                height: 1.min(inner.height.saturating_sub(2)),
            },
        );
    }
}

fn header_row(
    m: &Matrix,
    shown: usize,
    wide: bool,
    white: Option<usize>,
    theme: &Theme,
) -> Row<'static> {
    let two = |a: String, b: String| {
        Cell::from(Text::from(vec![
            Line::from(Span::styled(a, theme.header)),
            Line::from(Span::styled(b, theme.dim)),
        ]))
    };
    let mut cells = vec![two(crate::tr!("tui.mkt.comp.h.competitor"), String::new())];
    if wide {
        cells.push(two(crate::tr!("tui.mkt.comp.h.share"), String::new()));
    }
    for (j, f) in m.features.iter().take(shown).enumerate() {
        let mark = if white == Some(j) { "◆" } else { "" };
        cells.push(two(format!("f{}{mark}", j + 1), format!("w{}", f.weight)));
    }
    cells.push(two(crate::tr!("tui.mkt.comp.h.cover"), String::new()));
    if wide {
        cells.push(two(crate::tr!("tui.mkt.comp.h.pricing"), String::new()));
    }
    Row::new(cells).height(2)
}

/// Features view: weight, coverage by competitors, and who plans it.
/// The features table and its detail panel.
fn features_areas(area: Rect, app: &View) -> [Rect; 2] {
    let (rows, _) = selection(app);
    let table_h = (rows.len().max(1) as u16 + 3).min(area.height / 2).max(4);
    Layout::vertical([Constraint::Length(table_h), Constraint::Min(3)]).areas(area)
}

pub fn features_table_area(area: Rect, app: &View) -> Rect {
    features_areas(area, app)[0]
}

pub fn draw_features(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let m = competitors::matrix(&app.ws.model);
    let (rows, selected) = selection(app);
    let [table_area, detail_area] = features_areas(area, app);
    let presentation = app.presentation;
    let white = m.white_space.as_ref().map(|g| g.feature.clone());
    let columns = if presentation {
        vec![
            ("name", Constraint::Fill(1)),
            ("weight", Constraint::Length(7)),
            ("covered", Constraint::Length(8)),
        ]
    } else {
        vec![
            ("id", Constraint::Max(32)),
            ("name", Constraint::Fill(1)),
            ("weight", Constraint::Length(7)),
            ("covered", Constraint::Length(8)),
            ("✓ ~ ✗", Constraint::Length(8)),
        ]
    };
    record_table(frame, table_area, app, theme, columns, |app, i| {
        let f = &app.ws.model.features[i];
        let info = m.features.get(i);
        let mut cells = vec![];
        if !presentation {
            cells.push(Line::from(f.id.clone()));
        }
        let mark = if white.as_deref() == Some(f.id.as_str()) {
            "◆ "
        } else {
            ""
        };
        cells.push(Line::from(format!("{mark}{}", f.name)));
        let w = f.weight.clamp(0, 5) as usize;
        cells.push(Line::from(format!(
            "{}{} {}",
            "●".repeat(w),
            "○".repeat(5 - w),
            f.weight
        )));
        cells.push(Line::from(
            info.map(|x| numfmt::percent_whole(x.competitor_mean))
                .unwrap_or_else(|| "—".into()),
        ));
        if !presentation {
            let count = |c: Coverage| {
                m.competitors
                    .iter()
                    .filter(|r| r.cells.get(i).copied().flatten() == Some(c))
                    .count()
            };
            cells.push(Line::from(format!(
                "{} {} {}",
                count(Coverage::Yes),
                count(Coverage::Partial),
                count(Coverage::No)
            )));
        }
        cells
    });
    let Some(&i) = rows.get(selected) else {
        frame.render_widget(
            ui::block(crate::tr!("tui.market.feature"), theme),
            detail_area,
        );
        return;
    };
    let Some(f) = app.ws.model.features.get(i) else {
        return;
    };
    let mut lines = Vec::new();
    if white.as_deref() == Some(f.id.as_str()) {
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.mkt.feat.white_space"),
            theme.header,
        )));
    }
    let mut spans = vec![Span::styled(
        format!("{} ", ui::pad(&crate::tr!("tui.mkt.feat.competitors"), 12)),
        theme.dim,
    )];
    for c in &m.competitors {
        spans.push(glyph(c.cells.get(i).copied().flatten(), theme, "?"));
        spans.push(Span::styled(format!(" {}  ", c.name), theme.base));
    }
    lines.push(Line::from(spans));
    let planned: Vec<&competitors::ScenarioRow> = m
        .scenarios
        .iter()
        .filter(|s| s.cells.get(i).copied().flatten().is_some())
        .collect();
    let mut spans = vec![Span::styled(
        format!("{} ", ui::pad(&crate::tr!("tui.mkt.feat.planned_in"), 12)),
        theme.dim,
    )];
    if planned.is_empty() {
        spans.push(Span::styled(
            crate::tr!("tui.mkt.feat.no_scenario"),
            theme.base,
        ));
    }
    for s in planned {
        spans.push(glyph(s.cells.get(i).copied().flatten(), theme, "·"));
        spans.push(Span::styled(format!(" {}  ", s.name), theme.base));
    }
    lines.push(Line::from(spans));
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(
            lines,
            detail_area.width.saturating_sub(2),
            true,
        ))
        .block(ui::block(format!("{} · {}", f.id, f.name), theme)),
        detail_area,
    );
}
