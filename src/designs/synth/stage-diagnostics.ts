import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import {
  convexHullDiagnostic,
  donorBreakDiagnostic,
  inTimePlaceboDiagnostic,
  leaveOneOutDiagnostic,
  overfitDiagnostic,
  placeboDiagnostic,
  preFitDiagnostic,
  weightConcentrationDiagnostic,
} from "./diagnostics.js";
import { naiveDiagnostic, type SynthNaive } from "./naive.js";
import type { SynthInferenceStage } from "./stage-inference.js";
import type { SynthPrepareStage } from "./stage-prepare.js";
import type { SynthWeightsStage } from "./stage-weights.js";

/**
 * The verdicts of {@link synth} on the fitted synthetic control, in report order: convex hull, weight
 * concentration, overfitting, pre-period fit, donor breaks, placebos, leave-one-out, bootstrap failures, the V
 * search and the naive contrasts.
 *
 * @example
 * ```ts
 * synthVerdicts(prep, weights, inference, naive).map((d) => d.code); // ["D_SYNTH_CONVEX_HULL", …]
 * ```
 */
export function synthVerdicts(
  prep: SynthPrepareStage,
  w: SynthWeightsStage,
  inf: SynthInferenceStage,
  naive: SynthNaive,
): Diagnostic[] {
  const { panel, cells, threshold, alpha, spec: s } = prep;
  const { fit } = w;
  const J = panel.nDonors;
  const out: Diagnostic[] = [
    convexHullDiagnostic(panel.treated, panel.donors, J, panel.preCount),
    weightConcentrationDiagnostic(fit.weights, cells.donorUnits),
    overfitDiagnostic(J, panel.preCount),
    preFitDiagnostic(fit),
    donorBreakDiagnostic(panel.donors, J, panel.preCount, fit.weights, cells.donorUnits, threshold),
  ];
  if (inf.placebo) out.push(placeboDiagnostic(inf.placebo, alpha));
  if (inf.inTime) out.push(inTimePlaceboDiagnostic(inf.inTime, fit.meanGap, s.time));
  if (inf.leaveOneOut) out.push(leaveOneOutDiagnostic(inf.leaveOneOut, fit.meanGap));
  const boot = inf.bootstrap;
  if (boot && boot.failed > 0)
    out.push(
      diagnostic(
        "D_BOOTSTRAP_FAILED_REPLICATES",
        "warn",
        { failed: boot.failed, reps: boot.reps },
        { scheme: "synth-units" },
      ),
    );
  if (fit.adh && fit.adh.vSource === "optimised") {
    const bad = fit.adh.starts.filter((st) => st.convergence !== 0);
    out.push(
      diagnostic("D_SYNTH_V_SEARCH", bad.length === fit.adh.starts.length ? "warn" : "info", {
        starts: fit.adh.starts.map((st) => st.start),
        methods: fit.adh.starts.map((st) => st.method),
        lossV: fit.adh.starts.map((st) => st.lossV),
        convergence: fit.adh.starts.map((st) => st.convergence),
      }),
    );
  }
  out.push(naiveDiagnostic(naive, fit.meanGap));
  return out;
}
