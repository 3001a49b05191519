import type { Rng } from "../../core/rng.js";
import { streamFor } from "../../core/rng.js";
import { bootstrapSe, percentileInterval } from "../../models/bootstrap-ci.js";
import { addDrawCounts, lemireIndex, rowOwnerTable } from "../../models/resample.js";
import { cholesky, choleskySolve } from "../../numeric/linalg/cholesky.js";
import type { RddFitSettings } from "./estimate.js";
import { kernelWeight } from "./kernel.js";
import type { RddSideData } from "./side.js";

/** A seeded percentile bootstrap interval of the conventional RD effect. */
export interface RddBootstrap {
  readonly reps: number;
  readonly seed: number;
  readonly stream: number;
  /**
   * Percentile interval (alpha/2, 1 − alpha/2): {@link percentileInterval} with type-7 quantiles and the `"lerp"`
   * interpolation (within one ulp of numpy's default).
   */
  readonly ci: readonly [number, number] | null;
  /** Standard deviation of the replicate estimates ({@link bootstrapSe}). */
  readonly se: number | null;
  /** Replicates whose fit was singular on a side (dropped). */
  readonly failed: number;
}

/**
 * Percentile bootstrap of the conventional local-polynomial effect (the jump in the `deriv`-th derivative) at
 * bandwidth h, resampling rows with
 * replacement from the pooled window (all rows with positive kernel weight on either side), as the tutorial's
 * `near.iloc[rng.integers(0, len(near), len(near))]` loop does. Each replicate is a weighted least-squares fit
 * per side from multiplicity counts (sufficient statistics on (p+1)×(p+1) matrices), so 500 replicates on 20,000
 * rows take milliseconds. The window's rows are never built: each drawn row index (in the order of rdd's rows:
 * by x, outcome, take-up) is mapped to its unit through cumulative counts, and each replicate's fit reads the
 * units' drawn counts, so rows and compressed 0/1 cells draw the same rows. Random numbers come from `streamFor(seed, "sequence", stream)` (= `createRng(seed, stream)`:
 * one stream per run, replicates drawn in sequence), the counts from `addDrawCounts(rng, counts, "lemire")`.
 *
 * @example
 * ```ts
 * // rddBootstrap(layout.left, layout.right, settings, [0.1, 0.1], { reps: 500, seed: 7, stream: 0 }).ci
 * ```
 * @see Efron & Tibshirani (1993), An Introduction to the Bootstrap, ch. 13 (percentile intervals).
 */
export function rddBootstrap(
  left: RddSideData,
  right: RddSideData,
  st: RddFitSettings,
  h: readonly [number, number],
  opts: {
    readonly reps: number;
    readonly seed: number;
    readonly stream: number;
    /** Called after each replicate with the number done (for a throttled progress report). */
    readonly onReplicate?: (done: number) => void;
  },
): RddBootstrap {
  const k = st.p + 1;
  const d = st.deriv;
  let dfac = 1;
  for (let i = 2; i <= d; i++) dfac *= i;
  // Pooled window: left rows then right rows, as sub-units (a row, or the rows of a cell sharing one outcome
  // value), each with its basis, weight, responses and count.
  const l = windowParts(left, st, h[0]);
  const r = windowParts(right, st, h[1]);
  const nl = l.length;
  const parts = [...l, ...r];
  const m = parts.length;
  const cum = new Float64Array(m);
  for (let j = 0, acc = 0; j < m; j++) cum[j] = acc += parts[j].count;
  const rows = m === 0 ? 0 : cum[m - 1];
  const fuzzy = left.t !== null;
  // Per-part features whose count-weighted sums are the sufficient statistics of each side's weighted fit:
  // w·u^0 … w·u^(2p) (the Gram matrix's moments), w·u^a·y (a ≤ p) and, fuzzy, w·u^a·t.
  const nm = 2 * k - 1;
  const nf = nm + k * (fuzzy ? 2 : 1);
  // Feature-major storage: one contiguous column per feature, so each sum below is a tight dot product.
  const feat = Array.from({ length: nf }, () => new Float64Array(m));
  for (let j = 0; j < m; j++) {
    const { x, y, t, w } = parts[j];
    const u = x - st.c;
    let v = w;
    for (let a = 0; a < nm; a++) {
      feat[a][j] = v;
      if (a < k) {
        feat[nm + a][j] = v * y;
        if (fuzzy) feat[nm + k + a][j] = v * t;
      }
      v *= u;
    }
  }
  // Row index → part, built once per run (identity on the row path: the draws land on the counts directly).
  const owner = rows === m ? null : rowOwners(cum, rows);
  const rng = streamFor(opts.seed, "sequence", opts.stream);
  const est: number[] = [];
  let failed = 0;
  const sign = st.treated === "below" ? -1 : 1;
  const acc = new Float64Array(2 * nf);
  const counts = new Int32Array(m);
  const accumulate = (from: number, to: number, off: number) => {
    for (let f = 0; f < nf; f++) {
      const col = feat[f];
      let sum = 0;
      for (let j = from; j < to; j++) sum += counts[j] * col[j];
      acc[off + f] = sum;
    }
  };

  const accL = acc.subarray(0, nf);
  const accR = acc.subarray(nf, 2 * nf);
  const g = new Float64Array(k * k);
  const intercepts = (acc: Float64Array): [number, number] | null => {
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) g[a * k + b] = acc[a + b];
    const ch = cholesky(g, k);
    if (!ch) return null;
    // Numerically singular replicate fits (too few distinct x drawn) are dropped.
    for (let a = 0; a < k; a++) if (!(ch[a * k + a] > 1e-10 * Math.sqrt(Math.abs(g[a * k + a])))) return null;
    const yb = dfac * choleskySolve(ch, k, acc.subarray(nm, nm + k))[d];
    const tb = fuzzy ? dfac * choleskySolve(ch, k, acc.subarray(nm + k, nm + 2 * k))[d] : 0;
    return [yb, tb];
  };
  for (let rep = 0; rep < opts.reps; rep++) {
    // m draws with replacement into multiplicity counts (Lemire's unbiased multiply-shift index from one 32-bit
    // word), then one sequential pass adds count × features per side: far cheaper than adding feature rows at
    // random addresses.
    counts.fill(0);
    if (owner === null) addDrawCounts(rng, counts, "lemire");
    else if (owner.table) drawIntoTable(rng, counts, owner.table, rows);
    else drawIntoParts(rng, counts, cum, owner.guide, rows);
    accumulate(0, nl, 0);
    accumulate(nl, m, nf);
    const a = intercepts(accL);
    const b = intercepts(accR);
    if (!a || !b) {
      failed++;
      opts.onReplicate?.(rep + 1);
      continue;
    }
    const e = fuzzy ? (b[0] - a[0]) / (b[1] - a[1]) : sign * (b[0] - a[0]);
    if (Number.isFinite(e)) est.push(e);
    else failed++;
    opts.onReplicate?.(rep + 1);
  }
  if (est.length < 2)
    return { reps: opts.reps, seed: opts.seed, stream: opts.stream, ci: null, se: null, failed };
  return {
    reps: opts.reps,
    seed: opts.seed,
    stream: opts.stream,
    ci: percentileInterval(est, st.alpha, "lerp"),
    se: bootstrapSe(est),
    failed,
  };
}

/** One part of a bootstrap window: a unit's identical rows. */
interface WindowPart {
  readonly x: number;
  readonly y: number;
  readonly t: number;
  readonly w: number;
  readonly count: number;
}

/**
 * The rows of a side with positive kernel weight at h, in the row path's order (by x, then outcome, then take-up):
 * one part per unit (identical rows, or the zeros or the ones of a compressed 0/1 cell: every row of a unit has
 * the unit's outcome), each tie group's parts sorted stably by (outcome, take-up).
 */
function windowParts(side: RddSideData, st: RddFitSettings, h: number): WindowPart[] {
  const out: WindowPart[] = [];
  const n = side.x.length;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && side.x[j] === side.x[i]) j++;
    const w = kernelWeight(side.x[i], st.c, h, st.kernel, st.support);
    if (w > 0) {
      const group: WindowPart[] = [];
      for (let u = i; u < j; u++) {
        group.push({ x: side.x[u], y: side.y[u], t: side.t ? side.t[u] : 0, w, count: side.n[u] });
      }
      if (j - i > 1) group.sort((a, b) => a.y - b.y || a.t - b.t);
      for (const g of group) out.push(g);
    }
    i = j;
  }
  return out;
}

/**
 * The part of every row ({@link rowOwnerTable}) or, for windows too large for a row table, a guide table (one
 * entry per part: the part of the first row of each of `parts` equal slices of the rows) for
 * {@link drawIntoParts}. Built once per run, outside the replicate loop.
 */
function rowOwners(
  cum: Float64Array,
  rows: number,
): { readonly table: Int32Array | null; readonly guide: Int32Array } {
  const table = rowOwnerTable(cum, rows);
  if (table) return { table, guide: new Int32Array(0) };
  const m = cum.length;
  const guide = new Int32Array(m);
  for (let g = 0, j = 0; g < m; g++) {
    const r0 = Math.ceil((g * rows) / m);
    while (cum[j] <= r0 && j < m - 1) j++;
    guide[g] = j;
  }
  return { table: null, guide };
}

/** `rows` draws with replacement of a row index (Lemire), each counted on its part through the row table. */
function drawIntoTable(rng: Rng, counts: Int32Array, table: Int32Array, rows: number): void {
  const reject = 4294967296 % rows;
  for (let i = 0; i < rows; i++) counts[table[lemireIndex(rng, rows, reject)]]++;
}

/**
 * `rows` draws with replacement of a row index (Lemire), each counted on the part holding that row: the guide
 * table of {@link rowOwners} then a short forward scan of the cumulative counts, O(1) expected per draw and
 * O(parts) memory (windows too large for a row table).
 */
function drawIntoParts(
  rng: Rng,
  counts: Int32Array,
  cum: Float64Array,
  guide: Int32Array,
  rows: number,
): void {
  const reject = 4294967296 % rows;
  const m = cum.length;
  for (let i = 0; i < rows; i++) {
    const r = lemireIndex(rng, rows, reject);
    let j = guide[Math.floor((r * m) / rows)];
    while (cum[j] <= r) j++;
    counts[j]++;
  }
}
