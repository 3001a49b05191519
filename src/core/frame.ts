import { TrueliftError } from "./errors.js";

/** A float column; missing values are NaN. */
export interface F64Column {
  readonly kind: "f64";
  readonly values: Float64Array;
}
/** An integer column (no missing values: integer columns with nulls load as `f64` with NaN). */
export interface I32Column {
  readonly kind: "i32";
  readonly values: Int32Array;
}
/** A dictionary-encoded string column: `levels[codes[i]]`; a missing value has code −1. */
export interface StrColumn {
  readonly kind: "str";
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}
/** Any column of a {@link Frame}. */
export type Column = F64Column | I32Column | StrColumn;

/** Plain JS values accepted by {@link Frame.fromObject}. */
export type ColumnInput =
  | readonly (number | null)[]
  | readonly (string | null)[]
  | Float64Array
  | Int32Array
  | Column;

/**
 * An immutable columnar table on typed arrays: `Float64Array` / `Int32Array` columns and dictionary-encoded
 * strings. It is the in-memory data model every estimator consumes. Operations return new frames and never copy
 * a column they do not change.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * const f = Frame.fromObject({ y: [1, 0, 1], tier: ["light", "heavy", "light"] });
 * f.nrows;              // 3
 * f.numeric("y");       // Float64Array [1, 0, 1]
 * f.column("tier");     // { kind: "str", codes: Int32Array [0, 1, 0], levels: ["light", "heavy"] }
 * ```
 */
export class Frame {
  readonly nrows: number;
  readonly names: readonly string[];
  private readonly cols: ReadonlyMap<string, Column>;

  private constructor(cols: Map<string, Column>, nrows: number) {
    this.cols = cols;
    this.names = Object.freeze([...cols.keys()]);
    this.nrows = nrows;
    Object.freeze(this);
  }

  /** Builds a frame from named columns; all must have the same length. */
  static fromColumns(columns: Readonly<Record<string, Column>> | ReadonlyMap<string, Column>): Frame {
    const entries = columns instanceof Map ? [...columns.entries()] : Object.entries(columns);
    const map = new Map<string, Column>();
    let n = -1;
    for (const [name, col] of entries) {
      const len = columnLength(col);
      if (n === -1) n = len;
      else if (len !== n) {
        throw new TrueliftError("E_LENGTH_MISMATCH", `Column '${name}' has ${len} rows; expected ${n}.`, {
          details: { column: name, rows: len, expected: n },
        });
      }
      map.set(name, col);
    }
    return new Frame(map, Math.max(n, 0));
  }

  /**
   * Builds a frame from plain arrays: numbers → `f64` (null → NaN), strings → dictionary-encoded `str`
   * (levels in order of first appearance, null → code −1), typed arrays kept as they are.
   */
  static fromObject(data: Readonly<Record<string, ColumnInput>>): Frame {
    const cols: Record<string, Column> = {};
    for (const [name, input] of Object.entries(data)) cols[name] = toColumn(name, input);
    return Frame.fromColumns(cols);
  }

  /** True when the frame has a column of this name. */
  has(name: string): boolean {
    return this.cols.has(name);
  }

  /** The column of this name; throws `E_COLUMN_MISSING` (listing the available names) when absent. */
  column(name: string): Column {
    const col = this.cols.get(name);
    if (!col) {
      throw new TrueliftError("E_COLUMN_MISSING", `Column '${name}' is not in the data.`, {
        details: { column: name, available: this.names.slice(0, 50) },
        hint: `Available columns: ${this.names.slice(0, 20).join(", ")}${this.names.length > 20 ? ", …" : ""}.`,
      });
    }
    return col;
  }

  /**
   * A numeric view of a column as `Float64Array` (shared when already `f64`, converted from `i32`).
   * Throws `E_COLUMN_TYPE` for string columns.
   */
  numeric(name: string): Float64Array {
    const col = this.column(name);
    if (col.kind === "f64") return col.values;
    if (col.kind === "i32") return new Float64Array(col.values);
    throw new TrueliftError(
      "E_COLUMN_TYPE",
      `Column '${name}' holds text; a numeric column is needed here.`,
      {
        details: { column: name, kind: col.kind, example: col.levels[0] ?? null },
      },
    );
  }

  /** The string value of cell (row, name), or the number, or null when missing. */
  value(name: string, row: number): number | string | null {
    const col = this.column(name);
    if (col.kind === "str") return col.codes[row] < 0 ? null : col.levels[col.codes[row]];
    const v = col.values[row];
    return Number.isNaN(v) ? null : v;
  }

  /** A new frame with only these columns, in this order. */
  select(names: readonly string[]): Frame {
    const map = new Map<string, Column>();
    for (const name of names) map.set(name, this.column(name));
    return new Frame(map, this.nrows);
  }

  /** A new frame with a column added or replaced. */
  withColumn(name: string, input: ColumnInput): Frame {
    const col = toColumn(name, input);
    if (this.names.length > 0 && columnLength(col) !== this.nrows) {
      throw new TrueliftError(
        "E_LENGTH_MISMATCH",
        `Column '${name}' has ${columnLength(col)} rows; expected ${this.nrows}.`,
      );
    }
    const map = new Map(this.cols);
    map.set(name, col);
    return new Frame(map, columnLength(col));
  }

  /** Rows where `mask[i]` is true (non-zero), in order. String levels are kept as they are. */
  filter(mask: ArrayLike<number | boolean>): Frame {
    if (mask.length !== this.nrows) {
      throw new TrueliftError(
        "E_LENGTH_MISMATCH",
        `Filter mask has ${mask.length} entries; expected ${this.nrows}.`,
      );
    }
    let count = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
    const idx = new Int32Array(count);
    for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) idx[j++] = i;
    return this.take(idx);
  }

  /** Rows at these indices (repeats allowed, as in a bootstrap resample). */
  take(indices: Int32Array): Frame {
    const map = new Map<string, Column>();
    for (const [name, col] of this.cols) map.set(name, takeColumn(col, indices));
    return new Frame(map, indices.length);
  }

  /** Rows as plain objects (for small frames, tests and reports). */
  toRecords(limit = Number.POSITIVE_INFINITY): Record<string, number | string | null>[] {
    const out: Record<string, number | string | null>[] = [];
    const n = Math.min(this.nrows, limit);
    for (let i = 0; i < n; i++) {
      const rec: Record<string, number | string | null> = {};
      for (const name of this.names) rec[name] = this.value(name, i);
      out.push(rec);
    }
    return out;
  }
}

/**
 * Number of rows in a column.
 *
 * @example
 * ```ts
 * columnLength({ kind: "f64", values: new Float64Array(3) }); // 3
 * ```
 */
export function columnLength(col: Column): number {
  return col.kind === "str" ? col.codes.length : col.values.length;
}

/**
 * Dictionary-encodes strings (levels in order of first appearance; null → −1).
 *
 * @example
 * ```ts
 * encodeStrings(["b", "a", null, "b"]); // codes [0, 1, -1, 0], levels ["b", "a"]
 * ```
 */
export function encodeStrings(values: readonly (string | null)[]): StrColumn {
  const index = new Map<string, number>();
  const levels: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(v);
    if (code === undefined) {
      code = levels.length;
      index.set(v, code);
      levels.push(v);
    }
    codes[i] = code;
  }
  return { kind: "str", codes, levels: Object.freeze(levels) };
}

function toColumn(name: string, input: ColumnInput): Column {
  if (input instanceof Float64Array) return { kind: "f64", values: input };
  if (input instanceof Int32Array) return { kind: "i32", values: input };
  if (!Array.isArray(input)) return input as Column;
  const arr = input as readonly (number | string | null)[];
  const firstNonNull = arr.find((v) => v !== null);
  if (typeof firstNonNull === "string") {
    if (arr.some((v) => v !== null && typeof v !== "string")) {
      throw new TrueliftError("E_COLUMN_TYPE", `Column '${name}' mixes text and numbers.`, {
        details: { column: name },
      });
    }
    return encodeStrings(arr as readonly (string | null)[]);
  }
  const values = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v !== null && typeof v !== "number") {
      throw new TrueliftError("E_COLUMN_TYPE", `Column '${name}' mixes text and numbers.`, {
        details: { column: name },
      });
    }
    values[i] = v === null ? Number.NaN : v;
  }
  return { kind: "f64", values };
}

function takeColumn(col: Column, idx: Int32Array): Column {
  if (col.kind === "str") return { kind: "str", codes: gatherI32(col.codes, idx), levels: col.levels };
  if (col.kind === "i32") return { kind: "i32", values: gatherI32(col.values, idx) };
  return { kind: "f64", values: gatherF64(col.values, idx) };
}

function gatherI32(src: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

function gatherF64(src: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}
