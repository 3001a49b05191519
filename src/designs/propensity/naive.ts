import type { Term } from "../../core/result.js";
import { welchDifference } from "../../models/wald-term.js";

/** The naive comparison a dashboard would show: opt-in users' mean outcome minus everyone else's. */
export interface PropensityNaive {
  readonly difference: Term;
  readonly meanTreated: number;
  readonly meanControl: number;
}

/**
 * Difference in mean outcome between treated and control rows, with Welch's standard error and
 * Welch–Satterthwaite degrees of freedom (rows assumed independent): what the comparison looks like before any
 * adjustment for who opts in. With `w` (frequency counts) every entry is a unit of `w` identical rows; the
 * moments are two-pass (mean, then centred sum of squares), count-weighted.
 *
 * @example
 * ```ts
 * import { naiveDifference } from "truelift";
 * naiveDifference(layout.t, layout.y, 0.05).difference.estimate; // +0.2106 on the tutorial data
 * ```
 * @see Welch (1947), "The generalization of Student's problem when several different population variances are
 *   involved", Biometrika 34, 28–35.
 */
export function naiveDifference(
  t: Float64Array,
  y: Float64Array,
  alpha: number,
  w: Float64Array | null = null,
): PropensityNaive {
  const n = [0, 0];
  const sum = [0, 0];
  for (let i = 0; i < t.length; i++) {
    const a = t[i] === 1 ? 1 : 0;
    const c = w ? w[i] : 1;
    n[a] += c;
    sum[a] += c * y[i];
  }
  const mean = [sum[0] / n[0], sum[1] / n[1]];
  const m2 = [0, 0];
  for (let i = 0; i < t.length; i++) {
    const a = t[i] === 1 ? 1 : 0;
    m2[a] += (w ? w[i] : 1) * (y[i] - mean[a]) ** 2;
  }
  const c = { n: n[0], mean: mean[0], m2: m2[0] };
  const tr = { n: n[1], mean: mean[1], m2: m2[1] };
  const difference = welchDifference("naive difference", tr, c, alpha);
  return { difference, meanTreated: tr.mean, meanControl: c.mean };
}
