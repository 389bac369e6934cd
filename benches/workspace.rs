//! Workspace core on a generated workspace with 10,000 records per file:
//! open + validate, and one-field edit + atomic save.
//!
//! `cargo bench --bench workspace`. The generated workspace is left in
//! `target/bench-workspace-10k` for `bench/workspace_memory.sh`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar::workspace::{RecordKind, Target, Workspace};

const N: usize = 10_000;

fn generate(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut ws = String::from(
        "# generated for benchmarks\nname = \"Bench\"\ncurrency = \"EUR\"\ndiscount-rate = 0.1\n",
    );
    for (id, group) in [
        ("value", "value"),
        ("feasibility", "feasibility"),
        ("data", "feasibility"),
        ("risk", "feasibility"),
    ] {
        let _ = write!(
            ws,
            "\n[[criterion]]\nid = \"{id}\"\nname = \"{id}\"\nweight = 0.25\ngroup = \"{group}\"\n"
        );
    }
    let mut needs = String::from("# needs\n");
    let mut scenarios = String::from("# scenarios\n");
    let mut risks = String::from("# risks\n");
    let mut market = String::from("# market\n");
    for i in 0..N {
        let _ = write!(
            needs,
            "\n[[need]]\nid = \"need-{i:05}\"\ntitle = \"Need number {i} with a realistic title\" # note\nkind = \"business\"\npriority = \"must\"\nowner = \"Owner {i}\"\nkpi = {{ metric = \"Cost\", baseline = 4.1, target = 2.5, due = 2027-12-31 }}\n"
        );
        let _ = write!(
            scenarios,
            "\n[[scenario]]\nid = \"scn-{i:05}\"\nname = \"Scenario {i}\"\nstrategies = [\"pain-point\"]\nneeds = [\"need-{i:05}\"]\nscores = {{ value = {}, feasibility = {}, data = 3, risk = 2 }}\n\n[scenario.revenue]\nmodel = \"usage\"\nprice = 0.02\nvolume = 400000\nunit-cost = 0.006\nfixed-cost = 18000\n",
            1 + i % 5,
            1 + (i / 5) % 5
        );
        let _ = write!(
            risks,
            "\n# risk {i}\n[[risk]]\nid = \"risk-{i:05}\"\ntitle = \"Risk {i}\"\ncategory = \"technical\"\nlikelihood = {}\nimpact = {}\nresidual = {{ likelihood = 1, impact = 2 }}\nreview = 2027-01-15\nscenarios = [\"scn-{i:05}\"]\n",
            1 + i % 5,
            1 + (i / 3) % 5
        );
        let _ = write!(
            market,
            "\n[[trend]]\nid = \"trend-{i:05}\"\ntitle = \"Trend {i}\"\ntype = \"technology\"\nimpact = 3\n"
        );
    }
    for (name, text) in [
        ("workspace.toml", ws),
        ("needs.toml", needs),
        ("scenarios.toml", scenarios),
        ("risks.toml", risks),
        ("market.toml", market),
    ] {
        std::fs::write(dir.join(name), text).expect("write");
    }
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-workspace-10k")
}

fn benches(c: &mut Criterion) {
    let dir = bench_dir();
    let _ = std::fs::remove_dir_all(&dir);
    generate(&dir);
    let bytes: u64 = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!(
        "generated workspace: {} records per file, {:.1} MiB",
        N,
        bytes as f64 / 1048576.0
    );
    {
        let mut ws = Workspace::open(&dir).expect("open");
        let errors = ws.diagnostics().iter().filter(|d| d.is_error()).count();
        assert_eq!(errors, 0, "generated workspace must be valid");
    }

    let mut group = c.benchmark_group("workspace-10k");
    group.sample_size(10);
    group.bench_function("open+validate", |b| {
        b.iter(|| {
            let mut ws = Workspace::open(&dir).expect("open");
            std::hint::black_box(ws.diagnostics().len())
        })
    });

    let mut ws = Workspace::open(&dir).expect("open");
    let target = Target::Record(RecordKind::Risk, N / 2);
    let field = vec!["likelihood".to_string()];
    let mut v = 1;
    group.bench_function("edit+save", |b| {
        b.iter(|| {
            v = v % 5 + 1;
            ws.set(target, &field, &v.to_string()).expect("set");
            ws.save().expect("save");
        })
    });
    group.finish();
}

criterion_group!(workspace, benches);
criterion_main!(workspace);
