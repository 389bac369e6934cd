//! Growth and forecasts of a regular series: CAGR, a straight-line trend
//! (ordinary least squares) and Holt's linear method with or without a damped
//! trend, each with prediction intervals. The formulas are in `docs/METHOD.md`
//! ("Market").

use super::period::Period;
use super::stats::{Z80, Z95, t_quantile};

/// Compound annual growth rate from `first` to `last` over `years`:
/// `(last / first)^(1 / years) − 1`. `None` when a value is not positive or
/// no time passes (growth from zero or below has no rate).
pub fn cagr(first: f64, last: f64, years: f64) -> Option<f64> {
    (first > 0.0 && last > 0.0 && years > 0.0 && first.is_finite() && last.is_finite())
        .then(|| (last / first).powf(1.0 / years) - 1.0)
}

/// CAGR between the first and the last value of a series with `per_year`
/// periods a year (`n` values span `(n − 1) / per_year` years).
pub fn series_cagr(values: &[f64], per_year: u32) -> Option<f64> {
    let (first, last) = (values.first()?, values.last()?);
    let years = (values.len() as f64 - 1.0) / f64::from(per_year.max(1));
    cagr(*first, *last, years)
}

// ---- linear trend ----------------------------------------------------------

/// `y = intercept + slope · t` with `t = 0, 1, …, n − 1`, fitted by ordinary
/// least squares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearFit {
    pub intercept: f64,
    pub slope: f64,
    pub n: usize,
    /// Sum of squared residuals.
    pub sse: f64,
    /// Share of variance explained.
    pub r2: f64,
    t_mean: f64,
    sxx: f64,
}

/// Least-squares line through `y` (at least two values).
pub fn linear_trend(y: &[f64]) -> Option<LinearFit> {
    let n = y.len();
    if n < 2 {
        return None;
    }
    let nf = n as f64;
    let t_mean = (nf - 1.0) / 2.0;
    let y_mean = y.iter().sum::<f64>() / nf;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (t, v) in y.iter().enumerate() {
        let dt = t as f64 - t_mean;
        let dy = v - y_mean;
        sxy += dt * dy;
        sxx += dt * dt;
        syy += dy * dy;
    }
    let slope = sxy / sxx;
    let intercept = y_mean - slope * t_mean;
    let sse: f64 = y
        .iter()
        .enumerate()
        .map(|(t, v)| {
            let e = v - (intercept + slope * t as f64);
            e * e
        })
        .sum();
    let r2 = if syy > 0.0 { 1.0 - sse / syy } else { 1.0 };
    Some(LinearFit {
        intercept,
        slope,
        n,
        sse,
        r2,
        t_mean,
        sxx,
    })
}

impl LinearFit {
    pub fn at(&self, t: f64) -> f64 {
        self.intercept + self.slope * t
    }

    /// Half-width of the prediction interval for a new observation at `t`:
    /// `q · s · √(1 + 1/n + (t − t̄)² / Sxx)`, `s² = SSE / (n − 2)`, `q` the
    /// Student-t quantile with `n − 2` degrees of freedom. `None` below three
    /// points (no residual degrees of freedom).
    pub fn half_width(&self, t: f64, two_sided_level: f64) -> Option<f64> {
        if self.n < 3 {
            return None;
        }
        let df = self.n as f64 - 2.0;
        let s2 = self.sse / df;
        let q = t_quantile(0.5 + two_sided_level / 2.0, df);
        let d = t - self.t_mean;
        Some(q * (s2 * (1.0 + 1.0 / self.n as f64 + d * d / self.sxx)).sqrt())
    }
}

// ---- Holt ------------------------------------------------------------------

/// Parameters of Holt's method in the component form of Hyndman &
/// Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.), §8.2:
///
/// ```text
/// ŷ(t)  = ℓ(t−1) + φ·b(t−1)                      one-step forecast
/// ℓ(t)  = α·y(t) + (1 − α)·(ℓ(t−1) + φ·b(t−1))
/// b(t)  = β*·(ℓ(t) − ℓ(t−1)) + (1 − β*)·φ·b(t−1)
/// ŷ(n+h) = ℓ(n) + (φ + φ² + … + φʰ)·b(n)
/// ```
///
/// `beta` is β* (statsmodels' `smoothing_trend`); `phi` = 1 is Holt's
/// undamped linear method.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HoltParams {
    pub alpha: f64,
    pub beta: f64,
    pub phi: f64,
    /// ℓ(0), the level before the first observation.
    pub level0: f64,
    /// b(0), the trend before the first observation.
    pub trend0: f64,
}

/// Observations used for the initial state.
pub const INITIAL_POINTS: usize = 10;

/// The initial state ℓ(0), b(0) — the state *before* the first observation —
/// from a least-squares line through the first [`INITIAL_POINTS`] values
/// (all of them when fewer): b(0) is its slope and ℓ(0) its value one period
/// before the first observation. Steadier than ℓ(0) = y₁, b(0) = y₂ − y₁,
/// where one noisy first step sets the trend and drags the fitted β* to an
/// extreme.
pub fn initial_state(y: &[f64]) -> (f64, f64) {
    let head = &y[..y.len().min(INITIAL_POINTS)];
    match linear_trend(head) {
        Some(fit) => (fit.intercept - fit.slope, fit.slope),
        None => (y.first().copied().unwrap_or(0.0), 0.0),
    }
}

impl HoltParams {
    /// Smoothing parameters with the initial state of [`initial_state`]
    /// (statsmodels: `initialization_method="known"` with these values).
    pub fn with_initial_state(alpha: f64, beta: f64, phi: f64, y: &[f64]) -> HoltParams {
        let (level0, trend0) = initial_state(y);
        HoltParams {
            alpha,
            beta,
            phi,
            level0,
            trend0,
        }
    }
}

/// The result of running Holt's recursions over a series.
#[derive(Debug, Clone, PartialEq)]
pub struct HoltRun {
    /// One-step-ahead forecasts ŷ(t) for each observation.
    pub fitted: Vec<f64>,
    /// Σ (y(t) − ŷ(t))².
    pub sse: f64,
    /// Final level ℓ(n) and trend b(n).
    pub level: f64,
    pub trend: f64,
}

/// Sum of squared one-step errors only (the objective of the fit; allocates
/// nothing).
pub fn holt_sse(y: &[f64], p: &HoltParams) -> f64 {
    let (mut l, mut b, mut sse) = (p.level0, p.trend0, 0.0);
    for &v in y {
        let damped = p.phi * b;
        let e = v - (l + damped);
        sse += e * e;
        let l_new = p.alpha * v + (1.0 - p.alpha) * (l + damped);
        b = p.beta * (l_new - l) + (1.0 - p.beta) * damped;
        l = l_new;
    }
    sse
}

/// Run Holt's recursions over `y`.
pub fn holt_run(y: &[f64], p: &HoltParams) -> HoltRun {
    let (mut l, mut b, mut sse) = (p.level0, p.trend0, 0.0);
    let mut fitted = Vec::with_capacity(y.len());
    for &v in y {
        let damped = p.phi * b;
        let f = l + damped;
        fitted.push(f);
        sse += (v - f) * (v - f);
        let l_new = p.alpha * v + (1.0 - p.alpha) * f;
        b = p.beta * (l_new - l) + (1.0 - p.beta) * damped;
        l = l_new;
    }
    HoltRun {
        fitted,
        sse,
        level: l,
        trend: b,
    }
}

/// ŷ(n+h) = ℓ + (φ + … + φʰ)·b.
pub fn holt_point(level: f64, trend: f64, phi: f64, h: usize) -> f64 {
    let mut sum = 0.0;
    let mut pw = 1.0;
    for _ in 0..h {
        pw *= phi;
        sum += pw;
    }
    level + sum * trend
}

/// Forecast-error variance at horizon `h` relative to the one-step variance
/// σ², for the additive-error model ETS(A,Ad,N) (ETS(A,A,N) when φ = 1),
/// Hyndman & Athanasopoulos, FPP3 §9.7 Table 9.8, with the ETS trend
/// smoothing β = α·β*:
///
/// ```text
/// φ < 1:  1 + α²(h−1) + βφh/(1−φ)² · (2α(1−φ) + βφ)
///           − βφ(1−φʰ)/((1−φ)²(1−φ²)) · (2α(1−φ²) + βφ(1+2φ−φʰ))
/// φ = 1:  1 + (h−1)(α² + αβh + β²h(2h−1)/6)
/// ```
pub fn holt_relative_variance(alpha: f64, beta_star: f64, phi: f64, h: usize) -> f64 {
    let hf = h as f64;
    let beta = alpha * beta_star;
    if (1.0 - phi).abs() < 1e-6 {
        return 1.0
            + (hf - 1.0)
                * (alpha * alpha + alpha * beta * hf + beta * beta * hf * (2.0 * hf - 1.0) / 6.0);
    }
    let phi_h = phi.powi(i32::try_from(h).unwrap_or(i32::MAX));
    let one = 1.0 - phi;
    1.0 + alpha * alpha * (hf - 1.0)
        + beta * phi * hf / (one * one) * (2.0 * alpha * one + beta * phi)
        - beta * phi * (1.0 - phi_h) / (one * one * (1.0 - phi * phi))
            * (2.0 * alpha * (1.0 - phi * phi) + beta * phi * (1.0 + 2.0 * phi - phi_h))
}

/// Smoothing parameters fixed in the workspace file; the others are fitted.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fixed {
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub phi: Option<f64>,
}

/// Bounds of the fitted parameters: α, β* in [0, 1]; φ in [0.8, 0.98] as
/// FPP3 §8.2 recommends (φ below 0.8 flattens the trend at once, above 0.98
/// it is hard to tell from an undamped one).
pub const ALPHA_BOUNDS: (f64, f64) = (0.0, 1.0);
pub const BETA_BOUNDS: (f64, f64) = (0.0, 1.0);
pub const PHI_BOUNDS: (f64, f64) = (0.8, 0.98);

/// Holt parameters chosen for a series.
#[derive(Debug, Clone, PartialEq)]
pub struct HoltFit {
    pub params: HoltParams,
    pub sse: f64,
    /// Which of `alpha`, `beta`, `phi` were fitted (the rest were fixed).
    pub fitted: Vec<&'static str>,
}

/// One smoothing parameter in the fit: fixed value, bounds, name, grid.
type Slot = (Option<f64>, (f64, f64), &'static str, &'static [f64]);

/// Choose the free parameters of Holt's method by minimising the sum of
/// squared one-step errors: a coarse grid over the free parameters, then a
/// bounded Nelder–Mead search from the best grid point. Deterministic: the
/// same series always gives the same parameters. `damped = false` fixes
/// φ = 1.
pub fn fit_holt(y: &[f64], fixed: Fixed, damped: bool) -> HoltFit {
    let phi_fixed = if damped { fixed.phi } else { Some(1.0) };
    let slots: [Slot; 3] = [
        (
            fixed.alpha,
            ALPHA_BOUNDS,
            "alpha",
            &[0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95],
        ),
        (
            fixed.beta,
            BETA_BOUNDS,
            "beta",
            &[0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9],
        ),
        (phi_fixed, PHI_BOUNDS, "phi", &[0.8, 0.85, 0.9, 0.94, 0.98]),
    ];
    let free: Vec<usize> = (0..3).filter(|i| slots[*i].0.is_none()).collect();
    let (level0, trend0) = initial_state(y);
    let build = |x: &[f64]| -> HoltParams {
        let mut v = [0.0; 3];
        for (i, slot) in slots.iter().enumerate() {
            v[i] = match slot.0 {
                Some(fixed) => fixed,
                None => {
                    let k = free.iter().position(|f| *f == i).unwrap_or(0);
                    x.get(k)
                        .copied()
                        .unwrap_or(slot.1.0)
                        .clamp(slot.1.0, slot.1.1)
                }
            };
        }
        HoltParams {
            alpha: v[0],
            beta: v[1],
            phi: v[2],
            level0,
            trend0,
        }
    };
    let objective = |x: &[f64]| {
        let sse = holt_sse(y, &build(x));
        if sse.is_finite() { sse } else { f64::MAX }
    };
    let names: Vec<&'static str> = free.iter().map(|i| slots[*i].2).collect();
    if free.is_empty() {
        let params = build(&[]);
        return HoltFit {
            sse: holt_sse(y, &params),
            params,
            fitted: names,
        };
    }
    // Grid: every combination of the free parameters' grid values.
    let grids: Vec<&[f64]> = free.iter().map(|i| slots[*i].3).collect();
    let mut best = (f64::INFINITY, vec![0.0; free.len()]);
    let total: usize = grids.iter().map(|g| g.len()).product();
    let mut x = vec![0.0; free.len()];
    for mut code in 0..total {
        for (k, g) in grids.iter().enumerate() {
            x[k] = g[code % g.len()];
            code /= g.len();
        }
        let f = objective(&x);
        if f < best.0 {
            best = (f, x.clone());
        }
    }
    let lo: Vec<f64> = free.iter().map(|i| slots[*i].1.0).collect();
    let hi: Vec<f64> = free.iter().map(|i| slots[*i].1.1).collect();
    let (x, _) = nelder_mead(&objective, best.1, &lo, &hi);
    let params = build(&x);
    HoltFit {
        sse: holt_sse(y, &params),
        params,
        fitted: names,
    }
}

/// Minimise `f` inside the box `lo..=hi` with the Nelder–Mead simplex method
/// (reflection 1, expansion 2, contraction ½, shrink ½). The box is handled
/// by searching over `u` with `x = lo + (hi − lo)·(1 + sin u)/2`, which keeps
/// every trial point inside without flattening the simplex against a bound;
/// the search restarts from its best point until a restart gains nothing.
pub fn nelder_mead(
    f: &dyn Fn(&[f64]) -> f64,
    x0: Vec<f64>,
    lo: &[f64],
    hi: &[f64],
) -> (Vec<f64>, f64) {
    let to_x = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .enumerate()
            .map(|(i, v)| lo[i] + (hi[i] - lo[i]) * (1.0 + v.sin()) / 2.0)
            .collect()
    };
    let to_u = |x: &[f64]| -> Vec<f64> {
        x.iter()
            .enumerate()
            .map(|(i, v)| {
                let width = hi[i] - lo[i];
                if width > 0.0 {
                    (2.0 * (v - lo[i]) / width - 1.0).clamp(-1.0, 1.0).asin()
                } else {
                    0.0
                }
            })
            .collect()
    };
    let g = |u: &[f64]| f(&to_x(u));
    let mut u = to_u(&x0);
    let mut fu = g(&u);
    for _ in 0..5 {
        let (u2, f2) = simplex_search(&g, &u);
        let gained = fu - f2;
        if f2 <= fu {
            u = u2;
            fu = f2;
        }
        if gained <= 1e-12 * fu.abs().max(1e-300) {
            break;
        }
    }
    (to_x(&u), fu)
}

/// One unconstrained Nelder–Mead run from `u0`.
fn simplex_search(f: &dyn Fn(&[f64]) -> f64, u0: &[f64]) -> (Vec<f64>, f64) {
    let d = u0.len();
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(d + 1);
    simplex.push((u0.to_vec(), f(u0)));
    for i in 0..d {
        let mut u = u0.to_vec();
        u[i] += 0.3;
        let fu = f(&u);
        simplex.push((u, fu));
    }
    for _ in 0..1000 {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[d].1);
        let size = simplex[1..]
            .iter()
            .map(|(u, _)| {
                u.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if ((worst - best).abs() <= 1e-14 * best.abs().max(1e-300) && size < 1e-7) || size < 1e-10 {
            break;
        }
        let centroid: Vec<f64> = (0..d)
            .map(|i| simplex[..d].iter().map(|(u, _)| u[i]).sum::<f64>() / d as f64)
            .collect();
        let toward = |t: f64| -> Vec<f64> {
            (0..d)
                .map(|i| centroid[i] + t * (simplex[d].0[i] - centroid[i]))
                .collect()
        };
        let ur = toward(-1.0);
        let fr = f(&ur);
        if fr < simplex[0].1 {
            let ue = toward(-2.0);
            let fe = f(&ue);
            simplex[d] = if fe < fr { (ue, fe) } else { (ur, fr) };
        } else if fr < simplex[d - 1].1 {
            simplex[d] = (ur, fr);
        } else {
            let uc = if fr < simplex[d].1 {
                toward(-0.5)
            } else {
                toward(0.5)
            };
            let fc = f(&uc);
            if fc < simplex[d].1.min(fr) {
                simplex[d] = (uc, fc);
            } else {
                let u_best = simplex[0].0.clone();
                for v in simplex.iter_mut().skip(1) {
                    let u: Vec<f64> =
                        v.0.iter()
                            .zip(&u_best)
                            .map(|(a, b)| b + 0.5 * (a - b))
                            .collect();
                    let fu = f(&u);
                    *v = (u, fu);
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (u, fu) = simplex.swap_remove(0);
    (u, fu)
}

// ---- forecasts ---------------------------------------------------------------

/// Forecast method of a series.
pub use crate::workspace::choice::ForecastMethod as Method;

/// What to forecast and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastSpec {
    pub method: Method,
    pub horizon: usize,
    pub fixed: Fixed,
}

/// The parameters a forecast used, for stating next to its numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Params {
    Linear {
        intercept: f64,
        slope: f64,
        r2: f64,
    },
    Holt {
        alpha: f64,
        beta: f64,
        phi: f64,
        level0: f64,
        trend0: f64,
        fitted: Vec<&'static str>,
    },
}

/// One forecast period with its 80 % and 95 % prediction intervals (`None`
/// where the history is too short to estimate the error variance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ForecastPoint {
    pub period: Period,
    pub value: f64,
    pub lo80: Option<f64>,
    pub hi80: Option<f64>,
    pub lo95: Option<f64>,
    pub hi95: Option<f64>,
}

/// A forecast with everything needed to explain it.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The method used (may differ from the one asked for; see `note`).
    pub method: Method,
    pub params: Params,
    /// Sum of squared in-sample errors (one-step errors for Holt, residuals
    /// for the line).
    pub sse: f64,
    /// Estimated one-step error variance σ², when there are enough points.
    pub sigma2: Option<f64>,
    /// In-sample fit: one-step forecasts (Holt) or the line (linear), one per
    /// history point, for drawing next to the data.
    pub fitted: Vec<f64>,
    pub points: Vec<ForecastPoint>,
    /// Why the method differs from the one asked for, or what is missing.
    pub note: Option<String>,
}

/// Holt needs this many residual degrees of freedom beyond its parameters.
const HOLT_SPARE: usize = 3;

/// Forecast `horizon` periods after `last` from the regular history `y`.
pub fn forecast(y: &[f64], last: Period, spec: &ForecastSpec) -> Result<Forecast, String> {
    if y.len() < 2 {
        return Err(crate::tr!(
            if y.len() == 1 {
                "market.data.short_history_one"
            } else {
                "market.data.short_history"
            },
            n = y.len()
        ));
    }
    if let Some(bad) = y.iter().find(|v| !v.is_finite()) {
        return Err(crate::tr!("market.data.not_finite_history", value = bad));
    }
    // Squared errors of values past ±1e150 overflow: say so instead of
    // returning a forecast of nothing.
    if let Some(big) = y.iter().find(|v| v.abs() > MAX_MAGNITUDE) {
        return Err(crate::tr!(
            "market.data.too_large",
            value = crate::numfmt::exact(*big),
            max = format!("{MAX_MAGNITUDE:e}")
        ));
    }
    let forecast = forecast_checked(y, last, spec)?;
    let finite = |x: Option<f64>| x.is_none_or(f64::is_finite);
    if forecast.points.iter().all(|p| {
        p.value.is_finite() && finite(p.lo80) && finite(p.hi80) && finite(p.lo95) && finite(p.hi95)
    }) {
        Ok(forecast)
    } else {
        Err(crate::tr!("market.data.overflow"))
    }
}

/// The largest magnitude of a history value [`forecast`] accepts.
pub const MAX_MAGNITUDE: f64 = 1e150;

fn forecast_checked(y: &[f64], last: Period, spec: &ForecastSpec) -> Result<Forecast, String> {
    let mut note = None;
    if spec.method != Method::Linear {
        let damped = spec.method == Method::HoltDamped;
        let fixed = Fixed {
            phi: if damped { spec.fixed.phi } else { Some(1.0) },
            ..spec.fixed
        };
        let free = [fixed.alpha, fixed.beta, fixed.phi]
            .iter()
            .filter(|p| p.is_none())
            .count();
        let k = free + 2;
        if y.len() >= k + HOLT_SPARE {
            return Ok(holt_forecast(y, last, spec.horizon, fixed, damped, k));
        }
        note = Some(crate::tr!(
            "market.data.too_few_for_method",
            n = y.len(),
            method = spec.method.as_str(),
            needed = k + HOLT_SPARE
        ));
    }
    let Some(fit) = linear_trend(y) else {
        return Err(crate::tr!("market.data.line_needs_two"));
    };
    let n = y.len();
    let points = (1..=spec.horizon)
        .map(|h| {
            let t = (n - 1 + h) as f64;
            let value = fit.at(t);
            let w80 = fit.half_width(t, 0.8);
            let w95 = fit.half_width(t, 0.95);
            ForecastPoint {
                period: last.plus(h as i64),
                value,
                lo80: w80.map(|w| value - w),
                hi80: w80.map(|w| value + w),
                lo95: w95.map(|w| value - w),
                hi95: w95.map(|w| value + w),
            }
        })
        .collect();
    if n < 3 && note.is_none() {
        note = Some(crate::tr!("market.data.no_interval"));
    }
    Ok(Forecast {
        method: Method::Linear,
        params: Params::Linear {
            intercept: fit.intercept,
            slope: fit.slope,
            r2: fit.r2,
        },
        sse: fit.sse,
        sigma2: (n >= 3).then(|| fit.sse / (n as f64 - 2.0)),
        fitted: (0..n).map(|t| fit.at(t as f64)).collect(),
        points,
        note,
    })
}

/// σ² = SSE / (n − k), k = fitted smoothing parameters + 2 initial states
/// (as R's `forecast::ets`); intervals ŷ ± z·σ·√(relative variance).
fn holt_forecast(
    y: &[f64],
    last: Period,
    horizon: usize,
    fixed: Fixed,
    damped: bool,
    k: usize,
) -> Forecast {
    let fit = fit_holt(y, fixed, damped);
    let p = fit.params;
    let run = holt_run(y, &p);
    let sigma2 = run.sse / (y.len() - k) as f64;
    let points = (1..=horizon)
        .map(|h| {
            let value = holt_point(run.level, run.trend, p.phi, h);
            let sd = (sigma2 * holt_relative_variance(p.alpha, p.beta, p.phi, h)).sqrt();
            ForecastPoint {
                period: last.plus(h as i64),
                value,
                lo80: Some(value - Z80 * sd),
                hi80: Some(value + Z80 * sd),
                lo95: Some(value - Z95 * sd),
                hi95: Some(value + Z95 * sd),
            }
        })
        .collect();
    Forecast {
        method: if damped {
            Method::HoltDamped
        } else {
            Method::Holt
        },
        params: Params::Holt {
            alpha: p.alpha,
            beta: p.beta,
            phi: p.phi,
            level0: p.level0,
            trend0: p.trend0,
            fitted: fit.fitted,
        },
        sse: run.sse,
        sigma2: Some(sigma2),
        fitted: run.fitted,
        points,
        note: None,
    }
}

impl Forecast {
    /// Method and parameters in one line, for showing next to the numbers,
    /// in the interface language: `Holt's damped trend: α = 0.944, β* =
    /// 0.039, φ = 0.980 (α, β*, φ fitted by least squares), σ = 2.3439` or
    /// `Linear trend: y = 37.1 + 1.21·t, R² = 0.97`. (JSON outputs take it
    /// in English.)
    pub fn describe(&self) -> String {
        let method = match self.method {
            Method::Linear => crate::tr!("tui.mkt.series.method.linear"),
            Method::Holt => crate::tr!("tui.mkt.series.method.holt"),
            Method::HoltDamped => crate::tr!("tui.mkt.series.method.holt_damped"),
        };
        let params = match &self.params {
            Params::Linear {
                intercept,
                slope,
                r2,
            } => format!(
                "y = {intercept:.4} {} {:.4}·t, R² = {r2:.3}",
                if *slope < 0.0 { "−" } else { "+" },
                slope.abs()
            ),
            Params::Holt {
                alpha,
                beta,
                phi,
                fitted,
                ..
            } => {
                let values = format!("α = {alpha:.3}, β* = {beta:.3}, φ = {phi:.3}");
                if fitted.is_empty() {
                    crate::tr!("tui.mkt.series.fixed", params = values)
                } else {
                    let names: Vec<&str> = fitted
                        .iter()
                        .map(|n| match *n {
                            "alpha" => "α",
                            "beta" => "β*",
                            _ => "φ",
                        })
                        .collect();
                    crate::tr!(
                        "tui.mkt.series.fitted",
                        params = values,
                        names = names.join(", ")
                    )
                }
            }
        };
        let sigma = self
            .sigma2
            .map(|s| format!(", σ = {:.4}", s.sqrt()))
            .unwrap_or_default();
        crate::tr!(
            "tui.mkt.series.describe",
            method = method,
            params = params,
            sigma = sigma
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::period::Frequency;

    fn last() -> Period {
        Period {
            frequency: Frequency::Monthly,
            index: 2026 * 12 + 5,
        }
    }

    #[test]
    fn cagr_by_hand() {
        // 100 → 121 over two years is 10 % a year.
        assert!((cagr(100.0, 121.0, 2.0).unwrap_or(0.0) - 0.1).abs() < 1e-12);
        // 25 monthly values span two years.
        let mut v = vec![100.0; 25];
        v[24] = 121.0;
        assert!((series_cagr(&v, 12).unwrap_or(0.0) - 0.1).abs() < 1e-12);
        assert_eq!(cagr(0.0, 5.0, 1.0), None);
        assert_eq!(cagr(-1.0, 5.0, 1.0), None);
        assert_eq!(series_cagr(&[5.0], 12), None);
    }

    #[test]
    fn exact_line_is_recovered_with_zero_width_intervals() {
        let y: Vec<f64> = (0..10).map(|t| 3.0 + 2.0 * t as f64).collect();
        let fit = linear_trend(&y).map(|f| (f.intercept, f.slope, f.r2));
        assert_eq!(fit, Some((3.0, 2.0, 1.0)));
        let spec = ForecastSpec {
            method: Method::Linear,
            horizon: 2,
            fixed: Fixed::default(),
        };
        let f = forecast(&y, last(), &spec);
        let p = f.as_ref().map(|f| f.points[1]).ok();
        assert_eq!(
            p.map(|p| (p.value, p.lo95, p.period.to_string())),
            Some((25.0, Some(25.0), "2026-08".to_string()))
        );
    }

    #[test]
    fn short_histories_fall_back_or_fail_with_a_reason() {
        let spec = ForecastSpec {
            method: Method::HoltDamped,
            horizon: 3,
            fixed: Fixed::default(),
        };
        let f = forecast(&[1.0, 2.0, 4.0, 5.0], last(), &spec);
        assert!(
            matches!(&f, Ok(f) if f.method == Method::Linear && f.note.as_deref().is_some_and(|n| n.contains("too few")))
        );
        let f = forecast(&[1.0, 2.0], last(), &spec);
        assert!(matches!(&f, Ok(f) if f.points[0].lo95.is_none()));
        let f = forecast(&[1.0], last(), &spec);
        assert_eq!(
            f.err().as_deref(),
            Some("1 period of history; a forecast needs at least 2")
        );
    }

    #[test]
    fn nelder_mead_finds_a_bounded_minimum() {
        let f = |x: &[f64]| (x[0] - 0.3).powi(2) + (x[1] - 2.0).powi(2);
        let (x, fx) = nelder_mead(&f, vec![0.9, 0.1], &[0.0, 0.0], &[1.0, 1.0]);
        // The unconstrained minimum (0.3, 2) lies outside; the box gives (0.3, 1).
        assert!(
            (x[0] - 0.3).abs() < 1e-6 && (x[1] - 1.0).abs() < 1e-6,
            "{x:?}"
        );
        assert!((fx - 1.0).abs() < 1e-9);
    }

    #[test]
    fn relative_variance_is_one_step_ahead_and_grows() {
        assert!((holt_relative_variance(0.5, 0.2, 0.9, 1) - 1.0).abs() < 1e-12);
        assert!((holt_relative_variance(0.5, 0.2, 1.0, 1) - 1.0).abs() < 1e-12);
        let v: Vec<f64> = (1..6)
            .map(|h| holt_relative_variance(0.5, 0.2, 0.9, h))
            .collect();
        assert!(v.windows(2).all(|w| w[1] > w[0]));
        // φ → 1 joins the undamped formula continuously.
        let near = holt_relative_variance(0.5, 0.2, 0.99999, 12);
        let at = holt_relative_variance(0.5, 0.2, 1.0, 12);
        assert!((near - at).abs() / at < 1e-3);
    }
}
