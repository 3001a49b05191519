import type { Diagnostic, Severity } from "../core/diagnostics.js";

/**
 * One piece of "what to do next" advice: which diagnostic code triggers it, at which severities, and the advice
 * sentence (plain text; renderers escape it).
 *
 * @example
 * ```ts
 * import type { NextStepRule } from "truelift";
 * const r: NextStepRule = { code: "D_FEW_CLUSTERS", when: ["warn", "fail"], advice: "Use the wild cluster bootstrap." };
 * ```
 */
export interface NextStepRule {
  readonly code: string;
  readonly when: readonly Severity[];
  readonly advice: string;
}

const bad: readonly Severity[] = ["warn", "fail"];
const failOnly: readonly Severity[] = ["fail"];

/**
 * The registry mapping diagnostic codes (and severities) to "what to do next" advice, in the order the advice is
 * shown. A failed or warned check without an entry gets no advice line (its own sentence still shows).
 *
 * @example
 * ```ts
 * import { NEXT_STEP_RULES } from "truelift";
 * NEXT_STEP_RULES.find((r) => r.code === "D_DID_PARALLEL_TRENDS")?.advice;
 * ```
 */
export const NEXT_STEP_RULES: readonly NextStepRule[] = [
  {
    code: "D_DID_PARALLEL_TRENDS",
    when: failOnly,
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
    when: failOnly,
    advice:
      "Cohorts differ from their controls before treatment: try not-yet-treated controls (`--control notYet`), covariates in the propensity step, or synthetic control.",
  },
  {
    code: "D_DID_ANTICIPATION",
    when: bad,
    advice:
      "Users reacted before the official start: re-run with `--anticipation k` so the pre-launch periods are not used as the baseline.",
  },
  {
    code: "D_DID_STAGGERED_TWFE",
    when: bad,
    advice:
      "Adoption is staggered, so the plain two-way fixed-effects number is biased: report the Callaway–Sant'Anna estimate (`truelift did --start-column …`).",
  },
  {
    code: "D_BACON_FORBIDDEN",
    when: bad,
    advice:
      "TWFE leans on already-treated units as controls: use the Callaway–Sant'Anna estimate instead of TWFE.",
  },
  {
    code: "D_DID_CONTAMINATED_CONTROL",
    when: bad,
    advice:
      "The comparison group was partly treated: restrict the window or the comparison group to clean units.",
  },
  {
    code: "D_FEW_CLUSTERS",
    when: bad,
    advice:
      "There are too few clusters for cluster-robust standard errors to be trusted: use the wild cluster bootstrap or randomization inference (`truelift cluster --small-k always`), or CR2 with Bell–McCaffrey degrees of freedom.",
  },
  {
    code: "D_CLUSTER_SMALL_K_INFERENCE",
    when: bad,
    advice:
      "With few clusters, report the wild-bootstrap or randomization-inference interval rather than the CR1 one.",
  },
  {
    code: "D_CLUSTER_NAIVE_SE",
    when: bad,
    advice:
      "A user-level analysis would overstate precision: always analyse at the cluster level (what truelift reports), and plan the next test with `truelift power`.",
  },
  {
    code: "D_CLUSTER_ICC",
    when: bad,
    advice:
      "Outcomes are strongly correlated within clusters: plan future tests with more clusters (`truelift power`).",
  },
  {
    code: "D_CLUSTER_SPILLOVER_PROVENANCE",
    when: bad,
    advice:
      "The spillover split rests on a behavioural proxy that users chose: collect who actually collaborates with whom (an edge list) and re-run with `--edges`, or report only the total effect.",
  },
  {
    code: "D_CLUSTER_UNEQUAL_SIZES",
    when: bad,
    advice: "Cluster sizes vary a lot: prefer the CR2 interval with its Satterthwaite degrees of freedom.",
  },
  {
    code: "D_DID_NO_CLUSTER",
    when: bad,
    advice:
      "Without a cluster column the standard errors assume independent rows: pass the unit that was switched on together (e.g. `--cluster workspace_id`).",
  },
  {
    code: "D_PS_OVERLAP",
    when: bad,
    advice:
      "Some users had (almost) no chance of the other treatment, so weights explode: trim the propensity scores (`--trim crump` or `--trim 0.05:0.95`) and say the estimate is for the overlap population.",
  },
  {
    code: "D_PS_BALANCE",
    when: bad,
    advice:
      "Covariates are still unbalanced after weighting: add interactions or splines to the propensity model, or use the doubly robust (AIPW) estimate.",
  },
  {
    code: "D_PS_WEIGHTS",
    when: bad,
    advice:
      "A few users carry most of the weight: trim the scores or use the AIPW estimate, and check the E-value.",
  },
  {
    code: "D_PS_ESTIMATORS_DISAGREE",
    when: bad,
    advice:
      "IPW, regression adjustment and AIPW disagree, so a model is misspecified: richer propensity and outcome models, and report the range.",
  },
  {
    code: "D_PS_EVALUE",
    when: bad,
    advice:
      "A modest unmeasured confounder could explain the effect away: treat the number as suggestive, and run a randomized test if the decision is large.",
  },
  {
    code: "D_RDD_DENSITY_TEST",
    when: bad,
    advice:
      "There are unusually many users just on one side of the cutoff, a sign the running variable was manipulated: find out how the score is set, try a donut RD (`--donut 0.5`), and do not trust the RD estimate until explained.",
  },
  {
    code: "D_RDD_COVARIATES",
    when: bad,
    advice:
      "Users on either side of the cutoff differ in pre-treatment covariates: the cutoff is not as-good-as-random; check for sorting.",
  },
  {
    code: "D_RDD_PLACEBO_CUTOFFS",
    when: bad,
    advice:
      "Jumps appear at fake cutoffs too: the outcome is not smooth in the running variable; widen the polynomial check or use a smaller bandwidth.",
  },
  {
    code: "D_RDD_BANDWIDTH",
    when: bad,
    advice: "The estimate moves with the bandwidth: report the bandwidth-sweep chart with the number.",
  },
  {
    code: "D_RDD_WEAK_FIRST_STAGE",
    when: bad,
    advice:
      "Crossing the cutoff barely changes who is treated: the fuzzy RD estimate is unreliable; report the reduced form (the jump in the outcome) instead.",
  },
  {
    code: "D_RDD_COMPLIANCE",
    when: bad,
    advice:
      "Some rows were treated on the wrong side of the cutoff: if that is real non-compliance, use a fuzzy RD (`--fuzzy --treatment <column>`).",
  },
  {
    code: "D_RDD_MASS_POINTS",
    when: bad,
    advice:
      "The running variable is coarse (many tied values): treat the estimate as extrapolated between discrete values, and check it in the bandwidth sweep.",
  },
  {
    code: "D_RDD_FEW_EFFECTIVE",
    when: bad,
    advice:
      "Few users sit near the cutoff: widen the bandwidth or collect more data before acting on the estimate.",
  },
  {
    code: "D_SYNTH_PRE_FIT",
    when: bad,
    advice:
      "The synthetic control does not track the treated unit before launch: add predictors, or use augmented synthetic control or synthetic DiD (the `augmented` / `sdid` spec options).",
  },
  {
    code: "D_SYNTH_CONVEX_HULL",
    when: bad,
    advice:
      "The treated unit lies outside the range of the donors: use augmented synthetic control or synthetic DiD, which can extrapolate.",
  },
  {
    code: "D_SYNTH_PLACEBO",
    when: bad,
    advice:
      "Placebo donors show gaps as large as the treated unit's: the effect is not distinguishable from noise; wait for more post-periods.",
  },
  {
    code: "D_SDID_PRE_FIT",
    when: bad,
    advice:
      "Even after its level shift the synthetic comparison misses the pre-launch path: treat the synthetic DiD contrast with caution and rely on the placebo evidence.",
  },
  {
    code: "D_SYNTH_OVERFIT",
    when: bad,
    advice:
      "There are about as many donors as pre-launch periods, so the weights can fit noise: restrict the donor pool to comparable units, or add pre-launch periods.",
  },
  {
    code: "D_SYNTH_WEIGHT_CONCENTRATION",
    when: bad,
    advice:
      "One donor carries most of the weight: check what else happened to it, and look at the leave-one-out chart.",
  },
  {
    code: "D_SYNTH_DONOR_BREAK",
    when: bad,
    advice: "A donor had its own shock after launch: drop it from the donor pool (`--donors`) and re-run.",
  },
  {
    code: "D_SYNTH_LEAVE_ONE_OUT",
    when: bad,
    advice:
      "The estimate hinges on one donor: find out what happened to that donor, and report the leave-one-out range.",
  },
  {
    code: "D_SYNTH_IN_TIME_PLACEBO",
    when: bad,
    advice:
      "A fake launch date earlier in the pre-period also shows an effect: the pre-period fit may be overfit.",
  },
];

/**
 * "What to do next" for a list of diagnostics: the advice of every {@link NEXT_STEP_RULES} entry whose code and
 * severity match a diagnostic, in registry order, without duplicates. Empty when every check passed.
 *
 * @example
 * ```ts
 * import { diagnostic, nextSteps } from "truelift";
 * nextSteps([diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters.")]);
 * // ["There are too few clusters … wild cluster bootstrap or randomization inference …"]
 * ```
 */
export function nextSteps(
  diagnostics: readonly Diagnostic[],
  rules: readonly NextStepRule[] = NEXT_STEP_RULES,
): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    const hit = diagnostics.some((d) => d.code === rule.code && rule.when.includes(d.severity));
    if (hit && !out.includes(rule.advice)) out.push(rule.advice);
  }
  return out;
}
