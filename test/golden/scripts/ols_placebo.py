"""Golden (b): the pre-period placebo (differential linear pre-trend) on the fixture, clustered by workspace.

Run: /usr/bin/python3 test/golden/scripts/ols_placebo.py  → test/golden/ols/placebo.json
"""
import statsmodels.formula.api as smf

from ols_common import DID_PREP, did_subset, fixture_data, load_fixture, summarize, write

df = load_fixture()
d = did_subset(df)
pre = d[d.post == 0].copy()
pre["weeks_since_start"] = pre.signup_week - 10
FORMULA = "task_completed ~ treated*weeks_since_start + C(engagement_tier)"
model = smf.ols(FORMULA, data=pre)
groups = pre["workspace_id"].values
fits = {
    "iid": ("model.fit()", model.fit()),
    "CR1_t": (
        "model.fit(cov_type='cluster', cov_kwds={'groups': pre['workspace_id'].values}, use_t=True)",
        model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True),
    ),
    # statsmodels' own default for cluster (use_t=False, normal reference): the tutorial's p = 0.4435.
    "CR1_normal": (
        "model.fit(cov_type='cluster', cov_kwds={'groups': pre['workspace_id'].values}, use_t=False)",
        model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=False),
    ),
}
prep = (
    DID_PREP
    + "pre = d[d.post == 0].copy(); pre['weeks_since_start'] = pre.signup_week - 10; "
    f"model = smf.ols('{FORMULA}', data=pre)"
)
write(
    "placebo",
    prep + "; " + " | ".join(f"{k}: {c}" for k, (c, _) in fits.items()),
    fixture_data("signup_week < 20 (signup_week < 30 and post == 0); weeks_since_start = signup_week - 10; treated = wave == 1"),
    {"formula": FORMULA, "cluster": "workspace_id", "fits": {k: summarize(r) for k, (_, r) in fits.items()}},
)
