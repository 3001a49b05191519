import type { Term } from "../../core/result.js";
import { RunningMoments, welchDifference } from "../../models/wald-term.js";

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
  const acc = [new RunningMoments(), new RunningMoments()];
  for (let i = 0; i < t.length; i++) acc[t[i] === 1 ? 1 : 0].add(y[i]);
  const [c, tr] = acc;
  const difference = welchDifference("naive difference", tr, c, alpha);
  return { difference, meanTreated: tr.mean, meanControl: c.mean };
}
