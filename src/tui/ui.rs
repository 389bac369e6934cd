//! Drawing: the shell (tabs, status line, hints, overlays) around the panes.
//! Everything here reads the state and draws; page sizes and scrolling are
//! set before, in the layout step ([`render`] → `App::layout`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Level, LinkPicker, Mode, Pane};
use super::form::Form;
use super::keymap::Scope;
use super::theme::Theme;
use crate::workspace::RecordKind;

/// Below this the screen only says how much room it needs.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 14;

/// The area a pane gets on a terminal of `area` (below the tabs, above the
/// status line and, outside presentation mode, the key hints).
pub fn body_area(area: Rect, presentation: bool) -> Rect {
    shell(area, presentation)[1]
}

fn shell(area: Rect, presentation: bool) -> [Rect; 3] {
    let footer = if presentation { 1 } else { 2 };
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer),
    ])
    .areas(area)
}

/// One frame: the layout step, then drawing.
pub fn render(frame: &mut Frame, app: &mut App) {
    app.layout(frame.area());
    draw(frame, app);
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let theme = app.theme();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, &theme);
        return;
    }
    let [tabs, body, status] = shell(area, app.ctx.presentation);
    draw_tabs(frame, tabs, app, &theme);
    app.current().draw(frame, body, &app.ctx);
    draw_status(frame, status, app, &theme);
    let keys = &app.ctx.keymap;
    match &app.mode {
        Mode::Help => help(frame, area, app, &theme),
        Mode::Form(form) => draw_form(frame, area, form, &theme),
        Mode::ConfirmDelete { id, .. } => prompt(
            frame,
            area,
            &theme,
            "Delete?",
            &format!("Delete {id}? It can be undone with u until you quit."),
            &keys.prompt_choices(Scope::DeletePrompt),
        ),
        Mode::QuitPrompt => prompt(
            frame,
            area,
            &theme,
            "Unsaved changes",
            &format!(
                "{} has unsaved changes. Save them before quitting?",
                app.ctx
                    .ws
                    .dirty_files()
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &keys.prompt_choices(Scope::QuitPrompt),
        ),
        Mode::Conflict(files) => prompt(
            frame,
            area,
            &theme,
            "Changed on disk",
            &format!(
                "{} changed on disk (git pull? another editor?) while you have unsaved edits to it. Keeping yours overwrites it on save; taking theirs drops your edits.",
                files
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &keys.prompt_choices(Scope::ConflictPrompt),
        ),
        Mode::Recover(journal) => prompt(
            frame,
            area,
            &theme,
            "Recover unsaved edits",
            &format!(
                "A previous session ended without saving edits to {}.",
                journal
                    .files
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &keys.prompt_choices(Scope::RecoverPrompt),
        ),
        Mode::Links(picker) => links(frame, area, app, picker, &theme),
        Mode::SaveInvalid { errors, .. } => prompt(
            frame,
            area,
            &theme,
            "lodestar check rejects this",
            &format!(
                "{} error{} (lodestar check would fail): {}{}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors.first().map(String::as_str).unwrap_or(""),
                if errors.len() > 1 { " …" } else { "" }
            ),
            &keys.prompt_choices(Scope::SavePrompt),
        ),
        Mode::Normal | Mode::Filter(_) => {}
    }
}

/// The records linked to the one under the cursor, grouped by relation,
/// each with its title as the pane shows it.
fn links(frame: &mut Frame, area: Rect, app: &App, picker: &LinkPicker, theme: &Theme) {
    let m = &app.ctx.ws.model;
    let title_of = |kind: RecordKind, i: usize| -> String {
        match kind {
            RecordKind::Need => m.needs.get(i).map(|n| n.title.clone()),
            RecordKind::Scenario => m.scenarios.get(i).map(|s| s.name.clone()),
            RecordKind::Risk => m.risks.get(i).map(|r| r.title.clone()),
            RecordKind::Evidence => m.evidence.get(i).map(|e| e.title.clone()),
            RecordKind::Feature => m.features.get(i).map(|f| f.name.clone()),
            RecordKind::Competitor => m.competitors.get(i).map(|c| c.name.clone()),
            _ => None,
        }
        .unwrap_or_default()
    };
    let w = area.width.saturating_sub(4).min(90);
    let rows = picker.links.len() as u16;
    let groups = {
        let mut g: Vec<&str> = picker.links.iter().map(|l| l.relation).collect();
        g.dedup();
        g.len() as u16
    };
    let h = (rows + groups + 2)
        .min(area.height.saturating_sub(2))
        .max(5);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let keys = &app.ctx.keymap;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" Linked to {} ", picker.of),
            theme.title,
        ))
        .title_bottom(Line::from(
            keys.prompt_choices(Scope::LinkPicker)
                .into_iter()
                .flat_map(|(k, what)| {
                    [
                        Span::styled(format!(" {k}"), theme.key),
                        Span::styled(format!(" {what} "), theme.dim),
                    ]
                })
                .collect::<Vec<_>>(),
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor_line = 0;
    let mut last = "";
    for (k, l) in picker.links.iter().enumerate() {
        if l.relation != last {
            lines.push(Line::from(Span::styled(l.relation, theme.header)));
            last = l.relation;
        }
        let selected = k == picker.list.selected;
        if selected {
            cursor_line = lines.len();
        }
        let text = format!(
            "{}{} {}",
            if selected { "▶" } else { " " },
            l.id,
            title_of(l.kind, l.index)
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, inner.width as usize),
            if selected { theme.selected } else { theme.base },
        )));
    }
    let top = cursor_line.saturating_sub(inner.height.saturating_sub(1) as usize);
    frame.render_widget(Paragraph::new(lines).scroll((top as u16, 0)), inner);
}

fn too_small(frame: &mut Frame, area: Rect, theme: &Theme) {
    let text = format!(
        "terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{})",
        area.width, area.height
    );
    let p = Paragraph::new(text)
        .style(theme.warn)
        .wrap(Wrap { trim: true });
    frame.render_widget(p, area);
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let mut spans = Vec::new();
    let narrow = area.width < 72;
    for (i, pane) in Pane::ALL.iter().enumerate() {
        let active = *pane == app.pane;
        // Narrow screens show only the numbers of the other panes.
        let label = if narrow && !active {
            format!(" {} ", i + 1)
        } else {
            format!(" {} {} ", i + 1, pane.title())
        };
        spans.push(Span::styled(
            label,
            if active { theme.tab_active } else { theme.base },
        ));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let name = app.ctx.ws.name();
    let room = (area.width as usize).saturating_sub(used + 1);
    if room > 4 {
        let shown = truncate(name, room);
        spans.push(Span::raw(" ".repeat(room.saturating_sub(
            unicode_width::UnicodeWidthStr::width(shown.as_str()),
        ))));
        spans.push(Span::styled(shown, theme.title));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let rows = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(area.height.saturating_sub(1)),
    ])
    .split(area);
    let dirty = app.ctx.ws.dirty_files();
    let mut spans = vec![];
    if dirty.is_empty() {
        spans.push(Span::styled(" saved ", theme.ok));
    } else {
        spans.push(Span::styled(
            format!(
                " ● unsaved: {} ",
                dirty
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            theme.warn.add_modifier(Modifier::BOLD),
        ));
    }
    if let Mode::Filter(input) = &app.mode {
        spans.push(Span::styled(" / ", theme.key));
        spans.push(Span::raw(input.value().to_string()));
        spans.push(Span::styled("▏", theme.key));
        spans.push(Span::styled("  Enter keep · Esc clear", theme.dim));
    } else if let Some((text, level)) = &app.ctx.message {
        let style = match level {
            Level::Info => theme.base,
            Level::Warn => theme.warn,
            Level::Error => theme.error,
        };
        let glyph = match level {
            Level::Info => "",
            Level::Warn => "⚠ ",
            Level::Error => "✗ ",
        };
        spans.push(Span::styled(format!(" {glyph}{text}"), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), rows[0]);
    if rows[1].height > 0 && !app.ctx.presentation {
        let mut hints = Vec::new();
        for (key, what) in app.ctx.keymap.hints(&app.scopes()) {
            hints.push(Span::styled(format!(" {key}"), theme.key));
            hints.push(Span::styled(format!(" {what} "), theme.dim));
        }
        frame.render_widget(Paragraph::new(Line::from(hints)), rows[1]);
    }
}

/// A centred rectangle of at most `w`×`h`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn help(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    // This pane's keys first, then the ones that work everywhere, then the
    // prompts'.
    let keymap = &app.ctx.keymap;
    let mut scopes = vec![Scope::Global];
    scopes.extend(app.current().commands());
    let local: Vec<_> = scopes
        .iter()
        .copied()
        .filter(|s| *s != Scope::Global)
        .collect();
    let mut lines: Vec<Line> = Vec::new();
    let entry = |(k, d): &(String, &str)| {
        Line::from(vec![
            Span::styled(format!("{k:>11} "), theme.key),
            Span::styled(d.to_string(), theme.base),
        ])
    };
    if !local.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("{} pane", app.pane.title()),
            theme.header,
        )));
        lines.extend(keymap.help(&local).iter().map(entry));
    }
    lines.push(Line::from(Span::styled("everywhere", theme.header)));
    lines.extend(keymap.help(&[Scope::Global]).iter().map(entry));
    // Prompts: one line each, their keys and labels as the prompt shows them.
    lines.push(Line::from(Span::styled("prompts", theme.header)));
    for (scope, name) in Scope::PROMPTS {
        let mut spans = vec![Span::styled(format!("{name:>11} "), theme.dim)];
        for (k, what) in keymap.prompt_choices(scope) {
            spans.push(Span::styled(k, theme.key));
            spans.push(Span::styled(format!(" {what}  "), theme.base));
        }
        lines.push(Line::from(spans));
    }
    let avail = area.height.saturating_sub(4).max(1);
    let columns = (lines.len() as u16).div_ceil(avail).max(1);
    // Columns share the screen width; long descriptions are cut, never the frame.
    let widest = lines.iter().map(|l| l.width()).max().unwrap_or(20) as u16 + 2;
    let col_w = widest.min(area.width.saturating_sub(2) / columns).max(10);
    let rows = (lines.len() as u16).div_ceil(columns);
    let rect = centered(area, (col_w * columns + 2).max(30), rows + 3);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" Keys — {} ", app.pane.title()),
            theme.title,
        ))
        .title_bottom(Span::styled(
            format!(
                " {} closes ",
                keymap.first_key(super::keymap::Action::CloseHelp)
            ),
            theme.dim,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    for (c, chunk) in lines.chunks(rows.max(1) as usize).enumerate() {
        let x = inner.x + c as u16 * col_w;
        if x >= inner.x + inner.width {
            break;
        }
        let r = Rect {
            x,
            y: inner.y,
            width: col_w.min(inner.x + inner.width - x),
            height: inner.height,
        };
        frame.render_widget(Paragraph::new(chunk.to_vec()), r);
    }
}

fn prompt(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    text: &str,
    choices: &[(String, &str)],
) {
    let rect = centered(area, 64, 8);
    frame.render_widget(Clear, rect);
    let mut lines = vec![
        Line::from(Span::styled(text.to_string(), theme.base)),
        Line::default(),
    ];
    let mut spans = Vec::new();
    for (k, what) in choices {
        spans.push(Span::styled(format!("[{k}]"), theme.key));
        spans.push(Span::styled(format!(" {what}   "), theme.base));
    }
    lines.push(Line::from(spans));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.warn)
        .title(Span::styled(
            format!(" {title} "),
            theme.warn.add_modifier(Modifier::BOLD),
        ));
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: true })
            .block(block),
        rect,
    );
}

fn draw_form(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(90),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", form.title()), theme.title))
        .title_bottom(Line::from(vec![
            Span::styled(" Enter", theme.key),
            Span::styled(" apply ", theme.dim),
            Span::styled("Esc", theme.key),
            Span::styled(" cancel ", theme.dim),
            Span::styled("Tab/↑↓", theme.key),
            Span::styled(" field ", theme.dim),
            Span::styled("←→", theme.key),
            Span::styled(" choose ", theme.dim),
        ]));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let label_w = form
        .fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(8)
        .min(24) as u16
        + 2;
    let input_w = inner.width.saturating_sub(label_w + 1);
    // Each field takes one line, plus one for its error; keep the focus visible.
    let heights: Vec<u16> = form
        .fields
        .iter()
        .map(|f| 1 + u16::from(f.error.is_some()))
        .collect();
    let avail = inner.height.saturating_sub(u16::from(form.error.is_some()));
    let mut first = 0;
    while first < form.focus && heights[first..=form.focus].iter().sum::<u16>() > avail {
        first += 1;
    }
    let mut y = inner.y;
    for (i, f) in form.fields.iter().enumerate().skip(first) {
        if y + heights[i] > inner.y + avail {
            break;
        }
        let focused = i == form.focus;
        let required = if f.field.required && f.path.len() == 1 {
            "*"
        } else {
            " "
        };
        let label_style = if focused {
            theme.key
        } else {
            theme.header.remove_modifier(Modifier::BOLD)
        };
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("{required}{}", truncate(&f.label, label_w as usize - 2)),
                label_style,
            )),
            Rect {
                x: inner.x,
                y,
                width: label_w,
                height: 1,
            },
        );
        let field_rect = Rect {
            x: inner.x + label_w,
            y,
            width: input_w,
            height: 1,
        };
        match &f.choices {
            Some((options, chosen)) => {
                let value = options.get(*chosen).copied().unwrap_or_default();
                let default = f.field.default.map(|d| d.trim_matches('"')).unwrap_or("");
                let unset = if default.is_empty() {
                    "(not set)".to_string()
                } else {
                    format!("(not set: {default})")
                };
                let shown = if value.is_empty() {
                    unset.as_str()
                } else {
                    value
                };
                let style = if focused { theme.selected } else { theme.base };
                frame.render_widget(
                    Paragraph::new(Span::styled(format!("‹ {shown} ›"), style)),
                    field_rect,
                );
            }
            None => {
                let scroll = f.input.visual_scroll(input_w.saturating_sub(1) as usize);
                let style = if focused {
                    theme.base.add_modifier(Modifier::UNDERLINED)
                } else {
                    theme.base
                };
                frame.render_widget(
                    Paragraph::new(f.input.value().to_string())
                        .style(style)
                        .scroll((0, scroll as u16)),
                    field_rect,
                );
                if focused {
                    let x = f.input.visual_cursor().saturating_sub(scroll) as u16;
                    frame.set_cursor_position((field_rect.x + x.min(input_w.saturating_sub(1)), y));
                }
            }
        }
        y += 1;
        if let Some(e) = &f.error {
            frame.render_widget(
                Paragraph::new(Span::styled(format!("✗ {e}"), theme.error)),
                Rect {
                    x: inner.x + label_w,
                    y,
                    width: input_w,
                    height: 1,
                },
            );
            y += 1;
        }
    }
    if let Some(e) = &form.error {
        frame.render_widget(
            Paragraph::new(Span::styled(format!("✗ not applied: {e}"), theme.error)),
            Rect {
                x: inner.x,
                y: inner.y + inner.height - 1,
                width: inner.width,
                height: 1,
            },
        );
    }
}

/// Cut a string to `width` terminal columns, with an ellipsis.
pub fn truncate(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// A bordered block with a title, in the theme.
pub fn block<'a>(title: impl Into<String>, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", title.into()), theme.title))
}

/// Style for a row: selected or not.
pub fn row_style(selected: bool, theme: &Theme) -> Style {
    if selected { theme.selected } else { theme.base }
}
