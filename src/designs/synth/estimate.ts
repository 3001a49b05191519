import type { Diagnostic } from "../../core/diagnostics.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { TRUELIFT_VERSION } from "../../core/version.js";
import type { DesignResult } from "../shared/contract.js";
import { guardZeroSe } from "../shared/zero-se.js";
import type { AdhStart, AdhVSearch } from "./adh.js";
import type { SynthBootstrap } from "./bootstrap.js";
import { type SynthExtensions, synthExtensions, synthMatrix } from "./extensions.js";
import { type SynthNaive, synthNaive } from "./naive.js";
import type { NearUniqueness } from "./near-uniqueness.js";
import type { SynthInSpacePlacebo, SynthInTimePlacebo, SynthLeaveOneOut } from "./placebo.js";
import { type SynthTidyRows, synthTidyRows } from "./rows.js";
import { synthVerdicts } from "./stage-diagnostics.js";
import { type SynthInferenceStage, synthInference } from "./stage-inference.js";
import type { SynthCompressedInfo, SynthPrepareStage } from "./stage-prepare.js";
import { type SynthWeightsStage, synthWeights } from "./stage-weights.js";
import type { WeightUniqueness } from "./uniqueness.js";

/**
 * Revision of the synthetic-control algorithm, recorded as `provenance.algorithm` (the release version is
 * `provenance.version`, the same {@link TRUELIFT_VERSION} as every other design).
 *
 * @example
 * ```ts
 * import { SYNTH_VERSION } from "truelift";
 * SYNTH_VERSION; // "synth-1"
 * ```
 */
export const SYNTH_VERSION = "synth-1";

/** Everything `synth` returns: plain, frozen, JSON-serialisable data. */
export interface SynthResult extends DesignResult {
  readonly method: "synth";
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  /**
   * The mean post-period gap (treated − synthetic). `se` and `ci` come from the user-level bootstrap (null
   * without it); `pValue` is the in-space placebo pseudo p-value of |mean gap| (null without placebos);
   * `statistic` and `df` are null (no reference distribution).
   */
  readonly estimate: Term;
  /** Donor weights in donor order. */
  readonly weights: readonly { readonly unit: string; readonly weight: number }[];
  /** Donors with weight above the threshold. */
  readonly usedDonors: number;
  readonly fit: {
    readonly preRmspe: number;
    readonly postRmspe: number;
    readonly meanGap: number;
    readonly ratio: number | null;
    /**
     * True when the KKT conditions of the weight problem actually solved (the pre-period outcome fit, or with
     * predictors the V-weighted predictor fit) certify that no other weights fit as well; `uniqueness` has the
     * evidence.
     */
    readonly uniqueWeights: boolean;
    readonly uniqueness: WeightUniqueness;
    /** With predictors: the pre-period MSPE range among weights that fit the predictors equally well. */
    readonly nearUniqueness: NearUniqueness | null;
    /** With predictors: the V search's starts and chosen result (null on the outcome path). */
    readonly vSearch: AdhVSearch | null;
  };
  /** ADH predictors and V (null when the weights fit the outcome path). */
  readonly predictors: {
    readonly names: readonly string[];
    readonly v: readonly number[];
    readonly treated: readonly number[];
    readonly synthetic: readonly number[];
    readonly lossV: number;
    readonly lossW: number;
    readonly vSource: "optimised" | "custom" | "single-predictor";
    readonly starts: readonly AdhStart[];
  } | null;
  readonly panel: {
    readonly periods: readonly number[];
    readonly preCount: number;
    readonly treatmentStart: number;
    readonly treatedUnits: readonly string[];
    readonly donorUnits: readonly string[];
    readonly filledCells: number;
    readonly window: { readonly from: number; readonly to: number };
  };
  readonly placebo: SynthInSpacePlacebo | null;
  readonly inTimePlacebo: SynthInTimePlacebo | null;
  readonly leaveOneOut: SynthLeaveOneOut | null;
  readonly bootstrap: SynthBootstrap | null;
  readonly naive: SynthNaive;
  /** Synthetic DiD, augmented SC and conformal inference on the same filled panel (null when skipped). */
  readonly extensions: SynthExtensions;
  /** Tidy rows for charts: trajectories, gaps, weights, placebo gaps, leave-one-out gaps. */
  readonly rows: SynthTidyRows;
  readonly alpha: number;
  readonly n: {
    readonly rows: number;
    readonly rowsUsed: number;
    readonly rowsOutside: number;
    readonly donors: number;
    readonly periods: number;
    readonly preCount: number;
    /** Compressed cells the result was estimated from (null on the rows). */
    readonly cells: number | null;
  };
  /** How the compressed path ran: cells, rows, keys, measures and any part that needed row detail (null on rows). */
  readonly compressed: SynthCompressedInfo | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Every stage of synthetic control after preparation, from a {@link SynthPrepareStage} (built from the rows or
 * from compressed cells): weights → inference → naive contrast → extensions → verdicts → the result. The one
 * estimation path of {@link synth} and `synthFromCells`.
 *
 * @example
 * ```ts
 * import { synthEstimate, synthPrepare } from "truelift";
 * synthEstimate(synthPrepare(frame, spec)).estimate.estimate; // +0.0829 on the tutorial data
 * ```
 */
export function synthEstimate(
  prep: SynthPrepareStage,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<SynthResult> {
  const weights = synthWeights(prep);
  const inference = synthInference(prep, weights, options.onProgress);
  const naive = synthNaive(prep.panel);
  const ext = extensionsStage(prep, options.onProgress);
  const diagnostics = [
    ...prep.diagnostics,
    ...weights.diagnostics,
    ...inference.diagnostics,
    ...ext.diagnostics,
    ...synthVerdicts(prep, weights, inference, naive),
  ];
  const stages = { prep, weights, inference, naive, extensions: ext.extensions, diagnostics };
  return deepFreeze(synthResult(stages));
}

/** Synthetic DiD, augmented SC and conformal inference on the filled panel, with their failure diagnostics. */
function extensionsStage(
  prep: SynthPrepareStage,
  onProgress?: ProgressCallback,
): {
  extensions: SynthExtensions;
  diagnostics: Diagnostic[];
} {
  const s = prep.spec;
  const diagnostics: Diagnostic[] = [];
  const extensions = synthExtensions(
    synthMatrix(prep.cells, prep.panel),
    { sdid: s.sdid ?? { se: false }, augmented: s.augmented ?? {}, conformal: s.conformal ?? false },
    diagnostics,
    onProgress,
  );
  return { extensions, diagnostics };
}

/** Everything the stages of {@link synth} computed, ready to be assembled into its result. */
interface SynthStages {
  readonly prep: SynthPrepareStage;
  readonly weights: SynthWeightsStage;
  readonly inference: SynthInferenceStage;
  readonly naive: SynthNaive;
  readonly extensions: SynthExtensions;
  readonly diagnostics: Diagnostic[];
}

function synthResult(st: SynthStages): SynthResult {
  const { prep, inference: inf, extensions } = st;
  const { spec: s, cells, panel } = prep;
  const { fit } = st.weights;
  const rows = synthTidyRows(cells, fit, inf.placebo, inf.leaveOneOut);
  // The placebo p-value is a rank, not a function of the bootstrap SE: only the SE's interval is dropped at 0.
  const zero = guardZeroSe(headline(st), "synthetic control (bootstrap SE)", false);
  return {
    method: "synth",
    outcome: s.outcome,
    unit: s.unit,
    time: s.time,
    estimate: zero.term,
    weights: cells.donorUnits.map((unit, j) => ({ unit, weight: fit.weights[j] })),
    usedDonors: st.weights.usedDonors,
    fit: {
      preRmspe: fit.preRmspe,
      postRmspe: fit.postRmspe,
      meanGap: fit.meanGap,
      ratio: fit.ratio,
      uniqueWeights: st.weights.uniqueness.unique,
      uniqueness: st.weights.uniqueness,
      nearUniqueness: st.weights.nearUniqueness,
      vSearch: fit.adh?.vSearch ?? null,
    },
    predictors: predictorSummary(prep, st.weights),
    panel: {
      periods: cells.periods,
      preCount: cells.preCount,
      treatmentStart: cells.treatmentStart,
      treatedUnits: cells.treatedUnits,
      donorUnits: cells.donorUnits,
      filledCells: panel.filled,
      window: cells.window,
    },
    placebo: inf.placebo,
    inTimePlacebo: inf.inTime,
    leaveOneOut: inf.leaveOneOut,
    bootstrap: inf.bootstrap,
    naive: st.naive,
    extensions,
    rows,
    alpha: prep.alpha,
    n: {
      rows: prep.rows,
      rowsUsed: cells.rowsUsed,
      rowsOutside: cells.rowsOutside,
      donors: panel.nDonors,
      periods: cells.periods.length,
      preCount: cells.preCount,
      cells: prep.compressed?.cells ?? null,
    },
    compressed: prep.compressed,
    diagnostics: zero.diagnostic ? [...st.diagnostics, zero.diagnostic] : st.diagnostics,
    provenance: {
      spec: toJson(s),
      engine: "memory",
      version: TRUELIFT_VERSION,
      algorithm: SYNTH_VERSION,
      ...(s.bootstrap ? { seed: s.bootstrap.seed } : {}),
    },
  };
}

/** The mean post-period gap, with the bootstrap SE and interval and the placebo pseudo p-value when run. */
function headline(st: SynthStages): Term {
  const { bootstrap: boot, placebo } = st.inference;
  return {
    name: "mean post-period gap",
    estimate: st.weights.fit.meanGap,
    se: boot?.se ?? null,
    statistic: null,
    df: null,
    pValue: placebo?.meanGapTest.pValue ?? null,
    ci: boot?.ci ?? null,
  };
}

function predictorSummary(prep: SynthPrepareStage, w: SynthWeightsStage): SynthResult["predictors"] {
  const { predictors } = prep;
  const { fit } = w;
  const adh = fit.adh;
  if (!(adh && predictors)) return null;
  const J = prep.panel.nDonors;
  return {
    names: predictors.names,
    v: Array.from(adh.v),
    treated: Array.from(predictors.treated),
    synthetic: predictors.names.map((_, i) => {
      let x = 0;
      for (let j = 0; j < J; j++) x += predictors.donors[i * J + j] * fit.weights[j];
      return x;
    }),
    lossV: adh.lossV,
    lossW: adh.lossW,
    vSource: adh.vSource,
    starts: adh.starts,
  };
}
