"""Golden values for truelift's logit() on the tutorial fixture.

Model: opt_in_agent_mode ~ query_confidence + C(engagement_tier, Treatment(reference='heavy'))
  1. statsmodels Logit (unpenalised MLE, Newton, tol=1e-14)   -> params, bse, z, p, CI, llf, llnull, prsquared
  2. scikit-learn LogisticRegression(C=1, tol=1e-12, max_iter=10000, solver='newton-cg') -> L2 (C = 1) optimum
     (intercept not penalised), cross-checked against an exact Newton solve of the same objective in numpy
  3. sklearn.metrics.roc_auc_score(y, statsmodels fitted probabilities)
Also: weighted fit (GLM Binomial, freq_weights) on the first 2000 rows with weights 1 + (user_id % 3).

Run:  /usr/bin/python3 test/golden/scripts/logit_fixture.py
Writes test/golden/logit/fixture_opt_in.json and test/golden/logit/fixture_weighted.json
"""
import json, os, warnings
import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from ols_common import FIXTURE as REL, FIXTURE_SHA256 as sha, load_fixture

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
df = load_fixture()  # checks the sha256 of the uncompressed CSV

formula = "opt_in_agent_mode ~ query_confidence + C(engagement_tier, Treatment(reference='heavy'))"
res = smf.logit(formula, data=df).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
names = ["Intercept", "query_confidence", "C(engagement_tier)[T.light]", "C(engagement_tier)[T.medium]"]
# statsmodels/patsy orders categorical terms before numeric ones; reorder to truelift's (spec) order.
SM_NAMES = ["Intercept", "query_confidence",
            "C(engagement_tier, Treatment(reference='heavy'))[T.light]",
            "C(engagement_tier, Treatment(reference='heavy'))[T.medium]"]
def ordered(series):
    return series.loc[SM_NAMES].values
ci = res.conf_int(0.05).loc[SM_NAMES].values
p_hat = res.predict(df)
auc = roc_auc_score(df["opt_in_agent_mode"], p_hat)

# exact Newton in numpy as an independent check of the MLE
X = np.column_stack([np.ones(len(df)), df["query_confidence"],
                     (df["engagement_tier"] == "light").astype(float),
                     (df["engagement_tier"] == "medium").astype(float)])
y = df["opt_in_agent_mode"].to_numpy(float)
b = np.zeros(4)
for _ in range(50):
    p = 1 / (1 + np.exp(-X @ b))
    g = X.T @ (y - p)
    H = X.T @ (X * (p * (1 - p))[:, None])
    b = b + np.linalg.solve(H, g)
assert np.max(np.abs(b - ordered(res.params))) < 1e-10, (b, ordered(res.params))

# L2 with sklearn convention: minimise C * sum(logloss) + 0.5 * ||coef||^2, intercept unpenalised
Xs = X[:, 1:]
sk = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000, solver="newton-cg").fit(Xs, y)
sk_lbfgs = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000, solver="lbfgs").fit(Xs, y)
# exact Newton on the penalised objective
C_PEN = 1.0
P = np.diag([0.0, 1.0, 1.0, 1.0])
bp = np.zeros(4)
for _ in range(50):
    p = 1 / (1 + np.exp(-X @ bp))
    g = C_PEN * X.T @ (y - p) - P @ bp
    H = C_PEN * X.T @ (X * (p * (1 - p))[:, None]) + P
    bp = bp + np.linalg.solve(H, g)
sk_params = np.concatenate([sk.intercept_, sk.coef_[0]])
sk_lbfgs_params = np.concatenate([sk_lbfgs.intercept_, sk_lbfgs.coef_[0]])
p_pen = 1 / (1 + np.exp(-X @ bp))

out = {
    "tool": "statsmodels / scikit-learn",
    "version": f"statsmodels {statsmodels.__version__}; scikit-learn {sklearn.__version__}; numpy {np.__version__}; scipy {scipy.__version__}",
    "call": f"smf.logit(\"{formula}\", data=df).fit(method='newton', tol=1e-14, maxiter=200); "
            "roc_auc_score(y, res.predict(df)); "
            "LogisticRegression(C=1.0, tol=1e-12, max_iter=10000, solver='newton-cg' and 'lbfgs').fit(X, y); "
            "penalised optimum polished by exact Newton in numpy",
    "data": {"path": REL, "sha256": sha},
    "expected": {
        "names": names,
        "statsmodels_names": SM_NAMES,
        "coef": ordered(res.params).tolist(),
        "se": ordered(res.bse).tolist(),
        "z": ordered(res.tvalues).tolist(),
        "p": ordered(res.pvalues).tolist(),
        "ci_lower": ci[:, 0].tolist(),
        "ci_upper": ci[:, 1].tolist(),
        "llf": float(res.llf),
        "llnull": float(res.llnull),
        # statsmodels fits the null model iteratively (llnull above is ~3e-6 short of the maximum); closed form:
        "llnull_exact": float(np.sum(y * np.log(y.mean()) + (1 - y) * np.log1p(-y.mean()))),
        "prsquared": float(res.prsquared),
        "nobs": int(res.nobs),
        "auc": float(auc),
        "fitted_first5": p_hat.values[:5].tolist(),
        "l2_C1": {
            "newton_exact": bp.tolist(),
            "sklearn_newton_cg": sk_params.tolist(),
            "sklearn_lbfgs": sk_lbfgs_params.tolist(),
            "auc": float(roc_auc_score(y, p_pen)),
        },
    },
}
with open(os.path.join(ROOT, "test/golden/logit/fixture_opt_in.json"), "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")

# Weighted (frequency weights) on a subset: statsmodels GLM Binomial with freq_weights
sub = df.iloc[:2000].copy()
w = 1.0 + (sub["user_id"].to_numpy() % 3)
glm = smf.glm(formula, data=sub, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-14, maxiter=200)
ci = glm.conf_int(0.05).loc[SM_NAMES].values
Xw = np.column_stack([np.ones(len(sub)), sub["query_confidence"],
                      (sub["engagement_tier"] == "light").astype(float),
                      (sub["engagement_tier"] == "medium").astype(float)])
skw = LogisticRegression(C=0.5, tol=1e-12, max_iter=10000, solver="newton-cg").fit(
    Xw[:, 1:], sub["opt_in_agent_mode"], sample_weight=w)
yw = sub["opt_in_agent_mode"].to_numpy(float)
bw = np.zeros(4)
for _ in range(50):
    pw = 1 / (1 + np.exp(-Xw @ bw))
    g = 0.5 * Xw.T @ (w * (yw - pw)) - P @ bw
    H = 0.5 * Xw.T @ (Xw * (w * pw * (1 - pw))[:, None]) + P
    bw = bw + np.linalg.solve(H, g)
outw = {
    "tool": "statsmodels GLM Binomial (freq_weights) / scikit-learn",
    "version": f"statsmodels {statsmodels.__version__}; scikit-learn {sklearn.__version__}",
    "call": f"smf.glm(\"{formula}\", data=df.iloc[:2000], family=Binomial(), freq_weights=1 + user_id % 3).fit(tol=1e-14); "
            "LogisticRegression(C=0.5, tol=1e-12, solver='newton-cg').fit(X, y, sample_weight=w); "
            "roc_auc_score(y, p, sample_weight=w)",
    "data": {"path": REL, "sha256": sha, "filter": "first 2000 rows; weights 1 + (user_id % 3)"},
    "expected": {
        "names": names,
        "coef": ordered(glm.params).tolist(),
        "se": ordered(glm.bse).tolist(),
        "z": ordered(glm.tvalues).tolist(),
        "p": ordered(glm.pvalues).tolist(),
        "ci_lower": ci[:, 0].tolist(),
        "ci_upper": ci[:, 1].tolist(),
        "llf": float(glm.llf),
        "auc": float(roc_auc_score(sub["opt_in_agent_mode"], glm.predict(sub), sample_weight=w)),
        "l2_C0_5": {
            "newton_exact": bw.tolist(),
            "sklearn_newton_cg": np.concatenate([skw.intercept_, skw.coef_[0]]).tolist(),
        },
    },
}
with open(os.path.join(ROOT, "test/golden/logit/fixture_weighted.json"), "w") as f:
    json.dump(outw, f, indent=2)
    f.write("\n")
print(json.dumps(out["expected"], indent=1))
print(json.dumps(outw["expected"], indent=1))
