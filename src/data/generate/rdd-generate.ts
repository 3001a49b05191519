import { Frame } from "../../core/frame.js";
import { deepFreeze } from "../../core/result.js";
import { createRng } from "../../core/rng.js";
import { roundDecimal } from "../decimal.js";
import {
  RDD_STREAMS,
  type RddOptions,
  type RddScenario,
  type ResolvedRddOptions,
  resolveRddOptions,
} from "./rdd-scenarios.js";

/** The known truth of a generated RD dataset. */
export interface RddTruth {
  readonly scenario: RddScenario;
  readonly cutoff: number;
  /** The treated (eligible) side: always below the cutoff here, as in the tutorial. */
  readonly treatedSide: "below";
  /** The treatment effect τ (constant, so it is also the fuzzy LATE). */
  readonly effect: number;
  /** Jump in take-up at the cutoff (below minus above): 1 in sharp designs. */
  readonly firstStage: number;
  /** Jump in E[y | score] at the cutoff, below minus above: τ · firstStage (the reduced form / ITT). */
  readonly outcomeJump: number;
  /** E[y | score = s] without treatment, as a formula of the parameters. */
  readonly meanFunction: string;
  /**
   * Population density of the score just below / at-or-above the cutoff (Beta(5, 2) density f(c) = 30c⁴(1 − c),
   * plus the mass moved below the cutoff spread uniformly over the landing window).
   */
  readonly densityBelow: number;
  readonly densityAbove: number;
  /** Units that moved below the cutoff (manipulation), and their share of the units that started in the window. */
  readonly moved: number;
  readonly movedShare: number;
  readonly params: ResolvedRddOptions;
}

/** What {@link generateRdd} returns. */
export interface GeneratedRdd {
  /** Columns `score`, `eligible`, `treated`, `y`, `moved` (see `RDD_COLUMNS`). */
  readonly frame: Frame;
  readonly truth: RddTruth;
}

const BASE_LEVEL = 0.5;

/**
 * Generates a regression-discontinuity dataset with known truth, for validating RD estimators and their checks
 * (see `RDD_SCENARIOS`).
 *
 * **Model.** score ~ Beta(5, 2) (the tutorial's query_confidence), rounded to `decimals`; eligible = 1[score < c];
 * in `manipulation`, each unit with score in [c, c + w) moves with probability `manipulationShare` to
 * c − w·u, u ~ U(0, 1] (rounded, kept below c), so units pile up just below the cutoff; treated = eligible,
 * except in `fuzzy` where treated ~ Bernoulli(takeUp[0]) below the cutoff and Bernoulli(takeUp[1]) above;
 * y = 0.5 + slope·(score − c) + curvature·tanh(steepness·(score − c)) + effect·treated + noiseSd·N(0, 1).
 *
 * **Reproducibility.** Each component has its own stream `createRng(seed, RDD_STREAMS.*)`: the scores (one
 * Beta draw per unit), the manipulation (two uniforms per unit in the window), the take-up (one uniform per
 * unit, fuzzy only) and the noise (one normal per unit). The same seed and options give the same data on
 * every machine.
 *
 * Throws `E_INVALID_ARGUMENT` for invalid options (see `resolveRddOptions`).
 *
 * @example
 * ```ts
 * import { generateRdd } from "truelift";
 * const { frame, truth } = generateRdd({ seed: 1, scenario: "manipulation" });
 * truth.densityBelow > truth.densityAbove; // true: units piled up below 0.85
 * frame.numeric("score").length;          // 20000
 * ```
 * @see Lee, D. S. and Lemieux, T. (2010), "Regression Discontinuity Designs in Economics", Journal of Economic
 * Literature 48(2), 281–355, https://doi.org/10.1257/jel.48.2.281
 */
export function generateRdd(options: RddOptions): GeneratedRdd {
  const o = resolveRddOptions(options);
  const { n, cutoff: c } = o;
  const round = (v: number): number => (o.decimals === null ? v : roundDecimal(v, o.decimals));
  const step = o.decimals === null ? 0 : 10 ** -o.decimals;

  const scoreRng = createRng(o.seed, RDD_STREAMS.score);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) score[i] = round(scoreRng.beta(5, 2));

  const moved = new Int32Array(n);
  let movedCount = 0;
  let windowCount = 0;
  if (o.manipulationShare > 0) {
    const mRng = createRng(o.seed, RDD_STREAMS.manipulation);
    const w = o.manipulationWindow;
    for (let i = 0; i < n; i++) {
      if (score[i] < c || score[i] >= c + w) continue;
      windowCount++;
      const pick = mRng.uniform();
      const u = 1 - mRng.uniform(); // (0, 1]
      if (pick >= o.manipulationShare) continue;
      let s = round(c - w * u);
      if (s >= c) s = round(c - step);
      score[i] = s;
      moved[i] = 1;
      movedCount++;
    }
  }

  const eligible = new Int32Array(n);
  const treated = new Int32Array(n);
  const fuzzy = o.scenario === "fuzzy" || o.takeUp[0] !== 1 || o.takeUp[1] !== 0;
  const tRng = fuzzy ? createRng(o.seed, RDD_STREAMS.takeUp) : null;
  for (let i = 0; i < n; i++) {
    const e = score[i] < c ? 1 : 0;
    eligible[i] = e;
    treated[i] = tRng === null ? e : tRng.uniform() < o.takeUp[e === 1 ? 0 : 1] ? 1 : 0;
  }

  const noise = o.noiseSd > 0 ? createRng(o.seed, RDD_STREAMS.noise) : null;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = score[i] - c;
    let v = BASE_LEVEL + o.slope * d + o.curvature * Math.tanh(o.steepness * d) + o.effect * treated[i];
    if (noise !== null) v += o.noiseSd * noise.normal();
    y[i] = v;
  }

  const frame = Frame.fromColumns({
    score: { kind: "f64", values: score },
    eligible: { kind: "i32", values: eligible },
    treated: { kind: "i32", values: treated },
    y: { kind: "f64", values: y },
    moved: { kind: "i32", values: moved },
  });
  const firstStage = o.takeUp[0] - o.takeUp[1];
  const fc = 30 * c ** 4 * (1 - c);
  const cdf = (x: number): number => 6 * x ** 5 - 5 * x ** 6;
  const w = o.manipulationWindow;
  const movedMass = o.manipulationShare * (cdf(c + w) - cdf(c));
  const truth: RddTruth = {
    scenario: o.scenario,
    cutoff: c,
    treatedSide: "below",
    effect: o.effect,
    firstStage,
    outcomeJump: o.effect * firstStage,
    meanFunction: `${BASE_LEVEL} + ${o.slope}·(score − ${c}) + ${o.curvature}·tanh(${o.steepness}·(score − ${c}))`,
    densityBelow: fc + movedMass / w,
    densityAbove: o.manipulationShare > 0 ? fc * (1 - o.manipulationShare) : fc,
    moved: movedCount,
    movedShare: windowCount > 0 ? movedCount / windowCount : 0,
    params: o,
  };
  return Object.freeze({ frame, truth: deepFreeze(truth) as RddTruth });
}
