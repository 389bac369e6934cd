//! Monitor and adjust (seed §3.4, §4.3): how the KPIs, the money and the
//! deployed model fare after launch, and the triggers that send the team
//! back to the scenario choice. Pure: the scoring batches arrive as bin
//! counts ([`Drift`]), read by `train::drift`.
//!
//! The method is documented in docs/METHOD.md ("Monitor and adjust").

use std::collections::BTreeMap;

use super::AnalysisError;
use super::revenue::{self, Projection};
use crate::workspace::choice::RiskStatus;
use crate::workspace::model::{Actual, Measurement, Need, Scenario, Thresholds};
use crate::workspace::{Date, Model};

/// Points the trend slope is fitted over (the latest ones).
pub const TREND_POINTS: usize = 4;
/// Quantile bins of a numeric feature (deciles of the training data).
pub const PSI_BINS: usize = 10;
/// Floor of a bin's share in the PSI, so an empty bin counts as rare, not
/// infinitely surprising.
pub const PSI_FLOOR: f64 = 1e-4;

// ---- KPIs ----------------------------------------------------------------

/// Where a KPI stands against the straight path from baseline to target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KpiStatus {
    OnTrack,
    AtRisk,
    OffTrack,
    /// No measurement yet, or the KPI lacks a baseline, target or due date.
    NoData,
}

impl KpiStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiStatus::OnTrack => "on-track",
            KpiStatus::AtRisk => "at-risk",
            KpiStatus::OffTrack => "off-track",
            KpiStatus::NoData => "no-data",
        }
    }
}

/// One need's KPI after launch.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiReport {
    pub need: String,
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub due: Option<Date>,
    /// Where the straight path starts (the launch, else the first measurement).
    pub start: Option<Date>,
    /// Measurements by date.
    pub points: Vec<(Date, f64)>,
    pub latest: Option<(Date, f64)>,
    /// The path's value at the latest measurement.
    pub expected: Option<f64>,
    /// How far behind the path the latest value is, as a share of the
    /// baseline–target gap (negative: ahead).
    pub behind: Option<f64>,
    /// Least-squares slope over the last [`TREND_POINTS`] points, per day.
    pub slope_per_day: Option<f64>,
    /// The trend carried to the due date.
    pub projected: Option<f64>,
    pub status: KpiStatus,
}

/// The straight path's value at `at`: the baseline at `start`, the target
/// at `due`, held at each end.
pub fn path_value(baseline: f64, target: f64, start: Date, due: Date, at: Date) -> f64 {
    let span = start.days_until(due) as f64;
    if span <= 0.0 {
        return target;
    }
    let f = (start.days_until(at) as f64 / span).clamp(0.0, 1.0);
    baseline + (target - baseline) * f
}

/// Least-squares slope of `y` over `x`; `None` for fewer than two distinct x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The KPI report of one need from its measurements. `launch` starts the
/// path; `tolerance` is the share of the gap a KPI may lag and be on track
/// (up to twice that it is at risk, beyond off track).
pub fn kpi_report<'a>(
    need: &Need,
    measurements: impl IntoIterator<Item = &'a Measurement>,
    launch: Option<Date>,
    tolerance: f64,
) -> KpiReport {
    let kpi = need.kpi.as_ref();
    let mut points: Vec<(Date, f64)> = measurements
        .into_iter()
        .filter(|m| m.need == need.id && m.value.is_finite())
        .filter_map(|m| m.date.map(|d| (d, m.value)))
        .collect();
    points.sort_by_key(|p| p.0);
    let latest = points.last().copied();
    let start = launch.or(points.first().map(|p| p.0));
    let (baseline, target, due) = (
        kpi.and_then(|k| k.baseline),
        kpi.and_then(|k| k.target),
        kpi.and_then(|k| k.due),
    );
    let tail = &points[points.len().saturating_sub(TREND_POINTS)..];
    let slope_per_day = tail.first().and_then(|first| {
        let xy: Vec<(f64, f64)> = tail
            .iter()
            .map(|(d, v)| (first.0.days_until(*d) as f64, *v))
            .collect();
        slope(&xy)
    });
    let projected = match (latest, slope_per_day, due) {
        (Some((d, v)), Some(s), Some(due)) => Some(v + s * d.days_until(due).max(0) as f64),
        _ => None,
    };
    let mut report = KpiReport {
        need: need.id.clone(),
        metric: kpi.map(|k| k.metric.clone()).unwrap_or_default(),
        unit: kpi.map(|k| k.unit.clone()).unwrap_or_default(),
        baseline,
        target,
        due,
        start,
        points,
        latest,
        expected: None,
        behind: None,
        slope_per_day,
        projected,
        status: KpiStatus::NoData,
    };
    let (Some(b), Some(t), Some(due), Some(start), Some((at, value))) =
        (baseline, target, due, start, latest)
    else {
        return report;
    };
    let gap = t - b;
    if gap == 0.0 {
        return report;
    }
    let expected = path_value(b, t, start, due, at);
    let behind = (expected - value) / gap;
    report.expected = Some(expected);
    report.behind = Some(behind);
    report.status = status_of(behind, tolerance);
    // A trend that misses the target badly makes an on-track KPI at risk.
    if report.status == KpiStatus::OnTrack
        && let Some(p) = projected
        && (t - p) / gap > 2.0 * tolerance
    {
        report.status = KpiStatus::AtRisk;
    }
    report
}

fn status_of(behind: f64, tolerance: f64) -> KpiStatus {
    if behind <= tolerance {
        KpiStatus::OnTrack
    } else if behind <= 2.0 * tolerance {
        KpiStatus::AtRisk
    } else {
        KpiStatus::OffTrack
    }
}

// ---- revenue -------------------------------------------------------------

/// Months from `launch`'s month to `d`'s month: 0 for the launch month.
pub fn month_offset(launch: Date, d: Date) -> i64 {
    (i64::from(d.year) - i64::from(launch.year)) * 12 + i64::from(d.month) - i64::from(launch.month)
}

/// One month of a live scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    /// The plan's month number (1 = the launch month).
    pub month: usize,
    pub date: Date,
    pub plan_revenue: f64,
    pub actual_revenue: f64,
    pub plan_cash: f64,
    pub actual_cash: f64,
    /// Actual − plan revenue.
    pub variance: f64,
    /// Variance as a share of the plan's revenue (`None` when it plans none).
    pub variance_share: Option<f64>,
}

/// A live scenario's money against its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueReport {
    pub scenario: String,
    pub name: String,
    pub rows: Vec<MonthRow>,
    /// Cumulative revenue of the plan and of the actuals over the months
    /// with actuals.
    pub plan_total: f64,
    pub actual_total: f64,
    pub variance: f64,
    /// Cumulative plan revenue for every month of the horizon, and the
    /// cumulative actual revenue so far (index 0 = month 1).
    pub plan_cumulative: Vec<f64>,
    pub actual_cumulative: Vec<f64>,
    pub plan_npv: f64,
    /// NPV of the actual cash flows so far and the plan for the rest.
    pub reforecast_npv: f64,
    pub plan_payback: Option<usize>,
    pub payback_month: Option<usize>,
    /// Latest months in a row with revenue short of plan by more than the
    /// threshold share.
    pub short_months: usize,
    /// The first month from which cumulative actual revenue stays at or
    /// above the plan's (`None`: it never catches up).
    pub crossing: Option<usize>,
}

/// The revenue report of a scenario from its actuals. Month 1 of the plan
/// is `launch`'s month; actuals outside the horizon are ignored.
pub fn revenue_report(
    scenario: &Scenario,
    actuals: &[&Actual],
    launch: Date,
    model: &Model,
    thresholds: &Thresholds,
) -> Result<Option<RevenueReport>, AnalysisError> {
    let Some(rev) = &scenario.revenue else {
        return Ok(None);
    };
    let plan: Projection = revenue::project(
        rev,
        model.settings.discount_rate,
        model.settings.horizon_months,
    )?;
    let mut by_month: BTreeMap<usize, &Actual> = BTreeMap::new();
    for a in actuals {
        let Some(d) = a.month else { continue };
        let t = month_offset(launch, d) + 1;
        if let Ok(t) = usize::try_from(t)
            && (1..=plan.months).contains(&t)
            && a.revenue.is_finite()
            && a.cost.is_finite()
        {
            by_month.entry(t).or_insert(a);
        }
    }
    let mut rows = Vec::new();
    let mut flows = plan.cash_flow.clone();
    for (&t, a) in &by_month {
        let date = add_months(launch, t as i64 - 1);
        let actual_cash = a.revenue - a.cost;
        flows[t] = actual_cash;
        let plan_revenue = plan.revenue[t];
        rows.push(MonthRow {
            month: t,
            date,
            plan_revenue,
            actual_revenue: a.revenue,
            plan_cash: plan.cash_flow[t],
            actual_cash,
            variance: a.revenue - plan_revenue,
            variance_share: (plan_revenue != 0.0)
                .then(|| (a.revenue - plan_revenue) / plan_revenue),
        });
    }
    let plan_total: f64 = rows.iter().map(|r| r.plan_revenue).sum();
    let actual_total: f64 = rows.iter().map(|r| r.actual_revenue).sum();
    let plan_cumulative: Vec<f64> = plan.revenue[1..]
        .iter()
        .scan(0.0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .collect();
    // Cumulative actuals up to the last month with an actual; a month
    // without one adds nothing.
    let last = rows.last().map(|r| r.month).unwrap_or(0);
    let mut actual_cumulative = Vec::with_capacity(last);
    let mut acc = 0.0;
    for t in 1..=last {
        acc += by_month.get(&t).map(|a| a.revenue).unwrap_or(0.0);
        actual_cumulative.push(acc);
    }
    let crossing = {
        let mut from = None;
        for (i, a) in actual_cumulative.iter().enumerate() {
            if *a >= plan_cumulative[i] {
                from.get_or_insert(i + 1);
            } else {
                from = None;
            }
        }
        from
    };
    let short_months = rows
        .iter()
        .rev()
        .take_while(|r| {
            r.variance_share
                .is_some_and(|s| s < -thresholds.revenue_shortfall)
        })
        .count();
    Ok(Some(RevenueReport {
        scenario: scenario.id.clone(),
        name: scenario.name.clone(),
        plan_total,
        actual_total,
        variance: actual_total - plan_total,
        plan_cumulative,
        actual_cumulative,
        plan_npv: plan.npv,
        reforecast_npv: revenue::npv(plan.monthly_rate, &flows),
        plan_payback: plan.payback_month,
        payback_month: revenue::payback_month(&flows),
        short_months,
        crossing,
        rows,
    }))
}

/// The first day of the month `n` months after `d`'s.
pub fn add_months(d: Date, n: i64) -> Date {
    let m = i64::from(d.year) * 12 + i64::from(d.month) - 1 + n;
    Date {
        year: m.div_euclid(12) as i32,
        month: (m.rem_euclid(12) + 1) as u8,
        day: 1,
    }
}

// ---- model drift ---------------------------------------------------------

/// Interior cut points of `values` at the `bins`-quantiles (deduplicated),
/// so bin `i` holds `edges[i-1] < x <= edges[i]`. Values must be finite.
pub fn quantile_edges(values: &mut [f64], bins: usize) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let mut edges: Vec<f64> = Vec::new();
    if n == 0 {
        return edges;
    }
    for k in 1..bins {
        // The lower k/bins quantile (an observed value).
        let i = ((k * n).div_ceil(bins)).saturating_sub(1).min(n - 1);
        let e = values[i];
        if edges.last().is_none_or(|l| *l < e) && e < values[n - 1] {
            edges.push(e);
        }
    }
    edges
}

/// The bin of `x` for `edges` from [`quantile_edges`].
pub fn bin_of(edges: &[f64], x: f64) -> usize {
    edges.partition_point(|e| *e < x)
}

/// Population stability index of `actual` counts against `expected` counts
/// over the same bins: Σ (a − e) · ln(a / e) of the shares, each share
/// floored at [`PSI_FLOOR`]. `None` when either side is empty.
pub fn psi(expected: &[u64], actual: &[u64]) -> Option<f64> {
    let te: u64 = expected.iter().sum();
    let ta: u64 = actual.iter().sum();
    if te == 0 || ta == 0 || expected.len() != actual.len() {
        return None;
    }
    Some(
        expected
            .iter()
            .zip(actual)
            .map(|(e, a)| {
                let e = (*e as f64 / te as f64).max(PSI_FLOOR);
                let a = (*a as f64 / ta as f64).max(PSI_FLOOR);
                (a - e) * (a / e).ln()
            })
            .sum(),
    )
}

/// Area under the ROC curve: the probability that a random positive scores
/// above a random negative, ties counting one half (Mann–Whitney U with mid
/// ranks). `None` without both classes.
pub fn auc(scored: &[(f64, bool)]) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = scored.iter().copied().filter(|s| s.0.is_finite()).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pos = v.iter().filter(|s| s.1).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        // Ranks i+1..=j share their mean.
        let mid = (i + 1 + j) as f64 / 2.0;
        rank_sum += mid * v[i..j].iter().filter(|s| s.1).count() as f64;
        i = j;
    }
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// One decile of a calibration table.
#[derive(Debug, Clone, PartialEq)]
pub struct Decile {
    pub rows: usize,
    /// Mean predicted probability.
    pub predicted: f64,
    /// Share of positives observed.
    pub observed: f64,
}

/// Observed against predicted rate by decile of the score (lowest first;
/// deciles as equal in size as the rows allow).
pub fn calibration(scored: &[(f64, bool)]) -> Vec<Decile> {
    let mut v: Vec<(f64, bool)> = scored.iter().copied().filter(|s| s.0.is_finite()).collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = v.len();
    (0..10)
        .filter_map(|k| {
            let part = &v[k * n / 10..(k + 1) * n / 10];
            (!part.is_empty()).then(|| Decile {
                rows: part.len(),
                predicted: part.iter().map(|s| s.0).sum::<f64>() / part.len() as f64,
                observed: part.iter().filter(|s| s.1).count() as f64 / part.len() as f64,
            })
        })
        .collect()
}

/// The bins of one feature: quantile cut points of a numeric training
/// column, or the categories seen in training (a last bin collects the
/// unseen ones).
#[derive(Debug, Clone, PartialEq)]
pub enum Binning {
    Numeric(Vec<f64>),
    Categories(Vec<String>),
}

impl Binning {
    pub fn len(&self) -> usize {
        match self {
            Binning::Numeric(edges) => edges.len() + 1,
            Binning::Categories(c) => c.len() + 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Counts per bin of one feature in the training data and in each batch.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureCounts {
    pub feature: String,
    pub binning: Binning,
    pub training: Vec<u64>,
    /// One per batch, in batch order.
    pub batches: Vec<Vec<u64>>,
}

/// One scoring batch as read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchData {
    pub date: Option<Date>,
    pub file: String,
    pub rows: usize,
    /// Score and outcome of the labelled rows (empty without labels).
    pub labelled: Vec<(f64, bool)>,
    /// Scores of every row, kept for the reference batch only (the first
    /// readable one: its deciles are the score bins).
    pub scores: Vec<f64>,
    /// Rows per score bin ([`Drift::score_edges`]), for the score PSI.
    pub score_counts: Vec<u64>,
    /// Why the batch could not be read.
    pub error: Option<String>,
}

/// What `train::drift` reads from the training data and the batches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drift {
    pub features: Vec<FeatureCounts>,
    pub batches: Vec<BatchData>,
    /// Why the training data could not be read (no feature PSI then).
    pub error: Option<String>,
    /// Cut points of the score bins: the deciles of the first readable
    /// batch's scores.
    pub score_edges: Option<Vec<f64>>,
}

/// PSI of one feature in the latest batch.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePsi {
    pub feature: String,
    /// PSI per batch, in batch order.
    pub per_batch: Vec<Option<f64>>,
    /// The latest batch's.
    pub psi: f64,
}

/// The deployed model's health.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelReport {
    pub run: Option<String>,
    pub since: Option<Date>,
    pub batches: usize,
    /// Worst first.
    pub psi: Vec<FeaturePsi>,
    /// PSI of the latest batch's scores against the first batch's.
    pub score_psi: Option<f64>,
    /// AUC of each labelled batch: (batch file, date, AUC).
    pub auc: Vec<(String, Option<Date>, f64)>,
    /// Calibration of the latest labelled batch.
    pub calibration: Vec<Decile>,
    pub validation_auc: Option<f64>,
    pub errors: Vec<String>,
}

/// PSI per feature (latest batch, worst first), score PSI, AUC per
/// labelled batch.
pub fn model_report(
    drift: &Drift,
    run: Option<String>,
    since: Option<Date>,
    validation_auc: Option<f64>,
) -> ModelReport {
    let mut psi_rows: Vec<FeaturePsi> = drift
        .features
        .iter()
        .filter_map(|f| {
            let per_batch: Vec<Option<f64>> =
                f.batches.iter().map(|b| psi(&f.training, b)).collect();
            let latest = per_batch.iter().rev().find_map(|p| *p)?;
            Some(FeaturePsi {
                feature: f.feature.clone(),
                per_batch,
                psi: latest,
            })
        })
        .collect();
    psi_rows.sort_by(|a, b| b.psi.total_cmp(&a.psi).then(a.feature.cmp(&b.feature)));
    let readable: Vec<&BatchData> = drift.batches.iter().filter(|b| b.error.is_none()).collect();
    let score_psi = match (readable.first(), readable.last()) {
        (Some(first), Some(last)) if readable.len() >= 2 => {
            psi(&first.score_counts, &last.score_counts)
        }
        _ => None,
    };
    let auc_rows: Vec<(String, Option<Date>, f64)> = drift
        .batches
        .iter()
        .filter_map(|b| auc(&b.labelled).map(|a| (b.file.clone(), b.date, a)))
        .collect();
    let calibration_rows = drift
        .batches
        .iter()
        .rev()
        .find(|b| !b.labelled.is_empty())
        .map(|b| calibration(&b.labelled))
        .unwrap_or_default();
    let mut errors: Vec<String> = drift.error.iter().cloned().collect();
    errors.extend(
        drift
            .batches
            .iter()
            .filter_map(|b| b.error.as_ref().map(|e| format!("{}: {e}", b.file))),
    );
    ModelReport {
        run,
        since,
        batches: drift.batches.len(),
        psi: psi_rows,
        score_psi,
        auc: auc_rows,
        calibration: calibration_rows,
        validation_auc,
        errors,
    }
}

// ---- triggers ------------------------------------------------------------

/// What fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriggerKind {
    RiskOccurred,
    KpiOffTrack,
    RevenueBelowPlan,
    AucDrop,
    FeatureDrift,
    ScoreDrift,
    RiskOverdue,
}

impl TriggerKind {
    /// The name in the JSON contract.
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::RiskOccurred => "risk-occurred",
            TriggerKind::KpiOffTrack => "kpi-off-track",
            TriggerKind::RevenueBelowPlan => "revenue-below-plan",
            TriggerKind::AucDrop => "auc-drop",
            TriggerKind::FeatureDrift => "feature-drift",
            TriggerKind::ScoreDrift => "score-drift",
            TriggerKind::RiskOverdue => "risk-review-overdue",
        }
    }
}

/// Where following a trigger leads: the record whose decision it calls
/// into question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adjust {
    /// Re-score a criterion of the scenario (or its revenue model).
    Scenario(String),
    /// Revisit the need (its KPI, priority or the scenarios serving it).
    Need(String),
    /// Retrain the model.
    Retrain,
    /// Review the risk.
    Risk(String),
}

/// A trigger: what fired, on what, the evidence and the proposed adjustment.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub subject: String,
    pub evidence: String,
    pub proposal: String,
    pub adjust: Adjust,
}

/// Everything the Monitor pane, `lodestar monitor` and the report show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monitoring {
    pub kpis: Vec<KpiReport>,
    pub revenue: Vec<RevenueReport>,
    pub model: ModelReport,
    /// Most severe first.
    pub triggers: Vec<Trigger>,
    /// Scenarios whose plan could not be computed, with why.
    pub errors: Vec<String>,
}

impl Monitoring {
    /// Whether the workspace records anything after launch.
    pub fn is_empty(&self) -> bool {
        self.kpis.iter().all(|k| k.points.is_empty())
            && self.revenue.is_empty()
            && self.model.run.is_none()
            && self.model.batches == 0
    }
}

fn pct(x: f64) -> String {
    format!("{:.0} %", 100.0 * x)
}

fn num(x: f64) -> String {
    crate::numfmt::compact(x)
}

/// The launch date in force: `launch`, else the earliest measurement or
/// actual.
pub fn launch_of(model: &Model) -> Option<Date> {
    model.monitor.launch.or_else(|| {
        model
            .measurements
            .iter()
            .filter_map(|m| m.date)
            .chain(model.actuals.iter().filter_map(|a| a.month))
            .min()
    })
}

/// The whole monitoring picture. `drift` is what `train::drift` read from
/// the batches; `validation_auc` the run's (or the `[deployment]` record's).
pub fn monitor(
    model: &Model,
    drift: &Drift,
    validation_auc: Option<f64>,
    today: Date,
) -> Monitoring {
    let th = model.monitor.thresholds;
    let launch = launch_of(model);
    let kpis: Vec<KpiReport> = model
        .needs
        .iter()
        .filter(|n| n.kpi.is_some())
        .filter(|n| model.measurements.iter().any(|m| m.need == n.id))
        .map(|n| kpi_report(n, &model.measurements, launch, th.kpi_tolerance))
        .collect();
    let mut revenue_rows = Vec::new();
    let mut errors = Vec::new();
    if let Some(launch) = launch {
        let mut ids: Vec<&str> = Vec::new();
        for a in &model.actuals {
            if !ids.contains(&a.scenario.as_str()) {
                ids.push(&a.scenario);
            }
        }
        for id in ids {
            let Some(s) = model.scenario(id) else {
                continue;
            };
            let actuals: Vec<&Actual> = model.actuals.iter().filter(|a| a.scenario == id).collect();
            match revenue_report(s, &actuals, launch, model, &th) {
                Ok(Some(r)) => revenue_rows.push(r),
                Ok(None) => {}
                Err(e) => errors.push(format!("scenario {id}: {e}")),
            }
        }
    }
    let dep = model.monitor.deployment.as_ref();
    let model_report = model_report(
        drift,
        dep.map(|d| d.run.clone()),
        dep.and_then(|d| d.since),
        validation_auc,
    );
    let triggers = triggers(model, &kpis, &revenue_rows, &model_report, today);
    Monitoring {
        kpis,
        revenue: revenue_rows,
        model: model_report,
        triggers,
        errors,
    }
}

/// The triggers, most severe kind first (then in record order).
pub fn triggers(
    model: &Model,
    kpis: &[KpiReport],
    revenue_rows: &[RevenueReport],
    m: &ModelReport,
    today: Date,
) -> Vec<Trigger> {
    let th = model.monitor.thresholds;
    let mut out = Vec::new();
    for k in kpis.iter().filter(|k| k.status == KpiStatus::OffTrack) {
        let (Some((date, value)), Some(expected), Some(target), Some(due)) =
            (k.latest, k.expected, k.target, k.due)
        else {
            continue;
        };
        let unit = if k.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", k.unit)
        };
        let scenarios: Vec<&str> = model
            .scenarios
            .iter()
            .filter(|s| s.needs.contains(&k.need))
            .map(|s| s.id.as_str())
            .collect();
        out.push(Trigger {
            kind: TriggerKind::KpiOffTrack,
            subject: k.need.clone(),
            evidence: crate::tr!(
                "monitor.trigger.kpi_evidence",
                metric = k.metric,
                value = num(value),
                unit = unit,
                date = date,
                target = num(target),
                due = due,
                expected = num(expected),
                behind = pct(k.behind.unwrap_or(0.0)),
            ),
            proposal: if scenarios.is_empty() {
                crate::tr!("monitor.trigger.kpi_proposal_none")
            } else {
                crate::tr!(
                    "monitor.trigger.kpi_proposal",
                    scenarios = scenarios.join(", ")
                )
            },
            adjust: Adjust::Need(k.need.clone()),
        });
    }
    for r in revenue_rows {
        if r.short_months >= th.revenue_months as usize {
            let recent = &r.rows[r.rows.len() - r.short_months..];
            let worst = recent
                .iter()
                .filter_map(|x| x.variance_share)
                .fold(0.0f64, f64::min);
            out.push(Trigger {
                kind: TriggerKind::RevenueBelowPlan,
                subject: r.scenario.clone(),
                evidence: crate::tr!(
                    "monitor.trigger.revenue_evidence",
                    shortfall = pct(th.revenue_shortfall),
                    months = r.short_months,
                    worst = pct(worst),
                    actual = num(r.actual_total),
                    plan = num(r.plan_total),
                ),
                proposal: crate::tr!(
                    "monitor.trigger.revenue_proposal",
                    reforecast = num(r.reforecast_npv),
                    plan = num(r.plan_npv)
                ),
                adjust: Adjust::Scenario(r.scenario.clone()),
            });
        }
    }
    if let (Some(valid), Some((file, date, latest))) = (m.validation_auc, m.auc.last())
        // (A drop of exactly the threshold does not fire, whatever the rounding.)
        && valid - latest > th.auc_drop + 1e-9
    {
        out.push(Trigger {
            kind: TriggerKind::AucDrop,
            subject: m.run.clone().unwrap_or_else(|| "model".into()),
            evidence: crate::tr!(
                "monitor.trigger.auc_evidence",
                latest = format!("{latest:.3}"),
                date = date.map(|d| d.to_string()).unwrap_or_default(),
                file = file,
                valid = format!("{valid:.3}"),
                drop = format!("{:.3}", valid - latest),
                threshold = th.auc_drop
            ),
            proposal: crate::tr!("monitor.trigger.auc_proposal"),
            adjust: Adjust::Retrain,
        });
    }
    for f in m.psi.iter().filter(|f| f.psi > th.psi) {
        out.push(Trigger {
            kind: TriggerKind::FeatureDrift,
            subject: f.feature.clone(),
            evidence: crate::tr!(
                "monitor.trigger.feature_evidence",
                psi = format!("{:.2}", f.psi),
                threshold = th.psi
            ),
            proposal: crate::tr!("monitor.trigger.feature_proposal"),
            adjust: Adjust::Retrain,
        });
    }
    if let Some(s) = m.score_psi.filter(|s| *s > th.psi) {
        out.push(Trigger {
            kind: TriggerKind::ScoreDrift,
            subject: "score".into(),
            evidence: crate::tr!(
                "monitor.trigger.score_evidence",
                psi = format!("{s:.2}"),
                threshold = th.psi
            ),
            proposal: crate::tr!("monitor.trigger.score_proposal"),
            adjust: Adjust::Retrain,
        });
    }
    for r in &model.risks {
        if r.status == RiskStatus::Occurred {
            out.push(Trigger {
                kind: TriggerKind::RiskOccurred,
                subject: r.id.clone(),
                evidence: crate::tr!("monitor.trigger.risk_evidence", id = r.id, title = r.title),
                proposal: if r.scenarios.is_empty() {
                    crate::tr!("monitor.trigger.risk_proposal_none")
                } else {
                    crate::tr!(
                        "monitor.trigger.risk_proposal",
                        scenarios = r.scenarios.join(", ")
                    )
                },
                adjust: Adjust::Risk(r.id.clone()),
            });
        } else if super::risk::overdue(r, today)
            && let Some(review) = r.review
        {
            out.push(Trigger {
                kind: TriggerKind::RiskOverdue,
                subject: r.id.clone(),
                evidence: crate::tr!(
                    "monitor.trigger.overdue_evidence",
                    id = r.id,
                    review = review,
                    days = review.days_until(today)
                ),
                proposal: crate::tr!("monitor.trigger.overdue_proposal"),
                adjust: Adjust::Risk(r.id.clone()),
            });
        }
    }
    out.sort_by_key(|t| t.kind);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::choice::{Choice, RevenueModel};
    use crate::workspace::model::{Kpi, Revenue, Risk};

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn need(baseline: f64, target: f64, due: &str) -> Need {
        Need {
            id: "need-1".into(),
            title: "Faster listings".into(),
            kind: Choice::Unknown(String::new()),
            priority: Choice::Unknown(String::new()),
            horizon: Choice::Unknown(String::new()),
            owner: String::new(),
            status: Choice::Unknown(String::new()),
            description: String::new(),
            kpi: Some(Kpi {
                metric: "Days to listing".into(),
                unit: "days".into(),
                baseline: Some(baseline),
                target: Some(target),
                due: Some(d(due)),
            }),
            tags: vec![],
        }
    }

    fn m(date: &str, value: f64) -> Measurement {
        Measurement {
            need: "need-1".into(),
            date: Some(d(date)),
            value,
            note: String::new(),
        }
    }

    /// 2026-01-01 → 2026-12-31 is 364 days; 2026-07-02 is day 182, half
    /// way: the path from 9 to 2 expects 5.5 there.
    #[test]
    fn on_track_test_against_the_straight_path() {
        let n = need(9.0, 2.0, "2026-12-31");
        let start = Some(d("2026-01-01"));
        assert_eq!(
            path_value(9.0, 2.0, d("2026-01-01"), d("2026-12-31"), d("2026-07-02")),
            5.5
        );
        // Behind by (5.5 − v) / (2 − 9) of the gap: 6.0 → 1/14, 6.5 → 1/7, 7.0 → 3/14.
        for (value, behind, status) in [
            (5.0, -1.0 / 14.0, KpiStatus::OnTrack),
            (6.0, 1.0 / 14.0, KpiStatus::OnTrack),
            (6.5, 1.0 / 7.0, KpiStatus::AtRisk),
            (7.0, 3.0 / 14.0, KpiStatus::OffTrack),
        ] {
            let ms = [m("2026-07-02", value)];
            let r = kpi_report(&n, &ms, start, 0.1);
            assert_eq!(r.expected, Some(5.5));
            assert!(
                (r.behind.unwrap_or(f64::NAN) - behind).abs() < 1e-12,
                "{value}"
            );
            assert_eq!(r.status, status, "{value}");
            assert_eq!(r.latest, Some((d("2026-07-02"), value)));
        }
        // Held at the target after the due date, at the baseline before the start.
        assert_eq!(
            path_value(9.0, 2.0, d("2026-01-01"), d("2026-12-31"), d("2027-03-01")),
            2.0
        );
        assert_eq!(
            path_value(9.0, 2.0, d("2026-01-01"), d("2026-12-31"), d("2025-03-01")),
            9.0
        );
    }

    /// Slope by least squares over the last four points (numpy.polyfit:
    /// −0.01953212031191977 a day), projected to the due date.
    #[test]
    fn trend_and_projection() {
        let n = need(9.0, 2.0, "2026-12-31");
        let ms = [
            m("2025-12-01", 20.0), // fifth from the end: not in the trend
            m("2026-01-01", 9.0),
            m("2026-01-31", 8.2),
            m("2026-03-03", 7.9),
            m("2026-04-03", 7.1),
        ];
        let r = kpi_report(&n, &ms, Some(d("2026-01-01")), 0.1);
        let s = r.slope_per_day.unwrap_or(f64::NAN);
        assert!((s - -0.01953212031191977).abs() < 1e-12, "{s}");
        let days = d("2026-04-03").days_until(d("2026-12-31")) as f64;
        assert_eq!(days, 272.0);
        assert!((r.projected.unwrap_or(f64::NAN) - (7.1 + s * 272.0)).abs() < 1e-9);
        // On the path at the latest point (expected 9 − 7·92/364 = 7.23), but
        // the trend ends at 1.79: it reaches the target, so on track.
        assert_eq!(r.status, KpiStatus::OnTrack);
        // The same start, a flat trend: the projection misses by far.
        let flat = [
            m("2026-01-01", 9.0),
            m("2026-04-02", 7.3),
            m("2026-04-03", 7.3),
            m("2026-04-04", 7.3),
            m("2026-04-05", 7.3),
        ];
        let r = kpi_report(&n, &flat, Some(d("2026-01-01")), 0.1);
        assert_eq!(r.status, KpiStatus::AtRisk, "{r:?}");
    }

    fn scenario() -> Scenario {
        Scenario {
            id: "scn-1".into(),
            name: "Box".into(),
            description: String::new(),
            owner: String::new(),
            status: Choice::Unknown(String::new()),
            strategies: vec![],
            needs: vec!["need-1".into()],
            scores: BTreeMap::new(),
            features: BTreeMap::new(),
            revenue: Some(Revenue {
                model: Choice::Known(RevenueModel::Subscription),
                price: 10.0,
                volume: 100.0,
                growth: 0.0,
                churn: 0.0,
                unit_cost: None,
                tokens_per_unit: None,
                price_per_1k_tokens: None,
                fixed_cost: 200.0,
                upfront_cost: 1000.0,
                horizon_months: Some(12),
            }),
        }
    }

    fn actual(month: &str, revenue: f64, cost: f64) -> Actual {
        Actual {
            scenario: "scn-1".into(),
            month: Some(d(month)),
            revenue,
            cost,
            volume: None,
            tokens: None,
            note: String::new(),
        }
    }

    /// Plan: 1,000 revenue and 800 cash a month after 1,000 upfront, at a
    /// 0 % discount rate. Actuals 700 − 300 and 750 − 300: the re-forecast
    /// is −1000 + 400 + 450 + 10 · 800 = 7,850 against 8,600 planned, paid
    /// back in month 3 (cumulative −600, −150, +650) instead of month 2.
    #[test]
    fn revenue_variance_reforecast_npv_and_payback() {
        let mut model = Model::default();
        model.settings.discount_rate = 0.0;
        let s = scenario();
        model.scenarios.push(s.clone());
        let a = [
            actual("2026-03-01", 700.0, 300.0),
            actual("2026-04-15", 750.0, 300.0),
        ];
        let refs: Vec<&Actual> = a.iter().collect();
        let th = Thresholds::default();
        let r = revenue_report(&s, &refs, d("2026-03-01"), &model, &th)
            .expect("plan")
            .expect("revenue model");
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[1].month, 2);
        assert_eq!(r.rows[1].date, d("2026-04-01"));
        assert_eq!(r.rows[0].variance, -300.0);
        assert_eq!(r.rows[0].variance_share, Some(-0.3));
        assert_eq!(r.rows[1].variance_share, Some(-0.25));
        assert_eq!(
            (r.plan_total, r.actual_total, r.variance),
            (2000.0, 1450.0, -550.0)
        );
        assert!((r.plan_npv - 8600.0).abs() < 1e-9, "{}", r.plan_npv);
        assert!(
            (r.reforecast_npv - 7850.0).abs() < 1e-9,
            "{}",
            r.reforecast_npv
        );
        assert_eq!((r.plan_payback, r.payback_month), (Some(2), Some(3)));
        assert_eq!(r.actual_cumulative, vec![700.0, 1450.0]);
        assert_eq!(&r.plan_cumulative[..2], &[1000.0, 2000.0]);
        assert_eq!(r.crossing, None);
        // Both months short by more than 20 %: the trigger fires at 2 months…
        assert_eq!(r.short_months, 2);
        model.actuals = a.to_vec();
        model.monitor.launch = Some(d("2026-03-01"));
        let mon = monitor(&model, &Drift::default(), None, d("2026-05-01"));
        assert_eq!(mon.triggers.len(), 1);
        assert_eq!(mon.triggers[0].kind, TriggerKind::RevenueBelowPlan);
        assert_eq!(mon.triggers[0].adjust, Adjust::Scenario("scn-1".into()));
        // …not at 3, nor when the shortfall allowed is 30 %.
        model.monitor.thresholds.revenue_months = 3;
        assert!(
            monitor(&model, &Drift::default(), None, d("2026-05-01"))
                .triggers
                .is_empty()
        );
        model.monitor.thresholds.revenue_months = 2;
        model.monitor.thresholds.revenue_shortfall = 0.3;
        assert!(
            monitor(&model, &Drift::default(), None, d("2026-05-01"))
                .triggers
                .is_empty()
        );
    }

    /// Values computed independently with numpy:
    /// Σ (a − e) ln(a / e) over the shares.
    #[test]
    fn psi_matches_numpy() {
        let p = psi(&[10, 20, 30, 40], &[25, 25, 25, 25]).unwrap_or(f64::NAN);
        assert!((p - 0.22821740957339184).abs() < 1e-12, "{p}");
        // An empty expected bin counts as a share of 1e-4.
        let p = psi(&[50, 50, 0], &[40, 40, 20]).unwrap_or(f64::NAN);
        assert!((p - 1.5640491119253044).abs() < 1e-12, "{p}");
        assert_eq!(psi(&[1, 2], &[1, 2]), Some(0.0));
        assert_eq!(psi(&[0, 0], &[1, 2]), None);
    }

    #[test]
    fn quantile_bins() {
        let mut v: Vec<f64> = (1..=100).map(f64::from).collect();
        let e = quantile_edges(&mut v, 10);
        assert_eq!(
            e,
            vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]
        );
        assert_eq!(bin_of(&e, 10.0), 0);
        assert_eq!(bin_of(&e, 10.5), 1);
        assert_eq!(bin_of(&e, 100.0), 9);
        // Ties collapse bins; a constant column has one bin.
        let mut c = vec![3.0; 50];
        assert!(quantile_edges(&mut c, 10).is_empty());
        let mut t = vec![0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0];
        assert_eq!(quantile_edges(&mut t, 10), vec![0.0, 1.0]);
    }

    /// Pairwise count (numpy, ties half): 21.5 of 30 pairs = 0.71666….
    #[test]
    fn auc_on_a_batch() {
        let s = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.5];
        let y = [
            true, true, false, true, false, true, false, false, true, false, false,
        ];
        let scored: Vec<(f64, bool)> = s.into_iter().zip(y).collect();
        let a = auc(&scored).unwrap_or(f64::NAN);
        assert!((a - 0.7166666666666667).abs() < 1e-12, "{a}");
        assert_eq!(auc(&[(0.2, true), (0.1, false)]), Some(1.0));
        assert_eq!(auc(&[(0.2, true)]), None);
        let cal = calibration(&scored);
        assert_eq!(cal.len(), 10);
        assert_eq!(cal.iter().map(|c| c.rows).sum::<usize>(), 11);
    }

    fn drift_of(training: Vec<u64>, latest: Vec<u64>, labelled: Vec<(f64, bool)>) -> Drift {
        Drift {
            features: vec![FeatureCounts {
                feature: "discount_share".into(),
                binning: Binning::Numeric(vec![0.5]),
                training,
                batches: vec![latest],
            }],
            batches: vec![BatchData {
                file: "data/b.csv".into(),
                date: Some(d("2026-06-01")),
                rows: labelled.len(),
                scores: labelled.iter().map(|s| s.0).collect(),
                score_counts: vec![labelled.len() as u64],
                labelled,
                error: None,
            }],
            error: None,
            score_edges: Some(vec![]),
        }
    }

    /// PSI of 50/50 → 30/70 is 0.2 · ln(5/3) + 0.2 · ln(7/5) = 0.2 · ln(7/3)
    /// = 0.16946; of 50/50 → 20/80, 0.3 · ln 4 = 0.41589: only the second
    /// passes 0.2.
    #[test]
    fn drift_and_auc_triggers_at_their_thresholds() {
        let model = Model::default();
        let labelled = vec![(0.9, true), (0.8, false), (0.7, true), (0.1, false)];
        // AUC = 3 of 4 pairs = 0.75.
        let dr = drift_of(vec![50, 50], vec![30, 70], labelled.clone());
        let mon = monitor(&model, &dr, Some(0.80), d("2026-07-01"));
        assert!((mon.model.psi[0].psi - 0.2 * (7.0f64 / 3.0).ln()).abs() < 1e-12);
        assert_eq!(mon.model.auc[0].2, 0.75);
        // Drop 0.05 is not more than 0.05; 0.16946 ≤ 0.2.
        assert!(mon.triggers.is_empty(), "{:?}", mon.triggers);
        let mon = monitor(&model, &dr, Some(0.81), d("2026-07-01"));
        assert_eq!(mon.triggers.len(), 1);
        assert_eq!(mon.triggers[0].kind, TriggerKind::AucDrop);
        assert_eq!(mon.triggers[0].adjust, Adjust::Retrain);
        let dr = drift_of(vec![50, 50], vec![20, 80], labelled);
        let mon = monitor(&model, &dr, None, d("2026-07-01"));
        assert!((mon.model.psi[0].psi - 0.3 * 4.0f64.ln()).abs() < 1e-12);
        assert_eq!(mon.triggers.len(), 1);
        assert_eq!(mon.triggers[0].kind, TriggerKind::FeatureDrift);
        assert_eq!(mon.triggers[0].subject, "discount_share");
    }

    #[test]
    fn kpi_and_risk_triggers() {
        let mut model = Model::default();
        model.needs.push(need(9.0, 2.0, "2026-12-31"));
        model.scenarios.push(scenario());
        model.monitor.launch = Some(d("2026-01-01"));
        // 6.5 at half way is at risk (1/7 of the gap behind): no trigger.
        model.measurements = vec![m("2026-07-02", 6.5)];
        let t = monitor(&model, &Drift::default(), None, d("2026-08-01")).triggers;
        assert!(t.is_empty());
        // 7.0 is off track (3/14 behind).
        model.measurements = vec![m("2026-07-02", 7.0)];
        let t = monitor(&model, &Drift::default(), None, d("2026-08-01")).triggers;
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].kind, TriggerKind::KpiOffTrack);
        assert_eq!(t[0].adjust, Adjust::Need("need-1".into()));
        assert!(t[0].proposal.contains("scn-1"), "{}", t[0].proposal);
        model.measurements.clear();
        let risk = |status: RiskStatus, review: &str| Risk {
            id: "risk-1".into(),
            title: "Hallucinated prices".into(),
            category: Choice::Unknown(String::new()),
            likelihood: 3,
            impact: 3,
            residual: None,
            owner: String::new(),
            mitigation: String::new(),
            status: Choice::Known(status),
            review: Some(d(review)),
            scenarios: vec!["scn-1".into()],
            tags: vec![],
            description: String::new(),
        };
        // A review due today is not late; yesterday's is.
        model.risks = vec![risk(RiskStatus::Open, "2026-08-01")];
        assert!(
            monitor(&model, &Drift::default(), None, d("2026-08-01"))
                .triggers
                .is_empty()
        );
        let t = monitor(&model, &Drift::default(), None, d("2026-08-02")).triggers;
        assert_eq!(t[0].kind, TriggerKind::RiskOverdue);
        model.risks = vec![risk(RiskStatus::Occurred, "2027-01-01")];
        let t = monitor(&model, &Drift::default(), None, d("2026-08-02")).triggers;
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].kind, TriggerKind::RiskOccurred);
        assert_eq!(t[0].adjust, Adjust::Risk("risk-1".into()));
        model.risks = vec![risk(RiskStatus::Closed, "2026-01-01")];
        assert!(
            monitor(&model, &Drift::default(), None, d("2026-08-02"))
                .triggers
                .is_empty()
        );
    }
}
