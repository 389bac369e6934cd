//! Scenario scoring and ranking stability: 1,000 scenarios × 12 criteria ×
//! 100,000 Monte Carlo samples on 1 and 2 threads, and the example
//! workspace at 10,000 samples. Figures go to docs/PERFORMANCE.md.
//!
//!     cargo bench --bench scoring

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar::analysis::rng::Rng;
use lodestar::analysis::{self, Analysis, Matrix, Method, StabilityOptions};
use lodestar::workspace::Workspace;

fn big_matrix() -> (Matrix, Vec<f64>) {
    let (n, m) = (1_000, 12);
    let mut rng = Rng::new(2024);
    let raw: Vec<f64> = (0..n * m)
        .map(|_| 1.0 + (rng.uniform() * 5.0).floor().min(4.0))
        .collect();
    let cost: Vec<bool> = (0..m).map(|j| j % 4 == 3).collect();
    let matrix = Matrix::from_raw(raw, n, cost, 1.0, 5.0).expect("valid benchmark matrix");
    let weights: Vec<f64> = (0..m).map(|_| 0.2 + rng.uniform()).collect();
    (matrix, weights)
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn large(c: &mut Criterion) {
    let (matrix, weights) = big_matrix();
    let options = StabilityOptions {
        samples: 100_000,
        seed: 42,
        concentration: 100.0,
    };
    let mut g = c.benchmark_group("stability_1000x12_100k");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    for threads in [1, 2] {
        let p = pool(threads);
        for method in Method::ALL {
            g.bench_function(format!("{method}/threads={threads}"), |b| {
                b.iter(|| {
                    p.install(|| {
                        analysis::stability(black_box(&matrix), &weights, method, &options)
                    })
                    .expect("stability runs")
                })
            });
        }
    }
    g.finish();
}

fn example(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
    let model = Workspace::open(dir).expect("example workspace opens").model;
    let a = analysis::analyse(&model, None).expect("example analyses");
    let options = StabilityOptions {
        samples: 10_000,
        ..Analysis::stability_options(&model)
    };
    let mut g = c.benchmark_group("example");
    g.sample_size(20);
    g.bench_function(
        "analyse (scores, AHP, tornado, flips, revenue, coverage)",
        |b| b.iter(|| analysis::analyse(black_box(&model), None).expect("example analyses")),
    );
    for threads in [1, 2] {
        let p = pool(threads);
        g.bench_function(format!("stability 10k samples/threads={threads}"), |b| {
            b.iter(|| {
                p.install(|| {
                    analysis::stability(black_box(&a.matrix), &a.weights.values, a.method, &options)
                })
                .expect("stability runs")
            })
        });
    }
    g.finish();
}

/// Workshop votes: 50 scenarios × 12 criteria × 30 participants, every
/// participant scoring every cell. `analyse` with `source = "votes"` is what
/// the workbench runs after one vote changes (aggregation and re-ranking);
/// `summarise` adds everything `lodestar votes` shows (each participant's
/// ranking, Kendall's W, the discuss-first re-scoring of every cell).
fn votes(c: &mut Criterion) {
    use lodestar::workspace::model::{Criterion as Crit, Scenario};
    use lodestar::workspace::votes::{Ballot, CellVote, Pos};
    let (n, m, p) = (50, 12, 30);
    let mut rng = Rng::new(7);
    let mut model = lodestar::workspace::Model::default();
    model.settings.scoring.source = "votes".into();
    model.criteria = (0..m)
        .map(|j| Crit {
            id: format!("c{j}"),
            name: format!("Criterion {j}"),
            weight: 1.0 + j as f64,
            cost: j % 4 == 3,
            group: None,
            min: 1.0,
            max: 5.0,
            description: String::new(),
        })
        .collect();
    model.scenarios = (0..n)
        .map(|i| Scenario {
            id: format!("s{i}"),
            name: format!("Scenario {i}"),
            description: String::new(),
            owner: String::new(),
            status: "candidate".into(),
            strategies: Vec::new(),
            needs: Vec::new(),
            scores: (0..m).map(|j| (format!("c{j}"), 3.0)).collect(),
            features: Default::default(),
            revenue: None,
        })
        .collect();
    model.votes = (0..p)
        .map(|k| Ballot {
            participant: format!("p{k:02}"),
            name: String::new(),
            path: format!("votes/p{k:02}.toml").into(),
            scores: (0..n * m)
                .map(|x| CellVote {
                    scenario: format!("s{}", x / m),
                    criterion: format!("c{}", x % m),
                    value: 1.0 + (rng.uniform() * 5.0).floor().min(4.0),
                    pos: Pos::default(),
                })
                .collect(),
            weights: Vec::new(),
            comparisons: Vec::new(),
            problems: Vec::new(),
        })
        .collect();
    let mut g = c.benchmark_group("votes_50x12x30");
    g.sample_size(20);
    g.bench_function("one vote changes: analyse with source = votes", |b| {
        let mut k = 0;
        b.iter(|| {
            k += 1;
            model.votes[k % p].scores[k % (n * m)].value = 1.0 + (k % 5) as f64;
            analysis::analyse(black_box(&model), None).expect("analyses")
        })
    });
    g.bench_function("summarise (lodestar votes)", |b| {
        b.iter(|| analysis::votes::summarise(black_box(&model), None).expect("summarises"))
    });
    g.finish();
}

criterion_group!(benches, large, example, votes);
criterion_main!(benches);
