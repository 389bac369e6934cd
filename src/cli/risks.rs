//! `lodestar risks DIR [--format table|json]`: the risk register with its
//! levels, overdue reviews, heat maps and each scenario's exposure, all from
//! `analysis::risk`. The JSON shape is a contract (docs/CLI.md).

use std::path::Path;

use clap::ValueEnum;
use serde::Serialize;

use super::{fit_width, open_or_report, pad_width, write_stdout};
use crate::analysis::risk::{self, Assessed, Bands, Exposure, HeatMap, Level, Summary};
use crate::numfmt::MISSING;
use crate::workspace::{Date, Model};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum RisksFormat {
    /// Aligned text: the register by score, then the heat maps.
    #[default]
    Table,
    /// The stable JSON contract (docs/CLI.md).
    Json,
}

/// The register as both formats need it.
struct Register<'a> {
    name: &'a str,
    model: &'a Model,
    today: Date,
    bands: Bands,
    assessed: Vec<Assessed>,
    summary: Summary,
    exposure: Vec<Exposure>,
}

impl<'a> Register<'a> {
    fn new(name: &'a str, model: &'a Model, today: Date) -> Register<'a> {
        let bands = Bands::of(model);
        Register {
            name,
            model,
            today,
            assessed: model
                .risks
                .iter()
                .map(|r| risk::assess(r, &bands, today))
                .collect(),
            summary: risk::summary(model, today),
            exposure: risk::exposure(model),
            bands,
        }
    }
}

pub fn run(dir: &Path, format: RisksFormat) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let register = Register::new(ws.name(), &ws.model, Date::today());
    let text = match format {
        RisksFormat::Table => table(&register),
        RisksFormat::Json => crate::escape::to_json_pretty(&to_json(&register)) + "\n",
    };
    write_stdout(&text)
}

// ---- JSON --------------------------------------------------------------------

#[derive(Serialize)]
struct RegisterOut<'a> {
    workspace: &'a str,
    today: String,
    /// Lowest first: a level's `position` is its index here.
    bands: Vec<BandOut<'a>>,
    summary: SummaryOut,
    heat_map: HeatMapOut,
    risks: Vec<RiskOut<'a>>,
    exposure: Vec<ExposureOut<'a>>,
}

#[derive(Serialize)]
struct BandOut<'a> {
    name: &'a str,
    min: i64,
    max: i64,
}

#[derive(Serialize)]
struct SummaryOut {
    risks: usize,
    open: usize,
    open_high: usize,
    overdue: usize,
}

/// Rows from impact 1 up, each likelihood 1 to 5: `[impact − 1][likelihood − 1]`.
#[derive(Serialize)]
struct HeatMapOut {
    inherent: [[usize; 5]; 5],
    residual: [[usize; 5]; 5],
    residual_unassessed: usize,
}

#[derive(Serialize)]
struct RiskOut<'a> {
    id: &'a str,
    title: &'a str,
    category: &'a str,
    status: &'a str,
    owner: &'a str,
    likelihood: i64,
    impact: i64,
    score: i64,
    level: Option<&'a Level>,
    residual: Option<ResidualOut<'a>>,
    review: Option<String>,
    overdue: bool,
    scenarios: &'a [String],
}

#[derive(Serialize)]
struct ResidualOut<'a> {
    likelihood: i64,
    impact: i64,
    score: i64,
    level: Option<&'a Level>,
}

#[derive(Serialize)]
struct ExposureOut<'a> {
    scenario: &'a str,
    risks: Vec<&'a str>,
    sum: i64,
    max: i64,
}

fn to_json<'a>(g: &'a Register) -> RegisterOut<'a> {
    let m = g.model;
    let s = &g.summary;
    RegisterOut {
        workspace: g.name,
        today: g.today.to_string(),
        bands: g
            .bands
            .as_slice()
            .iter()
            .map(|b| BandOut {
                name: &b.name,
                min: b.min,
                max: b.max,
            })
            .collect(),
        summary: SummaryOut {
            risks: s.risks,
            open: s.open,
            open_high: s.open_high,
            overdue: s.overdue,
        },
        heat_map: HeatMapOut {
            inherent: s.inherent.counts,
            residual: s.residual.counts,
            residual_unassessed: s.residual.unassessed,
        },
        risks: m
            .risks
            .iter()
            .zip(&g.assessed)
            .map(|(r, a)| RiskOut {
                id: &r.id,
                title: &r.title,
                category: r.category.as_str(),
                status: r.status.as_str(),
                owner: &r.owner,
                likelihood: r.likelihood,
                impact: r.impact,
                score: a.score,
                level: a.level.as_ref(),
                residual: a.residual.as_ref().map(|x| ResidualOut {
                    likelihood: x.likelihood,
                    impact: x.impact,
                    score: x.score,
                    level: x.level.as_ref(),
                }),
                review: r.review.map(|d| d.to_string()),
                overdue: a.overdue,
                scenarios: &r.scenarios,
            })
            .collect(),
        exposure: g
            .exposure
            .iter()
            .map(|e| ExposureOut {
                scenario: &e.scenario,
                risks: e.risks.iter().map(|&i| m.risks[i].id.as_str()).collect(),
                sum: e.sum,
                max: e.max,
            })
            .collect(),
    }
}

// ---- Table -------------------------------------------------------------------

fn level_name(l: Option<&Level>) -> String {
    l.map_or_else(|| crate::tr!("cli.risks.unbanded"), |l| l.name.clone())
}

fn table(g: &Register) -> String {
    let m = g.model;
    let s = &g.summary;
    let mut o = vec![crate::tr!(
        if s.overdue == 1 {
            "cli.risks.headline_one"
        } else {
            "cli.risks.headline"
        },
        name = g.name,
        risks = s.risks,
        open = s.open,
        high = s.open_high,
        overdue = s.overdue,
        today = g.today
    )];
    let bands = g.bands.as_slice();
    let legend: Vec<String> = bands
        .iter()
        .map(|b| format!("{} {}–{}", b.name, b.min, b.max))
        .collect();
    let high: Vec<&str> = bands
        .iter()
        .enumerate()
        .filter(|(position, b)| {
            g.bands.is_high(&Level {
                position: *position,
                name: b.name.clone(),
            })
        })
        .map(|(_, b)| b.name.as_str())
        .collect();
    o.push(crate::tr!(
        "cli.risks.levels",
        legend = legend.join(" · "),
        high = high.join(", ")
    ));
    o.push(String::new());
    if m.risks.is_empty() {
        o.push(crate::tr!("cli.risks.none"));
        return o.join("\n") + "\n";
    }

    let mut order: Vec<usize> = (0..m.risks.len()).collect();
    order.sort_by(|&a, &b| {
        g.assessed[b]
            .score
            .cmp(&g.assessed[a].score)
            .then(m.risks[a].id.cmp(&m.risks[b].id))
    });
    let header = [
        "id".to_string(),
        "L×I".to_string(),
        crate::tr!("cli.risks.col.level"),
        crate::tr!("cli.risks.col.residual"),
        crate::tr!("cli.risks.col.status"),
        crate::tr!("cli.risks.col.review"),
        crate::tr!("cli.risks.col.owner"),
        crate::tr!("cli.risks.col.title"),
    ];
    let rows: Vec<[String; 8]> = order
        .iter()
        .map(|&i| {
            let (r, a) = (&m.risks[i], &g.assessed[i]);
            [
                r.id.clone(),
                format!("{}×{}={}", r.likelihood, r.impact, a.score),
                level_name(a.level.as_ref()),
                a.residual.as_ref().map_or_else(
                    || MISSING.to_string(),
                    |x| format!("{} {}", x.score, level_name(x.level.as_ref())),
                ),
                crate::labels::value_label(r.status.as_str()),
                match (r.review, a.overdue) {
                    (Some(d), true) => crate::tr!("cli.risks.overdue", date = d),
                    (Some(d), false) => d.to_string(),
                    (None, _) => MISSING.to_string(),
                },
                fit_width(&r.owner, 24),
                r.title.clone(),
            ]
        })
        .collect();
    // The title, last, is not padded: it may be long, and nothing follows.
    let mut t = crate::text::Table::new().gap("  ");
    for title in &header[..header.len() - 1] {
        t = t.column(title, crate::text::Align::Left);
    }
    for r in &rows {
        t.row(&r[..r.len() - 1]);
    }
    let lines = t.lines();
    let titles = std::iter::once(header[header.len() - 1].clone())
        .chain(rows.iter().map(|r| r[r.len() - 1].clone()));
    o.extend(
        lines
            .into_iter()
            .zip(titles)
            .map(|(l, title)| format!("{l}  {title}").trim_end().to_string()),
    );
    o.push(String::new());

    // The two heat maps side by side.
    let grid = |h: &HeatMap, title: String| -> Vec<String> {
        let mut lines = vec![title];
        for impact in (1..=5).rev() {
            let cells: Vec<String> = (1..=5)
                .map(|l| match h.count(l, impact) {
                    0 => format!("{:>3}", "·"),
                    n => format!("{n:>3}"),
                })
                .collect();
            lines.push(format!("I{impact} {}", cells.concat()));
        }
        lines.push("    L1 L2 L3 L4 L5".into());
        lines
    };
    let left = grid(&s.inherent, crate::tr!("cli.risks.inherent"));
    let right = grid(
        &s.residual,
        if s.residual.unassessed == 0 {
            crate::tr!("cli.risks.col.residual")
        } else {
            crate::tr!("cli.risks.residual_unassessed", n = s.residual.unassessed)
        },
    );
    for (a, b) in left.iter().zip(&right) {
        o.push(format!("{}  {b}", pad_width(a, 32)).trim_end().to_string());
    }

    let exposed: Vec<&Exposure> = g.exposure.iter().filter(|e| !e.risks.is_empty()).collect();
    let id_width = exposed
        .iter()
        .map(|e| unicode_width::UnicodeWidthStr::width(e.scenario.as_str()))
        .max()
        .unwrap_or(0);
    let exposed: Vec<String> = exposed
        .iter()
        .map(|e| {
            format!(
                "  {}  {}",
                pad_width(&e.scenario, id_width),
                crate::tr!(
                    if e.risks.len() == 1 {
                        "cli.risks.exposure_one"
                    } else {
                        "cli.risks.exposure"
                    },
                    n = e.risks.len(),
                    sum = e.sum,
                    max = e.max
                )
            )
        })
        .collect();
    if !exposed.is_empty() {
        o.push(String::new());
        o.push(crate::tr!("cli.risks.exposure_title"));
        o.extend(exposed);
    }
    o.join("\n") + "\n"
}
