//! Risks pane (seed §4.3): the register sorted by score with the workspace's
//! level bands, a 5×5 likelihood × impact heat map, overdue reviews.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{
    Column, Density, DetailScroll, col, detail, keyed_table, matches, move_to, plain,
    record_action, record_at, table_rows,
};
use crate::analysis::risk::{self, Bands, Basis, HeatMap, overdue};
use crate::numfmt::MISSING;
use crate::tui::component::{AppCtx, Component, Handled, Level, ListView};
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::RecordKind;
use crate::workspace::model::Risk;

/// The Risks pane: the register's view state, the heat map's mode and the
/// category and status filters.
#[derive(Debug, Default)]
pub struct RisksPane {
    pub list: ListView,
    /// The rows in display order as the last sync or layout step worked
    /// them out (drawing reads them instead of sorting again).
    sorted: Vec<usize>,
    pub heat_residual: bool,
    pub category: Option<&'static str>,
    pub status: Option<&'static str>,
    /// The detail panel's scroll (ctrl-d/ctrl-u).
    pub detail_scroll: DetailScroll,
}

/// The fields the table can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Id,
    Title,
    Category,
    Score,
    Level,
    Residual,
    Status,
    Review,
    Owner,
}

/// The columns at each density.
pub fn columns(d: Density) -> Vec<Column<Col>> {
    use Constraint::{Fill, Length, Max};
    match d {
        Density::Presentation => vec![
            col(Col::Title, "title", Fill(1)),
            col(Col::Level, "level", Length(12)),
            col(Col::Review, "review", Length(12)),
        ],
        Density::Full => vec![
            col(Col::Id, "id", Max(32)),
            col(Col::Title, "title", Fill(3)),
            col(Col::Category, "category", Length(11)),
            col(Col::Score, "L×I", Length(6)),
            col(Col::Level, "level", Length(12)),
            col(Col::Residual, "resid.", Length(6)),
            col(Col::Status, "status", Length(10)),
            col(Col::Review, "review", Length(12)),
            col(Col::Owner, "owner", Fill(1)),
        ],
        Density::Compact => vec![
            col(Col::Id, "id", Max(32)),
            col(Col::Title, "title", Fill(1)),
            col(Col::Score, "L×I", Length(6)),
            col(Col::Level, "level", Length(11)),
            col(Col::Residual, "res", Length(3)),
            col(Col::Review, "review", Length(12)),
        ],
    }
}

pub const SORTS: [&str; 5] = ["score", "residual", "review date", "category", "file order"];

/// A sort order's name on screen.
fn sort_label(s: &str) -> String {
    match s {
        "score" => crate::tr!("tui.risks.sort.score"),
        "residual" => crate::tr!("tui.risks.sort.residual"),
        "review date" => crate::tr!("tui.risks.sort.review"),
        "category" => crate::tr!("tui.risks.sort.category"),
        "file order" => crate::tr!("tui.risks.sort.file"),
        other => other.to_string(),
    }
}

/// How a level reads: its position (for colour and glyph) and the band's
/// name; a score no band holds reads "?" (`check` warns about such bands).
pub fn level_text(level: Option<&risk::Level>) -> (usize, String) {
    level.map_or((0, "?".into()), |l| (l.position, l.name.clone()))
}

/// Glyphs so that a level reads without colour.
pub fn level_glyph(level: usize) -> &'static str {
    ["·", "▲", "▲▲", "‼"][level.min(3)]
}

/// The residual score, or `None` when it has not been assessed.
fn residual(r: &Risk) -> Option<i64> {
    r.residual.as_ref().map(|x| x.likelihood * x.impact)
}

impl RisksPane {
    pub fn rows(&self, ctx: &AppCtx) -> Vec<usize> {
        let m = &ctx.ws.model;
        let f = &self.list.filter;
        let mut rows: Vec<usize> = (0..m.risks.len())
            .filter(|&i| {
                let r = &m.risks[i];
                self.category.is_none_or(|c| r.category == c)
                    && self.status.is_none_or(|s| r.status == s)
                    && matches(
                        f,
                        &[
                            &r.id,
                            &r.title,
                            &r.owner,
                            &r.category,
                            &r.status,
                            &r.mitigation,
                            &r.tags.join(" "),
                        ],
                    )
            })
            .collect();
        match SORTS[self.list.sort % SORTS.len()] {
            // For ordering only, an unassessed residual is taken as the
            // inherent score (nothing mitigated yet); it is shown as "—".
            "score" => rows.sort_by_key(|&i| {
                let r = &m.risks[i];
                (-r.score(), -residual(r).unwrap_or(r.score()))
            }),
            "residual" => rows.sort_by_key(|&i| {
                let r = &m.risks[i];
                (-residual(r).unwrap_or(r.score()), -r.score())
            }),
            "review date" => rows.sort_by_key(|&i| {
                m.risks[i]
                    .review
                    .map(|d| d.days_since_epoch())
                    .unwrap_or(i64::MAX)
            }),
            "category" => rows.sort_by(|&a, &b| m.risks[a].category.cmp(&m.risks[b].category)),
            _ => {}
        }
        rows
    }

    /// The table, the heat map and the detail panel.
    fn areas(area: Rect) -> (Rect, Rect, Rect) {
        let lower_h = 9.min(area.height / 2);
        let [table_area, lower] =
            Layout::vertical([Constraint::Min(4), Constraint::Length(lower_h)]).areas(area);
        let [heat_area, detail_area] =
            Layout::horizontal([Constraint::Length(28), Constraint::Min(10)]).areas(lower);
        (table_area, heat_area, detail_area)
    }
}

impl Component for RisksPane {
    fn commands(&self) -> Vec<Scope> {
        vec![
            Scope::Nav,
            Scope::List,
            Scope::Detail,
            Scope::Edit,
            Scope::Risks,
        ]
    }

    fn sync(&mut self, ctx: &mut AppCtx) {
        self.sorted = self.rows(ctx);
        self.list.clamp(self.sorted.len());
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        let (table, _, detail_area) = Self::areas(area);
        self.sorted = self.rows(ctx);
        let n = self.sorted.len();
        self.list.scroll(table_rows(table), n);
        self.detail_scroll
            .follow(record_at(&self.sorted, &self.list));
        let (_, lines) = self.detail_lines(ctx);
        self.detail_scroll.fit(detail_area, &lines);
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        let rows = self.rows(ctx);
        if let Some(done) =
            record_action(action, RecordKind::Risk, &rows, &mut self.list, &SORTS, ctx)
        {
            self.detail_scroll.follow(record_at(&rows, &self.list));
            return done;
        }
        if self.detail_scroll.handle(action) {
            return Handled::Done;
        }
        match action {
            Action::HeatMap => {
                self.heat_residual = !self.heat_residual;
                ctx.say(
                    Level::Info,
                    if self.heat_residual {
                        crate::tr!("tui.risks.heat_residual")
                    } else {
                        crate::tr!("tui.risks.heat_inherent")
                    },
                );
            }
            Action::Category => {
                self.category = cycle(self.category, crate::workspace::schema::RISK_CATEGORIES);
                self.list.selected = 0;
            }
            Action::Status => {
                self.status = cycle(self.status, crate::workspace::schema::RISK_STATUSES);
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
        Some((RecordKind::Risk, record_at(&self.rows(ctx), &self.list)?))
    }

    fn select(&mut self, kind: RecordKind, index: usize, ctx: &AppCtx) -> bool {
        kind == RecordKind::Risk && move_to(&self.rows(ctx), index, &mut self.list)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        let theme = &ctx.theme();
        let today = ctx.today;
        let rows = &self.sorted;
        let (table_area, heat_area, detail_area) = Self::areas(area);
        let m = &ctx.ws.model;
        let bands = Bands::of(m);
        let overdue_n = m.risks.iter().filter(|r| overdue(r, today)).count();
        let mut title = crate::tr!(
            "tui.risks.title",
            shown = rows.len(),
            total = m.risks.len(),
            by = sort_label(SORTS[self.list.sort % SORTS.len()])
        );
        if let Some(c) = self.category {
            title.push_str(&crate::tr!("tui.risks.category", c = super::value_label(c)));
        }
        if let Some(s) = self.status {
            title.push_str(&crate::tr!("tui.risks.status", s = super::value_label(s)));
        }
        if !self.list.filter.is_empty() {
            title.push_str(&crate::tr!("tui.list.filter", text = self.list.filter));
        }
        if overdue_n > 0 {
            title.push_str(&crate::tr!("tui.risks.overdue", n = overdue_n));
        }
        let selected = self.list.selected.min(rows.len().saturating_sub(1));
        keyed_table(
            frame,
            table_area,
            title,
            columns,
            ctx.presentation,
            rows.len(),
            &self.list,
            theme,
            |pos, key| {
                let r = &m.risks[rows[pos]];
                match key {
                    Col::Id => Line::from(r.id.clone()),
                    Col::Title => Line::from(r.title.clone()),
                    Col::Category => Line::from(super::value_label(r.category.as_str())),
                    Col::Score => {
                        Line::from(format!("{}×{}={:<2}", r.likelihood, r.impact, r.score()))
                    }
                    Col::Level => {
                        let (lv, name) = level_text(bands.level(r.score()).as_ref());
                        Line::from(Span::styled(
                            format!("{} {name}", level_glyph(lv)),
                            theme.band(lv),
                        ))
                    }
                    Col::Residual => match residual(r) {
                        Some(x) => Line::from(x.to_string()),
                        None => Line::from(Span::styled(MISSING, theme.dim)),
                    },
                    Col::Status => Line::from(super::value_label(r.status.as_str())),
                    Col::Review => match r.review {
                        Some(d) if overdue(r, today) => {
                            Line::from(Span::styled(format!("⏰{d}"), theme.error))
                        }
                        Some(d) => Line::from(d.to_string()),
                        None => Line::from("—"),
                    },
                    Col::Owner => Line::from(r.owner.clone()),
                }
            },
        );
        let current = rows.get(selected).map(|&i| &ctx.ws.model.risks[i]);
        self.heat_map(frame, heat_area, ctx, current, rows, theme);
        let (title, lines) = self.detail_lines(ctx);
        detail(frame, detail_area, title, lines, &self.detail_scroll, ctx);
    }
}

impl RisksPane {
    /// 5×5 grid: impact up, likelihood right; counts of the filtered risks.
    fn heat_map(
        &self,
        frame: &mut Frame,
        area: Rect,
        ctx: &AppCtx,
        current: Option<&Risk>,
        rows: &[usize],
        theme: &Theme,
    ) {
        let m = &ctx.ws.model;
        let bands = Bands::of(m);
        let basis = if self.heat_residual {
            Basis::Residual
        } else {
            Basis::Inherent
        };
        let map = HeatMap::of(rows.iter().map(|&i| &m.risks[i]), basis);
        let mark = current.and_then(|r| risk::cell(r, basis));
        let title = match basis {
            Basis::Residual if map.unassessed > 0 => {
                crate::tr!("tui.risks.map_unassessed", n = map.unassessed)
            }
            Basis::Residual => crate::tr!("tui.risks.map_residual"),
            Basis::Inherent => crate::tr!("tui.risks.map_inherent"),
        };
        let block = ui::block(title, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let mut lines = Vec::new();
        for im in (1..=5).rev() {
            let mut spans = vec![Span::styled(format!("I{im} "), theme.dim)];
            for l in 1..=5 {
                let n = map.count(l, im);
                let (lv, _) = level_text(bands.level(l * im).as_ref());
                let selected = mark == Some((l, im));
                let text = match (n, selected) {
                    (0, true) => "[·]".to_string(),
                    (0, false) => " · ".to_string(),
                    (n, true) => format!("[{n}]"),
                    (n, false) => format!(" {n} "),
                };
                let mut style: Style = theme.band(lv);
                if n > 0 {
                    style = style.add_modifier(Modifier::BOLD);
                }
                if selected {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                spans.push(Span::styled(text, style));
                spans.push(Span::raw(" "));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(Span::styled("   L1  L2  L3  L4  L5", theme.dim)));
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn cycle(current: Option<&'static str>, options: &'static [&'static str]) -> Option<&'static str> {
    match current {
        None => options.first().copied(),
        Some(c) => {
            let i = options
                .iter()
                .position(|o| *o == c)
                .map(|i| i + 1)
                .unwrap_or(0);
            options.get(i).copied()
        }
    }
}

impl RisksPane {
    /// The detail panel's title and lines for the selected risk.
    fn detail_lines(&self, ctx: &AppCtx) -> (String, Vec<(String, Line<'static>)>) {
        let theme = &ctx.theme();
        let today = ctx.today;
        let bands = Bands::of(&ctx.ws.model);
        let Some(r) = record_at(&self.sorted, &self.list).map(|i| &ctx.ws.model.risks[i]) else {
            return (crate::tr!("tui.risks.risk"), vec![]);
        };
        let names: Vec<String> = r
            .scenarios
            .iter()
            .map(|id| {
                ctx.ws
                    .model
                    .scenario(id)
                    .map(|s| s.name.clone())
                    .unwrap_or_else(|| crate::tr!("tui.risks.missing", id = id))
            })
            .collect();
        let assessed = risk::assess(r, &bands, today);
        let (lv, name) = level_text(assessed.level.as_ref());
        let residual = match &assessed.residual {
            Some(x) => {
                let (rlv, rname) = level_text(x.level.as_ref());
                format!(
                    "{}×{} = {} {} {rname}",
                    x.likelihood,
                    x.impact,
                    x.score,
                    level_glyph(rlv)
                )
            }
            None => crate::tr!("tui.risks.not_assessed"),
        };
        let review = match r.review {
            Some(d) if overdue(r, today) => Line::from(Span::styled(
                crate::tr!("tui.risks.overdue_by", date = d, n = d.days_until(today)),
                theme.error,
            )),
            Some(d) => plain(
                crate::tr!("tui.risks.in_days", date = d, n = today.days_until(d)),
                theme.base,
            ),
            None => plain("—", theme.dim),
        };
        let lines = vec![
            (
                crate::tr!("tui.risks.f.title"),
                plain(r.title.clone(), theme.base),
            ),
            (
                crate::tr!("tui.risks.f.inherent"),
                Line::from(vec![
                    Span::styled(
                        format!("{}×{} = {} ", r.likelihood, r.impact, r.score()),
                        theme.base,
                    ),
                    Span::styled(format!("{} {name}", level_glyph(lv)), theme.band(lv)),
                ]),
            ),
            (
                crate::tr!("tui.risks.f.residual"),
                plain(residual, theme.base),
            ),
            (
                crate::tr!("tui.risks.f.status"),
                plain(
                    crate::tr!(
                        "tui.risks.status_line",
                        status = super::value_label(r.status.as_str()),
                        category = super::value_label(r.category.as_str()),
                        owner = r.owner
                    ),
                    theme.base,
                ),
            ),
            (crate::tr!("tui.risks.f.review"), review),
            (
                crate::tr!("tui.risks.f.mitigation"),
                plain(r.mitigation.clone(), theme.base),
            ),
            (
                crate::tr!("tui.risks.f.scenarios"),
                plain(
                    if names.is_empty() {
                        "—".into()
                    } else {
                        names.join(", ")
                    },
                    theme.base,
                ),
            ),
        ];
        let title = if ctx.presentation {
            crate::tr!("tui.risks.risk")
        } else {
            r.id.clone()
        };
        (title, lines)
    }
}
