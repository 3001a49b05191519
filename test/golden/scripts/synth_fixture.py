"""Golden numbers for truelift's synthetic control on the tutorial fixture (test/golden/synth/fixture.json).

Panel exactly as the tutorial / ../shared/baselines/python/synth.py builds it (workspace x signup_week means of
task_completed, weeks 0-29, linear interpolation then edge fill; treated = mean of wave-1 workspaces 0-24; donors
= workspaces 25-49). Simplex weights are solved EXACTLY: SLSQP (scipy) with a tight tolerance to find the support,
then the equality-constrained least squares on that support solved from its KKT linear system (numpy.linalg),
and the full KKT conditions (stationarity, w >= 0, multipliers of the zero weights >= 0) checked; the support is
enlarged / shrunk until they hold. Placebos (each donor against the other 24) and leave-one-out over donors with
weight > 0.001 use the same exact solver.

Run: /usr/bin/python3 test/golden/scripts/synth_fixture.py > test/golden/synth/fixture.json
"""
import gzip
import hashlib
import json
import sys

import numpy as np
import pandas as pd
import scipy
from scipy.optimize import minimize

PATH = "test/fixtures/saas_llm_logs_seed42.csv.gz"
PRE, WINDOW = 20, 30


def build_panel(d):
    d = d[d.signup_week < WINDOW]
    piv = d.groupby(["signup_week", "workspace_id"]).task_completed.mean().unstack("workspace_id")
    piv = piv.reindex(range(WINDOW)).interpolate(method="linear", axis=0).ffill().bfill()
    return piv[list(range(25))].mean(axis=1).values, piv[list(range(25, 50))].values


def exact_simplex_ls(a, b):
    """argmin ||a w - b||^2, w >= 0, sum w = 1, certified by the KKT conditions."""
    k = a.shape[1]
    res = minimize(lambda w: np.sum((a @ w - b) ** 2), np.ones(k) / k, jac=lambda w: 2 * a.T @ (a @ w - b),
                   method="SLSQP", bounds=[(0, 1)] * k,
                   constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1, "jac": lambda w: np.ones(k)}],
                   options={"ftol": 1e-16, "maxiter": 10000})
    support = set(np.where(res.x > 1e-7)[0])
    g = a.T @ a
    c = a.T @ b
    for _ in range(200):
        s = sorted(support)
        m = len(s)
        kkt = np.zeros((m + 1, m + 1))
        kkt[:m, :m] = g[np.ix_(s, s)]
        kkt[:m, m] = 1
        kkt[m, :m] = 1
        rhs = np.concatenate([c[s], [1.0]])
        sol = np.linalg.solve(kkt, rhs)
        w = np.zeros(k)
        w[s] = sol[:m]
        nu = sol[m]
        if (w[s] < 0).any():
            support.discard(s[int(np.argmin(w[s]))])
            continue
        lam = g @ w - c + nu  # multipliers of w_j >= 0 (gradient of 1/2||aw-b||^2 + nu)
        out = [j for j in range(k) if j not in support and lam[j] < -1e-13]
        if out:
            support.add(out[int(np.argmin(lam[out]))])
            continue
        return w, float(np.max(np.abs(lam[s]))), float(min(0, lam.min()))
    raise RuntimeError("KKT loop did not converge")


def fit(y, donors):
    w, stat, dual = exact_simplex_ls(donors[:PRE], y[:PRE])
    gaps = y - donors @ w
    return {
        "weights": w.tolist(),
        "pre_rmspe": float(np.sqrt(np.mean(gaps[:PRE] ** 2))),
        "post_rmspe": float(np.sqrt(np.mean(gaps[PRE:] ** 2))),
        "mean_gap": float(gaps[PRE:].mean()),
        "gaps": gaps.tolist(),
        "kkt_stationarity": stat,
        "kkt_dual": dual,
    }


def main():
    raw = open(PATH, "rb").read()
    df = pd.read_csv(gzip.open(PATH))
    treated, donors = build_panel(df)
    main_fit = fit(treated, donors)
    w = np.array(main_fit["weights"])
    placebos = []
    for j in range(donors.shape[1]):
        f = fit(donors[:, j], np.delete(donors, j, axis=1))
        placebos.append({"unit": str(25 + j), "mean_gap": f["mean_gap"], "pre_rmspe": f["pre_rmspe"],
                         "post_rmspe": f["post_rmspe"]})
    loo = []
    for j in np.where(w > 0.001)[0]:
        f = fit(treated, np.delete(donors, j, axis=1))
        loo.append({"dropped": str(25 + j), "mean_gap": f["mean_gap"], "pre_rmspe": f["pre_rmspe"]})
    gaps = np.array([p["mean_gap"] for p in placebos])
    out = {
        "tool": "scipy.optimize.minimize(SLSQP) support + exact KKT solve (numpy.linalg.solve), pandas panel",
        "version": f"scipy {scipy.__version__}, numpy {np.__version__}, pandas {pd.__version__}",
        "call": "see test/golden/scripts/synth_fixture.py: exact_simplex_ls(donors[:20], treated[:20]) on the "
                "tutorial panel; placebos exact_simplex_ls(donor j, other donors); leave-one-out over w > 0.001",
        "data": {"path": PATH, "sha256": hashlib.sha256(raw).hexdigest(),
                 "filter": "signup_week < 30; treated = workspaces 0-24 (mean), donors 25-49; pre = weeks 0-19"},
        "expected": {
            "treated": treated.tolist(),
            "fit": main_fit,
            "placebos": placebos,
            "placebo_mean": float(gaps.mean()),
            "placebo_sd_ddof0": float(gaps.std()),
            "placebo_range": [float(gaps.min()), float(gaps.max())],
            "placebo_p": (int((np.abs(gaps) >= abs(main_fit["mean_gap"])).sum()) + 1) / (len(gaps) + 1),
            "leave_one_out": loo,
        },
    }
    json.dump(out, sys.stdout, indent=1)


main()
