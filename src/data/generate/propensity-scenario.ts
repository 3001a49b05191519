import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { createRng } from "../../core/rng.js";

/**
 * Parameters of the confounded opt-in scenario (see {@link generatePropensityScenario}). Tiers are indexed
 * light 0, medium 1, heavy 2.
 *
 * @example
 * ```ts
 * import { PROPENSITY_SCENARIO } from "truelift";
 * PROPENSITY_SCENARIO.effect.base; // 0.5 — the effect for light and medium users
 * ```
 */
export const PROPENSITY_SCENARIO = Object.freeze({
  tierShares: Object.freeze([0.55, 0.3, 0.15] as const),
  /** Opt-in logit: intercept + tier + usage + usage × heavy (the interaction a main-effects model misses). */
  optIn: Object.freeze({
    intercept: -1.2,
    tier: Object.freeze([0, 0.8, 1.2] as const),
    usage: 0.4,
    usageHeavy: 1.0,
  }),
  /** Outcome: 5 + tier + 0.8 usage + 1.0 usage × heavy + τ(x)·opt-in + N(0, 1). */
  outcome: Object.freeze({
    intercept: 5,
    tier: Object.freeze([0, 1, 2] as const),
    usage: 0.8,
    usageHeavy: 1.0,
    noise: 1,
  }),
  /** τ(x) = base + heavy·[heavy]. */
  effect: Object.freeze({ base: 0.5, heavy: 0.3 }),
  /** Random streams: `createRng(seed, stream)`. */
  streams: Object.freeze({ tier: 201, usage: 202, optIn: 203, noise: 204 }),
});

/** Options of {@link generatePropensityScenario}. */
export interface PropensityScenarioOptions {
  readonly seed: number;
  /** Rows, ≥ 10. */
  readonly users: number;
}

/** The ground truth of one generated sample. */
export interface PropensityScenarioTruth {
  /** Mean of τ(xᵢ) over the sample. */
  readonly sampleAte: number;
  /** Mean of τ(xᵢ) over the opt-in users of the sample. */
  readonly sampleAtt: number;
  /** E[τ(X)] = base + heavy · P(heavy). */
  readonly populationAte: number;
}

/**
 * Generates the confounded opt-in scenario: power users (heavy tier, high `usage_score`) opt in far more often,
 * and among heavy users opting in rises steeply with usage — an interaction `usage_score × heavy` that a
 * main-effects propensity model (`engagement_tier + usage_score`) misses. The outcome `session_minutes` depends
 * on the same interaction, and the effect of opting in is heterogeneous (0.5 for light / medium, 0.8 for heavy),
 * so ATE ≠ ATT. With the main-effects propensity model the weighted balance on the interaction fails and IPW is
 * biased; an outcome model with the interaction makes AIPW (and RA) recover the truth; a propensity model with
 * the interaction makes IPW recover it.
 *
 * Columns: `user_id`, `engagement_tier` (light / medium / heavy), `usage_score` ~ N(0, 1), `opt_in_agent_mode`
 * (0/1), `session_minutes`.
 *
 * @example
 * ```ts
 * import { generatePropensityScenario, propensity } from "truelift";
 * const { frame, truth } = generatePropensityScenario({ seed: 1, users: 5000 });
 * const res = propensity(frame, {
 *   treatment: "opt_in_agent_mode", outcome: "session_minutes", covariates: ["engagement_tier", "usage_score"],
 *   outcomeCovariates: ["engagement_tier", "usage_score", { interaction: ["engagement_tier", "usage_score"] }],
 * });
 * res.diagnostics.find((d) => d.code === "D_PS_BALANCE")?.severity; // "fail"
 * res.doublyRobust.aipw.ate.estimate - truth.sampleAte;            // ≈ 0
 * ```
 * @see Kang & Schafer (2007), "Demystifying double robustness", Statistical Science 22, 523–539 (the kind of
 *   misspecified-propensity simulation this scenario follows).
 */
export function generatePropensityScenario(options: PropensityScenarioOptions): {
  frame: Frame;
  truth: PropensityScenarioTruth;
} {
  const { seed, users } = options;
  if (!Number.isSafeInteger(seed)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `seed must be a safe integer; got ${seed}.`);
  }
  if (!Number.isInteger(users) || users < 10 || users > 50_000_000) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `users must be an integer from 10 to 50,000,000; got ${users}.`,
    );
  }
  const P = PROPENSITY_SCENARIO;
  const tierRng = createRng(seed, P.streams.tier);
  const usageRng = createRng(seed, P.streams.usage);
  const optRng = createRng(seed, P.streams.optIn);
  const noiseRng = createRng(seed, P.streams.noise);
  const labels = ["light", "medium", "heavy"];
  const tier: string[] = new Array(users);
  const usage = new Float64Array(users);
  const optIn = new Float64Array(users);
  const y = new Float64Array(users);
  const id = new Float64Array(users);
  let tauSum = 0;
  let tauTreated = 0;
  let treated = 0;
  for (let i = 0; i < users; i++) {
    const u = tierRng.uniform();
    const k = u < P.tierShares[0] ? 0 : u < P.tierShares[0] + P.tierShares[1] ? 1 : 2;
    const heavy = k === 2 ? 1 : 0;
    const x = usageRng.normal();
    const eta = P.optIn.intercept + P.optIn.tier[k] + P.optIn.usage * x + P.optIn.usageHeavy * x * heavy;
    const d = optRng.bernoulli(1 / (1 + Math.exp(-eta)));
    const tau = P.effect.base + P.effect.heavy * heavy;
    const base =
      P.outcome.intercept + P.outcome.tier[k] + P.outcome.usage * x + P.outcome.usageHeavy * x * heavy;
    id[i] = i;
    tier[i] = labels[k];
    usage[i] = x;
    optIn[i] = d;
    y[i] = base + tau * d + P.outcome.noise * noiseRng.normal();
    tauSum += tau;
    if (d === 1) {
      tauTreated += tau;
      treated++;
    }
  }
  const frame = Frame.fromObject({
    user_id: id,
    engagement_tier: tier,
    usage_score: usage,
    opt_in_agent_mode: optIn,
    session_minutes: y,
  });
  return {
    frame,
    truth: {
      sampleAte: tauSum / users,
      sampleAtt: treated > 0 ? tauTreated / treated : Number.NaN,
      populationAte: P.effect.base + P.effect.heavy * P.tierShares[2],
    },
  };
}
