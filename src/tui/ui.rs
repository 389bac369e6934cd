//! Drawing: the shell (tabs, status line, hints, overlays) around the panes.
//! Everything here reads the state and draws; page sizes and scrolling are
//! set before, in the layout step ([`render`] → `App::layout`).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::app::{App, Level, LinkPicker, Mode, Pane};
use super::form::{Editor, Form, Picker};
use super::keymap::Scope;
use super::theme::Theme;
use crate::workspace::RecordKind;
use crate::workspace::merge::ConflictKind;
use unicode_width::UnicodeWidthStr;

/// Below this the screen only says how much room it needs.
pub const MIN_WIDTH: u16 = 50;
pub const MIN_HEIGHT: u16 = 14;

/// The area a pane gets on a terminal of `area` (below the tabs, above the
/// status line and, outside presentation mode, the key hints).
pub fn body_area(area: Rect, app: &App) -> Rect {
    shell(area, app)[1]
}

/// Rows the status line needs: a message wider than the screen wraps onto
/// up to three rows (the body gives them up) instead of being cut.
fn status_rows(app: &App, width: u16) -> u16 {
    (wrapped_height(status_line(app, &app.theme()), width, false) as u16).clamp(1, 3)
}

fn shell(area: Rect, app: &App) -> [Rect; 3] {
    let presentation = app.ctx.presentation;
    let footer = status_rows(app, area.width) + if presentation { 0 } else { 1 };
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
    let [tabs, body, status] = shell(area, app);
    draw_tabs(frame, tabs, app, &theme);
    app.current().draw(frame, body, &app.ctx);
    draw_status(frame, status, app, &theme);
    let keys = &app.ctx.keymap;
    match &app.mode {
        Mode::Help(scroll) => help(frame, area, app, *scroll, &theme),
        Mode::Form(form) => draw_form(frame, area, form, &theme),
        Mode::ConfirmDelete { kind, id, .. } => prompt(
            frame,
            area,
            &theme,
            &crate::tr!("tui.prompt.delete_title"),
            &delete_question(app, *kind, id),
            &keys.prompt_choices(Scope::DeletePrompt),
        ),
        Mode::QuitPrompt => prompt(
            frame,
            area,
            &theme,
            &crate::tr!("tui.prompt.unsaved_title"),
            &crate::tr!(
                "tui.prompt.unsaved",
                files = app
                    .ctx
                    .ws
                    .dirty_files()
                    .iter()
                    .map(|k| k.file_name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &keys.prompt_choices(Scope::QuitPrompt),
        ),
        Mode::Merge(m) => {
            if let Some((kind, conflicts, n, of)) = m.current() {
                let value = |v: &Option<String>| match v {
                    Some(v) if v.contains('\n') => crate::tr!("tui.prompt.whole_record"),
                    Some(v) => v.clone(),
                    None => crate::tr!("tui.prompt.removed"),
                };
                let what: Vec<String> = conflicts
                    .iter()
                    .map(|c| {
                        let head = match c.kind {
                            ConflictKind::Field => {
                                crate::tr!("tui.prompt.both_sides", place = c.place())
                            }
                            _ => c.describe(),
                        };
                        crate::tr!(
                            "tui.prompt.yours_disk",
                            head = head,
                            ours = value(&c.ours),
                            theirs = value(&c.theirs)
                        )
                    })
                    .collect();
                prompt(
                    frame,
                    area,
                    &theme,
                    &crate::tr!(
                        "tui.prompt.merge_title",
                        file = kind.file_name(),
                        n = n,
                        of = of
                    ),
                    &crate::tr!(
                        "tui.prompt.merge",
                        what = what.join("; "),
                        file = kind.file_name(),
                    ),
                    &keys.prompt_choices(Scope::ConflictPrompt),
                );
            }
        }
        Mode::Recover(journal) => prompt(
            frame,
            area,
            &theme,
            &crate::tr!("tui.prompt.recover_title"),
            &crate::tr!(
                "tui.prompt.recover",
                files = journal
                    .files
                    .iter()
                    .map(|f| f.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &keys.prompt_choices(Scope::RecoverPrompt),
        ),
        Mode::RecoverFile {
            journal,
            pending,
            diff,
        } => {
            let decided = journal.files.len().saturating_sub(pending.len());
            let Some(jf) = pending.first().and_then(|&i| journal.files.get(i)) else {
                return;
            };
            let disk = crate::workspace::recovery::journal_kind(jf)
                .map(|k| app.ctx.ws.file(k).base_text().to_string())
                .unwrap_or_default();
            let extra: Vec<Line> = if *diff {
                crate::workspace::recovery::line_diff(&disk, &jf.text)
                    .into_iter()
                    .map(|(mark, line)| {
                        let style = match mark {
                            '-' => theme.error,
                            '+' => theme.ok,
                            _ => theme.dim,
                        };
                        let w = area.width.saturating_sub(2).min(96).saturating_sub(2);
                        Line::from(Span::styled(
                            truncate(&format!("{mark} {line}"), w as usize),
                            style,
                        ))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            prompt_with(
                frame,
                area,
                &theme,
                &crate::tr!(
                    "tui.prompt.recover_file_title",
                    file = jf.name,
                    n = decided + 1,
                    of = journal.files.len()
                ),
                &crate::tr!(
                    "tui.prompt.recover_file",
                    file = jf.name,
                    diff = if *diff {
                        crate::tr!("tui.prompt.recover_diff")
                    } else {
                        String::new()
                    }
                ),
                extra,
                &keys.prompt_choices(Scope::RecoverFilePrompt),
            );
        }
        Mode::Links(picker) => links(frame, area, app, picker, &theme),
        Mode::SaveInvalid { errors, .. } => prompt(
            frame,
            area,
            &theme,
            &crate::tr!("tui.prompt.invalid_title"),
            &{
                let first = errors.first().map(String::as_str).unwrap_or("");
                let more = if errors.len() > 1 { " …" } else { "" };
                if errors.len() == 1 {
                    crate::tr!("tui.prompt.invalid_one", n = 1, first = first, more = more)
                } else {
                    crate::tr!(
                        "tui.prompt.invalid_other",
                        n = errors.len(),
                        first = first,
                        more = more
                    )
                }
            },
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
            format!(" {} ", crate::tr!("tui.links.title", id = picker.of)),
            theme.title,
        ))
        .title_bottom(hint_line(&keys.prompt_choices(Scope::LinkPicker), theme));
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
    let text = crate::tr!(
        "tui.too_small",
        need = format!("{MIN_WIDTH}×{MIN_HEIGHT}"),
        have = format!("{}×{}", area.width, area.height)
    );
    let p = Paragraph::new(wrap_lines(text, area.width, true)).style(theme.warn);
    frame.render_widget(p, area);
}

fn draw_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let name = app.ctx.ws.name();
    // Until the workspace's name has room (at least 8 columns of it), the
    // other panes' tabs are packed closer, then shortened (`Scen`), then
    // left as numbers.
    let label = |i: usize, pane: &Pane, tier: usize| -> String {
        let title = pane.title();
        match tier {
            _ if *pane == app.pane => format!(" {} {title} ", i + 1),
            0 => format!(" {} {title} ", i + 1),
            1 => format!("{} {title} ", i + 1),
            2 => format!(" {} {} ", i + 1, prefix_width(&title, 4)),
            _ => format!(" {} ", i + 1),
        }
    };
    let want = UnicodeWidthStr::width(name).min(8) + 1;
    let tier = (0..4)
        .find(|&tier| {
            let used: usize = Pane::ALL
                .iter()
                .enumerate()
                .map(|(i, p)| UnicodeWidthStr::width(label(i, p, tier).as_str()))
                .sum();
            used + want <= area.width as usize
        })
        .unwrap_or(3);
    let mut spans = Vec::new();
    for (i, pane) in Pane::ALL.iter().enumerate() {
        let active = *pane == app.pane;
        spans.push(Span::styled(
            label(i, pane, tier),
            if active { theme.tab_active } else { theme.base },
        ));
    }
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + 1);
    if room > 4 {
        let shown = truncate(name, room);
        spans.push(Span::raw(" ".repeat(
            room.saturating_sub(UnicodeWidthStr::width(shown.as_str())),
        )));
        spans.push(Span::styled(shown, theme.title));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The saved/unsaved marker and the message (or the filter being typed).
fn status_line(app: &App, theme: &Theme) -> Line<'static> {
    let dirty = app.ctx.ws.dirty_files();
    let mut spans = vec![];
    if dirty.is_empty() {
        spans.push(Span::styled(
            format!(" {} ", crate::tr!("tui.status.saved_marker")),
            theme.ok,
        ));
    } else {
        spans.push(Span::styled(
            format!(
                " {} ",
                crate::tr!(
                    "tui.status.unsaved_marker",
                    files = dirty
                        .iter()
                        .map(|k| k.file_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            ),
            theme.warn.add_modifier(Modifier::BOLD),
        ));
    }
    if let Mode::Filter(input) = &app.mode {
        spans.push(Span::styled(" / ", theme.key));
        spans.push(Span::raw(input.value().to_string()));
        spans.push(Span::styled("▏", theme.key));
        spans.push(Span::styled(
            format!("  {}", crate::tr!("tui.status.filter_keys")),
            theme.dim,
        ));
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
    Line::from(spans)
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let hints_h = u16::from(!app.ctx.presentation && area.height > 1);
    let [message, hints_area] = Layout::vertical([
        Constraint::Length(area.height.saturating_sub(hints_h)),
        Constraint::Length(hints_h),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(wrap_lines(status_line(app, theme), message.width, false)),
        message,
    );
    if hints_area.height > 0 {
        // `?` first, then what this pane (or prompt) does, then the keys
        // that work everywhere: on a narrow screen the pane's own keys are
        // the ones that must not fall off the end.
        let scopes = app.scopes();
        let keymap = &app.ctx.keymap;
        let local: Vec<Scope> = scopes
            .iter()
            .copied()
            .filter(|s| *s != Scope::Global)
            .collect();
        let global = keymap.hints(&[Scope::Global]);
        let help = keymap.first_key(super::keymap::Action::Help);
        let (first, rest): (Vec<_>, Vec<_>) = if scopes.contains(&Scope::Global) {
            global.into_iter().partition(|(k, _)| *k == help)
        } else {
            (Vec::new(), Vec::new())
        };
        let hints: Vec<(String, String)> = first
            .into_iter()
            .chain(keymap.hints(&local))
            .chain(rest)
            .collect();
        frame.render_widget(Paragraph::new(hint_line(&hints, theme)), hints_area);
    }
}

/// Key hints as a line: each key in the key style, its label dimmed.
fn hint_line<K: AsRef<str>, V: AsRef<str>>(hints: &[(K, V)], theme: &Theme) -> Line<'static> {
    Line::from(
        hints
            .iter()
            .flat_map(|(k, what)| {
                [
                    Span::styled(format!(" {}", k.as_ref()), theme.key),
                    Span::styled(format!(" {} ", what.as_ref()), theme.dim),
                ]
            })
            .collect::<Vec<_>>(),
    )
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

/// The help overlay's text: this pane's keys, the ones that work
/// everywhere, then one line per prompt.
fn help_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let keymap = &app.ctx.keymap;
    let local = app.current().commands();
    let mut lines: Vec<Line> = Vec::new();
    let entry = |(k, d): &(String, String)| {
        Line::from(vec![
            Span::styled(format!("{k:>11} "), theme.key),
            Span::styled(d.to_string(), theme.base),
        ])
    };
    if !local.is_empty() {
        lines.push(Line::from(Span::styled(
            crate::tr!("tui.help.pane", pane = app.pane.title()),
            theme.header,
        )));
        lines.extend(keymap.help(&local).iter().map(entry));
    }
    lines.push(Line::from(Span::styled(
        crate::tr!("tui.help.everywhere"),
        theme.header,
    )));
    lines.extend(keymap.help(&[Scope::Global]).iter().map(entry));
    lines.push(Line::from(Span::styled(
        crate::tr!("tui.help.prompts"),
        theme.header,
    )));
    for (scope, name) in Scope::PROMPTS {
        let key = format!("tui.help.prompt.{name}");
        let name = crate::tr!(key.as_str());
        let pad = " ".repeat(11usize.saturating_sub(UnicodeWidthStr::width(name.as_str())));
        let mut spans = vec![Span::styled(format!("{pad}{name} "), theme.dim)];
        for (k, what) in keymap.prompt_choices(scope) {
            spans.push(Span::styled(k, theme.key));
            spans.push(Span::styled(format!(" {what}  "), theme.base));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// Where the help overlay goes (below the tabs, above the status line) and
/// how its lines are laid out: (frame, columns, column width, rows).
fn help_geometry(area: Rect, n_lines: usize) -> (Rect, u16, u16, u16) {
    let rect = Rect {
        x: area.x,
        y: area.y + 1,
        width: area.width,
        height: area.height.saturating_sub(2),
    };
    let inner_w = rect.width.saturating_sub(2);
    let rows = rect.height.saturating_sub(2).max(1);
    // Columns of at least 38 cells; no more columns than the lines need.
    let columns = (inner_w / 38)
        .max(1)
        .min((n_lines as u16).div_ceil(rows).max(1));
    (rect, columns, inner_w / columns, rows)
}

/// How far the help overlay can scroll (in lines) on a screen of `area`.
pub fn help_max_scroll(area: Rect, app: &App) -> u16 {
    let n = help_lines(app, &app.theme()).len();
    let (_, columns, _, rows) = help_geometry(area, n);
    (n as u16).saturating_sub(columns * rows)
}

fn help(frame: &mut Frame, area: Rect, app: &App, scroll: u16, theme: &Theme) {
    let lines = help_lines(app, theme);
    let (rect, columns, col_w, rows) = help_geometry(area, lines.len());
    let capacity = usize::from(columns * rows);
    let first = usize::from(scroll).min(lines.len().saturating_sub(capacity));
    let keymap = &app.ctx.keymap;
    let mut bottom = format!(
        " {} ",
        crate::tr!(
            "tui.help.closes",
            key = keymap.first_key(super::keymap::Action::CloseHelp)
        )
    );
    if lines.len() > capacity {
        bottom.push_str(&crate::tr!(
            "tui.help.scroll",
            keys = format!(
                "{}/{}",
                keymap.first_key(super::keymap::Action::Up),
                keymap.first_key(super::keymap::Action::Down)
            ),
            from = first + 1,
            to = (first + capacity).min(lines.len()),
            n = lines.len()
        ));
        bottom.push(' ');
    }
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                crate::tr!("tui.help.title", pane = app.pane.title())
            ),
            theme.title,
        ))
        .title_bottom(Span::styled(bottom, theme.dim));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let shown: Vec<Line> = lines.into_iter().skip(first).take(capacity).collect();
    for (c, chunk) in shown.chunks(usize::from(rows.max(1))).enumerate() {
        let x = inner.x + c as u16 * col_w;
        let r = Rect {
            x,
            y: inner.y,
            width: col_w.saturating_sub(1).min(inner.x + inner.width - x),
            height: inner.height,
        };
        // Long descriptions are cut with an ellipsis, never the frame.
        let cut: Vec<Line> = chunk
            .iter()
            .map(|l| cut_line(l, usize::from(r.width)))
            .collect();
        frame.render_widget(Paragraph::new(cut), r);
    }
}

/// A line cut to `width` cells, its last visible character replaced by `…`
/// when anything was cut; styles kept.
fn cut_line(line: &Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line.clone();
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in &line.spans {
        if left == 0 {
            break;
        }
        let w = span.width();
        if w <= left {
            spans.push(span.clone());
            left -= w;
        } else {
            let text = truncate(&span.content, left + 1);
            let text = text.trim_end_matches('…').to_string();
            spans.push(Span::styled(text, span.style));
            break;
        }
    }
    spans.push(Span::raw("…"));
    Line::from(spans)
}

fn prompt(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    text: &str,
    choices: &[(String, String)],
) {
    prompt_with(frame, area, theme, title, text, Vec::new(), choices);
}

/// A prompt sized to its text, so the question and the choices are never
/// cut; `extra` lines (a diff) come between them and are the part cut
/// (with `… N more lines`) when the screen is short.
fn prompt_with(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    title: &str,
    text: &str,
    extra: Vec<Line<'static>>,
    choices: &[(String, String)],
) {
    let width = area
        .width
        .saturating_sub(2)
        .min(if extra.is_empty() { 64 } else { 96 });
    let inner_w = width.saturating_sub(2).max(1);
    let mut spans = Vec::new();
    for (k, what) in choices {
        spans.push(Span::styled(format!("[{k}]"), theme.key));
        spans.push(Span::styled(format!(" {what}   "), theme.base));
    }
    let question = wrapped_height(Span::styled(text.to_string(), theme.base), inner_w, true) as u16;
    let answers = wrapped_height(Line::from(spans.clone()), inner_w, true) as u16;
    let fixed = question + 1 + answers + 2;
    let room = area.height.saturating_sub(fixed + 1) as usize;
    let mut extra = extra;
    if extra.len() > room {
        let more = extra.len() - room.saturating_sub(1);
        extra.truncate(room.saturating_sub(1));
        extra.push(Line::from(Span::styled(
            crate::tr!("tui.prompt.more_lines", n = more),
            theme.dim,
        )));
    }
    let extra_h = if extra.is_empty() {
        0
    } else {
        extra.len() as u16 + 1
    };
    let rect = centered(area, width, (fixed + extra_h).min(area.height));
    frame.render_widget(Clear, rect);
    let mut lines = vec![
        Line::from(Span::styled(text.to_string(), theme.base)),
        Line::default(),
    ];
    if !extra.is_empty() {
        lines.extend(extra);
        lines.push(Line::default());
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
        Paragraph::new(wrap_lines(lines, rect.width.saturating_sub(2), true)).block(block),
        rect,
    );
}

/// The delete prompt's question, with what goes along with the record.
fn delete_question(app: &App, kind: RecordKind, id: &str) -> String {
    let mut with = String::new();
    if kind == RecordKind::Criterion {
        let (scored, compared) = app.ctx.ws.criterion_dependents(id);
        let mut parts = Vec::new();
        if !scored.is_empty() {
            parts.push(if scored.len() == 1 {
                crate::tr!("tui.prompt.scored_one", n = 1)
            } else {
                crate::tr!("tui.prompt.scored_other", n = scored.len())
            });
        }
        if compared > 0 {
            parts.push(if compared == 1 {
                crate::tr!("tui.prompt.compared_one", n = 1)
            } else {
                crate::tr!("tui.prompt.compared_other", n = compared)
            });
        }
        if !parts.is_empty() {
            with = crate::tr!(
                "tui.prompt.delete_with",
                parts = parts.join(&crate::tr!("tui.prompt.and"))
            );
        }
    }
    crate::tr!("tui.prompt.delete", id = id, with = with)
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
            Span::styled(format!(" {} ", crate::tr!("tui.form.apply")), theme.dim),
            Span::styled("Esc", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.cancel")), theme.dim),
            Span::styled("Tab/↑↓", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.field")), theme.dim),
            Span::styled("←→", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.choose")), theme.dim),
            Span::styled("Space", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.pick")), theme.dim),
        ]));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let shown: Vec<usize> = (0..form.fields.len())
        .filter(|&i| form.visible(i))
        .collect();
    let label_w = shown
        .iter()
        .map(|&i| UnicodeWidthStr::width(form.fields[i].label.as_str()))
        .max()
        .unwrap_or(8)
        .min(24) as u16
        + 2;
    let input_w = inner.width.saturating_sub(label_w + 1);
    // Each field takes one line, plus one for its error; the focused prose
    // field shows up to three wrapped lines; keep the focus visible.
    let prose_rows = |i: usize| -> u16 {
        let f = &form.fields[i];
        if !(f.prose && i == form.focus) {
            return 1;
        }
        let w = input_w.max(1) as usize;
        let rows: usize = f
            .value()
            .split('\n')
            .map(|l| UnicodeWidthStr::width(l).div_ceil(w).max(1))
            .sum();
        rows.clamp(1, 3) as u16
    };
    let height = |i: usize| prose_rows(i) + u16::from(form.fields[i].error.is_some());
    let avail = inner.height.saturating_sub(u16::from(form.error.is_some()));
    let focus_at = shown.iter().position(|&i| i == form.focus).unwrap_or(0);
    let mut first = 0;
    while first < focus_at
        && shown[first..=focus_at]
            .iter()
            .map(|&i| height(i))
            .sum::<u16>()
            > avail
    {
        first += 1;
    }
    let mut y = inner.y;
    for &i in shown.iter().skip(first) {
        let f = &form.fields[i];
        if y + height(i) > inner.y + avail {
            break;
        }
        let focused = i == form.focus && form.picker.is_none();
        let required = if f.mandatory { "*" } else { " " };
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
        if f.prose {
            let rows = prose_rows(i);
            let value = f.value();
            let lines = value.split('\n').count();
            let tail = if focused {
                format!("  {}", crate::tr!("tui.form.type_edit"))
            } else {
                String::new()
            };
            let rect = Rect {
                height: rows,
                ..field_rect
            };
            if rows > 1 || focused {
                let mut text: Vec<Line> = value
                    .split('\n')
                    .map(|l| Line::from(Span::styled(l.to_string(), theme.base)))
                    .collect();
                if value.is_empty() {
                    text = vec![Line::from(Span::styled(
                        crate::tr!("tui.form.empty"),
                        theme.dim,
                    ))];
                }
                let text = wrap_lines(text, input_w, false);
                // The start is shown; the last row says how much more.
                let total = text.len();
                let para = Paragraph::new(text);
                frame.render_widget(para, rect);
                let last = Rect {
                    y: rect.y + rows - 1,
                    height: 1,
                    ..rect
                };
                let more = total.saturating_sub(rows as usize);
                let note = match (more, focused) {
                    (0, true) => tail.trim_start().to_string(),
                    (0, false) => String::new(),
                    (n, _) => crate::tr!("tui.form.more", n = n, tail = tail),
                };
                if !note.is_empty() {
                    let w = UnicodeWidthStr::width(note.as_str()) as u16;
                    if more > 0 || last_line_room(&value, input_w) >= w + 2 {
                        frame.render_widget(
                            Paragraph::new(Span::styled(note, theme.dim))
                                .alignment(Alignment::Right),
                            last,
                        );
                    }
                }
            } else {
                let first = value.split('\n').next().unwrap_or_default();
                let shown = if lines > 1 {
                    format!("{first} ↵…")
                } else {
                    first.to_string()
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(truncate(&shown, input_w as usize), theme.base)),
                    field_rect,
                );
            }
        } else {
            draw_field_value(frame, form, i, field_rect, focused, theme);
        }
        y += prose_rows(i);
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
    // The focused field's help at the foot of the form, when the fields
    // leave room for it and a blank line above.
    if let Some(f) = form.fields.get(form.focus) {
        let help = crate::workspace::schema::help_text(&f.field);
        let bottom = inner.y + avail;
        let free = bottom.saturating_sub(y);
        if free >= 2 && !help.is_empty() {
            let help = wrap_lines(Span::styled(help, theme.dim), inner.width, true);
            let rows = (help.len() as u16).clamp(1, free - 1);
            let para = Paragraph::new(help);
            frame.render_widget(
                para,
                Rect {
                    x: inner.x,
                    y: bottom - rows,
                    width: inner.width,
                    height: rows,
                },
            );
        }
    }
    if let Some(e) = &form.error {
        frame.render_widget(
            Paragraph::new(Span::styled(
                crate::tr!("tui.form.not_applied", error = e),
                theme.error,
            )),
            Rect {
                x: inner.x,
                y: inner.y + inner.height - 1,
                width: inner.width,
                height: 1,
            },
        );
    }
    if let Some(p) = &form.picker {
        draw_picker(frame, rect, form, p, theme);
    }
    if let Some(e) = &form.editor {
        draw_editor(frame, rect, form, e, theme);
    }
}

/// One non-prose field's value: a choice, a list of links or columns, or a
/// text input with its hint and the cursor.
fn draw_field_value(
    frame: &mut Frame,
    form: &Form,
    i: usize,
    field_rect: Rect,
    focused: bool,
    theme: &Theme,
) {
    let f = &form.fields[i];
    let input_w = field_rect.width;
    let y = field_rect.y;
    let style = if focused { theme.selected } else { theme.base };
    match (&f.choices, f.links) {
        (Some((options, chosen)), _) => {
            let value = options.get(*chosen).map(String::as_str).unwrap_or_default();
            let default = f.field.default.map(|d| d.trim_matches('"')).unwrap_or("");
            let unset = if default.is_empty() {
                crate::tr!("tui.form.not_set")
            } else {
                crate::tr!("tui.form.not_set_default", default = default)
            };
            let shown = if value.is_empty() {
                unset.as_str()
            } else {
                value
            };
            let text = format!("‹ {shown} ›");
            let room = (input_w as usize).saturating_sub(UnicodeWidthStr::width(text.as_str()) + 1);
            let mut spans = vec![Span::styled(text, style)];
            if !f.hint.is_empty() && room > 3 {
                spans.push(Span::styled(
                    format!(" {}", truncate(&f.hint, room)),
                    theme.dim,
                ));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), field_rect);
        }
        (None, links) if links.is_some() || f.columns => {
            let value = f.value();
            let n = value.split(',').filter(|s| !s.trim().is_empty()).count();
            let text = if n == 0 {
                let noun = links.map_or_else(|| crate::tr!("tui.noun.column"), super::form::noun);
                crate::tr!("tui.form.none_of", noun = noun)
            } else {
                value
            };
            let tail = if focused {
                format!("  {}", crate::tr!("tui.form.space_pick"))
            } else {
                String::new()
            };
            let room = (input_w as usize).saturating_sub(UnicodeWidthStr::width(tail.as_str()));
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(truncate(&text, room), style),
                    Span::styled(tail, theme.dim),
                ])),
                field_rect,
            );
        }
        (None, _) => {
            // A score typed by hand keeps its scale beside it.
            let hint_w = if f.hint.is_empty() {
                0
            } else {
                (input_w / 2).min(UnicodeWidthStr::width(f.hint.as_str()) as u16 + 1)
            };
            let text_w = input_w.saturating_sub(hint_w);
            let text_rect = Rect {
                width: text_w,
                ..field_rect
            };
            let scroll = f.input.visual_scroll(text_w.saturating_sub(1) as usize);
            let style = if focused {
                theme.base.add_modifier(Modifier::UNDERLINED)
            } else {
                theme.base
            };
            let default = f.field.default.map(|d| d.trim_matches('"')).unwrap_or("");
            if f.input.value().is_empty() && !default.is_empty() && default != "[]" {
                // An empty optional field says what it falls back to.
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        truncate(
                            &crate::tr!("tui.form.not_set_default", default = default),
                            text_w as usize,
                        ),
                        theme.dim,
                    )),
                    text_rect,
                );
            } else {
                frame.render_widget(
                    Paragraph::new(f.input.value().to_string())
                        .style(style)
                        .scroll((0, scroll as u16)),
                    text_rect,
                );
            }
            if hint_w > 0 {
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        format!(" {}", truncate(&f.hint, hint_w as usize - 1)),
                        theme.dim,
                    )),
                    Rect {
                        x: field_rect.x + text_w,
                        width: hint_w,
                        ..field_rect
                    },
                );
            }
            if focused {
                let x = f.input.visual_cursor().saturating_sub(scroll) as u16;
                frame.set_cursor_position((text_rect.x + x.min(text_w.saturating_sub(1)), y));
            }
        }
    }
}

/// Room left on the last wrapped row of a text `width` wide.
fn last_line_room(text: &str, width: u16) -> u16 {
    let w = width.max(1) as usize;
    let last = text.split('\n').next_back().unwrap_or_default();
    let used = UnicodeWidthStr::width(last) % w;
    (w - used) as u16
}

/// The multi-line editor of a prose field, over the form.
fn draw_editor(frame: &mut Frame, form_rect: Rect, form: &Form, e: &Editor, theme: &Theme) {
    let rect = centered(
        form_rect,
        form_rect.width.saturating_sub(2),
        form_rect.height.saturating_sub(2).max(3),
    );
    frame.render_widget(Clear, rect);
    let label = form
        .fields
        .get(e.field)
        .map(|f| f.label.as_str())
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {label} "), theme.title))
        .title_bottom(hint_line(
            &[
                ("Esc", crate::tr!("tui.form.done")),
                ("Enter", crate::tr!("tui.form.new_line")),
                ("ctrl-z/y", crate::tr!("tui.form.undo_redo")),
                ("ctrl-s", crate::tr!("tui.form.apply")),
            ],
            theme,
        ));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut area = e.area.clone();
    area.set_style(theme.base);
    area.set_cursor_line_style(theme.base);
    area.set_cursor_style(theme.selected);
    frame.render_widget(&area, inner);
}

/// The multi-select picker of a links field, over the form.
fn draw_picker(frame: &mut Frame, form_rect: Rect, form: &Form, p: &Picker, theme: &Theme) {
    let rect = centered(
        form_rect,
        form_rect.width.saturating_sub(4),
        form_rect.height.saturating_sub(2),
    );
    frame.render_widget(Clear, rect);
    let label = form
        .fields
        .get(p.field)
        .map(|f| f.label.as_str())
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                crate::tr!("tui.form.chosen", label = label, n = p.chosen.len())
            ),
            theme.title,
        ))
        .title_bottom(Line::from(vec![
            Span::styled(format!(" {}", crate::tr!("tui.form.type")), theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.search")), theme.dim),
            Span::styled("↑↓", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.move")), theme.dim),
            Span::styled("Enter", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.tick")), theme.dim),
            Span::styled("Esc", theme.key),
            Span::styled(format!(" {} ", crate::tr!("tui.form.done")), theme.dim),
        ]));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.height < 2 {
        return;
    }
    let search = p.search.value();
    let search_label = crate::tr!("tui.form.search_label");
    let label_w = UnicodeWidthStr::width(search_label.as_str()) as u16;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(search_label, theme.dim),
            Span::styled(search.to_string(), theme.base),
        ])),
        Rect { height: 1, ..inner },
    );
    let cursor_x = inner.x + label_w + p.search.visual_cursor() as u16;
    frame.set_cursor_position((
        cursor_x.min(inner.x + inner.width.saturating_sub(1)),
        inner.y,
    ));
    let list = Rect {
        y: inner.y + 1,
        height: inner.height - 1,
        ..inner
    };
    let visible = p.visible();
    if visible.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("  {}", crate::tr!("tui.form.nothing_matches")),
                theme.dim,
            )),
            Rect { height: 1, ..list },
        );
        return;
    }
    let rows = list.height as usize;
    let first = (p.cursor + 1).saturating_sub(rows);
    let id_w = visible
        .iter()
        .map(|&i| p.options[i].0.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(k, &i)| {
            let (id, title) = &p.options[i];
            let tick = if p.chosen.contains(id) { "[x]" } else { "[ ]" };
            let text = format!("{tick} {:<id_w$}  {title}", truncate(id, id_w));
            let style = if k == p.cursor {
                theme.selected
            } else {
                theme.base
            };
            Line::from(Span::styled(truncate(&text, list.width as usize), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
}

/// `s` left-aligned in `width` terminal columns: cut with `…` when longer,
/// padded with spaces when shorter (wide characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let s = truncate(s, width);
    let used = UnicodeWidthStr::width(s.as_str());
    format!("{s}{}", " ".repeat(width.saturating_sub(used)))
}

/// `s` right-aligned in `width` terminal columns (cut with `…` when longer).
pub fn rpad(s: &str, width: usize) -> String {
    let s = truncate(s, width);
    let used = UnicodeWidthStr::width(s.as_str());
    format!("{}{s}", " ".repeat(width.saturating_sub(used)))
}

/// The longest start of `s` that fits in `width` terminal columns (no
/// ellipsis): a tab's short name.
pub fn prefix_width(s: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut used = 0;
    s.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used <= width
        })
        .collect()
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

/// `text` wrapped to `width` columns by display width with
/// [`crate::text::wrap`] (breaking at spaces and between CJK characters),
/// span styles, line styles and alignments kept: render the lines without
/// `Paragraph::wrap`; their number is the wrapped height. ratatui 0.30's
/// `Wrap` checks a line's width before adding a character, so a wide
/// character after an odd number of narrow columns ran the line one column
/// past its area (into the border, or out of the buffer). With `trim`,
/// lines lose their leading whitespace, as with `Wrap { trim: true }`;
/// lines that fit are otherwise kept as they are.
pub fn wrap_lines<'a>(text: impl Into<Text<'a>>, width: u16, trim: bool) -> Vec<Line<'static>> {
    let text = text.into();
    let w = usize::from(width.max(1));
    let mut out = Vec::new();
    for line in text.lines {
        let style = text.style.patch(line.style);
        let chars: Vec<(char, Style)> = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect();
        let pieces = if line.width() <= w {
            vec![chars.iter().map(|c| c.0).collect::<String>()]
        } else {
            crate::text::wrap(&chars.iter().map(|c| c.0).collect::<String>(), w)
        };
        // Each piece's characters are the source's in order, less the
        // whitespace dropped at breaks: walk both to give each its style.
        let mut k = 0;
        for piece in &pieces {
            let piece = if trim { piece.trim_start() } else { piece };
            let mut spans: Vec<Span<'static>> = Vec::new();
            for c in piece.chars() {
                while chars.get(k).is_some_and(|x| x.0 != c) {
                    k += 1;
                }
                let st = chars.get(k).map_or(Style::default(), |x| x.1);
                k += 1;
                match spans.last_mut() {
                    Some(last) if last.style == st => last.content.to_mut().push(c),
                    _ => spans.push(Span::styled(c.to_string(), st)),
                }
            }
            let mut l = Line::from(spans).style(style);
            l.alignment = line.alignment;
            out.push(l);
        }
    }
    out
}

/// The rows [`wrap_lines`] takes for `text` in `width` columns.
pub fn wrapped_height<'a>(text: impl Into<Text<'a>>, width: u16, trim: bool) -> usize {
    wrap_lines(text, width, trim).len()
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
