//! The market section of `lodestar report` (and `lodestar market --format md`):
//! the core's market analysis written as Markdown.

use std::fmt::Write as _;

use crate::cli::score::md_escape as cell;
use crate::market::MarketAnalysis;
use crate::market::sizing::Levels;
use crate::numfmt::{MISSING, amount, compact, or_missing, percent};
use crate::tr;

fn levels(l: &Levels) -> [String; 3] {
    [
        or_missing(l.tam, compact),
        or_missing(l.sam, compact),
        or_missing(l.som, compact),
    ]
}

/// The "Market" section of `lodestar report`: series and forecasts, segment
/// sizing, the competitor matrix, customer evidence and trends, as Markdown
/// starting with a `## Market` heading. `currency` labels the sizing table.
pub fn markdown_section(m: &MarketAnalysis, currency: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "## {}\n", tr!("report.market.heading"));

    // Series.
    let _ = writeln!(w, "### {}\n", tr!("report.market.series"));
    if m.series.is_empty() {
        let _ = writeln!(w, "{}\n", tr!("report.market.no_series"));
    }
    for s in &m.series {
        let unit = if s.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", cell(&s.unit))
        };
        let _ = writeln!(w, "#### {}{unit} — `{}`\n", cell(&s.name), s.id);
        if let Some(d) = &s.data {
            let (first, last) = (d.points.first(), d.points.last());
            if let (Some(a), Some(b)) = (first, last) {
                let _ = writeln!(
                    w,
                    "{}\n",
                    tr!(
                        "report.market.periods",
                        n = d.points.len(),
                        frequency = d.frequency.as_str(),
                        first = a.period,
                        last = b.period,
                        from = amount(a.value),
                        to = amount(b.value),
                        cagr = or_missing(s.cagr, percent)
                    )
                );
            }
        }
        if let Some(f) = &s.forecast {
            let _ = writeln!(w, "{}", tr!("report.market.method", method = f.describe()));
            if let Some(n) = &f.note {
                let _ = writeln!(w, "{}", tr!("report.market.note", note = cell(n)));
            }
            let _ = writeln!(
                w,
                "\n{}\n|---|---:|---:|---:|",
                tr!("report.market.forecast_columns")
            );
            for p in &f.points {
                let range = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
                    (Some(a), Some(b)) => format!("{} – {}", amount(a), amount(b)),
                    _ => MISSING.into(),
                };
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | {} |",
                    p.period,
                    amount(p.value),
                    range(p.lo80, p.hi80),
                    range(p.lo95, p.hi95)
                );
            }
            let _ = writeln!(w);
        }
        if !s.problems.is_empty() {
            for p in &s.problems {
                let _ = writeln!(w, "- ⚠ `{}`", p.to_string().replace('`', "'"));
            }
            let _ = writeln!(w);
        }
    }

    // Segments.
    let _ = writeln!(
        w,
        "### {}\n",
        tr!("report.market.segments", currency = currency)
    );
    if m.segments.is_empty() {
        let _ = writeln!(w, "{}\n", tr!("report.market.no_segments"));
    } else {
        let _ = writeln!(
            w,
            "{}\n|---|---:|---:|---:|---:|---:|---:|",
            tr!("report.market.segment_columns")
        );
        for s in &m.segments {
            let [t, a, o] = levels(&s.top_down);
            let [bt, ba, bo] = levels(&s.bottom_up);
            let _ = writeln!(
                w,
                "| {} | {t} | {a} | {o} | {bt} | {ba} | {bo} |",
                cell(&s.name)
            );
        }
        let _ = writeln!(w, "\n{}\n", tr!("report.market.sizing_note"));
        for s in &m.segments {
            for d in &s.disagreements {
                let _ = writeln!(w, "- ⚠ {}", cell(&d.message(&s.id)));
            }
        }
        let _ = writeln!(w);
    }

    // Competitors.
    let c = &m.competitors;
    let _ = writeln!(w, "### {}\n", tr!("report.market.competitors"));
    if c.features.is_empty() || c.competitors.is_empty() {
        let _ = writeln!(w, "{}\n", tr!("report.market.no_competitors"));
    } else {
        let _ = write!(w, "{}", tr!("report.market.feature_columns"));
        for k in &c.competitors {
            let _ = write!(w, " {} |", cell(&k.name));
        }
        let _ = write!(w, "\n|---|---:|");
        for _ in &c.competitors {
            let _ = write!(w, ":---:|");
        }
        let _ = writeln!(w);
        for (j, f) in c.features.iter().enumerate() {
            let _ = write!(w, "| {} | {} |", cell(&f.name), f.weight);
            for k in &c.competitors {
                let g = k.cells[j].map_or('?', |v| v.glyph());
                let _ = write!(w, " {g} |");
            }
            let _ = writeln!(w);
        }
        let _ = write!(w, "| **{}** | |", tr!("report.market.weighted_coverage"));
        for k in &c.competitors {
            let _ = write!(w, " **{}** |", percent(k.weighted));
        }
        let _ = writeln!(w, "\n\n{}\n", tr!("report.market.legend"));
        if let Some(g) = &c.white_space {
            let lacking = c
                .features
                .iter()
                .find(|f| f.id == g.feature)
                .map_or(0, |f| f.competitors_lacking);
            let _ = writeln!(
                w,
                "{}\n",
                tr!(
                    "report.market.gap",
                    name = cell(&g.name),
                    weight = g.weight,
                    lacking = lacking,
                    competitors = c.competitors.len(),
                    coverage = percent(g.theirs)
                )
            );
        }
        if !c.scenarios.is_empty() {
            let _ = writeln!(
                w,
                "{}\n|---|---:|---|---|",
                tr!("report.market.scenario_columns")
            );
            for s in &c.scenarios {
                let behind = s.behind.as_ref().map_or(MISSING.into(), |g| {
                    tr!(
                        "report.market.weighted",
                        name = cell(&g.name),
                        weight = g.weight
                    )
                });
                let ahead = s.ahead.as_ref().map_or(MISSING.into(), |g| {
                    tr!(
                        "report.market.weighted",
                        name = cell(&g.name),
                        weight = g.weight
                    )
                });
                let _ = writeln!(
                    w,
                    "| {} | {} | {behind} | {ahead} |",
                    cell(&s.name),
                    percent(s.weighted)
                );
            }
            let _ = writeln!(w);
        }
    }

    // Evidence.
    let _ = writeln!(w, "### {}\n", tr!("report.market.evidence"));
    if !m.surveys.is_empty() {
        let _ = writeln!(
            w,
            "{}\n|---|---|---:|---:|---:|---:|",
            tr!("report.market.survey_columns")
        );
        for s in &m.surveys {
            match &s.answers {
                Some(a) => {
                    let nps = a.nps.map_or(MISSING.into(), |n| format!("{:+.0}", n.score));
                    let _ = writeln!(
                        w,
                        "| {} | {} | {} | {} | {} | {nps} |",
                        cell(&s.title),
                        a.scale.as_str(),
                        a.n,
                        or_missing(a.median, |x| format!("{x}")),
                        or_missing(a.top_two_box, percent)
                    );
                }
                None => {
                    let why = s
                        .problems
                        .last()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let _ = writeln!(w, "| {} | — | — | — | — | {} |", cell(&s.title), cell(&why));
                }
            }
        }
        let _ = writeln!(w);
    }
    if !m.needs.is_empty() {
        let _ = writeln!(
            w,
            "{}\n|---|---:|---:|---|",
            tr!("report.market.need_columns")
        );
        for n in &m.needs {
            let ids: Vec<&str> = n.evidence.iter().map(|e| e.id.as_str()).collect();
            let label = if n.title.is_empty() {
                n.need.clone()
            } else {
                format!("{} {}", n.need, cell(&n.title))
            };
            let list = if ids.is_empty() {
                format!("**{}**", tr!("report.market.none_yet"))
            } else {
                ids.join(", ")
            };
            let _ = writeln!(w, "| {label} | {} | {} | {list} |", n.interviews, n.surveys);
        }
        let _ = writeln!(w);
    }

    // Trends.
    if !m.trends.is_empty() {
        let _ = writeln!(
            w,
            "### {}\n\n{}\n|---|---:|---:|---:|---:|---:|---|",
            tr!("report.market.trends"),
            tr!("report.market.trend_columns")
        );
        for g in &m.trends {
            let top = g
                .trends
                .first()
                .map(|t| {
                    tr!(
                        "report.market.impact",
                        title = cell(&t.title),
                        impact = t.impact
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {:.1} | {top} |",
                g.kind,
                g.trends.len(),
                g.rising,
                g.falling,
                g.stable,
                g.mean_impact
            );
        }
        let _ = writeln!(w);
    }
    out
}
