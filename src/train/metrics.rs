//! Binary-classification metrics computed from logits on the host.

use serde::Serialize;

/// Loss, accuracy, ROC AUC, precision and recall of one split for one epoch.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Scores {
    pub loss: f64,
    pub accuracy: f64,
    /// Exact ROC AUC (ties count half); `NaN` when the split has one class.
    pub auc: f64,
    pub precision: f64,
    pub recall: f64,
}

/// Numerically stable binary cross-entropy on a logit: `max(x,0) − x·y + ln(1+e^−|x|)`.
#[inline]
pub fn bce_logit(x: f32, y: f32) -> f32 {
    x.max(0.0) - x * y + (-x.abs()).exp().ln_1p()
}

/// The probability a logit stands for, as `predict` writes it.
#[inline]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Scores of `logits` against 0/1 `labels`; `weights` (per row) scale the
/// loss only, as Keras' class weights do.
pub fn scores(logits: &[f32], labels: &[f32], weights: Option<&[f32]>) -> Scores {
    let n = logits.len().min(labels.len());
    if n == 0 {
        return Scores {
            loss: f64::NAN,
            accuracy: f64::NAN,
            auc: f64::NAN,
            precision: f64::NAN,
            recall: f64::NAN,
        };
    }
    let mut loss = 0.0f64;
    let (mut tp, mut fp, mut tn, mut fnn) = (0usize, 0usize, 0usize, 0usize);
    for i in 0..n {
        let (x, y) = (logits[i], labels[i]);
        let w = weights.map_or(1.0, |w| w[i]);
        loss += f64::from(w * bce_logit(x, y));
        match (x > 0.0, y > 0.5) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fnn += 1,
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Scores {
        loss: loss / n as f64,
        accuracy: ratio(tp + tn, n),
        auc: roc_auc(&logits[..n], &labels[..n]),
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fnn),
    }
}

/// Exact ROC AUC via the rank-sum (Mann–Whitney U) statistic, ties averaged.
pub fn roc_auc(scores: &[f32], labels: &[f32]) -> f64 {
    let n = scores.len().min(labels.len());
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let positives = labels[..n].iter().filter(|&&y| y > 0.5).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return f64::NAN;
    }
    let mut rank_sum = 0.0f64;
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && scores[order[j]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j share the average rank.
        let avg = (i + 1 + j) as f64 / 2.0;
        let pos_in_tie = order[i..j].iter().filter(|&&k| labels[k] > 0.5).count();
        rank_sum += avg * pos_in_tie as f64;
        i = j;
    }
    let p = positives as f64;
    (rank_sum - p * (p + 1.0) / 2.0) / (p * negatives as f64)
}

/// One row of a cumulative gains / lift table: the rows ranked by score,
/// highest first, cut into equal bins (deciles for 10).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GainsRow {
    /// 1-based; 1 holds the highest scores.
    pub bin: usize,
    pub rows: usize,
    pub positives: usize,
    /// Rows and positives in this bin and every higher one.
    pub cum_rows: usize,
    pub cum_positives: usize,
    /// Share of this bin's rows that are positive.
    pub response: f64,
    /// Share of all positives reached by contacting the rows down to this
    /// bin (the cumulative gain).
    pub gain: f64,
    /// This bin's response over the overall positive rate.
    pub lift: f64,
    /// The cumulative response over the overall positive rate.
    pub cum_lift: f64,
}

/// The gains / lift table of `scores` against 0/1 `labels` in `bins`
/// bins. Rows are ranked by score, highest first, ties in row order; bin
/// `i` (0-based) holds ranked rows `⌊i·n/bins⌋ .. ⌊(i+1)·n/bins⌋`. Empty
/// without rows or positives.
pub fn gains(scores: &[f32], labels: &[f32], bins: usize) -> Vec<GainsRow> {
    let n = scores.len().min(labels.len());
    let total_pos = labels[..n].iter().filter(|&&y| y > 0.5).count();
    if n == 0 || total_pos == 0 || bins == 0 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let base = total_pos as f64 / n as f64;
    let (mut cum_rows, mut cum_pos) = (0usize, 0usize);
    (0..bins)
        .filter_map(|i| {
            let (lo, hi) = (i * n / bins, (i + 1) * n / bins);
            if hi == lo {
                return None;
            }
            let positives = order[lo..hi].iter().filter(|&&k| labels[k] > 0.5).count();
            cum_rows += hi - lo;
            cum_pos += positives;
            let response = positives as f64 / (hi - lo) as f64;
            Some(GainsRow {
                bin: i + 1,
                rows: hi - lo,
                positives,
                cum_rows,
                cum_positives: cum_pos,
                response,
                gain: cum_pos as f64 / total_pos as f64,
                lift: response / base,
                cum_lift: (cum_pos as f64 / cum_rows as f64) / base,
            })
        })
        .collect()
}

/// Who is contacted: the top share of the rows by score, or every row whose
/// score (a probability) is at least a threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cutoff {
    Top(f64),
    Threshold(f64),
}

impl Cutoff {
    /// `top 20 %` / `score ≥ 0.5`, as the pane and the report write it.
    pub fn describe(self) -> String {
        match self {
            Cutoff::Top(k) => {
                crate::tr!("training.cutoff.top", share = crate::numfmt::percent(k))
            }
            Cutoff::Threshold(t) => {
                crate::tr!("training.cutoff.threshold", t = crate::numfmt::exact(t))
            }
        }
    }
}

/// What contacting the rows above a cut-off does on the validation part.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CutoffStats {
    /// Validation rows and the positives among them.
    pub rows: usize,
    pub positives: usize,
    /// Rows contacted at the cut-off and the positives among them.
    pub contacted: usize,
    pub reached: usize,
    /// contacted / rows.
    pub share: f64,
    /// reached / contacted; `NaN` when nobody is contacted.
    pub precision: f64,
    /// reached / positives.
    pub recall: f64,
    /// precision over the overall positive rate.
    pub lift: f64,
    /// positives / rows.
    pub base_rate: f64,
    /// The lowest score contacted (`NaN` when nobody is).
    pub min_score: f64,
}

/// Precision, recall and lift at `cutoff` of `scores` (probabilities)
/// against 0/1 `labels`. `Top(k)` contacts the ⌊k·n + ½⌋ highest scores,
/// ties in row order as [`gains`] ranks them; `Threshold(t)` contacts every
/// row scoring ≥ t. `None` without rows or positives.
pub fn at_cutoff(scores: &[f32], labels: &[f32], cutoff: Cutoff) -> Option<CutoffStats> {
    let n = scores.len().min(labels.len());
    let positives = labels[..n].iter().filter(|&&y| y > 0.5).count();
    if n == 0 || positives == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let contacted = match cutoff {
        Cutoff::Top(k) => ((k.clamp(0.0, 1.0) * n as f64) + 0.5).floor() as usize,
        Cutoff::Threshold(t) => order
            .iter()
            .take_while(|&&i| f64::from(scores[i]) >= t)
            .count(),
    }
    .min(n);
    let reached = order[..contacted]
        .iter()
        .filter(|&&i| labels[i] > 0.5)
        .count();
    let base_rate = positives as f64 / n as f64;
    let precision = if contacted == 0 {
        f64::NAN
    } else {
        reached as f64 / contacted as f64
    };
    Some(CutoffStats {
        rows: n,
        positives,
        contacted,
        reached,
        share: contacted as f64 / n as f64,
        precision,
        recall: reached as f64 / positives as f64,
        lift: precision / base_rate,
        base_rate,
        min_score: contacted
            .checked_sub(1)
            .map_or(f64::NAN, |last| f64::from(scores[order[last]])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_known_values() {
        assert_eq!(roc_auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]), 0.75);
        assert_eq!(roc_auc(&[1.0, 2.0], &[0.0, 1.0]), 1.0);
        assert_eq!(roc_auc(&[1.0, 1.0], &[0.0, 1.0]), 0.5);
        assert!(roc_auc(&[1.0, 2.0], &[1.0, 1.0]).is_nan());
    }

    #[test]
    fn stable_bce_matches_naive_and_stays_finite() {
        for &(x, y) in &[(0.3f32, 1.0f32), (-2.0, 0.0), (4.0, 0.0)] {
            let p = 1.0 / (1.0 + (-x).exp());
            let naive = -(y * p.ln() + (1.0 - y) * (1.0 - p).ln());
            assert!((bce_logit(x, y) - naive).abs() < 1e-5);
        }
        assert!(bce_logit(1e4, 0.0).is_finite());
        assert!(bce_logit(-1e4, 1.0).is_finite());
        assert!((bce_logit(-1e4, 1.0) - 1e4).abs() < 1.0);
    }

    #[test]
    fn accuracy_precision_recall() {
        let s = scores(&[2.0, -1.0, 0.5, -3.0], &[1.0, 1.0, 0.0, 0.0], None);
        assert_eq!(s.accuracy, 0.5);
        assert_eq!(s.precision, 0.5);
        assert_eq!(s.recall, 0.5);
    }

    // Ten validation rows ranked by hand: positives at ranks 1, 3, 4 and 7
    // of 10 (base rate 0.4).
    const S: [f32; 10] = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05];
    const Y: [f32; 10] = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];

    #[test]
    fn top_k_precision_recall_and_lift_by_hand() {
        // Top 30 %: rows 1-3 (0.9, 0.8, 0.7), two of them positive.
        let c = at_cutoff(&S, &Y, Cutoff::Top(0.3)).unwrap();
        assert_eq!((c.rows, c.positives, c.contacted, c.reached), (10, 4, 3, 2));
        assert_eq!(c.share, 0.3);
        assert!((c.precision - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(c.recall, 0.5);
        assert!((c.lift - (2.0 / 3.0) / 0.4).abs() < 1e-12);
        assert_eq!(c.min_score, f64::from(0.7f32));
        // 25 % of 10 rows is 2.5: rounds half up to 3 rows.
        assert_eq!(at_cutoff(&S, &Y, Cutoff::Top(0.25)).unwrap().contacted, 3);
        // Everybody: precision is the base rate, recall 1, lift 1.
        let all = at_cutoff(&S, &Y, Cutoff::Top(1.0)).unwrap();
        assert_eq!((all.precision, all.recall, all.lift), (0.4, 1.0, 1.0));
        // Nobody: precision undefined, recall 0.
        let none = at_cutoff(&S, &Y, Cutoff::Top(0.0)).unwrap();
        assert_eq!((none.contacted, none.recall), (0, 0.0));
        assert!(none.precision.is_nan() && none.min_score.is_nan());
    }

    #[test]
    fn threshold_contacts_every_score_at_or_above_it() {
        // ≥ 0.5: 0.9, 0.8, 0.7, 0.6, 0.5; positives among them: 3 of 4.
        let c = at_cutoff(&S, &Y, Cutoff::Threshold(0.5)).unwrap();
        assert_eq!((c.contacted, c.reached), (5, 3));
        assert_eq!((c.precision, c.recall, c.share), (0.6, 0.75, 0.5));
        assert!((c.lift - 1.5).abs() < 1e-12);
        // Above every score: nobody.
        assert_eq!(
            at_cutoff(&S, &Y, Cutoff::Threshold(0.95))
                .unwrap()
                .contacted,
            0
        );
        // Without positives there is nothing to measure.
        assert!(at_cutoff(&S, &[0.0; 10], Cutoff::Top(0.3)).is_none());
    }

    #[test]
    fn cutoff_ties_break_in_row_order_as_gains_does() {
        let s = [0.5f32; 4];
        let y = [0.0, 1.0, 0.0, 1.0];
        // The first two rows: one positive.
        assert_eq!(at_cutoff(&s, &y, Cutoff::Top(0.5)).unwrap().reached, 1);
        // And the gains table's first half agrees.
        assert_eq!(gains(&s, &y, 2)[0].positives, 1);
    }
}
