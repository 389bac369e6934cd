//! Analytic Hierarchy Process: weights from pairwise comparisons (Saaty's
//! 1–9 scale) as the principal eigenvector of the comparison matrix, and the
//! consistency ratio.

use super::AnalysisError;
use crate::workspace::model::Comparison;

/// Saaty's random consistency index RI for n = 1..=15 (Saaty 1980; the
/// values for n > 10 from Saaty 2012, "Decision making for leaders").
pub const RANDOM_INDEX: [f64; 15] = [
    0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59,
];

/// Saaty's threshold: a consistency ratio above this should be revisited.
pub const CR_LIMIT: f64 = 0.1;

/// RI for an n × n matrix (the n = 15 value beyond the table).
pub fn random_index(n: usize) -> f64 {
    match n {
        0 => 0.0,
        n => RANDOM_INDEX[(n - 1).min(RANDOM_INDEX.len() - 1)],
    }
}

/// The comparison that disagrees most with the derived weights.
#[derive(Debug, Clone, PartialEq)]
pub struct InconsistentPair {
    /// Criterion indices.
    pub a: usize,
    pub b: usize,
    /// The ratio given (how many times more important a is than b).
    pub given: f64,
    /// The ratio the weights imply, wₐ / w_b: the consistent choice.
    pub implied: f64,
}

/// Result of an AHP derivation.
#[derive(Debug, Clone, PartialEq)]
pub struct Ahp {
    /// Principal eigenvector, normalised to sum to 1.
    pub weights: Vec<f64>,
    /// Principal eigenvalue.
    pub lambda_max: f64,
    /// Consistency index (λmax − n) / (n − 1).
    pub ci: f64,
    /// Random index for n.
    pub ri: f64,
    /// Consistency ratio CI / RI; `None` for n ≤ 2 (always consistent).
    pub cr: Option<f64>,
    /// The pair with the largest |ln(aᵢⱼ · wⱼ / wᵢ)|, when there is one.
    pub worst_pair: Option<InconsistentPair>,
    /// Pairs with no comparison, treated as equally important (ratio 1).
    pub missing: Vec<(usize, usize)>,
}

impl Ahp {
    /// CR above Saaty's 0.1 limit.
    pub fn inconsistent(&self) -> bool {
        self.cr.is_some_and(|cr| cr > CR_LIMIT)
    }
}

/// Weights for criteria `ids` from `comparisons`. Comparisons naming an
/// unknown criterion or a criterion with itself are ignored (`check`
/// reports them); a pair compared twice takes the last one; a pair never
/// compared counts as 1 and is listed in [`Ahp::missing`].
pub fn ahp(ids: &[String], comparisons: &[Comparison]) -> Result<Ahp, AnalysisError> {
    let n = ids.len();
    if n == 0 {
        return Err(AnalysisError::NoCriteria);
    }
    let mut a = vec![vec![1.0; n]; n];
    let mut given = vec![vec![false; n]; n];
    for c in comparisons {
        let (Some(i), Some(j)) = (
            ids.iter().position(|x| *x == c.a),
            ids.iter().position(|x| *x == c.b),
        ) else {
            continue;
        };
        if i == j {
            continue;
        }
        if !(c.ratio.is_finite() && c.ratio > 0.0) {
            return Err(AnalysisError::BadRatio {
                a: c.a.clone(),
                b: c.b.clone(),
                ratio: c.ratio,
            });
        }
        a[i][j] = c.ratio;
        a[j][i] = 1.0 / c.ratio;
        given[i][j] = true;
        given[j][i] = true;
    }
    let mut out = ahp_from_matrix(&a)?;
    out.missing = (0..n)
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .filter(|&(i, j)| !given[i][j])
        .collect();
    Ok(out)
}

/// AHP from a full positive reciprocal matrix (row i, column j = how many
/// times more important i is than j).
pub fn ahp_from_matrix(a: &[Vec<f64>]) -> Result<Ahp, AnalysisError> {
    let n = a.len();
    if n == 0 {
        return Err(AnalysisError::NoCriteria);
    }
    for (i, row) in a.iter().enumerate() {
        if row.len() != n {
            return Err(AnalysisError::WeightCount {
                expected: n,
                got: row.len(),
            });
        }
        for (j, &x) in row.iter().enumerate() {
            if !(x.is_finite() && x > 0.0) {
                return Err(AnalysisError::BadRatio {
                    a: format!("#{}", i + 1),
                    b: format!("#{}", j + 1),
                    ratio: x,
                });
            }
        }
    }
    // Power iteration: a positive matrix has a unique positive principal
    // eigenvector (Perron–Frobenius), and the iteration converges to it.
    let mut w = vec![1.0 / n as f64; n];
    let mut next = vec![0.0; n];
    for _ in 0..10_000 {
        for (i, row) in a.iter().enumerate() {
            next[i] = row.iter().zip(&w).map(|(x, w)| x * w).sum();
        }
        let s: f64 = next.iter().sum();
        next.iter_mut().for_each(|x| *x /= s);
        let diff = next
            .iter()
            .zip(&w)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        std::mem::swap(&mut w, &mut next);
        if diff < 1e-14 {
            break;
        }
    }
    let lambda_max = a
        .iter()
        .zip(&w)
        .map(|(row, wi)| row.iter().zip(&w).map(|(x, wj)| x * wj).sum::<f64>() / wi)
        .sum::<f64>()
        / n as f64;
    let ci = if n > 1 {
        ((lambda_max - n as f64) / (n as f64 - 1.0)).max(0.0)
    } else {
        0.0
    };
    let ri = random_index(n);
    let cr = (ri > 0.0).then(|| ci / ri);
    let mut worst: Option<(f64, InconsistentPair)> = None;
    for i in 0..n {
        for j in i + 1..n {
            let implied = w[i] / w[j];
            let err = (a[i][j] / implied).ln().abs();
            if err > 1e-9 && worst.as_ref().is_none_or(|(e, _)| err > *e) {
                worst = Some((
                    err,
                    InconsistentPair {
                        a: i,
                        b: j,
                        given: a[i][j],
                        implied,
                    },
                ));
            }
        }
    }
    Ok(Ahp {
        weights: w,
        lambda_max,
        ci,
        ri,
        cr,
        worst_pair: worst.map(|(_, p)| p),
        missing: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: &[&[f64]]) -> Vec<Vec<f64>> {
        rows.iter().map(|r| r.to_vec()).collect()
    }

    /// Saaty's published example: choosing a house on eight criteria
    /// (size, transportation, neighbourhood, age, yard, modern facilities,
    /// general condition, financing). T. L. Saaty, "How to make a decision:
    /// The analytic hierarchy process", European Journal of Operational
    /// Research 48 (1990) 9–26, Table 2: priorities .173 .054 .188 .018
    /// .031 .036 .167 .333, λmax = 9.669, C.I. = 0.238, C.R. = 0.169.
    #[test]
    fn saaty_house_example() {
        let a = m(&[
            &[1.0, 5.0, 3.0, 7.0, 6.0, 6.0, 1.0 / 3.0, 1.0 / 4.0],
            &[
                1.0 / 5.0,
                1.0,
                1.0 / 3.0,
                5.0,
                3.0,
                3.0,
                1.0 / 5.0,
                1.0 / 7.0,
            ],
            &[1.0 / 3.0, 3.0, 1.0, 6.0, 3.0, 4.0, 6.0, 1.0 / 5.0],
            &[
                1.0 / 7.0,
                1.0 / 5.0,
                1.0 / 6.0,
                1.0,
                1.0 / 3.0,
                1.0 / 4.0,
                1.0 / 7.0,
                1.0 / 8.0,
            ],
            &[
                1.0 / 6.0,
                1.0 / 3.0,
                1.0 / 3.0,
                3.0,
                1.0,
                1.0 / 2.0,
                1.0 / 5.0,
                1.0 / 6.0,
            ],
            &[
                1.0 / 6.0,
                1.0 / 3.0,
                1.0 / 4.0,
                4.0,
                2.0,
                1.0,
                1.0 / 5.0,
                1.0 / 6.0,
            ],
            &[3.0, 5.0, 1.0 / 6.0, 7.0, 5.0, 5.0, 1.0, 1.0 / 2.0],
            &[4.0, 7.0, 5.0, 8.0, 6.0, 6.0, 2.0, 1.0],
        ]);
        let r = ahp_from_matrix(&a).unwrap();
        let expect = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333];
        for (w, e) in r.weights.iter().zip(expect) {
            assert!((w - e).abs() < 0.0006, "weights {:?}", r.weights);
        }
        assert!(
            (r.lambda_max - 9.669).abs() < 0.0005,
            "λmax {}",
            r.lambda_max
        );
        assert!((r.ci - 0.238).abs() < 0.0005, "CI {}", r.ci);
        assert_eq!(r.ri, 1.41);
        let cr = r.cr.unwrap();
        assert!((cr - 0.169).abs() < 0.0005, "CR {cr}");
        assert!(r.inconsistent());
    }

    /// Saaty's light-intensity experiment (four chairs at increasing
    /// distances from a lamp): T. L. Saaty, "A scaling method for priorities
    /// in hierarchical structures", Journal of Mathematical Psychology 15
    /// (1977) 234–281: λmax = 4.39. The eigenvector (0.619, 0.235, 0.101,
    /// 0.045) is cross-checked with numpy's eigensolver.
    #[test]
    fn saaty_light_intensity_example() {
        let a = m(&[
            &[1.0, 5.0, 6.0, 7.0],
            &[1.0 / 5.0, 1.0, 4.0, 6.0],
            &[1.0 / 6.0, 1.0 / 4.0, 1.0, 4.0],
            &[1.0 / 7.0, 1.0 / 6.0, 1.0 / 4.0, 1.0],
        ]);
        let r = ahp_from_matrix(&a).unwrap();
        let expect = [0.6187, 0.2353, 0.1009, 0.0451];
        for (w, e) in r.weights.iter().zip(expect) {
            assert!((w - e).abs() < 0.0001, "weights {:?}", r.weights);
        }
        assert!((r.lambda_max - 4.39).abs() < 0.005, "λmax {}", r.lambda_max);
        assert!((r.cr.unwrap() - 0.1447).abs() < 0.001);
    }

    #[test]
    fn a_consistent_matrix_gives_exact_weights_and_zero_cr() {
        // Weights 0.5, 0.25, 0.25: a[i][j] = wi / wj.
        let a = m(&[&[1.0, 2.0, 2.0], &[0.5, 1.0, 1.0], &[0.5, 1.0, 1.0]]);
        let r = ahp_from_matrix(&a).unwrap();
        assert!((r.weights[0] - 0.5).abs() < 1e-12);
        assert!((r.weights[1] - 0.25).abs() < 1e-12);
        assert!((r.lambda_max - 3.0).abs() < 1e-12);
        assert!(r.cr.unwrap() < 1e-12);
        assert!(!r.inconsistent());
        assert_eq!(r.worst_pair, None);
    }

    #[test]
    fn the_most_inconsistent_pair_is_named() {
        // Consistent 8:4:2:1 except c3 vs c4, given as 1/4 instead of 2.
        let ids: Vec<String> = ["c1", "c2", "c3", "c4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cmp = |a: &str, b: &str, ratio| Comparison {
            a: a.into(),
            b: b.into(),
            ratio,
        };
        let given = [
            cmp("c1", "c2", 2.0),
            cmp("c1", "c3", 4.0),
            cmp("c1", "c4", 8.0),
            cmp("c2", "c3", 2.0),
            cmp("c2", "c4", 4.0),
            cmp("c3", "c4", 0.25),
        ];
        let r = ahp(&ids, &given).unwrap();
        assert!(r.inconsistent(), "CR {:?}", r.cr);
        let p = r.worst_pair.unwrap();
        assert_eq!((p.a, p.b), (2, 3));
        assert_eq!(p.given, 0.25);
        assert!(p.implied < 1.0);
        assert!(r.missing.is_empty());
    }

    #[test]
    fn missing_and_bad_comparisons() {
        let ids: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        let r = ahp(
            &ids,
            &[Comparison {
                a: "x".into(),
                b: "y".into(),
                ratio: 3.0,
            }],
        )
        .unwrap();
        assert_eq!(r.missing, vec![(0, 2), (1, 2)]);
        let bad = ahp(
            &ids,
            &[Comparison {
                a: "x".into(),
                b: "y".into(),
                ratio: 0.0,
            }],
        );
        assert!(matches!(bad, Err(AnalysisError::BadRatio { .. })));
        assert_eq!(ahp(&[], &[]).unwrap_err(), AnalysisError::NoCriteria);
        let one = ahp(&ids[..1], &[]).unwrap();
        assert_eq!(one.weights, vec![1.0]);
        assert_eq!(one.cr, None);
    }
}
