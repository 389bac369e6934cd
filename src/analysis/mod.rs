//! Pure computations over the workspace model: scoring, AHP weights, ranking
//! stability, quadrants, revenue, needs coverage and the risk register.
//! Nothing here prints or knows about terminals; every function returns data
//! for `cli` and `tui`.
//!
//! A UI calls [`analyse`] after every edit (cheap: no sampling), and runs
//! [`stability_with`] on a background thread with a progress callback and a
//! cancel flag. Formulas are documented in `docs/METHOD.md`.

pub mod ahp;
pub mod coverage;
pub mod links;
pub mod monitor;
pub mod revenue;
pub mod risk;
pub use crate::rng;
pub mod scoring;
pub mod stability;
pub mod votes;

use crate::numfmt::exact;
use thiserror::Error;

use crate::workspace::Model;
use crate::workspace::choice::{Choice, Resample, ScoreSource};

pub use ahp::{Ahp, InconsistentPair, ahp, ahp_from_matrix};
pub use coverage::{Coverage, coverage};
pub use revenue::{Irr, Projection, RevenueModel, irr, npv, payback_month, project};
pub use scoring::{
    Contribution, Matrix, Method, Part, Position, Quadrant, Ranking, WeightSource, Weights,
    quadrants, rank, weights,
};
pub use stability::{
    Flip, Panel, Progress, Stability, StabilityOptions, TornadoBar, flips, smallest_flip,
    stability, stability_panel, stability_with, tornado,
};

/// Why an analysis could not be done. Every variant comes from user data or
/// settings, never from a bug; the message says what to change.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AnalysisError {
    #[error("no criteria defined: add [[criterion]] records to workspace.toml")]
    NoCriteria,
    #[error("no scenarios to score: add [[scenario]] records to scenarios.toml")]
    NoScenarios,
    #[error("all criterion weights are zero: give at least one criterion a positive weight")]
    ZeroWeights,
    #[error(
        "criterion `{criterion}` has an invalid weight {} (weights must be finite and ≥ 0)",
        exact(*weight)
    )]
    BadWeight { criterion: String, weight: f64 },
    #[error(
        "criterion `{criterion}` has min {} ≥ max {}: scores cannot be normalised",
        exact(*min),
        exact(*max)
    )]
    BadRange {
        criterion: String,
        min: f64,
        max: f64,
    },
    #[error(
        "comparison `{a}` vs `{b}` has an invalid ratio {} (must be finite and > 0)",
        exact(*ratio)
    )]
    BadRatio { a: String, b: String, ratio: f64 },
    #[error(
        "scenario `{scenario}` has an invalid score {} for criterion `{criterion}` (must be a finite number)",
        exact(*value)
    )]
    BadScore {
        scenario: String,
        criterion: String,
        value: f64,
    },
    #[error("revenue `{field}` is {} (must be a finite number)", exact(*value))]
    BadRevenue { field: &'static str, value: f64 },
    #[error("unknown scoring method `{0}` (use {names})", names = Method::NAMES.join(", "))]
    UnknownMethod(String),
    #[error("unknown weights source `{0}` (use {names})", names = WeightSource::NAMES.join(", "))]
    UnknownWeightSource(String),
    #[error("weights are for {got} criteria but the matrix has {expected}")]
    WeightCount { expected: usize, got: usize },
    #[error(
        "no criterion has group = \"{0}\": the value-vs-feasibility quadrant needs both groups"
    )]
    MissingGroup(&'static str),
    #[error("invalid setting {name} = {value}: {reason}")]
    BadSetting {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("unknown revenue model `{0}` (use {names})", names = RevenueModel::NAMES.join(", "))]
    UnknownRevenueModel(String),
    /// Money figures grew past what a number can hold (a volume growing
    /// 50 % a month for 100 years): reported, never shown as "no IRR".
    #[error(
        "revenue arithmetic overflows: {what} is too large to compute from month {month} on; lower growth, volume or price (or the horizon)"
    )]
    Overflow { what: &'static str, month: usize },
    #[error("cancelled")]
    Cancelled,
}

/// Everything about the scenarios that is cheap to compute (no sampling):
/// what a pane recomputes after every edit.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// Whether the scores are the scenarios' own or the aggregated votes
    /// (`[scoring] source = "votes"` with vote files present).
    pub source: ScoreSource,
    pub matrix: Matrix,
    pub weights: Weights,
    pub method: Method,
    pub ranking: Ranking,
    /// Value-vs-feasibility positions, one per scenario; an error when the
    /// criteria lack a `value` or `feasibility` group.
    pub positions: Result<Vec<Position>, AnalysisError>,
    /// One bar per criterion (±`settings.scoring.delta`).
    pub tornado: Vec<TornadoBar>,
    /// Per criterion, the nearest weight at which the winner changes.
    pub flips: Vec<Option<Flip>>,
    /// Per scenario (same order as `matrix.scenarios`); `None` when the
    /// scenario has no revenue model.
    pub revenue: Vec<Option<Result<Projection, AnalysisError>>>,
    pub coverage: Coverage,
    /// The votes for the participant bootstrap, when the workspace scores
    /// with votes and `[scoring] resample = "participants"`.
    pub panel: Option<std::sync::Arc<Panel>>,
}

impl Analysis {
    /// The smallest single-weight change that makes another scenario win.
    pub fn smallest_flip(&self) -> Option<&Flip> {
        smallest_flip(&self.flips)
    }

    /// Stability options from the workspace settings.
    pub fn stability_options(model: &Model) -> StabilityOptions {
        StabilityOptions {
            samples: model.settings.scoring.samples,
            seed: model.settings.scoring.seed,
            concentration: model.settings.scoring.concentration,
        }
    }
}

/// Score, rank and explain every scenario of `model`, with the method from
/// the settings unless `method` overrides it.
pub fn analyse(model: &Model, method: Option<Method>) -> Result<Analysis, AnalysisError> {
    let method = match method {
        Some(m) => m,
        None => match &model.settings.scoring.method {
            Choice::Known(m) => *m,
            Choice::Unknown(other) => return Err(AnalysisError::UnknownMethod(other.clone())),
        },
    };
    let panel = match model.settings.scoring.resample {
        Choice::Known(Resample::Participants) => votes::panel(model)?.map(std::sync::Arc::new),
        _ => None,
    };
    let source = if votes::uses_votes(model) {
        ScoreSource::Votes
    } else {
        ScoreSource::Single
    };
    let effective = votes::effective(model);
    let model: &Model = &effective;
    let matrix = Matrix::from_model(model)?;
    let weights = weights(model)?;
    let ranking = rank(&matrix, &weights.values, method)?;
    let s = &model.settings.scoring;
    let positions = quadrants(
        &matrix,
        &weights.values,
        s.quadrant_value,
        s.quadrant_feasibility,
    );
    let tornado = tornado(&matrix, &weights.values, method, s.delta)?;
    let flips = flips(&matrix, &weights.values, method)?;
    let revenue = model
        .scenarios
        .iter()
        .map(|sc| {
            sc.revenue.as_ref().map(|r| {
                project(
                    r,
                    model.settings.discount_rate,
                    model.settings.horizon_months,
                )
            })
        })
        .collect();
    Ok(Analysis {
        source,
        coverage: coverage(model),
        matrix,
        weights,
        method,
        ranking,
        positions,
        tornado,
        flips,
        revenue,
        panel,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    fn example() -> Model {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("workspaces/example");
        Workspace::open(dir).map(|w| w.model).unwrap_or_default()
    }

    #[test]
    fn the_example_workspace_analyses_cleanly() {
        let model = example();
        assert!(!model.scenarios.is_empty());
        let a = analyse(&model, None).unwrap();
        assert_eq!(a.ranking.scores.len(), model.scenarios.len());
        assert_eq!(a.weights.source, WeightSource::Ahp);
        assert!((a.weights.values.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        assert!(a.positions.is_ok());
        assert_eq!(a.tornado.len(), model.criteria.len());
        assert!(a.revenue.iter().all(|r| matches!(r, Some(Ok(_)))));
        let st = stability(
            &a.matrix,
            &a.weights.values,
            a.method,
            &Analysis::stability_options(&model),
        )
        .unwrap();
        assert!((st.p_first.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn values_that_are_not_numbers_are_refused_not_replaced() {
        // What the model holds for `ratio = nan` (or a ratio that is not a
        // number): NaN, not the default 1 that gave equal weights and a
        // consistency ratio of 0.
        let mut model = example();
        let c = &mut model.comparisons[1];
        c.ratio = f64::NAN;
        let (a, b) = (c.a.clone(), c.b.clone());
        let err = analyse(&model, None).unwrap_err();
        assert!(matches!(&err, AnalysisError::BadRatio { a: x, b: y, ratio }
            if *x == a && *y == b && ratio.is_nan()));
        assert_eq!(
            err.to_string(),
            format!("comparison `{a}` vs `{b}` has an invalid ratio NaN (must be finite and > 0)")
        );
        // Direct weights do not use the comparisons: nothing to refuse.
        model.settings.scoring.weights = "direct".into();
        let direct = analyse(&model, None).unwrap();
        assert_eq!(direct.weights.ahp, None);

        let mut model = example();
        let s = &mut model.scenarios[2];
        let criterion = model.criteria[0].id.clone();
        s.scores.insert(criterion.clone(), f64::INFINITY);
        let scenario = s.id.clone();
        assert_eq!(
            analyse(&model, None).unwrap_err(),
            AnalysisError::BadScore {
                scenario,
                criterion,
                value: f64::INFINITY
            }
        );

        let mut model = example();
        model.settings.scoring.quadrant_value = f64::NAN;
        let a = analyse(&model, None).unwrap();
        assert!(matches!(
            a.positions,
            Err(AnalysisError::BadSetting {
                name: "scoring.quadrant.value",
                ..
            })
        ));
        let rev = model.scenarios.iter_mut().find_map(|s| s.revenue.as_mut());
        if let Some(r) = rev {
            r.price = f64::NAN;
        }
        let a = analyse(&model, None).unwrap();
        assert!(
            a.revenue
                .iter()
                .flatten()
                .any(|r| matches!(r, Err(AnalysisError::BadRevenue { field: "price", .. })))
        );
    }

    #[test]
    fn empty_model_is_an_error_not_a_panic() {
        let model = Model::default();
        assert_eq!(
            analyse(&model, None).unwrap_err(),
            AnalysisError::NoCriteria
        );
    }
}
