import { FAIL_ONLY, type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the experiment's checks, in the order it is shown.
 *
 * @example
 * ```ts
 * import { EXPERIMENT_NEXT_STEPS } from "truelift";
 * EXPERIMENT_NEXT_STEPS.map((r) => r.code); // ["D_EXPERIMENT_SRM", "D_EXPERIMENT_GUARDRAIL"]
 * ```
 */
export const EXPERIMENT_NEXT_STEPS: readonly NextStepRule[] = [
  {
    code: "D_EXPERIMENT_SRM",
    when: FAIL_ONLY,
    advice:
      "The arm sizes do not match the planned split: do not ship on these numbers. Check the assignment service, the logging of exposures, bot filtering and redirects per arm; compare arm sizes by day, platform and country to locate where units went missing.",
  },
  {
    code: "D_EXPERIMENT_GUARDRAIL",
    when: WARN_OR_FAIL,
    advice:
      "A guardrail is not shown safe: either it really degrades or the test is too small to rule that out. Look at its interval before shipping, and run longer if the margin matters.",
  },
];
