import type { Term } from "../../core/result.js";
import { criticalValue, twoSidedP } from "../../numeric/dist/index.js";

/** The naive comparison a dashboard would show: opt-in users' mean outcome minus everyone else's. */
export interface PropensityNaive {
  readonly difference: Term;
  readonly meanTreated: number;
  readonly meanControl: number;
}

/**
 * Difference in mean outcome between treated and control rows, with Welch's standard error and
 * Welch–Satterthwaite degrees of freedom (rows assumed independent): what the comparison looks like before any
 * adjustment for who opts in.
 *
 * @example
 * ```ts
 * import { naiveDifference } from "truelift";
 * naiveDifference(layout.t, layout.y, 0.05).difference.estimate; // +0.2106 on the tutorial data
 * ```
 * @see Welch (1947), "The generalization of Student's problem when several different population variances are
 *   involved", Biometrika 34, 28–35.
 */
export function naiveDifference(t: Float64Array, y: Float64Array, alpha: number): PropensityNaive {
  const acc = [
    { n: 0, mean: 0, m2: 0 },
    { n: 0, mean: 0, m2: 0 },
  ];
  for (let i = 0; i < t.length; i++) {
    const a = acc[t[i] === 1 ? 1 : 0];
    a.n++;
    const d = y[i] - a.mean;
    a.mean += d / a.n;
    a.m2 += d * (y[i] - a.mean);
  }
  const [c, tr] = acc;
  const estimate = tr.mean - c.mean;
  const va = tr.n > 1 ? tr.m2 / (tr.n - 1) / tr.n : Number.NaN;
  const vb = c.n > 1 ? c.m2 / (c.n - 1) / c.n : Number.NaN;
  const v = va + vb;
  let difference: Term = {
    name: "naive difference",
    estimate,
    se: null,
    statistic: null,
    df: null,
    pValue: null,
    ci: null,
  };
  if (v > 0 && Number.isFinite(v)) {
    const se = Math.sqrt(v);
    const df = (v * v) / ((va * va) / (tr.n - 1) + (vb * vb) / (c.n - 1));
    const crit = criticalValue(alpha, df);
    difference = {
      name: "naive difference",
      estimate,
      se,
      statistic: estimate / se,
      df,
      pValue: twoSidedP(estimate / se, df),
      ci: [estimate - crit * se, estimate + crit * se],
    };
  }
  return { difference, meanTreated: tr.mean, meanControl: c.mean };
}
