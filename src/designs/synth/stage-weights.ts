import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { AdhSolution } from "./adh.js";
import { type NearUniqueness, nearUniqueness } from "./near-uniqueness.js";
import { fitProblem, type SynthProblem, type SynthProblemFit } from "./problem.js";
import type { SynthPrepareStage } from "./stage-prepare.js";
import { type WeightUniqueness, weightUniqueness } from "./uniqueness.js";

/** The donor weights of {@link synth}: the fit and how many donors it uses. */
export interface SynthWeightsStage {
  readonly fit: SynthProblemFit;
  /** Donors with weight above the threshold. */
  readonly usedDonors: number;
  /** Uniqueness of the weights from the KKT conditions of the problem actually solved (outcome or predictor fit). */
  readonly uniqueness: WeightUniqueness;
  /** With predictors: the pre-period MSPE range among weights that fit the predictors equally well. */
  readonly nearUniqueness: NearUniqueness | null;
  /** `D_SYNTH_WEIGHTS_NOT_UNIQUE` when the weights are not unique, or (predictors) nearly not unique. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Fits the donor weights (exact simplex QP on the pre-period outcomes, or the nested ADH V search with
 * predictors), counts the donors that carry weight, and checks their uniqueness: from the KKT conditions of the
 * weight problem ({@link weightUniqueness}) on either path, and with predictors also by probing the pre-period
 * MSPE range among weights that fit the predictors equally well ({@link nearUniqueness}).
 *
 * @example
 * ```ts
 * synthWeights(synthPrepare(frame, spec)).usedDonors; // e.g. 6
 * ```
 */
export function synthWeights(prep: SynthPrepareStage): SynthWeightsStage {
  const fit = fitProblem(prep.problem, { solver: "exact" });
  let usedDonors = 0;
  for (const w of fit.weights) if (w > prep.threshold) usedDonors++;
  const { problem } = prep;
  const J = problem.nDonors;
  const T0 = problem.preCount;
  let uniqueness: WeightUniqueness;
  let near: NearUniqueness | null = null;
  if (fit.adh && problem.predictors) {
    const inner = adhInnerProblem(problem.predictors, J, fit.adh);
    uniqueness = weightUniqueness(inner.b, inner.c.length, J, inner.c, fit.weights);
    near = nearUniqueness(
      {
        ...inner,
        z0: problem.donors.subarray(0, T0 * J),
        z1: problem.treated.subarray(0, T0),
        nDonors: J,
      },
      fit.weights,
    );
  } else {
    uniqueness = weightUniqueness(
      problem.donors.subarray(0, T0 * J),
      T0,
      J,
      problem.treated.subarray(0, T0),
      fit.weights,
    );
  }
  const base = { donors: J, preCount: T0 };
  const diagnostics: Diagnostic[] = [];
  if (near?.material) {
    diagnostics.push(
      diagnostic("D_SYNTH_WEIGHTS_NOT_UNIQUE", "warn", {
        ...base,
        epsilon: near.epsilon,
        lossV: near.lossV,
        lossVMin: near.lossVMin,
        lossVMax: near.lossVMax,
        unique: uniqueness.unique,
      }),
    );
  } else if (!uniqueness.unique) {
    diagnostics.push(diagnostic("D_SYNTH_WEIGHTS_NOT_UNIQUE", "warn", base));
  }
  return { fit, usedDonors, uniqueness, nearUniqueness: near, diagnostics };
}

/**
 * The inner ADH problem at the chosen V: lossW(w) = ‖B w − c‖² with B = √V X0 and c = √V X1 on the predictors
 * divided by their scale (Synth's `loss.w`).
 */
function adhInnerProblem(
  pred: NonNullable<SynthProblem["predictors"]>,
  J: number,
  adh: AdhSolution,
): { b: Float64Array; c: Float64Array } {
  const k = pred.x1.length;
  const b = new Float64Array(k * J);
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const d = adh.scale[i] > 0 ? adh.scale[i] : 1;
    const r = Math.sqrt(adh.v[i]) / d;
    c[i] = r * pred.x1[i];
    for (let j = 0; j < J; j++) b[i * J + j] = r * pred.x0[i * J + j];
  }
  return { b, c };
}
