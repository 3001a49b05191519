"""Golden values for truelift's bootstrap interval functions (percentile, basic, BCa, SE).

A fixed replicate array (theta_b, drawn here with numpy) is fed to scipy.stats.bootstrap through its
`bootstrap_result=` argument with n_resamples=0, so scipy computes the intervals from exactly these replicates;
BCa's acceleration uses scipy's own jackknife of the data. The tests feed the same replicates and the
same data (jackknifed by truelift) to truelift's functions.
(File name keeps the logit_* prefix of this work package's golden scripts.)
Run: /usr/bin/python3 test/golden/scripts/logit_bootstrap_scipy.py -> test/golden/logit/bootstrap_scipy.json
"""
import json, os
import numpy as np
import scipy
from scipy import stats
from scipy.stats._resampling import BootstrapResult

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
cases = []
specs = [
    ("mean_lognormal", lambda rng: rng.lognormal(0.0, 1.0, 25), "mean"),
    ("sd_exponential", lambda rng: rng.exponential(2.0, 40), "sd"),
]
for i, (name, gen, stat) in enumerate(specs):
    rng = np.random.default_rng(100 + i)
    x = gen(rng)
    if stat == "mean":
        f = lambda a, axis=-1: np.mean(a, axis=axis)
    else:
        f = lambda a, axis=-1: np.std(a, ddof=1, axis=axis)
    idx = rng.integers(0, len(x), size=(2000, len(x)))
    theta_b = f(x[idx], axis=-1)
    out = {"name": name, "statistic": stat, "x": x.tolist(), "theta_b": theta_b.tolist(),
           "estimate": float(f(x)), "results": []}
    for cl in (0.95, 0.9):
        res = {"confidence_level": cl}
        for method in ("percentile", "basic", "BCa"):
            r = stats.bootstrap((x,), f, n_resamples=0, confidence_level=cl, method=method,
                                bootstrap_result=BootstrapResult(confidence_interval=None,
                                                                 bootstrap_distribution=theta_b,
                                                                 standard_error=None))
            res[method] = [float(r.confidence_interval.low), float(r.confidence_interval.high)]
            res["se"] = float(r.standard_error)
        a1, a2, a_hat = stats._resampling._bca_interval((x,), f, axis=-1, alpha=(1 - cl) / 2,
                                                         theta_hat_b=theta_b, batch=None)
        res["bca_levels"] = [float(a1), float(a2)]
        res["acceleration"] = float(a_hat)
        out["results"].append(res)
    cases.append(out)

golden = {
    "tool": "scipy",
    "version": f"scipy {scipy.__version__}; numpy {np.__version__}",
    "call": "scipy.stats.bootstrap((x,), statistic, n_resamples=0, confidence_level=cl, method=m, "
            "bootstrap_result=BootstrapResult(bootstrap_distribution=theta_b)); "
            "scipy.stats._resampling._bca_interval for the BCa levels and acceleration",
    "data": {"generator": "numpy.random.default_rng(100 + case); theta_b from rng.integers resamples"},
    "expected": {"cases": cases},
}
with open(os.path.join(ROOT, "test/golden/logit/bootstrap_scipy.json"), "w") as fh:
    json.dump(golden, fh)
    fh.write("\n")
for c in cases:
    print(c["name"], c["estimate"], c["results"][0])
