import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { streamFor } from "../../core/rng.js";
import { bootstrapSe, percentileInterval } from "../../models/bootstrap-ci.js";
import { addDrawCounts } from "../../models/resample.js";
import type { ClusterSuffStats } from "../../models/wild-bootstrap.js";
import { cholesky, choleskySolve } from "../../numeric/linalg/cholesky.js";

/** Bootstrap distribution summary of one quantity: SD of the replicates and the percentile interval. */
export interface PairsBootstrapEstimate {
  readonly name: string;
  readonly estimate: number;
  readonly se: number | null;
  readonly ci: readonly [number, number] | null;
}

/** Result of {@link pairsClusterBootstrap}. */
export interface PairsBootstrap {
  readonly reps: number;
  /** Replicates dropped because the resampled design was singular (e.g. every drawn cluster in one arm). */
  readonly failed: number;
  readonly seed: number;
  readonly estimates: readonly PairsBootstrapEstimate[];
}

/** One model to refit per replicate: its sufficient statistics, and the linear combinations of β to report. */
export interface PairsBootstrapModel {
  readonly stats: ClusterSuffStats;
  /** Reported quantities: name and weights on the coefficients (e.g. [0, 1, 0] for the second). */
  readonly quantities: readonly { readonly name: string; readonly weights: readonly number[] }[];
}

/**
 * Pairs (cluster) bootstrap on cluster sufficient statistics: each replicate draws K clusters with replacement
 * (a multinomial count c_g per cluster) and refits every model from Σ c_g S_g and Σ c_g b_g — no rows are copied,
 * so a replicate costs O(K·k²) whatever the number of users. All models share the same draws. SEs are the SD of
 * the replicates (n − 1 divisor, {@link bootstrapSe}) and intervals the percentile method with type-7 quantiles
 * ({@link percentileInterval}, `"lerp"` interpolation: within one ulp of numpy's `percentile` default), so they
 * agree with a row-level workspace bootstrap within Monte Carlo error.
 *
 * @example
 * ```ts
 * import { pairsClusterBootstrap } from "truelift";
 * const boot = pairsClusterBootstrap([{ stats, quantities: [{ name: "effect", weights: [0, 1] }] }], {
 *   reps: 999, seed: 1, alpha: 0.05,
 * });
 * boot.estimates[0].ci; // percentile 95% interval
 * ```
 * @see Cameron, Gelbach & Miller (2008), REStat 90(3); Efron & Tibshirani (1993), An Introduction to the
 *   Bootstrap, ch. 13 (percentile intervals).
 */
export function pairsClusterBootstrap(
  models: readonly PairsBootstrapModel[],
  options: {
    readonly reps: number;
    readonly seed: number;
    readonly stream?: number;
    readonly alpha: number;
    /** Throttled progress of the replicates (does not change the numbers). */
    readonly onProgress?: ProgressCallback;
  },
): PairsBootstrap {
  const K = models[0].stats.count;
  const rng = streamFor(options.seed, "sequence", options.stream ?? 0);
  const counts = new Float64Array(K);
  const outputs = models.flatMap((m) => m.quantities.map(() => new Float64Array(options.reps)));
  const point = models.flatMap((m) => {
    const beta = solve(m.stats, null);
    return m.quantities.map((q) => (beta ? combine(beta, q.weights) : Number.NaN));
  });
  let kept = 0;
  let failed = 0;
  const tick = progressTicker(options.onProgress, "pairs bootstrap", options.reps);
  for (let rep = 0; rep < options.reps; rep++) {
    tick?.(rep);
    counts.fill(0);
    addDrawCounts(rng, counts, "int");
    const values: number[] = [];
    let ok = true;
    for (const m of models) {
      const beta = solve(m.stats, counts);
      if (!beta) {
        ok = false;
        break;
      }
      for (const q of m.quantities) values.push(combine(beta, q.weights));
    }
    if (!ok) {
      failed++;
      continue;
    }
    for (let j = 0; j < values.length; j++) outputs[j][kept] = values[j];
    kept++;
  }
  tick?.(options.reps);
  const names = models.flatMap((m) => m.quantities.map((q) => q.name));
  const estimates = names.map((name, j) => {
    if (kept < 2) return { name, estimate: point[j], se: null, ci: null };
    // Replicates in sorted order, as this bootstrap has always summed them (the SE's bits depend on the order).
    const xs = outputs[j].slice(0, kept).sort();
    return {
      name,
      estimate: point[j],
      se: bootstrapSe(xs),
      ci: percentileInterval(xs, options.alpha, "lerp"),
    };
  });
  return { reps: kept, failed, seed: options.seed, estimates };
}

function combine(beta: Float64Array, weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += weights[i] * beta[i];
  return s;
}

/** β from Σ c_g S_g and Σ c_g b_g (c = 1 when counts is null); null when singular. */
function solve(stats: ClusterSuffStats, counts: Float64Array | null): Float64Array | null {
  const { k, count } = stats;
  const s = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let g = 0; g < count; g++) {
    const c = counts ? counts[g] : 1;
    if (c === 0) continue;
    const gb = g * k * k;
    for (let i = 0; i < k * k; i++) s[i] += c * stats.gram[gb + i];
    for (let i = 0; i < k; i++) b[i] += c * stats.xty[g * k + i];
  }
  // Relative pivot check: a column that is (numerically) constant zero or collinear makes the fit undefined.
  const l = cholesky(s, k);
  if (!l) return null;
  for (let i = 0; i < k; i++) if (!(l[i * k + i] > 1e-7 * Math.sqrt(s[i * k + i]))) return null;
  return choleskySolve(l, k, b);
}
