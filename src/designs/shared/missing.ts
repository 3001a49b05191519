import type { ColumnKinds } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { RegisteredDesign } from "./contract.js";

/**
 * Per column, the rows with a missing value there: NaN in a numeric column, a null (code −1) in a text one — what a
 * CSV's missing-value markers (`NA`, `NaN`, an empty field, `--na` ones) load as. Only columns with at least one
 * missing row are listed, in the order given; a column absent from the frame is skipped (its own check reports
 * it). A row missing in two columns counts in both: the rows a design dropped in all are its own `dropped`.
 *
 * This is the one shared count behind the `missing` record of a run (`{ column: rows }`) and behind
 * {@link refuseMissing}'s message.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * const f = Frame.fromObject({ y: [1, null, 3, null], tier: ["a", null, "b", "a"], x: [1, 2, 3, 4] });
 * missingCounts(f, ["y", "tier", "x"]); // { y: 2, tier: 1 }
 * ```
 * @see pandas `DataFrame.isna().sum()`; R `colSums(is.na(df))` (the same per-column counts).
 */
export function missingCounts(frame: Frame, columns: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of new Set(columns)) {
    if (!frame.has(name)) continue;
    const col = frame.column(name);
    let n = 0;
    if (col.kind === "str") {
      for (let i = 0; i < col.codes.length; i++) if (col.codes[i] < 0) n++;
    } else if (col.kind === "f64") {
      for (let i = 0; i < col.values.length; i++) if (Number.isNaN(col.values[i])) n++;
    }
    if (n > 0) out[name] = n;
  }
  return out;
}

/**
 * Refuses missing values in numeric columns a design cannot analyse with gaps: `E_MISSING_VALUES` naming every
 * such column with its count of missing rows (`details.missing`: `{ column: rows }`, from {@link missingCounts}).
 * Does nothing when none is missing; text and absent columns are left to the design's own type checks.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * refuseMissing(Frame.fromObject({ y: [1, null, null] }), ["y"], "metric");
 * // throws E_MISSING_VALUES: "The metric column 'y' has 2 missing values (of 3 rows)."
 * ```
 */
export function refuseMissing(frame: Frame, columns: readonly string[], role = "column"): void {
  const numeric = columns.filter((c) => frame.has(c) && frame.column(c).kind !== "str");
  const missing = missingCounts(frame, numeric);
  const names = Object.keys(missing);
  if (names.length === 0) return;
  const rows = (n: number) => `${n} missing ${n === 1 ? "value" : "values"}`;
  const list = names.map((c) => `'${c}' has ${rows(missing[c])}`).join(", ");
  throw new TrueliftError(
    "E_MISSING_VALUES",
    `The ${role} ${names.length === 1 ? "column" : "columns"} ${list} (of ${frame.nrows} rows).`,
    { details: { column: names[0], columns: names, missing } },
  );
}

/**
 * The columns a design uses for a spec, as its cell request names them (keys and measures), or null when the
 * design has no compressed form or the spec does not validate (the design's own run then reports it).
 *
 * @example
 * ```ts
 * usedColumns(didDesign, spec, frame); // ["workspace_id", "signup_week", "treatment_week", "task_completed", …]
 * ```
 */
export function usedColumns(design: RegisteredDesign, spec: unknown, frame: Frame): string[] | null {
  if (design.compression === undefined) return null;
  const kinds: Record<string, ColumnKinds[string]> = {};
  for (const name of frame.names) kinds[name] = frame.column(name).kind === "str" ? "text" : "numeric";
  try {
    const request = design.compression.request(spec, kinds);
    return [...new Set([...request.keys, ...request.measures])];
  } catch {
    return null;
  }
}
