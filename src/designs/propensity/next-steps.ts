import { type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the checks of this design, in the order it is shown: which diagnostic code (and
 * severities) triggers which sentence.
 *
 * @example
 * ```ts
 * import { PROPENSITY_NEXT_STEPS } from "truelift";
 * PROPENSITY_NEXT_STEPS.map((r) => r.code);
 * ```
 */
export const PROPENSITY_NEXT_STEPS: readonly NextStepRule[] = [
  {
    code: "D_PS_OVERLAP",
    when: WARN_OR_FAIL,
    advice:
      "Some users had (almost) no chance of the other treatment, so weights explode: trim the propensity scores (`--trim crump` or `--trim 0.05:0.95`) and say the estimate is for the overlap population.",
  },
  {
    code: "D_PS_BALANCE",
    when: WARN_OR_FAIL,
    advice:
      "Covariates are still unbalanced after weighting: add interactions or splines to the propensity model, or use the doubly robust (AIPW) estimate.",
  },
  {
    code: "D_PS_WEIGHTS",
    when: WARN_OR_FAIL,
    advice:
      "A few users carry most of the weight: trim the scores or use the AIPW estimate, and check the E-value.",
  },
  {
    code: "D_PS_ESTIMATORS_DISAGREE",
    when: WARN_OR_FAIL,
    advice:
      "IPW, regression adjustment and AIPW disagree, so a model is misspecified: richer propensity and outcome models, and report the range.",
  },
  {
    code: "D_PS_EVALUE",
    when: WARN_OR_FAIL,
    advice:
      "A modest unmeasured confounder could explain the effect away: treat the number as suggestive, and run a randomized test if the decision is large.",
  },
];
