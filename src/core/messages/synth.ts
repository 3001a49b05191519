import { summaryOnly } from "./template.js";

/**
 * Message templates of the synthetic control (classic, synthetic DiD, augmented SC, conformal inference) diagnostics, keyed by code: each writes the message a reader sees from the
 * evidence (and, for a few codes, display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * typeof SYNTH_MESSAGES.D_SYNTH_LEAVE_ONE_OUT; // "function"
 * ```
 */
export const SYNTH_MESSAGES = {
  D_SYNTH_FILLED_CELLS: summaryOnly,
  D_SYNTH_CONVEX_HULL: summaryOnly,
  D_SYNTH_WEIGHT_CONCENTRATION: summaryOnly,
  D_SYNTH_OVERFIT: summaryOnly,
  D_SYNTH_PRE_FIT: summaryOnly,
  D_SYNTH_DONOR_BREAK: summaryOnly,
  D_SYNTH_NAIVE: summaryOnly,
  D_SYNTH_PLACEBO: summaryOnly,
  D_SYNTH_IN_TIME_PLACEBO: summaryOnly,
  D_SYNTH_LEAVE_ONE_OUT: summaryOnly,
  D_SYNTH_WEIGHTS_NOT_UNIQUE: summaryOnly,
  D_SYNTH_V_SEARCH: summaryOnly,
  D_SYNTH_EXTENSION_FAILED: summaryOnly,
  D_SDID_WEIGHTS_MAX_ITER: summaryOnly,
  D_SDID_SE_UNAVAILABLE: summaryOnly,
  D_SDID_PRE_FIT: summaryOnly,
  D_SDID_ESTIMATORS: summaryOnly,
  D_ASCM_RIDGE: summaryOnly,
  D_ASCM_NEGATIVE_WEIGHTS: summaryOnly,
  D_CONFORMAL_GRID: summaryOnly,
  D_CONFORMAL_COARSE: summaryOnly,
} as const;
