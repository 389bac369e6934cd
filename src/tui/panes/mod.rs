//! One module per pane; each has `rows` (what the table shows, in order)
//! and `draw`.

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

use super::theme::Theme;
use super::ui;

/// A table that builds only the rows on screen, so a pane with 10,000
/// records draws as fast as one with ten. Returns the number of rows shown.
#[allow(clippy::too_many_arguments)]
pub fn window_table<'a>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    header: Vec<&'a str>,
    widths: Vec<Constraint>,
    total: usize,
    selected: usize,
    offset: &std::cell::Cell<usize>,
    theme: &Theme,
    row: impl FnMut(usize) -> Vec<Cell<'a>>,
) -> usize {
    let header = header
        .into_iter()
        .map(|h| Cell::from(Span::styled(h, theme.header)))
        .collect();
    window_table_with(
        frame, area, title, header, widths, total, selected, offset, theme, row,
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
    selected: usize,
    offset: &std::cell::Cell<usize>,
    theme: &Theme,
    mut row: impl FnMut(usize) -> Vec<Cell<'a>>,
) -> usize {
    let block = ui::block(title, theme);
    let inner_h = block.inner(area).height.saturating_sub(1) as usize; // minus header
    let visible = inner_h.max(1);
    let mut first = offset.get().min(total.saturating_sub(1));
    if selected < first {
        first = selected;
    } else if selected >= first + visible {
        first = selected + 1 - visible;
    }
    offset.set(first);
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
        state.select(Some(selected - first));
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
    visible
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

/// Compact number: 1.2k, 3.4M.
pub fn compact(x: f64) -> String {
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.1}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", x / 1e3)
    } else if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
