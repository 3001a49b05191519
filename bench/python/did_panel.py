"""Peer side of bench/did-panel: TWFE and the event study on a balanced unit x period panel in statsmodels.

Same data and models as truelift's side (bench/truelift-did-panel.mjs):
  (a) TWFE  y ~ D | unit + period, D = 1[first_treat > 0 and period >= first_treat];
  (b) event study  y ~ sum_{e != -1} 1[clamp(t - g, -5, 10) = e] | unit + period (treated units only; never-treated
      rows have every dummy 0), end points binned, reference e = -1.
statsmodels has no absorbed fixed effects, so each column v (y and every regressor) is put through the exact two-way
within transformation of a balanced panel, v_it - mean_i(v) - mean_t(v) + mean(v), and the demeaned regression
(no constant) is fitted with `sm.OLS(...).fit(cov_type="cluster", cov_kwds={"groups": unit})` (CR1).
By Frisch-Waugh-Lovell the coefficients and residuals equal TWFE's exactly on a balanced panel. The cluster SEs differ
only in K of the (N-1)/(N-K) factor: statsmodels counts the k slopes of the demeaned regression, while
truelift/fixest's "nested" rule drops the unit effects (nested in the unit cluster) but counts the T-1 period effects
plus the intercept, K = k + T. bench/did-panel.mjs rescales before comparing.
Prints one JSON object with the coefficients, SEs, K, section timings (seconds) and peak RSS (bytes).
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.api as sm

LEADS = 5
LAGS = 10

path = sys.argv[1]
warm_repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
c0 = time.process_time()
t0 = time.perf_counter()
df = pd.read_csv(path, usecols=["unit", "period", "first_treat", "y"])
t_load = time.perf_counter() - t0
c_load = time.process_time() - c0

n_units = df.unit.nunique()
n_periods = df.period.nunique()
if n_units * n_periods != len(df) or df.duplicated(["unit", "period"]).any():
    raise SystemExit("the two-way within transformation below is exact only on a balanced panel")


def within(frame):
    """Exact two-way demeaning of every column of `frame` on a balanced panel."""
    by_unit = frame.groupby(df.unit.values).transform("mean")
    by_period = frame.groupby(df.period.values).transform("mean")
    return frame - by_unit - by_period + frame.mean()


def twfe_once():
    c1 = time.process_time()
    t1 = time.perf_counter()
    d = ((df.first_treat > 0) & (df.period >= df.first_treat)).astype(float)
    w = within(pd.DataFrame({"y": df.y, "D": d}))
    fit = sm.OLS(w.y, w[["D"]]).fit(cov_type="cluster", cov_kwds={"groups": df.unit.values})
    return fit, time.perf_counter() - t1, time.process_time() - c1


def event_study_once():
    c1 = time.process_time()
    t1 = time.perf_counter()
    bins = [e for e in range(-LEADS, LAGS + 1) if e != -1]
    treated = df.first_treat > 0
    rel = (df.period - df.first_treat).clip(-LEADS, LAGS)
    cols = {"y": df.y}
    for e in bins:
        cols[f"rel[{e}]"] = (treated & (rel == e)).astype(float)
    w = within(pd.DataFrame(cols))
    names = [f"rel[{e}]" for e in bins]
    fit = sm.OLS(w.y, w[names]).fit(cov_type="cluster", cov_kwds={"groups": df.unit.values})
    return fit, bins, time.perf_counter() - t1, time.process_time() - c1


tw, t_twfe, c_twfe = twfe_once()
tw_warm = sorted(twfe_once()[1] for _ in range(warm_repeats))[warm_repeats // 2]
es, bins, t_es, c_es = event_study_once()
es_warm = sorted(event_study_once()[2] for _ in range(warm_repeats))[warm_repeats // 2]

print(json.dumps({
    "tool": "statsmodels", "version": statsmodels.__version__, "pandas": pd.__version__, "numpy": np.__version__,
    "python": sys.version.split()[0],
    "rows": int(len(df)), "units": int(n_units), "periods": int(n_periods),
    "twfe": {"estimate": float(tw.params["D"]), "se": float(tw.bse["D"]), "k": int(tw.df_model),
             "nobs": int(tw.nobs)},
    "eventStudy": {
        "k": len(bins),
        "rows": [{"relTime": e, "estimate": float(es.params[f"rel[{e}]"]), "se": float(es.bse[f"rel[{e}]"])}
                 for e in bins],
    },
    "seconds": {"load": round(t_load, 4), "twfe": round(t_twfe, 4), "twfeWarm": round(tw_warm, 4),
                "eventStudy": round(t_es, 4), "eventStudyWarm": round(es_warm, 4)},
    "cpuSeconds": {"load": round(c_load, 4), "twfe": round(c_twfe, 4), "eventStudy": round(c_es, 4)},
    "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
