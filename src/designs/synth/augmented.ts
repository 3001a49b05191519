import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance, type Term } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import {
  type CentredPre,
  type RidgeLambdaCv,
  type RidgeLambdaCvOptions,
  ridgeAugment,
  ridgeLambdaCv,
  scSimplexWeights,
} from "./augmented-ridge.js";
import { checkSynthMatrix, type SynthMatrix } from "./sdid-types.js";

/**
 * Options of {@link augmentedSc}.
 *
 * - `lambda`: the ridge penalty λ ≥ 0, or `"cv"` to choose it as augsynth does (see {@link ridgeLambdaCv}).
 *   __Default value:__ `"cv"`.
 * - `cv`: cross-validation options (`lambdaMinRatio`, `nLambda`, `holdoutLength`, `min1se`, `lambdaMax`).
 *
 * @example
 * ```ts
 * import type { AugmentedScOptions } from "truelift";
 * const o: AugmentedScOptions = { lambda: "cv", cv: { min1se: true } };
 * ```
 */
export interface AugmentedScOptions {
  readonly lambda?: number | "cv";
  readonly cv?: RidgeLambdaCvOptions;
}

/** Pre-period fit of a set of weights: L2 imbalance, the same scaled by uniform weights' imbalance, and RMSE. */
export interface AugmentedPreFit {
  readonly l2Imbalance: number;
  readonly scaledL2Imbalance: number;
  readonly rmse: number;
}

/**
 * Everything {@link augmentedSc} returns: plain, frozen, JSON-serialisable data.
 *
 * @example
 * ```ts
 * import { augmentedSc } from "truelift";
 * const res = augmentedSc(panel, { lambda: 10 });
 * res.weights.filter((w) => w.augmented < 0).length; // donors with negative augmented weight
 * ```
 */
export interface AugmentedScResult {
  readonly method: "augmented-sc";
  /** Mean post-period gap of the treated (mean) unit and the ridge-augmented synthetic control (no SE). */
  readonly estimate: Term;
  /** The same with the plain SC weights (the augmentation's starting point). */
  readonly scEstimate: number;
  readonly lambda: number;
  readonly lambdaSource: "cv-1se" | "cv-min" | "given";
  readonly cv: RidgeLambdaCv | null;
  readonly weights: readonly { readonly unit: string; readonly sc: number; readonly augmented: number }[];
  readonly preFit: { readonly sc: AugmentedPreFit; readonly augmented: AugmentedPreFit };
  /** Per period: treated mean, SC and augmented counterfactuals. */
  readonly trajectory: readonly {
    readonly period: number | string;
    readonly treated: number;
    readonly sc: number;
    readonly augmented: number;
    readonly post: boolean;
  }[];
  readonly n: {
    readonly controls: number;
    readonly treated: number;
    readonly pre: number;
    readonly post: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Centres a panel's pre-period outcomes as augsynth does: every pre-period column minus its mean over the
 * controls; the treated units are averaged first.
 *
 * @example
 * ```ts
 * import { centredPre } from "truelift";
 * centredPre(panel).x1; // treated pre-path minus the control mean of each period
 * ```
 */
export function centredPre(panel: SynthMatrix): CentredPre {
  const { n, t, n0, t0, n1 } = checkSynthMatrix(panel);
  const xc = new Float64Array(n0 * t0);
  const x1 = new Float64Array(t0);
  for (let s = 0; s < t0; s++) {
    let m = 0;
    for (let j = 0; j < n0; j++) m += panel.y[j * t + s];
    m /= n0;
    for (let j = 0; j < n0; j++) xc[j * t0 + s] = panel.y[j * t + s] - m;
    let tr = 0;
    for (let i = n0; i < n; i++) tr += panel.y[i * t + s] - m;
    x1[s] = tr / n1;
  }
  return { xc, x1, n0, t0 };
}

function preFit(pre: CentredPre, w: ArrayLike<number>): AugmentedPreFit {
  let ss = 0;
  let ssU = 0;
  for (let s = 0; s < pre.t0; s++) {
    let p = 0;
    let u = 0;
    for (let j = 0; j < pre.n0; j++) {
      p += pre.xc[j * pre.t0 + s] * w[j];
      u += pre.xc[j * pre.t0 + s] / pre.n0;
    }
    ss += (p - pre.x1[s]) ** 2;
    ssU += (u - pre.x1[s]) ** 2;
  }
  const l2 = Math.sqrt(ss);
  return {
    l2Imbalance: l2,
    scaledL2Imbalance: ssU > 0 ? l2 / Math.sqrt(ssU) : 0,
    rmse: Math.sqrt(ss / pre.t0),
  };
}

/**
 * Ridge-augmented synthetic control (Ben-Michael, Feller & Rothstein 2021) as augsynth's
 * `augsynth(…, progfunc = "Ridge", scm = TRUE)` without covariates or fixed effects: SC weights on the centred
 * pre-period outcomes (simplex QP, V = I), plus the ridge correction Xc(XcᵀXc + λI)⁻¹(x1 − Xcᵀw), with λ by
 * augsynth's leave-one-period-out cross-validation and one-SE rule unless given. The counterfactual is the
 * donors' outcomes weighted by the augmented weights (which sum to one and may be negative); the estimate is the
 * mean post-period gap (augsynth's average ATT).
 *
 * Conventions: several treated units are averaged into one path first (augsynth's single-treated-time case);
 * the SC step is solved exactly rather than by OSQP at tolerance 1e-8, so weights can differ from augsynth's in
 * the 7th–8th digit, and where the SC solution is not unique (more donors than pre-periods with a perfect fit)
 * the minimum-norm-like solution of {@link scSimplexWeights} is used.
 *
 * @example
 * ```ts
 * import { augmentedSc } from "truelift";
 * const res = augmentedSc(panel);     // λ by cross-validation
 * res.estimate.estimate;              // average post-period effect
 * res.preFit.augmented.rmse;          // ≤ res.preFit.sc.rmse
 * ```
 * @see Ben-Michael, Feller & Rothstein (2021), "The Augmented Synthetic Control Method", Journal of the American
 *   Statistical Association 116(536), 1789–1803; R package augsynth.
 */
export function augmentedSc(
  panel: SynthMatrix,
  options: AugmentedScOptions = {},
): DeepReadonly<AugmentedScResult> {
  const shape = checkSynthMatrix(panel);
  const lambdaOpt = options.lambda ?? "cv";
  if (
    lambdaOpt !== "cv" &&
    !(typeof lambdaOpt === "number" && Number.isFinite(lambdaOpt) && lambdaOpt >= 0)
  ) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `lambda must be "cv" or a finite number ≥ 0; got ${String(lambdaOpt)}.`,
      {
        details: { lambda: String(lambdaOpt) },
      },
    );
  }
  const pre = centredPre(panel);
  const syn = scSimplexWeights(pre);
  const cv = lambdaOpt === "cv" ? ridgeLambdaCv(pre, options.cv) : null;
  const lambda = cv ? cv.lambda : (lambdaOpt as number);
  const aug = ridgeAugment(pre, syn, lambda);

  const { n, t, n0, t0, n1, t1 } = shape;
  const trajectory = panel.periods.map((period, s) => {
    let tr = 0;
    for (let i = n0; i < n; i++) tr += panel.y[i * t + s];
    tr /= n1;
    let sc = 0;
    let au = 0;
    for (let j = 0; j < n0; j++) {
      sc += panel.y[j * t + s] * syn[j];
      au += panel.y[j * t + s] * aug[j];
    }
    return { period, treated: tr, sc, augmented: au, post: s >= t0 };
  });
  const post = trajectory.filter((r) => r.post);
  const estimate = post.reduce((a, r) => a + r.treated - r.augmented, 0) / t1;
  const scEstimate = post.reduce((a, r) => a + r.treated - r.sc, 0) / t1;
  const fitSc = preFit(pre, syn);
  const fitAug = preFit(pre, aug);
  const negative = [...aug].filter((w) => w < -1e-12);

  const diagnostics: Diagnostic[] = [
    diagnostic("D_ASCM_RIDGE", "info", {
      lambda,
      source: cv ? `cv-${cv.rule}` : "given",
      preRmseSc: fitSc.rmse,
      preRmseAugmented: fitAug.rmse,
      scEstimate,
      augmentedEstimate: estimate,
    }),
  ];
  if (negative.length > 0) {
    const mass = negative.reduce((a, b) => a + b, 0);
    diagnostics.push(
      diagnostic("D_ASCM_NEGATIVE_WEIGHTS", Math.abs(mass) > 0.5 ? "warn" : "info", {
        negativeWeights: negative.length,
        negativeMass: mass,
      }),
    );
  }
  const result: AugmentedScResult = {
    method: "augmented-sc",
    estimate: { name: "augmented-sc", estimate, se: null, statistic: null, df: null, pValue: null, ci: null },
    scEstimate,
    lambda,
    lambdaSource: cv ? (cv.rule === "1se" ? "cv-1se" : "cv-min") : "given",
    cv,
    weights: panel.unitNames.slice(0, n0).map((unit, j) => ({ unit, sc: syn[j], augmented: aug[j] })),
    preFit: { sc: fitSc, augmented: fitAug },
    trajectory,
    n: { controls: n0, treated: n1, pre: t0, post: t1 },
    diagnostics,
    provenance: {
      spec: { lambda: lambdaOpt, cv: (options.cv ?? {}) as Json } as Json,
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
    },
  };
  return deepFreeze(result);
}
