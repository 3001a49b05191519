import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError, TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance, type Term } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import { type RddBootstrap, rddBootstrap } from "./bootstrap.js";
import {
  covariateChecks,
  defaultPlaceboCutoffs,
  donutChecks,
  placeboChecks,
  polynomialChecks,
  type RddCheckRow,
} from "./checks.js";
import { densityTest } from "./density.js";
import type { DensityTestResult } from "./density-types.js";
import {
  rddBandwidthDiagnostics,
  rddComplianceDiagnostic,
  rddCovariateDiagnostic,
  rddDonutDiagnostic,
  rddPlaceboDiagnostic,
  rddPolynomialDiagnostic,
  rddWeakFirstStageDiagnostic,
} from "./diagnostics.js";
import {
  type FixedBandwidth,
  fitSettings,
  fixedBandwidth,
  type RddFit,
  type RddRows,
  rddFit,
} from "./estimate.js";
import { layoutRdd, sortedColumn } from "./layout.js";
import { type RddNaive, rddNaiveContrasts } from "./naive.js";
import { type RdPlotResult, rdplot } from "./rdplot.js";
import { type RddCharts, rddCharts } from "./result-charts.js";
import type { RddSideData } from "./side.js";
import { parseRddSpec, type RddSpec, type RddTreatedSide } from "./spec.js";
import { bandwidthSweep, RDD_SWEEP_MULTIPLIERS, type RddSweepRow } from "./sweep.js";

/** Everything {@link rdd} returns: plain, frozen, JSON-serialisable data. */
export interface RddResult {
  readonly method: "rdd";
  readonly design: "sharp" | "fuzzy";
  readonly outcome: string;
  readonly running: string;
  readonly cutoff: number;
  readonly treated: RddTreatedSide;
  /**
   * The headline effect, treated side minus untreated side (fuzzy: the local Wald ratio): the robust
   * bias-corrected row with a data-driven bandwidth, the conventional row with a bandwidth set by hand.
   */
  readonly estimate: Term;
  readonly estimateRow: "conventional" | "robust";
  /** rdrobust's three rows for the effect. */
  readonly rows: RddRows;
  /** Fuzzy designs: take-up jump and outcome jump (treated minus untreated); null when sharp. */
  readonly firstStage: RddRows | null;
  readonly reducedForm: RddRows | null;
  readonly fit: Omit<RddFit, "effect" | "firstStage" | "reducedForm">;
  readonly sweep: readonly RddSweepRow[];
  readonly checks: {
    readonly polynomial: readonly RddCheckRow[];
    readonly covariates: readonly RddCheckRow[];
    readonly placebo: readonly RddCheckRow[];
    readonly donut: readonly RddCheckRow[];
  };
  /** Percentile bootstrap intervals (when `bootstrap` is set): headline, each sweep row, the quadratic fit. */
  readonly bootstrap: {
    readonly headline: RddBootstrap;
    readonly sweep: readonly (RddBootstrap | null)[];
    readonly quadratic: RddBootstrap | null;
  } | null;
  /** The manipulation test of the running variable (`densityTest`), or null when skipped or not computable. */
  readonly density: DeepReadonly<DensityTestResult> | null;
  /** The RD plot (binned means and global polynomial fits), or null when not computable. */
  readonly rdplot: DeepReadonly<RdPlotResult> | null;
  readonly naive: RddNaive;
  readonly charts: RddCharts;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly below: number;
    readonly above: number;
    readonly dropped: number;
    readonly droppedReasons: Readonly<Record<string, number>>;
    readonly clusters: number | null;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

const stripTakeUp = (s: RddSideData): RddSideData => ({ ...s, t: null });

/**
 * Regression discontinuity at a threshold, from a validated spec to the estimate and its checks:
 *
 * ```
 * parseRddSpec → layoutRdd (validate, drop incomplete rows, sort, split at the cutoff)
 *   → bandwidths (fixed, or rdrobust's selectors) → local-polynomial fit with robust bias correction
 *   → bandwidth sweep → linear vs quadratic → covariates → placebo cutoffs → donuts → bootstrap (optional)
 *   → density (manipulation) test → RD plot → naive contrasts → diagnostics → charts
 * ```
 *
 * The estimator is rdrobust's (Calonico, Cattaneo & Titiunik 2014): kernel-weighted polynomials of order p on
 * each side, bias corrected with order q at bandwidth b, conventional / bias-corrected / robust rows, normal
 * reference. Jumps are reported **treated minus untreated** (`treated: "below"` flips rdrobust's right-minus-left
 * sign; a fuzzy ratio needs no flip). Rows with x exactly at the cutoff belong to the side above.
 *
 * @example
 * ```ts
 * import { loadFrame, rdd } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const res = rdd(frame, {
 *   outcome: "task_completed", running: "query_confidence", cutoff: 0.85, treated: "below",
 *   kernel: "uniform", support: "open", vce: "hc3", bandwidth: 0.1, sweep: [0.05, 0.1, 0.15, 0.2],
 * });
 * res.estimate;  // +0.0548, SE 0.0131 (conventional, bandwidth set by hand)
 * res.fit.nEffective; // { below: 10,914, above: 10,775 } → 21,689 rows
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), Econometrica 82(6), 2295–2326; Cattaneo, Idrobo & Titiunik (2020),
 *   A Practical Introduction to Regression Discontinuity Designs: Foundations (Cambridge Elements).
 */
export function rdd(data: Frame, spec: RddSpec): DeepReadonly<RddResult> {
  const s = parseRddSpec(spec);
  const layout = layoutRdd(data, s);
  const st = fitSettings(s, layout.clusters);
  const alpha = st.alpha;
  const fuzzy = s.fuzzy === true;
  const fitLayout = fuzzy
    ? layout
    : { ...layout, left: stripTakeUp(layout.left), right: stripTakeUp(layout.right) };
  if (fuzzy) checkFirstStage(layout.left.t as Float64Array, layout.right.t as Float64Array);

  const fixed = fixedBandwidth(s.bandwidth);
  const fit = rddFit(fitLayout, st, fixed);
  const hPair: [number, number] = [fit.h.below, fit.h.above];
  const bw: FixedBandwidth = { h: hPair, b: [fit.b.below, fit.b.above] };
  const hMid = (fit.h.below + fit.h.above) / 2;

  const sweepBws =
    s.sweep ?? RDD_SWEEP_MULTIPLIERS.map((m) => (m === 1 ? hMid : Number((m * hMid).toPrecision(3))));
  const sweep = bandwidthSweep(fitLayout, st, sweepBws);
  const polynomial = polynomialChecks(fitLayout, st, hPair);
  const covariates = covariateChecks(
    layout,
    Object.fromEntries((s.covariates ?? []).map((c) => [c, sortedColumn(data, layout, c)])),
    { ...st },
    bw,
  );
  const placebo =
    s.placebo === false ? [] : placeboChecks(layout, s.placebo ?? defaultPlaceboCutoffs(layout), st, bw);
  const donut =
    s.donut === false
      ? []
      : donutChecks(
          fitLayout as typeof layout,
          s.donut ?? [0.1 * hMid, 0.25 * hMid].map((r) => Number(r.toPrecision(2))),
          st,
          bw,
        );

  let boot: RddResult["bootstrap"] = null;
  if (s.bootstrap) {
    const reps = s.bootstrap.reps ?? 500;
    const seed = s.bootstrap.seed;
    const run = (p: number, h: readonly [number, number], stream: number) =>
      rddBootstrap(fitLayout.left, fitLayout.right, { ...st, p, q: p + 1 }, h, { reps, seed, stream });
    const tryRun = (p: number, h: readonly [number, number], stream: number) => {
      try {
        return run(p, h, stream);
      } catch (e) {
        if (isTrueliftError(e)) return null;
        throw e;
      }
    };
    boot = {
      headline: run(st.p, hPair, 0),
      sweep: sweepBws.map((b, i) => (sweep[i].failure ? null : tryRun(st.p, [b, b], i + 1))),
      quadratic: tryRun(2, hPair, sweepBws.length + 1),
    };
  }

  let density: DeepReadonly<DensityTestResult> | null = null;
  const diagnostics: Diagnostic[] = [];
  if (layout.dropped > 0) {
    diagnostics.push(
      diagnostic("D_RDD_MISSING_DROPPED", "info", { dropped: layout.dropped, ...layout.droppedReasons }),
    );
  }
  diagnostics.push(...rddBandwidthDiagnostics(fit));
  const mass = massShares(layout.left.x, layout.right.x);
  if (Math.max(...mass) >= 0.1) {
    diagnostics.push(
      diagnostic("D_RDD_MASS_POINTS", fixed ? "info" : "warn", {
        repeatedBelow: mass[0],
        repeatedAbove: mass[1],
        masspoints: st.masspoints,
      }),
    );
  }
  if (s.density !== false) {
    try {
      density = densityTest(layout.x, { cutoff: s.cutoff, alpha });
      diagnostics.push(...density.diagnostics);
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
      diagnostics.push(
        diagnostic("D_RDD_DENSITY_UNDEFINED", "warn", { code: e.code }, { reason: e.message }),
      );
    }
  }
  let plot: DeepReadonly<RdPlotResult> | null = null;
  if (s.rdplot !== false) {
    try {
      plot = rdplot(layout.y, layout.x, { cutoff: s.cutoff, alpha });
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
    }
  }
  const naive = rddNaiveContrasts(layout, alpha);
  if (layout.t) diagnostics.push(compliance(layout.x, layout.t, s.cutoff, layout.treated, fuzzy));
  const weak = rddWeakFirstStageDiagnostic(fit);
  if (weak) diagnostics.push(weak);
  for (const d of [
    rddPolynomialDiagnostic(polynomial, alpha),
    rddCovariateDiagnostic(covariates, alpha),
    rddPlaceboDiagnostic(placebo, alpha),
    rddDonutDiagnostic(donut, fit, alpha),
  ]) {
    if (d) diagnostics.push(d);
  }
  const failed = [...polynomial, ...covariates, ...placebo, ...donut].filter((r) => r.failure);
  if (failed.length > 0) {
    diagnostics.push(
      diagnostic("D_RDD_CHECK_FAILED", "info", {
        checks: failed.map((r) => `${r.label} ${r.value}`),
        codes: failed.map((r) => r.failure?.code ?? null),
      }),
    );
  }
  if (boot) {
    const all = [boot.headline, ...boot.sweep, boot.quadratic].filter((b): b is RddBootstrap => b !== null);
    const lost = all.reduce((a, b) => a + b.failed, 0);
    if (lost > 0) {
      diagnostics.push(diagnostic("D_RDD_BOOTSTRAP_FAILED", "warn", { failed: lost }));
    }
  }

  const estimateRow = fixed ? "conventional" : "robust";
  const { effect, firstStage, reducedForm, ...fitInfo } = fit;
  const result: RddResult = {
    method: "rdd",
    design: fuzzy ? "fuzzy" : "sharp",
    outcome: layout.outcome,
    running: layout.running,
    cutoff: layout.cutoff,
    treated: layout.treated,
    estimate: {
      ...effect[estimateRow],
      name: fuzzy
        ? "effect of take-up (local Wald ratio)"
        : st.deriv === 0
          ? "jump at the cutoff"
          : `jump in derivative ${st.deriv} at the cutoff (kink)`,
    },
    estimateRow,
    rows: effect,
    firstStage,
    reducedForm,
    fit: fitInfo,
    sweep,
    checks: { polynomial, covariates, placebo, donut },
    bootstrap: boot,
    density,
    rdplot: plot,
    naive,
    charts: rddCharts({
      outcome: layout.outcome,
      running: layout.running,
      cutoff: layout.cutoff,
      x: layout.x,
      plot,
      density,
      sweep,
      headlineBandwidth: hMid,
    }),
    alpha,
    n: {
      obs: layout.x.length,
      below: layout.left.x.length,
      above: layout.right.x.length,
      dropped: layout.dropped,
      droppedReasons: layout.droppedReasons,
      clusters: layout.clusters,
    },
    diagnostics,
    provenance: {
      spec: s as unknown as Json,
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
      ...(s.bootstrap ? { seed: s.bootstrap.seed } : {}),
    },
  };
  return deepFreeze(result);
}

/** Share of repeated values of the running variable below and above the cutoff (rdrobust's mass-point check). */
function massShares(left: Float64Array, right: Float64Array): [number, number] {
  const share = (v: Float64Array) => {
    if (v.length === 0) return 0;
    let distinct = 1;
    for (let i = 1; i < v.length; i++) if (v[i] !== v[i - 1]) distinct++;
    return 1 - distinct / v.length;
  };
  return [share(left), share(right)];
}

function checkFirstStage(tl: Float64Array, tr: Float64Array): void {
  const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length;
  const constant = (v: Float64Array) => v.every((a) => a === v[0]);
  if (constant(tl) && constant(tr) && mean(tl) === mean(tr)) {
    throw new TrueliftError(
      "E_RDD_NO_FIRST_STAGE",
      `Take-up is ${tl[0]} on both sides of the cutoff: there is no first stage to divide by.`,
      { details: { below: tl[0], above: tr[0] } },
    );
  }
}

function compliance(
  x: Float64Array,
  t: Float64Array,
  c: number,
  treated: RddTreatedSide,
  fuzzy: boolean,
): Diagnostic {
  let bad = 0;
  for (let i = 0; i < x.length; i++) {
    const assigned = treated === "below" ? x[i] < c : x[i] >= c;
    if ((assigned ? 1 : 0) !== t[i]) bad++;
  }
  return rddComplianceDiagnostic(bad / x.length, bad, fuzzy);
}
