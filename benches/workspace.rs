//! Workspace core on a generated workspace with 10,000 records per file:
//! open + validate, and one-field edit + atomic save. `parse only` is the
//! floor under open + validate: the `toml` crate parsing the same files, in
//! parallel the way `Workspace::open` does, and nothing else.
//!
//! `cargo bench --bench workspace`. The generated workspace is left in
//! `target/bench-workspace-10k` for `benches/workspace_memory.sh`.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use lodestar::workspace::{FileKind, RecordKind, Target, Workspace};

#[path = "generate.rs"]
mod generate;
use generate::{N, generate};

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
    // The workspace is dropped outside the timed part: freeing 40,000
    // records is not opening them (`lodestar check` skips it altogether,
    // and the workbench frees it only when it quits). `drop` below
    // measures it on its own.
    group.bench_function("open+validate", |b| {
        b.iter_with_large_drop(|| {
            let mut ws = Workspace::open(&dir).expect("open");
            let problems = ws.diagnostics().len();
            std::hint::black_box(problems);
            ws
        })
    });
    group.bench_function("parse only", |b| {
        use rayon::prelude::*;
        b.iter(|| {
            FileKind::ALL.par_iter().for_each(|kind| {
                let text = std::fs::read_to_string(dir.join(kind.file_name())).unwrap_or_default();
                let root = toml::de::DeTable::parse(&text).expect("parses");
                std::hint::black_box(root.get_ref().len());
            })
        })
    });
    group.bench_function("drop", |b| {
        b.iter_batched(
            || Workspace::open(&dir).expect("open"),
            drop,
            criterion::BatchSize::PerIteration,
        )
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
