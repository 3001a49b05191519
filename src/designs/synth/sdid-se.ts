import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { streamFor } from "../../core/rng.js";
import { drawIndices, randomPermutation } from "../../models/resample.js";
import { fitWithOptions, type SdidFit, weightedDoubleDifference } from "./sdid-estimate.js";
import { sumNormalize } from "./sdid-solver.js";
import { checkSynthMatrix, type SynthMatrix, selectRows } from "./sdid-types.js";

/**
 * Variance estimators of Arkhangelsky et al. (2021) as R synthdid 0.0.9's `vcov(method = …)`:
 * `placebo` (Algorithm 4), `jackknife` (Algorithm 3, fixed weights), `bootstrap` (Algorithm 2).
 *
 * @example
 * ```ts
 * import { SDID_SE_METHODS } from "truelift";
 * SDID_SE_METHODS; // ["placebo", "jackknife", "bootstrap"]
 * ```
 */
export const SDID_SE_METHODS = ["placebo", "jackknife", "bootstrap"] as const;
/** One of {@link SDID_SE_METHODS}. */
export type SdidSeMethod = (typeof SDID_SE_METHODS)[number];

/**
 * Why a standard error is not available: one treated unit (jackknife, bootstrap), no more controls than treated
 * units (placebo), or a single control with non-zero weight (fixed-weights jackknife).
 */
export type SdidSeUnavailable = "single-treated" | "too-few-controls" | "single-donor-weight";

/**
 * A synthdid standard error: the value (null when undefined, with the reason), the replicate estimates behind it
 * (in replicate order; for the jackknife, the leave-one-unit-out estimates), the number of replications and the seed.
 *
 * @example
 * ```ts
 * import { sdidStandardError, synthdidEstimate } from "truelift";
 * const se = sdidStandardError(panel, synthdidEstimate(panel), "jackknife");
 * se.se === null ? se.unavailable : se.se; // "single-treated" for one treated unit
 * ```
 */
export interface SdidSe {
  readonly method: SdidSeMethod;
  readonly se: number | null;
  readonly unavailable: SdidSeUnavailable | null;
  readonly replicates: readonly number[];
  readonly reps: number;
  readonly seed: number | null;
  /** Bootstrap draws redrawn because they held only controls or only treated units. */
  readonly redraws: number;
}

/**
 * Options of {@link sdidStandardError}: `reps` (__Default value:__ 200, as synthdid) and `seed` for the placebo
 * and bootstrap draws (replicate r uses `streamFor(seed, "replicate", r)` = `createRng(seed, r)`, so results do not
 * depend on evaluation order;
 * __Default value:__ 1).
 *
 * @example
 * ```ts
 * import type { SdidSeOptions } from "truelift";
 * const o: SdidSeOptions = { reps: 200, seed: 12345 };
 * ```
 */
export interface SdidSeOptions {
  readonly reps?: number;
  /** Throttled progress of the replicates (does not change the numbers). */
  readonly onProgress?: ProgressCallback;
  readonly seed?: number;
}

/**
 * Standard error of a synthdid-family fit, by the placebo, jackknife or bootstrap method, exactly as synthdid
 * 0.0.9 computes it except for the random draws (truelift's seeded xoshiro streams instead of R's `sample`):
 *
 * - **placebo**: permute the controls, call the last N1 of them treated, refit on the controls only with the
 *   original fit's options (σ̂, ζ, intercepts, stopping rule) and the original ω (renormalised over the kept
 *   controls) and λ as starting values; SE = √((r − 1)/r) · sd of the r placebo estimates. Needs N0 > N1.
 * - **jackknife**: drop each unit in turn, keep λ and the renormalised ω fixed (no re-estimation);
 *   SE = √((n − 1)²/n · var). Undefined (null) with one treated unit or one control with non-zero weight.
 * - **bootstrap**: resample all units with replacement (redraw samples without both controls and treated
 *   units), refit with the original options and starting weights; SE = √((r − 1)/r) · sd. Undefined with one
 *   treated unit.
 *
 * @example
 * ```ts
 * import { sdidStandardError, synthdidEstimate } from "truelift";
 * const fit = synthdidEstimate(panel);
 * sdidStandardError(panel, fit, "placebo", { reps: 200, seed: 12345 }).se; // ≈ 8.4 on Prop 99
 * ```
 * @see Arkhangelsky et al. (2021), Section 5 and Algorithms 2–4; R synthdid 0.0.9 `vcov.synthdid_estimate`.
 */
export function sdidStandardError(
  panel: SynthMatrix,
  fit: SdidFit,
  method: SdidSeMethod,
  options: SdidSeOptions = {},
): SdidSe {
  const shape = checkSynthMatrix(panel);
  const reps = options.reps ?? 200;
  const seed = options.seed ?? 1;
  if (method === "jackknife") return jackknifeSe(panel, fit, options.onProgress);
  const tick = progressTicker(options.onProgress, `synthetic DiD ${method} SE`, reps);
  if (method === "placebo") {
    if (shape.n0 <= shape.n1) return unavailable("placebo", "too-few-controls", reps, seed);
    const { t, n0, n1, t0 } = shape;
    const replicates: number[] = [];
    for (let r = 0; r < reps; r++) {
      tick?.(r);
      const perm = randomPermutation(streamFor(seed, "replicate", r), n0);
      const keep = perm.slice(0, n0 - n1);
      const omega = sumNormalize(Float64Array.from(keep, (i) => fit.omega[i]));
      const y = selectRows(panel.y, t, perm);
      const f = fitWithOptions(y, n0, t, n0 - n1, t0, fit.estimator, fit.options, {
        omega,
        lambda: fit.lambda,
      });
      replicates.push(f.estimate);
    }
    tick?.(reps);
    return { method, se: scaledSd(replicates), unavailable: null, replicates, reps, seed, redraws: 0 };
  }
  if (shape.n1 === 1) return unavailable("bootstrap", "single-treated", reps, seed);
  const { n, t, n0, t0 } = shape;
  const replicates: number[] = [];
  let redraws = 0;
  for (let r = 0; r < reps; r++) {
    tick?.(r);
    const rng = streamFor(seed, "replicate", r);
    let ind: number[];
    for (;;) {
      ind = Array.from(drawIndices(rng, n)).sort((a, b) => a - b);
      const controls = ind.filter((i) => i < n0).length;
      if (controls > 0 && controls < n) break;
      redraws++;
    }
    const kept = ind.filter((i) => i < n0);
    const omega = sumNormalize(Float64Array.from(kept, (i) => fit.omega[i]));
    const y = selectRows(panel.y, t, ind);
    const f = fitWithOptions(y, n, t, kept.length, t0, fit.estimator, fit.options, {
      omega,
      lambda: fit.lambda,
    });
    replicates.push(f.estimate);
  }
  tick?.(reps);
  return { method, se: scaledSd(replicates), unavailable: null, replicates, reps, seed, redraws };
}

function jackknifeSe(panel: SynthMatrix, fit: SdidFit, onProgress?: ProgressCallback): SdidSe {
  const { n, t, n0, n1, t0 } = checkSynthMatrix(panel);
  if (n1 === 1) return unavailable("jackknife", "single-treated", n, null);
  let nonzero = 0;
  for (const w of fit.omega) if (w !== 0) nonzero++;
  if (nonzero === 1) return unavailable("jackknife", "single-donor-weight", n, null);
  const u: number[] = [];
  const tick = progressTicker(onProgress, "synthetic DiD jackknife SE", n);
  for (let drop = 0; drop < n; drop++) {
    tick?.(drop);
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (i !== drop) rows.push(i);
    const controls = rows.filter((i) => i < n0);
    const omega = sumNormalize(Float64Array.from(controls, (i) => fit.omega[i]));
    const y = selectRows(panel.y, t, rows);
    u.push(weightedDoubleDifference(y, n - 1, t, controls.length, t0, omega, fit.lambda));
  }
  tick?.(n);
  const mean = u.reduce((a, b) => a + b, 0) / n;
  const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  const se = Math.sqrt(((n - 1) / n) * (n - 1) * variance);
  return { method: "jackknife", se, unavailable: null, replicates: u, reps: n, seed: null, redraws: 0 };
}

function unavailable(
  method: SdidSeMethod,
  why: SdidSeUnavailable,
  reps: number,
  seed: number | null,
): SdidSe {
  return { method, se: null, unavailable: why, replicates: [], reps, seed, redraws: 0 };
}

/** √((r − 1)/r) · sd(x): synthdid's scaling of the replicate standard deviation; null for fewer than 2. */
function scaledSd(x: readonly number[]): number | null {
  const r = x.length;
  if (r < 2) return null;
  const mean = x.reduce((a, b) => a + b, 0) / r;
  const v = x.reduce((a, b) => a + (b - mean) ** 2, 0) / (r - 1);
  return Math.sqrt(((r - 1) / r) * v);
}
