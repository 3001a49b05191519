import { type Rng, streamFor } from "../../core/rng.js";
import { lemireIndex, rowOwnerTable } from "../../models/resample.js";
import type { CollapsedRefit } from "./model.js";

/**
 * Rows collapsed to distinct covariate rows, their units (groups of identical rows) sorted by cell
 * (2·pattern + treatment), then outcome.
 */
export interface CollapsedSample {
  /** Rows. */
  readonly n: number;
  /** Distinct covariate rows. */
  readonly g: number;
  /** The pattern columns (one value per pattern). */
  readonly patterns: readonly Float64Array[];
  /** Rows per pattern. */
  readonly rows: Float64Array;
  /** Cell of the unit at each sorted position, and its outcome. */
  readonly cellAt: Int32Array;
  readonly yAt: Float64Array;
  /**
   * Rows up to and including the unit at each sorted position (cumulative counts): sorted row position j lies in
   * the first unit whose cumulative count exceeds j. Null when every unit is one row (position = unit).
   */
  readonly cumAt: Float64Array | null;
}

/**
 * Collapses rows to their distinct covariate rows and sorts them by cell (2·pattern + treatment), then by
 * outcome (ties by row index): the state every bootstrap replicate (in this thread or a worker) starts from.
 * Patterns are numbered by their values on the 0/1 columns (dummies) first, then by the values of every column,
 * so each combination of dummies is one run of patterns (what {@link collapsedLogitRefitter} sums per block) and
 * the numbering does not depend on the row order: rows in any order, or expanded from compressed
 * (pattern, treatment, outcome) cells, give the same sorted sample and hence the same bootstrap replicates.
 * With `w` every entry is a unit of `w` identical rows (a compressed cell): the units are sorted instead of the
 * rows, and the sorted rows are the units' rows in that order (cumulative counts), never listed.
 *
 * @example
 * ```ts
 * import { prepareCollapsed } from "truelift";
 * prepareCollapsed(Float64Array.of(1, 0, 1), Float64Array.of(1, 0, 0), [Float64Array.of(2, 2, 3)]).g; // 2
 * ```
 * @internal
 */
export function prepareCollapsed(
  t: Float64Array,
  y: Float64Array,
  columns: readonly Float64Array[],
  w: Float64Array | null = null,
): CollapsedSample {
  const n = t.length;
  const firstId = new Int32Array(n);
  const ids = new Map<string, number>();
  const first: number[] = [];
  const parts = new Array<number>(columns.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) parts[j] = columns[j][i];
    const key = parts.join(",");
    let id = ids.get(key);
    if (id === undefined) {
      id = first.length;
      ids.set(key, id);
      first.push(i);
    }
    firstId[i] = id;
  }
  const g = first.length;
  const dummies = columns.filter((c) => c.every((v) => v === 0 || v === 1));
  // Canonical pattern order (dummies first, then every column's value): independent of the row order.
  const byDummies = Array.from({ length: g }, (_, q) => q).sort((a, b) => {
    for (const c of dummies) if (c[first[a]] !== c[first[b]]) return c[first[a]] - c[first[b]];
    for (const c of columns) if (c[first[a]] !== c[first[b]]) return c[first[a]] - c[first[b]];
    return a - b;
  });
  const renumber = new Int32Array(g);
  byDummies.forEach((q, rank) => {
    renumber[q] = rank;
  });
  const patternOf = Int32Array.from(firstId, (q) => renumber[q]);
  const patterns = columns.map((c) => Float64Array.from(byDummies, (q) => c[first[q]]));
  const cellOf = Int32Array.from(patternOf, (q, i) => 2 * q + (t[i] === 1 ? 1 : 0));
  // Positions sorted by cell, then by outcome: the sorted sample is a function of the rows' values alone, so the
  // rows expanded from compressed cells (the rows up to order) draw the same replicates.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => cellOf[a] - cellOf[b] || y[a] - y[b] || a - b,
  );
  const rows = new Float64Array(g);
  for (let i = 0; i < n; i++) rows[patternOf[i]] += w ? w[i] : 1;
  let cumAt: Float64Array | null = null;
  let total = n;
  if (w?.some((c) => c !== 1)) {
    cumAt = new Float64Array(n);
    total = 0;
    for (let j = 0; j < n; j++) {
      total += w[order[j]];
      cumAt[j] = total;
    }
  }
  return {
    n: total,
    g,
    patterns,
    rows,
    cellAt: Int32Array.from(order, (i) => cellOf[i]),
    yAt: Float64Array.from(order, (i) => y[i]),
    cumAt,
  };
}

/**
 * Runs replicates `from` … `to − 1` on a collapsed sample: replicate r draws n sorted row positions
 * uniformly with replacement from `streamFor(seed, "resample", r)` = `createRng(seed, r + 1)` ({@link lemireIndex},
 * Lemire's unbiased multiply-shift, for n ≤ 2²¹, else `rng.int`), maps each to its unit (a row → unit table,
 * {@link rowOwnerTable}, or a binary search of the cumulative counts beyond its size), counts them per cell, refits, and writes (ATE, ATT) at `out[2(r − from)]` (NaN when the refit
 * fails). Memory is per unit, not per row. The same code runs in worker threads, so results do not depend on
 * the number of threads.
 *
 * @example
 * ```ts
 * import { prepareCollapsed, runCollapsed } from "truelift";
 * const out = new Float64Array(2 * 10);
 * runCollapsed(prepareCollapsed(t, y, cols), refit, 7, 0, 10, out);
 * ```
 * @internal
 */
export function runCollapsed(
  prep: CollapsedSample,
  refit: CollapsedRefit,
  seed: number,
  from: number,
  to: number,
  out: Float64Array,
  tick?: (done: number) => void,
): void {
  const { n, g, cellAt, yAt, cumAt } = prep;
  const units = cellAt.length;
  // per cell (2·pattern + treatment): drawn rows and their outcome sum
  const cells = new Float64Array(2 * g);
  const sums = new Float64Array(2 * g);
  const drawnAt = new Int32Array(units);
  const fast = n <= 2097152;
  const reject = 4294967296 % n;
  const draw = (rng: Rng) => (fast ? lemireIndex(rng, n, reject) : rng.int(n));
  // Row position → unit, once for all replicates (one load per draw instead of a binary search).
  const owner = cumAt === null ? null : rowOwnerTable(cumAt, n);
  for (let r = from; r < to; r++) {
    tick?.(r - from);
    const o = 2 * (r - from);
    out[o] = Number.NaN;
    out[o + 1] = Number.NaN;
    const rng = streamFor(seed, "resample", r);
    drawnAt.fill(0);
    if (cumAt === null) {
      for (let d = 0; d < n; d++) drawnAt[draw(rng)]++;
    } else if (owner !== null) {
      if (fast) for (let d = 0; d < n; d++) drawnAt[owner[lemireIndex(rng, n, reject)]]++;
      else for (let d = 0; d < n; d++) drawnAt[owner[rng.int(n)]]++;
    } else {
      for (let d = 0; d < n; d++) drawnAt[unitAt(cumAt, draw(rng))]++;
    }
    cells.fill(0);
    sums.fill(0);
    for (let j = 0; j < units; j++) {
      // positions are sorted by cell: sequential, branch-free accumulation
      const m = drawnAt[j];
      const c = cellAt[j];
      cells[c] += m;
      sums[c] += m * yAt[j];
    }
    const p = refit(cells);
    if (!p) continue;
    const est = cellIpw(p, cells, sums, g);
    if (!est) continue;
    out[o] = est[0];
    out[o + 1] = est[1];
  }
  tick?.(to - from);
}

/** The first position whose cumulative count exceeds row position `j`. */
function unitAt(cum: Float64Array, j: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > j) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Hájek IPW ATE and ATT from per-cell sums (cell 2q + t of pattern q: `cells` = rows, `sums` = outcome sum) and
 * the pattern scores `p`; null when an arm has no weight. A single row per pattern gives the row-level estimates.
 *
 * @example
 * ```ts
 * import { cellIpw } from "truelift";
 * cellIpw(Float64Array.of(0.5), Float64Array.of(1, 1), Float64Array.of(0, 1), 1); // [1, 1]
 * ```
 * @see Hirano, Imbens & Ridder (2003), Econometrica 71, 1161–1189.
 * @internal
 */
export function cellIpw(
  p: Float64Array,
  cells: Float64Array,
  sums: Float64Array,
  g: number,
): [number, number] | null {
  let a1 = 0;
  let b1 = 0;
  let a0 = 0;
  let b0 = 0;
  let m1 = 0;
  let sm1 = 0;
  let ra = 0;
  let rb = 0;
  for (let q = 0; q < g; q++) {
    const pq = p[q];
    const inv = 1 / (pq * (1 - pq)); // one division: 1/p = (1 − p)·inv, 1/(1 − p) = p·inv
    const w1 = (1 - pq) * inv;
    const w0 = pq * inv;
    const odds = pq * w0;
    const c0 = cells[2 * q];
    const c1 = cells[2 * q + 1];
    const s0 = sums[2 * q];
    const s1 = sums[2 * q + 1];
    a1 += s1 * w1;
    b1 += c1 * w1;
    m1 += c1;
    sm1 += s1;
    a0 += s0 * w0;
    b0 += c0 * w0;
    ra += s0 * odds;
    rb += c0 * odds;
  }
  if (!(b1 > 0 && b0 > 0 && m1 > 0 && rb > 0)) return null;
  return [a1 / b1 - a0 / b0, sm1 / m1 - ra / rb];
}
