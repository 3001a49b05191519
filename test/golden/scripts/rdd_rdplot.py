"""RD plot goldens: an independent numpy implementation of R rdrobust's rdplot() (the data-driven number of bins
of Calonico, Cattaneo & Titiunik 2015, the binning rule and the global polynomial fits), written from the
algorithm in rdplot's R source. rdrobust is not installed on this machine (no CRAN access).

Differences in style from truelift's TypeScript: the bin-selection polynomials use raw powers of x solved with
numpy.linalg.lstsq (as rdplot's raw basis) and derivatives by numpy.polynomial; bins via numpy.searchsorted;
type-7 quantiles via numpy.quantile(method="linear").

Cases:
  - tutorial: task_completed on query_confidence, cutoff 0.85 (test/fixtures/saas_llm_logs_seed42.csv.gz): the
    default call (esmv; mass points switch it to esmvpr), and es / qs / qsmv / esmv with masspoints "off";
  - synthetic: n = 2000, x_i = 2·frac(i·0.6180339887498949) − 1, y_i = x³ − x + 0.5·[x ≥ 0] +
    0.3·(frac(i·1.4142135623730951) − 0.5), i = 1 … n (pure IEEE arithmetic, reproducible bit for bit in any
    language), cutoff 0: es, esmv, qs, qsmv, and nbins 10 with a triangular kernel and h 0.5, p 2.

Run: /usr/bin/python3 test/golden/scripts/rdd_rdplot.py  -> test/golden/rdd/rdplot-goldens.json
"""
import gzip
import hashlib
import io
import json
import math
import os

import numpy as np
import pandas as pd
import scipy
from scipy.stats import t as tdist

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "rdd")
FIXTURE = "test/fixtures/saas_llm_logs_seed42.csv.gz"


def synthetic(n=2000):
    i = np.arange(1, n + 1, dtype=float)
    x = 2 * ((i * 0.6180339887498949) % 1) - 1
    y = x * x * x - x + 0.5 * (x >= 0) + 0.3 * (((i * 1.4142135623730951) % 1) - 0.5)
    return x, y


def kweight(x, c, h, kernel):
    u = (x - c) / h
    if kernel == "uniform":
        return 0.5 * (np.abs(u) <= 1) / h
    if kernel == "triangular":
        return (1 - np.abs(u)) * (np.abs(u) <= 1) / h
    return 0.75 * (1 - u * u) * (np.abs(u) <= 1) / h


def poly_fit(x, y, c, h, p, kernel):
    w = kweight(x, c, h, kernel)
    R = np.vander(x - c, p + 1, increasing=True)
    sw = np.sqrt(w)
    coef, *_ = np.linalg.lstsq(R * sw[:, None], y * sw, rcond=None)
    return coef, int(np.sum(w > 0))


def bin_numbers(xl, yl, xr, yr, c, x_min, x_max):
    n_l, n_r = len(xl), len(xr)
    n = n_l + n_r
    k = 4
    out = {}

    def side(x, y):
        ordr = np.argsort(x, kind="stable")
        xs, ys = x[ordr], y[ordr]
        # polynomial in raw x (rdplot's rk = outer(x, 0:k, "^")), fitted by least squares
        P1 = np.polynomial.Polynomial.fit(x, y, k)
        P2 = np.polynomial.Polynomial.fit(x, y * y, k)
        d1 = P1.deriv()
        xbar = (xs[1:] + xs[:-1]) / 2
        v = np.var(y, ddof=1)
        s2bar = P2(xbar) - P1(xbar) ** 2
        s2bar[s2bar < 0] = v
        s2 = P2(x) - P1(x) ** 2
        s2[s2 < 0] = v
        return dict(dx=np.diff(xs), dy=np.diff(ys), mu1=d1(x), mu1bar=d1(xbar), s2bar=s2bar, s2=s2, var=v)

    L, R = side(xl, yl), side(xr, yr)
    rl, rr = c - x_min, x_max - c
    B_es = [rl ** 2 / (12 * n) * np.sum(L["mu1"] ** 2), rr ** 2 / (12 * n) * np.sum(R["mu1"] ** 2)]
    V_es_hat = [0.5 / rl * np.sum(L["dx"] * L["dy"] ** 2), 0.5 / rr * np.sum(R["dx"] * R["dy"] ** 2)]
    V_es_chk = [1 / rl * np.sum(L["dx"] * L["s2bar"]), 1 / rr * np.sum(R["dx"] * R["s2bar"])]
    B_qs = [n_l ** 2 / (24 * n) * np.sum(L["dx"] ** 2 * L["mu1bar"] ** 2),
            n_r ** 2 / (24 * n) * np.sum(R["dx"] ** 2 * R["mu1bar"] ** 2)]
    V_qs_hat = [1 / (2 * n_l) * np.sum(L["dy"] ** 2), 1 / (2 * n_r) * np.sum(R["dy"] ** 2)]
    V_qs_chk = [np.mean(L["s2"]), np.mean(R["s2"])]
    J = lambda B, V: [int(math.ceil((2 * B[s] / V[s] * n) ** (1 / 3))) for s in (0, 1)]
    var = [L["var"], R["var"]]
    MV = lambda V: [int(math.ceil(var[s] / V[s] * (n / math.log(n) ** 2))) for s in (0, 1)]
    return {
        "es": J(B_es, V_es_hat), "espr": J(B_es, V_es_chk), "qs": J(B_qs, V_qs_hat), "qspr": J(B_qs, V_qs_chk),
        "esmv": MV(V_es_hat), "esmvpr": MV(V_es_chk), "qsmv": MV(V_qs_hat), "qsmvpr": MV(V_qs_chk),
    }


def r_seq(frm, to, by):
    n = int((to - frm) / by + 1e-10)
    return np.minimum(frm + np.arange(n + 1) * by, to)


def rdplot(y, x, c, p=4, binselect="esmv", masspoints="adjust", nbins=None, kernel="uniform", h=None):
    xl, yl = x[x < c], y[x < c]
    xr, yr = x[x >= c], y[x >= c]
    x_min, x_max = x.min(), x.max()
    hl, hr = (c - x_min, x_max - c) if h is None else (h, h)
    cl, nel = poly_fit(xl, yl, c, hl, p, kernel)
    cr, ner = poly_fit(xr, yr, c, hr, p, kernel)
    method = binselect
    if masspoints != "off":
        if 1 - len(np.unique(xl)) / len(xl) >= 0.2 or 1 - len(np.unique(xr)) / len(xr) >= 0.2:
            if masspoints == "adjust" and not method.endswith("pr"):
                method = method + "pr"
    js = bin_numbers(xl, yl, xr, yr, c, x_min, x_max)
    if nbins is not None:
        Jl = Jr = nbins
        meth = "es"
    else:
        Jl, Jr = js[method]
        meth = method[:2]
    if meth == "es":
        el = r_seq(x_min, c, (c - x_min) / Jl)
        er = r_seq(c, x_max, (x_max - c) / Jr)
    else:
        el = np.quantile(xl, r_seq(0, 1, 1 / Jl), method="linear")
        er = np.quantile(xr, r_seq(0, 1, 1 / Jr), method="linear")

    def find_interval(v, e):
        idx = np.searchsorted(e, v, side="right")
        idx[v == e[-1]] = len(e) - 1
        return idx

    bl = find_interval(xl, el) - Jl - 1
    br = find_interval(xr, er)
    rows = []
    for side, xs, ys, b, e, J in (("left", xl, yl, bl, el, Jl), ("right", xr, yr, br, er, Jr)):
        for bin_id in np.unique(b):
            m = b == bin_id
            k = bin_id + J if side == "left" else bin_id - 1
            nn = int(m.sum())
            sd = float(np.std(ys[m], ddof=1)) if nn > 1 else 0.0
            se = sd / math.sqrt(nn)
            q = float(tdist.ppf(0.975, max(nn - 1, 1)))
            rows.append({"side": side, "bin": int(bin_id), "lower": float(e[k]), "upper": float(e[k + 1]),
                         "meanX": float(xs[m].mean()), "meanY": float(ys[m].mean()), "n": nn, "se": se,
                         "ciLower": float(ys[m].mean() - q * se), "ciUpper": float(ys[m].mean() + q * se)})
    return {"binselect": "manual" if nbins is not None else method, "bins": [int(Jl), int(Jr)],
            "candidates": js, "coefficients": {"left": cl.tolist(), "right": cr.tolist()},
            "nEffective": [nel, ner], "binRows": rows}


def main():
    os.makedirs(OUT, exist_ok=True)
    raw = open(os.path.join(ROOT, FIXTURE), "rb").read()
    df = pd.read_csv(io.BytesIO(gzip.decompress(raw)))
    tx = df["query_confidence"].to_numpy(dtype=float)
    ty = df["task_completed"].to_numpy(dtype=float)
    sx, sy = synthetic()
    cases = {
        "tutorial_default": ("tutorial", 0.85, {}),
        "tutorial_es_off": ("tutorial", 0.85, dict(binselect="es", masspoints="off")),
        "tutorial_qs_off": ("tutorial", 0.85, dict(binselect="qs", masspoints="off")),
        "tutorial_qsmv_off": ("tutorial", 0.85, dict(binselect="qsmv", masspoints="off")),
        "synthetic_esmv": ("synthetic", 0.0, {}),
        "synthetic_es": ("synthetic", 0.0, dict(binselect="es")),
        "synthetic_qs": ("synthetic", 0.0, dict(binselect="qs")),
        "synthetic_qsmv": ("synthetic", 0.0, dict(binselect="qsmv")),
        "synthetic_manual_tri": ("synthetic", 0.0, dict(nbins=10, kernel="triangular", h=0.5, p=2)),
    }
    out = {}
    for name, (data, c, kw) in cases.items():
        x, y = (tx, ty) if data == "tutorial" else (sx, sy)
        res = rdplot(y, x, c, **kw)
        if data == "tutorial":
            rows = res["binRows"]
            res["binRowsCount"] = len(rows)
            res["binRows"] = rows[:3] + rows[-3:]
        out[name] = {"data": data, "cutoff": c, "options": kw, "result": res}
    golden = {
        "tool": "independent numpy implementation of R rdrobust::rdplot (binselect es/espr/esmv/esmvpr/qs/qspr/qsmv/qsmvpr, global polynomial fits)",
        "version": f"numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}",
        "call": "rdplot(y, x, c, p = 4, binselect, masspoints, nbins, kernel, h) with the options listed per case; see test/golden/scripts/rdd_rdplot.py",
        "data": {"tutorial": {"path": FIXTURE, "y": "task_completed", "x": "query_confidence",
                              "sha256": hashlib.sha256(raw).hexdigest()},
                 "synthetic": "see the docstring of test/golden/scripts/rdd_rdplot.py"},
        "expected": out,
    }
    path = os.path.join(OUT, "rdplot-goldens.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1)
    print("wrote", path)


if __name__ == "__main__":
    main()
