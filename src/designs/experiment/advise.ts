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
 * The design advisor's answer for the `ab` rollout (a randomized A/B test): `truelift experiment`, the columns
 * it needs (given or as placeholders), the assumptions with the diagnostic that checks each, the analysis step
 * by step (difference in means, Welch SE, CUPED when a pre-period metric exists) and the exact command.
 *
 * @example
 * ```ts
 * import { experimentAdvice } from "truelift/designs/experiment";
 * experimentAdvice({ rollout: "ab", preMetric: "minutes_before" }).command;
 * // "truelift experiment <data.csv> --treatment <variant> --control <control> --metrics <outcome> --cuped minutes_before"
 * ```
 * @see Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments; Deng et al. (2013) (CUPED).
 */
export function experimentAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const treatment = adviceColumn("treatment", a.treatment, "variant", "the arm each user was randomized to");
  const columns = [outcome, treatment];
  const pre = a.preMetric;
  if (pre !== undefined)
    columns.push(
      adviceColumn("pre-period metric", pre, "pre_metric", "the same metric before the test (CUPED)"),
    );
  const steps = [
    `Difference in means: mean(${outcome.name} | variant) − mean(${outcome.name} | control), and the relative lift with a delta-method interval.`,
    "Welch standard error: √(s₁²/n₁ + s₀²/n₀) with Welch–Satterthwaite degrees of freedom — no equal-variance assumption.",
  ];
  if (pre !== undefined) {
    steps.push(
      `CUPED: θ = cov(${outcome.name}, ${pre}) / var(${pre}) over all users; analyse ${outcome.name} − θ·(${pre} − mean(${pre})) with the same difference in means and Welch SE. Same estimand, smaller variance (by the squared correlation of the two).`,
    );
  } else {
    steps.push(
      "Have the same metric from before the test for each user? Pass --pre-metric COLUMN here (and --cuped COLUMN to `truelift experiment`): CUPED removes the variance it explains and narrows the interval at no cost in bias.",
    );
  }
  steps.push(
    "Sample-ratio mismatch: the arm sizes are tested against the planned split (--planned-split); below p = 0.001 no effect is reported.",
  );
  if (a.cluster !== undefined) {
    steps.push(
      `Users in the same ${a.cluster} share outcomes: if the coin was flipped per ${a.cluster}, pass --cluster ${a.cluster} (CR2 standard errors by ${a.cluster}), or use \`truelift advise --rollout shared\` when users affect each other.`,
    );
  }
  return {
    rollout: "ab",
    design: "experiment",
    designName: "randomized experiment (difference in means, Welch SE, CUPED, SRM check)",
    why: "Randomization already made the groups comparable: use a plain A/B analysis — the difference in means with a Welch standard error, checked for sample-ratio mismatch. None of truelift's quasi-experimental designs is needed (they exist for rollouts that were not randomized).",
    columns,
    assumptions: [
      {
        assumption: "Assignment was random and every user stayed in their arm",
        check: "Sample-ratio mismatch: compare the arm sizes with the planned split (χ² test)",
        diagnostic: "D_EXPERIMENT_SRM",
      },
      {
        assumption: "Users do not affect each other (no interference)",
        check:
          "If users share workspaces and the feature is collaborative, randomize and analyse by workspace",
        diagnostic: null,
      },
      ...(pre !== undefined
        ? [
            {
              assumption: "The pre-period metric was measured before assignment",
              check: "It must not be affected by the treatment: check its means are equal across arms",
              diagnostic: "D_EXPERIMENT_VARIANCE_REDUCTION",
            },
          ]
        : []),
    ],
    command: commandLine([
      "truelift experiment",
      adviceData(a),
      adviceFlag("--treatment", treatment),
      "--control <control>",
      adviceFlag("--metrics", outcome),
      pre !== undefined ? adviceFlag("--cuped", pre) : null,
      a.cluster !== undefined ? adviceFlag("--cluster", a.cluster) : null,
    ]),
    steps,
    notes: [],
  };
}
