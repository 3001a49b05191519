import type { ProgressCallback } from "../../../core/options.js";
import { progressTicker } from "../../../core/progress.js";
import { streamFor } from "../../../core/rng.js";
import { rademacherWeights } from "../../../models/resample.js";
import { normalQuantile } from "../../../numeric/dist/index.js";

/**
 * The unit-level influence-function basis every reported parameter is a linear combination of:
 * columns 0..K−1 are the ATT(g,t) influence functions, then one indicator column 1{Gᵢ = g} per treated group
 * (the estimated group shares enter aggregations through these), then a column of ones. A parameter is
 * `{ estimate, coef }` with its influence function ψᵢ = Σⱼ coefⱼ Zᵢⱼ.
 *
 * @example
 * ```ts
 * const basis: IfBasis = { n, K: cells.length, J: cells.length + glist.length + 1, inf, groupIdx, nGroups: glist.length };
 * ```
 */
export interface IfBasis {
  /** Units. */
  readonly n: number;
  /** Number of ATT(g,t) columns. */
  readonly K: number;
  /** Total columns: K + groups + 1. */
  readonly J: number;
  readonly inf: readonly Float64Array[];
  /** Index of each unit's group in glist, or −1 (never treated / comparison only). */
  readonly groupIdx: Int32Array;
  readonly nGroups: number;
}

/** A reported parameter: its estimate and the coefficients of its influence function on the basis. *
 * @example
 * ```ts
 * const cell0: Param = { estimate: 0.1, coef: Float64Array.from({ length: J }, (_, j) => (j === 0 ? 1 : 0)) };
 * ```
 */
export interface Param {
  readonly estimate: number;
  readonly coef: Float64Array;
}

/** sqrt(eps) · 10: did's threshold below which a standard error is treated as zero (reported as null). *
 * @example
 * ```ts
 * analyticSe(coef, gram, n) === null; // when the SE is below SE_ZERO
 * ```
 */
export const SE_ZERO = Math.sqrt(2.220446049250313e-16) * 10;

/**
 * Σᵢ Zᵢ Zᵢᵀ over units (J × J, row-major), computed from the columns without materialising Z.
 *
 * @example
 * ```ts
 * const gram = basisGram(basis); // analytic variances are coefᵀ · gram · coef / n²
 * ```
 */
export function basisGram(b: IfBasis): Float64Array {
  const { n, K, J, inf, groupIdx, nGroups } = b;
  const gram = new Float64Array(J * J);
  const one = K + nGroups;
  for (let k = 0; k < K; k++) {
    const a = inf[k];
    for (let l = 0; l <= k; l++) {
      const c = inf[l];
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i] * c[i];
      gram[k * J + l] = s;
    }
    const byGroup = new Float64Array(nGroups);
    let total = 0;
    for (let i = 0; i < n; i++) {
      total += a[i];
      const gi = groupIdx[i];
      if (gi >= 0) byGroup[gi] += a[i];
    }
    for (let q = 0; q < nGroups; q++) gram[(K + q) * J + k] = byGroup[q];
    gram[one * J + k] = total;
  }
  const counts = new Float64Array(nGroups);
  for (let i = 0; i < n; i++) if (groupIdx[i] >= 0) counts[groupIdx[i]]++;
  for (let q = 0; q < nGroups; q++) {
    gram[(K + q) * J + (K + q)] = counts[q];
    gram[one * J + (K + q)] = counts[q];
  }
  gram[one * J + one] = n;
  for (let a = 0; a < J; a++) for (let c = 0; c < a; c++) gram[c * J + a] = gram[a * J + c];
  return gram;
}

/** Analytic SE sqrt(mean(ψ²) / n) = sqrt(coefᵀ G coef) / n, or null when it is (numerically) zero. *
 * @example
 * ```ts
 * analyticSe(Float64Array.of(1, 0), Float64Array.of(4, 0, 0, 1), 2); // 1 = sqrt(4) / 2
 * ```
 */
export function analyticSe(coef: Float64Array, gram: Float64Array, n: number): number | null {
  const J = coef.length;
  let q = 0;
  for (let a = 0; a < J; a++) {
    if (coef[a] === 0) continue;
    let s = 0;
    for (let c = 0; c < J; c++) s += gram[a * J + c] * coef[c];
    q += coef[a] * s;
  }
  const se = Math.sqrt(Math.max(q, 0)) / n;
  return se > SE_ZERO ? se : null;
}

/**
 * R's `quantile(x, p, type = 1)` (inverse of the empirical CDF, with R's 4·eps fuzz) of an ascending array.
 *
 * @example
 * ```ts
 * quantileType1(Float64Array.of(1, 2, 3, 4), 0.5); // 2
 * ```
 */
export function quantileType1(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  const nppm = n * p;
  const j = Math.floor(nppm + 4 * 2.220446049250313e-16);
  const h = nppm > j ? 1 : 0;
  const idx = Math.min(Math.max(j + h, 1), n);
  return sorted[idx - 1];
}

const IQR_NORMAL = normalQuantile(0.75) - normalQuantile(0.25);

/** did's bootstrap scale: (q75 − q25) / (Φ⁻¹(.75) − Φ⁻¹(.25)) with type-1 quantiles. *
 * @example
 * ```ts
 * iqrScale(paramDraws(draws, coef)) / n; // did's bootstrap SE without clustering
 * ```
 */
export function iqrScale(draws: Float64Array): number {
  const s = Float64Array.from(draws).sort();
  return (quantileType1(s, 0.75) - quantileType1(s, 0.25)) / IQR_NORMAL;
}

/** Multiplier-bootstrap draws of the basis: `draws[b * J + j] = Σ_c v_bc · Z̄_cj` with Rademacher v. *
 * @example
 * ```ts
 * bootstrapBasis(basis, null, basis.n, 999, 42).draws.length; // 999 · J
 * ```
 */
export interface BasisDraws {
  readonly reps: number;
  readonly J: number;
  /** Number of clusters (units when not clustering). */
  readonly nc: number;
  readonly draws: Float64Array;
}

/**
 * The multiplier bootstrap of did's `mboot` / BMisc's `multiplier_bootstrap`: Rademacher multipliers (±1 with
 * probability ½), one per unit, or one per cluster applied to cluster sums of the influence functions. Replicate
 * b draws its multipliers from `streamFor(seed, "replicate", b)` (= `createRng(seed, b)`), 32 per 32-bit word
 * (`rademacherWeights(rng, v, "bit")`), so output depends only on the seed.
 * Every parameter's bootstrap distribution follows linearly from these basis draws (one set of multipliers for
 * all parameters, where did re-draws per call).
 *
 * @example
 * ```ts
 * const d = bootstrapBasis(basis, null, basis.n, 999, 42);
 * paramDraws(d, param.coef); // 999 draws of Σ v ψ
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), Section 4 and Remark 10.
 */
export function bootstrapBasis(
  b: IfBasis,
  cluster: Int32Array | null,
  nClusters: number,
  reps: number,
  seed: number,
  onProgress?: ProgressCallback,
): BasisDraws {
  const { n, K, J, inf, groupIdx } = b;
  const nc = cluster ? nClusters : n;
  // Cluster sums of the basis columns, row-major nc × J.
  const z = new Float64Array(nc * J);
  const one = J - 1;
  for (let i = 0; i < n; i++) {
    const r = (cluster ? cluster[i] : i) * J;
    if (groupIdx[i] >= 0) z[r + K + groupIdx[i]] += 1;
    z[r + one] += 1;
  }
  for (let k = 0; k < K; k++) {
    const a = inf[k];
    if (cluster) for (let i = 0; i < n; i++) z[cluster[i] * J + k] += a[i];
    else for (let i = 0; i < n; i++) z[i * J + k] = a[i];
  }
  const colSum = new Float64Array(J);
  for (let c = 0; c < nc; c++) for (let j = 0; j < J; j++) colSum[j] += z[c * J + j];
  const draws = new Float64Array(reps * J);
  const acc = new Float64Array(J);
  const v = new Float64Array(nc);
  const tick = progressTicker(onProgress, "multiplier bootstrap", reps);
  for (let rep = 0; rep < reps; rep++) {
    tick?.(rep);
    rademacherWeights(streamFor(seed, "replicate", rep), v, "bit");
    acc.fill(0);
    for (let c = 0; c < nc; c++) {
      if (v[c] > 0) {
        const r = c * J;
        for (let j = 0; j < J; j++) acc[j] += z[r + j];
      }
    }
    // Σ v Z with v = +1 for set bits, −1 otherwise: 2·(sum over +1) − total.
    for (let j = 0; j < J; j++) draws[rep * J + j] = 2 * acc[j] - colSum[j];
  }
  tick?.(reps);
  return { reps, J, nc, draws };
}

/** Bootstrap draws Σ_c v_c ψ̄_c of one parameter. *
 * @example
 * ```ts
 * paramDraws(bootstrapBasis(basis, null, basis.n, 999, 42), coef); // Float64Array(999)
 * ```
 */
export function paramDraws(d: BasisDraws, coef: Float64Array): Float64Array {
  const out = new Float64Array(d.reps);
  const nz: number[] = [];
  for (let j = 0; j < d.J; j++) if (coef[j] !== 0) nz.push(j);
  for (let rep = 0; rep < d.reps; rep++) {
    let s = 0;
    const o = rep * d.J;
    for (const j of nz) s += coef[j] * d.draws[o + j];
    out[rep] = s;
  }
  return out;
}

/** Bootstrap summary of one parameter: did's SE (IQR-based) and its scale for sup-t statistics. *
 * @example
 * ```ts
 * summarizeDraws(paramDraws(d, coef), d.nc, n).se; // bootstrap SE or null
 * ```
 */
export interface BootSummary {
  readonly draws: Float64Array;
  /** IQR scale of the draws on did's `bres` scale (draws / √nc), or null when degenerate. */
  readonly sigma: number | null;
  readonly se: number | null;
}

/**
 * did's `mboot` per parameter: degenerate draws (Σ bres² ≤ √eps·10) give no SE; otherwise
 * SE = IQR-scale(bres) · √nc / n, set to null when ≤ √eps·10.
 *
 * @example
 * ```ts
 * const s = summarizeDraws(paramDraws(d, coef), d.nc, n);
 * s.se; // bootstrap standard error
 * ```
 */
export function summarizeDraws(draws: Float64Array, nc: number, n: number): BootSummary {
  const root = Math.sqrt(nc);
  let ss = 0;
  for (let b = 0; b < draws.length; b++) {
    const v = draws[b] / root;
    ss += v * v;
  }
  if (!(ss > SE_ZERO)) return { draws, sigma: null, se: null };
  const sigma = iqrScale(draws) / root;
  const se = (sigma * root) / n;
  return { draws, sigma: sigma > SE_ZERO ? sigma : null, se: se > SE_ZERO ? se : null };
}

/**
 * The sup-t critical value of a simultaneous band over several parameters: the (1 − alpha) type-1 quantile of
 * maxₘ |bresₘ / σₘ| over draws (did's `crit.val`), skipping parameters with no scale. Null when no parameter
 * has one.
 *
 * @example
 * ```ts
 * supTCritical([s1, s2, s3], 0.05, d.nc); // e.g. 2.6
 * ```
 */
export function supTCritical(summaries: readonly BootSummary[], alpha: number, nc: number): number | null {
  const used = summaries.filter((s) => s.sigma !== null);
  if (used.length === 0) return null;
  const reps = used[0].draws.length;
  const root = Math.sqrt(nc);
  const t = new Float64Array(reps);
  for (let b = 0; b < reps; b++) {
    let m = 0;
    for (const s of used) m = Math.max(m, Math.abs(s.draws[b] / root / (s.sigma as number)));
    t[b] = m;
  }
  const finite = t.filter((v) => Number.isFinite(v)).sort();
  if (finite.length === 0) return null;
  return quantileType1(finite, 1 - alpha);
}
