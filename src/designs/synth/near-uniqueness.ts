import { TrueliftError } from "../../core/errors.js";
import { simplexLeastSquares } from "../../numeric/optimize/least-squares.js";
import { solveQp } from "../../numeric/optimize/qp.js";

/** Relative slack on the predictor loss that still counts as "fits the predictors equally well". */
export const NEAR_UNIQUE_EPSILON = 1e-8;
/** Pre-period loss range (max − min, relative to the chosen weights' loss) above which the warning fires. */
export const NEAR_UNIQUE_MATERIAL = 0.25;

/** Result of {@link nearUniqueness}. */
export interface NearUniqueness {
  /** ε: weight vectors with predictor loss ≤ lossW + ε·max(lossW, floor) count as fitting equally well. */
  readonly epsilon: number;
  /** The predictor-loss bound those weight vectors satisfy. */
  readonly lossWBound: number;
  /** Pre-period outcome MSPE of the reported weights. */
  readonly lossV: number;
  /** The smallest pre-period MSPE found within the bound (the exact minimum, up to the bisection). */
  readonly lossVMin: number;
  /** The largest pre-period MSPE found within the bound (attained by a feasible vector: a lower bound). */
  readonly lossVMax: number;
  readonly weightsMin: readonly number[];
  readonly weightsMax: readonly number[];
  /** (lossVMax − lossVMin) / lossV ≥ {@link NEAR_UNIQUE_MATERIAL}. */
  readonly material: boolean;
}

/** The two losses of the ADH inner problem, on the simplex. */
export interface NearUniquenessProblem {
  /** √V-scaled donor predictors, k × J row-major, and the treated unit's (k): lossW(w) = ‖B w − c‖². */
  readonly b: Float64Array;
  readonly c: Float64Array;
  /** Donor pre-period outcomes T0 × J row-major, the treated unit's (T0): lossV(w) = ‖Z w − z‖² / T0. */
  readonly z0: Float64Array;
  readonly z1: Float64Array;
  readonly nDonors: number;
}

/**
 * Probes how far the pre-period outcome fit can move among weight vectors that fit the predictors equally well:
 * with lossW* the optimum of the inner ADH problem at the chosen V and τ = lossW* + ε·max(lossW*, 10⁻⁶‖c‖²)
 * (ε = {@link NEAR_UNIQUE_EPSILON}; the floor makes an exact predictor fit, lossW* = 0, meaningful), it finds
 * - the minimum of lossV subject to lossW ≤ τ on the simplex — a convex QCQP, solved through its Lagrangian:
 *   w(μ) = argmin lossV/lossV* + μ·lossW/τ is a simplex least-squares problem ({@link simplexLeastSquares},
 *   i.e. quadprog plus an exact active-set refinement) and μ is bisected (in log scale) to the smallest value
 *   with lossW(w(μ)) ≤ τ (Boyd & Vandenberghe 2004, §5.2–5.5: strong duality under Slater's condition);
 * - a maximum of lossV on the same set — maximising a convex function is not convex, so by successive
 *   linearisation (each step maximises the gradient of lossV over the set, again through the Lagrangian with
 *   quadprog and a 10⁻⁹ relative ridge, and never decreases lossV), started from the reported weights and
 *   from the minimiser; the value is attained by a feasible vector, so the range stated is a range of actual
 *   weight vectors.
 * Deterministic (no randomness).
 *
 * @example
 * ```ts
 * import { nearUniqueness } from "truelift";
 * const probe = nearUniqueness({ b, c, z0, z1, nDonors: 38 }, weights);
 * probe.lossVMin; probe.lossVMax; // the pre-period MSPE range among equally good predictor fits
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105 (the nested problem); Boyd & Vandenberghe (2004), Convex
 *   Optimization, §5 (Lagrangian duality); Horst & Tuy (1996), Global Optimization, ch. 1 (convex maximisation).
 */
export function nearUniqueness(p: NearUniquenessProblem, weights: Float64Array): NearUniqueness {
  const J = p.nDonors;
  const k = p.c.length;
  const T0 = p.z1.length;
  const lossW = (w: Float64Array): number => sq(p.b, k, J, p.c, w);
  const lossV = (w: Float64Array): number => sq(p.z0, T0, J, p.z1, w) / T0;
  const lw = lossW(weights);
  const lv = lossV(weights);
  let cc = 0;
  for (let i = 0; i < k; i++) cc += p.c[i] ** 2;
  const tau = lw + NEAR_UNIQUE_EPSILON * Math.max(lw, 1e-6 * cc, 1e-300);
  const vScale = lv > 0 ? lv : 1;

  // Minimum: w(μ) = argmin lossV/vScale + μ lossW/τ, smallest μ (log bisection) with lossW ≤ τ.
  const minAt = (mu: number): Float64Array => {
    const rows = T0 + k;
    const a = new Float64Array(rows * J);
    const rhs = new Float64Array(rows);
    const sv = 1 / Math.sqrt(T0 * vScale);
    const sw = Math.sqrt(mu / tau);
    for (let t = 0; t < T0; t++) {
      rhs[t] = p.z1[t] * sv;
      for (let j = 0; j < J; j++) a[t * J + j] = p.z0[t * J + j] * sv;
    }
    for (let i = 0; i < k; i++) {
      rhs[T0 + i] = p.c[i] * sw;
      for (let j = 0; j < J; j++) a[(T0 + i) * J + j] = p.b[i * J + j] * sw;
    }
    try {
      return simplexLeastSquares({ rows, cols: J, data: a }, rhs).x;
    } catch (e) {
      // quadprog can give up on a badly conditioned stacked problem: treat this μ as infeasible.
      if (!(e instanceof TrueliftError)) throw e;
      return new Float64Array(J).fill(Number.NaN);
    }
  };
  const feasible = (w: Float64Array): boolean => lossW(w) <= tau;
  let wMin = weights;
  const w0 = minAt(0);
  if (feasible(w0)) wMin = w0;
  else {
    const found = bisectMu(minAt, feasible);
    if (found !== null && lossV(found) < lossV(wMin)) wMin = found;
  }

  // Maximum: successive linearisation from the reported weights and from the minimiser.
  let wMax = weights;
  for (const start of [weights, wMin]) {
    let w = start;
    for (let step = 0; step < 20; step++) {
      const g = outcomeGradient(p.z0, T0, J, p.z1, w);
      const next = bisectMu((mu) => linearMaxAt(p.b, k, J, p.c, tau, g, mu), feasible);
      if (next === null || !(lossV(next) > lossV(w) * (1 + 1e-9))) break;
      w = next;
    }
    if (lossV(w) > lossV(wMax)) wMax = w;
  }
  const lo = Math.min(lossV(wMin), lv);
  const hi = Math.max(lossV(wMax), lv);
  return {
    epsilon: NEAR_UNIQUE_EPSILON,
    lossWBound: tau,
    lossV: lv,
    lossVMin: lo,
    lossVMax: hi,
    weightsMin: Array.from(lossV(wMin) <= lv ? wMin : weights),
    weightsMax: Array.from(lossV(wMax) >= lv ? wMax : weights),
    material: lv > 0 ? (hi - lo) / lv >= NEAR_UNIQUE_MATERIAL : hi > 0,
  };
}

/**
 * Smallest μ (to 10⁻⁶ in log10) with `ok(solve(μ))`, bracketed from μ = 1 by factors of 10 up to 10¹⁶; null when
 * even μ = 10¹⁶ is infeasible. The path's constraint value is non-increasing in μ.
 */
function bisectMu(
  solve: (mu: number) => Float64Array,
  ok: (w: Float64Array) => boolean,
): Float64Array | null {
  let hiExp = 0;
  let hiW = solve(1);
  while (!ok(hiW)) {
    hiExp++;
    if (hiExp > 16) return null;
    hiW = solve(10 ** hiExp);
  }
  let loExp = hiExp - 1;
  if (hiExp === 0) {
    // Feasible already at μ = 1: bracket downwards.
    loExp = 0;
    while (loExp > -16) {
      const w = solve(10 ** (loExp - 1));
      if (!ok(w)) break;
      loExp--;
      hiW = w;
      hiExp = loExp;
    }
    loExp = hiExp - 1;
  }
  for (let it = 0; it < 30 && hiExp - loExp > 1e-6; it++) {
    const mid = (loExp + hiExp) / 2;
    const w = solve(10 ** mid);
    if (ok(w)) [hiExp, hiW] = [mid, w];
    else loExp = mid;
  }
  return hiW;
}

/** argmin over the simplex of μ·‖Bw − c‖²/τ − ĝᵀw (ĝ = g/‖g‖∞) with a 10⁻⁹ relative ridge, by quadprog. */
function linearMaxAt(
  b: Float64Array,
  k: number,
  J: number,
  c: Float64Array,
  tau: number,
  g: Float64Array,
  mu: number,
): Float64Array {
  let gmax = 0;
  for (const v of g) gmax = Math.max(gmax, Math.abs(v));
  const gs = gmax > 0 ? gmax : 1;
  const h = new Float64Array(J * J);
  const lin = new Float64Array(J);
  let maxDiag = 0;
  for (let p = 0; p < J; p++) {
    let s = 0;
    for (let i = 0; i < k; i++) s += b[i * J + p] * c[i];
    lin[p] = (-2 * mu * s) / tau - g[p] / gs;
    for (let q = p; q < J; q++) {
      let hpq = 0;
      for (let i = 0; i < k; i++) hpq += b[i * J + p] * b[i * J + q];
      h[p * J + q] = (2 * mu * hpq) / tau;
      h[q * J + p] = h[p * J + q];
    }
    maxDiag = Math.max(maxDiag, h[p * J + p]);
  }
  const ridge = 1e-9 * (maxDiag > 0 ? maxDiag : 1);
  for (let p = 0; p < J; p++) h[p * J + p] += ridge;
  const ineq = new Float64Array(J * J);
  for (let p = 0; p < J; p++) ineq[p * J + p] = 1;
  try {
    const x = solveQp({
      hessian: h,
      linear: lin,
      equalities: { matrix: new Float64Array(J).fill(1), rhs: Float64Array.of(1) },
      inequalities: { matrix: ineq, rhs: new Float64Array(J) },
    }).x;
    let s = 0;
    for (let j = 0; j < J; j++) {
      x[j] = Math.max(0, x[j]);
      s += x[j];
    }
    for (let j = 0; j < J; j++) x[j] /= s;
    return x;
  } catch (e) {
    if (!(e instanceof TrueliftError)) throw e;
    return new Float64Array(J).fill(Number.NaN);
  }
}

/** ‖A w − y‖² for A rows × J row-major. */
function sq(a: Float64Array, rows: number, J: number, y: Float64Array, w: Float64Array): number {
  let ss = 0;
  for (let i = 0; i < rows; i++) {
    let s = -y[i];
    for (let j = 0; j < J; j++) s += a[i * J + j] * w[j];
    ss += s * s;
  }
  return ss;
}

/** ∇ of ‖Z w − z‖²/T0: 2 Zᵀ(Z w − z)/T0. */
function outcomeGradient(
  z0: Float64Array,
  T0: number,
  J: number,
  z1: Float64Array,
  w: Float64Array,
): Float64Array {
  const g = new Float64Array(J);
  for (let t = 0; t < T0; t++) {
    let r = -z1[t];
    for (let j = 0; j < J; j++) r += z0[t * J + j] * w[j];
    for (let j = 0; j < J; j++) g[j] += (2 * z0[t * J + j] * r) / T0;
  }
  return g;
}
