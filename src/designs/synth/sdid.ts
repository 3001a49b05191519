import type { Diagnostic } from "../../core/diagnostics.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import { waldTerm } from "../../models/wald-term.js";
import { sdidDiagnostics, sdidPreFitRmse } from "./sdid-diagnostics.js";
import {
  type SdidEstimator,
  type SdidFit,
  type SdidTuning,
  sdidEffectCurve,
  synthdidEstimate,
  synthdidGap,
} from "./sdid-estimate.js";
import { type SdidSe, type SdidSeMethod, sdidStandardError } from "./sdid-se.js";
import { parseSdidSpec, type SdidSpec } from "./sdid-spec.js";
import { checkSynthMatrix, type SynthMatrix } from "./sdid-types.js";

/** One control unit's weight under each estimator (DiD weights are uniform). */
export interface SdidUnitWeightRow {
  readonly unit: string;
  readonly sdid: number;
  readonly sc: number;
  readonly did: number;
}

/** One pre-period's time weight under SDID (SC puts none, DiD 1/T0 on each). */
export interface SdidTimeWeightRow {
  readonly period: number | string;
  readonly sdid: number;
  readonly did: number;
}

/**
 * Tidy trajectory rows for charts: per period, the treated mean and the headline estimator's synthetic
 * comparison (ω-weighted controls shifted by the λ-weighted pre-period gap, as synthdid's plot draws it), the
 * gap between them, and whether the period is after the change.
 */
export interface SdidTrajectoryRow {
  readonly period: number | string;
  readonly treated: number;
  readonly synthetic: number;
  readonly gap: number;
  readonly post: boolean;
}

/** A summary of one estimator's fit. */
export interface SdidFitSummary {
  readonly estimate: number;
  readonly zetaOmega: number;
  readonly zetaLambda: number;
  readonly iterations: { readonly omega: number; readonly lambda: number };
  readonly hitMaxIter: boolean;
}

/**
 * Everything {@link sdid} returns: plain, frozen, JSON-serialisable data.
 *
 * @example
 * ```ts
 * import { sdid, type SdidResult } from "truelift";
 * const res = sdid(panel, { se: false });
 * res.unitWeights.filter((w) => w.sdid > 0).length; // donors with SDID weight
 * ```
 */
export interface SdidResult {
  readonly method: "sdid";
  readonly estimator: SdidEstimator;
  /** The headline estimate with its SE (null when not computed or undefined), z statistic, p-value and CI. */
  readonly estimate: Term;
  readonly fits: Readonly<Record<SdidEstimator, SdidFitSummary>>;
  readonly se: {
    readonly method: SdidSeMethod;
    readonly se: number | null;
    readonly reps: number;
    readonly seed: number | null;
    readonly replicates: readonly number[];
    readonly unavailable: string | null;
  } | null;
  /** The naive contrasts: the treated units' post-minus-pre change, and plain DiD. */
  readonly naive: { readonly beforeAfter: number; readonly did: number };
  readonly noiseLevel: number;
  readonly preFitRmse: number;
  readonly unitWeights: readonly SdidUnitWeightRow[];
  readonly timeWeights: readonly SdidTimeWeightRow[];
  readonly trajectory: readonly SdidTrajectoryRow[];
  /** Per post period: synthdid's effect curve (its mean is the estimate). */
  readonly effectCurve: readonly { readonly period: number | string; readonly effect: number }[];
  readonly alpha: number;
  readonly n: {
    readonly units: number;
    readonly controls: number;
    readonly treated: number;
    readonly periods: number;
    readonly pre: number;
    readonly post: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Synthetic difference-in-differences on a unit × period panel with one treated block, with the synthetic
 * control and plain DiD estimates on the same panel for contrast, exactly as R synthdid 0.0.9:
 *
 * ```
 * check the panel → σ̂, ζ → SDID, SC, DiD weights and estimates (Frank–Wolfe, sparsify)
 *   → standard error of the headline (placebo / jackknife / bootstrap) → trajectories, effect curve
 *   → pre-fit and estimator contrast diagnostics
 * ```
 *
 * The confidence interval is est ± z_{1−α/2}·SE with the normal reference (synthdid's `confint`).
 *
 * @example
 * ```ts
 * import { sdid } from "truelift";
 * const res = sdid(prop99Panel, { se: { method: "placebo", reps: 200, seed: 12345 } });
 * res.estimate.estimate; // −15.604 (SE ≈ 8.4 by placebo)
 * res.fits.sc.estimate;  // −19.620
 * res.naive.did;         // −27.349
 * ```
 * @see Arkhangelsky, Athey, Hirshberg, Imbens & Wager (2021), "Synthetic Difference-in-Differences", American
 *   Economic Review 111(12), 4088–4118; R package synthdid 0.0.9.
 */
export function sdid(
  panel: SynthMatrix,
  spec: SdidSpec = {},
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<SdidResult> {
  const s = parseSdidSpec(spec);
  const shape = checkSynthMatrix(panel);
  const estimator = s.estimator ?? "sdid";
  const alpha = s.alpha ?? 0.05;
  const tuning: SdidTuning = { ...(s.tuning ?? {}) };
  const fits: Record<SdidEstimator, SdidFit> = {
    sdid: synthdidEstimate(panel, "sdid", tuning),
    sc: synthdidEstimate(panel, "sc", tuning),
    did: synthdidEstimate(panel, "did", tuning),
  };
  const head = fits[estimator];
  const seOpts = s.se === false ? null : (s.se ?? {});
  const se: SdidSe | null =
    seOpts === null
      ? null
      : sdidStandardError(panel, head, seOpts.method ?? "placebo", {
          reps: seOpts.reps,
          seed: seOpts.seed,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });

  const gap = synthdidGap(panel, head.omega);
  const preGap = gap.slice(0, shape.t0);
  const lambdaSum = head.lambda.reduce((a, b) => a + b, 0);
  let offset = 0;
  for (let k = 0; k < shape.t0; k++) offset += head.lambda[k] * preGap[k];
  const trajectory: SdidTrajectoryRow[] = panel.periods.map((period, k) => {
    let tr = 0;
    for (let i = shape.n0; i < shape.n; i++) tr += panel.y[i * shape.t + k];
    tr /= shape.n1;
    const synthetic = tr - gap[k] + (lambdaSum > 0 ? offset : 0);
    return { period, treated: tr, synthetic, gap: tr - synthetic, post: k >= shape.t0 };
  });
  const curve = sdidEffectCurve(panel, head);
  const preFitRmse = sdidPreFitRmse(preGap, head.lambda, estimator !== "sc");

  let pre = 0;
  let post = 0;
  for (let i = shape.n0; i < shape.n; i++) {
    for (let k = 0; k < shape.t; k++) {
      if (k < shape.t0) pre += panel.y[i * shape.t + k];
      else post += panel.y[i * shape.t + k];
    }
  }
  const beforeAfter = post / (shape.n1 * shape.t1) - pre / (shape.n1 * shape.t0);

  const summary = (f: SdidFit): SdidFitSummary => ({
    estimate: f.estimate,
    zetaOmega: f.options.zetaOmega,
    zetaLambda: f.options.zetaLambda,
    iterations: f.iterations,
    hitMaxIter: f.hitMaxIter,
  });
  const diagnostics = sdidDiagnostics(estimator, fits, se, preFitRmse);
  const result: SdidResult = {
    method: "sdid",
    estimator,
    estimate: waldTerm(estimator, head.estimate, se?.se ?? null, alpha),
    fits: { sdid: summary(fits.sdid), sc: summary(fits.sc), did: summary(fits.did) },
    se:
      se === null
        ? null
        : {
            method: se.method,
            se: se.se,
            reps: se.reps,
            seed: se.seed,
            replicates: se.replicates,
            unavailable: se.unavailable,
          },
    naive: { beforeAfter, did: fits.did.estimate },
    noiseLevel: head.options.noiseLevel,
    preFitRmse,
    unitWeights: panel.unitNames.slice(0, shape.n0).map((unit, i) => ({
      unit,
      sdid: fits.sdid.omega[i],
      sc: fits.sc.omega[i],
      did: fits.did.omega[i],
    })),
    timeWeights: panel.periods.slice(0, shape.t0).map((period, k) => ({
      period,
      sdid: fits.sdid.lambda[k],
      did: fits.did.lambda[k],
    })),
    trajectory,
    effectCurve: panel.periods.slice(shape.t0).map((period, k) => ({ period, effect: curve[k] })),
    alpha,
    n: {
      units: shape.n,
      controls: shape.n0,
      treated: shape.n1,
      periods: shape.t,
      pre: shape.t0,
      post: shape.t1,
    },
    diagnostics,
    provenance: {
      spec: toJson(s),
      ...(se?.seed != null ? { seed: se.seed } : {}),
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
    },
  };
  return deepFreeze(result);
}
