//! Revenue models → monthly cash flows, NPV, IRR, payback, break-even
//! volume and gross margin (seed §4.2).

use super::AnalysisError;
use crate::numfmt;
use crate::workspace::choice::Choice;
use crate::workspace::model::Revenue;

/// How a scenario earns money.
pub use crate::workspace::choice::RevenueModel;

impl RevenueModel {
    /// Billing periods per month for one unit of `price` (a licence is priced per year).
    fn per_month(self) -> f64 {
        match self {
            RevenueModel::License => 1.0 / 12.0,
            _ => 1.0,
        }
    }
}

/// The lowest and highest rates per period [`irr`] searches: −99.99 % and
/// 1,000,000 (100,000,000 %). A rate outside is reported as not found.
pub const IRR_LOW: f64 = -0.9999;
pub const IRR_HIGH: f64 = 1e6;

/// Internal rate of return.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Irr {
    /// The rate per period at which NPV = 0 (the one nearest 0 when there
    /// are several); `unique` is false when other rates in the searched
    /// range also give NPV = 0.
    Rate { per_period: f64, unique: bool },
    /// All flows have the same sign (or are zero): no rate makes NPV zero.
    NoSignChange,
    /// The flows change sign but no rate between `low` and `high` (per
    /// period) makes NPV zero.
    NoRoot { low: f64, high: f64 },
}

impl Irr {
    pub fn per_period(&self) -> Option<f64> {
        match *self {
            Irr::Rate { per_period, .. } => Some(per_period),
            _ => None,
        }
    }

    /// Compounded to a longer period: `(1 + r)^periods − 1`.
    pub fn compounded(&self, periods: f64) -> Option<f64> {
        self.per_period().map(|r| (1.0 + r).powf(periods) - 1.0)
    }

    /// Why there is no rate, or why it may mislead, in words; empty for a
    /// unique rate.
    pub fn explain(&self) -> String {
        match *self {
            Irr::Rate { unique: true, .. } => String::new(),
            Irr::Rate { unique: false, .. } => {
                "several rates make the NPV zero: this is the one nearest 0 %".into()
            }
            Irr::NoSignChange => "no IRR: the cash flows never change sign".into(),
            Irr::NoRoot { low, high } => format!(
                "no IRR found between {} % and {} % per period",
                numfmt::compact(100.0 * low),
                numfmt::thousands(100.0 * high)
            ),
        }
    }
}

/// The money side of one scenario, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub model: RevenueModel,
    pub months: usize,
    /// Annual discount rate and the monthly rate derived from it.
    pub discount_rate: f64,
    pub monthly_rate: f64,
    /// Cost per unit per month (inference or delivery; from tokens × price
    /// per 1k tokens when no unit cost is given).
    pub unit_cost: f64,
    /// Price per unit per month.
    pub unit_price: f64,
    /// Index 0 is month 0 (upfront cost only); months 1..=months follow.
    pub volume: Vec<f64>,
    pub revenue: Vec<f64>,
    pub variable_cost: Vec<f64>,
    pub fixed_cost: Vec<f64>,
    pub cash_flow: Vec<f64>,
    pub cumulative: Vec<f64>,
    pub npv: f64,
    pub irr: Irr,
    /// IRR per year, `(1 + monthly)^12 − 1`.
    pub irr_annual: Option<f64>,
    /// First month from which the cumulative cash flow stays ≥ 0.
    pub payback_month: Option<usize>,
    /// The same on discounted cash flows.
    pub discounted_payback_month: Option<usize>,
    /// Units a month at which the month's cash flow is zero:
    /// fixed / (price − unit cost).
    pub break_even_volume: Option<f64>,
    /// First-month volume (with the same growth and churn) at which the
    /// NPV over the horizon is zero.
    pub break_even_start_volume: Option<f64>,
    /// (revenue − variable cost) / revenue over the horizon.
    pub gross_margin: Option<f64>,
    pub total_revenue: f64,
    pub total_cost: f64,
}

/// Monthly rate equivalent to an annual one: (1 + r)^(1/12) − 1.
pub fn monthly_rate(annual: f64) -> f64 {
    (1.0 + annual).powf(1.0 / 12.0) - 1.0
}

/// Net present value of flows at t = 0, 1, 2, … at `rate` per period.
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    let x = 1.0 / (1.0 + rate);
    flows.iter().rev().fold(0.0, |acc, cf| acc * x + cf)
}

/// Internal rate of return per period of flows at t = 0, 1, 2, …: of the
/// rates between [`IRR_LOW`] and [`IRR_HIGH`] that make the NPV zero, the
/// one nearest 0 (see [`irr_rates`]).
pub fn irr(flows: &[f64]) -> Irr {
    let nonzero = flows.iter().filter(|x| **x != 0.0);
    if nonzero.clone().all(|x| *x > 0.0) || nonzero.clone().all(|x| *x < 0.0) {
        return Irr::NoSignChange;
    }
    let rates = irr_rates(flows);
    match rates.iter().min_by(|a, b| a.abs().total_cmp(&b.abs())) {
        Some(&r) => Irr::Rate {
            per_period: r,
            unique: rates.len() == 1,
        },
        None => Irr::NoRoot {
            low: IRR_LOW,
            high: IRR_HIGH,
        },
    }
}

/// Every rate between [`IRR_LOW`] and [`IRR_HIGH`] at which the NPV of
/// `flows` is zero, ascending; empty when a flow is not finite.
///
/// The NPV is a polynomial P(x) = Σ CFₜ xᵗ in x = 1 / (1 + rate). Between
/// two of its positive roots lies a root of Q(x) = x·P′(x) − μ·P(x) (Rolle,
/// applied to x^−μ·P), and with μ between the exponents either side of a
/// sign change of the coefficients, Q has one sign change fewer (Descartes).
/// So the roots of Q, found the same way, split the range into pieces on
/// which P is monotone: each holds at most one root, bracketed by a sign
/// change at its ends.
/// There is no grid to fall between; a root where P only touches zero is
/// a root of Q too, and counts when P is zero there up to rounding.
pub fn irr_rates(flows: &[f64]) -> Vec<f64> {
    if flows.iter().any(|x| !x.is_finite()) {
        return Vec::new();
    }
    // Searched in u = ln(1 + rate), where x = e^−u.
    let (lo, hi) = ((1.0 + IRR_LOW).ln(), (1.0 + IRR_HIGH).ln());
    let mut roots: Vec<f64> = roots_in(flows, lo, hi)
        .into_iter()
        .map(|u| u.exp_m1())
        .collect();
    roots.dedup();
    roots
}

/// The roots, ascending, in u ∈ [lo, hi] of P(x) = Σ cₜ xᵗ with x = e^−u.
fn roots_in(c: &[f64], lo: f64, hi: f64) -> Vec<f64> {
    // Dropping zero coefficients at either end keeps the positive roots.
    let first = c.iter().position(|x| *x != 0.0);
    let last = c.iter().rposition(|x| *x != 0.0);
    let (Some(first), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let c = &c[first..=last];
    // The first sign change: the exponents of the nonzero coefficients either side.
    let mut before = 0;
    let mut change = None;
    for (t, &x) in c.iter().enumerate().skip(1).filter(|(_, x)| **x != 0.0) {
        if (x > 0.0) != (c[before] > 0.0) {
            change = Some((before, t));
            break;
        }
        before = t;
    }
    let Some((i, j)) = change else {
        // No sign change: no positive root.
        return Vec::new();
    };
    let mu = (i + j) as f64 / 2.0;
    let mut q: Vec<f64> = c
        .iter()
        .enumerate()
        .map(|(t, x)| (t as f64 - mu) * x)
        .collect();
    // Scaled so that deep recursions neither overflow nor underflow.
    let scale = q.iter().fold(0.0, |m: f64, x| m.max(x.abs()));
    q.iter_mut().for_each(|x| *x /= scale);
    let mut edges = roots_in(&q, lo, hi);
    edges.insert(0, lo);
    edges.push(hi);

    // P's sign at u, 0 where P is zero up to rounding (10⁻¹² of Σ |cₜ xᵗ|).
    let sign = |u: f64| {
        let (v, size) = scaled_value(c, u);
        if v.abs() <= 1e-12 * size {
            0
        } else if v < 0.0 {
            -1
        } else {
            1
        }
    };
    let mut roots = Vec::new();
    let mut prev: Option<(f64, i8)> = None;
    for &u in &edges {
        let s = sign(u);
        if let Some((a, sa)) = prev
            && sa * s < 0
        {
            roots.push(root_between(|u| scaled_value(c, u).0, a, u));
        }
        // An edge where P is zero: a root, simple or where P only touches zero.
        if s == 0 {
            roots.push(u);
        }
        prev = Some((u, s));
    }
    roots
}

/// P(e^−u) and Σ |cₜ| e^−ut, both scaled by the same positive factor so that
/// they stay finite for any u: Horner in x = e^−u ≤ 1 for u ≥ 0, otherwise
/// in 1/x over the reversed coefficients (P(x) / x^degree). The sign and the
/// roots are P's.
fn scaled_value(c: &[f64], u: f64) -> (f64, f64) {
    let step = |(v, size): (f64, f64), x: f64, c: f64| (v * x + c, size * x + c.abs());
    if u >= 0.0 {
        let x = (-u).exp();
        c.iter().rev().fold((0.0, 0.0), |acc, &c| step(acc, x, c))
    } else {
        let z = u.exp();
        c.iter().fold((0.0, 0.0), |acc, &c| step(acc, z, c))
    }
}

/// The root of `f` in [a, b], where it changes sign, to about 2 ulp: the
/// Illinois variant of regula falsi (the end that stays put has its value
/// halved, so the bracket closes from both sides; superlinear, a dozen
/// steps instead of bisection's sixty), with a midpoint wherever the secant
/// point rounds onto an end.
fn root_between(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let (mut fa, mut fb) = (f(a), f(b));
    let mut kept = 0i8;
    for _ in 0..200 {
        if b - a <= 4.0 * f64::EPSILON * a.abs().max(b.abs()) {
            break;
        }
        let mut x = (a * fb - b * fa) / (fb - fa);
        if !(x > a && x < b) {
            x = 0.5 * (a + b);
            if !(x > a && x < b) {
                break;
            }
        }
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if (fx < 0.0) == (fa < 0.0) {
            (a, fa) = (x, fx);
            if kept == 1 {
                fb *= 0.5;
            }
            kept = 1;
        } else {
            (b, fb) = (x, fx);
            if kept == -1 {
                fa *= 0.5;
            }
            kept = -1;
        }
    }
    if fa.abs() <= fb.abs() { a } else { b }
}

/// The first period from which the cumulative flow never drops below 0
/// again; `None` when it is still negative at the end.
pub fn payback_month(flows: &[f64]) -> Option<usize> {
    let mut cum = 0.0;
    let mut last_negative: Option<usize> = None;
    for (t, cf) in flows.iter().enumerate() {
        cum += cf;
        if cum < 0.0 {
            last_negative = Some(t);
        }
    }
    match last_negative {
        None => Some(0),
        Some(t) if t + 1 < flows.len() => Some(t + 1),
        Some(_) => None,
    }
}

/// Cash flows and money figures for one revenue table. `horizon_months`
/// is the workspace default, used when the table sets none.
pub fn project(
    revenue: &Revenue,
    discount_rate: f64,
    horizon_months: u32,
) -> Result<Projection, AnalysisError> {
    let model = match &revenue.model {
        Choice::Known(model) => *model,
        Choice::Unknown(other) => return Err(AnalysisError::UnknownRevenueModel(other.clone())),
    };
    let months = match revenue.horizon_months {
        Some(h) => usize::try_from(h).ok().filter(|h| (1..=1200).contains(h)),
        None => usize::try_from(horizon_months)
            .ok()
            .filter(|h| (1..=1200).contains(h)),
    }
    .ok_or(AnalysisError::BadSetting {
        name: "horizon-months",
        value: revenue
            .horizon_months
            .unwrap_or(i64::from(horizon_months))
            .to_string(),
        reason: "must be between 1 and 1200",
    })?;
    if !(discount_rate.is_finite() && discount_rate > -1.0) {
        return Err(AnalysisError::BadSetting {
            name: "discount-rate",
            value: discount_rate.to_string(),
            reason: "must be a number above −1",
        });
    }
    let fields = [
        ("price", Some(revenue.price)),
        ("volume", Some(revenue.volume)),
        ("growth", Some(revenue.growth)),
        ("churn", Some(revenue.churn)),
        ("unit-cost", revenue.unit_cost),
        ("tokens-per-unit", revenue.tokens_per_unit),
        ("price-per-1k-tokens", revenue.price_per_1k_tokens),
        ("fixed-cost", Some(revenue.fixed_cost)),
        ("upfront-cost", Some(revenue.upfront_cost)),
    ];
    for (field, value) in fields {
        if let Some(value) = value.filter(|x| !x.is_finite()) {
            return Err(AnalysisError::BadRevenue { field, value });
        }
    }
    let per = model.per_month();
    let raw_unit_cost = revenue
        .unit_cost
        .or_else(
            || match (revenue.tokens_per_unit, revenue.price_per_1k_tokens) {
                (Some(t), Some(p)) => Some(t * p / 1000.0),
                _ => None,
            },
        )
        .unwrap_or(0.0);
    let unit_price = revenue.price * per;
    let unit_cost = raw_unit_cost * per;
    let factor = (1.0 + revenue.growth - revenue.churn).max(0.0);
    let i = monthly_rate(discount_rate);

    let mut volume = vec![0.0; months + 1];
    let mut income = vec![0.0; months + 1];
    let mut variable = vec![0.0; months + 1];
    let mut fixed = vec![0.0; months + 1];
    let mut cash = vec![-revenue.upfront_cost; months + 1];
    let mut v = revenue.volume;
    for t in 1..=months {
        volume[t] = v;
        income[t] = unit_price * v;
        variable[t] = unit_cost * v;
        fixed[t] = revenue.fixed_cost;
        cash[t] = income[t] - variable[t] - fixed[t];
        v *= factor;
    }
    let cumulative: Vec<f64> = cash
        .iter()
        .scan(0.0, |acc, x| {
            *acc += x;
            Some(*acc)
        })
        .collect();
    for (what, series) in [
        ("the volume", &volume),
        ("the revenue", &income),
        ("the variable cost", &variable),
        ("the cash flow", &cash),
        ("the cumulative cash flow", &cumulative),
    ] {
        if let Some(month) = series.iter().position(|x| !x.is_finite()) {
            return Err(AnalysisError::Overflow { what, month });
        }
    }
    let npv_value = npv(i, &cash);
    if !npv_value.is_finite() {
        return Err(AnalysisError::Overflow {
            what: "the NPV",
            month: months,
        });
    }
    let irr_value = irr(&cash);
    let discounted: Vec<f64> = cash
        .iter()
        .enumerate()
        .map(|(t, cf)| cf / (1.0 + i).powi(t as i32))
        .collect();
    let margin = unit_price - unit_cost;
    let break_even_volume = (margin > 0.0).then(|| revenue.fixed_cost.max(0.0) / margin);
    // NPV(V) = −U − F·Σd + V·margin·Σ factor^(t−1)·d, d = (1 + i)^−t.
    let (sum_d, sum_kd) = (1..=months).fold((0.0, 0.0), |(a, b), t| {
        let d = (1.0 + i).powi(-(t as i32));
        (a + d, b + factor.powi(t as i32 - 1) * d)
    });
    if !sum_kd.is_finite() {
        // Growth compounding past what a number holds, even with no volume
        // yet: a break-even start volume of "0" would be a made-up figure.
        return Err(AnalysisError::Overflow {
            what: "the growth over the horizon",
            month: months,
        });
    }
    let break_even_start_volume = (margin > 0.0 && sum_kd > 0.0).then(|| {
        ((revenue.upfront_cost + revenue.fixed_cost * sum_d) / (margin * sum_kd)).max(0.0)
    });
    let total_revenue: f64 = income.iter().sum();
    let total_variable: f64 = variable.iter().sum();
    let total_cost = total_variable + fixed.iter().sum::<f64>() + revenue.upfront_cost;
    Ok(Projection {
        model,
        months,
        discount_rate,
        monthly_rate: i,
        unit_cost,
        unit_price,
        npv: npv_value,
        irr_annual: irr_value.compounded(12.0),
        irr: irr_value,
        payback_month: payback_month(&cash),
        discounted_payback_month: payback_month(&discounted),
        break_even_volume,
        break_even_start_volume,
        gross_margin: (total_revenue > 0.0)
            .then(|| (total_revenue - total_variable) / total_revenue),
        total_revenue,
        total_cost,
        volume,
        revenue: income,
        variable_cost: variable,
        fixed_cost: fixed,
        cash_flow: cash,
        cumulative,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(model: &str) -> Revenue {
        Revenue {
            model: model.into(),
            price: 0.0,
            volume: 0.0,
            growth: 0.0,
            churn: 0.0,
            unit_cost: None,
            tokens_per_unit: None,
            price_per_1k_tokens: None,
            fixed_cost: 0.0,
            upfront_cost: 0.0,
            horizon_months: None,
        }
    }

    /// Inputs inside the documented ranges whose arithmetic overflows are
    /// an error that says so, never a `null` NPV or "no IRR".
    #[test]
    fn overflowing_revenue_is_an_error() {
        let mut r = table("usage");
        r.price = 1.0;
        r.volume = 1e15;
        r.growth = 10.0;
        r.horizon_months = Some(600);
        let e = project(&r, 0.1, 36).unwrap_err();
        assert!(matches!(e, AnalysisError::Overflow { .. }), "{e}");
        assert!(
            e.to_string().starts_with("revenue arithmetic overflows"),
            "{e}"
        );
        // No volume at all, but growth that compounds past f64.
        r.volume = 0.0;
        let e = project(&r, 0.1, 36).unwrap_err();
        assert!(e.to_string().contains("the growth over the horizon"), "{e}");
        // A modest table still projects.
        r.growth = 0.05;
        r.volume = 100.0;
        r.horizon_months = Some(36);
        assert!(project(&r, 0.1, 36).is_ok());
    }

    #[test]
    fn irr_reference_value() {
        // The textbook example (e.g. Excel's IRR documentation pattern):
        // IRR of −250 000, 100 000, …, 300 000 per period = 56.723 %.
        let flows = [
            -250_000.0, 100_000.0, 150_000.0, 200_000.0, 250_000.0, 300_000.0,
        ];
        let r = irr(&flows).per_period().unwrap();
        assert!((r - 0.56723).abs() < 5e-6, "{r}");
        assert!(npv(r, &flows).abs() < 1e-6);
        assert_eq!(
            irr(&flows),
            Irr::Rate {
                per_period: r,
                unique: true
            }
        );
    }

    #[test]
    fn npv_reference_values() {
        // −1000 + 500/1.1 + 500/1.21 + 500/1.331 = 243.4259…
        let flows = [-1000.0, 500.0, 500.0, 500.0];
        assert!((npv(0.1, &flows) - 243.425_995_492_11).abs() < 1e-6);
        assert_eq!(npv(0.0, &flows), 500.0);
        // Annual 12 % as a monthly rate: 1.12^(1/12) − 1 = 0.948879 %.
        assert!((monthly_rate(0.12) - 0.009_488_792_934).abs() < 1e-11);
    }

    #[test]
    fn irr_when_it_does_not_exist() {
        assert_eq!(irr(&[100.0, 50.0, 0.0]), Irr::NoSignChange);
        assert_eq!(irr(&[-100.0, -50.0]), Irr::NoSignChange);
        assert_eq!(irr(&[]), Irr::NoSignChange);
        // Changes sign but never recovers the outlay: a negative IRR.
        let r = irr(&[-100.0, 50.0, 40.0]).per_period().unwrap();
        assert!(r < 0.0 && npv(r, &[-100.0, 50.0, 40.0]).abs() < 1e-9);
        // −100, +230, −132 has roots at 10 % and 20 %: not unique.
        match irr(&[-100.0, 230.0, -132.0]) {
            Irr::Rate { per_period, unique } => {
                assert!(!unique);
                assert!((per_period - 0.1).abs() < 1e-9 || (per_period - 0.2).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        // 100, −300, 300 never has NPV 0 for a real rate.
        let none = Irr::NoRoot {
            low: IRR_LOW,
            high: IRR_HIGH,
        };
        assert_eq!(irr(&[100.0, -300.0, 300.0]), none);
        assert_eq!(irr(&[-1.0, f64::NAN, 2.0]), none);
    }

    /// numpy-financial 1.0.0: `npf.irr` is `np.roots` of the reversed flows,
    /// keeping real positive roots x as rates 1/x − 1, nearest 0 first.
    /// Values printed by
    ///
    /// ```python
    /// import numpy as np, numpy_financial as npf
    /// for v in ([-100, 243, -147.62], [-1000, 3660, -4465.1, 1815.726],
    ///           [-1, 5000], [-1, 5002, -6005001], [-1, 1e7], [-1, 1e-5],
    ///           [-1e6] + [1000.0] * 1200,
    ///           [-2e6] + [1000.0 * 1.01**t for t in range(600)]):
    ///     r = np.roots(v[::-1])
    ///     print(npf.irr(v), sorted(1 / x.real - 1 for x in r if x.imag == 0 and x.real > 0))
    /// ```
    fn numpy_financial() -> Vec<(Vec<f64>, Vec<f64>)> {
        let mut long = vec![-1e6];
        long.extend([1000.0; 1200]);
        let mut growing = vec![-2e6];
        growing.extend((0..600).map(|t| 1000.0 * 1.01f64.powi(t)));
        vec![
            // Roots at 21 % and 22 %: both between the old grid's 20 % and
            // 35 %, where the NPV is negative at both ends.
            (
                vec![-100.0, 243.0, -147.62],
                vec![0.21000000000000685, 0.2199999999999931],
            ),
            // 21 %, 22 % and 23 %.
            (
                vec![-1000.0, 3660.0, -4465.1, 1815.726],
                vec![
                    0.21000000000287455,
                    0.21999999999411335,
                    0.23000000000301069,
                ],
            ),
            // Above the old grid's top (1,000 per period).
            (vec![-1.0, 5000.0], vec![4999.0]),
            (
                vec![-1.0, 5002.0, -6005001.0],
                vec![1999.999999999999, 3000.0000000000014],
            ),
            // 100 years of months: the NPV overflows near −100 % unless scaled.
            (long, vec![0.00031346883043936735]),
            (growing, vec![0.0065097661927344674]),
        ]
    }

    #[test]
    fn irr_matches_numpy_financial() {
        for (flows, expected) in numpy_financial() {
            let rates = irr_rates(&flows);
            assert_eq!(rates.len(), expected.len(), "{flows:?}: {rates:?}");
            for (r, e) in rates.iter().zip(&expected) {
                assert!((r - e).abs() <= 1e-9 * e.abs().max(1.0), "{r} vs {e}");
            }
            let nearest = expected
                .iter()
                .copied()
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))
                .unwrap();
            match irr(&flows) {
                Irr::Rate { per_period, unique } => {
                    assert!((per_period - nearest).abs() <= 1e-9 * nearest.abs().max(1.0));
                    assert_eq!(unique, expected.len() == 1);
                }
                other => panic!("{flows:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn irr_outside_the_searched_range_is_not_found_not_absent() {
        // numpy-financial finds 9,999,999 and −0.99999 (above): outside
        // [−99.99 %, 100,000,000 %], so lodestar says where it looked.
        for flows in [[-1.0, 1e7], [-1.0, 1e-5]] {
            let r = irr(&flows);
            assert_eq!(
                r,
                Irr::NoRoot {
                    low: IRR_LOW,
                    high: IRR_HIGH
                }
            );
            assert_eq!(
                r.explain(),
                "no IRR found between -99.99 % and 100,000,000 % per period"
            );
        }
        // Just inside either end.
        let r = irr(&[-1.0, 1e6]).per_period().unwrap();
        assert!((r - 999_999.0).abs() < 1e-6, "{r}");
        let r = irr(&[-1.0, 2e-4]).per_period().unwrap();
        assert!((r + 0.9998).abs() < 1e-12, "{r}");
    }

    #[test]
    fn irr_where_the_npv_only_touches_zero() {
        // −100 + 220/y − 121/y² = −100 (1 − 1.1/y)²: a double root at 10 %
        // with no sign change around it (numpy's roots come out complex
        // there, so npf.irr gives nan).
        let flows = [-100.0, 220.0, -121.0];
        match irr(&flows) {
            Irr::Rate { per_period, unique } => {
                assert!((per_period - 0.1).abs() < 1e-6, "{per_period}");
                assert!(unique);
            }
            other => panic!("{other:?}"),
        }
        // Zeros at either end change nothing.
        let r = irr(&[0.0, -100.0, 243.0, -147.62, 0.0, 0.0]);
        assert!((r.per_period().unwrap() - 0.21).abs() < 1e-9);
        assert_eq!(
            r.explain(),
            "several rates make the NPV zero: this is the one nearest 0 %"
        );
    }

    /// Flows whose NPV is c · Π (1 − (1 + ρₖ)/y) · (complex pair), y = 1 + rate:
    /// the coefficients of the polynomial in y with the chosen roots, highest
    /// power first.
    fn flows_with_roots(rates: &[f64], pair: Option<(f64, f64)>) -> Vec<f64> {
        let mut poly = vec![-1.0];
        let mut times = |factor: &[f64]| {
            let mut out = vec![0.0; poly.len() + factor.len() - 1];
            for (i, a) in poly.iter().enumerate() {
                for (j, b) in factor.iter().enumerate() {
                    out[i + j] += a * b;
                }
            }
            poly = out;
        };
        for r in rates {
            times(&[1.0, -(1.0 + r)]);
        }
        if let Some((re, im)) = pair {
            times(&[1.0, -2.0 * re, re * re + im * im]);
        }
        poly
    }

    proptest::proptest! {
        #[test]
        fn irr_finds_every_root_it_is_given(
            mut rates in proptest::collection::vec(-0.9f64..20.0, 1..5),
            pair in proptest::option::of((0.5f64..3.0, 0.05f64..1.0)),
        ) {
            rates.sort_by(f64::total_cmp);
            proptest::prop_assume!(rates.windows(2).all(|w| w[1] - w[0] > 0.01 * (1.0 + w[0])));
            let flows = flows_with_roots(&rates, pair);
            let found = irr_rates(&flows);
            proptest::prop_assert_eq!(found.len(), rates.len(), "{:?} {:?}", flows, found);
            for (f, r) in found.iter().zip(&rates) {
                proptest::prop_assert!((f - r).abs() < 1e-6 * (1.0 + r.abs()), "{} vs {}", f, r);
            }
        }
    }

    #[test]
    fn payback_by_hand() {
        // Cumulative: −1000, −600, −200, 200, 600 → paid back in month 3.
        assert_eq!(
            payback_month(&[-1000.0, 400.0, 400.0, 400.0, 400.0]),
            Some(3)
        );
        // Dips below zero again in month 4: payback only when it stays ≥ 0.
        assert_eq!(
            payback_month(&[-100.0, 150.0, 0.0, 0.0, -100.0, 200.0]),
            Some(5)
        );
        assert_eq!(payback_month(&[-100.0, 10.0, 10.0]), None);
        assert_eq!(payback_month(&[0.0, 10.0]), Some(0));
    }

    #[test]
    fn usage_model_by_hand() {
        // 1000 requests at 2.00, cost 0.50 (from 250 tokens × 2.00 per 1k),
        // growth 10 %/month, fixed 600, upfront 2000, 3 months, 0 % discount.
        let mut r = table("usage");
        r.price = 2.0;
        r.volume = 1000.0;
        r.growth = 0.1;
        r.tokens_per_unit = Some(250.0);
        r.price_per_1k_tokens = Some(2.0);
        r.fixed_cost = 600.0;
        r.upfront_cost = 2000.0;
        r.horizon_months = Some(3);
        let p = project(&r, 0.0, 36).unwrap();
        assert_eq!(p.unit_cost, 0.5);
        // Volumes 1000, 1100, 1210; cash = 1.5 v − 600: 900, 1050, 1215.
        let expect = [-2000.0, 900.0, 1050.0, 1215.0];
        for (a, b) in p.cash_flow.iter().zip(expect) {
            assert!((a - b).abs() < 1e-9, "{:?}", p.cash_flow);
        }
        assert!((p.npv - 1165.0).abs() < 1e-9);
        // Cumulative −2000, −1100, −50, 1165 → payback in month 3.
        assert_eq!(p.payback_month, Some(3));
        // Break-even: 600 / (2 − 0.5) = 400 requests a month.
        assert_eq!(p.break_even_volume, Some(400.0));
        // NPV = 0 at start volume V: 1.5 V (1 + 1.1 + 1.21) = 2000 + 1800.
        assert!((p.break_even_start_volume.unwrap() - 3800.0 / (1.5 * 3.31)).abs() < 1e-9);
        // Gross margin (revenue − variable) / revenue = 1.5 / 2.
        assert!((p.gross_margin.unwrap() - 0.75).abs() < 1e-12);
        assert!(p.irr.per_period().unwrap() > 0.0);
    }

    #[test]
    fn subscription_and_license_by_hand() {
        // 100 subscribers at 10/month, growth 5 %, churn 3 %: × 1.02 a month.
        let mut s = table("subscription");
        s.price = 10.0;
        s.volume = 100.0;
        s.growth = 0.05;
        s.churn = 0.03;
        s.unit_cost = Some(4.0);
        s.horizon_months = Some(2);
        let p = project(&s, 0.1, 36).unwrap();
        assert!((p.volume[2] - 102.0).abs() < 1e-9);
        assert!((p.cash_flow[2] - 612.0).abs() < 1e-9);
        assert_eq!(p.irr, Irr::NoSignChange);
        assert_eq!(p.irr_annual, None);
        // A licence at 12 000 a year with 2 400 a year support: 800 a month net.
        let mut l = table("license");
        l.price = 12_000.0;
        l.volume = 2.0;
        l.unit_cost = Some(2_400.0);
        l.fixed_cost = 400.0;
        l.upfront_cost = 10_000.0;
        let p = project(&l, 0.0, 24).unwrap();
        assert_eq!(p.months, 24);
        assert!((p.cash_flow[1] - (2.0 * 800.0 - 400.0)).abs() < 1e-9);
        // −10 000 + 1 200 t ≥ 0 from t = 9 (10 800).
        assert_eq!(p.payback_month, Some(9));
        // 400 / 800 = 0.5 licences.
        assert!((p.break_even_volume.unwrap() - 0.5).abs() < 1e-12);
        let annual = p.irr_annual.unwrap();
        let monthly = p.irr.per_period().unwrap();
        assert!(((1.0 + monthly).powi(12) - 1.0 - annual).abs() < 1e-12);
    }

    #[test]
    fn bad_tables_are_errors() {
        assert!(matches!(
            project(&table("barter"), 0.1, 36),
            Err(AnalysisError::UnknownRevenueModel(_))
        ));
        let mut r = table("usage");
        r.horizon_months = Some(0);
        assert!(matches!(
            project(&r, 0.1, 36),
            Err(AnalysisError::BadSetting { .. })
        ));
        assert!(matches!(
            project(&table("usage"), -1.0, 36),
            Err(AnalysisError::BadSetting { .. })
        ));
        // A price below cost has no break-even and a negative margin.
        let mut r = table("ads-value-added");
        r.price = 1.0;
        r.unit_cost = Some(2.0);
        r.volume = 10.0;
        let p = project(&r, 0.1, 12).unwrap();
        assert_eq!(p.break_even_volume, None);
        assert!(p.gross_margin.unwrap() < 0.0);
    }
}
