//! Ranking stability with the participant bootstrap at workshop scale:
//! 1,000 scenarios × 12 criteria × 30 participants (every participant
//! scoring every cell) × 100,000 samples, on 1 and 2 threads, next to the
//! weights-only run on the same matrix. One timed run per configuration
//! (a bootstrap run takes tens of seconds, too long for criterion's ten
//! iterations), after a 2,000-sample warm-up. Figures go to
//! docs/PERFORMANCE.md.
//!
//!     cargo bench --bench stability_bootstrap
//!     LODESTAR_BENCH_SAMPLES=10000 cargo bench --bench stability_bootstrap

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use lodestar::analysis::rng::Rng;
use lodestar::analysis::{self, Matrix, Method, Panel, StabilityOptions};

fn main() {
    let samples: u64 = std::env::var("LODESTAR_BENCH_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let (n, m, p) = (1_000, 12, 30);
    let mut rng = Rng::new(2024);
    let cost: Vec<bool> = (0..m).map(|j| j % 4 == 3).collect();
    let scales: Vec<(f64, f64, bool)> = cost.iter().map(|&c| (1.0, 5.0, c)).collect();
    let mut votes = Vec::with_capacity(n * m * p);
    for i in 0..n {
        for j in 0..m {
            // Each scenario has a "true" level the participants scatter around.
            let centre = 1.0 + (rng.uniform() * 5.0).floor().min(4.0);
            for k in 0..p {
                let v = (centre + (rng.uniform() * 3.0).floor() - 1.0).clamp(1.0, 5.0);
                votes.push((i, j, k, v));
            }
        }
    }
    let panel = Panel::new(p, n, &scales, &votes, false).expect("valid panel");
    // The group matrix: each cell's median, as `analyse` would score it.
    let mut raw = vec![0.0; n * m];
    for (cell, chunk) in votes.chunks(p).enumerate() {
        let mut v: Vec<f64> = chunk.iter().map(|x| x.3).collect();
        v.sort_by(f64::total_cmp);
        raw[cell] = analysis::votes::quantile(&v, 0.5);
    }
    let matrix = Matrix::from_raw(raw, n, cost, 1.0, 5.0).expect("valid matrix");
    let weights: Vec<f64> = (0..m).map(|_| 0.2 + rng.uniform()).collect();
    let run = |threads: usize, samples: u64, method: Method, panel: Option<&Panel>| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let options = StabilityOptions {
            samples,
            seed: 42,
            concentration: 100.0,
        };
        let t = Instant::now();
        let s = pool
            .install(|| {
                analysis::stability_panel(
                    &matrix,
                    &weights,
                    method,
                    &options,
                    panel,
                    &|_| {},
                    &AtomicBool::new(false),
                )
            })
            .expect("stability runs");
        (t.elapsed().as_secs_f64(), s)
    };
    run(1, 2_000, Method::WeightedSum, Some(&panel));
    println!("stability 1000 scenarios x 12 criteria x 30 participants x {samples} samples");
    for method in Method::ALL {
        for (label, panel) in [
            ("weights only", None),
            ("weights + participants", Some(&panel)),
        ] {
            let (t1, a) = run(1, samples, method, panel);
            let (t2, b) = run(2, samples, method, panel);
            assert_eq!(a, b, "1 and 2 threads must agree");
            println!(
                "{method:<12} {label:<24} 1 thread {t1:8.2} s   2 threads {t2:8.2} s   speed-up {:.2}x   top P(rank 1) {:.3}",
                t1 / t2,
                a.p_first.iter().copied().fold(0.0, f64::max)
            );
        }
    }
}
