import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import { type DesignColumn, type DesignMatrix, materializeColumn } from "./design-matrix.js";
import {
  type AbsorbOptions,
  demeanColumns,
  fixedEffectContext,
  fixedEffectDf,
  singletonCount,
} from "./fixed-effects.js";
import { sampleShift, weightedMean, weightedSs } from "./weighted-sums.js";

/** The size of a linear model: rows, columns, coefficients (with the absorbed ones) and the weight total. */
export interface OlsShape {
  readonly n: number;
  /** Design columns (without the intercept). */
  readonly p: number;
  /** Reported coefficients (with the intercept). */
  readonly k: number;
  /** Degrees of freedom absorbed by the fixed effects. */
  readonly feDf: number;
  /** k plus the absorbed parameters. */
  readonly kFull: number;
  /** Σw (n without weights). */
  readonly sumW: number;
  /** N: rows, or Σ count for compressed cells (then equal to sumW). */
  readonly obs: number;
  /** The weights are the counts of compressed cells. */
  readonly frequency: boolean;
}

/**
 * Sizes the model and refuses one without coefficients (`E_INVALID_SPEC`) or with no more rows than
 * parameters (`E_TOO_FEW_OBSERVATIONS`). With `frequency` the weights are cell counts and the rows counted are
 * Σ count (a saturated model on few cells is fine when the cells hold more rows than parameters).
 *
 * @example
 * ```ts
 * olsShape(design).kFull; // coefficients + absorbed fixed-effect levels
 * ```
 */
export function olsShape(design: DesignMatrix, frequency = false): OlsShape {
  const { n, weights: w, intercept, absorb } = design;
  const p = design.columns.length;
  const k = p + (intercept ? 1 : 0);
  if (k === 0)
    throw new TrueliftError(
      "E_INVALID_SPEC",
      "The model has no coefficients to estimate; add a term or the intercept.",
    );
  const feDf = fixedEffectDf(absorb).df;
  const kFull = k + feDf;
  let sumW = n;
  if (w) {
    sumW = 0;
    for (let i = 0; i < n; i++) sumW += w[i];
  }
  const obs = frequency ? sumW : n;
  if (obs <= kFull) {
    throw new TrueliftError(
      "E_TOO_FEW_OBSERVATIONS",
      `The model has ${kFull} parameters${feDf > 0 ? ` (${feDf} absorbed)` : ""} but only ${obs} usable rows.`,
      { details: { obs, parameters: kFull, absorbed: feDf } },
    );
  }
  return { n, p, k, feDf, kFull, sumW, obs, frequency };
}

/** The working coordinates of a fit: the columns and outcome the normal equations are formed from. */
export interface OlsWorking {
  /** Design columns as fitted: demeaned by the fixed effects, or the design's own (shifted in the Gram). */
  readonly cols: readonly DesignColumn[];
  /** Working columns with a leading null for the intercept. */
  readonly work: readonly (DesignColumn | null)[];
  readonly y: Float64Array;
  /** Per-coefficient location shifts (intercept models without fixed effects), else zeros. */
  readonly shifts: Float64Array;
  readonly yShift: number;
  /** Raw Σwx² of each column before demeaning (fixed effects only; the scale for the collinearity check). */
  readonly rawSsFe: number[] | null;
  /** Centred TSS of the outcome (fixed effects only). */
  readonly tssCentred: number;
  /** 1/Σw per level of a single absorbed factor (for leverage-based variance estimators), else null. */
  readonly feInvWeight: Float64Array | null;
  /** `D_FE_NOT_CONVERGED`, `D_FE_SINGLETONS`. */
  readonly diagnostics: Diagnostic[];
}

/**
 * Moves the design to working coordinates: demeaned by the absorbed fixed effects (alternating projections),
 * shifted near the column means when there is an intercept (applied inside the Gram pass), or raw.
 *
 * @example
 * ```ts
 * olsWorkingCoordinates(design, { tol: 1e-12 }, olsShape(design)).work.length; // k
 * ```
 */
export function olsWorkingCoordinates(
  design: DesignMatrix,
  fixef: AbsorbOptions,
  shape: OlsShape,
): OlsWorking {
  const { intercept, absorb } = design;
  const shifts = new Float64Array(shape.k);
  if (absorb.length > 0) return demeanedCoordinates(design, fixef, shape, shifts);
  const cols = design.columns;
  let yShift = 0;
  if (intercept) {
    for (let j = 0; j < shape.p; j++) shifts[j + 1] = sampleShift(cols[j]);
    yShift = sampleShift(design.y);
  }
  const work = intercept ? [null, ...cols] : [...cols];
  return {
    cols,
    work,
    y: design.y,
    shifts,
    yShift,
    rawSsFe: null,
    tssCentred: 0,
    feInvWeight: null,
    diagnostics: [],
  };
}

function demeanedCoordinates(
  design: DesignMatrix,
  fixef: AbsorbOptions,
  shape: OlsShape,
  shifts: Float64Array,
): OlsWorking {
  const { weights: w, intercept, absorb } = design;
  const yMean = weightedMean(design.y, w, shape.sumW);
  const tssCentred = weightedSs(design.y, w, yMean);
  const ctx = fixedEffectContext(absorb, w);
  const feInvWeight = absorb.length === 1 ? ctx.invWeight[0] : null;
  let worst = 0;
  let failed = 0;
  const materialized = design.columns.map(materializeColumn);
  const rawSsFe = materialized.map((c) => weightedSs(c, w, 0));
  // The outcome and every column in one call: a balanced two-way grid sweeps them in blocks (same numbers).
  const demeaned = demeanColumns([design.y, ...materialized], ctx, fixef).map((r) => {
    worst = Math.max(worst, r.report.iterations);
    if (!r.report.converged) failed++;
    return r.out;
  });
  const y = demeaned[0];
  const cols = demeaned.slice(1);
  const diagnostics: Diagnostic[] = [];
  if (failed > 0)
    diagnostics.push(
      diagnostic("D_FE_NOT_CONVERGED", "warn", {
        columns: failed,
        iterations: worst,
        tol: fixef.tol ?? 1e-12,
      }),
    );
  const singletons = absorb.map((a) => singletonCount(a, shape.frequency ? w : null));
  if (singletons.some((c) => c > 0))
    diagnostics.push(
      diagnostic("D_FE_SINGLETONS", "info", {
        singletons: singletons.reduce((a, b) => a + b, 0),
        columns: absorb.map((a) => a.column).join(", "),
      }),
    );
  const work = intercept ? [null, ...cols] : [...cols];
  return { cols, work, y, shifts, yShift: 0, rawSsFe, tssCentred, feInvWeight, diagnostics };
}
