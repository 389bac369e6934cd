//! Growth and forecasts checked against numbers computed independently with
//! statsmodels. Every constant below was printed by
//! `tests/reference/market_reference.py` (statsmodels 0.15.0, numpy 2.4.6,
//! pandas 3.1.1) and pasted unchanged; rerun the script to regenerate them.
//! The series is `workspaces/example/data/market-ai-retail.csv` (42 months).

use lodestar::market::forecast::{
    Fixed, ForecastSpec, HoltParams, Method, fit_holt, forecast, holt_point,
    holt_relative_variance, holt_run, holt_sse, initial_state, linear_trend, series_cagr,
};
use lodestar::market::period::{Frequency, Period};

const Y: [f64; 42] = [
    39.21, 37.81, 39.98, 39.01, 39.31, 40.14, 41.30, 43.02, 47.75, 47.36, 51.08, 52.63, 50.58,
    50.03, 49.91, 47.98, 49.82, 53.38, 55.39, 57.41, 61.08, 61.59, 62.01, 64.48, 67.17, 66.05,
    64.52, 65.57, 66.27, 66.98, 70.45, 75.15, 80.86, 79.70, 85.24, 83.50, 86.48, 83.90, 84.70,
    84.64, 87.81, 87.61,
];

// ---- pasted from tests/reference/market_reference.py ----
// statsmodels 0.15.0, numpy 2.4.6, pandas 3.1.1
const LEVEL0: f64 = 35.96133333333332;
const TREND0: f64 = 1.005030303030303;
const CAGR: f64 = 0.26529632099907263;
const OLS_INTERCEPT: f64 = 34.45021040974528;
const OLS_SLOPE: f64 = 1.3030791670042943;
const OLS_MEAN: [f64; 12] = [
    89.17953542392564,
    90.48261459092993,
    91.78569375793423,
    93.08877292493852,
    94.39185209194281,
    95.69493125894712,
    96.9980104259514,
    98.30108959295569,
    99.60416875995999,
    100.90724792696429,
    102.21032709396859,
    103.51340626097287,
];
const OLS_LO95: [f64; 12] = [
    82.67128224843643,
    83.95327630671883,
    85.23438450911435,
    86.51461573726114,
    87.79397910184088,
    89.07248392662713,
    90.35013973257924,
    91.62695622203402,
    92.9029432630443,
    94.17811087391027,
    95.45246920794692,
    96.72602853852696,
];
const OLS_HI95: [f64; 12] = [
    95.68778859941486,
    97.01195287514102,
    98.3370030067541,
    99.66293011261591,
    100.98972508204474,
    102.31737859126711,
    103.64588111932358,
    104.97522296387736,
    106.30539425687567,
    107.6363849800183,
    108.96818497999026,
    110.30078398341878,
];
const OLS_LO80: [f64; 12] = [
    84.98337559425559,
    86.27286025535525,
    87.56177376582706,
    88.85012185205753,
    90.13791038810771,
    91.42514538542848,
    92.71183298260506,
    93.9979794351649,
    95.28359110547981,
    96.56867445279285,
    97.85323602339702,
    99.13728244099194,
];
const OLS_HI80: [f64; 12] = [
    93.3756952535957,
    94.6923689265046,
    96.0096137500414,
    97.32742399781952,
    98.6457937957779,
    99.96471713246576,
    101.28418786929775,
    102.60419975074649,
    103.92474641444016,
    105.24582140113573,
    106.56741816454016,
    107.8895300809538,
];
const DAMPED_SSE: f64 = 262.7337937590927;
const DAMPED_FITTED_HEAD: [f64; 5] = [
    36.86586060606059,
    39.33958584242424,
    39.21715650598788,
    40.47303965186482,
    40.15556692286723,
];
const DAMPED_FORECAST: [f64; 12] = [
    88.12105092871916,
    88.61949297214466,
    89.06809081122762,
    89.47182886640228,
    89.83519311605946,
    90.16222094075093,
    90.45654598297325,
    90.72143852097335,
    90.95984180517344,
    91.17440476095351,
    91.36751142115558,
    91.54130741533744,
];
const ETS_MSE: f64 = 6.2555665180736355;
const ETS_MEAN: [f64; 12] = [
    88.12105092871916,
    88.61949297214466,
    89.0680908112276,
    89.47182886640226,
    89.83519311605946,
    90.16222094075093,
    90.45654598297325,
    90.72143852097335,
    90.95984180517344,
    91.17440476095352,
    91.36751142115558,
    91.54130741533744,
];
const ETS_LO95: [f64; 12] = [
    83.21895941801755,
    82.61315246211446,
    81.8808639029033,
    81.05722261801749,
    80.16659595530803,
    79.2266465412235,
    78.25064226423234,
    77.24881596588416,
    76.22920852266613,
    75.19822009631764,
    74.16098823779512,
    73.1216580279432,
];
const ETS_HI95: [f64; 12] = [
    93.02314243942077,
    94.62583348217485,
    96.25531771955191,
    97.88643511478703,
    99.50379027681089,
    101.09779534027835,
    102.66244970171417,
    104.19406107606254,
    105.69047508768075,
    107.1505894255894,
    108.57403460451604,
    109.96095680273169,
];
const ETS_RELATIVE_VARIANCE: [f64; 12] = [
    1.0,
    1.5012640000000017,
    2.1496110400000026,
    2.9464886223999986,
    3.890129896144,
    4.976458316676641,
    6.1997910272280805,
    7.553382143702747,
    9.029839006882423,
    10.621437919009644,
    12.320360605489196,
    14.118868392428514,
];
const LINEAR_HOLT_SSE: f64 = 274.7055890648657;
const LINEAR_HOLT_FORECAST: [f64; 12] = [
    89.53581894683485,
    90.79513097232224,
    92.05444299780962,
    93.31375502329699,
    94.57306704878437,
    95.83237907427176,
    97.09169109975913,
    98.3510031252465,
    99.61031515073388,
    100.86962717622127,
    102.12893920170865,
    103.38825122719602,
];
const STATSMODELS_FITTED_SSE: f64 = 203.2776725584425;
// statsmodels fitted alpha=np.float64(0.94402461000038) beta=np.float64(0.039284003895226315) phi=np.float64(0.98)
// ---- end of pasted values ----

fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

fn last() -> Period {
    Period {
        frequency: Frequency::Monthly,
        index: 2026 * 12 + 5,
    } // 2026-06
}

#[test]
fn cagr_matches() {
    close(series_cagr(&Y, 12).unwrap_or(f64::NAN), CAGR, 1e-12, "CAGR");
}

#[test]
fn linear_trend_and_intervals_match_statsmodels_ols() {
    let fit = linear_trend(&Y).map(|f| (f.intercept, f.slope));
    let (a, b) = fit.unwrap_or((f64::NAN, f64::NAN));
    close(a, OLS_INTERCEPT, 1e-10, "intercept");
    close(b, OLS_SLOPE, 1e-10, "slope");
    let spec = ForecastSpec {
        method: Method::Linear,
        horizon: 12,
        fixed: Fixed::default(),
    };
    let f = forecast(&Y, last(), &spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.method, Method::Linear);
    for (h, p) in f.points.iter().enumerate() {
        close(p.value, OLS_MEAN[h], 1e-10, "OLS mean");
        // Student-t quantiles by bisection are exact to ~1e-12; allow 1e-9.
        close(p.lo95.unwrap_or(f64::NAN), OLS_LO95[h], 1e-9, "OLS lo95");
        close(p.hi95.unwrap_or(f64::NAN), OLS_HI95[h], 1e-9, "OLS hi95");
        close(p.lo80.unwrap_or(f64::NAN), OLS_LO80[h], 1e-9, "OLS lo80");
        close(p.hi80.unwrap_or(f64::NAN), OLS_HI80[h], 1e-9, "OLS hi80");
    }
    assert_eq!(f.points[0].period.to_string(), "2026-07");
    assert_eq!(f.points[11].period.to_string(), "2027-06");
}

#[test]
fn initial_state_matches_numpy() {
    let (l0, b0) = initial_state(&Y);
    close(l0, LEVEL0, 1e-12, "level0");
    close(b0, TREND0, 1e-12, "trend0");
}

#[test]
fn damped_holt_with_fixed_parameters_matches_statsmodels() {
    let p = HoltParams::with_initial_state(0.6, 0.2, 0.9, &Y);
    let run = holt_run(&Y, &p);
    close(run.sse, DAMPED_SSE, 1e-10, "SSE");
    close(holt_sse(&Y, &p), DAMPED_SSE, 1e-10, "SSE (objective)");
    for (i, want) in DAMPED_FITTED_HEAD.iter().enumerate() {
        close(run.fitted[i], *want, 1e-10, "fitted");
    }
    for (h, want) in DAMPED_FORECAST.iter().enumerate() {
        close(
            holt_point(run.level, run.trend, 0.9, h + 1),
            *want,
            1e-10,
            "forecast",
        );
    }
    for (h, want) in ETS_RELATIVE_VARIANCE.iter().enumerate() {
        close(
            holt_relative_variance(0.6, 0.2, 0.9, h + 1),
            *want,
            1e-10,
            "relative variance",
        );
    }
}

#[test]
fn damped_holt_intervals_match_statsmodels_ets_rescaled() {
    let spec = ForecastSpec {
        method: Method::HoltDamped,
        horizon: 12,
        fixed: Fixed {
            alpha: Some(0.6),
            beta: Some(0.2),
            phi: Some(0.9),
        },
    };
    let f = forecast(&Y, last(), &spec).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.method, Method::HoltDamped);
    // Nothing fitted → k = 2 initial states: σ² = SSE / (n − 2), whereas
    // statsmodels' ETSModel uses mse = SSE / n.
    let n = Y.len() as f64;
    close(
        f.sigma2.unwrap_or(f64::NAN),
        ETS_MSE * n / (n - 2.0),
        1e-10,
        "sigma2",
    );
    let scale = (n / (n - 2.0)).sqrt();
    for (h, p) in f.points.iter().enumerate() {
        close(p.value, ETS_MEAN[h], 1e-10, "mean");
        let half = (ETS_HI95[h] - ETS_LO95[h]) / 2.0 * scale;
        close(
            p.hi95.unwrap_or(f64::NAN) - p.value,
            half,
            1e-9,
            "95 % half-width",
        );
        close(
            p.value - p.lo95.unwrap_or(f64::NAN),
            half,
            1e-9,
            "95 % half-width",
        );
        // 80 % uses z = 1.2816 instead of 1.96 on the same σ.
        let half80 = half * 1.281_551_565_544_600_4 / 1.959_963_984_540_054;
        close(
            p.hi80.unwrap_or(f64::NAN) - p.value,
            half80,
            1e-9,
            "80 % half-width",
        );
    }
}

#[test]
fn undamped_holt_matches_statsmodels() {
    let p = HoltParams::with_initial_state(0.5, 0.1, 1.0, &Y);
    let run = holt_run(&Y, &p);
    close(run.sse, LINEAR_HOLT_SSE, 1e-10, "SSE");
    let spec = ForecastSpec {
        method: Method::Holt,
        horizon: 12,
        fixed: Fixed {
            alpha: Some(0.5),
            beta: Some(0.1),
            phi: None,
        },
    };
    let f = forecast(&Y, last(), &spec).unwrap_or_else(|e| panic!("{e}"));
    for (h, want) in LINEAR_HOLT_FORECAST.iter().enumerate() {
        close(f.points[h].value, *want, 1e-10, "forecast");
    }
}

#[test]
fn fitted_damped_holt_is_at_least_as_good_as_statsmodels() {
    let fit = fit_holt(&Y, Fixed::default(), true);
    assert_eq!(fit.fitted, vec!["alpha", "beta", "phi"]);
    let p = fit.params;
    assert!(
        (0.0..=1.0).contains(&p.alpha)
            && (0.0..=1.0).contains(&p.beta)
            && (0.8..=0.98).contains(&p.phi)
    );
    assert!(
        fit.sse <= STATSMODELS_FITTED_SSE * (1.0 + 1e-6),
        "lodestar SSE {} (α {}, β* {}, φ {}) vs statsmodels {STATSMODELS_FITTED_SSE}",
        fit.sse,
        p.alpha,
        p.beta,
        p.phi
    );
    // Deterministic: the same series gives the same parameters.
    assert_eq!(fit_holt(&Y, Fixed::default(), true), fit);
    // A fixed parameter stays fixed; the others are fitted.
    let partly = fit_holt(
        &Y,
        Fixed {
            phi: Some(0.9),
            ..Fixed::default()
        },
        true,
    );
    assert_eq!(partly.params.phi, 0.9);
    assert_eq!(partly.fitted, vec!["alpha", "beta"]);
}
