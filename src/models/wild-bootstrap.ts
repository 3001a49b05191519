import { TrueliftError } from "../core/errors.js";
import type { ProgressCallback } from "../core/options.js";
import { progressTicker } from "../core/progress.js";
import { streamFor } from "../core/rng.js";
import { spdInverse } from "../numeric/linalg/cholesky.js";
import { rademacherWeights, webbWeights } from "./resample.js";

/** Webb's six points in enumeration order (base-6 digit i → point i), as `webbWeights` draws them. */
const WEBB_POINTS = [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)];

/**
 * A linear model reduced to per-cluster sufficient statistics: Gram blocks S_g = X_gᵀX_g (k×k, cluster g at
 * offset g·k²) and cross-products b_g = X_gᵀy_g (k each), over `n` rows. Least-squares estimates, residual scores
 * b_g − S_gβ, cluster-robust variances and every wild-bootstrap or pairs-bootstrap replicate are functions of
 * these alone, so resampling never touches the rows.
 */
export interface ClusterSuffStats {
  readonly k: number;
  readonly count: number;
  readonly n: number;
  readonly gram: Float64Array;
  readonly xty: Float64Array;
  /** Coefficient names (length k), for messages and results. */
  readonly names: readonly string[];
}

/**
 * Auxiliary weight distributions of the wild cluster bootstrap: Rademacher (±1) and Webb's six-point distribution.
 *
 * @example
 * ```ts
 * import { WILD_WEIGHTS } from "truelift";
 * WILD_WEIGHTS; // ["rademacher", "webb"]
 * ```
 */
export const WILD_WEIGHTS = ["rademacher", "webb"] as const;
/** One of {@link WILD_WEIGHTS}. */
export type WildWeights = (typeof WILD_WEIGHTS)[number];

/**
 * Options of {@link wildClusterBootstrap}.
 *
 * - `reps`: bootstrap replicates B. __Default value:__ 9999. When the weight patterns number at most B (2^G
 *   Rademacher, 6^G Webb) every pattern is enumerated instead (B = 2^G or 6^G), as fwildclusterboot does.
 * - `weights`: __Default value:__ `"rademacher"`; `"webb"` (six points ±√1.5, ±1, ±√0.5) for G ≲ 12.
 * - `seed`: required unless every sign pattern is enumerated ({@link wildEnumerates}); replicates are drawn in
 *   sequence from `streamFor(seed, "sequence", stream)` (= `createRng(seed, stream)`).
 * - `nullValue`: the β₀ of the reported p-value. __Default value:__ 0.
 * - `alpha`: 1 − level of the test-inversion interval. __Default value:__ 0.05.
 */
export interface WildBootstrapOptions {
  readonly reps?: number;
  readonly weights?: WildWeights;
  readonly seed?: number;
  readonly stream?: number;
  readonly nullValue?: number;
  readonly alpha?: number;
  /** Throttled progress of the replicates (does not change the numbers). */
  readonly onProgress?: ProgressCallback;
  /** The task name progress reports. __Default value:__ `"wild bootstrap"`. */
  readonly progressLabel?: string;
}

/** Result of {@link wildClusterBootstrap}. */
export interface WildBootstrapResult {
  readonly term: string;
  readonly estimate: number;
  readonly nullValue: number;
  /**
   * The CR1 t statistic (β̂ − β₀)/se with the G/(G−1)·(N−1)/(N−K) factor (fwildclusterboot's default); null when
   * that SE is 0 or not finite (every cluster score 0, e.g. a constant outcome): never 0/0.
   */
  readonly statistic: number | null;
  /**
   * Symmetric two-tailed p-value: the share of replicates at least as extreme, |t*| ≥ |t| (ties counted, as a
   * randomization test does; fwildclusterboot's "two-tailed" counts only |t*| > |t|). Null with a null statistic.
   */
  readonly pValue: number | null;
  /**
   * Interval by test inversion: {β₀ : p(β₀) ≥ alpha}, searched in a bracket around the estimate; null when that
   * set is unbounded because no β₀ can be rejected: `minPValue` ≥ alpha — or when the SE is 0 (no test at all).
   */
  readonly ci: readonly [number, number] | null;
  /**
   * The smallest p-value any null value can reach (the limit as |β₀| → ∞): the share of weight patterns whose
   * bootstrap t statistic grows with |β₀| at least as fast as the sample's (v_g constant across clusters, a tie —
   * 2 of 2^G Rademacher patterns, 6 of 6^G Webb ones — or patterns the model absorbs, such as v_g constant within
   * each arm). When it is ≥ alpha the interval is the whole line and `ci` is null: with Rademacher weights at
   * G = 4 it is at least 2/16 = 1/8, so no 95% interval exists. Null when the SE is 0 or not finite.
   */
  readonly minPValue: number | null;
  readonly reps: number;
  readonly weights: WildWeights;
  readonly enumerated: boolean;
  readonly clusters: number;
  /** The seed of the sampled weights; null when the sign patterns were enumerated without one. */
  readonly seed: number | null;
}

/**
 * Whether {@link wildClusterBootstrap} enumerates every weight pattern instead of sampling `reps` of them (then it
 * draws no random numbers and needs no seed): all 2^G Rademacher sign patterns when 2^G ≤ reps (G < 31), all 6^G
 * Webb patterns when 6^G ≤ reps (G ≤ 5 at the default 9999 reps).
 *
 * @example
 * ```ts
 * import { wildEnumerates } from "truelift";
 * wildEnumerates(8, 9999, "rademacher"); // true (256 patterns)
 * wildEnumerates(8, 9999, "webb"); // false (1,679,616 patterns)
 * wildEnumerates(5, 9999, "webb"); // true (7,776 patterns)
 * ```
 * @see Roodman, MacKinnon, Nielsen & Webb (2019), "Fast and wild", Stata Journal 19(1), §3.3; Webb (2023),
 *   "Reworking wild bootstrap-based inference for clustered errors", CJE 56(3) (six-point weights, 2014 WP).
 */
export function wildEnumerates(clusters: number, reps: number, weights: WildWeights): boolean {
  return clusters < 31 && patternCount(clusters, weights) <= reps;
}

/** How many distinct weight patterns G clusters have: 2^G (Rademacher) or 6^G (Webb). */
function patternCount(clusters: number, weights: WildWeights): number {
  return (weights === "webb" ? 6 : 2) ** clusters;
}

/**
 * Restricted wild cluster bootstrap (WCR) of one coefficient: the null β_j = β₀ is imposed on the bootstrap DGP,
 * y* = Xβ̃ + v_g ũ_g with cluster-level Rademacher or Webb weights v_g, and each replicate's CR1 t statistic is
 * compared with the original one. The p-value is the symmetric two-tailed mean(|t*| ≥ |t|). Unlike
 * fwildclusterboot's strict mean(|t| < |t*|) it counts ties: when all 2^G Rademacher patterns are enumerated, the
 * all-ones pattern and its mirror reproduce the sample's own |t| exactly, and dropping them over-rejects at small
 * G (K = 8: 6.1–6.6 % instead of 5.4–5.8 % at the 5 % level, bench/cluster-size.mjs); with sampled weights the
 * two rules differ by O(1/B). Then
 * the interval inverts the test: its ends are where p(β₀) crosses `alpha` (found by bisection to 10⁻¹⁰ of the SE,
 * with the same weights for every β₀, as boottest and fwildclusterboot do).
 *
 * Everything runs on cluster sufficient statistics (Roodman, MacKinnon, Nielsen & Webb 2019, "fast and wild"):
 * the restricted residual scores are linear in δ = (β̂_j − β₀)/M_jj, so each replicate reduces to five numbers
 * (numerator A + δB, squared-SE α + 2δβ + δ²γ) after an O(G·k) step, and each p(β₀) costs O(B).
 *
 * @example
 * ```ts
 * import { wildClusterBootstrap } from "truelift";
 * const res = wildClusterBootstrap(stats, 1, { seed: 42, reps: 9999, weights: "webb" });
 * res.pValue; res.ci; // p-value of β₁ = 0 and its 95% test-inversion interval
 * ```
 * @see Cameron, Gelbach & Miller (2008), "Bootstrap-based improvements for inference with clustered errors",
 *   REStat 90(3); Webb (2023), "Reworking wild bootstrap-based inference for clustered errors", CJE 56(3);
 *   Roodman, MacKinnon, Nielsen & Webb (2019), "Fast and wild: bootstrap inference in Stata using boottest",
 *   Stata Journal 19(1); Fischer & Roodman, R package fwildclusterboot.
 */
export function wildClusterBootstrap(
  stats: ClusterSuffStats,
  j: number,
  options: WildBootstrapOptions,
): WildBootstrapResult {
  const { k, count: G, n } = stats;
  const reps = options.reps ?? 9999;
  const weights = options.weights ?? "rademacher";
  const beta0 = options.nullValue ?? 0;
  const alpha = options.alpha ?? 0.05;
  if (!Number.isInteger(reps) || reps < 1) invalid("wild bootstrap reps must be a positive integer.");
  if (!WILD_WEIGHTS.includes(weights))
    invalid(`wild bootstrap weights must be one of ${WILD_WEIGHTS.join(", ")}.`);
  const enumerated = wildEnumerates(G, reps, weights);
  if (options.seed !== undefined ? !Number.isSafeInteger(options.seed) : !enumerated) {
    invalid("the wild bootstrap needs an integer seed.");
  }
  if (!(j >= 0 && j < k)) invalid(`no coefficient ${j} to test.`);
  if (G < 2) {
    throw new TrueliftError(
      "E_TOO_FEW_CLUSTERS",
      `The wild cluster bootstrap needs at least two clusters (got ${G}).`,
    );
  }
  const s = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let g = 0; g < G; g++) {
    for (let i = 0; i < k * k; i++) s[i] += stats.gram[g * k * k + i];
    for (let i = 0; i < k; i++) b[i] += stats.xty[g * k + i];
  }
  const m = spdInverse(s, k);
  if (!m)
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      "The design is singular: a coefficient cannot be estimated.",
    );
  const beta = mv(m, b, k, 0);
  const mj = new Float64Array(k);
  for (let i = 0; i < k; i++) mj[i] = m[j * k + i];
  const mjj = m[j * k + j];
  // Unrestricted scores t̂_g, and for each cluster: a0 = m_jᵀt̂_g, a1 = m_jᵀS_g m_j, r_g = M S_g m_j, S_g m_j.
  const a0 = new Float64Array(G);
  const a1 = new Float64Array(G);
  const r = new Float64Array(G * k);
  const smj = new Float64Array(G * k);
  const that = new Float64Array(G * k);
  for (let g = 0; g < G; g++) {
    const off = g * k * k;
    const sb = mv(stats.gram, beta, k, off);
    for (let i = 0; i < k; i++) that[g * k + i] = stats.xty[g * k + i] - sb[i];
    const sm = mv(stats.gram, mj, k, off);
    smj.set(sm, g * k);
    r.set(mv(m, sm, k, 0), g * k);
    let x0 = 0;
    let x1 = 0;
    for (let i = 0; i < k; i++) {
      x0 += mj[i] * that[g * k + i];
      x1 += mj[i] * sm[i];
    }
    a0[g] = x0;
    a1[g] = x1;
  }
  const factor = (G / (G - 1)) * ((n - 1) / (n - k));
  let se2 = 0;
  for (let g = 0; g < G; g++) se2 += a0[g] * a0[g];
  const se = Math.sqrt(factor * se2);
  const estimate = beta[j];
  if (!(se > 0) || !Number.isFinite(se) || !Number.isFinite(estimate)) {
    // A zero (or non-finite) SE has no t statistic: report the estimate without inference, never 0/0 = NaN.
    return {
      term: stats.names[j] ?? `x${j}`,
      estimate,
      nullValue: beta0,
      statistic: null,
      pValue: null,
      ci: null,
      minPValue: null,
      reps: enumerated ? patternCount(G, weights) : reps,
      weights,
      enumerated,
      clusters: G,
      seed: options.seed ?? null,
    };
  }

  const B = enumerated ? patternCount(G, weights) : reps;
  const coefA = new Float64Array(B);
  const coefB = new Float64Array(B);
  const quadA = new Float64Array(B);
  const quadB = new Float64Array(B);
  const quadC = new Float64Array(B);
  const v = new Float64Array(G);
  const w0 = new Float64Array(k);
  const w1 = new Float64Array(k);
  const seed = options.seed;
  const rng = enumerated || seed === undefined ? null : streamFor(seed, "sequence", options.stream ?? 0);
  const tick = progressTicker(options.onProgress, options.progressLabel ?? "wild bootstrap", B);
  for (let rep = 0; rep < B; rep++) {
    tick?.(rep);
    if (rng === null && weights === "webb") {
      for (let g = 0, code = rep; g < G; g++, code = Math.floor(code / 6)) v[g] = WEBB_POINTS[code % 6];
    } else if (rng === null) for (let g = 0; g < G; g++) v[g] = (rep >>> g) & 1 ? -1 : 1;
    else if (weights === "rademacher") rademacherWeights(rng, v, "word");
    else webbWeights(rng, v);
    let A = 0;
    let Bc = 0;
    for (let g = 0; g < G; g++) {
      A += v[g] * a0[g];
      Bc += v[g] * a1[g];
    }
    // Σ_g v_g t̂_g and Σ_g v_g S_g m_j; the bootstrap score of cluster h on coefficient j is then
    // v_h a_h − r_hᵀ(Σ_g v_g t̃_g), linear in δ: O(G·k) per replicate.
    w0.fill(0);
    w1.fill(0);
    for (let g = 0; g < G; g++) {
      const vg = v[g];
      for (let i = 0; i < k; i++) {
        w0[i] += vg * that[g * k + i];
        w1[i] += vg * smj[g * k + i];
      }
    }
    let qa = 0;
    let qb = 0;
    let qc = 0;
    for (let h = 0; h < G; h++) {
      let p0 = v[h] * a0[h];
      let p1 = v[h] * a1[h];
      for (let i = 0; i < k; i++) {
        p0 -= r[h * k + i] * w0[i];
        p1 -= r[h * k + i] * w1[i];
      }
      qa += p0 * p0;
      qb += p0 * p1;
      qc += p1 * p1;
    }
    coefA[rep] = A;
    coefB[rep] = Bc;
    quadA[rep] = qa;
    quadB[rep] = qb;
    quadC[rep] = qc;
  }
  tick?.(B);
  // Patterns whose bootstrap scores do not grow with δ (qc ≈ 0: v constant across clusters, or absorbed by the
  // model) keep |t*| ≈ |t| however far β₀ is from β̂: they set the p-value floor. Zeroing their δ-terms removes
  // the rounding noise that otherwise decides |t*| at huge δ (the ±5·10⁹ "interval" of earlier versions).
  let qcMax = 0;
  for (let rep = 0; rep < B; rep++) qcMax = Math.max(qcMax, quadC[rep]);
  // As |β₀| → ∞ such a pattern's |t*| and |t| both grow linearly in δ, with slopes |B|/√(factor·qa) and
  // m_jj/se: it stays "at least as extreme" for ever when the first is ≥ the second (v constant: a tie).
  let floor = 0;
  for (let rep = 0; rep < B; rep++) {
    if (quadC[rep] <= 1e-10 * qcMax) {
      quadB[rep] = 0;
      quadC[rep] = 0;
      const den = Math.sqrt(factor * quadA[rep]);
      if (den > 0 && Math.abs(coefB[rep]) / den >= (mjj / se) * (1 - 1e-10)) floor++;
    }
  }
  const minPValue = floor / B;
  const pAt = (b0: number): number => {
    const delta = (estimate - b0) / mjj;
    const t = Math.abs((estimate - b0) / se);
    let exceed = 0;
    for (let rep = 0; rep < B; rep++) {
      const den2 = factor * (quadA[rep] + 2 * delta * quadB[rep] + delta * delta * quadC[rep]);
      const num = coefA[rep] + delta * coefB[rep];
      if (den2 > 0 && Math.abs(num) / Math.sqrt(den2) >= t * (1 - 1e-10)) exceed++;
    }
    return exceed / B;
  };
  const pValue = pAt(beta0);
  const ci = minPValue >= alpha ? null : invert(pAt, estimate, se, alpha);
  return {
    term: stats.names[j] ?? `x${j}`,
    estimate,
    nullValue: beta0,
    statistic: (estimate - beta0) / se,
    pValue,
    ci,
    minPValue,
    reps: B,
    weights,
    enumerated,
    clusters: G,
    seed: seed ?? null,
  };
}

/**
 * The interval {θ : p(θ) ≥ alpha} of a test-inversion p-value function that is ≥ alpha at the estimate: each
 * end is bracketed by stepping out from the estimate in doubling multiples of `scale` (1, 2, 4, … up to 2²⁰·scale),
 * then bisected to 10⁻¹⁰·scale. Null — never a sentinel end such as ±10⁹ — when an end cannot be bracketed
 * within 2²⁰·scale: the p-value does not fall below alpha there, and the set is reported as unbounded.
 *
 * @example
 * ```ts
 * import { invertPValue } from "truelift";
 * invertPValue((b) => (Math.abs(b) < 1.96 ? 1 : 0), 0, 1, 0.05); // ≈ [−1.96, 1.96]
 * ```
 * @see Fisher (1935), The Design of Experiments (confidence sets by inverting tests).
 */
export function invertPValue(
  p: (theta: number) => number,
  estimate: number,
  scale: number,
  alpha: number,
): readonly [number, number] | null {
  return invert(p, estimate, scale, alpha);
}

function invert(
  p: (theta: number) => number,
  estimate: number,
  scale: number,
  alpha: number,
): readonly [number, number] | null {
  if (!(scale > 0) || !Number.isFinite(scale)) return null;
  const end = (dir: 1 | -1): number | null => {
    let inside = estimate;
    let step = scale;
    let outside = estimate + dir * step;
    let tries = 0;
    while (p(outside) >= alpha) {
      inside = outside;
      step *= 2;
      outside = estimate + dir * step;
      if (++tries > 20) return null;
    }
    for (let it = 0; it < 200 && Math.abs(outside - inside) > 1e-10 * scale; it++) {
      const mid = 0.5 * (inside + outside);
      if (p(mid) >= alpha) inside = mid;
      else outside = mid;
    }
    return 0.5 * (inside + outside);
  };
  const lo = end(-1);
  const hi = end(1);
  return lo === null || hi === null ? null : [lo, hi];
}

function mv(a: Float64Array, x: Float64Array, k: number, off: number): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let l = 0; l < k; l++) s += a[off + i * k + l] * x[l];
    y[i] = s;
  }
  return y;
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", message);
}
