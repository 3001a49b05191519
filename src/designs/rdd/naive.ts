import type { Term } from "../../core/result.js";
import { welchDifference } from "../../models/wald-term.js";
import type { RddLayout } from "./layout.js";

/** Naive contrasts that ignore the running variable, to show what the discontinuity design corrects. */
export interface RddNaive {
  /** Mean outcome on the treated side minus the untreated side, over all rows (Welch SE and
   * Welch–Satterthwaite df, the convention every design's naive contrast uses). */
  readonly sides: Term;
  /** Mean outcome of rows with treatment = 1 minus treatment = 0 (when a 0/1 `treatment` column is given). */
  readonly treatment: Term | null;
}

/** Count, mean Σx/n and centred sum of squares Σ(x − mean)² of one group, two-pass (the estimate's arithmetic). */
function moments(v: readonly number[]): { n: number; mean: number; m2: number } {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let m2 = 0;
  for (const x of v) m2 += (x - m) ** 2;
  return { n: v.length, mean: m, m2 };
}

function welch(name: string, a: number[], b: number[], alpha: number): Term | null {
  if (a.length === 0 || b.length === 0) return null;
  return welchDifference(name, moments(a), moments(b), alpha);
}

/**
 * The naive contrasts: treated-side minus untreated-side mean outcome, and (with a 0/1 treatment column) treated
 * minus untreated rows — the "premium − cheap" comparison that selection on the running variable biases. Both go
 * through {@link welchDifference}: Welch SE, Welch–Satterthwaite df, t reference (as did's and propensity's).
 *
 * @example
 * ```ts
 * // rddNaiveContrasts(layout, 0.05).treatment?.estimate // fixture: +0.0632
 * ```
 */
export function rddNaiveContrasts(layout: RddLayout, alpha: number): RddNaive {
  const below: number[] = [];
  const above: number[] = [];
  for (let i = 0; i < layout.x.length; i++) (layout.x[i] < layout.cutoff ? below : above).push(layout.y[i]);
  const [tr, un] = layout.treated === "below" ? [below, above] : [above, below];
  let treatment: Term | null = null;
  if (layout.t) {
    const t1: number[] = [];
    const t0: number[] = [];
    let binary = true;
    for (let i = 0; i < layout.t.length; i++) {
      if (layout.t[i] === 1) t1.push(layout.y[i]);
      else if (layout.t[i] === 0) t0.push(layout.y[i]);
      else binary = false;
    }
    if (binary) treatment = welch("treated − untreated rows", t1, t0, alpha);
  }
  return { sides: welch("treated side − untreated side", tr, un, alpha) as Term, treatment };
}
