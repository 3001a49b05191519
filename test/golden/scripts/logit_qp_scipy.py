"""Golden values for truelift's numeric/optimize least-squares solvers (simplexLeastSquares, boxLeastSquares).

(File name keeps the logit_* prefix of this work package's golden scripts.)
Cases are random matrices from numpy's default_rng(seed); each expected solution is computed with scipy and then
*polished* to the exact optimum by solving the KKT system on the support scipy found, and the KKT conditions are
asserted here before writing:
  - nnls:    scipy.optimize.nnls(A, b)
  - box:     scipy.optimize.lsq_linear(A, b, bounds=(lo, hi), method='bvls', tol=1e-15)
  - simplex: scipy.optimize.minimize(SLSQP, ftol=1e-16, maxiter=1000) s.t. w >= 0, sum w = 1, then polished
Run: /usr/bin/python3 test/golden/scripts/logit_qp_scipy.py  -> test/golden/logit/qp_scipy.json
"""
import json, os
import numpy as np
import scipy
from scipy.optimize import minimize, nnls, lsq_linear

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")


def polish_simplex(A, b, w):
    S = np.where(w > 1e-7)[0]
    G = A[:, S].T @ A[:, S]
    m = len(S)
    K = np.zeros((m + 1, m + 1)); K[:m, :m] = G; K[:m, m] = 1; K[m, :m] = 1
    rhs = np.concatenate([A[:, S].T @ b, [1.0]])
    sol = np.linalg.solve(K, rhs)
    x = np.zeros(A.shape[1]); x[S] = sol[:m]
    g = A.T @ (A @ x - b)
    nu = -np.mean(g[S])
    lam = g + nu
    scale = np.max(np.abs(np.diag(A.T @ A))) + np.max(np.abs(A.T @ b))
    assert np.all(x[S] > 0), x
    assert np.max(np.abs(lam[S])) < 1e-10 * scale
    assert np.all(np.delete(lam, S) > -1e-10 * scale), lam
    return x


def polish_box(A, b, x, lo, hi):
    tol = 1e-9
    at_lo = np.isfinite(lo) & (x <= lo + tol)
    at_hi = np.isfinite(hi) & (x >= hi - tol)
    F = ~(at_lo | at_hi)
    xf = x.copy(); xf[at_lo] = lo[at_lo]; xf[at_hi] = hi[at_hi]
    Af = A[:, F]
    rhs = b - A[:, ~F] @ xf[~F]
    xf[F] = np.linalg.solve(Af.T @ Af, Af.T @ rhs)
    g = A.T @ (A @ xf - b)
    scale = np.max(np.abs(np.diag(A.T @ A))) + np.max(np.abs(A.T @ b))
    assert np.max(np.abs(g[F])) < 1e-10 * scale
    assert np.all(g[at_lo] > -1e-10 * scale) and np.all(g[at_hi] < 1e-10 * scale)
    assert np.all(xf[F] > lo[F]) and np.all(xf[F] < hi[F])
    return xf


cases = []
# simplex: synthetic-control shape (20 pre-periods x 25 donors: A^T A singular) and a tall PD case
for name, (T, J, seed) in {"simplex_wide": (20, 25, 1), "simplex_tall": (50, 8, 2)}.items():
    rng = np.random.default_rng(seed)
    A = rng.normal(0.6, 0.1, size=(T, J))
    b = A[:, :4] @ np.array([0.4, 0.3, 0.2, 0.1]) + rng.normal(0, 0.02, T) + 0.03
    cons = ({"type": "eq", "fun": lambda w: np.sum(w) - 1, "jac": lambda w: np.ones_like(w)},)
    res = minimize(lambda w: np.sum((A @ w - b) ** 2), np.full(J, 1 / J), jac=lambda w: 2 * A.T @ (A @ w - b),
                   bounds=[(0, None)] * J, constraints=cons, method="SLSQP",
                   options={"ftol": 1e-16, "maxiter": 1000})
    x = polish_simplex(A, b, res.x)
    cases.append({"name": name, "kind": "simplex", "rows": T, "cols": J, "a": A.ravel().tolist(), "b": b.tolist(),
                  "x": x.tolist(), "objective": float(np.sum((A @ x - b) ** 2)),
                  "slsqp_x": res.x.tolist()})

rng = np.random.default_rng(3)
A = rng.normal(size=(30, 10)); b = rng.normal(size=30)
x, rnorm = nnls(A, b)
x = polish_box(A, b, x, np.zeros(10), np.full(10, np.inf))
cases.append({"name": "nnls", "kind": "box", "rows": 30, "cols": 10, "a": A.ravel().tolist(), "b": b.tolist(),
              "lower": 0, "upper": None, "x": x.tolist(), "objective": float(np.sum((A @ x - b) ** 2))})

rng = np.random.default_rng(4)
A = rng.normal(size=(30, 6)); b = rng.normal(size=30) * 3
lo = np.full(6, -0.5); hi = np.full(6, 0.5)
res = lsq_linear(A, b, bounds=(lo, hi), method="bvls", tol=1e-15)
x = polish_box(A, b, res.x, lo, hi)
cases.append({"name": "box", "kind": "box", "rows": 30, "cols": 6, "a": A.ravel().tolist(), "b": b.tolist(),
              "lower": -0.5, "upper": 0.5, "x": x.tolist(), "objective": float(np.sum((A @ x - b) ** 2))})

out = {
    "tool": "scipy",
    "version": f"scipy {scipy.__version__}; numpy {np.__version__}",
    "call": "scipy.optimize.nnls / lsq_linear(method='bvls', tol=1e-15) / minimize(method='SLSQP', ftol=1e-16); "
            "each polished by solving the KKT system on the found support (asserted in the script)",
    "data": {"generator": "numpy.random.default_rng(seed) per case; see script"},
    "expected": {"cases": cases},
}
with open(os.path.join(ROOT, "test/golden/logit/qp_scipy.json"), "w") as f:
    json.dump(out, f)
    f.write("\n")
for c in cases:
    print(c["name"], np.round(c["x"], 6), c["objective"])
