/**
 * How a feature reached users — the six answers the advisor knows: a random A/B test, staged waves, an opt-in
 * toggle, a threshold on a score, a global rollout, and a feature shared inside workspaces.
 *
 * @example
 * ```ts
 * ROLLOUTS.includes("threshold"); // true
 * ```
 */
export const ROLLOUTS = ["ab", "waves", "toggle", "threshold", "global", "shared"] as const;
/** One of {@link ROLLOUTS}. */
export type Rollout = (typeof ROLLOUTS)[number];

/**
 * The question each rollout answers, as the interactive advisor lists them.
 *
 * @example
 * ```ts
 * ROLLOUT_LABELS.toggle; // "Opt-in toggle: users chose whether to turn it on"
 * ```
 */
export const ROLLOUT_LABELS: Readonly<Record<Rollout, string>> = {
  ab: "Random A/B test: users were randomly assigned to the feature or not",
  waves: "Staged waves: groups got it on different dates (wave 1 first, wave 2 later)",
  toggle: "Opt-in toggle: users chose whether to turn it on",
  threshold: "Threshold: a score decided who got it (e.g. confidence < 0.85 → premium model)",
  global: "Global rollout: everyone got it at once, no holdout",
  shared: "Shared workspaces: whole teams got it, and users affect each other",
};
