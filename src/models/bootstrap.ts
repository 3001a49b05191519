import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import { deepFreeze, type ResultBase } from "../core/result.js";
import { basicInterval, bcaInterval, bootstrapSe, percentileInterval } from "./bootstrap-ci.js";
import type { BootstrapWorkerData } from "./bootstrap-worker.js";
import {
  clusterPlan,
  evaluateStatistic,
  fullSample,
  jackknifeSize,
  type ResamplePlan,
  type ResampleTask,
  type ResampleTaskResult,
  runResampleTask,
  type StatisticFactory,
  type StatisticFn,
} from "./resample.js";

/**
 * The interval methods {@link bootstrap} computes.
 *
 * @example
 * ```ts
 * CI_METHODS.includes("bca"); // true
 * ```
 */
export const CI_METHODS = ["percentile", "basic", "bca"] as const;
/** One of {@link CI_METHODS}. */
export type CiMethod = (typeof CI_METHODS)[number];

/**
 * A statistic worker threads can load: `module` (a file path — absolute, or relative to the working directory —
 * or a URL) exporting, under the name `export`, a {@link StatisticFactory} `(data) => statistic`. `data` is
 * structured-cloned to every thread once (typed arrays over a `SharedArrayBuffer` are shared, not copied).
 */
export interface ModuleStatistic {
  readonly module: string | URL;
  readonly export: string;
  readonly data?: unknown;
}

/** Specification of {@link bootstrap}. */
export interface BootstrapSpec {
  /** Number of rows of the data the statistic indexes. Required for row resampling. */
  readonly n?: number;
  /**
   * The statistic: a function (runs in this thread), or a {@link ModuleStatistic} (required for `threads > 1`).
   * It may return one number or several (a vector statistic; intervals are computed per component).
   */
  readonly statistic: StatisticFn | ModuleStatistic;
  /** Number of bootstrap replicates B (≥ 2). */
  readonly replicates: number;
  /** Seed (a safe integer). Replicate r draws from `streamFor(seed, "resample", r)` = `createRng(seed, r + 1)`. */
  readonly seed: number;
  /** `"rows"`, or `{ clusters }` (one integer cluster label per row). __Default value:__ `"rows"`. */
  readonly resample?: "rows" | { readonly clusters: Int32Array };
  /** Interval methods. __Default value:__ `["percentile"]`. BCa costs one extra evaluation per row (cluster). */
  readonly ci?: readonly CiMethod[];
  /** 1 − confidence level. __Default value:__ `0.05`. */
  readonly alpha?: number;
  /** Worker threads. __Default value:__ `1` (everything runs in this thread). */
  readonly threads?: number;
  /** Called after each batch with (resamples done, total); total = B, plus n (or G) when BCa is requested. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A bootstrap result: plain, frozen, JSON-serialisable data. Arrays have one entry per component of the
 * statistic. The replicate values themselves are not part of the result; {@link bootstrapRun} returns them
 * beside it.
 *
 * @example
 * ```ts
 * import { bootstrap } from "truelift";
 * const x = [2.1, 3.4, 1.9, 5.6, 4.4];
 * const res: BootstrapResult = await bootstrap({
 *   n: x.length,
 *   statistic: (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length,
 *   replicates: 500,
 *   seed: 1,
 * });
 * JSON.stringify(res); // plain data: estimate, se, bias, intervals, diagnostics, …
 * ```
 */
export interface BootstrapResult extends ResultBase {
  readonly method: "bootstrap";
  readonly seed: number;
  readonly resample: "rows" | "clusters";
  /** Rows of the data. */
  readonly n: number;
  /** Clusters, for cluster resampling. */
  readonly clusters: number | null;
  /** Replicates requested (B). */
  readonly replicates: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The statistic on the full sample, θ̂. */
  readonly estimate: readonly number[];
  /** Bootstrap SE: sd (ddof = 1) of the successful replicates; null with fewer than two. */
  readonly se: readonly (number | null)[];
  /** mean(θ*) − θ̂; null without replicates. */
  readonly bias: readonly (number | null)[];
  readonly intervals: {
    readonly percentile?: readonly (readonly [number, number] | null)[];
    readonly basic?: readonly (readonly [number, number] | null)[];
    readonly bca?: readonly (readonly [number, number] | null)[];
  };
  /** BCa's bias correction z₀ and acceleration a (null where undefined), when BCa was requested. */
  readonly bca: {
    readonly z0: readonly (number | null)[];
    readonly acceleration: readonly (number | null)[];
  } | null;
  /** Worker threads that ran the replicates (0 = this thread). */
  readonly workerThreads: number;
}

/**
 * What {@link bootstrapRun} returns: the plain-data result and, beside it, the replicate values it summarises.
 *
 * @example
 * ```ts
 * import { bootstrapRun } from "truelift";
 * const x = [2.1, 3.4, 1.9, 5.6, 4.4];
 * const { result, draws }: BootstrapRun = await bootstrapRun({
 *   n: x.length,
 *   statistic: (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length,
 *   replicates: 500,
 *   seed: 1,
 * });
 * draws.length === result.replicates * result.estimate.length; // true
 * ```
 */
export interface BootstrapRun {
  /** The frozen, JSON-serialisable result (what {@link bootstrap} returns). */
  readonly result: BootstrapResult;
  /** B × k row-major replicate values (replicate r at r · k), NaN rows for failed replicates. */
  readonly draws: Float64Array;
  /** J × k row-major jackknife values when BCa was requested (J = rows, or clusters), else null. */
  readonly jackknife: Float64Array | null;
}

/**
 * Nonparametric bootstrap engine: resamples rows (or whole clusters), evaluates the statistic on every replicate,
 * and returns percentile, basic and BCa intervals plus the bootstrap SE.
 *
 * Reproducibility: replicate r draws its indices (`bootstrapResample`) from its own stream
 * `streamFor(seed, "resample", r)` = `createRng(seed, r + 1)` and is stored at position r, so the output is identical for any number of threads and on any machine.
 *
 * Threads: with `threads > 1` and a {@link ModuleStatistic}, batches of replicates run on `node:worker_threads`
 * workers, each loading the module once. The worker script is `bootstrap-worker.js` next to this module. When
 * running from TypeScript sources (e.g. under vitest) that file does not exist and plain Node cannot load the
 * `.ts` one, so the replicates run in this thread instead, with the info diagnostic `D_BOOTSTRAP_IN_PROCESS`;
 * the output is the same either way.
 *
 * Failures: a replicate whose statistic throws or returns a non-finite value is counted, dropped from the
 * intervals and SE, and reported in `D_BOOTSTRAP_FAILED_REPLICATES` (with the first error message).
 *
 * Phases: validate → load statistic → θ̂ on the full sample → replicates (+ jackknife for BCa) in batches →
 * intervals → freeze.
 *
 * Errors: `E_INVALID_ARGUMENT` (bad option, function statistic with threads > 1, statistic not finite on the full
 * sample), `E_LENGTH_MISMATCH` (n ≠ number of cluster labels), `E_TOO_FEW_CLUSTERS`, `E_WORKER_FAILED`.
 *
 * @example
 * ```ts
 * import { bootstrap } from "truelift";
 * const x = Float64Array.of(2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8);
 * const res = await bootstrap({
 *   n: x.length,
 *   statistic: (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length,
 *   replicates: 2000,
 *   seed: 42,
 *   ci: ["percentile", "bca"],
 * });
 * res.intervals.percentile?.[0]; // [lower, upper]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6, 13, 14.
 * @see Efron (1987), "Better bootstrap confidence intervals", JASA 82, 171–185 (BCa).
 */
export async function bootstrap(spec: BootstrapSpec): Promise<BootstrapResult> {
  return (await bootstrapRun(spec)).result;
}

/**
 * {@link bootstrap}, returning the replicate values beside the result ({@link BootstrapRun}): the B × k draws and,
 * with BCa, the jackknife values. The result is the same plain data, so it does not grow by B numbers.
 *
 * @example
 * ```ts
 * import { bootstrapRun, bootstrapSe } from "truelift";
 * const x = Float64Array.of(2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8);
 * const { result, draws, jackknife } = await bootstrapRun({
 *   n: x.length,
 *   statistic: (idx) => idx.reduce((s, i) => s + x[i], 0) / idx.length,
 *   replicates: 2000,
 *   seed: 42,
 *   ci: ["bca"],
 * });
 * bootstrapSe(draws) === result.se[0]; // true (one component, no failed replicates)
 * jackknife?.length;                   // 7
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6, 11.
 */
export async function bootstrapRun(spec: BootstrapSpec): Promise<BootstrapRun> {
  const opts = validate(spec);
  const { plan, replicates: nRep, seed, alpha, methods, threads } = opts;
  const statistic = await loadStatistic(spec.statistic);

  const full = fullSample(plan);
  const theta = evaluateStatistic(
    statistic,
    full,
    { kind: "full", index: -1, clusterOf: full.clusterOf },
    null,
  );
  if (typeof theta === "string") {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `bootstrap: the statistic fails on the full sample: ${theta}`,
    );
  }
  const k = theta.length;
  const nJack = methods.includes("bca") ? jackknifeSize(plan) : 0;
  const tasks = makeTasks(nRep, nJack, threads);
  const total = nRep + nJack;

  const draws = new Float64Array(nRep * k).fill(Number.NaN);
  const jack = nJack > 0 ? new Float64Array(nJack * k).fill(Number.NaN) : null;
  const errors: { bootstrap: string | null; jackknife: string | null } = { bootstrap: null, jackknife: null };
  let done = 0;
  const collect = (res: ResampleTaskResult): void => {
    (res.kind === "bootstrap" ? draws : jack!).set(res.values, res.from * k);
    for (const e of res.errors) if (e !== null && errors[res.kind] === null) errors[res.kind] = e;
    done += res.errors.length;
    spec.onProgress?.(done, total);
  };

  const diagnostics: Diagnostic[] = [];
  let workerThreads = 0;
  const workerUrl = threads > 1 ? workerScript() : null;
  if (threads > 1 && workerUrl === null) {
    diagnostics.push(diagnostic("D_BOOTSTRAP_IN_PROCESS", "info", { threads }));
  }
  if (workerUrl !== null && typeof spec.statistic !== "function") {
    workerThreads = Math.min(threads, tasks.length);
    const init: BootstrapWorkerData = {
      module: moduleHref(spec.statistic.module),
      exportName: spec.statistic.export,
      data: spec.statistic.data,
      plan,
      seed,
      k,
    };
    await runInWorkers(workerUrl, init, tasks, workerThreads, collect);
  } else {
    for (const task of tasks) collect(runResampleTask(statistic, plan, seed, task, k));
  }

  // Successful replicates: every component finite.
  const ok: number[] = [];
  for (let r = 0; r < nRep; r++) if (Number.isFinite(draws[r * k])) ok.push(r);
  const failed = nRep - ok.length;
  if (failed > 0) {
    diagnostics.push(
      diagnostic("D_BOOTSTRAP_FAILED_REPLICATES", ok.length === 0 ? "fail" : "warn", {
        failed,
        replicates: nRep,
        firstError: errors.bootstrap,
      }),
    );
  }
  const component = (c: number): Float64Array => Float64Array.from(ok, (r) => draws[r * k + c]);
  const se: (number | null)[] = [];
  const bias: (number | null)[] = [];
  const intervals: {
    percentile?: ([number, number] | null)[];
    basic?: ([number, number] | null)[];
    bca?: ([number, number] | null)[];
  } = {};
  for (const m of methods) intervals[m] = [];
  const bca = methods.includes("bca")
    ? { z0: [] as (number | null)[], acceleration: [] as (number | null)[] }
    : null;
  const bcaUndefined: number[] = [];
  for (let c = 0; c < k; c++) {
    const reps = component(c);
    se.push(bootstrapSe(reps));
    bias.push(reps.length > 0 ? reps.reduce((s, v) => s + v, 0) / reps.length - theta[c] : null);
    intervals.percentile?.push(percentileInterval(reps, alpha));
    intervals.basic?.push(basicInterval(reps, theta[c], alpha));
    if (bca && jack) {
      const jk = Float64Array.from({ length: nJack }, (_, j) => jack[j * k + c]);
      const b = bcaInterval({ replicates: reps, estimate: theta[c], jackknife: jk, alpha });
      intervals.bca?.push(b ? [b.ci[0], b.ci[1]] : null);
      bca.z0.push(b ? b.z0 : null);
      bca.acceleration.push(b ? b.acceleration : null);
      if (!b) bcaUndefined.push(c);
    }
  }
  if (bcaUndefined.length > 0) {
    diagnostics.push(
      diagnostic("D_BCA_UNDEFINED", "warn", { components: bcaUndefined, jackknifeError: errors.jackknife }),
    );
  }

  const result: BootstrapResult = {
    method: "bootstrap",
    alpha,
    seed,
    resample: plan.kind,
    n: plan.n,
    clusters: plan.kind === "clusters" ? plan.groups : null,
    replicates: nRep,
    succeeded: ok.length,
    failed,
    estimate: Array.from(theta),
    se,
    bias,
    intervals,
    bca,
    workerThreads,
    diagnostics,
  };
  return Object.freeze({ result: deepFreeze(result), draws, jackknife: jack });
}

interface ValidOptions {
  plan: ResamplePlan;
  replicates: number;
  seed: number;
  alpha: number;
  methods: CiMethod[];
  threads: number;
}

function validate(spec: BootstrapSpec): ValidOptions {
  if (spec === null || typeof spec !== "object") invalid("the spec must be an object.");
  const { replicates, seed } = spec;
  if (!Number.isInteger(replicates) || replicates < 2)
    invalid(`replicates must be an integer ≥ 2; got ${replicates}.`);
  if (!Number.isSafeInteger(seed)) invalid(`seed must be a safe integer; got ${seed}.`);
  const alpha = spec.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) invalid(`alpha must be in (0, 1); got ${alpha}.`);
  const methods: CiMethod[] = [...new Set<CiMethod>(spec.ci ?? ["percentile"])];
  for (const m of methods) {
    if (!CI_METHODS.includes(m)) invalid(`ci method '${String(m)}' is not one of ${CI_METHODS.join(", ")}.`);
  }
  const threads = spec.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1)
    invalid(`threads must be a positive integer; got ${threads}.`);
  const st = spec.statistic;
  if (typeof st !== "function") {
    if (st === null || typeof st !== "object" || typeof st.export !== "string") {
      invalid("statistic must be a function or { module, export, data }.");
    }
    if (!(typeof st.module === "string" || st.module instanceof URL))
      invalid("statistic.module must be a path or URL.");
  } else if (threads > 1) {
    invalid(
      "threads > 1 needs a statistic workers can load: pass { module, export, data } instead of a function.",
      {
        hint: "Move the statistic into a module exporting a factory (data) => statistic, or use threads: 1.",
      },
    );
  }
  const rs = spec.resample ?? "rows";
  let plan: ResamplePlan;
  if (rs === "rows") {
    if (!Number.isInteger(spec.n) || (spec.n as number) < 1)
      invalid(`n must be a positive integer; got ${spec.n}.`);
    plan = { kind: "rows", n: spec.n as number };
  } else if (typeof rs === "object" && rs !== null && rs.clusters instanceof Int32Array) {
    if (spec.n !== undefined && spec.n !== rs.clusters.length) {
      throw new TrueliftError(
        "E_LENGTH_MISMATCH",
        `bootstrap: n = ${spec.n} but the cluster array has ${rs.clusters.length} labels.`,
      );
    }
    plan = clusterPlan(rs.clusters);
  } else {
    invalid(`resample must be "rows" or { clusters: Int32Array }.`);
  }
  return { plan, replicates, seed, alpha, methods, threads };
}

function invalid(message: string, options: { hint?: string } = {}): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", `bootstrap: ${message}`, options);
}

/** Batches: small enough to balance load and report progress, large enough to amortise messaging. */
function makeTasks(nRep: number, nJack: number, threads: number): ResampleTask[] {
  const tasks: ResampleTask[] = [];
  const push = (kind: ResampleTask["kind"], count: number): void => {
    const size = Math.max(1, Math.min(64, Math.ceil(count / (threads * 8))));
    for (let from = 0; from < count; from += size)
      tasks.push({ kind, from, to: Math.min(count, from + size) });
  };
  push("bootstrap", nRep);
  if (nJack > 0) push("jackknife", nJack);
  return tasks;
}

async function loadStatistic(st: StatisticFn | ModuleStatistic): Promise<StatisticFn> {
  if (typeof st === "function") return st;
  const href = moduleHref(st.module);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(href)) as Record<string, unknown>;
  } catch (e) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `bootstrap: cannot load statistic module ${href}.`, {
      cause: e,
    });
  }
  const factory = mod[st.export];
  if (typeof factory !== "function") {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `bootstrap: module ${href} has no function export '${st.export}'.`,
    );
  }
  const fn = await (factory as StatisticFactory)(st.data);
  if (typeof fn !== "function") {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `bootstrap: '${st.export}'(data) did not return a function.`,
    );
  }
  return fn;
}

function moduleHref(module: string | URL): string {
  if (module instanceof URL) return module.href;
  if (/^(file|data|node):/.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
}

/** The compiled worker script next to this module, or null when it cannot be loaded by plain Node. */
function workerScript(): URL | null {
  const url = new URL("./bootstrap-worker.js", import.meta.url);
  if (url.protocol !== "file:") return url;
  return existsSync(fileURLToPath(url)) ? url : null;
}

function runInWorkers(
  url: URL,
  init: BootstrapWorkerData,
  tasks: readonly ResampleTask[],
  count: number,
  collect: (r: ResampleTaskResult) => void,
): Promise<void> {
  return new Promise((resolvePool, rejectPool) => {
    let next = 0;
    let finished = 0;
    let settled = false;
    const workers: Worker[] = [];
    const fail = (cause: unknown): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      const msg = cause instanceof Error ? cause.message : String(cause);
      rejectPool(
        new TrueliftError("E_WORKER_FAILED", `bootstrap: a worker thread failed: ${msg}`, {
          cause,
          details: { module: init.module, export: init.exportName },
        }),
      );
    };
    for (let t = 0; t < count; t++) {
      const worker = new Worker(url, { workerData: init });
      workers.push(worker);
      let retired = false;
      const feed = (): void => {
        if (settled) return;
        if (next < tasks.length) {
          worker.postMessage(tasks[next++]);
          return;
        }
        retired = true;
        void worker.terminate();
        if (++finished === count) {
          settled = true;
          resolvePool();
        }
      };
      worker.on("message", (msg: ResampleTaskResult | { ready: true }) => {
        if (!("ready" in msg)) {
          try {
            collect(msg);
          } catch (e) {
            fail(e);
            return;
          }
        }
        feed();
      });
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (!retired) fail(new Error(`worker exited with code ${code} before finishing`));
      });
    }
  });
}
