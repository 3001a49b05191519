"""Goodman-Bacon (2021) decomposition goldens: the TWFE coefficient from statsmodels (explicit unit and period
dummies) and every 2x2 comparison by the paper's direct formulas in pandas.

R (bacondecomp) is not installed, so each 2x2 is computed twice here and cross-checked before writing:
  - estimate: the difference of the two groups' mean changes (post-window minus pre-window mean) from the
    group x period means, AND the coefficient of `y ~ D + C(unit) + C(time)` on the 2x2 subsample (what
    bacondecomp::bacon() fits with feols), which must agree to 1e-10;
  - weight: Goodman-Bacon (2021) eq. (10a)-(10c) with unit shares n_k and full-panel treated shares D_k
    (always-treated units are a timing group with D = 1, compared as bacondecomp's "Later vs Always Treated"),
    normalised to sum to one;
  - Theorem 1: sum(weight * estimate) equals the statsmodels TWFE coefficient (asserted to 1e-10).

Cases:
  - mpdta (Callaway & Sant'Anna 2021 county teen employment; test/fixtures/mpdta.csv.gz, a copy of
    /work/shared/references/mpdta.csv with the header unquoted): lemp, countyreal, year, first.treat (0 = never);
  - simulated: a balanced panel with always-treated units, three timing groups and never-treated units, whose data
    are written into the JSON.

Run: /usr/bin/python3 test/golden/scripts/did_bacon.py  -> test/golden/did/bacon-mpdta.json, bacon-simulated.json
"""
import gzip
import hashlib
import json
import os

import numpy as np
import pandas as pd
import statsmodels
import statsmodels.formula.api as smf

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "did")
MPDTA = "test/fixtures/mpdta.csv.gz"
NEVER = "never"


def group_of(start, times):
    """Effective timing group: the first observed period with t >= start; never-treated when start is 0/NaN or
    later than the last period."""
    if pd.isna(start) or start == 0:
        return NEVER
    after = [t for t in times if t >= start]
    return after[0] if after else NEVER


def decompose(df, y, unit, time, start):
    d = df[[y, unit, time, start]].copy()
    times = sorted(d[time].unique())
    T = len(times)
    per_unit = d.groupby(unit)[start].first()
    grp = per_unit.map(lambda s: group_of(s, times))
    d["g"] = d[unit].map(grp)
    d["D"] = [0.0 if g == NEVER else float(t >= g) for g, t in zip(d["g"], d[time])]
    n_units = len(per_unit)

    # TWFE with explicit dummies.
    fit = smf.ols(f"{y} ~ D + C({unit}) + C({time})", data=d).fit()
    twfe = float(fit.params["D"])

    means = d.groupby(["g", time])[y].mean().unstack(time)  # group x period means
    counts = grp.value_counts()
    share = {g: counts[g] / n_units for g in counts.index}
    dbar = {g: (0.0 if g == NEVER else sum(t >= g for t in times) / T) for g in counts.index}
    timing = sorted(g for g in counts.index if g != NEVER)
    first = times[0]

    def window_mean(g, lo, hi):
        cols = [t for t in times if lo <= t < hi]
        return float(means.loc[g, cols].mean())

    def did(treat, ctrl, lo, switch, hi):
        return (window_mean(treat, switch, hi) - window_mean(treat, lo, switch)) - (
            window_mean(ctrl, switch, hi) - window_mean(ctrl, lo, switch)
        )

    def regression_check(treat, ctrl, lo, hi, est):
        sub = d[d["g"].isin([treat, ctrl]) & (d[time] >= lo) & (d[time] < hi)]
        b = smf.ols(f"{y} ~ D + C({unit}) + C({time})", data=sub).fit().params["D"]
        assert abs(b - est) < 1e-10, (treat, ctrl, b, est)

    inf = float("inf")
    rows = []
    for k in timing:
        if k == first:
            continue  # always-treated units are never the treated group
        if NEVER in counts.index:
            nk, nu = share[k], share[NEVER]
            nku = nk / (nk + nu)
            w = (nk + nu) ** 2 * nku * (1 - nku) * dbar[k] * (1 - dbar[k])
            est = did(k, NEVER, -inf, k, inf)
            regression_check(k, NEVER, -inf, inf, est)
            rows.append({"type": "treated-vs-never", "treated": k, "control": NEVER, "estimate": est, "raw": w})
    for k in timing:
        for l in timing:
            if k == l or k == first and l == first:
                continue
            if k < l and k != first:
                # earlier k treated vs later l as control, window t < l (eq. 10b)
                nk, nl = share[k], share[l]
                nkl = nk / (nk + nl)
                w = ((nk + nl) * (1 - dbar[l])) ** 2 * nkl * (1 - nkl) * (dbar[k] - dbar[l]) / (1 - dbar[l]) * (
                    1 - dbar[k]
                ) / (1 - dbar[l])
                est = did(k, l, -inf, k, l)
                regression_check(k, l, -inf, l, est)
                rows.append({"type": "earlier-vs-later", "treated": k, "control": l, "estimate": est, "raw": w})
            if k < l:
                # later l treated vs earlier k (already treated) as control, window t >= k (eq. 10c)
                nk, nl = share[k], share[l]
                nkl = nk / (nk + nl)
                w = ((nk + nl) * dbar[k]) ** 2 * nkl * (1 - nkl) * (dbar[l] / dbar[k]) * (dbar[k] - dbar[l]) / dbar[k]
                est = did(l, k, k, l, inf)
                regression_check(l, k, k, inf, est)
                kind = "later-vs-always" if k == first else "later-vs-earlier"
                rows.append({"type": kind, "treated": l, "control": k, "estimate": est, "raw": w})
    total = sum(r["raw"] for r in rows)
    for r in rows:
        r["weight"] = r.pop("raw") / total
    weighted = sum(r["weight"] * r["estimate"] for r in rows)
    assert abs(weighted - twfe) < 1e-10, (weighted, twfe)
    by_type = {}
    for r in rows:
        b = by_type.setdefault(r["type"], {"comparisons": 0, "weight": 0.0, "num": 0.0})
        b["comparisons"] += 1
        b["weight"] += r["weight"]
        b["num"] += r["weight"] * r["estimate"]
    for b in by_type.values():
        b["estimate"] = b.pop("num") / b["weight"]
    for r in rows:
        for key in ("treated", "control"):
            if r[key] != NEVER:
                r[key] = int(r[key])
    groups = [{"start": (g if g == NEVER else int(g)), "units": int(counts[g])} for g in [*timing, NEVER] if g in counts]
    return {
        "twfe": twfe,
        "twfe_se_iid": float(fit.bse["D"]),
        "weighted_sum": weighted,
        "comparisons": rows,
        "by_type": by_type,
        "groups": groups,
        "n": {"obs": int(len(d)), "units": int(n_units), "periods": int(T)},
    }


def write(name, call, data, expected):
    os.makedirs(OUT, exist_ok=True)
    doc = {
        "tool": "statsmodels + pandas (direct formulas of Goodman-Bacon 2021, eq. 10a-10c)",
        "version": f"statsmodels {statsmodels.__version__}, pandas {pd.__version__}, numpy {np.__version__}",
        "call": call,
        "data": data,
        "expected": expected,
    }
    path = os.path.join(OUT, f"{name}.json")
    with open(path, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


CALL = (
    "smf.ols('{y} ~ D + C({unit}) + C({time})', data=d).fit().params['D'] with D = 1[t >= first treated period]; "
    "2x2 estimates = difference of group mean changes from group x period means (cross-checked against the same "
    "regression on each 2x2 subsample); weights = Goodman-Bacon (2021) eq. 10a-10c normalised to sum 1; "
    "see test/golden/scripts/did_bacon.py"
)

# --- mpdta ------------------------------------------------------------------------------------------------
with gzip.open(os.path.join(ROOT, MPDTA), "rb") as fh:
    raw = fh.read()
mp = pd.read_csv(os.path.join(ROOT, MPDTA))
res = decompose(mp, "lemp", "countyreal", "year", "first.treat")
write(
    "bacon-mpdta",
    CALL.format(y="lemp", unit="countyreal", time="year"),
    {"path": MPDTA, "sha256": hashlib.sha256(raw).hexdigest(), "filter": "none; first.treat 0 = never treated"},
    {"spec": {"outcome": "lemp", "unit": "countyreal", "time": "year", "treatStart": "first.treat"}, **res},
)

# --- simulated: always-treated, three timing groups, never-treated ---------------------------------------
SEED = 11
rng = np.random.default_rng(SEED)
periods = np.arange(1, 9)
sizes = {1: 7, 3: 9, 5: 6, 7: 8, 0: 10}  # start period -> units; 1 = always treated (first period), 0 = never
rows = []
uid = 0
for start, m in sizes.items():
    for _ in range(m):
        uid += 1
        alpha = rng.normal(0, 1)
        for t in periods:
            treated = start != 0 and t >= start
            effect = (0.5 + 0.3 * (t - start)) if treated else 0.0  # dynamic effects: TWFE is biased
            y = alpha + 0.2 * t + 0.1 * np.sin(t) + effect + rng.normal(0, 0.5)
            rows.append({"unit": f"u{uid:02d}", "t": int(t), "start": int(start), "y": round(float(y), 6)})
sim = pd.DataFrame(rows)
res = decompose(sim, "y", "unit", "t", "start")
write(
    "bacon-simulated",
    CALL.format(y="y", unit="unit", time="t"),
    {
        "generator": f"numpy.random.default_rng({SEED}), see test/golden/scripts/did_bacon.py",
        "columns": {k: [v.item() if hasattr(v, "item") else v for v in sim[k].values] for k in sim.columns},
    },
    {"spec": {"outcome": "y", "unit": "unit", "time": "t", "treatStart": "start"}, **res},
)
