import { type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the checks of this design, in the order it is shown: which diagnostic code (and
 * severities) triggers which sentence.
 *
 * @example
 * ```ts
 * import { SYNTH_NEXT_STEPS } from "truelift";
 * SYNTH_NEXT_STEPS.map((r) => r.code);
 * ```
 */
export const SYNTH_NEXT_STEPS: readonly NextStepRule[] = [
  {
    code: "D_SYNTH_PRE_FIT",
    when: WARN_OR_FAIL,
    advice:
      "The synthetic control does not track the treated unit before launch: add predictors, or use augmented synthetic control or synthetic DiD (the `augmented` / `sdid` spec options).",
  },
  {
    code: "D_SYNTH_CONVEX_HULL",
    when: WARN_OR_FAIL,
    advice:
      "The treated unit lies outside the range of the donors: use augmented synthetic control or synthetic DiD, which can extrapolate.",
  },
  {
    code: "D_SYNTH_PLACEBO",
    when: WARN_OR_FAIL,
    advice:
      "Placebo donors show gaps as large as the treated unit's: the effect is not distinguishable from noise; wait for more post-periods.",
  },
  {
    code: "D_SDID_PRE_FIT",
    when: WARN_OR_FAIL,
    advice:
      "Even after its level shift the synthetic comparison misses the pre-launch path: treat the synthetic DiD contrast with caution and rely on the placebo evidence.",
  },
  {
    code: "D_SYNTH_OVERFIT",
    when: WARN_OR_FAIL,
    advice:
      "There are about as many donors as pre-launch periods, so the weights can fit noise: restrict the donor pool to comparable units, or add pre-launch periods.",
  },
  {
    code: "D_SYNTH_WEIGHT_CONCENTRATION",
    when: WARN_OR_FAIL,
    advice:
      "One donor carries most of the weight: check what else happened to it, and look at the leave-one-out chart.",
  },
  {
    code: "D_SYNTH_DONOR_BREAK",
    when: WARN_OR_FAIL,
    advice: "A donor had its own shock after launch: drop it from the donor pool (`--donors`) and re-run.",
  },
  {
    code: "D_SYNTH_LEAVE_ONE_OUT",
    when: WARN_OR_FAIL,
    advice:
      "The estimate hinges on one donor: find out what happened to that donor, and report the leave-one-out range.",
  },
  {
    code: "D_SYNTH_IN_TIME_PLACEBO",
    when: WARN_OR_FAIL,
    advice:
      "A fake launch date earlier in the pre-period also shows an effect: the pre-period fit may be overfit.",
  },
];
