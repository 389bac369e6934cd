//! The report's charts, as mermaid diagrams GitHub and GitLab draw from
//! the Markdown itself: the scenarios on value × feasibility
//! (`quadrantChart`), P(rank 1) per scenario and each market series with
//! its forecast (`xychart-beta`), and the latest run's training curves.
//!
//! Every name goes through [`label`], so a title with quotes, brackets or
//! Chinese still parses; tests/report_mermaid.rs checks each diagram with
//! mermaid's own parser.

use std::fmt::Write as _;
use std::path::Path;

use super::super::score::Scored;
use crate::market::MarketAnalysis;
use crate::tr;
use crate::workspace::Model;

/// Most categories an x axis gets: beyond this, labels overlap.
const MAX_POINTS: usize = 36;

/// Text safe inside a mermaid quoted string (`"…"`) of a quadrant or xy
/// chart: the quote itself cannot be escaped there, so it becomes a
/// typographic one; line breaks and control characters become spaces; and
/// `%%` (a comment in mermaid) is split.
pub fn label(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| match c {
            '"' => '”',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    while out.contains("%%") {
        out = out.replace("%%", "% %");
    }
    out.trim().to_string()
}

/// A number as mermaid reads it (no exponent, no thousands separator).
fn num(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let t = format!("{x:.4}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t == "-0" || t.is_empty() {
        "0".into()
    } else {
        t.to_string()
    }
}

fn list(values: impl IntoIterator<Item = f64>) -> String {
    values.into_iter().map(num).collect::<Vec<_>>().join(", ")
}

fn categories<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    names
        .into_iter()
        .map(|n| format!("\"{}\"", label(n.as_ref())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A position on a 0–100 axis mapped onto mermaid's 0–1 axis so that the
/// workspace's threshold falls on the quadrant line (0.5), which mermaid
/// always draws in the middle; each half is stretched linearly.
fn to_unit(v: f64, threshold: f64) -> f64 {
    let t = threshold.clamp(1e-9, 100.0 - 1e-9);
    let v = v.clamp(0.0, 100.0);
    let u = if v < t {
        0.5 * v / t
    } else {
        0.5 + 0.5 * (v - t) / (100.0 - t)
    };
    u.clamp(0.0, 1.0)
}

/// The quadrant chart and the P(rank 1) chart, after the ranking.
pub(crate) fn scenario_charts(out: &mut String, m: &Model, s: &Scored) {
    let a = &s.analysis;
    if let Ok(positions) = &a.positions
        && !positions.is_empty()
    {
        out.push_str(&quadrant_chart(m, &a.matrix.names, positions));
        let _ = writeln!(out, "{}\n", tr!("report.charts.quadrant_note"));
    }
    if let Some(st) = &s.stability {
        out.push_str(&p_first_chart(
            &a.ranking.order,
            &a.matrix.names,
            &st.p_first,
        ));
    }
}

/// `quadrantChart`: x = value, y = feasibility; quadrant 1 (top right) is
/// the quick wins, 2 (top left) the fill-ins, 3 avoid, 4 strategic bets.
pub fn quadrant_chart(
    m: &Model,
    names: &[String],
    positions: &[crate::analysis::Position],
) -> String {
    use crate::analysis::Quadrant;
    let sc = &m.settings.scoring;
    let mut o = String::from("```mermaid\nquadrantChart\n");
    let _ = writeln!(
        o,
        "  title \"{}\"",
        label(&tr!("report.charts.quadrant_title"))
    );
    let _ = writeln!(
        o,
        "  x-axis \"{}\" --> \"{}\"",
        label(&tr!("report.charts.low_value")),
        label(&tr!("report.charts.high_value"))
    );
    let _ = writeln!(
        o,
        "  y-axis \"{}\" --> \"{}\"",
        label(&tr!("report.charts.low_feasibility")),
        label(&tr!("report.charts.high_feasibility"))
    );
    for (k, q) in [
        Quadrant::QuickWin,
        Quadrant::FillIn,
        Quadrant::Avoid,
        Quadrant::StrategicBet,
    ]
    .into_iter()
    .enumerate()
    {
        let _ = writeln!(
            o,
            "  quadrant-{} \"{}\"",
            k + 1,
            label(&super::quadrant_label(q))
        );
    }
    for (name, p) in names.iter().zip(positions) {
        let _ = writeln!(
            o,
            "  \"{}\": [{}, {}]",
            label(name),
            num(to_unit(p.value, sc.quadrant_value)),
            num(to_unit(p.feasibility, sc.quadrant_feasibility))
        );
    }
    o.push_str("```\n\n");
    o
}

/// `xychart-beta`: P(rank 1) of each scenario, in ranking order.
pub fn p_first_chart(order: &[usize], names: &[String], p_first: &[f64]) -> String {
    let order: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| i < names.len() && i < p_first.len())
        .take(MAX_POINTS)
        .collect();
    if order.is_empty() {
        return String::new();
    }
    let mut o = String::from("```mermaid\nxychart-beta\n");
    let _ = writeln!(
        o,
        "  title \"{}\"",
        label(&tr!("report.charts.p_first_title"))
    );
    let _ = writeln!(
        o,
        "  x-axis [{}]",
        categories(order.iter().map(|&i| &names[i]))
    );
    let _ = writeln!(
        o,
        "  y-axis \"{}\" 0 --> 100",
        label(&tr!("report.charts.p_first_axis"))
    );
    let _ = writeln!(
        o,
        "  bar [{}]",
        list(order.iter().map(|&i| 100.0 * p_first[i]))
    );
    o.push_str("```\n\n");
    o
}

/// One `xychart-beta` per market series that has data: the actual values
/// as bars and a line through them that continues into the forecast (xy
/// charts have no gaps, so the line carries both; the bars end where the
/// data does).
pub fn market_charts(out: &mut String, m: &MarketAnalysis) {
    for s in &m.series {
        let Some(d) = &s.data else { continue };
        if d.points.is_empty() {
            continue;
        }
        let forecast = s.forecast.as_ref().map_or(&[][..], |f| &f.points[..]);
        // Keep the end: the latest history and the whole forecast.
        let keep_history = MAX_POINTS.saturating_sub(forecast.len()).max(1);
        let history = &d.points[d.points.len().saturating_sub(keep_history)..];
        let periods = history
            .iter()
            .map(|p| p.period.to_string())
            .chain(forecast.iter().map(|p| p.period.to_string()));
        let name = if s.unit.is_empty() {
            s.name.clone()
        } else {
            format!("{} ({})", s.name, s.unit)
        };
        let mut o = String::from("```mermaid\nxychart-beta\n");
        let _ = writeln!(
            o,
            "  title \"{}\"",
            label(&tr!("report.charts.series_title", name = name))
        );
        let _ = writeln!(o, "  x-axis [{}]", categories(periods));
        o.push_str(&format!(
            "  bar [{}]\n",
            list(history.iter().map(|p| p.value))
        ));
        o.push_str(&format!(
            "  line [{}]\n",
            list(
                history
                    .iter()
                    .map(|p| p.value)
                    .chain(forecast.iter().map(|p| p.value))
            )
        ));
        o.push_str("```\n\n");
        out.push_str(&o);
    }
}

/// The latest run's loss and AUC per epoch (training and validation), from
/// its `metrics.csv`; nothing when the file is missing or empty.
pub fn training_curves(out: &mut String, run_dir: &Path, id: &str) {
    let Ok(rows) = crate::train::runs::read_metrics(run_dir) else {
        return;
    };
    let rows = &rows[rows.len().saturating_sub(MAX_POINTS * 4)..];
    if rows.is_empty() {
        return;
    }
    let epochs: Vec<String> = rows.iter().map(|r| r.epoch.to_string()).collect();
    type Pick = fn(&crate::train::runs::MetricsRow) -> Option<f64>;
    let curves: [(&str, Pick); 4] = [
        ("loss", |r| r.loss),
        ("val-loss", |r| r.val_loss),
        ("auc", |r| r.auc),
        ("val-auc", |r| r.val_auc),
    ];
    // A curve is drawn only when every epoch has its figure (xy charts
    // cannot skip a point).
    let drawn: Vec<(&str, Vec<f64>)> = curves
        .iter()
        .filter_map(|(name, pick)| {
            let v: Option<Vec<f64>> = rows.iter().map(pick).collect();
            v.filter(|v| v.iter().all(|x| x.is_finite()))
                .map(|v| (*name, v))
        })
        .collect();
    if drawn.is_empty() {
        return;
    }
    let top = drawn
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(1.0_f64, f64::max);
    let mut o = String::from("\n```mermaid\nxychart-beta\n");
    let _ = writeln!(
        o,
        "  title \"{}\"",
        label(&tr!("report.charts.training_title", id = id))
    );
    let _ = writeln!(
        o,
        "  x-axis \"{}\" [{}]",
        label(&tr!("report.charts.epoch")),
        categories(&epochs)
    );
    let _ = writeln!(o, "  y-axis 0 --> {}", num((top * 10.0).ceil() / 10.0));
    for (_, v) in &drawn {
        let _ = writeln!(o, "  line [{}]", list(v.iter().copied()));
    }
    o.push_str("```\n\n");
    let names: Vec<&str> = drawn.iter().map(|(n, _)| *n).collect();
    let _ = writeln!(
        o,
        "{}\n",
        tr!("report.charts.training_note", lines = names.join(", "))
    );
    out.push_str(&o);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lose_what_breaks_a_quoted_string() {
        assert_eq!(label("say \"hi\" [now]"), "say ”hi” [now]");
        assert_eq!(label("line\nbreak"), "line break");
        assert_eq!(label("100%% sure"), "100% % sure");
        assert_eq!(label("会员复购"), "会员复购");
    }

    #[test]
    fn numbers_have_no_exponent() {
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(1e-9), "0");
        assert_eq!(num(12_345_678.0), "12345678");
        assert_eq!(num(f64::NAN), "0");
        assert_eq!(num(-0.00001), "0");
    }

    #[test]
    fn thresholds_fall_on_the_middle_line() {
        assert_eq!(to_unit(60.0, 60.0), 0.5);
        assert_eq!(to_unit(30.0, 60.0), 0.25);
        assert_eq!(to_unit(80.0, 60.0), 0.75);
        assert_eq!(to_unit(100.0, 60.0), 1.0);
        assert_eq!(to_unit(0.0, 50.0), 0.0);
        assert_eq!(to_unit(150.0, 50.0), 1.0);
    }
}
