"""Golden values for truelift's auc(): sklearn.metrics.roc_auc_score on data with heavy ties, with and without
sample weights. (File name keeps the logit_* prefix of this work package's golden scripts.)
Run: /usr/bin/python3 test/golden/scripts/logit_auc_sklearn.py -> test/golden/logit/auc_sklearn.json
"""
import json, os
import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
rng = np.random.default_rng(11)
cases = []
for name, n, decimals in (("ties", 500, 1), ("few_ties", 300, 6), ("all_tied", 50, 0)):
    x = rng.normal(size=n)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
    score = np.round(x + rng.normal(scale=0.8, size=n), decimals) if name != "all_tied" else np.full(n, 0.3)
    w = rng.uniform(0, 3, size=n).round(3)
    w[:5] = 0.0
    cases.append({"name": name, "y": y.tolist(), "score": score.tolist(), "w": w.tolist(),
                  "auc": float(roc_auc_score(y, score)),
                  "auc_weighted": float(roc_auc_score(y, score, sample_weight=w))})
out = {"tool": "scikit-learn", "version": f"scikit-learn {sklearn.__version__}; numpy {np.__version__}",
       "call": "roc_auc_score(y, score) and roc_auc_score(y, score, sample_weight=w)",
       "data": {"generator": "numpy.random.default_rng(11); see script"}, "expected": {"cases": cases}}
with open(os.path.join(ROOT, "test/golden/logit/auc_sklearn.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
for c in cases:
    print(c["name"], c["auc"], c["auc_weighted"])
