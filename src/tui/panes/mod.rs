//! One module per pane, each a [`Component`](super::component::Component)
//! that owns its view state; shared table and detail widgets below.

pub mod market;
pub mod monitor;
pub mod needs;
pub mod overview;
pub mod risks;
pub mod scenarios;
pub mod training;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

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
/// layout step ([`ListView::scroll`]). Widths are shared out by content
/// ([`resolve_widths`]) and every cell is cut to its column with `…`.
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
    row: impl FnMut(usize) -> Vec<Line<'a>>,
) {
    let header = header
        .into_iter()
        .map(|h| Line::from(Span::styled(header_text(h), theme.header)))
        .collect();
    window_table_with(frame, area, title, header, widths, total, view, theme, row)
}

/// A column header in the interface language (the tables name their
/// columns in English; ids, units and abbreviations such as KPI, NPV, L×I
/// and P(1) read the same in both languages).
pub fn header_text(h: &str) -> String {
    match h {
        "title" => crate::tr!("tui.col.title"),
        "priority" => crate::tr!("tui.col.priority"),
        "prio" => crate::tr!("tui.col.prio"),
        "scn" => crate::tr!("tui.col.scn"),
        "kind" => crate::tr!("tui.col.kind"),
        "horizon" => crate::tr!("tui.col.horizon"),
        "owner" => crate::tr!("tui.col.owner"),
        "status" => crate::tr!("tui.col.status"),
        "category" => crate::tr!("tui.col.category"),
        "level" => crate::tr!("tui.col.level"),
        "review" => crate::tr!("tui.col.review"),
        "res" => crate::tr!("tui.col.res"),
        "resid." => crate::tr!("tui.col.resid"),
        "quad" => crate::tr!("tui.col.quad"),
        "score" => crate::tr!("tui.col.score"),
        "scenario" => crate::tr!("tui.col.scenario"),

        "name" => crate::tr!("tui.col.name"),
        "weight" => crate::tr!("tui.col.weight"),
        "covered" => crate::tr!("tui.col.covered"),
        "sizings" => crate::tr!("tui.col.sizings"),
        "frequency" => crate::tr!("tui.col.frequency"),
        "unit" => crate::tr!("tui.col.unit"),
        "forecast" => crate::tr!("tui.col.forecast"),
        "direction" => crate::tr!("tui.col.direction"),
        "impact" => crate::tr!("tui.col.impact"),
        "type" => crate::tr!("tui.col.type"),
        other => other.to_string(),
    }
}

pub use crate::labels::value_label;

/// How much a record table shows: the projector's few large columns, the
/// usual ones, or all of them on a wide screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    Presentation,
    Compact,
    Full,
}

/// The fewest columns the title of a record table keeps before a wider
/// density is chosen: more than Compact gives it at 80 columns, so adding
/// columns never leaves less title at 100 columns than at 80.
pub const FULL_TITLE_MIN: u16 = 40;

impl Density {
    /// Full from 100 columns up, outside presentation mode (a first guess;
    /// [`keyed_table`] keeps Compact while Full would squeeze the title).
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
///
/// `width` is read as in [`resolve_widths`]: `Length(n)` a fixed width,
/// `Max(n)` as wide as the content (ids: never cut where there is room),
/// `Fill(w)`/`Min(n)` the rest.
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
/// `columns(density)` lists the columns of each density; Full is used only
/// where it leaves the title columns [`FULL_TITLE_MIN`] cells.
#[allow(clippy::too_many_arguments)]
pub fn keyed_table<'a, K: Copy>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    columns: impl Fn(Density) -> Vec<Column<K>>,
    presentation: bool,
    total: usize,
    view: &ListView,
    theme: &Theme,
    mut cell: impl FnMut(usize, K) -> Line<'a>,
) {
    let cols = keyed_columns(area, &columns, presentation, total, view, &mut cell);
    window_table(
        frame,
        area,
        title,
        cols.iter().map(|c| c.header).collect(),
        cols.iter().map(|c| c.width).collect(),
        total,
        view,
        theme,
        |pos| cols.iter().map(|c| cell(pos, c.key)).collect(),
    )
}

/// The columns [`keyed_table`] draws in `area`.
pub fn keyed_columns<'a, K: Copy>(
    area: Rect,
    columns: &impl Fn(Density) -> Vec<Column<K>>,
    presentation: bool,
    total: usize,
    view: &ListView,
    cell: &mut impl FnMut(usize, K) -> Line<'a>,
) -> Vec<Column<K>> {
    let density = Density::of(area.width, presentation);
    let full = columns(density);
    if density != Density::Full {
        return full;
    }
    let (first, end) = window(area, total, view);
    let lines: Vec<Vec<Line>> = (first..end)
        .map(|pos| full.iter().map(|c| cell(pos, c.key)).collect())
        .collect();
    let widths = resolve_widths(
        table_inner_width(area, total),
        &full.iter().map(|c| (c.width, c.header)).collect::<Vec<_>>(),
        &lines,
    );
    let title: u16 = full
        .iter()
        .zip(&widths)
        .filter(|(c, _)| matches!(c.width, Constraint::Fill(_) | Constraint::Min(_)))
        .map(|(_, w)| *w)
        .sum();
    if title >= FULL_TITLE_MIN {
        full
    } else {
        columns(Density::Compact)
    }
}

/// The columns left for cells inside a bordered table: borders and the
/// highlight-symbol column (drawn while a row is selected) taken off.
pub fn table_inner_width(area: Rect, total: usize) -> u16 {
    let selection = if total > 0 { HIGHLIGHT_WIDTH } else { 0 };
    area.width.saturating_sub(2).saturating_sub(selection)
}

/// The highlight symbol of every table and its width.
pub const HIGHLIGHT: &str = "▶";
pub const HIGHLIGHT_WIDTH: u16 = 1;
/// The space between table columns.
pub const COLUMN_SPACING: u16 = 1;

/// The first and one-past-last row on screen.
fn window(area: Rect, total: usize, view: &ListView) -> (usize, usize) {
    let visible = table_rows(area);
    let selected = view.selected.min(total.saturating_sub(1));
    // The layout step keeps the selection on screen; this only guards a
    // frame drawn without one.
    let mut first = view.offset.min(selected);
    if selected >= first + visible {
        first = selected + 1 - visible;
    }
    (first, (first + visible).min(total))
}

/// Display width of a line.
pub fn line_width(line: &Line) -> usize {
    line.spans
        .iter()
        .map(|s| unicode_width::UnicodeWidthStr::width(s.content.as_ref()))
        .sum()
}

/// Cut `line` to `width` cells, ending in `…` when anything was cut.
pub fn fit_line(line: Line<'_>, width: usize) -> Line<'_> {
    use unicode_width::UnicodeWidthChar;
    if line_width(&line) <= width {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
        ..
    } = line;
    let mut out: Vec<Span> = Vec::new();
    let mut used = 0;
    let mut last_style = Style::default();
    'spans: for span in spans {
        last_style = span.style;
        let mut text = String::new();
        for c in span.content.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw + 1 > width {
                if !text.is_empty() {
                    out.push(Span::styled(text, span.style));
                }
                break 'spans;
            }
            text.push(c);
            used += cw;
        }
        out.push(Span::styled(text, span.style));
    }
    if width > 0 {
        out.push(Span::styled("…", last_style));
    }
    let mut l = Line::from(out).style(style);
    l.alignment = alignment;
    l
}

/// Share `total` columns out between table columns, as wide as their
/// content where there is room. Each column is `(constraint, header)`:
/// `Length(n)` wants `n`; `Max(n)` wants its widest cell or header, at most
/// `n`; `Fill(w)` and `Min(n)` want at least their header (`n`) and share
/// what is left by weight. When the wants do not fit, the widest column
/// gives up one cell at a time, so short numbers stay whole and long text is
/// cut (with `…`). Spacing between columns is taken off first.
pub fn resolve_widths(total: u16, cols: &[(Constraint, &str)], rows: &[Vec<Line>]) -> Vec<u16> {
    let n = cols.len();
    if n == 0 {
        return vec![];
    }
    let avail = usize::from(total).saturating_sub(usize::from(COLUMN_SPACING) * (n - 1));
    let content = |j: usize| -> usize {
        rows.iter()
            .filter_map(|r| r.get(j))
            .map(line_width)
            .max()
            .unwrap_or(0)
    };
    let mut want: Vec<usize> = Vec::with_capacity(n);
    let mut weight: Vec<usize> = Vec::with_capacity(n);
    for (j, (c, header)) in cols.iter().enumerate() {
        let hw = unicode_width::UnicodeWidthStr::width(*header);
        let (w, fill) = match *c {
            Constraint::Length(l) => (usize::from(l), 0),
            Constraint::Max(m) => (content(j).max(hw).min(usize::from(m).max(hw)), 0),
            Constraint::Min(m) => (usize::from(m).max(hw), 1),
            Constraint::Fill(f) => (hw, usize::from(f)),
            Constraint::Percentage(p) => (avail * usize::from(p) / 100, 0),
            Constraint::Ratio(a, b) => (avail * a as usize / (b as usize).max(1), 0),
        };
        want.push(w);
        weight.push(fill);
    }
    let sum: usize = want.iter().sum();
    if sum <= avail {
        let extra = avail - sum;
        let weights: usize = weight.iter().sum();
        let mut given = 0;
        for (w, f) in want.iter_mut().zip(&weight) {
            let share = (extra * f).checked_div(weights).unwrap_or(0);
            *w += share;
            given += share;
        }
        if let Some(j) = weight.iter().position(|w| *w > 0) {
            want[j] += extra - given;
        }
    } else {
        let mut short = sum - avail;
        while short > 0 {
            let Some((j, _)) = want.iter().enumerate().max_by_key(|(j, w)| (**w, n - j)) else {
                break;
            };
            if want[j] == 0 {
                break;
            }
            want[j] -= 1;
            short -= 1;
        }
    }
    want.into_iter()
        .map(|w| u16::try_from(w).unwrap_or(u16::MAX))
        .collect()
}

/// [`window_table`] with header cells styled by the caller.
#[allow(clippy::too_many_arguments)]
pub fn window_table_with<'a>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    header: Vec<Line<'a>>,
    widths: Vec<Constraint>,
    total: usize,
    view: &ListView,
    theme: &Theme,
    mut row: impl FnMut(usize) -> Vec<Line<'a>>,
) {
    let block = ui::block(title, theme);
    let selected = view.selected.min(total.saturating_sub(1));
    let (first, end) = window(area, total, view);
    let lines: Vec<Vec<Line>> = (first..end).map(&mut row).collect();
    let cols: Vec<(Constraint, String)> = widths
        .iter()
        .zip(
            header
                .iter()
                .map(|h| h.to_string())
                .chain(std::iter::repeat(String::new())),
        )
        .map(|(c, h)| (*c, h))
        .collect();
    let spec: Vec<(Constraint, &str)> = cols.iter().map(|(c, h)| (*c, h.as_str())).collect();
    let resolved = resolve_widths(table_inner_width(area, total), &spec, &lines);
    let fit = |cells: Vec<Line<'a>>| -> Row<'a> {
        Row::new(
            cells
                .into_iter()
                .zip(&resolved)
                .map(|(l, w)| Cell::from(fit_line(l, usize::from(*w))))
                .collect::<Vec<_>>(),
        )
    };
    let header = fit(header);
    let rows: Vec<Row> = lines.into_iter().map(fit).collect();
    let table = Table::new(rows, resolved.iter().map(|w| Constraint::Length(*w)))
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol(HIGHLIGHT)
        .column_spacing(COLUMN_SPACING)
        .flex(ratatui::layout::Flex::Start);
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

/// The scroll of a detail panel: `detail-down`/`detail-up` (ctrl-d/ctrl-u)
/// move it half a panel, the layout step clamps it to the text
/// ([`DetailScroll::fit`]), and a new selection starts at the top
/// ([`DetailScroll::follow`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DetailScroll {
    /// Wrapped lines scrolled off the top.
    pub offset: u16,
    /// The furthest the text scrolls (set by the layout step).
    pub max: u16,
    /// Lines inside the panel (set by the layout step; half is one step).
    page: u16,
    /// The record the panel showed when last fitted.
    shown: Option<usize>,
}

impl DetailScroll {
    /// Back to the top when the panel shows another record.
    pub fn follow(&mut self, record: Option<usize>) {
        if self.shown != record {
            self.shown = record;
            self.offset = 0;
        }
    }

    /// Scroll for `detail-down`/`detail-up`; false for any other action.
    pub fn handle(&mut self, action: crate::tui::keymap::Action) -> bool {
        use crate::tui::keymap::Action;
        let step = (self.page / 2).max(1);
        match action {
            Action::DetailDown => self.offset = self.offset.saturating_add(step).min(self.max),
            Action::DetailUp => self.offset = self.offset.saturating_sub(step),
            _ => return false,
        }
        true
    }

    /// Measure `lines` in the panel `area` and clamp the offset to them.
    pub fn fit(&mut self, area: Rect, lines: &[(String, Line<'static>)]) {
        let (max, page) = detail_extent(area, lines);
        self.max = max;
        self.page = page;
        self.offset = self.offset.min(max);
    }

    /// Measure wrapped `lines` in a text area (inside a panel's border)
    /// and clamp the offset to them.
    pub fn fit_text(&mut self, area: Rect, lines: &[Line<'static>]) {
        let (max, page) = text_extent(area, lines);
        self.max = max;
        self.page = page;
        self.offset = self.offset.min(max);
    }
}

/// The furthest wrapped `lines` scroll in a text area, and its height.
fn text_extent(area: Rect, lines: &[Line<'static>]) -> (u16, u16) {
    if area.width == 0 {
        return (0, area.height);
    }
    let total = ui::wrapped_height(lines.to_vec(), area.width, true);
    let max = u16::try_from(total)
        .unwrap_or(u16::MAX)
        .saturating_sub(area.height);
    (max, area.height)
}

/// What the bottom border of a scrolled panel says: `↑ ctrl-u · ↓ more
/// ctrl-d`, or nothing when everything shows.
fn scroll_marks(offset: u16, max: u16, keymap: &crate::tui::keymap::Keymap) -> Option<String> {
    use crate::tui::keymap::Action;
    let mut marks = Vec::new();
    if offset > 0 {
        marks.push(format!("↑ {}", keymap.first_key(Action::DetailUp)));
    }
    if offset < max {
        marks.push(crate::tr!(
            "tui.detail.more",
            key = keymap.first_key(Action::DetailDown)
        ));
    }
    (!marks.is_empty()).then(|| format!(" {} ", marks.join(" · ")))
}

/// Wrapped text in `area`, scrolled by `scroll` (measured again here, so
/// it never scrolls past the end); the marks go on the right of `border`,
/// the panel's bottom border row.
pub fn scrolled_text(
    frame: &mut Frame,
    area: Rect,
    border: Rect,
    lines: Vec<Line<'static>>,
    scroll: &DetailScroll,
    keymap: &crate::tui::keymap::Keymap,
    theme: &crate::tui::theme::Theme,
) {
    let (max, _) = text_extent(area, &lines);
    let offset = scroll.offset.min(max);
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(lines, area.width, true)).scroll((offset, 0)),
        area,
    );
    if let Some(marks) = scroll_marks(offset, max, keymap) {
        let w = (unicode_width::UnicodeWidthStr::width(marks.as_str()) as u16)
            .min(border.width.saturating_sub(2));
        frame.render_widget(
            Paragraph::new(Span::styled(marks, theme.dim)),
            Rect {
                x: (border.x + border.width).saturating_sub(w + 1),
                y: border.y + border.height.saturating_sub(1),
                width: w,
                height: 1,
            },
        );
    }
}

/// The furthest a detail panel over `lines` scrolls in `area`, and the
/// lines inside it.
fn detail_extent(area: Rect, lines: &[(String, Line<'static>)]) -> (u16, u16) {
    let inner_w = area.width.saturating_sub(2);
    let page = area.height.saturating_sub(2);
    if inner_w == 0 {
        return (0, page);
    }
    let text = detail_text(lines.to_vec(), Style::default(), Style::default());
    let total = ui::wrapped_height(text, inner_w, false);
    let max = u16::try_from(total)
        .unwrap_or(u16::MAX)
        .saturating_sub(page);
    (max, page)
}

/// The label/value lines, labels right-aligned.
fn detail_text(
    lines: Vec<(String, Line<'static>)>,
    label: Style,
    value: Style,
) -> Vec<Line<'static>> {
    let label_w = lines
        .iter()
        .map(|(l, _)| unicode_width::UnicodeWidthStr::width(l.as_str()))
        .max()
        .unwrap_or(0);
    lines
        .into_iter()
        .map(|(l, v)| {
            let pad = label_w.saturating_sub(unicode_width::UnicodeWidthStr::width(l.as_str()));
            let mut spans = vec![Span::styled(format!("{}{l} ", " ".repeat(pad)), label)];
            spans.extend(v.spans);
            Line::from(spans).style(value)
        })
        .collect()
}

/// Label/value lines for a detail panel, scrolled by `scroll`; the bottom
/// border says when there is more above (`↑`) or below (`↓ more`) and
/// which key shows it.
pub fn detail(
    frame: &mut Frame,
    area: Rect,
    title: String,
    lines: Vec<(String, Line<'static>)>,
    scroll: &DetailScroll,
    ctx: &AppCtx,
) {
    let theme = &ctx.theme();
    // Measured again here so a frame drawn without a layout step still
    // never scrolls past the end.
    let (max, _) = detail_extent(area, &lines);
    let offset = scroll.offset.min(max);
    let mut block = ui::block(title, theme);
    if let Some(marks) = scroll_marks(offset, max, &ctx.keymap) {
        block = block.title_bottom(Line::from(Span::styled(marks, theme.dim)).right_aligned());
    }
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(
            detail_text(lines, theme.dim, Style::default()),
            area.width.saturating_sub(2),
            false,
        ))
        .scroll((offset, 0))
        .block(block),
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
    // A criterion's scores and comparisons go with it (one undo group).
    if users.is_empty() || kind == RecordKind::Criterion {
        Handled::Open(Modal::ConfirmDelete { kind, index, id })
    } else {
        ctx.say(
            super::component::Level::Error,
            format!("cannot delete {id}: linked from {}", users.join(", ")),
        );
        Handled::Done
    }
}

/// The record under the cursor of a table listing `rows`.
pub fn record_at(rows: &[usize], list: &ListView) -> Option<usize> {
    rows.get(list.selected.min(rows.len().saturating_sub(1)))
        .copied()
}

/// Put the cursor on record `index` if the table lists it.
pub fn move_to(rows: &[usize], index: usize, list: &mut ListView) -> bool {
    match rows.iter().position(|r| *r == index) {
        Some(pos) => {
            list.selected = pos;
            true
        }
        None => false,
    }
}

/// What every table of records does: move, sort, add, edit, delete.
/// `None` when the action is none of these.
pub fn record_action(
    action: crate::tui::keymap::Action,
    kind: RecordKind,
    rows: &[usize],
    list: &mut ListView,
    sorts: &[&'static str],
    ctx: &mut AppCtx,
) -> Option<Handled> {
    use crate::tui::keymap::Action;
    if list.navigate(action, rows.len()) {
        return Some(Handled::Done);
    }
    Some(match action {
        Action::Sort => {
            let name = list.next_sort(sorts);
            ctx.say(super::component::Level::Info, format!("sorted by {name}"));
            Handled::Done
        }
        Action::Add => add(kind, ctx),
        Action::Edit => edit(kind, record_at(rows, list), ctx),
        Action::Delete => delete(kind, record_at(rows, list), ctx),
        _ => return None,
    })
}
