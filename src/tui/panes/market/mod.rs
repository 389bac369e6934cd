//! Market pane (seed §2.2, §2.4): one view per kind of market record, picked
//! with `[` / `]`. Each view is a table of the records (the selection is what
//! `e` / `d` act on) next to what the analysis says about them:
//!
//! * Segments — TAM / SAM / SOM top-down vs bottom-up as bars, with the
//!   disagreement warning;
//! * Trends — type, direction and impact;
//! * Competitors — the feature matrix with weighted coverage, our planned
//!   coverage per scenario and the biggest gaps;
//! * Features — buyer weight and who covers each feature;
//! * Evidence — survey answers as diverging bars, interviews with the needs
//!   they support;
//! * Series — the data, the forecast and its prediction interval as a chart.

mod evidence;
mod matrix;
mod segments;
mod series;
mod trends;

use std::path::PathBuf;
use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph};

use super::{matches, window_table};
use crate::market::{self, Forecast, LoadedSeries, Problem, SeriesCache, Survey};
use crate::tui::app::{App, MARKET_KINDS};
use crate::tui::theme::Theme;
use crate::workspace::RecordKind;
use crate::workspace::model::{Evidence, Series};

/// What the Market pane keeps between frames so that a redraw neither reads
/// a CSV again nor refits a forecast: the loaded series (re-read only when
/// the file's size or modification time changes) and the last forecast and
/// survey summary, reused while their record and data are unchanged.
#[derive(Debug, Default)]
pub struct MarketPane {
    cache: SeriesCache,
    forecast: Option<ForecastMemo>,
    survey: Option<SurveyMemo>,
}

#[derive(Debug)]
struct ForecastMemo {
    series: Series,
    data: Result<LoadedSeries, Vec<Problem>>,
    cagr: Option<f64>,
    forecast: Result<Forecast, String>,
}

#[derive(Debug)]
struct SurveyMemo {
    evidence: Evidence,
    stamp: Option<(PathBuf, Option<SystemTime>, u64)>,
    survey: Option<Survey>,
}

/// A loaded series with its growth and forecast, as the Series view shows it.
pub struct SeriesView<'a> {
    pub data: &'a Result<LoadedSeries, Vec<Problem>>,
    pub cagr: Option<f64>,
    pub forecast: &'a Result<Forecast, String>,
}

impl MarketPane {
    /// The data and forecast of `series`, loading and fitting only when the
    /// record or the file changed since the last call.
    pub fn series(&mut self, root: &std::path::Path, series: &Series) -> SeriesView<'_> {
        let data = self.cache.load(root, series);
        let memo = match self.forecast.take() {
            Some(m) if m.series == *series && m.data == data => m,
            _ => {
                let (cagr, forecast) = match &data {
                    Ok(d) => market::forecast_series(d, &market::spec_of(series, None)),
                    Err(_) => (None, Err("no data".into())),
                };
                ForecastMemo {
                    series: series.clone(),
                    data,
                    cagr,
                    forecast,
                }
            }
        };
        let m = self.forecast.insert(memo);
        SeriesView {
            data: &m.data,
            cagr: m.cagr,
            forecast: &m.forecast,
        }
    }

    /// The summary of a survey record (answers from its counts or its CSV of
    /// responses, re-read only when that file changes); `None` for interviews.
    pub fn survey(&mut self, root: &std::path::Path, e: &Evidence) -> Option<&Survey> {
        let stamp = e.responses.as_deref().and_then(|file| {
            let path = crate::workspace::validate::resolve_inside(root, file).ok()?;
            let meta = std::fs::metadata(&path).ok();
            Some((
                path,
                meta.as_ref().and_then(|m| m.modified().ok()),
                meta.map_or(0, |m| m.len()),
            ))
        });
        let memo = match self.survey.take() {
            Some(m) if m.evidence == *e && m.stamp == stamp => m,
            _ => SurveyMemo {
                evidence: e.clone(),
                stamp,
                survey: market::evidence::survey(root, e),
            },
        };
        self.survey.insert(memo).survey.as_ref()
    }
}

pub fn kind(app: &App) -> RecordKind {
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

/// The text a filter searches in record `i` of the current kind.
fn searchable(app: &App, i: usize) -> Vec<String> {
    let m = &app.ws.model;
    match kind(app) {
        RecordKind::Segment => {
            let s = &m.segments[i];
            vec![s.id.clone(), s.name.clone(), s.description.clone()]
        }
        RecordKind::Trend => {
            let t = &m.trends[i];
            vec![
                t.id.clone(),
                t.title.clone(),
                t.kind.to_string(),
                t.direction.to_string(),
                t.horizon.to_string(),
                t.source.clone(),
            ]
        }
        RecordKind::Competitor => {
            let c = &m.competitors[i];
            vec![c.id.clone(), c.name.clone(), c.pricing.clone()]
        }
        RecordKind::Feature => {
            let f = &m.features[i];
            vec![f.id.clone(), f.name.clone()]
        }
        RecordKind::Evidence => {
            let e = &m.evidence[i];
            vec![
                e.id.clone(),
                e.title.clone(),
                e.kind.to_string(),
                e.source.clone(),
                e.needs.join(" "),
            ]
        }
        _ => {
            let s = &m.series[i];
            vec![s.id.clone(), s.name.clone(), s.file.clone(), s.unit.clone()]
        }
    }
}

/// Record indices of the current kind, filtered, in file order or by id
/// (`s` toggles).
pub fn rows(app: &App) -> Vec<usize> {
    let k = kind(app);
    let n = app.ws.count(k);
    let mut rows: Vec<usize> = (0..n)
        .filter(|&i| {
            if app.market.filter.is_empty() {
                return true;
            }
            let cells = searchable(app, i);
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            matches(&app.market.filter, &refs)
        })
        .collect();
    if app.market.sort % 2 == 1 {
        let ids = app.ws.ids(k);
        rows.sort_by(|a, b| ids.get(*a).cmp(&ids.get(*b)));
    }
    rows
}

/// The visible rows and the position of the selection among them.
fn selection(app: &App) -> (Vec<usize>, usize) {
    let rows = rows(app);
    let selected = app.market.selected.min(rows.len().saturating_sub(1));
    (rows, selected)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &mut App, theme: &Theme) {
    let [selector, rest] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    draw_selector(frame, selector, app, theme);
    match kind(app) {
        RecordKind::Segment => segments::draw(frame, rest, app, theme),
        RecordKind::Trend => trends::draw(frame, rest, app, theme),
        RecordKind::Competitor => matrix::draw(frame, rest, app, theme),
        RecordKind::Feature => matrix::draw_features(frame, rest, app, theme),
        RecordKind::Evidence => evidence::draw(frame, rest, app, theme),
        _ => series::draw(frame, rest, app, theme),
    }
}

/// `[ Segments 3  Trends 7 … ]`: the kinds, the current one highlighted
/// (and bracketed, so it shows without colour).
fn draw_selector(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let label = |i: usize, short: bool| {
        let mk = MARKET_KINDS[i];
        let name = title_of(mk);
        let name = if short && i != app.market_kind {
            &name[..name.len().min(4)]
        } else {
            name
        };
        if i == app.market_kind {
            format!("‹{name} {}›", app.ws.count(mk))
        } else {
            format!(" {name} {} ", app.ws.count(mk))
        }
    };
    let width = |short: bool| -> usize {
        (0..MARKET_KINDS.len())
            .map(|i| label(i, short).chars().count())
            .sum::<usize>()
            + 4
    };
    let short = width(false) > area.width as usize;
    let mut spans = vec![Span::styled("[ ", theme.key)];
    for i in 0..MARKET_KINDS.len() {
        let style = if i == app.market_kind {
            theme.tab_active
        } else {
            theme.base
        };
        spans.push(Span::styled(label(i, short), style));
    }
    spans.push(Span::styled(" ]", theme.key));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The records table of the current view; sets the page size for PgUp/PgDn.
pub fn record_table<'a>(
    frame: &mut Frame,
    area: Rect,
    app: &mut App,
    theme: &Theme,
    columns: Vec<(&'a str, Constraint)>,
    mut cells: impl FnMut(&App, usize) -> Vec<Cell<'a>>,
) {
    let (rows, selected) = selection(app);
    let k = kind(app);
    let mut title = format!("{} {}/{}", title_of(k), rows.len(), app.ws.count(k));
    if app.market.sort % 2 == 1 {
        title.push_str(" · by id");
    }
    if !app.market.filter.is_empty() {
        title.push_str(&format!(" · filter “{}”", app.market.filter));
    }
    let (header, widths): (Vec<&str>, Vec<Constraint>) = columns.into_iter().unzip();
    let view: &App = app;
    let page = window_table(
        frame,
        area,
        title,
        header,
        widths,
        rows.len(),
        selected,
        &view.market.offset,
        theme,
        |pos| cells(view, rows[pos]),
    );
    app.page = page;
}

/// A number for axes and bars: 3 significant digits, k / m / bn above 1,000.
pub fn amount(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    market::sizing::compact(x)
}

/// A CSV problem as `file:line: message`, the file relative to the
/// workspace folder (as the user wrote it), not the absolute path.
pub fn problem_text(root: &std::path::Path, p: &Problem) -> String {
    let file = p.file.strip_prefix(root).unwrap_or(&p.file);
    if p.line > 0 {
        format!("{}:{}: {}", file.display(), p.line, p.message)
    } else {
        format!("{}: {}", file.display(), p.message)
    }
}

/// A share as a whole percentage.
pub fn percent(x: f64) -> String {
    if x.is_finite() {
        format!("{:.0} %", x * 100.0)
    } else {
        "—".into()
    }
}

/// Lines needed to show `text` wrapped at `width` columns (at least 1).
pub fn wrapped_height(text: &str, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    text.lines()
        .map(|l| unicode_width::UnicodeWidthStr::width(l).div_ceil(w).max(1))
        .sum::<usize>()
        .max(1)
        .min(u16::MAX as usize) as u16
}
