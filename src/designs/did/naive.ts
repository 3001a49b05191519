import type { Term } from "../../core/result.js";
import { criticalValue, twoSidedP } from "../../numeric/dist/index.js";
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
  const tp = new Welford();
  const tpre = new Welford();
  const cp = new Welford();
  for (let i = 0; i < y.length; i++) {
    if (d[i] === 1) (p[i] === 1 ? tp : tpre).add(y[i]);
    else if (staggered || p[i] === 1) cp.add(y[i]);
  }
  return {
    postGap: welch("post-period gap", tp, cp, alpha),
    beforeAfter: welch("before/after", tp, tpre, alpha),
  };
}

class Welford {
  n = 0;
  mean = 0;
  m2 = 0;
  add(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }
  varOfMean(): number {
    return this.n > 1 ? this.m2 / (this.n - 1) / this.n : Number.NaN;
  }
}

function welch(name: string, a: Welford, b: Welford, alpha: number): Term {
  const estimate = a.mean - b.mean;
  const va = a.varOfMean();
  const vb = b.varOfMean();
  const v = va + vb;
  if (!(v > 0) || !Number.isFinite(v))
    return { name, estimate, se: null, statistic: null, df: null, pValue: null, ci: null };
  const se = Math.sqrt(v);
  const df = (v * v) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const crit = criticalValue(alpha, df);
  return {
    name,
    estimate,
    se,
    statistic: estimate / se,
    df,
    pValue: twoSidedP(estimate / se, df),
    ci: [estimate - crit * se, estimate + crit * se],
  };
}
