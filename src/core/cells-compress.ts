import { type CellFrame, type CellRequest, comomentKey } from "./cells.js";
import { TrueliftError } from "./errors.js";
import { type Column, Frame } from "./frame.js";
import { groupCodes } from "./group-codes.js";

/**
 * The canonical column names of a compressed {@link CellFrame}: `__n` for the row count, `__ss:<measure>` for a
 * measure's within-cell Σ(x − x̄)², `__cp:<a>:<b>` for a co-moment (a < b).
 *
 * @example
 * ```ts
 * import { CELL_COLUMN_NAMES } from "truelift";
 * CELL_COLUMN_NAMES.withinSS("y"); // "__ss:y"
 * ```
 */
export const CELL_COLUMN_NAMES = Object.freeze({
  count: "__n",
  withinSS: (measure: string): string => `__ss:${measure}`,
  comoment: (a: string, b: string): string => (a < b ? `__cp:${a}:${b}` : `__cp:${b}:${a}`),
});

/**
 * Compresses a frame in memory exactly as the engines' `GROUP BY` does (the in-memory source of the
 * compress → estimate path): one cell per distinct combination of the request's keys, in order of first
 * appearance, with the count, each measure's cell mean and its within-cell Σ(x − x̄)² computed in two passes
 * (mean first, then centred sums — never raw Σx²), and the within-cell co-moments when requested. A missing key
 * (null text, NaN) forms its own cell, and a NaN measure makes its cell's mean NaN, so the design's validation
 * of the cells raises the same coded errors as on the rows.
 *
 * @example
 * ```ts
 * import { Frame, compressFrameToCells } from "truelift";
 * const f = Frame.fromObject({ g: ["a", "a", "b"], y: [1, 2, 5] });
 * const c = compressFrameToCells(f, { keys: ["g"], measures: ["y"] });
 * c.frame.numeric("y");    // [1.5, 5]
 * c.frame.numeric("__n");  // [2, 1]
 * c.frame.numeric("__ss:y"); // [0.5, 0]
 * ```
 * @see Chan, Golub & LeVeque (1979) (two-pass centred sums); Wong, Lewis & Wardrop (2021) (compression).
 */
export function compressFrameToCells(frame: Frame, request: CellRequest): CellFrame {
  for (const name of [...request.keys, ...request.measures]) frame.column(name); // E_COLUMN_MISSING if absent
  const overlap = request.keys.find((k) => request.measures.includes(k));
  if (overlap !== undefined) {
    throw new TrueliftError("E_INVALID_SPEC", `Column '${overlap}' cannot be both a key and a measure.`);
  }
  const { cellOf, first, cells } = cellIndex(frame, request.keys);
  const count = new Float64Array(cells);
  for (let i = 0; i < cellOf.length; i++) count[cellOf[i]]++;
  const columns = new Map<string, Column>();
  const firstRows = Int32Array.from(first);
  for (const key of request.keys) columns.set(key, frame.select([key]).take(firstRows).column(key));
  const means = new Map<string, Float64Array>();
  for (const m of request.measures) {
    const x = frame.numeric(m);
    const mean = new Float64Array(cells);
    for (let i = 0; i < x.length; i++) mean[cellOf[i]] += x[i];
    for (let c = 0; c < cells; c++) mean[c] /= count[c];
    means.set(m, mean);
    columns.set(m, { kind: "f64", values: mean });
  }
  columns.set(CELL_COLUMN_NAMES.count, { kind: "f64", values: count });
  const withinSS: Record<string, string> = {};
  const comoment: Record<string, string> = {};
  const pairs: [string, string][] = request.measures.map((m) => [m, m]);
  if (request.crossProducts) {
    for (let a = 0; a < request.measures.length; a++)
      for (let b = a + 1; b < request.measures.length; b++)
        pairs.push([request.measures[a], request.measures[b]]);
  }
  for (const [a, b] of pairs) {
    const xa = frame.numeric(a);
    const xb = frame.numeric(b);
    const ma = means.get(a) as Float64Array;
    const mb = means.get(b) as Float64Array;
    const out = new Float64Array(cells);
    for (let i = 0; i < xa.length; i++) {
      const c = cellOf[i];
      out[c] += (xa[i] - ma[c]) * (xb[i] - mb[c]);
    }
    const name = a === b ? CELL_COLUMN_NAMES.withinSS(a) : CELL_COLUMN_NAMES.comoment(a, b);
    columns.set(name, { kind: "f64", values: out });
    if (a === b) withinSS[a] = name;
    else comoment[comomentKey(a, b)] = name;
  }
  return {
    frame: Frame.fromColumns(columns),
    count: CELL_COLUMN_NAMES.count,
    withinSS,
    comoment,
    rowsScanned: frame.nrows,
  };
}

/** Each row's cell (0..cells−1, by first appearance of its key combination) and each cell's first row. */
function cellIndex(
  frame: Frame,
  keys: readonly string[],
): { cellOf: Int32Array; first: number[]; cells: number } {
  const n = frame.nrows;
  const cellOf = new Int32Array(n);
  const first: number[] = [];
  if (keys.length === 0) {
    if (n > 0) first.push(0);
    return { cellOf, first, cells: first.length };
  }
  const codes = keys.map((k) => groupCodes(frame, k, null));
  // Mixed-radix ids (missing = 0, codes shifted by one) while they stay exact integers, else text ids.
  let span = 1;
  for (const g of codes) span *= g.count + 1;
  const numericIds = span <= Number.MAX_SAFE_INTEGER;
  const index = new Map<number | string, number>();
  for (let i = 0; i < n; i++) {
    let id: number | string = numericIds ? 0 : "";
    for (const g of codes) {
      if (typeof id === "number") id = id * (g.count + 1) + g.codes[i] + 1;
      else id += `${g.codes[i]},`;
    }
    let c = index.get(id);
    if (c === undefined) {
      c = first.length;
      index.set(id, c);
      first.push(i);
    }
    cellOf[i] = c;
  }
  return { cellOf, first, cells: first.length };
}
