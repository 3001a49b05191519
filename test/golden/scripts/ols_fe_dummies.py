"""Fixed-effects goldens: explicit-dummy regressions in statsmodels, which the absorbed (demeaned) fits must equal.

fixest is not installed, so absorbed FE are proven by the identity "absorbed == explicit dummies" and the dummy
version is goldened here:
  - fixture TWFE DiD: task_completed ~ treated:post + C(engagement_tier) + C(workspace_id) [+ C(signup_week)];
  - simulated unbalanced panel (data written into the JSON), OLS and WLS, one and two FEs.

Run: /usr/bin/python3 test/golden/scripts/ols_fe_dummies.py  → test/golden/ols/fe_fixture.json, fe_simulated.json
"""
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from ols_common import did_subset, fixture_data, load_fixture, summarize, write

# --- fixture -----------------------------------------------------------------------------------------------
df = load_fixture()
d = did_subset(df)
groups = d["workspace_id"].values
F1 = "task_completed ~ post + treated:post + C(engagement_tier) + C(workspace_id)"
F2 = "task_completed ~ treated:post + C(engagement_tier) + C(workspace_id) + C(signup_week)"
m1 = smf.ols(F1, data=d)
m2 = smf.ols(F2, data=d)
fits = {
    "one_fe_iid": ("m1.fit()", m1.fit()),
    "one_fe_HC1": ("m1.fit(cov_type='HC1', use_t=True)", m1.fit(cov_type="HC1", use_t=True)),
    "one_fe_CR1": (
        "m1.fit(cov_type='cluster', cov_kwds={'groups': d['workspace_id'].values}, use_t=True)",
        m1.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True),
    ),
    "two_fe_iid": ("m2.fit()", m2.fit()),
    "two_fe_CR1": (
        "m2.fit(cov_type='cluster', cov_kwds={'groups': d['workspace_id'].values}, use_t=True)",
        m2.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True),
    ),
}


def slim(res, keep):
    """Only the non-dummy coefficients (the absorbed fit has no dummy terms)."""
    s = summarize(res)
    idx = [i for i, nm in enumerate(s["names"]) if nm in keep]
    out = {k: v for k, v in s.items() if k not in ("names", "params", "bse", "statistic", "pvalues", "ci", "cov")}
    out["names"] = [s["names"][i] for i in idx]
    for k in ("params", "bse", "statistic", "pvalues", "ci"):
        out[k] = [s[k][i] for i in idx]
    out["cov"] = [[s["cov"][i][j] for j in idx] for i in idx]
    out["k_total"] = len(s["names"])
    return out


keep = {"post", "treated:post", "C(engagement_tier)[T.light]", "C(engagement_tier)[T.medium]"}
write(
    "fe_fixture",
    "d = df[df.signup_week < 30]; d['post'] = (d.signup_week >= 20).astype(int); "
    f"d['treated'] = (d.wave == 1).astype(int); m1 = smf.ols('{F1}', data=d); m2 = smf.ols('{F2}', data=d); "
    + " | ".join(f"{k}: {c}" for k, (c, _) in fits.items()),
    fixture_data("signup_week < 30; post = signup_week >= 20; treated = wave == 1"),
    {"formula_one_fe": F1, "formula_two_fe": F2, "fits": {k: slim(r, keep) for k, (_, r) in fits.items()}},
)

# --- simulated unbalanced panel -------------------------------------------------------------------------
SEED = 7
rng = np.random.default_rng(SEED)
n = 500
firm = rng.integers(0, 25, n)
year = rng.integers(0, 8, n)
fe_f = rng.normal(0, 1, 25)
fe_y = rng.normal(0, 1, 8)
x1 = np.round(rng.normal(0, 1, n) + 0.5 * fe_f[firm], 6)
x2 = np.round(rng.uniform(-1, 1, n) + 0.3 * fe_y[year], 6)
w = np.round(rng.uniform(0.5, 2.0, n), 6)
y = np.round(0.7 * x1 - 0.4 * x2 + fe_f[firm] + fe_y[year] + rng.normal(0, 1, n), 6)
s = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "w": w, "firm": firm, "year": year})
G1 = "y ~ x1 + x2 + C(firm)"
G2 = "y ~ x1 + x2 + C(firm) + C(year)"
o1 = smf.ols(G1, data=s)
o2 = smf.ols(G2, data=s)
w2 = smf.wls(G2, data=s, weights=s["w"])
gf = s["firm"].values
gy = s[["firm", "year"]].values
sfits = {
    "ols_one_fe_iid": ("o1.fit()", o1.fit()),
    "ols_one_fe_HC1": ("o1.fit(cov_type='HC1', use_t=True)", o1.fit(cov_type="HC1", use_t=True)),
    "ols_one_fe_HC3": ("o1.fit(cov_type='HC3', use_t=True)", o1.fit(cov_type="HC3", use_t=True)),
    "ols_one_fe_CR1": (
        "o1.fit(cov_type='cluster', cov_kwds={'groups': s['firm'].values}, use_t=True)",
        o1.fit(cov_type="cluster", cov_kwds={"groups": gf}, use_t=True),
    ),
    "ols_two_fe_iid": ("o2.fit()", o2.fit()),
    "ols_two_fe_HC1": ("o2.fit(cov_type='HC1', use_t=True)", o2.fit(cov_type="HC1", use_t=True)),
    "ols_two_fe_CR1": (
        "o2.fit(cov_type='cluster', cov_kwds={'groups': s['firm'].values}, use_t=True)",
        o2.fit(cov_type="cluster", cov_kwds={"groups": gf}, use_t=True),
    ),
    "ols_two_fe_CR1_twoway": (
        "o2.fit(cov_type='cluster', cov_kwds={'groups': s[['firm', 'year']].values}, use_t=True)",
        o2.fit(cov_type="cluster", cov_kwds={"groups": gy}, use_t=True),
    ),
    "wls_two_fe_iid": ("w2.fit()", w2.fit()),
    "wls_two_fe_CR1": (
        "w2.fit(cov_type='cluster', cov_kwds={'groups': s['firm'].values}, use_t=True)",
        w2.fit(cov_type="cluster", cov_kwds={"groups": gf}, use_t=True),
    ),
}
write(
    "fe_simulated",
    f"o1 = smf.ols('{G1}', data=s); o2 = smf.ols('{G2}', data=s); w2 = smf.wls('{G2}', data=s, weights=s['w']); "
    + " | ".join(f"{k}: {c}" for k, (c, _) in sfits.items()),
    {
        "generator": f"numpy.random.default_rng({SEED}), see test/golden/scripts/ols_fe_dummies.py",
        "columns": {k: [v.item() for v in s[k].values] for k in s.columns},
    },
    {"formula_one_fe": G1, "formula_two_fe": G2, "fits": {k: slim(r, {"x1", "x2"}) for k, (_, r) in sfits.items()}},
)
