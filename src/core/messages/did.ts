import { summaryOnly } from "./template.js";

/**
 * Message templates of the difference-in-differences (two-group, staggered, Callaway–Sant'Anna, Bacon) diagnostics, keyed by code: each writes the message a reader sees from the
 * evidence (and, for a few codes, display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * typeof DID_MESSAGES.D_DID_WINDOW; // "function"
 * ```
 */
export const DID_MESSAGES = {
  D_DID_WINDOW: summaryOnly,
  D_DID_CONTAMINATED_CONTROL: summaryOnly,
  D_DID_PARALLEL_TRENDS: summaryOnly,
  D_DID_ANTICIPATION: summaryOnly,
  D_DID_GROUP_IMBALANCE: summaryOnly,
  D_DID_TIME_VARYING_COVARIATE: summaryOnly,
  D_DID_NO_CLUSTER: summaryOnly,
  D_DID_STAGGERED_TWFE: summaryOnly,
  D_DID_NOT_APPLICABLE: summaryOnly,
  D_DID_COVARIATE_ABSORBED: summaryOnly,
  D_CS_TREATED_AFTER_SAMPLE: summaryOnly,
  D_CS_ALREADY_TREATED_DROPPED: summaryOnly,
  D_CS_UNBALANCED_DROPPED: summaryOnly,
  D_CS_LAST_GROUP_AS_CONTROL: summaryOnly,
  D_CS_SMALL_GROUP: summaryOnly,
  D_CS_CELL_DROPPED: summaryOnly,
  D_CS_PS_NOT_CONVERGED: summaryOnly,
  D_CS_LARGE_CRITICAL_VALUE: summaryOnly,
  D_CS_BAND_POINTWISE: summaryOnly,
  D_CS_AGGREGATION_EMPTY: summaryOnly,
  D_CS_PRETEST: summaryOnly,
  D_CS_PRETEST_UNAVAILABLE: summaryOnly,
  D_BACON_FORBIDDEN: summaryOnly,
} as const;
