"""Golden numbers for truelift's Callaway & Sant'Anna estimator on mpdta (test/golden/did/cs-mpdta-python.json).

R is not installed here, so this script re-implements, line by line, the R code of
  * DRDID (pedrohcgs/DRDID): reg_did_panel, std_ipw_did_panel, drdid_panel (panel, unit weights), and
  * did 2.x (bcallaway11/did): compute.att_gt (panel branch), att_gt's analytic V and Wald pre-test, and
    compute.aggte's simple / dynamic / group / calendar aggregations with get_agg_inf_func and wif,
with numpy, statsmodels (Logit and OLS fits) and scipy (chi-square). It is an independent second implementation
of the same formulas: it pins the analytic (influence-function) standard errors and the aggregations, which the
published did output (bootstrap SEs, 4 dp) cannot. Point estimates are also checked against did's published
numbers in test/golden/did/cs-mpdta.json.

Deviation from did kept on purpose (and in truelift): the group aggregation's wif uses each group's own
indicator (did passes the ATT(g,t)-level `group` vector, so group[k] is the k-th cell's group there).

Run: /usr/bin/python3 test/golden/scripts/did_cs_mpdta.py
"""
import gzip
import io
import json
import os

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.api as sm
from scipy.stats import chi2

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
FIXTURE = os.path.join(ROOT, "test", "fixtures", "mpdta.csv.gz")
OUT = os.path.join(ROOT, "test", "golden", "did", "cs-mpdta-python.json")


def logit_ps(D, X):
    fit = sm.Logit(D, X).fit(disp=0, method="newton", tol=1e-14, maxiter=200)
    return fit.predict(X)


def reg_did_panel(y1, y0, D, X):
    n = len(D)
    dy = y1 - y0
    beta = sm.OLS(dy[D == 0], X[D == 0]).fit().params
    od = X @ beta
    w_treat = D.astype(float)
    w_cont = D.astype(float)
    eta_treat = np.mean(w_treat * dy) / np.mean(w_treat)
    eta_cont = np.mean(w_cont * od) / np.mean(w_cont)
    att = eta_treat - eta_cont
    w_ols = 1.0 - D
    XpX_inv = np.linalg.inv((w_ols[:, None] * X).T @ X / n)
    asy_ols = (w_ols * (dy - od))[:, None] * X @ XpX_inv
    inf_treat = (w_treat * dy - w_treat * eta_treat) / np.mean(w_treat)
    inf_cont1 = w_cont * od - w_cont * eta_cont
    M1 = np.mean(w_cont[:, None] * X, axis=0)
    inf_control = (inf_cont1 + asy_ols @ M1) / np.mean(w_cont)
    return att, inf_treat - inf_control


def std_ipw_did_panel(y1, y0, D, X):
    n = len(D)
    dy = y1 - y0
    ps = np.minimum(logit_ps(D, X), 1 - 1e-6)
    W = ps * (1 - ps)
    trim = np.where(D == 1, ps < 1.01, ps < 0.995)
    w_treat = trim * D
    w_cont = trim * ps * (1 - D) / (1 - ps)
    eta_treat = np.mean(w_treat * dy) / np.mean(w_treat)
    eta_cont = np.mean(w_cont * dy) / np.mean(w_cont)
    att = eta_treat - eta_cont
    score = (D - ps)[:, None] * X
    hess = np.linalg.inv(X.T @ (W[:, None] * X)) * n
    asy_ps = score @ hess
    inf_treat = (w_treat * dy - w_treat * eta_treat) / np.mean(w_treat)
    inf_cont1 = w_cont * dy - w_cont * eta_cont
    M2 = np.mean((w_cont * (dy - eta_cont))[:, None] * X, axis=0)
    inf_control = (inf_cont1 + asy_ps @ M2) / np.mean(w_cont)
    return att, inf_treat - inf_control


def drdid_panel(y1, y0, D, X):
    n = len(D)
    dy = y1 - y0
    ps = np.minimum(logit_ps(D, X), 1 - 1e-6)
    trim = np.where(D == 1, ps < 1.01, ps < 0.995)
    W = ps * (1 - ps)
    beta = sm.WLS(dy[D == 0], X[D == 0], weights=np.ones(int(np.sum(D == 0)))).fit().params
    od = X @ beta
    w_treat = trim * D
    w_cont = trim * ps * (1 - D) / (1 - ps)
    att_treat = w_treat * (dy - od)
    att_cont = w_cont * (dy - od)
    eta_treat = np.mean(att_treat) / np.mean(w_treat)
    eta_cont = np.mean(att_cont) / np.mean(w_cont)
    att = eta_treat - eta_cont
    w_ols = 1.0 - D
    XpX_inv = np.linalg.inv((w_ols[:, None] * X).T @ X / n)
    asy_wols = (w_ols * (dy - od))[:, None] * X @ XpX_inv
    score = (D - ps)[:, None] * X
    hess = np.linalg.inv(X.T @ (W[:, None] * X)) * n
    asy_ps = score @ hess
    inf_treat1 = att_treat - w_treat * eta_treat
    M1 = np.mean(w_treat[:, None] * X, axis=0)
    inf_treat2 = asy_wols @ M1
    inf_cont1 = att_cont - w_cont * eta_cont
    M2 = np.mean((w_cont * (dy - od - eta_cont))[:, None] * X, axis=0)
    inf_cont2 = asy_ps @ M2
    M3 = np.mean(w_cont[:, None] * X, axis=0)
    inf_cont3 = asy_wols @ M3
    inf_treat = (inf_treat1 - inf_treat2) / np.mean(w_treat)
    inf_control = (inf_cont1 + inf_cont2 - inf_cont3) / np.mean(w_cont)
    return att, inf_treat - inf_control


EST = {"reg": reg_did_panel, "ipw": std_ipw_did_panel, "dr": drdid_panel}


def att_gt(df, est_method, covs, control="nevertreated", base_period="varying", anticipation=0):
    """did's compute.att_gt (panel branch) + att_gt's analytic V, SEs and Wald pre-test."""
    df = df.sort_values(["countyreal", "year"])
    tlist = sorted(df.year.unique())
    glist = sorted(g for g in df["first.treat"].unique() if g > 0 and g > tlist[0] + anticipation)
    ids = df.countyreal.unique()
    n = len(ids)
    wide_y = df.pivot(index="countyreal", columns="year", values="lemp").loc[ids]
    G = df.groupby("countyreal")["first.treat"].first().loc[ids].to_numpy()
    Xs = {c: df.pivot(index="countyreal", columns="year", values=c).loc[ids] for c in covs}
    tfac = 0 if base_period == "universal" else 1
    out, infs = [], []
    for g in glist:
        for t in range(len(tlist) - tfac):
            pret = t
            if base_period == "universal":
                pret = max(i for i, tt in enumerate(tlist) if tt + anticipation < g)
            if control == "nevertreated":
                C = G == 0
            else:
                thr = tlist[max(t, pret) + tfac] + anticipation
                C = (G == 0) | ((G > thr) & (G != g))
            if g <= tlist[t + tfac]:
                pret = max(i for i, tt in enumerate(tlist) if tt + anticipation < g)
            cur = tlist[t + tfac]
            if base_period == "universal" and tlist[pret] == cur:
                out.append({"group": int(g), "time": int(cur), "att": 0.0})
                infs.append(np.zeros(n))
                continue
            Dg = G == g
            idx = Dg | C
            n1 = int(np.sum(idx))
            early = min(cur, tlist[pret])
            ypost = wide_y[cur].to_numpy()[idx]
            ypre = wide_y[tlist[pret]].to_numpy()[idx]
            X = np.column_stack([np.ones(n1)] + [Xs[c][early].to_numpy()[idx] for c in covs])
            att, inf = EST[est_method](ypost, ypre, Dg[idx].astype(float), X)
            full = np.zeros(n)
            full[idx] = (n / n1) * inf
            out.append({"group": int(g), "time": int(cur), "att": float(att)})
            infs.append(full)
    inffunc = np.column_stack(infs)
    V = inffunc.T @ inffunc / n
    se = np.sqrt(np.diag(V) / n)
    se[se <= np.sqrt(np.finfo(float).eps) * 10] = np.nan
    for o, s in zip(out, se):
        o["se"] = None if np.isnan(s) else float(s)
    group = np.array([o["group"] for o in out])
    tt = np.array([o["time"] for o in out])
    att = np.array([o["att"] for o in out])
    pre = np.where((group > tt) & ~np.isnan(se))[0]
    W = float(n * att[pre] @ np.linalg.solve(V[np.ix_(pre, pre)], att[pre]))
    pretest = {"W": W, "df": int(len(pre)), "pvalue": float(chi2.sf(W, len(pre)))}
    return out, inffunc, G, glist, pretest, n


def wif(keepers, pg, G, groups_of_keepers):
    S = np.sum(pg[keepers])
    ind = np.column_stack([(G == groups_of_keepers[j]).astype(float) - pg[k] for j, k in enumerate(keepers)])
    if1 = ind / S
    if2 = np.sum(ind, axis=1)[:, None] @ (pg[keepers] / S**2)[None, :]
    return if1 - if2


def agg_if(att, inffunc, which, w, wif_m=None):
    f = inffunc[:, which] @ w
    if wif_m is not None:
        f = f + wif_m @ att[which]
    return f


def getse(f):
    """did's getSE (analytic branch), with aggte's rule that an SE <= sqrt(eps) * 10 is NA."""
    n = len(f)
    se = float(np.sqrt(np.mean(f**2) / n))
    return None if se <= np.sqrt(np.finfo(float).eps) * 10 else se


def aggte(out, inffunc, G, glist, n):
    group = np.array([o["group"] for o in out])
    t = np.array([o["time"] for o in out])
    att = np.array([o["att"] for o in out])
    pgg = np.array([np.mean(G == g) for g in glist])
    pg = pgg[[glist.index(g) for g in group]]
    res = {}
    keep = np.where(group <= t)[0]
    w = pg[keep] / np.sum(pg[keep])
    f = agg_if(att, inffunc, keep, w, wif(keep, pg, G, group[keep]))
    res["simple"] = {"att": float(np.sum(att[keep] * w)), "se": getse(f)}
    # dynamic
    eseq = sorted(set(t - group))
    rows, fs = [], []
    for e in eseq:
        wh = np.where(t - group == e)[0]
        we = pg[wh] / np.sum(pg[wh])
        f = agg_if(att, inffunc, wh, we, wif(wh, pg, G, group[wh]))
        rows.append({"e": int(e), "att": float(np.sum(att[wh] * we)), "se": getse(f)})
        fs.append(f)
    pos = [i for i, e in enumerate(eseq) if e >= 0]
    fo = np.column_stack([fs[i] for i in pos]) @ np.full(len(pos), 1 / len(pos))
    res["dynamic"] = {
        "overall": {"att": float(np.mean([rows[i]["att"] for i in pos])), "se": getse(fo)},
        "by_event_time": rows,
    }
    # group
    rows, fs = [], []
    for g in glist:
        wh = np.where((group == g) & (g <= t))[0]
        f = agg_if(att, inffunc, wh, np.full(len(wh), 1 / len(wh)))
        rows.append({"group": int(g), "att": float(np.mean(att[wh])), "se": getse(f)})
        fs.append(f)
    attg = np.array([r["att"] for r in rows])
    Fg = np.column_stack(fs)
    allg = list(range(len(glist)))
    f = agg_if(attg, Fg, allg, pgg / np.sum(pgg), wif(np.array(allg), pgg, G, np.array(glist)))
    res["group"] = {"overall": {"att": float(np.sum(attg * pgg) / np.sum(pgg)), "se": getse(f)}, "by_group": rows}
    # calendar
    rows, fs = [], []
    for t1 in sorted(set(t[t >= min(group)])):
        wh = np.where((t == t1) & (group <= t))[0]
        wt = pg[wh] / np.sum(pg[wh])
        f = agg_if(att, inffunc, wh, wt, wif(wh, pg, G, group[wh]))
        rows.append({"time": int(t1), "att": float(np.sum(att[wh] * wt)), "se": getse(f)})
        fs.append(f)
    fo = np.column_stack(fs) @ np.full(len(fs), 1 / len(fs))
    res["calendar"] = {
        "overall": {"att": float(np.mean([r["att"] for r in rows])), "se": getse(fo)},
        "by_time": rows,
    }
    return res


CASES = [
    {"name": "reg", "estMethod": "reg", "covariates": [], "control": "never", "basePeriod": "varying"},
    {"name": "dr_lpop", "estMethod": "dr", "covariates": ["lpop"], "control": "never", "basePeriod": "varying"},
    {"name": "ipw_lpop", "estMethod": "ipw", "covariates": ["lpop"], "control": "never", "basePeriod": "varying"},
    {"name": "reg_lpop_notyet", "estMethod": "reg", "covariates": ["lpop"], "control": "notYet", "basePeriod": "varying"},
    {"name": "dr_lpop_universal", "estMethod": "dr", "covariates": ["lpop"], "control": "never", "basePeriod": "universal"},
    {"name": "ipw_lpop_notyet_universal", "estMethod": "ipw", "covariates": ["lpop"], "control": "notYet", "basePeriod": "universal"},
    {"name": "reg_anticipation1", "estMethod": "reg", "covariates": [], "control": "notYet", "basePeriod": "varying", "anticipation": 1},
]


def main():
    with gzip.open(FIXTURE, "rb") as fh:
        df = pd.read_csv(io.BytesIO(fh.read()))
    expected = {}
    for case in CASES:
        control = "nevertreated" if case["control"] == "never" else "notyettreated"
        out, inffunc, G, glist, pretest, n = att_gt(
            df, case["estMethod"], case["covariates"], control, case["basePeriod"], case.get("anticipation", 0)
        )
        agg = aggte(out, inffunc, G, glist, n)
        expected[case["name"]] = {"spec": case, "att_gt": out, "pretest": pretest, **agg}
    golden = {
        "tool": "numpy/statsmodels re-implementation of R did 2.x compute.att_gt/aggte and DRDID panel estimators",
        "version": f"numpy {np.__version__}, statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}",
        "call": "test/golden/scripts/did_cs_mpdta.py (analytic influence-function SEs; see the script's docstring)",
        "data": {"path": "test/fixtures/mpdta.csv.gz"},
        "expected": expected,
    }
    with open(OUT, "w") as fh:
        json.dump(golden, fh, indent=1)


if __name__ == "__main__":
    main()
