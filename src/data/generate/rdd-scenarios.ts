import { TrueliftError } from "../../core/errors.js";

/**
 * Regression-discontinuity scenarios of `generateRdd`, each with known truth:
 * - `clean`: the tutorial-like threshold (score ~ Beta(5, 2) with 4 decimals, cutoff 0.85, treated below it),
 *   a linear outcome and a true jump of `effect`; no sorting;
 * - `curved`: a strongly curved outcome (an S-shaped tanh centred at the cutoff) with **no** jump: a linear fit
 *   over a wide bandwidth fakes one;
 * - `manipulation`: the clean design where a share of the units just above the cutoff moved themselves just
 *   below it (they pile up under the threshold), so the density jumps;
 * - `fuzzy`: take-up of the treatment jumps at the cutoff by less than 1 (from `takeUp[1]` above to `takeUp[0]`
 *   below), with a constant effect, so the Wald ratio identifies `effect`.
 *
 * @example
 * ```ts
 * import { RDD_SCENARIOS } from "truelift";
 * RDD_SCENARIOS; // ["clean", "curved", "manipulation", "fuzzy"]
 * ```
 */
export const RDD_SCENARIOS = ["clean", "curved", "manipulation", "fuzzy"] as const;
/** One of {@link RDD_SCENARIOS}. */
export type RddScenario = (typeof RDD_SCENARIOS)[number];

/**
 * Random stream ids of `generateRdd` (component → `createRng(seed, stream)`); never reused or renumbered.
 *
 * @example
 * ```ts
 * import { createRng, RDD_STREAMS } from "truelift";
 * const scores = createRng(7, RDD_STREAMS.score);
 * ```
 */
export const RDD_STREAMS = Object.freeze({ score: 201, noise: 202, manipulation: 203, takeUp: 204 } as const);

/**
 * The columns of a generated RD dataset: `score` (the running variable, f64), `eligible` (1 when the score is
 * on the treated side, below the cutoff; i32), `treated` (the treatment received; equals `eligible` except in
 * `fuzzy`; i32), `y` (the outcome, f64), `moved` (1 for units that sorted themselves below the cutoff in
 * `manipulation`, else 0; i32).
 *
 * @example
 * ```ts
 * import { RDD_COLUMNS } from "truelift";
 * RDD_COLUMNS[0]; // "score"
 * ```
 */
export const RDD_COLUMNS = ["score", "eligible", "treated", "y", "moved"] as const;

/** Options of `generateRdd`; every field but `seed` defaults per scenario (see {@link RDD_DEFAULTS}). */
export interface RddOptions {
  /** Any safe integer; the same seed and options give the same data on every machine. */
  readonly seed: number;
  /** __Default value:__ `"clean"`. */
  readonly scenario?: RddScenario;
  /** Number of units (≥ 100). __Default value:__ 20,000. */
  readonly n?: number;
  /** The cutoff c in (0, 1); units with score < c are eligible (treated side below). __Default value:__ 0.85. */
  readonly cutoff?: number;
  /** True effect of the treatment on y at the cutoff. __Default value:__ 0.05 (0 for `curved`). */
  readonly effect?: number;
  /** Slope of y in (score − c) on both sides. __Default value:__ 0.3. */
  readonly slope?: number;
  /** Amplitude A of the curve A·tanh(k·(score − c)) (`curved`). __Default value:__ 0.15 (0 elsewhere). */
  readonly curvature?: number;
  /** Steepness k of the curve. __Default value:__ 25. */
  readonly steepness?: number;
  /** Standard deviation of the outcome noise. __Default value:__ 0.1. */
  readonly noiseSd?: number;
  /** Share of units in [c, c + window) that move below the cutoff (`manipulation`). __Default value:__ 0.3 (0 elsewhere). */
  readonly manipulationShare?: number;
  /** Width of the window above the cutoff they come from, and of the window below it they land in. __Default value:__ 0.02. */
  readonly manipulationWindow?: number;
  /** Take-up probability [below the cutoff, at or above it] (`fuzzy`). __Default value:__ [0.8, 0.2] ([1, 0] elsewhere). */
  readonly takeUp?: readonly [number, number];
  /** Decimals the score is rounded to (the tutorial stores 4); null keeps full precision. __Default value:__ 4. */
  readonly decimals?: number | null;
}

/** {@link RddOptions} with every default filled in. */
export interface ResolvedRddOptions {
  readonly seed: number;
  readonly scenario: RddScenario;
  readonly n: number;
  readonly cutoff: number;
  readonly effect: number;
  readonly slope: number;
  readonly curvature: number;
  readonly steepness: number;
  readonly noiseSd: number;
  readonly manipulationShare: number;
  readonly manipulationWindow: number;
  readonly takeUp: readonly [number, number];
  readonly decimals: number | null;
}

type Defaults = Omit<ResolvedRddOptions, "seed" | "scenario">;

const BASE: Defaults = {
  n: 20_000,
  cutoff: 0.85,
  effect: 0.05,
  slope: 0.3,
  curvature: 0,
  steepness: 25,
  noiseSd: 0.1,
  manipulationShare: 0,
  manipulationWindow: 0.02,
  takeUp: [1, 0],
  decimals: 4,
};

/**
 * The default parameters of each RD scenario.
 *
 * @example
 * ```ts
 * import { RDD_DEFAULTS } from "truelift";
 * RDD_DEFAULTS.curved.effect; // 0
 * ```
 */
export const RDD_DEFAULTS: Readonly<Record<RddScenario, Defaults>> = Object.freeze({
  clean: BASE,
  curved: { ...BASE, effect: 0, curvature: 0.15 },
  manipulation: { ...BASE, manipulationShare: 0.3 },
  fuzzy: { ...BASE, takeUp: [0.8, 0.2] as const },
});

function bad(option: string, message: string): TrueliftError {
  return new TrueliftError("E_INVALID_ARGUMENT", message, { details: { option } });
}

/**
 * Fills in the scenario defaults and validates every option (throws `E_INVALID_ARGUMENT` naming the option).
 *
 * @example
 * ```ts
 * import { resolveRddOptions } from "truelift";
 * resolveRddOptions({ seed: 1, scenario: "fuzzy" }).takeUp; // [0.8, 0.2]
 * ```
 */
export function resolveRddOptions(o: RddOptions): ResolvedRddOptions {
  if (o === null || typeof o !== "object")
    throw bad("seed", "generateRdd needs an options object with a seed.");
  if (!Number.isSafeInteger(o.seed)) throw bad("seed", `seed must be a safe integer, got ${String(o.seed)}.`);
  const scenario = o.scenario ?? "clean";
  if (!RDD_SCENARIOS.includes(scenario))
    throw bad("scenario", `Unknown scenario '${String(scenario)}'; use one of ${RDD_SCENARIOS.join(", ")}.`);
  const d = RDD_DEFAULTS[scenario];
  const r: ResolvedRddOptions = {
    seed: o.seed,
    scenario,
    n: o.n ?? d.n,
    cutoff: o.cutoff ?? d.cutoff,
    effect: o.effect ?? d.effect,
    slope: o.slope ?? d.slope,
    curvature: o.curvature ?? d.curvature,
    steepness: o.steepness ?? d.steepness,
    noiseSd: o.noiseSd ?? d.noiseSd,
    manipulationShare: o.manipulationShare ?? d.manipulationShare,
    manipulationWindow: o.manipulationWindow ?? d.manipulationWindow,
    takeUp: o.takeUp ?? d.takeUp,
    decimals: o.decimals === undefined ? d.decimals : o.decimals,
  };
  if (!Number.isInteger(r.n) || r.n < 100 || r.n > 50_000_000)
    throw bad("n", `n must be an integer from 100 to 50,000,000, got ${r.n}.`);
  if (!(r.cutoff > 0 && r.cutoff < 1)) throw bad("cutoff", `cutoff must be in (0, 1), got ${r.cutoff}.`);
  for (const k of ["effect", "slope", "curvature", "steepness"] as const)
    if (!Number.isFinite(r[k])) throw bad(k, `${k} must be a finite number, got ${r[k]}.`);
  if (!(r.noiseSd >= 0 && Number.isFinite(r.noiseSd)))
    throw bad("noiseSd", `noiseSd must be ≥ 0, got ${r.noiseSd}.`);
  if (!(r.manipulationShare >= 0 && r.manipulationShare <= 1))
    throw bad("manipulationShare", `manipulationShare must be in [0, 1], got ${r.manipulationShare}.`);
  if (!(r.manipulationWindow > 0 && r.manipulationWindow < Math.min(r.cutoff, 1 - r.cutoff)))
    throw bad(
      "manipulationWindow",
      `manipulationWindow must be in (0, min(c, 1 − c)), got ${r.manipulationWindow}.`,
    );
  if (!Array.isArray(r.takeUp) || r.takeUp.length !== 2 || !r.takeUp.every((p) => p >= 0 && p <= 1))
    throw bad("takeUp", `takeUp must be two probabilities [below, above], got ${JSON.stringify(r.takeUp)}.`);
  if (r.takeUp[0] === r.takeUp[1])
    throw bad("takeUp", "takeUp must differ across the cutoff (no first stage otherwise).");
  if (r.decimals !== null && !(Number.isInteger(r.decimals) && r.decimals >= 1 && r.decimals <= 15))
    throw bad("decimals", `decimals must be an integer from 1 to 15 or null, got ${String(r.decimals)}.`);
  return r;
}
