/**
 * The data-generating process of the shared dataset (SPEC.md "The shared dataset"), as data: every parameter the
 * generator uses, and so the ground truth every estimator is validated against.
 *
 * - `task_completed ~ Bernoulli(p)`, `p = clip(base[tier] + 0.04·[wave 1] + 0.04·prompt_variant +
 *   0.08·opt_in + 0.06·premium + 0.05·treated_post + week_signal[signup_week] + N(0, 0.015), 0.01, 0.99)`;
 * - `thumbs_up ~ Bernoulli(clip(0.2 + 0.6·p + N(0, 0.05), 0.01, 0.99))`;
 * - `session_minutes = max(0.5, 5 + 3·[heavy] + 2·opt_in + N(0, 1.5))`;
 * - `cost_usd = 0.002·session_minutes + 0.015·opt_in + 0.008·premium`;
 * - `retained_7d ~ Bernoulli(clip(0.4 + 0.35·p + 0.1·thumbs_up − 0.05·[light] + N(0, 0.05), 0.01, 0.99))`;
 * - cluster scenario: `session_minutes_obs = baseline[ws] + 0.80·[ws < 25] + 0.20·[ws ≥ 25 ∧ opt_in] + N(0, 0.30)`,
 *   `baseline[ws] ~ N(5.0, 0.30)`.
 *
 * Tiers are indexed light 0, medium 1, heavy 2.
 *
 * @example
 * ```ts
 * import { DGP } from "truelift";
 * DGP.effects.rollout; // 0.05 — the staged-rollout effect on task_completed a DiD should recover
 * ```
 */
export const DGP = Object.freeze({
  workspaces: 50,
  wave1Workspaces: 25,
  treatmentWeek: Object.freeze({ wave1: 20, wave2: 30 }),
  tierShares: Object.freeze([0.55, 0.3, 0.15] as const),
  optIn: Object.freeze([0.12, 0.35, 0.65] as const),
  base: Object.freeze([0.35, 0.55, 0.7] as const),
  effects: Object.freeze({ wave1: 0.04, prompt: 0.04, agentMode: 0.08, premium: 0.06, rollout: 0.05 }),
  confidence: Object.freeze({ a: 5, b: 2, cutoff: 0.85 }),
  weekSignal: Object.freeze({ weeks: 52, rho: 0.75, sd: 0.01 }),
  noise: Object.freeze({ task: 0.015, thumbs: 0.05, session: 1.5, retained: 0.05 }),
  cluster: Object.freeze({ baselineMean: 5.0, baselineSd: 0.3, direct: 0.8, spillover: 0.2, noiseSd: 0.3 }),
});

/**
 * Random stream ids: column (or intermediate quantity) → the `stream` argument of `createRng(seed, stream)`.
 * Ids are never reused or renumbered, so adding a column (with a new id) leaves every existing column unchanged.
 *
 * @example
 * ```ts
 * import { createRng, STREAMS } from "truelift";
 * const tierStream = createRng(42, STREAMS.engagement_tier);
 * ```
 */
export const STREAMS = Object.freeze({
  workspace_id: 1,
  engagement_tier: 2,
  signup_week: 3,
  opt_in_agent_mode: 4,
  query_confidence: 5,
  week_signal: 6,
  task_noise: 7,
  task_completed: 8,
  thumbs_noise: 9,
  thumbs_up: 10,
  session_noise: 11,
  retained_noise: 12,
  retained_7d: 13,
  workspace_baseline: 14,
  cluster_noise: 15,
} as const);

/**
 * The levels of `engagement_tier`, in code order (light 0, medium 1, heavy 2).
 * @example
 * ```ts
 * import { TIER_LEVELS } from "truelift";
 * TIER_LEVELS[2]; // "heavy"
 * ```
 */
export const TIER_LEVELS: readonly string[] = Object.freeze(["light", "medium", "heavy"]);
