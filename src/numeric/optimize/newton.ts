import { TrueliftError } from "../../core/errors.js";
import { cholesky, choleskySolve } from "../linalg/cholesky.js";

/**
 * A smooth convex minimisation problem for {@link newtonMinimize}: the objective and its first two derivatives.
 * `hessian` returns a row-major `dim × dim` matrix. `value` may return `Infinity` (or NaN) outside the domain;
 * the line search then shortens the step.
 */
export interface NewtonProblem {
  /** Number of parameters. */
  readonly dim: number;
  /** f(x). */
  value(x: Float64Array): number;
  /** ∇f(x). */
  gradient(x: Float64Array): Float64Array;
  /** ∇²f(x), row-major dim×dim, symmetric positive semi-definite. */
  hessian(x: Float64Array): Float64Array;
}

/** Options of {@link newtonMinimize}; every field has a default. */
export interface NewtonOptions {
  /** Starting point. __Default value:__ zeros. */
  readonly start?: Float64Array;
  /**
   * Convergence tolerance on max_j |∇f(x)_j| · gradScale_j. __Default value:__ `1e-10`. Scale the objective (for
   * example, divide a log-likelihood by the number of observations) so that this tolerance is meaningful.
   */
  readonly gradTol?: number;
  /** Per-coordinate multipliers for the convergence test (e.g. 1 / rms of each covariate). __Default value:__ 1. */
  readonly gradScale?: Float64Array;
  /** Maximum number of Newton steps. __Default value:__ `100`. */
  readonly maxIter?: number;
  /** Maximum number of step halvings in one line search. __Default value:__ `60`. */
  readonly maxHalvings?: number;
}

/** Why {@link newtonMinimize} stopped. `gradient` is the only reason that counts as converged. */
export type NewtonStop = "gradient" | "maxIter" | "lineSearch";

/** Output of {@link newtonMinimize}. */
export interface NewtonResult {
  /** The final iterate. */
  readonly x: Float64Array;
  /** f(x). */
  readonly value: number;
  /** ∇f(x). */
  readonly gradient: Float64Array;
  /** ∇²f(x) (row-major). */
  readonly hessian: Float64Array;
  /** Number of Newton steps taken. */
  readonly iterations: number;
  /** True when the scaled gradient fell below `gradTol`. */
  readonly converged: boolean;
  /** Why the iteration stopped. */
  readonly stop: NewtonStop;
  /**
   * max_j |d_j| of the Newton step d = −H⁻¹∇f at the final iterate. Near 0 at a genuine optimum; stays of order
   * one when the objective has no minimiser and decreases forever along a ray (e.g. logistic separation).
   */
  readonly lastStep: number;
}

/**
 * Damped Newton's method for smooth convex problems, the engine behind iteratively reweighted least squares
 * (IRLS): each step solves H d = −g by Cholesky (adding a Levenberg–Marquardt ridge when H is numerically
 * singular) and halves the step until the Armijo condition f(x + t d) ≤ f(x) + 10⁻⁴ t gᵀd holds. When f no
 * longer changes measurably (the last quadratic step near the optimum), a step is still accepted if it shrinks
 * the gradient. Convergence is declared on the (scaled) gradient, never on the change in f, so a returned
 * `converged: true` means max|∇f| ≤ `gradTol`.
 *
 * Phases: evaluate g → test convergence → solve H d = −g → backtracking line search → repeat.
 *
 * @example
 * ```ts
 * import { newtonMinimize } from "truelift";
 * // f(x) = (x0 − 1)² + (x1 + 2)⁴ + x1²
 * const r = newtonMinimize({
 *   dim: 2,
 *   value: (x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 4 + x[1] ** 2,
 *   gradient: (x) => Float64Array.of(2 * (x[0] - 1), 4 * (x[1] + 2) ** 3 + 2 * x[1]),
 *   hessian: (x) => Float64Array.of(2, 0, 0, 12 * (x[1] + 2) ** 2 + 2),
 * });
 * r.converged; // true
 * ```
 * @see McCullagh & Nelder, Generalized Linear Models (2nd ed., 1989), §2.5 (IRLS as Newton–Raphson / Fisher scoring).
 * @see Nocedal & Wright, Numerical Optimization (2nd ed., 2006), §3.1 (backtracking) and §3.4 (modified Newton).
 */
export function newtonMinimize(problem: NewtonProblem, options: NewtonOptions = {}): NewtonResult {
  const k = problem.dim;
  const gradTol = options.gradTol ?? 1e-10;
  const maxIter = options.maxIter ?? 100;
  const maxHalvings = options.maxHalvings ?? 60;
  const scale = options.gradScale;
  if (!Number.isInteger(k) || k < 1) invalid(`dim must be a positive integer, got ${k}.`);
  if (!(gradTol > 0)) invalid(`gradTol must be positive, got ${gradTol}.`);
  if (!Number.isInteger(maxIter) || maxIter < 0) invalid(`maxIter must be a non-negative integer.`);
  if (scale && scale.length !== k) invalid(`gradScale has ${scale.length} entries; expected ${k}.`);
  if (options.start && options.start.length !== k) invalid(`start has ${options.start.length} entries.`);

  let x: Float64Array = options.start ? Float64Array.from(options.start) : new Float64Array(k);
  let f = problem.value(x);
  if (!Number.isFinite(f)) invalid("The objective is not finite at the starting point.");
  const gnorm = (g: Float64Array): number => {
    let m = 0;
    for (let j = 0; j < k; j++) m = Math.max(m, Math.abs(g[j]) * (scale ? scale[j] : 1));
    return m;
  };

  let g = problem.gradient(x);
  let hess: Float64Array | null = null;
  let iterations = 0;
  let stop: NewtonStop = "maxIter";
  for (;;) {
    if (gnorm(g) <= gradTol) {
      stop = "gradient";
      break;
    }
    if (iterations >= maxIter) {
      stop = "maxIter";
      break;
    }
    hess = problem.hessian(x);
    const d = newtonDirection(hess, g, k);
    let slope = 0;
    for (let j = 0; j < k; j++) slope += g[j] * d[j];
    let t = 1;
    let next: Float64Array | null = null;
    let fNext = f;
    let gNext: Float64Array | null = null;
    const flat = 1e-13 * Math.max(1, Math.abs(f));
    for (let h = 0; h <= maxHalvings && next === null; h++, t *= 0.5) {
      const trial = axpy(x, t, d);
      const ft = problem.value(trial);
      if (!Number.isFinite(ft)) continue;
      if (ft <= f + 1e-4 * t * slope) {
        next = trial;
        fNext = ft;
      } else if (Math.abs(ft - f) <= flat) {
        // Near the optimum f is flat to rounding error and Armijo is decided by noise; accept the step when it
        // shrinks the gradient instead.
        const gt = problem.gradient(trial);
        if (gnorm(gt) < gnorm(g)) {
          next = trial;
          fNext = ft;
          gNext = gt;
        }
      }
    }
    if (next === null) {
      stop = "lineSearch";
      break;
    }
    x = next;
    f = fNext;
    g = gNext ?? problem.gradient(x);
    hess = null;
    iterations++;
  }
  const hessian = hess ?? problem.hessian(x);
  const d = newtonDirection(hessian, g, k);
  let lastStep = 0;
  for (let j = 0; j < k; j++) lastStep = Math.max(lastStep, Math.abs(d[j]));
  return { x, value: f, gradient: g, hessian, iterations, converged: stop === "gradient", stop, lastStep };
}

/** Solves H d = −g by Cholesky, adding a growing ridge μI when H is not numerically positive definite. */
function newtonDirection(h: Float64Array, g: Float64Array, k: number): Float64Array {
  let maxDiag = 0;
  for (let j = 0; j < k; j++) maxDiag = Math.max(maxDiag, Math.abs(h[j * k + j]));
  const negG = new Float64Array(k);
  for (let j = 0; j < k; j++) negG[j] = -g[j];
  let mu = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const a = mu === 0 ? h : Float64Array.from(h);
    if (mu > 0) for (let j = 0; j < k; j++) a[j * k + j] += mu;
    const l = cholesky(a, k);
    if (l && minPivotOk(l, k, maxDiag)) {
      const d = choleskySolve(l, k, negG);
      if (d.every(Number.isFinite)) return d;
    }
    mu = mu === 0 ? Math.max(maxDiag, 1e-300) * 1e-12 : mu * 10;
  }
  // Steepest descent as a last resort (H unusable).
  return negG;
}

function minPivotOk(l: Float64Array, k: number, maxDiag: number): boolean {
  for (let j = 0; j < k; j++) if (!(l[j * k + j] ** 2 > 1e-14 * maxDiag)) return false;
  return true;
}

function axpy(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) out[j] = x[j] + t * d[j];
  return out;
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", `newtonMinimize: ${message}`);
}
