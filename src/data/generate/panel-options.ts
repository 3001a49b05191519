import { TrueliftError } from "../../core/errors.js";

/**
 * Panel scenarios of `generatePanel`: `staggered` (three adoption cohorts plus never-treated units, parallel
 * trends hold), `trend-violation` (the same design with a differential linear trend of +0.05 per period in the
 * untreated outcome of every eventually-treated unit), and `two-wave` (the tutorial's staged rollout as a panel:
 * cohorts first treated at periods 20 and 30 of 52, no never-treated units).
 *
 * @example
 * ```ts
 * import { PANEL_SCENARIOS } from "truelift";
 * PANEL_SCENARIOS; // ["staggered", "trend-violation", "two-wave"]
 * ```
 */
export const PANEL_SCENARIOS = ["staggered", "trend-violation", "two-wave"] as const;
/** One of {@link PANEL_SCENARIOS}. */
export type PanelScenario = (typeof PANEL_SCENARIOS)[number];

/**
 * The largest panel `generatePanel` builds (units × periods rows): 50 million rows take about 1.8 GB.
 *
 * @example
 * ```ts
 * import { MAX_PANEL_ROWS } from "truelift";
 * MAX_PANEL_ROWS; // 50_000_000
 * ```
 */
export const MAX_PANEL_ROWS = 50_000_000;

/**
 * Options for `generatePanel`. Every field but `seed` is optional; the scenario supplies the defaults
 * listed in {@link PANEL_DEFAULTS}. See `generatePanel` for the model each parameter enters.
 */
export interface PanelOptions {
  /** Any safe integer. The same seed (and options) always gives the same panel, on every machine. */
  readonly seed: number;
  /** __Default value:__ `"staggered"`. */
  readonly scenario?: PanelScenario;
  /** Number of units N (≥ 2). __Default value:__ 1,000. */
  readonly units?: number;
  /** Number of periods T (≥ 2); periods are numbered 1 … T. __Default value:__ 24 (52 for `two-wave`). */
  readonly periods?: number;
  /**
   * First-treatment periods of the cohorts, strictly increasing, each in 2 … T.
   * __Default value:__ `[8, 12, 16]` (`[20, 30]` for `two-wave`).
   */
  readonly cohorts?: readonly number[];
  /**
   * Share of assignment units (clusters) in each cohort, one per cohort, each > 0, summing to at most 1; the rest
   * are never treated. __Default value:__ `[0.2, 0.2, 0.2]` (`[0.5, 0.5]` for `two-wave`).
   */
  readonly shares?: readonly number[];
  /**
   * Number of clusters C (1 … N). Units are split into C contiguous blocks of near-equal size and cohorts are
   * assigned to whole clusters (treatment varies at the cluster level). __Default value:__ N (cluster = unit).
   */
  readonly clusters?: number;
  /** τ at event time 0. __Default value:__ 0.5. */
  readonly effectBase?: number;
  /** Growth of τ per period of exposure. __Default value:__ 0.2. */
  readonly effectSlope?: number;
  /** Additive effect shift per cohort (one per cohort). __Default value:__ all 0. */
  readonly cohortEffects?: readonly number[];
  /** Effect heterogeneity in x: τ_it gains `effectByX · x_i`. __Default value:__ 0. */
  readonly effectByX?: number;
  /** Mean of x in the earliest cohort (cohort k of K has mean `covariateShift · (K − k) / K`). __Default value:__ 0.5. */
  readonly covariateShift?: number;
  /** Level effect β of x on y. __Default value:__ 1. */
  readonly covariateEffect?: number;
  /** x-specific linear trend γ: y gains `γ · x_i · (t − 1)`. __Default value:__ 0. */
  readonly covariateTrend?: number;
  /**
   * Differential linear trend δ of eventually-treated units: their untreated outcome gains `δ · (t − 1)`.
   * __Default value:__ 0 (0.05 for `trend-violation`).
   */
  readonly differentialTrend?: number;
  /** Standard deviation of the unit effects α_i. __Default value:__ 1. */
  readonly unitSd?: number;
  /** Slope of the common time trend. __Default value:__ 0.05. */
  readonly periodSlope?: number;
  /** AR(1) coefficient of the common period shocks, in (−1, 1). __Default value:__ 0.6. */
  readonly periodRho?: number;
  /** Innovation standard deviation of the common period shocks. __Default value:__ 0.3. */
  readonly periodSd?: number;
  /** Standard deviation σ of the idiosyncratic noise (0 gives a noise-free panel). __Default value:__ 1. */
  readonly noiseSd?: number;
}

/** {@link PanelOptions} with every default filled in (the parameters the panel was generated with). */
export interface ResolvedPanelOptions {
  readonly seed: number;
  readonly scenario: PanelScenario;
  readonly units: number;
  readonly periods: number;
  readonly cohorts: readonly number[];
  readonly shares: readonly number[];
  readonly clusters: number;
  readonly effectBase: number;
  readonly effectSlope: number;
  readonly cohortEffects: readonly number[];
  readonly effectByX: number;
  readonly covariateShift: number;
  readonly covariateEffect: number;
  readonly covariateTrend: number;
  readonly differentialTrend: number;
  readonly unitSd: number;
  readonly periodSlope: number;
  readonly periodRho: number;
  readonly periodSd: number;
  readonly noiseSd: number;
}

type ScenarioDefaults = Omit<ResolvedPanelOptions, "seed" | "scenario" | "clusters" | "cohortEffects">;

const COMMON = {
  units: 1000,
  periods: 24,
  cohorts: [8, 12, 16],
  shares: [0.2, 0.2, 0.2],
  effectBase: 0.5,
  effectSlope: 0.2,
  effectByX: 0,
  covariateShift: 0.5,
  covariateEffect: 1,
  covariateTrend: 0,
  differentialTrend: 0,
  unitSd: 1,
  periodSlope: 0.05,
  periodRho: 0.6,
  periodSd: 0.3,
  noiseSd: 1,
} as const satisfies ScenarioDefaults;

/**
 * The default parameters of each panel scenario (`clusters` defaults to `units`, `cohortEffects` to zeros).
 *
 * @example
 * ```ts
 * import { PANEL_DEFAULTS } from "truelift";
 * PANEL_DEFAULTS["trend-violation"].differentialTrend; // 0.05
 * PANEL_DEFAULTS["two-wave"].cohorts; // [20, 30]
 * ```
 */
export const PANEL_DEFAULTS: Readonly<Record<PanelScenario, Readonly<ScenarioDefaults>>> = Object.freeze({
  staggered: Object.freeze({ ...COMMON }),
  "trend-violation": Object.freeze({ ...COMMON, differentialTrend: 0.05 }),
  "two-wave": Object.freeze({ ...COMMON, periods: 52, cohorts: [20, 30], shares: [0.5, 0.5] }),
});

function bad(message: string, details: Record<string, unknown>, hint?: string): TrueliftError {
  return new TrueliftError("E_INVALID_ARGUMENT", message, { details, hint });
}

function checkInteger(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw bad(`${name} must be an integer from ${min} to ${max}; got ${v}.`, { option: name, value: v });
  }
}

function checkFinite(name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw bad(`${name} must be a finite number; got ${v}.`, { option: name, value: v });
  }
}

function checkSd(name: string, v: number): void {
  checkFinite(name, v);
  if (v < 0)
    throw bad(`${name} is a standard deviation and can't be negative; got ${v}.`, { option: name, value: v });
}

/**
 * Fills in the scenario's defaults and validates every option, throwing `E_INVALID_ARGUMENT` (with the option
 * named in `details.option`) before any data is generated.
 *
 * @example
 * ```ts
 * import { resolvePanelOptions } from "truelift";
 * resolvePanelOptions({ seed: 1, units: 500 }).clusters; // 500
 * resolvePanelOptions({ seed: 1, cohorts: [1] }); // throws E_INVALID_ARGUMENT
 * ```
 */
export function resolvePanelOptions(options: PanelOptions): ResolvedPanelOptions {
  const { seed } = options;
  if (!Number.isSafeInteger(seed))
    throw bad(`The seed must be an integer; got ${seed}.`, { option: "seed", value: seed });
  const scenario = options.scenario ?? "staggered";
  if (!(PANEL_SCENARIOS as readonly string[]).includes(scenario)) {
    throw bad(
      `Unknown panel scenario '${scenario}'.`,
      { option: "scenario", value: scenario, known: [...PANEL_SCENARIOS] },
      `Use one of: ${PANEL_SCENARIOS.join(", ")}.`,
    );
  }
  const d = PANEL_DEFAULTS[scenario];
  const units = options.units ?? d.units;
  const periods = options.periods ?? d.periods;
  checkInteger("units", units, 2, MAX_PANEL_ROWS);
  checkInteger("periods", periods, 2, MAX_PANEL_ROWS);
  if (units * periods > MAX_PANEL_ROWS) {
    throw bad(
      `units × periods = ${units * periods} rows exceeds the limit of ${MAX_PANEL_ROWS}.`,
      { option: "units", units, periods, maxRows: MAX_PANEL_ROWS },
      "Use fewer units or periods.",
    );
  }
  const cohorts = [...(options.cohorts ?? d.cohorts)];
  if (cohorts.length === 0) {
    throw bad("cohorts must list at least one first-treatment period.", { option: "cohorts" });
  }
  for (let k = 0; k < cohorts.length; k++) {
    const g = cohorts[k];
    if (!Number.isInteger(g) || g < 2 || g > periods || (k > 0 && g <= cohorts[k - 1])) {
      throw bad(
        `cohorts must be strictly increasing integers from 2 to periods (${periods}); got [${cohorts.join(", ")}].`,
        { option: "cohorts", value: cohorts, periods },
        options.cohorts === undefined
          ? `The default cohorts [${cohorts.join(", ")}] need more periods; pass cohorts explicitly or raise periods.`
          : "A cohort needs at least one pre-treatment period (g ≥ 2) and must start within the panel (g ≤ periods).",
      );
    }
  }
  const shares = [...(options.shares ?? d.shares)];
  if (shares.length !== cohorts.length) {
    throw bad(
      `shares has ${shares.length} entries but there are ${cohorts.length} cohorts.`,
      { option: "shares", value: shares, cohorts },
      "Give one share per cohort (the never-treated share is 1 minus their sum).",
    );
  }
  let sum = 0;
  for (const s of shares) {
    if (typeof s !== "number" || !Number.isFinite(s) || s <= 0) {
      throw bad(`Every cohort share must be a positive number; got [${shares.join(", ")}].`, {
        option: "shares",
        value: shares,
      });
    }
    sum += s;
  }
  if (sum > 1 + 1e-9) {
    throw bad(
      `Cohort shares sum to ${sum}, more than 1.`,
      { option: "shares", value: shares, sum },
      "Shares are fractions of the units; the never-treated share is 1 minus their sum.",
    );
  }
  const clusters = options.clusters ?? units;
  checkInteger("clusters", clusters, 1, units);
  const cohortEffects = [...(options.cohortEffects ?? cohorts.map(() => 0))];
  if (cohortEffects.length !== cohorts.length) {
    throw bad(`cohortEffects has ${cohortEffects.length} entries but there are ${cohorts.length} cohorts.`, {
      option: "cohortEffects",
      value: cohortEffects,
    });
  }
  for (const v of cohortEffects) checkFinite("cohortEffects", v);
  const pick = (name: keyof ScenarioDefaults & keyof PanelOptions): number => {
    const v = (options[name] as number | undefined) ?? (d[name] as number);
    checkFinite(name, v);
    return v;
  };
  const resolved: ResolvedPanelOptions = {
    seed,
    scenario,
    units,
    periods,
    cohorts,
    shares,
    clusters,
    effectBase: pick("effectBase"),
    effectSlope: pick("effectSlope"),
    cohortEffects,
    effectByX: pick("effectByX"),
    covariateShift: pick("covariateShift"),
    covariateEffect: pick("covariateEffect"),
    covariateTrend: pick("covariateTrend"),
    differentialTrend: pick("differentialTrend"),
    unitSd: pick("unitSd"),
    periodSlope: pick("periodSlope"),
    periodRho: pick("periodRho"),
    periodSd: pick("periodSd"),
    noiseSd: pick("noiseSd"),
  };
  for (const name of ["unitSd", "periodSd", "noiseSd"] as const) checkSd(name, resolved[name]);
  if (!(Math.abs(resolved.periodRho) < 1)) {
    throw bad(
      `periodRho must lie strictly between -1 and 1 (a stationary AR(1)); got ${resolved.periodRho}.`,
      { option: "periodRho", value: resolved.periodRho },
    );
  }
  return resolved;
}
