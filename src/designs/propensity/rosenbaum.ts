import { TrueliftError } from "../../core/errors.js";
import { deepFreeze } from "../../core/result.js";
import { normalCdf } from "../../numeric/dist/index.js";

/**
 * Bounds on the one-sided signed-rank p-value at one Γ.
 *
 * @example
 * ```ts
 * const row: RosenbaumRow = rosenbaumBounds(d).rows[0]; // Γ = 1: upper === lower
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export interface RosenbaumRow {
  readonly gamma: number;
  /** Upper bound on the p-value (the worst case for the claim of a positive effect), p⁺ = Γ/(1 + Γ). */
  readonly upper: number;
  /** Lower bound, p⁻ = 1/(1 + Γ). */
  readonly lower: number;
}

/**
 * Wilcoxon signed-rank Rosenbaum bounds over a Γ sweep.
 *
 * @example
 * ```ts
 * const b: RosenbaumBounds = rosenbaumBounds(d, [1, 1.5, 2]);
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export interface RosenbaumBounds {
  /** Wilcoxon signed-rank statistic T = Σ ranks of the positive differences (average ranks of |d|, zeros dropped). */
  readonly statistic: number;
  /** Pairs used (non-zero differences) and pairs dropped as zero. */
  readonly pairs: number;
  readonly zeros: number;
  readonly alpha: number;
  /** The one-sided signed-rank p-value without hidden bias (Γ = 1; upper = lower there), whatever the sweep. */
  readonly pValue: number;
  readonly rows: readonly RosenbaumRow[];
  /**
   * The Γ where the upper bound crosses α: the smallest Γ of the sweep with upper ≥ α (null when none does),
   * and the exact crossing found by bisection (null when the upper bound at Γ = 1 already exceeds α).
   */
  readonly gammaCrossing: number | null;
  readonly gammaCritical: number | null;
}

function upperP(t: number, sumQ: number, sumQ2: number, gamma: number): number {
  const p = gamma / (1 + gamma);
  return 1 - normalCdf((t - p * sumQ) / Math.sqrt(p * (1 - p) * sumQ2));
}

/**
 * Rosenbaum bounds for the Wilcoxon signed-rank test on matched-pair differences (treated − control), as
 * rbounds::psens: zero differences are dropped, |d| ranked with average ranks for ties (qᵢ); T = Σ qᵢ[dᵢ > 0].
 * Under hidden bias Γ the null distribution of T lies between sums of independent qᵢ·Bernoulli(p) with
 * p⁻ = 1/(1 + Γ) and p⁺ = Γ/(1 + Γ); normal approximation with E = p Σqᵢ and Var = p(1 − p) Σqᵢ² (with
 * untied ranks Σq² = n(n + 1)(2n + 1)/6; with ties this is the usual tie-corrected variance), no continuity
 * correction. The one-sided p-value bounds are 1 − Φ((T − E)/√Var) at p⁺ (upper) and p⁻ (lower).
 * `options.counts` gives how many pairs share each difference (matched differences from compressed cells take
 * few distinct values): ranks, T, Σq and Σq² are then computed per distinct value, times its count.
 *
 * @example
 * ```ts
 * import { rosenbaumBounds } from "truelift";
 * const b = rosenbaumBounds(pairDifferences); // Γ = 1, 1.1, …, 2
 * b.gammaCritical; // the Γ at which the upper p-value bound reaches 0.05
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 * @see Keele (2010), rbounds: An R package for sensitivity analysis with matched data, `psens` (same formulas:
 *   zeros dropped, average ranks, E = p Σq, Var = p(1 − p) Σq²).
 */
export function rosenbaumBounds(
  differences: ArrayLike<number>,
  gammas: readonly number[] = Array.from({ length: 11 }, (_, i) => Math.round((1 + i / 10) * 10) / 10),
  options: { readonly alpha?: number; readonly counts?: ArrayLike<number> | null } = {},
): RosenbaumBounds {
  const counts = options.counts ?? null;
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1))
    throw new TrueliftError("E_INVALID_ARGUMENT", `alpha must be in (0, 1), got ${alpha}.`);
  if (gammas.length === 0 || gammas.some((g) => !(g >= 1) || !Number.isFinite(g))) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "Every Γ must be a finite number ≥ 1.", {
      details: { gammas },
    });
  }
  const d: number[] = [];
  const m: number[] = [];
  let zeros = 0;
  let pairs = 0;
  for (let i = 0; i < differences.length; i++) {
    const v = differences[i];
    const c = counts ? counts[i] : 1;
    if (!Number.isFinite(v))
      throw new TrueliftError("E_NONFINITE_VALUES", `differences[${i}] = ${v} is not finite.`);
    if (c === 0) continue;
    if (v === 0) zeros += c;
    else {
      d.push(v);
      m.push(c);
      pairs += c;
    }
  }
  if (d.length === 0) {
    throw new TrueliftError(
      "E_TOO_FEW_OBSERVATIONS",
      "Every pair difference is zero: the signed-rank test is undefined.",
    );
  }
  const order = d.map((_, i) => i).sort((a, b) => Math.abs(d[a]) - Math.abs(d[b]));
  const q = new Float64Array(d.length);
  // `before` pairs have a smaller |d| than the tie group order[s..e] (which holds `size` pairs)
  let before = 0;
  for (let s = 0; s < order.length; ) {
    let e = s;
    let size = m[order[s]];
    while (e + 1 < order.length && Math.abs(d[order[e + 1]]) === Math.abs(d[order[s]])) {
      e++;
      size += m[order[e]];
    }
    const r = (before + (before + size - 1)) / 2 + 1;
    for (let j = s; j <= e; j++) q[order[j]] = r;
    before += size;
    s = e + 1;
  }
  let t = 0;
  let sumQ = 0;
  let sumQ2 = 0;
  for (let i = 0; i < d.length; i++) {
    if (d[i] > 0) t += m[i] * q[i];
    sumQ += m[i] * q[i];
    sumQ2 += m[i] * q[i] * q[i];
  }
  const rows = gammas.map((gamma) => {
    const lo = 1 / (1 + gamma);
    return {
      gamma,
      upper: upperP(t, sumQ, sumQ2, gamma),
      lower: 1 - normalCdf((t - lo * sumQ) / Math.sqrt(lo * (1 - lo) * sumQ2)),
    };
  });
  const crossing = rows.find((r) => r.upper >= alpha)?.gamma ?? null;
  let critical: number | null = null;
  if (upperP(t, sumQ, sumQ2, 1) < alpha) {
    // The upper bound increases in Γ (towards 1 − Φ(+∞) or 1 − Φ((T − Σq)/0)); bracket by doubling, then bisect.
    let a = 1;
    let b = 2;
    while (upperP(t, sumQ, sumQ2, b) < alpha && b < 1e8) {
      a = b;
      b *= 2;
    }
    if (upperP(t, sumQ, sumQ2, b) >= alpha) {
      for (let it = 0; it < 200 && b - a > 1e-12 * b; it++) {
        const m = (a + b) / 2;
        if (upperP(t, sumQ, sumQ2, m) < alpha) a = m;
        else b = m;
      }
      critical = b;
    }
  }
  return deepFreeze({
    statistic: t,
    pairs,
    zeros,
    alpha,
    pValue: upperP(t, sumQ, sumQ2, 1),
    rows,
    gammaCrossing: crossing,
    gammaCritical: critical,
  }) as RosenbaumBounds;
}

/**
 * Matched-pair differences (treated − control) from 1:1 matches: the treated outcome minus its single control.
 *
 * @example
 * ```ts
 * import { pairDifferences } from "truelift";
 * pairDifferences(Float64Array.of(3, 5), Float64Array.of(1, 6)); // [2, -1]
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export function pairDifferences(treatedY: ArrayLike<number>, controlY: ArrayLike<number>): number[] {
  if (treatedY.length !== controlY.length) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `${treatedY.length} treated and ${controlY.length} control outcomes.`,
    );
  }
  return Array.from({ length: treatedY.length }, (_, i) => treatedY[i] - controlY[i]);
}

/**
 * {@link rosenbaumBounds} of matched differences, oriented in the direction of the matched effect.
 *
 * @example
 * ```ts
 * const r: MatchedRosenbaum | null = matchedRosenbaum(matchedDifferences(match, y));
 * r?.direction; // "increase"
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export interface MatchedRosenbaum extends RosenbaumBounds {
  /**
   * The one-sided alternative tested: `increase` (the differences as given; their mean is ≥ 0) or `decrease` (the
   * mean is negative, so the differences were negated and the bounds are about the size of the decrease).
   */
  readonly direction: "increase" | "decrease";
}

/**
 * Rosenbaum bounds for a matched analysis, tested in the direction of the observed effect: when the mean of the
 * differences is negative they are negated first (Rosenbaum's bounds are one-sided; asking how much hidden bias
 * would explain away a decrease needs the test for a decrease). Returns null when fewer than two differences are
 * non-zero (the signed-rank statistic says nothing then). `gammas` and `alpha` as in {@link rosenbaumBounds}
 * (one-sided level α). `counts` gives how many pairs share each difference (one each when absent).
 *
 * @example
 * ```ts
 * import { matchedDifferences, matchedRosenbaum, nearestNeighbourMatch } from "truelift";
 * const m = nearestNeighbourMatch(ps, treated, y);
 * matchedRosenbaum(matchedDifferences(m, y), [1, 1.5, 2])?.gammaCritical;
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 * @see Keele (2010), rbounds: An R package for sensitivity analysis with matched data.
 */
export function matchedRosenbaum(
  differences: ArrayLike<number>,
  gammas?: readonly number[],
  options: { readonly alpha?: number } = {},
  counts: ArrayLike<number> | null = null,
): MatchedRosenbaum | null {
  let sum = 0;
  let nonZero = 0;
  for (let i = 0; i < differences.length; i++) {
    const c = counts ? counts[i] : 1;
    sum += c * differences[i];
    if (differences[i] !== 0) nonZero += c;
  }
  if (nonZero < 2) return null;
  const direction = sum < 0 ? "decrease" : "increase";
  const d = direction === "decrease" ? Array.from(differences, (v) => -v) : differences;
  return deepFreeze({ ...rosenbaumBounds(d, gammas, { ...options, counts }), direction }) as MatchedRosenbaum;
}
