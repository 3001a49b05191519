import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { fitProblem, type SynthProblemFit } from "./problem.js";
import type { SynthPrepareStage } from "./stage-prepare.js";

/** The donor weights of {@link synth}: the fit and how many donors it uses. */
export interface SynthWeightsStage {
  readonly fit: SynthProblemFit;
  /** Donors with weight above the threshold. */
  readonly usedDonors: number;
  /** `D_SYNTH_WEIGHTS_NOT_UNIQUE` when the QP minimiser is not certified unique. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Fits the donor weights (exact simplex QP on the pre-period outcomes, or the nested ADH V search with
 * predictors) and counts the donors that carry weight.
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
  const diagnostics = fit.exact
    ? []
    : [
        diagnostic("D_SYNTH_WEIGHTS_NOT_UNIQUE", "warn", {
          donors: prep.panel.nDonors,
          preCount: prep.panel.preCount,
        }),
      ];
  return { fit, usedDonors, diagnostics };
}
