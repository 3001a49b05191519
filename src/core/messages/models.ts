import { type DiagnosticContext, summaryOnly } from "./template.js";

/**
 * Message templates of the shared models' diagnostics (linear models, logistic regression, bootstrap engine),
 * keyed by code. Each template writes the message from the evidence; see `DIAGNOSTIC_CATALOGUE` for the codes.
 *
 * @example
 * ```ts
 * MODEL_MESSAGES.D_LOGIT_NEAR_SEPARATION({ rows: 3 });
 * // "3 fitted probabilities are numerically 0 or 1; estimates may be unstable."
 * ```
 */
export const MODEL_MESSAGES = {
  D_RANK_DEFICIENT: summaryOnly,
  D_FE_SINGLETONS: summaryOnly,
  D_FE_NOT_CONVERGED: summaryOnly,
  D_BOOTSTRAP_FAILED_REPLICATES: (
    e: { failed: number; replicates: number; firstError: string | null } | { failed: number; reps: number },
    c: DiagnosticContext,
    resampling?: { scheme: "cluster-pairs" | "synth-units" },
  ): string =>
    "replicates" in e
      ? `${e.failed} of ${e.replicates} bootstrap replicates could not be computed and were dropped.`
      : resampling?.scheme === "synth-units"
        ? `${e.failed} of ${e.reps} bootstrap replicates left a unit without rows (or a predictor undefined) and were dropped.`
        : `${e.failed} pairs-bootstrap replicates drew clusters from one arm only (or no spillover-exposed users) and were dropped. ${c.summary}`,
  D_LOGIT_NEAR_SEPARATION: (e: { rows: number }): string =>
    `${e.rows} fitted probabilities are numerically 0 or 1; estimates may be unstable.`,
  D_LOGIT_NOT_CONVERGED: summaryOnly,
  D_LOGIT_PENALIZED_NO_SE: summaryOnly,
  D_BOOTSTRAP_IN_PROCESS: summaryOnly,
  D_BCA_UNDEFINED: summaryOnly,
  D_VCOV_NOT_PSD: summaryOnly,
  D_LEVERAGE_ONE: summaryOnly,
  D_PERFECT_FIT: summaryOnly,
  D_CONSTANT_OUTCOME: summaryOnly,
  D_ZERO_SE: (e: { estimate: number; method: string }): string =>
    `The ${e.method} estimate ${e.estimate} has a standard error of 0: the data show no variation that could measure its uncertainty (for example an outcome that is constant within each group). The test statistic, p-value and interval are left empty; check the outcome before reading the estimate.`,
} as const;
