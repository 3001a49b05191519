import { TrueliftError } from "../../core/errors.js";
import type { ValidDidSpec } from "./spec.js";

/**
 * Rounding slack of a cell mean of `n` equal values (the sum of n values and one division, each within half an
 * ulp): such a mean may differ from the value by a few n·ε, and its within-cell Σ(y − ȳ)² from 0 by n times
 * that squared. Values closer than this are one value, so the cells' verdict matches the rows'.
 */
function slack(n: number, scale: number): number {
  return 4 * Math.max(n, 1) * Number.EPSILON * Math.abs(scale);
}

/**
 * The outcome must vary in the window, and within at least one of the two groups: otherwise the estimate is a
 * difference of constants with a standard error of exactly 0 (and a parallel-trends "pass" by construction).
 * On compressed cells (`within` the within-cell Σ(y − ȳ)², `weight` the counts) a cell with a positive sum of
 * squares varies by itself; otherwise its mean is its one value.
 *
 * @example
 * ```ts
 * checkOutcomeVaries(y, null, null, idx, treated, "y"); // throws E_OUTCOME_CONSTANT when y never varies
 * ```
 */
export function checkOutcomeVaries(
  y: Float64Array,
  within: Float64Array | null,
  weight: Float64Array | null,
  idx: Int32Array,
  treated: Float64Array,
  outcome: string,
): void {
  const first = [Number.NaN, Number.NaN];
  const firstN = [1, 1];
  const varies = [false, false];
  for (let j = 0; j < idx.length; j++) {
    const g = treated[j] === 1 ? 1 : 0;
    const i = idx[j];
    const v = y[i];
    const n = weight === null ? 1 : weight[i];
    if (within !== null) {
      const tol = slack(n, v);
      if (within[i] > n * tol * tol) varies[g] = true;
    }
    if (Number.isNaN(first[g])) {
      first[g] = v;
      firstN[g] = n;
    } else if (v !== first[g]) {
      const tol =
        within === null ? 0 : slack(Math.max(n, firstN[g]), Math.max(Math.abs(v), Math.abs(first[g])));
      if (Math.abs(v - first[g]) > tol) varies[g] = true;
    }
  }
  if (varies[0] || varies[1]) return;
  const overall = first[0] === first[1];
  throw new TrueliftError(
    "E_OUTCOME_CONSTANT",
    overall
      ? `Outcome '${outcome}' is ${first[0]} in every row of the window: there is no variation to compare.`
      : `Outcome '${outcome}' is constant within each group (${first[1]} for every treated row, ${first[0]} for every comparison row): the difference-in-differences would be 0 with a standard error of exactly 0.`,
    {
      details: { outcome, treatedValue: first[1], controlValue: first[0] },
      hint: "Check the outcome column and the window: a DiD needs the outcome to vary over time within the groups.",
    },
  );
}

/**
 * Two-group layout: treated-ness must not coincide with the post period (treated rows only after the start and
 * comparison rows only before it, or the reverse): then the group effect and the time effect are the same column.
 * `weight` holds the rows each entry stands for (cell counts).
 *
 * @example
 * ```ts
 * checkNotCollinear(treated, post, weight, spec); // throws E_TREATMENT_COLLINEAR_TIME
 * ```
 */
export function checkNotCollinear(
  treated: Float64Array,
  post: Float64Array,
  weight: Float64Array,
  spec: ValidDidSpec,
): void {
  const cells = [0, 0, 0, 0]; // control-pre, control-post, treated-pre, treated-post
  for (let j = 0; j < treated.length; j++) cells[2 * treated[j] + post[j]] += weight[j];
  const sameColumn = cells[1] === 0 && cells[2] === 0;
  const reversed = cells[0] === 0 && cells[3] === 0;
  if (!sameColumn && !reversed) return;
  const treatment = "startColumn" in spec.treatment ? spec.treatment.startColumn : spec.treatment.column;
  throw new TrueliftError(
    "E_TREATMENT_COLLINEAR_TIME",
    `Treatment '${treatment}' is collinear with time '${spec.time}': every ${sameColumn ? "treated row is after" : "treated row is before"} the start and every comparison row ${sameColumn ? "before" : "after"} it, so the treatment effect cannot be told apart from the change over time.`,
    {
      details: {
        treatment,
        time: spec.time,
        cells: { controlPre: cells[0], controlPost: cells[1], treatedPre: cells[2], treatedPost: cells[3] },
      },
    },
  );
}
