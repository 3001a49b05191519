"""Golden numbers for truelift's cluster power / MDE (src/designs/cluster/power*.ts).

Independent peer: statsmodels.stats.power (NormalIndPower, ttest_power with df = K - 2 on the
design-effect-adjusted sample sizes) and scipy.stats.nct; ICC by the one-way ANOVA formula in pandas.
Run: /usr/bin/python3 test/golden/scripts/power_cluster.py > test/golden/power/cluster-power.json
"""
import json
import math

import numpy as np
import pandas as pd
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower, ttest_power


def design_effect(mean, cv, icc):
    return 1 + ((cv * cv + 1) * mean - 1) * icc


def sizes_stats(sizes):
    s = np.asarray(sizes, float)
    return s.mean(), s.std(ddof=0) / s.mean()


def plan(k, mean, cv, icc, share):
    kt = min(k - 1, max(1, int(math.floor(share * k + 0.5))))
    kc = k - kt
    de = design_effect(mean, cv, icc)
    n1 = kt * mean / de  # effective n per arm
    n2 = kc * mean / de
    return kt, kc, de, n1, n2


def z_mde(k, mean, cv, icc, sd, alpha, power, share):
    kt, kc, de, n1, n2 = plan(k, mean, cv, icc, share)
    # NormalIndPower().solve_power stops at ~1e-6 relative; solve its power function to 1e-14 instead
    f = lambda es: NormalIndPower().power(effect_size=es, nobs1=n1, alpha=alpha, ratio=n2 / n1) - power
    return optimize.brentq(f, 1e-9, 100, xtol=1e-15, rtol=1e-15) * sd


def z_power(k, mean, cv, icc, sd, alpha, effect, share):
    kt, kc, de, n1, n2 = plan(k, mean, cv, icc, share)
    return NormalIndPower().power(effect_size=effect / sd, nobs1=n1, alpha=alpha, ratio=n2 / n1)


def t_power(k, mean, cv, icc, sd, alpha, effect, share):
    kt, kc, de, n1, n2 = plan(k, mean, cv, icc, share)
    neff = 1 / (1 / n1 + 1 / n2)
    return float(ttest_power(effect / sd, nobs=neff, alpha=alpha, df=k - 2, alternative="two-sided"))


def t_mde(k, mean, cv, icc, sd, alpha, power, share):
    f = lambda e: t_power(k, mean, cv, icc, sd, alpha, e, share) - power
    return optimize.brentq(f, 1e-9 * sd, 100 * sd, xtol=1e-14, rtol=1e-14)


def t_clusters(mean, cv, icc, sd, alpha, power, share, effect):
    k = 4
    while t_power(k, mean, cv, icc, sd, alpha, effect, share) < power:
        k += 1
    return k


cases = []
scenarios = [
    dict(name="tutorial-like", clusters=50, mean=1000.0, cv=0.0, icc=0.05, sd=0.42, alpha=0.05, power=0.8, share=0.5, effect=0.03),
    dict(name="few-unequal", clusters=8, sizes=[40, 120, 300, 80, 60, 200, 150, 50], icc=0.1, sd=1.0, alpha=0.05, power=0.8, share=0.5, effect=0.5),
    dict(name="unbalanced-share", clusters=20, mean=50.0, cv=0.6, icc=0.02, sd=1.0, alpha=0.1, power=0.9, share=0.3, effect=0.2),
]
for sc in scenarios:
    if "sizes" in sc:
        mean, cv = sizes_stats(sc["sizes"])
    else:
        mean, cv = sc["mean"], sc["cv"]
    args = (mean, cv, sc["icc"], sc["sd"])
    k = sc["clusters"]
    kt, kc, de, n1, n2 = plan(k, mean, cv, sc["icc"], sc["share"])
    cases.append(dict(
        name=sc["name"],
        input={key: sc[key] for key in sc if key != "name"},
        clusterSize={"mean": mean, "cv": cv},
        clustersTreated=kt,
        clustersControl=kc,
        designEffect=de,
        effectiveN={"treated": n1, "control": n2},
        mdeZ=z_mde(k, *args, sc["alpha"], sc["power"], sc["share"]),
        mdeT=t_mde(k, *args, sc["alpha"], sc["power"], sc["share"]),
        powerZ=z_power(k, *args, sc["alpha"], sc["effect"], sc["share"]),
        powerT=t_power(k, *args, sc["alpha"], sc["effect"], sc["share"]),
        clustersT=t_clusters(*args, sc["alpha"], sc["power"], sc["share"], sc["effect"]),
    ))

nct_points = [(2, 10, 1.5), (-1, 2, 0.5), (3, 6, 4), (0.5, 1, 2), (2.0, 48, 2.8), (-2, 200, -1), (5, 3, 0.1), (1.96, 4, 3.0)]
nct_points += [(x, df, d) for df in (1, 2, 3, 5, 8, 30, 200, 2000) for x in (-3, -1, 0.5, 2, 5) for d in (-2, 0, 1.5, 4)]
nct = [dict(x=x, df=df, delta=d, cdf=float(stats.nct.cdf(x, df, d))) for x, df, d in nct_points]


def anova_icc(df, y, g):
    grp = df.groupby(g)[y]
    m = grp.size().to_numpy(float)
    means = grp.mean().to_numpy()
    n, k = len(df), len(m)
    grand = df[y].mean()
    msb = float(np.sum(m * (means - grand) ** 2) / (k - 1))
    msw = float(((df[y] - grp.transform("mean")) ** 2).sum() / (n - k))
    n0 = float((n - np.sum(m**2) / n) / (k - 1))
    icc = (msb - msw) / (msb + (n0 - 1) * msw)
    return dict(icc=icc, msb=msb, msw=msw, n0=n0, sd=float(df[y].std(ddof=1)), clusters=k, obs=n,
                sizeMean=float(m.mean()), sizeCv=float(m.std(ddof=0) / m.mean()))


users = pd.read_csv("test/fixtures/saas_llm_logs_seed42.csv.gz", usecols=["user_id", "workspace_id"])
out = pd.read_csv("test/fixtures/cluster_outcome_seed42.csv.gz")
fx = users.merge(out, on="user_id")
small = pd.DataFrame({"g": ["a"] * 3 + ["b"] * 5 + ["c"] * 2 + ["d"] * 4,
                      "y": [1.0, 2.0, 1.5, 4.0, 3.5, 5.0, 4.2, 3.9, 0.5, 1.1, 2.2, 2.8, 2.5, 3.1]})
icc = dict(fixture=anova_icc(fx, "session_minutes_obs", "workspace_id"), small=anova_icc(small, "y", "g"),
           smallData=small.to_dict(orient="list"))

print(json.dumps(dict(
    tool="statsmodels.stats.power (NormalIndPower, ttest_power with df=K-2) + scipy.stats.nct + pandas ANOVA ICC",
    version=f"statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, numpy {np.__version__}",
    call=("effective n per arm = K_arm * mean size / DE, DE = 1 + ((cv^2+1) m - 1) icc (cv: population SD / mean); "
          "mdeZ = brentq on NormalIndPower().power(es, nobs1=n1, ratio=n2/n1, alpha) = power, times sd; "
          "powerT = ttest_power(effect/sd, nobs=1/(1/n1+1/n2), alpha, df=K-2); mdeT = brentq on powerT; "
          "clustersT = smallest K >= 4 with powerT >= power; K_T = floor(share*K + 0.5); "
          "see test/golden/scripts/power_cluster.py"),
    cases=cases, nct=nct, icc=icc), indent=1))
