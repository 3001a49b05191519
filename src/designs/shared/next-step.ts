import type { Severity } from "../../core/diagnostics.js";

/**
 * One piece of "what to do next" advice: which diagnostic code triggers it, at which severities, and the advice
 * sentence (plain text; renderers escape it).
 *
 * @example
 * ```ts
 * import type { NextStepRule } from "truelift";
 * const r: NextStepRule = { code: "D_FEW_CLUSTERS", when: ["warn", "fail"], advice: "Use the wild cluster bootstrap." };
 * ```
 */
export interface NextStepRule {
  readonly code: string;
  readonly when: readonly Severity[];
  readonly advice: string;
}

/** Severities at which a check's advice shows: warned or failed. */
export const WARN_OR_FAIL: readonly Severity[] = ["warn", "fail"];
/** Severities at which a check's advice shows: failed only. */
export const FAIL_ONLY: readonly Severity[] = ["fail"];

/**
 * Advice shared by designs that report cluster-robust errors (DiD, cluster randomization, and any CR variance).
 *
 * @example
 * ```ts
 * import { FEW_CLUSTERS_STEP } from "truelift";
 * FEW_CLUSTERS_STEP.code; // "D_FEW_CLUSTERS"
 * ```
 */
export const FEW_CLUSTERS_STEP: NextStepRule = {
  code: "D_FEW_CLUSTERS",
  when: WARN_OR_FAIL,
  advice:
    "There are too few clusters for cluster-robust standard errors to be trusted: use the wild cluster bootstrap or randomization inference (`truelift cluster --small-k always`), or CR2 with Bell–McCaffrey degrees of freedom.",
};
