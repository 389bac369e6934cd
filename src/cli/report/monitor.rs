//! The report's Monitor section: KPIs against their path, revenue against
//! plan, the model's drift and the triggers, as `lodestar monitor` computes
//! them (`analysis::monitor`).

use std::fmt::Write as _;

use crate::analysis::monitor::Monitoring;
use crate::cli::score::md_escape;
use crate::numfmt::{MISSING, compact};
use crate::tr;

fn opt(x: Option<f64>) -> String {
    x.map(compact).unwrap_or_else(|| MISSING.into())
}

/// `## Monitor and adjust`, ending in a blank line.
pub fn markdown_section(m: &Monitoring, currency: &str) -> String {
    let mut out = format!("## {}\n\n", tr!("report.monitor.heading"));
    if m.is_empty() && m.triggers.is_empty() {
        let _ = writeln!(out, "{}\n", tr!("report.monitor.nothing"));
        return out;
    }
    if !m.kpis.is_empty() {
        let _ = writeln!(out, "{}", tr!("report.monitor.kpi_columns"));
        out.push_str("|---|---|---|---|---:|---:|---|\n");
        for k in &m.kpis {
            let _ = writeln!(
                out,
                "| {} | {} | {} → {} {} | {} | {} ({}) | {} | {} |",
                k.need,
                md_escape(&k.metric),
                opt(k.baseline),
                opt(k.target),
                md_escape(&k.unit),
                k.due.map(super::date).unwrap_or_else(|| MISSING.into()),
                opt(k.latest.map(|l| l.1)),
                k.latest
                    .map(|l| super::date(l.0))
                    .unwrap_or_else(|| MISSING.into()),
                opt(k.projected),
                k.status.as_str()
            );
        }
        out.push('\n');
    }
    if !m.revenue.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            tr!("report.monitor.revenue_columns", currency = currency)
        );
        out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for r in &m.revenue {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                r.scenario,
                r.rows.len(),
                compact(r.actual_total),
                compact(r.plan_total),
                compact(r.variance),
                compact(r.reforecast_npv),
                compact(r.plan_npv),
                r.payback_month
                    .map(|p| tr!("report.month", month = p))
                    .unwrap_or_else(|| MISSING.into())
            );
        }
        out.push('\n');
    }
    if m.model.run.is_some() || m.model.batches > 0 {
        let worst: Vec<String> = m
            .model
            .psi
            .iter()
            .take(3)
            .map(|p| format!("{} {:.2}", md_escape(&p.feature), p.psi))
            .collect();
        let _ = writeln!(
            out,
            "{}\n",
            tr!(
                "report.monitor.model",
                run = m.model.run.as_deref().unwrap_or(MISSING),
                since = m
                    .model
                    .since
                    .map(super::date)
                    .unwrap_or_else(|| MISSING.into()),
                batches = m.model.batches,
                worst = if worst.is_empty() {
                    MISSING.to_string()
                } else {
                    worst.join(", ")
                },
                score_psi = m
                    .model
                    .score_psi
                    .map(|p| format!("{p:.2}"))
                    .unwrap_or_else(|| MISSING.into()),
                auc = if m.model.auc.is_empty() {
                    MISSING.to_string()
                } else {
                    m.model
                        .auc
                        .iter()
                        .map(|(_, _, a)| format!("{a:.3}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                validation = m
                    .model
                    .validation_auc
                    .map(|a| format!("{a:.3}"))
                    .unwrap_or_else(|| MISSING.into())
            )
        );
    }
    if m.triggers.is_empty() {
        let _ = writeln!(out, "{}\n", tr!("report.monitor.no_trigger"));
    } else {
        let _ = writeln!(
            out,
            "{}\n",
            tr!("report.monitor.triggers", count = m.triggers.len())
        );
        for t in &m.triggers {
            let _ = writeln!(
                out,
                "- `{}` {}: {} → {}",
                t.kind.as_str(),
                md_escape(&t.subject),
                md_escape(&t.evidence),
                md_escape(&t.proposal)
            );
        }
        out.push('\n');
    }
    out
}
