import type { CompressedTable, CompressFilter, CompressRequest } from "./compress.js";
import { validateCompressRequest } from "./compress.js";
import { buildCompressedTable, type GroupRow, type KeyKind } from "./compress-table.js";
import type { Frame } from "./frame.js";

/**
 * Computes a {@link CompressRequest} exactly in memory: the reference every SQL engine must equal (to 1e-10
 * relative), and the source designs use for in-memory data. Per group, the corrected two-pass algorithm: the mean
 * first, then centred sums Σd² − (Σd)²/n with d = x − mean (and the mean refined by Σd/n), so large means do not
 * cancel. Rows with a missing key or measure (NaN, or a missing text value) are excluded and counted in
 * `nullRows` and `droppedRows`; rows failing a filter are not counted at all.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * const f = Frame.fromObject({ g: ["a", "a", "b", null], y: [1, 3, 5, 7] });
 * const t = compressFrame(f, { keys: ["g"], measures: ["y"] });
 * t.n;             // Float64Array [2, 1]
 * t.m2.y;          // Float64Array [2, 0]
 * t.nullRows;      // { g: 1, y: 0 }
 * t.droppedRows;   // 1
 * ```
 * @see Chan, Golub & LeVeque (1983), "Algorithms for computing the sample variance: analysis and recommendations".
 */
export function compressFrame(frame: Frame, request: CompressRequest): CompressedTable {
  validateCompressRequest(request);
  const { keys, measures } = request;
  const keyReaders = keys.map((k) => keyReader(frame, k));
  const values = measures.map((m) => frame.numeric(m));
  const pass = rowFilter(frame, request.where ?? []);
  const nullRows: Record<string, number> = {};
  let dropped = 0;
  for (const c of [...keys, ...measures]) nullRows[c] = 0;
  const groups = new Map<string, { key: (number | string)[]; rows: number[] }>();
  let scanned = 0;
  for (let i = 0; i < frame.nrows; i++) {
    if (!pass(i)) continue;
    scanned++;
    let missing = false;
    const key: (number | string)[] = [];
    keyReaders.forEach((read, j) => {
      const v = read(i);
      if (v === null) {
        nullRows[keys[j]]++;
        missing = true;
      } else key.push(v);
    });
    values.forEach((col, j) => {
      if (Number.isNaN(col[i])) {
        nullRows[measures[j]]++;
        missing = true;
      }
    });
    if (missing) {
      dropped++;
      continue;
    }
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) {
      g = { key, rows: [] };
      groups.set(id, g);
    }
    g.rows.push(i);
  }
  const rows: GroupRow[] = [];
  for (const { key, rows: idx } of groups.values()) rows.push(groupMoments(key, idx, values, request));
  return buildCompressedTable({
    keys,
    keyKinds: keyReaders.map((r) => r.kind),
    measures,
    crossProducts: request.crossProducts === true,
    rows,
    rowsScanned: scanned,
    nullRows,
    droppedRows: dropped,
  });
}

function groupMoments(
  key: (number | string)[],
  idx: readonly number[],
  values: readonly Float64Array[],
  request: CompressRequest,
): GroupRow {
  const n = idx.length;
  const mean: number[] = [];
  const m2: number[] = [];
  const dev: Float64Array[] = [];
  for (const col of values) {
    let s = 0;
    for (const i of idx) s += col[i];
    const first = s / n;
    const d = Float64Array.from(idx, (i) => col[i] - first);
    let sd = 0;
    let sdd = 0;
    for (const x of d) {
      sd += x;
      sdd += x * x;
    }
    mean.push(first + sd / n);
    m2.push(Math.max(0, sdd - (sd * sd) / n));
    dev.push(d);
  }
  if (request.crossProducts !== true) return { key, n, mean, m2 };
  const comoment: number[] = [];
  for (let a = 0; a < values.length; a++) {
    for (let b = a + 1; b < values.length; b++) {
      let sa = 0;
      let sb = 0;
      let sab = 0;
      for (let r = 0; r < n; r++) {
        sa += dev[a][r];
        sb += dev[b][r];
        sab += dev[a][r] * dev[b][r];
      }
      comoment.push(sab - (sa * sb) / n);
    }
  }
  return { key, n, mean, m2, comoment };
}

type KeyReader = ((row: number) => number | string | null) & { readonly kind: KeyKind };

function keyReader(frame: Frame, name: string): KeyReader {
  const col = frame.column(name);
  if (col.kind === "str") {
    const { codes, levels } = col;
    return Object.assign((i: number) => (codes[i] < 0 ? null : levels[codes[i]]), {
      kind: "string" as const,
    });
  }
  const v = col.values;
  return Object.assign((i: number) => (Number.isNaN(v[i]) ? null : v[i]), { kind: "number" as const });
}

/** A row predicate for the filters (SQL semantics: a missing value fails every filter). */
function rowFilter(frame: Frame, filters: readonly CompressFilter[]): (row: number) => boolean {
  const tests = filters.map((f) => {
    const col = frame.column(f.column);
    const get = (i: number): number | string | null => {
      if (col.kind === "str") return col.codes[i] < 0 ? null : col.levels[col.codes[i]];
      return Number.isNaN(col.values[i]) ? null : col.values[i];
    };
    if (f.op === "between") return (i: number) => inRange(get(i), f.low, f.high);
    const set = new Set<number | string>(f.values);
    return (i: number) => {
      const v = get(i);
      return v !== null && set.has(v);
    };
  });
  return (i) => tests.every((t) => t(i));
}

function inRange(v: number | string | null, low: number | string, high: number | string): boolean {
  if (v === null) return false;
  if (typeof v === "number" && typeof low === "number" && typeof high === "number")
    return v >= low && v <= high;
  const s = String(v);
  return s >= String(low) && s <= String(high);
}
