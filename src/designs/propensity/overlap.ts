import { countedQuantile, countedRanks } from "./counts.js";
import { ipwWeights } from "./ipw.js";

/** One histogram bar of propensity scores for one group: the tidy rows behind the overlap chart. */
export interface OverlapBin {
  readonly group: "treated" | "control";
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  /** count / group size. */
  readonly share: number;
}

/** Range of the scores in one group. */
export interface ScoreRange {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** Overlap of the propensity distributions of the two groups. */
export interface OverlapSummary {
  readonly treated: ScoreRange;
  readonly control: ScoreRange;
  /** [max of the minima, min of the maxima]: where both groups have scores. */
  readonly commonSupport: readonly [number, number];
  /** Rows outside the common support, per group. */
  readonly outsideSupport: { readonly treated: number; readonly control: number };
  /** Rows with a score below 0.01 or above 0.99 (weights above 100), per group. */
  readonly extreme: { readonly treated: number; readonly control: number };
  readonly bins: readonly OverlapBin[];
}

/**
 * Overlap summary of propensity scores: per-group ranges, the common-support interval, how many rows fall outside
 * it or have extreme scores, and a histogram per group over [0, 1] (`bins` equal bins, the last one closed).
 * With `w` (frequency counts) every entry is a unit of `w` identical rows (a compressed cell).
 *
 * @example
 * ```ts
 * import { overlapSummary } from "truelift";
 * const o = overlapSummary(Float64Array.of(0.2, 0.5, 0.4, 0.9), Float64Array.of(0, 0, 1, 1), 10);
 * o.commonSupport; // [0.4, 0.5]
 * ```
 * @see Imbens & Rubin, Causal Inference for Statistics, Social, and Biomedical Sciences (2015), ch. 14.
 */
export function overlapSummary(
  p: ArrayLike<number>,
  t: ArrayLike<number>,
  bins: number,
  w: ArrayLike<number> | null = null,
): OverlapSummary {
  const range = (arm: number): ScoreRange => {
    let n = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < p.length; i++) {
      if (t[i] !== arm || (w && w[i] === 0)) continue;
      const c = w ? w[i] : 1;
      n += c;
      sum += c * p[i];
      if (p[i] < min) min = p[i];
      if (p[i] > max) max = p[i];
    }
    return { n, min, max, mean: sum / n };
  };
  const treated = range(1);
  const control = range(0);
  const lo = Math.max(treated.min, control.min);
  const hi = Math.min(treated.max, control.max);
  const outside = [0, 0];
  const extreme = [0, 0];
  const counts = [new Array<number>(bins).fill(0), new Array<number>(bins).fill(0)];
  for (let i = 0; i < p.length; i++) {
    const arm = t[i] === 1 ? 1 : 0;
    const c = w ? w[i] : 1;
    if (p[i] < lo || p[i] > hi) outside[arm] += c;
    if (p[i] < 0.01 || p[i] > 0.99) extreme[arm] += c;
    counts[arm][Math.min(bins - 1, Math.floor(p[i] * bins))] += c;
  }
  const rows: OverlapBin[] = [];
  for (const [arm, group] of [
    [1, "treated"],
    [0, "control"],
  ] as const) {
    const size = arm === 1 ? treated.n : control.n;
    for (let b = 0; b < bins; b++) {
      rows.push({
        group,
        lower: b / bins,
        upper: (b + 1) / bins,
        count: counts[arm][b],
        share: counts[arm][b] / size,
      });
    }
  }
  return {
    treated,
    control,
    commonSupport: [lo, hi],
    outsideSupport: { treated: outside[1], control: outside[0] },
    extreme: { treated: extreme[1], control: extreme[0] },
    bins: rows,
  };
}

/**
 * The Crump et al. (2009) trimming threshold α: keep rows with α ≤ p ≤ 1 − α, where α minimises the asymptotic
 * variance of the ATE on the trimmed population. With g = 1/(p(1 − p)): α = 0 when max g ≤ 2·mean g; otherwise
 * γ solves γ = 2·E[g | g ≤ γ] (found on the sorted g: the first k with g₍ₖ₎ ≤ γₖ = 2·mean(g₍₁₎…g₍ₖ₎) < g₍ₖ₊₁₎)
 * and α = ½ − √(¼ − 1/γ). With `w` (frequency counts) every entry stands for `w` identical rows: only the last
 * row of a run of equal g can satisfy the condition, so it is checked once per distinct value, at the end of
 * its run.
 *
 * @example
 * ```ts
 * import { crumpThreshold } from "truelift";
 * crumpThreshold(Float64Array.of(0.5, 0.5, 0.4, 0.6)); // 0 (no extreme scores)
 * ```
 * @see Crump, Hotz, Imbens & Mitnik (2009), "Dealing with limited overlap in estimation of average treatment
 *   effects", Biometrika 96, 187–199 (Theorem 1).
 */
export function crumpThreshold(p: ArrayLike<number>, w: ArrayLike<number> | null = null): number {
  const units = p.length;
  const g = new Float64Array(units);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < units; i++) {
    g[i] = 1 / (p[i] * (1 - p[i]));
    const c = w ? w[i] : 1;
    n += c;
    if (c > 0) sum += c * g[i];
  }
  const order = Int32Array.from({ length: units }, (_, i) => i)
    .filter((i) => !w || w[i] > 0)
    .sort((a, b) => g[a] - g[b] || a - b);
  const m = order.length;
  if (m === 0) return 0;
  // A score of exactly 0 or 1 (to double precision) has g = ∞: such units are always trimmed, and the threshold
  // comes from the finite part (the early exit would otherwise compare ∞ ≤ ∞ and keep everyone).
  if (Number.isFinite(sum) && g[order[m - 1]] <= (2 * sum) / n) return 0;
  let cum = 0;
  let rows = 0;
  for (let k = 0; k < m; k++) {
    const gk = g[order[k]];
    const c = w ? w[order[k]] : 1;
    cum += c * gk;
    rows += c;
    // rows of equal g are one run: only its last row can satisfy the condition
    if (k + 1 < m && g[order[k + 1]] === gk) continue;
    const gamma = (2 * cum) / rows;
    if (gk <= gamma && (k === m - 1 || gamma < g[order[k + 1]])) {
      return 0.5 - Math.sqrt(Math.max(0, 0.25 - 1 / gamma));
    }
  }
  return 0;
}

/** Weight diagnostics of one arm under one estimand. */
export interface ArmWeights {
  readonly n: number;
  readonly sum: number;
  readonly max: number;
  /** Largest weight divided by the arm's mean weight. */
  readonly maxRelative: number;
  /** Kish effective sample size (Σw)²/Σw². */
  readonly ess: number;
  /** Quantiles 0, 1, 5, 25, 50, 75, 95, 99, 100 % of the weights (the weight-distribution rows). */
  readonly quantiles: readonly { readonly q: number; readonly weight: number }[];
}

/** Weight diagnostics for both estimands. */
export interface WeightSummary {
  readonly ATE: { readonly treated: ArmWeights; readonly control: ArmWeights };
  readonly ATT: { readonly treated: ArmWeights; readonly control: ArmWeights };
}

const QUANTILES = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1];

/**
 * Inverse-probability weight diagnostics per estimand and arm: total, maximum (absolute and relative to the arm's
 * mean), Kish's effective sample size (Σw)²/Σw², and quantiles. With `count` (frequency counts) every entry is
 * a unit of `count` identical rows (a compressed cell): the quantiles are those of the rows.
 *
 * @example
 * ```ts
 * import { weightSummary } from "truelift";
 * weightSummary(scores, treatment).ATE.control.ess; // effective number of control users
 * ```
 * @see Kish, Survey Sampling (1965), §11.7.
 */
export function weightSummary(
  p: ArrayLike<number>,
  t: ArrayLike<number>,
  count: ArrayLike<number> | null = null,
): WeightSummary {
  const arm = (w: Float64Array, which: number): ArmWeights => {
    const vals: number[] = [];
    const counts: number[] = [];
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < w.length; i++) {
      if (t[i] !== which) continue;
      const c = count ? count[i] : 1;
      vals.push(w[i]);
      counts.push(c);
      sum += c * w[i];
      sq += c * w[i] * w[i];
    }
    const ranks = countedRanks(vals, counts);
    const n = ranks.n;
    const max = n > 0 ? ranks.at(n - 1) : 0;
    return {
      n,
      sum,
      max,
      maxRelative: n > 0 ? max / (sum / n) : 0,
      ess: sq > 0 ? (sum * sum) / sq : 0,
      quantiles: QUANTILES.map((q) => ({ q, weight: countedQuantile(ranks, q) })),
    };
  };
  const ate = ipwWeights(p, t, "ATE");
  const att = ipwWeights(p, t, "ATT");
  return {
    ATE: { treated: arm(ate, 1), control: arm(ate, 0) },
    ATT: { treated: arm(att, 1), control: arm(att, 0) },
  };
}
