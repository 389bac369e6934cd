//! From AUC to money: what the model at a cut-off implies for the revenue
//! volume of the scenario it serves (`[money]` of training.toml,
//! docs/METHOD.md "From AUC to money").
//!
//! The validation part stands in for the population the model will score:
//! contacting the rows above the cut-off there contacts the same share of
//! the population, and reaches positives at the same precision. The implied
//! first-month volume replaces the scenario's `volume` and the revenue
//! model is run again; growth, churn, prices and costs are the plan's.

use serde::Serialize;

use crate::analysis::revenue;
use crate::workspace::choice::Counts;
use crate::workspace::model::{Model, Money};

use super::metrics::{Cutoff, CutoffStats, at_cutoff};

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The scenario's revenue at the model's cut-off against its plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implication {
    pub scenario: String,
    pub scenario_name: String,
    /// `contacts` or `positives`: what the scenario's volume counts.
    pub counts: &'static str,
    #[serde(skip)]
    pub cutoff: Cutoff,
    pub cutoff_text: String,
    pub stats: CutoffStats,
    /// Rows the model scores in the first month.
    pub population: f64,
    /// population × share contacted.
    pub contacts: f64,
    /// contacts × precision (= population × reached / validation rows).
    pub positives: f64,
    /// The implied first-month volume: `contacts` or `positives`.
    pub implied: f64,
    /// Half-width of its 95 % interval: 1.96 · population · √(f(1−f)/n),
    /// f the validation share counted, n the validation rows (0 for the
    /// contacts of a top-k cut-off, which are exact).
    pub margin: f64,
    /// The scenario's `volume`.
    pub plan: f64,
    pub currency: String,
    pub plan_npv: f64,
    pub implied_npv: f64,
    /// NPV with the volume at the low and high end of the interval.
    pub npv_low: f64,
    pub npv_high: f64,
    pub months: usize,
}

impl Implication {
    /// implied − plan, as a share of the plan (`NaN` when the plan is 0).
    pub fn volume_change(&self) -> f64 {
        if self.plan == 0.0 {
            f64::NAN
        } else {
            self.implied / self.plan - 1.0
        }
    }
}

/// The cut-off `[money]` names; `None` when it names none (or both, which
/// `check` reports).
pub fn cutoff(m: &Money) -> Option<Cutoff> {
    match (m.top, m.threshold) {
        (Some(k), None) => Some(Cutoff::Top(k)),
        (None, Some(t)) => Some(Cutoff::Threshold(t)),
        _ => None,
    }
}

/// What the validation `scores` (probabilities) and `labels` imply for the
/// scenario `[money]` links, at `cut` (the file's cut-off unless the pane
/// moved it). The error says why there is nothing to show.
pub fn implication(
    model: &Model,
    m: &Money,
    cut: Cutoff,
    scores: &[f32],
    labels: &[f32],
) -> Result<Implication, String> {
    let scenario = model
        .scenario(&m.scenario)
        .ok_or_else(|| format!("money.scenario `{}` is not in scenarios.toml", m.scenario))?;
    let rev = scenario.revenue.as_ref().ok_or_else(|| {
        format!(
            "scenario `{}` has no [scenario.revenue] table to compare with",
            m.scenario
        )
    })?;
    let counts = m.counts.known().ok_or_else(|| {
        format!(
            "money.counts `{}` is not one of {}",
            m.counts,
            Counts::NAMES.join(", ")
        )
    })?;
    let stats = at_cutoff(scores, labels, cut).ok_or_else(|| {
        "no validation scores with a positive row (a run with a validation part writes validation.csv)"
            .to_string()
    })?;
    let n = stats.rows as f64;
    let population = m.population;
    let contacts = population * stats.share;
    let positives = population * stats.reached as f64 / n;
    let (implied, f, exact) = match counts {
        Counts::Contacts => (contacts, stats.share, matches!(cut, Cutoff::Top(_))),
        Counts::Positives => (positives, stats.reached as f64 / n, false),
    };
    let margin = if exact {
        0.0
    } else {
        Z95 * population * (f * (1.0 - f) / n).sqrt()
    };
    let s = &model.settings;
    let npv_at = |volume: f64| -> Result<(f64, usize), String> {
        let mut r = rev.clone();
        r.volume = volume.max(0.0);
        revenue::project(&r, s.discount_rate, s.horizon_months)
            .map(|p| (p.npv, p.months))
            .map_err(|e| format!("scenario `{}`: {e}", m.scenario))
    };
    let (plan_npv, months) = npv_at(rev.volume)?;
    let (implied_npv, _) = npv_at(implied)?;
    let (npv_low, _) = npv_at(implied - margin)?;
    let (npv_high, _) = npv_at(implied + margin)?;
    Ok(Implication {
        scenario: scenario.id.clone(),
        scenario_name: scenario.name.clone(),
        counts: counts.as_str(),
        cutoff: cut,
        cutoff_text: cut.describe(),
        stats,
        population,
        contacts,
        positives,
        implied,
        margin,
        plan: rev.volume,
        currency: s.currency.clone(),
        plan_npv,
        implied_npv,
        npv_low,
        npv_high,
        months,
    })
}

/// "precision … · recall … · lift …" at a cut-off, as the pane, the report
/// and `lodestar train` write it.
pub fn quality(st: &CutoffStats) -> String {
    crate::tr!(
        "training.money.quality",
        precision = crate::numfmt::percent(st.precision),
        recall = crate::numfmt::percent(st.recall),
        lift = format!("{:.2}", st.lift)
    )
}

/// The first line about a cut-off: where it is and how good the model is there.
pub fn headline(i: &Implication) -> String {
    crate::tr!(
        "training.money.at",
        cut = i.cutoff_text.clone(),
        quality = quality(&i.stats)
    )
}

/// Four lines that explain the figures, as the pane's cut-off box, the
/// report and `lodestar train` write them: the plan's volume, the model's
/// (how it is computed), the NPV of both, and the NPV's 95 % interval.
pub fn lines(i: &Implication) -> Vec<String> {
    let n = crate::numfmt::thousands;
    let money = |x: f64| crate::numfmt::money(x, &i.currency);
    let pm = if i.margin > 0.0 {
        format!(" ± {}", n(i.margin))
    } else {
        String::new()
    };
    let contacts_mode = i.counts == Counts::Contacts.as_str();
    let model_line = if contacts_mode {
        crate::tr!(
            "training.money.model_contacts",
            population = n(i.population),
            share = crate::numfmt::percent(i.stats.share),
            contacts = n(i.contacts),
            pm = pm.clone(),
            positives = n(i.positives)
        )
    } else {
        crate::tr!(
            "training.money.model_positives",
            contacts = n(i.contacts),
            precision = crate::numfmt::percent(i.stats.precision),
            positives = n(i.positives),
            pm = pm.clone()
        )
    };
    let change = i.volume_change();
    vec![
        crate::tr!(
            "training.money.plan",
            name = i.scenario_name.clone(),
            volume = n(i.plan),
            counts = if contacts_mode {
                crate::tr!("training.money.counts_contacts")
            } else {
                crate::tr!("training.money.counts_positives")
            }
        ),
        model_line,
        crate::tr!(
            "training.money.npv",
            months = i.months,
            plan = money(i.plan_npv),
            implied = money(i.implied_npv),
            change = if change.is_finite() {
                format!("{:+.0} %", change * 100.0)
            } else {
                "—".into()
            }
        ),
        if i.margin > 0.0 {
            crate::tr!(
                "training.money.npv_range",
                low = money(i.npv_low),
                high = money(i.npv_high)
            )
        } else {
            crate::tr!("training.money.npv_exact")
        },
    ]
}

/// The JSON of `train --format json` and `report --format json`
/// (docs/CLI.md): numbers, `null` for one that is not finite.
pub fn to_json(i: &Implication) -> serde_json::Value {
    let num = |v: f64| {
        if v.is_finite() {
            serde_json::json!(v)
        } else {
            serde_json::Value::Null
        }
    };
    let (kind, value) = match i.cutoff {
        Cutoff::Top(k) => ("top", k),
        Cutoff::Threshold(t) => ("threshold", t),
    };
    serde_json::json!({
        "scenario": i.scenario,
        "counts": i.counts,
        "cutoff": { kind: value },
        "validation_rows": i.stats.rows,
        "contacted_rows": i.stats.contacted,
        "reached_positives": i.stats.reached,
        "share_contacted": num(i.stats.share),
        "precision": num(i.stats.precision),
        "recall": num(i.stats.recall),
        "lift": num(i.stats.lift),
        "base_rate": num(i.stats.base_rate),
        "population": num(i.population),
        "contacts": num(i.contacts),
        "positives": num(i.positives),
        "implied_volume": num(i.implied),
        "margin_95": num(i.margin),
        "plan_volume": num(i.plan),
        "currency": i.currency,
        "months": i.months,
        "plan_npv": num(i.plan_npv),
        "implied_npv": num(i.implied_npv),
        "implied_npv_low": num(i.npv_low),
        "implied_npv_high": num(i.npv_high),
    })
}
