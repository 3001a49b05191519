import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";

/**
 * Compressed input: each frame row is a cell standing for `count` rows that share every regressor (and cluster,
 * fixed-effect and categorical key) value — the output of
 * `SELECT keys…, COUNT(*) AS n, AVG(y) AS y, SUM((y − ȳ)²) AS ss FROM t GROUP BY keys…`.
 *
 * - `count`: a column of positive integers, the rows in the cell (a missing count is an error, not a dropped
 *   cell: the rows it stands for would be unknown).
 * - `withinSS`: (OLS only) a column of Σ_{i∈c}(yᵢ − ȳ_c)², finite and ≥ 0; __Default value:__ 0 for every cell
 *   (enough for the coefficients, not for RSS, σ, R² or any variance).
 *
 * The outcome column holds the cell mean ȳ_c (for a logit, the share of successes). A cell row's regressors are
 * the cell's values: a numeric regressor that varies within a cell cannot be represented — make it a key (or
 * fit the rows). Cluster columns must be constant within a cell, which they are when the cluster is a key.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const cells = Frame.fromObject({ y: [1.5, 3], g: ["a", "b"], n: [2, 3], ss: [0.5, 2] });
 * ols(cells, { ...parseFormula("y ~ C(g)"), frequency: { count: "n", withinSS: "ss" } }).n.obs; // 5
 * ```
 * @see Wong, Lewis & Wardrop (2021), "Efficient computation of linear model treatment effects in an experimentation
 *   platform" (compress, then frequency-weighted least squares; the duckreg package).
 */
export interface FrequencySpec {
  readonly count: string;
  readonly withinSS?: string;
}

function bad(message: string, details: Record<string, unknown>): never {
  throw new TrueliftError("E_BAD_FREQUENCY", message, { details });
}

/**
 * Validates a {@link FrequencySpec} against the frame before anything is computed: the columns exist and are
 * numeric, every count is a finite positive integer and every within-cell sum of squares is finite and ≥ 0
 * (`E_BAD_FREQUENCY`, naming the first offending row; `E_INVALID_SPEC` for a malformed spec).
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * validateFrequency(Frame.fromObject({ n: [2, 0] }), { count: "n" }); // throws E_BAD_FREQUENCY (row 1)
 * ```
 * @see Wong, Lewis & Wardrop (2021) (sufficient statistics of compressed cells).
 */
export function validateFrequency(frame: Frame, spec: FrequencySpec): void {
  if (spec === null || typeof spec !== "object" || typeof spec.count !== "string" || spec.count === "") {
    throw new TrueliftError("E_INVALID_SPEC", "spec.frequency.count must name a column of cell counts.");
  }
  if (spec.withinSS !== undefined && (typeof spec.withinSS !== "string" || spec.withinSS === "")) {
    throw new TrueliftError("E_INVALID_SPEC", "spec.frequency.withinSS must name a column.");
  }
  const count = numericColumn(frame, spec.count, "count");
  for (let i = 0; i < count.length; i++) {
    const c = count[i];
    if (!(Number.isInteger(c) && c > 0)) {
      bad(`Count column '${spec.count}' holds ${c} at row ${i}; a cell's count must be a positive integer.`, {
        column: spec.count,
        row: i,
        value: String(c),
      });
    }
  }
  if (spec.withinSS === undefined) return;
  const ss = numericColumn(frame, spec.withinSS, "withinSS");
  for (let i = 0; i < ss.length; i++) {
    const v = ss[i];
    if (!(Number.isFinite(v) && v >= 0)) {
      bad(
        `Within-cell sum of squares '${spec.withinSS}' holds ${v} at row ${i}; it must be finite and ≥ 0.`,
        { column: spec.withinSS, row: i, value: String(v) },
      );
    }
  }
}

function numericColumn(frame: Frame, name: string, role: string): Float64Array {
  const col = frame.column(name);
  if (col.kind === "str") {
    throw new TrueliftError(
      "E_COLUMN_TYPE",
      `Column '${name}' holds text, but the frequency ${role} must be numeric.`,
      {
        details: { column: name, kind: col.kind },
      },
    );
  }
  return col.kind === "f64" ? col.values : Float64Array.from(col.values);
}

/**
 * The within-cell sums of squares of the fitted cells (frame rows `rows`, or all when null) and their total.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * withinSums(Frame.fromObject({ ss: [1, 2, 3] }), "ss", Int32Array.of(0, 2)).total; // 4
 * ```
 * @see Wong, Lewis & Wardrop (2021): RSS of the rows = Σ count·(ȳ − ŷ)² + Σ withinSS.
 */
export function withinSums(
  frame: Frame,
  column: string,
  rows: Int32Array | null,
): { readonly values: Float64Array; readonly total: number } {
  const src = numericColumn(frame, column, "withinSS");
  const values = rows ? Float64Array.from(rows, (r) => src[r]) : Float64Array.from(src);
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return { values, total };
}
