//! The report's Monitor section: KPIs against their path, revenue against
//! plan, the model's drift and the triggers, as `lodestar monitor` computes
//! them (`analysis::monitor`).

use std::fmt::Write as _;

use crate::analysis::monitor::Monitoring;
use crate::cli::score::md_escape;
use crate::numfmt::{MISSING, compact};

fn opt(x: Option<f64>) -> String {
    x.map(compact).unwrap_or_else(|| MISSING.into())
}

/// `## Monitor and adjust`, ending in a blank line.
pub fn markdown_section(m: &Monitoring, currency: &str) -> String {
    let mut out = String::from("## Monitor and adjust\n\n");
    if m.is_empty() && m.triggers.is_empty() {
        out.push_str("Nothing recorded after launch yet (`monitor.toml`).\n\n");
        return out;
    }
    if !m.kpis.is_empty() {
        out.push_str("| need | KPI | baseline → target | due | latest | projected | status |\n");
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
                k.due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| MISSING.into()),
                opt(k.latest.map(|l| l.1)),
                k.latest
                    .map(|l| l.0.to_string())
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
            "| scenario | months | actual ({currency}) | plan | variance | NPV re-forecast | NPV plan | payback |"
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
                    .map(|p| format!("month {p}"))
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
            "Model `{}` since {}: {} scoring batches; PSI of the latest batch, worst first: {}; score PSI {}; AUC on labelled batches {} (validation {}).\n",
            m.model.run.as_deref().unwrap_or(MISSING),
            m.model
                .since
                .map(|d| d.to_string())
                .unwrap_or_else(|| MISSING.into()),
            m.model.batches,
            if worst.is_empty() {
                MISSING.to_string()
            } else {
                worst.join(", ")
            },
            m.model
                .score_psi
                .map(|p| format!("{p:.2}"))
                .unwrap_or_else(|| MISSING.into()),
            if m.model.auc.is_empty() {
                MISSING.to_string()
            } else {
                m.model
                    .auc
                    .iter()
                    .map(|(_, _, a)| format!("{a:.3}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
            m.model
                .validation_auc
                .map(|a| format!("{a:.3}"))
                .unwrap_or_else(|| MISSING.into()),
        );
    }
    if m.triggers.is_empty() {
        out.push_str("No trigger fires.\n\n");
    } else {
        let _ = writeln!(
            out,
            "**Triggers ({})** — each calls a decision into question:\n",
            m.triggers.len()
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
