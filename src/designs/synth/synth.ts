import type { Diagnostic } from "../../core/diagnostics.js";
import { diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance, type Term } from "../../core/result.js";
import { validateColumns } from "../../core/validate.js";
import type { AdhStart } from "./adh.js";
import { type SynthBootstrap, synthBootstrap } from "./bootstrap.js";
import {
  convexHullDiagnostic,
  donorBreakDiagnostic,
  inTimePlaceboDiagnostic,
  leaveOneOutDiagnostic,
  overfitDiagnostic,
  placeboDiagnostic,
  preFitDiagnostic,
  weightConcentrationDiagnostic,
} from "./diagnostics.js";
import { type SynthExtensions, synthExtensions, synthMatrix } from "./extensions.js";
import { naiveDiagnostic, type SynthNaive, synthNaive } from "./naive.js";
import { filledCellsDiagnostic, type SynthCells, type SynthPanel, synthCells, synthPanel } from "./panel.js";
import {
  inSpacePlacebos,
  inTimePlacebo,
  leaveOneOut,
  type SynthInSpacePlacebo,
  type SynthInTimePlacebo,
  type SynthLeaveOneOut,
} from "./placebo.js";
import { frameCellMeans, synthPredictors } from "./predictors.js";
import { fitProblem, type SynthProblem } from "./problem.js";
import { type SynthCharts, synthCharts } from "./result-charts.js";
import { type SynthTidyRows, synthTidyRows } from "./rows.js";
import { parseSynthSpec, type SynthSpec, type ValidSynthSpec } from "./spec.js";

/**
 * Version of the synthetic-control engine recorded in provenance.
 *
 * @example
 * ```ts
 * import { SYNTH_VERSION } from "truelift";
 * SYNTH_VERSION; // "synth-1"
 * ```
 */
export const SYNTH_VERSION = "synth-1";

/** Everything {@link synth} returns: plain, frozen, JSON-serialisable data. */
export interface SynthResult {
  readonly method: "synth";
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  /**
   * The mean post-period gap (treated − synthetic). `se` and `ci` come from the user-level bootstrap (null
   * without it); `pValue` is the in-space placebo pseudo p-value of |mean gap| (null without placebos);
   * `statistic` and `df` are null (no reference distribution).
   */
  readonly estimate: Term;
  /** Donor weights in donor order. */
  readonly weights: readonly { readonly unit: string; readonly weight: number }[];
  /** Donors with weight above the threshold. */
  readonly usedDonors: number;
  readonly fit: {
    readonly preRmspe: number;
    readonly postRmspe: number;
    readonly meanGap: number;
    readonly ratio: number | null;
    /** True when the weights are the certified unique QP minimiser. */
    readonly uniqueWeights: boolean;
  };
  /** ADH predictors and V (null when the weights fit the outcome path). */
  readonly predictors: {
    readonly names: readonly string[];
    readonly v: readonly number[];
    readonly treated: readonly number[];
    readonly synthetic: readonly number[];
    readonly lossV: number;
    readonly lossW: number;
    readonly vSource: "optimised" | "custom" | "single-predictor";
    readonly starts: readonly AdhStart[];
  } | null;
  readonly panel: {
    readonly periods: readonly number[];
    readonly preCount: number;
    readonly treatmentStart: number;
    readonly treatedUnits: readonly string[];
    readonly donorUnits: readonly string[];
    readonly filledCells: number;
    readonly window: { readonly from: number; readonly to: number };
  };
  readonly placebo: SynthInSpacePlacebo | null;
  readonly inTimePlacebo: SynthInTimePlacebo | null;
  readonly leaveOneOut: SynthLeaveOneOut | null;
  readonly bootstrap: SynthBootstrap | null;
  readonly naive: SynthNaive;
  /** Synthetic DiD, augmented SC and conformal inference on the same filled panel (null when skipped). */
  readonly extensions: SynthExtensions;
  /** Vega-Lite specs: trajectories, gap, placebo spaghetti, leave-one-out band, donor weights. */
  readonly charts: SynthCharts;
  /** Tidy rows for charts: trajectories, gaps, weights, placebo gaps, leave-one-out gaps. */
  readonly rows: SynthTidyRows;
  readonly alpha: number;
  readonly n: {
    readonly rows: number;
    readonly rowsUsed: number;
    readonly rowsOutside: number;
    readonly donors: number;
    readonly periods: number;
    readonly preCount: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Synthetic control for a global rollout, from user-level logs to the estimate and every check:
 *
 * ```
 * parseSynthSpec → synthCells (validate; unit × period sums and counts) → synthPanel (cell means, interpolation,
 *   edge fill; treated = mean of the treated units) → weights (exact simplex QP on the pre-period outcomes, or
 *   the nested ADH V search with predictors) → in-space placebos (mean-gap and RMSPE-ratio pseudo p-values)
 *   → in-time placebo → leave-one-out → user-level bootstrap (optional, seeded) → naive contrasts → diagnostics
 * ```
 *
 * @example
 * ```ts
 * import { loadFrame, synth } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
 * const res = synth(frame, {
 *   outcome: "task_completed", unit: "workspace_id", time: "signup_week",
 *   treated: ids(0, 25), donors: ids(25, 50), treatmentStart: 20, window: { from: 0, to: 29 },
 *   bootstrap: { reps: 500, seed: 7 },
 * });
 * res.estimate.estimate;             // +0.0829
 * res.fit.preRmspe;                  // 0.0374
 * res.placebo?.meanGapTest.pValue;   // 1/26 = 0.0385
 * res.leaveOneOut?.gapRange;         // [+0.0739, +0.0945]
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105, 493–505; Abadie (2021), JEL 59, 391–425.
 */
export function synth(data: Frame, spec: SynthSpec): DeepReadonly<SynthResult> {
  const s = parseSynthSpec(spec);
  checkSpec(data, s);
  const alpha = s.alpha ?? 0.05;
  const threshold = s.nonzeroThreshold ?? 0.001;
  const cells = synthCells(data, s);
  const panel = synthPanel(cells, cells.sums, cells.counts) as SynthPanel;
  const diagnostics: Diagnostic[] = [filledCellsDiagnostic(cells, panel)];
  const meansOf = (column: string) => frameCellMeans(data, cells, column);
  const predictors =
    s.predictors === undefined ? null : synthPredictors(meansOf, cells, panel, s.outcome, s.predictors);
  const problem: SynthProblem = {
    treated: panel.treated,
    donors: panel.donors,
    nDonors: panel.nDonors,
    preCount: panel.preCount,
    predictors: predictors === null ? null : { x1: predictors.treated, x0: predictors.donors },
    customV: s.customV ?? null,
  };
  const fit = fitProblem(problem, { solver: "exact" });
  const J = panel.nDonors;
  let usedDonors = 0;
  for (const w of fit.weights) if (w > threshold) usedDonors++;
  if (!fit.exact) {
    diagnostics.push(
      diagnostic("D_SYNTH_WEIGHTS_NOT_UNIQUE", "warn", { donors: J, preCount: panel.preCount }),
    );
  }

  const placebo =
    s.placebo === false || J < 2
      ? null
      : inSpacePlacebos(problem, fit, cells.donorUnits, s.placebo?.excludePreRmspeAbove ?? null);
  const inTime = runInTimePlacebo(s, cells, panel, problem, meansOf, diagnostics);
  const loo = s.leaveOneOut === false ? null : leaveOneOut(problem, fit.weights, cells.donorUnits, threshold);
  const boot =
    s.bootstrap === undefined || s.bootstrap === false
      ? null
      : synthBootstrap(
          data,
          cells,
          problem,
          { weights: fit.weights, v: fit.adh?.v ?? null },
          {
            outcome: s.outcome,
            ...(s.user === undefined ? {} : { user: s.user }),
            ...(s.predictors === undefined ? {} : { predictors: s.predictors }),
            reps: s.bootstrap.reps ?? 500,
            seed: s.bootstrap.seed,
            alpha,
          },
        );
  const naive = synthNaive(panel);
  const extensions = synthExtensions(
    synthMatrix(cells, panel),
    {
      sdid: s.sdid ?? { se: false },
      augmented: s.augmented ?? {},
      conformal: s.conformal ?? false,
    },
    diagnostics,
  );

  diagnostics.push(convexHullDiagnostic(panel.treated, panel.donors, J, panel.preCount));
  diagnostics.push(weightConcentrationDiagnostic(fit.weights, cells.donorUnits));
  diagnostics.push(overfitDiagnostic(J, panel.preCount));
  diagnostics.push(preFitDiagnostic(fit));
  diagnostics.push(
    donorBreakDiagnostic(panel.donors, J, panel.preCount, fit.weights, cells.donorUnits, threshold),
  );
  if (placebo) diagnostics.push(placeboDiagnostic(placebo, alpha));
  if (inTime) diagnostics.push(inTimePlaceboDiagnostic(inTime, fit.meanGap, s.time));
  if (loo) diagnostics.push(leaveOneOutDiagnostic(loo, fit.meanGap));
  if (boot && boot.failed > 0) {
    diagnostics.push(
      diagnostic(
        "D_BOOTSTRAP_FAILED_REPLICATES",
        "warn",
        { failed: boot.failed, reps: boot.reps },
        { scheme: "synth-units" },
      ),
    );
  }
  if (fit.adh && fit.adh.vSource === "optimised") {
    const bad = fit.adh.starts.filter((st) => st.convergence !== 0);
    diagnostics.push(
      diagnostic("D_SYNTH_V_SEARCH", bad.length === fit.adh.starts.length ? "warn" : "info", {
        starts: fit.adh.starts.map((st) => st.start),
        methods: fit.adh.starts.map((st) => st.method),
        lossV: fit.adh.starts.map((st) => st.lossV),
        convergence: fit.adh.starts.map((st) => st.convergence),
      }),
    );
  }
  diagnostics.push(naiveDiagnostic(naive, fit.meanGap));

  const estimate: Term = {
    name: "mean post-period gap",
    estimate: fit.meanGap,
    se: boot?.se ?? null,
    statistic: null,
    df: null,
    pValue: placebo?.meanGapTest.pValue ?? null,
    ci: boot?.ci ?? null,
  };
  const adh = fit.adh;
  const rows = synthTidyRows(cells, fit, placebo, loo);
  const result: SynthResult = {
    method: "synth",
    outcome: s.outcome,
    unit: s.unit,
    time: s.time,
    estimate,
    weights: cells.donorUnits.map((unit, j) => ({ unit, weight: fit.weights[j] })),
    usedDonors,
    fit: {
      preRmspe: fit.preRmspe,
      postRmspe: fit.postRmspe,
      meanGap: fit.meanGap,
      ratio: fit.ratio,
      uniqueWeights: fit.exact,
    },
    predictors:
      adh && predictors
        ? {
            names: predictors.names,
            v: Array.from(adh.v),
            treated: Array.from(predictors.treated),
            synthetic: predictors.names.map((_, i) => {
              let x = 0;
              for (let j = 0; j < J; j++) x += predictors.donors[i * J + j] * fit.weights[j];
              return x;
            }),
            lossV: adh.lossV,
            lossW: adh.lossW,
            vSource: adh.vSource,
            starts: adh.starts,
          }
        : null,
    panel: {
      periods: cells.periods,
      preCount: cells.preCount,
      treatmentStart: cells.treatmentStart,
      treatedUnits: cells.treatedUnits,
      donorUnits: cells.donorUnits,
      filledCells: panel.filled,
      window: cells.window,
    },
    placebo,
    inTimePlacebo: inTime,
    leaveOneOut: loo,
    bootstrap: boot,
    naive,
    extensions,
    rows,
    charts: synthCharts(rows, extensions, {
      treatmentStart: cells.treatmentStart,
      outcome: s.outcome,
      time: s.time,
    }),
    alpha,
    n: {
      rows: data.nrows,
      rowsUsed: cells.rowsUsed,
      rowsOutside: cells.rowsOutside,
      donors: J,
      periods: cells.periods.length,
      preCount: cells.preCount,
    },
    diagnostics,
    provenance: {
      spec: s as unknown as Json,
      engine: "memory",
      version: SYNTH_VERSION,
      ...(s.bootstrap ? { seed: s.bootstrap.seed } : {}),
    },
  };
  return deepFreeze(result);
}

function checkSpec(data: Frame, s: ValidSynthSpec): void {
  if (s.customV !== undefined && s.predictors === undefined) {
    throw new TrueliftError("E_INVALID_SPEC", "spec.customV needs spec.predictors: V weighs the predictors.");
  }
  if (s.customV !== undefined && s.predictors !== undefined && s.customV.length !== s.predictors.length) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `spec.customV has ${s.customV.length} entries but there are ${s.predictors.length} predictors.`,
    );
  }
  if (s.customV !== undefined && !(s.customV.reduce((a, b) => a + b, 0) > 0)) {
    throw new TrueliftError("E_INVALID_SPEC", "spec.customV must have a positive entry.");
  }
  if (s.predictors) {
    validateColumns(
      data,
      s.predictors
        .filter((p) => p.column !== s.outcome)
        .map((p) => ({ column: p.column, kind: "numeric" as const, allowMissing: true })),
    );
  }
}

function runInTimePlacebo(
  s: ValidSynthSpec,
  cells: SynthCells,
  panel: SynthPanel,
  problem: SynthProblem,
  meansOf: (column: string) => Float64Array,
  diagnostics: Diagnostic[],
): SynthInTimePlacebo | null {
  if (s.inTimePlacebo === false) return null;
  const T0 = panel.preCount;
  let idx: number;
  if (s.inTimePlacebo?.start !== undefined) {
    const start = s.inTimePlacebo.start;
    idx = cells.periods.findIndex((t) => t >= start);
    if (idx < 2 || idx >= T0) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `spec.inTimePlacebo.start ${start} must leave at least 2 periods before it and lie before the treatment start ${cells.treatmentStart}.`,
        { details: { start, treatmentStart: cells.treatmentStart } },
      );
    }
  } else {
    idx = Math.floor(T0 / 2);
    if (idx < 2) return null;
  }
  const fake = cells.periods[idx];
  let p = problem;
  if (s.predictors !== undefined && problem.predictors !== null) {
    try {
      const x = synthPredictors(meansOf, cells, panel, s.outcome, s.predictors, fake);
      p = { ...problem, predictors: { x1: x.treated, x0: x.donors } };
    } catch (e) {
      if (!(e instanceof TrueliftError) || e.code !== "E_SYNTH_BAD_PREDICTOR") throw e;
      diagnostics.push(
        diagnostic(
          "D_SYNTH_IN_TIME_PLACEBO",
          "info",
          { fakeStart: fake },
          { time: s.time, skipped: e.message },
        ),
      );
      return null;
    }
  }
  return inTimePlacebo(p, idx, fake);
}
