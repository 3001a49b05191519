"""Golden (d) and (e): a simulated design written INTO the golden JSON (tests never depend on numpy's RNG).

(d) a categorical with a non-default reference level, a numeric x categorical interaction (reduced and
    full-rank patsy codings), a few missing x values (dropped), one- and two-way clustering;
(e) the same data without an intercept (full-rank dummies).

Run: /usr/bin/python3 test/golden/scripts/ols_simulated.py  → test/golden/ols/simulated.json
"""
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from ols_common import summarize, write

SEED = 20240611
rng = np.random.default_rng(SEED)
n = 600
firm = rng.integers(0, 40, n)
year = rng.integers(0, 12, n)
g = rng.choice(np.array(["a", "b", "c", "d"]), n)
h = rng.choice(np.array(["p", "q", "r"]), n)
x = np.round(rng.normal(0, 1, n), 6)
z = np.round(rng.uniform(0, 2, n), 6)
firm_eff = rng.normal(0, 0.5, 40)
year_eff = rng.normal(0, 0.5, 12)
gslope = {"a": 0.2, "b": -0.3, "c": 0.0, "d": 0.5}
hz = {"p": 0.1, "q": 0.4, "r": -0.2}
y = (1.0 + 0.5 * x + np.array([gslope[v] for v in g]) * x + np.array([hz[v] for v in h]) * z
     + firm_eff[firm] + year_eff[year] + rng.normal(0, 1, n) * (1 + 0.5 * np.abs(x)))
y = np.round(y, 6)
x = x.astype(float)
x[rng.choice(n, 7, replace=False)] = np.nan

d = pd.DataFrame({"y": y, "x": x, "z": z, "g": g, "h": h, "firm": firm, "year": year})
used = d.dropna()

FORMULA = "y ~ x * C(g, Treatment('c')) + C(h):z"
m = smf.ols(FORMULA, data=d)
two = used[["firm", "year"]].values
fits = {
    "iid": ("m.fit()", m.fit()),
    "HC1": ("m.fit(cov_type='HC1', use_t=True)", m.fit(cov_type="HC1", use_t=True)),
    "HC3": ("m.fit(cov_type='HC3', use_t=True)", m.fit(cov_type="HC3", use_t=True)),
    "CR1_firm": (
        "m.fit(cov_type='cluster', cov_kwds={'groups': d.dropna()['firm'].values}, use_t=True)",
        m.fit(cov_type="cluster", cov_kwds={"groups": used["firm"].values}, use_t=True),
    ),
    "CR1_firm_year": (
        "m.fit(cov_type='cluster', cov_kwds={'groups': d.dropna()[['firm', 'year']].values}, use_t=True)",
        m.fit(cov_type="cluster", cov_kwds={"groups": two}, use_t=True),
    ),
    "CR1_firm_year_normal": (
        "m.fit(cov_type='cluster', cov_kwds={'groups': d.dropna()[['firm', 'year']].values}, use_t=False)",
        m.fit(cov_type="cluster", cov_kwds={"groups": two}, use_t=False),
    ),
}
FORMULA0 = "y ~ 0 + C(g) + x"
m0 = smf.ols(FORMULA0, data=d)
fits0 = {
    "iid": ("m0.fit()", m0.fit()),
    "HC1": ("m0.fit(cov_type='HC1', use_t=True)", m0.fit(cov_type="HC1", use_t=True)),
}


def col(v):
    return [None if (isinstance(e, float) and np.isnan(e)) else (e.item() if hasattr(e, "item") else e) for e in v]


write(
    "simulated",
    f"m = smf.ols(\"{FORMULA}\", data=d); "
    + " | ".join(f"{k}: {c}" for k, (c, _) in fits.items())
    + f"; m0 = smf.ols('{FORMULA0}', data=d); "
    + " | ".join(f"{k}: {c}" for k, (c, _) in fits0.items()),
    {
        "generator": f"numpy.random.default_rng({SEED}), see test/golden/scripts/ols_simulated.py",
        "columns": {k: col(d[k].tolist()) for k in d.columns},
    },
    {
        "formula": FORMULA,
        "nobs_total": int(n),
        "dropped": int(n - len(used)),
        "fits": {k: summarize(r) for k, (_, r) in fits.items()},
        "formula_no_intercept": FORMULA0,
        "fits_no_intercept": {k: summarize(r) for k, (_, r) in fits0.items()},
    },
)
