import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import type { Frame } from "../../../core/frame.js";
import type { ProgressCallback } from "../../../core/options.js";
import { type DeepReadonly, deepFreeze, type Json } from "../../../core/result.js";
import { waldTerm } from "../../../models/wald-term.js";
import { normalQuantile } from "../../../numeric/dist/index.js";
import {
  type AggContext,
  type AggPlan,
  aggregateCalendar,
  aggregateDynamic,
  aggregateGroup,
  aggregateSimple,
} from "./aggregate.js";
import { computeAttGt } from "./att-gt.js";
import {
  analyticSe,
  type BasisDraws,
  type BootSummary,
  basisGram,
  bootstrapBasis,
  type IfBasis,
  paramDraws,
  summarizeDraws,
  supTCritical,
} from "./influence.js";
import { buildCsPanel } from "./panel.js";
import { waldPreTest } from "./pretest.js";
import { validateCsSpec } from "./spec.js";
import type { CsAggregateRow, CsAggregation, CsAttGtRow, CsResult, CsSpec } from "./types.js";

/**
 * Version recorded in result provenance.
 *
 * @example
 * ```ts
 * callawaySantAnna(frame, spec).provenance.version === CS_VERSION; // true
 * ```
 */
export const CS_VERSION = "0.1.0";

interface Inference {
  se: number | null;
  boot: BootSummary | null;
}

/**
 * Callaway & Sant'Anna (2021) difference-in-differences with staggered adoption on a panel, reproducing R's
 * `did::att_gt` + `did::aggte` (panel data, no sampling weights).
 *
 * ```
 * validate spec → long panel → wide balanced panel (did's pre-processing, diagnostics for dropped units)
 *   → every ATT(g,t) with DRDID's 2×2 panel estimator (reg | ipw | dr) and its influence function
 *   → analytic SEs sqrt(mean ψ² / n) | multiplier bootstrap (Rademacher, IQR-scaled SEs, sup-t bands)
 *   → aggregations (simple, dynamic, group, calendar) with the estimated-weights term → Wald pre-test
 * ```
 *
 * Choices: units not observed in every period are dropped with a diagnostic (did's `makeBalancedPanel`); a
 * missing outcome is an error. Covariates are taken from the earlier period of each 2×2 comparison, as did does.
 * One set of bootstrap multipliers serves every parameter (did redraws for each aggregation; the two agree in
 * distribution). The group aggregation's estimated-weights term uses each group's own indicator.
 *
 * @example
 * ```ts
 * import { callawaySantAnna } from "truelift";
 * const res = callawaySantAnna(mpdta, {
 *   outcome: "lemp", unit: "countyreal", time: "year", group: "first.treat", estMethod: "reg",
 * });
 * res.attGt[0];                             // { group: 2004, time: 2004, estimate: -0.0105, … }
 * res.aggregations.dynamic?.overall.estimate; // -0.0772
 * ```
 * @see Callaway, B. & Sant'Anna, P. H. C. (2021), "Difference-in-Differences with multiple time periods",
 *   Journal of Econometrics 225(2), 200–230, https://doi.org/10.1016/j.jeconom.2020.12.001
 * @see Sant'Anna, P. H. C. & Zhao, J. (2020), "Doubly robust difference-in-differences estimators", Journal of
 *   Econometrics 219(1), 101–122 (the 2×2 estimators).
 */
export function callawaySantAnna(
  frame: Frame,
  spec: CsSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<CsResult> {
  const s = validateCsSpec(spec);
  const panel = buildCsPanel(frame, s);
  const diagnostics: Diagnostic[] = [...panel.diagnostics];
  const { cells, inf } = computeAttGt(panel, s);
  const n = panel.n;
  const z = normalQuantile(1 - s.alpha / 2);

  const failed = cells.filter((c) => c.failure !== null);
  if (failed.length > 0) {
    diagnostics.push(
      diagnostic("D_CS_CELL_DROPPED", "warn", {
        groups: failed.map((c) => c.group),
        times: failed.map((c) => c.time),
        reasons: failed.map((c) => c.failure),
      }),
    );
  }
  const nonConv = cells.filter((c) => c.psNotConverged);
  if (nonConv.length > 0) {
    diagnostics.push(
      diagnostic("D_CS_PS_NOT_CONVERGED", "warn", {
        groups: nonConv.map((c) => c.group),
        times: nonConv.map((c) => c.time),
      }),
    );
  }

  // Influence-function basis.
  const nGroups = panel.glist.length;
  const groupIdx = new Int32Array(n);
  const gPos = new Map<number, number>();
  panel.glist.forEach((gv, q) => {
    gPos.set(gv, q);
  });
  const counts = new Float64Array(nGroups);
  for (let i = 0; i < n; i++) {
    const q = gPos.get(panel.g[i]);
    groupIdx[i] = q ?? -1;
    if (q !== undefined) counts[q]++;
  }
  const K = cells.length;
  const J = K + nGroups + 1;
  const basis: IfBasis = { n, K, J, inf, groupIdx, nGroups };
  const gram = basisGram(basis);

  const draws: BasisDraws | null = s.bootstrap
    ? bootstrapBasis(
        basis,
        panel.cluster,
        panel.nClusters,
        s.bootstrap.reps,
        s.bootstrap.seed,
        options.onProgress,
      )
    : null;
  const infer = (coef: Float64Array): Inference => {
    const analytic = analyticSe(coef, gram, n);
    if (!draws) return { se: analytic, boot: null };
    const boot = summarizeDraws(paramDraws(draws, coef), draws.nc, n);
    return { se: analytic === null ? null : boot.se, boot };
  };

  // ATT(g,t) rows.
  const cellInf: Inference[] = cells.map((c, k) => {
    if (c.failure !== null || c.reference) return { se: null, boot: null };
    const coef = new Float64Array(J);
    coef[k] = 1;
    return infer(coef);
  });
  let bandCrit: number | null = null;
  if (draws) {
    bandCrit = supTCritical(
      cellInf.filter((ci) => ci.se !== null && ci.boot !== null).map((ci) => ci.boot as BootSummary),
      s.alpha,
      draws.nc,
    );
    if (bandCrit !== null && bandCrit >= 7) {
      diagnostics.push(
        diagnostic("D_CS_LARGE_CRITICAL_VALUE", "warn", { criticalValue: bandCrit, parameter: "attGt" }),
      );
    }
  }
  const attGt: CsAttGtRow[] = cells.map((c, k) => {
    const se = cellInf[k].se;
    const est = c.estimate;
    const ok = est !== null && se !== null;
    const row: CsAttGtRow = {
      group: c.group,
      time: c.time,
      eventTime: c.time - c.group,
      baseTime: c.baseTime,
      post: c.post,
      estimate: est,
      se,
      ciLow: ok ? est - z * se : null,
      ciHigh: ok ? est + z * se : null,
      ...(draws
        ? {
            bandLow: ok && bandCrit !== null ? est - bandCrit * se : null,
            bandHigh: ok && bandCrit !== null ? est + bandCrit * se : null,
          }
        : {}),
      n: c.n,
      nTreated: c.nTreated,
      nControl: c.nControl,
    };
    return row;
  });

  // Aggregations.
  const ctx: AggContext = {
    cells,
    usable: cells.map((c) => c.failure === null && c.estimate !== null),
    glist: panel.glist,
    pg: [...counts].map((c) => c / n),
    K,
    J,
  };
  const plans: AggPlan[] = [];
  if (s.aggregations.simple) plans.push(aggregateSimple(ctx));
  if (s.aggregations.dynamic) plans.push(aggregateDynamic(ctx, s.aggregations.dynamic));
  if (s.aggregations.group) plans.push(aggregateGroup(ctx));
  if (s.aggregations.calendar) plans.push(aggregateCalendar(ctx));
  const aggregations: Partial<Record<CsAggregation["type"], CsAggregation>> = {};
  for (const plan of plans) {
    const agg = renderAggregation(plan, infer, z, s.alpha, draws, diagnostics);
    if (agg) aggregations[plan.type] = agg;
  }

  // Wald pre-test of parallel trends (analytic covariance, as did).
  const pre: number[] = [];
  cells.forEach((c, k) => {
    if (
      c.group > c.time &&
      c.failure === null &&
      !c.reference &&
      analyticSe(unitCoef(J, k), gram, n) !== null
    ) {
      pre.push(k);
    }
  });
  const block = new Float64Array(pre.length * pre.length);
  for (let i = 0; i < pre.length; i++) {
    for (let j = 0; j < pre.length; j++) block[i * pre.length + j] = gram[pre[i] * J + pre[j]];
  }
  const wald = waldPreTest(
    pre.map((k) => cells[k].estimate as number),
    block,
    n,
  );
  const preTest = wald ? { ...wald, vcov: "analytic" as const } : null;
  if (wald) {
    diagnostics.push(
      diagnostic("D_CS_PRETEST", wald.pValue < s.alpha ? "warn" : "pass", {
        statistic: wald.statistic,
        df: wald.df,
        pValue: wald.pValue,
        alpha: s.alpha,
      }),
    );
  } else {
    diagnostics.push(diagnostic("D_CS_PRETEST_UNAVAILABLE", "info", { preTreatmentCells: pre.length }));
  }

  const specJson: Json = JSON.parse(JSON.stringify(s));
  const result: CsResult = {
    method: "callaway-santanna",
    estMethod: s.estMethod,
    control: s.control,
    basePeriod: s.basePeriod,
    anticipation: s.anticipation,
    alpha: s.alpha,
    seSource: draws ? "bootstrap" : "analytic",
    attGt,
    criticalValue: { pointwise: z, band: bandCrit },
    aggregations,
    preTest,
    n: {
      units: n,
      periods: panel.nT,
      groups: nGroups,
      rows: panel.rows,
      droppedUnits: panel.droppedUnits,
      ...(draws ? { clusters: draws.nc } : {}),
    },
    groupSizes: panel.groupSizes,
    periods: panel.periods,
    bootstrap: s.bootstrap ? { ...s.bootstrap } : null,
    diagnostics,
    provenance: {
      spec: specJson,
      ...(s.bootstrap ? { seed: s.bootstrap.seed } : {}),
      engine: "memory",
      version: CS_VERSION,
    },
  };
  return deepFreeze(result);
}

function unitCoef(J: number, k: number): Float64Array {
  const c = new Float64Array(J);
  c[k] = 1;
  return c;
}

const OVERALL_NAMES: Record<CsAggregation["type"], string> = {
  simple: "ATT (simple)",
  dynamic: "ATT (dynamic, mean over e >= 0)",
  group: "ATT (group)",
  calendar: "ATT (calendar)",
};

function renderAggregation(
  plan: AggPlan,
  infer: (coef: Float64Array) => Inference,
  z: number,
  alpha: number,
  draws: BasisDraws | null,
  diagnostics: Diagnostic[],
): CsAggregation | null {
  if (!plan.overall) {
    diagnostics.push(diagnostic("D_CS_AGGREGATION_EMPTY", "warn", { type: plan.type }));
    return null;
  }
  const overallInf = infer(plan.overall.coef);
  const rowInf = plan.rows.map((r) => infer(r.param.coef));
  let crit: number | null = null;
  if (draws && plan.rows.length > 0) {
    crit = supTCritical(
      rowInf.filter((ri) => ri.boot !== null).map((ri) => ri.boot as BootSummary),
      alpha,
      draws.nc,
    );
    // did's crit_val_checks: fall back to the pointwise value when the band is undefined or narrower.
    if (crit === null || !Number.isFinite(crit) || crit < z) {
      diagnostics.push(
        diagnostic("D_CS_BAND_POINTWISE", "warn", {
          type: plan.type,
          criticalValue: crit === null ? null : crit,
        }),
      );
      crit = z;
    } else if (crit >= 7) {
      diagnostics.push(
        diagnostic("D_CS_LARGE_CRITICAL_VALUE", "warn", { criticalValue: crit, parameter: plan.type }),
      );
    }
  }
  const rows: CsAggregateRow[] = plan.rows.map((r, m) => {
    const se = rowInf[m].se;
    const est = r.param.estimate;
    return {
      key: r.key,
      estimate: est,
      se,
      ciLow: se === null ? null : est - z * se,
      ciHigh: se === null ? null : est + z * se,
      ...(draws
        ? {
            bandLow: se === null || crit === null ? null : est - crit * se,
            bandHigh: se === null || crit === null ? null : est + crit * se,
          }
        : {}),
    };
  });
  return {
    type: plan.type,
    overall: waldTerm(OVERALL_NAMES[plan.type], plan.overall.estimate, overallInf.se, alpha),
    rows,
    bandCriticalValue: draws && plan.rows.length > 0 ? crit : null,
    ...(plan.options ? { options: plan.options } : {}),
  };
}
