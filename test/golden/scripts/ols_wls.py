"""Golden (c): weighted least squares on the fixture (weights = session_minutes), iid / HC / cluster.

Run: /usr/bin/python3 test/golden/scripts/ols_wls.py  → test/golden/ols/wls.json
"""
import statsmodels.formula.api as smf

from ols_common import DID_PREP, did_subset, fixture_data, load_fixture, summarize, write

df = load_fixture()
d = did_subset(df)
FORMULA = "task_completed ~ treated*post + C(engagement_tier) + query_confidence"
model = smf.wls(FORMULA, data=d, weights=d["session_minutes"])
groups = d["workspace_id"].values
fits = {
    "iid": ("model.fit()", model.fit()),
    "HC0": ("model.fit(cov_type='HC0', use_t=True)", model.fit(cov_type="HC0", use_t=True)),
    "HC1": ("model.fit(cov_type='HC1', use_t=True)", model.fit(cov_type="HC1", use_t=True)),
    "HC2": ("model.fit(cov_type='HC2', use_t=True)", model.fit(cov_type="HC2", use_t=True)),
    "HC3": ("model.fit(cov_type='HC3', use_t=True)", model.fit(cov_type="HC3", use_t=True)),
    "CR1_t": (
        "model.fit(cov_type='cluster', cov_kwds={'groups': d['workspace_id'].values}, use_t=True)",
        model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True),
    ),
}
prep = (
    DID_PREP
    + f"model = smf.wls('{FORMULA}', data=d, weights=d['session_minutes'])"
)
write(
    "wls",
    prep + "; " + " | ".join(f"{k}: {c}" for k, (c, _) in fits.items()),
    fixture_data("signup_week < 30; post = signup_week >= 20; treated = wave == 1; weights = session_minutes"),
    {"formula": FORMULA, "weights": "session_minutes", "cluster": "workspace_id",
     "fits": {k: summarize(r) for k, (_, r) in fits.items()}},
)
