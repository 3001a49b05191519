"""Peer side of bench/did-regression: the tutorial's clustered DiD regression in statsmodels, timed by section.

Same data and model as truelift's side: rows with signup_week < 30, post = signup_week >= 20, treated = wave == 1,
`task_completed ~ treated*post + C(engagement_tier)`, cluster-robust by workspace_id (statsmodels CR1).
Prints one JSON object with the coefficient, its SE, section timings (seconds) and peak RSS (bytes).
"""
import json
import resource
import sys
import time

import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

path = sys.argv[1]
t0 = time.perf_counter()
df = pd.read_csv(path, usecols=["workspace_id", "engagement_tier", "signup_week", "wave", "task_completed"])
t_load = time.perf_counter() - t0



def fit_once():
    t1 = time.perf_counter()
    a = df[df.signup_week < 30].copy()
    a["post"] = (a.signup_week >= 20).astype(int)
    a["treated"] = (a.wave == 1).astype(int)
    fit = smf.ols("task_completed ~ treated * post + C(engagement_tier)", data=a).fit(
        cov_type="cluster", cov_kwds={"groups": a.workspace_id})
    return fit, len(a), time.perf_counter() - t1


# First call, then five more (the median of those is "warm", for symmetry with truelift's JIT warm-up).
fit, rows_used, t_fit = fit_once()
warm = sorted(fit_once()[2] for _ in range(5))

print(json.dumps({
    "tool": "statsmodels", "version": statsmodels.__version__, "python": sys.version.split()[0],
    "rows": int(len(df)), "rowsUsed": int(rows_used),
    "estimate": float(fit.params["treated:post"]), "se": float(fit.bse["treated:post"]),
    "seconds": {"load": round(t_load, 4), "fit": round(t_fit, 4), "fitWarm": round(warm[2], 4)},
    "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
