"""Golden numbers for rdd() on the tutorial fixture (test/golden/rdd/fixture.json).

Sharp RD at query_confidence 0.85, treated side below, uniform kernel on the open window c - h < x < c + h,
separate slopes each side (full interaction), heteroskedasticity-robust SEs, normal reference (statsmodels'
cov_type default use_t=False), exactly as ../shared/baselines/python/rdd.py. Run from the repository root:
    /usr/bin/python3 test/golden/scripts/rdd_fixture.py
"""
import json

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

LINEAR = "task_completed ~ below_cutoff + rc + below_cutoff:rc"
QUADRATIC = LINEAR + " + rc2 + below_cutoff:rc2"
CUTOFF = 0.85
PATH = "test/fixtures/saas_llm_logs_seed42.csv.gz"
df = pd.read_csv(PATH)


def window(bw):
    near = df[(df.query_confidence > CUTOFF - bw) & (df.query_confidence < CUTOFF + bw)].copy()
    near["below_cutoff"] = (near.query_confidence < CUTOFF).astype(int)
    near["rc"] = near.query_confidence - CUTOFF
    near["rc2"] = near.rc ** 2
    return near


def row(formula, bw, cov):
    near = window(bw)
    m = smf.ols(formula, data=near).fit(cov_type=cov)
    ci = m.conf_int().loc["below_cutoff"].tolist()
    return {
        "estimate": float(m.params["below_cutoff"]),
        "se": float(m.bse["below_cutoff"]),
        "p": float(m.pvalues["below_cutoff"]),
        "ci": [float(ci[0]), float(ci[1])],
        "n": int(m.nobs),
        "n_below": int(near.below_cutoff.sum()),
    }


def triangular(bw, cov, p=1):
    """Kernel-weighted local polynomial (triangular weights (1 - |u|)/h) as one WLS with full interactions."""
    u = (df.query_confidence - CUTOFF) / bw
    w = (1 - u.abs()) / bw
    near = df[(u.abs() <= 1) & (w > 0)].copy()
    near["below_cutoff"] = (near.query_confidence < CUTOFF).astype(int)
    near["rc"] = near.query_confidence - CUTOFF
    near["rc2"] = near.rc ** 2
    formula = LINEAR if p == 1 else QUADRATIC
    m = smf.wls(formula, data=near, weights=w[near.index]).fit(cov_type=cov)
    return {"estimate": float(m.params["below_cutoff"]), "se": float(m.bse["below_cutoff"]), "n": int(m.nobs)}


out = {
    "sweep_hc3": {f"{bw:.2f}": row(LINEAR, bw, "HC3") for bw in (0.05, 0.10, 0.15, 0.20)},
    "bw010": {cov: row(LINEAR, 0.10, cov) for cov in ("HC0", "HC2", "HC3")},
    "quadratic_hc3": row(QUADRATIC, 0.10, "HC3"),
    "triangular_wls": {cov: triangular(0.10, cov) for cov in ("HC0", "HC2", "HC3")},
    "triangular_wls_p2": {cov: triangular(0.10, cov, 2) for cov in ("HC0",)},
    "naive": float(
        df.loc[df.routed_to_premium == 1, "task_completed"].mean()
        - df.loc[df.routed_to_premium == 0, "task_completed"].mean()
    ),
}
golden = {
    "tool": "statsmodels",
    "version": statsmodels.__version__,
    "numpy": np.__version__,
    "pandas": pd.__version__,
    "call": "smf.ols('task_completed ~ below_cutoff + rc + below_cutoff:rc' (+ rc2 + below_cutoff:rc2), "
    "data=df[(x > 0.85 - bw) & (x < 0.85 + bw)]).fit(cov_type='HC3'|'HC0'|'HC2'); triangular kernel: smf.wls(..., weights=(1 - |u|)/h).fit(cov_type=...) on |u| <= 1; naive = mean by routed_to_premium",
    "data": {"path": PATH},
    "expected": out,
}
with open("test/golden/rdd/fixture.json", "w") as f:
    json.dump(golden, f, indent=1)
print(json.dumps(out, indent=1)[:1500])
