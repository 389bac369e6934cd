//! How sure is the ranking? Monte Carlo over the weights (Dirichlet around
//! the current weights), a tornado of ±δ weight changes, and the smallest
//! single-weight change that makes another scenario win.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::AnalysisError;
use super::rng::Rng;
use super::scoring::{
    Matrix, Method, checked_weights, clearly_above, competition_ranks, normalise, rank,
};

/// Samples per chunk. Each chunk draws from its own random stream, seeded
/// from (seed, chunk index), so results do not depend on which thread runs
/// which chunk, nor on how many threads there are.
pub const CHUNK: u64 = 1000;

/// Monte Carlo settings (from `[scoring]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StabilityOptions {
    pub samples: u64,
    pub seed: u64,
    /// Dirichlet concentration: αⱼ = concentration · wⱼ. Higher means the
    /// sampled weights stay closer to the current ones.
    pub concentration: f64,
}

impl Default for StabilityOptions {
    fn default() -> Self {
        StabilityOptions {
            samples: 10_000,
            seed: 42,
            concentration: 100.0,
        }
    }
}

/// Progress of a running Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

impl Progress {
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        }
    }
}

/// Ranking stability per scenario (matrix order).
#[derive(Debug, Clone, PartialEq)]
pub struct Stability {
    pub options: StabilityOptions,
    /// Share of samples in which the scenario ranks first (a k-way tie for
    /// first, within [`TIE`](super::scoring::TIE), gives each 1/k). Sums to 1.
    pub p_first: Vec<f64>,
    /// 5th, 50th and 95th percentile rank (nearest-rank method).
    pub rank_p5: Vec<usize>,
    pub rank_median: Vec<usize>,
    pub rank_p95: Vec<usize>,
    pub mean_rank: Vec<f64>,
    /// Rank histogram: `rank_counts[i][r]` = samples with scenario i at rank r + 1.
    pub rank_counts: Vec<Vec<u32>>,
    /// With the participant bootstrap ([`Panel`]): how many participants
    /// each sample drew. `None`: only the weights were resampled.
    pub participants: Option<usize>,
}

/// Monte Carlo without progress reports or cancellation.
pub fn stability(
    matrix: &Matrix,
    weights: &[f64],
    method: Method,
    options: &StabilityOptions,
) -> Result<Stability, AnalysisError> {
    stability_with(
        matrix,
        weights,
        method,
        options,
        &|_| {},
        &AtomicBool::new(false),
    )
}

/// Monte Carlo over the weights, in parallel on the current rayon pool (run
/// it inside `ThreadPool::install` to choose the threads).
///
/// `progress` is called from worker threads after each chunk of
/// [`CHUNK`] samples; `cancel` is checked before each chunk, and a
/// cancelled run returns [`AnalysisError::Cancelled`].
pub fn stability_with(
    matrix: &Matrix,
    weights: &[f64],
    method: Method,
    options: &StabilityOptions,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<Stability, AnalysisError> {
    stability_panel(matrix, weights, method, options, None, progress, cancel)
}

/// [`stability_with`], resampling the participants too when a [`Panel`]
/// of the workshop votes is given: each sample draws Dirichlet weights,
/// then the participants (with replacement), from the same seeded stream
/// of its chunk, so the result is the same for any number of threads.
pub fn stability_panel(
    matrix: &Matrix,
    weights: &[f64],
    method: Method,
    options: &StabilityOptions,
    panel: Option<&Panel>,
    progress: &(dyn Fn(Progress) + Sync),
    cancel: &AtomicBool,
) -> Result<Stability, AnalysisError> {
    let w = checked_weights(matrix, weights)?;
    if let Some(p) = panel
        && (p.min.len() != matrix.n_criteria()
            || p.cells.last().is_some_and(|&k| k >= matrix.raw.len()))
    {
        return Err(AnalysisError::BadSetting {
            name: "participants",
            value: p.participants.to_string(),
            reason: "the votes do not match the scenarios and criteria scored",
        });
    }
    if options.samples == 0 {
        return Err(AnalysisError::BadSetting {
            name: "samples",
            value: "0".into(),
            reason: "at least one sample is needed",
        });
    }
    if !(options.concentration.is_finite() && options.concentration > 0.0) {
        return Err(AnalysisError::BadSetting {
            name: "concentration",
            value: options.concentration.to_string(),
            reason: "must be a positive number",
        });
    }
    let n = matrix.n_scenarios();
    let alpha: Vec<f64> = w.iter().map(|w| options.concentration * w).collect();
    let total = options.samples;
    let chunks = total.div_ceil(CHUNK);
    let done = AtomicU64::new(0);
    let tally = (0..chunks)
        .into_par_iter()
        .fold(
            || Tally::new(n),
            |mut t, c| {
                if cancel.load(Ordering::Relaxed) {
                    t.cancelled = true;
                    return t;
                }
                let len = CHUNK.min(total - c * CHUNK);
                let sampler = Sampler {
                    matrix,
                    base: &w,
                    alpha: &alpha,
                    method,
                    panel,
                };
                sampler.run_chunk(options.seed, c, len, &mut t);
                let d = done.fetch_add(len, Ordering::Relaxed) + len;
                progress(Progress { done: d, total });
                t
            },
        )
        .reduce(|| Tally::new(n), Tally::merge);
    if tally.cancelled || cancel.load(Ordering::Relaxed) {
        return Err(AnalysisError::Cancelled);
    }
    let mut out = tally.finish(options, total);
    out.participants = panel.map(Panel::participants);
    Ok(out)
}

/// Per-thread accumulators. Counts are integers (order-free); the
/// fractional first-place shares are kept per chunk and summed in chunk
/// order at the end, so the result is bit-identical for any thread count.
struct Tally {
    n: usize,
    hist: Vec<u32>,
    firsts: Vec<(u64, Vec<f64>)>,
    cancelled: bool,
}

impl Tally {
    fn new(n: usize) -> Tally {
        Tally {
            n,
            hist: Vec::new(),
            firsts: Vec::new(),
            cancelled: false,
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        if self.hist.is_empty() {
            self.hist = other.hist;
        } else if !other.hist.is_empty() {
            for (a, b) in self.hist.iter_mut().zip(&other.hist) {
                *a += b;
            }
        }
        self.firsts.extend(other.firsts);
        self.cancelled |= other.cancelled;
        self
    }

    fn finish(mut self, options: &StabilityOptions, total: u64) -> Stability {
        let n = self.n;
        if self.hist.is_empty() {
            self.hist = vec![0; n * n];
        }
        self.firsts.sort_by_key(|(c, _)| *c);
        let mut p_first = vec![0.0; n];
        for (_, f) in &self.firsts {
            for (p, x) in p_first.iter_mut().zip(f) {
                *p += x;
            }
        }
        p_first.iter_mut().for_each(|p| *p /= total as f64);
        let rank_counts: Vec<Vec<u32>> = self
            .hist
            .chunks_exact(n.max(1))
            .map(<[u32]>::to_vec)
            .collect();
        let pct = |q: f64| -> Vec<usize> {
            let need = ((q * total as f64).ceil() as u64).max(1);
            rank_counts
                .iter()
                .map(|row| {
                    let mut cum = 0u64;
                    for (r, &c) in row.iter().enumerate() {
                        cum += u64::from(c);
                        if cum >= need {
                            return r + 1;
                        }
                    }
                    n
                })
                .collect()
        };
        Stability {
            options: *options,
            rank_p5: pct(0.05),
            rank_median: pct(0.5),
            rank_p95: pct(0.95),
            mean_rank: rank_counts
                .iter()
                .map(|row| {
                    let sum: u64 = row
                        .iter()
                        .enumerate()
                        .map(|(r, &c)| (r as u64 + 1) * u64::from(c))
                        .sum();
                    sum as f64 / total as f64
                })
                .collect(),
            p_first,
            rank_counts,
            participants: None,
        }
    }
}

/// Sort keys for one sample's scores, best first. A score's bits (scores
/// are 0–100, and the bits of a non-negative float sort like the float)
/// with the lowest bits given to the scenario index; scores whose keys
/// tie are within 2⁻⁴³ of each other relative (1,000 scenarios), and
/// [`Keys::fill`] puts them in exact score order. One `u64` per scenario
/// sorts several times faster than (score, index) pairs.
struct Keys {
    index_bits: u32,
    /// Low bits of the score dropped to make room for the index.
    drop_bits: u32,
    keys: Vec<u64>,
    /// Scratch for the bucket pass.
    spare: Vec<u64>,
    bucket: Vec<u32>,
    counts: Vec<u32>,
}

/// The bits of the best score, 100; every score's bits are at most this.
const TOP: u64 = 0x4059_0000_0000_0000;

impl Keys {
    fn new(n: usize) -> Keys {
        let index_bits = usize::BITS - n.saturating_sub(1).leading_zeros();
        let index_bits = index_bits.max(1);
        // TOP − bits < 2⁶³ leaves one bit to spare.
        let drop_bits = index_bits - 1;
        // A power of two, about the number of keys.
        let buckets = n.next_power_of_two().max(2);
        Keys {
            index_bits,
            drop_bits,
            keys: vec![0; n],
            spare: vec![0; n],
            bucket: vec![0; n],
            counts: vec![0; buckets + 1],
        }
    }

    /// Keys of `scores` in exact score order, best first, ties by index.
    fn fill(&mut self, scores: &[f64]) {
        debug_assert_eq!(TOP, 100f64.to_bits());
        for (k, (key, s)) in self.keys.iter_mut().zip(scores).enumerate() {
            // + 0.0 turns −0.0 into 0.0; scores are never NaN.
            let bits = (s.clamp(0.0, 100.0) + 0.0).to_bits();
            *key = (TOP.saturating_sub(bits) >> self.drop_bits << self.index_bits) | k as u64;
        }
        self.sort();
        self.refine(scores);
    }

    /// Runs of keys whose dropped bits hid a difference, ordered by the
    /// exact score. They are rare and short (almost always exact ties,
    /// already in index order).
    fn refine(&mut self, scores: &[f64]) {
        let mask = (1u64 << self.index_bits) - 1;
        let shift = self.index_bits;
        let mut k = 1;
        while k < self.keys.len() {
            if (self.keys[k - 1] ^ self.keys[k]) >> shift != 0 {
                k += 1;
                continue;
            }
            let start = k - 1;
            let q = self.keys[start] >> shift;
            while k < self.keys.len() && self.keys[k] >> shift == q {
                k += 1;
            }
            self.keys[start..k].sort_by(|&a, &b| {
                let (i, j) = ((a & mask) as usize, (b & mask) as usize);
                scores[j].total_cmp(&scores[i]).then(i.cmp(&j))
            });
        }
    }

    /// One bucket pass over the sample's key range, then each bucket
    /// sorted: n to 2n buckets for n keys, so most hold 0–2 keys.
    fn sort(&mut self) {
        let n = self.keys.len();
        if n < 64 {
            self.keys.sort_unstable();
            return;
        }
        let (lo, hi) = self
            .keys
            .iter()
            .fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
        // Bucket = the top bits of (key − lo): a shift, no division.
        let buckets = self.counts.len() - 1;
        let bits = u64::BITS - (hi - lo).leading_zeros();
        let shift = bits.saturating_sub(buckets.trailing_zeros());
        self.counts.fill(0);
        for (&k, b) in self.keys.iter().zip(self.bucket.iter_mut()) {
            *b = ((k - lo) >> shift) as u32;
            self.counts[*b as usize + 1] += 1;
        }
        for b in 1..=buckets {
            self.counts[b] += self.counts[b - 1];
        }
        for (&k, &b) in self.keys.iter().zip(&self.bucket) {
            let slot = &mut self.counts[b as usize];
            self.spare[*slot as usize] = k;
            *slot += 1;
        }
        // counts[b] is now the end of bucket b (and the start of b + 1).
        let mut start = 0;
        for b in 0..buckets {
            let end = self.counts[b] as usize;
            match end - start {
                0 | 1 => {}
                2 => {
                    if self.spare[start] > self.spare[start + 1] {
                        self.spare.swap(start, start + 1);
                    }
                }
                _ => insertion_sort(&mut self.spare[start..end]),
            }
            start = end;
        }
        std::mem::swap(&mut self.keys, &mut self.spare);
    }

    fn index(&self, key: u64) -> usize {
        (key & ((1u64 << self.index_bits) - 1)) as usize
    }
}

/// Insertion sort: the buckets are tiny (a large one only when many
/// scenarios tie, and then the keys arrive already in index order).
fn insertion_sort(v: &mut [u64]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// Ranks one sample's scores as [`competition_ranks`] does, calling
/// `count(scenario, rank − 1)` for each; returns how many tie for first
/// (they lead `keys.keys`).
fn rank_sample(keys: &mut Keys, scores: &[f64], mut count: impl FnMut(usize, usize)) -> usize {
    keys.fill(scores);
    // `above` counts the scores clearly above the current one: a prefix of
    // the keys, which only grows as the scores fall.
    let mut above = 0;
    let mut prev = scores[keys.index(keys.keys[0])];
    let mut top = 0;
    for (pos, &k) in keys.keys.iter().enumerate() {
        let i = keys.index(k);
        let x = scores[i];
        if clearly_above(prev, x) {
            // Then so is every score before it.
            above = pos;
        } else {
            while clearly_above(scores[keys.index(keys.keys[above])], x) {
                above += 1;
            }
        }
        prev = x;
        if above == 0 {
            top += 1;
        }
        count(i, above);
    }
    top
}

/// What every chunk samples from.
struct Sampler<'a> {
    matrix: &'a Matrix,
    base: &'a [f64],
    alpha: &'a [f64],
    method: Method,
    panel: Option<&'a Panel>,
}

impl Sampler<'_> {
    fn run_chunk(&self, seed: u64, chunk: u64, len: u64, t: &mut Tally) {
        let matrix = self.matrix;
        let n = matrix.n_scenarios();
        if t.hist.is_empty() {
            t.hist = vec![0; n * n];
        }
        let mut rng = Rng::for_stream(seed, chunk);
        let mut w = vec![0.0; self.base.len()];
        let mut scores = vec![0.0; n];
        let mut keys = Keys::new(n);
        let mut first = vec![0.0; n];
        let mut raw = matrix.raw.clone();
        let mut counts = vec![0u32; self.panel.map_or(0, Panel::participants)];
        let mut scratch = Scratch::default();
        for _ in 0..len {
            if !rng.dirichlet(self.alpha, &mut w) {
                w.copy_from_slice(self.base);
            }
            match self.panel {
                None => matrix.scores_into(&w, self.method, &mut scores),
                Some(panel) => {
                    counts.fill(0);
                    let p = counts.len();
                    for _ in 0..p {
                        counts[rng.below(p)] += 1;
                    }
                    for (c, &k) in panel.cells.iter().enumerate() {
                        raw[k] = panel.aggregate(c, &counts).unwrap_or(matrix.raw[k]);
                    }
                    scores_from_raw(panel, &raw, &w, self.method, &mut scratch, &mut scores);
                }
            }
            let top = rank_sample(&mut keys, &scores, |i, r| t.hist[i * n + r] += 1);
            let share = 1.0 / top as f64;
            for &k in &keys.keys[..top] {
                first[keys.index(k)] += share;
            }
        }
        t.firsts.push((chunk, first));
    }
}

/// Workshop votes prepared for the participant bootstrap: each sample draws
/// as many participants as voted, with replacement (whole participants, so
/// one person's scores stay together), and re-aggregates every voted cell
/// from the drawn participants' votes — a participant drawn twice counts
/// twice. A cell none of whose voters was drawn keeps its group value.
/// Built by [`votes::panel`](super::votes::panel) from a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    participants: usize,
    mean: bool,
    /// Per criterion: its scale and direction.
    min: Vec<f64>,
    max: Vec<f64>,
    cost: Vec<bool>,
    /// Voted cells (row-major index scenario × criterion); the votes of
    /// `cells[c]` are `who/value[start[c]..start[c + 1]]`, by value.
    cells: Vec<usize>,
    start: Vec<usize>,
    who: Vec<u16>,
    value: Vec<f64>,
}

/// The most participants a panel takes (a vote's participant is a `u16`).
pub const MAX_PARTICIPANTS: usize = 60_000;

impl Panel {
    /// `participants` people; `scales` per criterion (min, max, cost);
    /// `votes` as (scenario, criterion, participant, raw score), each
    /// participant at most once per cell; `mean` aggregates by the mean
    /// instead of the median.
    pub fn new(
        participants: usize,
        n_scenarios: usize,
        scales: &[(f64, f64, bool)],
        votes: &[(usize, usize, usize, f64)],
        mean: bool,
    ) -> Result<Panel, AnalysisError> {
        let bad = |reason| AnalysisError::BadSetting {
            name: "participants",
            value: participants.to_string(),
            reason,
        };
        if participants == 0 {
            return Err(bad("the bootstrap needs at least one participant's votes"));
        }
        if participants > MAX_PARTICIPANTS {
            return Err(bad("the bootstrap takes at most 60000 participants"));
        }
        let m = scales.len();
        let mut grid: Vec<Vec<(u16, f64)>> = vec![Vec::new(); n_scenarios * m];
        for &(i, j, p, v) in votes {
            if i < n_scenarios && j < m && p < participants && v.is_finite() {
                let (lo, hi, _) = scales[j];
                grid[i * m + j].push((p as u16, v.clamp(lo, hi)));
            }
        }
        let mut panel = Panel {
            participants,
            mean,
            min: scales.iter().map(|s| s.0).collect(),
            max: scales.iter().map(|s| s.1).collect(),
            cost: scales.iter().map(|s| s.2).collect(),
            cells: Vec::new(),
            start: vec![0],
            who: Vec::new(),
            value: Vec::new(),
        };
        for (k, mut v) in grid.into_iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            panel.cells.push(k);
            panel.who.extend(v.iter().map(|x| x.0));
            panel.value.extend(v.iter().map(|x| x.1));
            panel.start.push(panel.who.len());
        }
        Ok(panel)
    }

    pub fn participants(&self) -> usize {
        self.participants
    }

    /// Feed everything the bootstrap depends on to `h` (the workbench's
    /// key for a stale run).
    pub fn hash_into(&self, h: &mut impl std::hash::Hasher) {
        use std::hash::Hash;
        (
            self.participants,
            self.mean,
            &self.cost,
            &self.cells,
            &self.start,
            &self.who,
        )
            .hash(h);
        for x in self.min.iter().chain(&self.max).chain(&self.value) {
            x.to_bits().hash(h);
        }
    }

    /// Raw value of voted cell `c` with participant `p` counted `counts[p]`
    /// times: the median (type 7, as [`quantile`](super::votes::quantile))
    /// or the mean; `None` when no counted participant voted on it.
    fn aggregate(&self, c: usize, counts: &[u32]) -> Option<f64> {
        let range = self.start[c]..self.start[c + 1];
        let who = &self.who[range.clone()];
        let value = &self.value[range];
        let total: u32 = who.iter().map(|&p| counts[p as usize]).sum();
        if total == 0 {
            return None;
        }
        if self.mean {
            let sum: f64 = who
                .iter()
                .zip(value)
                .map(|(&p, &v)| f64::from(counts[p as usize]) * v)
                .sum();
            return Some(sum / f64::from(total));
        }
        // Order statistics lo and lo + 1 (0-based) of the expanded votes.
        let lo = (total - 1) / 2;
        let hi = if (total - 1) % 2 == 1 { lo + 1 } else { lo };
        let (mut a, mut cum) = (None, 0u32);
        for (&p, &v) in who.iter().zip(value) {
            cum += counts[p as usize];
            if a.is_none() && cum > lo {
                a = Some(v);
            }
            if cum > hi {
                let a = a.unwrap_or(v);
                return Some(a + 0.5 * (v - a));
            }
        }
        a
    }
}

/// Scores of every scenario from raw (row-major) scores, as
/// [`Matrix::scores_into`] computes them from the raw scores it holds (the
/// same operations in the same order; TOPSIS indexes by scenario and
/// criterion like `Matrix`'s preparation does).
#[allow(clippy::needless_range_loop)]
fn scores_from_raw(
    panel: &Panel,
    raw: &[f64],
    w: &[f64],
    method: Method,
    scratch: &mut Scratch,
    out: &mut [f64],
) {
    let m = panel.min.len();
    let n = out.len();
    match method {
        Method::WeightedSum => {
            out.fill(0.0);
            for (o, row) in out.iter_mut().zip(raw.chunks_exact(m)) {
                for (j, (&x, &wj)) in row.iter().zip(w).enumerate() {
                    *o += wj * normalise(x, panel.min[j], panel.max[j], panel.cost[j]);
                }
            }
        }
        Method::Topsis => {
            let Scratch {
                norms,
                best,
                worst,
                dm,
            } = scratch;
            norms.clear();
            norms.resize(m, 0.0);
            let shifted = |k: usize| {
                let min = panel.min[k % m];
                if min < 0.0 { raw[k] - min } else { raw[k] }
            };
            for i in 0..n {
                for j in 0..m {
                    norms[j] += shifted(i * m + j).powi(2);
                }
            }
            norms.iter_mut().for_each(|d| *d = d.sqrt());
            let r = |i: usize, j: usize| {
                let d = norms[j];
                if d > 0.0 { shifted(i * m + j) / d } else { 0.0 }
            };
            best.clear();
            worst.clear();
            for j in 0..m {
                let col = (0..n).map(|i| r(i, j));
                let hi = col.clone().fold(f64::NEG_INFINITY, f64::max);
                let lo = col.fold(f64::INFINITY, f64::min);
                let (b, x) = if panel.cost[j] { (lo, hi) } else { (hi, lo) };
                best.push(b);
                worst.push(x);
            }
            dm.clear();
            dm.resize(n, 0.0);
            out.fill(0.0);
            for j in 0..m {
                let w2 = w[j] * w[j];
                for i in 0..n {
                    out[i] += w2 * (r(i, j) - best[j]).powi(2);
                }
                for i in 0..n {
                    dm[i] += w2 * (r(i, j) - worst[j]).powi(2);
                }
            }
            for (o, dm) in out.iter_mut().zip(dm.iter()) {
                let (dp, dn) = (o.sqrt(), dm.sqrt());
                let d = dp + dn;
                *o = if d > 0.0 { 100.0 * dn / d } else { 50.0 };
            }
        }
    }
}

#[derive(Default)]
struct Scratch {
    norms: Vec<f64>,
    best: Vec<f64>,
    worst: Vec<f64>,
    dm: Vec<f64>,
}

/// Scores and ranks with one criterion's weight moved by ±δ (relative).
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    pub criterion: usize,
    /// The criterion's normalised weight now, and after −δ and +δ
    /// (renormalised, so the others move too).
    pub weight: f64,
    pub weight_low: f64,
    pub weight_high: f64,
    /// Per scenario, under the lowered and the raised weight.
    pub scores_low: Vec<f64>,
    pub scores_high: Vec<f64>,
    pub ranks_low: Vec<usize>,
    pub ranks_high: Vec<usize>,
}

impl TornadoBar {
    /// Score swing of scenario `i`: |high − low|.
    pub fn swing(&self, i: usize) -> f64 {
        match (self.scores_high.get(i), self.scores_low.get(i)) {
            (Some(h), Some(l)) => (h - l).abs(),
            _ => 0.0,
        }
    }

    /// Best and worst rank scenario `i` reaches across the two moves.
    pub fn rank_range(&self, i: usize) -> (usize, usize) {
        let a = self.ranks_low.get(i).copied().unwrap_or(0);
        let b = self.ranks_high.get(i).copied().unwrap_or(0);
        (a.min(b), a.max(b))
    }
}

/// One bar per criterion: its weight × (1 − δ) and × (1 + δ), all weights
/// renormalised to sum to 1. `delta` is relative (0.1 = ±10 %).
pub fn tornado(
    matrix: &Matrix,
    weights: &[f64],
    method: Method,
    delta: f64,
) -> Result<Vec<TornadoBar>, AnalysisError> {
    let w = checked_weights(matrix, weights)?;
    if !(delta.is_finite() && (0.0..=1.0).contains(&delta)) {
        return Err(AnalysisError::BadSetting {
            name: "delta",
            value: delta.to_string(),
            reason: "must be between 0 and 1",
        });
    }
    let moved = |j: usize, factor: f64| -> Vec<f64> {
        let mut v = w.clone();
        v[j] *= factor;
        let s: f64 = v.iter().sum();
        if s > 0.0 {
            v.iter().map(|x| x / s).collect()
        } else {
            w.clone()
        }
    };
    Ok((0..matrix.n_criteria())
        .map(|j| {
            let lo = moved(j, 1.0 - delta);
            let hi = moved(j, 1.0 + delta);
            let scores_low = matrix.scores(&lo, method);
            let scores_high = matrix.scores(&hi, method);
            TornadoBar {
                criterion: j,
                weight: w[j],
                weight_low: lo[j],
                weight_high: hi[j],
                ranks_low: competition_ranks(&scores_low),
                ranks_high: competition_ranks(&scores_high),
                scores_low,
                scores_high,
            }
        })
        .collect())
}

/// Where changing one criterion's weight makes another scenario at least
/// as good as the current winner.
#[derive(Debug, Clone, PartialEq)]
pub struct Flip {
    pub criterion: usize,
    /// The criterion's normalised weight now and at the flip (the other
    /// weights keep their proportions and fill the rest up to 1).
    pub from: f64,
    pub to: f64,
    /// The current winner and the scenario that catches it.
    pub winner: usize,
    pub rival: usize,
}

impl Flip {
    /// Absolute change in the weight (signed).
    pub fn change(&self) -> f64 {
        self.to - self.from
    }

    /// Change relative to the current weight, when it is not zero.
    pub fn relative(&self) -> Option<f64> {
        (self.from > 0.0).then(|| self.change() / self.from)
    }
}

/// The flip with the smallest absolute weight change.
pub fn smallest_flip(flips: &[Option<Flip>]) -> Option<&Flip> {
    flips
        .iter()
        .flatten()
        .min_by(|a, b| a.change().abs().total_cmp(&b.change().abs()))
}

/// Weights with criterion `j` set to `x` and the others scaled to sum to
/// 1 − x in their current proportions (equal shares when they are all 0).
fn weights_at(w: &[f64], j: usize, x: f64) -> Vec<f64> {
    let rest = 1.0 - w[j];
    let m = w.len();
    w.iter()
        .enumerate()
        .map(|(k, &wk)| {
            if k == j {
                x
            } else if rest > 1e-12 {
                (1.0 - x) * wk / rest
            } else {
                (1.0 - x) / (m as f64 - 1.0)
            }
        })
        .collect()
}

/// For each criterion, the nearest weight (in either direction) at which
/// another scenario catches up with the winner; `None` when no weight in
/// [0, 1] does it. Exact for the weighted sum (scores are linear in the
/// weight); for TOPSIS a scan in steps of 0.0025 refined by bisection.
pub fn flips(
    matrix: &Matrix,
    weights: &[f64],
    method: Method,
) -> Result<Vec<Option<Flip>>, AnalysisError> {
    let w = checked_weights(matrix, weights)?;
    let m = matrix.n_criteria();
    let n = matrix.n_scenarios();
    if n < 2 || m < 2 {
        return Ok(vec![None; m]);
    }
    let winner = rank(matrix, &w, method)?.winner();
    Ok((0..m)
        .map(|j| match method {
            Method::WeightedSum => flip_linear(matrix, &w, j, winner),
            Method::Topsis => flip_scan(matrix, &w, j, winner, method),
        })
        .collect())
}

fn flip_linear(matrix: &Matrix, w: &[f64], j: usize, winner: usize) -> Option<Flip> {
    // s_i(x) = x · n_ij + (1 − x) · R_i, R_i = score under the others' weights alone.
    let rest = weights_at(w, j, 0.0);
    let r = matrix.scores(&rest, Method::WeightedSum);
    let from = w[j];
    let mut best: Option<Flip> = None;
    for i in (0..matrix.n_scenarios()).filter(|&i| i != winner) {
        let a = matrix.normalised(i, j) - matrix.normalised(winner, j);
        let b = r[i] - r[winner];
        // D(x) = b + x (a − b) ≥ 0 means the rival catches up.
        let to = if (a - b).abs() < 1e-12 {
            if b >= -1e-12 { from } else { continue }
        } else {
            let x = -b / (a - b);
            if !(-1e-12..=1.0 + 1e-12).contains(&x) {
                continue;
            }
            x.clamp(0.0, 1.0)
        };
        if best
            .as_ref()
            .is_none_or(|f| (to - from).abs() < f.change().abs())
        {
            best = Some(Flip {
                criterion: j,
                from,
                to,
                winner,
                rival: i,
            });
        }
    }
    best
}

fn flip_scan(matrix: &Matrix, w: &[f64], j: usize, winner: usize, method: Method) -> Option<Flip> {
    let from = w[j];
    // The best rival at x, when it ties with the winner or beats it.
    let caught = |x: f64| -> Option<usize> {
        let s = matrix.scores(&weights_at(w, j, x), method);
        let (rival, best) = s
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != winner)
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(&a.0)))?;
        (!clearly_above(s[winner], *best)).then_some(rival)
    };
    if let Some(rival) = caught(from) {
        return Some(Flip {
            criterion: j,
            from,
            to: from,
            winner,
            rival,
        });
    }
    const STEP: f64 = 0.0025;
    let mut found: Vec<Flip> = Vec::new();
    for dir in [1.0, -1.0] {
        let mut prev = from;
        loop {
            let x = (prev + dir * STEP).clamp(0.0, 1.0);
            if caught(x).is_some() {
                // Bisect between prev (not caught) and x (caught).
                let (mut lo, mut hi) = (prev, x);
                for _ in 0..60 {
                    let mid = 0.5 * (lo + hi);
                    if caught(mid).is_some() {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                if let Some(rival) = caught(hi) {
                    found.push(Flip {
                        criterion: j,
                        from,
                        to: hi,
                        winner,
                        rival,
                    });
                }
                break;
            }
            if x == 0.0 || x == 1.0 {
                break;
            }
            prev = x;
        }
    }
    found
        .into_iter()
        .min_by(|a, b| a.change().abs().total_cmp(&b.change().abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rng::Rng;
    use proptest::prelude::*;

    fn fixture() -> Matrix {
        #[rustfmt::skip]
        let raw = vec![
            5.0, 2.0, 4.0,
            3.0, 4.0, 2.0,
            1.0, 5.0, 1.0,
            2.0, 2.0, 5.0,
        ];
        Matrix::from_raw(raw, 4, vec![false, false, true], 1.0, 5.0).unwrap()
    }

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn p_first_sums_to_one_and_percentiles_are_ordered() {
        let m = fixture();
        let opts = StabilityOptions {
            samples: 5_500,
            seed: 9,
            concentration: 20.0,
        };
        let s = stability(&m, &[0.5, 0.3, 0.2], Method::WeightedSum, &opts).unwrap();
        assert!((s.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for i in 0..4 {
            assert!(s.rank_p5[i] <= s.rank_median[i] && s.rank_median[i] <= s.rank_p95[i]);
            assert_eq!(
                s.rank_counts[i].iter().map(|&c| u64::from(c)).sum::<u64>(),
                5_500
            );
        }
        // Scenario 4 is dominated by scenario 1... except on criterion 2; it
        // should essentially never win.
        assert!(s.p_first[3] < 0.01);
    }

    #[test]
    fn identical_scenarios_share_first_place() {
        let m =
            Matrix::from_raw(vec![4.0, 2.0, 4.0, 2.0], 2, vec![false, false], 1.0, 5.0).unwrap();
        let s = stability(
            &m,
            &[1.0, 1.0],
            Method::WeightedSum,
            &StabilityOptions::default(),
        )
        .unwrap();
        assert_eq!(s.p_first, vec![0.5, 0.5]);
        assert_eq!(s.rank_p95, vec![1, 1]);
    }

    #[test]
    fn cancel_and_progress() {
        let m = fixture();
        let opts = StabilityOptions {
            samples: 10_000,
            seed: 1,
            concentration: 50.0,
        };
        let seen = AtomicU64::new(0);
        let s = stability_with(
            &m,
            &[1.0, 1.0, 1.0],
            Method::Topsis,
            &opts,
            &|p| {
                seen.fetch_max(p.done, Ordering::Relaxed);
            },
            &AtomicBool::new(false),
        );
        assert!(s.is_ok());
        assert_eq!(seen.load(Ordering::Relaxed), 10_000);
        let cancelled = stability_with(
            &m,
            &[1.0, 1.0, 1.0],
            Method::Topsis,
            &opts,
            &|_| {},
            &AtomicBool::new(true),
        );
        assert_eq!(cancelled.unwrap_err(), AnalysisError::Cancelled);
    }

    #[test]
    fn bad_options_are_errors() {
        let m = fixture();
        let w = [1.0, 1.0, 1.0];
        let zero = StabilityOptions {
            samples: 0,
            ..Default::default()
        };
        assert!(matches!(
            stability(&m, &w, Method::WeightedSum, &zero),
            Err(AnalysisError::BadSetting { .. })
        ));
        let flat = StabilityOptions {
            concentration: 0.0,
            ..Default::default()
        };
        assert!(matches!(
            stability(&m, &w, Method::WeightedSum, &flat),
            Err(AnalysisError::BadSetting { .. })
        ));
        assert!(matches!(
            tornado(&m, &w, Method::WeightedSum, 2.0),
            Err(AnalysisError::BadSetting { .. })
        ));
    }

    #[test]
    fn tornado_by_hand() {
        // Weights 0.5, 0.3, 0.2; criterion 1 × 1.1 → 0.55 / 1.05.
        let m = fixture();
        let bars = tornado(&m, &[0.5, 0.3, 0.2], Method::WeightedSum, 0.1).unwrap();
        assert_eq!(bars.len(), 3);
        let b = &bars[0];
        assert!((b.weight_high - 0.55 / 1.05).abs() < 1e-12);
        assert!((b.weight_low - 0.45 / 0.95).abs() < 1e-12);
        // Scenario 1 (normalised 100, 25, 25): high = (55 + 7.5 + 5) / 1.05.
        assert!((b.scores_high[0] - 67.5 / 1.05).abs() < 1e-9);
        // Scenario 2 (50, 75, 75): low = (22.5 + 22.5 + 15) / 0.95.
        assert!((b.scores_low[1] - 60.0 / 0.95).abs() < 1e-9);
        // At 0.5/0.3/0.2 scenarios 1 and 2 tie (62.5); raising criterion 1 puts 1 ahead.
        assert_eq!(b.ranks_high[0], 1);
        assert_eq!(b.ranks_low[1], 1);
    }

    #[test]
    fn flip_by_hand() {
        // Two scenarios, two criteria: A = (100, 0), B = (0, 100) normalised.
        // Weights 0.6 / 0.4: A wins 60 to 40; they tie when w1 = 0.5.
        let m =
            Matrix::from_raw(vec![5.0, 1.0, 1.0, 5.0], 2, vec![false, false], 1.0, 5.0).unwrap();
        for method in Method::ALL {
            let f = flips(&m, &[0.6, 0.4], method).unwrap();
            let f0 = f[0].clone().unwrap();
            assert_eq!((f0.winner, f0.rival), (0, 1));
            assert!((f0.to - 0.5).abs() < 1e-9, "{method}: {f0:?}");
            assert!((f0.change() + 0.1).abs() < 1e-9);
            let f1 = f[1].clone().unwrap();
            assert!((f1.to - 0.5).abs() < 1e-9);
            let s = smallest_flip(&f).unwrap();
            assert!((s.change().abs() - 0.1).abs() < 1e-9);
        }
        // A scenario best on every criterion never loses.
        let dom =
            Matrix::from_raw(vec![5.0, 5.0, 1.0, 2.0], 2, vec![false, false], 1.0, 5.0).unwrap();
        let f = flips(&dom, &[0.5, 0.5], Method::WeightedSum).unwrap();
        assert_eq!(f, vec![None, None]);
    }

    /// Scores with exact ties, last-bit differences and near-ties either
    /// side of [`TIE`](crate::analysis::scoring::TIE), as real samples have.
    fn clustered_scores(rng: &mut Rng, n: usize) -> Vec<f64> {
        let mut scores: Vec<f64> = (0..n)
            .map(|_| 40.0 + (rng.uniform() * 200.0).floor() / 10.0)
            .collect();
        for i in 0..n {
            let x = scores[(rng.uniform() * n as f64) as usize % n];
            scores[i] = match i % 7 {
                1 => x.next_up(),
                2 => x.next_down(),
                3 => x * (1.0 + 0.6e-9),
                4 => x * (1.0 + 1.4e-9),
                _ => scores[i],
            };
        }
        scores
    }

    #[test]
    fn keys_put_scores_in_exact_order() {
        let mut rng = Rng::new(5);
        for n in [1usize, 2, 63, 64, 65, 1000, 3000] {
            let mut k = Keys::new(n);
            let scores = clustered_scores(&mut rng, n);
            k.fill(&scores);
            let order: Vec<usize> = k.keys.iter().map(|&x| k.index(x)).collect();
            let mut expect: Vec<usize> = (0..n).collect();
            expect.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            assert_eq!(order, expect, "n = {n}");
        }
    }

    #[test]
    fn sample_ranks_are_competition_ranks() {
        let mut rng = Rng::new(6);
        for n in [1usize, 2, 7, 63, 64, 500] {
            for _ in 0..20 {
                let scores = clustered_scores(&mut rng, n);
                let mut ranks = vec![0; n];
                let top = rank_sample(&mut Keys::new(n), &scores, |i, r| ranks[i] = r + 1);
                assert_eq!(ranks, competition_ranks(&scores), "{scores:?}");
                assert_eq!(top, ranks.iter().filter(|&&r| r == 1).count());
            }
        }
    }

    #[test]
    fn sample_ranks_share_ties_that_differ_in_the_last_bit() {
        // 62.5 reached by different sums comes out as 62.5 or one bit
        // above (see scoring's `scores_equal_but_for_the_last_bit_share_a_rank`).
        let hi = 62.5f64.next_up();
        let scores = [92.5, hi, 62.5, hi, 100.0, 0.0];
        let mut ranks = vec![0; 6];
        let top = rank_sample(&mut Keys::new(6), &scores, |i, r| ranks[i] = r + 1);
        assert_eq!(ranks, vec![2, 3, 3, 3, 1, 6]);
        assert_eq!(top, 1);
        // Tied for first: each gets a share of P(rank 1).
        let scores = [62.5, hi, 50.0];
        let mut keys = Keys::new(3);
        let top = rank_sample(&mut keys, &scores, |i, r| ranks[i] = r + 1);
        assert_eq!(&ranks[..3], &[1, 1, 3]);
        assert_eq!(top, 2);
        let firsts: Vec<usize> = keys.keys[..top].iter().map(|&k| keys.index(k)).collect();
        assert_eq!(firsts, vec![1, 0]);
    }

    #[test]
    fn many_scenarios_same_result_on_one_and_two_threads() {
        let mut rng = Rng::new(8);
        let n = 300;
        let raw: Vec<f64> = (0..n * 5)
            .map(|_| 1.0 + (rng.uniform() * 5.0).floor().min(4.0))
            .collect();
        let m = Matrix::from_raw(raw, n, vec![false, true, false, false, true], 1.0, 5.0).unwrap();
        let opts = StabilityOptions {
            samples: 3_333,
            seed: 77,
            concentration: 60.0,
        };
        for method in Method::ALL {
            let w = [0.3, 0.2, 0.2, 0.2, 0.1];
            let a = run(1, &m, &w, method, &opts);
            let b = run(2, &m, &w, method, &opts);
            assert_eq!(a, b);
            assert!((a.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            // 7 participants who each voted on half the cells.
            let votes: Vec<_> = (0..n * 5)
                .flat_map(|k| (0..7).map(move |p| (k, p)))
                .filter(|(k, p)| (k + p) % 2 == 0)
                .map(|(k, p)| (k / 5, k % 5, p, 1.0 + ((k * 31 + p * 17) % 5) as f64))
                .collect();
            let scales: Vec<_> = [false, true, false, false, true]
                .iter()
                .map(|&c| (1.0, 5.0, c))
                .collect();
            let panel = Panel::new(7, n, &scales, &votes, false).unwrap();
            let a = run_panel(1, &m, &w, method, &opts, &panel);
            let b = run_panel(2, &m, &w, method, &opts, &panel);
            assert_eq!(a, b);
            assert_eq!(a.participants, Some(7));
            assert!((a.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    fn run_panel(
        threads: usize,
        m: &Matrix,
        w: &[f64],
        method: Method,
        opts: &StabilityOptions,
        panel: &Panel,
    ) -> Stability {
        pool(threads).install(|| {
            stability_panel(
                m,
                w,
                method,
                opts,
                Some(panel),
                &|_| {},
                &AtomicBool::new(false),
            )
            .unwrap()
        })
    }

    fn run(
        threads: usize,
        m: &Matrix,
        w: &[f64],
        method: Method,
        opts: &StabilityOptions,
    ) -> Stability {
        pool(threads).install(|| stability(m, w, method, opts).unwrap())
    }

    fn one_cell(values: &[f64], mean: bool) -> Panel {
        let votes: Vec<_> = values
            .iter()
            .enumerate()
            .map(|(p, &v)| (0, 0, p, v))
            .collect();
        Panel::new(values.len(), 1, &[(1.0, 5.0, false)], &votes, mean).unwrap()
    }

    #[test]
    fn bootstrap_aggregates_count_a_participant_drawn_twice_twice() {
        // Expanded by hand: counts [2, 0, 1, 1] over votes 1, 2, 4, 5 are the
        // votes 1, 1, 4, 5: median 2.5, mean 11 / 4.
        let median = one_cell(&[1.0, 2.0, 4.0, 5.0], false);
        let mean = one_cell(&[1.0, 2.0, 4.0, 5.0], true);
        assert_eq!(median.aggregate(0, &[1, 1, 1, 1]), Some(3.0));
        assert_eq!(median.aggregate(0, &[2, 0, 1, 1]), Some(2.5));
        assert_eq!(median.aggregate(0, &[0, 3, 1, 0]), Some(2.0));
        assert_eq!(median.aggregate(0, &[0, 0, 0, 4]), Some(5.0));
        assert_eq!(median.aggregate(0, &[0, 1, 0, 0]), Some(2.0));
        assert_eq!(mean.aggregate(0, &[2, 0, 1, 1]), Some(2.75));
        assert_eq!(mean.aggregate(0, &[1, 1, 1, 1]), Some(3.0));
        // Nobody who voted on the cell was drawn.
        let two = Panel::new(3, 1, &[(1.0, 5.0, false)], &[(0, 0, 1, 4.0)], false).unwrap();
        assert_eq!(two.aggregate(0, &[3, 0, 0]), None);
        assert_eq!(two.aggregate(0, &[1, 1, 1]), Some(4.0));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Against the expanded list of votes through `votes::quantile`.
        #[test]
        fn bootstrap_median_is_the_median_of_the_expanded_votes(
            votes in prop::collection::vec(1u8..=5, 1..12),
            counts in prop::collection::vec(0u32..4, 12),
        ) {
            let values: Vec<f64> = votes.iter().map(|&v| f64::from(v)).collect();
            let panel = one_cell(&values, false);
            let counts = &counts[..values.len()];
            let mut expanded: Vec<f64> = values
                .iter()
                .zip(counts)
                .flat_map(|(&v, &c)| std::iter::repeat_n(v, c as usize))
                .collect();
            expanded.sort_by(f64::total_cmp);
            let expect = (!expanded.is_empty())
                .then(|| crate::analysis::votes::quantile(&expanded, 0.5));
            prop_assert_eq!(panel.aggregate(0, counts), expect);
        }
    }

    #[test]
    fn scores_from_raw_are_the_matrix_scores() {
        let mut rng = Rng::new(11);
        for (n, cost) in [
            (7usize, vec![false, true, false]),
            (40, vec![true, false, false, true]),
        ] {
            let m = cost.len();
            let raw: Vec<f64> = (0..n * m).map(|_| -2.0 + 7.0 * rng.uniform()).collect();
            let mx = Matrix::from_raw(raw.clone(), n, cost.clone(), -2.0, 5.0).unwrap();
            let scales: Vec<_> = cost.iter().map(|&c| (-2.0, 5.0, c)).collect();
            let panel = Panel::new(1, n, &scales, &[], false).unwrap();
            let w: Vec<f64> = (0..m)
                .map(|j| (j + 1) as f64 / (m * (m + 1) / 2) as f64)
                .collect();
            for method in Method::ALL {
                let mut out = vec![0.0; n];
                scores_from_raw(&panel, &raw, &w, method, &mut Scratch::default(), &mut out);
                let expect = mx.scores(&w, method);
                for (a, b) in out.iter().zip(&expect) {
                    assert!((a - b).abs() < 1e-9, "{method}: {a} vs {b}");
                }
            }
        }
    }

    /// Two scenarios, one criterion (so the weights cannot move anything):
    /// A's votes 5, 5, 1, B's 3, 3, 3. A wins (median 5) when at least two
    /// of the three draws are the first two participants:
    /// P = C(3,2)·(2/3)²·(1/3) + (2/3)³ = 20/27; otherwise its median is 1.
    #[test]
    fn bootstrap_p_first_matches_the_binomial_by_hand() {
        let m = Matrix::from_raw(vec![5.0, 3.0], 2, vec![false], 1.0, 5.0).unwrap();
        let votes = [
            (0, 0, 0, 5.0),
            (0, 0, 1, 5.0),
            (0, 0, 2, 1.0),
            (1, 0, 0, 3.0),
            (1, 0, 1, 3.0),
            (1, 0, 2, 3.0),
        ];
        let panel = Panel::new(3, 2, &[(1.0, 5.0, false)], &votes, false).unwrap();
        let opts = StabilityOptions {
            samples: 20_000,
            seed: 5,
            concentration: 100.0,
        };
        for method in Method::ALL {
            let weights_only = stability(&m, &[1.0], method, &opts).unwrap();
            assert_eq!(weights_only.p_first, vec![1.0, 0.0]);
            assert_eq!(weights_only.participants, None);
            let s = stability_panel(
                &m,
                &[1.0],
                method,
                &opts,
                Some(&panel),
                &|_| {},
                &AtomicBool::new(false),
            )
            .unwrap();
            assert_eq!(s.participants, Some(3));
            // Standard error √(p(1 − p)/20000) ≈ 0.0031; 5 of them.
            assert!(
                (s.p_first[0] - 20.0 / 27.0).abs() < 0.0155,
                "{method}: {:?}",
                s.p_first
            );
            assert_eq!((s.rank_p5[0], s.rank_p95[0]), (1, 2));
        }
    }

    #[test]
    fn a_panel_for_other_criteria_is_refused() {
        let m = fixture();
        let panel = Panel::new(2, 4, &[(1.0, 5.0, false)], &[(0, 0, 0, 3.0)], false).unwrap();
        let r = stability_panel(
            &m,
            &[1.0, 1.0, 1.0],
            Method::WeightedSum,
            &StabilityOptions::default(),
            Some(&panel),
            &|_| {},
            &AtomicBool::new(false),
        );
        assert!(matches!(r, Err(AnalysisError::BadSetting { .. })));
        assert!(Panel::new(0, 4, &[(1.0, 5.0, false)], &[], false).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn same_seed_same_result_with_one_and_two_threads(
            raw in prop::collection::vec(1.0f64..=5.0, 5 * 4),
            w in prop::collection::vec(0.05f64..1.0, 4),
            seed in any::<u64>(),
            samples in 1u64..4_500,
            topsis in any::<bool>(),
        ) {
            let m = Matrix::from_raw(raw, 5, vec![false, true, false, false], 1.0, 5.0).unwrap();
            let method = if topsis { Method::Topsis } else { Method::WeightedSum };
            let opts = StabilityOptions { samples, seed, concentration: 30.0 };
            let a = run(1, &m, &w, method, &opts);
            let b = run(2, &m, &w, method, &opts);
            prop_assert_eq!(&a, &b);
            prop_assert!((a.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            // With the participant bootstrap too: 3 participants, some cells unvoted.
            let votes: Vec<_> = (0..20)
                .filter(|k| k % 3 != 1)
                .flat_map(|k| (0..3).map(move |p| (k / 4, k % 4, p, 1.0 + ((k * 7 + p * 3) % 5) as f64)))
                .collect();
            let scales = [(1.0, 5.0, false), (1.0, 5.0, true), (1.0, 5.0, false), (1.0, 5.0, false)];
            let panel = Panel::new(3, 5, &scales, &votes, topsis).unwrap();
            let a = run_panel(1, &m, &w, method, &opts, &panel);
            let b = run_panel(2, &m, &w, method, &opts, &panel);
            prop_assert_eq!(&a, &b);
            prop_assert!((a.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }

        #[test]
        fn p_first_sums_to_one(
            raw in prop::collection::vec(1.0f64..=5.0, 6 * 3),
            w in prop::collection::vec(0.0f64..1.0, 3),
            concentration in 1.0f64..500.0,
        ) {
            prop_assume!(w.iter().sum::<f64>() > 0.01);
            let m = Matrix::from_raw(raw, 6, vec![false, false, true], 1.0, 5.0).unwrap();
            let opts = StabilityOptions { samples: 1_500, seed: 3, concentration };
            for method in Method::ALL {
                let s = stability(&m, &w, method, &opts).unwrap();
                prop_assert!((s.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            }
        }
    }
}
