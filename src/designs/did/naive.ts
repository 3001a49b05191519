import type { Term } from "../../core/result.js";
import { welchDifference } from "../../models/wald-term.js";
import { DID_COLUMNS, type DidLayout, rowWeights } from "./layout.js";

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
  const w = rowWeights(layout.frame, layout.frequency);
  const ss = layout.frequency === null ? null : layout.frame.numeric(layout.frequency.withinSS);
  const staggered = layout.kind === "staggered";
  const tp = new PooledMoments();
  const tpre = new PooledMoments();
  const cp = new PooledMoments();
  for (let i = 0; i < y.length; i++) {
    const m2 = ss === null ? 0 : ss[i];
    if (d[i] === 1) (p[i] === 1 ? tp : tpre).add(w[i], y[i], m2);
    else if (staggered || p[i] === 1) cp.add(w[i], y[i], m2);
  }
  return {
    postGap: welchDifference("post-period gap", tp, cp, alpha),
    beforeAfter: welchDifference("before/after", tp, tpre, alpha),
  };
}

/**
 * Count, mean and centred sum of squares pooled over cells (Chan, Golub & LeVeque's pairwise update). A cell of
 * one row (n = 1, m2 = 0) is Welford's one-pass update, so rows and cells share this accumulator.
 */
class PooledMoments {
  n = 0;
  mean = 0;
  m2 = 0;
  add(n: number, mean: number, m2: number): void {
    this.n += n;
    const delta = mean - this.mean;
    this.mean += (delta * n) / this.n;
    this.m2 += m2 + delta * (mean - this.mean) * n;
  }
}
