"""Golden values for truelift's nearestNeighbourMatch() on the tutorial fixture, computed independently by brute
force in numpy (full distance matrices in chunks, no sorting or pools).

Propensity: unpenalised logit of opt_in_agent_mode on engagement_tier dummies (reference heavy) + query_confidence
(numpy Newton, as propensity_fixture.py). Distance d = ps or logit(ps); |d_i - d_j| in float64.
Tie rule "all": every control with distance <= the k-th smallest distance (within the caliper); "first": the k
smallest by (distance, row index). Matches weighted 1/#matches.
Abadie-Imbens (2006) variance, no bias correction, score treated as known: sigma2_i = m/(m+1) (Y_i - mean of the
m nearest same-arm rows, J = 1 with the same tie rule)^2; K_i = sum of weights of row i as a match, KK_i = sum of
squared weights;
  ATT sample     (1/N1^2)[sum_T sigma2 + sum_C K^2 sigma2]
  ATT population (1/N1^2)[sum_T (tau_i - tau)^2 + sum_C (K^2 - KK) sigma2]
  ATE sample     (1/N^2) sum (1 + K)^2 sigma2
  ATE population (1/N^2)[sum (tau_i - tau)^2 + sum (K^2 + 2K - KK) sigma2]
Run:  /usr/bin/python3 test/golden/scripts/propensity_match.py
  -> test/golden/propensity/match-fixture.json and test/golden/propensity/match-rosenbaum.json

Rosenbaum bounds (rbounds::psens formulas) in numpy/scipy on fixed pair differences with ties and zeros:
  zeros dropped; q = scipy.stats.rankdata(|d|) (average ranks); T = sum q[d > 0]
  p+ = G/(1+G), p- = 1/(1+G); p-value bound = 1 - Phi((T - p sum q) / sqrt(p (1-p) sum q^2)), no continuity corr.
  Gamma critical: scipy.optimize.brentq on upper(G) - 0.05.
  Cross-check: at Gamma = 1 both bounds equal scipy.stats.wilcoxon(d, zero_method='wilcox', correction=False,
  alternative='greater', mode='approx') (tie-corrected variance).
"""
import json, os
import numpy as np
import pandas as pd
import scipy
from scipy import stats, optimize

from ols_common import FIXTURE as REL, FIXTURE_SHA256 as SHA, load_fixture

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "propensity")


def logit_newton(X, t):
    b = np.zeros(X.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-X @ b))
        step = np.linalg.solve(X.T @ (X * (p * (1 - p))[:, None]), X.T @ (t - p))
        b = b + step
        if np.max(np.abs(step)) < 1e-15:
            break
    return 1 / (1 + np.exp(-X @ b))


def neighbours(dq, idx_q, dp, idx_p, k, ties, cal, exclude_self):
    """For each query row, the list of pool row indices matched (None when nothing within the caliper)."""
    out = []
    for s in range(0, len(dq), 400):
        D = np.abs(dq[s:s + 400, None] - dp[None, :])
        if exclude_self:
            D[idx_q[s:s + 400, None] == idx_p[None, :]] = np.inf
        D[D > cal] = np.inf
        for r in range(D.shape[0]):
            row = D[r]
            ok = np.isfinite(row)
            if not ok.any():
                out.append(None)
                continue
            if ok.sum() <= k:
                out.append(idx_p[ok])
                continue
            kth = np.partition(row, k - 1)[k - 1]
            if ties == "all":
                out.append(idx_p[row <= kth])
            else:
                order = np.lexsort((idx_p, row))
                out.append(idx_p[order[:k]])
    return out


def match(ps, t, y, distance="ps", k=1, ties="all", caliper=None, estimand="ATT"):
    d = ps if distance == "ps" else np.log(ps / (1 - ps))
    cal = np.inf if caliper is None else caliper * np.std(d, ddof=1)
    n = len(y)
    i1, i0 = np.flatnonzero(t == 1), np.flatnonzero(t == 0)
    K, KK = np.zeros(n), np.zeros(n)
    eff = {}
    groups = [(i1, i0)] + ([(i0, i1)] if estimand == "ATE" else [])
    n1_matched = 0
    for q, p in groups:
        res = neighbours(d[q], q, d[p], p, k, ties, cal, False)
        for i, js in zip(q, res):
            if js is None:
                continue
            w = 1 / len(js)
            K[js] += w
            KK[js] += w * w
            yb = y[js].mean()
            eff[i] = y[i] - yb if t[i] == 1 else yb - y[i]
            n1_matched += t[i] == 1
    tau = np.mean(list(eff.values()))
    N = len(eff)
    own = np.zeros(n)
    own[list(eff.keys())] = 1
    involved = (own > 0) | (K > 0)
    s2 = np.zeros(n)
    for arm in (0, 1):
        q = np.flatnonzero(involved & (t == arm))
        p = np.flatnonzero(t == arm)
        res = neighbours(d[q], q, d[p], p, 1, ties, np.inf, True)
        for i, js in zip(q, res):
            m = len(js)
            s2[i] = m / (m + 1) * (y[i] - y[js].mean()) ** 2
    dev = np.sum((np.array(list(eff.values())) - tau) ** 2)
    if estimand == "ATT":
        vs = np.sum(s2[(t == 1) & (own > 0)]) + np.sum((K ** 2 * s2)[t == 0])
        vp = dev + np.sum(((K ** 2 - KK) * s2)[t == 0])
    else:
        vs = np.sum((own + K) ** 2 * s2)
        vp = dev + np.sum((K ** 2 + 2 * own * K - KK) * s2)
    return {
        "estimate": float(tau), "se": float(np.sqrt(vp) / N), "seSample": float(np.sqrt(vs) / N),
        "treatedMatched": int(n1_matched), "treatedUnmatched": int(len(i1) - n1_matched),
        "distinctControlsUsed": int(np.sum(K[i0] > 0)),
        "weightSum": float(np.sum(own * (1 if estimand == "ATE" else t) + (K if estimand == "ATE" else K * (1 - t)))),
    }


# ---- Rosenbaum bounds ----
rng = np.random.default_rng(20261123)
d = np.round(rng.normal(0.6, 2.0, 80) * 2) / 2  # half-unit grid: many ties and some zeros
d = d.tolist()


def bounds(d, gammas):
    d = np.asarray(d, float)
    nz = d[d != 0]
    q = stats.rankdata(np.abs(nz))
    T = q[nz > 0].sum()
    def p_at(p):
        return float(stats.norm.sf((T - p * q.sum()) / np.sqrt(p * (1 - p) * np.sum(q ** 2))))
    rows = [{"gamma": g, "upper": p_at(g / (1 + g)), "lower": p_at(1 / (1 + g))} for g in gammas]
    up = lambda g: p_at(g / (1 + g)) - 0.05
    crit = float(optimize.brentq(up, 1, 100, xtol=1e-14, rtol=1e-14)) if up(1) < 0 else None
    return {"statistic": float(T), "pairs": int(len(nz)), "zeros": int(np.sum(d == 0)), "rows": rows,
            "gammaCritical": crit}


gammas = [round(1 + i / 10, 1) for i in range(11)]
exp = bounds(d, gammas)
w = stats.wilcoxon(d, zero_method="wilcox", correction=False, alternative="greater", mode="approx")
assert abs(w.pvalue - exp["rows"][0]["upper"]) < 1e-12, (w.pvalue, exp["rows"][0])
exp["scipyWilcoxonP"] = float(w.pvalue)
exp["differences"] = d
with open(os.path.join(OUT, "match-rosenbaum.json"), "w") as f:
    json.dump({"tool": "numpy / scipy", "version": f"numpy {np.__version__}; scipy {scipy.__version__}",
               "call": "bounds(d, [1, 1.1, ..., 2]) in test/golden/scripts/propensity_rosenbaum.py; scipy.stats.wilcoxon at Gamma = 1",
               "data": {"source": "80 seeded normal draws rounded to 0.5 (stored as expected.differences)"},
               "expected": exp}, f, indent=1)
print(exp["statistic"], exp["pairs"], exp["zeros"], exp["gammaCritical"], exp["rows"][0], exp["rows"][-1])

# ---- matching ----
df = load_fixture()
t = df.opt_in_agent_mode.to_numpy(float)
y = df.task_completed.to_numpy(float)
X = np.column_stack([np.ones(len(df)), (df.engagement_tier == "light"), (df.engagement_tier == "medium"),
                     df.query_confidence]).astype(float)
ps = logit_newton(X, t)
ti = t.astype(int)
cases = {
    "att_ps_k1_all": dict(),
    "att_ps_k1_first": dict(ties="first"),
    "ate_ps_k1_all": dict(estimand="ATE"),
    # ps scale: on the logit scale, controls on an equally spaced covariate grid can be equidistant in exact
    # arithmetic, and whether the float64 distances tie then depends on the rounding of log(p / (1 - p)).
    "att_ps_k3_all_caliper": dict(k=3, caliper=0.01),
}
# share of treated rows with several controls at exactly the minimum distance
i1, i0 = np.flatnonzero(ti == 1), np.flatnonzero(ti == 0)
multi = [len(js) > 1 for js in neighbours(ps[i1], i1, ps[i0], i0, 1, "all", np.inf, False)]
exp = {name: match(ps, ti, y, **kw) for name, kw in cases.items()}
exp["options"] = {name: kw for name, kw in cases.items()}
exp["shareTreatedWithTies"] = float(np.mean(multi))
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "match-fixture.json"), "w") as f:
    json.dump({
        "tool": "numpy (brute-force matching)",
        "version": f"numpy {np.__version__}; pandas {pd.__version__}; scipy {scipy.__version__}",
        "call": "match(ps, t, y, **options) in test/golden/scripts/propensity_match.py",
        "data": {"path": REL, "sha256": SHA},
        "expected": exp,
    }, f, indent=1)
print(json.dumps(exp, indent=1))
