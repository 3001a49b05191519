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
 * The design advisor's answer for the `threshold` rollout (a score threshold): this design, the columns it needs (given or
 * as placeholders), the assumptions to check with the diagnostic that reports each, and the exact command.
 *
 * @example
 * ```ts
 * thresholdAdvice({ rollout: "threshold" }).command;
 * ```
 */
export function thresholdAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const running = adviceColumn(
    "running variable",
    a.running,
    "score",
    "the score compared with the threshold",
  );
  const cutoff = a.cutoff === undefined ? "<cutoff>" : String(a.cutoff);
  const side = a.treatedSide ?? "above";
  return {
    rollout: "threshold",
    design: "rdd",
    designName: "regression discontinuity",
    why: "The two sides of the threshold differ by design (low-confidence queries are harder), so comparing them is wrong. Just around the cutoff they are alike: the jump in the outcome at the cutoff is the effect there.",
    columns: [
      outcome,
      running,
      {
        role: "cutoff",
        name: cutoff,
        given: a.cutoff !== undefined,
        description: `the threshold; treated side: ${side}`,
      },
    ],
    assumptions: [
      {
        assumption: "No sorting: units cannot place themselves just on one side",
        check: "Density (manipulation) test of the score at the cutoff",
        diagnostic: "D_RDD_DENSITY_TEST",
      },
      {
        assumption: "Nothing else changes at the cutoff",
        check: "Covariates do not jump; placebo cutoffs show no jump",
        diagnostic: "D_RDD_PLACEBO_CUTOFFS",
      },
      {
        assumption: "The estimate does not hinge on the bandwidth or the polynomial",
        check: "Bandwidth sweep, linear vs quadratic, donut",
        diagnostic: "D_RDD_POLYNOMIAL",
      },
      {
        assumption: "The rule was followed (sharp design)",
        check: "Compliance: everyone below (above) the cutoff was treated — otherwise fuzzy RD",
        diagnostic: "D_RDD_COMPLIANCE",
      },
    ],
    command: commandLine([
      "truelift rdd",
      adviceData(a),
      adviceFlag("--outcome", outcome),
      adviceFlag("--running", running),
      `--cutoff ${cutoff}`,
      `--treated ${side}`,
    ]),
    steps: [],
    notes: ["The effect is local: it holds for units near the cutoff, not for all users."],
  };
}
