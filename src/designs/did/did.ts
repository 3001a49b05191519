import type { CellFrame } from "../../core/cells.js";
import { compressFrameToCells } from "../../core/cells-compress.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import type { Vcov } from "../../models/vcov/types.js";
import type { DesignResult } from "../shared/contract.js";
import { withoutAbsorbedCovariates } from "./absorbed.js";
import { type AnticipationCheck, anticipationCheck } from "./anticipation.js";
import { didCellRequest, frameColumnKinds } from "./compression.js";
import { type CovariateShift, covariateShifts } from "./covariate-check.js";
import {
  anticipationDiagnostic,
  covariateDiagnostic,
  designDiagnostics,
  parallelTrendsDiagnostic,
  staggeredTwfeDiagnostic,
} from "./diagnostics.js";
import { type EventStudy, eventStudy } from "./event-study.js";
import { type DidFitContext, didVcov } from "./fit.js";
import {
  type DidCohort,
  type DidFrequency,
  type DidLayout,
  layoutDid,
  validateDidColumns,
} from "./layout.js";
import { type DidNaive, naiveContrasts } from "./naive.js";
import { type DidPlacebo, placeboTrend } from "./placebo.js";
import { type DidRegression, regressionDid, twfe } from "./regression.js";
import { type DidSpec, parseDidSpec, type ValidDidSpec } from "./spec.js";
import { type StaggeredDid, staggeredDid } from "./staggered.js";
import { type DidTrends, didTrends } from "./trends.js";
import { type TwoByTwo, twoByTwo } from "./two-by-two.js";

/** An SE at or below this (relative to max(1, |estimate|)) is rounding noise on zero residuals, not an SE. */
const ZERO_SE = 1e-10;

/** Where the headline estimate comes from. */
export type DidEstimateSource = "regression" | "callaway-santanna" | "twfe";

/** Everything {@link did} returns: plain, frozen, JSON-serialisable data. */
export interface DidResult extends DesignResult {
  readonly method: "did";
  readonly design: DidLayout["kind"];
  readonly outcome: string;
  /** The headline causal estimate (see `estimateSource`). */
  readonly estimate: Term;
  readonly estimateSource: DidEstimateSource;
  readonly twoByTwo: TwoByTwo | null;
  readonly regression: DidRegression | null;
  readonly twfe: DidRegression;
  readonly placebo: DidPlacebo | null;
  readonly eventStudy: EventStudy | null;
  readonly anticipation: AnticipationCheck | null;
  readonly covariateShifts: readonly CovariateShift[];
  readonly staggered: StaggeredDid | null;
  readonly naive: DidNaive;
  /** Period means per group and the two-group counterfactual: the tidy rows behind the trend chart. */
  readonly trends: DidTrends;
  readonly layout: {
    readonly window: DidLayout["window"];
    readonly start: DidLayout["start"];
    readonly controlStart: number | null;
    readonly anticipation: number;
    readonly cohorts: readonly DidCohort[];
    readonly periods: readonly number[];
    /** The time column (the period axis of the charts). */
    readonly time: string;
    readonly unit: string | null;
    readonly cluster: string | null;
  };
  readonly vcov: Vcov;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly dropped: number;
    readonly droppedReasons: Readonly<Record<string, number>>;
    readonly clusters: number | null;
    /**
     * Compressed cells the estimate was computed from (every row of the data is in one; `obs + dropped` rows),
     * or null when it ran on the rows ({@link didOnRows}).
     */
    readonly cells: number | null;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Difference-in-differences for staged rollouts, from a validated spec to every estimate and check:
 *
 * ```
 * parseDidSpec → layoutDid (validate, cohorts, window, derived columns)
 *   two-group: 2×2 table → regression DiD (headline) → TWFE → placebo trend → event study + leads Wald
 *   staggered: TWFE (warned) → event study → Callaway–Sant'Anna (headline, needs a unit) → Bacon decomposition
 *   → anticipation check → covariate shifts → naive contrasts → diagnostics
 * ```
 *
 * Variances are CR1 by the cluster column (default: the unit) with t(G − 1) references, or HC1 without one.
 *
 * It runs as compress → estimate: after the column checks on the rows, the rows are compressed to the cells of
 * {@link didCellRequest} (`compressFrameToCells`) and every part is estimated from those cells
 * ({@link didFromCells}) — equal to the row-level analysis ({@link didOnRows}) to rounding; `n.cells` counts them.
 *
 * @example
 * ```ts
 * import { did, loadFrame } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const res = did(frame, {
 *   outcome: "task_completed", time: "signup_week", treatment: { startColumn: "treatment_week" },
 *   cluster: "workspace_id", covariates: ["engagement_tier"],
 * });
 * res.estimate;                 // treated:post +0.0541, SE 0.0109, t(49)
 * res.twoByTwo?.term.estimate;  // +0.0527
 * res.diagnostics.find((d) => d.code === "D_DID_PARALLEL_TRENDS")?.severity; // "pass"
 * ```
 * @see Angrist & Pischke (2009), ch. 5; Callaway & Sant'Anna (2021); Goodman-Bacon (2021).
 */
export function did(
  data: Frame,
  spec: DidSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<DidResult> {
  const s = parseDidSpec(spec);
  validateDidColumns(data, s);
  const request = didCellRequest(s, frameColumnKinds(data));
  // An outcome that is also a key (say, a covariate) cannot be both a cell mean and a key: fit the rows.
  if (request.keys.includes(s.outcome)) return didOnRows(data, s, options);
  return didFromCells(compressFrameToCells(data, request), s, options);
}

/**
 * {@link did} from compressed cells (design.md §3a): `cells` holds one row per distinct combination of the
 * {@link didCellRequest} keys with the row count, the outcome's cell mean and its within-cell Σ(y − ȳ)² —
 * from an engine's `GROUP BY` or `compressFrameToCells`. The result equals {@link didOnRows} on the rows to
 * rounding (1e-10 relative), inference, row counts and coded errors included; `n.cells` says how many cells.
 *
 * Cell order does not matter, with two exceptions that follow the units' order of appearance as on the rows:
 * the seeded Callaway–Sant'Anna multiplier bootstrap (another order draws another, equally valid, bootstrap)
 * and which offending unit an error names. `compressFrameToCells` keeps first-appearance order, so in memory
 * both equal the rows'. With a unit, a cell of several rows is a unit repeated in one period: Callaway–Sant'Anna
 * and the Bacon decomposition are then not applicable (codes E_CS_DUPLICATE_ROWS, E_UNBALANCED_PANEL) as on the
 * rows, with a reason naming the unit and period instead of row numbers.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, didCellRequest, didFromCells, parseDidSpec } from "truelift";
 * const s = parseDidSpec(spec);
 * const cells = compressFrameToCells(frame, didCellRequest(s, {}));
 * didFromCells(cells, s).n; // { obs: 28839, dropped: 21161, …, cells: 2900 }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function didFromCells(
  cells: CellFrame,
  spec: DidSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<DidResult> {
  const s = parseDidSpec(spec);
  const withinSS = cells.withinSS[s.outcome];
  if (withinSS === undefined) {
    throw new TrueliftError(
      "E_BAD_FREQUENCY",
      `The cells have no within-cell sum of squares of the outcome '${s.outcome}'; compress with the outcome as a measure.`,
      { details: { outcome: s.outcome, measures: Object.keys(cells.withinSS) } },
    );
  }
  return analyse(cells.frame, s, { count: cells.count, withinSS }, options);
}

/**
 * {@link did} on the rows themselves, one row per observation (no compression): the reference the compressed
 * path is tested against, and the path of a spec whose outcome is also a key column.
 *
 * @example
 * ```ts
 * import { didOnRows } from "truelift";
 * didOnRows(frame, spec).n.cells; // null
 * ```
 */
export function didOnRows(
  data: Frame,
  spec: DidSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<DidResult> {
  return analyse(data, parseDidSpec(spec), null, options);
}

function analyse(
  data: Frame,
  s: ValidDidSpec,
  frequency: DidFrequency | null,
  options: { readonly onProgress?: ProgressCallback },
): DeepReadonly<DidResult> {
  const layout = layoutDid(data, s, frequency);
  const alpha = s.alpha ?? 0.05;
  const ctx: DidFitContext = { vcov: didVcov(layout.cluster, s.inference ?? "t"), alpha };
  const diagnostics: Diagnostic[] = [...layout.diagnostics];

  const twoGroup = layout.kind === "two-group";
  const table = twoGroup ? twoByTwo(layout, ctx) : null;
  const regression = twoGroup ? regressionDid(layout, ctx) : null;
  const absorbed = withoutAbsorbedCovariates(layout);
  if (absorbed.diagnostic) diagnostics.push(absorbed.diagnostic);
  const fe = twfe(absorbed.layout, ctx);
  const placebo = placeboTrend(layout, ctx, s.placeboCenter);
  const events = eventStudy(absorbed.layout, ctx, s.eventStudy ?? {});
  const staggered = twoGroup ? null : staggeredDid(s, layout, options.onProgress);
  const anticipation = anticipationCheck(absorbed.layout, ctx);
  const shifts = covariateShifts(layout, ctx);
  const naive = naiveContrasts(layout, alpha);
  const trends = didTrends(layout);

  diagnostics.push(parallelTrendsDiagnostic(placebo, events, layout.time));
  diagnostics.push(anticipationDiagnostic(anticipation));
  diagnostics.push(...designDiagnostics(layout, fe.n.clusters));
  const cov = covariateDiagnostic(shifts);
  if (cov) diagnostics.push(cov);
  if (!twoGroup) {
    diagnostics.push(staggeredTwfeDiagnostic(fe.effect, staggered?.bacon?.forbiddenWeight ?? null));
    diagnostics.push(...(staggered?.diagnostics ?? []));
  }
  if (placebo === null && twoGroup) {
    diagnostics.push(diagnostic("D_DID_NOT_APPLICABLE", "info", { part: "placebo" }));
  }

  let estimate: Term;
  let estimateSource: DidEstimateSource;
  if (regression) {
    estimate = regression.effect;
    estimateSource = "regression";
  } else if (staggered?.overall) {
    estimate = staggered.overall;
    estimateSource = "callaway-santanna";
  } else {
    estimate = fe.effect;
    estimateSource = "twfe";
  }
  if (estimate.se !== null && estimate.se <= ZERO_SE * Math.max(1, Math.abs(estimate.estimate))) {
    // Zero-variance cells (each group × period constant): residuals are all 0, and an SE of exactly 0 with a
    // zero-width interval would look valid. No uncertainty can be measured: null plus a failing diagnostic.
    estimate = { ...estimate, se: null, statistic: null, pValue: null, ci: null };
    diagnostics.push(
      diagnostic("D_DID_ZERO_SE", "fail", { estimate: estimate.estimate, source: estimateSource }),
    );
  }
  const result: DidResult = {
    method: "did",
    design: layout.kind,
    outcome: layout.outcome,
    estimate,
    estimateSource,
    twoByTwo: table,
    regression,
    twfe: fe,
    placebo,
    eventStudy: events,
    anticipation,
    covariateShifts: shifts,
    staggered,
    naive,
    trends,
    layout: {
      window: layout.window,
      start: layout.start,
      controlStart: layout.controlStart,
      anticipation: layout.anticipation,
      cohorts: layout.cohorts,
      periods: layout.periods,
      time: layout.time,
      unit: layout.unit,
      cluster: layout.cluster,
    },
    vcov: ctx.vcov,
    alpha,
    n: {
      obs: rowsIn(layout),
      dropped: layout.window.rowsOutside,
      droppedReasons: layout.window.rowsOutside > 0 ? { outsideWindow: layout.window.rowsOutside } : {},
      clusters: fe.n.clusters,
      cells: frequency === null ? null : data.nrows,
    },
    diagnostics,
    provenance: { spec: toJson(s), engine: "memory", version: LINEAR_MODEL_VERSION },
  };
  return deepFreeze(result);
}

function rowsIn(layout: DidLayout): number {
  let rows = 0;
  for (const c of layout.cohorts) rows += c.rows;
  return rows;
}
