//! The workbench: the global context ([`AppCtx`]), one component per pane,
//! the modal prompts, and the routing of keys between them. Panes never
//! import this module; it imports them.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::Rect;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

pub use super::component::{AppCtx, Level, ListView, Pane};
use super::component::{Component, Handled, Modal, Step};
use super::config::Config;
use super::form::{Form, FormOutcome, Subject};
use super::keymap::{Action, Scope};
pub use super::panes::market::MARKET_KINDS;
pub use super::panes::scenarios::ScenarioView;
use super::panes::{
    market::MarketPane, monitor::MonitorPane, needs::NeedsPane, overview::OverviewPane,
    risks::RisksPane, scenarios::ScenariosPane, training::TrainingPane,
};
use super::stability::Update;
use super::theme::Theme;
use super::trainrun::End;
use crate::analysis::Analysis;
use crate::analysis::links::Link;
use crate::workspace::disk_merge::{blocks, resolve};
use crate::workspace::merge::{Conflict, MergeResult, Pick};
use crate::workspace::recovery::Journal;
use crate::workspace::{Date, FileKind, RecordKind, SaveError, Workspace};

/// Modal states: while one is open, keys go to it.
pub enum Mode {
    Normal,
    Filter(Input),
    Form(Box<Form>),
    ConfirmDelete {
        kind: RecordKind,
        index: usize,
        id: String,
    },
    /// The help overlay, scrolled by this many lines.
    Help(u16),
    QuitPrompt,
    /// Files changed on disk while we hold unsaved edits to them, whose
    /// merge has fields changed on both sides: asked one field at a time.
    Merge(MergePrompt),
    Recover(Journal),
    /// Recovered edits to files that changed on disk since: asked file by
    /// file (the first of `pending` is asked now), with the diff on demand.
    RecoverFile {
        journal: Journal,
        pending: Vec<usize>,
        diff: bool,
    },
    /// The records linked to the one under the cursor (`o`).
    Links(LinkPicker),
    /// Saving a workspace `lodestar check` rejects: asks first.
    SaveInvalid {
        errors: Vec<String>,
        then_quit: bool,
    },
}

/// The fields changed both on disk and in the unsaved edits, file by file.
pub struct MergePrompt {
    /// The files still to resolve, each with its merge (conflict markers in
    /// its text); the first is asked about now.
    pub queue: Vec<(FileKind, MergeResult)>,
    /// The sides picked so far for the conflicts of the first file.
    pub picks: Vec<Pick>,
}

impl MergePrompt {
    /// The conflicts asked about now (one marked block: adjacent fields go
    /// together): (file, conflicts, the block's number, how many blocks).
    pub fn current(&self) -> Option<(FileKind, Vec<&Conflict>, usize, usize)> {
        let (kind, r) = self.queue.first()?;
        let blocks = blocks(&r.conflicts);
        let block = blocks.get(self.picks.len())?;
        let conflicts = block.iter().filter_map(|&i| r.conflicts.get(i)).collect();
        Some((*kind, conflicts, self.picks.len() + 1, blocks.len()))
    }
}

/// The list `o` opens: the records linked to the one under the cursor.
pub struct LinkPicker {
    /// The record the links are of, as shown in the title.
    pub of: String,
    pub links: Vec<Link>,
    pub list: ListView,
}

/// Where a jump started: the pane and the record under its cursor.
#[derive(Debug, Clone)]
struct Place {
    pane: Pane,
    record: Option<(RecordKind, String)>,
}

impl Mode {
    /// The keymap scope of a prompt, for modes whose keys are keymap entries.
    fn prompt_scope(&self) -> Option<Scope> {
        match self {
            Mode::Help(_) => Some(Scope::Help),
            Mode::ConfirmDelete { .. } => Some(Scope::DeletePrompt),
            Mode::QuitPrompt => Some(Scope::QuitPrompt),
            Mode::Merge(_) => Some(Scope::ConflictPrompt),
            Mode::Recover(_) => Some(Scope::RecoverPrompt),
            Mode::RecoverFile { .. } => Some(Scope::RecoverFilePrompt),
            Mode::SaveInvalid { .. } => Some(Scope::SavePrompt),
            Mode::Normal | Mode::Filter(_) | Mode::Form(_) | Mode::Links(_) => None,
        }
    }
}

/// One component per pane.
#[derive(Default)]
pub struct Panes {
    pub overview: OverviewPane,
    pub needs: NeedsPane,
    pub market: MarketPane,
    pub scenarios: ScenariosPane,
    pub training: TrainingPane,
    pub risks: RisksPane,
    pub monitor: MonitorPane,
}

impl Panes {
    pub fn get(&self, pane: Pane) -> &dyn Component {
        match pane {
            Pane::Overview => &self.overview,
            Pane::Needs => &self.needs,
            Pane::Market => &self.market,
            Pane::Scenarios => &self.scenarios,
            Pane::Training => &self.training,
            Pane::Risks => &self.risks,
            Pane::Monitor => &self.monitor,
        }
    }

    pub fn get_mut(&mut self, pane: Pane) -> &mut dyn Component {
        match pane {
            Pane::Overview => &mut self.overview,
            Pane::Needs => &mut self.needs,
            Pane::Market => &mut self.market,
            Pane::Scenarios => &mut self.scenarios,
            Pane::Training => &mut self.training,
            Pane::Risks => &mut self.risks,
            Pane::Monitor => &mut self.monitor,
        }
    }
}

pub struct App {
    pub ctx: AppCtx,
    pub pane: Pane,
    pub panes: Panes,
    pub mode: Mode,
    pub quit: bool,
    /// Where each jump along a link started (`ctrl-o` goes back).
    jumps: Vec<Place>,
    /// A file changed on disk while a form or prompt was open: merged
    /// when it closes.
    merge_due: bool,
    /// Saving the result of a merge made by a save (not merged again).
    saving_merged: bool,
}

impl App {
    pub fn new(ws: Workspace, config: Config, today: Date) -> App {
        let ctx = AppCtx::new(ws, Theme::new(config.theme), config.keymap, today);
        let mut app = App {
            ctx,
            pane: Pane::Overview,
            panes: Panes::default(),
            mode: Mode::Normal,
            quit: false,
            jumps: Vec::new(),
            merge_due: false,
            saving_merged: false,
        };
        if !config.problems.is_empty() {
            app.ctx.say(
                Level::Warn,
                crate::tr!(
                    "tui.status.config_problems",
                    problems = config.problems.join("; ")
                ),
            );
        }
        match app.ctx.ws.pending_journal() {
            Ok(Some(journal)) => app.mode = Mode::Recover(journal),
            Ok(None) => {}
            Err(e) => app.ctx.say(Level::Warn, e),
        }
        app.sync();
        app
    }

    /// The component on screen.
    pub fn current(&self) -> &dyn Component {
        self.panes.get(self.pane)
    }

    fn current_mut(&mut self) -> &mut dyn Component {
        self.panes.get_mut(self.pane)
    }

    /// Bring the analysis and the pane on screen up to date with the
    /// workspace (cheap; no sampling, no drawing).
    fn sync(&mut self) {
        self.ctx.reanalyse();
        let App {
            ctx, panes, pane, ..
        } = self;
        panes.get_mut(*pane).sync(ctx);
    }

    /// Bring everything up to date and make sure the ranking's stability is
    /// known or being computed. Called after every key and outside change.
    pub fn refresh(&mut self) {
        self.sync();
        let options = Analysis::stability_options(&self.ctx.ws.model);
        self.ctx
            .stability
            .request(self.ctx.analysis.as_ref().ok(), options);
    }

    /// The layout step before a frame: page size and scroll of the pane on
    /// screen for a terminal of `area`.
    pub fn layout(&mut self, area: Rect) {
        if let Mode::Help(at) = self.mode {
            let max = super::ui::help_max_scroll(area, self);
            self.mode = Mode::Help(at.min(max));
        }
        let body = super::ui::body_area(area, self);
        let App {
            ctx, panes, pane, ..
        } = self;
        panes.get_mut(*pane).layout(body, ctx);
    }

    /// A progress report or result from the background stability run.
    pub fn stability_update(&mut self, update: Update) {
        self.ctx.stability.update(update);
        self.sync();
    }

    pub fn say(&mut self, level: Level, text: impl Into<String>) {
        self.ctx.say(level, text);
    }

    pub fn theme(&self) -> Theme {
        self.ctx.theme()
    }

    /// The keymap scopes in force: the prompt's alone, or the global one
    /// and the pane's.
    pub fn scopes(&self) -> Vec<Scope> {
        if let Some(s) = self.mode.prompt_scope() {
            return vec![s];
        }
        if let Mode::Links(_) = self.mode {
            return vec![Scope::Nav, Scope::LinkPicker];
        }
        let mut s = vec![Scope::Global];
        s.extend(self.current().commands());
        s
    }

    /// The record under the cursor of the pane on screen, if any.
    pub fn selected_record(&self) -> Option<usize> {
        self.current().selected(&self.ctx).map(|(_, i)| i)
    }

    /// The scenario selected in the Scenarios pane (whatever its view).
    pub fn scenario_record(&self) -> Option<usize> {
        self.panes.scenarios.scenario_record(&self.ctx)
    }

    /// Handle one key press.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.key(key);
        if self.merge_due && matches!(self.mode, Mode::Normal) {
            self.merge_due = false;
            self.files_changed();
        }
        self.refresh();
    }

    fn key(&mut self, key: KeyEvent) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        let mode = std::mem::replace(&mut self.mode, Mode::Normal);
        self.mode = match mode {
            Mode::Normal => {
                self.normal_key(key);
                return;
            }
            Mode::Filter(mut input) => match key.code {
                KeyCode::Esc => {
                    if let Some(l) = self.current_mut().list_mut() {
                        l.filter.clear();
                    }
                    Mode::Normal
                }
                KeyCode::Enter => Mode::Normal,
                _ => {
                    input.handle_event(&Event::Key(key));
                    if let Some(l) = self.current_mut().list_mut() {
                        l.filter = input.value().to_string();
                        l.selected = 0;
                    }
                    Mode::Filter(input)
                }
            },
            Mode::Form(mut form) => match form.handle_key(&self.ctx.ws, key) {
                FormOutcome::Continue => Mode::Form(form),
                FormOutcome::Cancel => {
                    self.say(Level::Info, crate::tr!("tui.status.edit_cancelled"));
                    Mode::Normal
                }
                FormOutcome::Apply => match form.apply(&mut self.ctx.ws) {
                    Ok(changes) if changes.is_empty() => {
                        self.say(Level::Info, crate::tr!("tui.status.nothing_changed"));
                        Mode::Normal
                    }
                    Ok(changes) => {
                        self.ctx.record(changes);
                        if let Subject::Add(kind) = form.subject {
                            let last = self.ctx.ws.count(kind).saturating_sub(1);
                            self.sync();
                            let App {
                                ctx, panes, pane, ..
                            } = self;
                            panes.get_mut(*pane).select(kind, last, ctx);
                        }
                        Mode::Normal
                    }
                    Err(e) => {
                        form.error = Some(e);
                        Mode::Form(form)
                    }
                },
            },
            Mode::Links(picker) => match self.ctx.keymap.action(&key, &self.scopes_of_links()) {
                Some(action) => self.pick(picker, action),
                None => Mode::Links(picker),
            },
            prompt => {
                let scopes: Vec<Scope> = match prompt {
                    Mode::Help(_) => vec![Scope::Help, Scope::Nav],
                    _ => prompt.prompt_scope().into_iter().collect(),
                };
                match self.ctx.keymap.action(&key, &scopes) {
                    Some(action) => self.answer(prompt, action),
                    None => prompt,
                }
            }
        };
    }

    fn scopes_of_links(&self) -> [Scope; 2] {
        [Scope::Nav, Scope::LinkPicker]
    }

    /// A key in the link picker; returns the mode that follows.
    fn pick(&mut self, mut picker: LinkPicker, action: Action) -> Mode {
        if picker.list.navigate(action, picker.links.len()) {
            return Mode::Links(picker);
        }
        match action {
            Action::LinkOpen => {
                if let Some(link) = picker.links.get(picker.list.selected).cloned() {
                    self.jump(link.kind, link.index);
                }
                Mode::Normal
            }
            Action::LinkClose => Mode::Normal,
            _ => Mode::Links(picker),
        }
    }

    /// The place on screen now, to come back to.
    fn place(&self) -> Place {
        let record = self.current().selected(&self.ctx).and_then(|(k, i)| {
            let id = self.ctx.ws.ids(k).get(i)?.to_string();
            Some((k, id))
        });
        Place {
            pane: self.pane,
            record,
        }
    }

    /// Show record `index` of `kind` in its pane, remembering where we were.
    pub fn jump(&mut self, kind: RecordKind, index: usize) {
        let Some(pane) = Pane::of_kind(kind) else {
            return;
        };
        let here = self.place();
        self.pane = pane;
        self.sync();
        let App { ctx, panes, .. } = self;
        let component = panes.get_mut(pane);
        if !component.select(kind, index, ctx) {
            // Hidden by the pane's filter: clear it and try again.
            if let Some(l) = component.list_mut() {
                l.filter.clear();
            }
            component.sync(ctx);
            component.select(kind, index, ctx);
        }
        let id = self.ctx.ws.ids(kind).get(index).map(|s| s.to_string());
        self.jumps.push(here);
        if self.jumps.len() > 100 {
            self.jumps.remove(0);
        }
        self.say(
            Level::Info,
            crate::tr!(
                "tui.status.jumped",
                id = id.unwrap_or_default(),
                key = self.ctx.keymap.first_key(Action::Back)
            ),
        );
    }

    /// Back to where the last jump started.
    fn back(&mut self) {
        let Some(place) = self.jumps.pop() else {
            self.say(Level::Info, crate::tr!("tui.status.no_jump"));
            return;
        };
        self.pane = place.pane;
        self.sync();
        let back_to = place
            .record
            .as_ref()
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| self.pane.title());
        self.say(
            Level::Info,
            crate::tr!("tui.status.back_to", place = back_to),
        );
        if let Some((kind, id)) = place.record
            && let Some(i) = self.ctx.ws.ids(kind).iter().position(|x| *x == id)
        {
            let App {
                ctx, panes, pane, ..
            } = self;
            panes.get_mut(*pane).select(kind, i, ctx);
        }
    }

    /// `o`: the records linked to the one under the cursor.
    fn open_links(&mut self) {
        let Some((kind, index)) = self.current().selected(&self.ctx) else {
            self.say(Level::Info, crate::tr!("tui.status.no_record"));
            return;
        };
        let id = self
            .ctx
            .ws
            .ids(kind)
            .get(index)
            .map(|s| s.to_string())
            .unwrap_or_default();
        let links = crate::analysis::links::links_of(&self.ctx.ws.model, kind, index);
        if links.is_empty() {
            self.say(Level::Info, crate::tr!("tui.status.no_links", id = id));
            return;
        }
        self.mode = Mode::Links(LinkPicker {
            of: id,
            links,
            list: ListView::default(),
        });
    }

    /// A prompt's answer; returns the mode that follows.
    fn answer(&mut self, prompt: Mode, action: Action) -> Mode {
        match (prompt, action) {
            (Mode::Help(_), Action::CloseHelp) => Mode::Normal,
            (Mode::Help(at), nav) => Mode::Help(match nav {
                Action::Up => at.saturating_sub(1),
                Action::Down => at.saturating_add(1),
                Action::PageUp => at.saturating_sub(10),
                Action::PageDown => at.saturating_add(10),
                Action::Top => 0,
                Action::Bottom => u16::MAX,
                _ => at,
            }),
            (Mode::ConfirmDelete { kind, index, .. }, Action::DeleteConfirm) => {
                let removed = if kind == RecordKind::Criterion {
                    self.ctx.ws.remove_criterion(index)
                } else {
                    self.ctx.ws.remove_record(kind, index).map(|c| vec![c])
                };
                match removed {
                    Ok(changes) => self.ctx.record(changes),
                    Err(e) => self.say(Level::Error, e.to_string()),
                }
                Mode::Normal
            }
            (Mode::ConfirmDelete { id, .. }, Action::DeleteCancel) => {
                self.say(Level::Info, crate::tr!("tui.status.kept", id = id));
                Mode::Normal
            }
            (Mode::QuitPrompt, Action::QuitSave) => {
                if self.save_checked(true) {
                    self.quit = true;
                }
                // A conflict or an invalid workspace found while saving is the
                // mode now.
                std::mem::replace(&mut self.mode, Mode::Normal)
            }
            (Mode::SaveInvalid { then_quit, .. }, Action::SaveAnyway) => {
                if self.save() && then_quit {
                    self.quit = true;
                }
                std::mem::replace(&mut self.mode, Mode::Normal)
            }
            (Mode::SaveInvalid { .. }, Action::SaveCancel) => {
                self.say(Level::Info, crate::tr!("tui.status.not_saved_broken"));
                Mode::Normal
            }
            (Mode::QuitPrompt, Action::QuitDiscard) => {
                let _ = self.ctx.ws.discard_journal();
                self.quit = true;
                Mode::Normal
            }
            (Mode::QuitPrompt, Action::QuitStay) => Mode::Normal,
            (Mode::Merge(mut m), action @ (Action::ConflictKeep | Action::ConflictTake)) => {
                m.picks.push(if action == Action::ConflictKeep {
                    Pick::Ours
                } else {
                    Pick::Theirs
                });
                self.merge_step(m)
            }
            (Mode::Merge(m), Action::ConflictLater) => {
                let names: Vec<&str> = m.queue.iter().map(|(k, _)| k.file_name()).collect();
                self.say(
                    Level::Warn,
                    crate::tr!("tui.status.not_merged_yet", files = names.join(", ")),
                );
                Mode::Normal
            }
            (Mode::Recover(journal), Action::RecoverRestore) => {
                match self.ctx.ws.restore_journal(&journal) {
                    Ok(moved) if moved.is_empty() => {
                        self.ctx.journal_due = true;
                        self.say(Level::Info, crate::tr!("tui.status.restored"));
                        Mode::Normal
                    }
                    // Files changed on disk since: merged like an outside
                    // change; only fields changed on both sides are asked.
                    // The journal keeps every file until each is decided.
                    Ok(moved) => self.recover_moved(journal, moved),
                    Err(e) => {
                        self.say(Level::Error, e);
                        Mode::Normal
                    }
                }
            }
            (
                Mode::RecoverFile {
                    journal,
                    pending,
                    diff,
                },
                Action::RecoverDiff,
            ) => Mode::RecoverFile {
                journal,
                pending,
                diff: !diff,
            },
            (
                Mode::RecoverFile {
                    journal,
                    mut pending,
                    ..
                },
                action @ (Action::RecoverKeep | Action::RecoverTake),
            ) => {
                if pending.is_empty() {
                    return Mode::Normal;
                }
                let i = pending.remove(0);
                let name = journal
                    .files
                    .get(i)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                if action == Action::RecoverKeep {
                    match self.ctx.ws.restore_journal_file(&journal, i) {
                        Ok(_) => self.say(
                            Level::Warn,
                            crate::tr!("tui.status.restored_file", name = name),
                        ),
                        Err(e) => self.say(Level::Error, e),
                    }
                } else {
                    self.say(Level::Info, crate::tr!("tui.status.kept_disk", name = name));
                }
                if pending.is_empty() {
                    self.ctx.journal_due = true;
                    Mode::Normal
                } else {
                    Mode::RecoverFile {
                        journal,
                        pending,
                        diff: false,
                    }
                }
            }
            (Mode::Recover(_), Action::RecoverDiscard) => {
                let _ = self.ctx.ws.discard_journal();
                self.say(Level::Info, crate::tr!("tui.status.discarded"));
                Mode::Normal
            }
            (prompt, _) => prompt,
        }
    }

    fn normal_key(&mut self, key: KeyEvent) {
        // A pane's own prompt (the vote round's "vote for…") takes keys first.
        {
            let App {
                ctx, panes, pane, ..
            } = self;
            if panes.get_mut(*pane).capture(&key, ctx) {
                return;
            }
        }
        // Esc clears a filter; otherwise keys go through the keymap.
        if key.code == KeyCode::Esc
            && let Some(l) = self.current_mut().list_mut()
            && !l.filter.is_empty()
        {
            l.filter.clear();
            return;
        }
        let Some(action) = self.ctx.keymap.action(&key, &self.scopes()) else {
            if key.code != KeyCode::Esc {
                let shown = match key.code {
                    KeyCode::Char(c) if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        format!("Ctrl-{c}")
                    }
                    KeyCode::Char(c) => c.to_string(),
                    other => format!("{other:?}"),
                };
                self.say(Level::Info, crate::tr!("tui.status.not_a_key", key = shown));
            }
            return;
        };
        self.act(action);
    }

    /// Do what an action does, then bring everything up to date.
    pub fn perform(&mut self, action: Action) {
        if let Mode::Links(_) = self.mode {
            if let Mode::Links(picker) = std::mem::replace(&mut self.mode, Mode::Normal) {
                self.mode = self.pick(picker, action);
            }
        } else if let Some(scope) = self.mode.prompt_scope() {
            let prompt = std::mem::replace(&mut self.mode, Mode::Normal);
            let is_prompt_action = super::keymap::BINDINGS.iter().any(|b| {
                b.action == action
                    && (b.scope == scope
                        || (matches!(prompt, Mode::Help(_)) && b.scope == Scope::Nav))
            });
            self.mode = if is_prompt_action {
                self.answer(prompt, action)
            } else {
                prompt
            };
        } else {
            self.act(action);
        }
        self.refresh();
    }

    fn act(&mut self, action: Action) {
        let go = |app: &mut App, pane: Pane| app.pane = pane;
        match action {
            Action::Quit => {
                if self.ctx.ws.is_dirty() {
                    self.mode = Mode::QuitPrompt;
                } else {
                    self.quit = true;
                }
            }
            Action::Help => self.mode = Mode::Help(0),
            Action::NextPane => go(self, Pane::ALL[(self.pane.index() + 1) % Pane::ALL.len()]),
            Action::PrevPane => go(
                self,
                Pane::ALL[(self.pane.index() + Pane::ALL.len() - 1) % Pane::ALL.len()],
            ),
            Action::Overview => go(self, Pane::Overview),
            Action::Needs => go(self, Pane::Needs),
            Action::Market => go(self, Pane::Market),
            Action::Scenarios => go(self, Pane::Scenarios),
            Action::Training => go(self, Pane::Training),
            Action::Risks => go(self, Pane::Risks),
            Action::Monitor => go(self, Pane::Monitor),
            Action::Presentation => {
                self.ctx.presentation = !self.ctx.presentation;
                self.say(
                    Level::Info,
                    if self.ctx.presentation {
                        crate::tr!("tui.status.presentation_on")
                    } else {
                        crate::tr!("tui.status.presentation_off")
                    },
                );
            }
            Action::Language => {
                // For this session only: the config file's `language` (or
                // `--lang`) chooses the next start's.
                let lang = crate::i18n::current().next();
                crate::i18n::switch_to(lang);
                self.ctx.language_changed();
                self.say(
                    Level::Info,
                    crate::tr!("common.language_switched", name = lang.native_name()),
                );
            }
            Action::Undo | Action::Redo => {
                let step = if action == Action::Undo {
                    Step::Undo
                } else {
                    Step::Redo
                };
                let undo = step == Step::Undo;
                match self.ctx.history.step(&mut self.ctx.ws, step) {
                    Ok(None) if undo => {
                        self.say(Level::Info, crate::tr!("tui.status.nothing_to_undo"))
                    }
                    Ok(None) => self.say(Level::Info, crate::tr!("tui.status.nothing_to_redo")),
                    Ok(Some(text)) => {
                        self.say(
                            Level::Info,
                            if undo {
                                crate::tr!("tui.status.undid", what = text)
                            } else {
                                crate::tr!("tui.status.redid", what = text)
                            },
                        );
                        self.ctx.journal_due = true;
                    }
                    Err(e) if undo => self.say(
                        Level::Error,
                        crate::tr!("tui.status.undo_failed", error = e),
                    ),
                    Err(e) => self.say(
                        Level::Error,
                        crate::tr!("tui.status.redo_failed", error = e),
                    ),
                }
            }
            Action::Save => {
                self.save_checked(false);
            }
            Action::Links => self.open_links(),
            Action::Back => self.back(),
            Action::Filter => {
                if let Some(l) = self.current().list() {
                    self.mode = Mode::Filter(Input::new(l.filter.clone()));
                }
            }
            _ => {
                let App {
                    ctx, panes, pane, ..
                } = self;
                match panes.get_mut(*pane).handle(action, ctx) {
                    Handled::Done | Handled::Ignored => {}
                    Handled::Go(pane) => {
                        let here = self.place();
                        self.jumps.push(here);
                        self.pane = pane;
                    }
                    Handled::Jump(kind, index, why) => {
                        self.jump(kind, index);
                        let back = self.ctx.keymap.first_key(Action::Back);
                        self.say(
                            Level::Info,
                            crate::tr!("tui.status.jumped", id = why, key = back),
                        );
                    }
                    Handled::Open(Modal::Form(form)) => self.mode = Mode::Form(form),
                    Handled::Open(Modal::ConfirmDelete { kind, index, id }) => {
                        self.mode = Mode::ConfirmDelete { kind, index, id }
                    }
                }
            }
        }
    }

    /// Events from the trainer (forwarded by the loop, at most ~10 batches a second).
    pub fn training_events(&mut self, events: Vec<crate::train::Event>) {
        // `auto` fell back to the CPU: the pane's device line has no room
        // for the reason, the status line does.
        let fallback = events.iter().find_map(|e| match e {
            crate::train::Event::Started(s) => s.fallback.clone(),
            _ => None,
        });
        if let Some(reason) = fallback {
            self.say(
                Level::Warn,
                crate::tr!(
                    "cuda.tui_fallback",
                    reason = crate::train::device::reason_label(&reason)
                ),
            );
        }
        let was = self.ctx.train.running();
        self.ctx.train.apply(events);
        self.training_ended(was);
    }

    /// Without the event loop (tests): read the trainer's events that arrived.
    pub fn poll_training(&mut self) -> usize {
        let was = self.ctx.train.running();
        let n = self.ctx.train.poll();
        self.training_ended(was);
        n
    }

    fn training_ended(&mut self, was_running: bool) {
        if !was_running || self.ctx.train.running() {
            return;
        }
        // The run has its summary now.
        self.panes.training.runs_changed();
        self.panes.overview.runs_changed();
        let text = match self.ctx.train.live.as_ref().and_then(|l| l.end.as_ref()) {
            Some(End::Finished(s)) => crate::tr!(
                "tui.training.msg.finished",
                epochs = s.epochs.len(),
                best = s.best_epoch.map(|b| b.to_string()).unwrap_or("—".into()),
                run = s.run_id
            ),
            Some(End::Stopped(s)) => crate::tr!(
                "tui.training.msg.stopped",
                epochs = s.epochs.len(),
                best = s.best_epoch.map(|b| b.to_string()).unwrap_or("—".into()),
                run = s.run_id
            ),
            Some(End::Failed(m)) => {
                let m = crate::tr!("tui.training.msg.failed", error = m);
                self.say(Level::Error, m);
                return;
            }
            None => return,
        };
        self.say(Level::Info, text);
        self.sync();
    }

    /// Save, but ask first when `lodestar check` would reject what is saved.
    /// True when everything was saved.
    fn save_checked(&mut self, then_quit: bool) -> bool {
        if self.ctx.ws.is_dirty() {
            let root = self.ctx.ws.root.clone();
            let errors: Vec<String> = self
                .ctx
                .check_errors()
                .iter()
                .map(|d| {
                    let file = d.file.strip_prefix(&root).unwrap_or(&d.file);
                    match d.line {
                        0 => format!("{}: {}", file.display(), d.message),
                        l => format!("{}:{l}: {}", file.display(), d.message),
                    }
                })
                .collect();
            if !errors.is_empty() {
                self.mode = Mode::SaveInvalid { errors, then_quit };
                return false;
            }
        }
        self.save()
    }

    /// Save changed files; true when everything was saved.
    pub fn save(&mut self) -> bool {
        if !self.ctx.ws.is_dirty() {
            self.say(Level::Info, crate::tr!("tui.status.nothing_to_save"));
            return true;
        }
        match self.ctx.ws.save() {
            Ok(saved) => {
                let _ = self.ctx.ws.discard_journal();
                self.say(
                    Level::Info,
                    crate::tr!(
                        "tui.status.saved",
                        files = saved
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
                    .ctx
                    .ws
                    .changed_on_disk()
                    .into_iter()
                    .filter(|k| self.ctx.ws.file(*k).dirty)
                    .collect();
                // Merge the outside change in; without a conflict, save the
                // merge (once: a file that keeps changing asks next time).
                self.mode = self.merge_disk(files);
                if matches!(self.mode, Mode::Normal) && !self.saving_merged {
                    self.saving_merged = true;
                    let saved = self.save();
                    self.saving_merged = false;
                    return saved;
                }
                false
            }
            Err(e) => {
                self.say(Level::Error, crate::tr!("tui.status.not_saved", error = e));
                false
            }
        }
    }

    /// Read a file again from disk; every pane keeps its cursor on the same
    /// record id where it still exists.
    fn reload(&mut self, kind: FileKind) {
        let keep: Vec<(Pane, RecordKind, String)> = Pane::ALL
            .into_iter()
            .filter_map(|p| {
                let (k, i) = self.panes.get(p).selected(&self.ctx)?;
                let id = self.ctx.ws.ids(k).get(i)?.to_string();
                Some((p, k, id))
            })
            .collect();
        if let Err(d) = self.ctx.ws.reload_file(kind) {
            self.say(
                Level::Error,
                crate::tr!("tui.status.reload_failed", error = d),
            );
            return;
        }
        self.ctx.reanalyse();
        for (p, k, id) in keep {
            if let Some(i) = self.ctx.ws.ids(k).iter().position(|x| *x == id) {
                let App { ctx, panes, .. } = self;
                let pane = panes.get_mut(p);
                pane.sync(ctx);
                pane.select(k, i, ctx);
            }
        }
    }

    /// Files in the workspace folder changed (debounced watcher event).
    pub fn files_changed(&mut self) {
        if self.ctx.ws.reload_votes() {
            self.ctx.reanalyse();
            self.say(Level::Info, crate::tr!("tui.status.votes_reread"));
        }
        let changed = self.ctx.ws.changed_on_disk();
        if changed.is_empty() {
            return;
        }
        let (dirty, clean): (Vec<FileKind>, Vec<FileKind>) = changed
            .into_iter()
            .partition(|k| self.ctx.ws.file(*k).dirty);
        for k in &clean {
            self.reload(*k);
        }
        if !clean.is_empty() {
            self.say(
                Level::Info,
                crate::tr!(
                    "tui.status.reloaded",
                    files = clean
                        .iter()
                        .map(|k| k.file_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !dirty.is_empty() {
            match self.mode {
                Mode::Normal => self.mode = self.merge_disk(dirty),
                Mode::Merge(_) => {}
                _ => {
                    // A form or a prompt is open: merge once it closes.
                    self.merge_due = true;
                    self.say(
                        Level::Warn,
                        crate::tr!(
                            "tui.status.merge_when_closed",
                            files = dirty
                                .iter()
                                .map(|k| k.file_name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        self.refresh();
    }

    /// Merge the files on disk into the unsaved edits of `files`: changes
    /// to different fields combine at once; fields changed on both sides
    /// are asked about (the mode returned).
    fn merge_disk(&mut self, files: Vec<FileKind>) -> Mode {
        let mut queue = Vec::new();
        let mut merged = Vec::new();
        for kind in files {
            match self.ctx.ws.merge_with_disk(kind) {
                Ok(r) if r.is_clean() => {
                    let problem = r.problems.first().map(|d| d.message.clone());
                    match self.ctx.ws.take_merged(kind, r.text) {
                        Ok(()) => merged.push((kind, problem)),
                        Err(e) => self.say(
                            Level::Error,
                            crate::tr!("tui.status.merge_failed", error = e),
                        ),
                    }
                }
                Ok(r) => queue.push((kind, r)),
                Err(e) => self.say(
                    Level::Error,
                    crate::tr!(
                        "tui.status.unreadable_on_disk",
                        file = kind.file_name(),
                        error = e
                    ),
                ),
            }
        }
        if !merged.is_empty() {
            self.after_merge(&merged.iter().map(|(k, _)| *k).collect::<Vec<_>>());
            let names: Vec<&str> = merged.iter().map(|(k, _)| k.file_name()).collect();
            match merged.iter().find_map(|(_, p)| p.clone()) {
                Some(problem) => self.say(
                    Level::Warn,
                    crate::tr!(
                        "tui.status.merged_but",
                        files = names.join(", "),
                        problem = problem
                    ),
                ),
                None => self.say(
                    Level::Info,
                    crate::tr!("tui.status.merged", files = names.join(", ")),
                ),
            }
        }
        if queue.is_empty() {
            Mode::Normal
        } else {
            Mode::Merge(MergePrompt {
                queue,
                picks: Vec::new(),
            })
        }
    }

    /// Recovered files that changed on disk since the edits: merged with
    /// the disk from the text the edits started from; files of an older
    /// journal without that text are asked about one by one.
    fn recover_moved(&mut self, journal: Journal, moved: Vec<usize>) -> Mode {
        let mut queue = Vec::new();
        let mut merged = Vec::new();
        let mut legacy = Vec::new();
        for i in moved {
            match self.ctx.ws.merge_journal_file(&journal, i) {
                Ok(Some((kind, r))) if r.is_clean() => {
                    match self.ctx.ws.take_merged(kind, r.text) {
                        Ok(()) => merged.push(kind),
                        Err(e) => self.say(Level::Error, e),
                    }
                }
                Ok(Some((kind, r))) => queue.push((kind, r)),
                Ok(None) => legacy.push(i),
                Err(e) => self.say(Level::Error, e),
            }
        }
        if !merged.is_empty() {
            self.after_merge(&merged);
            self.say(
                Level::Info,
                crate::tr!(
                    "tui.status.restored_merged",
                    files = merged
                        .iter()
                        .map(|k| k.file_name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
        if !legacy.is_empty() {
            return Mode::RecoverFile {
                journal,
                pending: legacy,
                diff: false,
            };
        }
        if queue.is_empty() {
            self.ctx.journal_due = true;
            if merged.is_empty() {
                self.say(Level::Info, crate::tr!("tui.status.restored"));
            }
            Mode::Normal
        } else {
            Mode::Merge(MergePrompt {
                queue,
                picks: Vec::new(),
            })
        }
    }

    /// A side picked for a conflict: once a file's conflicts are all
    /// decided, take its resolved text and go on with the next file.
    fn merge_step(&mut self, mut m: MergePrompt) -> Mode {
        let Some((kind, r)) = m.queue.first() else {
            return Mode::Normal;
        };
        if m.picks.len() < blocks(&r.conflicts).len() {
            return Mode::Merge(m);
        }
        let kind = *kind;
        let (_, r) = m.queue.remove(0);
        let picks = std::mem::take(&mut m.picks);
        let mine = picks.iter().filter(|p| **p == Pick::Ours).count();
        match self.ctx.ws.take_merged(kind, resolve(&r, &picks)) {
            Ok(()) => {
                self.after_merge(&[kind]);
                self.say(
                    Level::Info,
                    crate::tr!(
                        "tui.status.merged_picks",
                        file = kind.file_name(),
                        mine = mine,
                        total = picks.len()
                    ),
                );
            }
            Err(e) => self.say(
                Level::Error,
                crate::tr!(
                    "tui.status.merge_file_failed",
                    file = kind.file_name(),
                    error = e
                ),
            ),
        }
        if m.queue.is_empty() {
            Mode::Normal
        } else {
            Mode::Merge(m)
        }
    }

    /// After a file's text was replaced by a merge: its undo steps no
    /// longer apply, the analysis and the journal follow.
    fn after_merge(&mut self, files: &[FileKind]) {
        self.ctx.history.forget(files);
        self.ctx.reanalyse();
        self.ctx.journal_due = true;
    }
}
