//! Reading what the monitor compares: the training data's columns, binned
//! (deciles of each numeric column, the categories of the others), and each
//! scoring batch streamed into the same bins, with its scores and, when the
//! outcomes arrived, its labels. The computations are in
//! [`crate::analysis::monitor`].

use std::collections::BTreeSet;
use std::path::Path;

use crate::analysis::monitor::{
    BatchData, Binning, Drift, FeatureCounts, PSI_BINS, bin_of, quantile_edges,
};
use crate::csvfile;
use crate::workspace::model::{Batch, Training};
use crate::workspace::validate::resolve_inside;

/// Columns `lodestar predict` may write its probability into.
pub const SCORE_COLUMNS: [&str; 4] = [
    "probability",
    "lodestar_probability",
    "lodestar_probability_2",
    "lodestar_probability_3",
];

/// Scores of the reference batch kept for its deciles: a uniform sample
/// (reservoir, fixed seed) when the batch is larger, so memory does not grow
/// with the rows.
pub const SCORE_SAMPLE: usize = 100_000;

/// Most categories a column may have and still be binned by category.
const MAX_CATEGORIES: usize = 1000;

fn cell(record: &csv::ByteRecord, i: usize) -> &str {
    record
        .get(i)
        .and_then(|c| std::str::from_utf8(c).ok())
        .map(str::trim)
        .unwrap_or("")
}

fn is_feature(training: &Training, name: &str) -> bool {
    name != training.target
        && !training.exclude.iter().any(|e| e == name)
        && (training.include.is_empty() || training.include.iter().any(|i| i == name))
}

/// Read the training data and every batch.
pub fn read(root: &Path, training: &Training, batches: &[Batch]) -> Drift {
    let mut drift = Drift::default();
    if !training.data_file.is_empty() {
        match read_training(root, training) {
            Ok(features) => drift.features = features,
            Err(e) => drift.error = Some(e),
        }
    }
    read_batches(root, training, drift, batches)
}

/// Stream `batches` into the bins of `drift` (the training data as
/// [`read`] binned it, with no batch yet).
pub fn read_batches(
    root: &Path,
    training: &Training,
    mut drift: Drift,
    batches: &[Batch],
) -> Drift {
    for (i, b) in batches.iter().enumerate() {
        let mut data = BatchData {
            date: b.date,
            file: b.file.clone(),
            ..BatchData::default()
        };
        let edges = drift.score_edges.as_deref();
        if let Err(e) = read_batch(root, training, b, i, &mut drift.features, edges, &mut data) {
            data.error = Some(e);
        }
        if drift.score_edges.is_none() && data.error.is_none() && !data.scores.is_empty() {
            // The first readable batch is the reference: its deciles bin the scores.
            let mut sorted = data.scores.clone();
            let edges = quantile_edges(&mut sorted, PSI_BINS);
            data.score_counts = count_scores(&edges, &data.scores);
            drift.score_edges = Some(edges);
        }
        drift.batches.push(data);
    }
    // Features absent from a batch count nothing there (no PSI for it).
    for f in &mut drift.features {
        f.batches.resize(batches.len(), vec![0; f.binning.len()]);
    }
    drift
}

fn read_training(root: &Path, training: &Training) -> Result<Vec<FeatureCounts>, String> {
    let path = resolve_inside(root, &training.data_file)?;
    let mut csv = csvfile::open(&path).map_err(|p| p.to_string())?;
    let columns: Vec<(usize, String)> = csv
        .header
        .iter()
        .enumerate()
        .filter(|(_, h)| is_feature(training, h))
        .map(|(i, h)| (i, h.clone()))
        .collect();
    let mut numbers: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
    let mut texts: Vec<Vec<String>> = vec![Vec::new(); columns.len()];
    let mut numeric: Vec<bool> = columns
        .iter()
        .map(|(_, h)| !training.categorical.iter().any(|c| c == h))
        .collect();
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csvfile::csv_problem(&path, &e).to_string()),
        }
        if csvfile::is_blank(&record) {
            continue;
        }
        for (k, (i, _)) in columns.iter().enumerate() {
            let c = cell(&record, *i);
            if numeric[k] {
                match csvfile::parse_number(c.as_bytes()) {
                    Ok(Some(x)) => numbers[k].push(x),
                    Ok(None) => {}
                    Err(_) => numeric[k] = false,
                }
            }
            texts[k].push(c.to_string());
        }
    }
    Ok(columns
        .into_iter()
        .enumerate()
        .filter_map(|(k, (_, name))| {
            let binning = if numeric[k] {
                Binning::Numeric(quantile_edges(&mut numbers[k], PSI_BINS))
            } else {
                let cats: BTreeSet<&str> = texts[k].iter().map(String::as_str).collect();
                if cats.len() > MAX_CATEGORIES {
                    return None;
                }
                Binning::Categories(cats.into_iter().map(str::to_string).collect())
            };
            let mut counts = vec![0u64; binning.len()];
            for t in &texts[k] {
                if let Some(b) = bin_text(&binning, t) {
                    counts[b] += 1;
                }
            }
            Some(FeatureCounts {
                feature: name,
                binning,
                training: counts,
                batches: Vec::new(),
            })
        })
        .collect())
}

/// The bin of one cell; `None` for a missing number (not counted).
fn bin_text(binning: &Binning, text: &str) -> Option<usize> {
    bin_bytes(binning, text.as_bytes())
}

/// [`bin_text`] on the raw (trimmed) bytes of a cell, without decoding it.
fn bin_bytes(binning: &Binning, cell: &[u8]) -> Option<usize> {
    match binning {
        Binning::Numeric(edges) => match csvfile::parse_number(cell) {
            Ok(Some(x)) => Some(bin_of(edges, x)),
            _ => None,
        },
        Binning::Categories(cats) => Some(
            cats.binary_search_by(|c| c.as_bytes().cmp(cell))
                .unwrap_or(cats.len()),
        ),
    }
}

fn cell_bytes(record: &csv::ByteRecord, i: usize) -> &[u8] {
    record.get(i).map(<[u8]>::trim_ascii).unwrap_or(b"")
}

fn is_positive(training: &Training, label: &str) -> Option<bool> {
    if label.is_empty() {
        return None;
    }
    if !training.positive.is_empty() {
        return Some(label == training.positive);
    }
    match label.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" => Some(true),
        "0" | "no" | "false" => Some(false),
        _ => None,
    }
}

fn count_scores(edges: &[f64], scores: &[f64]) -> Vec<u64> {
    let mut c = vec![0u64; edges.len() + 1];
    for x in scores {
        c[bin_of(edges, *x)] += 1;
    }
    c
}

/// Stream one batch into the feature bins and, once the reference batch
/// has set them (`score_edges`), the score bins: memory does not grow with
/// the rows (labelled rows excepted, which the AUC needs).
fn read_batch(
    root: &Path,
    training: &Training,
    b: &Batch,
    index: usize,
    features: &mut [FeatureCounts],
    score_edges: Option<&[f64]>,
    data: &mut BatchData,
) -> Result<(), String> {
    if let Some(edges) = score_edges {
        data.score_counts = vec![0; edges.len() + 1];
    }
    let mut sampler = crate::rng::Rng::new(0x5c0e);
    let mut seen = 0usize;
    let path = resolve_inside(root, &b.file)?;
    let mut csv = csvfile::open(&path).map_err(|p| p.to_string())?;
    let find = |name: &str| csv.header.iter().position(|h| h == name);
    let score = SCORE_COLUMNS
        .iter()
        .rev()
        .find_map(|c| find(c))
        .ok_or("no probability column (score it with `lodestar predict`)")?;
    let label = match &b.labels {
        Some(l) => Some(find(l).ok_or_else(|| format!("no column `{l}` for the labels"))?),
        None => None,
    };
    let columns: Vec<(usize, usize)> = features
        .iter()
        .enumerate()
        .filter_map(|(k, f)| find(&f.feature).map(|i| (k, i)))
        .collect();
    for f in features.iter_mut() {
        f.batches.resize(index, vec![0; f.binning.len()]);
        f.batches.push(vec![0; f.binning.len()]);
    }
    let mut record = csv::ByteRecord::new();
    loop {
        match csv.reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csvfile::csv_problem(&path, &e).to_string()),
        }
        if csvfile::is_blank(&record) {
            continue;
        }
        data.rows += 1;
        for (k, i) in &columns {
            let f = &mut features[*k];
            if let Some(bin) = bin_bytes(&f.binning, cell_bytes(&record, *i))
                && let Some(c) = f.batches[index].get_mut(bin)
            {
                *c += 1;
            }
        }
        let Ok(Some(p)) = csvfile::parse_number(cell_bytes(&record, score)) else {
            continue;
        };
        match score_edges {
            Some(edges) => data.score_counts[bin_of(edges, p)] += 1,
            None if data.scores.len() < SCORE_SAMPLE => data.scores.push(p),
            None => {
                // Reservoir sampling: every score is kept with probability
                // SCORE_SAMPLE / seen.
                let j = sampler.below(seen + 1);
                if let Some(slot) = data.scores.get_mut(j) {
                    *slot = p;
                }
            }
        }
        seen += 1;
        if let Some(l) = label
            && let Some(y) = is_positive(training, cell(&record, l))
        {
            data.labelled.push((p, y));
        }
    }
    Ok(())
}

/// The validation AUC the labelled batches are held against: the deployed
/// run's `summary.toml` when the run is under `runs/`, else the
/// `[deployment] validation-auc` written in `monitor.toml`.
pub fn validation_auc(root: &Path, model: &crate::workspace::Model) -> Option<f64> {
    let dep = model.monitor.deployment.as_ref()?;
    let from_run = crate::train::runs::run_dir(root, &dep.run)
        .ok()
        .and_then(|dir| std::fs::read_to_string(dir.join(crate::train::runs::SUMMARY_FILE)).ok())
        .and_then(|text| crate::train::runs::RunSummary::parse(&dep.run, &text).ok())
        .and_then(|s| s.val_auc);
    from_run.or(dep.validation_auc)
}

/// The whole monitoring picture of a workspace, reading the batches.
pub fn monitoring(
    root: &Path,
    model: &crate::workspace::Model,
    today: crate::workspace::Date,
) -> crate::analysis::monitor::Monitoring {
    let drift = read(root, &model.training, &model.batches);
    crate::analysis::monitor::monitor(model, &drift, validation_auc(root, model), today)
}
