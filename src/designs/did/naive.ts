import type { Term } from "../../core/result.js";
import { RunningMoments, welchDifference } from "../../models/wald-term.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";

/**
 * What a naive analyst would have reported, for contrast: the post-period gap between treated rows and
 * comparison rows, and the treated group's before/after change. Both ignore the other half of the design; SEs
 * are Welch's (independent rows), as a naive analysis would compute them.
 */
export interface DidNaive {
  readonly postGap: Term;
  readonly beforeAfter: Term;
}

/**
 * Naive contrasts on the layout's rows: treated-and-post minus untreated-group rows in the post period
 * (two-group) or minus all comparison rows (staggered), and treated-and-post minus treated-and-pre.
 *
 * @example
 * ```ts
 * import { naiveContrasts } from "truelift";
 * naiveContrasts(layout, 0.05).postGap.estimate; // 0.643 − 0.555 on the tutorial data
 * ```
 */
export function naiveContrasts(layout: DidLayout, alpha: number): DidNaive {
  const y = layout.frame.numeric(layout.outcome);
  const d = layout.frame.numeric(DID_COLUMNS.treated);
  const p = layout.frame.numeric(DID_COLUMNS.post);
  const staggered = layout.kind === "staggered";
  const tp = new RunningMoments();
  const tpre = new RunningMoments();
  const cp = new RunningMoments();
  for (let i = 0; i < y.length; i++) {
    if (d[i] === 1) (p[i] === 1 ? tp : tpre).add(y[i]);
    else if (staggered || p[i] === 1) cp.add(y[i]);
  }
  return {
    postGap: welchDifference("post-period gap", tp, cp, alpha),
    beforeAfter: welchDifference("before/after", tp, tpre, alpha),
  };
}
