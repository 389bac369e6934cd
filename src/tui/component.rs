//! What a pane is made of (gitui's shape, see `shared/STYLE.md`): the
//! [`AppCtx`] every pane draws from and changes, and the [`Component`] trait.
//!
//! A pane owns its view state (selection, scroll, filter, sort, sub-view).
//! The app calls, for the pane on screen:
//! 1. [`Component::sync`] after every event — refresh what the pane derives
//!    from the workspace or reads from disk (CSV series, the runs list), so
//!    drawing never reads a file;
//! 2. [`Component::layout`] before every frame — page size and scroll offset
//!    for the area the pane gets;
//! 3. [`Component::draw`] — shared references only.
//!
//! Keys reach a pane as keymap [`Action`]s in the scopes its
//! [`Component::commands`] lists; the same list feeds the footer and the help
//! overlay, so on-screen help cannot drift from the keys.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::form::Form;
use super::keymap::{Action, Keymap, Scope};
use super::stability::StabilityRuns;
use super::theme::{Theme, ThemeName};
use super::trainrun::TrainRuns;
use crate::analysis::{self, Analysis, AnalysisError};
use crate::workspace::{Change, Date, Diagnostic, EditError, FileKind, RecordKind, Workspace};

/// The panes of the workbench, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Overview,
    Needs,
    Market,
    Scenarios,
    Training,
    Risks,
    Monitor,
}

impl Pane {
    pub const ALL: [Pane; 7] = [
        Pane::Overview,
        Pane::Needs,
        Pane::Market,
        Pane::Scenarios,
        Pane::Training,
        Pane::Risks,
        Pane::Monitor,
    ];

    /// The tab's name, in the interface language.
    pub fn title(self) -> String {
        match self {
            Pane::Overview => crate::tr!("tui.pane.overview"),
            Pane::Needs => crate::tr!("tui.pane.needs"),
            Pane::Market => crate::tr!("tui.pane.market"),
            Pane::Scenarios => crate::tr!("tui.pane.scenarios"),
            Pane::Training => crate::tr!("tui.pane.training"),
            Pane::Risks => crate::tr!("tui.pane.risks"),
            Pane::Monitor => crate::tr!("tui.pane.monitor"),
        }
    }

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    /// The pane that lists records of `kind`.
    pub fn of_kind(kind: RecordKind) -> Option<Pane> {
        match kind {
            RecordKind::Need => Some(Pane::Needs),
            RecordKind::Scenario | RecordKind::Criterion => Some(Pane::Scenarios),
            RecordKind::Risk => Some(Pane::Risks),
            RecordKind::Measurement | RecordKind::Actual | RecordKind::Batch => Some(Pane::Monitor),
            RecordKind::Segment
            | RecordKind::Trend
            | RecordKind::Competitor
            | RecordKind::Feature
            | RecordKind::Evidence
            | RecordKind::Series => Some(Pane::Market),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// Undo and redo stacks; each entry is a group of changes applied together,
/// or a vote the facilitator typed for someone (written to their vote file
/// at once, outside the workspace files).
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
}

/// One step of the history.
#[derive(Debug, Clone)]
enum Entry {
    Edits(Vec<Change>),
    Vote(VoteEdit),
}

/// A score written to a participant's vote file from the workbench: the
/// cell's value before (`None`: no vote) and after.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteEdit {
    pub participant: String,
    pub scenario: String,
    pub criterion: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

impl VoteEdit {
    fn inverse(&self) -> VoteEdit {
        VoteEdit {
            before: self.after,
            after: self.before,
            ..self.clone()
        }
    }

    /// Write `after` into the vote file (or take the cell out), under the
    /// workspace lock, and re-read the votes.
    pub fn apply(&self, ws: &mut Workspace) -> Result<(), String> {
        use crate::workspace::votes;
        let r = match self.after {
            Some(v) => votes::cast(
                &ws.root,
                &self.participant,
                &[(self.scenario.clone(), self.criterion.clone(), v)],
            )
            .map(|_| ()),
            None => votes::remove(
                &ws.root,
                &self.participant,
                &[(self.scenario.clone(), self.criterion.clone())],
            ),
        };
        r.map_err(|e| e.to_string())?;
        ws.reload_votes();
        Ok(())
    }

    pub fn describe(&self) -> String {
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), crate::tui::steps::number);
        crate::tr!(
            "tui.votes.edit",
            who = self.participant.clone(),
            scenario = self.scenario.clone(),
            criterion = self.criterion.clone(),
            before = show(self.before),
            after = show(self.after)
        )
    }
}

impl Entry {
    fn describe(&self) -> String {
        match self {
            Entry::Edits(group) => describe(group),
            Entry::Vote(v) => v.describe(),
        }
    }
}

/// Which way [`History::step`] goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Undo,
    Redo,
}

impl History {
    /// A new group of applied changes; it clears what could be redone.
    pub fn push(&mut self, group: Vec<Change>) {
        self.undo.push(Entry::Edits(group));
        self.redo.clear();
    }

    /// A vote written from the workbench; it clears what could be redone.
    pub fn push_vote(&mut self, vote: VoteEdit) {
        self.undo.push(Entry::Vote(vote));
        self.redo.clear();
    }

    /// Undo or redo the last group on `ws`. `Ok(None)`: nothing to do;
    /// `Ok(Some(text))`: what was done. A group that fails halfway is put
    /// back where it was.
    pub fn step(&mut self, ws: &mut Workspace, step: Step) -> Result<Option<String>, String> {
        let (from, to) = match step {
            Step::Undo => (&mut self.undo, &mut self.redo),
            Step::Redo => (&mut self.redo, &mut self.undo),
        };
        let Some(entry) = from.pop() else {
            return Ok(None);
        };
        match &entry {
            Entry::Edits(group) => {
                let changes: Vec<Change> = match step {
                    Step::Undo => group.iter().rev().map(Change::inverse).collect(),
                    Step::Redo => group.clone(),
                };
                for c in &changes {
                    if let Err(e) = ws.apply(c) {
                        from.push(entry);
                        return Err(e.to_string());
                    }
                }
            }
            Entry::Vote(v) => {
                let v = match step {
                    Step::Undo => v.inverse(),
                    Step::Redo => v.clone(),
                };
                if let Err(e) = v.apply(ws) {
                    from.push(entry);
                    return Err(e);
                }
            }
        }
        let text = entry.describe();
        to.push(entry);
        Ok(Some(text))
    }

    /// Forget every group that touches one of `files` (their text was
    /// replaced by the version on disk).
    pub fn forget(&mut self, files: &[FileKind]) {
        self.undo.retain(|e| match e {
            Entry::Edits(g) => g.iter().all(|c| !files.contains(&c.file())),
            Entry::Vote(_) => true,
        });
        self.redo.clear();
    }

    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }
}

/// One line for a group of changes.
pub fn describe(changes: &[Change]) -> String {
    match changes {
        [one] => one.describe(),
        many => format!(
            "{} changes ({})",
            many.len(),
            many.iter()
                .map(Change::describe)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// What is truly global in the workbench, and what every pane reads while
/// drawing and may change while handling an action: the workspace, its
/// analysis, the background jobs, the undo history and the message line.
pub struct AppCtx {
    pub ws: Workspace,
    /// Scores, ranks, quadrants and revenue of the current workspace
    /// (recomputed after every change; cheap).
    pub analysis: Result<Analysis, AnalysisError>,
    /// Workspace revision `analysis` was computed for.
    analysed: Option<u64>,
    /// Ranking stability (Monte Carlo), in the background.
    pub stability: StabilityRuns,
    /// The training run started from the Training pane (kept across panes).
    pub train: TrainRuns,
    pub history: History,
    pub message: Option<(String, Level)>,
    /// The user's theme (presentation mode may override it, see [`AppCtx::theme`]).
    pub user_theme: Theme,
    pub keymap: Keymap,
    pub presentation: bool,
    pub today: Date,
    /// Set by edits: the loop writes the recovery journal soon after.
    pub journal_due: bool,
    /// `lodestar check`'s errors, and the count of its warnings, for the
    /// workspace revision it was last run on (one run serves the edit
    /// warning, the save prompt and the Overview).
    errors: (Option<u64>, Vec<Diagnostic>, usize),
    /// Why the last recorded edit made the workspace invalid, if it did.
    broke: Option<String>,
    /// KPIs, revenue and model after launch, and the triggers (the Monitor
    /// pane and the Overview), for the revision `monitored`.
    pub monitoring: crate::analysis::monitor::Monitoring,
    monitored: Option<u64>,
}

impl AppCtx {
    pub fn new(ws: Workspace, theme: Theme, keymap: Keymap, today: Date) -> AppCtx {
        let mut ctx = AppCtx {
            ws,
            analysis: Err(AnalysisError::NoScenarios),
            analysed: None,
            stability: StabilityRuns::default(),
            train: TrainRuns::default(),
            history: History::default(),
            message: None,
            user_theme: theme,
            keymap,
            presentation: false,
            today,
            journal_due: false,
            errors: (None, Vec::new(), 0),
            broke: None,
            monitoring: Default::default(),
            monitored: None,
        };
        ctx.reanalyse();
        ctx
    }

    /// The errors `lodestar check` reports for the workspace as it is now
    /// (run again only after a change).
    pub fn check_errors(&mut self) -> &[Diagnostic] {
        self.run_check();
        &self.errors.1
    }

    /// (errors, warnings) of `lodestar check` for the workspace as it is now.
    pub fn problem_counts(&mut self) -> (usize, usize) {
        self.run_check();
        (self.errors.1.len(), self.errors.2)
    }

    fn run_check(&mut self) {
        let rev = self.ws.revision();
        if self.errors.0 != Some(rev) {
            let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = self
                .ws
                .diagnostics()
                .into_iter()
                .partition(|d| d.is_error());
            self.errors = (Some(rev), errors, warnings.len());
        }
    }

    /// Recompute [`AppCtx::monitoring`] when the workspace changed (reads
    /// the training data and the scoring batches).
    pub fn sync_monitoring(&mut self) {
        let rev = self.ws.revision();
        if self.monitored != Some(rev) {
            self.monitoring =
                crate::train::drift::monitoring(&self.ws.root, &self.ws.model, self.today);
            self.monitored = Some(rev);
        }
    }

    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.message = Some((text.into(), level));
    }

    /// Theme in force (presentation mode forces high contrast unless the
    /// user asked for monochrome).
    pub fn theme(&self) -> Theme {
        if self.presentation && self.user_theme.name != ThemeName::Monochrome {
            Theme::new(ThemeName::HighContrast)
        } else {
            self.user_theme
        }
    }

    /// After the interface language changed: what was worded when it was
    /// computed — `check`'s messages, the monitor's triggers, the
    /// analysis's notes — is computed again, in the new language.
    pub fn language_changed(&mut self) {
        self.errors.0 = None;
        self.monitored = None;
        self.analysed = None;
        self.reanalyse();
    }

    /// Recompute the analysis when the workspace changed (cheap; no
    /// sampling). True when it was recomputed.
    pub fn reanalyse(&mut self) -> bool {
        let rev = self.ws.revision();
        if self.analysed == Some(rev) {
            return false;
        }
        self.analysis = analysis::analyse(&self.ws.model, None);
        self.analysed = Some(rev);
        true
    }

    /// Push a group of applied changes on the undo stack and say what they were.
    pub fn record(&mut self, changes: Vec<Change>) {
        let text = describe(&changes);
        let known: Vec<String> = self.errors.1.iter().map(|d| d.message.clone()).collect();
        self.history.push(changes);
        self.journal_due = true;
        // An edit that makes the workspace invalid says so at once, with the
        // reason, while `u` can still take it back.
        let new = self
            .check_errors()
            .iter()
            .find(|d| !known.contains(&d.message))
            .map(|d| d.message.clone());
        self.broke = new;
        self.say_edited(format!("{text} — u undoes"));
    }

    /// Write a vote typed in the workbench and put it on the undo stack.
    pub fn cast_vote(&mut self, vote: VoteEdit) -> bool {
        match vote.apply(&mut self.ws) {
            Ok(()) => {
                let text = crate::tr!("tui.votes.cast", what = vote.describe());
                self.history.push_vote(vote);
                self.reanalyse();
                self.say(Level::Info, text);
                true
            }
            Err(e) => {
                self.say(Level::Error, crate::tr!("tui.votes.cast_failed", error = e));
                false
            }
        }
    }

    /// Say what an edit did; when it made the workspace invalid, say that
    /// too (as an error), whatever the pane's own words.
    pub fn say_edited(&mut self, text: String) {
        match &self.broke {
            Some(why) => {
                let text = format!("{text} · makes the workspace invalid: {why}");
                self.say(Level::Error, text)
            }
            None => self.say(Level::Info, text),
        }
    }

    /// Apply one edit as its own undo group, or say why it was refused.
    pub fn edit(&mut self, result: Result<Change, EditError>) -> bool {
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

    /// The rank of a scenario in the current analysis.
    pub fn rank_of(&self, scenario: &str) -> Option<usize> {
        let a = self.analysis.as_ref().ok()?;
        let i = a.matrix.scenario_index(scenario)?;
        a.ranking.ranks.get(i).copied()
    }
}

/// A modal a pane asks the app to open.
pub enum Modal {
    Form(Box<Form>),
    ConfirmDelete {
        kind: RecordKind,
        index: usize,
        id: String,
    },
}

/// What became of an action sent to a pane.
pub enum Handled {
    Done,
    /// Not an action of this pane (in its current view).
    Ignored,
    Open(Modal),
    /// Show another pane (the Overview's stages open theirs).
    Go(Pane),
    /// Show a record in its pane (a trigger's adjustment), saying why.
    Jump(RecordKind, usize, String),
}

/// Selection, filter, sort and scroll of one table.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    /// Position in the visible (filtered, sorted) rows.
    pub selected: usize,
    pub filter: String,
    pub sort: usize,
    /// First row on screen (kept between frames so scrolling is steady);
    /// set by the layout step.
    pub offset: usize,
    /// Rows on screen (set by the layout step; used for paging).
    pub page: usize,
}

impl ListView {
    /// Move the selection for a navigation action over `n` rows; false
    /// when the action is not a navigation.
    pub fn navigate(&mut self, action: Action, n: usize) -> bool {
        let last = n.saturating_sub(1);
        let page = self.page.max(1);
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            _ => return false,
        };
        true
    }

    pub fn clamp(&mut self, n: usize) {
        self.selected = self.selected.min(n.saturating_sub(1));
    }

    /// Keep the selection on screen in a window of `visible` rows out of `n`.
    pub fn scroll(&mut self, visible: usize, n: usize) {
        let visible = visible.max(1);
        self.clamp(n);
        let mut first = self.offset.min(n.saturating_sub(1));
        if self.selected < first {
            first = self.selected;
        } else if self.selected >= first + visible {
            first = self.selected + 1 - visible;
        }
        self.offset = first;
        self.page = visible;
    }

    /// Next sort order; its name.
    pub fn next_sort(&mut self, names: &[&'static str]) -> &'static str {
        self.sort = (self.sort + 1) % names.len().max(1);
        names.get(self.sort).copied().unwrap_or("file order")
    }
}

/// A pane of the workbench.
pub trait Component {
    /// The keymap scopes this pane answers to now (besides the global one).
    fn commands(&self) -> Vec<Scope>;

    /// Refresh what the pane derives or reads from disk (after every event).
    fn sync(&mut self, _ctx: &mut AppCtx) {}

    /// Page size and scroll for the area the pane will be drawn in.
    fn layout(&mut self, _area: Rect, _ctx: &AppCtx) {}

    /// A key before the keymap sees it, for a pane with a small text
    /// prompt open (the vote round's "vote for…"): true when taken.
    fn capture(&mut self, _key: &KeyEvent, _ctx: &mut AppCtx) -> bool {
        false
    }

    /// Handle an action in one of the pane's scopes.
    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled;

    /// Draw from shared references only.
    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx);

    /// The table whose filter `/` edits, if the pane has one now.
    fn list_mut(&mut self) -> Option<&mut ListView> {
        None
    }

    fn list(&self) -> Option<&ListView> {
        None
    }

    /// The record under the cursor, if the pane lists records.
    fn selected(&self, _ctx: &AppCtx) -> Option<(RecordKind, usize)> {
        None
    }

    /// Put the cursor on a record; false when the pane does not show it.
    fn select(&mut self, _kind: RecordKind, _index: usize, _ctx: &AppCtx) -> bool {
        false
    }
}
