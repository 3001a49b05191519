import type { Term } from "../../core/result.js";
import { waldTerm } from "../../models/wald-term.js";
import type { RddLayout } from "./layout.js";

/** Naive contrasts that ignore the running variable, to show what the discontinuity design corrects. */
export interface RddNaive {
  /** Mean outcome on the treated side minus the untreated side, over all rows (Welch SE). */
  readonly sides: Term;
  /** Mean outcome of rows with treatment = 1 minus treatment = 0 (when a 0/1 `treatment` column is given). */
  readonly treatment: Term | null;
}

function meanVar(v: number[]): { mean: number; var: number; n: number } {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let ss = 0;
  for (const x of v) ss += (x - m) ** 2;
  return { mean: m, var: v.length > 1 ? ss / (v.length - 1) : Number.NaN, n: v.length };
}

function welch(name: string, a: number[], b: number[], alpha: number): Term | null {
  if (a.length === 0 || b.length === 0) return null;
  const x = meanVar(a);
  const y = meanVar(b);
  const se = Math.sqrt(x.var / x.n + y.var / y.n);
  return waldTerm(name, x.mean - y.mean, Number.isFinite(se) ? se : null, alpha);
}

/**
 * The naive contrasts: treated-side minus untreated-side mean outcome, and (with a 0/1 treatment column) treated
 * minus untreated rows — the "premium − cheap" comparison that selection on the running variable biases.
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
