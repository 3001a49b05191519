import type { DeepReadonly } from "../../core/result.js";
import { type WaldTest, waldTest } from "../../models/wald.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";
import { groupEffect } from "./regression.js";

/**
 * Default end points of the event study: five leads (earlier periods binned into −5; the joint pre-trend test
 * then has four restrictions — cluster-robust Wald tests over-reject when the number of restrictions is a sizeable
 * share of the clusters) and every lag (no binning: when effects keep growing, a binned last lag pools unequal
 * effects and leaks them into the leads as a spurious pre-trend — bench/did-coverage.mjs measured 5–6 SE leads on
 * a 50-period panel with lags binned at +10).
 *
 * @example
 * ```ts
 * import { EVENT_STUDY_DEFAULTS } from "truelift";
 * EVENT_STUDY_DEFAULTS.leads; // 5
 * ```
 */
export const EVENT_STUDY_DEFAULTS = { leads: 5, lags: Number.POSITIVE_INFINITY } as const;
const DEFAULT_LEADS = EVENT_STUDY_DEFAULTS.leads;
const DEFAULT_LAGS = EVENT_STUDY_DEFAULTS.lags;

/** One event-study coefficient: the effect at relative period `relTime` vs the reference period −1. */
export interface EventStudyRow {
  readonly relTime: number;
  readonly term: string;
  readonly estimate: number;
  readonly se: number | null;
  readonly pValue: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** The omitted reference period (estimate 0 by construction). */
  readonly reference: boolean;
  /** An end point that pools every relative period beyond it. */
  readonly binned: boolean;
}

/** The event study: coefficients by relative period, the absorbed effects, and the joint test of all leads. */
export interface EventStudy {
  readonly rows: readonly EventStudyRow[];
  readonly leads: number;
  readonly lags: number;
  readonly absorb: readonly string[];
  /** Joint Wald test that every lead (relative period ≤ −2) is zero, with the cluster variance. */
  readonly leadsTest: WaldTest;
  readonly n: { readonly obs: number; readonly clusters: number | null };
}

/**
 * Event study with leads and lags: `y ~ Σ_{e ≠ −1} 1[rel_time = e] + covariates | group + period`, relative
 * time measured from each treated row's (anticipation-shifted) start, end points `−leads` and `+lags` binning
 * everything beyond them (defaults {@link EVENT_STUDY_DEFAULTS}), the period before treatment (−1) as reference, and the joint Wald test of all leads.
 * Group effects as in {@link twfe}.
 *
 * @example
 * ```ts
 * import { eventStudy } from "truelift";
 * const es = eventStudy(layout, ctx, { leads: 5, lags: 5 });
 * es.leadsTest.pValue; // joint p-value of the leads
 * ```
 * @see Freyaldenhoven, Hansen, Pérez Pérez & Shapiro (2021), "Visualization, identification, and estimation in
 *   the linear panel event-study design"; Borusyak, Jaravel & Spiess (2024) on binned end points.
 */
export function eventStudy(
  layout: DidLayout,
  ctx: DidFitContext,
  window: { leads?: number; lags?: number } = {},
): DeepReadonly<EventStudy> | null {
  const rel = layout.frame.numeric(DID_COLUMNS.relTime);
  let eMin = Number.POSITIVE_INFINITY;
  let eMax = Number.NEGATIVE_INFINITY;
  for (const e of rel) {
    if (Number.isNaN(e)) continue;
    if (e < eMin) eMin = e;
    if (e > eMax) eMax = e;
  }
  const leads = Math.min(window.leads ?? DEFAULT_LEADS, -eMin);
  const lags = Math.min(window.lags ?? DEFAULT_LAGS, eMax);
  if (!(leads >= 1) || !(lags >= 0)) return null;
  const bins: number[] = [];
  for (let e = -leads; e <= lags; e++) if (e !== -1) bins.push(e);
  let frame = layout.frame;
  const names = bins.map((e) => `${DID_COLUMNS.relTime}[${e}]`);
  bins.forEach((b, j) => {
    const col = new Float64Array(rel.length);
    for (let i = 0; i < rel.length; i++) {
      const e = rel[i];
      if (Number.isNaN(e)) continue;
      const binned = Math.min(Math.max(e, -leads), lags);
      if (binned === b) col[i] = 1;
    }
    frame = frame.withColumn(names[j], col);
  });
  const absorb = [groupEffect(layout), layout.time];
  const fit = fitDid(
    frame,
    layout,
    names.map((name) => numericTerm(name)),
    absorb,
    ctx,
  );
  const rows: EventStudyRow[] = bins.map((e, j) => {
    const t = termOf(fit, names[j]);
    return {
      relTime: e,
      term: names[j],
      estimate: t.estimate,
      se: t.se,
      pValue: t.pValue,
      ciLow: t.ci?.[0] ?? null,
      ciHigh: t.ci?.[1] ?? null,
      reference: false,
      binned: (e === -leads && eMin < -leads) || (e === lags && eMax > lags),
    };
  });
  rows.splice(leads - 1, 0, {
    relTime: -1,
    term: `${DID_COLUMNS.relTime}[-1]`,
    estimate: 0,
    se: null,
    pValue: null,
    ciLow: null,
    ciHigh: null,
    reference: true,
    binned: false,
  });
  const leadNames = bins.map((e, j) => (e <= -2 ? names[j] : null)).filter((x): x is string => x !== null);
  return {
    rows,
    leads,
    lags,
    absorb,
    leadsTest: waldTest(fit, leadNames),
    n: { obs: fit.n.obs, clusters: fit.n.clusters?.[0] ?? null },
  };
}
