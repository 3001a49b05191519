"""Python peers of the latency benchmark (bench/latency.mjs): what each design's default `truelift` call computes,
done the way the tutorials do it with pandas / statsmodels / scikit-learn / scipy, as one process per call.

    /usr/bin/python3 bench/python/latency.py --design help
    /usr/bin/python3 bench/python/latency.py --design did --data saas.csv
    /usr/bin/python3 bench/python/latency.py --design cluster --data saas.csv --outcome cluster_outcome.csv --reps 1999

The benchmark times the whole process (interpreter start, imports, CSV read, fits) from outside; the script prints
one JSON line with the headline numbers so a run can be checked. Sections follow ../../shared/baselines/python/
(the same pipelines), without the bootstraps the default CLI calls do not run.
"""
import argparse
import json

p = argparse.ArgumentParser()
p.add_argument("--design", required=True, choices=["help", "did", "rdd", "propensity", "synth", "cluster"])
p.add_argument("--data")
p.add_argument("--outcome", help="cluster_outcome_seed42.csv (cluster only)")
p.add_argument("--reps", type=int, default=1999, help="cluster: pairs bootstrap replicates (truelift's default)")
args = p.parse_args()

# `truelift --help`'s peer: the imports a pandas/statsmodels command line pays before it can print anything.
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import statsmodels.api as sm  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402

out = {}


def did():
    df = pd.read_csv(args.data)
    a = df[df.signup_week < 30].copy()
    a["post"] = (a.signup_week >= 20).astype(int)
    a["treated"] = (a.wave == 1).astype(int)
    fit = smf.ols("task_completed ~ treated * post", data=a).fit(
        cov_type="cluster", cov_kwds={"groups": a.workspace_id})
    pre = a[a.post == 0].copy()
    pre["weeks_since_start"] = pre.signup_week - 10
    plc = smf.ols("task_completed ~ treated * weeks_since_start", data=pre).fit(
        cov_type="cluster", cov_kwds={"groups": pre.workspace_id})
    out.update(did=fit.params["treated:post"], se=fit.bse["treated:post"],
               pretrend_p=plc.pvalues["treated:weeks_since_start"])


def rdd():
    # statsmodels has no rdrobust: the tutorial's local linear fits (HC3) at its four bandwidths, the quadratic
    # check and the density bins stand in for truelift's MSE-optimal fit, density test and rdplot.
    df = pd.read_csv(args.data)
    cutoff = 0.85
    for bw in (0.05, 0.10, 0.15, 0.20):
        near = df[(df.query_confidence > cutoff - bw) & (df.query_confidence < cutoff + bw)].copy()
        near["below"] = (near.query_confidence < cutoff).astype(int)
        near["rc"] = near.query_confidence - cutoff
        near["rc2"] = near.rc ** 2
        m = smf.ols("task_completed ~ below * rc", data=near).fit(cov_type="HC3")
        out[f"bw{bw:.2f}"] = [m.params["below"], m.bse["below"]]
        if bw == 0.10:
            q = smf.ols("task_completed ~ below * rc + below:rc2 + rc2", data=near).fit(cov_type="HC3")
            out["quadratic"] = q.params["below"]
    edges = (0.80, 0.82, 0.84, 0.86, 0.88, 0.90)
    out["bins"] = [int(((df.query_confidence >= lo) & (df.query_confidence < hi)).sum())
                   for lo, hi in zip(edges[:-1], edges[1:])]


def propensity():
    from sklearn.metrics import roc_auc_score

    df = pd.read_csv(args.data)
    t = df.opt_in_agent_mode.values
    y = df.task_completed.values.astype(float)
    x = sm.add_constant(pd.get_dummies(df[["engagement_tier"]], drop_first=True).astype(float))
    ps = sm.Logit(t, x).fit(disp=0).predict(x).values
    tr, co = t == 1, t == 0
    w = np.where(tr, 1 / ps, 1 / (1 - ps))
    ipw = np.average(y[tr], weights=w[tr]) - np.average(y[co], weights=w[co])
    m1 = sm.OLS(y[tr], x[tr]).fit().predict(x).values
    m0 = sm.OLS(y[co], x[co]).fit().predict(x).values
    aipw = np.mean(m1 - m0 + tr * (y - m1) / ps - co * (y - m0) / (1 - ps))
    # 1-NN matching on the score, averaging over every tied control (truelift's tie rule): controls that share a
    # score are one candidate whose outcome is their mean.
    ctrl = pd.DataFrame({"ps": ps[co], "y": y[co]}).groupby("ps").y.mean()
    cand = ctrl.index.values
    nearest = np.abs(ps[tr, None] - cand[None, :]).argmin(axis=1)
    out.update(auc=roc_auc_score(t, ps), ipw_ate=ipw, aipw_ate=aipw,
               nn1_att=float((y[tr] - ctrl.values[nearest]).mean()))


def synth():
    from scipy.optimize import minimize

    df = pd.read_csv(args.data)
    d = df[df.signup_week < 30]
    piv = d.groupby(["signup_week", "workspace_id"]).task_completed.mean().unstack("workspace_id")
    piv = piv.reindex(range(30)).interpolate(method="linear", axis=0).ffill().bfill()
    y, donors = piv[list(range(25))].mean(axis=1).values, piv[list(range(25, 50))].values

    def gap(yy, dd):
        n = dd.shape[1]
        res = minimize(lambda w: np.mean((yy[:20] - dd[:20] @ w) ** 2), np.ones(n) / n, method="SLSQP",
                       bounds=[(0, 1)] * n, constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}],
                       options={"ftol": 1e-12, "maxiter": 5000})
        return float((yy[20:] - dd[20:] @ res.x).mean()), res.x

    g, w = gap(y, donors)
    placebo = [gap(donors[:, j], np.delete(donors, j, axis=1))[0] for j in range(donors.shape[1])]
    loo = [gap(y, np.delete(donors, j, axis=1))[0] for j in np.where(w > 0.001)[0]]
    out.update(gap=g, placebo_sd=float(np.std(placebo)), loo=[min(loo), max(loo)])


def cluster():
    df = pd.read_csv(args.data).merge(pd.read_csv(args.outcome), on="user_id", how="left", validate="1:1")
    df["direct"] = (df.wave == 1).astype(int)
    df["spill"] = ((df.direct == 0) & (df.opt_in_agent_mode == 1)).astype(int)

    def fits(d):
        ws = d.groupby("workspace_id").agg(m=("session_minutes_obs", "mean"), n=("user_id", "count"),
                                           t=("direct", "max"))
        wls = sm.WLS(ws.m, sm.add_constant(ws.t), weights=ws.n).fit()
        te = smf.ols("session_minutes_obs ~ direct + spill", data=d).fit(
            cov_type="cluster", cov_kwds={"groups": d.workspace_id})
        return wls.params["t"], te.params["direct"], te.params["spill"]

    est = fits(df)
    rng = np.random.default_rng(7)
    ids = df.workspace_id.unique()
    groups = {k: g for k, g in df.groupby("workspace_id")}
    reps = np.array([fits(pd.concat([groups[k] for k in rng.choice(ids, size=len(ids))], ignore_index=True))
                     for _ in range(args.reps)])
    out.update(wls=est[0], direct=est[1], spillover=est[2],
               boot_ci_direct=[float(v) for v in np.percentile(reps[:, 1], [2.5, 97.5])])


if args.design != "help":
    globals()[args.design]()
print(json.dumps({"design": args.design, **{k: (float(v) if isinstance(v, (np.floating, np.integer)) else v)
                                            for k, v in out.items()}}))
