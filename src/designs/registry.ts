import { sharedAdvice } from "./cluster/advise.js";
import { CLUSTER_NEXT_STEPS } from "./cluster/next-steps.js";
import { wavesAdvice } from "./did/advise.js";
import { DID_NEXT_STEPS } from "./did/next-steps.js";
import { experimentAdvice } from "./experiment/advise.js";
import { EXPERIMENT_NEXT_STEPS } from "./experiment/next-steps.js";
import { toggleAdvice } from "./propensity/advise.js";
import { PROPENSITY_NEXT_STEPS } from "./propensity/next-steps.js";
import { thresholdAdvice } from "./rdd/advise.js";
import { RDD_NEXT_STEPS } from "./rdd/next-steps.js";
import type { Advice, AdviseAnswers } from "./shared/advise.js";
import type { RegisteredDesign } from "./shared/contract.js";
import type { NextStepRule } from "./shared/next-step.js";
import { registerDesign } from "./shared/register.js";
import type { Rollout } from "./shared/rollouts.js";
import { globalAdvice } from "./synth/advise.js";
import { SYNTH_NEXT_STEPS } from "./synth/next-steps.js";

/**
 * One registered design as the registry lists it: what the CLI help, `advise` and the "what to do next" rules
 * need without loading the design (its name, one-line summary, command aliases, the advisor's answer for the
 * rollouts that lead to it, its next-step rules), and `load`, which imports the design module only when it runs — so `truelift --help`
 * does not load five designs' estimators.
 *
 * @example
 * ```ts
 * import { DESIGN_REGISTRY } from "truelift";
 * const did = await DESIGN_REGISTRY.find((d) => d.name === "did")?.load();
 * ```
 */
export interface DesignEntry {
  readonly name: string;
  readonly summary: string;
  readonly aliases: readonly string[];
  /** The advisor's answer for each rollout shape that leads to this design (`truelift advise`). */
  readonly advise: Readonly<Partial<Record<Rollout, (answers: AdviseAnswers) => Advice>>>;
  readonly nextSteps: readonly NextStepRule[];
  readonly load: () => Promise<RegisteredDesign>;
}

/**
 * Every design, once. The CLI commands, `truelift run` specs and their JSON schema, the report, `advise` and the
 * "what to do next" rules all loop over this list. Adding a design = its folder (`designs/<d>/`, exporting a
 * `Design` from `design.ts`) + one entry here + its tests.
 *
 * @example
 * ```ts
 * import { DESIGN_REGISTRY } from "truelift";
 * DESIGN_REGISTRY.map((d) => d.name); // ["did", "propensity", "rdd", "synth", "cluster", "experiment"]
 * ```
 */
export const DESIGN_REGISTRY: readonly DesignEntry[] = [
  {
    name: "did",
    summary:
      "Difference-in-differences for staged rollouts: 2×2, regression, TWFE, event study, staggered (CS, Bacon)",
    aliases: [],
    advise: { waves: wavesAdvice },
    nextSteps: DID_NEXT_STEPS,
    load: () => import("./did/design.js").then((m) => registerDesign(m.didDesign)),
  },
  {
    name: "propensity",
    summary:
      "Propensity scores for opt-in features: IPW (sandwich / refitting bootstrap), AIPW, overlap, trimming, balance, E-value",
    aliases: ["psm"],
    advise: { toggle: toggleAdvice },
    nextSteps: PROPENSITY_NEXT_STEPS,
    load: () => import("./propensity/design.js").then((m) => registerDesign(m.propensityDesign)),
  },
  {
    name: "rdd",
    summary:
      "Regression discontinuity: rdrobust local polynomial, robust bias-corrected CIs, bandwidth selectors, fuzzy RD, validity checks",
    aliases: [],
    advise: { threshold: thresholdAdvice },
    nextSteps: RDD_NEXT_STEPS,
    load: () => import("./rdd/design.js").then((m) => registerDesign(m.rddDesign)),
  },
  {
    name: "synth",
    summary:
      "Synthetic control for global rollouts: exact donor weights, ADH predictors, placebos, leave-one-out, bootstrap",
    aliases: [],
    advise: { global: globalAdvice },
    nextSteps: SYNTH_NEXT_STEPS,
    load: () => import("./synth/design.js").then((m) => registerDesign(m.synthDesign)),
  },
  {
    name: "cluster",
    summary:
      "Cluster-randomized experiments: cluster-mean WLS, CR1/CR2/CR3, wild bootstrap and RI at small K, direct vs spillover",
    aliases: [],
    advise: { shared: sharedAdvice },
    nextSteps: CLUSTER_NEXT_STEPS,
    load: () => import("./cluster/design.js").then((m) => registerDesign(m.clusterDesign)),
  },
  {
    name: "experiment",
    summary:
      "Randomized A/B/n tests: Welch / HC2 / CR2 lifts, ratio metrics (delta method), CUPED, Lin adjustment, SRM, Holm/BH, guardrails",
    aliases: [],
    advise: { ab: experimentAdvice },
    nextSteps: EXPERIMENT_NEXT_STEPS,
    load: () => import("./experiment/design.js").then((m) => registerDesign(m.experimentDesign)),
  },
];

/**
 * The names of the registered designs, in registry order.
 *
 * @example
 * ```ts
 * import { DESIGN_NAMES } from "truelift";
 * DESIGN_NAMES.includes("rdd"); // true
 * ```
 */
export const DESIGN_NAMES: readonly string[] = DESIGN_REGISTRY.map((d) => d.name);

/**
 * Every design's "what to do next" rules in registry order (a rule shared by several designs appears once).
 *
 * @example
 * ```ts
 * import { DESIGN_NEXT_STEPS } from "truelift";
 * DESIGN_NEXT_STEPS.some((r) => r.code === "D_FEW_CLUSTERS"); // true
 * ```
 */
export const DESIGN_NEXT_STEPS: readonly NextStepRule[] = [
  ...new Set(DESIGN_REGISTRY.flatMap((d) => d.nextSteps)),
];

/**
 * Loads every registered design (imports each design module once).
 *
 * @example
 * ```ts
 * import { loadDesigns } from "truelift";
 * const designs = await loadDesigns();
 * designs.map((d) => d.question);
 * ```
 */
export function loadDesigns(): Promise<readonly RegisteredDesign[]> {
  return Promise.all(DESIGN_REGISTRY.map((d) => d.load()));
}
