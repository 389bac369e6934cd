//! `lodestar train` and `lodestar predict`: the command-line consumer of the
//! trainer's events (the terminal UI is the other).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::{FAILURE, OK, PROBLEMS, open_or_report};
use crate::train::config::EarlyStopping;
use crate::train::{self, DeviceRequest, Engine, Event, Overrides, Scores, TrainConfig};
use crate::workspace::FileKind;

/// Exit status when a run was stopped with Ctrl-C (the best weights are saved).
pub const INTERRUPTED: u8 = 130;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DeviceArg {
    Auto,
    Cpu,
    Cuda,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum TrainFormat {
    /// Progress and one line per epoch.
    #[default]
    Text,
    /// One JSON document at the end (see docs/CLI.md).
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ClassWeightArg {
    /// Every row counts the same (Keras' default).
    None,
    /// Each class weighs `rows / (2 × rows of the class)`, as sklearn's `balanced`.
    Balanced,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum EngineArg {
    Auto,
    Fused,
    Candle,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Workspace folder (its training.toml gives the defaults).
    pub dir: PathBuf,
    /// Training CSV instead of training.toml's [data] file. Taken as you
    /// write it: relative to the current directory, not to the workspace.
    #[arg(long, value_name = "CSV")]
    pub data: Option<String>,
    /// Column to predict.
    #[arg(long, value_name = "COL")]
    pub target: Option<String>,
    /// Value of the target column that counts as positive.
    #[arg(long, value_name = "LABEL")]
    pub positive: Option<String>,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub epochs: Option<u32>,
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
    pub batch_size: Option<u32>,
    /// `auto` tries CUDA and falls back to the CPU, saying why.
    #[arg(long, value_enum)]
    pub device: Option<DeviceArg>,
    /// Seed, 0–9223372036854775807 as in training.toml.
    #[arg(long, value_name = "S", value_parser = clap::value_parser!(u64).range(0..=crate::workspace::schema::MAX_SEED as u64))]
    pub seed: Option<u64>,
    /// CPU threads (default: chosen from the batch size; shown at the start).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Stop when MONITOR (val_loss, val_auc, val_accuracy) has not improved
    /// for PATIENCE epochs, e.g. `val_loss:3`; `off` turns it off.
    #[arg(long, value_name = "MONITOR:PATIENCE", value_parser = parse_early_stopping)]
    pub early_stopping: Option<EarlyStoppingArg>,
    /// Weigh the classes: `balanced` or `none` (the default).
    #[arg(long, value_enum)]
    pub class_weight: Option<ClassWeightArg>,
    #[arg(long, value_enum, default_value_t)]
    pub format: TrainFormat,
    /// Training step: `fused` (the CPU default, hand-written and proven equal
    /// to candle's) or `candle` (candle_nn + autograd + AdamW; always on a GPU).
    #[arg(long, value_enum)]
    pub engine: Option<EngineArg>,
}

#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Workspace folder holding the run.
    pub dir: PathBuf,
    /// Run id (a folder under runs/), or `latest`.
    #[arg(long, value_name = "ID")]
    pub run: String,
    /// CSV to score (it needs the columns the model was trained on);
    /// relative to the current directory.
    #[arg(long, value_name = "CSV")]
    pub input: PathBuf,
    /// Where to write the input's columns plus a `probability` column;
    /// relative to the current directory. Written whole or not at all: a
    /// failed run leaves an existing file untouched.
    #[arg(long, value_name = "CSV")]
    pub output: PathBuf,
    /// Append a `[[batch]]` record for the scored file to monitor.toml (the
    /// output must be inside the workspace), so `lodestar monitor` watches it.
    #[arg(long)]
    pub record: bool,
}

/// A parsed `--early-stopping` (`None` = off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlyStoppingArg(pub Option<EarlyStopping>);

fn parse_early_stopping(s: &str) -> Result<EarlyStoppingArg, String> {
    EarlyStopping::parse(s).map(EarlyStoppingArg)
}

fn overrides(a: &TrainArgs) -> Overrides {
    Overrides {
        // Recorded in the run's summary as an absolute path: relative to
        // where the user stood, which the summary cannot know.
        data_file: a.data.as_ref().map(|d| {
            std::path::absolute(d)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| d.clone())
        }),
        target: a.target.clone(),
        positive: a.positive.clone(),
        epochs: a.epochs.map(|v| v as usize),
        batch_size: a.batch_size.map(|v| v as usize),
        device: a.device.map(|d| match d {
            DeviceArg::Auto => DeviceRequest::Auto,
            DeviceArg::Cpu => DeviceRequest::Cpu,
            DeviceArg::Cuda => DeviceRequest::Cuda,
        }),
        seed: a.seed,
        threads: a.threads.map(usize::from),
        engine: a.engine.map(|e| match e {
            EngineArg::Auto => Engine::Auto,
            EngineArg::Fused => Engine::Fused,
            EngineArg::Candle => Engine::Candle,
        }),
        early_stopping: a.early_stopping.map(|e| e.0),
        balanced: a.class_weight.map(|c| c == ClassWeightArg::Balanced),
    }
}

fn scores_text(s: &Scores) -> String {
    crate::tr!(
        "cli.train.scores",
        loss = format!("{:.4}", s.loss),
        acc = format!("{:.4}", s.accuracy),
        auc = format!("{:.4}", s.auc),
        prec = format!("{:.3}", s.precision),
        rec = format!("{:.3}", s.recall)
    )
}

fn eta_text(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else {
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

pub fn train(a: &TrainArgs) -> u8 {
    let mut ws = match open_or_report(&a.dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let training_path = a.dir.join(FileKind::Training.file_name());
    let problems: Vec<_> = ws
        .diagnostics()
        .into_iter()
        .filter(|d| d.is_error() && d.file == training_path)
        .collect();
    if !problems.is_empty() {
        for d in &problems {
            err!("{d}");
        }
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.train.fix_first", dir = a.dir.display())
            )
        );
        return PROBLEMS;
    }
    let config = match TrainConfig::resolve(&ws.model.training, &overrides(a)) {
        Ok(c) => c,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return PROBLEMS;
        }
    };
    let json = a.format == TrainFormat::Json;
    let trainer = match train::start(train::Job::new(a.dir.clone(), config)) {
        Ok(t) => t,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return FAILURE;
        }
    };
    let stop = trainer.stop_handle();
    let _ = ctrlc::set_handler(move || {
        if stop.is_stopped() {
            // A second Ctrl-C: give up at once.
            std::process::exit(i32::from(INTERRUPTED));
        }
        stop.stop();
    });

    // Progress bar on a terminal (stderr), plain epoch lines otherwise.
    let bar = std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new(1);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:28}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    });
    let say = |line: String| {
        if json {
            return;
        }
        match &bar {
            Some(pb) => pb.suspend(|| out!("{line}")),
            None => out!("{line}"),
        }
    };
    let mut epochs_total = 0;
    let mut code = FAILURE;
    for event in trainer.events.iter() {
        match event {
            Event::Started(s) => {
                epochs_total = s.epochs;
                let device = match &s.fallback {
                    Some(why) => crate::tr!(
                        "cli.train.auto",
                        device = s.device,
                        reason = train::device::reason_label(why)
                    ),
                    None => s.device.clone(),
                };
                // JSON carries the reason in `device_fallback`; a person
                // watching the run hears it on stderr too.
                if let (true, Some(why)) = (json, &s.fallback) {
                    err!(
                        "{}",
                        crate::tr!(
                            "cuda.auto_fallback",
                            device = s.device,
                            reason = train::device::reason_label(why)
                        )
                    );
                }
                say(crate::tr!(
                    "cli.train.run",
                    run = s.run_id,
                    device = device,
                    threads = s.threads,
                    reason = train::device::threads_reason_label(s.threads_reason),
                    engine = s.engine
                ));
                say(crate::tr!(
                    "cli.train.data",
                    file = s.data_file.display(),
                    train = s.rows_train,
                    valid = s.rows_valid,
                    share = format!("{:.0}", s.validation_split * 100.0),
                    features = s.features,
                    parameters = s.parameters
                ));
                say(crate::tr!(
                    "cli.train.balance",
                    target = s.target,
                    positive = s.positive,
                    train = format!("{:.1}", s.balance_train.positive_share() * 100.0),
                    valid = format!("{:.1}", s.balance_valid.positive_share() * 100.0)
                ));
                if let Some((pos, neg)) = s.class_weights {
                    say(crate::tr!(
                        "cli.train.class_weights",
                        positive = s.positive,
                        pos = format!("{pos:.3}"),
                        neg = format!("{neg:.3}")
                    ));
                }
                if let Some(es) = s.early_stopping {
                    say(crate::tr!(
                        if es.patience == 1 {
                            "cli.train.early_stopping_one"
                        } else {
                            "cli.train.early_stopping"
                        },
                        monitor = es.monitor,
                        n = es.patience
                    ));
                }
                if !s.missing.is_empty() {
                    let m: Vec<String> =
                        s.missing.iter().map(|(c, n)| format!("{c} {n}")).collect();
                    say(crate::tr!("cli.train.imputed", columns = m.join(", ")));
                }
                if s.unseen_valid > 0 {
                    say(crate::tr!("cli.train.unseen", n = s.unseen_valid));
                }
                if let Some(pb) = &bar {
                    pb.set_length(s.batches_per_epoch as u64);
                    pb.set_prefix(crate::tr!(
                        "cli.train.epoch_of",
                        epoch = 1,
                        epochs = s.epochs
                    ));
                }
            }
            Event::Batch(p) => {
                if let Some(pb) = &bar {
                    pb.set_prefix(crate::tr!(
                        "cli.train.epoch_of",
                        epoch = p.epoch,
                        epochs = p.epochs
                    ));
                    pb.set_position(p.batch as u64);
                    let loss = p
                        .loss
                        .map(|l| crate::tr!("cli.train.progress_loss", loss = format!("{l:.4}")))
                        .unwrap_or_default();
                    pb.set_message(crate::tr!(
                        "cli.train.progress",
                        rate = format!("{:.0}", p.samples_per_sec),
                        eta = eta_text(p.eta),
                        loss = loss
                    ));
                }
            }
            Event::Epoch(e) => {
                let valid = e
                    .valid
                    .map(|v| crate::tr!("cli.train.valid_scores", scores = scores_text(&v)))
                    .unwrap_or_default();
                say(crate::tr!(
                    "cli.train.epoch_line",
                    epoch = format!("{:>3}", e.epoch),
                    epochs = epochs_total,
                    scores = scores_text(&e.train),
                    valid = valid,
                    seconds = format!("{:.2}", e.seconds),
                    best = if e.best { "  *" } else { "" }
                ));
            }
            Event::Checkpoint { .. } => {}
            Event::Finished(s) | Event::Stopped(s) => {
                if let Some(pb) = &bar {
                    pb.finish_and_clear();
                }
                // What the kept model at `[money]`'s cut-off implies for the
                // linked scenario (docs/METHOD.md "From AUC to money").
                let implication = || {
                    ws.model.training.money.as_ref().map(|m| {
                        let cut = train::money::cutoff(m)
                            .ok_or_else(|| "money.cutoff: give `top` or `threshold`".to_string())?;
                        train::money::implication(
                            &ws.model,
                            m,
                            cut,
                            &s.valid_scores,
                            &s.valid_labels,
                        )
                    })
                };
                // The JSON contract keeps its texts (`cutoff_text`) in English.
                let implied = if json {
                    crate::i18n::with(crate::i18n::Lang::En, implication)
                } else {
                    implication()
                };
                if json {
                    let mut j = s.to_json();
                    j["money"] = match &implied {
                        None => serde_json::Value::Null,
                        Some(Ok(i)) => train::money::to_json(i),
                        Some(Err(e)) => serde_json::json!({ "error": e }),
                    };
                    out!("{}", crate::escape::to_json_pretty(&j));
                } else {
                    let how = crate::tr!(if s.stopped_by_user {
                        "cli.train.stopped_on_request"
                    } else if s.stopped_early {
                        "cli.train.stopped_early"
                    } else {
                        "cli.train.finished"
                    });
                    say(crate::tr!(
                        "cli.train.summary",
                        how = how,
                        best = s.best_epoch.map_or("-".into(), |b| b.to_string()),
                        monitor = s.monitor,
                        speed = format!("{:.0}", s.samples_per_second),
                        seconds = format!("{:.1}", s.seconds),
                        dir = s.run_dir.display()
                    ));
                    match &implied {
                        None => {}
                        Some(Ok(i)) => {
                            say(train::money::headline(i));
                            for line in train::money::lines(i) {
                                say(line);
                            }
                        }
                        Some(Err(e)) => say(format!("money: {e}")),
                    }
                    if let Some(from) = s.overfitting_from {
                        say(crate::tr!("cli.train.overfitting", epoch = from));
                    }
                }
                code = if s.stopped_by_user { INTERRUPTED } else { OK };
            }
            Event::Failed {
                message,
                user_problem,
            } => {
                if let Some(pb) = &bar {
                    pb.finish_and_clear();
                }
                err!("{}", crate::tr!("cli.error", message = message));
                code = if user_problem { PROBLEMS } else { FAILURE };
            }
        }
    }
    trainer.join();
    code
}

pub fn predict(a: &PredictArgs) -> u8 {
    match train::predict(&a.dir, &a.run, &a.input, &a.output) {
        Ok(r) => {
            err!(
                "{}",
                crate::tr!(
                    "cli.train.scored",
                    rows = r.rows,
                    run = r.run_id,
                    output = a.output.display(),
                    column = r.column
                )
            );
            for (c, n) in &r.unseen {
                err!(
                    "{}",
                    crate::tr!("cli.train.predict_unseen", column = c, n = n)
                );
            }
            for (c, n) in &r.missing {
                err!(
                    "{}",
                    crate::tr!("cli.train.predict_imputed", column = c, n = n)
                );
            }
            if a.record {
                return record_batch(&a.dir, &a.output, &r);
            }
            OK
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            if e.is_user_problem() {
                PROBLEMS
            } else {
                FAILURE
            }
        }
    }
}

/// `predict --record`: append the scored file as a `[[batch]]` of
/// monitor.toml, under the workspace's write lock.
fn record_batch(dir: &std::path::Path, output: &std::path::Path, r: &train::PredictReport) -> u8 {
    use crate::workspace::{self, RecordKind, Workspace};
    let (Ok(root), Ok(out)) = (dir.canonicalize(), output.canonicalize()) else {
        err!(
            "error: cannot record the batch: {} not found",
            output.display()
        );
        return FAILURE;
    };
    let Ok(relative) = out.strip_prefix(&root) else {
        err!(
            "error: cannot record the batch: {} is outside the workspace (monitor.toml names files inside it)",
            output.display()
        );
        return PROBLEMS;
    };
    let file = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let held =
        match workspace::lock::acquire(dir, "lodestar predict --record", workspace::lock::WAIT) {
            Ok(h) => h,
            Err(e) => {
                err!("{}", crate::tr!("cli.error", message = e));
                return FAILURE;
            }
        };
    let mut ws = match Workspace::open(dir) {
        Ok(ws) => ws,
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            return FAILURE;
        }
    };
    let today = workspace::Date::today();
    let mut t = toml_edit::Table::new();
    t.insert(
        "date",
        toml_edit::value(toml_edit::Datetime {
            date: Some(toml_edit::Date {
                year: u16::try_from(today.year).unwrap_or(2000),
                month: today.month,
                day: today.day,
            }),
            time: None,
            offset: None,
        }),
    );
    t.insert("file", toml_edit::value(file.as_str()));
    t.insert(
        "rows",
        toml_edit::value(i64::try_from(r.rows).unwrap_or(i64::MAX)),
    );
    t.insert(
        "note",
        toml_edit::value(format!("scored with run {}", r.run_id)),
    );
    if let Err(e) = ws.add_record(RecordKind::Batch, t) {
        err!(
            "{}",
            crate::tr!(
                "cli.error",
                message = crate::tr!("cli.train.cannot_record", error = e)
            )
        );
        return PROBLEMS;
    }
    match ws.save_locked(&held) {
        Ok(_) => {
            err!("recorded batch {file} ({} rows) in monitor.toml", r.rows);
            OK
        }
        Err(e) => {
            err!("{}", crate::tr!("cli.error", message = e));
            FAILURE
        }
    }
}
