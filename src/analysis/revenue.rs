//! Revenue models → monthly cash flows, NPV, IRR, payback, break-even
//! volume and gross margin (seed §4.2).

use super::AnalysisError;
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

/// Internal rate of return.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Irr {
    /// The rate per period at which NPV = 0 (the one nearest 0 when there
    /// are several); `unique` is false when the flows change sign more than
    /// once, so other rates may also give NPV = 0.
    Rate { per_period: f64, unique: bool },
    /// All flows have the same sign (or are zero): no rate makes NPV zero.
    NoSignChange,
    /// The flows change sign but no rate above −100 % was found.
    NoRoot,
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

    /// Why there is no rate, in words.
    pub fn explain(&self) -> &'static str {
        match self {
            Irr::Rate { unique: true, .. } => "",
            Irr::Rate { unique: false, .. } => {
                "cash flows change sign more than once: the IRR may not be unique"
            }
            Irr::NoSignChange => "no IRR: the cash flows never change sign",
            Irr::NoRoot => "no IRR: no discount rate above −100 % makes the NPV zero",
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

/// Internal rate of return per period of flows at t = 0, 1, 2, …
pub fn irr(flows: &[f64]) -> Irr {
    let signs: Vec<bool> = flows
        .iter()
        .filter(|x| **x != 0.0 && x.is_finite())
        .map(|x| *x > 0.0)
        .collect();
    let changes = signs.windows(2).filter(|w| w[0] != w[1]).count();
    if changes == 0 {
        return Irr::NoSignChange;
    }
    const GRID: [f64; 27] = [
        -0.99, -0.95, -0.9, -0.75, -0.5, -0.3, -0.2, -0.1, -0.05, -0.02, -0.01, 0.0, 0.005, 0.01,
        0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0,
    ];
    let values: Vec<(f64, f64)> = GRID
        .iter()
        .map(|&r| (r, npv(r, flows)))
        .filter(|(_, v)| v.is_finite())
        .collect();
    // Brackets with a sign change; take the one nearest a rate of 0.
    let bracket = values
        .windows(2)
        .filter(|w| (w[0].1 <= 0.0) != (w[1].1 <= 0.0) || w[0].1 == 0.0)
        .min_by(|a, b| {
            let da = a[0].0.abs().min(a[1].0.abs());
            let db = b[0].0.abs().min(b[1].0.abs());
            da.total_cmp(&db)
        });
    let Some(w) = bracket else {
        return Irr::NoRoot;
    };
    let ((mut lo, mut flo), (mut hi, _)) = (w[0], w[1]);
    if flo == 0.0 {
        return Irr::Rate {
            per_period: lo,
            unique: changes == 1,
        };
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let fm = npv(mid, flows);
        if fm == 0.0 {
            lo = mid;
            hi = mid;
            break;
        }
        if (fm < 0.0) == (flo < 0.0) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-15 {
            break;
        }
    }
    Irr::Rate {
        per_period: 0.5 * (lo + hi),
        unique: changes == 1,
    }
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
    let npv_value = npv(i, &cash);
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
        assert_eq!(irr(&[100.0, -300.0, 300.0]), Irr::NoRoot);
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
