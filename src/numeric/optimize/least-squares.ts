import { TrueliftError } from "../../core/errors.js";
import { cholesky, choleskySolve } from "../linalg/cholesky.js";
import { type LinearConstraints, solveQp } from "./qp.js";

/** A dense row-major matrix: entry (i, j) is `data[i * cols + j]`. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Karush–Kuhn–Tucker residuals of a constrained least-squares solution, all ≥ 0 and ≈ 0 at the optimum, on the
 * scale of the gradient ∇(½‖Ax − b‖²) = Aᵀ(Ax − b):
 * `stationarity` — max |gradient + multiplier terms| over the coordinates strictly inside their bounds;
 * `dualFeasibility` — max amount by which a bound multiplier has the wrong sign;
 * `primalFeasibility` — max violation of a bound or of Σx = 1.
 */
export interface KktResiduals {
  readonly stationarity: number;
  readonly dualFeasibility: number;
  readonly primalFeasibility: number;
}

/** Output of {@link simplexLeastSquares} and {@link boxLeastSquares}. */
export interface ConstrainedLeastSquares {
  /** The minimiser. */
  readonly x: Float64Array;
  /** ‖Ax − b‖² at the minimiser. */
  readonly objective: number;
  /** KKT residuals of `x` for the unregularised problem. */
  readonly kkt: KktResiduals;
  /**
   * True when the active-set refinement certified the KKT conditions on the exact (unregularised) problem. False
   * only when AᵀA restricted to the optimal support is singular, i.e. the minimiser is not unique; `x` is then
   * the minimiser of the ridge-regularised problem (a near-minimum-norm point of the optimal set).
   */
  readonly exact: boolean;
  /** The ridge δ added to AᵀA for the initial quadprog solve (0 when AᵀA was positive definite). */
  readonly ridge: number;
  /** Active-set refinement iterations after the quadprog solve. */
  readonly iterations: number;
}

/** BoxBounds of {@link boxLeastSquares}; a number applies to every coordinate. */
export interface BoxBounds {
  /** __Default value:__ 0 (non-negative least squares). Use `-Infinity` for no lower bound. */
  readonly lower?: number | Float64Array;
  /** __Default value:__ `Infinity`. */
  readonly upper?: number | Float64Array;
}

/**
 * Least squares on the probability simplex: argmin ‖A w − b‖² subject to w ≥ 0 and Σw = 1 — the synthetic-control
 * donor-weight problem (Abadie, Diamond & Hainmueller 2010).
 *
 * Exactness: the problem is a QP with Hessian AᵀA, which is singular whenever there are more donors than rows
 * (or collinear donors), and quadprog (Goldfarb–Idnani) needs it positive definite. So:
 * 1. solve with quadprog on AᵀA + δI, where δ = 0 if AᵀA is numerically positive definite, else
 *    δ = 10⁻¹⁰ · mean(diag AᵀA) (raised ×100 until the factorisation succeeds);
 * 2. refine on the exact problem by a primal active-set method (Lawson–Hanson style) started from quadprog's
 *    active set: solve the equality-constrained least squares on the current support, step back to the first
 *    bound crossed, and free the bound with the most negative multiplier, until all KKT conditions hold.
 * The result is the exact minimiser (KKT residuals at rounding level, `exact: true`) whenever it is unique,
 * which is the case when the columns of A on the optimal support are affinely independent (AᵀA is then positive
 * definite on the directions that keep Σw fixed, even when it is singular).
 *
 * @example
 * ```ts
 * import { simplexLeastSquares } from "truelift";
 * // b is the average of the first two columns
 * const a = { rows: 3, cols: 3, data: Float64Array.of(1, 0, 5, 0, 1, 5, 0, 0, 5) };
 * simplexLeastSquares(a, Float64Array.of(0.5, 0.5, 0)).x; // [0.5, 0.5, 0]
 * ```
 * @see Goldfarb & Idnani (1983), Mathematical Programming 27, 1–33 (the QP solver).
 * @see Lawson & Hanson, Solving Least Squares Problems (1974), ch. 23 (the active-set refinement).
 */
export function simplexLeastSquares(a: DenseMatrix, b: Float64Array): ConstrainedLeastSquares {
  const k = checkInputs(a, b, "simplexLeastSquares");
  const lower = new Float64Array(k);
  const upper = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
  return solveBoundedLs(a, b, lower, upper, true);
}

/**
 * Bound-constrained least squares: argmin ‖A x − b‖² subject to lower ≤ x ≤ upper (by default x ≥ 0, i.e.
 * non-negative least squares, as `scipy.optimize.nnls`). Solved like {@link simplexLeastSquares}: quadprog on a
 * (ridge-regularised only if singular) problem, then an exact active-set refinement with KKT verification.
 * A lower bound above its upper bound → `E_INFEASIBLE`.
 *
 * @example
 * ```ts
 * import { boxLeastSquares } from "truelift";
 * const a = { rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1) };
 * boxLeastSquares(a, Float64Array.of(2, -1)).x;                       // [2, 0]
 * boxLeastSquares(a, Float64Array.of(2, -1), { lower: -0.5, upper: 1 }).x; // [1, -0.5]
 * ```
 * @see Goldfarb & Idnani (1983), Mathematical Programming 27, 1–33.
 * @see Stark & Parker (1995), "Bounded-variable least-squares: an algorithm and applications".
 */
export function boxLeastSquares(
  a: DenseMatrix,
  b: Float64Array,
  bounds: BoxBounds = {},
): ConstrainedLeastSquares {
  const k = checkInputs(a, b, "boxLeastSquares");
  const lower = expandBound(bounds.lower ?? 0, k, "lower");
  const upper = expandBound(bounds.upper ?? Number.POSITIVE_INFINITY, k, "upper");
  for (let j = 0; j < k; j++) {
    if (
      lower[j] > upper[j] ||
      lower[j] === Number.POSITIVE_INFINITY ||
      upper[j] === Number.NEGATIVE_INFINITY
    ) {
      throw new TrueliftError(
        "E_INFEASIBLE",
        `boxLeastSquares: bounds of coordinate ${j} are empty (${lower[j]} > ${upper[j]}).`,
        { details: { coordinate: j, lower: lower[j], upper: upper[j] } },
      );
    }
  }
  return solveBoundedLs(a, b, lower, upper, false);
}

/** Per coordinate: 0 free, 1 at its lower bound, 2 at its upper bound (a byte each). */
type StatusArray = Uint8Array;

function solveBoundedLs(
  a: DenseMatrix,
  b: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  simplex: boolean,
): ConstrainedLeastSquares {
  const k = a.cols;
  const { gram, c } = normalEquations(a, b);

  // Stage 1: quadprog, with a ridge only when AᵀA is singular.
  let meanDiag = 0;
  let maxDiag = 0;
  for (let j = 0; j < k; j++) {
    meanDiag += gram[j * k + j] / k;
    maxDiag = Math.max(maxDiag, gram[j * k + j]);
  }
  let ridge = positiveDefinite(gram, k, maxDiag) ? 0 : 1e-10 * (meanDiag > 0 ? meanDiag : 1);
  const { equalities, inequalities, boundOf } = boundConstraints(lower, upper, simplex);
  let stage1: ReturnType<typeof solveQp> | null = null;
  for (let attempt = 0; attempt < 8 && stage1 === null; attempt++) {
    const h = Float64Array.from(gram);
    for (let j = 0; j < k; j++) h[j * k + j] += ridge;
    try {
      stage1 = solveQp({ hessian: h, linear: c, equalities, inequalities });
    } catch (e) {
      if (!(e instanceof TrueliftError) || e.code !== "E_INVALID_ARGUMENT" || attempt === 7) throw e;
      ridge = ridge === 0 ? 1e-10 * (meanDiag > 0 ? meanDiag : 1) : ridge * 100;
    }
  }
  const x = Float64Array.from(stage1!.x);
  const status: StatusArray = new Uint8Array(k);
  for (const i of stage1!.activeInequalities) {
    const [j, side] = boundOf[i];
    status[j] = side;
  }
  for (let j = 0; j < k; j++) {
    if (status[j] === 1) x[j] = lower[j];
    else if (status[j] === 2) x[j] = upper[j];
    else x[j] = Math.min(upper[j], Math.max(lower[j], x[j]));
  }

  // Stage 2: exact primal active-set refinement on the unregularised problem.
  const refined = activeSetRefine(gram, c, k, lower, upper, simplex, x, status);
  const xFinal = refined ? refined.x : x;
  if (!refined && simplex) {
    // Fallback (non-unique optimum): make quadprog's point exactly feasible (it is clipped at 0 above).
    let sum = 0;
    for (let j = 0; j < k; j++) sum += xFinal[j];
    for (let j = 0; j < k; j++) xFinal[j] /= sum;
  }
  const kkt = kktResiduals(gram, c, k, lower, upper, simplex, xFinal);
  return {
    x: xFinal,
    objective: residualSumOfSquares(a, b, xFinal),
    kkt,
    exact: refined !== null,
    ridge,
    iterations: refined ? refined.iterations : 0,
  };
}

/**
 * Primal active-set method from a feasible start. Returns null when the reduced Hessian on a support is
 * singular (the minimiser is then not unique) or the iteration cap is hit.
 */
function activeSetRefine(
  gram: Float64Array,
  c: Float64Array,
  k: number,
  lower: Float64Array,
  upper: Float64Array,
  simplex: boolean,
  start: Float64Array,
  startStatus: StatusArray,
): { x: Float64Array; iterations: number } | null {
  const x = Float64Array.from(start);
  const status: StatusArray = Uint8Array.from(startStatus);
  const tol = dualTolerance(gram, c, k, x);
  const maxIter = 10 * k + 20;
  for (let iter = 1; iter <= maxIter; iter++) {
    const free: number[] = [];
    for (let j = 0; j < k; j++) if (status[j] === 0) free.push(j);
    const z = reducedSolution(gram, c, k, x, free, simplex);
    if (z === null) return null;
    // Step from x towards z, stopping at the first bound crossed.
    let alpha = 1;
    let blocking = -1;
    for (let f = 0; f < free.length; f++) {
      const j = free[f];
      const dz = z[f] - x[j];
      if (z[f] < lower[j] && dz < 0) {
        const t = (lower[j] - x[j]) / dz;
        if (t < alpha) [alpha, blocking] = [Math.max(t, 0), j];
      } else if (z[f] > upper[j] && dz > 0) {
        const t = (upper[j] - x[j]) / dz;
        if (t < alpha) [alpha, blocking] = [Math.max(t, 0), j];
      }
    }
    for (let f = 0; f < free.length; f++) {
      const j = free[f];
      x[j] = blocking < 0 ? z[f] : x[j] + alpha * (z[f] - x[j]);
      if (j === blocking) x[j] = z[f] < lower[j] ? lower[j] : upper[j];
    }
    if (blocking >= 0) {
      // Fix every free coordinate that reached (or, by rounding, crossed) a bound.
      for (const j of free) {
        if (x[j] <= lower[j]) {
          x[j] = lower[j];
          status[j] = 1;
        } else if (x[j] >= upper[j]) {
          x[j] = upper[j];
          status[j] = 2;
        }
      }
      continue;
    }
    // Optimal on this support: check the multipliers of the fixed coordinates.
    const { lambda } = multipliers(gram, c, k, x, status, simplex);
    let worst = -1;
    let worstViolation = tol;
    for (let j = 0; j < k; j++) {
      const v = status[j] === 1 ? -lambda[j] : status[j] === 2 ? lambda[j] : 0;
      if (v > worstViolation) [worst, worstViolation] = [j, v];
    }
    if (worst < 0) return { x, iterations: iter };
    status[worst] = 0;
  }
  return null;
}

/**
 * Minimises ½xᵀGx + cᵀx over the free coordinates with the others fixed (and Σx = 1 when `simplex`). Returns null
 * when the minimiser on this support is not unique: G restricted to the free set (for the simplex: to the free
 * directions that keep Σx fixed) is not numerically positive definite.
 */
function reducedSolution(
  gram: Float64Array,
  c: Float64Array,
  k: number,
  x: Float64Array,
  free: number[],
  simplex: boolean,
): Float64Array | null {
  const m = free.length;
  if (m === 0) return new Float64Array(0);
  const isFree = new Uint8Array(k);
  for (const j of free) isFree[j] = 1;
  // r = −c_F − G_FX x_X: the linear term of the problem in x_F is −rᵀx_F.
  const r = new Float64Array(m);
  let fixedSum = 0;
  for (let j = 0; j < k; j++) if (!isFree[j]) fixedSum += x[j];
  for (let p = 0; p < m; p++) {
    const i = free[p];
    let s = -c[i];
    for (let j = 0; j < k; j++) if (!isFree[j]) s -= gram[i * k + j] * x[j];
    r[p] = s;
  }
  const gff = (p: number, q: number): number => gram[free[p] * k + free[q]];
  if (!simplex) {
    const g = new Float64Array(m * m);
    for (let p = 0; p < m; p++) for (let q = 0; q < m; q++) g[p * m + q] = gff(p, q);
    const l = choleskyIfPd(g, m);
    return l ? choleskySolve(l, m, r) : null;
  }
  // Σx_F = s: eliminate the last free coordinate, x_F = x0 + Z y with x0 = s·e_last and Z = [I; −1ᵀ].
  const total = 1 - fixedSum;
  const last = m - 1;
  const z = new Float64Array(m);
  z[last] = total;
  if (m === 1) return z;
  const d = m - 1;
  const h = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  for (let p = 0; p < d; p++) {
    for (let q = 0; q < d; q++) h[p * d + q] = gff(p, q) - gff(p, last) - gff(last, q) + gff(last, last);
    // −Zᵀ(G x0 − r)
    rhs[p] = -(total * (gff(p, last) - gff(last, last)) - (r[p] - r[last]));
  }
  const l = choleskyIfPd(h, d);
  if (!l) return null;
  const y = choleskySolve(l, d, rhs);
  let sy = 0;
  for (let p = 0; p < d; p++) {
    z[p] = y[p];
    sy += y[p];
  }
  z[last] = total - sy;
  return z;
}

/** Bound multipliers λ = ∇f + ν·1 (ν from the free coordinates when Σx = 1 is imposed). */
function multipliers(
  gram: Float64Array,
  c: Float64Array,
  k: number,
  x: Float64Array,
  status: StatusArray,
  simplex: boolean,
): { lambda: Float64Array; nu: number } {
  const grad = quadraticGradient(gram, c, k, x);
  let nu = 0;
  if (simplex) {
    let count = 0;
    for (let j = 0; j < k; j++) {
      if (status[j] === 0) {
        nu -= grad[j];
        count++;
      }
    }
    nu = count > 0 ? nu / count : 0;
  }
  const lambda = new Float64Array(k);
  for (let j = 0; j < k; j++) lambda[j] = grad[j] + nu;
  return { lambda, nu };
}

function kktResiduals(
  gram: Float64Array,
  c: Float64Array,
  k: number,
  lower: Float64Array,
  upper: Float64Array,
  simplex: boolean,
  x: Float64Array,
): KktResiduals {
  const status: StatusArray = new Uint8Array(k);
  for (let j = 0; j < k; j++) status[j] = x[j] <= lower[j] ? 1 : x[j] >= upper[j] ? 2 : 0;
  const { lambda } = multipliers(gram, c, k, x, status, simplex);
  let stationarity = 0;
  let dualFeasibility = 0;
  let primalFeasibility = 0;
  let sum = 0;
  for (let j = 0; j < k; j++) {
    sum += x[j];
    primalFeasibility = Math.max(primalFeasibility, lower[j] - x[j], x[j] - upper[j]);
    if (status[j] === 0) stationarity = Math.max(stationarity, Math.abs(lambda[j]));
    else dualFeasibility = Math.max(dualFeasibility, status[j] === 1 ? -lambda[j] : lambda[j]);
  }
  if (simplex) primalFeasibility = Math.max(primalFeasibility, Math.abs(sum - 1));
  return { stationarity, dualFeasibility, primalFeasibility };
}

function boundConstraints(
  lower: Float64Array,
  upper: Float64Array,
  simplex: boolean,
): {
  equalities: LinearConstraints | undefined;
  inequalities: LinearConstraints | undefined;
  boundOf: [number, 1 | 2][];
} {
  const k = lower.length;
  const rows: number[][] = [];
  const rhs: number[] = [];
  const boundOf: [number, 1 | 2][] = [];
  for (let j = 0; j < k; j++) {
    if (Number.isFinite(lower[j])) {
      const row = new Array<number>(k).fill(0);
      row[j] = 1;
      rows.push(row);
      rhs.push(lower[j]);
      boundOf.push([j, 1]);
    }
    if (Number.isFinite(upper[j])) {
      const row = new Array<number>(k).fill(0);
      row[j] = -1;
      rows.push(row);
      rhs.push(-upper[j]);
      boundOf.push([j, 2]);
    }
  }
  const inequalities =
    rows.length > 0 ? { matrix: Float64Array.from(rows.flat()), rhs: Float64Array.from(rhs) } : undefined;
  const equalities = simplex ? { matrix: new Float64Array(k).fill(1), rhs: Float64Array.of(1) } : undefined;
  return { equalities, inequalities, boundOf };
}

function normalEquations(a: DenseMatrix, b: Float64Array): { gram: Float64Array; c: Float64Array } {
  const { rows: n, cols: k, data } = a;
  const gram = new Float64Array(k * k);
  const c = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const off = i * k;
    for (let p = 0; p < k; p++) {
      const ap = data[off + p];
      if (ap === 0) continue;
      c[p] -= ap * b[i];
      for (let q = p; q < k; q++) gram[p * k + q] += ap * data[off + q];
    }
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) gram[p * k + q] = gram[q * k + p];
  return { gram, c };
}

/**
 * Gradient c + G·x of the quadratic ½xᵀGx + cᵀx (G row-major k×k), summed from cᵢ so that callers reproduce
 * each other's iterates bit for bit.
 *
 * @example
 * ```ts
 * import { quadraticGradient } from "truelift";
 * quadraticGradient(Float64Array.of(2, 0, 0, 2), Float64Array.of(-1, 1), 2, Float64Array.of(1, 1)); // [1, 3]
 * ```
 */
export function quadraticGradient(
  gram: Float64Array,
  c: Float64Array,
  k: number,
  x: Float64Array,
): Float64Array {
  const g = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = c[i];
    for (let j = 0; j < k; j++) s += gram[i * k + j] * x[j];
    g[i] = s;
  }
  return g;
}

function dualTolerance(gram: Float64Array, c: Float64Array, k: number, x: Float64Array): number {
  let gmax = 0;
  let cmax = 0;
  let xmax = 1;
  for (let j = 0; j < k; j++) {
    gmax = Math.max(gmax, Math.abs(gram[j * k + j]));
    cmax = Math.max(cmax, Math.abs(c[j]));
    if (Number.isFinite(x[j])) xmax = Math.max(xmax, Math.abs(x[j]));
  }
  return 1e-11 * (gmax * xmax + cmax) + 1e-300;
}

/** The Cholesky factor of g when it is numerically positive definite (pivots² > 10⁻¹² · max diagonal), else null. */
function choleskyIfPd(g: Float64Array, m: number): Float64Array | null {
  let maxDiag = 0;
  for (let j = 0; j < m; j++) maxDiag = Math.max(maxDiag, g[j * m + j]);
  return positiveDefinite(g, m, maxDiag) ? cholesky(g, m) : null;
}

function positiveDefinite(g: Float64Array, m: number, maxDiag: number): boolean {
  if (!(maxDiag > 0)) return false;
  const l = cholesky(g, m);
  if (!l) return false;
  for (let j = 0; j < m; j++) if (!(l[j * m + j] ** 2 > 1e-12 * maxDiag)) return false;
  return true;
}

function residualSumOfSquares(a: DenseMatrix, b: Float64Array, x: Float64Array): number {
  let ss = 0;
  for (let i = 0; i < a.rows; i++) {
    let r = -b[i];
    for (let j = 0; j < a.cols; j++) r += a.data[i * a.cols + j] * x[j];
    ss += r * r;
  }
  return ss;
}

function checkInputs(a: DenseMatrix, b: Float64Array, fn: string): number {
  const { rows, cols, data } = a;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${fn}: the matrix needs at least one row and one column.`);
  }
  if (data.length !== rows * cols) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${fn}: matrix data has ${data.length} entries; expected ${rows} × ${cols}.`,
    );
  }
  if (b.length !== rows) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${fn}: b has ${b.length} entries; expected ${rows}.`);
  }
  if (!data.every(Number.isFinite) || !b.every(Number.isFinite)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${fn}: the matrix or b has a non-finite entry.`);
  }
  return cols;
}

function expandBound(v: number | Float64Array, k: number, label: string): Float64Array {
  if (typeof v === "number") {
    if (Number.isNaN(v)) throw new TrueliftError("E_INVALID_ARGUMENT", `boxLeastSquares: ${label} is NaN.`);
    return new Float64Array(k).fill(v);
  }
  if (v.length !== k || v.some(Number.isNaN)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `boxLeastSquares: ${label} needs ${k} non-NaN entries; got ${v.length}.`,
    );
  }
  return v;
}
