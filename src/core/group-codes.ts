import type { Column, Frame } from "./frame.js";

/**
 * Integer codes 0..count−1 of a grouping column (a cluster, an absorbed fixed effect, a panel unit) over the
 * rows in use, in order of first appearance; −1 marks a missing value.
 */
export interface GroupCodes {
  readonly column: string;
  readonly codes: Int32Array;
  readonly count: number;
  readonly missing: number;
}

/** Dense codes of a numeric array: the codes, the number of distinct values, and how many were missing. */
export interface DenseCodes {
  readonly codes: Int32Array;
  readonly count: number;
  readonly missing: number;
}

/**
 * Integer codes of a column over the used rows (`rows` null = all rows), in order of first appearance (the one
 * group coding of truelift: clusters, fixed effects, panel units). Strings use their dictionary codes, renumbered
 * by first appearance; numbers go through {@link denseCodes}. Missing values (a null string, NaN) get −1 and are
 * counted.
 *
 * @example
 * ```ts
 * import { Frame, groupCodes } from "truelift";
 * groupCodes(Frame.fromObject({ g: ["b", "a", "b"] }), "g", null); // codes [0, 1, 0], count 2
 * ```
 * @see pandas `factorize` (same first-appearance coding).
 */
export function groupCodes(frame: Frame, column: string, rows: Int32Array | null): GroupCodes {
  const col = frame.column(column);
  const n = rows ? rows.length : frame.nrows;
  if (col.kind !== "str") return { column, ...denseCodes(rows ? gatherNumeric(col, rows) : col.values) };
  const codes = new Int32Array(n);
  let count = 0;
  let missing = 0;
  const map = new Int32Array(col.levels.length).fill(-1);
  const src = rows ? gatherInt(col.codes, rows) : col.codes;
  for (let i = 0; i < n; i++) {
    const c = src[i];
    if (c < 0) {
      codes[i] = -1;
      missing++;
      continue;
    }
    if (map[c] < 0) map[c] = count++;
    codes[i] = map[c];
  }
  return { column, codes, count, missing };
}

/**
 * Dense codes 0..count−1 of numeric values in order of first appearance; NaN gets −1 and is counted as missing
 * (0 and −0 are one value). Non-negative integer ids (the usual cluster or unit column) go through a dense table
 * that doubles as needed; other integers in a modest range through a table over their span; anything else
 * through a hash map.
 *
 * @example
 * ```ts
 * import { denseCodes } from "truelift";
 * denseCodes(Float64Array.of(7, 3, 7, Number.NaN)); // codes [0, 1, 0, -1], count 2, missing 1
 * ```
 * @see pandas `factorize` (same first-appearance coding).
 */
export function denseCodes(src: Float64Array | Int32Array): DenseCodes {
  const n = src.length;
  const codes = new Int32Array(n);
  const fast = denseIntCodes(src, codes);
  if (fast) return fast;
  let count = 0;
  let missing = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (Number.isNaN(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  // Every value missing: no range to index (an empty map would be sized from −Infinity).
  if (hi < lo) return { codes: codes.fill(-1), count: 0, missing: n };
  const span = hi - lo + 1;
  if (integral && span <= Math.max(2 * n, 65536) && span <= 2 ** 28) {
    const map = new Int32Array(span).fill(-1);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      if (Number.isNaN(v)) {
        codes[i] = -1;
        missing++;
        continue;
      }
      const k = v - lo;
      if (map[k] < 0) map[k] = count++;
      codes[i] = map[k];
    }
    return { codes, count, missing };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (Number.isNaN(v)) {
      codes[i] = -1;
      missing++;
      continue;
    }
    let c = map.get(v === 0 ? 0 : v);
    if (c === undefined) {
      c = count++;
      map.set(v === 0 ? 0 : v, c);
    }
    codes[i] = c;
  }
  return { codes, count, missing };
}

/**
 * One-pass coding of non-negative integer ids through a dense table that doubles as needed; null (the caller
 * falls back) on a negative, fractional, missing or very large id.
 */
function denseIntCodes(src: Float64Array | Int32Array, codes: Int32Array): DenseCodes | null {
  const n = src.length;
  const limit = Math.max(2 * n, 65536);
  let map = new Int32Array(1024).fill(-1);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(v >= 0 && v < limit) || v !== Math.floor(v)) return null;
    if (v >= map.length) {
      let size = map.length;
      while (size <= v) size *= 2;
      const next = new Int32Array(size).fill(-1);
      next.set(map);
      map = next;
    }
    let c = map[v];
    if (c < 0) {
      c = count++;
      map[v] = c;
    }
    codes[i] = c;
  }
  return { codes, count, missing: 0 };
}

function gatherInt(src: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

function gatherNumeric(col: Exclude<Column, { kind: "str" }>, rows: Int32Array): Float64Array {
  const src = col.values;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}
