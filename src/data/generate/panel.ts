import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { deepFreeze } from "../../core/result.js";
import { createRng } from "../../core/rng.js";
import { type PanelOptions, type ResolvedPanelOptions, resolvePanelOptions } from "./panel-options.js";
import { computePanelTruth, type PanelTruth } from "./panel-truth.js";

/**
 * Random stream ids of the panel generator: component → the `stream` argument of `createRng(seed, stream)`.
 * Each random component has its own stream, so e.g. changing the noise level leaves the cohorts, x and the
 * fixed effects unchanged. Ids are never reused or renumbered.
 *
 * @example
 * ```ts
 * import { createRng, PANEL_STREAMS } from "truelift";
 * const noise = createRng(1, PANEL_STREAMS.noise);
 * ```
 */
export const PANEL_STREAMS = Object.freeze({
  assignment: 101,
  covariate: 102,
  unitEffect: 103,
  periodEffect: 104,
  noise: 105,
} as const);

/**
 * The columns of a generated panel, in order: `unit` (1 … N), `period` (1 … T), `first_treat` (g, 0 = never
 * treated), `treated` (D_it), `x`, `y`, `cluster` (1 … C). All `i32` except `x` and `y` (`f64`).
 *
 * @example
 * ```ts
 * import { PANEL_COLUMNS } from "truelift";
 * PANEL_COLUMNS[2]; // "first_treat"
 * ```
 */
export const PANEL_COLUMNS = ["unit", "period", "first_treat", "treated", "x", "y", "cluster"] as const;

/** What {@link generatePanel} returns: the long-format panel and its known truth (deeply frozen). */
export interface GeneratedPanel {
  /** N × T rows, unit-major (row = (unit − 1)·T + period − 1), columns {@link PANEL_COLUMNS}. */
  readonly frame: Frame;
  readonly truth: PanelTruth;
}

/**
 * Generates a balanced unit × period panel with staggered adoption and known treatment effects, for validating
 * difference-in-differences estimators (Callaway & Sant'Anna 2021 ATT(g, t) and their aggregations, event
 * studies, parallel-trends tests).
 *
 * **Design.** N units (ids 1 … N), T periods (1 … T). Units are split into C clusters of contiguous ids
 * (unit i, 0-based, is in cluster ⌊i·C/N⌋ + 1). Cohorts are assigned to whole clusters: share_k·C rounded by
 * largest remainders (ties to the earlier cohort) of the C clusters go to cohort k (first treated at period g_k)
 * and the rest are never treated (`first_treat` = 0), in a uniformly random order (Fisher–Yates shuffle). `treated` = 1 when `first_treat` > 0 and period ≥ `first_treat`. Treatment is absorbing and
 * there is no anticipation.
 *
 * **Outcome.** With K cohorts indexed k = 0 … K − 1 (earliest first), and E_i = 1 for eventually-treated units:
 *
 * - x_i = covariateShift·(K − k)/K·E_i + N(0, 1): time-invariant, shifted by cohort, so x predicts adoption;
 * - α_i = unitSd·N(0, 1) (unit effect);
 * - λ_t = periodSlope·(t − 1) + s_t, with s a stationary AR(1): s_1 = periodSd/√(1 − ρ²)·z_1,
 *   s_t = ρ·s_(t−1) + periodSd·z_t (common period effect);
 * - τ_it = effectBase + effectSlope·(t − g) + cohortEffects[k] + effectByX·x_i for t ≥ g (the effect grows with
 *   exposure);
 * - y_it = α_i + λ_t + covariateEffect·x_i + covariateTrend·x_i·(t − 1) + differentialTrend·E_i·(t − 1)
 *   + D_it·τ_it + noiseSd·N(0, 1).
 *
 * Unconditional parallel trends hold when covariateTrend = differentialTrend = 0; with covariateTrend ≠ 0 they
 * hold only conditionally on x; differentialTrend ≠ 0 (the `trend-violation` scenario) breaks them.
 *
 * **Defaults** (see {@link PANEL_DEFAULTS}): N = 1000, T = 24, cohorts [8, 12, 16] with shares 0.2 each (0.4
 * never treated), C = N, effectBase 0.5, effectSlope 0.2, covariateShift 0.5, covariateEffect 1, unitSd 1,
 * periodSlope 0.05, periodRho 0.6, periodSd 0.3, noiseSd 1, the rest 0. `trend-violation`: differentialTrend 0.05.
 * `two-wave`: T = 52, cohorts [20, 30] with shares 0.5 each (no never-treated units).
 *
 * **Reproducibility.** Each random component draws from its own stream `createRng(seed, PANEL_STREAMS.*)`:
 * the cluster shuffle (`int`), then x (one normal per unit), α (one normal per unit), the period shocks (T
 * normals) and the noise (one normal per row, unit-major; not drawn when noiseSd = 0). The same seed and options
 * give the same panel on every machine.
 *
 * **Truth** ({@link PanelTruth}): ATT(g, t) for every cohort and period, the did package's dynamic and simple
 * aggregations, per-cohort effects and the biases an unconditional DiD would have, all from the parameters and
 * the realised cohort sizes and covariate means.
 *
 * Throws `E_INVALID_ARGUMENT` for invalid options (see {@link resolvePanelOptions}), or when the rounding leaves
 * a cohort (or a positive never-treated share) with no clusters.
 *
 * @example
 * ```ts
 * import { generatePanel } from "truelift";
 * const { frame, truth } = generatePanel({ seed: 1, scenario: "staggered", units: 500 });
 * frame.nrows;         // 12000 (500 units × 24 periods)
 * truth.overall;       // the true simple-aggregated ATT
 * truth.dynamic.find((d) => d.eventTime === 0)?.att; // 0.5
 * ```
 * @see Callaway, B. and Sant'Anna, P. H. C. (2021), "Difference-in-Differences with multiple time periods",
 * Journal of Econometrics 225(2), 200–230, https://doi.org/10.1016/j.jeconom.2020.12.001
 */
export function generatePanel(options: PanelOptions): GeneratedPanel {
  const o = resolvePanelOptions(options);
  const { units: N, periods: T, clusters: C } = o;
  const K = o.cohorts.length;
  const clusterCohort = assignClusters(o);

  const cohortOf = new Int32Array(N);
  const clusterOf = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const c = Math.floor((i * C) / N);
    clusterOf[i] = c + 1;
    cohortOf[i] = clusterCohort[c];
  }

  const xRng = createRng(o.seed, PANEL_STREAMS.covariate);
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const k = cohortOf[i];
    x[i] = (k < K ? (o.covariateShift * (K - k)) / K : 0) + xRng.normal();
  }
  const aRng = createRng(o.seed, PANEL_STREAMS.unitEffect);
  const alpha = new Float64Array(N);
  for (let i = 0; i < N; i++) alpha[i] = o.unitSd * aRng.normal();
  const lambda = periodEffects(o);

  const rows = N * T;
  const unitCol = new Int32Array(rows);
  const periodCol = new Int32Array(rows);
  const firstTreatCol = new Int32Array(rows);
  const treatedCol = new Int32Array(rows);
  const xCol = new Float64Array(rows);
  const yCol = new Float64Array(rows);
  const clusterCol = new Int32Array(rows);
  const noise = o.noiseSd > 0 ? createRng(o.seed, PANEL_STREAMS.noise) : null;
  const { covariateEffect: beta, covariateTrend: gamma, differentialTrend: delta } = o;
  let r = 0;
  for (let i = 0; i < N; i++) {
    const k = cohortOf[i];
    const g = k < K ? o.cohorts[k] : 0;
    const ever = k < K ? 1 : 0;
    const xi = x[i];
    const level = alpha[i] + beta * xi;
    const slope = gamma * xi + delta * ever;
    const tauBase = k < K ? o.effectBase + o.cohortEffects[k] + o.effectByX * xi : 0;
    for (let t = 1; t <= T; t++, r++) {
      unitCol[r] = i + 1;
      periodCol[r] = t;
      firstTreatCol[r] = g;
      clusterCol[r] = clusterOf[i];
      xCol[r] = xi;
      const d = g > 0 && t >= g ? 1 : 0;
      treatedCol[r] = d;
      let y = level + lambda[t - 1] + slope * (t - 1);
      if (d === 1) y += tauBase + o.effectSlope * (t - g);
      if (noise !== null) y += o.noiseSd * noise.normal();
      yCol[r] = y;
    }
  }

  const frame = Frame.fromColumns({
    unit: { kind: "i32", values: unitCol },
    period: { kind: "i32", values: periodCol },
    first_treat: { kind: "i32", values: firstTreatCol },
    treated: { kind: "i32", values: treatedCol },
    x: { kind: "f64", values: xCol },
    y: { kind: "f64", values: yCol },
    cluster: { kind: "i32", values: clusterCol },
  });
  const truth = deepFreeze({ ...computePanelTruth(o, cohortOf, x), params: o }) as PanelTruth;
  return Object.freeze({ frame, truth });
}

/** Cohort index (K = never treated) of each cluster: exact largest-remainder counts, shuffled. */
function assignClusters(o: ResolvedPanelOptions): Int32Array {
  const C = o.clusters;
  const K = o.cohorts.length;
  let treatedShare = 0;
  for (const s of o.shares) treatedShare += s;
  const never = Math.max(0, 1 - treatedShare);
  const quotas = [...o.shares, never < 1e-9 ? 0 : never].map((s) => s * C);
  const counts = quotas.map((q) => Math.floor(q));
  let left = C - counts.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, k) => ({ k, rem: q - Math.floor(q) }))
    .sort((a, b) => b.rem - a.rem || a.k - b.k);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) counts[order[j].k]++;
  for (let k = 0; k <= K; k++) {
    if (counts[k] === 0 && quotas[k] > 0) {
      const what =
        k < K ? `cohort ${o.cohorts[k]} (share ${o.shares[k]})` : `the never-treated group (share ${never})`;
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `With ${C} ${C === o.units ? "units" : "clusters"}, ${what} gets no ${C === o.units ? "units" : "clusters"}.`,
        {
          details: { option: "shares", clusters: C, shares: [...o.shares], counts },
          hint: "Raise units (or clusters), or raise the share.",
        },
      );
    }
  }
  if (counts[K] === 0 && K < 2) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      "A single cohort with no never-treated units has no comparison group.",
      {
        details: { option: "shares", shares: [...o.shares] },
        hint: "Lower the cohort share below 1, or add a second cohort.",
      },
    );
  }
  const labels = new Int32Array(C);
  for (let k = 0, c = 0; k <= K; k++) for (let j = 0; j < counts[k]; j++) labels[c++] = k;
  const rng = createRng(o.seed, PANEL_STREAMS.assignment);
  for (let i = C - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = labels[i];
    labels[i] = labels[j];
    labels[j] = tmp;
  }
  return labels;
}

/** λ_t = periodSlope·(t − 1) + stationary AR(1) shock, t = 1 … T. */
function periodEffects(o: ResolvedPanelOptions): Float64Array {
  const rng = createRng(o.seed, PANEL_STREAMS.periodEffect);
  const T = o.periods;
  const s = new Float64Array(T);
  const rho = o.periodRho;
  s[0] = (o.periodSd / Math.sqrt(1 - rho * rho)) * rng.normal();
  for (let t = 1; t < T; t++) s[t] = rho * s[t - 1] + o.periodSd * rng.normal();
  for (let t = 0; t < T; t++) s[t] += o.periodSlope * t;
  return s;
}
