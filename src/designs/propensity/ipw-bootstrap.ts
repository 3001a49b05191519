import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { TrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { bootstrapSe, percentileInterval } from "../../models/bootstrap-ci.js";
import { bootstrapResample } from "../../models/resample.js";
import { cellIpw, prepareCollapsed, runCollapsed } from "./collapsed-sample.js";
import type { CovariateColumn } from "./covariates.js";
import type { PropensityModel, PropensityModelFit } from "./model.js";

/** Bootstrap summary of one estimate: replicate SE and percentile interval. */
export interface BootstrapSummary {
  readonly se: number | null;
  readonly ci: readonly [number, number] | null;
}

/** The refitting bootstrap of the IPW estimates. */
export interface IpwBootstrap {
  readonly reps: number;
  readonly seed: number;
  /** Replicates whose propensity refit failed (separation or no convergence); they are dropped. */
  readonly failed: number;
  /** `collapsed`: warm-started Newton on distinct covariate rows; `full`: the family's own fit per replicate. */
  readonly refit: "collapsed" | "full";
  /** Distinct covariate rows the collapsed refit works on. */
  readonly patterns: number;
  readonly ate: BootstrapSummary;
  readonly att: BootstrapSummary;
}

/** Inputs of {@link ipwBootstrap}. */
export interface IpwBootstrapInput {
  readonly treatment: string;
  readonly t: Float64Array;
  readonly y: Float64Array;
  readonly columns: readonly CovariateColumn[];
  /** Rows per unit (frequency counts, compressed cells); one row each when absent. */
  readonly w?: Float64Array;
  readonly fit: PropensityModelFit;
  readonly model: PropensityModel;
  readonly reps: number;
  readonly seed: number;
  readonly alpha: number;
  /** Called as replicates complete (throttled to ~1% steps; with worker threads, as their reports arrive). */
  readonly onProgress?: ProgressCallback;
}

/**
 * Nonparametric bootstrap of the Hájek IPW ATE and ATT that re-estimates the propensity model in every
 * replicate (rows drawn with replacement; replicate r uses `streamFor(seed, "resample", r)` = `createRng(seed,
 * r + 1)`, as the models layer's bootstrap, so results depend only on the seed and the data; the collapsed refit
 * draws indices by `lemireIndex` for n ≤ 2²¹, else `rng.int`; full refits take {@link bootstrapResample}). Rows are collapsed once to their distinct
 * covariate rows; a replicate adds its draws to per-pattern treated / control counts and outcome sums and refits
 * the logit on those counts from the full-sample estimate (exact MLE of the resample, a few Newton passes over
 * the patterns), then forms the weighted means from the pattern sums. Families without a collapsed refit are
 * refitted on the resampled rows. SE = replicate standard deviation; interval = percentile. With `w` (units of
 * identical rows, e.g. compressed cells) the same rows are drawn — a drawn row position is mapped to its unit
 * through the cumulative counts — and only per-unit counts are kept, never the rows.
 *
 * @example
 * ```ts
 * import { ipwBootstrap, LOGIT_PROPENSITY } from "truelift";
 * const boot = ipwBootstrap({ treatment: "d", t, y, columns, fit, model: LOGIT_PROPENSITY, reps: 500, seed: 7, alpha: 0.05 });
 * boot.ate.ci; // ≈ [+0.0745, +0.0954] on the tutorial data
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6 and 13.
 * @see Austin (2016), "Variance estimation when using inverse probability of treatment weighting (IPTW) with
 *   survival analysis", Statistics in Medicine 35, 5642–5655 (bootstrap that re-estimates the propensity).
 */
export function ipwBootstrap(input: IpwBootstrapInput): IpwBootstrap {
  const { t, y, columns, reps, seed } = input;
  const prep = prepareCollapsed(
    t,
    y,
    columns.map((c) => c.values),
    input.w ?? null,
  );
  const refit = input.fit.refitter(prep.patterns, prep.rows);
  const out = new Float64Array(2 * reps).fill(Number.NaN);
  const report = input.onProgress;
  const tick = progressTicker(report, "bootstrap", reps);
  if (refit) runCollapsed(prep, refit, seed, 0, reps, out, tick);
  else {
    for (let r = 0; r < reps; r++) {
      tick?.(r);
      const est = fullRefit(input, prep.n, bootstrapResample({ kind: "rows", n: prep.n }, seed, r).indices);
      if (est) out.set(est, 2 * r);
    }
    tick?.(reps);
  }
  return summarise(out, input, refit ? "collapsed" : "full", prep.g);
}

/** Bootstrap summary from replicate pairs (ATE, ATT) stored row by row, NaN for failed replicates. */
function summarise(
  out: Float64Array,
  input: IpwBootstrapInput,
  refit: IpwBootstrap["refit"],
  patterns: number,
): IpwBootstrap {
  const ate: number[] = [];
  const att: number[] = [];
  for (let r = 0; r < input.reps; r++) {
    if (Number.isFinite(out[2 * r]) && Number.isFinite(out[2 * r + 1])) {
      ate.push(out[2 * r]);
      att.push(out[2 * r + 1]);
    }
  }
  const summary = (v: number[]): BootstrapSummary => ({
    se: bootstrapSe(v),
    ci: percentileInterval(v, input.alpha),
  });
  return {
    reps: input.reps,
    seed: input.seed,
    failed: input.reps - ate.length,
    refit,
    patterns,
    ate: summary(ate),
    att: summary(att),
  };
}

/** What a bootstrap worker thread receives. */
export interface IpwBootstrapWorkerData {
  readonly t: Float64Array;
  readonly y: Float64Array;
  readonly columns: readonly Float64Array[];
  readonly w: Float64Array | null;
  readonly start: Float64Array;
  readonly lambda: number;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  /** Post `{ done }` progress messages (~1% steps of the range) before the replicate values. */
  readonly progress: boolean;
}

/**
 * {@link ipwBootstrap} on worker threads: replicates are split into `threads` contiguous ranges, each worker
 * rebuilds the collapsed sample and runs its range with the same code, so the result is identical to the
 * single-threaded one. Falls back to {@link ipwBootstrap} in this thread with `threads` ≤ 1, for families other
 * than the logit, or when the compiled worker script is not available (running from TypeScript sources).
 *
 * @example
 * ```ts
 * import { ipwBootstrapParallel } from "truelift";
 * const boot = await ipwBootstrapParallel(input, { threads: 2 });
 * boot.ate.ci; // same as ipwBootstrap(input).ate.ci
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export async function ipwBootstrapParallel(
  input: IpwBootstrapInput,
  options: { readonly threads: number },
): Promise<IpwBootstrap & { readonly threads: number }> {
  const threads = Math.max(1, Math.min(Math.floor(options.threads), input.reps));
  const url = new URL("./ipw-bootstrap-worker.js", import.meta.url);
  const usable =
    threads > 1 && input.fit.family === "logit" && url.protocol === "file:" && existsSync(fileURLToPath(url));
  if (!usable) return { ...ipwBootstrap(input), threads: 1 };
  const prep = prepareCollapsed(
    input.t,
    input.y,
    input.columns.map((c) => c.values),
    input.w ?? null,
  );
  if (!input.fit.refitter(prep.patterns, prep.rows)) return { ...ipwBootstrap(input), threads: 1 };
  const penalty = input.fit.penalty;
  const base = {
    t: input.t,
    y: input.y,
    columns: input.columns.map((c) => c.values),
    w: input.w ?? null,
    start: Float64Array.from(input.fit.coefficients, (c) => c.estimate),
    lambda: penalty.type === "l2" ? 1 / penalty.C : 0,
    seed: input.seed,
  };
  const out = new Float64Array(2 * input.reps).fill(Number.NaN);
  const tick = progressTicker(input.onProgress, "bootstrap", input.reps);
  tick?.(0);
  const doneBy = new Float64Array(threads);
  let done = 0;
  const jobs = Array.from({ length: threads }, (_, w) => {
    const from = Math.floor((w * input.reps) / threads);
    const to = Math.floor(((w + 1) * input.reps) / threads);
    return new Promise<void>((resolve, reject) => {
      const data: IpwBootstrapWorkerData = { ...base, from, to, progress: tick !== undefined };
      const worker = new Worker(url, { workerData: data });
      worker.on("message", (msg: Float64Array | { readonly done: number }) => {
        if (!(msg instanceof Float64Array)) {
          done += msg.done - doneBy[w];
          doneBy[w] = msg.done;
          tick?.(done);
          return;
        }
        out.set(msg, 2 * from);
        done += to - from - doneBy[w];
        doneBy[w] = to - from;
        tick?.(done);
        resolve();
        void worker.terminate();
      });
      worker.once("error", (e) =>
        reject(new TrueliftError("E_WORKER_FAILED", `Bootstrap worker failed: ${e.message}`, { cause: e })),
      );
    });
  });
  await Promise.all(jobs);
  return {
    ...summarise(out, input, "collapsed", prep.g),
    threads,
  };
}

/**
 * One replicate refitted by the family's own fit: the drawn rows (indices into the rows of the units in their
 * order, `n` in all) become per-unit counts, and the model is fitted on the drawn units with those counts.
 */
function fullRefit(input: IpwBootstrapInput, n: number, idx: Int32Array): [number, number] | null {
  const units = input.t.length;
  const drawn = new Float64Array(units);
  if (input.w) {
    const cum = new Float64Array(units);
    let total = 0;
    for (let u = 0; u < units; u++) {
      total += input.w[u];
      cum[u] = total;
    }
    for (const j of idx) {
      let lo = 0;
      let hi = units - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > j) hi = mid;
        else lo = mid + 1;
      }
      drawn[lo]++;
    }
  } else for (const j of idx) drawn[j]++;
  const keep = Int32Array.from({ length: units }, (_, u) => u).filter((u) => drawn[u] > 0);
  const pick = (a: Float64Array) => Float64Array.from(keep, (u) => a[u]);
  const t = pick(input.t);
  const y = pick(input.y);
  const w = pick(drawn);
  try {
    const fit = input.model.fit(
      {
        treatment: input.treatment,
        t,
        columns: input.columns.map((c) => ({ ...c, values: pick(c.values) })),
        w,
      },
      { penalty: input.fit.penalty },
    );
    // each drawn unit is its own pattern
    const cells = new Float64Array(2 * t.length);
    const sums = new Float64Array(2 * t.length);
    for (let i = 0; i < t.length; i++) {
      const c = 2 * i + (t[i] === 1 ? 1 : 0);
      cells[c] = w[i];
      sums[c] = w[i] * y[i];
    }
    return n > 0 ? cellIpw(fit.scores, cells, sums, t.length) : null;
  } catch {
    return null;
  }
}
