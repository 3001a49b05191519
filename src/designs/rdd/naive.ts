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

/** Units of one group: their indices into the layout. */
type Group = number[];

/**
 * Count, mean Σy/n and centred sum of squares Σ(y − mean)² of the rows of a group of units, two-pass (a unit adds
 * n·ȳ to the sum, and its within-unit Σ(y − ȳ)² plus n(ȳ − mean)² to the squares).
 */
function moments(layout: RddLayout, g: Group): { n: number; mean: number; m2: number } {
  const { n, y, ss } = layout;
  let rows = 0;
  let m = 0;
  for (const i of g) {
    rows += n[i];
    m += n[i] * y[i];
  }
  m /= rows;
  let m2 = 0;
  for (const i of g) {
    m2 += n[i] * (y[i] - m) ** 2;
    if (ss) m2 += ss[i];
  }
  return { n: rows, mean: m, m2 };
}

function welch(name: string, layout: RddLayout, a: Group, b: Group, alpha: number): Term | null {
  if (a.length === 0 || b.length === 0) return null;
  return welchDifference(name, moments(layout, a), moments(layout, b), alpha);
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
  const below: Group = [];
  const above: Group = [];
  for (let i = 0; i < layout.x.length; i++) (layout.x[i] < layout.cutoff ? below : above).push(i);
  const [tr, un] = layout.treated === "below" ? [below, above] : [above, below];
  let treatment: Term | null = null;
  if (layout.t) {
    const t1: Group = [];
    const t0: Group = [];
    let binary = true;
    for (let i = 0; i < layout.t.length; i++) {
      if (layout.t[i] === 1) t1.push(i);
      else if (layout.t[i] === 0) t0.push(i);
      else binary = false;
    }
    if (binary) treatment = welch("treated − untreated rows", layout, t1, t0, alpha);
  }
  return { sides: welch("treated side − untreated side", layout, tr, un, alpha) as Term, treatment };
}
