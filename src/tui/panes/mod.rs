//! One module per pane, each a [`Component`](super::component::Component)
//! that owns its view state; shared table and detail widgets below.

pub mod market;
pub mod needs;
pub mod overview;
pub mod risks;
pub mod scenarios;
pub mod training;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use super::component::{AppCtx, Handled, ListView, Modal};
use super::form::Form;
use super::theme::Theme;
use super::ui;
use crate::workspace::RecordKind;

/// Rows a bordered table with a header shows in `area` (the layout step
/// scrolls with it; drawing uses the same number).
pub fn table_rows(area: Rect) -> usize {
    (area.height.saturating_sub(3) as usize).max(1)
}

/// A table that builds only the rows on screen, so a pane with 10,000
/// records draws as fast as one with ten. The scroll offset comes from the
/// layout step ([`ListView::scroll`]).
#[allow(clippy::too_many_arguments)]
pub fn window_table<'a>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    header: Vec<&'a str>,
    widths: Vec<Constraint>,
    total: usize,
    view: &ListView,
    theme: &Theme,
    row: impl FnMut(usize) -> Vec<Cell<'a>>,
) {
    let header = header
        .into_iter()
        .map(|h| Cell::from(Span::styled(h, theme.header)))
        .collect();
    window_table_with(frame, area, title, header, widths, total, view, theme, row)
}

/// How much a record table shows: the projector's few large columns, the
/// usual ones, or all of them on a wide screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    Presentation,
    Compact,
    Full,
}

impl Density {
    /// Full from 100 columns up, outside presentation mode.
    pub fn of(width: u16, presentation: bool) -> Density {
        if presentation {
            Density::Presentation
        } else if width >= 100 {
            Density::Full
        } else {
            Density::Compact
        }
    }
}

/// A column of a record table. The cell of a row is asked for by `key`, so
/// a header can never stand over another field's values.
#[derive(Debug, Clone, Copy)]
pub struct Column<K> {
    pub key: K,
    pub header: &'static str,
    pub width: Constraint,
}

pub const fn col<K>(key: K, header: &'static str, width: Constraint) -> Column<K> {
    Column { key, header, width }
}

/// [`window_table`] over keyed columns: `cell(row, key)` gives each cell.
#[allow(clippy::too_many_arguments)]
pub fn keyed_table<'a, K: Copy>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    columns: &[Column<K>],
    total: usize,
    view: &ListView,
    theme: &Theme,
    mut cell: impl FnMut(usize, K) -> Cell<'a>,
) {
    window_table(
        frame,
        area,
        title,
        columns.iter().map(|c| c.header).collect(),
        columns.iter().map(|c| c.width).collect(),
        total,
        view,
        theme,
        |pos| columns.iter().map(|c| cell(pos, c.key)).collect(),
    )
}

/// [`window_table`] with header cells styled by the caller.
#[allow(clippy::too_many_arguments)]
pub fn window_table_with<'a>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    header: Vec<Cell<'a>>,
    widths: Vec<Constraint>,
    total: usize,
    view: &ListView,
    theme: &Theme,
    mut row: impl FnMut(usize) -> Vec<Cell<'a>>,
) {
    let block = ui::block(title, theme);
    let visible = table_rows(area);
    let selected = view.selected.min(total.saturating_sub(1));
    // The layout step keeps the selection on screen; this only guards a
    // frame drawn without one.
    let mut first = view.offset.min(selected);
    if selected >= first + visible {
        first = selected + 1 - visible;
    }
    let rows: Vec<Row> = (first..(first + visible).min(total))
        .map(|i| Row::new(row(i)))
        .collect();
    let header = Row::new(header);
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶")
        .column_spacing(1);
    let mut state = TableState::default();
    if total > 0 {
        state.select(Some(selected.saturating_sub(first)));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if total == 0 {
        let msg = Paragraph::new(Span::styled(
            "  (nothing to show — a adds a record where the pane allows it)",
            theme.dim,
        ));
        let r = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        if r.y < area.y + area.height {
            frame.render_widget(msg, r);
        }
    }
}

/// Label/value lines for a detail panel.
pub fn detail(
    frame: &mut Frame,
    area: Rect,
    title: String,
    lines: Vec<(String, Line<'static>)>,
    theme: &Theme,
) {
    let label_w = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let text: Vec<Line> = lines
        .into_iter()
        .map(|(label, value)| {
            let mut spans = vec![Span::styled(format!("{label:>label_w$} "), theme.dim)];
            spans.extend(value.spans);
            Line::from(spans)
        })
        .collect();
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(ui::block(title, theme)),
        area,
    );
}

pub fn plain(s: impl Into<String>, style: Style) -> Line<'static> {
    Line::from(Span::styled(s.into(), style))
}

/// Case-insensitive "contains" for filters.
pub fn matches(filter: &str, fields: &[&str]) -> bool {
    if filter.is_empty() {
        return true;
    }
    let f = filter.to_lowercase();
    fields.iter().any(|x| x.to_lowercase().contains(&f))
}

/// `a`: a form for a new record of `kind`.
pub fn add(kind: RecordKind, ctx: &AppCtx) -> Handled {
    Handled::Open(Modal::Form(Box::new(Form::new(&ctx.ws, kind, None))))
}

/// `e`: a form for record `index` of `kind`.
pub fn edit(kind: RecordKind, index: Option<usize>, ctx: &AppCtx) -> Handled {
    match index {
        Some(i) => Handled::Open(Modal::Form(Box::new(Form::new(&ctx.ws, kind, Some(i))))),
        None => Handled::Done,
    }
}

/// `d`: ask before deleting a record, or say what still links to it.
pub fn delete(kind: RecordKind, index: Option<usize>, ctx: &mut AppCtx) -> Handled {
    let Some(index) = index else {
        return Handled::Done;
    };
    let id = ctx
        .ws
        .ids(kind)
        .get(index)
        .map(|s| s.to_string())
        .unwrap_or_default();
    let users = ctx.ws.users_of(&id);
    if users.is_empty() {
        Handled::Open(Modal::ConfirmDelete { kind, index, id })
    } else {
        ctx.say(
            super::component::Level::Error,
            format!("cannot delete {id}: linked from {}", users.join(", ")),
        );
        Handled::Done
    }
}
