import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { createRng } from "../../core/rng.js";

/**
 * Synthetic-control scenarios of {@link generateSynthPanel}:
 *
 * - `rollout`: a global rollout — the treated unit's untreated path is an exact convex combination of a few
 *   donors (plus noise), the change adds a known effect after the treatment date, and one of the contributing
 *   donors is hit by an unrelated level shock from the same date (a contaminated donor).
 * - `outside-hull`: the treated unit follows the same factor structure but sits above every donor's level, so
 *   no convex combination of donors reaches it before the change (synthetic control is biased; an intercept, as
 *   in synthetic DiD, absorbs the gap). No donor shock by default.
 *
 * @example
 * ```ts
 * import { SYNTH_SCENARIOS } from "truelift";
 * SYNTH_SCENARIOS; // ["rollout", "outside-hull"]
 * ```
 */
export const SYNTH_SCENARIOS = ["rollout", "outside-hull"] as const;
/** One of {@link SYNTH_SCENARIOS}. */
export type SynthScenario = (typeof SYNTH_SCENARIOS)[number];

/**
 * Random stream ids of {@link generateSynthPanel} (the `stream` of `createRng(seed, stream)`); each component has
 * its own, so changing e.g. the noise level leaves the factors, levels and true weights unchanged.
 *
 * @example
 * ```ts
 * import { createRng, SYNTH_STREAMS } from "truelift";
 * const noise = createRng(1, SYNTH_STREAMS.noise);
 * ```
 */
export const SYNTH_STREAMS = Object.freeze({
  factors: 201,
  loadings: 202,
  levels: 203,
  weights: 204,
  noise: 205,
} as const);

/**
 * Options of {@link generateSynthPanel}; every field but `seed` is optional.
 *
 * - `scenario`: __Default value:__ `"rollout"`.
 * - `donors` J (≥ 2): __Default value:__ 30. `treated` units (≥ 1), each its own convex combination:
 *   __Default value:__ 1.
 * - `periods` T: __Default value:__ 40, numbered 1 … T. `treatmentStart`: first treated period (3 … T):
 *   __Default value:__ 31 (30 pre-periods).
 * - `effect`: the effect in the first treated period; `effectSlope`: its growth per period after that.
 *   __Default value:__ 2 and 0.
 * - `activeDonors`: how many donors build each treated unit's true combination (Dirichlet(1) weights):
 *   __Default value:__ 5.
 * - `factors` K: __Default value:__ 2; factor paths are AR(1) with coefficient `factorRho` (0.8) and unit
 *   innovations; a common trend of `trend` (0.1) per period.
 * - `unitSd`: sd of unit levels; `noiseSd`: idiosyncratic noise. __Default value:__ 2 and 0.5.
 * - `shock`: level shift of the shocked donor from `treatmentStart` on; __Default value:__ 5 (`rollout`), 0
 *   (`outside-hull`). The shocked donor is the largest contributor to the first treated unit.
 * - `hullGap`: for `outside-hull`, how far (in `unitSd`) the treated level sits above the highest donor level:
 *   __Default value:__ 3.
 *
 * @example
 * ```ts
 * import type { SynthPanelOptions } from "truelift";
 * const o: SynthPanelOptions = { seed: 7, scenario: "rollout", donors: 20, effect: 1.5 };
 * ```
 */
export interface SynthPanelOptions {
  readonly seed: number;
  readonly scenario?: SynthScenario;
  readonly donors?: number;
  readonly treated?: number;
  readonly periods?: number;
  readonly treatmentStart?: number;
  readonly effect?: number;
  readonly effectSlope?: number;
  readonly activeDonors?: number;
  readonly factors?: number;
  readonly factorRho?: number;
  readonly trend?: number;
  readonly unitSd?: number;
  readonly noiseSd?: number;
  readonly shock?: number;
  readonly hullGap?: number;
}

/**
 * The known truth behind a generated synthetic-control panel.
 *
 * @example
 * ```ts
 * import { generateSynthPanel } from "truelift";
 * generateSynthPanel({ seed: 1, scenario: "outside-hull" }).truth.insideHull; // false
 * ```
 */
export interface SynthPanelTruth {
  readonly scenario: SynthScenario;
  /** Average effect over the treated units and post periods (the ATT every estimator targets). */
  readonly att: number;
  readonly effectByPeriod: readonly { readonly period: number; readonly effect: number }[];
  readonly treatmentStart: number;
  readonly preCount: number;
  /** The donor with the post-period level shock (null when `shock` is 0), and the shock. */
  readonly shockedDonor: string | null;
  readonly shock: number;
  /** True donor weights of each treated unit (zero weights omitted), before the level shift of `outside-hull`. */
  readonly weights: readonly { readonly treated: string; readonly donor: string; readonly weight: number }[];
  /** Whether the treated units' untreated paths lie inside the donors' convex hull. */
  readonly insideHull: boolean;
  /** How far the treated level sits above the convex combination (0 for `rollout`). */
  readonly levelGap: number;
}

/**
 * A generated panel in three shapes: a long frame, the N × T matrix in synthdid's layout (donors first, then
 * treated units; periods in order) and the truth.
 *
 * @example
 * ```ts
 * import { generateSynthPanel, sdid } from "truelift";
 * const { matrix, truth } = generateSynthPanel({ seed: 1, shock: 0 });
 * sdid(matrix, { se: false }).estimate.estimate - truth.att; // small
 * ```
 */
export interface GeneratedSynthPanel {
  /** Columns `unit` (text), `period` (1 … T), `treated_unit` (0/1), `treated` (D_it), `y`, `y0` (untreated outcome). */
  readonly frame: Frame;
  readonly matrix: {
    readonly y: Float64Array;
    readonly n0: number;
    readonly t0: number;
    readonly unitNames: readonly string[];
    readonly periods: readonly number[];
  };
  readonly truth: DeepReadonly<SynthPanelTruth>;
}

function int(v: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `generateSynthPanel: ${name} must be an integer in ${min} … ${max}.`,
      {
        details: { option: name, value: String(v) },
      },
    );
  }
  return v;
}

function num(v: unknown, name: string, min = Number.NEGATIVE_INFINITY): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `generateSynthPanel: ${name} must be a finite number ≥ ${min}.`,
      {
        details: { option: name, value: String(v) },
      },
    );
  }
  return v;
}

/**
 * Generates a unit × period panel for synthetic control with a known effect (seeded, reproducible on every
 * machine). Model, for unit i and period t (1 … T), with K AR(1) factors f_t and a common trend:
 *
 * y0_it = a_i + trend·t + μ_iᵀ f_t + noiseSd·ε_it,   y_it = y0_it + D_it·τ_t + shock·1[i = shocked donor, t ≥ start]
 *
 * Donor levels a_j ~ N(0, unitSd²) and loadings μ_j ~ N(0, I). Each treated unit draws `activeDonors` donors and
 * Dirichlet(1) weights w over them, and takes a = Σ w_j a_j (+ `hullGap`·unitSd above the highest donor level for
 * `outside-hull`) and μ = Σ w_j μ_j. τ_t = effect + effectSlope·(t − start) for t ≥ start.
 *
 * Streams: factors (K·T normals), loadings (K per unit), levels (one per donor), weights (shuffle and gammas per
 * treated unit), noise (one per cell, unit-major).
 *
 * @example
 * ```ts
 * import { generateSynthPanel } from "truelift";
 * const { matrix, truth } = generateSynthPanel({ seed: 1, scenario: "rollout" });
 * matrix.n0;          // 30 donors
 * truth.att;          // 2
 * truth.shockedDonor; // the contaminated donor's name
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105(490) (the factor model motivating synthetic control).
 */
export function generateSynthPanel(options: SynthPanelOptions): GeneratedSynthPanel {
  const seed = int(options?.seed, "seed", Number.MIN_SAFE_INTEGER);
  const scenario = options.scenario ?? "rollout";
  if (!SYNTH_SCENARIOS.includes(scenario)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `generateSynthPanel: unknown scenario '${String(scenario)}'.`,
      {
        details: { option: "scenario", allowed: [...SYNTH_SCENARIOS] },
      },
    );
  }
  const J = int(options.donors ?? 30, "donors", 2, 100_000);
  const N1 = int(options.treated ?? 1, "treated", 1, 100_000);
  const T = int(options.periods ?? 40, "periods", 3, 100_000);
  const start = int(options.treatmentStart ?? Math.min(31, T), "treatmentStart", 3, T);
  const effect = num(options.effect ?? 2, "effect");
  const effectSlope = num(options.effectSlope ?? 0, "effectSlope");
  const active = int(options.activeDonors ?? Math.min(5, J), "activeDonors", 1, J);
  const K = int(options.factors ?? 2, "factors", 0, 100);
  const rho = num(options.factorRho ?? 0.8, "factorRho");
  if (Math.abs(rho) >= 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "generateSynthPanel: factorRho must lie in (−1, 1).", {
      details: { option: "factorRho", value: rho },
    });
  }
  const trend = num(options.trend ?? 0.1, "trend");
  const unitSd = num(options.unitSd ?? 2, "unitSd", 0);
  const noiseSd = num(options.noiseSd ?? 0.5, "noiseSd", 0);
  const shock = num(options.shock ?? (scenario === "rollout" ? 5 : 0), "shock");
  const hullGap = num(options.hullGap ?? 3, "hullGap", 0);

  // factors
  const fr = createRng(seed, SYNTH_STREAMS.factors);
  const f = new Float64Array(K * T);
  for (let k = 0; k < K; k++) {
    let prev = fr.normal() / Math.sqrt(1 - rho * rho);
    for (let t = 0; t < T; t++) {
      if (t > 0) prev = rho * prev + fr.normal();
      f[k * T + t] = prev;
    }
  }
  const N = J + N1;
  const lr = createRng(seed, SYNTH_STREAMS.loadings);
  const mu = new Float64Array(N * K);
  for (let j = 0; j < J * K; j++) mu[j] = lr.normal();
  const ar = createRng(seed, SYNTH_STREAMS.levels);
  const level = new Float64Array(N);
  for (let j = 0; j < J; j++) level[j] = unitSd * ar.normal();
  let maxLevel = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < J; j++) maxLevel = Math.max(maxLevel, level[j]);

  const names = [
    ...Array.from({ length: J }, (_, j) => `donor_${String(j + 1).padStart(String(J).length, "0")}`),
    ...Array.from({ length: N1 }, (_, i) => `treated_${String(i + 1).padStart(String(N1).length, "0")}`),
  ];
  const wr = createRng(seed, SYNTH_STREAMS.weights);
  const weights: { treated: string; donor: string; weight: number }[] = [];
  let levelGap = 0;
  let shocked = -1;
  for (let i = 0; i < N1; i++) {
    const perm = Array.from({ length: J }, (_, j) => j);
    for (let a = J - 1; a > 0; a--) {
      const b = wr.int(a + 1);
      [perm[a], perm[b]] = [perm[b], perm[a]];
    }
    const chosen = perm.slice(0, active).sort((a, b) => a - b);
    const g = chosen.map(() => wr.gamma(1));
    const total = g.reduce((a, b) => a + b, 0);
    const row = J + i;
    let best = -1;
    chosen.forEach((j, c) => {
      const w = g[c] / total;
      weights.push({ treated: names[row], donor: names[j], weight: w });
      level[row] += w * level[j];
      for (let k = 0; k < K; k++) mu[row * K + k] += w * mu[j * K + k];
      if (best < 0 || w > g[best] / total) best = c;
    });
    if (i === 0) shocked = chosen[best];
    if (scenario === "outside-hull") {
      const target = maxLevel + hullGap * unitSd;
      levelGap = Math.max(levelGap, target - level[row]);
      level[row] = target;
    }
  }
  const shockedDonor = shock !== 0 ? shocked : -1;

  const nr = createRng(seed, SYNTH_STREAMS.noise);
  const y = new Float64Array(N * T);
  const rows = N * T;
  const unitCol: string[] = new Array(rows);
  const periodCol = new Int32Array(rows);
  const everCol = new Int32Array(rows);
  const dCol = new Int32Array(rows);
  const yCol = new Float64Array(rows);
  const y0Col = new Float64Array(rows);
  const tau = (t: number) => effect + effectSlope * (t - start);
  for (let i = 0; i < N; i++) {
    const treatedUnit = i >= J;
    for (let t = 1; t <= T; t++) {
      let y0 = level[i] + trend * t;
      for (let k = 0; k < K; k++) y0 += mu[i * K + k] * f[k * T + t - 1];
      if (noiseSd > 0) y0 += noiseSd * nr.normal();
      const d = treatedUnit && t >= start ? 1 : 0;
      let v = y0 + (d === 1 ? tau(t) : 0);
      if (i === shockedDonor && t >= start) {
        v += shock;
        y0 += shock;
      }
      const r = i * T + t - 1;
      y[r] = v;
      unitCol[r] = names[i];
      periodCol[r] = t;
      everCol[r] = treatedUnit ? 1 : 0;
      dCol[r] = d;
      yCol[r] = v;
      y0Col[r] = y0;
    }
  }
  const effectByPeriod = [];
  for (let t = start; t <= T; t++) effectByPeriod.push({ period: t, effect: tau(t) });
  const att = effectByPeriod.reduce((a, b) => a + b.effect, 0) / effectByPeriod.length;
  const frame = Frame.fromObject({
    unit: unitCol,
    period: periodCol,
    treated_unit: everCol,
    treated: dCol,
    y: yCol,
    y0: y0Col,
  });
  const truth: SynthPanelTruth = {
    scenario,
    att,
    effectByPeriod,
    treatmentStart: start,
    preCount: start - 1,
    shockedDonor: shockedDonor >= 0 ? names[shockedDonor] : null,
    shock: shockedDonor >= 0 ? shock : 0,
    weights,
    insideHull: scenario === "rollout",
    levelGap,
  };
  return Object.freeze({
    frame,
    matrix: Object.freeze({
      y,
      n0: J,
      t0: start - 1,
      unitNames: Object.freeze(names),
      periods: Object.freeze(Array.from({ length: T }, (_, t) => t + 1)),
    }),
    truth: deepFreeze(truth),
  });
}
