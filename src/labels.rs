//! How the values a workspace file holds are named to a person, shared by
//! the workbench and the command line's text outputs (JSON keeps the values
//! as written): choice values and survey scales in the interface language.

use crate::analysis::Method;
use crate::market::evidence::Scale;

/// A scoring method's name (files and JSON keep `weighted-sum`/`topsis`).
pub fn method_label(m: Method) -> String {
    match m {
        Method::WeightedSum => crate::tr!("scoring.method.weighted_sum"),
        Method::Topsis => crate::tr!("scoring.method.topsis"),
    }
}

/// A scoring method's formula; JSON gives the English one
/// (`i18n::with(Lang::En, ..)`).
pub fn method_formula(m: Method) -> String {
    match m {
        Method::WeightedSum => crate::tr!("scoring.formula.weighted_sum"),
        Method::Topsis => crate::tr!("scoring.formula.topsis"),
    }
}

/// A choice value of a record (`must`, `in-progress`, `technical`, …) as
/// shown on screen: the value itself in English, its translation in
/// Chinese (files keep the English value).
pub fn value_label(v: &str) -> String {
    match v {
        "short" => crate::tr!("tui.value.short"),
        "medium" => crate::tr!("tui.value.medium"),
        "long" => crate::tr!("tui.value.long"),
        "business" => crate::tr!("tui.value.business"),
        "goal" => crate::tr!("tui.value.goal"),
        "constraint" => crate::tr!("tui.value.constraint"),
        "must" => crate::tr!("tui.value.must"),
        "should" => crate::tr!("tui.value.should"),
        "could" => crate::tr!("tui.value.could"),
        "wont" => crate::tr!("tui.value.wont"),
        "proposed" => crate::tr!("tui.value.proposed"),
        "agreed" => crate::tr!("tui.value.agreed"),
        "in-progress" => crate::tr!("tui.value.in-progress"),
        "met" => crate::tr!("tui.value.met"),
        "dropped" => crate::tr!("tui.value.dropped"),
        "rising" => crate::tr!("tui.value.rising"),
        "falling" => crate::tr!("tui.value.falling"),
        "stable" => crate::tr!("tui.value.stable"),
        "market" => crate::tr!("tui.value.market"),
        "competition" => crate::tr!("tui.value.competition"),
        "technology" => crate::tr!("tui.value.technology"),
        "yes" => crate::tr!("tui.value.yes"),
        "partial" => crate::tr!("tui.value.partial"),
        "no" => crate::tr!("tui.value.no"),
        "interview" => crate::tr!("tui.value.interview"),
        "survey" => crate::tr!("tui.value.survey"),
        "candidate" => crate::tr!("tui.value.candidate"),
        "shortlisted" => crate::tr!("tui.value.shortlisted"),
        "selected" => crate::tr!("tui.value.selected"),
        "rejected" => crate::tr!("tui.value.rejected"),
        "usage" => crate::tr!("tui.value.usage"),
        "subscription" => crate::tr!("tui.value.subscription"),
        "license" => crate::tr!("tui.value.license"),
        "ads-value-added" => crate::tr!("tui.value.ads-value-added"),
        "technical" => crate::tr!("tui.value.technical"),
        "legal" => crate::tr!("tui.value.legal"),
        "operational" => crate::tr!("tui.value.operational"),
        "open" => crate::tr!("tui.value.open"),
        "mitigating" => crate::tr!("tui.value.mitigating"),
        "accepted" => crate::tr!("tui.value.accepted"),
        "closed" => crate::tr!("tui.value.closed"),
        "benefit" => crate::tr!("tui.value.benefit"),
        "cost" => crate::tr!("tui.value.cost"),
        "value" => crate::tr!("tui.value.value"),
        "feasibility" => crate::tr!("tui.value.feasibility"),
        "monthly" => crate::tr!("tui.value.monthly"),
        "quarterly" => crate::tr!("tui.value.quarterly"),
        "yearly" => crate::tr!("tui.value.yearly"),
        other => other.to_string(),
    }
}

/// A survey's answer scale on screen.
pub fn scale_label(s: Scale) -> String {
    match s.as_str() {
        "likert5" => crate::tr!("tui.mkt.ev.scale.likert5"),
        "likert7" => crate::tr!("tui.mkt.ev.scale.likert7"),
        "nps" => crate::tr!("tui.mkt.ev.scale.nps"),
        other => other.to_string(),
    }
}
