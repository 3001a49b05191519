"""Golden: the DiD design on the tutorial fixture — 2x2 table, regression DiD, TWFE, event study (+ joint Wald
test of the leads), anticipation check, covariate-shift checks and naive contrasts — all with statsmodels
(dummy-variable regressions, cluster-robust by workspace_id).

fixest's convention for clustered SEs with absorbed fixed effects (ssc fixef.K = "nested") excludes fixed effects
nested in the cluster (workspace) from K in (N-1)/(N-K); statsmodels, fitting the dummies explicitly, counts
them. The fixest-convention SEs are statsmodels' CR1 SEs times sqrt((N-K_sm)/(N-K_fixest)), recorded as
`bse_fixest`; K_fixest = K_sm - (workspaces - 1).

Run: /usr/bin/python3 test/golden/scripts/did_design.py  -> test/golden/did/tutorial.json
"""
import numpy as np
import scipy
import scipy.stats as st
import statsmodels.formula.api as smf

from ols_common import DID_PREP, did_subset, fixture_data, load_fixture, write

df = load_fixture()
d = did_subset(df)
G = d.workspace_id.nunique()
groups = d.workspace_id.values


def clustered(formula, data):
    res = smf.ols(formula, data=data).fit(cov_type="cluster", cov_kwds={"groups": data.workspace_id.values}, use_t=True)
    return res


def fe_fit(formula, data, names):
    """Dummy-variable fit with workspace and week dummies; fixest-convention SEs and vcov for `names`."""
    res = clustered(formula + " + C(workspace_id) + C(signup_week)", data)
    n = res.nobs
    k_sm = res.df_model + 1
    k_fx = k_sm - (data.workspace_id.nunique() - 1)
    scale = (n - k_sm) / (n - k_fx)
    cov = res.cov_params().loc[names, names].values * scale
    return {
        "names": names,
        "params": [float(res.params[x]) for x in names],
        "bse_statsmodels": [float(res.bse[x]) for x in names],
        "bse_fixest": [float(np.sqrt(cov[i, i])) for i in range(len(names))],
        "cov_fixest": cov.tolist(),
        "nobs": float(n),
        "k_statsmodels": float(k_sm),
        "k_fixest": float(k_fx),
    }


def table(res, names=None):
    names = names or list(res.model.exog_names)
    return {"names": names, "params": [float(res.params[x]) for x in names], "bse": [float(res.bse[x]) for x in names]}


# 2x2
cells = d.groupby(["treated", "post"]).task_completed.agg(["count", "mean"])
cell_rows = [{"treated": int(t), "post": int(p), "n": int(r["count"]), "mean": float(r["mean"])} for (t, p), r in cells.iterrows()]
two = clustered("task_completed ~ treated * post", d)

# regression DiD with covariates
reg = clustered("task_completed ~ treated * post + C(engagement_tier)", d)

# TWFE: y ~ D + tier | workspace + week  (D = treated:post)
d["D"] = d.treated * d.post
tw = fe_fit("task_completed ~ D + C(engagement_tier)", d, ["D"])

# event study: leads -5 (binned: <= -5) .. -2, lags 0 .. 9, reference -1, relative to week 20 for wave 1
rel = np.where(d.treated == 1, d.signup_week - 20, np.nan)
bins = [-5, -4, -3, -2] + list(range(0, 10))
ev_names = []
for e in bins:
    name = f"ev_m{-e}" if e < 0 else f"ev_p{e}"
    r = np.clip(rel, -5, 9)
    d[name] = ((d.treated == 1) & (r == e)).astype(float)
    ev_names.append(name)
es = fe_fit("task_completed ~ " + " + ".join(ev_names) + " + C(engagement_tier)", d, ev_names)
lead_idx = [0, 1, 2, 3]
b = np.array(es["params"])[lead_idx]
V = np.array(es["cov_fixest"])[np.ix_(lead_idx, lead_idx)]
chi2 = float(b @ np.linalg.solve(V, b))
q = len(lead_idx)
wald = {"chi2": chi2, "F": chi2 / q, "df1": q, "df2": G - 1, "p": float(st.f.sf(chi2 / q, q, G - 1))}

# anticipation: rows not (treated & post); last_pre = treated & week in {18, 19}
a = d[~((d.treated == 1) & (d.post == 1))].copy()
a["last_pre"] = ((a.treated == 1) & (a.signup_week >= 18)).astype(float)
ant = fe_fit("task_completed ~ last_pre + C(engagement_tier)", a, ["last_pre"])

# covariate shifts: each non-reference tier dummy's own DiD
shifts = {}
for lvl in ["light", "medium"]:
    d["lvl"] = (d.engagement_tier == lvl).astype(float)
    shifts[lvl] = table(clustered("lvl ~ treated * post", d), ["treated:post"])

# naive contrasts (Welch)
tp = d[(d.treated == 1) & (d.post == 1)].task_completed
tpre = d[(d.treated == 1) & (d.post == 0)].task_completed
cp = d[(d.treated == 0) & (d.post == 1)].task_completed
def welch(x, y):
    t = st.ttest_ind(x, y, equal_var=False)
    return {"estimate": float(x.mean() - y.mean()), "se": float((x.mean() - y.mean()) / t.statistic), "p": float(t.pvalue)}

write(
    "tutorial",
    DID_PREP + "statsmodels smf.ols(...).fit(cov_type='cluster', cov_kwds={'groups': workspace_id}, use_t=True) for "
    "'task_completed ~ treated * post', '... + C(engagement_tier)', TWFE/event study/anticipation as dummy regressions "
    "'... + C(workspace_id) + C(signup_week)'; scipy.stats.ttest_ind(equal_var=False) for naive contrasts",
    fixture_data("signup_week < 30; post = signup_week >= 20; treated = wave == 1"),
    {
        "clusters": int(G),
        "cells": cell_rows,
        "two_by_two": table(two, ["treated:post"]),
        "regression": table(reg),
        "twfe": tw,
        "event_study": {"bins": bins, **es, "wald_leads": wald},
        "anticipation": ant,
        "covariate_shifts": shifts,
        "naive": {"post_gap": welch(tp, cp), "before_after": welch(tp, tpre)},
        "scipy": scipy.__version__,
    },
    area="did",
)
