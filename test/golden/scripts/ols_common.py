"""Shared helpers for the OLS golden scripts (statsmodels reference values).

Every ols_*.py script imports this module, fits with statsmodels and writes one JSON file per case to
test/golden/ols/. Floats are written with repr (17 significant digits) so the tests can compare at 1e-8.
"""
import gzip
import hashlib
import json
import os

import numpy as np
import pandas as pd
import statsmodels

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
FIXTURE = "test/fixtures/saas_llm_logs_seed42.csv.gz"
FIXTURE_SHA256 = "4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6"
OUT = os.path.join(ROOT, "test", "golden", "ols")


def load_fixture():
    """The tutorial dataset, after checking the sha256 of the uncompressed CSV."""
    path = os.path.join(ROOT, FIXTURE)
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != FIXTURE_SHA256:
        raise SystemExit(f"fixture hash mismatch: {digest}")
    return pd.read_csv(path)


DID_PREP = (
    "df = pd.read_csv('test/fixtures/saas_llm_logs_seed42.csv.gz'); d = df[df.signup_week < 30].copy(); "
    "d['post'] = (d.signup_week >= 20).astype(int); d['treated'] = (d.wave == 1).astype(int); "
)


def did_subset(df):
    """The tutorial DiD sample: users who signed up before week 30, with post (week >= 20) and treated (wave 1)."""
    d = df[df.signup_week < 30].copy()
    d["post"] = (d.signup_week >= 20).astype(int)
    d["treated"] = (d.wave == 1).astype(int)
    return d


def summarize(res, alpha=0.05):
    """The numbers a golden test compares: per-term table, vcov matrix, fit statistics."""
    names = list(res.model.exog_names)
    ci = np.asarray(res.conf_int(alpha=alpha))
    use_t = bool(res.use_t)
    df_inf = getattr(res, "df_resid_inference", None)
    if df_inf is None:
        df_inf = res.df_resid
    return {
        "names": names,
        "params": [float(v) for v in np.asarray(res.params)],
        "bse": [float(v) for v in np.asarray(res.bse)],
        "statistic": [float(v) for v in np.asarray(res.tvalues)],
        "pvalues": [float(v) for v in np.asarray(res.pvalues)],
        "ci": [[float(a), float(b)] for a, b in ci],
        "cov": [[float(v) for v in row] for row in np.asarray(res.cov_params())],
        "use_t": use_t,
        "df": float(df_inf) if use_t else None,
        "nobs": float(res.nobs),
        "df_resid": float(res.df_resid),
        "rsquared": float(res.rsquared),
        "rsquared_adj": float(res.rsquared_adj),
        "scale": float(res.scale),
        "ssr": float(res.ssr),
    }


def write(name, call, data, expected, area="ols"):
    out = os.path.join(ROOT, "test", "golden", area)
    os.makedirs(out, exist_ok=True)
    doc = {
        "tool": "statsmodels",
        "version": statsmodels.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "call": call,
        "data": data,
        "expected": expected,
    }
    path = os.path.join(out, f"{name}.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


def fixture_data(filter_text):
    return {"path": FIXTURE, "sha256": FIXTURE_SHA256, "filter": filter_text}
