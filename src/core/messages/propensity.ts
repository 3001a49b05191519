import { summaryOnly } from "./template.js";

/**
 * Message templates of the propensity scores (overlap, weights, balance, matching, sensitivity) diagnostics, keyed by code: each writes the message a reader sees from the
 * evidence (and, for a few codes, display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * typeof PROPENSITY_MESSAGES.D_PS_TRIMMED; // "function"
 * ```
 */
export const PROPENSITY_MESSAGES = {
  D_PS_OVERLAP: summaryOnly,
  D_PS_TRIMMED: summaryOnly,
  D_PS_WEIGHTS: summaryOnly,
  D_PS_BALANCE: summaryOnly,
  D_PS_ESTIMATORS_DISAGREE: summaryOnly,
  D_PS_SELECTION: summaryOnly,
  D_PS_EVALUE: summaryOnly,
  D_PS_CALIBRATION: summaryOnly,
  D_PS_BOOTSTRAP_FAILED: summaryOnly,
  D_PS_MATCHING: summaryOnly,
  D_PS_ROSENBAUM: summaryOnly,
} as const;
