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

pub(crate) mod evidence;
mod matrix;
mod segments;
mod series;
mod trends;

use std::path::PathBuf;
use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{DetailScroll, matches, move_to, record_action, record_at, table_rows, window_table};
use crate::market::{self, Forecast, LoadedSeries, Problem, SeriesCache, Survey};
use crate::tui::component::{AppCtx, Component, Handled, ListView};
use crate::tui::keymap::{Action, Keymap, Scope};
use crate::tui::theme::Theme;
use crate::workspace::model::{Evidence, Series};
use crate::workspace::{RecordKind, Workspace};

/// The record kinds the Market pane lists, in the order `]` steps through them.
pub const MARKET_KINDS: [RecordKind; 6] = [
    RecordKind::Segment,
    RecordKind::Trend,
    RecordKind::Competitor,
    RecordKind::Feature,
    RecordKind::Evidence,
    RecordKind::Series,
];

/// The Market pane: which kind it lists, its table's view state, and the
/// data it read for the selected record.
#[derive(Debug, Default)]
pub struct MarketPane {
    pub list: ListView,
    /// Index into [`MARKET_KINDS`].
    pub kind: usize,
    pub data: MarketData,
    /// Scroll of the detail text (trends, interviews).
    pub detail: DetailScroll,
}

/// What a view of the Market pane reads while drawing.
pub struct View<'a> {
    pub ws: &'a Workspace,
    pub presentation: bool,
    pub list: &'a ListView,
    pub data: &'a MarketData,
    pub kind: usize,
    pub detail: &'a DetailScroll,
    pub keymap: &'a Keymap,
}

impl MarketPane {
    fn view<'a>(&'a self, ctx: &'a AppCtx) -> View<'a> {
        View {
            ws: &ctx.ws,
            presentation: ctx.presentation,
            list: &self.list,
            data: &self.data,
            kind: self.kind,
            detail: &self.detail,
            keymap: &ctx.keymap,
        }
    }

    /// The detail text of the current view where it is drawn, for views
    /// whose text can outgrow its panel.
    fn detail_text(&self, area: Rect, ctx: &AppCtx) -> Option<(Rect, Vec<Line<'static>>)> {
        let [_, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let app = self.view(ctx);
        let theme = ctx.theme();
        match kind(&app) {
            RecordKind::Trend => Some(trends::detail_text(rest, &app, &theme)),
            RecordKind::Evidence => evidence::detail_text(rest, &app, &theme),
            _ => None,
        }
    }

    /// Which record the detail panel shows (kind and index), so a new one
    /// starts at the top.
    fn shown(&self, ctx: &AppCtx) -> Option<usize> {
        record_at(&rows(&self.view(ctx)), &self.list).map(|i| self.kind * 1_000_000 + i)
    }

    /// Record indices the table lists (filtered, sorted).
    pub fn rows(&self, ctx: &AppCtx) -> Vec<usize> {
        rows(&self.view(ctx))
    }

    /// Rows the records table shows in a pane of `area`.
    fn visible_rows(&self, area: Rect, ctx: &AppCtx) -> usize {
        let [_, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let app = self.view(ctx);
        match kind(&app) {
            RecordKind::Segment => table_rows(segments::table_area(rest, &app)),
            RecordKind::Trend => table_rows(trends::table_area(rest, &app)),
            RecordKind::Competitor => matrix::visible_rows(rest, &app),
            RecordKind::Feature => table_rows(matrix::features_table_area(rest, &app)),
            RecordKind::Evidence => table_rows(evidence::table_area(rest)),
            _ => match series::table_area(rest, &app) {
                a if a.height == 0 => 1,
                a => table_rows(a),
            },
        }
    }
}

impl Component for MarketPane {
    fn commands(&self) -> Vec<Scope> {
        vec![
            Scope::Nav,
            Scope::List,
            Scope::Detail,
            Scope::Edit,
            Scope::Market,
        ]
    }

    /// Load the CSV data of the selected series or survey (only when its
    /// record or file changed), so that drawing reads nothing.
    fn sync(&mut self, ctx: &mut AppCtx) {
        let (rows, selected) = selection(&self.view(ctx));
        self.list.clamp(rows.len());
        let Some(&i) = rows.get(selected) else {
            return;
        };
        let m = &ctx.ws.model;
        match MARKET_KINDS[self.kind % MARKET_KINDS.len()] {
            RecordKind::Series => {
                if let Some(s) = m.series.get(i) {
                    self.data.load_series(&ctx.ws.root, s);
                }
            }
            RecordKind::Evidence => {
                if let Some(e) = m.evidence.get(i) {
                    self.data.load_survey(&ctx.ws.root, e);
                }
            }
            _ => {}
        }
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        let visible = self.visible_rows(area, ctx);
        let n = rows(&self.view(ctx)).len();
        self.list.scroll(visible, n);
        let shown = self.shown(ctx);
        self.detail.follow(shown);
        match self.detail_text(area, ctx) {
            Some((rect, lines)) => self.detail.fit_text(rect, &lines),
            None => self.detail.fit_text(Rect::default(), &[]),
        }
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        let rows = rows(&self.view(ctx));
        let kind = MARKET_KINDS[self.kind % MARKET_KINDS.len()];
        let sorts = ["file order", "id"];
        if let Some(done) = record_action(action, kind, &rows, &mut self.list, &sorts, ctx) {
            return done;
        }
        if self.detail.handle(action) {
            return Handled::Done;
        }
        match action {
            Action::NextKind => {
                self.kind = (self.kind + 1) % MARKET_KINDS.len();
                self.list.selected = 0;
            }
            Action::PrevKind => {
                self.kind = (self.kind + MARKET_KINDS.len() - 1) % MARKET_KINDS.len();
                self.list.selected = 0;
            }
            _ => return Handled::Ignored,
        }
        Handled::Done
    }

    fn list(&self) -> Option<&ListView> {
        Some(&self.list)
    }

    fn list_mut(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn selected(&self, ctx: &AppCtx) -> Option<(RecordKind, usize)> {
        let kind = MARKET_KINDS[self.kind % MARKET_KINDS.len()];
        Some((kind, record_at(&rows(&self.view(ctx)), &self.list)?))
    }

    fn select(&mut self, kind: RecordKind, index: usize, ctx: &AppCtx) -> bool {
        let Some(k) = MARKET_KINDS.iter().position(|m| *m == kind) else {
            return false;
        };
        self.kind = k;
        let rows = rows(&self.view(ctx));
        move_to(&rows, index, &mut self.list)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        draw(frame, area, &self.view(ctx), &ctx.theme())
    }
}

/// What the Market pane keeps between frames so that a redraw neither reads
/// a CSV again nor refits a forecast: the loaded series (re-read only when
/// the file's size or modification time changes) and the last forecast and
/// survey summary, reused while their record and data are unchanged.
#[derive(Debug, Default)]
pub struct MarketData {
    cache: SeriesCache,
    forecast: Option<ForecastMemo>,
    survey: Option<SurveyMemo>,
    /// The language the messages above are worded in.
    lang: crate::i18n::Lang,
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

impl MarketData {
    /// Forget what was read when the interface language changed since: its
    /// problems and notes are worded in the old one. Only the selected
    /// record's file is read again, on the next call.
    fn follow_language(&mut self) {
        let lang = crate::i18n::current();
        if self.lang != lang {
            self.cache.clear();
            self.forecast = None;
            self.survey = None;
            self.lang = lang;
        }
    }

    /// Load the data of `series` and fit its forecast, only when the record,
    /// the file or the interface language changed since the last call.
    pub fn load_series(&mut self, root: &std::path::Path, series: &Series) {
        self.follow_language();
        let data = self.cache.load(root, series);
        let memo = match self.forecast.take() {
            Some(m) if m.series == *series && m.data == data => m,
            _ => {
                let (cagr, forecast) = match &data {
                    Ok(d) => market::forecast_series(d, &market::spec_of(series, None)),
                    Err(_) => (None, Err(crate::tr!("tui.mkt.series.no_data"))),
                };
                ForecastMemo {
                    series: series.clone(),
                    data,
                    cagr,
                    forecast,
                }
            }
        };
        self.forecast = Some(memo);
    }

    /// The data and forecast of `series` as last loaded; `None` when it was
    /// not loaded for this record.
    pub fn series(&self, series: &Series) -> Option<SeriesView<'_>> {
        let m = self.forecast.as_ref().filter(|m| m.series == *series)?;
        Some(SeriesView {
            data: &m.data,
            cagr: m.cagr,
            forecast: &m.forecast,
        })
    }

    /// Summarise a survey record (answers from its counts or its CSV of
    /// responses, re-read only when that file or the interface language
    /// changes).
    pub fn load_survey(&mut self, root: &std::path::Path, e: &Evidence) {
        self.follow_language();
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
        self.survey = Some(memo);
    }

    /// The summary of a survey record as last loaded; `None` for interviews
    /// and records not loaded.
    pub fn survey(&self, e: &Evidence) -> Option<&Survey> {
        self.survey
            .as_ref()
            .filter(|m| m.evidence == *e)
            .and_then(|m| m.survey.as_ref())
    }
}

pub fn kind(app: &View) -> RecordKind {
    MARKET_KINDS[app.kind % MARKET_KINDS.len()]
}

fn title_of(kind: RecordKind) -> String {
    match kind {
        RecordKind::Segment => crate::tr!("tui.market.segments"),
        RecordKind::Trend => crate::tr!("tui.market.trends"),
        RecordKind::Competitor => crate::tr!("tui.market.competitors"),
        RecordKind::Feature => crate::tr!("tui.market.features"),
        RecordKind::Evidence => crate::tr!("tui.market.evidence"),
        _ => crate::tr!("tui.market.series"),
    }
}

/// The text a filter searches in record `i` of the current kind.
fn searchable(app: &View, i: usize) -> Vec<String> {
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
pub fn rows(app: &View) -> Vec<usize> {
    let k = kind(app);
    let n = app.ws.count(k);
    let mut rows: Vec<usize> = (0..n)
        .filter(|&i| {
            if app.list.filter.is_empty() {
                return true;
            }
            let cells = searchable(app, i);
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            matches(&app.list.filter, &refs)
        })
        .collect();
    if app.list.sort % 2 == 1 {
        let ids = app.ws.ids(k);
        rows.sort_by(|a, b| ids.get(*a).cmp(&ids.get(*b)));
    }
    rows
}

/// The visible rows and the position of the selection among them.
fn selection(app: &View) -> (Vec<usize>, usize) {
    let rows = rows(app);
    let selected = app.list.selected.min(rows.len().saturating_sub(1));
    (rows, selected)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
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
fn draw_selector(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let label = |i: usize, short: bool| {
        let mk = MARKET_KINDS[i];
        let name = title_of(mk);
        let name = if short && i != app.kind {
            crate::tui::ui::prefix_width(&name, 4)
        } else {
            name
        };
        if i == app.kind {
            format!("‹{name} {}›", app.ws.count(mk))
        } else {
            format!(" {name} {} ", app.ws.count(mk))
        }
    };
    let width = |short: bool| -> usize {
        (0..MARKET_KINDS.len())
            .map(|i| unicode_width::UnicodeWidthStr::width(label(i, short).as_str()))
            .sum::<usize>()
            + 4
    };
    let short = width(false) > area.width as usize;
    let mut spans = vec![Span::styled("[ ", theme.key)];
    for i in 0..MARKET_KINDS.len() {
        let style = if i == app.kind {
            theme.tab_active
        } else {
            theme.base
        };
        spans.push(Span::styled(label(i, short), style));
    }
    spans.push(Span::styled(" ]", theme.key));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The records table of the current view.
pub fn record_table<'a>(
    frame: &mut Frame,
    area: Rect,
    app: &View,
    theme: &Theme,
    columns: Vec<(&'a str, Constraint)>,
    mut cells: impl FnMut(&View, usize) -> Vec<Line<'a>>,
) {
    let (rows, _) = selection(app);
    let k = kind(app);
    let mut title = format!("{} {}/{}", title_of(k), rows.len(), app.ws.count(k));
    if app.list.sort % 2 == 1 {
        title.push_str(&crate::tr!("tui.market.by_id"));
    }
    if !app.list.filter.is_empty() {
        title.push_str(&crate::tr!("tui.list.filter", text = app.list.filter));
    }
    let (header, widths): (Vec<&str>, Vec<Constraint>) = columns.into_iter().unzip();
    window_table(
        frame,
        area,
        title,
        header,
        widths,
        rows.len(),
        app.list,
        theme,
        |pos| cells(app, rows[pos]),
    );
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

/// Lines needed to show `text` wrapped at `width` columns (at least 1),
/// as [`ui::wrap_lines`] wraps it (words are not cut, so this can be more
/// than the width divided into the length).
pub fn wrapped_height(text: &str, width: u16) -> u16 {
    let w = usize::from(width.max(1));
    text.lines()
        .map(|l| crate::text::wrap(l, w).len().max(1))
        .sum::<usize>()
        .max(1)
        .min(u16::MAX as usize) as u16
}
