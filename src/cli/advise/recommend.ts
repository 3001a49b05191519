import { DESIGN_REGISTRY } from "../../designs/registry.js";
import type { Advice, AdviceAssumption, AdviceColumn, AdviseAnswers } from "../../designs/shared/advise.js";
import { ROLLOUT_LABELS, ROLLOUTS, type Rollout } from "../../designs/shared/rollouts.js";

export {
  type Advice,
  type AdviceAssumption,
  type AdviceColumn,
  type AdviseAnswers,
  ROLLOUT_LABELS,
  ROLLOUTS,
  type Rollout,
};

/**
 * The design advisor's answer to "how was the feature rolled out?": the design, the columns it needs (given
 * or as placeholders), the assumptions to check (with the diagnostic that reports each) and the exact command.
 * A randomized A/B test goes to `truelift experiment` (difference in means with a Welch SE, plus CUPED when a
 * pre-period metric is available).
 *
 * @example
 * ```ts
 * recommend({ rollout: "threshold", running: "query_confidence", cutoff: 0.85, treatedSide: "below" }).design; // "rdd"
 * recommend({ rollout: "ab", preMetric: "minutes_before" }).design; // "experiment"
 * ```
 */
export function recommend(answers: AdviseAnswers): Advice {
  for (const design of DESIGN_REGISTRY) {
    const advise = design.advise[answers.rollout];
    if (advise !== undefined) return advise(answers);
  }
  throw new Error(`advise: no registered design answers the '${answers.rollout}' rollout`);
}
