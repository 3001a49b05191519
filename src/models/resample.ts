import { TrueliftError } from "../core/errors.js";
import { type Rng, streamFor } from "../core/rng.js";

/**
 * How a bootstrap resamples: rows independently, or whole clusters (all rows of a drawn cluster together).
 * Plain data (typed arrays and numbers), so it can be sent to worker threads.
 */
export type ResamplePlan =
  | { readonly kind: "rows"; readonly n: number }
  | {
      readonly kind: "clusters";
      readonly n: number;
      /** Number of clusters G. */
      readonly groups: number;
      /** Row indices ordered by cluster; cluster g owns `rows[offsets[g] .. offsets[g + 1])`. */
      readonly rows: Int32Array;
      readonly offsets: Int32Array;
      /** The label of cluster g (sorted ascending). */
      readonly labels: Int32Array;
    };

/** One resample: row indices into the original data, and for cluster plans the cluster of each row. */
export interface Resample {
  readonly indices: Int32Array;
  /**
   * For cluster plans, `clusterOf[i]` identifies the cluster row `indices[i]` belongs to *in this resample*
   * (0..G−1): the draw position in a bootstrap replicate, so a cluster drawn twice counts as two clusters; the
   * original cluster index in the full sample and in the jackknife. Null for row plans.
   */
  readonly clusterOf: Int32Array | null;
}

/**
 * Groups rows by cluster label for cluster resampling (labels sorted ascending, rows kept in order within a
 * cluster). Throws `E_TOO_FEW_CLUSTERS` when there is a single cluster, `E_INVALID_ARGUMENT` when empty.
 *
 * @example
 * ```ts
 * import { clusterPlan } from "truelift";
 * const plan = clusterPlan(Int32Array.of(7, 3, 7, 3, 5));
 * plan.groups;           // 3 (labels 3, 5, 7)
 * Array.from(plan.rows); // [1, 3, 4, 0, 2]
 * ```
 * @see Cameron, Gelbach & Miller (2008), "Bootstrap-based improvements for inference with clustered errors".
 */
export function clusterPlan(clusters: Int32Array): Extract<ResamplePlan, { kind: "clusters" }> {
  const n = clusters.length;
  if (n === 0) throw new TrueliftError("E_INVALID_ARGUMENT", "bootstrap: the cluster array is empty.");
  const labels = Int32Array.from(new Set(clusters)).sort();
  if (labels.length < 2) {
    throw new TrueliftError(
      "E_TOO_FEW_CLUSTERS",
      "bootstrap: cluster resampling needs at least two clusters.",
      {
        details: { clusters: labels.length },
      },
    );
  }
  const index = new Map<number, number>();
  for (let g = 0; g < labels.length; g++) index.set(labels[g], g);
  const counts = new Int32Array(labels.length + 1);
  for (let i = 0; i < n; i++) counts[index.get(clusters[i])! + 1]++;
  const offsets = new Int32Array(labels.length + 1);
  for (let g = 0; g < labels.length; g++) offsets[g + 1] = offsets[g] + counts[g + 1];
  const fill = offsets.slice(0, labels.length);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[index.get(clusters[i])!]++] = i;
  return { kind: "clusters", n, groups: labels.length, rows, offsets, labels };
}

/**
 * The resample of bootstrap replicate `r` (0-based): drawn from its own stream `streamFor(seed, "resample", r)`
 * (= `createRng(seed, r + 1)`), so it is the same whichever thread computes it and however replicates are batched. Rows: n draws with replacement
 * (`rng.int(n)`). Clusters: G cluster draws with replacement, the rows of each drawn cluster appended in order.
 *
 * @example
 * ```ts
 * import { bootstrapResample } from "truelift";
 * bootstrapResample({ kind: "rows", n: 5 }, 42, 0).indices; // same 5 indices on every machine
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function bootstrapResample(plan: ResamplePlan, seed: number, r: number): Resample {
  const rng = streamFor(seed, "resample", r);
  if (plan.kind === "rows") return { indices: drawIndices(rng, plan.n), clusterOf: null };
  const draws = drawIndices(rng, plan.groups);
  let total = 0;
  for (let d = 0; d < plan.groups; d++) total += plan.offsets[draws[d] + 1] - plan.offsets[draws[d]];
  const indices = new Int32Array(total);
  const clusterOf = new Int32Array(total);
  let p = 0;
  for (let d = 0; d < plan.groups; d++) {
    const g = draws[d];
    for (let q = plan.offsets[g]; q < plan.offsets[g + 1]; q++) {
      indices[p] = plan.rows[q];
      clusterOf[p++] = d;
    }
  }
  return { indices, clusterOf };
}

/**
 * The full sample as a resample (indices 0..n−1 in order; clusters labelled by their sorted index).
 *
 * @example
 * ```ts
 * import { fullSample } from "truelift";
 * fullSample({ kind: "rows", n: 3 }).indices; // Int32Array [0, 1, 2]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function fullSample(plan: ResamplePlan): Resample {
  const indices = new Int32Array(plan.n);
  for (let i = 0; i < plan.n; i++) indices[i] = i;
  if (plan.kind === "rows") return { indices, clusterOf: null };
  const clusterOf = new Int32Array(plan.n);
  for (let g = 0; g < plan.groups; g++) {
    for (let q = plan.offsets[g]; q < plan.offsets[g + 1]; q++) clusterOf[plan.rows[q]] = g;
  }
  return { indices, clusterOf };
}

/**
 * Number of jackknife deletions of a plan: n for rows, G for clusters.
 *
 * @example
 * ```ts
 * import { jackknifeSize } from "truelift";
 * jackknifeSize({ kind: "rows", n: 10 }); // 10
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 11.
 */
export function jackknifeSize(plan: ResamplePlan): number {
  return plan.kind === "rows" ? plan.n : plan.groups;
}

/**
 * Jackknife resample `j`: all rows but row j (row plans), or all rows but those of cluster j (cluster plans,
 * the delete-one-cluster jackknife), in original row order.
 *
 * @example
 * ```ts
 * import { jackknifeResample } from "truelift";
 * jackknifeResample({ kind: "rows", n: 4 }, 1).indices; // Int32Array [0, 2, 3]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 11 and §14.3.
 */
export function jackknifeResample(plan: ResamplePlan, j: number): Resample {
  const full = fullSample(plan);
  if (plan.kind === "rows") {
    const indices = new Int32Array(plan.n - 1);
    for (let i = 0, p = 0; i < plan.n; i++) if (i !== j) indices[p++] = i;
    return { indices, clusterOf: null };
  }
  const size = plan.offsets[j + 1] - plan.offsets[j];
  const indices = new Int32Array(plan.n - size);
  const clusterOf = new Int32Array(plan.n - size);
  const own = full.clusterOf!;
  for (let i = 0, p = 0; i < plan.n; i++) {
    if (own[i] === j) continue;
    indices[p] = i;
    clusterOf[p++] = own[i];
  }
  return { indices, clusterOf };
}

/**
 * n indices drawn uniformly with replacement from 0..n−1 with `rng.int(n)`, in draw order: the row resample of
 * the bootstrap engine, propensity's full-refit IPW bootstrap and the SDID unit bootstrap.
 *
 * @example
 * ```ts
 * import { createRng, drawIndices } from "truelift";
 * drawIndices(createRng(1), 5); // Int32Array of 5 indices in 0..4
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function drawIndices(rng: Rng, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.int(n);
  return idx;
}

/**
 * One uniform index in 0..n−1 by Lemire's multiply-shift on one 32-bit word (x = u·n < 2⁵³ is exact; words whose
 * low part x mod 2³² falls below `reject` = 2³² mod n are redrawn), exactly unbiased. Needs n ≤ 2²¹. A different
 * stream of indices than `rng.int(n)` (which rejects and takes the remainder), so each loop keeps the one it has
 * always used: rdd's bootstrap and propensity's collapsed IPW bootstrap use this one.
 *
 * @example
 * ```ts
 * import { createRng, lemireIndex } from "truelift";
 * lemireIndex(createRng(1), 10, 4294967296 % 10); // an index in 0..9
 * ```
 * @see Lemire (2019), "Fast random integer generation in an interval", ACM TOMACS 29(1).
 */
export function lemireIndex(rng: Rng, n: number, reject: number): number {
  for (;;) {
    const x = rng.nextUint32() * n; // < 2⁵³: exact
    const hi = Math.floor(x * 2.3283064365386963e-10); // x / 2³², exact (a power of two)
    if (x - hi * 4294967296 >= reject) return hi;
  }
}

/** How {@link addDrawCounts} draws an index: `rng.int(n)` or {@link lemireIndex}. */
export type IndexDraw = "int" | "lemire";

/**
 * Adds n draws with replacement from 0..n−1 to multiplicity counts (`counts[i]` += times i was drawn; the caller
 * zeroes it): a bootstrap resample as counts, for loops that refit from count-weighted sufficient statistics
 * (rdd's window bootstrap with `"lemire"`, cluster's pairs bootstrap with `"int"`).
 *
 * @example
 * ```ts
 * import { addDrawCounts, createRng } from "truelift";
 * const counts = new Int32Array(4);
 * addDrawCounts(createRng(1), counts, "int"); // counts sum to 4
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function addDrawCounts(rng: Rng, counts: Int32Array | Float64Array, draw: IndexDraw): void {
  const n = counts.length;
  if (draw === "int") {
    for (let i = 0; i < n; i++) counts[rng.int(n)]++;
    return;
  }
  const reject = 4294967296 % n;
  for (let i = 0; i < n; i++) counts[lemireIndex(rng, n, reject)]++;
}

/** Largest row count {@link rowOwnerTable} tabulates (4 bytes a row); beyond it, callers search the cumulative counts. */
export const MAX_ROW_TABLE = 1 << 24;

/**
 * The unit holding each row position, for units of `cum[u] − cum[u − 1]` identical rows (cumulative counts,
 * nondecreasing, `rows` = the last): `table[j]` = the first u with `cum[u] > j`, the unit a binary search of the
 * cumulative counts finds. Built once per bootstrap run, it maps each drawn row position to its unit with one
 * load instead of a search. Null when `rows` exceeds {@link MAX_ROW_TABLE}.
 *
 * @example
 * ```ts
 * import { rowOwnerTable } from "truelift";
 * rowOwnerTable(Float64Array.of(2, 2, 5), 5); // Int32Array [0, 0, 2, 2, 2]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function rowOwnerTable(cum: Float64Array, rows: number): Int32Array | null {
  if (rows > MAX_ROW_TABLE) return null;
  const table = new Int32Array(rows);
  for (let u = 0, j = 0; u < cum.length; u++)
    for (const end = Math.min(cum[u], rows); j < end; j++) table[j] = u;
  return table;
}

/** How {@link rademacherWeights} spends random bits: one 32-bit word per weight, or 32 weights per word. */
export type RademacherPacking = "word" | "bit";

/**
 * Rademacher weights (±1, probability ½ each) into `out`. `"word"`: weight g is +1 when the low bit of a fresh
 * 32-bit word is set (the wild cluster bootstrap); `"bit"`: weight c is +1 when bit c mod 32 of word ⌊c/32⌋ is set
 * (did's multiplier bootstrap, as `mboot`'s packed draws).
 *
 * @example
 * ```ts
 * import { createRng, rademacherWeights } from "truelift";
 * rademacherWeights(createRng(1), new Float64Array(8), "bit"); // eight ±1 values from one word
 * ```
 * @see Cameron, Gelbach & Miller (2008), REStat 90(3); Callaway & Sant'Anna (2021), J. Econometrics 225(2).
 */
export function rademacherWeights(rng: Rng, out: Float64Array, packing: RademacherPacking): Float64Array {
  if (packing === "word") {
    for (let g = 0; g < out.length; g++) out[g] = rng.nextUint32() & 1 ? 1 : -1;
    return out;
  }
  let bits = 0;
  for (let c = 0; c < out.length; c++) {
    if ((c & 31) === 0) bits = rng.nextUint32();
    out[c] = (bits >>> (c & 31)) & 1 ? 1 : -1;
  }
  return out;
}

const WEBB_POINTS = [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)];

/**
 * Webb's six-point weights (±√1.5, ±1, ±√0.5, each with probability 1/6) into `out`, one `rng.int(6)` each.
 *
 * @example
 * ```ts
 * import { createRng, webbWeights } from "truelift";
 * webbWeights(createRng(1), new Float64Array(4)); // four of the six points
 * ```
 * @see Webb (2023), "Reworking wild bootstrap-based inference for clustered errors", CJE 56(3).
 */
export function webbWeights(rng: Rng, out: Float64Array): Float64Array {
  for (let g = 0; g < out.length; g++) out[g] = WEBB_POINTS[rng.int(6)];
  return out;
}

/**
 * A uniformly random permutation of 0 … n − 1 (Fisher–Yates from the last position down, `rng.int(i + 1)`).
 *
 * @example
 * ```ts
 * import { createRng, randomPermutation } from "truelift";
 * randomPermutation(createRng(1), 5); // the numbers 0..4 in random order
 * ```
 * @see Knuth, The Art of Computer Programming, vol. 2, §3.4.2, Algorithm P.
 */
export function randomPermutation(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = p[i];
    p[i] = p[j];
    p[j] = tmp;
  }
  return p;
}

/**
 * Moves a uniformly random k-subset of `items` to its first k positions, in place (a partial Fisher–Yates shuffle
 * from the front: position j swaps with j + `rng.int(n − j)`), and returns `items`. Complete randomization of k
 * treated units: the cluster assignment draw and randomization inference.
 *
 * @example
 * ```ts
 * import { createRng, shuffleFirst } from "truelift";
 * shuffleFirst(createRng(1), [0, 1, 2, 3], 2).slice(0, 2); // two distinct units
 * ```
 * @see Knuth, The Art of Computer Programming, vol. 2, §3.4.2; Imbens & Rubin (2015), Causal Inference, ch. 5.
 */
export function shuffleFirst<T>(rng: Rng, items: T[], k: number): T[] {
  const n = items.length;
  for (let j = 0; j < k; j++) {
    const pick = j + rng.int(n - j);
    const t = items[pick];
    items[pick] = items[j];
    items[j] = t;
  }
  return items;
}

/** What a statistic is told about the resample it is evaluated on. */
export interface ResampleContext {
  /** `full` (the original sample), a bootstrap replicate, or a jackknife deletion. */
  readonly kind: "full" | "bootstrap" | "jackknife";
  /** Replicate number r (bootstrap) or deleted row / cluster j (jackknife); −1 for the full sample. */
  readonly index: number;
  /** See {@link Resample.clusterOf}. */
  readonly clusterOf: Int32Array | null;
}

/**
 * A statistic: computes one or more numbers from the rows `indices` (into the caller's data; repeats allowed).
 * It may throw or return non-finite values for a resample; the bootstrap counts that replicate as failed.
 */
export type StatisticFn = (indices: Int32Array, context: ResampleContext) => number | ArrayLike<number>;

/**
 * What a statistic module exports for worker threads: a factory called once per thread with the (structured-
 * cloned) `data`, returning the statistic. It may be async.
 */
export type StatisticFactory = (data: unknown) => StatisticFn | Promise<StatisticFn>;

/** A batch of work: bootstrap replicates or jackknife deletions `from ≤ i < to`. */
export interface ResampleTask {
  readonly kind: "bootstrap" | "jackknife";
  readonly from: number;
  readonly to: number;
}

/** Output of {@link runResampleTask}: `values` is (to − from) × k row-major, NaN rows where the statistic failed. */
export interface ResampleTaskResult {
  readonly kind: "bootstrap" | "jackknife";
  readonly from: number;
  readonly values: Float64Array;
  /** The failure message of each failed resample (null where it succeeded). */
  readonly errors: (string | null)[];
}

/**
 * Evaluates a statistic on a batch of resamples. The same function runs in the calling thread and in worker
 * threads, so results do not depend on where a batch runs. A resample fails when the statistic throws, returns
 * the wrong number of values (≠ k), or returns a non-finite value.
 *
 * @example
 * ```ts
 * import { runResampleTask } from "truelift";
 * const x = Float64Array.of(1, 5, 2, 8);
 * const mean = (idx: Int32Array) => idx.reduce((s, i) => s + x[i], 0) / idx.length;
 * runResampleTask(mean, { kind: "rows", n: 4 }, 42, { kind: "bootstrap", from: 0, to: 3 }, 1).values;
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function runResampleTask(
  statistic: StatisticFn,
  plan: ResamplePlan,
  seed: number,
  task: ResampleTask,
  k: number,
): ResampleTaskResult {
  const count = task.to - task.from;
  const values = new Float64Array(count * k).fill(Number.NaN);
  const errors: (string | null)[] = [];
  for (let t = 0; t < count; t++) {
    const i = task.from + t;
    const rs = task.kind === "bootstrap" ? bootstrapResample(plan, seed, i) : jackknifeResample(plan, i);
    const out = evaluateStatistic(statistic, rs, { kind: task.kind, index: i, clusterOf: rs.clusterOf }, k);
    if (typeof out === "string") errors.push(out);
    else {
      values.set(out, t * k);
      errors.push(null);
    }
  }
  return { kind: task.kind, from: task.from, values, errors };
}

/**
 * Calls the statistic and checks its output: the values as a Float64Array of length k (k = null accepts any
 * length ≥ 1), or a string saying why the resample failed. Used by {@link runResampleTask} and for θ̂.
 *
 * @example
 * ```ts
 * const out = evaluateStatistic(() => [1, 2], fullSample({ kind: "rows", n: 2 }), { kind: "full", index: -1, clusterOf: null }, 2);
 * // Float64Array [1, 2]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export function evaluateStatistic(
  statistic: StatisticFn,
  resample: Resample,
  context: ResampleContext,
  k: number | null,
): Float64Array | string {
  let raw: number | ArrayLike<number>;
  try {
    raw = statistic(resample.indices, context);
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const values = typeof raw === "number" ? Float64Array.of(raw) : Float64Array.from(raw);
  if (values.length === 0 || (k !== null && values.length !== k)) {
    return `The statistic returned ${values.length} values; expected ${k ?? "at least 1"}.`;
  }
  for (let c = 0; c < values.length; c++) {
    if (!Number.isFinite(values[c])) return `The statistic returned a non-finite value (${values[c]}).`;
  }
  return values;
}

/**
 * Multinomial(n, size / n) counts of drawing n units with replacement from categories of `size` units each
 * (Σ size = n) into `out`, by sequential conditional binomials (smallest category first, the largest last so it
 * takes the remainder; each Binomial exact by inversion with one uniform per chunk): the same distribution as
 * counting n uniform draws, at a cost per category instead of per unit. Synth's user bootstrap over user profiles.
 *
 * @example
 * ```ts
 * import { createRng, multinomialCounts } from "truelift";
 * const out = new Int32Array(3);
 * multinomialCounts(createRng(1), 10, Float64Array.of(2, 3, 5), out); // out sums to 10
 * ```
 * @see Devroye, Non-Uniform Random Variate Generation (1986), §X.4 (binomial by inversion) and §XI.1
 *   (multinomial by conditional binomials).
 */
export function multinomialCounts(rng: Rng, n: number, size: Float64Array, out: Int32Array): void {
  const k = size.length;
  let order = ORDER_CACHE.get(size);
  if (order === undefined) {
    order = Int32Array.from({ length: k }, (_, i) => i).sort((a, b) => size[a] - size[b]);
    ORDER_CACHE.set(size, order);
  }
  let left = n;
  let mass = n;
  for (let q = 0; q < k; q++) {
    const a = order[q];
    if (q === k - 1 || left === 0) {
      out[a] = q === k - 1 ? left : 0;
      continue;
    }
    const p = Math.min(1, size[a] / mass);
    const c = binomial(rng, left, p);
    out[a] = c;
    left -= c;
    mass -= size[a];
  }
}

const ORDER_CACHE = new WeakMap<Float64Array, Int32Array>();

/**
 * Exact Binomial(n, p) by inversion (the CDF walked from 0 with one uniform), on the smaller tail (p ≤ ½) and in
 * chunks of trials with n·p ≤ 200 so that qⁿ never underflows; the cost is O(1 + n·min(p, 1 − p)).
 */
function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - binomial(rng, n, 1 - p);
  const chunk = Math.max(1, Math.floor(200 / p));
  let total = 0;
  for (let left = n; left > 0; left -= chunk) total += binomialInversion(rng, Math.min(left, chunk), p);
  return total;
}

function binomialInversion(rng: Rng, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  let r = q ** n;
  let u = rng.uniform();
  let x = 0;
  while (u > r) {
    u -= r;
    x++;
    if (x > n) return n;
    r *= a / x - s;
  }
  return x;
}
