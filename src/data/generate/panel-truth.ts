import type { ResolvedPanelOptions } from "./panel-options.js";

/** One adoption cohort of a generated panel, as realised. */
export interface PanelCohortTruth {
  /** First-treatment period g. */
  readonly firstTreat: number;
  /** Number of units in the cohort. */
  readonly units: number;
  /** units / N. */
  readonly share: number;
  /** Mean of x over the cohort's units (realised). */
  readonly xMean: number;
  /**
   * The did package's group aggregation for this cohort: the mean of ATT(g, t) over its aggregated post periods;
   * null when the cohort only serves as the comparison group (no never-treated units).
   */
  readonly att: number | null;
  /**
   * Per-period gap between this cohort's untreated-outcome trend and the comparison group's in this sample:
   * `δ·[comparison never treated] + γ·(x̄_g − x̄_comparison)`; null for the comparison cohort itself.
   */
  readonly slopeGap: number | null;
}

/** The true ATT(g, t) of one cohort × period cell. */
export interface PanelCellTruth {
  /** First-treatment period g of the cohort. */
  readonly cohort: number;
  /** Calendar period t (1 … T). */
  readonly period: number;
  /** Event time e = t − g. */
  readonly eventTime: number;
  /**
   * The causal sample ATT(g, t) = mean over the cohort's units of Y_t(g) − Y_t(0): 0 before g (no anticipation),
   * `effectBase + effectSlope·e + cohortEffects[k] + effectByX·x̄_g` from g on.
   */
  readonly att: number;
  /**
   * Whether the cell enters the aggregations: every cell when never-treated units exist; otherwise (the did
   * package's rule) only cohorts before the last, in periods before the last cohort's first-treatment period.
   */
  readonly aggregated: boolean;
  /**
   * What an unconditional 2×2 DiD of this cohort against the comparison group, with base period g − 1, adds to
   * `att` in expectation over the noise (exactly, when σ = 0): `slopeGap·(t − g + 1)`. Null when not aggregated.
   */
  readonly biasUniversal: number | null;
  /**
   * The same with the did package's default varying base period (t − 1 before g, g − 1 from g on): `slopeGap`
   * in pre periods, `slopeGap·(t − g + 1)` after. Null in period 1 (no base) and when not aggregated.
   */
  readonly biasVarying: number | null;
}

/** The true dynamic (event-study) effect at one event time. */
export interface PanelEventTruth {
  /** Event time e = t − g. */
  readonly eventTime: number;
  /** Cohort-size weighted mean of ATT(g, g + e) over the aggregated cohorts observed at e. */
  readonly att: number;
  /** First-treatment periods of the cohorts averaged. */
  readonly cohorts: readonly number[];
  /** The same weighted mean of the cells' `biasUniversal` (null without a bias). */
  readonly biasUniversal: number | null;
  /** The weighted mean of the cells' `biasVarying` over the cells that have one (null if none). */
  readonly biasVarying: number | null;
}

/**
 * The known truth of a panel from `generatePanel`, computed from the DGP's parameters and the realised
 * cohort sizes and covariate means (it is the sample ATT, not an estimate).
 */
export interface PanelTruth {
  readonly scenario: ResolvedPanelOptions["scenario"];
  readonly units: number;
  readonly periods: number;
  readonly clusters: number;
  /** Number of never-treated units (first_treat = 0). */
  readonly neverTreated: number;
  /**
   * The comparison group the aggregations and biases refer to: never-treated units when there are any, else the
   * last cohort (the did package's rule for `control_group = "notyettreated"` without never-treated units).
   */
  readonly comparison: "never-treated" | "last-cohort";
  /** Mean of x over the never-treated units (null when there are none). */
  readonly neverTreatedXMean: number | null;
  readonly cohorts: readonly PanelCohortTruth[];
  /** Every cohort × period cell, cohort-major, periods 1 … T. */
  readonly attGT: readonly PanelCellTruth[];
  /** The did package's dynamic aggregation, one entry per event time, ascending. */
  readonly dynamic: readonly PanelEventTruth[];
  /**
   * The did package's simple aggregation: the mean of the aggregated post-treatment ATT(g, t) weighted by cohort
   * size.
   */
  readonly overall: number;
  /** The parameters the panel was generated with. */
  readonly params: ResolvedPanelOptions;
}

/**
 * Computes {@link PanelTruth} from the resolved parameters, each unit's cohort index (K = never treated) and x.
 *
 * @example
 * ```ts
 * import { generatePanel } from "truelift";
 * const { truth } = generatePanel({ seed: 1 }); // computePanelTruth is called inside
 * truth.overall;
 * ```
 */
export function computePanelTruth(
  o: ResolvedPanelOptions,
  cohortOf: Int32Array,
  x: Float64Array,
): Omit<PanelTruth, "params"> {
  const K = o.cohorts.length;
  const T = o.periods;
  const n = new Float64Array(K + 1);
  const xSum = new Float64Array(K + 1);
  for (let i = 0; i < cohortOf.length; i++) {
    n[cohortOf[i]] += 1;
    xSum[cohortOf[i]] += x[i];
  }
  const xMean = Array.from(xSum, (s, k) => (n[k] > 0 ? s / n[k] : 0));
  const hasNever = n[K] > 0;
  const compIndex = hasNever ? K : K - 1;
  const lastG = o.cohorts[K - 1];
  const cohortAggregated = (k: number): boolean => hasNever || k < K - 1;
  const cellAggregated = (k: number, t: number): boolean => cohortAggregated(k) && (hasNever || t < lastG);
  const slopeGap = (k: number): number | null =>
    k === compIndex
      ? null
      : noNegativeZero(
          (hasNever ? o.differentialTrend : 0) + o.covariateTrend * (xMean[k] - xMean[compIndex]),
        );

  const attGT: PanelCellTruth[] = [];
  for (let k = 0; k < K; k++) {
    const g = o.cohorts[k];
    const gap = slopeGap(k);
    for (let t = 1; t <= T; t++) {
      const e = t - g;
      const att = e >= 0 ? o.effectBase + o.effectSlope * e + o.cohortEffects[k] + o.effectByX * xMean[k] : 0;
      const aggregated = cellAggregated(k, t);
      const withBias = aggregated && gap !== null;
      attGT.push({
        cohort: g,
        period: t,
        eventTime: e,
        att,
        aggregated,
        biasUniversal: withBias ? noNegativeZero(gap * (t - g + 1)) : null,
        biasVarying: withBias && t >= 2 ? noNegativeZero(e < 0 ? gap : gap * (t - g + 1)) : null,
      });
    }
  }

  const byE = new Map<number, PanelCellTruth[]>();
  for (const c of attGT) {
    if (!c.aggregated) continue;
    const list = byE.get(c.eventTime) ?? [];
    list.push(c);
    byE.set(c.eventTime, list);
  }
  const size = (g: number): number => n[o.cohorts.indexOf(g)];
  const dynamic: PanelEventTruth[] = [...byE.keys()]
    .sort((a, b) => a - b)
    .map((e) => {
      const cells = byE.get(e) ?? [];
      return {
        eventTime: e,
        att: weighted(cells, (c) => c.att, size) ?? 0,
        cohorts: cells.map((c) => c.cohort),
        biasUniversal: weighted(cells, (c) => c.biasUniversal, size),
        biasVarying: weighted(cells, (c) => c.biasVarying, size),
      };
    });

  const post = attGT.filter((c) => c.aggregated && c.eventTime >= 0);
  const overall = weighted(post, (c) => c.att, size) ?? 0;
  const N = cohortOf.length;
  const cohorts: PanelCohortTruth[] = o.cohorts.map((g, k) => {
    const mine = post.filter((c) => c.cohort === g);
    return {
      firstTreat: g,
      units: n[k],
      share: n[k] / N,
      xMean: xMean[k],
      att: mine.length > 0 ? mine.reduce((s, c) => s + c.att, 0) / mine.length : null,
      slopeGap: slopeGap(k),
    };
  });
  return {
    scenario: o.scenario,
    units: o.units,
    periods: T,
    clusters: o.clusters,
    neverTreated: n[K],
    comparison: hasNever ? "never-treated" : "last-cohort",
    neverTreatedXMean: hasNever ? xMean[K] : null,
    cohorts,
    attGT,
    dynamic,
    overall,
  };
}

/** Maps −0 to 0, so the truth survives a JSON round trip unchanged. */
function noNegativeZero(v: number): number {
  return v === 0 ? 0 : v;
}

/** Σ w·v / Σ w over the cells whose value is not null; null when none has one. */
function weighted(
  cells: readonly PanelCellTruth[],
  value: (c: PanelCellTruth) => number | null,
  weight: (g: number) => number,
): number | null {
  let num = 0;
  let den = 0;
  for (const c of cells) {
    const v = value(c);
    if (v === null) continue;
    const w = weight(c.cohort);
    num += w * v;
    den += w;
  }
  return den > 0 ? noNegativeZero(num / den) : null;
}
