"""Golden: the randomized-experiment design (src/designs/experiment) against scipy / statsmodels / numpy.

1. Writes test/golden/experiment/three_arm.csv: a seeded three-arm experiment (arms A = control, B, C) randomized
   by team (45 teams, 15 per arm, 4..36 users each), with a continuous metric y, a 0/1 metric conv, a pre-period
   covariate pre, two covariates x1 x2, and a ratio tasks / sessions (sessions may be 0 for a user).
2. Computes, on that file and on the tutorial fixture (prompt_variant randomized per user):
   - Welch t: scipy.stats.ttest_ind(equal_var=False) (statistic, p) and statsmodels CompareMeans (df, CI);
   - CUPED: theta = cov(y, pre) / var(pre) over all rows (numpy, ddof=1), then the same Welch test on
     y - theta * (pre - mean(pre));
   - relative lift mu_v / mu_c - 1 with the delta-method SE (independent numpy formula);
   - ratio metrics: sum(num)/sum(den) per arm, delta-method variance from per-unit totals (users, or teams);
   - OLS on arm dummies with HC2 (statsmodels cov_type="HC2", use_t=True);
   - SRM: scipy.stats.chisquare; Holm / BH: statsmodels multipletests.
Run: /usr/bin/python3 test/golden/scripts/experiment_peers.py  -> test/golden/experiment/peers.json
"""
import json
import os

import numpy as np
import pandas as pd
import scipy
import statsmodels
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "test", "golden", "experiment")
FIXTURE = "test/fixtures/saas_llm_logs_seed42.csv.gz"
os.makedirs(OUT, exist_ok=True)

# ── 1. the three-arm dataset ──────────────────────────────────────────────────────────────────────────────────
rng = np.random.default_rng(20261208)
rows = []
arms = np.repeat(["A", "B", "C"], 15)
rng.shuffle(arms)
uid = 0
for team in range(45):
    arm = arms[team]
    size = int(rng.integers(4, 37))
    team_effect = rng.normal(0, 0.5)
    effect = {"A": 0.0, "B": 0.3, "C": 0.1}[arm]
    for _ in range(size):
        pre = round(float(rng.normal(10, 2) + team_effect), 3)
        x1 = int(rng.integers(0, 5))
        x2 = round(float(rng.normal(0, 1)), 2)
        y = round(2 + 0.6 * pre + 0.3 * x1 - 0.4 * x2 + effect + team_effect + rng.normal(0, 1.5), 4)
        conv = int(rng.random() < 0.3 + (0.05 if arm == "B" else 0.0))
        sessions = int(rng.poisson(3))
        tasks = int(rng.binomial(sessions, 0.5 + (0.1 if arm == "C" else 0.0)))
        rows.append(dict(user_id=uid, team=team, arm=arm, y=y, conv=conv, pre=pre, x1=x1, x2=x2,
                         tasks=tasks, sessions=sessions))
        uid += 1
three = pd.DataFrame(rows)
three.to_csv(os.path.join(OUT, "three_arm.csv"), index=False)
three = pd.read_csv(os.path.join(OUT, "three_arm.csv"))  # exactly what the tests read
fixture = pd.read_csv(os.path.join(ROOT, FIXTURE))


def welch(df, arm_col, control, variant, y):
    a = df.loc[df[arm_col] == variant, y].to_numpy(float)
    c = df.loc[df[arm_col] == control, y].to_numpy(float)
    s = stats.ttest_ind(a, c, equal_var=False)
    cm = CompareMeans(DescrStatsW(a), DescrStatsW(c))
    t, p, dof = cm.ttest_ind(usevar="unequal")
    lo, hi = cm.tconfint_diff(alpha=0.05, usevar="unequal")
    assert abs(t - s.statistic) < 1e-10 * abs(t) and abs(p - s.pvalue) <= 1e-10 * p + 1e-300
    diff = a.mean() - c.mean()
    va, vc = a.var(ddof=1) / len(a), c.var(ddof=1) / len(c)
    return {
        "estimate": float(diff), "se": float(diff / s.statistic), "statistic": float(s.statistic),
        "pValue": float(s.pvalue), "df": float(dof), "ci": [float(lo), float(hi)],
        "controlMean": float(c.mean()), "variantMean": float(a.mean()),
        "relative": relative(a.mean(), c.mean(), va, vc, 0.0),
    }


def relative(mv, mc, vv, vc, cov):
    est = mv / mc - 1
    var = vv / mc**2 - 2 * mv * cov / mc**3 + mv**2 * vc / mc**4
    se = np.sqrt(var)
    z = stats.norm.ppf(0.975)
    return {"estimate": float(est), "se": float(se), "pValue": float(2 * stats.norm.sf(abs(est / se))),
            "ci": [float(est - z * se), float(est + z * se)]}


def cuped(df, arm_col, control, variants, y, x):
    theta = np.cov(df[y], df[x], ddof=1)[0, 1] / np.var(df[x], ddof=1)
    d = df.assign(__adj=df[y] - theta * (df[x] - df[x].mean()))
    out = {"theta": float(theta)}
    for v in variants:
        out[str(v)] = welch(d, arm_col, control, v, "__adj")
        raw = welch(df, arm_col, control, v, y)
        out[str(v)]["varianceReduction"] = float(1 - out[str(v)]["se"] ** 2 / raw["se"] ** 2)
    return out


def ratio(units, arm_col, control, variant, num, den):
    def arm(a):
        u = units[units[arm_col] == a]
        n = len(u)
        mn, md = u[num].mean(), u[den].mean()
        r = mn / md
        c = np.cov(u[num], u[den], ddof=1)
        var = (c[0, 0] - 2 * r * c[0, 1] + r * r * c[1, 1]) / (n * md * md)
        return r, var
    rc, vc = arm(control)
    rv, vv = arm(variant)
    se = np.sqrt(vc + vv)
    z = stats.norm.ppf(0.975)
    diff = rv - rc
    return {"controlRatio": float(rc), "variantRatio": float(rv), "estimate": float(diff), "se": float(se),
            "pValue": float(2 * stats.norm.sf(abs(diff / se))), "ci": [float(diff - z * se), float(diff + z * se)],
            "relative": relative(rv, rc, vv, vc, 0.0)}


def hc2(df, formula, control, names):
    res = smf.ols(formula, data=df).fit(cov_type="HC2", use_t=True)
    ci = np.asarray(res.conf_int(0.05))
    out = {}
    for key, name in names.items():
        i = list(res.params.index).index(name)
        out[key] = {"estimate": float(res.params.iloc[i]), "se": float(res.bse.iloc[i]),
                    "pValue": float(res.pvalues.iloc[i]), "df": float(res.df_resid),
                    "ci": [float(ci[i, 0]), float(ci[i, 1])]}
    return out


team_units = three.groupby("team").agg(arm=("arm", "first"), tasks=("tasks", "sum"), sessions=("sessions", "sum"),
                                       y=("y", "sum")).reset_index()
pvals = [0.01, 0.04, 0.03, 0.2, 0.0005, 0.04, 0.9]
planned = [5000, 2600, 2400]

expected = {
    "fixture": {
        "welch_task_completed": welch(fixture, "prompt_variant", 0, 1, "task_completed"),
        "cuped_task_completed_session_minutes": cuped(fixture, "prompt_variant", 0, [1], "task_completed",
                                                     "session_minutes"),
        "ratio_cost_per_completed": ratio(fixture, "prompt_variant", 0, 1, "cost_usd", "task_completed"),
        "srm_prompt_variant": {"observed": [int(v) for v in fixture.prompt_variant.value_counts().sort_index()],
                               **dict(zip(["chi2", "pValue"], map(float, stats.chisquare(
                                   fixture.prompt_variant.value_counts().sort_index().to_numpy()))))},
    },
    "three_arm": {
        "welch_y": {v: welch(three, "arm", "A", v, "y") for v in ["B", "C"]},
        "welch_conv": {v: welch(three, "arm", "A", v, "conv") for v in ["B", "C"]},
        "cuped_y_pre": cuped(three, "arm", "A", ["B", "C"], "y", "pre"),
        "ratio_rows": {v: ratio(three, "arm", "A", v, "tasks", "sessions") for v in ["B", "C"]},
        "ratio_teams": {v: ratio(team_units, "arm", "A", v, "tasks", "sessions") for v in ["B", "C"]},
        "hc2_y": hc2(three, "y ~ C(arm, Treatment('A'))", "A",
                     {"B": "C(arm, Treatment('A'))[T.B]", "C": "C(arm, Treatment('A'))[T.C]"}),
        "srm_equal": {"observed": [int(v) for v in three.arm.value_counts().sort_index()],
                      **dict(zip(["chi2", "pValue"], map(float, stats.chisquare(
                          three.arm.value_counts().sort_index().to_numpy()))))},
    },
    "srm_planned": {"observed": planned, "split": [2, 1, 1],
                    **dict(zip(["chi2", "pValue"], map(float, stats.chisquare(
                        planned, f_exp=[5000, 2500, 2500]))))},
    "multiplicity": {"p": pvals, "holm": [float(v) for v in multipletests(pvals, method="holm")[1]],
                     "bh": [float(v) for v in multipletests(pvals, method="fdr_bh")[1]]},
}

doc = {
    "tool": "scipy + statsmodels + numpy",
    "version": f"scipy {scipy.__version__}; statsmodels {statsmodels.__version__}; numpy {np.__version__}; "
               f"pandas {pd.__version__}",
    "call": "see test/golden/scripts/experiment_peers.py: scipy.stats.ttest_ind(equal_var=False) + "
            "statsmodels CompareMeans.ttest_ind/tconfint_diff(usevar='unequal'); CUPED theta = np.cov(y, pre)[0,1] / "
            "np.var(pre, ddof=1) then Welch on y - theta (pre - mean); ratio delta method in numpy from per-unit "
            "totals (ddof=1); smf.ols(...).fit(cov_type='HC2', use_t=True); scipy.stats.chisquare; "
            "statsmodels multipletests(method='holm' | 'fdr_bh')",
    "data": {"fixture": FIXTURE, "three_arm": "test/golden/experiment/three_arm.csv (written by this script, seed "
             "20261208)"},
    "expected": expected,
}
with open(os.path.join(OUT, "peers.json"), "w") as fh:
    json.dump(doc, fh, indent=1)
    fh.write("\n")
print("wrote test/golden/experiment/peers.json and three_arm.csv", len(three), "rows")
