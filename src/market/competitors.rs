//! The competitor feature matrix, weighted by how much buyers care.
//!
//! Coverage counts yes = 1, partial = ½, no = 0; a feature a competitor's
//! table does not mention counts as 0 and is listed as unknown. Weighted
//! coverage = Σ weight × coverage / Σ weight, over every `[[feature]]`.

use crate::workspace::choice::Choice;
use crate::workspace::model::Model;

/// How far a competitor (or a scenario) covers a feature.
pub use crate::workspace::choice::Coverage;

impl Coverage {
    pub fn value(self) -> f64 {
        match self {
            Coverage::Yes => 1.0,
            Coverage::Partial => 0.5,
            Coverage::No => 0.0,
        }
    }

    /// ✓ / ~ / ✗
    pub fn glyph(self) -> char {
        match self {
            Coverage::Yes => '✓',
            Coverage::Partial => '~',
            Coverage::No => '✗',
        }
    }
}

fn value(c: Option<Coverage>) -> f64 {
    c.map_or(0.0, Coverage::value)
}

/// A feature buyers compare.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureInfo {
    pub id: String,
    pub name: String,
    /// Buyer importance, 1–5.
    pub weight: i64,
    /// Mean competitor coverage, 0–1.
    pub competitor_mean: f64,
    /// Competitors without full coverage (partial, no or unknown).
    pub competitors_lacking: usize,
}

/// One competitor's row of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct CompetitorRow {
    pub id: String,
    pub name: String,
    pub share: Option<f64>,
    /// One cell per feature, in feature order; `None` = not stated.
    pub cells: Vec<Option<Coverage>>,
    /// Weighted coverage, 0–1.
    pub weighted: f64,
    /// Features its table does not mention (counted as no).
    pub unknown: Vec<String>,
}

/// A feature where someone is ahead of someone else.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub feature: String,
    pub name: String,
    pub weight: i64,
    /// Our planned coverage (0 for the market white space).
    pub ours: f64,
    /// Competitors' coverage the gap is measured against: their mean for the
    /// white space and for what a scenario fills, the best one for what a
    /// scenario is behind on.
    pub theirs: f64,
    /// weight × the coverage difference; what the gaps are ranked by.
    pub score: f64,
}

/// A scenario's planned coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    pub id: String,
    pub name: String,
    pub cells: Vec<Option<Coverage>>,
    /// Weighted planned coverage, 0–1.
    pub weighted: f64,
    /// The feature where the best competitor is furthest ahead of the plan
    /// (weight × (best − ours)), if any is.
    pub behind: Option<Gap>,
    /// The feature where the plan is furthest ahead of the competitors'
    /// mean (weight × (ours − mean)), if any is.
    pub ahead: Option<Gap>,
}

/// The whole matrix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matrix {
    pub features: Vec<FeatureInfo>,
    pub competitors: Vec<CompetitorRow>,
    pub scenarios: Vec<ScenarioRow>,
    /// The biggest gap in the market: the feature with the highest
    /// weight × (1 − mean competitor coverage) — important and mostly missing.
    pub white_space: Option<Gap>,
}

/// Pick the highest-scoring gap; ties go to the higher weight, then to the
/// earlier feature, so the answer is stable.
fn best(gaps: impl Iterator<Item = Gap>) -> Option<Gap> {
    gaps.filter(|g| g.score > 1e-12)
        .fold(None, |acc: Option<Gap>, g| match acc {
            Some(a)
                if a.score > g.score + 1e-12
                    || ((a.score - g.score).abs() <= 1e-12 && a.weight >= g.weight) =>
            {
                Some(a)
            }
            _ => Some(g),
        })
}

/// Build the matrix from the workspace's features, competitors and the
/// scenarios' planned `features`.
pub fn matrix(model: &Model) -> Matrix {
    let feats = &model.features;
    let total: f64 = feats.iter().map(|f| f.weight.max(0) as f64).sum();
    let weighted = |cells: &[Option<Coverage>]| -> f64 {
        if total <= 0.0 {
            return 0.0;
        }
        feats
            .iter()
            .zip(cells)
            .map(|(f, c)| f.weight.max(0) as f64 * value(*c))
            .sum::<f64>()
            / total
    };
    let competitors: Vec<CompetitorRow> = model
        .competitors
        .iter()
        .map(|c| {
            let cells: Vec<Option<Coverage>> = feats
                .iter()
                .map(|f| c.features.get(&f.id).and_then(Choice::known))
                .collect();
            CompetitorRow {
                id: c.id.clone(),
                name: c.name.clone(),
                share: c.share,
                weighted: weighted(&cells),
                unknown: feats
                    .iter()
                    .zip(&cells)
                    .filter(|(_, c)| c.is_none())
                    .map(|(f, _)| f.id.clone())
                    .collect(),
                cells,
            }
        })
        .collect();
    let n = competitors.len();
    let features: Vec<FeatureInfo> = feats
        .iter()
        .enumerate()
        .map(|(j, f)| {
            let sum: f64 = competitors.iter().map(|c| value(c.cells[j])).sum();
            FeatureInfo {
                id: f.id.clone(),
                name: f.name.clone(),
                weight: f.weight,
                competitor_mean: if n > 0 { sum / n as f64 } else { 0.0 },
                competitors_lacking: competitors
                    .iter()
                    .filter(|c| c.cells[j] != Some(Coverage::Yes))
                    .count(),
            }
        })
        .collect();
    let best_of = |j: usize| {
        competitors
            .iter()
            .map(|c| value(c.cells[j]))
            .fold(0.0, f64::max)
    };
    let gap = |j: usize, ours: f64, theirs: f64, score: f64| Gap {
        feature: features[j].id.clone(),
        name: features[j].name.clone(),
        weight: features[j].weight,
        ours,
        theirs,
        score,
    };
    let white_space = if n == 0 {
        None
    } else {
        best((0..features.len()).map(|j| {
            let w = features[j].weight as f64;
            gap(
                j,
                0.0,
                features[j].competitor_mean,
                w * (1.0 - features[j].competitor_mean),
            )
        }))
    };
    let scenarios = model
        .scenarios
        .iter()
        .map(|s| {
            let cells: Vec<Option<Coverage>> = feats
                .iter()
                .map(|f| s.features.get(&f.id).and_then(Choice::known))
                .collect();
            let behind = best((0..features.len()).map(|j| {
                let (ours, theirs) = (value(cells[j]), best_of(j));
                gap(j, ours, theirs, features[j].weight as f64 * (theirs - ours))
            }));
            let ahead = if n == 0 {
                None
            } else {
                best((0..features.len()).map(|j| {
                    let (ours, theirs) = (value(cells[j]), features[j].competitor_mean);
                    gap(j, ours, theirs, features[j].weight as f64 * (ours - theirs))
                }))
            };
            ScenarioRow {
                id: s.id.clone(),
                name: s.name.clone(),
                weighted: weighted(&cells),
                cells,
                behind,
                ahead,
            }
        })
        .collect();
    Matrix {
        features,
        competitors,
        scenarios,
        white_space,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::workspace::model::{Competitor, Feature, Scenario};

    fn feature(id: &str, weight: i64) -> Feature {
        Feature {
            id: id.into(),
            name: id.to_uppercase(),
            weight,
        }
    }

    fn table(pairs: &[(&str, &str)]) -> BTreeMap<String, Choice<Coverage>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), Choice::read(v)))
            .collect()
    }

    fn competitor(id: &str, pairs: &[(&str, &str)]) -> Competitor {
        Competitor {
            id: id.into(),
            name: id.into(),
            description: String::new(),
            pricing: String::new(),
            share: None,
            features: table(pairs),
        }
    }

    fn model() -> Model {
        let mut m = Model {
            features: vec![feature("a", 5), feature("b", 3), feature("c", 2)],
            competitors: vec![
                competitor("x", &[("a", "yes"), ("b", "partial"), ("c", "no")]),
                competitor("y", &[("a", "yes"), ("b", "no")]),
            ],
            ..Model::default()
        };
        m.scenarios.push(Scenario {
            id: "s".into(),
            name: "S".into(),
            description: String::new(),
            owner: String::new(),
            status: "candidate".into(),
            strategies: vec![],
            needs: vec![],
            scores: BTreeMap::new(),
            features: table(&[("b", "yes"), ("c", "partial")]),
            revenue: None,
        });
        m
    }

    #[test]
    fn weighted_coverage_by_hand() {
        let mx = matrix(&model());
        // x: (5·1 + 3·0.5 + 2·0) / 10 = 0.65; y: (5 + 0 + 0) / 10 = 0.5 with c unknown.
        assert!((mx.competitors[0].weighted - 0.65).abs() < 1e-12);
        assert!((mx.competitors[1].weighted - 0.5).abs() < 1e-12);
        assert_eq!(mx.competitors[1].unknown, vec!["c".to_string()]);
        // Scenario: (3·1 + 2·0.5) / 10 = 0.4.
        assert!((mx.scenarios[0].weighted - 0.4).abs() < 1e-12);
    }

    #[test]
    fn gaps_by_hand() {
        let mx = matrix(&model());
        // White space: a 5·(1−1)=0, b 3·(1−0.25)=2.25, c 2·(1−0)=2 → b.
        let ws = mx
            .white_space
            .as_ref()
            .map(|g| (g.feature.as_str(), g.score));
        assert_eq!(ws, Some(("b", 2.25)));
        assert_eq!(mx.features[1].competitors_lacking, 2);
        // Behind: a 5·(1−0)=5 → a. Ahead: b 3·(1−0.25)=2.25, c 2·(0.5−0)=1 → b.
        assert_eq!(
            mx.scenarios[0].behind.as_ref().map(|g| g.feature.as_str()),
            Some("a")
        );
        assert_eq!(mx.scenarios[0].ahead.as_ref().map(|g| g.score), Some(2.25));
    }

    #[test]
    fn empty_market_has_no_gaps() {
        let mx = matrix(&Model::default());
        assert!(mx.white_space.is_none() && mx.features.is_empty());
    }
}
