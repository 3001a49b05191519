"""Golden (a): the tutorial DiD regression on the fixture, with every variance estimator.

Run: /usr/bin/python3 test/golden/scripts/ols_did.py  → test/golden/ols/did.json
"""
import statsmodels.formula.api as smf

from ols_common import DID_PREP, did_subset, fixture_data, load_fixture, summarize, write

df = load_fixture()
d = did_subset(df)
FORMULA = "task_completed ~ treated*post + C(engagement_tier)"
model = smf.ols(FORMULA, data=d)
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
    "CR1_normal": (
        "model.fit(cov_type='cluster', cov_kwds={'groups': d['workspace_id'].values}, use_t=False)",
        model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=False),
    ),
}
prep = (
    DID_PREP
    + f"model = smf.ols('{FORMULA}', data=d)"
)
write(
    "did",
    prep + "; " + " | ".join(f"{k}: {c}" for k, (c, _) in fits.items()),
    fixture_data("signup_week < 30; post = signup_week >= 20; treated = wave == 1"),
    {"formula": FORMULA, "cluster": "workspace_id", "fits": {k: summarize(r) for k, (_, r) in fits.items()}},
)
