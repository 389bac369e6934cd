//! `lodestar score`: the ranking, its stability and the money, as a table,
//! JSON (a documented contract, see docs/CLI.md), CSV or Markdown.

use std::path::Path;

use clap::ValueEnum;
use serde::Serialize;

use super::{PROBLEMS, open_or_report, write_stdout};
use crate::analysis::{self, Analysis, AnalysisError, Method, Stability, StabilityOptions};
use crate::numfmt::{MISSING, or_missing, percent, thousands};
use crate::workspace::Model;
use crate::workspace::choice::Resample;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MethodArg {
    /// Σ weight × normalised score (0–100).
    WeightedSum,
    /// Closeness to the ideal scenario, × 100.
    Topsis,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::WeightedSum => Method::WeightedSum,
            MethodArg::Topsis => Method::Topsis,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ResampleArg {
    /// The weights only (Dirichlet around the current weights).
    Weights,
    /// The weights and, when scores come from votes, the participants.
    Participants,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ScoreFormat {
    #[default]
    Table,
    Json,
    Csv,
    Md,
}

/// The analysis plus the Monte Carlo, as both `score` and `report` need it.
pub(crate) struct Scored {
    pub analysis: Analysis,
    /// `None` when sampling is switched off (`--samples 0`).
    pub stability: Option<Stability>,
    pub options: StabilityOptions,
}

pub(crate) fn compute(
    model: &Model,
    method: Option<Method>,
    samples: Option<u64>,
    seed: Option<u64>,
) -> Result<Scored, AnalysisError> {
    let analysis = analysis::analyse(model, method)?;
    let mut options = Analysis::stability_options(model);
    if let Some(s) = samples {
        options.samples = s;
    }
    if let Some(s) = seed {
        options.seed = s;
    }
    let stability = if options.samples == 0 {
        None
    } else {
        Some(analysis::stability_panel(
            &analysis.matrix,
            &analysis.weights.values,
            analysis.method,
            &options,
            analysis.panel.as_deref(),
            &|_| {},
            &std::sync::atomic::AtomicBool::new(false),
        )?)
    };
    Ok(Scored {
        analysis,
        stability,
        options,
    })
}

#[derive(Debug, Serialize)]
struct CriterionOut {
    id: String,
    name: String,
    weight: f64,
    direction: &'static str,
    group: Option<String>,
}

#[derive(Debug, Serialize)]
struct PairOut {
    a: String,
    b: String,
    given: f64,
    implied: f64,
}

#[derive(Debug, Serialize)]
struct AhpOut {
    lambda_max: f64,
    ci: f64,
    cr: Option<f64>,
    consistent: bool,
    most_inconsistent_pair: Option<PairOut>,
    missing_pairs: Vec<[String; 2]>,
}

#[derive(Debug, Serialize)]
struct FlipOut {
    criterion: String,
    from: f64,
    to: f64,
    winner: String,
    rival: String,
}

#[derive(Debug, Serialize)]
struct ContributionOut {
    criterion: String,
    normalised: f64,
    /// Weighted sum: points added; TOPSIS: (v − v⁻)² − (v − v⁺)².
    value: f64,
}

#[derive(Debug, Serialize)]
struct ScenarioOut {
    id: String,
    name: String,
    score: f64,
    rank: usize,
    p_first: Option<f64>,
    rank_p5: Option<usize>,
    rank_p95: Option<usize>,
    rank_median: Option<usize>,
    quadrant: Option<&'static str>,
    value: Option<f64>,
    feasibility: Option<f64>,
    revenue_model: Option<String>,
    npv: Option<f64>,
    irr: Option<f64>,
    irr_monthly: Option<f64>,
    irr_note: Option<String>,
    payback_month: Option<usize>,
    break_even_volume: Option<f64>,
    gross_margin: Option<f64>,
    revenue_error: Option<String>,
    contributions: Vec<ContributionOut>,
}

#[derive(Debug, Serialize)]
pub(crate) struct ScoreOut {
    workspace: String,
    method: &'static str,
    /// In English whatever the interface language (the JSON contract).
    formula: String,
    weights_source: &'static str,
    /// "votes" when the scores are the aggregated workshop votes, else "single".
    source: &'static str,
    samples: u64,
    seed: u64,
    concentration: f64,
    /// "participants" when the Monte Carlo also resampled the voters, else "weights".
    resample: &'static str,
    /// Participants drawn per sample with `resample: "participants"`, else null.
    participants: Option<usize>,
    currency: String,
    discount_rate: f64,
    criteria: Vec<CriterionOut>,
    ahp: Option<AhpOut>,
    quadrant_error: Option<String>,
    smallest_flip: Option<FlipOut>,
    missing_scores: Vec<[String; 2]>,
    /// Best first.
    scenarios: Vec<ScenarioOut>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

pub(crate) fn build(model: &Model, name: &str, s: &Scored) -> ScoreOut {
    let a = &s.analysis;
    let mx = &a.matrix;
    let crit = |j: usize| mx.criteria.get(j).cloned().unwrap_or_default();
    let scen = |i: usize| mx.scenarios.get(i).cloned().unwrap_or_default();
    let criteria = model
        .criteria
        .iter()
        .zip(&a.weights.values)
        .map(|(c, &w)| CriterionOut {
            id: c.id.clone(),
            name: c.name.clone(),
            weight: w,
            direction: if c.cost { "cost" } else { "benefit" },
            group: c.group.as_ref().map(|g| g.to_string()),
        })
        .collect();
    let ahp = a.weights.ahp.as_ref().map(|h| AhpOut {
        lambda_max: h.lambda_max,
        ci: h.ci,
        cr: h.cr,
        consistent: !h.inconsistent(),
        most_inconsistent_pair: h.worst_pair.as_ref().map(|p| PairOut {
            a: crit(p.a),
            b: crit(p.b),
            given: p.given,
            implied: p.implied,
        }),
        missing_pairs: h.missing.iter().map(|&(x, y)| [crit(x), crit(y)]).collect(),
    });
    let scenarios = a
        .ranking
        .order
        .iter()
        .map(|&i| {
            let pos = a.positions.as_ref().ok().and_then(|p| p.get(i));
            let rev = a.revenue.get(i).and_then(Option::as_ref);
            let proj = rev.and_then(|r| r.as_ref().ok());
            let st = s.stability.as_ref();
            ScenarioOut {
                id: scen(i),
                name: mx.names.get(i).cloned().unwrap_or_default(),
                score: a.ranking.scores[i],
                rank: a.ranking.ranks[i],
                p_first: st.map(|st| st.p_first[i]),
                rank_p5: st.map(|st| st.rank_p5[i]),
                rank_p95: st.map(|st| st.rank_p95[i]),
                rank_median: st.map(|st| st.rank_median[i]),
                quadrant: pos.map(|p| p.quadrant.key()),
                value: pos.map(|p| p.value),
                feasibility: pos.map(|p| p.feasibility),
                revenue_model: proj.map(|p| p.model.to_string()),
                npv: proj.and_then(|p| finite(p.npv)),
                irr: proj.and_then(|p| p.irr_annual).and_then(finite),
                irr_monthly: proj.and_then(|p| p.irr.per_period()).and_then(finite),
                irr_note: proj.map(|p| p.irr.explain()).filter(|n| !n.is_empty()),
                payback_month: proj.and_then(|p| p.payback_month),
                break_even_volume: proj.and_then(|p| p.break_even_volume).and_then(finite),
                gross_margin: proj.and_then(|p| p.gross_margin).and_then(finite),
                revenue_error: rev.and_then(|r| r.as_ref().err()).map(ToString::to_string),
                contributions: a.ranking.contributions[i]
                    .iter()
                    .map(|c| ContributionOut {
                        criterion: crit(c.criterion),
                        normalised: c.normalised,
                        value: c.part.signed(),
                    })
                    .collect(),
            }
        })
        .collect();
    ScoreOut {
        workspace: name.to_string(),
        method: a.method.as_str(),
        formula: crate::i18n::with(crate::i18n::Lang::En, || {
            crate::labels::method_formula(a.method)
        }),
        weights_source: a.weights.source.as_str(),
        source: a.source.as_str(),
        samples: s.stability.as_ref().map_or(0, |st| st.options.samples),
        seed: s.options.seed,
        concentration: s.options.concentration,
        resample: match s.stability.as_ref().and_then(|st| st.participants) {
            Some(_) => "participants",
            None => "weights",
        },
        participants: s.stability.as_ref().and_then(|st| st.participants),
        currency: model.settings.currency.clone(),
        discount_rate: model.settings.discount_rate,
        criteria,
        ahp,
        quadrant_error: a.positions.as_ref().err().map(ToString::to_string),
        smallest_flip: a.smallest_flip().map(|f| FlipOut {
            criterion: crit(f.criterion),
            from: f.from,
            to: f.to,
            winner: scen(f.winner),
            rival: scen(f.rival),
        }),
        missing_scores: mx
            .missing
            .iter()
            .map(|&(i, j)| [scen(i), crit(j)])
            .collect(),
        scenarios,
    }
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or_else(|| MISSING.into(), |x| x.to_string())
}

fn rank_band(s: &ScenarioOut) -> String {
    match (s.rank_p5, s.rank_p95) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}–{b}"),
        _ => MISSING.into(),
    }
}

fn header_lines(o: &ScoreOut) -> Vec<String> {
    let votes = if o.source == "votes" {
        crate::tr!("cli.score.from_votes")
    } else {
        String::new()
    };
    let method = crate::analysis::Method::parse(o.method);
    let mut lines = vec![
        crate::tr!(
            "cli.score.headline",
            name = o.workspace,
            method = method.map_or_else(|| o.method.to_string(), crate::labels::method_label),
            weights = o.weights_source,
            votes = votes
        ),
        // The formula in the interface language (the JSON keeps English).
        method
            .map(|m| format!("  {}", crate::labels::method_formula(m)))
            .unwrap_or_default(),
    ];
    let weights: Vec<String> = o
        .criteria
        .iter()
        .map(|c| format!("{} {:.3}", c.id, c.weight))
        .collect();
    lines.push(crate::tr!(
        "cli.score.weights",
        weights = weights.join(", ")
    ));
    if let Some(h) = &o.ahp {
        let cr =
            h.cr.map_or_else(|| crate::tr!("cli.score.cr_na"), |cr| format!("{cr:.3}"));
        let mut l = crate::tr!("cli.score.cr", cr = cr);
        if !h.consistent {
            l.push_str(&crate::tr!("cli.score.cr_high"));
            if let Some(p) = &h.most_inconsistent_pair {
                l.push_str(&crate::tr!(
                    "cli.score.most_inconsistent",
                    a = p.a,
                    b = p.b,
                    given = format!("{:.3}", p.given),
                    implied = format!("{:.3}", p.implied)
                ));
            }
        }
        lines.push(l);
    }
    if o.samples > 0 {
        lines.push(crate::tr!(
            "cli.score.stability",
            samples = o.samples,
            concentration = o.concentration,
            seed = o.seed
        ));
        if let Some(p) = o.participants {
            lines.push(crate::tr!("votes.stability.bootstrap", participants = p));
        }
    }
    if let Some(f) = &o.smallest_flip {
        lines.push(crate::tr!(
            "cli.score.smallest_flip",
            criterion = f.criterion,
            from = format!("{:.3}", f.from),
            to = format!("{:.3}", f.to),
            rival = f.rival,
            winner = f.winner
        ));
    }
    if let Some(e) = &o.quadrant_error {
        lines.push(crate::tr!("cli.score.quadrants", error = e));
    }
    for s in &o.scenarios {
        if let Some(e) = &s.revenue_error {
            lines.push(crate::tr!("cli.score.problem", id = s.id, error = e));
        }
    }
    for [s, c] in &o.missing_scores {
        lines.push(crate::tr!("cli.score.missing", scenario = s, criterion = c));
    }
    lines
}

/// The table's column titles (message keys; "id" stays as it is typed).
const COLUMNS: [&str; 10] = [
    "cli.score.col.rank",
    "",
    "cli.score.col.score",
    "cli.score.col.p_first",
    "cli.score.col.rank_band",
    "cli.score.col.quadrant",
    "cli.score.col.npv",
    "cli.score.col.irr",
    "cli.score.col.payback",
    "cli.score.col.name",
];

/// A quadrant's key (`quick-win`) as the text table shows it.
fn quadrant_text(key: &str) -> String {
    match key {
        "quick-win" => crate::tr!("cli.score.quadrant.quick_win"),
        "strategic-bet" => crate::tr!("cli.score.quadrant.strategic_bet"),
        "fill-in" => crate::tr!("cli.score.quadrant.fill_in"),
        "avoid" => crate::tr!("cli.score.quadrant.avoid"),
        other => other.to_string(),
    }
}

fn row(o: &ScoreOut, s: &ScenarioOut) -> [String; 10] {
    [
        s.rank.to_string(),
        s.id.clone(),
        format!("{:.1}", s.score),
        or_missing(s.p_first, percent),
        rank_band(s),
        opt(s.quadrant.map(quadrant_text)),
        or_missing(s.npv, |n| format!("{} {}", thousands(n), o.currency)),
        or_missing(s.irr, percent),
        s.payback_month.map_or_else(
            || MISSING.into(),
            |m| crate::tr!("cli.score.month", month = m),
        ),
        s.name.clone(),
    ]
}

fn table(o: &ScoreOut) -> String {
    use crate::text::{Align, Table};
    let numeric = [
        true, false, true, true, true, false, true, true, false, false,
    ];
    let mut t = Table::new().gap("  ");
    for (key, numeric) in COLUMNS.iter().zip(numeric) {
        let align = if numeric { Align::Right } else { Align::Left };
        let title = if key.is_empty() {
            "id".to_string()
        } else {
            crate::tr!(key)
        };
        t = t.column(&title, align);
    }
    for s in &o.scenarios {
        t.row(row(o, s));
    }
    let mut out = header_lines(o).join("\n");
    out.push_str("\n\n");
    out.push_str(&t.render());
    out
}

pub(crate) fn markdown_table(o: &ScoreOut) -> String {
    let mut out = String::new();
    out.push_str(&crate::tr!("report.ranking.columns"));
    out.push('\n');
    out.push_str("|---:|---|---:|---:|---:|---|---:|---:|---:|\n");
    for s in &o.scenarios {
        let r = row(o, s);
        out.push_str(&format!(
            "| {} | {} (`{}`) | {} | {} | {} | {} | {} | {} | {} |\n",
            r[0],
            md_escape(&s.name),
            s.id,
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            s.payback_month
                .map_or_else(|| MISSING.into(), |m| crate::tr!("report.month", month = m))
        ));
    }
    out
}

/// Text safe in a Markdown table cell: pipes escaped, line breaks as spaces.
pub(crate) fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn markdown(o: &ScoreOut) -> String {
    let mut out = crate::tr!("cli.score.md_title", name = md_escape(&o.workspace)) + "\n\n";
    for l in header_lines(o).iter().skip(1) {
        out.push_str(&format!("- {}\n", l.trim()));
    }
    out.push('\n');
    out.push_str(&markdown_table(o));
    crate::text::align_markdown_tables(&out)
}

fn csv(o: &ScoreOut) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "rank",
        "id",
        "name",
        "score",
        "p_first",
        "rank_p5",
        "rank_p95",
        "quadrant",
        "npv",
        "irr",
        "payback_month",
    ]);
    let num = |x: Option<f64>| x.map_or_else(String::new, |x| format!("{x}"));
    for s in &o.scenarios {
        let _ = w.write_record([
            s.rank.to_string(),
            s.id.clone(),
            s.name.clone(),
            format!("{}", s.score),
            num(s.p_first),
            s.rank_p5.map_or_else(String::new, |r| r.to_string()),
            s.rank_p95.map_or_else(String::new, |r| r.to_string()),
            s.quadrant.unwrap_or_default().to_string(),
            num(s.npv),
            num(s.irr),
            s.payback_month.map_or_else(String::new, |m| m.to_string()),
        ]);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

pub fn score(
    dir: &Path,
    method: Option<MethodArg>,
    format: ScoreFormat,
    samples: Option<u64>,
    seed: Option<u64>,
    resample: Option<ResampleArg>,
) -> u8 {
    let mut ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    if let Some(r) = resample {
        ws.model.settings.scoring.resample = match r {
            ResampleArg::Weights => Resample::Weights,
            ResampleArg::Participants => Resample::Participants,
        }
        .into();
    }
    let scored = match compute(&ws.model, method.map(Method::from), samples, seed) {
        Ok(s) => s,
        Err(e) => {
            err!(
                "{}",
                crate::tr!("cli.error", message = format!("{}: {e}", dir.display()))
            );
            // Where the value is: the same messages as `lodestar check`.
            for d in ws.diagnostics().iter().filter(|d| d.is_error()) {
                err!("{d}");
            }
            return PROBLEMS;
        }
    };
    let o = build(&ws.model, ws.name(), &scored);
    let text = match format {
        ScoreFormat::Table => table(&o),
        ScoreFormat::Json => crate::escape::to_json_pretty(&o) + "\n",
        ScoreFormat::Csv => csv(&o),
        ScoreFormat::Md => markdown(&o),
    };
    write_stdout(&text)
}
