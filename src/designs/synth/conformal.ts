import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { type DeepReadonly, deepFreeze, type Provenance } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import { simplexLeastSquares } from "../../numeric/optimize/least-squares.js";
import { checkSynthMatrix, type SynthMatrix } from "./sdid-types.js";

/**
 * Counterfactual models of {@link conformalInference}: `sc` — simplex-constrained synthetic control weights
 * without intercept (the paper's "constrained Lasso / SC" proposal), `did` — control mean plus a constant.
 *
 * @example
 * ```ts
 * import { CONFORMAL_MODELS } from "truelift";
 * CONFORMAL_MODELS; // ["sc", "did"]
 * ```
 */
export const CONFORMAL_MODELS = ["sc", "did"] as const;
/** One of {@link CONFORMAL_MODELS}. */
export type ConformalModel = (typeof CONFORMAL_MODELS)[number];

/**
 * Options of {@link conformalInference}.
 *
 * - `model`: __Default value:__ `"sc"`.
 * - `null`: the hypothesised constant post-period effect θ₀ whose p-value is reported. __Default value:__ 0.
 * - `q`: exponent of the test statistic S = (T1^(−1/2) Σ_post |û_t|^q)^(1/q). __Default value:__ 1.
 * - `alpha`: the confidence set is {θ : p(θ) > α}. __Default value:__ 0.1, as R scinference; with T periods
 *   nothing can be rejected unless 1/T ≤ α (T ≥ 20 for α = 0.05).
 * - `grid`: `{ from, to, points }` of hypothesised effects; __Default value:__ the plain SC (or DiD) estimate
 *   ± 6 × max(pre-period RMSE, |estimate|/2), 241 points.
 *
 * @example
 * ```ts
 * import type { ConformalOptions } from "truelift";
 * const o: ConformalOptions = { model: "sc", alpha: 0.1, grid: { from: -5, to: 5, points: 201 } };
 * ```
 */
export interface ConformalOptions {
  readonly model?: ConformalModel;
  readonly null?: number;
  readonly q?: number;
  readonly alpha?: number;
  readonly grid?: { readonly from: number; readonly to: number; readonly points?: number };
}

/**
 * Everything {@link conformalInference} returns: plain, frozen, JSON-serialisable data.
 *
 * @example
 * ```ts
 * import { conformalInference } from "truelift";
 * const res = conformalInference(panel);
 * res.grid.filter((g) => g.pValue > res.alpha).length; // grid points inside the conformal set
 * ```
 */
export interface ConformalResult {
  readonly method: "conformal";
  readonly model: ConformalModel;
  /** Point estimate: mean post-period gap with the model fitted on the pre-period only. */
  readonly estimate: number;
  readonly null: number;
  readonly pValue: number;
  /** The smallest attainable p-value, 1/T (T moving-block permutations). */
  readonly pValueFloor: number;
  readonly alpha: number;
  /** Ends of the set {θ : p(θ) > α} on the grid (null when empty); `open*` when it reaches the grid's edge. */
  readonly ci: readonly [number, number] | null;
  readonly openLower: boolean;
  readonly openUpper: boolean;
  /** True when the accepted grid points do not form one contiguous run. */
  readonly gapsInSet: boolean;
  readonly grid: readonly { readonly theta: number; readonly pValue: number }[];
  readonly q: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

interface Prepared {
  readonly treated: Float64Array;
  readonly controls: Float64Array; // T × N0, row-major (period-major)
  readonly t: number;
  readonly t0: number;
  readonly n0: number;
}

function prepare(panel: SynthMatrix): Prepared {
  const { n, t, n0, t0, n1 } = checkSynthMatrix(panel);
  const treated = new Float64Array(t);
  const controls = new Float64Array(t * n0);
  for (let s = 0; s < t; s++) {
    let tr = 0;
    for (let i = n0; i < n; i++) tr += panel.y[i * t + s];
    treated[s] = tr / n1;
    for (let j = 0; j < n0; j++) controls[s * n0 + j] = panel.y[j * t + s];
  }
  return { treated, controls, t, t0, n0 };
}

/** Fitted counterfactual for all T periods from the model fitted on the periods `fitOn` of target `y`. */
function fitPredict(p: Prepared, y: Float64Array, fitOn: number, model: ConformalModel): Float64Array {
  const out = new Float64Array(p.t);
  if (model === "did") {
    let shift = 0;
    for (let s = 0; s < fitOn; s++) {
      let m = 0;
      for (let j = 0; j < p.n0; j++) m += p.controls[s * p.n0 + j];
      shift += y[s] - m / p.n0;
    }
    shift /= fitOn;
    for (let s = 0; s < p.t; s++) {
      let m = 0;
      for (let j = 0; j < p.n0; j++) m += p.controls[s * p.n0 + j];
      out[s] = m / p.n0 + shift;
    }
    return out;
  }
  const w = simplexLeastSquares(
    { rows: fitOn, cols: p.n0, data: p.controls.subarray(0, fitOn * p.n0) },
    y.subarray(0, fitOn),
  ).x;
  for (let s = 0; s < p.t; s++) {
    let v = 0;
    for (let j = 0; j < p.n0; j++) v += p.controls[s * p.n0 + j] * w[j];
    out[s] = v;
  }
  return out;
}

/**
 * The conformal p-value of H0: the effect is θ in every post period (Chernozhukov, Wüthrich & Zhu 2021,
 * Algorithm 1 with moving-block permutations): subtract θ from the treated post-period outcomes, fit the
 * counterfactual model on all T periods under the null, and compare the statistic of the residuals' last T1
 * entries with its values under the T cyclic shifts of the residual series; p = share of shifts at least as
 * extreme (the identity included), so p ≥ 1/T.
 *
 * @example
 * ```ts
 * import { conformalPValue } from "truelift";
 * conformalPValue(panel, 0); // p-value of "no effect"
 * ```
 * @see Chernozhukov, Wüthrich & Zhu (2021), "An Exact and Robust Conformal Inference Method for Counterfactual
 *   and Synthetic Controls", Journal of the American Statistical Association 116(536), 1849–1864.
 */
export function conformalPValue(
  panel: SynthMatrix,
  theta: number,
  options: { readonly model?: ConformalModel; readonly q?: number } = {},
): number {
  return pValueAt(prepare(panel), theta, options.model ?? "sc", options.q ?? 1);
}

function pValueAt(p: Prepared, theta: number, model: ConformalModel, q: number): number {
  const y = Float64Array.from(p.treated);
  for (let s = p.t0; s < p.t; s++) y[s] -= theta;
  const fit = fitPredict(p, y, p.t, model);
  const u = new Float64Array(p.t);
  for (let s = 0; s < p.t; s++) u[s] = y[s] - fit[s];
  const t1 = p.t - p.t0;
  const stat = (shift: number) => {
    let acc = 0;
    for (let k = 0; k < t1; k++) {
      const idx = (p.t0 + k + shift) % p.t;
      acc += Math.abs(u[idx]) ** q;
    }
    return (acc / Math.sqrt(t1)) ** (1 / q);
  };
  const observed = stat(0);
  let count = 0;
  for (let shift = 0; shift < p.t; shift++) {
    // a relative tolerance keeps ties (e.g. a shift that reproduces the same block) counted as ties
    if (stat(shift) >= observed * (1 - 1e-12)) count++;
  }
  return count / p.t;
}

/**
 * Conformal inference for the average post-period effect of a synthetic-control design: the p-value of
 * H0: θ = θ₀ and the confidence set {θ : p(θ) > α} found by test inversion over a grid of constant effects.
 * Valid under exchangeability of the residuals over time (moving-block permutations keep their serial
 * dependence); the p-value cannot go below 1/T.
 *
 * @example
 * ```ts
 * import { conformalInference } from "truelift";
 * const res = conformalInference(panel, { alpha: 0.1 });
 * res.pValue; // H0: no effect
 * res.ci;     // 90% conformal set for a constant effect
 * ```
 * @see Chernozhukov, Wüthrich & Zhu (2021), "An Exact and Robust Conformal Inference Method for Counterfactual
 *   and Synthetic Controls", Journal of the American Statistical Association 116(536), 1849–1864.
 */
export function conformalInference(
  panel: SynthMatrix,
  options: ConformalOptions = {},
  onProgress?: ProgressCallback,
): DeepReadonly<ConformalResult> {
  const model = options.model ?? "sc";
  if (!CONFORMAL_MODELS.includes(model)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `model must be one of ${CONFORMAL_MODELS.join(", ")}.`);
  }
  const q = options.q ?? 1;
  const alpha = options.alpha ?? 0.1;
  const theta0 = options.null ?? 0;
  if (!(q > 0 && Number.isFinite(q)))
    throw new TrueliftError("E_INVALID_ARGUMENT", `q must be positive; got ${q}.`);
  if (!(alpha > 0 && alpha < 1)) throw new TrueliftError("E_INVALID_ARGUMENT", `alpha must lie in (0, 1).`);
  if (!Number.isFinite(theta0))
    throw new TrueliftError("E_INVALID_ARGUMENT", "null must be a finite number.");
  const p = prepare(panel);
  const pre = fitPredict(p, p.treated, p.t0, model);
  let est = 0;
  let ss = 0;
  for (let s = 0; s < p.t; s++) {
    const g = p.treated[s] - pre[s];
    if (s >= p.t0) est += g;
    else ss += g * g;
  }
  est /= p.t - p.t0;
  const rmse = Math.sqrt(ss / p.t0);
  const half = 6 * Math.max(rmse, Math.abs(est) / 2, 1e-8);
  const from = options.grid?.from ?? est - half;
  const to = options.grid?.to ?? est + half;
  const points = options.grid?.points ?? 241;
  if (
    !(Number.isFinite(from) && Number.isFinite(to) && to > from && Number.isInteger(points) && points >= 2)
  ) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "grid needs finite from < to and an integer points ≥ 2.", {
      details: { from, to, points },
    });
  }
  const tick = progressTicker(onProgress, "conformal grid", points);
  const grid = Array.from({ length: points }, (_, k) => {
    tick?.(k);
    const theta = from + ((to - from) * k) / (points - 1);
    return { theta, pValue: pValueAt(p, theta, model, q) };
  });
  tick?.(points);
  const accepted = grid.map((g, k) => (g.pValue > alpha ? k : -1)).filter((k) => k >= 0);
  const ci: [number, number] | null =
    accepted.length === 0 ? null : [grid[accepted[0]].theta, grid[accepted[accepted.length - 1]].theta];
  const gapsInSet =
    accepted.length > 0 && accepted[accepted.length - 1] - accepted[0] + 1 !== accepted.length;
  const openLower = accepted.length > 0 && accepted[0] === 0;
  const openUpper = accepted.length > 0 && accepted[accepted.length - 1] === points - 1;
  const pValue = pValueAt(p, theta0, model, q);
  const step = (to - from) / (points - 1);

  const diagnostics: Diagnostic[] = [
    diagnostic(
      "D_CONFORMAL_GRID",
      openLower || openUpper || gapsInSet || ci === null ? "warn" : "info",
      { from, to, points, step, openLower, openUpper, gapsInSet },
      { alpha, ci },
    ),
  ];
  if (1 / p.t > alpha) {
    diagnostics.push(diagnostic("D_CONFORMAL_COARSE", "warn", { periods: p.t, floor: 1 / p.t, alpha }));
  }
  const result: ConformalResult = {
    method: "conformal",
    model,
    estimate: est,
    null: theta0,
    pValue,
    pValueFloor: 1 / p.t,
    alpha,
    ci,
    openLower,
    openUpper,
    gapsInSet,
    grid,
    q,
    diagnostics,
    provenance: {
      spec: { model, null: theta0, q, alpha, grid: { from, to, points } },
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
    },
  };
  return deepFreeze(result);
}

/** Options of {@link conformalPointwise}: the counterfactual `model`, `alpha` and the `grid` of effects. */
export interface ConformalPointwiseOptions {
  readonly model?: ConformalModel;
  readonly alpha?: number;
  readonly grid?: { readonly from: number; readonly to: number; readonly points?: number };
}

/**
 * Pointwise conformal confidence intervals for the effect in each post period (R scinference's
 * `confidence_interval`): for post period t, keep the pre-periods and period t, subtract θ from the treated
 * outcome in t, fit the model on those T0 + 1 periods, and accept θ when the share of periods whose absolute
 * residual is at least period t's exceeds α. Each interval is the range of accepted grid values (null when none;
 * `open` when it touches the grid's edge). The p-values cannot go below 1/(T0 + 1).
 *
 * @example
 * ```ts
 * import { conformalPointwise } from "truelift";
 * conformalPointwise(panel, { alpha: 0.1 }).map((r) => r.ci); // one interval per post period
 * ```
 * @see Chernozhukov, Wüthrich & Zhu (2021), JASA 116(536), Section 3 (pointwise inference by test inversion).
 */
export function conformalPointwise(
  panel: SynthMatrix,
  options: ConformalPointwiseOptions = {},
): DeepReadonly<{ period: number | string; estimate: number; ci: [number, number] | null; open: boolean }[]> {
  const model = options.model ?? "sc";
  if (!CONFORMAL_MODELS.includes(model)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `model must be one of ${CONFORMAL_MODELS.join(", ")}.`);
  }
  const alpha = options.alpha ?? 0.1;
  if (!(alpha > 0 && alpha < 1)) throw new TrueliftError("E_INVALID_ARGUMENT", "alpha must lie in (0, 1).");
  const p = prepare(panel);
  const pre = fitPredict(p, p.treated, p.t0, model);
  const gaps = Array.from({ length: p.t - p.t0 }, (_, k) => p.treated[p.t0 + k] - pre[p.t0 + k]);
  let ss = 0;
  for (let s = 0; s < p.t0; s++) ss += (p.treated[s] - pre[s]) ** 2;
  const rmse = Math.sqrt(ss / p.t0);
  const spread = Math.max(...gaps.map(Math.abs));
  const points = options.grid?.points ?? 241;
  const from = options.grid?.from ?? Math.min(...gaps) - 6 * Math.max(rmse, spread / 2, 1e-8);
  const to = options.grid?.to ?? Math.max(...gaps) + 6 * Math.max(rmse, spread / 2, 1e-8);
  if (
    !(Number.isFinite(from) && Number.isFinite(to) && to > from && Number.isInteger(points) && points >= 2)
  ) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "grid needs finite from < to and an integer points ≥ 2.", {
      details: { from, to, points },
    });
  }
  const out = gaps.map((estimate, k) => {
    const controls = new Float64Array((p.t0 + 1) * p.n0);
    controls.set(p.controls.subarray(0, p.t0 * p.n0));
    controls.set(p.controls.subarray((p.t0 + k) * p.n0, (p.t0 + k + 1) * p.n0), p.t0 * p.n0);
    const sub: Prepared = { treated: new Float64Array(p.t0 + 1), controls, t: p.t0 + 1, t0: p.t0, n0: p.n0 };
    const accepted: number[] = [];
    for (let g = 0; g < points; g++) {
      const theta = from + ((to - from) * g) / (points - 1);
      const y = new Float64Array(p.t0 + 1);
      y.set(p.treated.subarray(0, p.t0));
      y[p.t0] = p.treated[p.t0 + k] - theta;
      const fit = fitPredict(sub, y, p.t0 + 1, model);
      const last = Math.abs(y[p.t0] - fit[p.t0]);
      let count = 0;
      for (let s = 0; s <= p.t0; s++) if (Math.abs(y[s] - fit[s]) >= last * (1 - 1e-12)) count++;
      if (count / (p.t0 + 1) > alpha) accepted.push(g);
    }
    const at = (g: number) => from + ((to - from) * g) / (points - 1);
    const ci: [number, number] | null =
      accepted.length === 0 ? null : [at(accepted[0]), at(accepted[accepted.length - 1])];
    const open = accepted.length > 0 && (accepted[0] === 0 || accepted[accepted.length - 1] === points - 1);
    return { period: panel.periods[p.t0 + k], estimate, ci, open };
  });
  return deepFreeze(out);
}
