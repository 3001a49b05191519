import { TrueliftError } from "../../core/errors.js";
import { cholesky, choleskySolve } from "../../numeric/linalg/cholesky.js";
import { simplexLeastSquares } from "../../numeric/optimize/least-squares.js";

/**
 * The pre-period data of augmented SC in augsynth's centred form: `xc` is N0 × T0 (row-major) control
 * pre-period outcomes minus the control mean of each period, `x1` the treated (mean) pre-period path minus the
 * same control means.
 */
export interface CentredPre {
  readonly xc: Float64Array;
  readonly x1: Float64Array;
  readonly n0: number;
  readonly t0: number;
}

/**
 * Synthetic-control weights on the simplex for the centred pre-period outcomes: argmin ‖x1 − Xcᵀw‖² over w ≥ 0,
 * Σw = 1 (augsynth's `synth_qp` with V = I; solved exactly by {@link simplexLeastSquares} instead of OSQP at
 * 1e-8), using the periods listed in `periods` (all when omitted).
 *
 * @example
 * ```ts
 * import { scSimplexWeights } from "truelift";
 * scSimplexWeights({ xc: Float64Array.of(1, 0, -1, 0), x1: Float64Array.of(0, 0), n0: 2, t0: 2 }); // [0.5, 0.5]
 * ```
 */
export function scSimplexWeights(pre: CentredPre, periods?: readonly number[]): Float64Array {
  const cols = periods ?? Array.from({ length: pre.t0 }, (_, s) => s);
  const rows = cols.length;
  const a = new Float64Array(rows * pre.n0);
  const b = new Float64Array(rows);
  cols.forEach((s, r) => {
    for (let j = 0; j < pre.n0; j++) a[r * pre.n0 + j] = pre.xc[j * pre.t0 + s];
    b[r] = pre.x1[s];
  });
  return simplexLeastSquares({ rows, cols: pre.n0, data: a }, b).x;
}

/**
 * The ridge correction of augsynth's `fit_ridgeaug_inner`: given base weights w (e.g. SC weights),
 * w_aug = w + Xc (XcᵀXc + λI)⁻¹ (x1 − Xcᵀw) on the periods `periods` (all when omitted). Because Xc is centred
 * over controls, the correction sums to zero and w_aug still sums to one, but may be negative.
 *
 * @example
 * ```ts
 * import { ridgeAugment } from "truelift";
 * const pre = { xc: Float64Array.of(1, 0, -1, 0), x1: Float64Array.of(2, 0), n0: 2, t0: 2 };
 * ridgeAugment(pre, Float64Array.of(0.5, 0.5), 1e-9); // ≈ [1.5, −0.5]
 * ```
 */
export function ridgeAugment(
  pre: CentredPre,
  base: Float64Array,
  lambda: number,
  periods?: readonly number[],
): Float64Array {
  const cols = periods ?? Array.from({ length: pre.t0 }, (_, s) => s);
  const k = cols.length;
  const n0 = pre.n0;
  // residual r = x1 − Xcᵀ w over the chosen periods
  const r = new Float64Array(k);
  cols.forEach((s, c) => {
    let v = pre.x1[s];
    for (let j = 0; j < n0; j++) v -= pre.xc[j * pre.t0 + s] * base[j];
    r[c] = v;
  });
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < n0; j++) s += pre.xc[j * pre.t0 + cols[a]] * pre.xc[j * pre.t0 + cols[b]];
      g[a * k + b] = s;
      g[b * k + a] = s;
    }
    g[a * k + a] += lambda;
  }
  const l = cholesky(g, k);
  if (l === null) {
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      `The ridge system is not positive definite at λ = ${lambda}.`,
      {
        details: { lambda },
        hint: "Use a larger ridge penalty λ.",
      },
    );
  }
  const z = choleskySolve(l, k, r);
  const out = Float64Array.from(base);
  for (let j = 0; j < n0; j++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += pre.xc[j * pre.t0 + cols[c]] * z[c];
    out[j] += s;
  }
  return out;
}

/** The cross-validation path of {@link ridgeLambdaCv}. */
export interface RidgeLambdaCv {
  readonly lambda: number;
  readonly lambdaMin: number;
  readonly lambdas: readonly number[];
  readonly errors: readonly number[];
  readonly errorsSe: readonly number[];
  readonly rule: "1se" | "min";
}

/**
 * Options of {@link ridgeLambdaCv}, as augsynth's defaults: `lambdaMinRatio` 1e-8, `nLambda` 20 (21 values from
 * λ_max = σ₁(Xc)² down to λ_max·1e-8, log-spaced), `holdoutLength` 1, `min1se` true (the largest λ whose mean
 * error is within one standard error of the minimum), `lambdaMax` (__Default value:__ σ₁(Xc)²).
 *
 * @example
 * ```ts
 * import type { RidgeLambdaCvOptions } from "truelift";
 * const o: RidgeLambdaCvOptions = { nLambda: 20, min1se: true };
 * ```
 */
export interface RidgeLambdaCvOptions {
  readonly lambdaMinRatio?: number;
  readonly nLambda?: number;
  readonly holdoutLength?: number;
  readonly min1se?: boolean;
  readonly lambdaMax?: number;
}

/**
 * Chooses the ridge penalty λ of augmented SC by augsynth's leave-periods-out cross-validation
 * (`cv_lambda` / `get_lambda_errors` / `choose_lambda`): for each start i = 1 … T0 − h, hold out periods
 * i … i + h − 1, refit the SC weights on the other pre-periods, augment them with each λ, and score the squared
 * prediction error of the held-out periods; the error of λ is the mean over folds, its SE sd/√folds.
 *
 * @example
 * ```ts
 * import { ridgeLambdaCv } from "truelift";
 * const cv = ridgeLambdaCv(pre); // cv.lambda, cv.lambdas, cv.errors
 * ```
 * @see Ben-Michael, Feller & Rothstein (2021), "The Augmented Synthetic Control Method", JASA 116(536); R
 *   package augsynth (ridge.R, ridge_lambda.R).
 */
export function ridgeLambdaCv(pre: CentredPre, options: RidgeLambdaCvOptions = {}): RidgeLambdaCv {
  const h = options.holdoutLength ?? 1;
  const nLambda = options.nLambda ?? 20;
  const ratio = options.lambdaMinRatio ?? 1e-8;
  if (!Number.isInteger(h) || h < 1 || h >= pre.t0) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `holdoutLength must be an integer in 1 … ${pre.t0 - 1} (T0 − 1); got ${h}.`,
      { details: { holdoutLength: h, t0: pre.t0 } },
    );
  }
  const lambdaMax = options.lambdaMax ?? largestSingularValueSquared(pre);
  const scaler = ratio ** (1 / nLambda);
  const lambdas = Array.from({ length: nLambda + 1 }, (_, k) => lambdaMax * scaler ** k);
  const folds = pre.t0 - h;
  const errs = lambdas.map(() => new Float64Array(folds));
  for (let i = 0; i < folds; i++) {
    const held = Array.from({ length: h }, (_, d) => i + d);
    const kept = Array.from({ length: pre.t0 }, (_, s) => s).filter((s) => s < i || s >= i + h);
    const syn = scSimplexWeights(pre, kept);
    lambdas.forEach((lambda, li) => {
      const w = ridgeAugment(pre, syn, lambda, kept);
      let e = 0;
      for (const s of held) {
        let pred = 0;
        for (let j = 0; j < pre.n0; j++) pred += pre.xc[j * pre.t0 + s] * w[j];
        e += (pre.x1[s] - pred) ** 2;
      }
      errs[li][i] = e;
    });
  }
  const errors = errs.map((e) => e.reduce((a, b) => a + b, 0) / folds);
  const errorsSe = errs.map((e, li) => {
    if (folds < 2) return 0;
    const m = errors[li];
    const v = e.reduce((a, b) => a + (b - m) ** 2, 0) / (folds - 1);
    return Math.sqrt(v) / Math.sqrt(folds);
  });
  let minIdx = 0;
  for (let k = 1; k < errors.length; k++) if (errors[k] < errors[minIdx]) minIdx = k;
  const bound = errors[minIdx] + errorsSe[minIdx];
  let lambda1se = Number.NEGATIVE_INFINITY;
  lambdas.forEach((l, k) => {
    if (errors[k] <= bound && l > lambda1se) lambda1se = l;
  });
  const min1se = options.min1se ?? true;
  return {
    lambda: min1se ? lambda1se : lambdas[minIdx],
    lambdaMin: lambdas[minIdx],
    lambdas,
    errors,
    errorsSe,
    rule: min1se ? "1se" : "min",
  };
}

/** σ₁(Xc)²: the largest eigenvalue of XcᵀXc, by power iteration on the T0 × T0 Gram matrix. */
function largestSingularValueSquared(pre: CentredPre): number {
  const { xc, n0, t0 } = pre;
  const g = new Float64Array(t0 * t0);
  for (let a = 0; a < t0; a++) {
    for (let b = a; b < t0; b++) {
      let s = 0;
      for (let j = 0; j < n0; j++) s += xc[j * t0 + a] * xc[j * t0 + b];
      g[a * t0 + b] = s;
      g[b * t0 + a] = s;
    }
  }
  let v = new Float64Array(t0).fill(1 / Math.sqrt(t0));
  let value = 0;
  for (let it = 0; it < 10000; it++) {
    const w = new Float64Array(t0);
    for (let a = 0; a < t0; a++) {
      let s = 0;
      for (let b = 0; b < t0; b++) s += g[a * t0 + b] * v[b];
      w[a] = s;
    }
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    for (let a = 0; a < t0; a++) w[a] /= norm;
    const next = norm;
    const converged = Math.abs(next - value) <= 1e-14 * next;
    value = next;
    v = w;
    if (converged) break;
  }
  return value;
}
