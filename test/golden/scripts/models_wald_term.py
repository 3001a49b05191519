"""Golden values for waldTerm / welchDifference (src/models/wald-term.ts).

Welch two-sample t test (scipy.stats.ttest_ind, equal_var=False) on two fixed samples, its Welch-Satterthwaite
df, and the 95% interval; a normal-reference Wald term (scipy.stats.norm) for estimate 0.0848, SE 0.0052.
Run: /usr/bin/python3 test/golden/scripts/models_wald_term.py
"""
import json

import numpy as np
import scipy
from scipy import stats

a = np.array([2.1, 3.4, 1.9, 5.0, 4.2, 3.3, 2.8])
b = np.array([1.0, 2.2, 1.7, 0.4, 2.9, 1.1])
res = stats.ttest_ind(a, b, equal_var=False)
va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
se = np.sqrt(va + vb)
df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
crit = stats.t.ppf(0.975, df)
est = a.mean() - b.mean()
z = stats.norm.ppf(0.975)
out = {
    "tool": "scipy",
    "version": scipy.__version__,
    "call": "scipy.stats.ttest_ind(a, b, equal_var=False); scipy.stats.t.ppf / norm.ppf / norm.sf",
    "expected": {
        "a": a.tolist(),
        "b": b.tolist(),
        "welch": {
            "estimate": float(est),
            "se": float(se),
            "statistic": float(res.statistic),
            "df": float(df),
            "pValue": float(res.pvalue),
            "ci": [float(est - crit * se), float(est + crit * se)],
        },
        "normal": {
            "estimate": 0.0848,
            "se": 0.0052,
            "statistic": 0.0848 / 0.0052,
            "pValue": float(2 * stats.norm.sf(0.0848 / 0.0052)),
            "ci": [0.0848 - z * 0.0052, 0.0848 + z * 0.0052],
        },
    },
}
with open("test/golden/models/wald_term.json", "w") as f:
    json.dump(out, f, indent=1)
print("wrote test/golden/models/wald_term.json")
