//! The training loop and the background trainer. [`run`] trains on the
//! calling thread and reports through a callback; [`start`] runs it on a
//! named thread and sends the same [`Event`]s over a channel, which the
//! command line and the terminal UI both consume.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use candle_core::{Device, Tensor};
use serde::Serialize;

use super::autograd::{self, CandleStep};
use super::config::{EarlyStopping, Engine, Monitor, TrainConfig};
use super::data::{self, Balance, Dataset};
use super::device::{self, DeviceChoice};
use super::error::TrainError;
use super::fused::{self, FusedStep};
use super::metrics::{self, GainsRow, Scores};
use super::net::{self, Adam, NetShape};
use super::rng::Rng;
use super::runs::{self, RunSummary};
use crate::workspace::validate::resolve_inside;

/// A training request: the workspace and the resolved configuration.
#[derive(Debug, Clone)]
pub struct Job {
    pub root: PathBuf,
    pub config: TrainConfig,
    /// Minimum time between `Batch` events (default 100 ms: at most ~10 a second).
    pub progress_every: Duration,
}

impl Job {
    pub fn new(root: impl Into<PathBuf>, config: TrainConfig) -> Job {
        Job {
            root: root.into(),
            config,
            progress_every: BATCH_EVENT_EVERY,
        }
    }
}

/// What a run is about to do; sent once, first.
#[derive(Debug, Clone, Serialize)]
pub struct Started {
    pub run_id: String,
    pub run_dir: PathBuf,
    /// `cpu` or `cuda:0`.
    pub device: String,
    /// Why `auto` did not get a GPU.
    pub fallback: Option<String>,
    pub threads: usize,
    pub threads_reason: &'static str,
    /// `fused` (CPU) or `candle` (autograd; always on a GPU).
    pub engine: &'static str,
    pub data_file: PathBuf,
    pub target: String,
    pub positive: String,
    pub scenario: Option<String>,
    pub rows_train: usize,
    pub rows_valid: usize,
    pub validation_split: f64,
    pub features: usize,
    pub parameters: usize,
    pub balance_train: Balance,
    pub balance_valid: Balance,
    /// Missing cells per column (imputed), only columns with some.
    pub missing: Vec<(String, usize)>,
    /// Validation cells whose category is unknown to the training part.
    pub unseen_valid: usize,
    pub epochs: usize,
    pub batch_size: usize,
    pub batches_per_epoch: usize,
    /// `(positive, negative)` loss weights when `class-weight = "balanced"`.
    pub class_weights: Option<(f32, f32)>,
    #[serde(skip)]
    pub early_stopping: Option<EarlyStopping>,
}

/// Progress inside an epoch (at most ~10 a second).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    /// 1-based.
    pub epoch: usize,
    pub epochs: usize,
    /// Batches done in this epoch.
    pub batch: usize,
    pub batches: usize,
    pub samples_per_sec: f64,
    /// Time left for the whole run, validation included.
    pub eta: Duration,
    /// Mean training loss of this epoch so far, when it was read.
    pub loss: Option<f64>,
}

/// Metrics of one finished epoch.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    /// 1-based.
    pub epoch: usize,
    pub train: Scores,
    pub valid: Option<Scores>,
    /// Wall time of the epoch, validation included.
    pub seconds: f64,
    pub samples_per_sec: f64,
    /// The monitored metric improved: this epoch is the best so far.
    pub best: bool,
}

/// The outcome of a run (also for a run stopped on request).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub run_id: String,
    pub run_dir: PathBuf,
    pub device: String,
    pub fallback: Option<String>,
    pub threads: usize,
    pub engine: &'static str,
    pub rows_train: usize,
    pub rows_valid: usize,
    pub features: usize,
    pub batch_size: usize,
    /// Training samples per second of step time (validation excluded).
    pub samples_per_second: f64,
    /// Wall time of the whole run.
    pub seconds: f64,
    pub monitor: &'static str,
    pub best_epoch: Option<usize>,
    /// The epoch of the lowest validation loss when the run ended
    /// overfitting (see [`overfitting_from`]).
    pub overfitting_from: Option<usize>,
    pub stopped_early: bool,
    pub stopped_by_user: bool,
    pub epochs: Vec<EpochReport>,
    /// Cumulative gains / lift by decile of the best epoch's validation
    /// scores (empty without a validation part).
    pub gains: Vec<GainsRow>,
    /// The kept model's validation scores (probabilities) and 0/1 labels,
    /// as `validation.csv` holds them: what a cut-off is computed from.
    pub valid_scores: Vec<f32>,
    pub valid_labels: Vec<f32>,
}

impl Summary {
    /// The `--format json` contract of `lodestar train` (docs/CLI.md).
    pub fn to_json(&self) -> serde_json::Value {
        let num = |v: f64| {
            if v.is_finite() {
                serde_json::json!(v)
            } else {
                serde_json::Value::Null
            }
        };
        let epochs: Vec<serde_json::Value> = self
            .epochs
            .iter()
            .map(|e| {
                let v = e.valid;
                serde_json::json!({
                    "epoch": e.epoch,
                    "loss": num(e.train.loss),
                    "accuracy": num(e.train.accuracy),
                    "auc": num(e.train.auc),
                    "precision": num(e.train.precision),
                    "recall": num(e.train.recall),
                    "val_loss": v.map_or(serde_json::Value::Null, |v| num(v.loss)),
                    "val_accuracy": v.map_or(serde_json::Value::Null, |v| num(v.accuracy)),
                    "val_auc": v.map_or(serde_json::Value::Null, |v| num(v.auc)),
                    "val_precision": v.map_or(serde_json::Value::Null, |v| num(v.precision)),
                    "val_recall": v.map_or(serde_json::Value::Null, |v| num(v.recall)),
                    "seconds": e.seconds,
                })
            })
            .collect();
        serde_json::json!({
            "run_id": self.run_id,
            "run_dir": self.run_dir.display().to_string(),
            "device": self.device,
            "device_fallback": self.fallback,
            "threads": self.threads,
            "engine": self.engine,
            "rows_train": self.rows_train,
            "rows_valid": self.rows_valid,
            "features": self.features,
            "batch_size": self.batch_size,
            "samples_per_second": self.samples_per_second.round(),
            "seconds": self.seconds,
            "monitor": self.monitor,
            "best_epoch": self.best_epoch,
            "overfitting_from_epoch": self.overfitting_from,
            "stopped_early": self.stopped_early,
            "stopped_by_user": self.stopped_by_user,
            "epochs": epochs,
            "gains": self.gains.iter().map(|g| serde_json::json!({
                "decile": g.bin,
                "rows": g.rows,
                "positives": g.positives,
                "gain": g.gain,
                "lift": g.lift,
                "cum_lift": g.cum_lift,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Everything the trainer reports, in order: `Started`, then `Batch` and
/// `Epoch` (with `Checkpoint` after an improving epoch), then exactly one of
/// `Finished`, `Stopped` or `Failed`.
#[derive(Debug, Clone)]
pub enum Event {
    Started(Box<Started>),
    Batch(Progress),
    Epoch(EpochReport),
    /// The best weights so far were written.
    Checkpoint {
        epoch: usize,
        path: PathBuf,
    },
    Finished(Box<Summary>),
    /// Stopped on request; the best weights are saved.
    Stopped(Box<Summary>),
    /// `user_problem`: the data or settings need fixing (not the machine).
    Failed {
        message: String,
        user_problem: bool,
    },
}

/// Ask a run to stop: it finishes the current batch and keeps the best weights.
#[derive(Debug, Clone, Default)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_stopped(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }
}

/// A run on its own thread.
pub struct Trainer {
    /// The run's events; the last is `Finished`, `Stopped` or `Failed`.
    pub events: Receiver<Event>,
    stop: StopHandle,
    thread: Option<JoinHandle<()>>,
}

impl Trainer {
    pub fn stop(&self) {
        self.stop.stop();
    }
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }
    /// Whether the thread has ended (all events are in the channel).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
    /// Wait for the thread to end.
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Start `job` on a thread named `lodestar-train`. If the receiver is
/// dropped, the run stops as if asked to.
pub fn start(job: Job) -> Result<Trainer, TrainError> {
    let (tx, rx) = mpsc::channel();
    let stop = StopHandle::default();
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("lodestar-train".into())
        .spawn(move || {
            let mut emit = |e: Event| {
                if tx.send(e).is_err() {
                    flag.stop();
                }
            };
            let end = match run(&job, flag.flag(), &mut emit) {
                Ok(s) if s.stopped_by_user => Event::Stopped(Box::new(s)),
                Ok(s) => Event::Finished(Box::new(s)),
                Err(e) => Event::Failed {
                    message: e.to_string(),
                    user_problem: e.is_user_problem(),
                },
            };
            emit(end);
        })
        .map_err(|e| TrainError::io("lodestar-train thread", e))?;
    Ok(Trainer {
        events: rx,
        stop,
        thread: Some(thread),
    })
}

/// Batches between reads of the running loss (a device sync on a GPU).
const CHECK_EVERY: usize = 64;
/// Minimum time between `Batch` events.
const BATCH_EVENT_EVERY: Duration = Duration::from_millis(100);

/// The step implementation and the data it owns on its device (the fused
/// CPU step reads the dataset's matrices in place: no copy of them).
enum Engine_<'d> {
    Fused {
        step: FusedStep,
        x: &'d [f32],
        xs: Vec<f32>,
        valid_x: &'d [f32],
        logits: Vec<f32>,
        loss_sum: f64,
    },
    Candle {
        step: CandleStep,
        x: Tensor,
        xs: Tensor,
        ys: Tensor,
        ws: Tensor,
        valid_x: Tensor,
        pending: Vec<Tensor>,
        logits: Vec<f32>,
        loss_sum: f64,
    },
}

struct Shuffled {
    y: Vec<f32>,
    w: Vec<f32>,
}

impl Engine_<'_> {
    fn name(&self) -> &'static str {
        match self {
            Engine_::Fused { .. } => "fused",
            Engine_::Candle { .. } => "candle",
        }
    }

    fn shuffle(&mut self, order: &[u32], features: usize, s: &Shuffled) -> Result<(), TrainError> {
        match self {
            Engine_::Fused {
                x,
                xs,
                logits,
                loss_sum,
                ..
            } => {
                for (k, &i) in order.iter().enumerate() {
                    let i = i as usize;
                    xs[k * features..(k + 1) * features]
                        .copy_from_slice(&x[i * features..(i + 1) * features]);
                }
                logits.clear();
                *loss_sum = 0.0;
            }
            Engine_::Candle {
                step,
                x,
                xs,
                ys,
                ws,
                pending,
                logits,
                loss_sum,
                ..
            } => {
                *xs = autograd::gather(x, order)?;
                *ys = autograd::column(&s.y, step.device())?;
                *ws = autograd::column(&s.w, step.device())?;
                pending.clear();
                logits.clear();
                *loss_sum = 0.0;
            }
        }
        Ok(())
    }

    fn step(
        &mut self,
        start: usize,
        len: usize,
        features: usize,
        s: &Shuffled,
        masks: Option<&[Vec<f32>]>,
    ) -> Result<(), TrainError> {
        match self {
            Engine_::Fused {
                step,
                xs,
                logits,
                loss_sum,
                ..
            } => {
                *loss_sum += step.step(
                    &xs[start * features..(start + len) * features],
                    &s.y[start..start + len],
                    &s.w[start..start + len],
                    len,
                    masks,
                    logits,
                );
            }
            Engine_::Candle {
                step,
                xs,
                ys,
                ws,
                pending,
                ..
            } => {
                let masks = match masks {
                    Some(ms) => Some(
                        ms.iter()
                            .map(|m| {
                                Tensor::from_slice(m, (len, m.len() / len.max(1)), step.device())
                            })
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                let z = step.step(
                    &xs.narrow(0, start, len)?,
                    &ys.narrow(0, start, len)?,
                    &ws.narrow(0, start, len)?,
                    masks.as_deref(),
                )?;
                pending.push(z);
            }
        }
        Ok(())
    }

    /// Mean weighted training loss of the epoch so far (reads the device).
    fn running_loss(&mut self, s: &Shuffled) -> Result<f64, TrainError> {
        match self {
            Engine_::Fused {
                logits, loss_sum, ..
            } => Ok(*loss_sum / logits.len().max(1) as f64),
            Engine_::Candle {
                pending,
                logits,
                loss_sum,
                ..
            } => {
                if !pending.is_empty() {
                    let new = autograd::read_column(&Tensor::cat(pending, 0)?)?;
                    pending.clear();
                    let at = logits.len();
                    for (k, z) in new.iter().enumerate() {
                        *loss_sum += f64::from(s.w[at + k] * metrics::bce_logit(*z, s.y[at + k]));
                    }
                    logits.extend(new);
                }
                Ok(*loss_sum / logits.len().max(1) as f64)
            }
        }
    }

    fn epoch_logits(&mut self, s: &Shuffled) -> Result<&[f32], TrainError> {
        self.running_loss(s)?;
        Ok(match self {
            Engine_::Fused { logits, .. } | Engine_::Candle { logits, .. } => logits,
        })
    }

    fn valid_logits(&self, shape: &NetShape, rows: usize) -> Result<Vec<f32>, TrainError> {
        if rows == 0 {
            return Ok(Vec::new());
        }
        match self {
            Engine_::Fused { step, valid_x, .. } => Ok(fused::predict_logits(
                shape,
                step.activation(),
                &step.params,
                valid_x,
                rows,
                step.threads(),
            )),
            Engine_::Candle { step, valid_x, .. } => autograd::read_column(&step.logits(valid_x)?),
        }
    }

    fn params(&self) -> Result<Vec<f32>, TrainError> {
        match self {
            Engine_::Fused { step, .. } => Ok(step.params.clone()),
            Engine_::Candle { step, .. } => step.params(),
        }
    }
}

/// Train `job` on this thread, reporting through `emit`; `stop` is polled
/// before every batch. Returns the summary (also when stopped on request).
pub fn run(
    job: &Job,
    stop: &AtomicBool,
    emit: &mut dyn FnMut(Event),
) -> Result<Summary, TrainError> {
    let cfg = &job.config;
    let data_path = if cfg.data_as_given {
        PathBuf::from(&cfg.data_file)
    } else {
        resolve_inside(&job.root, &cfg.data_file)
            .map_err(|e| TrainError::Config(format!("[data] file: {e}")))?
    };
    let dataset = data::load(&data_path, cfg)?;
    let choice = device::choose_device(cfg.device)?;
    let shape = NetShape::new(dataset.features(), &cfg.hidden);
    let use_candle = cfg.engine == Engine::Candle || !matches!(choice.device, Device::Cpu);
    let (threads, threads_reason) = if use_candle && matches!(choice.device, Device::Cpu) {
        // candle's CPU matmul reads its thread count from the environment.
        (
            candle_core::utils::get_num_threads(),
            device::THREADS_CANDLE,
        )
    } else {
        device::choose_threads(cfg.threads, cfg.batch_size, shape.widest())
    };
    let (run_id, run_dir) = runs::create_run_dir(&job.root, cfg.seed)?;
    let (date, h, m, s) = runs::utc_now();
    let mut record = RunSummary {
        id: run_id.clone(),
        started: format!("{date}T{h:02}:{m:02}:{s:02}Z"),
        status: "running".into(),
        scenario: cfg.scenario.clone().unwrap_or_default(),
        data: cfg.data_file.clone(),
        target: cfg.target.clone(),
        device: choice.name.clone(),
        device_fallback: choice.fallback.clone().unwrap_or_default(),
        threads,
        rows_train: dataset.rows_train(),
        rows_valid: dataset.rows_valid(),
        features: dataset.features(),
        ..RunSummary::default()
    };
    // The summary says "running" from the start: a run killed mid-way is
    // then found (by its free liveness lock) and marked interrupted.
    let live = runs::LiveRun::start(&run_dir)?;
    runs::write_file(
        &run_dir.join(runs::SUMMARY_FILE),
        record.to_toml().as_bytes(),
    )?;
    let ctx = Context {
        use_candle,
        job,
        dataset: &dataset,
        choice: &choice,
        shape,
        threads,
        threads_reason,
        run_id,
        run_dir: run_dir.clone(),
    };
    let result = ctx.train(stop, emit, &mut record);
    match &result {
        Ok(summary) => {
            record.overfitting_from = summary.overfitting_from;
            record.status = if summary.stopped_by_user {
                "stopped"
            } else if summary.stopped_early {
                "early-stopped"
            } else {
                "finished"
            }
            .into();
        }
        Err(e) => {
            record.status = "failed".into();
            record.message = e.to_string();
        }
    }
    runs::write_file(
        &run_dir.join(runs::SUMMARY_FILE),
        record.to_toml().as_bytes(),
    )?;
    drop(live);
    result
}

struct Context<'a> {
    use_candle: bool,
    job: &'a Job,
    dataset: &'a Dataset,
    choice: &'a DeviceChoice,
    shape: NetShape,
    threads: usize,
    threads_reason: &'static str,
    run_id: String,
    run_dir: PathBuf,
}

fn metrics_csv(epochs: &[EpochReport]) -> String {
    let mut s = String::from(
        "epoch,loss,accuracy,auc,precision,recall,val_loss,val_accuracy,val_auc,val_precision,val_recall,seconds,samples_per_second\n",
    );
    let f = |v: f64| {
        if v.is_finite() {
            format!("{v:.6}")
        } else {
            String::new()
        }
    };
    for e in epochs {
        let t = e.train;
        let v = e.valid.unwrap_or(Scores {
            loss: f64::NAN,
            accuracy: f64::NAN,
            auc: f64::NAN,
            precision: f64::NAN,
            recall: f64::NAN,
        });
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{:.3},{:.0}\n",
            e.epoch,
            f(t.loss),
            f(t.accuracy),
            f(t.auc),
            f(t.precision),
            f(t.recall),
            f(v.loss),
            f(v.accuracy),
            f(v.auc),
            f(v.precision),
            f(v.recall),
            e.seconds,
            e.samples_per_sec
        ));
    }
    s
}

/// `gains.csv`: the gains / lift table, one row per decile.
pub fn gains_csv(rows: &[GainsRow]) -> String {
    let mut s =
        String::from("decile,rows,positives,cum_rows,cum_positives,response,gain,lift,cum_lift\n");
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{:.6},{:.6},{:.6},{:.6}\n",
            r.bin,
            r.rows,
            r.positives,
            r.cum_rows,
            r.cum_positives,
            r.response,
            r.gain,
            r.lift,
            r.cum_lift
        ));
    }
    s
}

fn monitored(monitor: Monitor, e: &EpochReport) -> f64 {
    match (monitor, e.valid) {
        (Monitor::ValLoss, Some(v)) => v.loss,
        (Monitor::ValAuc, Some(v)) => v.auc,
        (Monitor::ValAccuracy, Some(v)) => v.accuracy,
        // No validation part: fall back to the training figure.
        (Monitor::ValLoss, None) => e.train.loss,
        (Monitor::ValAuc, None) => e.train.auc,
        (Monitor::ValAccuracy, None) => e.train.accuracy,
    }
}

/// Keras' `class_weight="balanced"` (sklearn's formula): each class weighs
/// `rows / (2 × rows of the class)`, so both classes weigh the same in total.
/// A class with no rows gets weight 1 (it never occurs in the loss).
pub fn balanced_weights(b: Balance) -> (f32, f32) {
    let n = (b.positive + b.negative) as f32;
    let w = |k: usize| if k == 0 { 1.0 } else { n / (2.0 * k as f32) };
    (w(b.positive), w(b.negative))
}

/// The best epoch so far and Keras' `EarlyStopping` counter (`min_delta` 0):
/// an epoch that does not improve the monitored value adds one to `wait`,
/// and the run stops when `wait` reaches the patience.
#[derive(Debug, Clone)]
pub struct Watch {
    monitor: Monitor,
    patience: Option<usize>,
    /// `(epoch, value)` of the best epoch.
    pub best: Option<(usize, f64)>,
    pub wait: usize,
}

impl Watch {
    pub fn new(monitor: Monitor, patience: Option<usize>) -> Watch {
        Watch {
            monitor,
            patience,
            best: None,
            wait: 0,
        }
    }
    /// Record `epoch`'s monitored `value`: (it is the best so far, stop now).
    pub fn update(&mut self, epoch: usize, value: f64) -> (bool, bool) {
        let improved = self.best.is_none_or(|(_, b)| self.monitor.better(value, b));
        if improved {
            self.best = Some((epoch, value));
            self.wait = 0;
        } else {
            self.wait += 1;
        }
        (improved, self.patience.is_some_and(|p| self.wait >= p))
    }
}

/// Epochs since the lowest validation loss before a run can be called
/// overfitting.
pub const OVERFIT_EPOCHS: usize = 3;
/// How far above its lowest the validation loss must end (5 %): a plateau
/// with noise is not overfitting.
pub const OVERFIT_RISE: f64 = 0.05;

/// `(train loss, validation loss)` per epoch → the epoch of the lowest
/// validation loss (1-based) when the run is overfitting from there: it was
/// at least [`OVERFIT_EPOCHS`] epochs before the last, the last validation
/// loss is more than [`OVERFIT_RISE`] above it, and the training loss is
/// lower at the last epoch than at that one. Noise on the way up does not
/// hide the climb; a climb that came back down before the end is not
/// flagged. `None` without a validation part.
pub fn overfitting_from(losses: &[(f64, Option<f64>)]) -> Option<usize> {
    let (best, (best_train, best_val)) = losses
        .iter()
        .enumerate()
        .filter_map(|(i, (t, v))| v.filter(|v| v.is_finite()).map(|v| (i, (*t, v))))
        .min_by(|a, b| a.1.1.total_cmp(&b.1.1))?;
    let (last_train, last_val) = losses.last().map(|(t, v)| (*t, *v))?;
    let last_val = last_val?;
    let climbed = last_val > best_val * (1.0 + OVERFIT_RISE);
    let long = losses.len() - 1 - best >= OVERFIT_EPOCHS;
    (climbed && long && last_train < best_train).then_some(best + 1)
}

impl Context<'_> {
    fn train(
        &self,
        stop: &AtomicBool,
        emit: &mut dyn FnMut(Event),
        record: &mut RunSummary,
    ) -> Result<Summary, TrainError> {
        let cfg = &self.job.config;
        let d = self.dataset;
        let features = d.features();
        let n = d.rows_train();
        let bs = cfg.batch_size.min(n);
        let batches = n.div_ceil(bs);
        let run_start = Instant::now();

        runs::write_file(
            &self.run_dir.join(runs::CONFIG_FILE),
            cfg.to_toml().as_bytes(),
        )?;
        let enc = serde_json::to_string_pretty(&d.encoding)
            .map_err(|e| TrainError::Run(e.to_string()))?;
        runs::write_file(&self.run_dir.join(runs::ENCODING_FILE), enc.as_bytes())?;

        let mut rng = Rng::new(cfg.seed);
        let params = self.shape.init(&mut rng);
        let adam = Adam::from_config(cfg);
        let class_weights = cfg.balanced.then(|| balanced_weights(d.balance_train));
        let (w_pos, w_neg) = class_weights.unwrap_or((1.0, 1.0));
        let weights: Vec<f32> = d
            .train_y
            .iter()
            .map(|&y| if y > 0.5 { w_pos } else { w_neg })
            .collect();
        let mut engine = if self.use_candle {
            let dev = &self.choice.device;
            let x = Tensor::from_slice(&d.train_x, (n, features), dev)?;
            Engine_::Candle {
                step: CandleStep::new(
                    self.shape.clone(),
                    cfg.activation,
                    adam,
                    &params,
                    dev,
                    candle_core::DType::F32,
                )?,
                xs: x.clone(),
                x,
                ys: autograd::column(&d.train_y, dev)?,
                ws: autograd::column(&weights, dev)?,
                valid_x: Tensor::from_slice(&d.valid_x, (d.rows_valid(), features), dev)?,
                pending: Vec::new(),
                logits: Vec::new(),
                loss_sum: 0.0,
            }
        } else {
            Engine_::Fused {
                step: FusedStep::new(
                    self.shape.clone(),
                    cfg.activation,
                    adam,
                    params,
                    bs,
                    self.threads,
                ),
                x: &d.train_x,
                xs: vec![0.0; d.train_x.len()],
                valid_x: &d.valid_x,
                logits: Vec::with_capacity(n),
                loss_sum: 0.0,
            }
        };

        record.engine = engine.name().into();
        emit(Event::Started(Box::new(Started {
            run_id: self.run_id.clone(),
            run_dir: self.run_dir.clone(),
            device: self.choice.name.clone(),
            fallback: self.choice.fallback.clone(),
            threads: self.threads,
            threads_reason: self.threads_reason,
            engine: engine.name(),
            data_file: d.file.clone(),
            target: cfg.target.clone(),
            positive: cfg.positive.clone(),
            scenario: cfg.scenario.clone(),
            rows_train: n,
            rows_valid: d.rows_valid(),
            validation_split: cfg.validation_split,
            features,
            parameters: self.shape.params(),
            balance_train: d.balance_train,
            balance_valid: d.balance_valid,
            missing: d.missing.clone(),
            unseen_valid: d.unseen_valid,
            epochs: cfg.epochs,
            batch_size: bs,
            batches_per_epoch: batches,
            class_weights,
            early_stopping: cfg.early_stopping,
        })));

        let monitor = cfg.early_stopping.map_or(Monitor::ValLoss, |e| e.monitor);
        let mut reports: Vec<EpochReport> = Vec::new();
        let mut gains: Vec<GainsRow> = Vec::new();
        let mut valid_scores: Vec<f32> = Vec::new();
        let mut watch = Watch::new(monitor, cfg.early_stopping.map(|e| e.patience));
        let (mut stopped_early, mut stopped_by_user) = (false, false);
        let mut step_seconds = 0.0f64;
        let mut samples = 0usize;
        let mut eval_seconds: Option<f64> = None;
        let mut last_event: Option<Instant> = None;
        let mut masks: Vec<Vec<f32>> = Vec::new();
        let mut order: Vec<u32> = (0..n as u32).collect();
        let mut shuffled = Shuffled {
            y: vec![0.0; n],
            w: vec![0.0; n],
        };
        let model_path = self.run_dir.join(runs::MODEL_FILE);
        let mut saved = false;

        for epoch in 1..=cfg.epochs {
            let epoch_start = Instant::now();
            rng.shuffle(&mut order);
            for (k, &i) in order.iter().enumerate() {
                shuffled.y[k] = d.train_y[i as usize];
                shuffled.w[k] = weights[i as usize];
            }
            engine.shuffle(&order, features, &shuffled)?;
            let mut loss_seen = None;
            let steps_start = Instant::now();
            for b in 0..batches {
                if stop.load(Ordering::Relaxed) {
                    stopped_by_user = true;
                    break;
                }
                let start = b * bs;
                let len = bs.min(n - start);
                let m = if cfg.dropout > 0.0 {
                    net::dropout_masks(&self.shape, len, cfg.dropout, &mut rng, &mut masks);
                    Some(masks.as_slice())
                } else {
                    None
                };
                engine.step(start, len, features, &shuffled, m)?;
                samples += len;
                if (b + 1) % CHECK_EVERY == 0 {
                    let loss = engine.running_loss(&shuffled)?;
                    if !loss.is_finite() {
                        return Err(TrainError::Diverged(format!(
                            "the training loss became {loss} in epoch {epoch}, batch {}; try a smaller learning-rate",
                            b + 1
                        )));
                    }
                    loss_seen = Some(loss);
                }
                if last_event.is_none_or(|t| t.elapsed() >= self.job.progress_every) {
                    last_event = Some(Instant::now());
                    let spent = step_seconds + steps_start.elapsed().as_secs_f64();
                    let per_batch = spent / ((epoch - 1) * batches + b + 1) as f64;
                    let left_batches = (cfg.epochs - epoch) * batches + (batches - b - 1);
                    let eval =
                        eval_seconds.unwrap_or(per_batch * d.rows_valid() as f64 / bs as f64 / 3.0);
                    let eta =
                        per_batch * left_batches as f64 + eval * (cfg.epochs - epoch + 1) as f64;
                    emit(Event::Batch(Progress {
                        epoch,
                        epochs: cfg.epochs,
                        batch: b + 1,
                        batches,
                        samples_per_sec: samples as f64 / spent.max(1e-9),
                        eta: Duration::from_secs_f64(eta.max(0.0)),
                        loss: loss_seen,
                    }));
                }
            }
            step_seconds += steps_start.elapsed().as_secs_f64();
            if stopped_by_user {
                // The partial epoch is not scored; the best weights stay saved.
                break;
            }

            let train_scores = metrics::scores(
                engine.epoch_logits(&shuffled)?,
                &shuffled.y,
                Some(&shuffled.w),
            );
            if !train_scores.loss.is_finite() {
                return Err(TrainError::Diverged(format!(
                    "the training loss became {} in epoch {epoch}; try a smaller learning-rate",
                    train_scores.loss
                )));
            }
            let eval_start = Instant::now();
            let mut valid_logits = Vec::new();
            let valid = if d.rows_valid() > 0 {
                valid_logits = engine.valid_logits(&self.shape, d.rows_valid())?;
                let v = metrics::scores(&valid_logits, &d.valid_y, None);
                if !v.loss.is_finite() {
                    return Err(TrainError::Diverged(format!(
                        "the validation loss became {} in epoch {epoch}",
                        v.loss
                    )));
                }
                Some(v)
            } else {
                None
            };
            eval_seconds = Some(eval_start.elapsed().as_secs_f64());
            let mut report = EpochReport {
                epoch,
                train: train_scores,
                valid,
                seconds: epoch_start.elapsed().as_secs_f64(),
                samples_per_sec: samples as f64 / step_seconds.max(1e-9),
                best: false,
            };
            let value = monitored(monitor, &report);
            let (improved, stop_now) = watch.update(epoch, value);
            if improved {
                report.best = true;
                // The kept model's gains table on the validation part.
                gains = metrics::gains(&valid_logits, &d.valid_y, 10);
                runs::write_file(
                    &self.run_dir.join(runs::GAINS_FILE),
                    gains_csv(&gains).as_bytes(),
                )?;
                valid_scores = valid_logits.iter().map(|&x| metrics::sigmoid(x)).collect();
                runs::write_file(
                    &self.run_dir.join(runs::VALIDATION_FILE),
                    runs::validation_csv(&valid_scores, &d.valid_y).as_bytes(),
                )?;
                if cfg.checkpoint {
                    runs::save_model(&model_path, &self.shape, &engine.params()?)?;
                    saved = true;
                    emit(Event::Checkpoint {
                        epoch,
                        path: model_path.clone(),
                    });
                }
                record.best_epoch = Some(epoch);
                record.val_auc = report.valid.map(|v| v.auc);
                record.val_loss = report.valid.map(|v| v.loss);
                record.val_accuracy = report.valid.map(|v| v.accuracy);
            }
            reports.push(report.clone());
            runs::write_file(
                &self.run_dir.join(runs::METRICS_FILE),
                metrics_csv(&reports).as_bytes(),
            )?;
            record.epochs = reports.len();
            emit(Event::Epoch(report));
            if stop_now {
                stopped_early = true;
                break;
            }
        }
        if !saved {
            // No checkpointing, or stopped before the first epoch ended.
            runs::save_model(&model_path, &self.shape, &engine.params()?)?;
        }
        let sps = samples as f64 / step_seconds.max(1e-9);
        record.samples_per_second = sps;
        record.seconds = run_start.elapsed().as_secs_f64();
        Ok(Summary {
            run_id: self.run_id.clone(),
            run_dir: self.run_dir.clone(),
            device: self.choice.name.clone(),
            fallback: self.choice.fallback.clone(),
            threads: self.threads,
            engine: engine.name(),
            rows_train: n,
            rows_valid: d.rows_valid(),
            features,
            batch_size: bs,
            samples_per_second: sps,
            seconds: record.seconds,
            monitor: monitor.as_str(),
            best_epoch: watch.best.map(|b| b.0),
            overfitting_from: overfitting_from(
                &reports
                    .iter()
                    .map(|e| (e.train.loss, e.valid.map(|v| v.loss)))
                    .collect::<Vec<_>>(),
            ),
            stopped_early,
            stopped_by_user,
            epochs: reports,
            gains,
            valid_labels: if valid_scores.is_empty() {
                Vec::new()
            } else {
                d.valid_y.clone()
            },
            valid_scores,
        })
    }
}

/// Train synchronously and return the summary (tests, scripts).
pub fn train_blocking(root: &Path, config: TrainConfig) -> Result<Summary, TrainError> {
    run(
        &Job::new(root, config),
        &AtomicBool::new(false),
        &mut |_| {},
    )
}
