#!/usr/bin/env python3
"""Reference values for tests/market_reference.rs, computed with statsmodels.

Run:  pip install statsmodels==0.15.0 pandas  &&  python3 tests/reference/market_reference.py

The series is workspaces/example/data/market-ai-retail.csv (42 months,
2023-01 .. 2026-06), pasted here so the test does not depend on the file.
Initial state for Holt, as lodestar computes it: a least-squares line through
the first 10 values gives trend0 (its slope) and level0 (its value one period
before the first observation); statsmodels gets them through
initialization_method="known".
Printed numbers are pasted into the Rust test with a tolerance.
"""
import warnings

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.holtwinters import ExponentialSmoothing, Holt

warnings.simplefilter("ignore")

Y = [39.21, 37.81, 39.98, 39.01, 39.31, 40.14, 41.30, 43.02, 47.75, 47.36, 51.08, 52.63,
     50.58, 50.03, 49.91, 47.98, 49.82, 53.38, 55.39, 57.41, 61.08, 61.59, 62.01, 64.48,
     67.17, 66.05, 64.52, 65.57, 66.27, 66.98, 70.45, 75.15, 80.86, 79.70, 85.24, 83.50,
     86.48, 83.90, 84.70, 84.64, 87.81, 87.61]
y = pd.Series(Y, index=pd.period_range("2023-01", periods=len(Y), freq="M"))
n = len(Y)
H = 12


# lodestar's initial state (forecast::initial_state), computed with numpy.
_slope, _intercept = np.polyfit(np.arange(10, dtype=float), np.asarray(Y[:10]), 1)
L0, B0 = _intercept - _slope, _slope


def rust(name, xs):
    print(f"const {name}: [f64; {len(xs)}] = [{', '.join(repr(float(x)) for x in xs)}];")


print(f"// statsmodels {statsmodels.__version__}, numpy {np.__version__}, pandas {pd.__version__}")

# 1. CAGR over 41 months = 41/12 years.
print(f"const LEVEL0: f64 = {repr(float(L0))};")
print(f"const TREND0: f64 = {repr(float(B0))};")
print(f"const CAGR: f64 = {repr(float((Y[-1] / Y[0]) ** (12 / (n - 1)) - 1))};")

# 2. Linear trend: OLS of y on [1, t], t = 0..n-1; prediction intervals for
#    new observations (obs_ci, Student t with n-2 df) at t = n..n+H-1.
t = np.arange(n, dtype=float)
ols = sm.OLS(np.asarray(Y), sm.add_constant(t)).fit()
print(f"const OLS_INTERCEPT: f64 = {repr(float(ols.params[0]))};")
print(f"const OLS_SLOPE: f64 = {repr(float(ols.params[1]))};")
tf = sm.add_constant(np.arange(n, n + H, dtype=float))
pred = ols.get_prediction(tf)
f95 = pred.summary_frame(alpha=0.05)
f80 = pred.summary_frame(alpha=0.20)
rust("OLS_MEAN", f95["mean"])
rust("OLS_LO95", f95["obs_ci_lower"])
rust("OLS_HI95", f95["obs_ci_upper"])
rust("OLS_LO80", f80["obs_ci_lower"])
rust("OLS_HI80", f80["obs_ci_upper"])

# 3. Holt, damped trend, fixed alpha=0.6, beta*=0.2, phi=0.9.
A, B, PHI = 0.6, 0.2, 0.9
hm = Holt(y, damped_trend=True, initialization_method="known",
          initial_level=L0, initial_trend=B0)
hr = hm.fit(smoothing_level=A, smoothing_trend=B, damping_trend=PHI, optimized=False)
print(f"const DAMPED_SSE: f64 = {repr(float(hr.sse))};")
rust("DAMPED_FITTED_HEAD", hr.fittedvalues.iloc[:5])
rust("DAMPED_FORECAST", hr.forecast(H))

# Prediction intervals of the same model from statsmodels' ETSModel
# (ETS(A,Ad,N), whose trend smoothing is beta = alpha * beta*). ETSModel
# scales by mse = SSE / n; lodestar uses SSE / (n - k) with k = 2 when
# nothing is fitted, so the test rescales by sqrt(n / (n - 2)).
em = ETSModel(y, error="add", trend="add", damped_trend=True, initialization_method="known",
              initial_level=L0, initial_trend=B0)
with em.fix_params({"smoothing_level": A, "smoothing_trend": A * B, "damping_trend": PHI}):
    er = em.fit(disp=False)
print(f"const ETS_MSE: f64 = {repr(float(er.mse))};")
pr = er.get_prediction(start=n, end=n + H - 1)
sf = pr.summary_frame(alpha=0.05)
rust("ETS_MEAN", sf["mean"])
rust("ETS_LO95", sf["pi_lower"])
rust("ETS_HI95", sf["pi_upper"])
rust("ETS_RELATIVE_VARIANCE", er._relative_forecast_variance(np.arange(1, H + 1)))

# 4. Holt's undamped linear method, fixed alpha=0.5, beta*=0.1.
lm = Holt(y, initialization_method="known", initial_level=L0, initial_trend=B0)
lr = lm.fit(smoothing_level=0.5, smoothing_trend=0.1, optimized=False)
print(f"const LINEAR_HOLT_SSE: f64 = {repr(float(lr.sse))};")
rust("LINEAR_HOLT_FORECAST", lr.forecast(H))

# 5. Fitted damped Holt: statsmodels' own optimiser within lodestar's bounds.
#    lodestar's fit must reach an SSE no worse than this (it may be lower).
fm = ExponentialSmoothing(y, trend="add", damped_trend=True, initialization_method="known",
                          initial_level=L0, initial_trend=B0,
                          bounds={"smoothing_level": (0.0, 1.0), "smoothing_trend": (0.0, 1.0),
                                  "damping_trend": (0.8, 0.98)})
fr = fm.fit(optimized=True)
print(f"const STATSMODELS_FITTED_SSE: f64 = {repr(float(fr.sse))};")
print(f"// fitted alpha={fr.params['smoothing_level']!r} beta={fr.params['smoothing_trend']!r} "
      f"phi={fr.params['damping_trend']!r}")
