import { DESIGN_REGISTRY } from "../../designs/registry.js";
import {
  type Advice,
  type AdviceAssumption,
  type AdviceColumn,
  type AdviseAnswers,
  adviceColumn,
  outcomeColumn,
} from "../../designs/shared/advise.js";
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

function abAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const treatment = adviceColumn(
    "treatment",
    a.treatment,
    "variant",
    "0/1: the arm each user was randomized to",
  );
  const columns = [outcome, treatment];
  const pre = a.preMetric;
  if (pre !== undefined)
    columns.push(
      adviceColumn("pre-period metric", pre, "pre_metric", "the same metric before the test (CUPED)"),
    );
  const steps = [
    `Difference in means: mean(${outcome.name} | ${treatment.name} = 1) − mean(${outcome.name} | ${treatment.name} = 0).`,
    "Welch standard error: √(s₁²/n₁ + s₀²/n₀) with Welch–Satterthwaite degrees of freedom — no equal-variance assumption (identical to OLS on the arm dummy with HC2 errors).",
  ];
  if (pre !== undefined) {
    steps.push(
      `CUPED: θ = cov(${outcome.name}, ${pre}) / var(${pre}) over all users; analyse ${outcome.name} − θ·(${pre} − mean(${pre})) with the same difference in means and Welch SE. Same estimand, smaller variance (by the squared correlation of the two).`,
    );
  } else {
    steps.push(
      "Have the same metric from before the test for each user? Pass --pre-metric COLUMN: CUPED removes the variance it explains and narrows the interval at no cost in bias.",
    );
  }
  if (a.cluster !== undefined) {
    steps.push(
      `Users in the same ${a.cluster} share outcomes: if the coin was flipped per ${a.cluster}, analyse it as a cluster-randomized test (\`truelift advise --rollout shared\`).`,
    );
  }
  const x = pre ?? "<pre_metric>";
  const code = [
    'import { loadFrame, ols, parseFormula } from "truelift";',
    `const data = await loadFrame(${JSON.stringify(a.data ?? "data.csv")});`,
    `const fit = ols(data, { ...parseFormula(${JSON.stringify(`${outcome.name} ~ ${treatment.name}`)}), vcov: { type: "hc", kind: "HC2" } });`,
    pre !== undefined
      ? `// CUPED: add the centred pre-period metric; HC2 keeps the Welch-type SE\nconst cuped = ols(data, { ...parseFormula(${JSON.stringify(`${outcome.name} ~ ${treatment.name} + ${x}`)}), vcov: { type: "hc", kind: "HC2" } });`
      : null,
  ]
    .filter((l): l is string => l !== null)
    .join("\n");
  return {
    rollout: "ab",
    design: "ab",
    designName: "plain A/B analysis (difference in means, Welch SE)",
    why: "Randomization already made the groups comparable: use a plain A/B analysis — the difference in means with a Welch standard error. None of truelift's quasi-experimental designs is needed (they exist for rollouts that were not randomized).",
    columns,
    assumptions: [
      {
        assumption: "Assignment was random and every user stayed in their arm",
        check: "Sample-ratio mismatch: compare the arm sizes with the planned split (χ² test)",
        diagnostic: null,
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
              diagnostic: null,
            },
          ]
        : []),
    ],
    command: code,
    steps,
    notes: [],
  };
}

/**
 * The design advisor's answer to "how was the feature rolled out?": the design, the columns it needs (given
 * or as placeholders), the assumptions to check (with the diagnostic that reports each) and the exact command.
 * A randomized A/B test gets a plain A/B analysis — difference in means with a Welch SE, plus CUPED when a
 * pre-period metric is available.
 *
 * @example
 * ```ts
 * recommend({ rollout: "threshold", running: "query_confidence", cutoff: 0.85, treatedSide: "below" }).design; // "rdd"
 * recommend({ rollout: "ab", preMetric: "minutes_before" }).steps.length; // 3 (CUPED included)
 * ```
 */
export function recommend(answers: AdviseAnswers): Advice {
  if (answers.rollout === "ab") return abAdvice(answers);
  for (const design of DESIGN_REGISTRY) {
    const advise = design.advise[answers.rollout];
    if (advise !== undefined) return advise(answers);
  }
  throw new Error(`advise: no registered design answers the '${answers.rollout}' rollout`);
}
