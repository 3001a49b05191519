import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import { type SynthBootstrap, synthBootstrapFromAtoms } from "./bootstrap.js";
import {
  inSpacePlacebos,
  inTimePlacebo,
  leaveOneOut,
  type SynthInSpacePlacebo,
  type SynthInTimePlacebo,
  type SynthLeaveOneOut,
} from "./placebo.js";
import { synthPredictors } from "./predictors.js";
import type { SynthPrepareStage } from "./stage-prepare.js";
import type { SynthWeightsStage } from "./stage-weights.js";

/** The inference and robustness re-fits of {@link synth}; each is null when skipped by the spec. */
export interface SynthInferenceStage {
  readonly placebo: SynthInSpacePlacebo | null;
  readonly inTime: SynthInTimePlacebo | null;
  readonly leaveOneOut: SynthLeaveOneOut | null;
  readonly bootstrap: SynthBootstrap | null;
  /** `D_SYNTH_IN_TIME_PLACEBO` when the in-time placebo had to be skipped. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Re-fits the weights for inference and robustness: in-space placebos (each donor as if treated; mean-gap and
 * RMSPE-ratio pseudo p-values), the in-time placebo (a fake start inside the pre-period), leave-one-out over the
 * used donors and the optional user-level bootstrap (seeded).
 *
 * @example
 * ```ts
 * const inf = synthInference(prep, synthWeights(prep));
 * inf.placebo?.meanGapTest.pValue; // 1/(J + 1) at best
 * ```
 */
export function synthInference(
  prep: SynthPrepareStage,
  w: SynthWeightsStage,
  onProgress?: ProgressCallback,
): SynthInferenceStage {
  const { spec: s, cells, problem, threshold } = prep;
  const { fit } = w;
  const placebo =
    s.placebo === false || prep.panel.nDonors < 2
      ? null
      : inSpacePlacebos(
          problem,
          fit,
          cells.donorUnits,
          s.placebo?.excludePreRmspeAbove ?? null,
          {},
          onProgress,
        );
  const diagnostics: Diagnostic[] = [];
  const inTime = runInTimePlacebo(prep, diagnostics);
  const loo =
    s.leaveOneOut === false
      ? null
      : leaveOneOut(problem, fit.weights, cells.donorUnits, threshold, onProgress);
  const bootstrap =
    s.bootstrap === undefined || s.bootstrap === false || prep.atoms === null
      ? null
      : synthBootstrapFromAtoms(
          prep.atoms,
          cells,
          problem,
          { weights: fit.weights, v: fit.adh?.v ?? null },
          {
            outcome: s.outcome,
            ...(s.user === undefined ? {} : { user: s.user }),
            ...(s.predictors === undefined ? {} : { predictors: s.predictors }),
            reps: s.bootstrap.reps ?? 500,
            seed: s.bootstrap.seed,
            alpha: prep.alpha,
            ...(onProgress ? { onProgress } : {}),
          },
        );
  return { placebo, inTime, leaveOneOut: loo, bootstrap, diagnostics };
}

function runInTimePlacebo(prep: SynthPrepareStage, diagnostics: Diagnostic[]): SynthInTimePlacebo | null {
  const { spec: s, cells, panel, problem, meansOf } = prep;
  if (s.inTimePlacebo === false) return null;
  const T0 = panel.preCount;
  let idx: number;
  if (s.inTimePlacebo?.start !== undefined) {
    const start = s.inTimePlacebo.start;
    idx = cells.periods.findIndex((t) => t >= start);
    if (idx < 2 || idx >= T0) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `spec.inTimePlacebo.start ${start} must leave at least 2 periods before it and lie before the treatment start ${cells.treatmentStart}.`,
        { details: { start, treatmentStart: cells.treatmentStart } },
      );
    }
  } else {
    idx = Math.floor(T0 / 2);
    if (idx < 2) return null;
  }
  const fake = cells.periods[idx];
  let p = problem;
  if (s.predictors !== undefined && problem.predictors !== null) {
    try {
      const x = synthPredictors(meansOf, cells, panel, s.outcome, s.predictors, fake);
      p = { ...problem, predictors: { x1: x.treated, x0: x.donors } };
    } catch (e) {
      if (!(e instanceof TrueliftError) || e.code !== "E_SYNTH_BAD_PREDICTOR") throw e;
      diagnostics.push(
        diagnostic(
          "D_SYNTH_IN_TIME_PLACEBO",
          "info",
          { fakeStart: fake },
          { time: s.time, skipped: e.message },
        ),
      );
      return null;
    }
  }
  return inTimePlacebo(p, idx, fake);
}
