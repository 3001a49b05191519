import type { ClusterSpec } from "../../designs/cluster/spec.js";
import type { DidSpec } from "../../designs/did/spec.js";
import type { PropensitySpec } from "../../designs/propensity/spec.js";
import type { RddSpec } from "../../designs/rdd/spec.js";
import type { SynthSpec } from "../../designs/synth/spec.js";

/**
 * Replicate counts of the tutorial (500 for every bootstrap) and of `--quick` (50: the same analyses with Monte
 * Carlo intervals that are rougher but still reproducible).
 *
 * @example
 * ```ts
 * DEMO_REPLICATES.full; // 500
 * ```
 */
export const DEMO_REPLICATES = { full: 500, quick: 50 } as const;

/** The five specifications the demo runs, as the tutorials state them. */
export interface DemoSpecs {
  readonly did: DidSpec;
  readonly propensity: PropensitySpec;
  readonly rdd: RddSpec;
  readonly synth: SynthSpec;
  readonly cluster: ClusterSpec;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The tutorials' specifications on the shared SaaS dataset, with `reps` bootstrap replicates seeded by `seed`:
 *
 * - staged waves → DiD on `task_completed` by `signup_week`, start from `treatment_week`, CR1 by workspace,
 *   engagement-tier dummies;
 * - opt-in toggle → propensity IPW (ATE headline) on tier + query confidence, refitting bootstrap;
 * - threshold routing → sharp RD at query_confidence 0.85, treated below, bandwidth 0.10, uniform kernel on the
 *   open window, HC3, the tutorial's bandwidth sweep 0.05–0.20 and the row bootstrap;
 * - global rollout → synthetic control of the 25 wave-1 workspaces (0–24) from the 25 wave-2 ones (25–49),
 *   launch at week 20, window 0–29, user bootstrap;
 * - shared workspaces → cluster randomization of `session_minutes_obs` by workspace, wave 1 treated, spillover
 *   exposure `opt_in_agent_mode`, pairs cluster bootstrap.
 *
 * @example
 * ```ts
 * demoSpecs(500, 42).rdd.cutoff; // 0.85
 * ```
 */
export function demoSpecs(reps: number, seed: number): DemoSpecs {
  return {
    did: {
      outcome: "task_completed",
      time: "signup_week",
      treatment: { startColumn: "treatment_week" },
      cluster: "workspace_id",
      covariates: ["engagement_tier"],
    },
    propensity: {
      treatment: "opt_in_agent_mode",
      outcome: "task_completed",
      covariates: ["engagement_tier", "query_confidence"],
      estimator: "ipw",
      estimand: "ATE",
      bootstrap: { reps, seed },
    },
    rdd: {
      outcome: "task_completed",
      running: "query_confidence",
      cutoff: 0.85,
      treated: "below",
      treatment: "routed_to_premium",
      kernel: "uniform",
      support: "open",
      vce: "hc3",
      bandwidth: 0.1,
      sweep: [0.05, 0.1, 0.15, 0.2],
      bootstrap: { reps, seed },
    },
    synth: {
      outcome: "task_completed",
      unit: "workspace_id",
      time: "signup_week",
      treated: range(0, 24),
      donors: range(25, 49),
      treatmentStart: 20,
      window: { from: 0, to: 29 },
      bootstrap: { reps, seed },
    },
    cluster: {
      outcome: "session_minutes_obs",
      treatment: { column: "wave", treatedValues: [1] },
      cluster: "workspace_id",
      exposure: { column: "opt_in_agent_mode" },
      inference: { seed, pairs: { reps } },
    },
  };
}

/** What the demo says about one design: the rollout story, the question, the truth and the key check. */
export interface DemoStory {
  readonly design: "did" | "propensity" | "rdd" | "synth" | "cluster";
  readonly id: string;
  readonly rollout: string;
  readonly title: string;
  readonly question: string;
  /** The effect the generator built in (what a correct analysis should recover). */
  readonly truth: number;
  readonly units: string;
  /** The diagnostic whose verdict the one-screen summary shows. */
  readonly keyCheck: string;
  readonly keyCheckLabel: string;
}

/**
 * The five stories of the demo, in the order of the tutorials, with the ground truth the generator built in (the
 * staged rollout +5 pp, agent mode +8 pp, premium routing +6 pp on task completion; the collaborative feature's
 * direct effect +0.80 session minutes).
 *
 * @example
 * ```ts
 * DEMO_STORIES.map((s) => s.design); // ["did", "propensity", "rdd", "synth", "cluster"]
 * ```
 */
export const DEMO_STORIES: readonly DemoStory[] = [
  {
    design: "did",
    id: "staged-waves",
    rollout: "staged waves",
    title: "Staged rollout: difference-in-differences",
    question:
      "Wave 1 got the new assistant at week 20, wave 2 at week 30. Did it raise task completion for wave 1?",
    truth: 0.05,
    units: "in the task-completion rate",
    keyCheck: "D_DID_PARALLEL_TRENDS",
    keyCheckLabel: "parallel trends",
  },
  {
    design: "propensity",
    id: "opt-in-toggle",
    rollout: "opt-in toggle",
    title: "Opt-in toggle: propensity-score weighting",
    question:
      "Users chose whether to turn on agent mode. How much does agent mode itself raise task completion?",
    truth: 0.08,
    units: "in the task-completion rate",
    keyCheck: "D_PS_BALANCE",
    keyCheckLabel: "covariate balance",
  },
  {
    design: "rdd",
    id: "threshold-routing",
    rollout: "threshold routing",
    title: "Threshold routing: regression discontinuity",
    question:
      "Queries with confidence below 0.85 go to the premium model. Does premium routing raise task completion?",
    truth: 0.06,
    units: "in the task-completion rate",
    keyCheck: "D_RDD_DENSITY_TEST",
    keyCheckLabel: "no sorting at cutoff",
  },
  {
    design: "synth",
    id: "global-rollout",
    rollout: "global rollout",
    title: "Global rollout: synthetic control",
    question:
      "All 25 wave-1 workspaces switched at week 20 with no holdout among them. What would they have done without it?",
    truth: 0.05,
    units: "in the task-completion rate",
    keyCheck: "D_SYNTH_PRE_FIT",
    keyCheckLabel: "pre-period fit",
  },
  {
    design: "cluster",
    id: "shared-workspaces",
    rollout: "shared workspaces",
    title: "Collaborative feature: cluster randomization with spillover",
    question:
      "Whole workspaces got the collaborative feature. What is its direct effect on session minutes, net of the spillover onto control workspaces?",
    truth: 0.8,
    units: "minutes per session",
    keyCheck: "D_FEW_CLUSTERS",
    keyCheckLabel: "enough clusters",
  },
];
