//! `lodestar market DIR [--format table|json|md] [--horizon N]`: the market
//! analysis without the terminal UI. The JSON shape is a contract, documented
//! in `docs/CLI.md` and tested in `tests/cli_market.rs`.

use std::path::Path;

use clap::ValueEnum;
use serde_json::{Value, json};

use super::report::market::markdown_section;
use super::{FAILURE, OK, PROBLEMS, fit_width, open_or_report, pad_width, write_stdout};
use crate::market::competitors::Gap;
use crate::market::evidence::AnswerSource;
use crate::market::sizing::Levels;
use crate::market::{self, MarketAnalysis, Options, Params, SeriesAnalysis};
use crate::numfmt::{amount, compact, or_missing, percent};
use crate::text::{Align, Table};
use crate::workspace::model::Model;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum MarketFormat {
    /// Aligned text for reading in a terminal.
    #[default]
    Table,
    /// The stable JSON contract (docs/CLI.md).
    Json,
    /// The Markdown section the report includes.
    Md,
}

/// Run the command; returns the exit status.
pub fn run(dir: &Path, format: MarketFormat, horizon: Option<usize>) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let analyse = || market::analyse(&ws.root, &ws.model, &Options { horizon });
    // CSV problems, forecast notes and segment warnings are sentences: in the
    // interface language for people, in English for the JSON contract (and
    // then on stderr too, so both say the same).
    let (analysis, text) = match format {
        MarketFormat::Table => {
            let analysis = analyse();
            let text = table(&analysis, &ws.model, ws.name());
            (analysis, text)
        }
        MarketFormat::Md => {
            let analysis = analyse();
            let text = markdown_section(&analysis, &ws.model.settings.currency);
            (analysis, text)
        }
        MarketFormat::Json => crate::i18n::with(crate::i18n::Lang::En, || {
            let analysis = analyse();
            let doc = to_json(&analysis, &ws.model, ws.name());
            let mut s = crate::escape::to_json_pretty(&doc);
            s.push('\n');
            (analysis, s)
        }),
    };
    for p in analysis.problems() {
        err!("{p}");
    }
    if write_stdout(&text) == FAILURE {
        return FAILURE;
    }
    if analysis.has_failures() {
        PROBLEMS
    } else {
        OK
    }
}

// ---- JSON --------------------------------------------------------------------

fn levels_json(l: &Levels) -> Value {
    json!({ "tam": l.tam, "sam": l.sam, "som": l.som })
}

fn gap_json(g: Option<&Gap>) -> Value {
    match g {
        Some(g) => json!({
            "feature": g.feature,
            "name": g.name,
            "weight": g.weight,
            "ours": g.ours,
            "theirs": g.theirs,
            "score": g.score,
        }),
        None => Value::Null,
    }
}

fn series_json(s: &SeriesAnalysis) -> Value {
    let points: Vec<Value> = s
        .data
        .iter()
        .flat_map(|d| &d.points)
        .map(|p| json!({ "period": p.period.to_string(), "value": p.value, "filled": p.filled }))
        .collect();
    let forecast: Vec<Value> = s
        .forecast
        .iter()
        .flat_map(|f| &f.points)
        .map(|p| {
            json!({
                "period": p.period.to_string(),
                "value": p.value,
                "lo": p.lo95,
                "hi": p.hi95,
                "lo80": p.lo80,
                "hi80": p.hi80,
            })
        })
        .collect();
    let params = match s.forecast.as_ref().map(|f| &f.params) {
        Some(Params::Holt {
            alpha,
            beta,
            phi,
            level0,
            trend0,
            fitted,
        }) => json!({
            "alpha": alpha,
            "beta": beta,
            "phi": phi,
            "level0": level0,
            "trend0": trend0,
            "fitted": fitted,
        }),
        Some(Params::Linear {
            intercept,
            slope,
            r2,
        }) => json!({
            "intercept": intercept,
            "slope": slope,
            "r2": r2,
        }),
        None => Value::Null,
    };
    let error = s
        .failed
        .then(|| s.problems.last().map(ToString::to_string))
        .flatten();
    json!({
        "id": s.id,
        "name": s.name,
        "unit": s.unit,
        "file": s.data.as_ref().map(|d| d.file.display().to_string()),
        "frequency": s.data.as_ref().map(|d| d.frequency.as_str()),
        "rows": s.data.as_ref().map(|d| d.rows),
        "points": points,
        "cagr": s.cagr,
        "method": s.forecast.as_ref().map(|f| f.method.as_str()),
        "params": params,
        // JSON stays in English whatever the interface language.
        "description": s.forecast.as_ref().map(|f| {
            crate::i18n::with(crate::i18n::Lang::En, || f.describe())
        }),
        "note": s.forecast.as_ref().and_then(|f| f.note.clone()),
        "sse": s.forecast.as_ref().map(|f| f.sse),
        "sigma2": s.forecast.as_ref().and_then(|f| f.sigma2),
        "level": 95,
        "forecast": forecast,
        "problems": s.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "error": error,
    })
}

/// The `--format json` document. Its sentences are the analysis's own: run
/// both under [`crate::i18n::Lang::En`] (as [`run`] does) for the contract.
pub fn to_json(m: &MarketAnalysis, model: &Model, name: &str) -> Value {
    let segments: Vec<Value> = m
        .segments
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "tam": s.headline.tam,
                "sam": s.headline.sam,
                "som": s.headline.som,
                "basis": s.basis.as_str(),
                "top_down": levels_json(&s.top_down),
                "bottom_up": levels_json(&s.bottom_up),
                "difference": levels_json(&s.difference),
                "growth": s.growth,
                "warnings": s.disagreements.iter().map(|d| d.message(&s.id)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let c = &m.competitors;
    let competitors: Vec<Value> = c
        .competitors
        .iter()
        .map(|k| {
            let features: serde_json::Map<String, Value> = c
                .features
                .iter()
                .zip(&k.cells)
                .map(|(f, cell)| {
                    (
                        f.id.clone(),
                        cell.map_or(Value::Null, |v| json!(v.as_str())),
                    )
                })
                .collect();
            json!({
                "id": k.id,
                "name": k.name,
                "share": k.share,
                "weighted_coverage": k.weighted,
                "features": features,
                "unknown": k.unknown,
            })
        })
        .collect();
    let features: Vec<Value> = c
        .features
        .iter()
        .map(|f| {
            json!({
                "id": f.id,
                "name": f.name,
                "weight": f.weight,
                "competitor_mean": f.competitor_mean,
                "competitors_lacking": f.competitors_lacking,
            })
        })
        .collect();
    let scenario_coverage: Vec<Value> = c
        .scenarios
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "name": s.name,
                "weighted_coverage": s.weighted,
                "behind": gap_json(s.behind.as_ref()),
                "ahead": gap_json(s.ahead.as_ref()),
            })
        })
        .collect();
    let surveys: Vec<Value> = m
        .surveys
        .iter()
        .map(|s| {
            let a = s.answers.as_ref();
            let (source, file, column, blank) = match &s.source {
                AnswerSource::Counts => ("counts", None, None, None),
                AnswerSource::Responses {
                    file,
                    column,
                    blank,
                    ..
                } => (
                    "responses",
                    Some(file.display().to_string()),
                    Some(column.clone()),
                    Some(*blank),
                ),
            };
            json!({
                "id": s.id,
                "title": s.title,
                "needs": s.needs,
                "scale": a.map(|a| a.scale.as_str()),
                "source": source,
                "file": file,
                "column": column,
                "blank": blank,
                "n": a.map(|a| a.n),
                "counts": a.map(|a| a.counts.clone()),
                "distribution": a.map(|a| a.distribution.clone()),
                "median": a.and_then(|a| a.median),
                "mean": a.and_then(|a| a.mean),
                "top_two_box": a.and_then(|a| a.top_two_box),
                "bottom_two_box": a.and_then(|a| a.bottom_two_box),
                "nps": a.and_then(|a| a.nps).map(|n| json!({
                    "score": n.score,
                    "promoters": n.promoters,
                    "passives": n.passives,
                    "detractors": n.detractors,
                })),
                "problems": s.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "error": a.is_none().then(|| s.problems.last().map(ToString::to_string)).flatten(),
            })
        })
        .collect();
    let needs: Vec<Value> = m
        .needs
        .iter()
        .map(|n| {
            json!({
                "id": n.need,
                "title": n.title,
                "interviews": n.interviews,
                "surveys": n.surveys,
                "evidence": n.evidence.iter().map(|e| json!({
                    "id": e.id,
                    "kind": e.kind,
                    "title": e.title,
                    "date": e.date.map(|d| d.to_string()),
                    "source": e.source,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let trends: Vec<Value> = m
        .trends
        .iter()
        .map(|g| {
            json!({
                "type": g.kind,
                "count": g.trends.len(),
                "rising": g.rising,
                "falling": g.falling,
                "stable": g.stable,
                "mean_impact": g.mean_impact,
                "trends": g.trends.iter().map(|t| json!({
                    "id": t.id,
                    "title": t.title,
                    "direction": t.direction,
                    "impact": t.impact,
                    "horizon": t.horizon,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "workspace": name,
        "currency": model.settings.currency,
        "series": m.series.iter().map(series_json).collect::<Vec<_>>(),
        "segments": segments,
        "competitors": competitors,
        "features": features,
        "scenario_coverage": scenario_coverage,
        "biggest_gap": gap_json(c.white_space.as_ref()),
        "surveys": surveys,
        "needs": needs,
        "trends": trends,
        "problems": m.problems().map(ToString::to_string).collect::<Vec<_>>(),
    })
}

// ---- table ---------------------------------------------------------------------

/// The `--format table` text.
pub fn table(m: &MarketAnalysis, model: &Model, name: &str) -> String {
    let mut o = Vec::<String>::new();
    o.push(crate::tr!(
        "cli.market.title",
        name = name,
        currency = model.settings.currency
    ));

    o.push(String::new());
    o.push(crate::tr!("cli.market.series"));
    if m.series.is_empty() {
        o.push(crate::tr!("cli.market.no_series"));
    }
    for s in &m.series {
        let unit = if s.unit.is_empty() {
            String::new()
        } else {
            format!(", {}", s.unit)
        };
        let head = match &s.data {
            Some(d) => match (d.points.first(), d.points.last()) {
                (Some(a), Some(b)) => crate::tr!(
                    "cli.market.series_head",
                    n = d.points.len(),
                    frequency = crate::labels::value_label(d.frequency.as_str()),
                    first = a.period,
                    last = b.period,
                    value = amount(b.value),
                    cagr = or_missing(s.cagr, percent)
                ),
                _ => String::new(),
            },
            None => crate::tr!("cli.market.not_loaded"),
        };
        o.push(format!("{} ({}{unit}){head}", s.name, s.id));
        if let Some(f) = &s.forecast {
            o.push(format!("  {}", f.describe()));
            if let Some(n) = &f.note {
                o.push(crate::tr!("cli.market.note", note = n));
            }
            let mut t = Table::new()
                .indent("  ")
                .column_fixed(&crate::tr!("cli.market.col.period"), Align::Left, 8)
                .column_fixed(&crate::tr!("cli.market.col.forecast"), Align::Right, 10)
                .column_fixed(&crate::tr!("cli.market.col.interval80"), Align::Right, 21)
                .column_fixed(&crate::tr!("cli.market.col.interval95"), Align::Right, 21);
            for p in &f.points {
                let range = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
                    (Some(a), Some(b)) => format!("{} – {}", amount(a), amount(b)),
                    _ => "—".into(),
                };
                t.row([
                    p.period.to_string(),
                    amount(p.value),
                    range(p.lo80, p.hi80),
                    range(p.lo95, p.hi95),
                ]);
            }
            o.extend(t.lines());
        }
        if s.failed {
            o.push(format!(
                "  ✗ {}",
                s.problems
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ));
        } else if !s.problems.is_empty() {
            o.push(crate::tr!("cli.market.read_problems", n = s.problems.len()));
        }
    }

    o.push(String::new());
    o.push(crate::tr!(
        "cli.market.segments",
        currency = model.settings.currency
    ));
    if m.segments.is_empty() {
        o.push(crate::tr!("cli.market.no_segments"));
    } else {
        let mut t = Table::new().indent("  ").column_fixed(
            &crate::tr!("cli.market.col.segment"),
            Align::Left,
            28,
        );
        for (k, title) in ["TAM", "SAM", "SOM", "", "TAM↑", "SAM↑", "SOM↑"]
            .into_iter()
            .enumerate()
        {
            // An empty column of one separates top-down from bottom-up.
            t = t.column_fixed(title, Align::Right, if k == 3 { 1 } else { 8 });
        }
        for s in &m.segments {
            let c = |x: Option<f64>| or_missing(x, compact);
            t.row([
                s.name.clone(),
                c(s.top_down.tam),
                c(s.top_down.sam),
                c(s.top_down.som),
                String::new(),
                c(s.bottom_up.tam),
                c(s.bottom_up.sam),
                c(s.bottom_up.som),
            ]);
        }
        o.extend(t.lines());
        o.push(crate::tr!("cli.market.segments_note"));
        for s in &m.segments {
            for d in &s.disagreements {
                o.push(format!("  ⚠ {}", d.message(&s.id)));
            }
        }
    }

    let c = &m.competitors;
    o.push(String::new());
    o.push(crate::tr!("cli.market.competitors"));
    if c.features.is_empty() || c.competitors.is_empty() {
        o.push(crate::tr!("cli.market.no_competitors"));
    } else {
        let mut t = Table::new()
            .indent("  ")
            .column_fixed(&crate::tr!("cli.market.col.feature"), Align::Left, 34)
            .column_fixed("w", Align::Right, 2);
        for k in &c.competitors {
            t = t.column_fixed(&k.name, Align::Right, 9);
        }
        for (j, f) in c.features.iter().enumerate() {
            let mut row = vec![f.name.clone(), f.weight.to_string()];
            for k in &c.competitors {
                row.push(k.cells[j].map_or('?', |v| v.glyph()).to_string());
            }
            t.row(row);
        }
        let mut row = vec![crate::tr!("cli.market.weighted_coverage"), String::new()];
        for k in &c.competitors {
            row.push(percent(k.weighted));
        }
        t.row(row);
        o.extend(t.lines());
        if let Some(g) = &c.white_space {
            let lacking = c
                .features
                .iter()
                .find(|f| f.id == g.feature)
                .map_or(0, |f| f.competitors_lacking);
            o.push(crate::tr!(
                "cli.market.biggest_gap",
                name = g.name,
                weight = g.weight,
                lacking = lacking,
                n = c.competitors.len()
            ));
        }
        if !c.scenarios.is_empty() {
            o.push(String::new());
            let mut t = Table::new()
                .indent("  ")
                .column_fixed(&crate::tr!("cli.market.col.scenario"), Align::Left, 30)
                .column_fixed(&crate::tr!("cli.market.col.planned"), Align::Right, 8)
                .column(&crate::tr!("cli.market.col.behind"), Align::Left);
            for s in &c.scenarios {
                let behind = s
                    .behind
                    .as_ref()
                    .map_or("—".into(), |g| format!("{} (w {})", g.name, g.weight));
                t.row([s.name.clone(), percent(s.weighted), behind]);
            }
            o.extend(t.lines());
        }
    }

    o.push(String::new());
    o.push(crate::tr!("cli.market.surveys"));
    if m.surveys.is_empty() {
        o.push(crate::tr!("cli.market.no_surveys"));
    } else {
        let mut t = Table::new()
            .indent("  ")
            .column_fixed(&crate::tr!("cli.market.col.question"), Align::Left, 44)
            .column_fixed(&crate::tr!("cli.market.col.scale"), Align::Left, 7)
            .column_fixed("n", Align::Right, 5)
            .column_fixed(&crate::tr!("cli.market.col.median"), Align::Right, 6)
            .column_fixed(&crate::tr!("cli.market.col.top2"), Align::Right, 7)
            .column_fixed("NPS", Align::Right, 5);
        let mut failed = Vec::new();
        for s in &m.surveys {
            match &s.answers {
                Some(a) => t.row([
                    s.title.clone(),
                    crate::labels::scale_label(a.scale),
                    a.n.to_string(),
                    or_missing(a.median, |x| format!("{x}")),
                    or_missing(a.top_two_box, percent),
                    a.nps.map_or("—".into(), |n| format!("{:+.0}", n.score)),
                ]),
                None => failed.push(format!(
                    "  {} ✗ {}",
                    pad_width(&s.title, 44),
                    s.problems
                        .last()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                )),
            }
        }
        o.extend(t.lines());
        o.extend(failed);
    }

    o.push(String::new());
    o.push(crate::tr!("cli.market.evidence"));
    let mut t = Table::new()
        .indent("  ")
        .column_fixed(&crate::tr!("cli.market.col.need"), Align::Left, 10)
        .column_fixed(&crate::tr!("cli.market.col.title"), Align::Left, 40)
        .column(&crate::tr!("cli.market.col.interviews"), Align::Right)
        .column(&crate::tr!("cli.market.col.surveys"), Align::Right)
        .column(&crate::tr!("cli.market.col.evidence"), Align::Left);
    for n in &m.needs {
        let ids: Vec<&str> = n.evidence.iter().map(|e| e.id.as_str()).collect();
        let list = if ids.is_empty() {
            crate::tr!("cli.market.none_yet")
        } else {
            ids.join(", ")
        };
        t.row([
            n.need.clone(),
            n.title.clone(),
            n.interviews.to_string(),
            n.surveys.to_string(),
            list,
        ]);
    }
    if !m.needs.is_empty() {
        o.extend(t.lines());
    }

    o.push(String::new());
    o.push(crate::tr!("cli.market.trends"));
    for g in &m.trends {
        let top = g
            .trends
            .first()
            .map(|t| format!("{} ({})", t.title, t.impact))
            .unwrap_or_default();
        o.push(format!(
            "  {} {}",
            pad_width(&crate::labels::value_label(&g.kind), 12),
            crate::tr!(
                "cli.market.trend_group",
                n = g.trends.len(),
                rising = g.rising,
                falling = g.falling,
                stable = g.stable,
                impact = format!("{:.1}", g.mean_impact),
                top = fit_width(&top, 60)
            )
        ));
    }
    let mut text = o.join("\n");
    text.push('\n');
    text
}
