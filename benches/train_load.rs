//! Load a training CSV the way `lodestar train` does (both passes, the
//! encoded matrices in memory) and say how long it took; or write the
//! deterministic benchmark file. Used by `benches/load_1m.sh`.
//!
//! ```sh
//! cargo run --release --example train_load -- generate FILE ROWS
//! cargo run --release --example train_load -- FILE TARGET POSITIVE [VALIDATION-SPLIT]
//! ```

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use lodestar::rng::Rng;
use lodestar::train::config::Overrides;
use lodestar::train::{TrainConfig, data};
use lodestar::workspace::model::Training;

/// Numeric and categorical feature columns of the generated file (with the
/// target, 100 columns).
const NUMERIC: usize = 90;
const CATEGORICAL: usize = 9;

/// `rows` rows of 90 numbers (3 decimals), 9 categories (3 to 5 levels,
/// some cells empty) and a yes/no target that depends on a few of them.
fn generate(file: &Path, rows: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(file)?);
    let mut header: Vec<String> = (0..NUMERIC).map(|j| format!("x{j:02}")).collect();
    header.extend((0..CATEGORICAL).map(|j| format!("c{j}")));
    header.push("y".into());
    writeln!(out, "{}", header.join(","))?;
    let mut rng = Rng::new(16);
    let mut line = String::with_capacity(1024);
    for _ in 0..rows {
        line.clear();
        let mut logit = 0.0;
        for j in 0..NUMERIC {
            let v = rng.normal() * (1.0 + j as f64 / 10.0) + j as f64;
            if j < 4 {
                logit += (v - j as f64) / (1.0 + j as f64 / 10.0) * 0.8;
            }
            line.push_str(&format!("{v:.3},"));
        }
        for j in 0..CATEGORICAL {
            let levels = 3 + j % 3;
            let k = rng.below(levels + 1);
            if k < levels {
                line.push_str(&format!("k{k}"));
                if j == 0 {
                    logit += k as f64 - 1.0;
                }
            }
            line.push(',');
        }
        let yes = rng.uniform() < 1.0 / (1.0 + (-logit).exp());
        line.push_str(if yes { "yes" } else { "no" });
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, file, rows] = args.as_slice()
        && mode == "generate"
    {
        let Ok(rows) = rows.parse::<usize>() else {
            eprintln!("ROWS must be a number");
            return ExitCode::from(2);
        };
        return match generate(Path::new(file), rows) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{file}: {e}");
                ExitCode::from(1)
            }
        };
    }
    let [file, target, positive, rest @ ..] = args.as_slice() else {
        eprintln!(
            "usage: train_load FILE TARGET POSITIVE [VALIDATION-SPLIT] | train_load generate FILE ROWS"
        );
        return ExitCode::from(2);
    };
    let split = rest.first().map_or(Ok(0.2), |s| s.parse::<f64>());
    let Ok(validation_split) = split else {
        eprintln!("VALIDATION-SPLIT must be a number");
        return ExitCode::from(2);
    };
    let training = Training {
        data_file: file.clone(),
        target: target.clone(),
        positive: positive.clone(),
        validation_split,
        ..Training::default()
    };
    let cfg = match TrainConfig::resolve(&training, &Overrides::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    match data::load(Path::new(file), &cfg) {
        Ok(d) => {
            let secs = start.elapsed().as_secs_f64();
            let matrix = (d.train_x.len() + d.valid_x.len()) * 4;
            let sum: f64 = d.train_x.iter().map(|&v| f64::from(v)).sum();
            println!(
                "rows {} features {} matrix_bytes {matrix} train_sum {sum:.3} positive_share {:.4} seconds {secs:.3}",
                d.rows_train() + d.rows_valid(),
                d.features(),
                d.balance_train.positive_share(),
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
