import { summaryOnly } from "./template.js";

/**
 * Message templates of the cluster-randomized experiments (analysis, assignment, power) diagnostics, keyed by code: each writes the message a reader sees from the
 * evidence (and, for a few codes, display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * typeof CLUSTER_MESSAGES.D_CLUSTER_NO_SPILLOVER; // "function"
 * ```
 */
export const CLUSTER_MESSAGES = {
  D_FEW_CLUSTERS: summaryOnly,
  D_CLUSTER_UNEQUAL_SIZES: summaryOnly,
  D_CLUSTER_ICC: summaryOnly,
  D_CLUSTER_SPILLOVER_PROVENANCE: summaryOnly,
  D_CLUSTER_NO_SPILLOVER: summaryOnly,
  D_CLUSTER_NAIVE_SE: summaryOnly,
  D_CLUSTER_SMALL_K_INFERENCE: summaryOnly,
  D_ASSIGN_BALANCE: summaryOnly,
  D_ASSIGN_RERANDOMIZED: summaryOnly,
  D_ASSIGN_ODD_BLOCKS: summaryOnly,
  D_POWER_FEW_CLUSTERS: summaryOnly,
  D_POWER_ICC_SOURCE: summaryOnly,
  D_POWER_ICC_TRUNCATED: summaryOnly,
  D_POWER_UNEQUAL_SIZES: summaryOnly,
} as const;
