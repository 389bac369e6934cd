//! Market pane (seed §2.2, §2.4): segments, trends, competitors, features,
//! evidence and series, one kind at a time (`[` / `]`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::{compact, detail, matches, plain, window_table};
use crate::tui::app::{App, MARKET_KINDS};
use crate::tui::theme::Theme;
use crate::workspace::RecordKind;

fn kind(app: &App) -> RecordKind {
    MARKET_KINDS[app.market_kind % MARKET_KINDS.len()]
}

fn title_of(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Segment => "Segments",
        RecordKind::Trend => "Trends",
        RecordKind::Competitor => "Competitors",
        RecordKind::Feature => "Features",
        RecordKind::Evidence => "Evidence",
        _ => "Series",
    }
}

/// Searchable text and table cells of record `i` of the current kind.
fn record(app: &App, i: usize) -> (Vec<String>, Vec<(String, String)>) {
    let m = &app.ws.model;
    let opt = |x: Option<f64>| x.map(compact).unwrap_or_else(|| "—".into());
    match kind(app) {
        RecordKind::Segment => {
            let s = &m.segments[i];
            let sam = s.tam.zip(s.sam_share).map(|(t, a)| t * a);
            let som = sam.zip(s.som_share).map(|(a, b)| a * b);
            (
                vec![s.id.clone(), s.name.clone(), opt(s.tam), opt(sam), opt(som)],
                vec![("description".into(), s.description.clone())],
            )
        }
        RecordKind::Trend => {
            let t = &m.trends[i];
            (
                vec![
                    t.id.clone(),
                    t.title.clone(),
                    t.kind.clone(),
                    t.direction.clone(),
                    t.impact.to_string(),
                ],
                vec![
                    ("horizon".into(), t.horizon.clone()),
                    ("source".into(), t.source.clone()),
                    ("notes".into(), t.description.clone()),
                ],
            )
        }
        RecordKind::Competitor => {
            let c = &m.competitors[i];
            let cov = m
                .features
                .iter()
                .map(|f| match c.features.get(&f.id).map(String::as_str) {
                    Some("yes") => "✓",
                    Some("partial") => "~",
                    _ => "✗",
                })
                .collect::<Vec<_>>()
                .join(" ");
            (
                vec![
                    c.id.clone(),
                    c.name.clone(),
                    c.share
                        .map(|s| format!("{:.0}%", s * 100.0))
                        .unwrap_or_else(|| "—".into()),
                    cov,
                    c.pricing.clone(),
                ],
                vec![("description".into(), c.description.clone())],
            )
        }
        RecordKind::Feature => {
            let f = &m.features[i];
            let with = m
                .competitors
                .iter()
                .filter(|c| c.features.get(&f.id).is_some_and(|v| v == "yes"))
                .count();
            (
                vec![
                    f.id.clone(),
                    f.name.clone(),
                    f.weight.to_string(),
                    format!("{with}/{}", m.competitors.len()),
                    String::new(),
                ],
                vec![],
            )
        }
        RecordKind::Evidence => {
            let e = &m.evidence[i];
            let what = match (&e.scale, e.counts.is_empty()) {
                (Some(s), false) => format!("{s}, {} answers", e.counts.iter().sum::<i64>()),
                (Some(s), true) => format!("{s}, {}", e.responses.clone().unwrap_or_default()),
                _ => e.needs.join(", "),
            };
            (
                vec![
                    e.id.clone(),
                    e.title.clone(),
                    e.kind.clone(),
                    what,
                    e.date.map(|d| d.to_string()).unwrap_or_default(),
                ],
                vec![
                    ("source".into(), e.source.clone()),
                    ("notes".into(), e.notes.clone()),
                ],
            )
        }
        _ => {
            let s = &m.series[i];
            (
                vec![
                    s.id.clone(),
                    s.name.clone(),
                    s.frequency.clone(),
                    s.file.clone(),
                    s.method.clone(),
                ],
                vec![
                    (
                        "columns".into(),
                        format!("{} / {}", s.date_column, s.value_column),
                    ),
                    ("unit".into(), s.unit.clone()),
                ],
            )
        }
    }
}

fn headers(kind: RecordKind) -> [&'static str; 5] {
    match kind {
        RecordKind::Segment => ["id", "name", "TAM", "SAM", "SOM"],
        RecordKind::Trend => ["id", "title", "type", "direction", "impact"],
        RecordKind::Competitor => ["id", "name", "share", "features ✓ ~ ✗", "pricing"],
        RecordKind::Feature => ["id", "name", "weight", "competitors ✓", ""],
        RecordKind::Evidence => ["id", "title", "kind", "answers / needs", "date"],
        _ => ["id", "name", "frequency", "file", "forecast"],
    }
}

pub fn rows(app: &App) -> Vec<usize> {
    let n = app.ws.count(kind(app));
    (0..n)
        .filter(|&i| {
            let (cells, _) = record(app, i);
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            matches(&app.market.filter, &refs)
        })
        .collect()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let [selector, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let detail_h = 6.min(rest.height / 2);
    let [table_area, detail_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(detail_h)]).areas(rest);
    let k = kind(app);
    let mut spans = vec![Span::styled(" [ ", theme.key)];
    let long: usize = MARKET_KINDS
        .iter()
        .map(|mk| title_of(*mk).len() + 6)
        .sum::<usize>()
        + 6;
    for (i, mk) in MARKET_KINDS.iter().enumerate() {
        let name = title_of(*mk);
        let name = if long > selector.width as usize {
            &name[..name.len().min(5)]
        } else {
            name
        };
        let label = format!(" {name} {} ", app.ws.count(*mk));
        spans.push(Span::styled(
            label,
            if i == app.market_kind {
                theme.tab_active
            } else {
                theme.base
            },
        ));
    }
    spans.push(Span::styled(" ] ", theme.key));
    frame.render_widget(Paragraph::new(Line::from(spans)), selector);
    let rows = rows(app);
    let selected = app.market.selected.min(rows.len().saturating_sub(1));
    let widths = vec![
        Constraint::Length(14),
        Constraint::Fill(2),
        Constraint::Length(12),
        Constraint::Fill(1),
        Constraint::Length(12),
    ];
    let title = format!(
        "{} {}/{} (read-only for now)",
        title_of(k),
        rows.len(),
        app.ws.count(k)
    );
    let page = window_table(
        frame,
        table_area,
        title,
        headers(k).to_vec(),
        widths,
        rows.len(),
        selected,
        &app.market.offset,
        theme,
        |pos| {
            record(app, rows[pos])
                .0
                .into_iter()
                .map(Cell::from)
                .collect()
        },
    );
    app.page = page;
    let Some(&i) = rows.get(selected) else {
        detail(frame, detail_area, title_of(k).into(), vec![], theme);
        return;
    };
    let (cells, extra) = record(app, i);
    let lines = extra
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| (l, plain(v, theme.base)))
        .collect();
    detail(frame, detail_area, cells[0].clone(), lines, theme);
}
