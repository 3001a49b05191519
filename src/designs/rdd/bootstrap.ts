import { streamFor } from "../../core/rng.js";
import { bootstrapSe, percentileInterval } from "../../models/bootstrap-ci.js";
import { addDrawCounts } from "../../models/resample.js";
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
 * rows take milliseconds. Random numbers come from `streamFor(seed, "sequence", stream)` (= `createRng(seed, stream)`:
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
  // Pooled window: left rows then right rows, with basis rows, weights and responses.
  const rowsOf = (side: RddSideData, hh: number) => {
    const idx: number[] = [];
    const w: number[] = [];
    for (let i = 0; i < side.x.length; i++) {
      const wi = kernelWeight(side.x[i], st.c, hh, st.kernel, st.support);
      if (wi > 0) {
        idx.push(i);
        w.push(wi);
      }
    }
    return { idx, w };
  };
  const l = rowsOf(left, h[0]);
  const r = rowsOf(right, h[1]);
  const nl = l.idx.length;
  const m = nl + r.idx.length;
  const fuzzy = left.t !== null;
  // Per-row features whose count-weighted sums are the sufficient statistics of each side's weighted fit:
  // w·u^0 … w·u^(2p) (the Gram matrix's moments), w·u^a·y (a ≤ p) and, fuzzy, w·u^a·t.
  const nm = 2 * k - 1;
  const nf = nm + k * (fuzzy ? 2 : 1);
  // Feature-major storage: one contiguous column per feature, so each sum below is a tight dot product.
  const feat = Array.from({ length: nf }, () => new Float64Array(m));
  for (let j = 0; j < m; j++) {
    const side = j < nl ? left : right;
    const i = j < nl ? l.idx[j] : r.idx[j - nl];
    const w = j < nl ? l.w[j] : r.w[j - nl];
    const u = side.x[i] - st.c;
    const y = side.y[i];
    const t = side.t ? side.t[i] : 0;
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
    addDrawCounts(rng, counts, "lemire");
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
