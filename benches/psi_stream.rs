//! PSI of a scoring batch against the training data, the way `lodestar
//! monitor` computes it: the training CSV binned (deciles of each numeric
//! column, categories of the others), the batch streamed through the same
//! bins. Says how long the batch took. Used by `benches/psi_vs_pandas.py`.
//!
//! ```sh
//! cargo run --release --example psi_stream -- DIR TRAINING.csv BATCH.csv TARGET
//! ```
//! (both files inside DIR, named relative to it; TARGET is left out of the
//! features.)

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use lodestar::analysis::monitor::{Drift, model_report};
use lodestar::train::drift;
use lodestar::workspace::model::{Batch, Training};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, training, batch, target] = args.as_slice() else {
        eprintln!("usage: psi_stream DIR TRAINING.csv BATCH.csv TARGET");
        return ExitCode::from(2);
    };
    let training = Training {
        data_file: training.clone(),
        target: target.clone(),
        exclude: vec!["customer_id".into()],
        ..Training::default()
    };
    let batch = Batch {
        date: None,
        file: batch.clone(),
        labels: None,
        rows: None,
        note: String::new(),
    };
    let start = Instant::now();
    let binned: Drift = drift::read(Path::new(dir), &training, &[]);
    let t_train = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let read = drift::read_batches(Path::new(dir), &training, binned, &[batch]);
    let secs = start.elapsed().as_secs_f64();
    let report = model_report(&read, None, None, None);
    if let Some(e) = read
        .error
        .iter()
        .chain(read.batches.iter().filter_map(|b| b.error.as_ref()))
        .next()
    {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let rows = read.batches.first().map_or(0, |b| b.rows);
    let worst: Vec<String> = report
        .psi
        .iter()
        .map(|p| format!("{}={:.4}", p.feature, p.psi))
        .collect();
    println!(
        "rows {rows} features {} psi {} training {t_train:.4} seconds {secs:.4} rows/s {:.0}",
        report.psi.len(),
        worst.join(","),
        rows as f64 / secs
    );
    ExitCode::SUCCESS
}
