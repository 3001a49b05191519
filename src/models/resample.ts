import { TrueliftError } from "../core/errors.js";
import { createRng, type Rng } from "../core/rng.js";

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
 * The resample of bootstrap replicate `r` (0-based): drawn from its own stream `createRng(seed, r + 1)`, so it
 * is the same whichever thread computes it and however replicates are batched. Rows: n draws with replacement
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
  const rng = createRng(seed, r + 1);
  if (plan.kind === "rows") return { indices: drawRows(plan.n, rng), clusterOf: null };
  const draws = new Int32Array(plan.groups);
  let total = 0;
  for (let d = 0; d < plan.groups; d++) {
    const g = rng.int(plan.groups);
    draws[d] = g;
    total += plan.offsets[g + 1] - plan.offsets[g];
  }
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

function drawRows(n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = rng.int(n);
  return idx;
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
