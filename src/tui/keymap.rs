//! One keymap drives key handling, the footer hints and the help overlay,
//! so on-screen help can never disagree with what the keys do.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where an action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    /// Moving a cursor: tables, the Overview's stages, the link picker.
    Nav,
    /// Panes with a table of records (filter, sort).
    List,
    /// Panes whose detail panel scrolls (Needs, Risks).
    Detail,
    /// The Overview's stages.
    Overview,
    /// The list of linked records (`o`).
    LinkPicker,
    /// Panes whose records can be edited (Needs, Risks).
    Edit,
    Risks,
    /// The Monitor pane (triggers, adding measurements and actuals).
    Monitor,
    Market,
    /// The Scenarios pane (matrix, charts, revenue, weights, AHP).
    Scenarios,
    /// The Training pane (config, run, history).
    Training,
    /// The vote round on the Scenarios pane (one cell, then the reveal).
    Round,
    /// The help overlay.
    Help,
    /// "Delete this record?"
    DeletePrompt,
    /// "Save before quitting?"
    QuitPrompt,
    /// "A field changed on disk and in your unsaved edits."
    ConflictPrompt,
    /// "Restore the edits of a session that ended without saving?"
    RecoverPrompt,
    /// "This file changed on disk since the recovered edits were made."
    RecoverFilePrompt,
    /// "Save a workspace `lodestar check` rejects?"
    SavePrompt,
}

impl Scope {
    /// The prompts, in the order the help overlay lists them, with their
    /// name's message (`tui.help.prompt.NAME`: "delete?", "on disk", …).
    pub const PROMPTS: [(Scope, &'static str); 7] = [
        (Scope::Help, "help"),
        (Scope::DeletePrompt, "delete"),
        (Scope::QuitPrompt, "quit"),
        (Scope::ConflictPrompt, "conflict"),
        (Scope::RecoverPrompt, "recover"),
        (Scope::RecoverFilePrompt, "recover_file"),
        (Scope::SavePrompt, "save"),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PrevPane,
    Overview,
    Needs,
    Market,
    Scenarios,
    Training,
    Risks,
    Monitor,
    Follow,
    MonitorView,
    MonitorEdit,
    MonitorDelete,
    AddMeasurement,
    AddActual,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    DetailDown,
    DetailUp,
    Add,
    Edit,
    Delete,
    Filter,
    Sort,
    Undo,
    Redo,
    Save,
    Presentation,
    Language,
    HeatMap,
    Category,
    Status,
    NextKind,
    PrevKind,
    NextView,
    PrevView,
    Raise,
    Lower,
    NextCriterion,
    PrevCriterion,
    WeightSource,
    ScoringMethod,
    Participants,
    VoteRound,
    RoundReveal,
    RoundNext,
    RoundPrev,
    RoundVoteFor,
    RoundClose,
    TrainStart,
    TrainStop,
    TrainMore,
    TrainLess,
    NextRun,
    PrevRun,
    CompareRuns,
    GainsView,
    OpenStage,
    WorkspaceSettings,
    TrainSettings,
    Links,
    Back,
    LinkOpen,
    LinkClose,
    CloseHelp,
    DeleteConfirm,
    DeleteCancel,
    QuitSave,
    QuitDiscard,
    QuitStay,
    ConflictKeep,
    ConflictTake,
    ConflictLater,
    RecoverKeep,
    RecoverTake,
    RecoverDiff,
    RecoverRestore,
    RecoverDiscard,
    SaveAnyway,
    SaveCancel,
}

/// A binding: the action, its config name, what it does, where.
pub struct Binding {
    pub action: Action,
    pub name: &'static str,
    pub help: &'static str,
    pub scope: Scope,
    /// Short label in the footer, if shown there.
    pub hint: Option<&'static str>,
    pub defaults: &'static [&'static str],
}

impl Binding {
    /// What the binding does, in the interface language (`tui.key.NAME`
    /// in locales/tui-keys.toml; `help` is its English text).
    pub fn describe(&self) -> String {
        let key = format!("tui.key.{}", self.name);
        crate::tr!(key.as_str())
    }

    /// The short label in the footer or a prompt, in the interface language.
    pub fn label(&self) -> Option<String> {
        self.hint.map(|_| {
            let key = format!("tui.hint.{}", self.name);
            crate::tr!(key.as_str())
        })
    }
}

const fn b(
    action: Action,
    name: &'static str,
    help: &'static str,
    scope: Scope,
    hint: Option<&'static str>,
    defaults: &'static [&'static str],
) -> Binding {
    Binding {
        action,
        name,
        help,
        scope,
        hint,
        defaults,
    }
}

pub const BINDINGS: &[Binding] = &[
    b(
        Action::Help,
        "help",
        "help for this pane",
        Scope::Global,
        Some("help"),
        &["?"],
    ),
    b(
        Action::Quit,
        "quit",
        "quit (asks when there are unsaved changes)",
        Scope::Global,
        Some("quit"),
        &["q", "ctrl-c"],
    ),
    b(
        Action::Save,
        "save",
        "save changed files",
        Scope::Global,
        Some("save"),
        &["ctrl-s"],
    ),
    b(
        Action::Undo,
        "undo",
        "undo the last change",
        Scope::Global,
        Some("undo"),
        &["u"],
    ),
    b(
        Action::Redo,
        "redo",
        "redo",
        Scope::Global,
        None,
        &["ctrl-r"],
    ),
    b(
        Action::NextPane,
        "next-pane",
        "next pane",
        Scope::Global,
        None,
        &["tab"],
    ),
    b(
        Action::PrevPane,
        "prev-pane",
        "previous pane",
        Scope::Global,
        None,
        &["backtab"],
    ),
    b(
        Action::Overview,
        "overview",
        "Overview pane",
        Scope::Global,
        None,
        &["1"],
    ),
    b(
        Action::Needs,
        "needs",
        "Needs pane",
        Scope::Global,
        None,
        &["2"],
    ),
    b(
        Action::Market,
        "market",
        "Market pane",
        Scope::Global,
        None,
        &["3"],
    ),
    b(
        Action::Scenarios,
        "scenarios",
        "Scenarios pane",
        Scope::Global,
        None,
        &["4"],
    ),
    b(
        Action::Training,
        "training",
        "Training pane",
        Scope::Global,
        None,
        &["5"],
    ),
    b(
        Action::Risks,
        "risks",
        "Risks pane",
        Scope::Global,
        None,
        &["6"],
    ),
    b(
        Action::Monitor,
        "monitor",
        "Monitor pane",
        Scope::Global,
        None,
        &["7"],
    ),
    b(
        Action::Presentation,
        "presentation",
        "presentation mode (projector)",
        Scope::Global,
        None,
        &["p", "f5"],
    ),
    b(
        Action::Language,
        "language",
        "switch the interface language (English / 简体中文)",
        Scope::Global,
        None,
        &["L"],
    ),
    b(Action::Up, "up", "move up", Scope::Nav, None, &["up", "k"]),
    b(
        Action::Down,
        "down",
        "move down",
        Scope::Nav,
        None,
        &["down", "j"],
    ),
    b(
        Action::Top,
        "top",
        "first row",
        Scope::Nav,
        None,
        &["g", "home"],
    ),
    b(
        Action::Bottom,
        "bottom",
        "last row",
        Scope::Nav,
        None,
        &["G", "end"],
    ),
    b(
        Action::PageUp,
        "page-up",
        "page up",
        Scope::Nav,
        None,
        &["pageup"],
    ),
    b(
        Action::PageDown,
        "page-down",
        "page down",
        Scope::Nav,
        None,
        &["pagedown"],
    ),
    b(
        Action::DetailDown,
        "detail-down",
        "scroll the detail panel down",
        Scope::Detail,
        None,
        &["ctrl-d"],
    ),
    b(
        Action::DetailUp,
        "detail-up",
        "scroll the detail panel up",
        Scope::Detail,
        None,
        &["ctrl-u"],
    ),
    b(
        Action::Filter,
        "filter",
        "filter rows by text",
        Scope::List,
        Some("filter"),
        &["/"],
    ),
    b(
        Action::Sort,
        "sort",
        "change the sort order",
        Scope::List,
        Some("sort"),
        &["s"],
    ),
    b(
        Action::Add,
        "add",
        "add a record",
        Scope::Edit,
        Some("add"),
        &["a"],
    ),
    b(
        Action::Edit,
        "edit",
        "edit the selected record",
        Scope::Edit,
        Some("edit"),
        &["e", "enter"],
    ),
    b(
        Action::Delete,
        "delete",
        "delete the selected record",
        Scope::Edit,
        Some("delete"),
        &["d"],
    ),
    b(
        Action::HeatMap,
        "heat-map",
        "heat map: inherent / residual",
        Scope::Risks,
        Some("heat map"),
        &["h"],
    ),
    b(
        Action::Category,
        "category",
        "filter by category",
        Scope::Risks,
        Some("category"),
        &["c"],
    ),
    b(
        Action::Status,
        "status",
        "filter by status",
        Scope::Risks,
        Some("status"),
        &["t"],
    ),
    b(
        Action::Follow,
        "follow",
        "follow the trigger to what it proposes to adjust (records list: edit)",
        Scope::Monitor,
        Some("follow"),
        &["enter"],
    ),
    b(
        Action::MonitorView,
        "monitor-view",
        "list: triggers / recorded measurements and actuals",
        Scope::Monitor,
        Some("records"),
        &["v"],
    ),
    b(
        Action::MonitorEdit,
        "monitor-edit",
        "edit the selected measurement or actual (records list)",
        Scope::Monitor,
        None,
        &["e"],
    ),
    b(
        Action::MonitorDelete,
        "monitor-delete",
        "delete the selected measurement or actual (records list)",
        Scope::Monitor,
        None,
        &["d"],
    ),
    b(
        Action::AddMeasurement,
        "add-measurement",
        "add a KPI measurement",
        Scope::Monitor,
        Some("add KPI"),
        &["a"],
    ),
    b(
        Action::AddActual,
        "add-actual",
        "add a monthly actual of a live scenario",
        Scope::Monitor,
        Some("add actual"),
        &["A"],
    ),
    b(
        Action::NextKind,
        "next-kind",
        "next view: segments, trends, competitors, …",
        Scope::Market,
        Some("view"),
        &["]"],
    ),
    b(
        Action::PrevKind,
        "prev-kind",
        "previous view",
        Scope::Market,
        None,
        &["["],
    ),
    b(
        Action::NextView,
        "next-view",
        "next view (matrix … votes)",
        Scope::Scenarios,
        Some("view"),
        &["v"],
    ),
    b(
        Action::PrevView,
        "prev-view",
        "previous view",
        Scope::Scenarios,
        None,
        &["V"],
    ),
    b(
        Action::Raise,
        "raise",
        "raise score/weight/ratio",
        Scope::Scenarios,
        Some("more"),
        &["+", "="],
    ),
    b(
        Action::Lower,
        "lower",
        "lower score/weight/ratio",
        Scope::Scenarios,
        Some("less"),
        &["-"],
    ),
    b(
        Action::NextCriterion,
        "next-criterion",
        "next criterion column",
        Scope::Scenarios,
        None,
        &["right", "l"],
    ),
    b(
        Action::PrevCriterion,
        "prev-criterion",
        "previous criterion column",
        Scope::Scenarios,
        None,
        &["left", "h"],
    ),
    b(
        Action::WeightSource,
        "weight-source",
        "weights: direct / AHP",
        Scope::Scenarios,
        None,
        &["w"],
    ),
    b(
        Action::ScoringMethod,
        "scoring-method",
        "method: weighted sum / TOPSIS",
        Scope::Scenarios,
        None,
        &["m"],
    ),
    b(
        Action::Participants,
        "participants",
        "votes: each participant's scores",
        Scope::Scenarios,
        None,
        &["P"],
    ),
    b(
        Action::VoteRound,
        "vote-round",
        "votes: a vote round on the selected cell (who voted, then the reveal)",
        Scope::Scenarios,
        None,
        &["R"],
    ),
    b(
        Action::RoundReveal,
        "round-reveal",
        "reveal the votes (or hide them again)",
        Scope::Round,
        Some("reveal"),
        &["space"],
    ),
    b(
        Action::RoundNext,
        "round-next",
        "next cell (the cells to discuss first come first)",
        Scope::Round,
        Some("next"),
        &["]"],
    ),
    b(
        Action::RoundPrev,
        "round-prev",
        "previous cell",
        Scope::Round,
        None,
        &["["],
    ),
    b(
        Action::RoundVoteFor,
        "round-vote-for",
        "type a vote for someone without a terminal (u undoes)",
        Scope::Round,
        Some("vote for"),
        &["i"],
    ),
    b(
        Action::RoundClose,
        "round-close",
        "close the vote round",
        Scope::Round,
        Some("close"),
        &["esc", "R"],
    ),
    b(
        Action::TrainStart,
        "train-start",
        "start a training run",
        Scope::Training,
        Some("train"),
        &["r"],
    ),
    b(
        Action::TrainStop,
        "train-stop",
        "stop the run (best weights kept)",
        Scope::Training,
        Some("stop"),
        &["x"],
    ),
    b(
        Action::TrainMore,
        "train-more",
        "raise the selected setting (in the gains chart: the cut-off)",
        Scope::Training,
        None,
        &["+", "="],
    ),
    b(
        Action::TrainLess,
        "train-less",
        "lower the selected setting (in the gains chart: the cut-off)",
        Scope::Training,
        None,
        &["-"],
    ),
    b(
        Action::NextRun,
        "next-run",
        "pick an older run in the history",
        Scope::Training,
        None,
        &["]"],
    ),
    b(
        Action::PrevRun,
        "prev-run",
        "pick a newer run in the history",
        Scope::Training,
        None,
        &["["],
    ),
    b(
        Action::CompareRuns,
        "compare-runs",
        "compare the picked run with the latest",
        Scope::Training,
        None,
        &["c", "enter"],
    ),
    b(
        Action::GainsView,
        "gains-view",
        "gains chart and cut-off (what it means for [money]), v again: the table by decile, then the charts",
        Scope::Training,
        Some("gains"),
        &["v"],
    ),
    b(
        Action::Links,
        "links",
        "records linked to this one",
        Scope::Global,
        Some("links"),
        &["o"],
    ),
    b(
        Action::Back,
        "back",
        "back along the last jump",
        Scope::Global,
        None,
        &["ctrl-o", "backspace"],
    ),
    b(
        Action::WorkspaceSettings,
        "workspace-settings",
        "edit the workspace settings (name, currency, discount rate, scoring)",
        Scope::Overview,
        Some("settings"),
        &["e"],
    ),
    b(
        Action::TrainSettings,
        "train-settings",
        "edit the training settings (data file, target, network, optimizer)",
        Scope::Training,
        Some("edit"),
        &["e"],
    ),
    b(
        Action::OpenStage,
        "open-stage",
        "open the stage's pane",
        Scope::Overview,
        Some("open"),
        &["enter"],
    ),
    b(
        Action::LinkOpen,
        "link-open",
        "go to the linked record (ctrl-o comes back)",
        Scope::LinkPicker,
        Some("go"),
        &["enter"],
    ),
    b(
        Action::LinkClose,
        "link-close",
        "close the list of links",
        Scope::LinkPicker,
        Some("close"),
        &["esc", "o"],
    ),
    // Prompts: the label after the key is the hint shown in the prompt.
    b(
        Action::CloseHelp,
        "close-help",
        "close the help overlay",
        Scope::Help,
        Some("close"),
        &["esc", "q", "?", "enter"],
    ),
    b(
        Action::DeleteConfirm,
        "delete-confirm",
        "delete the record (u undoes it)",
        Scope::DeletePrompt,
        Some("delete"),
        &["y", "Y"],
    ),
    b(
        Action::DeleteCancel,
        "delete-cancel",
        "keep the record",
        Scope::DeletePrompt,
        Some("keep"),
        &["n", "N", "esc"],
    ),
    b(
        Action::QuitSave,
        "quit-save",
        "save, then quit",
        Scope::QuitPrompt,
        Some("save and quit"),
        &["s", "S"],
    ),
    b(
        Action::QuitDiscard,
        "quit-discard",
        "quit without saving (edits are dropped)",
        Scope::QuitPrompt,
        Some("discard and quit"),
        &["d", "D"],
    ),
    b(
        Action::QuitStay,
        "quit-stay",
        "stay in the workbench",
        Scope::QuitPrompt,
        Some("stay"),
        &["esc", "c", "C"],
    ),
    b(
        Action::ConflictKeep,
        "conflict-keep",
        "keep my value of the field changed on both sides",
        Scope::ConflictPrompt,
        Some("keep mine"),
        &["k", "K"],
    ),
    b(
        Action::ConflictTake,
        "conflict-take",
        "take the value on disk of the field changed on both sides",
        Scope::ConflictPrompt,
        Some("take theirs"),
        &["t", "T"],
    ),
    b(
        Action::ConflictLater,
        "conflict-later",
        "decide later (edits kept; saving asks again)",
        Scope::ConflictPrompt,
        Some("later"),
        &["esc"],
    ),
    b(
        Action::RecoverRestore,
        "recover-restore",
        "restore the unsaved edits",
        Scope::RecoverPrompt,
        Some("restore"),
        &["r", "R"],
    ),
    b(
        Action::RecoverDiscard,
        "recover-discard",
        "discard the unsaved edits",
        Scope::RecoverPrompt,
        Some("discard"),
        &["d", "D"],
    ),
    b(
        Action::RecoverKeep,
        "recover-keep",
        "restore my edits to this file (saving overwrites the change on disk)",
        Scope::RecoverFilePrompt,
        Some("keep mine"),
        &["k", "K"],
    ),
    b(
        Action::RecoverTake,
        "recover-take",
        "keep the file as it is on disk (drop my edits to it)",
        Scope::RecoverFilePrompt,
        Some("take theirs"),
        &["t", "T"],
    ),
    b(
        Action::RecoverDiff,
        "recover-diff",
        "show or hide what my edits change in the file on disk",
        Scope::RecoverFilePrompt,
        Some("diff"),
        &["v", "V"],
    ),
    b(
        Action::SaveAnyway,
        "save-anyway",
        "save although lodestar check rejects the workspace",
        Scope::SavePrompt,
        Some("save anyway"),
        &["s", "S"],
    ),
    b(
        Action::SaveCancel,
        "save-cancel",
        "do not save (u undoes the edit)",
        Scope::SavePrompt,
        Some("cancel"),
        &["esc", "c", "C"],
    ),
];

/// A key as written in config files: `q`, `ctrl-s`, `f5`, `enter`, `G`.
pub fn parse_key(s: &str) -> Option<KeyEvent> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "delete" => KeyCode::Delete,
        "backspace" => KeyCode::Backspace,
        "space" => KeyCode::Char(' '),
        f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
            KeyCode::F(f[1..].parse().ok()?)
        }
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
        _ => return None,
    };
    Some(KeyEvent::new(code, mods))
}

/// How a key is shown in hints and help.
pub fn show_key(s: &str) -> String {
    match s {
        "up" => "↑".into(),
        "down" => "↓".into(),
        "enter" => "Enter".into(),
        "esc" => "Esc".into(),
        "tab" => "Tab".into(),
        "backtab" => "Shift-Tab".into(),
        "f5" => "F5".into(),
        "pageup" => "PgUp".into(),
        "pagedown" => "PgDn".into(),
        "left" => "←".into(),
        "right" => "→".into(),
        "home" => "Home".into(),
        "end" => "End".into(),
        s => s
            .strip_prefix("ctrl-")
            .map(|k| format!("Ctrl-{k}"))
            .unwrap_or_else(|| s.to_string()),
    }
}

fn same_key(a: &KeyEvent, b: &KeyEvent) -> bool {
    // Shift is implied by an upper-case letter or a symbol; compare the rest.
    let strip = |m: KeyModifiers| m - KeyModifiers::SHIFT;
    let code = |c: KeyCode| match c {
        KeyCode::BackTab => KeyCode::BackTab,
        c => c,
    };
    code(a.code) == code(b.code) && strip(a.modifiers) == strip(b.modifiers)
}

/// The keys in force: defaults, patched by the user's config.
pub struct Keymap {
    keys: BTreeMap<Action, Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            keys: BINDINGS
                .iter()
                .map(|b| (b.action, b.defaults.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }
}

impl Keymap {
    /// Apply `[keys]` from the config; returns the problems (unknown names, bad keys).
    pub fn patch(&mut self, overrides: &BTreeMap<String, Vec<String>>) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, keys) in overrides {
            let Some(binding) = BINDINGS.iter().find(|b| b.name == name) else {
                problems.push(format!("unknown action `{name}` in [keys]"));
                continue;
            };
            let bad: Vec<&String> = keys.iter().filter(|k| parse_key(k).is_none()).collect();
            if !bad.is_empty() {
                problems.push(format!("[keys] {name}: cannot read key {bad:?} (examples: \"q\", \"ctrl-s\", \"f5\", \"enter\")"));
                continue;
            }
            self.keys.insert(binding.action, keys.clone());
        }
        problems
    }

    /// The action a key triggers in the given scopes, if any.
    pub fn action(&self, key: &KeyEvent, scopes: &[Scope]) -> Option<Action> {
        BINDINGS
            .iter()
            .filter(|b| scopes.contains(&b.scope))
            .find(|b| {
                self.keys_of(b.action)
                    .iter()
                    .any(|k| parse_key(k).is_some_and(|p| same_key(&p, key)))
            })
            .map(|b| b.action)
    }

    pub fn keys_of(&self, action: Action) -> &[String] {
        self.keys.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first key of an action, for hints.
    pub fn first_key(&self, action: Action) -> String {
        self.keys_of(action)
            .first()
            .map(|k| show_key(k))
            .unwrap_or_else(|| "—".into())
    }

    /// (keys, description) for every binding in the scopes, for the help
    /// overlay, in the interface language.
    pub fn help(&self, scopes: &[Scope]) -> Vec<(String, String)> {
        BINDINGS
            .iter()
            .filter(|b| scopes.contains(&b.scope))
            .map(|b| {
                (
                    self.keys_of(b.action)
                        .iter()
                        .map(|k| show_key(k))
                        .collect::<Vec<_>>()
                        .join(" "),
                    b.describe(),
                )
            })
            .collect()
    }

    /// The choices of a prompt: (first key, label), in binding order.
    pub fn prompt_choices(&self, scope: Scope) -> Vec<(String, String)> {
        self.hints(&[scope])
    }

    /// Footer hints for the scopes: (key, short description).
    pub fn hints(&self, scopes: &[Scope]) -> Vec<(String, String)> {
        BINDINGS
            .iter()
            .filter(|b| scopes.contains(&b.scope))
            .filter_map(|b| b.label().map(|h| (self.first_key(b.action), h)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_and_do_not_clash_within_a_scope_set() {
        let km = Keymap::default();
        for scopes in [
            vec![
                Scope::Global,
                Scope::Nav,
                Scope::List,
                Scope::Edit,
                Scope::Risks,
            ],
            vec![
                Scope::Global,
                Scope::Nav,
                Scope::List,
                Scope::Edit,
                Scope::Market,
            ],
            vec![
                Scope::Global,
                Scope::Nav,
                Scope::List,
                Scope::Edit,
                Scope::Scenarios,
            ],
            vec![Scope::Global, Scope::Nav, Scope::Detail, Scope::Training],
            vec![
                Scope::Global,
                Scope::Nav,
                Scope::List,
                Scope::Detail,
                Scope::Edit,
            ],
            vec![Scope::Global, Scope::Nav, Scope::Overview],
            vec![Scope::Global, Scope::Nav, Scope::Monitor],
            vec![Scope::Nav, Scope::LinkPicker],
            vec![Scope::Global, Scope::Round],
        ] {
            for b in BINDINGS.iter().filter(|b| scopes.contains(&b.scope)) {
                for k in b.defaults {
                    let key = parse_key(k).expect("parses");
                    assert_eq!(km.action(&key, &scopes), Some(b.action), "{k}");
                }
            }
        }
    }

    #[test]
    fn prompt_keys_resolve_do_not_clash_and_can_be_remapped() {
        let km = Keymap::default();
        for (scope, _) in Scope::PROMPTS {
            let scopes = [scope];
            let mut seen = 0;
            for b in BINDINGS.iter().filter(|b| b.scope == scope) {
                assert!(b.hint.is_some(), "{} has no label for its prompt", b.name);
                for k in b.defaults {
                    let key = parse_key(k).expect("parses");
                    assert_eq!(km.action(&key, &scopes), Some(b.action), "{k} in {scope:?}");
                }
                seen += 1;
            }
            assert!(seen >= 1, "{scope:?} has no keys");
        }
        let mut km = Keymap::default();
        let mut o = BTreeMap::new();
        o.insert("delete-confirm".to_string(), vec!["j".to_string()]);
        assert!(km.patch(&o).is_empty());
        let j = parse_key("j").expect("j");
        let y = parse_key("y").expect("y");
        assert_eq!(
            km.action(&j, &[Scope::DeletePrompt]),
            Some(Action::DeleteConfirm)
        );
        assert_eq!(km.action(&y, &[Scope::DeletePrompt]), None);
        assert_eq!(km.prompt_choices(Scope::DeletePrompt)[0].0, "j");
    }

    #[test]
    fn config_can_remap_and_reports_bad_entries() {
        let mut km = Keymap::default();
        let mut o = BTreeMap::new();
        o.insert("quit".to_string(), vec!["x".to_string()]);
        o.insert("fly".to_string(), vec!["f".to_string()]);
        o.insert("undo".to_string(), vec!["ctrl-".to_string()]);
        let problems = km.patch(&o);
        assert_eq!(problems.len(), 2, "{problems:?}");
        let x = parse_key("x").expect("x");
        assert_eq!(km.action(&x, &[Scope::Global]), Some(Action::Quit));
        let q = parse_key("q").expect("q");
        assert_eq!(km.action(&q, &[Scope::Global]), None);
        assert_eq!(km.keys_of(Action::Undo), ["u"]);
    }

    #[test]
    fn shifted_letters_and_vim_keys() {
        let km = Keymap::default();
        let big_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.action(&big_g, &[Scope::Nav]), Some(Action::Bottom));
        let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(km.action(&j, &[Scope::Nav]), Some(Action::Down));
    }
}
