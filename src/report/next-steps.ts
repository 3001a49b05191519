import type { Diagnostic } from "../core/diagnostics.js";
import { DESIGN_NEXT_STEPS } from "../designs/registry.js";
import type { NextStepRule } from "../designs/shared/next-step.js";

/**
 * The rules mapping diagnostic codes (and severities) to "what to do next" advice, in the order the advice is
 * shown: every registered design's rules (`designs/<d>/next-steps.ts`) in registry order. A failed or warned
 * check without an entry gets no advice line (its own sentence still shows).
 *
 * @example
 * ```ts
 * import { NEXT_STEP_RULES } from "truelift";
 * NEXT_STEP_RULES.find((r) => r.code === "D_DID_PARALLEL_TRENDS")?.advice;
 * ```
 */
export const NEXT_STEP_RULES: readonly NextStepRule[] = DESIGN_NEXT_STEPS;

/**
 * "What to do next" for a list of diagnostics: the advice of every {@link NEXT_STEP_RULES} entry whose code and
 * severity match a diagnostic, in registry order, without duplicates. Empty when every check passed.
 *
 * @example
 * ```ts
 * import { diagnostic, nextSteps } from "truelift";
 * nextSteps([diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters.")]);
 * // ["There are too few clusters … wild cluster bootstrap or randomization inference …"]
 * ```
 */
export function nextSteps(
  diagnostics: readonly Diagnostic[],
  rules: readonly NextStepRule[] = NEXT_STEP_RULES,
): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const hit = diagnostics.some((d) => d.code === rule.code && rule.when.includes(d.severity));
    if (hit && !out.includes(rule.advice)) out.push(rule.advice);
  }
  return out;
}
