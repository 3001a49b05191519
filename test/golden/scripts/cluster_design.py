"""Golden: the cluster-randomized design on the tutorial fixture with statsmodels — naive user-level OLS, the
workspace-mean WLS weighted by workspace size (t(K-2)), user-level OLS with CR1 (t(G-1)), and the two-exposure
model clustered by workspace — plus the exposure counts. Definitions from ../shared/fixtures/README.md:
treated_workspace = workspace_id < 25 (= wave 1); spillover_exposed = untreated and opt_in_agent_mode = 1.

Run: /usr/bin/python3 test/golden/scripts/cluster_design.py  -> test/golden/cluster/design.json
"""
import os

import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from ols_common import FIXTURE, FIXTURE_SHA256, ROOT, load_fixture, summarize, write

OUTCOME = "test/fixtures/cluster_outcome_seed42.csv.gz"
users = load_fixture()
outcome = pd.read_csv(os.path.join(ROOT, OUTCOME))
d = users.merge(outcome, on="user_id", how="left", validate="1:1")
d["treated"] = (d.workspace_id < 25).astype(int)
d["is_spillover"] = ((d.treated == 0) & (d.opt_in_agent_mode == 1)).astype(int)
assert (d.treated == (d.wave == 1)).all()

naive = smf.ols("session_minutes_obs ~ treated", data=d).fit()
ws = d.groupby("workspace_id").agg(m=("session_minutes_obs", "mean"), n=("user_id", "count"), t=("treated", "max"))
wls = sm.WLS(ws.m, sm.add_constant(ws.t), weights=ws.n).fit()
cr1 = smf.ols("session_minutes_obs ~ treated", data=d).fit(
    cov_type="cluster", cov_kwds={"groups": d.workspace_id.values}, use_t=True)
two = smf.ols("session_minutes_obs ~ treated + is_spillover", data=d).fit(
    cov_type="cluster", cov_kwds={"groups": d.workspace_id.values}, use_t=True)

share = float(d.is_spillover.mean())
b = two.params
v = two.cov_params()
projected = float(b["treated"] + share * b["is_spillover"])
projected_se = float((v.loc["treated", "treated"] + share**2 * v.loc["is_spillover", "is_spillover"]
                      + 2 * share * v.loc["treated", "is_spillover"]) ** 0.5)

write(
    "design",
    "d = users.merge(outcome, on='user_id'); d['treated'] = (d.workspace_id < 25).astype(int); "
    "d['is_spillover'] = ((d.treated == 0) & (d.opt_in_agent_mode == 1)).astype(int); "
    "naive: smf.ols('session_minutes_obs ~ treated', d).fit() | "
    "wls: sm.WLS(ws.m, sm.add_constant(ws.t), weights=ws.n).fit() on workspace means | "
    "cr1: smf.ols('session_minutes_obs ~ treated', d).fit(cov_type='cluster', cov_kwds={'groups': d.workspace_id.values}, use_t=True) | "
    "two_exposure: smf.ols('session_minutes_obs ~ treated + is_spillover', d).fit(cov_type='cluster', ..., use_t=True); "
    "projected = b_treated + share * b_spillover, share = d.is_spillover.mean(), SE by the delta method",
    {"path": FIXTURE, "sha256": FIXTURE_SHA256, "outcome": OUTCOME, "join": "user_id"},
    {
        "counts": {
            "treated": int(d.treated.sum()),
            "spillover": int(d.is_spillover.sum()),
            "pure_control": int(((d.treated == 0) & (d.is_spillover == 0)).sum()),
        },
        "sizes": {"min": int(ws.n.min()), "median": float(ws.n.median()), "max": int(ws.n.max())},
        "naive": summarize(naive),
        "wls": summarize(wls),
        "cr1": summarize(cr1),
        "two_exposure": summarize(two),
        "spillover_share": share,
        "projected": projected,
        "projected_se": projected_se,
    },
    area="cluster",
)
