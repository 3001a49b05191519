import { type CompressedTable, comomentKey, compareKeyTuples, type KeyValues } from "./compress.js";

/**
 * Whether a key column holds numbers or text.
 *
 * @example
 * ```ts
 * const kind: KeyKind = "string";
 * ```
 */
export type KeyKind = "number" | "string";

/**
 * One group's statistics, as an engine or {@link compressFrame} produced them (measures in request order).
 *
 * @example
 * ```ts
 * const row: GroupRow = { key: ["a"], n: 2, mean: [1.5], m2: [0.5] };
 * ```
 */
export interface GroupRow {
  readonly key: readonly (number | string)[];
  readonly n: number;
  readonly mean: readonly number[];
  readonly m2: readonly number[];
  /** Co-moments of measure pairs (i < j) in row-major order: (0,1), (0,2), …, (1,2), … */
  readonly comoment?: readonly number[];
}

/**
 * Assembles a {@link CompressedTable} from unordered group rows: drops empty groups, merges rows that share a key
 * (partial aggregates, e.g. one per shard of a ClickHouse `Distributed` table) exactly with {@link mergeGroupRows},
 * sorts by the keys ({@link compareKeyTuples}) and lays the statistics out column-wise. Shared by the in-memory
 * path and every engine so that all return the same layout.
 *
 * @example
 * ```ts
 * const t = buildCompressedTable({
 *   keys: ["g"], keyKinds: ["string"], measures: ["y"], crossProducts: false,
 *   rows: [{ key: ["b"], n: 1, mean: [5], m2: [0] }, { key: ["a"], n: 2, mean: [2], m2: [2] }],
 *   rowsScanned: 3, nullRows: { g: 0, y: 0 }, droppedRows: 0,
 * });
 * t.keyValues.g; // ["a", "b"]
 * ```
 */
export function buildCompressedTable(input: {
  readonly keys: readonly string[];
  readonly keyKinds: readonly KeyKind[];
  readonly measures: readonly string[];
  readonly crossProducts: boolean;
  readonly rows: readonly GroupRow[];
  readonly rowsScanned: number;
  readonly nullRows: Readonly<Record<string, number>>;
  readonly droppedRows: number;
}): CompressedTable {
  const merged = new Map<string, GroupRow>();
  for (const r of input.rows) {
    if (!(r.n > 0)) continue;
    const id = JSON.stringify(r.key);
    const seen = merged.get(id);
    merged.set(id, seen === undefined ? r : mergeGroupRows(seen, r));
  }
  const rows = [...merged.values()].sort((a, b) => compareKeyTuples(a.key, b.key));
  const g = rows.length;
  const keyValues: Record<string, KeyValues> = {};
  input.keys.forEach((k, j) => {
    keyValues[k] =
      input.keyKinds[j] === "number"
        ? Float64Array.from(rows, (r) => Number(r.key[j]))
        : rows.map((r) => String(r.key[j]));
  });
  const mean: Record<string, Float64Array> = {};
  const m2: Record<string, Float64Array> = {};
  input.measures.forEach((m, j) => {
    mean[m] = Float64Array.from(rows, (r) => r.mean[j]);
    m2[m] = Float64Array.from(rows, (r) => r.m2[j]);
  });
  let comoment: Record<string, Float64Array> | undefined;
  if (input.crossProducts) {
    comoment = {};
    let p = 0;
    for (let a = 0; a < input.measures.length; a++) {
      for (let b = a + 1; b < input.measures.length; b++, p++) {
        const idx = p;
        comoment[comomentKey(input.measures[a], input.measures[b])] = Float64Array.from(
          rows,
          (r) => r.comoment?.[idx] ?? Number.NaN,
        );
      }
    }
  }
  return {
    keys: [...input.keys],
    measures: [...input.measures],
    groups: g,
    keyValues,
    n: Float64Array.from(rows, (r) => r.n),
    mean,
    m2,
    ...(comoment === undefined ? {} : { comoment }),
    rowsScanned: input.rowsScanned,
    nullRows: { ...input.nullRows },
    droppedRows: input.droppedRows,
  };
}

/**
 * Merges two partial aggregates of one group exactly (Chan, Golub & LeVeque): n adds, the mean is the weighted
 * mean, and the centred sums gain the between-part term δ²·na·nb/n (δx·δy·na·nb/n for co-moments).
 *
 * @example
 * ```ts
 * mergeGroupRows({ key: ["a"], n: 2, mean: [1], m2: [0] }, { key: ["a"], n: 2, mean: [3], m2: [0] });
 * // { key: ["a"], n: 4, mean: [2], m2: [4] }
 * ```
 * @see Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing sample variances".
 */
export function mergeGroupRows(a: GroupRow, b: GroupRow): GroupRow {
  const n = a.n + b.n;
  const w = (a.n * b.n) / n;
  const delta = a.mean.map((ma, j) => b.mean[j] - ma);
  const mean = a.mean.map((ma, j) => ma + (delta[j] * b.n) / n);
  const m2 = a.m2.map((x, j) => x + b.m2[j] + delta[j] * delta[j] * w);
  if (a.comoment === undefined || b.comoment === undefined) return { key: a.key, n, mean, m2 };
  const bc = b.comoment;
  const comoment: number[] = [];
  let p = 0;
  for (let i = 0; i < a.mean.length; i++)
    for (let j = i + 1; j < a.mean.length; j++, p++)
      comoment.push(a.comoment[p] + bc[p] + delta[i] * delta[j] * w);
  return { key: a.key, n, mean, m2, comoment };
}
