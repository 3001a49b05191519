import { compressFrameToCells } from "../../core/cells-compress.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import type { DeepReadonly } from "../../core/result.js";
import { synthCellRequest, synthCompressible, synthFrameKinds, synthFromCells } from "./compressed.js";
import { type SynthResult, synthEstimate } from "./estimate.js";
import { parseSynthSpec, type SynthSpec } from "./spec.js";
import { synthPrepare } from "./stage-prepare.js";

export { SYNTH_VERSION, type SynthResult, synthEstimate } from "./estimate.js";

/**
 * Synthetic control for a global rollout, from user-level logs to the estimate and every check. Runs as
 * compress → estimate (design.md §3a): the rows are compressed to the cells of {@link synthCellRequest} and
 * estimated by {@link synthFromCells} — the same result as {@link synthOnRows}, which it falls back to when the
 * cells cannot reproduce the rows ({@link synthCompressible}: a predictor column with missing values, a user-level
 * bootstrap of a non-integer column). `result.n.cells` says which path ran.
 *
 * ```
 * compress        synthCellRequest → compressFrameToCells (unit × time cells; keyed finer for the bootstrap)
 * synthPrepare    synthFromCells → synthCellsFromEntries (validate; unit × period means and counts) → synthPanel
 *                 (interpolation, edge fill; treated = mean of the treated units) → weight problem
 * synthWeights    exact simplex QP on the pre-period outcomes, or the nested ADH V search with predictors
 * synthInference  in-space placebos (mean-gap and RMSPE-ratio pseudo p-values) → in-time placebo
 *                 → leave-one-out → user-level bootstrap (optional, seeded)
 * synthNaive → extensions (synthetic DiD, augmented SC, conformal) → synthVerdicts → synthResult
 * ```
 *
 * @example
 * ```ts
 * import { loadFrame, synth } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
 * const res = synth(frame, {
 *   outcome: "task_completed", unit: "workspace_id", time: "signup_week",
 *   treated: ids(0, 25), donors: ids(25, 50), treatmentStart: 20, window: { from: 0, to: 29 },
 *   bootstrap: { reps: 500, seed: 7 },
 * });
 * res.estimate.estimate;             // +0.0829
 * res.fit.preRmspe;                  // 0.0374
 * res.placebo?.meanGapTest.pValue;   // 1/26 = 0.0385
 * res.leaveOneOut?.gapRange;         // [+0.0739, +0.0945]
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105, 493–505; Abadie (2021), JEL 59, 391–425.
 */
export function synth(
  data: Frame,
  spec: SynthSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<SynthResult> {
  if (!synthCompressible(data, spec)) return synthOnRows(data, spec, options);
  const s = parseSynthSpec(spec);
  return synthFromCells(compressFrameToCells(data, synthCellRequest(s, synthFrameKinds(data))), s, options);
}

/**
 * {@link synth} on the rows, never compressing: the reference the compressed path is tested against, and the
 * path for what the cells cannot reproduce.
 *
 * @example
 * ```ts
 * import { synthOnRows } from "truelift";
 * synthOnRows(frame, spec).n.cells; // null
 * ```
 */
export function synthOnRows(
  data: Frame,
  spec: SynthSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<SynthResult> {
  return synthEstimate(synthPrepare(data, spec), options);
}
