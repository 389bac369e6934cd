//! Needs pane (seed §2.1): business needs, development goals and resource
//! constraints, with KPIs and how many scenarios address each.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use std::collections::HashMap;

use super::{
    Column, Density, DetailScroll, col, detail, keyed_table, matches, move_to, plain,
    record_action, record_at, table_rows,
};
use crate::tui::component::{AppCtx, Component, Handled, ListView};
use crate::tui::keymap::{Action, Scope};
use crate::tui::ui::truncate;
use crate::workspace::RecordKind;
use crate::workspace::model::Need;

/// The Needs pane: its table's view state and the coverage counts of the
/// workspace revision it last saw.
#[derive(Debug, Default)]
pub struct NeedsPane {
    pub list: ListView,
    /// The rows in display order as the last sync or layout step worked
    /// them out (drawing reads them instead of sorting again).
    sorted: Vec<usize>,
    /// How many scenarios address each need, and the revision it is for.
    coverage: HashMap<String, usize>,
    revision: Option<u64>,
    /// The detail panel's scroll (ctrl-d/ctrl-u).
    pub detail_scroll: DetailScroll,
}

/// The fields the table can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Id,
    Title,
    Kind,
    Priority,
    Horizon,
    Kpi,
    Owner,
    Status,
    Scenarios,
}

/// The columns at each density.
pub fn columns(d: Density) -> Vec<Column<Col>> {
    use Constraint::{Fill, Length, Max};
    match d {
        Density::Presentation => vec![
            col(Col::Title, "title", Fill(1)),
            col(Col::Priority, "priority", Length(8)),
            col(Col::Scenarios, "scn", Length(4)),
        ],
        Density::Full => vec![
            col(Col::Id, "id", Max(32)),
            col(Col::Title, "title", Fill(3)),
            col(Col::Kind, "kind", Length(7)),
            col(Col::Priority, "priority", Length(8)),
            col(Col::Horizon, "horizon", Length(7)),
            col(Col::Kpi, "KPI", Length(14)),
            col(Col::Owner, "owner", Fill(1)),
            col(Col::Status, "status", Length(11)),
            col(Col::Scenarios, "scn", Length(4)),
        ],
        Density::Compact => vec![
            col(Col::Id, "id", Max(32)),
            col(Col::Title, "title", Fill(1)),
            col(Col::Kind, "kind", Length(7)),
            col(Col::Priority, "prio", Length(6)),
            col(Col::Kpi, "KPI", Length(12)),
            col(Col::Scenarios, "scn", Length(4)),
        ],
    }
}

pub const SORTS: [&str; 6] = ["file order", "priority", "kind", "status", "coverage", "id"];

fn priority_rank(p: &str) -> usize {
    ["must", "should", "could", "wont"]
        .iter()
        .position(|x| *x == p)
        .unwrap_or(4)
}

/// A sort order's name on screen.
fn sort_label(s: &str) -> String {
    match s {
        "file order" => crate::tr!("tui.needs.sort.file"),
        "priority" => crate::tr!("tui.needs.sort.priority"),
        "kind" => crate::tr!("tui.needs.sort.kind"),
        "status" => crate::tr!("tui.needs.sort.status"),
        "coverage" => crate::tr!("tui.needs.sort.coverage"),
        "id" => crate::tr!("tui.needs.sort.id"),
        other => other.to_string(),
    }
}

pub fn priority_label(p: &str) -> String {
    match p {
        "must" => crate::tr!("tui.needs.prio.must"),
        "should" => crate::tr!("tui.needs.prio.should"),
        "could" => crate::tr!("tui.needs.prio.could"),
        "wont" => crate::tr!("tui.needs.prio.wont"),
        _ => "?".into(),
    }
}

pub fn kind_label(k: &str) -> String {
    match k {
        "business" => crate::tr!("tui.needs.kind.business"),
        "goal" => crate::tr!("tui.needs.kind.goal"),
        "constraint" => crate::tr!("tui.needs.kind.constraint"),
        _ => "?".into(),
    }
}

/// Needs that no scenario addresses (constraints are respected, not
/// addressed, so they are never flagged).
pub fn uncovered(coverage: &HashMap<String, usize>, n: &Need) -> bool {
    crate::analysis::coverage::expects_scenario(n) && coverage.get(&n.id).copied().unwrap_or(0) == 0
}

pub fn kpi_text(n: &Need) -> String {
    let Some(k) = &n.kpi else {
        return String::new();
    };
    let num = |x: Option<f64>| x.map(crate::numfmt::compact).unwrap_or_else(|| "?".into());
    let mut s = format!("{}→{}", num(k.baseline), num(k.target));
    if !k.unit.is_empty() {
        s.push(' ');
        s.push_str(&k.unit);
    }
    s
}

impl NeedsPane {
    pub fn rows(&self, ctx: &AppCtx) -> Vec<usize> {
        let m = &ctx.ws.model;
        let f = &self.list.filter;
        let mut rows: Vec<usize> = (0..m.needs.len())
            .filter(|&i| {
                let n = &m.needs[i];
                matches(
                    f,
                    &[
                        &n.id,
                        &n.title,
                        &n.owner,
                        &n.kind,
                        &n.priority,
                        &n.status,
                        &n.description,
                    ],
                )
            })
            .collect();
        match SORTS[self.list.sort % SORTS.len()] {
            "priority" => rows.sort_by_key(|&i| priority_rank(&m.needs[i].priority)),
            "kind" => rows.sort_by(|&a, &b| m.needs[a].kind.cmp(&m.needs[b].kind)),
            "status" => rows.sort_by(|&a, &b| m.needs[a].status.cmp(&m.needs[b].status)),
            "coverage" => {
                let cov = &self.coverage;
                rows.sort_by_key(|&i| cov.get(&m.needs[i].id).copied().unwrap_or(0))
            }
            "id" => rows.sort_by(|&a, &b| m.needs[a].id.cmp(&m.needs[b].id)),
            _ => {}
        }
        rows
    }

    /// The table and the detail panel.
    fn areas(area: Rect, presentation: bool) -> (Rect, Rect) {
        let wide = area.width >= 120;
        if wide {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(64), Constraint::Percentage(36)])
                    .areas(area);
            (a, b)
        } else {
            let detail_h = if presentation { 6 } else { 8 }.min(area.height / 2);
            let [a, b] =
                Layout::vertical([Constraint::Min(4), Constraint::Length(detail_h)]).areas(area);
            (a, b)
        }
    }
}

impl Component for NeedsPane {
    fn commands(&self) -> Vec<Scope> {
        vec![Scope::Nav, Scope::List, Scope::Detail, Scope::Edit]
    }

    fn sync(&mut self, ctx: &mut AppCtx) {
        if self.revision != Some(ctx.ws.revision()) {
            self.coverage = ctx.ws.model.coverage_counts();
            self.revision = Some(ctx.ws.revision());
        }
        self.sorted = self.rows(ctx);
        self.list.clamp(self.sorted.len());
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        let (table, detail_area) = Self::areas(area, ctx.presentation);
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
            record_action(action, RecordKind::Need, &rows, &mut self.list, &SORTS, ctx)
        {
            self.detail_scroll.follow(record_at(&rows, &self.list));
            return done;
        }
        if self.detail_scroll.handle(action) {
            return Handled::Done;
        }
        Handled::Ignored
    }

    fn list(&self) -> Option<&ListView> {
        Some(&self.list)
    }

    fn list_mut(&mut self) -> Option<&mut ListView> {
        Some(&mut self.list)
    }

    fn selected(&self, ctx: &AppCtx) -> Option<(RecordKind, usize)> {
        Some((RecordKind::Need, record_at(&self.rows(ctx), &self.list)?))
    }

    fn select(&mut self, kind: RecordKind, index: usize, ctx: &AppCtx) -> bool {
        kind == RecordKind::Need && move_to(&self.rows(ctx), index, &mut self.list)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        let theme = &ctx.theme();
        let rows = &self.sorted;
        let (table_area, detail_area) = Self::areas(area, ctx.presentation);
        let coverage = &self.coverage;
        let m = &ctx.ws.model;
        let uncovered_count = m.needs.iter().filter(|n| uncovered(coverage, n)).count();
        let mut title = crate::tr!("tui.needs.title", shown = rows.len(), total = m.needs.len());
        if !self.list.filter.is_empty() {
            title.push_str(&crate::tr!("tui.list.filter", text = self.list.filter));
        }
        title.push_str(&crate::tr!(
            "tui.list.sort",
            by = sort_label(SORTS[self.list.sort % SORTS.len()])
        ));
        if uncovered_count > 0 {
            title.push_str(&crate::tr!("tui.needs.unaddressed", n = uncovered_count));
        }
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
                let n = &m.needs[rows[pos]];
                match key {
                    Col::Id => Line::from(n.id.clone()),
                    Col::Title => Line::from(n.title.clone()),
                    Col::Kind => Line::from(kind_label(&n.kind)),
                    Col::Priority => {
                        let style = if n.priority == "must" {
                            theme.header
                        } else {
                            theme.base
                        };
                        Line::from(Span::styled(priority_label(&n.priority), style))
                    }
                    Col::Horizon => Line::from(super::value_label(n.horizon.as_str())),
                    Col::Kpi => Line::from(kpi_text(n)),
                    Col::Owner => Line::from(n.owner.clone()),
                    Col::Status => Line::from(super::value_label(n.status.as_str())),
                    Col::Scenarios => {
                        let cov = coverage.get(&n.id).copied().unwrap_or(0);
                        if uncovered(coverage, n) {
                            Line::from(Span::styled(format!("⚠{cov}"), theme.warn))
                        } else {
                            Line::from(format!(" {cov}"))
                        }
                    }
                }
            },
        );
        let (title, lines) = self.detail_lines(ctx);
        detail(frame, detail_area, title, lines, &self.detail_scroll, ctx);
    }
}

impl NeedsPane {
    /// The detail panel's title and lines for the selected need.
    fn detail_lines(&self, ctx: &AppCtx) -> (String, Vec<(String, Line<'static>)>) {
        let theme = &ctx.theme();
        let Some(i) = record_at(&self.sorted, &self.list) else {
            return (crate::tr!("tui.needs.need"), vec![]);
        };
        let n = &ctx.ws.model.needs[i];
        let scenarios: Vec<String> = ctx
            .ws
            .model
            .scenarios
            .iter()
            .filter(|s| s.needs.contains(&n.id))
            .map(|s| s.name.clone())
            .collect();
        let mut lines = vec![
            (
                crate::tr!("tui.needs.f.title"),
                plain(n.title.clone(), theme.base),
            ),
            (
                crate::tr!("tui.needs.f.kind"),
                plain(
                    crate::tr!(
                        "tui.needs.kind_line",
                        kind = super::value_label(n.kind.as_str()),
                        priority = priority_label(&n.priority),
                        horizon = super::value_label(n.horizon.as_str()),
                        status = super::value_label(n.status.as_str()),
                        owner = if n.owner.is_empty() { "—" } else { &n.owner }
                    ),
                    theme.base,
                ),
            ),
        ];
        if let Some(k) = &n.kpi {
            let due = k
                .due
                .map(|d| crate::tr!("tui.needs.by", date = d))
                .unwrap_or_default();
            lines.push((
                crate::tr!("tui.needs.f.kpi"),
                plain(format!("{}: {}{due}", k.metric, kpi_text(n)), theme.base),
            ));
        }
        let addressed = if scenarios.is_empty() {
            if n.kind == "constraint" {
                plain(crate::tr!("tui.needs.constraint"), theme.dim)
            } else {
                plain(crate::tr!("tui.needs.no_scenario"), theme.warn)
            }
        } else {
            Line::from(Span::styled(
                truncate(&scenarios.join(", "), 200),
                theme.base,
            ))
        };
        lines.push((crate::tr!("tui.needs.f.addressed"), addressed));
        if !n.description.is_empty() {
            lines.push((
                crate::tr!("tui.needs.f.notes"),
                plain(n.description.clone(), theme.base),
            ));
        }
        let title = if ctx.presentation {
            crate::tr!("tui.needs.need")
        } else {
            n.id.clone()
        };
        (title, lines)
    }
}
