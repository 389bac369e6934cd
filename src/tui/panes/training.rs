//! Training pane: the prototype model's configuration (`training.toml`,
//! main settings editable with `+`/`-`), the run in progress (device,
//! validation, class balance, gauges, loss and AUC charts, the per-epoch
//! table with the best epoch starred) and the run history with a
//! side-by-side comparison of two runs.

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Cell, Chart, Dataset, GraphType, LineGauge, Paragraph, Row, Table,
};

use super::{plain, table_rows, window_table};
use crate::numfmt;
use crate::text;
use crate::train::metrics::{Cutoff, GainsRow};
use crate::train::money::{self, Implication};
use crate::train::{self, RunListing};
use crate::tui::component::{AppCtx, Component, Handled, Level, ListView, Modal};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Scope};
use crate::tui::steps::{number, step125};
use crate::tui::theme::Theme;
use crate::tui::trainrun::{End, Live};
use crate::tui::ui;
use crate::workspace::{FileKind, Target};

/// The Training pane: the selected setting, the run picked in the history,
/// whether two runs are compared, and the run list read from `runs/`.
#[derive(Debug, Default)]
pub struct TrainingPane {
    pub list: ListView,
    /// The run picked in the history (0 = newest).
    pub run_cursor: usize,
    /// Show the picked run side by side with the latest.
    pub compare_runs: bool,
    /// `v`: the gains chart with the cut-off, then the gains table, in
    /// place of the charts and epochs.
    pub gains_view: GainsView,
    /// The cut-off when training.toml has no `[money]` to keep it (not
    /// saved); `None` is top 20 %.
    pub local_cut: Option<Cutoff>,
    /// First epoch row on screen when scrolled (ctrl-u/ctrl-d); `None`
    /// follows the latest epoch. The ★ best epoch is always on screen.
    pub epoch_scroll: Option<usize>,
    /// Epoch rows the table shows (set by the layout step).
    epoch_rows: usize,
    runs: RunsCache,
    /// The picked saved run's epochs, read in `sync` (not while drawing).
    picked: Option<Picked>,
    /// The comparison of the picked run with the latest, read in `sync`.
    comparison: Option<Comparison>,
}

/// What `v` shows in place of the charts and epochs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GainsView {
    #[default]
    Off,
    /// The cumulative gains curve against the random diagonal, and the
    /// cut-off box (precision, recall, what it implies for `[money]`).
    Chart,
    /// The gains / lift table by decile.
    Table,
}

/// The cut-off when training.toml sets none.
pub const DEFAULT_CUT: Cutoff = Cutoff::Top(0.2);

/// A saved run's epochs, read from its `metrics.csv`, and its validation
/// scores (`validation.csv`).
#[derive(Debug)]
struct Picked {
    id: String,
    generation: u64,
    points: Vec<Point>,
    gains: Vec<GainsRow>,
    scores: Vec<f32>,
    labels: Vec<f32>,
}

/// Two runs side by side: every setting whose value differs, from their
/// `config.toml` files.
#[derive(Debug)]
struct Comparison {
    ids: (String, String),
    generation: u64,
    /// (setting, picked run's value, latest run's value).
    differ: Vec<(String, String, String)>,
}

/// The settings `+`/`-` change, in table order: (label, file path).
pub const EDITABLE: [(&str, &[&str]); 6] = [
    ("epochs", &["run", "epochs"]),
    ("batch size", &["run", "batch-size"]),
    ("learning rate", &["optimizer", "learning-rate"]),
    ("device", &["run", "device"]),
    ("early stopping", &["run", "early-stopping"]),
    ("class weight", &["run", "class-weight"]),
];

/// What `+` on an early stopping that is off turns on (Keras' usual choice).
pub const EARLY_STOPPING_ON: &str = "{ monitor = \"val_loss\", patience = 3 }";

/// The configuration as (setting, value) rows; the first
/// [`EDITABLE`]`.len()` rows are the ones `+`/`-` change.
pub fn settings(ctx: &AppCtx) -> Vec<(String, String)> {
    let t = &ctx.ws.model.training;
    let edit = |key: &str| format!("± {}", crate::tr!(key));
    vec![
        (edit("tui.training.set.epochs"), t.epochs.to_string()),
        (
            edit("tui.training.set.batch_size"),
            t.batch_size.to_string(),
        ),
        (
            edit("tui.training.set.learning_rate"),
            t.learning_rate.to_string(),
        ),
        (
            edit("tui.training.set.device"),
            value_text(&t.device.to_string()),
        ),
        (
            edit("tui.training.set.early_stop"),
            t.early_stopping
                .as_ref()
                .map(|(m, p)| {
                    crate::tr!("tui.training.early_stop_value", monitor = m, patience = p)
                })
                .unwrap_or_else(|| crate::tr!("tui.training.off")),
        ),
        (
            edit("tui.training.set.class_weight"),
            value_text(&t.class_weight.to_string()),
        ),
        (crate::tr!("tui.training.set.data"), t.data_file.clone()),
        (
            crate::tr!("tui.training.set.target"),
            format!("{} = {}", t.target, t.positive),
        ),
        (
            crate::tr!("tui.training.set.layers"),
            format!(
                "{} → 1 ({})",
                t.hidden
                    .iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>()
                    .join(" → "),
                t.activation
            ),
        ),
        (
            crate::tr!("tui.training.set.optimizer"),
            format!("{} β {}/{} ε {}", t.optimizer, t.beta1, t.beta2, t.epsilon),
        ),
        (
            crate::tr!("tui.training.set.validation"),
            crate::tr!(
                "tui.training.validation_long",
                pct = format!("{:.0}", t.validation_split * 100.0)
            ),
        ),
        (crate::tr!("tui.training.set.seed"), t.seed.to_string()),
        (
            crate::tr!("tui.training.set.excluded"),
            t.exclude.join(", "),
        ),
    ]
}

/// A setting's value as shown: the words lodestar chose (`auto`,
/// `balanced`, `none`) in the interface language, anything else as written.
fn value_text(v: &str) -> String {
    match v {
        "auto" => crate::tr!("tui.training.value.auto"),
        "balanced" => crate::tr!("tui.training.value.balanced"),
        "none" => crate::tr!("tui.training.value.none"),
        other => other.to_string(),
    }
}

/// The name of an editable setting ([`EDITABLE`]) in the interface language.
fn setting_name(i: usize) -> String {
    match i {
        0 => crate::tr!("tui.training.set.epochs"),
        1 => crate::tr!("tui.training.set.batch_size"),
        2 => crate::tr!("tui.training.set.learning_rate"),
        3 => crate::tr!("tui.training.set.device"),
        4 => crate::tr!("tui.training.set.early_stopping"),
        _ => crate::tr!("tui.training.set.class_weight"),
    }
}

/// A run's status (`finished`, `early-stopped`, …) in the interface language.
fn status_text(s: &str) -> String {
    match s {
        "finished" => crate::tr!("tui.training.status.finished"),
        "early-stopped" => crate::tr!("tui.training.status.early-stopped"),
        "stopped" => crate::tr!("tui.training.status.stopped"),
        "failed" => crate::tr!("tui.training.status.failed"),
        "running" => crate::tr!("tui.training.status.running"),
        "interrupted" => crate::tr!("tui.training.status.interrupted"),
        other => other.to_string(),
    }
}

/// The scenario the model serves, as shown.
pub fn scenario(ctx: &AppCtx) -> String {
    ctx.ws
        .model
        .training
        .scenario
        .as_deref()
        .map(|id| match ctx.ws.model.scenario(id) {
            Some(s) => format!("{} ({id})", s.name),
            None => crate::tr!("tui.training.scenario_missing", id = id),
        })
        .unwrap_or_else(|| crate::tr!("tui.training.scenario_unset"))
}

impl TrainingPane {
    /// Runs on disk, newest first, as last read.
    pub fn history(&self) -> &[RunListing] {
        self.runs.runs()
    }

    /// Read `runs/` again at the next sync (a run started or ended).
    pub fn runs_changed(&mut self) {
        self.runs.invalidate();
    }

    fn areas(area: Rect) -> [Rect; 6] {
        let small = area.height < 20;
        let [top, charts, bottom] = Layout::vertical([
            Constraint::Length(8),
            Constraint::Min(4),
            Constraint::Length(if small { 6 } else { 7 }),
        ])
        .areas(area);
        let [config_area, run_area] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(top);
        let [loss_area, auc_area] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(charts);
        let [epochs_area, runs_area] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        [
            config_area,
            run_area,
            loss_area,
            auc_area,
            epochs_area,
            runs_area,
        ]
    }

    /// `r`: train with the settings on screen (unsaved edits included) on a
    /// background thread.
    fn start_training(&mut self, ctx: &mut AppCtx) {
        if ctx.train.running() {
            ctx.say(Level::Info, crate::tr!("tui.training.msg.in_progress"));
            return;
        }
        if ctx.ws.model.training.data_file.trim().is_empty() {
            ctx.say(Level::Warn, crate::tr!("tui.training.msg.no_data"));
            return;
        }
        let cfg = match crate::train::TrainConfig::resolve(
            &ctx.ws.model.training,
            &crate::train::Overrides::default(),
        ) {
            Ok(c) => c,
            Err(e) => {
                ctx.say(
                    Level::Error,
                    crate::tr!("tui.training.msg.cannot_train", error = e),
                );
                return;
            }
        };
        let job = crate::train::Job::new(&ctx.ws.root, cfg);
        match ctx.train.start(job) {
            Ok(()) => {
                self.run_cursor = 0;
                self.compare_runs = false;
                // Its folder appears now or within `RUNS_FRESH`.
                self.runs.invalidate();
                ctx.say(Level::Info, crate::tr!("tui.training.msg.started"));
            }
            Err(e) => ctx.say(
                Level::Error,
                crate::tr!("tui.training.msg.cannot_train", error = e),
            ),
        }
    }

    /// `+`/`-`: the selected main setting one step.
    fn nudge(&mut self, up: bool, ctx: &mut AppCtx) {
        let i = self.list.selected;
        let Some((_, path)) = EDITABLE.get(i) else {
            ctx.say(Level::Info, crate::tr!("tui.training.msg.first_rows"));
            return;
        };
        let label = setting_name(i);
        let t = &ctx.ws.model.training;
        if t.data_file.trim().is_empty() {
            // Without `[data] file`, `check` rejects training.toml: do not
            // write one the workspace cannot use.
            ctx.say(
                Level::Warn,
                crate::tr!("tui.training.msg.no_data_unchanged"),
            );
            return;
        }
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let target = Target::File(FileKind::Training);
        if i == 4 {
            // Early stopping: a toggle (its monitor and patience are in `e`).
            let (r, shown) = if t.early_stopping.is_some() {
                (
                    ctx.ws.set_item(target, &path, None),
                    crate::tr!("tui.training.off"),
                )
            } else {
                (
                    ctx.ws.set(target, &path, EARLY_STOPPING_ON),
                    crate::tr!("tui.training.on_default"),
                )
            };
            if ctx.edit(r) {
                ctx.say_edited(crate::tr!(
                    "tui.training.msg.toggled",
                    label = label,
                    shown = shown
                ));
            }
            return;
        }
        let value = match i {
            0 => number(step125(t.epochs as f64, up).round().clamp(1.0, 10_000.0)),
            1 => number(
                step125(t.batch_size as f64, up)
                    .round()
                    .clamp(1.0, 1_048_576.0),
            ),
            2 => number(step125(t.learning_rate, up).clamp(1e-9, 10.0)),
            5 => if t.class_weight.known() == Some(crate::workspace::choice::ClassWeight::Balanced)
            {
                "none"
            } else {
                "balanced"
            }
            .to_string(),
            _ => {
                let all = ["auto", "cpu", "cuda"];
                let k = all.iter().position(|d| *d == t.device).unwrap_or(0);
                all[if up { (k + 1) % 3 } else { (k + 2) % 3 }].to_string()
            }
        };
        let r = ctx.ws.set(target, &path, &value);
        if ctx.edit(r) {
            let note = if ctx.train.running() {
                crate::tr!("tui.training.msg.next_run")
            } else {
                String::new()
            };
            ctx.say_edited(crate::tr!(
                "tui.training.msg.set",
                label = label,
                value = value_text(&value),
                note = note
            ));
        }
    }
}

impl TrainingPane {
    /// Whether the charts and the epochs table show the run in progress (or
    /// just ended) rather than a saved run.
    fn shows_live(&self, ctx: &AppCtx) -> bool {
        ctx.train.live.is_some() && self.run_cursor == 0
    }

    /// The epochs the charts and the table show: the live run's, or the
    /// picked saved run's (read in `sync`).
    fn points(&self, ctx: &AppCtx) -> Vec<Point> {
        match ctx.train.live.as_ref() {
            Some(l) if self.run_cursor == 0 => points_live(l),
            _ => self
                .picked
                .as_ref()
                .map(|p| p.points.clone())
                .unwrap_or_default(),
        }
    }

    /// The gains table of the run shown: the live run's once it has ended,
    /// else the picked saved run's.
    fn gains<'a>(&'a self, ctx: &'a AppCtx) -> &'a [GainsRow] {
        match ctx.train.live.as_ref() {
            Some(l) if self.run_cursor == 0 => match &l.end {
                Some(End::Finished(s) | End::Stopped(s)) => &s.gains,
                _ => &[],
            },
            _ => self.picked.as_ref().map_or(&[], |p| p.gains.as_slice()),
        }
    }

    /// The validation scores and labels of the run shown (as [`Self::gains`]).
    fn validation<'a>(&'a self, ctx: &'a AppCtx) -> (&'a [f32], &'a [f32]) {
        match ctx.train.live.as_ref() {
            Some(l) if self.run_cursor == 0 => match &l.end {
                Some(End::Finished(s) | End::Stopped(s)) => (&s.valid_scores, &s.valid_labels),
                _ => (&[], &[]),
            },
            _ => self
                .picked
                .as_ref()
                .map_or((&[], &[]), |p| (&p.scores, &p.labels)),
        }
    }

    /// The cut-off shown: `[money]`'s, else the pane's own.
    pub fn cut(&self, ctx: &AppCtx) -> Cutoff {
        ctx.ws
            .model
            .training
            .money
            .as_ref()
            .and_then(money::cutoff)
            .unwrap_or(self.local_cut.unwrap_or(DEFAULT_CUT))
    }

    /// `+`/`-` in the gains chart: the cut-off 5 points up or down (a top
    /// share or a score threshold). Saved in `[money] cutoff` as one undo
    /// step when training.toml links a scenario; the pane's own otherwise.
    fn nudge_cut(&mut self, up: bool, ctx: &mut AppCtx) {
        let step = |x: f64, lo: f64, hi: f64| {
            let k = (x / 0.05 + 1e-9).floor();
            let k = if up {
                k + 1.0
            } else if (x / 0.05 - k).abs() < 1e-6 {
                k - 1.0
            } else {
                k
            };
            (k * 0.05).clamp(lo, hi)
        };
        let next = match self.cut(ctx) {
            Cutoff::Top(k) => Cutoff::Top(step(k, 0.05, 1.0)),
            Cutoff::Threshold(t) => Cutoff::Threshold(step(t, 0.05, 0.95)),
        };
        let linked = ctx
            .ws
            .model
            .training
            .money
            .as_ref()
            .is_some_and(|m| money::cutoff(m).is_some());
        if !linked {
            self.local_cut = Some(next);
            ctx.say(
                Level::Info,
                crate::tr!("training.money.cut_local", cut = next.describe()),
            );
            return;
        }
        let value = match next {
            Cutoff::Top(k) => format!("{{ top = {} }}", number((k * 100.0).round() / 100.0)),
            Cutoff::Threshold(t) => {
                format!("{{ threshold = {} }}", number((t * 100.0).round() / 100.0))
            }
        };
        let path = vec!["money".to_string(), "cutoff".to_string()];
        let r = ctx.ws.set(Target::File(FileKind::Training), &path, &value);
        if ctx.edit(r) {
            ctx.say_edited(crate::tr!(
                "training.money.cut_saved",
                cut = next.describe()
            ));
        }
    }

    /// Read the picked run's epochs and the comparison's settings when the
    /// pick or the run list changed.
    fn read_picked(&mut self, ctx: &AppCtx) {
        let generation = self.runs.generation();
        let history = self.runs.runs();
        self.run_cursor = self.run_cursor.min(history.len().saturating_sub(1));
        let picked = history.get(self.run_cursor);
        match picked {
            Some(run) if !self.shows_live(ctx) => {
                let fresh = self
                    .picked
                    .as_ref()
                    .is_some_and(|p| p.id == run.id && p.generation == generation);
                if !fresh {
                    let (scores, labels) = train::runs::read_validation(&run.dir);
                    self.picked = Some(Picked {
                        id: run.id.clone(),
                        generation,
                        points: points_saved(run),
                        gains: train::runs::read_gains(&run.dir),
                        scores,
                        labels,
                    });
                }
            }
            _ => self.picked = None,
        }
        let pair = (self.compare_runs && self.run_cursor > 0)
            .then(|| history.get(self.run_cursor).zip(history.first()))
            .flatten();
        match pair {
            Some((a, b)) => {
                let ids = (a.id.clone(), b.id.clone());
                let fresh = self
                    .comparison
                    .as_ref()
                    .is_some_and(|c| c.ids == ids && c.generation == generation);
                if !fresh {
                    let mut differ = differing_settings(&a.dir, &b.dir);
                    let engine = |r: &RunListing| {
                        r.summary
                            .as_ref()
                            .map(|s| s.engine.clone())
                            .unwrap_or_default()
                    };
                    let (ea, eb) = (engine(a), engine(b));
                    if ea != eb && !ea.is_empty() && !eb.is_empty() {
                        differ.push(("engine".into(), ea, eb));
                    }
                    for d in &mut differ {
                        d.0 = setting_label(&d.0);
                    }
                    self.comparison = Some(Comparison {
                        differ,
                        ids,
                        generation,
                    });
                }
            }
            None => self.comparison = None,
        }
    }

    /// ctrl-d/ctrl-u: scroll the epochs table by half its height; reaching
    /// the end follows the latest epoch again.
    fn scroll_epochs(&mut self, down: bool, ctx: &AppCtx) {
        let len = self.points(ctx).len();
        let rows = self.epoch_rows.max(1);
        let max_top = len.saturating_sub(rows);
        let top = self.epoch_scroll.unwrap_or(max_top).min(max_top);
        let step = (rows / 2).max(1);
        let top = if down {
            top + step
        } else {
            top.saturating_sub(step)
        };
        self.epoch_scroll = (top < max_top).then_some(top);
    }
}

/// Settings whose values differ between two runs' `config.toml` files:
/// (`section.key`, value in `a`, value in `b`), in file order.
fn differing_settings(a: &Path, b: &Path) -> Vec<(String, String, String)> {
    let read = |dir: &Path| -> Vec<(String, String)> {
        let text = std::fs::read_to_string(dir.join(train::runs::CONFIG_FILE)).unwrap_or_default();
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in doc.as_table().iter() {
            match item.as_table() {
                Some(t) => {
                    for (k2, v) in t.iter() {
                        out.push((k2.to_string(), v.to_string().trim().to_string()));
                    }
                }
                None => out.push((k.to_string(), item.to_string().trim().to_string())),
            }
        }
        out
    };
    let (a, b) = (read(a), read(b));
    let mut keys: Vec<&String> = a.iter().map(|(k, _)| k).collect();
    for (k, _) in &b {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let get = |v: &[(String, String)], k: &str| {
        v.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| "—".into())
    };
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (get(&a, k), get(&b, k));
            (x != y).then(|| (k.clone(), x, y))
        })
        .collect()
}

/// The epoch rows on screen, in order: a window of `visible` rows that
/// starts at `scroll` (or ends at the latest epoch when `None`), with the
/// best epoch pinned in place of the window's first row (or last row, when
/// the window is above it) so the ★ is always in view.
pub fn epoch_window(
    len: usize,
    visible: usize,
    scroll: Option<usize>,
    best: Option<usize>,
) -> Vec<usize> {
    let visible = visible.max(1);
    if len <= visible {
        return (0..len).collect();
    }
    let max_top = len - visible;
    let top = scroll.map_or(max_top, |s| s.min(max_top));
    let window = top..top + visible;
    match best {
        Some(b) if b < len && b < window.start => std::iter::once(b)
            .chain(window.start + 1..window.end)
            .collect(),
        Some(b) if b < len && b >= window.end => (window.start..window.end - 1)
            .chain(std::iter::once(b))
            .collect(),
        _ => window.collect(),
    }
}

impl Component for TrainingPane {
    fn commands(&self) -> Vec<Scope> {
        vec![Scope::Nav, Scope::Detail, Scope::Training]
    }

    fn sync(&mut self, ctx: &mut AppCtx) {
        self.runs.refresh(&ctx.ws.root);
        let n = settings(ctx).len();
        self.list.clamp(n);
        self.read_picked(ctx);
    }

    fn layout(&mut self, area: Rect, ctx: &AppCtx) {
        let [config, _, _, _, epochs, _] = Self::areas(area);
        self.list.scroll(table_rows(config), settings(ctx).len());
        // Inside the border, less the header row.
        self.epoch_rows = (epochs.height.saturating_sub(3) as usize).max(1);
    }

    fn handle(&mut self, action: Action, ctx: &mut AppCtx) -> Handled {
        let n = settings(ctx).len();
        if self.list.navigate(action, n) {
            return Handled::Done;
        }
        match action {
            Action::DetailDown | Action::DetailUp => {
                self.scroll_epochs(action == Action::DetailDown, ctx)
            }
            Action::GainsView => {
                self.gains_view = match self.gains_view {
                    GainsView::Off => GainsView::Chart,
                    GainsView::Chart => GainsView::Table,
                    GainsView::Table => GainsView::Off,
                }
            }
            Action::TrainMore | Action::TrainLess if self.gains_view == GainsView::Chart => {
                self.nudge_cut(action == Action::TrainMore, ctx)
            }
            Action::TrainStart => self.start_training(ctx),
            Action::TrainSettings => {
                return Handled::Open(Modal::Form(Box::new(Form::settings(
                    &ctx.ws,
                    FileKind::Training,
                ))));
            }
            Action::TrainStop => {
                if ctx.train.stop() {
                    ctx.say(Level::Info, crate::tr!("tui.training.msg.stopping"));
                } else {
                    ctx.say(Level::Info, crate::tr!("tui.training.msg.not_running"));
                }
            }
            Action::TrainMore | Action::TrainLess => self.nudge(action == Action::TrainMore, ctx),
            Action::NextRun | Action::PrevRun => {
                let last = self.history().len().saturating_sub(1);
                self.run_cursor = if action == Action::NextRun {
                    (self.run_cursor + 1).min(last)
                } else {
                    self.run_cursor.saturating_sub(1)
                };
                self.epoch_scroll = None;
                self.read_picked(ctx);
            }
            Action::CompareRuns => {
                let n = self.history().len();
                self.run_cursor = self.run_cursor.min(n.saturating_sub(1));
                if self.compare_runs {
                    self.compare_runs = false;
                } else if n < 2 {
                    ctx.say(
                        Level::Info,
                        crate::tr!("tui.training.msg.compare_needs_two"),
                    );
                } else if self.run_cursor == 0 {
                    self.run_cursor = 1;
                    self.compare_runs = true;
                } else {
                    self.compare_runs = true;
                }
                self.read_picked(ctx);
            }
            _ => return Handled::Ignored,
        }
        Handled::Done
    }

    fn draw(&self, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
        draw(self, frame, area, ctx)
    }
}

/// How long a read of the run list is shown before the folder is read again
/// (runs started from another terminal appear within this time).
const RUNS_FRESH: Duration = Duration::from_secs(1);

/// The run list, read at most once a second and again when a run starts or
/// ends, not on every redraw: a read opens every run's summary (0.5 ms for
/// 40 runs on a local disk, more over a network), and the pane redraws on
/// every key and up to ten times a second while training.
#[derive(Debug, Default)]
pub struct RunsCache {
    read: Option<(Instant, Vec<RunListing>)>,
    /// Counts the reads (what was derived from an older read is stale).
    generation: u64,
}

impl RunsCache {
    /// Read the runs under `root` again if the last read is stale.
    pub fn refresh(&mut self, root: &Path) {
        let stale = self
            .read
            .as_ref()
            .is_none_or(|(at, _)| at.elapsed() >= RUNS_FRESH);
        if stale {
            let mut runs = train::list_runs(root);
            runs.reverse();
            self.read = Some((Instant::now(), runs));
            self.generation += 1;
        }
    }

    /// How many times the folder has been read.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The runs as last read, newest first.
    pub fn runs(&self) -> &[RunListing] {
        self.read.as_ref().map_or(&[], |(_, runs)| runs.as_slice())
    }

    /// Runs under `root`, newest first (read again when stale).
    pub fn get(&mut self, root: &Path) -> &[RunListing] {
        self.refresh(root);
        self.runs()
    }

    /// Read the folder again at the next [`RunsCache::get`].
    pub fn invalidate(&mut self) {
        self.read = None;
    }
}

/// One epoch's numbers for the charts and the table.
#[derive(Debug, Clone)]
struct Point {
    epoch: usize,
    loss: f64,
    val_loss: Option<f64>,
    auc: f64,
    val_auc: Option<f64>,
    val_acc: Option<f64>,
    best: bool,
}

fn points_live(live: &Live) -> Vec<Point> {
    let best = live.best_epoch();
    live.epochs
        .iter()
        .map(|e| Point {
            epoch: e.epoch,
            loss: e.train.loss,
            val_loss: e.valid.map(|v| v.loss),
            auc: e.train.auc,
            val_auc: e.valid.map(|v| v.auc),
            val_acc: e.valid.map(|v| v.accuracy),
            best: Some(e.epoch) == best,
        })
        .collect()
}

fn points_saved(run: &RunListing) -> Vec<Point> {
    let best = run.summary.as_ref().ok().and_then(|s| s.best_epoch);
    train::read_metrics(&run.dir)
        .unwrap_or_default()
        .into_iter()
        .map(|m| Point {
            epoch: m.epoch,
            loss: m.loss.unwrap_or(f64::NAN),
            val_loss: m.val_loss,
            auc: m.auc.unwrap_or(f64::NAN),
            val_auc: m.val_auc,
            val_acc: m.val_accuracy,
            best: Some(m.epoch) == best,
        })
        .collect()
}

fn f3(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "—".into()
    }
}

fn opt3(x: Option<f64>) -> String {
    x.map(f3).unwrap_or_else(|| "—".into())
}

/// `1:05` or `1:02:03`.
pub fn clock(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

fn draw(pane: &TrainingPane, frame: &mut Frame, area: Rect, ctx: &AppCtx) {
    let theme = &ctx.theme();
    let [
        config_area,
        run_area,
        loss_area,
        auc_area,
        epochs_area,
        runs_area,
    ] = TrainingPane::areas(area);
    if pane.gains_view != GainsView::Off {
        // The whole pane: ten deciles and a header fit at 60×20.
        let history = pane.history();
        let cursor = pane.run_cursor.min(history.len().saturating_sub(1));
        let id = history.get(cursor).map(|r| short_id(&r.id));
        if pane.gains_view == GainsView::Table {
            gains_table(frame, area, pane.gains(ctx), id.as_deref(), ctx, theme);
        } else {
            let (scores, labels) = pane.validation(ctx);
            gains_view(
                frame,
                area,
                pane.gains(ctx),
                (scores, labels),
                pane.cut(ctx),
                id.as_deref(),
                ctx,
                theme,
            );
        }
        return;
    }
    let rows = settings(ctx);
    let running = ctx.train.running();
    let (h_setting, h_value) = (
        crate::tr!("tui.training.col.setting"),
        crate::tr!("tui.training.col.value"),
    );
    window_table(
        frame,
        config_area,
        crate::tr!("tui.training.config_title"),
        vec![h_setting.as_str(), h_value.as_str()],
        vec![Constraint::Length(15), Constraint::Fill(1)],
        rows.len(),
        &pane.list,
        theme,
        |i| {
            let style = if i < EDITABLE.len() {
                theme.base
            } else {
                theme.dim
            };
            vec![
                Line::from(Span::styled(rows[i].0.clone(), style)),
                Line::from(Span::styled(rows[i].1.clone(), theme.base)),
            ]
        },
    );
    let history = pane.history();
    let live = ctx.train.live.as_ref();
    let points = pane.points(ctx);
    let losses: Vec<(f64, Option<f64>)> = points.iter().map(|p| (p.loss, p.val_loss)).collect();
    let overfit = train::trainer::overfitting_from(&losses);
    draw_run(frame, run_area, ctx, live, history, overfit, theme);
    let cursor = pane.run_cursor.min(history.len().saturating_sub(1));
    match &pane.comparison {
        Some(c) if pane.compare_runs && cursor > 0 => {
            // Everything below the top row: the table header names both runs.
            let below = loss_area
                .union(auc_area)
                .union(epochs_area)
                .union(runs_area);
            compare(
                frame,
                below,
                &history[cursor],
                &history[0],
                &c.differ,
                theme,
            );
            return;
        }
        _ => {
            let (loss, auc) = (
                crate::tr!("tui.training.chart.loss"),
                crate::tr!("tui.training.chart.auc"),
            );
            chart(frame, loss_area, &loss, &points, true, theme);
            chart(frame, auc_area, &auc, &points, false, theme);
        }
    }
    // Which run the charts and the table show, when it is not the newest.
    let of = (!pane.shows_live(ctx) && cursor > 0)
        .then(|| history.get(cursor).map(|r| short_id(&r.id)))
        .flatten();
    epoch_table(
        frame,
        epochs_area,
        &points,
        pane.epoch_scroll,
        of.as_deref(),
        theme,
    );
    draw_history(frame, runs_area, pane, history, running, theme);
}

/// The gains / lift table: the validation rows ranked by the model's score,
/// in deciles; reading down, "contact the top k %" reaches `recall` of the
/// positives at `precision`, `lift` times the overall rate.
fn gains_table(
    frame: &mut Frame,
    area: Rect,
    rows: &[GainsRow],
    run: Option<&str>,
    ctx: &AppCtx,
    theme: &Theme,
) {
    let of = run
        .map(|id| crate::tr!("tui.training.gains.of", id = id))
        .unwrap_or_default();
    let block = ui::block(crate::tr!("tui.training.gains.title", of = of), theme);
    if rows.is_empty() {
        let why = if ctx.train.running() {
            crate::tr!("tui.training.gains.wait")
        } else {
            crate::tr!("tui.training.gains.none")
        };
        frame.render_widget(Paragraph::new(plain(why, theme.dim)).block(block), area);
        return;
    }
    let total = rows.last().map_or(0, |r| r.cum_rows);
    let header = Row::new(
        [
            "top",
            "rows",
            "positives",
            "precision",
            "recall",
            "lift",
            "cum_lift",
        ]
        .into_iter()
        .map(|h| {
            Cell::from(Span::styled(
                message(&format!("tui.training.gains.{h}")),
                theme.header,
            ))
        }),
    );
    let body: Vec<Row> = rows
        .iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(numfmt::percent_whole(
                    r.cum_rows as f64 / total.max(1) as f64,
                )),
                Cell::from(r.cum_rows.to_string()),
                Cell::from(r.cum_positives.to_string()),
                Cell::from(numfmt::percent_whole(
                    r.cum_positives as f64 / r.cum_rows.max(1) as f64,
                )),
                Cell::from(numfmt::percent_whole(r.gain)),
                Cell::from(format!("{:.2}", r.lift)),
                Cell::from(format!("{:.2}", r.cum_lift)),
            ])
            .style(theme.base)
        })
        .collect();
    let table = Table::new(
        body,
        [
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(9),
            Constraint::Length(9),
            Constraint::Length(6),
            Constraint::Length(5),
            Constraint::Length(8),
        ],
    )
    .header(header)
    .block(block)
    .column_spacing(1);
    frame.render_widget(table, area);
    // How to read it, under the table when there is room.
    let inner = Block::bordered().inner(area);
    let used = rows.len() as u16 + 2;
    if inner.height > used {
        let base = rows
            .last()
            .map_or(0.0, |r| r.cum_positives as f64 / r.cum_rows.max(1) as f64);
        let text = crate::tr!(
            "tui.training.gains.explain",
            base = numfmt::percent_whole(base)
        );
        let r = Rect {
            y: inner.y + used,
            height: inner.height - used,
            ..inner
        };
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(plain(text, theme.dim), r.width, true)),
            r,
        );
    }
}

/// `v`: the cumulative gains curve of the shown run against the random
/// diagonal, the cut-off marked on it, and beside (or under) it the
/// cut-off box: precision, recall and lift there and, with `[money]`, what
/// that implies for the linked scenario's volume and NPV.
#[allow(clippy::too_many_arguments)]
fn gains_view(
    frame: &mut Frame,
    area: Rect,
    rows: &[GainsRow],
    (scores, labels): (&[f32], &[f32]),
    cut: Cutoff,
    run: Option<&str>,
    ctx: &AppCtx,
    theme: &Theme,
) {
    let wide = area.width >= 70;
    let stats = train::metrics::at_cutoff(scores, labels, cut);
    let lines = stats
        .as_ref()
        .map(|st| cutoff_lines(st, (scores, labels), cut, ctx, theme));
    // Under the chart on a narrow screen, the box is as tall as its wrapped
    // lines (the chart keeps at least 6 rows): nothing of the money is cut.
    let box_h = lines.as_ref().map_or(9, |ls| {
        let w = area.width.saturating_sub(2);
        let rows = ui::wrapped_height(ls.clone(), w, true);
        u16::try_from(rows + 2).unwrap_or(u16::MAX)
    });
    let box_h = box_h.clamp(5, area.height.saturating_sub(6).max(5));
    let [chart_area, box_area] = if wide {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area)
    } else {
        Layout::vertical([Constraint::Min(6), Constraint::Length(box_h)]).areas(area)
    };
    gains_chart(frame, chart_area, rows, stats.as_ref(), run, ctx, theme);
    let block = ui::block(
        crate::tr!("training.money.box_title", cut = cut.describe()),
        theme,
    );
    let Some(lines) = lines else {
        let why = if ctx.train.running() {
            crate::tr!("training.money.wait")
        } else {
            crate::tr!("training.money.no_scores")
        };
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(
                plain(why, theme.dim),
                box_area.width.saturating_sub(2),
                true,
            ))
            .block(block),
            box_area,
        );
        return;
    };
    frame.render_widget(
        Paragraph::new(ui::wrap_lines(
            lines,
            box_area.width.saturating_sub(2),
            true,
        ))
        .block(block),
        box_area,
    );
}

/// The cut-off box's lines: rows contacted, precision/recall/lift, and what
/// the cut-off implies for the linked scenario's money.
fn cutoff_lines(
    st: &train::metrics::CutoffStats,
    (scores, labels): (&[f32], &[f32]),
    cut: Cutoff,
    ctx: &AppCtx,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(Span::styled(
            crate::tr!(
                "training.money.contacted",
                contacted = numfmt::thousands(st.contacted as f64),
                rows = numfmt::thousands(st.rows as f64),
                share = numfmt::percent(st.share)
            ),
            theme.base,
        )),
        Line::from(Span::styled(crate::train::money::quality(st), theme.base)),
    ];
    let training = &ctx.ws.model.training;
    match training.money.as_ref() {
        None => lines.push(Line::from(Span::styled(
            crate::tr!("training.money.unlinked"),
            theme.dim,
        ))),
        Some(m) => match money::implication(&ctx.ws.model, m, cut, scores, labels) {
            Ok(i) => lines.extend(money_lines(&i, theme)),
            Err(e) => lines.push(Line::from(Span::styled(e, theme.warn))),
        },
    }
    lines
}

/// The cut-off box's money lines ([`money::lines`]): the NPV line in the
/// warning colour when the model falls short of the plan.
pub fn money_lines(i: &Implication, theme: &Theme) -> Vec<Line<'static>> {
    let short = i.volume_change() < -0.005;
    money::lines(i)
        .into_iter()
        .enumerate()
        .map(|(k, text)| {
            let style = match k {
                2 if short => theme.warn,
                2 => theme.ok,
                3 => theme.dim,
                _ => theme.base,
            };
            Line::from(Span::styled(text, style))
        })
        .collect()
}

/// The cumulative gains curve (share of positives reached against share of
/// rows contacted, by decile) over the random diagonal, with the cut-off.
fn gains_chart(
    frame: &mut Frame,
    area: Rect,
    rows: &[GainsRow],
    cut: Option<&train::metrics::CutoffStats>,
    run: Option<&str>,
    ctx: &AppCtx,
    theme: &Theme,
) {
    let of = run.map(|id| format!(" {id}")).unwrap_or_default();
    let block = ui::block(crate::tr!("training.money.chart_title", run = of), theme);
    if rows.is_empty() {
        let why = if ctx.train.running() {
            crate::tr!("training.money.wait")
        } else {
            crate::tr!("training.money.no_gains")
        };
        frame.render_widget(
            Paragraph::new(ui::wrap_lines(
                plain(why, theme.dim),
                area.width.saturating_sub(2),
                true,
            ))
            .block(block),
            area,
        );
        return;
    }
    let total = rows.last().map_or(1, |r| r.cum_rows).max(1) as f64;
    let curve: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
        .chain(
            rows.iter()
                .map(|r| (100.0 * r.cum_rows as f64 / total, 100.0 * r.gain)),
        )
        .collect();
    let diagonal = [(0.0, 0.0), (100.0, 100.0)];
    let point: Vec<(f64, f64)> = cut
        .map(|c| vec![(100.0 * c.share, 100.0 * c.recall)])
        .unwrap_or_default();
    let datasets = vec![
        Dataset::default()
            .name("random")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.dim)
            .data(&diagonal),
        Dataset::default()
            .name("model")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.ok)
            .data(&curve),
        Dataset::default()
            .name("cut-off")
            .marker(Marker::Block)
            .graph_type(GraphType::Scatter)
            .style(theme.warn)
            .data(&point),
    ];
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .style(theme.dim)
                .labels(vec![Span::raw("0"), Span::raw("50"), Span::raw("100%")]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, 100.0])
                .style(theme.dim)
                .labels(vec![Span::raw("0"), Span::raw("50"), Span::raw("100")]),
        );
    frame.render_widget(chart, area);
}

/// Run ids are `YYYYMMDD-HHMMSS-seed`; the date part rarely differs.
fn short_id(id: &str) -> String {
    id.split_once('-').map(|x| x.1).unwrap_or(id).to_string()
}

fn draw_run(
    frame: &mut Frame,
    area: Rect,
    ctx: &AppCtx,
    live: Option<&Live>,
    history: &[RunListing],
    overfit: Option<usize>,
    theme: &Theme,
) {
    let state = match live.map(|l| (&l.end, l.stopping)) {
        None => "idle",
        Some((None, true)) => "stopping",
        Some((None, false)) => "training",
        Some((Some(End::Finished(s)), _)) if s.stopped_early => "finished_early",
        Some((Some(End::Finished(_)), _)) => "finished",
        Some((Some(End::Stopped(_)), _)) => "stopped",
        Some((Some(End::Failed(_)), _)) => "failed",
    };
    let state = message(&format!("tui.training.state.{state}"));
    let block = ui::block(crate::tr!("tui.training.run_title", state = state), theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;
    let t = |s: String| ui::truncate(&s, w);
    // The scenario's name and id when they fit, else the name alone.
    let mut serves = scenario(ctx);
    let serves_label = crate::tr!("tui.training.serves");
    let label_w = text::width(&serves_label);
    if text::width(&serves) + label_w > w
        && let Some(s) = ctx
            .ws
            .model
            .training
            .scenario
            .as_deref()
            .and_then(|id| ctx.ws.model.scenario(id))
    {
        serves = s.name.clone();
    }
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled(serves_label, theme.dim),
        Span::styled(ui::truncate(&serves, w.saturating_sub(label_w)), theme.base),
    ])];
    let started = live.and_then(|l| l.started.as_deref());
    match (started, live.and_then(|l| l.end.as_ref())) {
        (_, Some(End::Failed(m))) => lines.push(plain(t(format!("✗ {m}")), theme.error)),
        (Some(s), _) => {
            let fallback = s
                .fallback
                .as_deref()
                .map(|f| {
                    crate::tr!(
                        "tui.training.fallback",
                        reason = crate::train::device::reason_label(f)
                    )
                })
                .unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(crate::tr!("tui.training.device"), theme.dim),
                Span::styled(
                    t(device_threads(&s.device.to_string(), s.threads, &fallback)),
                    theme.base,
                ),
            ]));
            let share = |b: &train::Balance| {
                let n = b.positive + b.negative;
                if n == 0 {
                    "—".to_string()
                } else {
                    if w < 44 {
                        numfmt::percent_whole(b.positive as f64 / (n).max(1) as f64)
                    } else {
                        format!(
                            "{}/{} {}",
                            b.positive,
                            n,
                            numfmt::percent_whole(b.positive as f64 / (n).max(1) as f64)
                        )
                    }
                }
            };
            lines.push(Line::from(vec![
                Span::styled(crate::tr!("tui.training.balance"), theme.dim),
                Span::styled(
                    t(crate::tr!(
                        "tui.training.balance_value",
                        positive = s.positive,
                        colon = if w < 44 { "" } else { ":" },
                        train = share(&s.balance_train),
                        valid = share(&s.balance_valid)
                    )),
                    theme.base,
                ),
            ]));
        }
        (None, _) => {
            let last = history.first().and_then(|r| r.summary.as_ref().ok());
            match last {
                Some(r) => {
                    let fallback = if r.device_fallback.is_empty() {
                        String::new()
                    } else {
                        crate::tr!(
                            "tui.training.fallback",
                            reason = crate::train::device::reason_label(&r.device_fallback)
                        )
                    };
                    lines.push(Line::from(vec![
                        Span::styled(crate::tr!("tui.training.last_run"), theme.dim),
                        Span::styled(
                            t(device_threads(&r.device.to_string(), r.threads, &fallback)),
                            theme.base,
                        ),
                    ]));
                }
                None => lines.push(plain(t(crate::tr!("tui.training.no_run")), theme.dim)),
            }
            lines.push(Line::default());
        }
    }
    let split = ctx.ws.model.training.validation_split;
    if let Some(from) = overfit {
        // More useful than the split, which the Config table shows too.
        lines.push(plain(
            t({
                let long = crate::tr!("tui.training.overfit_long", from = from);
                if text::width(&long) > w {
                    crate::tr!("tui.training.overfit_short", from = from)
                } else {
                    long
                }
            }),
            theme.warn,
        ));
    } else {
        lines.push(Line::from(vec![
            Span::styled(crate::tr!("tui.training.valid"), theme.dim),
            Span::styled(
                t({
                    let pct = format!("{:.0}", split * 100.0);
                    let long = crate::tr!("tui.training.validation_long", pct = pct.clone());
                    let label = text::width(&crate::tr!("tui.training.valid"));
                    if w < 41 || text::width(&long) + label > w {
                        crate::tr!("tui.training.validation_short", pct = pct)
                    } else {
                        long
                    }
                }),
                theme.base,
            ),
        ]));
    }
    let text_h = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), inner);
    // Two gauges under the text: this epoch and the whole run.
    let gy = inner.y + text_h;
    if gy >= inner.y + inner.height {
        return;
    }
    let (epoch_ratio, epoch_label, run_ratio, run_label) = gauges(live);
    let rows = [(epoch_ratio, epoch_label), (run_ratio, run_label)];
    for (k, (ratio, label)) in rows.into_iter().enumerate() {
        let y = gy + k as u16;
        if y >= inner.y + inner.height {
            break;
        }
        let r = Rect {
            x: inner.x,
            y,
            width: inner.width,
            height: 1,
        };
        frame.render_widget(
            LineGauge::default()
                .ratio(ratio.clamp(0.0, 1.0))
                .label(label)
                .filled_style(theme.ok.add_modifier(Modifier::BOLD))
                .unfilled_style(theme.dim),
            r,
        );
    }
}

/// (epoch ratio, label, run ratio, label).
fn gauges(live: Option<&Live>) -> (f64, String, f64, String) {
    let Some(live) = live else {
        return (
            0.0,
            crate::tr!("tui.training.gauge.epoch_none"),
            0.0,
            crate::tr!("tui.training.gauge.run_none"),
        );
    };
    let epochs = live.started.as_ref().map(|s| s.epochs).unwrap_or(0).max(1);
    let done_epochs = live.epochs.len();
    if let Some(end) = &live.end {
        let label = match end {
            End::Finished(s) | End::Stopped(s) => crate::tr!(
                "tui.training.gauge.run_end",
                done = s.epochs.len(),
                epochs = epochs,
                best = s.best_epoch.map(|b| b.to_string()).unwrap_or("—".into())
            ),
            End::Failed(_) => crate::tr!("tui.training.gauge.run_failed"),
        };
        let ratio = if matches!(end, End::Finished(_)) {
            1.0
        } else {
            done_epochs as f64 / epochs as f64
        };
        let epoch = crate::tr!("tui.training.gauge.epoch", n = done_epochs, epochs = epochs);
        return (ratio, epoch, ratio, label);
    }
    match &live.progress {
        None => (
            0.0,
            crate::tr!(
                "tui.training.gauge.epoch",
                n = done_epochs + 1,
                epochs = epochs
            ),
            done_epochs as f64 / epochs as f64,
            crate::tr!("tui.training.gauge.waiting"),
        ),
        Some(p) => {
            let batches = p.batches.max(1);
            let e = p.batch as f64 / batches as f64;
            let run = ((p.epoch.saturating_sub(1)) as f64 + e) / p.epochs.max(1) as f64;
            (
                e,
                crate::tr!(
                    "tui.training.gauge.epoch_batch",
                    n = p.epoch,
                    epochs = p.epochs,
                    batch = p.batch,
                    batches = p.batches
                ),
                run,
                crate::tr!(
                    "tui.training.gauge.run_progress",
                    pct = format!("{:.0}", run * 100.0),
                    rate = crate::numfmt::compact(p.samples_per_sec.round()),
                    eta = clock(p.eta)
                ),
            )
        }
    }
}

fn chart(frame: &mut Frame, area: Rect, title: &str, points: &[Point], loss: bool, theme: &Theme) {
    let pick = |p: &Point| if loss { p.loss } else { p.auc };
    let pick_v = |p: &Point| if loss { p.val_loss } else { p.val_auc };
    let train: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (p.epoch as f64, pick(p)))
        .filter(|(_, y)| y.is_finite())
        .collect();
    let valid: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| pick_v(p).map(|y| (p.epoch as f64, y)))
        .filter(|(_, y)| y.is_finite())
        .collect();
    let block = ui::block(crate::tr!("tui.training.chart.title", title = title), theme);
    if train.is_empty() && valid.is_empty() {
        frame.render_widget(
            Paragraph::new(plain(crate::tr!("tui.training.chart.no_epochs"), theme.dim))
                .block(block),
            area,
        );
        return;
    }
    let ys = train.iter().chain(&valid).map(|(_, y)| *y);
    let (mut lo, mut hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    if !loss {
        // AUC tops out at 1: keep the ceiling fixed so progress reads true.
        hi = 1.0;
    }
    if hi - lo < 1e-6 {
        lo -= 0.05;
        hi += 0.05;
    }
    let last = points.last().map(|p| p.epoch).unwrap_or(1).max(2) as f64;
    let datasets = vec![
        Dataset::default()
            .name("train")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.ok)
            .data(&train),
        Dataset::default()
            .name("valid")
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(theme.warn)
            .data(&valid),
    ];
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .bounds([1.0, last])
                .style(theme.dim)
                .labels(vec![Span::raw("1"), Span::raw(format!("{last:.0}"))]),
        )
        .y_axis(
            Axis::default()
                .bounds([lo, hi])
                .style(theme.dim)
                .labels(vec![
                    Span::raw(format!("{lo:.2}")),
                    Span::raw(format!("{hi:.2}")),
                ]),
        );
    frame.render_widget(chart, area);
}

fn epoch_table(
    frame: &mut Frame,
    area: Rect,
    points: &[Point],
    scroll: Option<usize>,
    of: Option<&str>,
    theme: &Theme,
) {
    let title = match of {
        Some(id) => crate::tr!("tui.training.epochs.of", id = id),
        None => crate::tr!("tui.training.epochs.title"),
    };
    let block = ui::block(title, theme);
    let visible = block.inner(area).height.saturating_sub(1) as usize;
    let best = points.iter().position(|p| p.best);
    let rows: Vec<Row> = epoch_window(points.len(), visible, scroll, best)
        .into_iter()
        .map(|i| &points[i])
        .map(|p| {
            let style = if p.best {
                theme.ok.add_modifier(Modifier::BOLD)
            } else {
                theme.base
            };
            Row::new(vec![
                Cell::from(format!("{}{}", if p.best { "★" } else { " " }, p.epoch)),
                Cell::from(f3(p.loss)),
                Cell::from(opt3(p.val_loss)),
                Cell::from(opt3(p.val_auc)),
                Cell::from(opt3(p.val_acc)),
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(
        ["ep", "loss", "vloss", "vauc", "vacc"]
            .into_iter()
            .map(|h| {
                Cell::from(Span::styled(
                    message(&format!("tui.training.epochs.{h}")),
                    theme.header,
                ))
            }),
    );
    let table = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(5),
        ],
    )
    .header(header)
    .block(block)
    .column_spacing(1);
    frame.render_widget(table, area);
}

fn draw_history(
    frame: &mut Frame,
    area: Rect,
    pane: &TrainingPane,
    history: &[RunListing],
    running: bool,
    theme: &Theme,
) {
    let cursor = pane.run_cursor.min(history.len().saturating_sub(1));
    let block = ui::block(
        crate::tr!("tui.training.runs.title", n = history.len()),
        theme,
    );
    let inner_h = block.inner(area).height as usize;
    let w = block.inner(area).width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if history.is_empty() {
        lines.push(plain(crate::tr!("tui.training.runs.none"), theme.dim));
    }
    let first = cursor.saturating_sub(inner_h.saturating_sub(1));
    for (i, r) in history.iter().enumerate().skip(first).take(inner_h) {
        let mark = if i == cursor { "▶" } else { " " };
        let what = match &r.summary {
            Ok(s) => format!("{} AUC {}", status_text(&s.status), opt3(s.val_auc)),
            Err(_) if i == 0 && running => crate::tr!("tui.training.runs.running"),
            Err(_) => crate::tr!("tui.training.runs.no_summary"),
        };
        let style = if i == cursor {
            theme.selected
        } else {
            theme.base
        };
        // Narrow: the id without its date (`HHMMSS-seed`).
        let id = if w < 40 {
            r.id.split_once('-').map(|x| x.1).unwrap_or(&r.id)
        } else {
            &r.id
        };
        lines.push(plain(ui::truncate(&format!("{mark}{id} {what}"), w), style));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn compare(
    frame: &mut Frame,
    area: Rect,
    a: &RunListing,
    b: &RunListing,
    differ: &[(String, String, String)],
    theme: &Theme,
) {
    let block = ui::block(crate::tr!("tui.training.compare.title"), theme);
    let get = |r: &RunListing, f: &dyn Fn(&train::RunSummary) -> String| {
        r.summary.as_ref().map(f).unwrap_or_else(|_| "—".into())
    };
    type Field = (&'static str, fn(&train::RunSummary) -> String);
    let metric = |(name, f): &Field| {
        Row::new(vec![
            Cell::from(Span::styled(
                message(&format!("tui.training.compare.{name}")),
                theme.dim,
            )),
            Cell::from(get(a, f)),
            Cell::from(get(b, f)),
        ])
    };
    let first: [Field; 3] = [
        ("val_auc", |s| opt3(s.val_auc)),
        ("val_loss", |s| opt3(s.val_loss)),
        ("best_ep", |s| {
            s.best_epoch
                .map(|b| crate::tr!("tui.training.compare.best_of", best = b, epochs = s.epochs))
                .unwrap_or_else(|| "—".into())
        }),
    ];
    let last: [Field; 2] = [
        ("val_acc", |s| opt3(s.val_accuracy)),
        ("status", |s| status_text(&s.status)),
    ];
    let header = Row::new(vec![
        Cell::from(Span::styled("", theme.header)),
        Cell::from(Span::styled(short_id(&a.id), theme.header)),
        Cell::from(Span::styled(short_id(&b.id), theme.header)),
    ]);
    let unquote = |v: &str| v.trim_matches('"').to_string();
    let mut settings: Vec<Row> = differ
        .iter()
        .map(|(k, x, y)| {
            Row::new(vec![
                Cell::from(Span::styled(k.clone(), theme.dim)),
                Cell::from(unquote(x)),
                Cell::from(unquote(y)),
            ])
            .style(theme.warn)
        })
        .collect();
    if settings.is_empty() {
        settings.push(Row::new(vec![
            Cell::from(Span::styled(
                crate::tr!("tui.training.compare.settings"),
                theme.dim,
            )),
            Cell::from(Span::styled(
                crate::tr!("tui.training.compare.same"),
                theme.dim,
            )),
        ]));
    }
    // The main metrics, every differing setting, then the rest as room
    // allows; settings that do not fit are counted on the last row.
    let room = (block.inner(area).height.saturating_sub(1) as usize).max(1);
    let mut rows: Vec<Row> = first.iter().map(metric).collect();
    let left = room.saturating_sub(rows.len());
    if settings.len() > left {
        let shown = left.saturating_sub(1);
        let more = settings.len() - shown;
        settings.truncate(shown);
        settings.push(Row::new(vec![
            Cell::from(Span::styled(
                crate::tr!("tui.training.compare.more", n = more),
                theme.dim,
            )),
            Cell::from(Span::styled(
                crate::tr!("tui.training.compare.differ"),
                theme.dim,
            )),
        ]));
    }
    rows.extend(settings);
    rows.extend(last.iter().map(metric));
    rows.truncate(room);
    let label_w = differ
        .iter()
        .map(|(k, _, _)| text::width(k))
        .chain([
            8,
            text::width(&crate::tr!("tui.training.compare.val_auc")),
            text::width(&crate::tr!("tui.training.compare.val_loss")),
            text::width(&crate::tr!("tui.training.compare.best_ep")),
            text::width(&crate::tr!("tui.training.compare.val_acc")),
        ])
        .max()
        .unwrap_or(8)
        .min(16) as u16;
    let table = Table::new(
        rows,
        [
            Constraint::Length(label_w),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ],
    )
    .header(header)
    .block(block)
    .column_spacing(1);
    frame.render_widget(table, area);
}

/// The message of a key built at run time (`tui.training.state.idle`).
fn message(key: &str) -> String {
    crate::tr!(key)
}

/// "cpu · 2 threads (fallback: …)" in the interface language.
fn device_threads(device: &str, threads: usize, fallback: &str) -> String {
    if threads == 1 {
        crate::tr!(
            "tui.training.one_thread",
            device = device,
            fallback = fallback
        )
    } else {
        crate::tr!(
            "tui.training.threads",
            device = device,
            n = threads,
            fallback = fallback
        )
    }
}

/// A setting's name in a run comparison: the key of the run's
/// `config.toml` (`batch-size`), in Chinese its name from the schema.
fn setting_label(key: &str) -> String {
    match key {
        "engine" => crate::tr!("tui.training.compare.engine"),
        other => crate::workspace::schema::key_label(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_list_is_read_again_only_when_stale_or_invalidated() {
        let dir = tempfile::tempdir().expect("temp dir");
        let runs = dir.path().join("runs");
        std::fs::create_dir_all(runs.join("20260101-000000")).expect("run a");
        let mut cache = RunsCache::default();
        assert_eq!(cache.get(dir.path()).len(), 1);
        // A run that appears now is not seen until the list is stale...
        std::fs::create_dir_all(runs.join("20260102-000000")).expect("run b");
        assert_eq!(cache.get(dir.path()).len(), 1);
        // ...or a run starting or ending invalidates it. Newest first.
        cache.invalidate();
        let ids: Vec<&str> = cache
            .get(dir.path())
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["20260102-000000", "20260101-000000"]);
        // After `RUNS_FRESH` the folder is read again without being asked.
        std::fs::create_dir_all(runs.join("20260103-000000")).expect("run c");
        if let Some((at, _)) = cache.read.as_mut()
            && let Some(earlier) = at.checked_sub(RUNS_FRESH)
        {
            *at = earlier;
        }
        assert_eq!(cache.get(dir.path()).len(), 3);
    }
}
