"""Golden values for truelift's propensity() design on the tutorial fixture (and on MatchIt's lalonde).

Treatment opt_in_agent_mode; outcome task_completed; covariates engagement_tier (dummies, reference heavy) +
query_confidence.
  1. statsmodels Logit (unpenalised MLE, Newton, tol=1e-14)       -> coefficients, fitted scores
     scikit-learn LogisticRegression(C=1, newton-cg, tol=1e-12), polished by exact Newton in numpy -> L2 scores
     sklearn roc_auc_score                                        -> AUC
  2. IPW by weighted regression: statsmodels WLS(y ~ 1 + t, weights) with ATE weights t/p + (1-t)/(1-p) and
     ATT weights t + (1-t) p/(1-p): the slope is the Hajek (normalised) IPW estimate
  3. M-estimation sandwich, computed here independently of truelift's block formulas: theta = (beta, mu1, mu0),
     stacked psi_i = [x_i (t_i - p_i) - pen * beta / n ; IPW mean equations], A = -mean d psi / d theta by
     central finite differences, B = mean psi psi', V = A^-1 B A^-T / n
  4. Regression adjustment (OLS per arm, statsmodels) with SEs from the stacked M-estimator (finite-difference
     Jacobian), AIPW ATE (plug-in influence function) and the normalised DR ATT (ratio influence function)
  5. Balance (cobalt conventions): SMD = (weighted mean difference) / sd, sd from the UNWEIGHTED groups, pooled
     sqrt((s1^2 + s0^2)/2) or treated s1; binary columns use p(1-p); continuous columns the n-1 variance;
     weighted variances sum w (x - m)^2 / (sum w - sum w^2 / sum w); variance ratios for continuous columns only
  6. Crump et al. (2009) threshold: the root of gamma = 2 E[g | g <= gamma], g = 1/(p(1-p)), on lalonde
  7. E-value (VanderWeele & Ding 2017) of the risk ratio (mu0 + effect)/mu0

Run:  /usr/bin/python3 test/golden/scripts/propensity_fixture.py
Writes test/golden/propensity/fixture.json and test/golden/propensity/lalonde_python.json
(lalonde.csv is written by propensity_matchit.R; run that first.)
"""
import json, os, hashlib
import numpy as np
import pandas as pd
import scipy
import sklearn
import statsmodels
import statsmodels.api as sm
import statsmodels.formula.api as smf
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from ols_common import FIXTURE as REL, FIXTURE_SHA256 as SHA, load_fixture

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "propensity")
VERSION = (f"statsmodels {statsmodels.__version__}; scikit-learn {sklearn.__version__}; numpy {np.__version__}; "
           f"scipy {scipy.__version__}; pandas {pd.__version__}")


def logit_newton(X, t, lam_diag):
    b = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-X @ b))
        g = X.T @ (t - p) - lam_diag * b
        H = X.T @ (X * (p * (1 - p))[:, None]) + np.diag(lam_diag)
        step = np.linalg.solve(H, g)
        b = b + step
        if np.max(np.abs(step)) < 1e-15:
            break
    return b


def sandwich(psi_fn, theta, scale=None):
    """A = -mean d psi/d theta (central differences), B = mean psi psi', V = A^-1 B A^-T / n. `scale[j]` is the
    typical size of the regressor multiplying theta[j], so the step moves the linear index by ~1e-6."""
    psi = psi_fn(theta)
    n, k = psi.shape
    scale = np.ones(k) if scale is None else scale
    A = np.zeros((k, k))
    for j in range(k):
        h = 1e-6 * max(1.0, abs(theta[j])) / max(1.0, scale[j])
        tp, tm = theta.copy(), theta.copy()
        tp[j] += h
        tm[j] -= h
        A[:, j] = -(psi_fn(tp).mean(0) - psi_fn(tm).mean(0)) / (2 * h)
    B = psi.T @ psi / n
    Ai = np.linalg.inv(A)
    return Ai @ B @ Ai.T / n


def ipw_sandwich(X, t, y, beta, lam_diag, estimand):
    n, k = X.shape
    def psi_fn(th):
        b, m1, m0 = th[:k], th[k], th[k + 1]
        p = 1 / (1 + np.exp(-X @ b))
        sb = X * (t - p)[:, None] - (lam_diag * b)[None, :] / n
        if estimand == "ATE":
            e1 = t / p * (y - m1)
            e0 = (1 - t) / (1 - p) * (y - m0)
        else:
            e1 = t * (y - m1)
            e0 = (1 - t) * p / (1 - p) * (y - m0)
        return np.column_stack([sb, e1, e0])
    p = 1 / (1 + np.exp(-X @ beta))
    if estimand == "ATE":
        m1 = np.sum(t * y / p) / np.sum(t / p)
        m0 = np.sum((1 - t) * y / (1 - p)) / np.sum((1 - t) / (1 - p))
    else:
        m1 = np.sum(t * y) / np.sum(t)
        r = p / (1 - p)
        m0 = np.sum((1 - t) * r * y) / np.sum((1 - t) * r)
    th = np.concatenate([beta, [m1, m0]])
    V = sandwich(psi_fn, th, np.r_[np.abs(X).mean(0), 1.0, 1.0])
    c = np.zeros(k + 2)
    c[k], c[k + 1] = 1, -1
    return m1 - m0, float(np.sqrt(c @ V @ c))


def wls_ipw(t, y, w):
    fit = sm.WLS(y, sm.add_constant(t), weights=w).fit()
    return float(fit.params[1])


def ra_stacked(Xo, t, y, estimand):
    n, k = Xo.shape
    b1 = sm.OLS(y[t == 1], Xo[t == 1]).fit().params
    b0 = sm.OLS(y[t == 0], Xo[t == 0]).fit().params
    if estimand == "ATE":
        tau = float(np.mean(Xo @ b1 - Xo @ b0))
    else:
        tau = float(np.mean((y - Xo @ b0)[t == 1]))
    def psi_fn(th):
        a1, a0, tt = th[:k], th[k:2 * k], th[2 * k]
        s1 = Xo * (t * (y - Xo @ a1))[:, None]
        s0 = Xo * ((1 - t) * (y - Xo @ a0))[:, None]
        if estimand == "ATE":
            e = Xo @ a1 - Xo @ a0 - tt
        else:
            e = t * (y - Xo @ a0 - tt)
        return np.column_stack([s1, s0, e])
    sc = np.abs(Xo).mean(0)
    V = sandwich(psi_fn, np.concatenate([b1, b0, [tau]]), np.r_[sc, sc, 1.0])
    return tau, float(np.sqrt(V[2 * k, 2 * k])), b1, b0


def aipw(Xo, t, y, p):
    n = len(y)
    b1 = sm.OLS(y[t == 1], Xo[t == 1]).fit().params
    b0 = sm.OLS(y[t == 0], Xo[t == 0]).fit().params
    mu1, mu0 = Xo @ b1, Xo @ b0
    phi = mu1 - mu0 + t * (y - mu1) / p - (1 - t) * (y - mu0) / (1 - p)
    ate = phi.mean()
    se_ate = np.sqrt(np.sum((phi - ate) ** 2)) / n
    r = p / (1 - p)
    d = y - mu0
    n1 = t.sum()
    A, B, b = np.sum(t * d), np.sum((1 - t) * r * d), np.sum((1 - t) * r)
    att = A / n1 - B / b
    f = np.where(t == 1, (d - A / n1) / n1, -(r * (d - B / b)) / b)
    return float(ate), float(se_ate), float(att), float(np.sqrt(np.sum(f ** 2)))


def wmean(x, w):
    return np.sum(w * x) / np.sum(w)


def wvar(x, w, binary):
    m = wmean(x, w)
    if binary:
        return m * (1 - m)
    return np.sum(w * (x - m) ** 2) / (np.sum(w) - np.sum(w ** 2) / np.sum(w))


def balance(cols, t, w_ate, w_att, denominator):
    rows = []
    one = np.ones_like(t)
    for name, x, binary in cols:
        tr, co = t == 1, t == 0
        v1, v0 = wvar(x[tr], one[tr], binary), wvar(x[co], one[co], binary)
        sd = np.sqrt((v1 + v0) / 2) if denominator == "pooled" else np.sqrt(v1)
        row = {
            "covariate": name,
            "smdRaw": (x[tr].mean() - x[co].mean()) / sd,
            "smdAte": (wmean(x[tr], w_ate[tr]) - wmean(x[co], w_ate[co])) / sd,
            "smdAtt": (x[tr].mean() - wmean(x[co], w_att[co])) / sd,
            "varianceRatioRaw": None if binary else v1 / v0,
            "varianceRatioAte": None if binary else wvar(x[tr], w_ate[tr], False) / wvar(x[co], w_ate[co], False),
            "varianceRatioAtt": None if binary else v1 / wvar(x[co], w_att[co], False),
        }
        rows.append({k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in row.items()})
    return rows


def crump(p):
    """gamma solves gamma = 2 E[g | g <= gamma]; on sorted g the conditional mean is constant between order
    statistics, so the root is 2 * mean(g_(1..k)) for the first k where it falls in [g_(k), g_(k+1))."""
    g = 1 / (p * (1 - p))
    if g.max() <= 2 * g.mean():
        return 0.0
    gs = np.sort(g)
    cand = 2 * np.cumsum(gs) / np.arange(1, len(gs) + 1)
    nxt = np.r_[gs[1:], np.inf]
    k = int(np.argmax((gs <= cand) & (cand < nxt)))
    return float(0.5 - np.sqrt(0.25 - 1 / cand[k]))


def evalue(rr):
    r = rr if rr >= 1 else 1 / rr
    return float(r + np.sqrt(r * (r - 1)))


def analyse(df, treat, outcome, dummies, numerics, ref_levels, C=None):
    """Returns the dict of expected values for one data set."""
    t = df[treat].to_numpy(float)
    y = df[outcome].to_numpy(float)
    cols_model = []
    for col, levels, ref in dummies:
        for lev in levels:
            if lev != ref:
                cols_model.append((f"C({col})[T.{lev}]", (df[col] == lev).to_numpy(float)))
    for col in numerics:
        cols_model.append((col, df[col].to_numpy(float)))
    X = np.column_stack([np.ones(len(df))] + [c for _, c in cols_model])
    names = ["Intercept"] + [n for n, _ in cols_model]
    k = X.shape[1]
    lam = np.zeros(k) if C is None else np.r_[0.0, np.full(k - 1, 1 / C)]
    beta = logit_newton(X, t, lam)
    p = 1 / (1 + np.exp(-X @ beta))
    out = {"names": names, "coefficients": beta.tolist(), "auc": float(roc_auc_score(t, p))}
    w_ate = np.where(t == 1, 1 / p, 1 / (1 - p))
    w_att = np.where(t == 1, 1.0, p / (1 - p))
    out["ipwAteWls"] = wls_ipw(t, y, w_ate)
    out["ipwAttWls"] = wls_ipw(t, y, w_att)
    out["ipwAte"], out["ipwAteSe"] = ipw_sandwich(X, t, y, beta, lam, "ATE")
    out["ipwAtt"], out["ipwAttSe"] = ipw_sandwich(X, t, y, beta, lam, "ATT")
    out["naive"] = float(y[t == 1].mean() - y[t == 0].mean())
    if C is not None:
        return out
    ra_ate, ra_ate_se, _, _ = ra_stacked(X, t, y, "ATE")
    ra_att, ra_att_se, _, _ = ra_stacked(X, t, y, "ATT")
    a_ate, a_ate_se, a_att, a_att_se = aipw(X, t, y, p)
    out.update({"raAte": ra_ate, "raAteSe": ra_ate_se, "raAtt": ra_att, "raAttSe": ra_att_se,
                "aipwAte": a_ate, "aipwAteSe": a_ate_se, "aipwAtt": a_att, "aipwAttSe": a_att_se})
    bal_cols = []
    for col, levels, ref in dummies:
        for lev in levels:
            bal_cols.append((f"{col}[{lev}]", (df[col] == lev).to_numpy(float), True))
    for col in numerics:
        x = df[col].to_numpy(float)
        bal_cols.append((col, x, bool(np.all((x == 0) | (x == 1)))))
    out["balancePooled"] = balance(bal_cols, t, w_ate, w_att, "pooled")
    out["balanceTreated"] = balance(bal_cols, t, w_ate, w_att, "treated")
    out["crumpAlpha"] = crump(p)
    mu0 = np.sum((1 - t) * y / (1 - p)) / np.sum((1 - t) / (1 - p))
    out["eValueAteRisk"] = evalue((mu0 + out["ipwAte"]) / mu0)
    ess = lambda w: float(np.sum(w) ** 2 / np.sum(w ** 2))
    out["essAte"] = {"treated": ess(w_ate[t == 1]), "control": ess(w_ate[t == 0])}
    out["essAtt"] = {"control": ess(w_att[t == 0])}
    return out


os.makedirs(OUT, exist_ok=True)
df = load_fixture()
tiers = ("engagement_tier", ["heavy", "light", "medium"], "heavy")
exp = analyse(df, "opt_in_agent_mode", "task_completed", [tiers], ["query_confidence"], None)
# statsmodels cross-check of the MLE
sm_fit = smf.logit("opt_in_agent_mode ~ C(engagement_tier) + query_confidence", data=df).fit(
    method="newton", tol=1e-14, maxiter=200, disp=0)
assert np.max(np.abs(sm_fit.params.values - np.array(exp["coefficients"]))) < 1e-10
exp_l2 = analyse(df, "opt_in_agent_mode", "task_completed", [tiers], ["query_confidence"], None, C=1.0)
sk = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000, solver="newton-cg").fit(
    np.column_stack([(df.engagement_tier == "light"), (df.engagement_tier == "medium"), df.query_confidence]).astype(float),
    df.opt_in_agent_mode)
assert np.max(np.abs(np.r_[sk.intercept_, sk.coef_[0]] - np.array(exp_l2["coefficients"]))) < 1e-6
exp["l2"] = exp_l2
with open(os.path.join(OUT, "fixture.json"), "w") as f:
    json.dump({
        "tool": "statsmodels / scikit-learn / numpy",
        "version": VERSION,
        "call": "see test/golden/scripts/propensity_fixture.py: smf.logit (Newton) + numpy Newton; sm.WLS(y, [1, t], weights) for IPW; finite-difference M-estimation sandwich; sm.OLS per arm for RA/AIPW; cobalt-convention SMDs",
        "data": {"path": REL, "sha256": SHA},
        "expected": exp,
    }, f, indent=1)

lal_path = os.path.join(OUT, "lalonde.csv")
if os.path.exists(lal_path):
    lal = pd.read_csv(lal_path)
    race = ("race", ["black", "hispan", "white"], "black")
    exp_l = analyse(lal, "treat", "re78", [race], ["age", "educ", "married", "nodegree", "re74", "re75"], None)
    with open(os.path.join(OUT, "lalonde_python.json"), "w") as f:
        json.dump({
            "tool": "statsmodels / scikit-learn / numpy",
            "version": VERSION,
            "call": "analyse(lalonde, 'treat', 're78', race dummies (ref black), age, educ, married, nodegree, re74, re75) in test/golden/scripts/propensity_fixture.py",
            "data": {"path": "test/golden/propensity/lalonde.csv",
                     "sha256": hashlib.sha256(open(lal_path, "rb").read()).hexdigest()},
            "expected": exp_l,
        }, f, indent=1)
print("ok")
