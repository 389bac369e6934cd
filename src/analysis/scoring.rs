//! The scenario matrix, criterion weights, weighted-sum and TOPSIS scores
//! with per-criterion contributions, ranks and value-vs-feasibility
//! quadrants.

use std::str::FromStr;

use super::AnalysisError;
use super::ahp::{Ahp, ahp};
use crate::workspace::Model;
use crate::workspace::choice::{Choice, CriterionGroup, ScenarioStatus};
use crate::workspace::model::{Criterion, Scenario};

/// How scenarios are scored.
pub use crate::workspace::choice::ScoringMethod as Method;

impl FromStr for Method {
    type Err = AnalysisError;
    fn from_str(s: &str) -> Result<Method, AnalysisError> {
        Method::parse(s).ok_or_else(|| AnalysisError::UnknownMethod(s.to_string()))
    }
}

/// Scores of every scenario on every criterion, prepared for fast scoring
/// under many weight vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    /// Criterion ids, in workspace order (the column order).
    pub criteria: Vec<String>,
    /// Scenario ids, in workspace order (the row order).
    pub scenarios: Vec<String>,
    /// Scenario names, for display.
    pub names: Vec<String>,
    /// `true` for cost criteria.
    pub cost: Vec<bool>,
    /// Each criterion's group (`value`, `feasibility`), if any.
    pub groups: Vec<Option<CriterionGroup>>,
    /// Raw scores clamped to each criterion's [min, max], row-major
    /// (scenario × criterion). A missing score is the worst possible value.
    pub raw: Vec<f64>,
    /// Normalised scores 0–100, higher is better, row-major.
    pub normalised: Vec<f64>,
    /// (scenario, criterion) pairs with no score in the workspace.
    pub missing: Vec<(usize, usize)>,
    /// TOPSIS: vector-normalised scores rᵢⱼ, row-major.
    topsis_r: Vec<f64>,
    /// TOPSIS: best and worst rⱼ per criterion (direction-aware).
    topsis_best: Vec<f64>,
    topsis_worst: Vec<f64>,
    /// TOPSIS: (rᵢⱼ − bestⱼ)² and (rᵢⱼ − worstⱼ)², column-major, so that
    /// d±² = Σ wⱼ² · gap±ᵢⱼ for any weights.
    gap_best: Vec<f64>,
    gap_worst: Vec<f64>,
    /// `normalised`, column-major: scoring runs down the columns, which
    /// vectorises across scenarios.
    normalised_cols: Vec<f64>,
}

impl Matrix {
    pub fn from_model(model: &Model) -> Result<Matrix, AnalysisError> {
        Matrix::new(&model.criteria, &model.scenarios)
    }

    pub fn new(criteria: &[Criterion], scenarios: &[Scenario]) -> Result<Matrix, AnalysisError> {
        if criteria.is_empty() {
            return Err(AnalysisError::NoCriteria);
        }
        if scenarios.is_empty() {
            return Err(AnalysisError::NoScenarios);
        }
        for c in criteria {
            if !(c.min.is_finite() && c.max.is_finite() && c.min < c.max) {
                return Err(AnalysisError::BadRange {
                    criterion: c.id.clone(),
                    min: c.min,
                    max: c.max,
                });
            }
        }
        let m = criteria.len();
        let n = scenarios.len();
        let mut raw = Vec::with_capacity(n * m);
        let mut missing = Vec::new();
        for (i, s) in scenarios.iter().enumerate() {
            for (j, c) in criteria.iter().enumerate() {
                let worst = if c.cost { c.max } else { c.min };
                let x = match s.scores.get(&c.id).copied() {
                    Some(x) if x.is_finite() => x.clamp(c.min, c.max),
                    Some(x) => {
                        return Err(AnalysisError::BadScore {
                            scenario: s.id.clone(),
                            criterion: c.id.clone(),
                            value: x,
                        });
                    }
                    None => {
                        missing.push((i, j));
                        worst
                    }
                };
                raw.push(x);
            }
        }
        let normalised = raw
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let c = &criteria[k % m];
                normalise(x, c.min, c.max, c.cost)
            })
            .collect();
        let mut mx = Matrix {
            criteria: criteria.iter().map(|c| c.id.clone()).collect(),
            scenarios: scenarios.iter().map(|s| s.id.clone()).collect(),
            names: scenarios.iter().map(|s| s.name.clone()).collect(),
            cost: criteria.iter().map(|c| c.cost).collect(),
            groups: criteria
                .iter()
                .map(|c| c.group.as_ref().and_then(Choice::known))
                .collect(),
            raw,
            normalised,
            missing,
            topsis_r: vec![],
            topsis_best: vec![],
            topsis_worst: vec![],
            gap_best: vec![],
            gap_worst: vec![],
            normalised_cols: vec![],
        };
        mx.normalised_cols = transpose(&mx.normalised, n, m);
        mx.prepare_topsis(criteria);
        Ok(mx)
    }

    /// Build straight from numbers (tests, benchmarks): `raw` is row-major
    /// scenario × criterion, every criterion on the scale [min, max].
    pub fn from_raw(
        raw: Vec<f64>,
        n_scenarios: usize,
        cost: Vec<bool>,
        min: f64,
        max: f64,
    ) -> Result<Matrix, AnalysisError> {
        let criteria: Vec<Criterion> = cost
            .iter()
            .enumerate()
            .map(|(j, &cost)| Criterion {
                id: format!("c{}", j + 1),
                name: format!("Criterion {}", j + 1),
                weight: 1.0,
                cost,
                group: None,
                min,
                max,
                description: String::new(),
            })
            .collect();
        let m = criteria.len();
        if m == 0 {
            return Err(AnalysisError::NoCriteria);
        }
        let scenarios: Vec<Scenario> = (0..n_scenarios)
            .map(|i| Scenario {
                id: format!("s{}", i + 1),
                name: format!("Scenario {}", i + 1),
                description: String::new(),
                owner: String::new(),
                status: ScenarioStatus::Candidate.into(),
                strategies: vec![],
                needs: vec![],
                scores: criteria
                    .iter()
                    .enumerate()
                    .filter_map(|(j, c)| raw.get(i * m + j).map(|&x| (c.id.clone(), x)))
                    .collect(),
                features: Default::default(),
                revenue: None,
            })
            .collect();
        Matrix::new(&criteria, &scenarios)
    }

    fn prepare_topsis(&mut self, criteria: &[Criterion]) {
        let (n, m) = (self.n_scenarios(), self.n_criteria());
        // Vector normalisation needs non-negative scores: a scale that
        // starts below zero is shifted to start at zero.
        let shifted: Vec<f64> = self
            .raw
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let min = criteria[k % m].min;
                if min < 0.0 { x - min } else { x }
            })
            .collect();
        let mut norms = vec![0.0; m];
        for i in 0..n {
            for j in 0..m {
                norms[j] += shifted[i * m + j].powi(2);
            }
        }
        let norms: Vec<f64> = norms.into_iter().map(f64::sqrt).collect();
        self.topsis_r = shifted
            .iter()
            .enumerate()
            .map(|(k, &x)| {
                let d = norms[k % m];
                if d > 0.0 { x / d } else { 0.0 }
            })
            .collect();
        self.topsis_best = vec![0.0; m];
        self.topsis_worst = vec![0.0; m];
        for j in 0..m {
            let col = (0..n).map(|i| self.topsis_r[i * m + j]);
            let hi = col.clone().fold(f64::NEG_INFINITY, f64::max);
            let lo = col.fold(f64::INFINITY, f64::min);
            let (best, worst) = if self.cost[j] { (lo, hi) } else { (hi, lo) };
            self.topsis_best[j] = best;
            self.topsis_worst[j] = worst;
        }
        let gap_best: Vec<f64> = self
            .topsis_r
            .iter()
            .enumerate()
            .map(|(k, &r)| (r - self.topsis_best[k % m]).powi(2))
            .collect();
        let gap_worst: Vec<f64> = self
            .topsis_r
            .iter()
            .enumerate()
            .map(|(k, &r)| (r - self.topsis_worst[k % m]).powi(2))
            .collect();
        self.gap_best = transpose(&gap_best, n, m);
        self.gap_worst = transpose(&gap_worst, n, m);
    }

    pub fn n_scenarios(&self) -> usize {
        self.scenarios.len()
    }

    pub fn n_criteria(&self) -> usize {
        self.criteria.len()
    }

    /// Normalised score (0–100, higher is better) of scenario `i` on criterion `j`.
    pub fn normalised(&self, i: usize, j: usize) -> f64 {
        self.normalised[i * self.n_criteria() + j]
    }

    pub fn scenario_index(&self, id: &str) -> Option<usize> {
        self.scenarios.iter().position(|s| s == id)
    }

    pub fn criterion_index(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c == id)
    }

    /// Scores of every scenario under `w` (normalised weights, one per
    /// criterion) into `out`. The hot loop of the Monte Carlo.
    pub fn scores_into(&self, w: &[f64], method: Method, out: &mut [f64]) {
        let n = self.n_scenarios();
        let out = &mut out[..n];
        // Column by column: each scenario still sums its criteria in order
        // (the same result as a row-wise dot product), but the inner loop
        // runs across scenarios and vectorises.
        match method {
            Method::WeightedSum => {
                out.fill(0.0);
                for (col, &wj) in self.normalised_cols.chunks_exact(n).zip(w) {
                    for (o, x) in out.iter_mut().zip(col) {
                        *o += wj * x;
                    }
                }
            }
            Method::Topsis => {
                let mut dm = vec![0.0; n];
                out.fill(0.0);
                let cols = self
                    .gap_best
                    .chunks_exact(n)
                    .zip(self.gap_worst.chunks_exact(n));
                for ((gb, gw), &wj) in cols.zip(w) {
                    let w2 = wj * wj;
                    for (o, g) in out.iter_mut().zip(gb) {
                        *o += w2 * g;
                    }
                    for (o, g) in dm.iter_mut().zip(gw) {
                        *o += w2 * g;
                    }
                }
                for (o, dm) in out.iter_mut().zip(&dm) {
                    *o = closeness(o.sqrt(), dm.sqrt());
                }
            }
        }
    }

    /// Scores under `w` as a new vector.
    pub fn scores(&self, w: &[f64], method: Method) -> Vec<f64> {
        let mut out = vec![0.0; self.n_scenarios()];
        self.scores_into(w, method, &mut out);
        out
    }
}

/// Row-major n × m → column-major.
fn transpose(a: &[f64], n: usize, m: usize) -> Vec<f64> {
    (0..m)
        .flat_map(|j| (0..n).map(move |i| a[i * m + j]))
        .collect()
}

/// 100 · d⁻ / (d⁺ + d⁻); 50 when the scenario is both ideal and anti-ideal
/// (every scenario scores the same).
fn closeness(d_plus: f64, d_minus: f64) -> f64 {
    let d = d_plus + d_minus;
    if d > 0.0 { 100.0 * d_minus / d } else { 50.0 }
}

/// Min-max normalisation to 0–100, inverted for cost criteria, clamped.
pub fn normalise(x: f64, min: f64, max: f64, cost: bool) -> f64 {
    let t = ((x - min) / (max - min)).clamp(0.0, 1.0);
    100.0 * if cost { 1.0 - t } else { t }
}

/// Where the weights come from.
pub use crate::workspace::choice::WeightSource;

/// The weights in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub source: WeightSource,
    /// One per criterion, in criterion order, summing to 1.
    pub values: Vec<f64>,
    /// The AHP result (also computed for direct weights when comparisons
    /// exist, so a pane can show both).
    pub ahp: Option<Ahp>,
}

/// The weights `settings.scoring.weights` asks for.
pub fn weights(model: &Model) -> Result<Weights, AnalysisError> {
    if model.criteria.is_empty() {
        return Err(AnalysisError::NoCriteria);
    }
    let source = match &model.settings.scoring.weights {
        Choice::Known(source) => *source,
        Choice::Unknown(other) => return Err(AnalysisError::UnknownWeightSource(other.clone())),
    };
    let ids: Vec<String> = model.criteria.iter().map(|c| c.id.clone()).collect();
    match source {
        WeightSource::Direct => {
            let raw: Vec<f64> = model.criteria.iter().map(|c| c.weight).collect();
            let values = normalise_weights(&ids, &raw)?;
            let ahp = if model.comparisons.is_empty() {
                None
            } else {
                ahp(&ids, &model.comparisons).ok()
            };
            Ok(Weights {
                source,
                values,
                ahp,
            })
        }
        WeightSource::Ahp => {
            let a = ahp(&ids, &model.comparisons)?;
            Ok(Weights {
                source,
                values: a.weights.clone(),
                ahp: Some(a),
            })
        }
    }
}

/// Weights scaled to sum to 1; negative or non-finite weights and an
/// all-zero vector are errors.
pub fn normalise_weights(ids: &[String], raw: &[f64]) -> Result<Vec<f64>, AnalysisError> {
    if raw.is_empty() {
        return Err(AnalysisError::NoCriteria);
    }
    for (k, &w) in raw.iter().enumerate() {
        if !w.is_finite() || w < 0.0 {
            return Err(AnalysisError::BadWeight {
                criterion: ids.get(k).cloned().unwrap_or_else(|| format!("#{}", k + 1)),
                weight: w,
            });
        }
    }
    let sum: f64 = raw.iter().sum();
    if sum <= 0.0 || !sum.is_finite() {
        return Err(AnalysisError::ZeroWeights);
    }
    Ok(raw.iter().map(|w| w / sum).collect())
}

/// How one criterion adds to a scenario's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub criterion: usize,
    /// Normalised weight.
    pub weight: f64,
    /// Normalised score 0–100 (higher is better).
    pub normalised: f64,
    pub part: Part,
}

/// The method-specific part of a contribution.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Weighted sum: points added to the score (w · n); they sum to the score.
    Points(f64),
    /// TOPSIS: the weighted normalised score and the ideal and anti-ideal
    /// values on this criterion. d⁺² and d⁻² are the sums of the squared gaps.
    Distances {
        weighted: f64,
        ideal: f64,
        anti_ideal: f64,
    },
}

impl Part {
    /// Weighted sum: the points; TOPSIS: (v − v⁻)² − (v − v⁺)², which is
    /// positive where the criterion pulls the scenario towards the ideal.
    pub fn signed(&self) -> f64 {
        match *self {
            Part::Points(p) => p,
            Part::Distances {
                weighted,
                ideal,
                anti_ideal,
            } => (weighted - anti_ideal).powi(2) - (weighted - ideal).powi(2),
        }
    }
}

/// Scores, ranks and explanations under one weight vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    pub method: Method,
    /// Normalised weights used.
    pub weights: Vec<f64>,
    /// Score 0–100 per scenario (matrix order).
    pub scores: Vec<f64>,
    /// Rank per scenario, 1 = best; scores within [`TIE`] share a rank
    /// (1, 2, 2, 4).
    pub ranks: Vec<usize>,
    /// Scenario indices best first (ties in workspace order).
    pub order: Vec<usize>,
    /// Per scenario, one contribution per criterion.
    pub contributions: Vec<Vec<Contribution>>,
}

impl Ranking {
    /// The scenario ranked first (the first in workspace order among ties).
    pub fn winner(&self) -> usize {
        self.order.first().copied().unwrap_or(0)
    }
}

/// Score and rank every scenario. `weights` need not sum to 1.
pub fn rank(matrix: &Matrix, weights: &[f64], method: Method) -> Result<Ranking, AnalysisError> {
    let w = checked_weights(matrix, weights)?;
    let scores = matrix.scores(&w, method);
    let ranks = competition_ranks(&scores);
    let order = order_by_rank(&ranks);
    let m = matrix.n_criteria();
    let contributions = (0..matrix.n_scenarios())
        .map(|i| {
            (0..m)
                .map(|j| {
                    let k = i * m + j;
                    let part = match method {
                        Method::WeightedSum => Part::Points(w[j] * matrix.normalised[k]),
                        Method::Topsis => Part::Distances {
                            weighted: w[j] * matrix.topsis_r[k],
                            ideal: w[j] * matrix.topsis_best[j],
                            anti_ideal: w[j] * matrix.topsis_worst[j],
                        },
                    };
                    Contribution {
                        criterion: j,
                        weight: w[j],
                        normalised: matrix.normalised[k],
                        part,
                    }
                })
                .collect()
        })
        .collect();
    Ok(Ranking {
        method,
        weights: w,
        scores,
        ranks,
        order,
        contributions,
    })
}

pub(crate) fn checked_weights(matrix: &Matrix, weights: &[f64]) -> Result<Vec<f64>, AnalysisError> {
    if weights.len() != matrix.n_criteria() {
        return Err(AnalysisError::WeightCount {
            expected: matrix.n_criteria(),
            got: weights.len(),
        });
    }
    normalise_weights(&matrix.criteria, weights)
}

/// Scores this close, relative to the larger, are equal: weights that
/// sum to 1 mathematically make scores that differ in the last bits
/// depending on the order of the additions (docs/METHOD.md, Ranks).
pub const TIE: f64 = 1e-9;

/// `a` beats `b` by more than [`TIE`], relative to the larger of the two.
pub fn clearly_above(a: f64, b: f64) -> bool {
    a - b > TIE * a.abs().max(b.abs())
}

/// Scenario indices best first: by rank, ties in workspace order.
pub fn order_of(scores: &[f64]) -> Vec<usize> {
    order_by_rank(&competition_ranks(scores))
}

fn order_by_rank(ranks: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    order.sort_by_key(|&i| (ranks[i], i));
    order
}

/// Competition ranks, 1 = best: 1 + the number of scores
/// [`clearly_above`] this one, so scores within [`TIE`] share the better
/// rank (1, 2, 2, 4).
pub fn competition_ranks(scores: &[f64]) -> Vec<usize> {
    let mut by_score: Vec<usize> = (0..scores.len()).collect();
    by_score.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0; scores.len()];
    // The scores clearly above one form a prefix of `by_score`, which only
    // grows as the scores fall.
    let mut above = 0;
    for &i in &by_score {
        while clearly_above(scores[by_score[above]], scores[i]) {
            above += 1;
        }
        ranks[i] = above + 1;
    }
    ranks
}

/// A value-vs-feasibility quadrant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quadrant {
    /// High value, high feasibility.
    QuickWin,
    /// High value, low feasibility.
    StrategicBet,
    /// Low value, high feasibility.
    FillIn,
    /// Low value, low feasibility.
    Avoid,
}

impl Quadrant {
    /// Stable key, used in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Quadrant::QuickWin => "quick-win",
            Quadrant::StrategicBet => "strategic-bet",
            Quadrant::FillIn => "fill-in",
            Quadrant::Avoid => "avoid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Quadrant::QuickWin => "quick win",
            Quadrant::StrategicBet => "strategic bet",
            Quadrant::FillIn => "fill-in",
            Quadrant::Avoid => "avoid",
        }
    }

    pub fn of(
        value: f64,
        feasibility: f64,
        value_threshold: f64,
        feasibility_threshold: f64,
    ) -> Quadrant {
        match (
            value >= value_threshold,
            feasibility >= feasibility_threshold,
        ) {
            (true, true) => Quadrant::QuickWin,
            (true, false) => Quadrant::StrategicBet,
            (false, true) => Quadrant::FillIn,
            (false, false) => Quadrant::Avoid,
        }
    }
}

/// A scenario's place on the value-vs-feasibility chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Weighted mean of the normalised scores of the `value` criteria, 0–100.
    pub value: f64,
    /// Same over the `feasibility` criteria, 0–100.
    pub feasibility: f64,
    pub quadrant: Quadrant,
}

/// Value and feasibility of each scenario: each axis is the weighted sum of
/// the normalised scores of its group, with the weights renormalised within
/// the group (equal weights when they are all zero).
pub fn quadrants(
    matrix: &Matrix,
    weights: &[f64],
    value_threshold: f64,
    feasibility_threshold: f64,
) -> Result<Vec<Position>, AnalysisError> {
    if weights.len() != matrix.n_criteria() {
        return Err(AnalysisError::WeightCount {
            expected: matrix.n_criteria(),
            got: weights.len(),
        });
    }
    for (name, t) in [
        ("scoring.quadrant.value", value_threshold),
        ("scoring.quadrant.feasibility", feasibility_threshold),
    ] {
        if !t.is_finite() {
            return Err(AnalysisError::BadSetting {
                name,
                value: t.to_string(),
                reason: "must be a number",
            });
        }
    }
    let axis = |group: CriterionGroup| -> Result<Vec<f64>, AnalysisError> {
        let cols: Vec<usize> = (0..matrix.n_criteria())
            .filter(|&j| matrix.groups[j] == Some(group))
            .collect();
        if cols.is_empty() {
            return Err(AnalysisError::MissingGroup(group.as_str()));
        }
        let total: f64 = cols.iter().map(|&j| weights[j].max(0.0)).sum();
        let w: Vec<f64> = if total > 0.0 && total.is_finite() {
            cols.iter().map(|&j| weights[j].max(0.0) / total).collect()
        } else {
            vec![1.0 / cols.len() as f64; cols.len()]
        };
        Ok((0..matrix.n_scenarios())
            .map(|i| {
                cols.iter()
                    .zip(&w)
                    .map(|(&j, w)| w * matrix.normalised(i, j))
                    .sum()
            })
            .collect())
    };
    let value = axis(CriterionGroup::Value)?;
    let feasibility = axis(CriterionGroup::Feasibility)?;
    Ok(value
        .into_iter()
        .zip(feasibility)
        .map(|(v, f)| Position {
            value: v,
            feasibility: f,
            quadrant: Quadrant::of(v, f, value_threshold, feasibility_threshold),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Three scenarios, three criteria on a 1–5 scale; the third is a cost.
    fn fixture() -> Matrix {
        #[rustfmt::skip]
        let raw = vec![
            5.0, 2.0, 4.0,
            3.0, 4.0, 2.0,
            1.0, 5.0, 1.0,
        ];
        Matrix::from_raw(raw, 3, vec![false, false, true], 1.0, 5.0).unwrap()
    }

    #[test]
    fn weighted_sum_by_hand() {
        // Normalised (cost inverted):
        //   s1: 100, 25, 25     s2: 50, 75, 75     s3: 0, 100, 100
        // Weights 0.5, 0.3, 0.2:
        //   s1 = 50 + 7.5 + 5 = 62.5
        //   s2 = 25 + 22.5 + 15 = 62.5
        //   s3 = 0 + 30 + 20 = 50
        let m = fixture();
        let r = rank(&m, &[5.0, 3.0, 2.0], Method::WeightedSum).unwrap();
        assert!((r.scores[0] - 62.5).abs() < 1e-12);
        assert!((r.scores[1] - 62.5).abs() < 1e-12);
        assert!((r.scores[2] - 50.0).abs() < 1e-12);
        assert_eq!(r.ranks, vec![1, 1, 3]);
        assert_eq!(r.order, vec![0, 1, 2]);
        let points: Vec<f64> = r.contributions[1].iter().map(|c| c.part.signed()).collect();
        assert_eq!(points, vec![25.0, 22.5, 15.0]);
        // Contributions add up to the score.
        for (i, c) in r.contributions.iter().enumerate() {
            let sum: f64 = c.iter().map(|c| c.part.signed()).sum();
            assert!((sum - r.scores[i]).abs() < 1e-9);
        }
    }

    #[test]
    fn topsis_by_hand() {
        // Column norms: √(25+9+1) = √35, √(4+16+25) = √45, √(16+4+1) = √21.
        // Equal weights 1/3. r = x / norm; benefit ideal = max, cost ideal = min.
        // Scenario 1: gaps to ideal: c1 0, c2 (2−5)/√45, c3 (4−1)/√21
        //             gaps to anti:  c1 (5−1)/√35, c2 0, c3 0
        let m = fixture();
        let w: f64 = 1.0 / 3.0;
        let d_plus = (w * w * (9.0 / 45.0 + 9.0 / 21.0)).sqrt();
        let d_minus = (w * w * (16.0 / 35.0)).sqrt();
        let expected1 = 100.0 * d_minus / (d_plus + d_minus);
        // Scenario 2: ideal gaps c1 2/√35, c2 1/√45, c3 1/√21; anti gaps c1 2/√35, c2 2/√45, c3 2/√21.
        let dp2 = (w * w * (4.0 / 35.0 + 1.0 / 45.0 + 1.0 / 21.0)).sqrt();
        let dm2 = (w * w * (4.0 / 35.0 + 4.0 / 45.0 + 4.0 / 21.0)).sqrt();
        let expected2 = 100.0 * dm2 / (dp2 + dm2);
        // Scenario 3: ideal gaps c1 4/√35, c2 0, c3 0; anti gaps c1 0, c2 3/√45, c3 3/√21.
        let dp3 = (w * w * (16.0 / 35.0)).sqrt();
        let dm3 = (w * w * (9.0 / 45.0 + 9.0 / 21.0)).sqrt();
        let expected3 = 100.0 * dm3 / (dp3 + dm3);
        let r = rank(&m, &[1.0, 1.0, 1.0], Method::Topsis).unwrap();
        assert!(
            (r.scores[0] - expected1).abs() < 1e-9,
            "{} vs {expected1}",
            r.scores[0]
        );
        assert!((r.scores[1] - expected2).abs() < 1e-9);
        assert!((r.scores[2] - expected3).abs() < 1e-9);
        // Numerically: 46.028, 59.385, 53.972 (scenario 2 first).
        assert!((r.scores[0] - 46.028).abs() < 0.001, "{}", r.scores[0]);
        assert!((r.scores[1] - 59.385).abs() < 0.001, "{}", r.scores[1]);
        assert!((r.scores[2] - 53.972).abs() < 0.001, "{}", r.scores[2]);
        assert_eq!(r.ranks, vec![3, 1, 2]);
        // The distances rebuild from the contributions.
        let dp: f64 = r.contributions[0]
            .iter()
            .map(|c| match c.part {
                Part::Distances {
                    weighted, ideal, ..
                } => (weighted - ideal).powi(2),
                Part::Points(_) => f64::NAN,
            })
            .sum();
        assert!((dp.sqrt() - d_plus).abs() < 1e-12);
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        assert_eq!(
            Matrix::from_raw(vec![], 0, vec![false], 1.0, 5.0).unwrap_err(),
            AnalysisError::NoScenarios
        );
        assert_eq!(
            Matrix::from_raw(vec![], 1, vec![], 1.0, 5.0).unwrap_err(),
            AnalysisError::NoCriteria
        );
        assert!(matches!(
            Matrix::from_raw(vec![1.0], 1, vec![false], 5.0, 5.0),
            Err(AnalysisError::BadRange { .. })
        ));
        let m = fixture();
        assert_eq!(
            rank(&m, &[0.0, 0.0, 0.0], Method::WeightedSum).unwrap_err(),
            AnalysisError::ZeroWeights
        );
        assert!(matches!(
            rank(&m, &[1.0, -1.0, 1.0], Method::Topsis),
            Err(AnalysisError::BadWeight { .. })
        ));
        assert!(matches!(
            rank(&m, &[1.0], Method::Topsis),
            Err(AnalysisError::WeightCount { .. })
        ));
        assert!(matches!(
            "ahp-ish".parse::<Method>(),
            Err(AnalysisError::UnknownMethod(_))
        ));
    }

    #[test]
    fn one_scenario_ranks_first_with_either_method() {
        let m = Matrix::from_raw(vec![3.0, 4.0], 1, vec![false, true], 1.0, 5.0).unwrap();
        for method in Method::ALL {
            let r = rank(&m, &[1.0, 1.0], method).unwrap();
            assert_eq!(r.ranks, vec![1]);
            assert!(r.scores[0].is_finite());
        }
    }

    #[test]
    fn missing_scores_count_as_the_worst_value() {
        let crit = |id: &str, cost| Criterion {
            id: id.into(),
            name: id.into(),
            weight: 1.0,
            cost,
            group: None,
            min: 1.0,
            max: 5.0,
            description: String::new(),
        };
        let sc = Scenario {
            id: "s".into(),
            name: "S".into(),
            description: String::new(),
            owner: String::new(),
            status: ScenarioStatus::Candidate.into(),
            strategies: vec![],
            needs: vec![],
            scores: Default::default(),
            features: Default::default(),
            revenue: None,
        };
        let m = Matrix::new(&[crit("a", false), crit("b", true)], &[sc]).unwrap();
        assert_eq!(m.raw, vec![1.0, 5.0]);
        assert_eq!(m.normalised, vec![0.0, 0.0]);
        assert_eq!(m.missing, vec![(0, 0), (0, 1)]);
    }

    #[test]
    fn quadrants_by_hand() {
        let mut m = fixture();
        m.groups = vec![
            Some(CriterionGroup::Value),
            Some(CriterionGroup::Feasibility),
            Some(CriterionGroup::Feasibility),
        ];
        // value = n1; feasibility = (0.3 n2 + 0.2 n3) / 0.5
        let p = quadrants(&m, &[0.5, 0.3, 0.2], 50.0, 50.0).unwrap();
        assert_eq!(p[0].quadrant, Quadrant::StrategicBet); // 100, 25
        assert_eq!(p[1].quadrant, Quadrant::QuickWin); // 50, 75
        assert_eq!(p[2].quadrant, Quadrant::FillIn); // 0, 100
        assert!((p[1].feasibility - 75.0).abs() < 1e-12);
        m.groups[0] = None;
        assert_eq!(
            quadrants(&m, &[0.5, 0.3, 0.2], 50.0, 50.0).unwrap_err(),
            AnalysisError::MissingGroup("value")
        );
    }

    #[test]
    fn competition_ranks_share_ties() {
        assert_eq!(competition_ranks(&[3.0, 5.0, 5.0, 1.0]), vec![3, 1, 1, 4]);
        assert_eq!(order_of(&[3.0, 5.0, 5.0, 1.0]), vec![1, 2, 0, 3]);
        // Within 10⁻⁹ relative is a tie; a chain of near-ties is not
        // transitive: the rank counts only scores clearly above.
        let x = 40.0;
        assert_eq!(
            competition_ranks(&[x, x * (1.0 + 0.6e-9), x * (1.0 + 1.2e-9), x * (1.0 + 5e-9)]),
            vec![3, 2, 2, 1]
        );
        assert_eq!(competition_ranks(&[0.0, 0.0, 1e-300]), vec![2, 2, 1]);
        assert_eq!(competition_ranks(&[]), Vec::<usize>::new());
    }

    #[test]
    fn scores_equal_but_for_the_last_bit_share_a_rank() {
        // Weights 0.7, 0.2, 0.1 on a 1–5 scale (normalised: 1 → 0, 2 → 25,
        // 3 → 50, 4 → 75, 5 → 100). Three rows score 62.5 exactly:
        //   (3, 5, 4): 35 + 20 + 7.5     (4, 1, 5): 52.5 + 0 + 10
        //   (4, 2, 3): 52.5 + 5 + 5
        // but in floating point the first sums to 62.5 and the other two to
        // 62.50000000000001. Above them (5, 5, 5) = 100 and (5, 4, 4) = 92.5.
        #[rustfmt::skip]
        let raw = vec![
            5.0, 5.0, 5.0,
            5.0, 4.0, 4.0,
            3.0, 5.0, 4.0,
            4.0, 1.0, 5.0,
            4.0, 2.0, 3.0,
            1.0, 1.0, 1.0,
        ];
        let m = Matrix::from_raw(raw, 6, vec![false; 3], 1.0, 5.0).unwrap();
        let r = rank(&m, &[0.7, 0.2, 0.1], Method::WeightedSum).unwrap();
        assert_eq!(r.scores[2], 62.5);
        assert_eq!(r.scores[3], 62.5f64.next_up());
        assert_eq!(r.scores[4], 62.5f64.next_up());
        assert_eq!(r.ranks, vec![1, 2, 3, 3, 3, 6]);
        assert_eq!(r.order, vec![0, 1, 2, 3, 4, 5]);

        // Equal weights: three rows score 125/3 (normalised 0 + 25 + 100,
        // 0 + 50 + 75 and 25 + 50 + 50, over 3). (1, 2, 5) and (2, 3, 3) sum
        // to 41.66666666666666, (1, 3, 4) to the next float up,
        // 41.666666666666664. Above them 100, 75 and 50.
        #[rustfmt::skip]
        let raw = vec![
            5.0, 5.0, 5.0,
            4.0, 4.0, 4.0,
            3.0, 3.0, 3.0,
            1.0, 2.0, 5.0,
            1.0, 3.0, 4.0,
            2.0, 3.0, 3.0,
            1.0, 1.0, 1.0,
        ];
        let m = Matrix::from_raw(raw, 7, vec![false; 3], 1.0, 5.0).unwrap();
        let r = rank(&m, &[1.0, 1.0, 1.0], Method::WeightedSum).unwrap();
        assert_eq!(r.scores[3], 41.66666666666666);
        assert_eq!(r.scores[4], 41.66666666666666f64.next_up());
        assert_eq!(r.scores[4], 41.666666666666664);
        assert_eq!(r.scores[5], 41.66666666666666);
        assert_eq!(r.ranks, vec![1, 2, 3, 4, 4, 4, 7]);
        // Tied scenarios are listed in workspace order, not by their last bit.
        assert_eq!(r.order, vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!(r.winner(), 0);
    }

    fn matrix_strategy() -> impl Strategy<Value = (Matrix, Vec<f64>)> {
        (1usize..8, 1usize..6).prop_flat_map(|(n, m)| {
            (
                prop::collection::vec(1.0f64..=5.0, n * m),
                prop::collection::vec(any::<bool>(), m),
                prop::collection::vec(0.01f64..10.0, m),
            )
                .prop_map(move |(raw, cost, w)| {
                    (
                        Matrix::from_raw(raw, n, cost, 1.0, 5.0).expect("valid generated matrix"),
                        w,
                    )
                })
        })
    }

    proptest! {
        #[test]
        fn scaling_all_weights_leaves_ranks_unchanged((m, w) in matrix_strategy(), k in 0.001f64..1000.0) {
            for method in Method::ALL {
                let a = rank(&m, &w, method).unwrap();
                let scaled: Vec<f64> = w.iter().map(|x| x * k).collect();
                let b = rank(&m, &scaled, method).unwrap();
                for (x, y) in a.scores.iter().zip(&b.scores) {
                    prop_assert!((x - y).abs() < 1e-9);
                }
                // Ranks can only differ where scores tie up to rounding.
                for i in 0..a.ranks.len() {
                    if a.ranks[i] != b.ranks[i] {
                        let near = a.scores.iter().filter(|s| (**s - a.scores[i]).abs() < 1e-9).count();
                        prop_assert!(near > 1);
                    }
                }
            }
        }

        #[test]
        fn ranks_count_the_scores_clearly_above(scores in prop::collection::vec(
            prop_oneof![Just(62.5), Just(62.5f64.next_up()), Just(62.5 * (1.0 + 2e-9)), 0.0f64..100.0],
            0..12,
        )) {
            let ranks = competition_ranks(&scores);
            for (i, &s) in scores.iter().enumerate() {
                let above = scores.iter().filter(|&&x| x - s > 1e-9 * x.abs().max(s.abs())).count();
                prop_assert_eq!(ranks[i], above + 1);
            }
        }

        #[test]
        fn a_dominated_scenario_never_ranks_first((m, w) in matrix_strategy(), gap in 0.1f64..2.0) {
            // Append a scenario strictly worse than scenario 1 on every criterion.
            let mcrit = m.n_criteria();
            let n = m.n_scenarios();
            let mut raw = m.raw.clone();
            let mut worse = Vec::new();
            for j in 0..mcrit {
                let x = m.raw[j];
                worse.push(if m.cost[j] { x + gap } else { x - gap });
            }
            // Keep the dominated scenario on the scale by moving the reference up if needed.
            let shift: Vec<f64> = (0..mcrit).map(|j| {
                let y = worse[j];
                if m.cost[j] { (y - 5.0).max(0.0) } else { (1.0 - y).max(0.0) }
            }).collect();
            for j in 0..mcrit {
                let d = shift[j];
                if m.cost[j] { raw[j] -= d; worse[j] -= d; } else { raw[j] += d; worse[j] += d; }
            }
            raw.extend(worse);
            let m2 = Matrix::from_raw(raw, n + 1, m.cost.clone(), 1.0, 5.0).unwrap();
            for method in Method::ALL {
                let r = rank(&m2, &w, method).unwrap();
                prop_assert!(r.ranks[n] > 1, "{method}: {:?}", r.scores);
            }
        }
    }
}
