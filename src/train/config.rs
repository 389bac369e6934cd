//! The resolved training configuration: `training.toml` plus command-line
//! overrides, checked once so the trainer never meets a bad value.

use crate::numfmt::exact;
use std::fmt::Write as _;

use crate::workspace::choice::{Choice, ClassWeight, Optimizer, Options};
use crate::workspace::model::Training;

use super::error::TrainError;

pub use crate::workspace::choice::{Activation, Device as DeviceRequest, Monitor};

/// How a training step is computed. `Candle` builds the network with
/// `candle_nn` and trains it with candle's autograd and `AdamW` (as Adam); it
/// is what runs on a GPU. `Fused` (the default on the CPU) is a hand-written
/// step over reused buffers, proven equal to candle's in the tests
/// (gradients, one Adam step, finite differences, validation AUC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    #[default]
    Auto,
    Fused,
    Candle,
}

impl Engine {
    pub fn parse(s: &str) -> Option<Engine> {
        match s {
            "auto" => Some(Engine::Auto),
            "fused" => Some(Engine::Fused),
            "candle" => Some(Engine::Candle),
            _ => None,
        }
    }
}

impl EarlyStopping {
    /// `MONITOR:PATIENCE` (`val_auc:3`), as `--early-stopping` takes it;
    /// `off` is `None`.
    pub fn parse(s: &str) -> Result<Option<EarlyStopping>, String> {
        if s == "off" || s == "none" {
            return Ok(None);
        }
        let (m, p) = s
            .split_once(':')
            .ok_or_else(|| format!("`{s}`: expected MONITOR:PATIENCE, e.g. val_loss:3 (or off)"))?;
        let monitor = Monitor::parse(m.trim()).ok_or_else(|| {
            format!(
                "`{m}` is not a monitor; one of {}",
                Monitor::NAMES.join(", ")
            )
        })?;
        let patience = p
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| {
                format!("patience `{p}` must be a whole number of epochs, at least 1")
            })?;
        Ok(Some(EarlyStopping { monitor, patience }))
    }
}

impl Monitor {
    /// Loss improves downwards, the others upwards.
    pub fn better(self, new: f64, old: f64) -> bool {
        match self {
            Monitor::ValLoss => new < old,
            _ => new > old,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlyStopping {
    pub monitor: Monitor,
    pub patience: usize,
}

/// Everything a run needs, with defaults applied and values checked.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    pub scenario: Option<String>,
    /// Path of the CSV: relative to the workspace (and confined to it) when
    /// it comes from training.toml; as the user wrote it when it comes from
    /// the command line ([`TrainConfig::data_as_given`]).
    pub data_file: String,
    /// `data_file` came from the command line (`--data`): it is read as
    /// written, relative to the current directory, and may be anywhere.
    pub data_as_given: bool,
    pub target: String,
    pub positive: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub categorical: Vec<String>,
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub dropout: f32,
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
    pub weight_decay: f64,
    pub batch_size: usize,
    pub epochs: usize,
    pub validation_split: f64,
    pub seed: u64,
    pub device: DeviceRequest,
    /// CPU threads; 0 lets lodestar choose (see [`super::device::choose_threads`]).
    pub threads: usize,
    pub balanced: bool,
    pub early_stopping: Option<EarlyStopping>,
    /// Keep (and save) the best epoch's weights rather than the last.
    pub checkpoint: bool,
    pub engine: Engine,
}

/// Command-line overrides of `training.toml`; `None` keeps the file's value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// A path as the user wrote it on the command line (relative to the
    /// current directory), not a workspace path.
    pub data_file: Option<String>,
    pub target: Option<String>,
    pub positive: Option<String>,
    pub epochs: Option<usize>,
    pub batch_size: Option<usize>,
    pub device: Option<DeviceRequest>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub engine: Option<Engine>,
    /// `Some(None)` turns early stopping off, `Some(Some(..))` on.
    pub early_stopping: Option<Option<EarlyStopping>>,
    /// Class weights `balanced` (true) or `none` (false).
    pub balanced: Option<bool>,
}

fn bad(msg: impl Into<String>) -> TrainError {
    TrainError::Config(msg.into())
}

/// The value of a choice field, or an error naming the text and the values
/// allowed.
fn known<T: Options>(choice: &Choice<T>, what: &str) -> Result<T, TrainError> {
    choice.known().ok_or_else(|| {
        bad(format!(
            "training.toml: {what} `{choice}` is not one of {}",
            T::NAMES.join(", ")
        ))
    })
}

impl TrainConfig {
    /// Resolve the workspace's training settings with `overrides` on top.
    pub fn resolve(t: &Training, overrides: &Overrides) -> Result<TrainConfig, TrainError> {
        // Every value `check` allows is one of these enums' values, and each
        // is handled below; text that is not one was reported by `check`.
        let activation = known(&t.activation, "activation")?;
        match known(&t.optimizer, "optimizer")? {
            Optimizer::Adam => {}
        }
        let mut hidden = Vec::with_capacity(t.hidden.len());
        for &h in &t.hidden {
            match usize::try_from(h) {
                Ok(h) if (1..=65_536).contains(&h) => hidden.push(h),
                _ => {
                    return Err(bad(format!(
                        "training.toml: hidden layer size {h} must be 1–65536"
                    )));
                }
            }
        }
        let positive_int = |v: i64, what: &str| -> Result<usize, TrainError> {
            usize::try_from(v)
                .ok()
                .filter(|&n| n >= 1)
                .ok_or_else(|| bad(format!("training.toml: {what} must be at least 1 (is {v})")))
        };
        let device = known(&t.device, "device")?;
        let early_stopping = match &t.early_stopping {
            None => None,
            Some((monitor, patience)) => Some(EarlyStopping {
                monitor: known(monitor, "early-stopping monitor")?,
                patience: positive_int(*patience, "early-stopping patience")?,
            }),
        };
        let class_weight = match known(&t.class_weight, "class-weight")? {
            ClassWeight::None => false,
            ClassWeight::Balanced => true,
        };
        let mut c = TrainConfig {
            scenario: t.scenario.clone(),
            data_file: t.data_file.clone(),
            data_as_given: false,
            target: t.target.clone(),
            positive: t.positive.clone(),
            include: t.include.clone(),
            exclude: t.exclude.clone(),
            categorical: t.categorical.clone(),
            hidden,
            activation,
            dropout: t.dropout as f32,
            learning_rate: t.learning_rate,
            beta1: t.beta1,
            beta2: t.beta2,
            epsilon: t.epsilon,
            weight_decay: t.weight_decay,
            batch_size: positive_int(t.batch_size, "batch-size")?,
            epochs: positive_int(t.epochs, "epochs")?,
            validation_split: t.validation_split,
            seed: t.seed,
            device,
            threads: usize::try_from(t.threads).unwrap_or(0),
            balanced: class_weight,
            early_stopping,
            checkpoint: t.checkpoint,
            engine: Engine::Auto,
        };
        let o = overrides;
        if let Some(v) = &o.data_file {
            c.data_file = v.clone();
            c.data_as_given = true;
        }
        if let Some(v) = &o.target {
            c.target = v.clone();
        }
        if let Some(v) = &o.positive {
            c.positive = v.clone();
        }
        c.epochs = o.epochs.unwrap_or(c.epochs);
        c.batch_size = o.batch_size.unwrap_or(c.batch_size);
        c.device = o.device.unwrap_or(c.device);
        c.seed = o.seed.unwrap_or(c.seed);
        c.threads = o.threads.unwrap_or(c.threads);
        c.engine = o.engine.unwrap_or(c.engine);
        c.early_stopping = o.early_stopping.unwrap_or(c.early_stopping);
        c.balanced = o.balanced.unwrap_or(c.balanced);
        c.check()?;
        Ok(c)
    }

    fn check(&self) -> Result<(), TrainError> {
        if self.data_file.trim().is_empty() {
            return Err(bad(
                "no training data: set [data] file in training.toml or pass --data",
            ));
        }
        if self.target.is_empty() {
            return Err(bad(
                "no target column: set [data] target in training.toml or pass --target",
            ));
        }
        if self.positive.is_empty() {
            return Err(bad(
                "no positive label: set [data] positive in training.toml or pass --positive",
            ));
        }
        if self.batch_size == 0 || self.batch_size > 1 << 20 {
            return Err(bad(format!(
                "batch size {} must be 1–1048576",
                self.batch_size
            )));
        }
        if self.epochs == 0 || self.epochs > 100_000 {
            return Err(bad(format!("epochs {} must be 1–100000", self.epochs)));
        }
        if !(0.0..0.95).contains(&self.validation_split) {
            return Err(bad(format!(
                "validation-split {} must be at least 0 and below 0.95",
                exact(self.validation_split)
            )));
        }
        if !(0.0..0.96).contains(&self.dropout) {
            return Err(bad(format!("dropout {} must be 0–0.95", self.dropout)));
        }
        let finite_pos = |v: f64| v.is_finite() && v > 0.0;
        if !finite_pos(self.learning_rate) {
            return Err(bad(format!(
                "learning-rate {} must be a positive number",
                exact(self.learning_rate)
            )));
        }
        for (name, v) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&v) {
                return Err(bad(format!(
                    "{name} {} must be at least 0 and below 1",
                    exact(v)
                )));
            }
        }
        let min_eps = crate::workspace::schema::MIN_EPSILON;
        if !(self.epsilon.is_finite() && self.epsilon >= min_eps) {
            return Err(bad(format!(
                "epsilon {} must be a positive number, at least {min_eps:e} (0 gives NaN at the first step)",
                exact(self.epsilon)
            )));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return Err(bad("weight-decay must be a non-negative number"));
        }
        if self.threads > 1024 {
            return Err(bad(format!(
                "threads {} must be 0 (automatic) to 1024",
                self.threads
            )));
        }
        Ok(())
    }

    /// The resolved configuration as TOML, written to `runs/<id>/config.toml`.
    pub fn to_toml(&self) -> String {
        let q = |s: &str| toml_edit::Value::from(s).to_string();
        let list = |v: &[String]| {
            format!(
                "[{}]",
                v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
            )
        };
        let mut s = String::from(
            "# The resolved configuration of this run (training.toml plus command-line overrides).\n\n",
        );
        if let Some(id) = &self.scenario {
            let _ = writeln!(s, "scenario = {}\n", q(id));
        }
        let _ = writeln!(s, "[data]");
        let _ = writeln!(s, "file = {}", q(&self.data_file));
        let _ = writeln!(s, "target = {}", q(&self.target));
        let _ = writeln!(s, "positive = {}", q(&self.positive));
        let _ = writeln!(s, "include = {}", list(&self.include));
        let _ = writeln!(s, "exclude = {}", list(&self.exclude));
        let _ = writeln!(s, "categorical = {}\n", list(&self.categorical));
        let _ = writeln!(s, "[model]");
        let hidden: Vec<String> = self.hidden.iter().map(usize::to_string).collect();
        let _ = writeln!(s, "hidden = [{}]", hidden.join(", "));
        let _ = writeln!(s, "activation = {}", q(self.activation.as_str()));
        let _ = writeln!(s, "dropout = {}\n", f64::from(self.dropout));
        let _ = writeln!(s, "[optimizer]");
        let _ = writeln!(s, "name = \"adam\"");
        let _ = writeln!(s, "learning-rate = {:?}", self.learning_rate);
        let _ = writeln!(s, "beta1 = {:?}", self.beta1);
        let _ = writeln!(s, "beta2 = {:?}", self.beta2);
        let _ = writeln!(s, "epsilon = {:?}", self.epsilon);
        let _ = writeln!(s, "weight-decay = {:?}\n", self.weight_decay);
        let _ = writeln!(s, "[run]");
        let _ = writeln!(s, "batch-size = {}", self.batch_size);
        let _ = writeln!(s, "epochs = {}", self.epochs);
        let _ = writeln!(s, "validation-split = {:?}", self.validation_split);
        let _ = writeln!(s, "seed = {}", self.seed);
        let _ = writeln!(s, "device = {}", q(self.device.as_str()));
        let _ = writeln!(s, "threads = {}", self.threads);
        let _ = writeln!(
            s,
            "class-weight = {}",
            q(if self.balanced {
                ClassWeight::Balanced.as_str()
            } else {
                ClassWeight::None.as_str()
            })
        );
        let _ = writeln!(s, "checkpoint = {}", self.checkpoint);
        if let Some(es) = self.early_stopping {
            let _ = writeln!(
                s,
                "early-stopping = {{ monitor = {}, patience = {} }}",
                q(es.monitor.as_str()),
                es.patience
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Training {
        Training {
            data_file: "data/x.csv".into(),
            target: "y".into(),
            positive: "yes".into(),
            ..Training::default()
        }
    }

    #[test]
    fn defaults_are_the_seed_model() {
        let c = TrainConfig::resolve(&example(), &Overrides::default()).unwrap();
        assert_eq!(c.hidden, vec![128, 64]);
        assert_eq!((c.batch_size, c.epochs, c.validation_split), (32, 10, 0.2));
        assert_eq!(
            (c.learning_rate, c.beta1, c.beta2, c.epsilon),
            (1e-3, 0.9, 0.999, 1e-7)
        );
    }

    #[test]
    fn overrides_win_and_bad_values_are_refused() {
        let o = Overrides {
            epochs: Some(3),
            batch_size: Some(1024),
            seed: Some(9),
            ..Overrides::default()
        };
        let c = TrainConfig::resolve(&example(), &o).unwrap();
        assert_eq!((c.epochs, c.batch_size, c.seed), (3, 1024, 9));
        let t = Training {
            activation: "gelu".into(),
            ..example()
        };
        assert!(TrainConfig::resolve(&t, &Overrides::default()).is_err());
        let t = Training {
            target: String::new(),
            ..example()
        };
        let e = TrainConfig::resolve(&t, &Overrides::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("--target"), "{e}");
    }

    #[test]
    fn config_toml_parses() {
        let c = TrainConfig::resolve(&example(), &Overrides::default()).unwrap();
        let doc: toml_edit::DocumentMut = c.to_toml().parse().unwrap();
        assert_eq!(doc["run"]["batch-size"].as_integer(), Some(32));
        assert_eq!(doc["optimizer"]["epsilon"].as_float(), Some(1e-7));
    }
}
