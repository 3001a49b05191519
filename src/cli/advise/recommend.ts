import { ROLLOUT_LABELS, ROLLOUTS, type Rollout } from "../../designs/shared/rollouts.js";

export { ROLLOUT_LABELS, ROLLOUTS, type Rollout };

/** What the user told the advisor (flags or interactive answers); absent fields become placeholders. */
export interface AdviseAnswers {
  readonly rollout: Rollout;
  readonly data?: string;
  readonly outcome?: string;
  /** ab: a pre-period measurement of the outcome (enables CUPED). */
  readonly preMetric?: string;
  /** ab: the assignment column (0/1). toggle: the opt-in flag. shared: the treated-cluster column. */
  readonly treatment?: string;
  /** waves/global: the period column. */
  readonly time?: string;
  /** waves: each row's treatment start. */
  readonly startColumn?: string;
  /** waves: how many waves (3 or more: staggered adoption). */
  readonly waves?: number;
  /** waves (staggered) / global: the unit column (user, workspace, market). */
  readonly unit?: string;
  /** toggle: what drives opting in. */
  readonly covariates?: readonly string[];
  /** threshold: the score and its cutoff, and which side is treated. */
  readonly running?: string;
  readonly cutoff?: number;
  readonly treatedSide?: "above" | "below";
  /** global: the treated units, the donor units ("none" when there are none) and the launch period. */
  readonly treatedUnits?: string;
  readonly donors?: string;
  readonly treatmentStart?: number;
  /** ab/waves/shared: the cluster column (workspace) when assignment or outcomes are correlated within it. */
  readonly cluster?: string;
  /** shared: a 0/1 column marking untreated users exposed through treated colleagues. */
  readonly exposure?: string;
  /** shared: the number of clusters (fewer than 30 → small-K inference). */
  readonly clusters?: number;
}

/** A column the recommended analysis needs: its role, the name (or `<placeholder>`) and whether it was given. */
export interface AdviceColumn {
  readonly role: string;
  readonly name: string;
  readonly given: boolean;
  readonly description: string;
}

/** An assumption the design rests on, how truelift checks it, and the diagnostic code that reports it. */
export interface AdviceAssumption {
  readonly assumption: string;
  readonly check: string;
  readonly diagnostic: string | null;
}

/** The advisor's answer. */
export interface Advice {
  readonly rollout: Rollout;
  /** Stable id of the design: `ab`, `did`, `did-staggered`, `propensity`, `rdd`, `synth`, `cluster`, or `none`. */
  readonly design: string;
  readonly designName: string;
  /** Why this design fits the rollout, and the trap of the naive comparison. */
  readonly why: string;
  readonly columns: readonly AdviceColumn[];
  readonly assumptions: readonly AdviceAssumption[];
  /** The exact command to run (placeholders in angle brackets for what was not given). */
  readonly command: string;
  /** For a plain A/B test: the analysis step by step. */
  readonly steps: readonly string[];
  readonly notes: readonly string[];
}

const q = (s: string) => (/^[\w./:,=@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

function col(
  role: string,
  value: string | undefined,
  placeholder: string,
  description: string,
): AdviceColumn {
  return { role, name: value ?? `<${placeholder}>`, given: value !== undefined, description };
}

function command(parts: readonly (string | null | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
}

function flag(name: string, c: AdviceColumn | string | number | undefined): string | null {
  if (c === undefined) return null;
  const v = typeof c === "object" ? c.name : String(c);
  return `${name} ${v.startsWith("<") ? v : q(v)}`;
}

function dataArg(a: AdviseAnswers): string {
  return a.data === undefined ? "<data.csv>" : q(a.data);
}

function abAdvice(a: AdviseAnswers): Advice {
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const treatment = col("treatment", a.treatment, "variant", "0/1: the arm each user was randomized to");
  const columns = [outcome, treatment];
  const pre = a.preMetric;
  if (pre !== undefined)
    columns.push(col("pre-period metric", pre, "pre_metric", "the same metric before the test (CUPED)"));
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

function wavesAdvice(a: AdviseAnswers): Advice {
  const staggered = (a.waves ?? 2) >= 3;
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const time = col("time", a.time, "period", "the period of each row (week, month)");
  const start = col(
    "treatment start",
    a.startColumn,
    "start_period",
    "the period each row's wave got the feature",
  );
  const cluster = col(
    "cluster",
    a.cluster,
    "workspace_id",
    "the unit the waves were assigned by (CR1 errors)",
  );
  const unit = staggered ? col("unit", a.unit, "unit_id", "the panel unit (Callaway–Sant'Anna)") : null;
  const columns = [outcome, time, start, cluster, ...(unit ? [unit] : [])];
  return {
    rollout: "waves",
    design: staggered ? "did-staggered" : "did",
    designName: staggered
      ? "difference-in-differences with staggered adoption (Callaway–Sant'Anna)"
      : "difference-in-differences",
    why: staggered
      ? "Waves were chosen, and time moves everyone: compare each wave's change with the change of units not yet treated. With three or more waves the plain two-way fixed-effects regression mixes in forbidden comparisons, so the headline is the Callaway–Sant'Anna ATT (with the Bacon decomposition of TWFE for contrast)."
      : "Waves were chosen, and time moves everyone: a before/after of wave 1 mixes the feature with the trend. Difference-in-differences subtracts the change of the not-yet-treated wave over the same weeks.",
    columns,
    assumptions: [
      {
        assumption: "Parallel trends: without the feature, the waves would have moved together",
        check: "Placebo slope on the pre-period and the event-study leads test",
        diagnostic: staggered ? "D_CS_PRETEST" : "D_DID_PARALLEL_TRENDS",
      },
      {
        assumption: "No anticipation before the start",
        check: "Jump in the last pre-periods",
        diagnostic: "D_DID_ANTICIPATION",
      },
      {
        assumption: "Enough clusters for cluster-robust errors",
        check: "Number of clusters (≥ 30 for CR1)",
        diagnostic: "D_FEW_CLUSTERS",
      },
      {
        assumption: "The comparison wave is not yet treated in the window",
        check: "Window stops when the comparison wave starts",
        diagnostic: "D_DID_WINDOW",
      },
    ],
    command: command([
      "truelift did",
      dataArg(a),
      flag("--outcome", outcome),
      flag("--time", time),
      flag("--start-column", start),
      unit ? flag("--unit", unit) : null,
      flag("--cluster", cluster),
      a.covariates && a.covariates.length > 0 ? flag("--covariates", a.covariates.join(",")) : null,
    ]),
    steps: [],
    notes: ["If parallel trends fails, try synthetic control: `truelift advise --rollout global`."],
  };
}

function toggleAdvice(a: AdviseAnswers): Advice {
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const treatment = col("opt-in flag", a.treatment, "opted_in", "0/1: who turned the feature on");
  const covariates = col(
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
    command: command([
      "truelift propensity",
      dataArg(a),
      flag("--treatment", treatment),
      flag("--outcome", outcome),
      flag("--covariates", covariates),
      "--bootstrap 500 --seed 1",
    ]),
    steps: [],
    notes: ["Only covariates measured before the opt-in decision belong in the model (no bad controls)."],
  };
}

function thresholdAdvice(a: AdviseAnswers): Advice {
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const running = col("running variable", a.running, "score", "the score compared with the threshold");
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
    command: command([
      "truelift rdd",
      dataArg(a),
      flag("--outcome", outcome),
      flag("--running", running),
      `--cutoff ${cutoff}`,
      `--treated ${side}`,
    ]),
    steps: [],
    notes: ["The effect is local: it holds for units near the cutoff, not for all users."],
  };
}

function globalAdvice(a: AdviseAnswers): Advice {
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const unit = col("unit", a.unit, "unit", "markets, workspaces or products observed over time");
  const time = col("time", a.time, "period", "the period column");
  const noDonors = a.donors === "none";
  const assumptions: AdviceAssumption[] = [
    {
      assumption: "The donors were not affected by the launch",
      check: "No donor shifts after the launch",
      diagnostic: "D_SYNTH_DONOR_BREAK",
    },
    {
      assumption: "A weighted mix of donors tracks the treated unit before the launch",
      check: "Pre-period RMSPE small next to the effect; treated unit inside the donors' range",
      diagnostic: "D_SYNTH_PRE_FIT",
    },
    {
      assumption: "The gap is unusual",
      check: "In-space placebos (pseudo p), in-time placebo, leave-one-out",
      diagnostic: "D_SYNTH_PLACEBO",
    },
  ];
  return {
    rollout: "global",
    design: noDonors ? "none" : "synth",
    designName: noDonors ? "no credible design without a comparison" : "synthetic control",
    why: noDonors
      ? "With no holdout and no comparable units that did not get the feature, nothing separates the feature from everything else that changed at the same time. Find donors (other markets, products, or a metric the feature cannot affect) or treat a before/after as descriptive only."
      : "There is no holdout, so a before/after mixes the feature with everything else that changed. Synthetic control builds the missing comparison: a weighted mix of untouched units that tracked the treated unit before the launch.",
    columns: [
      outcome,
      unit,
      time,
      {
        role: "treated units",
        name: a.treatedUnits ?? "<ids>",
        given: a.treatedUnits !== undefined,
        description: "the units that got the feature",
      },
      {
        role: "donors",
        name: noDonors ? "none" : (a.donors ?? "<ids>"),
        given: a.donors !== undefined,
        description: "comparable units that did not",
      },
    ],
    assumptions,
    command: noDonors
      ? ""
      : command([
          "truelift synth",
          dataArg(a),
          flag("--outcome", outcome),
          flag("--unit", unit),
          flag("--time", time),
          `--treated-units ${a.treatedUnits ?? "<ids>"}`,
          `--donors ${a.donors ?? "<ids>"}`,
          `--treatment-start ${a.treatmentStart ?? "<period>"}`,
          "--bootstrap 500 --seed 1",
        ]),
    steps: [],
    notes: noDonors
      ? []
      : [
          "Prefer a handful of similar donors over many: with more donors than pre-periods the weights fit noise.",
        ],
  };
}

function sharedAdvice(a: AdviseAnswers): Advice {
  const outcome = col("outcome", a.outcome, "outcome", "the metric the feature should move");
  const treatment = col("treatment", a.treatment, "treated_workspace", "which clusters got the feature");
  const cluster = col("cluster", a.cluster, "workspace_id", "the workspace (team) each user belongs to");
  const exposure =
    a.exposure !== undefined
      ? col("spillover exposure", a.exposure, "exposed", "0/1: untreated users in contact with treated ones")
      : null;
  const fewClusters = a.clusters !== undefined && a.clusters < 30;
  return {
    rollout: "shared",
    design: "cluster",
    designName: "cluster randomization with spillover",
    why: "Users in a workspace are not independent: the feature was assigned by workspace and colleagues affect each other. Inference must count workspaces, not users (a user-level SE is many times too small), and spillover onto untreated users biases the naive contrast toward zero.",
    columns: [outcome, treatment, cluster, ...(exposure ? [exposure] : [])],
    assumptions: [
      {
        assumption: "Enough clusters for cluster-robust inference",
        check: "K ≥ 30 for CR1; fewer → wild cluster bootstrap and randomization inference",
        diagnostic: "D_FEW_CLUSTERS",
      },
      {
        assumption: "Spillover only through the exposure you measured",
        check: "Direct vs spillover decomposition; is exposure observed or a proxy?",
        diagnostic: "D_CLUSTER_SPILLOVER_PROVENANCE",
      },
      {
        assumption: "Clusters of similar size",
        check: "Coefficient of variation of cluster sizes",
        diagnostic: "D_CLUSTER_UNEQUAL_SIZES",
      },
    ],
    command: command([
      "truelift cluster",
      dataArg(a),
      flag("--outcome", outcome),
      flag("--treatment", treatment),
      flag("--cluster", cluster),
      exposure ? flag("--exposure", exposure) : null,
      fewClusters ? "--small-k always" : null,
    ]),
    steps: [],
    notes: [
      ...(fewClusters
        ? [
            `Only ${a.clusters} clusters: the wild cluster bootstrap and randomization inference give honest p-values (--small-k always).`,
          ]
        : []),
      "Not launched yet? Randomize whole workspaces with `truelift assign` and size the test with `truelift power`.",
    ],
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
  switch (answers.rollout) {
    case "ab":
      return abAdvice(answers);
    case "waves":
      return wavesAdvice(answers);
    case "toggle":
      return toggleAdvice(answers);
    case "threshold":
      return thresholdAdvice(answers);
    case "global":
      return globalAdvice(answers);
    case "shared":
      return sharedAdvice(answers);
  }
}
