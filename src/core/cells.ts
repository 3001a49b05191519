import type { Frame } from "./frame.js";

/**
 * The column kinds of a data source, as a design needs them to decide its compression (a text column is a
 * categorical key, a numeric one may be a key or a measure).
 *
 * @example
 * ```ts
 * import type { ColumnKinds } from "truelift";
 * const kinds: ColumnKinds = { workspace_id: "numeric", engagement_tier: "text" };
 * ```
 */
export type ColumnKinds = Readonly<Record<string, "numeric" | "text">>;

/**
 * What a design asks the engine for: one `GROUP BY keys` returning per group the row count and, for every
 * measure, its mean and within-group Σ(x − x̄)² (and with `crossProducts` the within-group co-moments
 * Σ(a − ā)(b − b̄) of every pair of measures). Plain data: designs never see SQL (design.md §1, §6).
 *
 * @example
 * ```ts
 * import type { CellRequest } from "truelift";
 * const r: CellRequest = { keys: ["workspace_id", "signup_week", "treatment_week"], measures: ["task_completed"] };
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once" (compress, then estimate from the groups).
 */
export interface CellRequest {
  readonly keys: readonly string[];
  readonly measures: readonly string[];
  /** __Default value:__ false. */
  readonly crossProducts?: boolean;
}

/**
 * A frame whose rows are compressed cells (the groups of a {@link CellRequest}): the key columns, each measure
 * column holding the cell mean, the `count` column (rows per cell), for every measure the column of its
 * within-cell Σ(x − x̄)², and, when requested, the within-cell co-moment columns (see {@link comomentKey}).
 * `rowsScanned` is the number of source rows the cells summarise (before any row was excluded).
 *
 * @example
 * ```ts
 * import { Frame, type CellFrame } from "truelift";
 * const cells: CellFrame = {
 *   frame: Frame.fromObject({ g: ["a", "b"], y: [1.5, 3], n: [2, 3], y_ss: [0.5, 2] }),
 *   count: "n", withinSS: { y: "y_ss" }, comoment: {}, rowsScanned: 5,
 * };
 * ```
 */
export interface CellFrame {
  readonly frame: Frame;
  readonly count: string;
  readonly withinSS: Readonly<Record<string, string>>;
  readonly comoment: Readonly<Record<string, string>>;
  readonly rowsScanned: number;
}

/**
 * The key of a measure pair in {@link CellFrame.comoment}: the two names in sorted order, joined by a NUL
 * (which no column name holds), so (a, b) and (b, a) are one entry.
 *
 * @example
 * ```ts
 * import { comomentKey } from "truelift";
 * comomentKey("y", "d") === comomentKey("d", "y"); // true
 * ```
 */
export function comomentKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}
