import { TrueliftError } from "../../core/errors.js";
import { collapsedForm, frankWolfeWeights, sparsifyWeights } from "./sdid-solver.js";
import { checkSynthMatrix, type SynthMatrix } from "./sdid-types.js";

/**
 * The three estimators of R synthdid sharing one weighted double difference τ = (−ω, 1/N1)ᵀ Y (−λ, 1/T1):
 * synthetic DiD (unit and time weights), synthetic control (unit weights, no intercept, no time weights) and
 * plain DiD (uniform weights).
 *
 * @example
 * ```ts
 * import { SDID_ESTIMATORS } from "truelift";
 * SDID_ESTIMATORS; // ["sdid", "sc", "did"]
 * ```
 */
export const SDID_ESTIMATORS = ["sdid", "sc", "did"] as const;
/** One of {@link SDID_ESTIMATORS}. */
export type SdidEstimator = (typeof SDID_ESTIMATORS)[number];

/**
 * Tuning of {@link synthdidEstimate}, as the arguments of R synthdid 0.0.9's `synthdid_estimate`. Every field is
 * optional; defaults depend on the estimator and the data:
 *
 * - `noiseLevel` σ̂: __Default value:__ the sample sd of all first differences of the control units'
 *   pre-period outcomes.
 * - `etaOmega`: __Default value:__ (N1·T1)^(1/4) for `sdid` and `did`, 1e-6 for `sc`. `etaLambda`: 1e-6.
 * - `zetaOmega`, `zetaLambda`: ridge levels; __Default value:__ eta × σ̂ (override both etas when given).
 * - `omegaIntercept`: __Default value:__ `true` (`false` for `sc`). `lambdaIntercept`: `true`.
 * - `minDecrease`: __Default value:__ 1e-5 × σ̂. `maxIter`: __Default value:__ 10000.
 * - `sparsify`: run a first round of at most `maxIterPreSparsify` (__Default value:__ 100) iterations, zero
 *   weights ≤ max/4, renormalise and restart from there; __Default value:__ `true`.
 * - `omega`, `lambda`: starting (or, when not updated, fixed) weights.
 * - `updateOmega`, `updateLambda`: estimate the weights (true) or use the given ones as they are.
 *
 * @example
 * ```ts
 * import type { SdidTuning } from "truelift";
 * const tuning: SdidTuning = { etaOmega: 1, maxIter: 20000 };
 * ```
 */
export interface SdidTuning {
  readonly noiseLevel?: number;
  readonly etaOmega?: number;
  readonly etaLambda?: number;
  readonly zetaOmega?: number;
  readonly zetaLambda?: number;
  readonly omegaIntercept?: boolean;
  readonly lambdaIntercept?: boolean;
  readonly minDecrease?: number;
  readonly maxIter?: number;
  readonly sparsify?: boolean;
  readonly maxIterPreSparsify?: number;
  readonly omega?: ArrayLike<number> | null;
  readonly lambda?: ArrayLike<number> | null;
  readonly updateOmega?: boolean;
  readonly updateLambda?: boolean;
}

/**
 * The options a fit actually used, resolved from {@link SdidTuning} (synthdid's `opts` attribute). Resampling
 * standard errors refit with these same values (they do not recompute σ̂ or ζ on the resampled panel).
 */
export interface SdidResolvedOptions {
  readonly noiseLevel: number;
  readonly zetaOmega: number;
  readonly zetaLambda: number;
  readonly omegaIntercept: boolean;
  readonly lambdaIntercept: boolean;
  readonly updateOmega: boolean;
  readonly updateLambda: boolean;
  readonly minDecrease: number;
  readonly maxIter: number;
  readonly sparsify: boolean;
  readonly maxIterPreSparsify: number;
}

/**
 * One synthdid-family fit on a {@link SynthMatrix}: the estimate, the unit weights ω (one per control, in row
 * order) and the time weights λ (one per pre-period), the options used, and solver bookkeeping.
 *
 * @example
 * ```ts
 * import { synthdidEstimate } from "truelift";
 * const fit = synthdidEstimate(panel, "sc");
 * fit.omega.reduce((a, b) => a + b, 0); // 1
 * ```
 */
export interface SdidFit {
  readonly estimator: SdidEstimator;
  readonly estimate: number;
  readonly omega: Float64Array;
  readonly lambda: Float64Array;
  readonly options: SdidResolvedOptions;
  /** Frank–Wolfe iterations of the final round, for ω and λ (0 when the weights were not estimated). */
  readonly iterations: { readonly omega: number; readonly lambda: number };
  /** True when a weight solve stopped at `maxIter` rather than on the decrease criterion. */
  readonly hitMaxIter: boolean;
}

/**
 * The noise level σ̂ of synthdid: the sample standard deviation (n − 1 denominator) of all first differences
 * Y[i, t+1] − Y[i, t] of the control units over the pre-period.
 *
 * @example
 * ```ts
 * import { sdidNoiseLevel } from "truelift";
 * sdidNoiseLevel(Float64Array.from([0, 1, 3, 0, 2, 2, 9, 9, 9]), 3, 2, 3); // sd of [1, 2, 2, 0]
 * ```
 */
export function sdidNoiseLevel(y: Float64Array, t: number, n0: number, t0: number): number {
  const diffs: number[] = [];
  for (let i = 0; i < n0; i++) {
    for (let s = 1; s < t0; s++) diffs.push(y[i * t + s] - y[i * t + s - 1]);
  }
  if (diffs.length < 2) return 0;
  let mean = 0;
  for (const d of diffs) mean += d;
  mean /= diffs.length;
  let ss = 0;
  for (const d of diffs) ss += (d - mean) * (d - mean);
  return Math.sqrt(ss / (diffs.length - 1));
}

function defaults(estimator: SdidEstimator, n1: number, t1: number, noise: number, tuning: SdidTuning) {
  const etaOmega = tuning.etaOmega ?? (estimator === "sc" ? 1e-6 : (n1 * t1) ** 0.25);
  const etaLambda = tuning.etaLambda ?? 1e-6;
  return {
    noiseLevel: noise,
    zetaOmega: tuning.zetaOmega ?? etaOmega * noise,
    zetaLambda: tuning.zetaLambda ?? etaLambda * noise,
    omegaIntercept: tuning.omegaIntercept ?? estimator !== "sc",
    lambdaIntercept: tuning.lambdaIntercept ?? true,
    minDecrease: tuning.minDecrease ?? 1e-5 * noise,
    maxIter: tuning.maxIter ?? 10000,
    sparsify: tuning.sparsify ?? true,
    maxIterPreSparsify: tuning.maxIterPreSparsify ?? 100,
  };
}

function fixedWeights(estimator: SdidEstimator, n0: number, t0: number, tuning: SdidTuning) {
  let omega: Float64Array | null = tuning.omega ? Float64Array.from(tuning.omega) : null;
  let lambda: Float64Array | null = tuning.lambda ? Float64Array.from(tuning.lambda) : null;
  if (estimator === "sc" && lambda === null) lambda = new Float64Array(t0);
  if (estimator === "did") {
    if (lambda === null) lambda = new Float64Array(t0).fill(1 / t0);
    if (omega === null) omega = new Float64Array(n0).fill(1 / n0);
  }
  if (omega && omega.length !== n0) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `omega has ${omega.length} entries for ${n0} control units.`,
    );
  }
  if (lambda && lambda.length !== t0) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `lambda has ${lambda.length} entries for ${t0} pre-periods.`,
    );
  }
  return { omega, lambda };
}

/**
 * Fits the synthetic-DiD family exactly as R synthdid 0.0.9 does on `panel.matrices` output
 * (`synthdid_estimate`, `sc_estimate`, `did_estimate`, without covariates):
 *
 * 1. σ̂ = sd of first differences of control pre-period outcomes; ζ_ω = η_ω σ̂ with η_ω = (N1 T1)^(1/4) (sdid),
 *    ζ_λ = 10⁻⁶ σ̂.
 * 2. Time weights λ (sdid): regress each control's post-period mean on its pre-period outcomes, with an
 *    intercept, λ on the simplex (Frank–Wolfe; 100 iterations, sparsify, then to convergence).
 * 3. Unit weights ω: regress the treated pre-period mean path on the controls' paths, with an intercept (sdid;
 *    none for sc), ridge ζ_ω² T0 ‖ω‖², ω on the simplex (same two rounds).
 * 4. τ = (−ω, 1/N1)ᵀ Y (−λ, 1/T1). For `sc` λ = 0; for `did` ω = 1/N0 and λ = 1/T0.
 *
 * @example
 * ```ts
 * import { synthdidEstimate } from "truelift";
 * const fit = synthdidEstimate(panel, "sdid"); // California Prop 99: −15.604
 * fit.omega; fit.lambda;
 * ```
 * @see Arkhangelsky, Athey, Hirshberg, Imbens & Wager (2021), "Synthetic Difference-in-Differences", American
 *   Economic Review 111(12), 4088–4118, Algorithm 1; R package synthdid 0.0.9.
 */
export function synthdidEstimate(
  panel: SynthMatrix,
  estimator: SdidEstimator = "sdid",
  tuning: SdidTuning = {},
): SdidFit {
  const shape = checkSynthMatrix(panel);
  const noise = tuning.noiseLevel ?? sdidNoiseLevel(panel.y, shape.t, shape.n0, shape.t0);
  const base = defaults(estimator, shape.n1, shape.t1, noise, tuning);
  const fixed = fixedWeights(estimator, shape.n0, shape.t0, tuning);
  const options: SdidResolvedOptions = {
    ...base,
    updateOmega: tuning.updateOmega ?? fixed.omega === null,
    updateLambda: tuning.updateLambda ?? fixed.lambda === null,
  };
  return fitWithOptions(panel.y, shape.n, shape.t, shape.n0, shape.t0, estimator, options, fixed);
}

/**
 * The core of {@link synthdidEstimate} on a raw row-major matrix with fully resolved options and optional
 * starting weights (used by the resampling standard errors, which reuse the original fit's options).
 *
 * @example
 * ```ts
 * import { fitWithOptions, synthdidEstimate } from "truelift";
 * const fit = synthdidEstimate(panel);
 * const again = fitWithOptions(panel.y, 39, 31, 38, 19, "sdid", fit.options, { omega: fit.omega, lambda: fit.lambda });
 * ```
 */
export function fitWithOptions(
  y: Float64Array,
  n: number,
  t: number,
  n0: number,
  t0: number,
  estimator: SdidEstimator,
  options: SdidResolvedOptions,
  start: { readonly omega: Float64Array | null; readonly lambda: Float64Array | null },
): SdidFit {
  const yc = collapsedForm(y, n, t, n0, t0);
  let hitMaxIter = false;
  const iterations = { omega: 0, lambda: 0 };

  let lambda = start.lambda;
  if (options.updateLambda) {
    // rows: controls; columns: pre-periods then the post mean
    const m = yc.subarray(0, n0 * (t0 + 1));
    const r = solveTwoRounds(m, n0, t0, options.zetaLambda, options.lambdaIntercept, lambda, options);
    lambda = r.weights;
    iterations.lambda = r.iterations;
    hitMaxIter ||= r.hitMaxIter;
  }
  let omega = start.omega;
  if (options.updateOmega) {
    // transpose of the pre-period block: rows = pre-periods, columns = controls then the treated mean
    const m = new Float64Array(t0 * (n0 + 1));
    for (let s = 0; s < t0; s++) {
      for (let i = 0; i <= n0; i++) m[s * (n0 + 1) + i] = yc[i * (t0 + 1) + s];
    }
    const r = solveTwoRounds(m, t0, n0, options.zetaOmega, options.omegaIntercept, omega, options);
    omega = r.weights;
    iterations.omega = r.iterations;
    hitMaxIter ||= r.hitMaxIter;
  }
  if (omega === null || lambda === null) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "Weights that are not estimated must be given.");
  }
  return {
    estimator,
    estimate: weightedDoubleDifference(y, n, t, n0, t0, omega, lambda),
    omega,
    lambda,
    options,
    iterations,
    hitMaxIter,
  };
}

function solveTwoRounds(
  m: Float64Array,
  rows: number,
  cols: number,
  zeta: number,
  intercept: boolean,
  init: Float64Array | null,
  options: SdidResolvedOptions,
) {
  const first = frankWolfeWeights(m, rows, cols, {
    zeta,
    intercept,
    init,
    minDecrease: options.minDecrease,
    maxIter: options.sparsify ? options.maxIterPreSparsify : options.maxIter,
  });
  if (!options.sparsify) return first;
  return frankWolfeWeights(m, rows, cols, {
    zeta,
    intercept,
    init: sparsifyWeights(first.weights),
    minDecrease: options.minDecrease,
    maxIter: options.maxIter,
  });
}

/**
 * τ = (−ω, 1/N1)ᵀ Y (−λ, 1/T1): the treated-minus-synthetic contrast of post-period means minus the same contrast
 * of the λ-weighted pre-period.
 *
 * @example
 * ```ts
 * import { weightedDoubleDifference } from "truelift";
 * weightedDoubleDifference(Float64Array.from([1, 2, 1, 5]), 2, 2, 1, 1, Float64Array.of(1), Float64Array.of(1)); // 3
 * ```
 */
export function weightedDoubleDifference(
  y: Float64Array,
  n: number,
  t: number,
  n0: number,
  t0: number,
  omega: ArrayLike<number>,
  lambda: ArrayLike<number>,
): number {
  const n1 = n - n0;
  const t1 = t - t0;
  let tau = 0;
  for (let i = 0; i < n; i++) {
    const wi = i < n0 ? -omega[i] : 1 / n1;
    if (wi === 0) continue;
    let row = 0;
    for (let s = 0; s < t; s++) row += y[i * t + s] * (s < t0 ? -lambda[s] : 1 / t1);
    tau += wi * row;
  }
  return tau;
}

/**
 * synthdid's effect curve: for each post period, treated mean minus ω-synthetic control, minus the λ-weighted
 * pre-period value of the same gap (its mean is the estimate).
 *
 * @example
 * ```ts
 * import { sdidEffectCurve, synthdidEstimate } from "truelift";
 * const fit = synthdidEstimate(panel);
 * sdidEffectCurve(panel, fit); // one value per post period
 * ```
 */
export function sdidEffectCurve(panel: SynthMatrix, fit: Pick<SdidFit, "omega" | "lambda">): number[] {
  const gap = synthdidGap(panel, fit.omega);
  const t0 = panel.t0;
  let base = 0;
  for (let s = 0; s < t0; s++) base += gap[s] * fit.lambda[s];
  return gap.slice(t0).map((g) => g - base);
}

/**
 * Treated mean minus the ω-weighted control mean, per period (pre and post): the unshifted SC gap.
 *
 * @example
 * ```ts
 * import { synthdidGap } from "truelift";
 * synthdidGap(panel, fit.omega); // T values
 * ```
 */
export function synthdidGap(panel: SynthMatrix, omega: ArrayLike<number>): number[] {
  const t = panel.periods.length;
  const n = panel.unitNames.length;
  const n0 = panel.n0;
  const out = new Array<number>(t).fill(0);
  for (let s = 0; s < t; s++) {
    let tr = 0;
    for (let i = n0; i < n; i++) tr += panel.y[i * t + s];
    let co = 0;
    for (let i = 0; i < n0; i++) co += omega[i] * panel.y[i * t + s];
    out[s] = tr / (n - n0) - co;
  }
  return out;
}
