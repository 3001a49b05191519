import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng.js";
import {
  boxLeastSquares,
  type DenseMatrix,
  simplexLeastSquares,
} from "../../src/numeric/optimize/least-squares.js";
import { solveQp } from "../../src/numeric/optimize/qp.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

interface QpCase {
  name: string;
  kind: "simplex" | "box";
  rows: number;
  cols: number;
  a: number[];
  b: number[];
  lower?: number;
  upper?: number | null;
  x: number[];
  objective: number;
}

/** Checks the KKT conditions of min ½xᵀHx + cᵀx s.t. Ax = b, Gx ≥ h directly from the returned multipliers. */
function checkQpKkt(
  h: Float64Array,
  c: Float64Array,
  eq: { matrix: Float64Array; rhs: Float64Array } | undefined,
  ineq: { matrix: Float64Array; rhs: Float64Array } | undefined,
  sol: ReturnType<typeof solveQp>,
): void {
  const k = c.length;
  const r = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = c[i];
    for (let j = 0; j < k; j++) s += h[i * k + j] * sol.x[j];
    r[i] = s;
  }
  if (eq)
    for (let m = 0; m < eq.rhs.length; m++)
      for (let j = 0; j < k; j++) r[j] -= eq.matrix[m * k + j] * sol.equalityMultipliers[m];
  if (ineq) {
    for (let m = 0; m < ineq.rhs.length; m++) {
      const lam = sol.inequalityMultipliers[m];
      expect(lam).toBeGreaterThanOrEqual(-1e-12);
      let slack = -ineq.rhs[m];
      for (let j = 0; j < k; j++) {
        r[j] -= ineq.matrix[m * k + j] * lam;
        slack += ineq.matrix[m * k + j] * sol.x[j];
      }
      expect(slack).toBeGreaterThanOrEqual(-1e-10);
      expect(Math.abs(lam * slack)).toBeLessThan(1e-10);
    }
  }
  for (let j = 0; j < k; j++) expect(Math.abs(r[j])).toBeLessThan(1e-10);
}

describe("solveQp", () => {
  it("reproduces R's ?solve.QP example (solution, value, multipliers) and satisfies KKT", () => {
    const hessian = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    const linear = Float64Array.of(0, -5, 0);
    // Amat in R is column-per-constraint; rows here are constraints.
    const ineq = { matrix: Float64Array.of(-4, -3, 0, 2, 1, 0, 0, -2, 1), rhs: Float64Array.of(-8, 2, 0) };
    const sol = solveQp({ hessian, linear, inequalities: ineq });
    // R: solution 0.4761905 1.0476190 2.0952381; value -2.380952; Lagrangian 0 0.2380952 2.0952381
    expectClose(sol.x, [10 / 21, 22 / 21, 44 / 21], { rtol: 1e-13 });
    expectClose(sol.value, -50 / 21, { rtol: 1e-13 });
    expectClose(sol.inequalityMultipliers, [0, 5 / 21, 44 / 21], { rtol: 1e-13, atol: 1e-15 });
    expect(sol.activeInequalities).toEqual([1, 2]);
    checkQpKkt(hessian, linear, undefined, ineq, sol);
  });

  it("returns equality multipliers with a consistent sign whichever side the start lies on", () => {
    const hessian = Float64Array.of(1, 0, 0, 1);
    const eq = { matrix: Float64Array.of(1, 1), rhs: Float64Array.of(1) };
    for (const c of [-3, 3]) {
      const linear = Float64Array.of(c, c);
      const sol = solveQp({ hessian, linear, equalities: eq });
      expectClose(sol.x, [0.5, 0.5], { rtol: 1e-14 });
      expectClose(sol.equalityMultipliers, [0.5 + c], { rtol: 1e-14 });
      checkQpKkt(hessian, linear, eq, undefined, sol);
    }
  });

  it("solves random strictly convex QPs with mixed constraints (KKT property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = createRng(seed);
        const k = 2 + rng.int(5);
        const b = new Float64Array(k * (k + 2)).map(() => rng.normal());
        const h = new Float64Array(k * k);
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            let s = i === j ? 0.1 : 0;
            for (let r = 0; r < k + 2; r++) s += b[r * k + i] * b[r * k + j];
            h[i * k + j] = s;
          }
        const c = new Float64Array(k).map(() => 3 * rng.normal());
        const eq = { matrix: new Float64Array(k).fill(1), rhs: Float64Array.of(1) };
        const m = 1 + rng.int(k);
        // x0 = (1/k, …) is strictly feasible: rows g with g·x0 − 1 ≥ h
        const gm = new Float64Array(m * k).map(() => rng.normal());
        const rhs = new Float64Array(m);
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += gm[i * k + j] / k;
          rhs[i] = s - 0.5;
        }
        const ineq = { matrix: gm, rhs };
        const sol = solveQp({ hessian: h, linear: c, equalities: eq, inequalities: ineq });
        checkQpKkt(h, c, eq, ineq, sol);
      }),
      { numRuns: 200 },
    );
  });

  it("solves unconstrained problems by Cholesky", () => {
    const sol = solveQp({ hessian: Float64Array.of(2, 0, 0, 4), linear: Float64Array.of(-2, -4) });
    expectClose(sol.x, [1, 1], { rtol: 1e-15 });
    expectClose(sol.value, -3, { rtol: 1e-15 });
  });

  it("rejects infeasible, malformed and non-convex problems by code", () => {
    const hessian = Float64Array.of(1, 0, 0, 1);
    const infeasible = { matrix: Float64Array.of(1, 0, -1, 0), rhs: Float64Array.of(1, 0) }; // x0 ≥ 1, x0 ≤ 0
    expect(errorCode(() => solveQp({ hessian, inequalities: infeasible }))).toBe("E_INFEASIBLE");
    const clash = { matrix: Float64Array.of(1, 1, 1, 1), rhs: Float64Array.of(1, 2) };
    expect(errorCode(() => solveQp({ hessian, equalities: clash }))).toBe("E_INFEASIBLE");
    expect(errorCode(() => solveQp({ hessian: Float64Array.of(1, 0, 0) }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => solveQp({ hessian, linear: Float64Array.of(1) }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => solveQp({ hessian: Float64Array.of(1, 0, 0, 0) }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => solveQp({ hessian: Float64Array.of(1, 0.5, 0, 1) }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => solveQp({ hessian: Float64Array.of(1, 0, 0, Number.NaN) }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    const bad = { matrix: Float64Array.of(1, 0, 0), rhs: Float64Array.of(1) };
    expect(errorCode(() => solveQp({ hessian, inequalities: bad }))).toBe("E_INVALID_ARGUMENT");
  });
});

/** KKT check of a simplex / box least-squares solution straight from the definition. */
function checkLsKkt(
  a: DenseMatrix,
  b: Float64Array,
  x: Float64Array,
  lo: number,
  hi: number,
  simplex: boolean,
  rel = 1e-11,
) {
  const { rows, cols, data } = a;
  const resid = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = -b[i];
    for (let j = 0; j < cols; j++) s += data[i * cols + j] * x[j];
    resid[i] = s;
  }
  const g = new Float64Array(cols);
  let scale = 0;
  for (let j = 0; j < cols; j++) {
    let s = 0;
    let d = 0;
    for (let i = 0; i < rows; i++) {
      s += data[i * cols + j] * resid[i];
      d += data[i * cols + j] ** 2;
    }
    g[j] = s;
    scale = Math.max(scale, d);
  }
  const free = [...x.keys()].filter((j) => x[j] > lo && x[j] < hi);
  const nu = simplex ? -free.reduce((s, j) => s + g[j], 0) / free.length : 0;
  const tol = rel * (scale + 1);
  for (let j = 0; j < cols; j++) {
    const lam = g[j] + nu;
    expect(x[j]).toBeGreaterThanOrEqual(lo);
    expect(x[j]).toBeLessThanOrEqual(hi);
    if (x[j] === lo) expect(lam).toBeGreaterThan(-tol);
    else if (x[j] === hi) expect(lam).toBeLessThan(tol);
    else expect(Math.abs(lam)).toBeLessThan(tol);
  }
  if (simplex) expect(Math.abs(x.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-14);
}

describe("simplexLeastSquares / boxLeastSquares vs scipy (golden)", () => {
  const golden = loadGolden<{ cases: QpCase[] }>("logit", "qp_scipy");
  for (const c of golden.expected.cases) {
    it(`${c.name}: matches the polished scipy optimum and satisfies KKT`, () => {
      const a = { rows: c.rows, cols: c.cols, data: Float64Array.from(c.a) };
      const b = Float64Array.from(c.b);
      const lo = c.kind === "simplex" ? 0 : (c.lower ?? 0);
      const hi = c.kind === "simplex" || c.upper === null || c.upper === undefined ? Infinity : c.upper;
      const sol =
        c.kind === "simplex" ? simplexLeastSquares(a, b) : boxLeastSquares(a, b, { lower: lo, upper: hi });
      expect(sol.exact).toBe(true);
      expectClose(sol.x, c.x, { rtol: 1e-9, atol: 1e-12 });
      expectClose(sol.objective, c.objective, { rtol: 1e-12 });
      checkLsKkt(a, b, sol.x, lo, hi, c.kind === "simplex");
      expect(Math.max(sol.kkt.stationarity, sol.kkt.dualFeasibility, sol.kkt.primalFeasibility)).toBeLessThan(
        1e-10,
      );
      if (c.name === "simplex_wide") expect(sol.ridge).toBeGreaterThan(0);
      if (c.name === "simplex_tall") expect(sol.ridge).toBe(0);
    });
  }
});

describe("simplexLeastSquares / boxLeastSquares properties and edge cases", () => {
  function randomMatrix(rng: ReturnType<typeof createRng>, rows: number, cols: number): DenseMatrix {
    return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => rng.normal()) };
  }

  it("satisfies KKT on random simplex problems, wide (singular AᵀA) and tall", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (seed, wide) => {
        const rng = createRng(seed);
        const cols = 2 + rng.int(wide ? 30 : 8);
        const rows = wide ? 1 + rng.int(cols) : cols + rng.int(20);
        const a = randomMatrix(rng, rows, cols);
        const b = Float64Array.from({ length: rows }, () => rng.normal());
        const sol = simplexLeastSquares(a, b);
        // A non-unique optimum (b inside a face spanned by more than rows + 1 columns) comes back as the
        // ridge-regularised solution: optimal to O(ridge), flagged exact: false.
        checkLsKkt(a, b, sol.x, 0, Infinity, true, sol.exact ? 1e-11 : 1e-8);
        if (!wide) expect(sol.exact).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("satisfies KKT on random box problems", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), (seed) => {
        const rng = createRng(seed);
        const cols = 1 + rng.int(8);
        const rows = cols + rng.int(10);
        const a = randomMatrix(rng, rows, cols);
        const b = Float64Array.from({ length: rows }, () => 3 * rng.normal());
        const sol = boxLeastSquares(a, b, { lower: -0.5, upper: 0.7 });
        expect(sol.exact).toBe(true);
        checkLsKkt(a, b, sol.x, -0.5, 0.7, false);
        const nn = boxLeastSquares(a, b);
        checkLsKkt(a, b, nn.x, 0, Infinity, false);
      }),
      { numRuns: 150 },
    );
  });

  it("recovers exact convex combinations when there are more donors than rows", () => {
    const rng = createRng(77);
    const a = { rows: 6, cols: 15, data: Float64Array.from({ length: 90 }, () => rng.uniform()) };
    const w = new Float64Array(15);
    w[2] = 0.5;
    w[9] = 0.3;
    w[11] = 0.2;
    const b = new Float64Array(6);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 15; j++) b[i] += a.data[i * 15 + j] * w[j];
    const sol = simplexLeastSquares(a, b);
    expect(sol.objective).toBeLessThan(1e-16);
    expect(sol.ridge).toBeGreaterThan(0);
    checkLsKkt(a, b, sol.x, 0, Infinity, true);
  });

  it("handles one column, the documented examples, and unbounded box coordinates", () => {
    const one = simplexLeastSquares({ rows: 2, cols: 1, data: Float64Array.of(1, 2) }, Float64Array.of(5, 5));
    expectClose(one.x, [1], { rtol: 0 });
    const ex = simplexLeastSquares(
      { rows: 3, cols: 3, data: Float64Array.of(1, 0, 5, 0, 1, 5, 0, 0, 5) },
      Float64Array.of(0.5, 0.5, 0),
    );
    expectClose(ex.x, [0.5, 0.5, 0], { atol: 1e-15 });
    const id = { rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1) };
    expectClose(boxLeastSquares(id, Float64Array.of(2, -1)).x, [2, 0], { atol: 1e-15 });
    expectClose(boxLeastSquares(id, Float64Array.of(2, -1), { lower: -0.5, upper: 1 }).x, [1, -0.5], {
      atol: 1e-15,
    });
    const free = boxLeastSquares(id, Float64Array.of(2, -1), {
      lower: Float64Array.of(Number.NEGATIVE_INFINITY, 0),
      upper: Float64Array.of(Number.POSITIVE_INFINITY, 1),
    });
    expectClose(free.x, [2, 0], { atol: 1e-15 });
  });

  it("reports a non-unique optimum (duplicate columns) as exact: false with small KKT residuals", () => {
    const a = { rows: 3, cols: 3, data: Float64Array.of(1, 1, 0, 2, 2, 1, 0, 0, 1) };
    const b = Float64Array.of(1, 2, 0.2);
    const sol = simplexLeastSquares(a, b);
    expect(sol.exact).toBe(false);
    expect(Math.max(sol.kkt.stationarity, sol.kkt.dualFeasibility, sol.kkt.primalFeasibility)).toBeLessThan(
      1e-8,
    );
    // the duplicate columns share s = w0 + w1; minimising 2(s − 1)² + (0.8 − s)² gives s = 14/15
    expectClose(sol.x[0] + sol.x[1], 14 / 15, { atol: 1e-8 });
  });

  it("rejects malformed input and empty boxes by code", () => {
    const a = { rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1) };
    expect(errorCode(() => simplexLeastSquares(a, Float64Array.of(1)))).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() => simplexLeastSquares({ ...a, data: Float64Array.of(1, 0, 0) }, Float64Array.of(1, 1))),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        simplexLeastSquares({ rows: 0, cols: 2, data: new Float64Array(0) }, new Float64Array(0)),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        boxLeastSquares({ ...a, data: Float64Array.of(1, Number.NaN, 0, 1) }, Float64Array.of(1, 1)),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => boxLeastSquares(a, Float64Array.of(1, 1), { lower: 1, upper: 0 }))).toBe(
      "E_INFEASIBLE",
    );
    expect(errorCode(() => boxLeastSquares(a, Float64Array.of(1, 1), { lower: Float64Array.of(0) }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});
