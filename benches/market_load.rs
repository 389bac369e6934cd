//! Load and aggregate one series CSV the way `lodestar market` does, and say
//! how long it took. Used by `benches/market_vs_pandas.py`.
//!
//! ```sh
//! cargo run --release --example market_load -- FILE DATE-COLUMN VALUE-COLUMN [monthly|quarterly|yearly]
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use lodestar::market::Frequency;
use lodestar::market::series::load_file;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, date, value, rest @ ..] = args.as_slice() else {
        eprintln!("usage: market_load FILE DATE-COLUMN VALUE-COLUMN [monthly|quarterly|yearly]");
        return ExitCode::from(2);
    };
    let Some(frequency) = Frequency::parse(rest.first().map_or("monthly", String::as_str)) else {
        eprintln!("frequency must be monthly, quarterly or yearly");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    match load_file(Path::new(file), date, value, frequency) {
        Ok(s) => {
            let secs = start.elapsed().as_secs_f64();
            let total: f64 = s.points.iter().map(|p| p.value).sum();
            println!(
                "rows {} periods {} first {} last {} total {total:.2} problems {} seconds {secs:.4}",
                s.rows,
                s.points.len(),
                s.points
                    .first()
                    .map(|p| p.period.to_string())
                    .unwrap_or_default(),
                s.points
                    .last()
                    .map(|p| p.period.to_string())
                    .unwrap_or_default(),
                s.problems.len()
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in problems {
                eprintln!("{p}");
            }
            ExitCode::from(1)
        }
    }
}
