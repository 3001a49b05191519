import { TrueliftError } from "../core/errors.js";
import { gramRank } from "../numeric/linalg/cholesky.js";
import type { GroupCodes } from "./design-matrix.js";

const RANK_TOL = 1e-10;
/** A column whose transformed sum of squares is below this share of its raw one lies in the absorbed span. */
const SPAN_TOL = 1e-18;

/**
 * Throws `E_SINGULAR_DESIGN` naming the collinear columns when the Gram of the working columns is rank
 * deficient: columns in the span of the intercept or the fixed effects, then later columns that are combinations
 * of earlier ones (as R and fixest blame them).
 *
 * @example
 * ```ts
 * checkRank(gram, k, true, rawSs, names, []); // returns, or throws E_SINGULAR_DESIGN
 * ```
 */
export function checkRank(
  gram: Float64Array,
  k: number,
  intercept: boolean,
  rawSs: readonly number[],
  names: readonly string[],
  absorb: readonly GroupCodes[],
): void {
  const off = intercept ? 1 : 0;
  const inSpan: number[] = [];
  const keep: number[] = intercept ? [0] : [];
  for (let j = 0; j < rawSs.length; j++) {
    const d = gram[(j + off) * k + (j + off)];
    if (!(d > SPAN_TOL * rawSs[j]) || !(d > 0)) inSpan.push(j + off);
    else keep.push(j + off);
  }
  const m = keep.length;
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = gram[keep[a] * k + keep[b]];
  const later = gramRank(sub, m, RANK_TOL).dropped.map((i) => keep[i]);
  if (inSpan.length === 0 && later.length === 0) return;
  const withFe = absorb.length > 0 ? inSpan : [];
  const withIntercept = absorb.length === 0 && intercept ? inSpan : [];
  const zero = absorb.length === 0 && !intercept ? inSpan : [];
  throw singular(
    names,
    [...inSpan, ...later].sort((a, b) => a - b).map((j) => names[j]),
    withIntercept.map((j) => names[j]),
    withFe.map((j) => names[j]),
    [...zero, ...later].map((j) => names[j]),
    absorb.map((a) => a.column),
  );
}

/**
 * The `E_SINGULAR_DESIGN` error for a set of collinear columns, with the reason for each group.
 *
 * @example
 * ```ts
 * throw singular(names, ["x2"], [], [], ["x2"]);
 * ```
 */
export function singular(
  names: readonly string[],
  collinear: string[],
  withIntercept: string[],
  withFixedEffects: string[],
  withOthers: string[],
  absorbed: string[] = [],
): TrueliftError {
  const parts: string[] = [];
  if (withIntercept.length > 0) parts.push(`${quote(withIntercept)} constant (collinear with the intercept)`);
  if (withFixedEffects.length > 0) {
    parts.push(`${quote(withFixedEffects)} collinear with the fixed effects (${absorbed.join(", ")})`);
  }
  if (withOthers.length > 0) parts.push(`${quote(withOthers)} collinear with earlier columns`);
  return new TrueliftError("E_SINGULAR_DESIGN", `The design matrix is singular: ${parts.join("; ")}.`, {
    details: {
      collinear,
      withIntercept,
      withFixedEffects,
      withEarlierColumns: withOthers,
      columns: [...names],
    },
  });
}

function quote(xs: readonly string[]): string {
  return xs.map((x) => `'${x}'`).join(", ");
}
