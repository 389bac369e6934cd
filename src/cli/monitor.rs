//! `lodestar monitor DIR [--format table|json] [--fail-on-trigger]`: the
//! KPIs, the money and the deployed model after launch, and the triggers
//! that call the scenario choice into question (`analysis::monitor`). The
//! JSON shape is a contract (docs/CLI.md); `--fail-on-trigger` makes a
//! scheduled CI job fail while a trigger fires.

use std::fmt::Write as _;
use std::path::Path;

use clap::ValueEnum;
use serde::Serialize;

use super::{OK, open_or_report, pad_width, write_stdout};
use crate::analysis::monitor::Monitoring;
use crate::numfmt::{self, MISSING};
use crate::workspace::Date;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum MonitorFormat {
    /// Aligned text: KPIs, revenue, model, triggers.
    #[default]
    Table,
    /// The stable JSON contract (docs/CLI.md).
    Json,
}

pub fn run(dir: &Path, format: MonitorFormat, fail_on_trigger: bool) -> u8 {
    let ws = match open_or_report(dir) {
        Ok(ws) => ws,
        Err(code) => return code,
    };
    let analyse = || crate::train::drift::monitoring(&ws.root, &ws.model, Date::today());
    // Triggers carry their evidence in words: in the interface language for
    // people, in English for the JSON contract.
    let m = if format == MonitorFormat::Json {
        crate::i18n::with(crate::i18n::Lang::En, analyse)
    } else {
        analyse()
    };
    let text = match format {
        MonitorFormat::Table => table(ws.name(), &m),
        MonitorFormat::Json => {
            serde_json::to_string_pretty(&to_json(&m)).unwrap_or_default() + "\n"
        }
    };
    let code = write_stdout(&text);
    if code != OK {
        return code;
    }
    if fail_on_trigger && !m.triggers.is_empty() {
        // Not a failure of the command: 1, like `check` with errors.
        return 1;
    }
    OK
}

// ---- JSON --------------------------------------------------------------------

#[derive(Serialize)]
pub struct MonitorOut<'a> {
    kpis: Vec<KpiOut<'a>>,
    revenue: Vec<RevenueOut<'a>>,
    model: ModelOut<'a>,
    triggers: Vec<TriggerOut<'a>>,
}

#[derive(Serialize)]
struct KpiOut<'a> {
    need: &'a str,
    metric: &'a str,
    unit: &'a str,
    baseline: Option<f64>,
    target: Option<f64>,
    due: Option<String>,
    latest: Option<f64>,
    latest_date: Option<String>,
    projected: Option<f64>,
    status: &'static str,
}

#[derive(Serialize)]
struct RevenueOut<'a> {
    scenario: &'a str,
    months: usize,
    actual_total: f64,
    plan_total: f64,
    variance: f64,
    reforecast_npv: f64,
    plan_npv: f64,
    payback_month: Option<usize>,
}

#[derive(Serialize)]
struct ModelOut<'a> {
    run: Option<&'a str>,
    since: Option<String>,
    batches: usize,
    psi: Vec<PsiOut<'a>>,
    score_psi: Option<f64>,
    auc: Vec<AucOut<'a>>,
    validation_auc: Option<f64>,
}

#[derive(Serialize)]
struct PsiOut<'a> {
    feature: &'a str,
    psi: f64,
}

#[derive(Serialize)]
struct AucOut<'a> {
    batch: &'a str,
    auc: f64,
}

#[derive(Serialize)]
struct TriggerOut<'a> {
    kind: &'static str,
    subject: &'a str,
    evidence: &'a str,
    proposal: &'a str,
}

/// Round for the contract: no float noise in the output (six decimals for
/// ratios, cents for money).
fn r(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1e6).round() / 1e6
    } else {
        0.0
    }
}

fn cents(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0
    } else {
        0.0
    }
}

pub fn to_json(m: &Monitoring) -> MonitorOut<'_> {
    MonitorOut {
        kpis: m
            .kpis
            .iter()
            .map(|k| KpiOut {
                need: &k.need,
                metric: &k.metric,
                unit: &k.unit,
                baseline: k.baseline,
                target: k.target,
                due: k.due.map(|d| d.to_string()),
                latest: k.latest.map(|l| l.1),
                latest_date: k.latest.map(|l| l.0.to_string()),
                projected: k.projected.map(r),
                status: k.status.as_str(),
            })
            .collect(),
        revenue: m
            .revenue
            .iter()
            .map(|x| RevenueOut {
                scenario: &x.scenario,
                months: x.rows.len(),
                actual_total: cents(x.actual_total),
                plan_total: cents(x.plan_total),
                variance: cents(x.variance),
                reforecast_npv: cents(x.reforecast_npv),
                plan_npv: cents(x.plan_npv),
                payback_month: x.payback_month,
            })
            .collect(),
        model: ModelOut {
            run: m.model.run.as_deref(),
            since: m.model.since.map(|d| d.to_string()),
            batches: m.model.batches,
            psi: m
                .model
                .psi
                .iter()
                .map(|p| PsiOut {
                    feature: &p.feature,
                    psi: r(p.psi),
                })
                .collect(),
            score_psi: m.model.score_psi.map(r),
            auc: m
                .model
                .auc
                .iter()
                .map(|(batch, _, auc)| AucOut {
                    batch,
                    auc: r(*auc),
                })
                .collect(),
            validation_auc: m.model.validation_auc,
        },
        triggers: m
            .triggers
            .iter()
            .map(|t| TriggerOut {
                kind: t.kind.as_str(),
                subject: &t.subject,
                evidence: &t.evidence,
                proposal: &t.proposal,
            })
            .collect(),
    }
}

// ---- text ----------------------------------------------------------------------

fn opt(x: Option<f64>) -> String {
    x.map(numfmt::compact).unwrap_or_else(|| MISSING.into())
}

/// The aligned text form (also the body of the report's Monitor section).
pub fn table(name: &str, m: &Monitoring) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", crate::tr!("cli.monitor.title", name = name));
    if m.is_empty() {
        let _ = writeln!(s, "{}", crate::tr!("cli.monitor.empty"));
    }
    if !m.kpis.is_empty() {
        let _ = writeln!(s, "{}", crate::tr!("cli.monitor.kpis"));
        for k in &m.kpis {
            let line = crate::tr!(
                "cli.monitor.kpi",
                need = pad_width(&k.need, 10),
                metric = pad_width(&k.metric, 28),
                baseline = format!("{:>8}", opt(k.baseline)),
                target = format!("{:<8}", opt(k.target)),
                due = format!(
                    "{:<10}",
                    k.due
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| MISSING.into())
                ),
                latest = format!("{:>8}", opt(k.latest.map(|l| l.1))),
                date = k
                    .latest
                    .map(|l| l.0.to_string())
                    .unwrap_or_else(|| MISSING.into()),
                projected = format!("{:>8}", opt(k.projected)),
                status = crate::tr!(match k.status {
                    crate::analysis::monitor::KpiStatus::OnTrack => "cli.monitor.on_track",
                    crate::analysis::monitor::KpiStatus::AtRisk => "cli.monitor.at_risk",
                    crate::analysis::monitor::KpiStatus::OffTrack => "cli.monitor.off_track",
                    crate::analysis::monitor::KpiStatus::NoData => "cli.monitor.no_data",
                })
            );
            let _ = writeln!(s, "{line}");
        }
        s.push('\n');
    }
    if !m.revenue.is_empty() {
        let _ = writeln!(s, "{}", crate::tr!("cli.monitor.revenue"));
        for x in &m.revenue {
            let line = crate::tr!(
                "cli.monitor.revenue_row",
                scenario = pad_width(&x.scenario, 24),
                months = format!("{:>2}", x.rows.len()),
                actual = format!("{:>8}", numfmt::compact(x.actual_total)),
                plan = format!("{:>8}", numfmt::compact(x.plan_total)),
                variance = format!("{:>8}", numfmt::compact(x.variance)),
                npv = format!("{:>8}", numfmt::compact(x.reforecast_npv)),
                plan_npv = format!("{:>8}", numfmt::compact(x.plan_npv)),
                payback = x.payback_month.map_or_else(
                    || crate::tr!("cli.monitor.no_payback"),
                    |p| crate::tr!("cli.score.month", month = p)
                )
            );
            let _ = writeln!(s, "{line}");
        }
        s.push('\n');
    }
    if m.model.run.is_some() || m.model.batches > 0 {
        let line = crate::tr!(
            "cli.monitor.model",
            run = m.model.run.as_deref().unwrap_or(MISSING),
            since = m
                .model
                .since
                .map(|d| d.to_string())
                .unwrap_or_else(|| MISSING.into()),
            batches = m.model.batches,
            auc = m
                .model
                .validation_auc
                .map(|a| format!("{a:.3}"))
                .unwrap_or_else(|| MISSING.into())
        );
        let _ = writeln!(s, "{line}");
        for p in &m.model.psi {
            let _ = writeln!(s, "  PSI {} {:.3}", pad_width(&p.feature, 26), p.psi);
        }
        if let Some(p) = m.model.score_psi {
            let _ = writeln!(
                s,
                "  PSI {} {p:.3}",
                pad_width(&crate::tr!("cli.monitor.score"), 26)
            );
        }
        for (file, date, auc) in &m.model.auc {
            let line = crate::tr!(
                "cli.monitor.auc",
                auc = format!("{auc:.3}"),
                date = date.map(|d| d.to_string()).unwrap_or_default(),
                file = file
            );
            let _ = writeln!(s, "{line}");
        }
        for e in &m.model.errors {
            let _ = writeln!(s, "  ! {e}");
        }
        s.push('\n');
    }
    for e in &m.errors {
        let _ = writeln!(s, "! {e}");
    }
    if m.triggers.is_empty() {
        let _ = writeln!(s, "{}", crate::tr!("cli.monitor.no_trigger"));
    } else {
        let _ = writeln!(
            s,
            "{}",
            crate::tr!("cli.monitor.triggers", n = m.triggers.len())
        );
        for t in &m.triggers {
            let _ = writeln!(s, "  [{}] {}: {}", t.kind.as_str(), t.subject, t.evidence);
            let _ = writeln!(s, "      → {}", t.proposal);
        }
    }
    s
}
