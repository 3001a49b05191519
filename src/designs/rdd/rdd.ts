import type { Diagnostic } from "../../core/diagnostics.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import type { DesignResult } from "../shared/contract.js";
import { guardZeroSe } from "../shared/zero-se.js";
import type { RddBootstrap } from "./bootstrap.js";
import type { RddCellsInfo } from "./cells.js";
import type { RddCheckRow } from "./checks.js";
import type { DensityTestResult } from "./density/index.js";
import type { RddDensityBin } from "./density-bins.js";
import type { RddFit, RddRows } from "./estimate.js";
import { type RddNaive, rddNaiveContrasts } from "./naive.js";
import type { RdPlotResult } from "./rdplot/index.js";
import type { RddSpec, RddTreatedSide } from "./spec.js";
import { type RddBootstrapStage, rddBootstrapStage } from "./stage-bootstrap.js";
import { type RddChecksStage, rddChecks } from "./stage-checks.js";
import { rddDiagnostics } from "./stage-diagnostics.js";
import { type RddHeadlineStage, rddHeadline } from "./stage-headline.js";
import { type RddShapeStage, rddShape } from "./stage-shape.js";
import type { RddSweepRow } from "./sweep.js";

/** Everything {@link rdd} returns: plain, frozen, JSON-serialisable data. */
export interface RddResult extends DesignResult {
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
  /**
   * The RD plot (binned means and global order-4 polynomial fits), or null when not computable. Its bins are
   * rdplot's IMSE-optimal evenly-spaced ones (`binselect: "es"`, `"espr"` with mass points), which trace the
   * regression function; rdplot's default mimicking-variance bins mimic the data's scatter instead.
   */
  readonly rdplot: DeepReadonly<RdPlotResult> | null;
  /**
   * The histogram of the running variable around the cutoff (10 bins per side of width h/10, tidy rows behind the
   * density chart), or null when it cannot be laid out.
   */
  readonly densityBins: readonly RddDensityBin[] | null;
  readonly naive: RddNaive;
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
  /** The compressed path ({@link rddFromCells}): cells, the rows they summarise, what each measure's cells carry; null on rows. */
  readonly cells: RddCellsInfo | null;
}

/**
 * Regression discontinuity at a threshold, from a validated spec to the estimate and its checks:
 *
 * ```
 * rddHeadline   parseRddSpec → layoutRdd (validate, drop incomplete rows, sort, split at the cutoff)
 *               → bandwidths (fixed, or rdrobust's selectors) → local-polynomial fit with robust bias correction
 * rddChecks     bandwidth sweep → linear vs quadratic → covariates → placebo cutoffs → donuts
 * rddBootstrapStage   percentile intervals (optional)
 * rddShape      density (manipulation) test → RD plot → histogram around the cutoff (densityBins)
 * rddNaiveContrasts → rddDiagnostics → rddResult (estimate row, counts, provenance)
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
export function rdd(
  data: Frame,
  spec: RddSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<RddResult> {
  return rddFromHeadline(rddHeadline(data, spec), options);
}

/**
 * Everything {@link rdd} computes after its headline stage (checks, bootstrap, shape, naive contrasts,
 * diagnostics), on the headline's layout: rows on the row path, cells on the compressed one.
 *
 * @example
 * ```ts
 * const s = parseRddSpec({ outcome: "y", running: "x", cutoff: 0 });
 * rddFromHeadline(rddHeadlineFromLayout(s, layoutRdd(frame, s))).estimate; // = rdd(frame, s).estimate
 * ```
 */
export function rddFromHeadline(
  head: RddHeadlineStage,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<RddResult> {
  const checks = rddChecks(head);
  const boot = rddBootstrapStage(head, checks, options.onProgress);
  const shape = rddShape(head);
  const naive = rddNaiveContrasts(head.layout, head.settings.alpha);
  const diagnostics = rddDiagnostics(head, checks, boot, shape);
  return deepFreeze(rddResult({ head, checks, boot, shape, naive, diagnostics }));
}

/** Everything the stages of {@link rdd} computed, ready to be assembled into its result. */
interface RddStages {
  readonly head: RddHeadlineStage;
  readonly checks: RddChecksStage;
  readonly boot: RddBootstrapStage | null;
  readonly shape: RddShapeStage;
  readonly naive: RddNaive;
  readonly diagnostics: Diagnostic[];
}

function rddResult({ head, checks, boot, shape, naive, diagnostics }: RddStages): RddResult {
  const { spec: s, layout, fit, fuzzy } = head;
  const estimateRow = head.fixed ? "conventional" : "robust";
  const { effect, firstStage, reducedForm, ...fitInfo } = fit;
  const { sweep, polynomial, covariates, placebo, donut } = checks;
  const { density, plot } = shape;
  const zero = guardZeroSe(
    { ...effect[estimateRow], name: estimateName(fuzzy, head.settings.deriv) },
    `regression-discontinuity (${estimateRow})`,
  );
  return {
    method: "rdd",
    design: fuzzy ? "fuzzy" : "sharp",
    outcome: layout.outcome,
    running: layout.running,
    cutoff: layout.cutoff,
    treated: layout.treated,
    estimate: zero.term,
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
    densityBins: shape.densityBins,
    naive,
    alpha: head.settings.alpha,
    n: {
      obs: layout.rows,
      below: layout.left.rows,
      above: layout.right.rows,
      dropped: layout.dropped,
      droppedReasons: layout.droppedReasons,
      clusters: layout.clusters,
    },
    diagnostics: zero.diagnostic ? [...diagnostics, zero.diagnostic] : diagnostics,
    provenance: {
      spec: toJson(s),
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
      ...(s.bootstrap ? { seed: s.bootstrap.seed } : {}),
    },
    cells: null,
  };
}

function estimateName(fuzzy: boolean, deriv: number): string {
  if (fuzzy) return "effect of take-up (local Wald ratio)";
  return deriv === 0 ? "jump at the cutoff" : `jump in derivative ${deriv} at the cutoff (kink)`;
}
