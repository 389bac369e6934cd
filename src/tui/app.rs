//! The workbench state and everything that changes it. Drawing only reads
//! this state (see `ui`); only `handle_key` and the event handlers change it.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::config::Config;
use super::form::{Form, FormOutcome};
use super::keymap::{Action, Keymap, Scope};
use super::panes;
use super::stability::{StabilityRuns, Update};
use super::theme::{Theme, ThemeName};
use super::trainrun::{End, TrainRuns};
use crate::analysis::{self, Analysis, AnalysisError};
use crate::workspace::recovery::Journal;
use crate::workspace::{Change, Date, FileKind, RecordKind, SaveError, Target, Workspace};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Overview,
    Needs,
    Market,
    Scenarios,
    Training,
    Risks,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Overview,
        Pane::Needs,
        Pane::Market,
        Pane::Scenarios,
        Pane::Training,
        Pane::Risks,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Needs => "Needs",
            Pane::Market => "Market",
            Pane::Scenarios => "Scenarios",
            Pane::Training => "Training",
            Pane::Risks => "Risks",
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The record kind whose table the pane shows and edits, if any.
    pub fn editable_kind(self) -> Option<RecordKind> {
        match self {
            Pane::Needs => Some(RecordKind::Need),
            Pane::Risks => Some(RecordKind::Risk),
            _ => None,
        }
    }
}

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
}

impl ScenarioView {
    pub const ALL: [ScenarioView; 5] = [
        ScenarioView::Matrix,
        ScenarioView::Charts,
        ScenarioView::Revenue,
        ScenarioView::Weights,
        ScenarioView::Ahp,
    ];

    pub fn title(self) -> &'static str {
        match self {
            ScenarioView::Matrix => "Matrix",
            ScenarioView::Charts => "Charts",
            ScenarioView::Revenue => "Revenue",
            ScenarioView::Weights => "Weights",
            ScenarioView::Ahp => "AHP",
        }
    }

    fn step(self, by: isize) -> ScenarioView {
        let n = Self::ALL.len() as isize;
        let i = Self::ALL.iter().position(|v| *v == self).unwrap_or(0) as isize;
        Self::ALL[(i + by).rem_euclid(n) as usize]
    }
}

/// Selection, filter and sort of one table.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    /// Position in the visible (filtered, sorted) rows.
    pub selected: usize,
    pub filter: String,
    pub sort: usize,
    /// First row on screen (kept between frames so scrolling is steady).
    pub offset: std::cell::Cell<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

pub enum Mode {
    Normal,
    Filter(Input),
    Form(Box<Form>),
    ConfirmDelete {
        kind: RecordKind,
        index: usize,
        id: String,
    },
    Help,
    QuitPrompt,
    /// Files changed on disk while we hold unsaved edits to them.
    Conflict(Vec<FileKind>),
    Recover(Journal),
}

pub struct App {
    pub ws: Workspace,
    pub pane: Pane,
    pub needs: ListView,
    pub risks: ListView,
    pub market: ListView,
    pub scenarios: ListView,
    pub training: ListView,
    /// Criteria in the Scenarios pane's weights view.
    pub weights: ListView,
    /// Criterion pairs in the Scenarios pane's AHP view.
    pub pairs: ListView,
    pub scenario_view: ScenarioView,
    /// The criterion column whose score `+`/`-` change.
    pub criterion: usize,
    /// Scores, ranks, quadrants and revenue of the current workspace
    /// (recomputed after every change; cheap).
    pub analysis: Result<Analysis, AnalysisError>,
    /// Fingerprint of the files `analysis` was computed from.
    analysed: u64,
    /// Ranking stability (Monte Carlo), in the background.
    pub stability: StabilityRuns,
    /// The training run started from the Training pane (kept across panes).
    pub train: TrainRuns,
    /// The run picked in the Training pane's history (0 = newest).
    pub run_cursor: usize,
    /// The Training pane's run list, read from `runs/` at most once a second.
    pub runs: panes::training::RunsCache,
    /// Show the picked run side by side with the latest.
    pub compare_runs: bool,
    /// Which record kind the Market pane lists.
    pub market_kind: usize,
    /// Loaded series, forecasts and survey summaries the Market pane reuses.
    pub market_pane: panes::market::MarketPane,
    pub heat_residual: bool,
    pub risk_category: Option<&'static str>,
    pub risk_status: Option<&'static str>,
    pub mode: Mode,
    pub undo: Vec<Vec<Change>>,
    pub redo: Vec<Vec<Change>>,
    pub message: Option<(String, Level)>,
    pub theme: Theme,
    pub keymap: Keymap,
    pub presentation: bool,
    pub quit: bool,
    pub today: Date,
    /// Set by edits: the loop writes the recovery journal soon after.
    pub journal_due: bool,
    /// Rows visible in the current table (set while drawing; used for paging).
    pub page: usize,
    /// Derived numbers cached per workspace revision (drawing must stay
    /// fast with 10,000 records).
    cache: std::cell::RefCell<Cache>,
}

#[derive(Default)]
struct Cache {
    revision: Option<u64>,
    coverage: std::rc::Rc<std::collections::HashMap<String, usize>>,
    problems: Option<(usize, usize)>,
}

pub const MARKET_KINDS: [RecordKind; 6] = [
    RecordKind::Segment,
    RecordKind::Trend,
    RecordKind::Competitor,
    RecordKind::Feature,
    RecordKind::Evidence,
    RecordKind::Series,
];

impl App {
    pub fn new(ws: Workspace, config: Config, today: Date) -> App {
        let mut app = App {
            ws,
            pane: Pane::Overview,
            needs: ListView::default(),
            risks: ListView::default(),
            market: ListView::default(),
            scenarios: ListView::default(),
            training: ListView::default(),
            weights: ListView::default(),
            pairs: ListView::default(),
            scenario_view: ScenarioView::default(),
            criterion: 0,
            analysis: Err(AnalysisError::NoScenarios),
            analysed: 0,
            stability: StabilityRuns::default(),
            train: TrainRuns::default(),
            run_cursor: 0,
            runs: Default::default(),
            compare_runs: false,
            market_kind: 0,
            market_pane: Default::default(),
            heat_residual: false,
            risk_category: None,
            risk_status: None,
            mode: Mode::Normal,
            undo: Vec::new(),
            redo: Vec::new(),
            message: None,
            theme: Theme::new(config.theme),
            keymap: config.keymap,
            presentation: false,
            quit: false,
            today,
            journal_due: false,
            page: 10,
            cache: Default::default(),
        };
        if !config.problems.is_empty() {
            app.say(
                Level::Warn,
                format!("config: {} (defaults used)", config.problems.join("; ")),
            );
        }
        match app.ws.pending_journal() {
            Ok(Some(journal)) => app.mode = Mode::Recover(journal),
            Ok(None) => {}
            Err(e) => app.say(Level::Warn, e),
        }
        app.reanalyse();
        app
    }

    fn fresh_cache(&self) -> std::cell::RefMut<'_, Cache> {
        let mut c = self.cache.borrow_mut();
        if c.revision != Some(self.ws.revision()) {
            *c = Cache {
                revision: Some(self.ws.revision()),
                ..Cache::default()
            };
            c.coverage = std::rc::Rc::new(self.ws.model.coverage_counts());
        }
        c
    }

    /// How many scenarios address each need.
    pub fn coverage(&self) -> std::rc::Rc<std::collections::HashMap<String, usize>> {
        self.fresh_cache().coverage.clone()
    }

    /// (errors, warnings) of `lodestar check`, recomputed only after changes.
    pub fn problem_counts(&mut self) -> (usize, usize) {
        if let Some(p) = self.fresh_cache().problems {
            return p;
        }
        let diags = self.ws.diagnostics();
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let counts = (errors, diags.len() - errors);
        self.fresh_cache().problems = Some(counts);
        counts
    }

    /// Changes whenever the workspace model changes (edits, undo, reloads).
    fn files_key(&self) -> u64 {
        self.ws.revision() + 1
    }

    /// Recompute the analysis when the workspace changed (cheap; no
    /// sampling). The scenario under the cursor stays selected even when
    /// the change re-sorts the list.
    pub(crate) fn reanalyse(&mut self) {
        let key = self.files_key();
        if key != self.analysed || self.analysed == 0 {
            let keep = self.scenario_record();
            self.analysis = analysis::analyse(&self.ws.model, None);
            self.analysed = key;
            let n = self.ws.model.criteria.len();
            self.criterion = self.criterion.min(n.saturating_sub(1));
            let rows = panes::scenarios::scenario_rows(self);
            if let Some(pos) = keep.and_then(|i| rows.iter().position(|r| *r == i)) {
                self.scenarios.selected = pos;
            }
            self.scenarios.selected = self.scenarios.selected.min(rows.len().saturating_sub(1));
        }
    }

    /// The scenario selected in the Scenarios pane (whatever its view).
    pub fn scenario_record(&self) -> Option<usize> {
        let rows = panes::scenarios::scenario_rows(self);
        rows.get(self.scenarios.selected.min(rows.len().saturating_sub(1)))
            .copied()
    }

    /// Bring the analysis up to date with the workspace and make sure its
    /// stability is known or being computed. Called after every key and
    /// outside change.
    pub fn refresh(&mut self) {
        self.reanalyse();
        let options = Analysis::stability_options(&self.ws.model);
        self.stability.request(self.analysis.as_ref().ok(), options);
    }

    /// A progress report or result from the background stability run.
    pub fn stability_update(&mut self, update: Update) {
        self.stability.update(update);
    }

    /// The record kind the current pane adds, edits and deletes, if any.
    pub fn editable_kind(&self) -> Option<RecordKind> {
        match self.pane {
            Pane::Market => Some(MARKET_KINDS[self.market_kind % MARKET_KINDS.len()]),
            p => p.editable_kind(),
        }
    }

    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.message = Some((text.into(), level));
    }

    /// Theme in force (presentation mode forces high contrast unless the
    /// user asked for monochrome).
    pub fn theme(&self) -> Theme {
        if self.presentation && self.theme.name != ThemeName::Monochrome {
            Theme::new(ThemeName::HighContrast)
        } else {
            self.theme
        }
    }

    pub fn scopes(&self) -> Vec<Scope> {
        let mut s = vec![Scope::Global];
        if self.pane != Pane::Overview {
            s.push(Scope::List);
        }
        if self.editable_kind().is_some() {
            s.push(Scope::Edit);
        }
        match self.pane {
            Pane::Risks => s.push(Scope::Risks),
            Pane::Market => s.push(Scope::Market),
            Pane::Scenarios => s.push(Scope::Scenarios),
            Pane::Training => s.push(Scope::Training),
            _ => {}
        }
        s
    }

    pub fn view(&self) -> &ListView {
        match self.pane {
            Pane::Needs => &self.needs,
            Pane::Risks => &self.risks,
            Pane::Market => &self.market,
            Pane::Scenarios => match self.scenario_view {
                ScenarioView::Weights => &self.weights,
                ScenarioView::Ahp => &self.pairs,
                _ => &self.scenarios,
            },
            Pane::Training | Pane::Overview => &self.training,
        }
    }

    fn view_mut(&mut self) -> &mut ListView {
        match self.pane {
            Pane::Needs => &mut self.needs,
            Pane::Risks => &mut self.risks,
            Pane::Market => &mut self.market,
            Pane::Scenarios => match self.scenario_view {
                ScenarioView::Weights => &mut self.weights,
                ScenarioView::Ahp => &mut self.pairs,
                _ => &mut self.scenarios,
            },
            Pane::Training | Pane::Overview => &mut self.training,
        }
    }

    /// Record indices shown by the current pane, in display order.
    pub fn rows(&self) -> Vec<usize> {
        match self.pane {
            Pane::Needs => panes::needs::rows(self),
            Pane::Risks => panes::risks::rows(self),
            Pane::Market => panes::market::rows(self),
            Pane::Scenarios => panes::scenarios::rows(self),
            Pane::Training => panes::training::rows(self),
            Pane::Overview => Vec::new(),
        }
    }

    /// The record index under the cursor.
    pub fn selected_record(&self) -> Option<usize> {
        let rows = self.rows();
        rows.get(self.view().selected.min(rows.len().saturating_sub(1)))
            .copied()
    }

    fn select_record(&mut self, pane: Pane, record: usize) {
        let old = self.pane;
        self.pane = pane;
        if let Some(pos) = self.rows().iter().position(|r| *r == record) {
            self.view_mut().selected = pos;
        }
        self.pane = old;
    }

    fn clamp_selection(&mut self) {
        let n = self.rows().len();
        let v = self.view_mut();
        v.selected = v.selected.min(n.saturating_sub(1));
    }

    /// Handle one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.key(key);
        self.refresh();
    }

    fn key(&mut self, key: KeyEvent) {
        if key.kind != ratatui::crossterm::event::KeyEventKind::Press {
            return;
        }
        let mode = std::mem::replace(&mut self.mode, Mode::Normal);
        self.mode = match mode {
            Mode::Normal => {
                self.normal_key(key);
                return;
            }
            Mode::Help => match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                    Mode::Normal
                }
                _ => Mode::Help,
            },
            Mode::Filter(mut input) => match key.code {
                KeyCode::Esc => {
                    self.view_mut().filter.clear();
                    self.clamp_selection();
                    Mode::Normal
                }
                KeyCode::Enter => Mode::Normal,
                _ => {
                    input.handle_event(&ratatui::crossterm::event::Event::Key(key));
                    self.view_mut().filter = input.value().to_string();
                    self.view_mut().selected = 0;
                    Mode::Filter(input)
                }
            },
            Mode::Form(mut form) => match form.handle_key(&self.ws, key) {
                FormOutcome::Continue => Mode::Form(form),
                FormOutcome::Cancel => {
                    self.say(Level::Info, "edit cancelled");
                    Mode::Normal
                }
                FormOutcome::Apply => match form.apply(&mut self.ws) {
                    Ok(changes) if changes.is_empty() => {
                        self.say(Level::Info, "nothing changed");
                        Mode::Normal
                    }
                    Ok(changes) => {
                        let added = form.index.is_none();
                        let kind = form.kind;
                        self.record(changes);
                        if added {
                            let last = self.ws.count(kind).saturating_sub(1);
                            self.select_record(self.pane, last);
                        }
                        Mode::Normal
                    }
                    Err(e) => {
                        form.error = Some(e);
                        Mode::Form(form)
                    }
                },
            },
            Mode::ConfirmDelete { kind, index, id } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => {
                    match self.ws.remove_record(kind, index) {
                        Ok(c) => {
                            self.record(vec![c]);
                            self.clamp_selection();
                        }
                        Err(e) => self.say(Level::Error, e.to_string()),
                    }
                    Mode::Normal
                }
                KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => {
                    self.say(Level::Info, format!("kept {id}"));
                    Mode::Normal
                }
                _ => Mode::ConfirmDelete { kind, index, id },
            },
            Mode::QuitPrompt => match key.code {
                KeyCode::Char('s') | KeyCode::Char('S') => {
                    if self.save() {
                        self.quit = true;
                    }
                    Mode::Normal
                }
                KeyCode::Char('d') | KeyCode::Char('D') => {
                    let _ = self.ws.discard_journal();
                    self.quit = true;
                    Mode::Normal
                }
                KeyCode::Esc | KeyCode::Char('c') | KeyCode::Char('C') => Mode::Normal,
                _ => Mode::QuitPrompt,
            },
            Mode::Conflict(files) => match key.code {
                KeyCode::Char('k') | KeyCode::Char('K') => {
                    for f in &files {
                        let _ = self.ws.rebase_on_disk(*f);
                    }
                    self.say(
                        Level::Warn,
                        "kept your edits; saving will overwrite the outside change",
                    );
                    Mode::Normal
                }
                KeyCode::Char('t') | KeyCode::Char('T') => {
                    for f in &files {
                        self.reload(*f);
                    }
                    self.undo
                        .retain(|g| g.iter().all(|c| !files.contains(&c.file())));
                    self.redo.clear();
                    self.say(
                        Level::Info,
                        "took the version on disk; your edits to those files were dropped",
                    );
                    self.journal_due = true;
                    Mode::Normal
                }
                _ => Mode::Conflict(files),
            },
            Mode::Recover(journal) => match key.code {
                KeyCode::Char('r') | KeyCode::Char('R') => {
                    match self.ws.restore_journal(&journal) {
                        Ok(moved) if moved.is_empty() => self.say(Level::Info, "restored unsaved edits; Ctrl-s saves them"),
                        Ok(moved) => self.say(
                            Level::Warn,
                            format!(
                                "restored unsaved edits; {} changed on disk since — saving will overwrite that",
                                moved.iter().map(|k| k.file_name()).collect::<Vec<_>>().join(", ")
                            ),
                        ),
                        Err(e) => self.say(Level::Error, e),
                    }
                    Mode::Normal
                }
                KeyCode::Char('d') | KeyCode::Char('D') => {
                    let _ = self.ws.discard_journal();
                    self.say(Level::Info, "discarded the recovered edits");
                    Mode::Normal
                }
                _ => Mode::Recover(journal),
            },
        };
    }

    fn normal_key(&mut self, key: KeyEvent) {
        // Esc clears a filter; otherwise keys go through the keymap.
        if key.code == KeyCode::Esc && !self.view().filter.is_empty() {
            self.view_mut().filter.clear();
            return;
        }
        let Some(action) = self.keymap.action(&key, &self.scopes()) else {
            if key.code != KeyCode::Esc {
                let shown = match key.code {
                    KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        format!("Ctrl-{c}")
                    }
                    KeyCode::Char(c) => c.to_string(),
                    other => format!("{other:?}"),
                };
                self.say(
                    Level::Info,
                    format!("{shown}: not a key here — ? shows the keys"),
                );
            }
            return;
        };
        self.act(action);
    }

    /// Do what an action does, then bring the analysis up to date.
    pub fn perform(&mut self, action: Action) {
        self.act(action);
        self.refresh();
    }

    fn act(&mut self, action: Action) {
        let n = self.rows().len();
        match action {
            Action::Quit => {
                if self.ws.is_dirty() {
                    self.mode = Mode::QuitPrompt;
                } else {
                    self.quit = true;
                }
            }
            Action::Help => self.mode = Mode::Help,
            Action::NextPane => self.pane = Pane::ALL[(self.pane.index() + 1) % Pane::ALL.len()],
            Action::PrevPane => {
                self.pane = Pane::ALL[(self.pane.index() + Pane::ALL.len() - 1) % Pane::ALL.len()]
            }
            Action::Overview => self.pane = Pane::Overview,
            Action::Needs => self.pane = Pane::Needs,
            Action::Market => self.pane = Pane::Market,
            Action::Scenarios => self.pane = Pane::Scenarios,
            Action::Training => self.pane = Pane::Training,
            Action::Risks => self.pane = Pane::Risks,
            Action::Presentation => {
                self.presentation = !self.presentation;
                self.say(
                    Level::Info,
                    if self.presentation {
                        "presentation mode on (p or F5 to leave)"
                    } else {
                        "presentation mode off"
                    },
                );
            }
            Action::Up => self.view_mut().selected = self.view().selected.saturating_sub(1),
            Action::Down => {
                self.view_mut().selected = (self.view().selected + 1).min(n.saturating_sub(1))
            }
            Action::Top => self.view_mut().selected = 0,
            Action::Bottom => self.view_mut().selected = n.saturating_sub(1),
            Action::PageUp => {
                self.view_mut().selected = self.view().selected.saturating_sub(self.page.max(1))
            }
            Action::PageDown => {
                self.view_mut().selected =
                    (self.view().selected + self.page.max(1)).min(n.saturating_sub(1))
            }
            Action::Filter => self.mode = Mode::Filter(Input::new(self.view().filter.clone())),
            Action::Sort => {
                if self.pane == Pane::Scenarios
                    && matches!(
                        self.scenario_view,
                        ScenarioView::Weights | ScenarioView::Ahp
                    )
                {
                    self.say(Level::Info, "this view is in criterion order (v: matrix)");
                    return;
                }
                let count = match self.pane {
                    Pane::Needs => panes::needs::SORTS.len(),
                    Pane::Risks => panes::risks::SORTS.len(),
                    Pane::Scenarios => panes::scenarios::SORTS.len(),
                    _ => 2,
                };
                let v = self.view_mut();
                v.sort = (v.sort + 1) % count;
                let name = match self.pane {
                    Pane::Needs => panes::needs::SORTS[self.needs.sort],
                    Pane::Risks => panes::risks::SORTS[self.risks.sort],
                    Pane::Scenarios => panes::scenarios::SORTS[self.scenarios.sort % count],
                    _ => ["file order", "id"][self.view().sort % 2],
                };
                self.say(Level::Info, format!("sorted by {name}"));
            }
            Action::Add => {
                if let Some(kind) = self.editable_kind() {
                    self.mode = Mode::Form(Box::new(Form::new(&self.ws, kind, None)));
                }
            }
            Action::Edit => {
                if let (Some(kind), Some(i)) = (self.editable_kind(), self.selected_record()) {
                    self.mode = Mode::Form(Box::new(Form::new(&self.ws, kind, Some(i))));
                }
            }
            Action::Delete => {
                if let (Some(kind), Some(i)) = (self.editable_kind(), self.selected_record()) {
                    let id = self
                        .ws
                        .ids(kind)
                        .get(i)
                        .map(|s| s.to_string())
                        .unwrap_or_default();
                    let users = self.ws.users_of(&id);
                    if users.is_empty() {
                        self.mode = Mode::ConfirmDelete { kind, index: i, id };
                    } else {
                        self.say(
                            Level::Error,
                            format!("cannot delete {id}: linked from {}", users.join(", ")),
                        );
                    }
                }
            }
            Action::Undo => self.undo_last(),
            Action::Redo => self.redo_last(),
            Action::Save => {
                self.save();
            }
            Action::HeatMap => {
                self.heat_residual = !self.heat_residual;
                self.say(
                    Level::Info,
                    if self.heat_residual {
                        "heat map: residual"
                    } else {
                        "heat map: inherent"
                    },
                );
            }
            Action::Category => {
                self.risk_category = cycle(
                    self.risk_category,
                    crate::workspace::schema::RISK_CATEGORIES,
                );
                self.risks.selected = 0;
            }
            Action::Status => {
                self.risk_status = cycle(self.risk_status, crate::workspace::schema::RISK_STATUSES);
                self.risks.selected = 0;
            }
            Action::NextKind => {
                self.market_kind = (self.market_kind + 1) % MARKET_KINDS.len();
                self.market.selected = 0;
            }
            Action::PrevKind => {
                self.market_kind = (self.market_kind + MARKET_KINDS.len() - 1) % MARKET_KINDS.len();
                self.market.selected = 0;
            }
            Action::NextView => self.scenario_view = self.scenario_view.step(1),
            Action::PrevView => self.scenario_view = self.scenario_view.step(-1),
            Action::NextCriterion | Action::PrevCriterion => {
                let n = self.ws.model.criteria.len();
                if n > 0 {
                    let by = if action == Action::NextCriterion {
                        1
                    } else {
                        n - 1
                    };
                    self.criterion = (self.criterion + by) % n;
                    if let Some(c) = self.ws.model.criteria.get(self.criterion) {
                        let text = format!(
                            "criterion: {} ({}) — + and - change its score",
                            c.name, c.id
                        );
                        self.say(Level::Info, text);
                    }
                }
            }
            Action::Raise | Action::Lower => {
                let up = action == Action::Raise;
                match self.scenario_view {
                    ScenarioView::Weights => self.nudge_weight(up),
                    ScenarioView::Ahp => self.nudge_comparison(up),
                    _ => self.nudge_score(up),
                }
            }
            Action::WeightSource => {
                let next = match self.ws.model.settings.scoring.weights.as_str() {
                    "ahp" => "direct",
                    _ => "ahp",
                };
                self.set_scoring("weights", next);
            }
            Action::TrainStart => self.start_training(),
            Action::TrainStop => {
                if self.train.stop() {
                    self.say(
                        Level::Info,
                        "stopping after the current batch; the best weights are kept",
                    );
                } else {
                    self.say(Level::Info, "no training run in progress (r starts one)");
                }
            }
            Action::TrainMore | Action::TrainLess => {
                self.nudge_training(action == Action::TrainMore)
            }
            Action::NextRun => self.run_cursor = self.run_cursor.saturating_add(1),
            Action::PrevRun => self.run_cursor = self.run_cursor.saturating_sub(1),
            Action::CompareRuns => {
                let n = panes::training::history(self).len();
                self.run_cursor = self.run_cursor.min(n.saturating_sub(1));
                if self.compare_runs {
                    self.compare_runs = false;
                } else if n < 2 {
                    self.say(Level::Info, "comparing needs two runs (r trains another)");
                } else if self.run_cursor == 0 {
                    self.run_cursor = 1;
                    self.compare_runs = true;
                } else {
                    self.compare_runs = true;
                }
            }
            Action::ScoringMethod => {
                let next = match self.ws.model.settings.scoring.method.as_str() {
                    "topsis" => "weighted-sum",
                    _ => "topsis",
                };
                self.set_scoring("method", next);
            }
        }
    }

    /// `r` on the Training pane: train with the settings on screen (unsaved
    /// edits included) on a background thread.
    fn start_training(&mut self) {
        if self.train.running() {
            self.say(Level::Info, "a run is in progress (x stops it)");
            return;
        }
        let cfg = match crate::train::TrainConfig::resolve(
            &self.ws.model.training,
            &crate::train::Overrides::default(),
        ) {
            Ok(c) => c,
            Err(e) => {
                self.say(Level::Error, format!("cannot train: {e}"));
                return;
            }
        };
        let job = crate::train::Job::new(&self.ws.root, cfg);
        match self.train.start(job) {
            Ok(()) => {
                self.run_cursor = 0;
                self.compare_runs = false;
                // Its folder appears now or within `RUNS_FRESH`.
                self.runs.invalidate();
                self.say(
                    Level::Info,
                    "training started — x stops; other panes keep it running",
                );
            }
            Err(e) => self.say(Level::Error, format!("cannot train: {e}")),
        }
    }

    /// Events from the trainer (forwarded by the loop, at most ~10 batches a second).
    pub fn training_events(&mut self, events: Vec<crate::train::Event>) {
        let was = self.train.running();
        self.train.apply(events);
        self.training_ended(was);
    }

    /// Without the event loop (tests): read the trainer's events that arrived.
    pub fn poll_training(&mut self) -> usize {
        let was = self.train.running();
        let n = self.train.poll();
        self.training_ended(was);
        n
    }

    fn training_ended(&mut self, was_running: bool) {
        if !was_running || self.train.running() {
            return;
        }
        // The run has its summary now.
        self.runs.invalidate();
        let text = match self.train.live.as_ref().and_then(|l| l.end.as_ref()) {
            Some(End::Finished(s)) => format!(
                "training finished: {} epochs, best epoch {} · run {}",
                s.epochs.len(),
                s.best_epoch.map(|b| b.to_string()).unwrap_or("—".into()),
                s.run_id
            ),
            Some(End::Stopped(s)) => format!(
                "training stopped after {} epochs; best epoch {} kept · run {}",
                s.epochs.len(),
                s.best_epoch.map(|b| b.to_string()).unwrap_or("—".into()),
                s.run_id
            ),
            Some(End::Failed(m)) => {
                let m = format!("training failed: {m}");
                self.say(Level::Error, m);
                return;
            }
            None => return,
        };
        self.say(Level::Info, text);
    }

    /// `+`/`-` on the Training pane: the selected main setting one step.
    fn nudge_training(&mut self, up: bool) {
        let i = self.training.selected;
        let Some((label, path)) = panes::training::EDITABLE.get(i) else {
            self.say(
                Level::Info,
                "+/- change epochs, batch size, learning rate and device (the first rows); edit the rest in training.toml",
            );
            return;
        };
        let t = &self.ws.model.training;
        let value = match i {
            0 => (if up { t.epochs + 1 } else { t.epochs - 1 })
                .clamp(1, 10_000)
                .to_string(),
            1 => (if up {
                t.batch_size * 2
            } else {
                t.batch_size / 2
            })
            .clamp(1, 1_048_576)
            .to_string(),
            2 => number(step125(t.learning_rate, up).clamp(1e-9, 10.0)),
            _ => {
                let all = ["auto", "cpu", "cuda"];
                let k = all.iter().position(|d| *d == t.device).unwrap_or(0);
                all[if up { (k + 1) % 3 } else { (k + 2) % 3 }].to_string()
            }
        };
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let r = self.ws.set(Target::File(FileKind::Training), &path, &value);
        if self.edit(r) {
            let note = if self.train.running() {
                " (the next run uses it)"
            } else {
                ""
            };
            self.say(Level::Info, format!("{label} = {value}{note} — u undoes"));
        }
    }

    /// Apply one edit as its own undo group, or say why it was refused.
    fn edit(&mut self, result: Result<Change, crate::workspace::EditError>) -> bool {
        match result {
            Ok(change) => {
                self.record(vec![change]);
                true
            }
            Err(e) => {
                self.say(Level::Error, format!("not changed: {e}"));
                false
            }
        }
    }

    fn set_scoring(&mut self, key: &str, value: &str) {
        let path = ["scoring".to_string(), key.to_string()];
        let r = self.ws.set(Target::File(FileKind::Workspace), &path, value);
        if self.edit(r) {
            self.say(
                Level::Info,
                format!("[scoring] {key} = \"{value}\" — u undoes"),
            );
        }
    }

    /// `+`/`-` on a scenario view: the selected scenario's score on the
    /// selected criterion, one step, within the criterion's range.
    fn nudge_score(&mut self, up: bool) {
        let Some(i) = self.scenario_record() else {
            self.say(Level::Info, "no scenario selected");
            return;
        };
        let m = &self.ws.model;
        let Some(c) = m.criteria.get(self.criterion) else {
            self.say(
                Level::Warn,
                "no criteria: add [[criterion]] records to workspace.toml",
            );
            return;
        };
        let Some(s) = m.scenarios.get(i) else {
            return;
        };
        if c.min.partial_cmp(&c.max) != Some(std::cmp::Ordering::Less) {
            self.say(
                Level::Error,
                format!(
                    "criterion {} has min {} ≥ max {}: fix its range first",
                    c.id, c.min, c.max
                ),
            );
            return;
        }
        let step = score_step(c.min, c.max);
        let current = s.scores.get(&c.id).copied();
        // A missing score counts as the worst value (as in the analysis).
        let base = current.unwrap_or(if c.cost { c.max } else { c.min });
        let wanted = if up { base + step } else { base - step };
        let new = round_to(wanted.clamp(c.min, c.max), 1e-9);
        if current == Some(new) {
            let bound = if up { "maximum" } else { "minimum" };
            self.say(
                Level::Info,
                format!(
                    "{} is already at the {bound} {} of {}",
                    s.id,
                    number(new),
                    c.id
                ),
            );
            return;
        }
        let (id, crit) = (s.id.clone(), c.id.clone());
        let old_rank = self.rank_of(&id);
        let path = ["scores".to_string(), crit.clone()];
        let r = self
            .ws
            .set(Target::Record(RecordKind::Scenario, i), &path, &number(new));
        if self.edit(r) {
            self.reanalyse();
            let from = current.map(number).unwrap_or_else(|| "—".into());
            let rank = match (old_rank, self.rank_of(&id)) {
                (Some(a), Some(b)) if a != b => format!(" · rank {a} → {b}"),
                (_, Some(b)) => format!(" · rank {b}"),
                _ => String::new(),
            };
            self.say(
                Level::Info,
                format!("{id} {crit}: {from} → {}{rank} — u undoes", number(new)),
            );
        }
    }

    fn rank_of(&self, scenario: &str) -> Option<usize> {
        let a = self.analysis.as_ref().ok()?;
        let i = a.matrix.scenario_index(scenario)?;
        a.ranking.ranks.get(i).copied()
    }

    /// `+`/`-` on the weights view: the selected criterion's direct weight.
    fn nudge_weight(&mut self, up: bool) {
        let Some(j) = self.selected_record() else {
            return;
        };
        let m = &self.ws.model;
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
            self.say(
                Level::Info,
                format!("{} weight is already {}", c.id, number(new)),
            );
            return;
        }
        let (id, old) = (c.id.clone(), c.weight);
        let ahp = m.settings.scoring.weights == "ahp";
        let r = self.ws.set(
            Target::Record(RecordKind::Criterion, j),
            &["weight".to_string()],
            &number(new),
        );
        if self.edit(r) {
            let note = if ahp {
                " (weights come from AHP now: w switches to direct)"
            } else {
                ""
            };
            self.say(
                Level::Info,
                format!(
                    "{id} weight {} → {}{note} — u undoes",
                    number(old),
                    number(new)
                ),
            );
        }
    }

    /// `+`/`-` on the AHP view: the selected pair one step along Saaty's
    /// scale (1/9 … 1/2, 1, 2 … 9), `+` making the first criterion weigh more.
    fn nudge_comparison(&mut self, up: bool) {
        let Some(p) = self.selected_record() else {
            return;
        };
        let m = &self.ws.model;
        let ids: Vec<String> = m.criteria.iter().map(|c| c.id.clone()).collect();
        let Some((a, b)) = panes::scenarios::pair(ids.len(), p) else {
            return;
        };
        let found = panes::scenarios::comparison(m, &ids[a], &ids[b]);
        let current = found.map(|(_, r)| r).unwrap_or(1.0);
        let Some(new) = saaty_step(current, up) else {
            let end = if up { "9 (extreme)" } else { "1/9" };
            self.say(
                Level::Info,
                format!("{} vs {} is already at {end}", ids[a], ids[b]),
            );
            return;
        };
        let shown = format!(
            "{} vs {}: {} → {}",
            ids[a],
            ids[b],
            saaty(current),
            saaty(new)
        );
        let ok = match found {
            Some((k, _)) => {
                let stored = &m.comparisons[k];
                let value = if stored.a == ids[a] { new } else { 1.0 / new };
                let r = self.ws.set(
                    Target::Record(RecordKind::Comparison, k),
                    &["ratio".to_string()],
                    &ratio_text(value),
                );
                self.edit(r)
            }
            None => {
                let mut t = self.ws.new_record(RecordKind::Comparison);
                t.insert("a", toml_edit::value(ids[a].clone()));
                t.insert("b", toml_edit::value(ids[b].clone()));
                let value = match ratio_text(new).parse::<i64>() {
                    Ok(i) => toml_edit::value(i),
                    Err(_) => toml_edit::value(new),
                };
                t.insert("ratio", value);
                let r = self.ws.add_record(RecordKind::Comparison, t);
                self.edit(r)
            }
        };
        if ok {
            self.say(Level::Info, format!("{shown} — u undoes"));
        }
    }

    /// Push a group of applied changes on the undo stack.
    pub fn record(&mut self, changes: Vec<Change>) {
        let text = match changes.as_slice() {
            [one] => one.describe(),
            many => format!(
                "{} changes ({})",
                many.len(),
                many.iter()
                    .map(Change::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        self.say(Level::Info, format!("{text} — u undoes"));
        self.undo.push(changes);
        self.redo.clear();
        self.journal_due = true;
    }

    fn undo_last(&mut self) {
        let Some(group) = self.undo.pop() else {
            self.say(Level::Info, "nothing to undo");
            return;
        };
        for c in group.iter().rev() {
            if let Err(e) = self.ws.apply(&c.inverse()) {
                self.say(Level::Error, format!("undo failed: {e}"));
                return;
            }
        }
        self.say(
            Level::Info,
            format!(
                "undid: {}",
                group
                    .iter()
                    .map(Change::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        self.redo.push(group);
        self.clamp_selection();
        self.journal_due = true;
    }

    fn redo_last(&mut self) {
        let Some(group) = self.redo.pop() else {
            self.say(Level::Info, "nothing to redo");
            return;
        };
        for c in &group {
            if let Err(e) = self.ws.apply(c) {
                self.say(Level::Error, format!("redo failed: {e}"));
                return;
            }
        }
        self.say(
            Level::Info,
            format!(
                "redid: {}",
                group
                    .iter()
                    .map(Change::describe)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        self.undo.push(group);
        self.journal_due = true;
    }

    /// Save changed files; true when everything was saved.
    pub fn save(&mut self) -> bool {
        if !self.ws.is_dirty() {
            self.say(Level::Info, "nothing to save");
            return true;
        }
        match self.ws.save() {
            Ok(saved) => {
                let _ = self.ws.discard_journal();
                self.say(
                    Level::Info,
                    format!(
                        "saved {}",
                        saved
                            .iter()
                            .map(|k| k.file_name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                true
            }
            Err(SaveError::ChangedOnDisk { .. }) => {
                let files: Vec<FileKind> = self
                    .ws
                    .changed_on_disk()
                    .into_iter()
                    .filter(|k| self.ws.file(*k).dirty)
                    .collect();
                self.mode = Mode::Conflict(files);
                false
            }
            Err(e) => {
                self.say(Level::Error, format!("not saved: {e}"));
                false
            }
        }
    }

    fn reload(&mut self, kind: FileKind) {
        // Keep the selection on the same record id where it still exists.
        let keep: Vec<(Pane, Option<String>)> = [Pane::Needs, Pane::Risks]
            .into_iter()
            .map(|p| {
                let old = self.pane;
                self.pane = p;
                let id = self.selected_record().and_then(|i| {
                    p.editable_kind()
                        .and_then(|k| self.ws.ids(k).get(i).map(|s| s.to_string()))
                });
                self.pane = old;
                (p, id)
            })
            .collect();
        if let Err(d) = self.ws.reload_file(kind) {
            self.say(Level::Error, format!("could not reload: {d}"));
            return;
        }
        for (p, id) in keep {
            if let (Some(id), Some(k)) = (id, p.editable_kind())
                && let Some(i) = self.ws.ids(k).iter().position(|x| *x == id)
            {
                self.select_record(p, i);
            }
        }
        self.clamp_selection();
    }

    /// Files in the workspace folder changed (debounced watcher event).
    pub fn files_changed(&mut self) {
        let changed = self.ws.changed_on_disk();
        if changed.is_empty() {
            return;
        }
        let (dirty, clean): (Vec<FileKind>, Vec<FileKind>) =
            changed.into_iter().partition(|k| self.ws.file(*k).dirty);
        for k in &clean {
            self.reload(*k);
        }
        if !clean.is_empty() {
            self.say(
                Level::Info,
                format!(
                    "reloaded {} (changed on disk)",
                    clean
                        .iter()
                        .map(|k| k.file_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !dirty.is_empty() && !matches!(self.mode, Mode::Conflict(_)) {
            self.mode = Mode::Conflict(dirty);
        }
        self.refresh();
    }
}

/// How far one `+` moves a score: 1 on small integer scales, a tenth of
/// the range (rounded to 1, 2 or 5 × 10ᵏ) on wide ones.
pub fn score_step(min: f64, max: f64) -> f64 {
    let range = max - min;
    if (2.0..=10.0).contains(&range) {
        1.0
    } else {
        nice_step(range / 10.0)
    }
}

/// The nearest 1, 2 or 5 × 10ᵏ at or below `x` (x > 0).
pub fn nice_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    let m = x / p;
    let f = if m >= 5.0 {
        5.0
    } else if m >= 2.0 {
        2.0
    } else {
        1.0
    };
    f * p
}

fn round_to(x: f64, unit: f64) -> f64 {
    (x / unit).round() * unit
}

/// A number as it is written into a file: `4`, `0.35`.
pub fn number(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{:.0}", x.round())
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Saaty's scale, from 1/9 to 9.
pub const SAATY: [f64; 17] = [
    1.0 / 9.0,
    1.0 / 8.0,
    1.0 / 7.0,
    1.0 / 6.0,
    1.0 / 5.0,
    1.0 / 4.0,
    1.0 / 3.0,
    1.0 / 2.0,
    1.0,
    2.0,
    3.0,
    4.0,
    5.0,
    6.0,
    7.0,
    8.0,
    9.0,
];

/// The next value on Saaty's scale above (or below) `x`.
/// The next value on the 1-2-5 scale (…, 0.001, 0.002, 0.005, 0.01, …).
pub fn step125(x: f64, up: bool) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return 0.001;
    }
    let e = x.log10().floor();
    let scale = 10f64.powf(e);
    let m = x / scale;
    let ladder = [1.0, 2.0, 5.0, 10.0, 20.0];
    let next = if up {
        ladder
            .iter()
            .find(|&&v| v > m + 1e-9)
            .copied()
            .unwrap_or(10.0)
    } else {
        [0.5, 1.0, 2.0, 5.0]
            .iter()
            .rev()
            .find(|&&v| v < m - 1e-9)
            .copied()
            .unwrap_or(0.5)
    };
    round_to(next * scale, scale / 1000.0)
}

pub fn saaty_step(x: f64, up: bool) -> Option<f64> {
    let eps = 1e-3;
    if up {
        SAATY.iter().copied().find(|&s| s > x * (1.0 + eps))
    } else {
        SAATY.iter().rev().copied().find(|&s| s < x * (1.0 - eps))
    }
}

/// A ratio as Saaty writes it: `3`, `1/3`, or the number when it is off
/// the scale.
pub fn saaty(x: f64) -> String {
    if !(x.is_finite() && x > 0.0) {
        return "?".into();
    }
    let near = |a: f64, b: f64| (a - b).abs() <= 0.01 * b;
    if x >= 1.0 && near(x, x.round()) {
        format!("{:.0}", x.round())
    } else if x < 1.0 && near(1.0 / x, (1.0 / x).round()) {
        format!("1/{:.0}", (1.0 / x).round())
    } else {
        format!("{x:.2}")
    }
}

/// A stored ratio: whole numbers as they are, fractions to four places,
/// rounded up so that 1/9 stays within the allowed 1/9–9.
fn ratio_text(x: f64) -> String {
    if x >= 1.0 {
        number(x)
    } else {
        number((x * 10_000.0).ceil() / 10_000.0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_suit_the_scale() {
        assert_eq!(score_step(1.0, 5.0), 1.0);
        assert_eq!(score_step(0.0, 100.0), 10.0);
        assert_eq!(score_step(0.0, 1.0), 0.1);
        assert_eq!(nice_step(0.05), 0.05);
        assert_eq!(nice_step(0.07), 0.05);
        assert_eq!(nice_step(3.0), 2.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn learning_rate_steps_along_1_2_5() {
        assert!((step125(0.001, true) - 0.002).abs() < 1e-15);
        assert!((step125(0.002, true) - 0.005).abs() < 1e-15);
        assert!((step125(0.005, true) - 0.01).abs() < 1e-15);
        assert!((step125(0.01, false) - 0.005).abs() < 1e-15);
        assert!((step125(0.001, false) - 0.0005).abs() < 1e-15);
        assert!((step125(0.003, false) - 0.002).abs() < 1e-15);
    }

    #[test]
    fn saaty_scale_moves_and_stops_at_the_ends() {
        assert_eq!(saaty_step(1.0, true), Some(2.0));
        assert_eq!(saaty_step(1.0, false), Some(0.5));
        assert_eq!(saaty_step(2.5, true), Some(3.0));
        assert_eq!(saaty_step(2.5, false), Some(2.0));
        assert_eq!(saaty_step(9.0, true), None);
        assert_eq!(saaty_step(0.1112, false), None, "1/9 as stored");
        assert_eq!(saaty(0.3334), "1/3");
        assert_eq!(saaty(3.0), "3");
        assert_eq!(saaty(2.5), "2.50");
        assert_eq!(ratio_text(1.0 / 9.0), "0.1112");
        assert!(ratio_text(1.0 / 9.0).parse::<f64>().unwrap_or(0.0) >= 1.0 / 9.0);
        assert_eq!(number(0.35000000001), "0.35");
        assert_eq!(number(4.0), "4");
    }
}
