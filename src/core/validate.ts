import { TrueliftError } from "./errors.js";
import type { Column, Frame } from "./frame.js";

/**
 * What an analysis needs from a column.
 * @example
 * ```ts
 * import { REQUIREMENT_KINDS } from "truelift";
 * REQUIREMENT_KINDS; // ["numeric", "binary", "categorical", "any"]
 * ```
 */
export const REQUIREMENT_KINDS = ["numeric", "binary", "categorical", "any"] as const;
/**
 * One of {@link REQUIREMENT_KINDS}:
 * - `numeric`: an `f64` or `i32` column;
 * - `binary`: numeric with every value exactly 0 or 1 (a treatment or a 0/1 outcome);
 * - `categorical`: any column kind, used as group labels (text, or integer / float codes);
 * - `any`: only has to exist.
 */
export type RequirementKind = (typeof REQUIREMENT_KINDS)[number];

/** A column an analysis uses, and what it must hold. */
export interface ColumnRequirement {
  readonly column: string;
  readonly kind: RequirementKind;
  /** Skip the missing-value check (the caller drops or handles missing rows itself). __Default value:__ false. */
  readonly allowMissing?: boolean;
}

const SHOW_ROWS = 5;
const DETAIL_ROWS = 20;

/**
 * Checks, before any computation, that every column an analysis uses exists and holds what it must. Throws the
 * first problem found as a {@link TrueliftError}, checking in this order:
 *
 * 1. `E_COLUMN_MISSING` — all absent columns at once (`details.missing`, `details.available`);
 * 2. per requirement, in the order given: `E_COLUMN_TYPE` (text where numbers are needed),
 *    `E_MISSING_VALUES` (NaN, a null, or an empty string; the message names the first offending rows as
 *    1-based data-row numbers — row 1 is the first row after a CSV header — and `details.rows` holds up to 20
 *    of them, `details.count` the total), `E_NONFINITE_VALUES` (±Infinity in a numeric or 0/1 column, with the
 *    rows in the same form), then `E_NOT_BINARY` (a value other than 0/1; `details.rows` and
 *    `details.values` show examples).
 *
 * @example
 * ```ts
 * import { Frame, validateColumns } from "truelift";
 * const f = Frame.fromObject({ y: [1, 0, null], d: [1, 2, 0] });
 * validateColumns(f, [{ column: "y", kind: "binary" }]);
 * // throws E_MISSING_VALUES: "Column 'y' has 1 missing value (row 3). …"
 * ```
 */
export function validateColumns(frame: Frame, requirements: readonly ColumnRequirement[]): void {
  const missing = [...new Set(requirements.map((r) => r.column).filter((c) => !frame.has(c)))];
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(", ");
    const near = missing
      .map((m) => frame.names.find((a) => a.toLowerCase() === m.toLowerCase()))
      .filter((x): x is string => x !== undefined);
    throw new TrueliftError(
      "E_COLUMN_MISSING",
      `${missing.length === 1 ? "Column" : "Columns"} ${list} ${missing.length === 1 ? "is" : "are"} not in the data.`,
      {
        details: { missing, available: frame.names.slice(0, 200) },
        hint:
          near.length > 0
            ? `Names are case-sensitive: did you mean ${near.map((n) => `'${n}'`).join(", ")}?`
            : `Available columns: ${frame.names.slice(0, 20).join(", ")}${frame.names.length > 20 ? ", …" : ""}.`,
      },
    );
  }
  for (const req of requirements) {
    if (!(REQUIREMENT_KINDS as readonly string[]).includes(req.kind)) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `Unknown requirement kind '${req.kind}' for '${req.column}'.`,
        {
          hint: `Use one of: ${REQUIREMENT_KINDS.join(", ")}.`,
        },
      );
    }
    const col = frame.column(req.column);
    if ((req.kind === "numeric" || req.kind === "binary") && col.kind === "str") {
      const example = col.levels[0];
      throw new TrueliftError(
        "E_COLUMN_TYPE",
        `Column '${req.column}' holds text${example === undefined ? "" : ` (e.g. '${example}')`}; ${req.kind === "binary" ? "a 0/1" : "a numeric"} column is needed.`,
        {
          details: {
            column: req.column,
            expected: req.kind,
            kind: col.kind,
            examples: col.levels.slice(0, 5),
          },
          hint:
            req.kind === "binary"
              ? "Recode the column to 0/1 (for example 1 where it equals the treated label)."
              : "Cast the column to a number before the analysis.",
        },
      );
    }
    if (!req.allowMissing) checkMissing(req.column, col);
    if (req.kind === "numeric" || req.kind === "binary") checkFinite(req.column, col);
    if (req.kind === "binary") checkBinary(req.column, col);
  }
}

function checkMissing(name: string, col: Column): void {
  let count = 0;
  const rows: number[] = [];
  if (col.kind === "str") {
    const emptyCode = col.levels.indexOf("");
    const codes = col.codes;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] < 0 || codes[i] === emptyCode) {
        count++;
        if (rows.length < DETAIL_ROWS) rows.push(i + 1);
      }
    }
  } else if (col.kind === "f64") {
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (Number.isNaN(v[i])) {
        count++;
        if (rows.length < DETAIL_ROWS) rows.push(i + 1);
      }
    }
  }
  if (count === 0) return;
  const shown = rows.slice(0, SHOW_ROWS).join(", ");
  const more = count > SHOW_ROWS ? `, … (${count} in all)` : "";
  throw new TrueliftError(
    "E_MISSING_VALUES",
    `Column '${name}' has ${count} missing ${count === 1 ? "value" : "values"} (${count === 1 ? "row" : "rows"} ${shown}${more}).`,
    { details: { column: name, count, rows } },
  );
}

function checkFinite(name: string, col: Column): void {
  if (col.kind !== "f64") return;
  const v = col.values;
  const rows: number[] = [];
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === Number.POSITIVE_INFINITY || v[i] === Number.NEGATIVE_INFINITY) {
      count++;
      if (rows.length < DETAIL_ROWS) rows.push(i + 1);
    }
  }
  if (count === 0) return;
  const shown = rows.slice(0, SHOW_ROWS).join(", ");
  const more = count > SHOW_ROWS ? `, … (${count} in all)` : "";
  throw new TrueliftError(
    "E_NONFINITE_VALUES",
    `Column '${name}' has ${count} infinite ${count === 1 ? "value" : "values"} (${count === 1 ? "row" : "rows"} ${shown}${more}).`,
    { details: { column: name, count, rows } },
  );
}

function checkBinary(name: string, col: Column): void {
  if (col.kind === "str") return;
  const v = col.values;
  const rows: number[] = [];
  const values: number[] = [];
  let count = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x !== 0 && x !== 1 && !Number.isNaN(x)) {
      count++;
      if (rows.length < DETAIL_ROWS) {
        rows.push(i + 1);
        if (values.length < SHOW_ROWS && !values.includes(x)) values.push(x);
      }
    }
  }
  if (count === 0) return;
  throw new TrueliftError(
    "E_NOT_BINARY",
    `Column '${name}' must be 0/1 but has ${count} other ${count === 1 ? "value" : "values"} (e.g. ${values.join(", ")} at ${rows.length === 1 ? "row" : "rows"} ${rows.slice(0, SHOW_ROWS).join(", ")}).`,
    { details: { column: name, count, rows, values } },
  );
}
