//! Scenarios pane: the scoring matrix and everything that explains it, in
//! views that `v` cycles — matrix (scores, rank, P(rank 1), NPV, quadrant
//! and the selected score's contributions), charts (value × feasibility
//! scatter, P(rank 1) bars), revenue (cash-flow chart and figures), weights
//! (direct and AHP, tornado, smallest flip) and the AHP pairwise editor.

mod ahp;
mod charts;
pub mod labels;
pub mod matrix;
mod revenue;
pub mod round;
pub mod spread;
mod weights;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::matches;
use crate::analysis::{Analysis, AnalysisError, Quadrant, Stability};
use crate::numfmt;
use crate::tui::component::{AppCtx, Component, Handled, Level, ListView};
use crate::tui::keymap::{Action, Scope};
use crate::tui::stability::StabilityRuns;
use crate::tui::steps::{nice_step, number, ratio_text, round_to, saaty, saaty_step, score_step};
use crate::tui::theme::Theme;
use crate::tui::ui;
use crate::workspace::{FileKind, Model, RecordKind, Target, Workspace};
use labels::{criterion_name, sort_label};

/// The views inside the Scenarios pane (`v` cycles them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScenarioView {
    /// Scores per criterion, score, rank, P(rank 1), NPV, quadrant.
    #[default]
    Matrix,
    /// Value-vs-feasibility scatter and P(rank 1) bars.
    Charts,
    /// The selected scenario's money: cash-flow chart and figures.
    Revenue,
    /// Criterion weights, tornado and the smallest flip.
    Weights,
    /// AHP pairwise comparisons with their consistency.
    Ahp,
    /// Workshop votes: the spread of every cell, the cells to discuss first.
    Votes,
}

impl ScenarioView {
    pub const ALL: [ScenarioView; 6] = [
        ScenarioView::Matrix,
        ScenarioView::Charts,
        ScenarioView::Revenue,
        ScenarioView::Weights,
        ScenarioView::Ahp,
        ScenarioView::Votes,
    ];

    pub fn title(self) -> String {
        match self {
            ScenarioView::Matrix => crate::tr!("tui.scenarios.view.matrix"),
            ScenarioView::Charts => crate::tr!("tui.scenarios.view.charts"),
            ScenarioView::Revenue => crate::tr!("tui.scenarios.view.revenue"),
            ScenarioView::Weights => crate::tr!("tui.scenarios.view.weights"),
            ScenarioView::Ahp => crate::tr!("tui.scenarios.view.ahp"),
            ScenarioView::Votes => crate::tr!("votes.view.tab"),
        }
    }

    fn step(self, by: isize) -> ScenarioView {
        let n = Self::ALL.len() as isize;
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(n) as usize]
    }
}

/// The Scenarios pane: the view on screen, the scenario list, the criteria
/// list of the weights view, the pair list of the AHP view, and the
/// criterion column whose score `+`/`-` change.
#[derive(Debug, Default)]
pub struct ScenariosPane {
    pub view: ScenarioView,
    pub scenarios: ListView,
    pub weights: ListView,
    pub pairs: ListView,
    pub criterion: usize,
    /// The scenario record under the cursor and the revision it was seen
    /// at: a change that re-sorts the list keeps the cursor on it.
    anchor: Option<(u64, usize)>,
    /// The scenario list in display order, worked out in `sync` and
    /// `layout` (it sorts 10,000 scenarios), read by drawing.
    sorted: Vec<usize>,
    /// The votes view shows the selected scenario's votes per participant.
    pub participants: bool,
    /// The vote round (`R`), when one is open.
    pub round: Option<round::Round>,
    /// The vote summary and the round's effect, per workspace revision.
    pub votes: round::Cache,
}

/// What the views read while drawing.
pub struct View<'a> {
    pub ws: &'a Workspace,
    pub analysis: &'a Result<Analysis, AnalysisError>,
    pub stability: &'a StabilityRuns,
    pub presentation: bool,
    pub scenarios: &'a ListView,
    pub weights: &'a ListView,
    pub pairs: &'a ListView,
    pub scenario_view: ScenarioView,
    pub criterion: usize,
    /// The scenario rows as last worked out (see `ScenariosPane::sorted`).
    pub sorted: &'a [usize],
    /// The votes view's per-participant columns are on.
    pub participants: bool,
    /// The vote summary as last computed (see [`round::Cache`]).
    pub summary: Option<&'a Result<crate::analysis::votes::VoteSummary, String>>,
    /// The vote round, when open, and its cell's effect on the ranking.
    pub round: Option<&'a round::Round>,
    pub effect: Option<&'a Result<crate::analysis::votes::CellEffect, String>>,
}

impl ScenariosPane {
    fn view<'a>(&'a self, ctx: &'a AppCtx) -> View<'a> {
        View {
            ws: &ctx.ws,
            analysis: &ctx.analysis,
            stability: &ctx.stability,
            presentation: ctx.presentation,
            scenarios: &self.scenarios,
            weights: &self.weights,
            pairs: &self.pairs,
            scenario_view: self.view,
            criterion: self.criterion,
            sorted: &self.sorted,
            participants: self.participants,
            summary: self.votes.summary(),
            round: self.round.as_ref(),
            effect: self
                .round
                .as_ref()
                .and_then(|r| r.cell(&ctx.ws.model))
                .and_then(|(i, j)| self.votes.effect(i, j)),
        }
    }

    /// Recompute the vote summary (and the round cell's effect) when the
    /// workspace changed since, and only where it is shown.
    fn refresh_votes(&mut self, ctx: &AppCtx) {
        if self.view != ScenarioView::Votes && self.round.is_none() {
            return;
        }
        let cell = self.round.as_ref().and_then(|r| r.cell(&ctx.ws.model));
        self.votes.refresh(&ctx.ws.model, ctx.ws.revision(), cell);
    }

    /// Open a vote round on the selected cell.
    fn open_round(&mut self, ctx: &mut AppCtx) {
        let Some(i) = self.scenario_record(ctx) else {
            ctx.say(Level::Info, crate::tr!("tui.votes.round.no_cell"));
            return;
        };
        match round::Round::new(&ctx.ws.model, i, self.criterion) {
            Some(r) => {
                self.round = Some(r);
                ctx.say(Level::Info, crate::tr!("tui.votes.round.opened"));
            }
            None => ctx.say(Level::Info, crate::tr!("tui.votes.round.no_cell")),
        }
    }

    /// `]`/`[` in a round: the next or previous cell, those to discuss
    /// first first; the table's cursor follows.
    fn step_round(&mut self, by: isize, ctx: &mut AppCtx) {
        self.refresh_votes(ctx);
        let model = &ctx.ws.model;
        let summary = self.votes.summary().and_then(|s| s.as_ref().ok());
        let order = round::order(summary, &self.sorted, model.criteria.len());
        if order.is_empty() {
            return;
        }
        let here = self
            .round
            .as_ref()
            .and_then(|r| r.cell(model))
            .and_then(|c| order.iter().position(|x| *x == c));
        let n = order.len() as isize;
        let next = match here {
            Some(k) => (k as isize + by).rem_euclid(n) as usize,
            None => 0,
        };
        let (i, j) = order[next];
        self.round = round::Round::new(model, i, j);
        self.criterion = j;
        if let Some(pos) = self.sorted.iter().position(|r| *r == i) {
            self.scenarios.selected = pos;
        }
        self.anchor = None;
    }

    /// The actions of an open round.
    fn handle_round(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        match action {
            Action::RoundClose | Action::VoteRound => {
                self.round = None;
                self.view = ScenarioView::Votes;
                ctx.say(Level::Info, crate::tr!("tui.votes.round.closed"));
            }
            Action::RoundReveal => {
                if let Some(r) = self.round.as_mut() {
                    r.revealed = !r.revealed;
                }
            }
            Action::RoundNext => self.step_round(1, ctx),
            Action::RoundPrev => self.step_round(-1, ctx),
            Action::RoundVoteFor => {
                if let Some(r) = self.round.as_mut() {
                    r.prompt = Some(round::Prompt::Who {
                        input: String::new(),
                        pick: None,
                    });
                }
            }
            _ => return Handled::Ignored,
        }
        Handled::Done
    }

    fn list_of(&mut self, view: ScenarioView) -> &mut ListView {
        match view {
            ScenarioView::Weights => &mut self.weights,
            ScenarioView::Ahp => &mut self.pairs,
            _ => &mut self.scenarios,
        }
    }

    fn list_ref(&self) -> &ListView {
        match self.view {
            ScenarioView::Weights => &self.weights,
            ScenarioView::Ahp => &self.pairs,
            _ => &self.scenarios,
        }
    }

    /// The scenario selected (whatever the view).
    pub fn scenario_record(&self, ctx: &AppCtx) -> Option<usize> {
        let app = self.view(ctx);
        let rows = scenario_rows(&app);
        selected_scenario(&app, &rows)
    }

    /// The record (criterion or pair index) under the cursor of the view.
    fn selected_row(&self, ctx: &AppCtx) -> Option<usize> {
        let rows = rows(&self.view(ctx));
        let l = self.list_ref();
        rows.get(l.selected.min(rows.len().saturating_sub(1)))
            .copied()
    }

    /// Where the table of the current view is drawn in a pane of `area`.
    fn table_area(&self, area: Rect, ctx: &AppCtx) -> Option<Rect> {
        let [_, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let app = self.view(ctx);
        match self.view {
            ScenarioView::Matrix => Some(matrix::table_area(body, &app)),
            ScenarioView::Weights => Some(weights::table_area(body, &app)),
            ScenarioView::Ahp => Some(ahp::table_area(body)),
            ScenarioView::Charts | ScenarioView::Revenue | ScenarioView::Votes => None,
        }
    }

    fn set_scoring(&mut self, ctx: &mut AppCtx, key: &str, value: &str) {
        let path = ["scoring".to_string(), key.to_string()];
        let r = ctx.ws.set(Target::File(FileKind::Workspace), &path, value);
        if ctx.edit(r) {
            ctx.say_edited(crate::tr!(
                "tui.scn.status.scoring_set",
                key = key,
                value = value
            ));
        }
    }

    /// `+`/`-` on a scenario view: the selected scenario's score on the
    /// selected criterion, one step, within the criterion's range.
    fn nudge_score(&mut self, up: bool, ctx: &mut AppCtx) {
        let Some(i) = self.scenario_record(ctx) else {
            ctx.say(Level::Info, crate::tr!("tui.scn.status.no_scenario"));
            return;
        };
        let m = &ctx.ws.model;
        let Some(c) = m.criteria.get(self.criterion) else {
            ctx.say(Level::Warn, crate::tr!("tui.scn.status.no_criteria"));
            return;
        };
        let Some(s) = m.scenarios.get(i) else {
            return;
        };
        if c.min.partial_cmp(&c.max) != Some(std::cmp::Ordering::Less) {
            let text = crate::tr!(
                "tui.scn.status.bad_range",
                name = criterion_name(c),
                min = c.min,
                max = c.max
            );
            ctx.say(Level::Error, text);
            return;
        }
        let step = score_step(c.min, c.max);
        let current = s.scores.get(&c.id).copied();
        // A missing score counts as the worst value (as in the analysis).
        let base = current.unwrap_or(if c.cost { c.max } else { c.min });
        let wanted = if up { base + step } else { base - step };
        let new = round_to(wanted.clamp(c.min, c.max), 1e-9);
        if current == Some(new) {
            let key = if up {
                "tui.scn.status.at_max"
            } else {
                "tui.scn.status.at_min"
            };
            let text = crate::tr!(
                key,
                scenario = s.name,
                value = number(new),
                criterion = criterion_name(c)
            );
            ctx.say(Level::Info, text);
            return;
        }
        let (id, crit) = (s.id.clone(), c.id.clone());
        let (sname, cname) = (s.name.clone(), criterion_name(c));
        let old_rank = ctx.rank_of(&id);
        let path = ["scores".to_string(), crit.clone()];
        let r = ctx
            .ws
            .set(Target::Record(RecordKind::Scenario, i), &path, &number(new));
        if ctx.edit(r) {
            ctx.reanalyse();
            let from = current.map(number).unwrap_or_else(|| "—".into());
            let rank = match (old_rank, ctx.rank_of(&id)) {
                (Some(a), Some(b)) if a != b => {
                    crate::tr!("tui.scn.status.rank_moved", from = a, to = b)
                }
                (_, Some(b)) => crate::tr!("tui.scn.status.rank", rank = b),
                _ => String::new(),
            };
            ctx.say_edited(crate::tr!(
                "tui.scn.status.score_set",
                scenario = sname,
                criterion = cname,
                from = from,
                to = number(new),
                rank = rank
            ));
        }
    }

    /// `+`/`-` on the weights view: the selected criterion's direct weight.
    fn nudge_weight(&mut self, up: bool, ctx: &mut AppCtx) {
        let Some(j) = self.selected_row(ctx) else {
            return;
        };
        let m = &ctx.ws.model;
        let Some(c) = m.criteria.get(j) else {
            return;
        };
        let total: f64 = m.criteria.iter().map(|c| c.weight.max(0.0)).sum();
        let step = nice_step(if total > 0.0 { total / 20.0 } else { 0.05 });
        let new = round_to(
            (c.weight + if up { step } else { -step }).clamp(0.0, 1000.0),
            1e-9,
        );
        if new == c.weight {
            let text = crate::tr!(
                "tui.scn.status.weight_already",
                criterion = criterion_name(c),
                value = number(new)
            );
            ctx.say(Level::Info, text);
            return;
        }
        let (id, old) = (criterion_name(c), c.weight);
        let ahp = m.settings.scoring.weights == "ahp";
        let r = ctx.ws.set(
            Target::Record(RecordKind::Criterion, j),
            &["weight".to_string()],
            &number(new),
        );
        if ctx.edit(r) {
            let note = if ahp {
                crate::tr!("tui.scn.status.weights_from_ahp")
            } else {
                String::new()
            };
            ctx.say_edited(crate::tr!(
                "tui.scn.status.weight_set",
                criterion = id,
                from = number(old),
                to = number(new),
                note = note
            ));
        }
    }

    /// `+`/`-` on the AHP view: the selected pair one step along Saaty's
    /// scale (1/9 … 1/2, 1, 2 … 9), `+` making the first criterion weigh more.
    fn nudge_comparison(&mut self, up: bool, ctx: &mut AppCtx) {
        let Some(p) = self.selected_row(ctx) else {
            return;
        };
        let m = &ctx.ws.model;
        let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
        let names: Vec<String> = m.criteria.iter().map(criterion_name).collect();
        let Some((a, b)) = pair(ids.len(), p) else {
            return;
        };
        let found = comparison(m, &ids[a], &ids[b]);
        let current = found.map(|(_, r)| r).unwrap_or(1.0);
        let Some(new) = saaty_step(current, up) else {
            let end = if up {
                crate::tr!("tui.scn.status.extreme")
            } else {
                "1/9".to_string()
            };
            ctx.say(
                Level::Info,
                crate::tr!(
                    "tui.scn.status.pair_at_end",
                    a = names[a],
                    b = names[b],
                    end = end
                ),
            );
            return;
        };
        let shown = crate::tr!(
            "tui.scn.status.pair_set",
            a = names[a],
            b = names[b],
            from = saaty(current),
            to = saaty(new)
        );
        let ok = match found {
            Some((k, _)) => {
                let stored = &m.comparisons[k];
                let value = if stored.a == ids[a] { new } else { 1.0 / new };
                let r = ctx.ws.set(
                    Target::Record(RecordKind::Comparison, k),
                    &["ratio".to_string()],
                    &ratio_text(value),
                );
                ctx.edit(r)
            }
            None => {
                let mut t = ctx.ws.new_record(RecordKind::Comparison);
                t.insert("a", toml_edit::value(ids[a].clone()));
                t.insert("b", toml_edit::value(ids[b].clone()));
                let value = match ratio_text(new).parse::<i64>() {
                    Ok(i) => toml_edit::value(i),
                    Err(_) => toml_edit::value(new),
                };
                t.insert("ratio", value);
                let r = ctx.ws.add_record(RecordKind::Comparison, t);
                ctx.edit(r)
            }
        };
        if ok {
            ctx.say_edited(shown);
        }
    }
}

impl ScenariosPane {
    /// `a`, `e`/`Enter` and `d`: scenarios on the scenario views, criteria
    /// on the weights and AHP views.
    fn edit_action(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        let (kind, record) = match self.view {
            ScenarioView::Weights => (RecordKind::Criterion, self.selected_row(ctx)),
            ScenarioView::Ahp => {
                if action != Action::Add {
                    ctx.say(Level::Info, crate::tr!("tui.scn.status.ahp_edit"));
                    return Handled::Done;
                }
                (RecordKind::Criterion, None)
            }
            _ => (RecordKind::Scenario, self.scenario_record(ctx)),
        };
        match action {
            Action::Add => super::add(kind, ctx),
            Action::Edit if record.is_none() => {
                let what = if kind == RecordKind::Criterion {
                    crate::tr!("tui.scn.status.no_criterion_add")
                } else {
                    crate::tr!("tui.scn.status.no_scenario_add")
                };
                ctx.say(Level::Info, what);
                Handled::Done
            }
            Action::Edit => super::edit(kind, record, ctx),
            _ => super::delete(kind, record, ctx),
        }
    }
}

impl Component for ScenariosPane {
    fn commands(&self) -> Vec<Scope> {
        if self.round.is_some() {
            return vec![Scope::Round];
        }
        vec![Scope::Nav, Scope::List, Scope::Edit, Scope::Scenarios]
    }

    fn capture(&mut self, key: &ratatui::crossterm::event::KeyEvent, ctx: &mut AppCtx) -> bool {
        match self.round.as_mut() {
            Some(r) if r.prompt.is_some() => round::prompt_key(r, key, ctx),
            _ => false,
        }
    }

    /// Keep the cursor on the same scenario when a change re-sorts the list,
    /// and the criterion column within the criteria.
    fn sync(&mut self, ctx: &mut AppCtx) {
        let n = ctx.ws.model.criteria.len();
        self.criterion = self.criterion.min(n.saturating_sub(1));
        let rev = ctx.ws.revision();
        self.sorted = sort_scenarios(&self.view(ctx));
        let rows = self.sorted.clone();
        if let Some((seen, record)) = self.anchor
            && seen != rev
            && let Some(pos) = rows.iter().position(|r| *r == record)
        {
            self.scenarios.selected = pos;
        }
        self.scenarios.clamp(rows.len());
        let n_rows = self::rows(&self.view(ctx)).len();
        let view = self.view;
        self.list_of(view).clamp(n_rows);
        self.anchor = self.scenario_record(ctx).map(|r| (rev, r));
        self.refresh_votes(ctx);
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        self.refresh_votes(ctx);
        self.sorted = sort_scenarios(&self.view(ctx));
        let n = rows(&self.view(ctx)).len();
        let visible = self
            .table_area(area, ctx)
            .map(super::table_rows)
            .unwrap_or(10);
        let view = self.view;
        self.list_of(view).scroll(visible, n);
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        if self.round.is_some() {
            return self.handle_round(action, ctx);
        }
        if action == Action::VoteRound {
            self.open_round(ctx);
            return Handled::Done;
        }
        let n = rows(&self.view(ctx)).len();
        let view = self.view;
        if self.list_of(view).navigate(action, n) {
            return Handled::Done;
        }
        match action {
            Action::Sort => {
                if matches!(self.view, ScenarioView::Weights | ScenarioView::Ahp) {
                    ctx.say(Level::Info, crate::tr!("tui.scn.status.criterion_order"));
                } else {
                    let name = self.scenarios.next_sort(&SORTS);
                    ctx.say(
                        Level::Info,
                        crate::tr!("tui.scn.status.sorted", by = sort_label(name)),
                    );
                }
            }
            Action::Add | Action::Edit | Action::Delete => return self.edit_action(action, ctx),
            Action::Participants => {
                if self.view == ScenarioView::Votes {
                    self.participants = !self.participants;
                } else {
                    self.view = ScenarioView::Votes;
                    self.participants = true;
                }
                let key = if self.participants {
                    "votes.view.toggled_on"
                } else {
                    "votes.view.toggled_off"
                };
                ctx.say(Level::Info, crate::tr!(key));
            }
            Action::NextView => self.view = self.view.step(1),
            Action::PrevView => self.view = self.view.step(-1),
            Action::NextCriterion | Action::PrevCriterion => {
                let n = ctx.ws.model.criteria.len();
                if n > 0 {
                    let by = if action == Action::NextCriterion {
                        1
                    } else {
                        n - 1
                    };
                    self.criterion = (self.criterion + by) % n;
                    if let Some(c) = ctx.ws.model.criteria.get(self.criterion) {
                        let text = crate::tr!("tui.scn.status.criterion", name = c.name, id = c.id);
                        ctx.say(Level::Info, text);
                    }
                }
            }
            Action::Raise | Action::Lower => {
                let up = action == Action::Raise;
                match self.view {
                    ScenarioView::Weights => self.nudge_weight(up, ctx),
                    ScenarioView::Ahp => self.nudge_comparison(up, ctx),
                    _ => self.nudge_score(up, ctx),
                }
            }
            Action::WeightSource => {
                let next = match ctx.ws.model.settings.scoring.weights.as_str() {
                    "ahp" => "direct",
                    _ => "ahp",
                };
                self.set_scoring(ctx, "weights", next);
            }
            Action::ScoringMethod => {
                let next = match ctx.ws.model.settings.scoring.method.as_str() {
                    "topsis" => "weighted-sum",
                    _ => "topsis",
                };
                self.set_scoring(ctx, "method", next);
            }
            _ => return Handled::Ignored,
        }
        Handled::Done
    }

    fn list(&self) -> Option<&ListView> {
        Some(self.list_ref())
    }

    fn list_mut(&mut self) -> Option<&mut ListView> {
        let view = self.view;
        Some(self.list_of(view))
    }

    fn selected(&self, ctx: &AppCtx) -> Option<(RecordKind, usize)> {
        let kind = match self.view {
            ScenarioView::Weights => RecordKind::Criterion,
            ScenarioView::Ahp => return None,
            _ => RecordKind::Scenario,
        };
        Some((kind, self.selected_row(ctx)?))
    }

    fn select(&mut self, kind: RecordKind, index: usize, ctx: &AppCtx) -> bool {
        let view = match kind {
            RecordKind::Scenario
                if matches!(self.view, ScenarioView::Weights | ScenarioView::Ahp) =>
            {
                ScenarioView::Matrix
            }
            RecordKind::Scenario => self.view,
            RecordKind::Criterion => ScenarioView::Weights,
            _ => return false,
        };
        self.view = view;
        let pos = rows(&self.view(ctx)).iter().position(|r| *r == index);
        match pos {
            Some(pos) => {
                self.list_of(view).selected = pos;
                self.anchor = None;
                true
            }
            None => false,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        draw(frame, area, &self.view(ctx), &ctx.theme())
    }
}

/// Sort orders of the scenario list (`s` cycles them).
pub const SORTS: [&str; 5] = ["rank", "file order", "P(rank 1)", "NPV", "name"];

/// The criterion pair shown on row `p` of the AHP view (i < j, row-major).
pub fn pair(n: usize, p: usize) -> Option<(usize, usize)> {
    (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).nth(p)
}

pub fn pair_count(n: usize) -> usize {
    n * n.saturating_sub(1) / 2
}

/// The comparison record for criteria `a` and `b` (the last one, as AHP
/// reads them) and its ratio expressed as "a over b".
pub fn comparison(m: &Model, a: &str, b: &str) -> Option<(usize, f64)> {
    m.comparisons.iter().enumerate().rev().find_map(|(k, c)| {
        if c.a == a && c.b == b {
            Some((k, c.ratio))
        } else if c.a == b && c.b == a && c.ratio != 0.0 {
            Some((k, 1.0 / c.ratio))
        } else {
            None
        }
    })
}

/// The P(rank 1) of each scenario when known, and whether it is for the
/// current inputs.
pub fn stability<'a>(app: &View<'a>) -> Option<(&'a Stability, bool)> {
    let a = app.analysis.as_ref().ok()?;
    app.stability.latest(&a.matrix.scenarios)
}

pub fn npv(a: &Analysis, i: usize) -> Option<f64> {
    match a.revenue.get(i) {
        Some(Some(Ok(p))) => Some(p.npv),
        _ => None,
    }
}

pub fn rows(app: &View) -> Vec<usize> {
    let m = &app.ws.model;
    match app.scenario_view {
        ScenarioView::Weights => (0..m.criteria.len())
            .filter(|&j| {
                let c = &m.criteria[j];
                matches(&app.weights.filter, &[&c.id, &c.name])
            })
            .collect(),
        ScenarioView::Ahp => {
            let n = m.criteria.len();
            (0..pair_count(n))
                .filter(|&p| {
                    pair(n, p).is_some_and(|(i, j)| {
                        matches(&app.pairs.filter, &[&m.criteria[i].id, &m.criteria[j].id])
                    })
                })
                .collect()
        }
        _ => scenario_rows(app),
    }
}

/// Scenario indices in the order the scenario views list them, as worked
/// out by the last sync or layout step.
pub fn scenario_rows(app: &View) -> Vec<usize> {
    app.sorted.to_vec()
}

/// Filter and sort the scenarios.
fn sort_scenarios(app: &View) -> Vec<usize> {
    let m = &app.ws.model;
    let mut rows: Vec<usize> = (0..m.scenarios.len())
        .filter(|&i| {
            let s = &m.scenarios[i];
            matches(
                &app.scenarios.filter,
                &[
                    &s.id,
                    &s.name,
                    &s.description,
                    &s.strategies.join(" "),
                    &s.status,
                ],
            )
        })
        .collect();
    let Ok(a) = &app.analysis else {
        return rows;
    };
    // Analysis rows are in workspace order, like the records.
    let known = |i: usize| i < a.matrix.n_scenarios();
    match SORTS[app.scenarios.sort % SORTS.len()] {
        "rank" => rows.sort_by_key(|&i| (!known(i), a.ranking.ranks.get(i).copied(), i)),
        "P(rank 1)" => {
            if let Some((s, _)) = stability(app) {
                rows.sort_by(|&x, &y| {
                    let p = |i: usize| s.p_first.get(i).copied().unwrap_or(-1.0);
                    p(y).total_cmp(&p(x)).then(x.cmp(&y))
                });
            }
        }
        "NPV" => rows.sort_by(|&x, &y| {
            let v = |i| npv(a, i).unwrap_or(f64::NEG_INFINITY);
            v(y).total_cmp(&v(x)).then(x.cmp(&y))
        }),
        "name" => rows.sort_by(|&x, &y| m.scenarios[x].name.cmp(&m.scenarios[y].name)),
        _ => {}
    }
    rows
}

fn draw(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    draw_view_tabs(frame, tabs, app, theme);
    if let Err(e) = &app.analysis
        && !matches!(app.scenario_view, ScenarioView::Weights | ScenarioView::Ahp)
    {
        let hint = match e {
            AnalysisError::NoScenarios => crate::tr!("tui.scn.empty.no_scenarios"),
            AnalysisError::NoCriteria => crate::tr!("tui.scn.empty.no_criteria"),
            _ => crate::tr!("tui.scn.empty.fix"),
        };
        let text = vec![
            Line::from(Span::styled(
                crate::tr!("tui.scn.empty.cannot_score", error = e),
                theme.error,
            )),
            Line::default(),
            Line::from(Span::styled(hint, theme.dim)),
        ];
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(text, body.width.saturating_sub(2), true))
                .block(ui::block(crate::tr!("tui.scn.title"), theme)),
            body,
        );
        return;
    }
    if let Some(r) = app.round {
        round::draw(frame, body, app, r, theme);
        return;
    }
    match app.scenario_view {
        ScenarioView::Matrix => matrix::draw(frame, body, app, theme),
        ScenarioView::Charts => charts::draw(frame, body, app, theme),
        ScenarioView::Revenue => revenue::draw(frame, body, app, theme),
        ScenarioView::Weights => weights::draw(frame, body, app, theme),
        ScenarioView::Ahp => ahp::draw(frame, body, app, theme),
        ScenarioView::Votes => spread::draw(frame, body, app, theme, app.participants),
    }
}

/// The line of views, with the stability run's state on the right.
fn draw_view_tabs(frame: &mut Frame, area: Rect, app: &View, theme: &Theme) {
    let mut spans = Vec::new();
    for v in ScenarioView::ALL {
        let active = v == app.scenario_view;
        spans.push(Span::styled(
            format!(" {} ", v.title()),
            if active { theme.tab_active } else { theme.dim },
        ));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let status = stability_status(app);
    let room = (area.width as usize).saturating_sub(used + 1);
    if room > 6 {
        let text = ui::truncate(&status.0, room);
        let pad = room.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
        spans.push(Span::raw(" ".repeat(pad)));
        spans.push(Span::styled(text, status.1(theme)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

type StyleOf = fn(&Theme) -> Style;

/// A few words on the ranking-stability run, and their style.
fn stability_status(app: &View) -> (String, StyleOf) {
    if let Some(p) = app.stability.running {
        return (
            crate::tr!(
                "tui.scn.stability.sampling",
                pct = format!("{:.0}", p.fraction() * 100.0)
            ),
            |t| t.warn,
        );
    }
    if let Some(e) = app.stability.error() {
        return (crate::tr!("tui.scn.stability.error", error = e), |t| {
            t.error
        });
    }
    match stability(app) {
        Some((s, true)) => (
            crate::tr!(
                "tui.scn.stability.samples",
                n = numfmt::thousands(s.options.samples as f64)
            ),
            |t| t.ok,
        ),
        _ => (crate::tr!("tui.scn.stability.none"), |t| t.dim),
    }
}

pub fn short_quadrant(q: Quadrant) -> String {
    match q {
        Quadrant::QuickWin => crate::tr!("tui.scn.quad_short.quick_win"),
        Quadrant::StrategicBet => crate::tr!("tui.scn.quad_short.strategic_bet"),
        Quadrant::FillIn => crate::tr!("tui.scn.quad_short.fill_in"),
        Quadrant::Avoid => crate::tr!("tui.scn.quad_short.avoid"),
    }
}

pub fn selected_scenario(app: &View, rows: &[usize]) -> Option<usize> {
    rows.get(app.scenarios.selected.min(rows.len().saturating_sub(1)))
        .copied()
}
