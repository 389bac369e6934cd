//! Runs on disk: `runs/<run-id>/` inside the workspace holds `config.toml`
//! (the resolved configuration), `encoding.json`, `metrics.csv`,
//! `model.safetensors` (the best epoch's weights) and `summary.toml`
//! (small, meant for git). `runs/.gitignore` keeps the weights out of git.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use candle_core::{Device, Tensor};

use super::config::Activation;
use super::data::Encoding;
use super::error::TrainError;
use super::net::NetShape;
use crate::workspace::Date;

pub const RUNS_DIR: &str = "runs";
pub const MODEL_FILE: &str = "model.safetensors";
pub const SUMMARY_FILE: &str = "summary.toml";
pub const METRICS_FILE: &str = "metrics.csv";
pub const ENCODING_FILE: &str = "encoding.json";
pub const CONFIG_FILE: &str = "config.toml";
/// The kept model's gains / lift table on the validation part, by decile.
pub const GAINS_FILE: &str = "gains.csv";
/// The kept model's validation scores (probability of the positive label)
/// and labels, one row per validation row, in file order: what a cut-off
/// (`[money]`) is computed from.
pub const VALIDATION_FILE: &str = "validation.csv";

/// `validation.csv`: `score,label`, scores with the digits that read back
/// to the same `f32`.
pub fn validation_csv(scores: &[f32], labels: &[f32]) -> String {
    let mut s = String::from("score,label\n");
    for (p, y) in scores.iter().zip(labels) {
        s.push_str(&format!("{p},{}\n", u8::from(*y > 0.5)));
    }
    s
}

/// A saved run's validation scores and labels (`validation.csv`); empty when
/// it has none (a run from before the file) or a line does not read.
pub fn read_validation(run_dir: &Path) -> (Vec<f32>, Vec<f32>) {
    let Ok(file) = std::fs::File::open(run_dir.join(VALIDATION_FILE)) else {
        return (Vec::new(), Vec::new());
    };
    let (mut scores, mut labels) = (Vec::new(), Vec::new());
    for rec in crate::csvfile::reader(file).records() {
        let row = rec.ok().and_then(|r| {
            let p = r.get(0)?.parse::<f32>().ok().filter(|p| p.is_finite())?;
            let y = match r.get(1)? {
                "1" => 1.0,
                "0" => 0.0,
                _ => return None,
            };
            Some((p, y))
        });
        match row {
            Some((p, y)) => {
                scores.push(p);
                labels.push(y);
            }
            None => return (Vec::new(), Vec::new()),
        }
    }
    (scores, labels)
}

const GITIGNORE: &str = "\
# Written by lodestar. Each run's summary.toml, config.toml, metrics.csv and
# encoding.json are small and worth committing; the weights are not.
*.safetensors
*.tmp
";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TrainError + '_ {
    move |e| TrainError::io(path, e)
}

/// Write `bytes` to `path` through a uniquely named temporary file and a
/// rename (two `train`s creating `runs/.gitignore` at once never collide).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    Ok(crate::fsio::write(path, bytes)?)
}

/// UTC `YYYY-MM-DD` and `HH:MM:SS` of now.
pub fn utc_now() -> (Date, u32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = Date::from_days_since_epoch((secs / 86_400) as i64);
    let s = (secs % 86_400) as u32;
    (day, s / 3600, s / 60 % 60, s % 60)
}

/// Create `runs/<id>/` with a sortable id `YYYYMMDD-HHMMSS-<seed>` (a
/// suffix `-2`, `-3`… when two runs start in the same second), and the
/// `runs/.gitignore` if it is missing.
pub fn create_run_dir(root: &Path, seed: u64) -> Result<(String, PathBuf), TrainError> {
    let runs = root.join(RUNS_DIR);
    std::fs::create_dir_all(&runs).map_err(io(&runs))?;
    crate::fsio::create_whole(&runs.join(".gitignore"), GITIGNORE.as_bytes())?;
    let (d, h, m, s) = utc_now();
    let base = format!(
        "{}-{h:02}{m:02}{s:02}-{seed}",
        d.to_string().replace('-', "")
    );
    for k in 1..1000 {
        let id = if k == 1 {
            base.clone()
        } else {
            format!("{base}-{k}")
        };
        let dir = runs.join(&id);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((id, dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(TrainError::io(dir, e)),
        }
    }
    Err(TrainError::Run(format!(
        "{}: too many runs started in the same second",
        runs.display()
    )))
}

/// Save the flat parameters as `layers.<l>.weight` `(out, in)` and `layers.<l>.bias`.
pub fn save_model(path: &Path, shape: &NetShape, params: &[f32]) -> Result<(), TrainError> {
    let mut tensors = HashMap::new();
    for l in 0..shape.layers() {
        let (din, dout) = shape.layer(l);
        let (w, b) = (shape.weight_offset(l), shape.bias_offset(l));
        tensors.insert(
            format!("layers.{l}.weight"),
            Tensor::from_slice(&params[w..b], (dout, din), &Device::Cpu)?,
        );
        tensors.insert(
            format!("layers.{l}.bias"),
            Tensor::from_slice(&params[b..b + dout], dout, &Device::Cpu)?,
        );
    }
    let tmp = path.with_file_name(format!(
        "{}{}-model{}",
        crate::fsio::TMP_PREFIX,
        std::process::id(),
        crate::fsio::TMP_SUFFIX
    ));
    candle_core::safetensors::save(&tensors, &tmp)?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Load weights saved by [`save_model`]; the shape comes from the tensors.
pub fn load_model(path: &Path) -> Result<(NetShape, Vec<f32>), TrainError> {
    if !path.exists() {
        return Err(TrainError::Run(format!(
            "{}: no model weights in this run",
            path.display()
        )));
    }
    let tensors = candle_core::safetensors::load(path, &Device::Cpu).map_err(|e| {
        TrainError::Run(format!("{}: cannot read the weights: {e}", path.display()))
    })?;
    let bad = |what: String| TrainError::Run(format!("{}: {what}", path.display()));
    let mut dims = Vec::new();
    let mut params = Vec::new();
    for l in 0.. {
        let (Some(w), Some(b)) = (
            tensors.get(&format!("layers.{l}.weight")),
            tensors.get(&format!("layers.{l}.bias")),
        ) else {
            break;
        };
        let (dout, din) = w
            .dims2()
            .map_err(|_| bad(format!("layers.{l}.weight is not a matrix")))?;
        if b.dims1().ok() != Some(dout) || dims.last().is_some_and(|&prev| prev != din) {
            return Err(bad(format!("layer {l} does not fit the previous one")));
        }
        if dims.is_empty() {
            dims.push(din);
        }
        dims.push(dout);
        params.extend(w.flatten_all()?.to_vec1::<f32>()?);
        params.extend(b.to_vec1::<f32>()?);
    }
    if dims.len() < 2 || dims.last() != Some(&1) {
        return Err(bad(
            "not a lodestar model (expected layers.N.weight/bias ending in one output)".into(),
        ));
    }
    Ok((NetShape { dims }, params))
}

/// What `summary.toml` records about a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunSummary {
    pub id: String,
    /// `YYYY-MM-DDTHH:MM:SSZ` when the run started.
    pub started: String,
    /// `running` (written at the start), then `finished`,
    /// `early-stopped`, `stopped` or `failed`; `interrupted` when the
    /// process ended while it was `running`.
    pub status: String,
    pub message: String,
    pub scenario: String,
    pub data: String,
    pub target: String,
    pub device: String,
    /// `fused` or `candle` (empty in runs from before it was recorded).
    pub engine: String,
    /// Why `auto` did not get a GPU (empty when it was not asked for or got one).
    pub device_fallback: String,
    pub threads: usize,
    pub rows_train: usize,
    pub rows_valid: usize,
    pub features: usize,
    pub epochs: usize,
    pub best_epoch: Option<usize>,
    /// The epoch of the lowest validation loss when the run ended overfitting.
    pub overfitting_from: Option<usize>,
    pub val_auc: Option<f64>,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub samples_per_second: f64,
    pub seconds: f64,
}

impl RunSummary {
    pub fn to_toml(&self) -> String {
        let q = |s: &str| toml_edit::Value::from(s).to_string();
        let f = |v: f64| {
            if v.is_finite() {
                format!("{v:.6}")
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            } else {
                "nan".into()
            }
        };
        let mut s = String::from(
            "# Summary of one training run, written by lodestar (see config.toml and metrics.csv).\n",
        );
        let _ = writeln!(s, "id = {}", q(&self.id));
        let _ = writeln!(s, "started = {}", q(&self.started));
        let _ = writeln!(s, "status = {}", q(&self.status));
        if !self.message.is_empty() {
            let _ = writeln!(s, "message = {}", q(&self.message));
        }
        if !self.scenario.is_empty() {
            let _ = writeln!(s, "scenario = {}", q(&self.scenario));
        }
        let _ = writeln!(s, "data = {}", q(&self.data));
        let _ = writeln!(s, "target = {}", q(&self.target));
        let _ = writeln!(s, "device = {}", q(&self.device));
        if !self.engine.is_empty() {
            let _ = writeln!(s, "engine = {}", q(&self.engine));
        }
        if !self.device_fallback.is_empty() {
            let _ = writeln!(s, "device-fallback = {}", q(&self.device_fallback));
        }
        let _ = writeln!(s, "threads = {}", self.threads);
        let _ = writeln!(s, "rows-train = {}", self.rows_train);
        let _ = writeln!(s, "rows-valid = {}", self.rows_valid);
        let _ = writeln!(s, "features = {}", self.features);
        let _ = writeln!(s, "epochs = {}", self.epochs);
        if let Some(b) = self.best_epoch {
            let _ = writeln!(s, "best-epoch = {b}");
        }
        if let Some(b) = self.overfitting_from {
            let _ = writeln!(s, "overfitting-from = {b}");
        }
        for (k, v) in [
            ("val-auc", self.val_auc),
            ("val-loss", self.val_loss),
            ("val-accuracy", self.val_accuracy),
        ] {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                let _ = writeln!(s, "{k} = {}", f(v));
            }
        }
        let _ = writeln!(
            s,
            "samples-per-second = {}",
            self.samples_per_second.round()
        );
        let _ = writeln!(s, "seconds = {}", f(self.seconds));
        s
    }

    pub fn parse(id: &str, text: &str) -> Result<RunSummary, String> {
        let doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e: toml_edit::TomlError| e.to_string())?;
        let t = |k: &str| {
            doc.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let n = |k: &str| {
            doc.get(k)
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
        };
        let u = |k: &str| {
            doc.get(k)
                .and_then(|v| v.as_integer())
                .and_then(|i| usize::try_from(i).ok())
        };
        Ok(RunSummary {
            id: if t("id").is_empty() {
                id.to_string()
            } else {
                t("id")
            },
            started: t("started"),
            status: t("status"),
            message: t("message"),
            scenario: t("scenario"),
            data: t("data"),
            target: t("target"),
            device: t("device"),
            engine: t("engine"),
            device_fallback: t("device-fallback"),
            threads: u("threads").unwrap_or(0),
            rows_train: u("rows-train").unwrap_or(0),
            rows_valid: u("rows-valid").unwrap_or(0),
            features: u("features").unwrap_or(0),
            epochs: u("epochs").unwrap_or(0),
            best_epoch: u("best-epoch"),
            overfitting_from: u("overfitting-from"),
            val_auc: n("val-auc"),
            val_loss: n("val-loss"),
            val_accuracy: n("val-accuracy"),
            samples_per_second: n("samples-per-second").unwrap_or(0.0),
            seconds: n("seconds").unwrap_or(0.0),
        })
    }
}

/// A run's liveness lock: held by the training process (the operating
/// system drops it when the process ends, `kill -9` included), so a summary
/// still saying "running" with the lock free belongs to an interrupted run.
pub const LIVE_FILE: &str = ".running";

/// Statuses of runs that ended normally and left weights to use.
pub const COMPLETE_STATUSES: [&str; 3] = ["finished", "early-stopped", "stopped"];

/// Held while a run trains; see [`LIVE_FILE`].
#[derive(Debug)]
pub struct LiveRun {
    file: std::fs::File,
    path: PathBuf,
}

impl LiveRun {
    /// Take the liveness lock of a new run's folder.
    pub fn start(run_dir: &Path) -> Result<LiveRun, TrainError> {
        let path = run_dir.join(LIVE_FILE);
        let file = std::fs::File::create(&path).map_err(io(&path))?;
        file.try_lock()
            .map_err(|e| TrainError::io(&path, std::io::Error::other(e.to_string())))?;
        Ok(LiveRun { file, path })
    }
}

impl Drop for LiveRun {
    fn drop(&mut self) {
        let _ = self.file.unlock();
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the run in `run_dir` is training now (its liveness lock is held).
pub fn is_live(run_dir: &Path) -> bool {
    match std::fs::File::open(run_dir.join(LIVE_FILE)) {
        Ok(f) => matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

/// The status of a run as it stands: a summary written as "running" whose
/// process is gone is "interrupted".
pub fn effective_status(run_dir: &Path, written: &str) -> String {
    if written == "running" && !is_live(run_dir) {
        "interrupted".into()
    } else {
        written.to_string()
    }
}

/// One entry of `runs/`: its summary, or why it cannot be read.
#[derive(Debug, Clone, PartialEq)]
pub struct RunListing {
    pub id: String,
    pub dir: PathBuf,
    pub summary: Result<RunSummary, String>,
}

/// Every run under `root/runs/`, oldest first (ids sort by start time).
/// A run still in progress says "running"; one whose process ended
/// mid-way is listed (and marked in its `summary.toml`) as "interrupted".
pub fn list_runs(root: &Path) -> Vec<RunListing> {
    let Ok(entries) = std::fs::read_dir(root.join(RUNS_DIR)) else {
        return Vec::new();
    };
    let mut out: Vec<RunListing> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let id = e.file_name().to_str()?.to_string();
            let dir = e.path();
            let path = dir.join(SUMMARY_FILE);
            let summary = match std::fs::read_to_string(&path) {
                Ok(text) => RunSummary::parse(&id, &text)
                    .map(|s| settle(&dir, &path, s))
                    .map_err(|e| format!("{}: {e}", path.display())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err("no summary.toml (running, or interrupted)".into())
                }
                Err(e) => Err(format!("{}: {e}", path.display())),
            };
            Some(RunListing { id, dir, summary })
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// A summary that says "running": marked "interrupted" (in its file too,
/// best effort) when its process is gone. The check and the rewrite happen
/// under the run's liveness lock, so a run that finishes meanwhile keeps
/// its final summary.
fn settle(dir: &Path, path: &Path, summary: RunSummary) -> RunSummary {
    if summary.status != "running" {
        return summary;
    }
    let lock = std::fs::File::open(dir.join(LIVE_FILE)).ok();
    if let Some(f) = &lock
        && matches!(f.try_lock(), Err(std::fs::TryLockError::WouldBlock))
    {
        return summary;
    }
    // The process is gone (or ended just now): read what it left.
    let mut now = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| RunSummary::parse(&summary.id, &text).ok())
        .unwrap_or(summary);
    if now.status == "running" {
        now.status = "interrupted".into();
        now.message = INTERRUPTED.into();
        let _ = write_file(path, now.to_toml().as_bytes());
    }
    now
}

/// The message of a run marked interrupted.
pub const INTERRUPTED: &str =
    "the training process ended before the run finished (killed, or the machine stopped)";

/// A saved run, loaded for prediction.
#[derive(Debug, Clone)]
pub struct SavedModel {
    pub id: String,
    pub dir: PathBuf,
    pub encoding: Encoding,
    pub shape: NetShape,
    pub activation: Activation,
    pub params: Vec<f32>,
}

/// The directory of run `id` under `root`, refusing ids that are paths.
pub fn run_dir(root: &Path, id: &str) -> Result<PathBuf, TrainError> {
    if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
        return Err(TrainError::Run(format!(
            "`{id}` is not a run id (see the folders under runs/)"
        )));
    }
    let dir = root.join(RUNS_DIR).join(id);
    if !dir.is_dir() {
        let known: Vec<String> = list_runs(root)
            .into_iter()
            .rev()
            .take(5)
            .map(|r| r.id)
            .collect();
        return Err(TrainError::Run(format!(
            "no run `{id}` in {} (latest: {})",
            root.join(RUNS_DIR).display(),
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        )));
    }
    Ok(dir)
}

/// Load the encoding, activation and weights of run `id` (`latest` for the newest run with weights).
pub fn load_run(root: &Path, id: &str) -> Result<SavedModel, TrainError> {
    let id = if id == "latest" {
        // Only a run that ended normally: an interrupted or failed one
        // (or one still training) may have weights, but not its best.
        list_runs(root)
            .into_iter()
            .rev()
            .find(|r| {
                r.summary
                    .as_ref()
                    .is_ok_and(|s| COMPLETE_STATUSES.contains(&s.status.as_str()))
                    && r.dir.join(MODEL_FILE).exists()
            })
            .map(|r| r.id)
            .ok_or_else(|| {
                TrainError::Run(format!(
                    "no finished runs with weights in {}",
                    root.join(RUNS_DIR).display()
                ))
            })?
    } else {
        id.to_string()
    };
    let dir = run_dir(root, &id)?;
    let enc_path = dir.join(ENCODING_FILE);
    let text = std::fs::read_to_string(&enc_path).map_err(io(&enc_path))?;
    let encoding: Encoding = serde_json::from_str(&text)
        .map_err(|e| TrainError::Run(format!("{}: {e}", enc_path.display())))?;
    let cfg_path = dir.join(CONFIG_FILE);
    let cfg = std::fs::read_to_string(&cfg_path).map_err(io(&cfg_path))?;
    let doc: toml_edit::DocumentMut = cfg.parse().map_err(|e: toml_edit::TomlError| {
        TrainError::Run(format!("{}: {e}", cfg_path.display()))
    })?;
    let written = doc
        .get("model")
        .and_then(|m| m.get("activation"))
        .and_then(|a| a.as_str())
        .unwrap_or("relu");
    let activation = Activation::parse(written).ok_or_else(|| {
        TrainError::Run(format!(
            "{}: unknown activation `{written}`",
            cfg_path.display()
        ))
    })?;
    let (shape, params) = load_model(&dir.join(MODEL_FILE))?;
    if shape.dims[0] != encoding.features {
        return Err(TrainError::Run(format!(
            "{}: the weights take {} features but the encoding makes {}",
            dir.display(),
            shape.dims[0],
            encoding.features
        )));
    }
    Ok(SavedModel {
        id,
        dir,
        encoding,
        shape,
        activation,
        params,
    })
}

/// One row of a run's `metrics.csv`; `None` where the figure is missing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsRow {
    pub epoch: usize,
    pub loss: Option<f64>,
    pub accuracy: Option<f64>,
    pub auc: Option<f64>,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub val_loss: Option<f64>,
    pub val_accuracy: Option<f64>,
    pub val_auc: Option<f64>,
    pub val_precision: Option<f64>,
    pub val_recall: Option<f64>,
    pub seconds: Option<f64>,
}

/// A saved run's gains table (`gains.csv`); empty when it has none or a
/// line does not read (a run from before the table existed).
pub fn read_gains(run_dir: &Path) -> Vec<crate::train::metrics::GainsRow> {
    let Ok(file) = std::fs::File::open(run_dir.join(GAINS_FILE)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for rec in crate::csvfile::reader(file).records() {
        let Ok(rec) = rec else {
            return Vec::new();
        };
        let u = |i: usize| rec.get(i).and_then(|v| v.parse::<usize>().ok());
        let f = |i: usize| rec.get(i).and_then(|v| v.parse::<f64>().ok());
        let row = (|| {
            Some(crate::train::metrics::GainsRow {
                bin: u(0)?,
                rows: u(1)?,
                positives: u(2)?,
                cum_rows: u(3)?,
                cum_positives: u(4)?,
                response: f(5)?,
                gain: f(6)?,
                lift: f(7)?,
                cum_lift: f(8)?,
            })
        })();
        match row {
            Some(r) => out.push(r),
            None => return Vec::new(),
        }
    }
    out
}

/// The per-epoch curves of a saved run (for comparing runs side by side).
pub fn read_metrics(run_dir: &Path) -> Result<Vec<MetricsRow>, TrainError> {
    let path = run_dir.join(METRICS_FILE);
    let file = std::fs::File::open(&path)
        .map_err(|e| TrainError::Run(format!("{}: {e}", path.display())))?;
    let mut rdr = crate::csvfile::reader(file);
    let header = rdr
        .headers()
        .map_err(|e| TrainError::Run(format!("{}: {e}", path.display())))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let idx: Vec<Option<usize>> = [
        "loss",
        "accuracy",
        "auc",
        "precision",
        "recall",
        "val_loss",
        "val_accuracy",
        "val_auc",
        "val_precision",
        "val_recall",
        "seconds",
    ]
    .iter()
    .map(|n| col(n))
    .collect();
    let epoch_col = col("epoch");
    let mut rows = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| TrainError::Run(format!("{}: {e}", path.display())))?;
        let f = |k: usize| {
            idx[k]
                .and_then(|i| r.get(i))
                .and_then(|s| s.parse::<f64>().ok())
        };
        rows.push(MetricsRow {
            epoch: epoch_col
                .and_then(|i| r.get(i))
                .and_then(|s| s.parse().ok())
                .unwrap_or(rows.len() + 1),
            loss: f(0),
            accuracy: f(1),
            auc: f(2),
            precision: f(3),
            recall: f(4),
            val_loss: f(5),
            val_accuracy: f(6),
            val_auc: f(7),
            val_precision: f(8),
            val_recall: f(9),
            seconds: f(10),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_round_trips_through_toml() {
        let s = RunSummary {
            id: "20261129-142501-42".into(),
            started: "2026-11-29T14:25:01Z".into(),
            status: "finished".into(),
            device: "cpu".into(),
            device_fallback: "no \"CUDA\" here".into(),
            threads: 1,
            rows_train: 4800,
            rows_valid: 1200,
            features: 22,
            epochs: 10,
            best_epoch: Some(4),
            val_auc: Some(0.8323),
            samples_per_second: 646000.0,
            seconds: 0.5,
            ..RunSummary::default()
        };
        assert_eq!(RunSummary::parse("x", &s.to_toml()).unwrap(), s);
    }

    #[test]
    fn run_ids_are_refused_when_they_are_paths() {
        let dir = tempfile::tempdir().unwrap();
        for id in ["../x", "a/b", ".hidden", ""] {
            assert!(run_dir(dir.path(), id).is_err(), "{id}");
        }
    }
}
