import { TrueliftError } from "./errors.js";

/**
 * Sufficient statistics a design asks an engine for, as plain data: the SQL layer turns it into a `GROUP BY` query
 * for a dialect, and {@link compressFrame} computes it in memory. Designs never see SQL.
 *
 * Rows with a NULL (missing) value in any key or measure are excluded from the groups and counted in
 * {@link CompressedTable.nullRows} / `droppedRows`, so the caller can raise its usual coded error (e.g. `E_MISSING_VALUES`).
 * In memory a missing number is NaN; in a database a float NaN is a value, not NULL, so store missing values as
 * NULL there (a NaN would make the group's SQL moments NaN).
 *
 * @example
 * ```ts
 * const request: CompressRequest = {
 *   keys: ["treated", "week"],
 *   measures: ["revenue", "sessions"],
 *   crossProducts: true,
 *   where: [{ column: "week", op: "between", low: 10, high: 20 }],
 * };
 * ```
 * @see Wong, Lewis & Wardrop (2021), "Computational causal inference" (compress, then weighted least squares).
 */
export interface CompressRequest {
  /** GROUP BY columns (categorical, or discrete numeric); empty for one group over all rows. */
  readonly keys: readonly string[];
  /** Numeric columns summarised per group (count, mean, centred sum of squares). */
  readonly measures: readonly string[];
  /** Also return the centred co-moment Σ(a − ā)(b − b̄) of every pair of measures. Default false. */
  readonly crossProducts?: boolean;
  /** Row filters, all of which must hold (AND); a row whose filtered column is NULL does not pass. */
  readonly where?: readonly CompressFilter[];
}

/**
 * A value a filter compares with; always bound as a parameter (or inlined with escaping), never interpolated.
 *
 * @example
 * ```ts
 * const v: FilterValue = "light";
 * ```
 */
export type FilterValue = number | string;

/**
 * A row filter of a {@link CompressRequest}: `between` is inclusive on both ends (SQL `BETWEEN`), `in` keeps rows
 * whose value equals one of `values` (at least one).
 *
 * @example
 * ```ts
 * const f: CompressFilter = { column: "tier", op: "in", values: ["light", "heavy"] };
 * ```
 */
export type CompressFilter =
  | {
      readonly column: string;
      readonly op: "between";
      readonly low: FilterValue;
      readonly high: FilterValue;
    }
  | { readonly column: string; readonly op: "in"; readonly values: readonly FilterValue[] };

/**
 * The values of one key column, one entry per group: numbers for numeric keys, text for the rest.
 *
 * @example
 * ```ts
 * const tiers: KeyValues = ["heavy", "light"];
 * ```
 */
export type KeyValues = Float64Array | readonly string[];

/**
 * The answer to a {@link CompressRequest}: per group (sorted by the keys, numbers ascending and text by UTF-16
 * code units, first key first), the row count, mean and centred second moments of each measure. Plain data:
 * whoever computed it (memory, DuckDB, PostgreSQL, ClickHouse), estimators consume it the same way.
 *
 * @example
 * ```ts
 * const t = compressFrame(Frame.fromObject({ g: ["a", "a", "b"], y: [1, 3, 5] }), { keys: ["g"], measures: ["y"] });
 * t.groups;       // 2
 * t.n;            // Float64Array [2, 1]
 * t.mean.y;       // Float64Array [2, 5]
 * t.m2.y;         // Float64Array [2, 0]
 * ```
 */
export interface CompressedTable {
  /** The request's key columns, in order. */
  readonly keys: readonly string[];
  /** The request's measure columns, in order. */
  readonly measures: readonly string[];
  /** Number of groups (rows of the compressed table). */
  readonly groups: number;
  /** Per key column, its value in each group. */
  readonly keyValues: Readonly<Record<string, KeyValues>>;
  /** Rows per group (exact integers). */
  readonly n: Float64Array;
  /** Per measure, its mean in each group. */
  readonly mean: Readonly<Record<string, Float64Array>>;
  /** Per measure, Σ(x − mean)² in each group (computed stably: var_pop · n, never Σx² − n·mean²). */
  readonly m2: Readonly<Record<string, Float64Array>>;
  /** With `crossProducts`: per pair `comomentKey(a, b)` (the two names sorted, NUL-joined), Σ(a − ā)(b − b̄) in each group. */
  readonly comoment?: Readonly<Record<string, Float64Array>>;
  /** Rows that passed the filters (grouped rows plus {@link droppedRows}). */
  readonly rowsScanned: number;
  /** Per key and measure column, how many rows that passed the filters have it NULL. */
  readonly nullRows: Readonly<Record<string, number>>;
  /** Rows that passed the filters but were left out of the groups for a NULL in at least one key or measure. */
  readonly droppedRows: number;
}

/** The key of a pair of measures in {@link CompressedTable.comoment} (and a {@link CellFrame}'s): see `comomentKey`. */
export { comomentKey } from "./cells.js";

/**
 * Checks a {@link CompressRequest} before any work: at least one key or measure, no repeated column, `in` filters with
 * values, finite numbers. Throws `E_INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * validateCompressRequest({ keys: ["g"], measures: [] }); // throws E_INVALID_ARGUMENT
 * ```
 */
export function validateCompressRequest(request: CompressRequest): void {
  const bad = (message: string): never => {
    throw new TrueliftError("E_INVALID_ARGUMENT", message, { details: { request } });
  };
  if (request.measures.length === 0 && request.keys.length === 0)
    bad("A compress request needs at least one key or measure column.");
  const all = [...request.keys, ...request.measures];
  for (const [i, c] of all.entries()) {
    if (typeof c !== "string" || c.length === 0)
      bad("Column names in a compress request must be non-empty text.");
    if (all.indexOf(c) !== i)
      bad(`Column '${c}' appears twice among the keys and measures of a compress request.`);
  }
  for (const f of request.where ?? []) {
    const values = f.op === "between" ? [f.low, f.high] : f.values;
    if (f.op === "in" && values.length === 0) bad(`The 'in' filter on '${f.column}' lists no values.`);
    for (const v of values) {
      if (typeof v === "number" && !Number.isFinite(v))
        bad(`The filter on '${f.column}' compares with a non-finite number (${v}).`);
      if (typeof v === "string" && v.includes("\u0000"))
        bad(`The filter on '${f.column}' compares with text containing a NUL character.`);
    }
  }
}

/**
 * Orders two key tuples the way every {@link CompressedTable} is sorted: key by key, numbers ascending, text by
 * UTF-16 code units (engine collations are not used, so every engine returns the same order).
 *
 * @example
 * ```ts
 * compareKeyTuples([1, "b"], [1, "a"]); // 1
 * ```
 */
export function compareKeyTuples(a: readonly (number | string)[], b: readonly (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x < y ? -1 : 1;
    const sx = String(x);
    const sy = String(y);
    if (sx !== sy) return sx < sy ? -1 : 1;
  }
  return 0;
}
