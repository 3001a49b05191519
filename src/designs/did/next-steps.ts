import { FAIL_ONLY, FEW_CLUSTERS_STEP, type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the checks of this design, in the order it is shown: which diagnostic code (and
 * severities) triggers which sentence.
 *
 * @example
 * ```ts
 * import { DID_NEXT_STEPS } from "truelift";
 * DID_NEXT_STEPS.map((r) => r.code);
 * ```
 */
export const DID_NEXT_STEPS: readonly NextStepRule[] = [
  {
    code: "D_DID_PARALLEL_TRENDS",
    when: FAIL_ONLY,
    advice:
      "The groups were already drifting apart before launch, so DiD is not credible here. Try synthetic control (`truelift synth`), which builds a comparison that tracks the treated group's pre-period, or add group-specific trends and report the result as sensitive to them.",
  },
  {
    code: "D_DID_PARALLEL_TRENDS",
    when: ["warn"],
    advice:
      "The pre-trend evidence is borderline: show the event-study chart alongside the number, and check the result against synthetic control (`truelift synth`).",
  },
  {
    code: "D_CS_PRETEST",
    when: FAIL_ONLY,
    advice:
      "Cohorts differ from their controls before treatment: try not-yet-treated controls (`--control notYet`), covariates in the propensity step, or synthetic control.",
  },
  {
    code: "D_DID_ANTICIPATION",
    when: WARN_OR_FAIL,
    advice:
      "Users reacted before the official start: re-run with `--anticipation k` so the pre-launch periods are not used as the baseline.",
  },
  {
    code: "D_DID_STAGGERED_TWFE",
    when: WARN_OR_FAIL,
    advice:
      "Adoption is staggered, so the plain two-way fixed-effects number is biased: report the Callaway–Sant'Anna estimate (`truelift did --start-column …`).",
  },
  {
    code: "D_BACON_FORBIDDEN",
    when: WARN_OR_FAIL,
    advice:
      "TWFE leans on already-treated units as controls: use the Callaway–Sant'Anna estimate instead of TWFE.",
  },
  {
    code: "D_DID_CONTAMINATED_CONTROL",
    when: WARN_OR_FAIL,
    advice:
      "The comparison group was partly treated: restrict the window or the comparison group to clean units.",
  },
  FEW_CLUSTERS_STEP,
  {
    code: "D_DID_NO_CLUSTER",
    when: WARN_OR_FAIL,
    advice:
      "Without a cluster column the standard errors assume independent rows: pass the unit that was switched on together (e.g. `--cluster workspace_id`).",
  },
];
