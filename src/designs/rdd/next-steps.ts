import { type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the checks of this design, in the order it is shown: which diagnostic code (and
 * severities) triggers which sentence.
 *
 * @example
 * ```ts
 * import { RDD_NEXT_STEPS } from "truelift";
 * RDD_NEXT_STEPS.map((r) => r.code);
 * ```
 */
export const RDD_NEXT_STEPS: readonly NextStepRule[] = [
  {
    code: "D_RDD_DENSITY_TEST",
    when: WARN_OR_FAIL,
    advice:
      "There are unusually many users just on one side of the cutoff, a sign the running variable was manipulated: find out how the score is set, try a donut RD (`--donut 0.5`), and do not trust the RD estimate until explained.",
  },
  {
    code: "D_RDD_COVARIATES",
    when: WARN_OR_FAIL,
    advice:
      "Users on either side of the cutoff differ in pre-treatment covariates: the cutoff is not as-good-as-random; check for sorting.",
  },
  {
    code: "D_RDD_PLACEBO_CUTOFFS",
    when: WARN_OR_FAIL,
    advice:
      "Jumps appear at fake cutoffs too: the outcome is not smooth in the running variable; widen the polynomial check or use a smaller bandwidth.",
  },
  {
    code: "D_RDD_BANDWIDTH",
    when: WARN_OR_FAIL,
    advice: "The estimate moves with the bandwidth: report the bandwidth-sweep chart with the number.",
  },
  {
    code: "D_RDD_WEAK_FIRST_STAGE",
    when: WARN_OR_FAIL,
    advice:
      "Crossing the cutoff barely changes who is treated: the fuzzy RD estimate is unreliable; report the reduced form (the jump in the outcome) instead.",
  },
  {
    code: "D_RDD_COMPLIANCE",
    when: WARN_OR_FAIL,
    advice:
      "Some rows were treated on the wrong side of the cutoff: if that is real non-compliance, use a fuzzy RD (`--fuzzy --treatment <column>`).",
  },
  {
    code: "D_RDD_MASS_POINTS",
    when: WARN_OR_FAIL,
    advice:
      "The running variable is coarse (many tied values): treat the estimate as extrapolated between discrete values, and check it in the bandwidth sweep.",
  },
  {
    code: "D_RDD_FEW_EFFECTIVE",
    when: WARN_OR_FAIL,
    advice:
      "Few users sit near the cutoff: widen the bandwidth or collect more data before acting on the estimate.",
  },
];
