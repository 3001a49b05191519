import { cholesky, choleskySolve } from "../linalg/cholesky.js";
import { quadraticGradient, simplexLeastSquares } from "./least-squares.js";

/** Output of {@link simplexLeastSquaresWarm}. */
export interface WarmSimplexSolution {
  readonly x: Float64Array;
  /** True when the warm active-set method certified the KKT conditions itself (else the cold solver ran). */
  readonly warm: boolean;
  /** True when the KKT conditions were certified (by either path): `x` is an exact minimiser. */
  readonly exact: boolean;
  /**
   * True when the minimiser is also unique: the reduced Hessian on the support is positive definite and every
   * zero weight has a strictly positive multiplier (strict complementarity). False means other weight vectors
   * may fit equally well (e.g. the target lies inside the donors' hull, with zero residual).
   */
  readonly unique: boolean;
  readonly iterations: number;
}

/**
 * Least squares on the simplex (argmin ‖A w − b‖², w ≥ 0, Σw = 1) by a primal active-set method started from a
 * given feasible point — typically the previous solution of a nearby problem (a bootstrap replicate of the same
 * panel), whose support is usually already optimal, so one reduced solve and one multiplier check finish it.
 *
 * Each iteration solves the equality-constrained problem on the current support exactly (Cholesky of the Hessian
 * projected on Σw = 0), steps back to the first bound crossed, or frees the bound with the most negative
 * multiplier; it stops when stationarity, primal and dual feasibility hold to 10⁻¹¹ relative to the gradient
 * scale. When the reduced Hessian is singular (a non-unique optimum) or the iteration cap is hit it falls back to
 * {@link simplexLeastSquares} (quadprog + refinement), so the answer is always the exact QP minimiser.
 * `a` is row-major `rows × cols`; `start` must be feasible (defaults to the best vertex, a single column; a
 * start whose support admits no unique sub-solution, such as uniform weights with more columns than rows,
 * restarts from it).
 *
 * @example
 * ```ts
 * import { simplexLeastSquaresWarm } from "truelift";
 * const a = Float64Array.of(1, 0, 5, 0, 1, 5, 0, 0, 5);
 * simplexLeastSquaresWarm(a, 3, 3, Float64Array.of(0.5, 0.5, 0)).x; // [0.5, 0.5, 0]
 * ```
 * @see Lawson & Hanson, Solving Least Squares Problems (1974), ch. 23; Nocedal & Wright (2006), §16.5.
 */
export function simplexLeastSquaresWarm(
  a: Float64Array,
  rows: number,
  cols: number,
  b: Float64Array,
  start?: Float64Array,
): WarmSimplexSolution {
  const k = cols;
  const gram = new Float64Array(k * k);
  const c = new Float64Array(k);
  let bb = 0;
  for (let i = 0; i < rows; i++) {
    const off = i * k;
    const bi = b[i];
    bb += bi * bi;
    for (let p = 0; p < k; p++) {
      const ap = a[off + p];
      c[p] -= ap * bi;
      for (let q = p; q < k; q++) gram[p * k + q] += ap * a[off + q];
    }
  }
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) gram[p * k + q] = gram[q * k + p];
  const x = new Float64Array(k);
  const free = new Uint8Array(k);
  // The best single column (vertex): minimises ‖a_j − b‖² = G_jj + 2 c_j + ‖b‖².
  const vertexStart = (): void => {
    let best = 0;
    for (let j = 1; j < k; j++)
      if (gram[j * k + j] + 2 * c[j] < gram[best * k + best] + 2 * c[best]) best = j;
    x.fill(0);
    free.fill(0);
    x[best] = 1;
    free[best] = 1;
  };
  let restarted = false;
  if (start && start.length === k) {
    x.set(start);
    for (let j = 0; j < k; j++) free[j] = x[j] > 0 ? 1 : 0;
  } else {
    vertexStart();
    restarted = true;
  }
  let gmax = 0;
  let cmax = 0;
  for (let j = 0; j < k; j++) {
    gmax = Math.max(gmax, gram[j * k + j]);
    cmax = Math.max(cmax, Math.abs(c[j]));
  }
  const tol = 1e-11 * (gmax + cmax + bb / Math.max(rows, 1)) + 1e-300;
  const maxIter = 10 * k + 20;
  for (let iter = 1; iter <= maxIter; iter++) {
    const idx: number[] = [];
    for (let j = 0; j < k; j++) if (free[j]) idx.push(j);
    const z = reducedSimplex(gram, c, k, idx);
    if (z === null) {
      // A start whose support is too large for a unique sub-solution: restart from the best vertex once.
      if (restarted) break;
      vertexStart();
      restarted = true;
      continue;
    }
    let alpha = 1;
    let blocking = -1;
    for (let f = 0; f < idx.length; f++) {
      const j = idx[f];
      if (z[f] < 0) {
        const t = x[j] / (x[j] - z[f]);
        if (t < alpha) [alpha, blocking] = [t, j];
      }
    }
    if (blocking >= 0) {
      // Step to the first bound crossed; it (and anything rounding put at or below 0) leaves the support.
      for (let f = 0; f < idx.length; f++) {
        const j = idx[f];
        x[j] += alpha * (z[f] - x[j]);
        if (j === blocking || x[j] <= 0) {
          x[j] = 0;
          free[j] = 0;
        }
      }
      renormalise(x);
      continue;
    }
    for (let f = 0; f < idx.length; f++) x[idx[f]] = z[f];
    // Multipliers of the zero coordinates: λ_j = ∇_j + ν, with ν = −∇_F (equal on the support).
    const grad = quadraticGradient(gram, c, k, x);
    let nu = 0;
    for (const j of idx) nu -= grad[j];
    nu /= idx.length;
    let worst = -1;
    let worstV = tol;
    let minLambda = Number.POSITIVE_INFINITY;
    for (let j = 0; j < k; j++) {
      if (free[j]) continue;
      const v = -(grad[j] + nu);
      minLambda = Math.min(minLambda, -v);
      if (v > worstV) [worst, worstV] = [j, v];
    }
    if (worst < 0) return { x, warm: true, exact: true, unique: minLambda > tol, iterations: iter };
    free[worst] = 1;
  }
  const cold = simplexLeastSquares({ rows, cols, data: a }, b);
  return { x: cold.x, warm: false, exact: cold.exact, unique: cold.exact, iterations: cold.iterations };
}

/** Minimiser of ½wᵀGw + cᵀw on the support `idx` with Σw = 1 (others 0); null if not unique. */
function reducedSimplex(gram: Float64Array, c: Float64Array, k: number, idx: number[]): Float64Array | null {
  const m = idx.length;
  if (m === 0) return null;
  const z = new Float64Array(m);
  if (m === 1) {
    z[0] = 1;
    return z;
  }
  // w = e_last + Z y with Z = [I; −1ᵀ]: minimise over y ∈ R^(m−1).
  const d = m - 1;
  const last = idx[m - 1];
  const gll = gram[last * k + last];
  const h = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  let maxDiag = 0;
  for (let p = 0; p < d; p++) {
    const ip = idx[p];
    const gpl = gram[ip * k + last];
    for (let q = 0; q < d; q++) {
      const iq = idx[q];
      h[p * d + q] = gram[ip * k + iq] - gpl - gram[last * k + iq] + gll;
    }
    maxDiag = Math.max(maxDiag, h[p * d + p]);
    // −Zᵀ(G e_last + c)
    rhs[p] = -(gpl - gll + c[ip] - c[last]);
  }
  if (!(maxDiag > 0)) return null;
  const l = cholesky(h, d);
  if (!l) return null;
  for (let p = 0; p < d; p++) if (!(l[p * d + p] ** 2 > 1e-12 * maxDiag)) return null;
  const y = choleskySolve(l, d, rhs);
  let sy = 0;
  for (let p = 0; p < d; p++) {
    z[p] = y[p];
    sy += y[p];
  }
  z[d] = 1 - sy;
  return z;
}

function renormalise(x: Float64Array): void {
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j];
  for (let j = 0; j < x.length; j++) x[j] /= s;
}
