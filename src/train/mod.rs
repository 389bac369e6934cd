//! Training the scenario's prototype model: a CSV becomes tensors, a small
//! dense network (the seed's `Dense(128, relu) → Dense(64, relu) → Dense(1)`)
//! trains with Adam on the CPU or a CUDA GPU, every run is saved under
//! `runs/<run-id>/`, and `predict` scores new rows with a saved run.
//! Nothing here knows about terminals: progress is a stream of [`Event`]s.
//!
//! For a front end:
//! - [`TrainConfig::resolve`] the workspace's [`Training`](crate::workspace::model::Training) with [`Overrides`];
//! - [`start`] a [`Job`]; read [`Trainer::events`] (`try_recv` in a UI loop), [`Trainer::stop`] to stop;
//! - [`list_runs`] for the run history, [`predict::predict`] to score a file.

pub mod autograd;
pub mod config;
pub mod data;
pub mod device;
pub mod drift;
pub mod error;
pub mod fused;
pub mod metrics;
pub mod money;
pub mod net;
pub mod predict;
pub use crate::rng;
pub mod runs;
pub mod trainer;

pub use config::{DeviceRequest, Engine, Overrides, TrainConfig};
pub use data::{Balance, Dataset, Encoding};
pub use error::{DataError, TrainError};
pub use metrics::Scores;
pub use predict::{PredictReport, predict};
pub use runs::{MetricsRow, RunListing, RunSummary, list_runs, load_run, read_metrics};
pub use trainer::{
    EpochReport, Event, Job, Progress, Started, StopHandle, Summary, Trainer, run, start,
    train_blocking,
};
