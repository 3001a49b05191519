import quadprog from "quadprog";
import { TrueliftError } from "../../core/errors.js";
import { cholesky, choleskySolve } from "../linalg/cholesky.js";

/** Linear constraints `matrix · x (= or ≥) rhs`: `matrix` is row-major m × k, `rhs` has m entries. */
export interface LinearConstraints {
  readonly matrix: Float64Array;
  readonly rhs: Float64Array;
}

/**
 * A strictly convex quadratic programme: minimise ½ xᵀ H x + cᵀ x subject to `equalities` (A x = b) and
 * `inequalities` (G x ≥ h). H is row-major k × k, symmetric positive definite.
 */
export interface QpProblem {
  /** H, row-major k × k, symmetric positive definite. */
  readonly hessian: Float64Array;
  /** c (k entries). __Default value:__ zeros. */
  readonly linear?: Float64Array;
  /** A x = b. __Default value:__ none. */
  readonly equalities?: LinearConstraints;
  /** G x ≥ h. __Default value:__ none. */
  readonly inequalities?: LinearConstraints;
}

/**
 * Solution of {@link solveQp}. The multipliers satisfy the KKT conditions of the Lagrangian
 * ½xᵀHx + cᵀx − μᵀ(Ax − b) − λᵀ(Gx − h): H x + c = Aᵀμ + Gᵀλ, λ ≥ 0, λᵢ(Gx − h)ᵢ = 0.
 */
export interface QpSolution {
  /** The minimiser. */
  readonly x: Float64Array;
  /** ½ xᵀ H x + cᵀ x at the minimiser. */
  readonly value: number;
  /** μ, one per equality row. */
  readonly equalityMultipliers: Float64Array;
  /** λ ≥ 0, one per inequality row (0 for inactive rows). */
  readonly inequalityMultipliers: Float64Array;
  /** 0-based indices of the inequality rows active at the solution. */
  readonly activeInequalities: readonly number[];
  /** Iterations of the dual active-set method. */
  readonly iterations: number;
}

/**
 * Solves a strictly convex quadratic programme exactly (up to rounding) with the Goldfarb–Idnani dual active-set
 * method, through the `quadprog` package (a port of R's `quadprog::solve.QP`), behind a 0-based, typed interface.
 * The inputs are copied (quadprog overwrites its arguments). Inequality multipliers are quadprog's; equality
 * multipliers are recomputed from stationarity (least squares on Hx + c − Gᵀλ = Aᵀμ), because quadprog flips the
 * orientation of equality rows internally and its equality multipliers can come back with either sign.
 *
 * Errors: malformed sizes / non-finite entries / asymmetric H → `E_INVALID_ARGUMENT`; H not positive definite →
 * `E_INVALID_ARGUMENT` (add a ridge, or use {@link simplexLeastSquares} / {@link boxLeastSquares}, which handle
 * singular least-squares Hessians); constraints with no feasible point → `E_INFEASIBLE`.
 *
 * @example
 * ```ts
 * import { solveQp } from "truelift";
 * // R's ?solve.QP example: min −(0,5,0)·x + ½xᵀx  s.t.  Gᵀx ≥ (−8, 2, 0)
 * const sol = solveQp({
 *   hessian: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
 *   linear: Float64Array.of(0, -5, 0),
 *   inequalities: { matrix: Float64Array.of(-4, -3, 0, 2, 1, 0, 0, -2, 1), rhs: Float64Array.of(-8, 2, 0) },
 * });
 * sol.x; // [0.4761905, 1.0476190, 2.0952381]
 * ```
 * @see Goldfarb & Idnani (1983), "A numerically stable dual method for solving strictly convex quadratic
 *   programs", Mathematical Programming 27, 1–33.
 */
export function solveQp(problem: QpProblem): QpSolution {
  const h = problem.hessian;
  const k = Math.round(Math.sqrt(h.length));
  if (k < 1 || k * k !== h.length) invalid(`hessian has ${h.length} entries; expected k × k.`);
  const c = problem.linear ?? new Float64Array(k);
  if (c.length !== k) invalid(`linear has ${c.length} entries; expected ${k}.`);
  const eq = checkConstraints(problem.equalities, k, "equalities");
  const ineq = checkConstraints(problem.inequalities, k, "inequalities");
  let scale = 0;
  for (let i = 0; i < k * k; i++) {
    if (!Number.isFinite(h[i])) invalid("hessian has a non-finite entry.");
    scale = Math.max(scale, Math.abs(h[i]));
  }
  if (!c.every(Number.isFinite)) invalid("linear has a non-finite entry.");
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (Math.abs(h[i * k + j] - h[j * k + i]) > 1e-12 * scale) invalid("hessian is not symmetric.");
    }
  }
  if (!cholesky(h, k)) {
    invalid("hessian is not positive definite; quadprog needs a strictly convex objective.", {
      hint: "Add a small ridge to the diagonal, or use simplexLeastSquares / boxLeastSquares for least squares.",
    });
  }
  const mEq = eq.rows;
  const q = mEq + ineq.rows;
  if (q === 0) return unconstrained(h, c, k);

  // 1-based quadprog inputs: Dmat[i][j], dvec[i] (minimises −dᵀx + ½xᵀDx), Amat[j][i] (column i = constraint i).
  const dmat: number[][] = [[]];
  for (let i = 0; i < k; i++) {
    const row = [0];
    for (let j = 0; j < k; j++) row.push(h[i * k + j]);
    dmat.push(row);
  }
  const dvec = [0];
  for (let i = 0; i < k; i++) dvec.push(-c[i]);
  const amat: number[][] = [[]];
  for (let j = 0; j < k; j++) {
    const row = [0];
    for (let i = 0; i < mEq; i++) row.push(eq.matrix[i * k + j]);
    for (let i = 0; i < ineq.rows; i++) row.push(ineq.matrix[i * k + j]);
    amat.push(row);
  }
  const bvec = [0, ...eq.rhs, ...ineq.rhs];
  const out = quadprog.solveQP(dmat, dvec, amat, bvec, mEq);
  if (out.message.includes("inconsistent")) {
    throw new TrueliftError("E_INFEASIBLE", "The quadratic programme's constraints admit no solution.", {
      details: { equalities: mEq, inequalities: ineq.rows },
    });
  }
  if (out.message !== "") invalid(`quadprog failed: ${out.message}`);

  const x = new Float64Array(k);
  for (let j = 0; j < k; j++) x[j] = out.solution[j + 1];
  const inequalityMultipliers = new Float64Array(ineq.rows);
  const activeInequalities: number[] = [];
  for (let i = 0; i < ineq.rows; i++) inequalityMultipliers[i] = out.Lagrangian[mEq + i + 1];
  for (let a = 1; a < out.iact.length; a++) {
    const idx = out.iact[a];
    if (idx > mEq) activeInequalities.push(idx - mEq - 1);
  }
  activeInequalities.sort((p, r) => p - r);
  const equalityMultipliers = equalityMultipliersOf(h, c, k, x, eq, ineq, inequalityMultipliers);
  const equalityResidual = maxResidual(eq, x, k, true);
  const inequalityViolation = maxResidual(ineq, x, k, false);
  const tol = 1e-8 * (1 + maxAbs(x)) * (1 + Math.max(maxAbs(eq.matrix), maxAbs(ineq.matrix)));
  if (equalityResidual > tol || inequalityViolation > tol) {
    throw new TrueliftError("E_INFEASIBLE", "The quadratic programme's constraints admit no solution.", {
      details: { equalityResidual, inequalityViolation },
    });
  }
  return {
    x,
    value: quadraticValue(h, c, x, k),
    equalityMultipliers,
    inequalityMultipliers,
    activeInequalities,
    iterations: out.iterations[1],
  };
}

/** μ solving (A Aᵀ) μ = A (H x + c − Gᵀλ): exact when the KKT system holds, as it does at quadprog's solution. */
function equalityMultipliersOf(
  h: Float64Array,
  c: Float64Array,
  k: number,
  x: Float64Array,
  eq: CheckedConstraints,
  ineq: CheckedConstraints,
  lambda: Float64Array,
): Float64Array {
  const m = eq.rows;
  if (m === 0) return new Float64Array(0);
  const r = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = c[i];
    for (let j = 0; j < k; j++) s += h[i * k + j] * x[j];
    r[i] = s;
  }
  for (let a = 0; a < ineq.rows; a++) {
    if (lambda[a] === 0) continue;
    for (let j = 0; j < k; j++) r[j] -= ineq.matrix[a * k + j] * lambda[a];
  }
  const aat = new Float64Array(m * m);
  const ar = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    for (let j = 0; j < k; j++) ar[p] += eq.matrix[p * k + j] * r[j];
    for (let q = 0; q < m; q++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += eq.matrix[p * k + j] * eq.matrix[q * k + j];
      aat[p * m + q] = s;
    }
  }
  const l = cholesky(aat, m);
  return l ? choleskySolve(l, m, ar) : new Float64Array(m).fill(Number.NaN);
}

/**
 * The quadratic objective ½ xᵀ H x + cᵀ x (H row-major k × k).
 *
 * @example
 * ```ts
 * import { quadraticValue } from "truelift";
 * quadraticValue(Float64Array.of(2, 0, 0, 2), Float64Array.of(-1, 0), Float64Array.of(1, 1), 2); // 1
 * ```
 * @see Nocedal & Wright, Numerical Optimization (2nd ed., 2006), ch. 16.
 */
export function quadraticValue(h: Float64Array, c: Float64Array, x: Float64Array, k: number): number {
  let v = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += h[i * k + j] * x[j];
    v += x[i] * (0.5 * s + c[i]);
  }
  return v;
}

interface CheckedConstraints {
  readonly rows: number;
  readonly matrix: Float64Array;
  readonly rhs: Float64Array;
}

function checkConstraints(con: LinearConstraints | undefined, k: number, label: string): CheckedConstraints {
  if (!con) return { rows: 0, matrix: new Float64Array(0), rhs: new Float64Array(0) };
  const rows = con.rhs.length;
  if (con.matrix.length !== rows * k) {
    invalid(`${label}.matrix has ${con.matrix.length} entries; expected ${rows} × ${k}.`);
  }
  if (!con.matrix.every(Number.isFinite) || !con.rhs.every(Number.isFinite)) {
    invalid(`${label} have a non-finite entry.`);
  }
  return { rows, matrix: con.matrix, rhs: con.rhs };
}

function unconstrained(h: Float64Array, c: Float64Array, k: number): QpSolution {
  // x = −H⁻¹c
  const x = choleskySolve(
    cholesky(h, k)!,
    k,
    c.map((v) => -v),
  );
  return {
    x,
    value: quadraticValue(h, c, x, k),
    equalityMultipliers: new Float64Array(0),
    inequalityMultipliers: new Float64Array(0),
    activeInequalities: [],
    iterations: 0,
  };
}

function maxResidual(con: CheckedConstraints, x: Float64Array, k: number, equality: boolean): number {
  let worst = 0;
  for (let i = 0; i < con.rows; i++) {
    let s = -con.rhs[i];
    for (let j = 0; j < k; j++) s += con.matrix[i * k + j] * x[j];
    worst = Math.max(worst, equality ? Math.abs(s) : -s);
  }
  return worst;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function invalid(message: string, options: { hint?: string } = {}): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", `solveQp: ${message}`, options);
}
