//! Workshop votes, aggregated: per cell the median or mean with its spread,
//! AHP judgments by the geometric mean of the individual judgments (AIJ),
//! weight points by the geometric mean of normalised weights, the group's
//! agreement on the ranking (Kendall's W, each participant's Spearman
//! correlation with the group) and the cells to discuss first. Pure: the
//! votes come in [`Model::votes`]. Formulas in docs/METHOD.md, "Votes".

use std::borrow::Cow;

use super::scoring::{Matrix, Method, clearly_above, normalise, rank};
use super::{AnalysisError, ahp};
use crate::workspace::Model;
use crate::workspace::choice::{Aggregate, Choice, ScoreSource};
use crate::workspace::model::{Comparison, Scenario};
use crate::workspace::votes::{Ballot, in_scale};

/// The votes of one scenario × criterion cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellStats {
    /// Scenario and criterion indices (model order).
    pub scenario: usize,
    pub criterion: usize,
    /// Number of votes.
    pub n: usize,
    pub median: f64,
    pub mean: f64,
    /// First and third quartiles (linear interpolation).
    pub q1: f64,
    pub q3: f64,
    /// q3 − q1.
    pub iqr: f64,
    pub min: f64,
    pub max: f64,
    /// (participant index, score), in participant order.
    pub votes: Vec<(usize, f64)>,
}

/// One participant, against the group.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantStats {
    /// The vote file's name (without `.toml`).
    pub id: String,
    /// Cells with a usable score.
    pub cells: usize,
    /// Consistency ratio of the participant's own AHP judgments (`None`
    /// without judgments, or with 2 criteria or fewer).
    pub ahp_cr: Option<f64>,
    /// Spearman correlation of the participant's ranking with the group's
    /// (`None` without scores, or when either ranking is all ties).
    pub spearman: Option<f64>,
}

/// A cell worth discussing: its spread, and whether scoring it at the
/// votes' first or third quartile changes the winner.
#[derive(Debug, Clone, PartialEq)]
pub struct Discuss {
    pub scenario: usize,
    pub criterion: usize,
    /// The interquartile range of its votes.
    pub spread: f64,
    pub could_flip: bool,
}

/// Everything `lodestar votes` and the report show.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteSummary {
    pub aggregate: Aggregate,
    pub participants: Vec<ParticipantStats>,
    /// Cells with at least one vote, scenario by scenario, criteria in order.
    pub cells: Vec<CellStats>,
    /// Kendall's coefficient of concordance over the participants'
    /// rankings (with the tie correction); `None` with fewer than two
    /// participants or scenarios.
    pub kendall_w: Option<f64>,
    /// Cells with a spread (IQR > 0): those that could flip the winner
    /// first, then by spread, largest first.
    pub discuss_first: Vec<Discuss>,
    /// The group's scores per scenario (votes applied) and the winner.
    pub group_scores: Vec<f64>,
    pub winner: usize,
}

/// The `p`-quantile of sorted values by linear interpolation between
/// order statistics (Hyndman–Fan type 7, numpy's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// Statistics of one cell's votes (any order; not empty).
pub fn cell_stats(scenario: usize, criterion: usize, votes: Vec<(usize, f64)>) -> CellStats {
    let mut sorted: Vec<f64> = votes.iter().map(|v| v.1).collect();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let q1 = quantile(&sorted, 0.25);
    let q3 = quantile(&sorted, 0.75);
    CellStats {
        scenario,
        criterion,
        n,
        median: quantile(&sorted, 0.5),
        mean: sorted.iter().sum::<f64>() / n.max(1) as f64,
        q1,
        q3,
        iqr: q3 - q1,
        min: sorted.first().copied().unwrap_or(f64::NAN),
        max: sorted.last().copied().unwrap_or(f64::NAN),
        votes,
    }
}

/// Ranks 1 = highest score; scores within the ranking tolerance share the
/// mean of the ranks they span (mid-ranks: 1, 2.5, 2.5, 4).
pub fn mid_ranks(scores: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut ranks = vec![0.0; scores.len()];
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && !clearly_above(scores[order[start]], scores[order[end]]) {
            end += 1;
        }
        let mid = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = mid;
        }
        start = end;
    }
    ranks
}

/// Kendall's W for `rankings` (one mid-rank vector per rater, all of the
/// same length n), with the correction for ties:
/// W = (12 Σ Rᵢ² − 3 m² n (n+1)²) / (m² n (n² − 1) − m Σ T), T = Σ (t³ − t)
/// over each rater's groups of t tied ranks.
pub fn kendall_w(rankings: &[Vec<f64>]) -> Option<f64> {
    let m = rankings.len();
    let n = rankings.first().map_or(0, Vec::len);
    if m < 2 || n < 2 || rankings.iter().any(|r| r.len() != n) {
        return None;
    }
    let (mf, nf) = (m as f64, n as f64);
    let sum_sq: f64 = (0..n)
        .map(|i| rankings.iter().map(|r| r[i]).sum::<f64>().powi(2))
        .sum();
    let ties: f64 = rankings
        .iter()
        .map(|r| {
            let mut s = r.clone();
            s.sort_by(f64::total_cmp);
            s.chunk_by(|a, b| a == b)
                .map(|g| {
                    let t = g.len() as f64;
                    t * t * t - t
                })
                .sum::<f64>()
        })
        .sum();
    let denom = mf * mf * nf * (nf * nf - 1.0) - mf * ties;
    if denom <= 0.0 {
        return None;
    }
    Some((12.0 * sum_sq - 3.0 * mf * mf * nf * (nf + 1.0).powi(2)) / denom)
}

/// Spearman's ρ: the Pearson correlation of two rank vectors (mid-ranks for
/// ties). `None` when either has no variance.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    let n = a.len();
    if n < 2 || b.len() != n {
        return None;
    }
    let ma = a.iter().sum::<f64>() / n as f64;
    let mb = b.iter().sum::<f64>() / n as f64;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    if saa <= 0.0 || sbb <= 0.0 {
        return None;
    }
    Some(sab / (saa * sbb).sqrt())
}

/// A participant's usable judgments (known, distinct criteria, ratio in
/// 1/9–9; a pair judged twice counts once, the first time).
fn judgments(model: &Model, b: &Ballot) -> Vec<(usize, usize, f64)> {
    let idx = |id: &str| model.criteria.iter().position(|c| c.id == id);
    let mut out: Vec<(usize, usize, f64)> = Vec::new();
    for j in &b.comparisons {
        let (Some(i), Some(k)) = (idx(&j.a), idx(&j.b)) else {
            continue;
        };
        let ok = j.ratio.is_finite() && (1.0 / 9.0 - 1e-9..=9.0 + 1e-9).contains(&j.ratio);
        if i == k || !ok {
            continue;
        }
        let (i, k, r) = if i < k {
            (i, k, j.ratio)
        } else {
            (k, i, 1.0 / j.ratio)
        };
        if !out.iter().any(|&(a, b, _)| (a, b) == (i, k)) {
            out.push((i, k, r));
        }
    }
    out
}

/// The group's judgments by AIJ: per pair of criteria, the geometric mean
/// of the ratios of the participants who judged it (i < j, ratio of i over
/// j). Pairs nobody judged are absent.
pub fn aij(model: &Model) -> Vec<(usize, usize, f64)> {
    let m = model.criteria.len();
    let mut logs = vec![(0.0, 0usize); m * m];
    for b in &model.votes {
        for (i, k, r) in judgments(model, b) {
            let cell = &mut logs[i * m + k];
            cell.0 += r.ln();
            cell.1 += 1;
        }
    }
    let mut out = Vec::new();
    for i in 0..m {
        for k in i + 1..m {
            let (sum, count) = logs[i * m + k];
            if count > 0 {
                out.push((i, k, (sum / count as f64).exp()));
            }
        }
    }
    out
}

/// A participant's weights, normalised to sum to 1, when they gave
/// positive points for every criterion.
fn normalised_points(model: &Model, b: &Ballot) -> Option<Vec<f64>> {
    if b.weights.is_empty() {
        return None;
    }
    let raw: Option<Vec<f64>> = model
        .criteria
        .iter()
        .map(|c| {
            b.weights
                .iter()
                .find(|p| p.criterion == c.id)
                .map(|p| p.points)
                .filter(|p| p.is_finite() && *p > 0.0)
        })
        .collect();
    let raw = raw?;
    let sum: f64 = raw.iter().sum();
    Some(raw.iter().map(|w| w / sum).collect())
}

/// The group's weights: per criterion the geometric mean of the
/// participants' normalised weights, scaled to sum to 1. Only participants
/// who gave points for every criterion count; `None` when nobody did.
pub fn group_weights(model: &Model) -> Option<Vec<f64>> {
    let all: Vec<Vec<f64>> = model
        .votes
        .iter()
        .filter_map(|b| normalised_points(model, b))
        .collect();
    if all.is_empty() {
        return None;
    }
    let k = all.len() as f64;
    let g: Vec<f64> = (0..model.criteria.len())
        .map(|j| (all.iter().map(|w| w[j].ln()).sum::<f64>() / k).exp())
        .collect();
    let sum: f64 = g.iter().sum();
    Some(g.iter().map(|x| x / sum).collect())
}

/// Every cell's usable votes, scenario-major; cells without votes are
/// absent.
pub fn cells(model: &Model) -> Vec<CellStats> {
    let m = model.criteria.len();
    let mut grid: Vec<Vec<(usize, f64)>> = vec![Vec::new(); model.scenarios.len() * m];
    for (p, b) in model.votes.iter().enumerate() {
        for v in &b.scores {
            let Some(i) = model.scenarios.iter().position(|s| s.id == v.scenario) else {
                continue;
            };
            let Some(j) = model.criteria.iter().position(|c| c.id == v.criterion) else {
                continue;
            };
            if !in_scale(model, &v.criterion, v.value) {
                continue;
            }
            // A participant's vote counts once per cell (the first one).
            let cell = &mut grid[i * m + j];
            if !cell.iter().any(|(q, _)| *q == p) {
                cell.push((p, v.value));
            }
        }
    }
    grid.into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| cell_stats(k / m, k % m, v))
        .collect()
}

/// Whether scoring uses the votes: `[scoring] source = "votes"` and at
/// least one vote file.
pub fn uses_votes(model: &Model) -> bool {
    matches!(
        model.settings.scoring.source,
        Choice::Known(ScoreSource::Votes)
    ) && !model.votes.is_empty()
}

fn aggregate_of(model: &Model) -> Aggregate {
    match model.settings.scoring.aggregate {
        Choice::Known(a) => a,
        Choice::Unknown(_) => Aggregate::Median,
    }
}

/// The model with the votes applied, when it scores with them (see
/// [`uses_votes`]); otherwise the model itself. Cells with votes take their
/// median (or mean); judgments replace the `[[comparison]]` of the pairs
/// they cover (AIJ); complete weight points replace the direct weights.
pub fn effective(model: &Model) -> Cow<'_, Model> {
    if !uses_votes(model) {
        return Cow::Borrowed(model);
    }
    let mut out = model.clone();
    apply(&mut out, &cells(model), aggregate_of(model));
    Cow::Owned(out)
}

fn apply(out: &mut Model, cells: &[CellStats], how: Aggregate) {
    for c in cells {
        let v = match how {
            Aggregate::Median => c.median,
            Aggregate::Mean => c.mean,
        };
        let id = out.criteria[c.criterion].id.clone();
        out.scenarios[c.scenario].scores.insert(id, v);
    }
    for (i, k, r) in aij(out) {
        let (a, b) = (out.criteria[i].id.clone(), out.criteria[k].id.clone());
        out.comparisons
            .retain(|c| !((c.a == a && c.b == b) || (c.a == b && c.b == a)));
        out.comparisons.push(Comparison { a, b, ratio: r });
    }
    if let Some(w) = group_weights(out) {
        for (c, w) in out.criteria.iter_mut().zip(w) {
            c.weight = w;
        }
    }
}

/// The votes prepared for the participant bootstrap of the stability Monte
/// Carlo, for `matrix` (the matrix scored from [`effective`]`(model)`):
/// `None` unless the workspace scores with the votes ([`uses_votes`]).
pub fn panel(model: &Model) -> Result<Option<super::stability::Panel>, AnalysisError> {
    if !uses_votes(model) {
        return Ok(None);
    }
    let scales: Vec<(f64, f64, bool)> = model
        .criteria
        .iter()
        .map(|c| (c.min, c.max, c.cost))
        .collect();
    let votes: Vec<(usize, usize, usize, f64)> = cells(model)
        .iter()
        .flat_map(|c| {
            c.votes
                .iter()
                .map(move |&(p, v)| (c.scenario, c.criterion, p, v))
        })
        .collect();
    let mean = aggregate_of(model) == Aggregate::Mean;
    super::stability::Panel::new(
        model.votes.len(),
        model.scenarios.len(),
        &scales,
        &votes,
        mean,
    )
    .map(Some)
}

/// Scenarios stripped to what scoring reads, for fast re-scoring.
fn slim(scenarios: &[Scenario]) -> Vec<Scenario> {
    scenarios
        .iter()
        .map(|s| Scenario {
            id: s.id.clone(),
            name: String::new(),
            description: String::new(),
            owner: String::new(),
            status: s.status.clone(),
            strategies: Vec::new(),
            needs: Vec::new(),
            scores: s.scores.clone(),
            features: Default::default(),
            revenue: None,
        })
        .collect()
}

/// Aggregate the votes of `model` and compare every participant with the
/// group, scoring with `method` (default: the workspace's). Works whatever
/// `[scoring] source` says: the group scores here always use the votes.
pub fn summarise(model: &Model, method: Option<Method>) -> Result<VoteSummary, AnalysisError> {
    let method = match method {
        Some(m) => m,
        None => match &model.settings.scoring.method {
            Choice::Known(m) => *m,
            Choice::Unknown(other) => return Err(AnalysisError::UnknownMethod(other.clone())),
        },
    };
    let how = aggregate_of(model);
    let cells = cells(model);
    let mut group = model.clone();
    apply(&mut group, &cells, how);
    let weights = super::weights(&group)?.values;
    let base = slim(&group.scenarios);
    let score = |scenarios: &[Scenario]| -> Result<Vec<f64>, AnalysisError> {
        let matrix = Matrix::new(&group.criteria, scenarios)?;
        Ok(rank(&matrix, &weights, method)?.scores)
    };
    let base_matrix = Matrix::new(&group.criteria, &base)?;
    let base_ranking = rank(&base_matrix, &weights, method)?;
    let group_scores = base_ranking.scores.clone();
    let group_ranks = mid_ranks(&group_scores);
    let winner = super::scoring::order_of(&group_scores)
        .first()
        .copied()
        .unwrap_or(0);

    let ids: Vec<String> = group.criteria.iter().map(|c| c.id.clone()).collect();
    let mut participants = Vec::new();
    let mut rankings = Vec::new();
    for (p, b) in model.votes.iter().enumerate() {
        let mine: Vec<&CellStats> = cells
            .iter()
            .filter(|c| c.votes.iter().any(|v| v.0 == p))
            .collect();
        let own = judgments(model, b);
        let ahp_cr = if own.is_empty() {
            None
        } else {
            let comparisons: Vec<Comparison> = own
                .iter()
                .map(|&(i, k, r)| Comparison {
                    a: ids[i].clone(),
                    b: ids[k].clone(),
                    ratio: r,
                })
                .collect();
            ahp::ahp(&ids, &comparisons).ok().and_then(|a| a.cr)
        };
        let spearman = if mine.is_empty() {
            None
        } else {
            let mut theirs = base.clone();
            for c in &mine {
                if let Some(&(_, v)) = c.votes.iter().find(|v| v.0 == p) {
                    theirs[c.scenario]
                        .scores
                        .insert(ids[c.criterion].clone(), v);
                }
            }
            let ranks = mid_ranks(&score(&theirs)?);
            let rho = spearman(&ranks, &group_ranks);
            rankings.push(ranks);
            rho
        };
        participants.push(ParticipantStats {
            id: b.participant.clone(),
            cells: mine.len(),
            ahp_cr,
            spearman,
        });
    }

    let mut discuss_first = Vec::new();
    for c in cells.iter().filter(|c| c.iqr > 0.0) {
        let mut flips = false;
        for at in [c.q1, c.q3] {
            let scores = if method == Method::WeightedSum {
                // The weighted sum is linear: only this scenario's score
                // moves, by wⱼ · Δnᵢⱼ (no matrix to rebuild).
                let crit = &group.criteria[c.criterion];
                let new = normalise(at.clamp(crit.min, crit.max), crit.min, crit.max, crit.cost);
                let old = base_matrix.normalised(c.scenario, c.criterion);
                let mut scores = group_scores.clone();
                scores[c.scenario] += base_ranking.weights[c.criterion] * (new - old);
                scores
            } else {
                let mut s = base.clone();
                s[c.scenario].scores.insert(ids[c.criterion].clone(), at);
                score(&s)?
            };
            if super::scoring::order_of(&scores).first().copied() != Some(winner) {
                flips = true;
                break;
            }
        }
        discuss_first.push(Discuss {
            scenario: c.scenario,
            criterion: c.criterion,
            spread: c.iqr,
            could_flip: flips,
        });
    }
    discuss_first.sort_by(|a, b| {
        b.could_flip
            .cmp(&a.could_flip)
            .then(b.spread.total_cmp(&a.spread))
            .then((a.scenario, a.criterion).cmp(&(b.scenario, b.criterion)))
    });

    Ok(VoteSummary {
        aggregate: how,
        participants,
        cells,
        kendall_w: kendall_w(&rankings),
        discuss_first,
        group_scores,
        winner,
    })
}

/// What one cell's votes do to its scenario's rank, for the vote round.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEffect {
    /// The scenario's rank as the workspace scores it now.
    pub now: usize,
    /// Its rank with this cell at the votes' median (other cells as now).
    pub median: usize,
    /// Its best and worst rank with the cell anywhere between the votes'
    /// first and third quartiles (scored at both ends and the median).
    pub best: usize,
    pub worst: usize,
    /// Whether the cell at one of those values changes the winner.
    pub flips: bool,
}

/// Re-score `model` (as it scores now: [`effective`]) with the cell of
/// scenario `i` × criterion `j` at the median and the quartiles of
/// `stats`. Four rankings: cheap enough for every change of the room.
pub fn cell_effect(
    model: &Model,
    i: usize,
    j: usize,
    stats: &CellStats,
) -> Result<CellEffect, AnalysisError> {
    let method = match &model.settings.scoring.method {
        Choice::Known(m) => *m,
        Choice::Unknown(other) => return Err(AnalysisError::UnknownMethod(other.clone())),
    };
    let base = effective(model);
    let weights = super::weights(&base)?.values;
    let mut scenarios = slim(&base.scenarios);
    let id = base
        .criteria
        .get(j)
        .map(|c| c.id.clone())
        .ok_or(AnalysisError::NoCriteria)?;
    if i >= scenarios.len() {
        return Err(AnalysisError::NoScenarios);
    }
    let mut rank_at = |value: Option<f64>| -> Result<(usize, usize), AnalysisError> {
        if let Some(v) = value {
            scenarios[i].scores.insert(id.clone(), v);
        }
        let matrix = Matrix::new(&base.criteria, &scenarios)?;
        let r = rank(&matrix, &weights, method)?;
        Ok((
            r.ranks.get(i).copied().unwrap_or(0),
            r.order.first().copied().unwrap_or(0),
        ))
    };
    let (now, winner) = rank_at(None)?;
    let (median, w_median) = rank_at(Some(stats.median))?;
    let (at_q1, w_q1) = rank_at(Some(stats.q1))?;
    let (at_q3, w_q3) = rank_at(Some(stats.q3))?;
    let ranks = [median, at_q1, at_q3];
    Ok(CellEffect {
        now,
        median,
        best: ranks.iter().copied().min().unwrap_or(now),
        worst: ranks.iter().copied().max().unwrap_or(now),
        flips: [w_median, w_q1, w_q3].iter().any(|w| *w != winner),
    })
}

#[cfg(test)]
mod tests {
    //! Expected values were computed independently with numpy 2.4 and
    //! scipy 1.17 (`np.percentile`, `scipy.stats.rankdata`,
    //! `scipy.stats.spearmanr`, `np.linalg.eig`); the script is in the
    //! comments next to each value.
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }

    #[test]
    fn median_quartiles_and_mean_match_numpy() {
        // np.percentile([2,3,4,5,5], [25,50,75]) = 3, 4, 5; mean 3.8
        let s = cell_stats(
            0,
            0,
            [5.0, 2.0, 4.0, 5.0, 3.0].iter().map(|&v| (0, v)).collect(),
        );
        close(s.q1, 3.0);
        close(s.median, 4.0);
        close(s.q3, 5.0);
        close(s.mean, 3.8);
        close(s.iqr, 2.0);
        close(s.min, 2.0);
        close(s.max, 5.0);
        assert_eq!(s.n, 5);
        // np.percentile([1,4,2,5], [25,50,75]) = 1.75, 3, 4.25
        let s = cell_stats(0, 0, [1.0, 4.0, 2.0, 5.0].iter().map(|&v| (0, v)).collect());
        close(s.q1, 1.75);
        close(s.median, 3.0);
        close(s.q3, 4.25);
        close(s.iqr, 2.5);
        let one = cell_stats(0, 0, vec![(0, 3.0)]);
        close(one.q1, 3.0);
        close(one.q3, 3.0);
        close(one.iqr, 0.0);
    }

    #[test]
    fn kendall_w_with_ties_and_spearman_match_scipy() {
        // Scores of three raters on four scenarios; rankdata(-scores):
        // [1,2,3,4], [1.5,1.5,3,4], [2,1,4,3].
        let scores = [
            [4.0, 3.0, 2.0, 1.0],
            [4.0, 4.0, 2.0, 1.0],
            [3.0, 4.0, 1.0, 2.0],
        ];
        let ranks: Vec<Vec<f64>> = scores.iter().map(|s| mid_ranks(s)).collect();
        assert_eq!(ranks[1], vec![1.5, 1.5, 3.0, 4.0]);
        // (12 ΣR² − 3m²n(n+1)²) / (m²n(n²−1) − mΣT) with T = 2³ − 2 = 6
        close(kendall_w(&ranks).unwrap_or(f64::NAN), 0.8390804597701149);
        // spearmanr(r, rankdata(-[4, 3.5, 2, 1]))
        let group = mid_ranks(&[4.0, 3.5, 2.0, 1.0]);
        let rho: Vec<f64> = ranks
            .iter()
            .map(|r| spearman(r, &group).unwrap_or(f64::NAN))
            .collect();
        close(rho[0], 1.0);
        close(rho[1], 0.9486832980505139);
        close(rho[2], 0.6000000000000001);
        // One rater, or a ranking that is all ties: undefined.
        assert_eq!(kendall_w(&ranks[..1]), None);
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
        // Perfect agreement is 1.
        close(
            kendall_w(&[ranks[0].clone(), ranks[0].clone()]).unwrap_or(0.0),
            1.0,
        );
    }
}
