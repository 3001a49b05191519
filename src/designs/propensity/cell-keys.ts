import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import type { PropensityCovariate, ValidPropensitySpec } from "./spec.js";

/** The spec columns one covariate term reads. */
function termColumns(term: PropensityCovariate): readonly string[] {
  if (typeof term === "string") return [term];
  if ("interaction" in term) return term.interaction;
  if ("spline" in term) return [term.spline];
  return [term.column];
}

/**
 * The key columns of a propensity analysis's compression: the treatment, the outcome and every column a
 * covariate term reads (propensity, outcome-model and extra balance terms), each once, in spec order.
 *
 * @example
 * ```ts
 * import { propensityCellKeys } from "truelift";
 * propensityCellKeys(parsePropensitySpec({ treatment: "d", outcome: "y", covariates: ["tier"] })); // ["d", "y", "tier"]
 * ```
 */
export function propensityCellKeys(spec: ValidPropensitySpec): readonly string[] {
  const keys: string[] = [];
  const terms = [...spec.covariates, ...(spec.outcomeCovariates ?? []), ...(spec.balance?.extra ?? [])];
  for (const c of [spec.treatment, spec.outcome, ...terms.flatMap(termColumns)]) {
    if (!keys.includes(c)) keys.push(c);
  }
  return keys;
}

/**
 * Why a spec cannot be estimated from cells, or null when it can. Matching with `ties: "first"` picks the lowest
 * row indices among tied controls, and matching without replacement processes tied treated rows in row order:
 * both depend on the row order, which cells do not have. (Matching on the logit scale ties controls at float64
 * coincidences of log(p/(1 − p)) that flip with the last bit of the fitted coefficients; it is supported because
 * {@link propensity} compresses the rows first and both paths fit on the same cells in one canonical order,
 * `canonicalLayout`, so the coefficients agree bitwise.)
 *
 * @example
 * ```ts
 * import { propensityCellsUnsupported } from "truelift";
 * propensityCellsUnsupported(parsePropensitySpec({ ...spec, matching: { ties: "first" } })); // "matching ties: …"
 * ```
 */
export function propensityCellsUnsupported(spec: ValidPropensitySpec): string | null {
  if (spec.matching?.ties === "first") {
    return 'matching with ties: "first" keeps the tied controls with the lowest row indices, which depends on the row order (cells have none)';
  }
  if (spec.matching?.replace === false) {
    return "matching without replacement takes tied treated rows in row order, which cells do not have";
  }
  return null;
}

/**
 * Compresses rows in memory to the cells of {@link propensityCellKeys} (one per distinct key combination, in order
 * of first appearance; a missing value is a value of its own, so validation raises the rows' errors) and says
 * which cell every row fell in: what {@link propensity} estimates from, and how it maps the cell scores back to
 * the rows. The cell frame holds the keys' values; `counts` its rows.
 *
 * @example
 * ```ts
 * import { compressPropensityRows } from "truelift";
 * const { cells, counts, cellOf } = compressPropensityRows(frame, ["d", "y", "tier"]);
 * counts.reduce((a, b) => a + b) === frame.nrows; // true
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 * @internal
 */
export function compressPropensityRows(
  frame: Frame,
  keys: readonly string[],
): { cells: Frame; counts: Float64Array; cellOf: Int32Array } {
  const n = frame.nrows;
  const codes = keys.map((k) => groupCodes(frame, k, null));
  let span = 1;
  for (const g of codes) span *= g.count + 1;
  const numeric = span <= Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  const cellOf = new Int32Array(n);
  const first: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    let id: number | string = numeric ? 0 : "";
    for (const g of codes) {
      if (typeof id === "number") id = id * (g.count + 1) + g.codes[i] + 1;
      else id += `${g.codes[i]},`;
    }
    let c = index.get(id);
    if (c === undefined) {
      c = first.length;
      index.set(id, c);
      first.push(i);
      counts.push(0);
    }
    counts[c]++;
    cellOf[i] = c;
  }
  return {
    cells: frame.select(keys).take(Int32Array.from(first)),
    counts: Float64Array.from(counts),
    cellOf,
  };
}
