import {
  type Advice,
  type AdviseAnswers,
  adviceColumn,
  adviceData,
  adviceFlag,
  commandLine,
  outcomeColumn,
} from "../shared/advise.js";

/**
 * The design advisor's answer for the `toggle` rollout (an opt-in toggle): this design, the columns it needs (given or
 * as placeholders), the assumptions to check with the diagnostic that reports each, and the exact command.
 *
 * @example
 * ```ts
 * toggleAdvice({ rollout: "toggle" }).command;
 * ```
 */
export function toggleAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const treatment = adviceColumn("opt-in flag", a.treatment, "opted_in", "0/1: who turned the feature on");
  const covariates = adviceColumn(
    "covariates",
    a.covariates && a.covariates.length > 0 ? a.covariates.join(",") : undefined,
    "tier,usage_before",
    "what drives opting in AND the outcome, measured before the choice",
  );
  return {
    rollout: "toggle",
    design: "propensity",
    designName: "propensity scores (IPW, doubly robust AIPW)",
    why: "Volunteers are not a random sample — power users opt in and would have done better anyway. Propensity scores reweight the two groups until they look alike on everything that drives the choice.",
    columns: [outcome, treatment, covariates],
    assumptions: [
      {
        assumption: "No unmeasured confounding: the covariates capture why people opt in",
        check: "Untestable; the E-value says how strong a hidden confounder would have to be",
        diagnostic: "D_PS_EVALUE",
      },
      {
        assumption: "Overlap: every kind of user could have opted in or not",
        check: "Propensity scores away from 0 and 1; trimming if needed",
        diagnostic: "D_PS_OVERLAP",
      },
      {
        assumption: "Balance after weighting",
        check: "Standardized mean differences below 0.1",
        diagnostic: "D_PS_BALANCE",
      },
      {
        assumption: "The propensity model fits",
        check: "Calibration by decile (Hosmer–Lemeshow); IPW, regression and AIPW agree",
        diagnostic: "D_PS_ESTIMATORS_DISAGREE",
      },
    ],
    command: commandLine([
      "truelift propensity",
      adviceData(a),
      adviceFlag("--treatment", treatment),
      adviceFlag("--outcome", outcome),
      adviceFlag("--covariates", covariates),
      "--bootstrap 500 --seed 1",
    ]),
    steps: [],
    notes: ["Only covariates measured before the opt-in decision belong in the model (no bad controls)."],
  };
}
