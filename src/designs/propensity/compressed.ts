import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import type { Column, Frame } from "../../core/frame.js";
import type { DeepReadonly } from "../../core/result.js";
import type { DesignInputs } from "../shared/contract.js";
import { propensityCellKeys, propensityCellsUnsupported } from "./cell-keys.js";
import { ipwBootstrap, ipwBootstrapParallel } from "./ipw-bootstrap.js";
import { type PropensityCompression, type PropensityResult, stagePropensityUnits } from "./propensity.js";
import type { ValidPropensitySpec } from "./spec.js";

/**
 * The cells a propensity analysis is estimated from: one `GROUP BY` over the treatment, the outcome and the
 * covariate columns, no measures (only the cell count). Every covariate is a key — categorical ones give their
 * levels, numeric ones their exact values (finer cells than a binned covariate, and exact: the propensity and
 * outcome models, the spline knots and the balance table see the same values as on the rows). The outcome is a
 * key too, so a cell is a set of identical rows and the cells are the rows up to order: a 0/1 outcome doubles the
 * covariate patterns at most, and everything — IPW, AIPW and their sandwich SEs, matching with its
 * Abadie–Imbens SE, the Rosenbaum bounds on the matched differences, the calibration deciles and the refitting
 * bootstrap — equals the row analysis. A continuous outcome (or a continuous covariate) gives about one cell per
 * row: the matched differences and the within-arm conditional variances need every row's outcome, which a cell
 * mean and Σ(y − ȳ)² do not give (the result's `compression.rowDetail` says so).
 *
 * @example
 * ```ts
 * import { propensityCellRequest } from "truelift";
 * propensityCellRequest(spec, { opt_in_agent_mode: "numeric", task_completed: "numeric", engagement_tier: "text" });
 * // { keys: ["opt_in_agent_mode", "task_completed", "engagement_tier"], measures: [] }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function propensityCellRequest(spec: ValidPropensitySpec, _kinds: ColumnKinds): CellRequest {
  return { keys: propensityCellKeys(spec), measures: [] };
}

/** Compares two cells on one key column: numbers ascending, text by code unit, missing values last. */
function compareOn(col: Column, a: number, b: number): number {
  if (col.kind === "str") {
    const ca = col.codes[a];
    const cb = col.codes[b];
    if (ca === cb) return 0;
    if (ca < 0 || cb < 0) return ca < 0 ? 1 : -1;
    const la = col.levels[ca];
    const lb = col.levels[cb];
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  const va = col.values[a];
  const vb = col.values[b];
  if (va === vb) return 0;
  if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? 0 : 1) : -1;
  return va - vb;
}

/**
 * The rows of compressed cells, in a canonical order: cells sorted by their key values (numbers ascending, text
 * by code unit, missing last), each repeated `count` times. Since the propensity keys hold every column the
 * analysis reads, these are the source rows up to order, whatever order the engine returned the cells in. The
 * analysis itself never expands cells ({@link propensityFromCells} runs on them); this is for inspection and
 * tests. Errors: `E_INVALID_ARGUMENT` for a count that is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { expandPropensityCells } from "truelift";
 * expandPropensityCells(cells, ["d", "y", "tier"]).nrows === cells.rowsScanned; // true
 * ```
 */
export function expandPropensityCells(cells: CellFrame, keys: readonly string[]): Frame {
  const frame = cells.frame.select(keys);
  const count = cells.frame.numeric(cells.count);
  let total = 0;
  for (let c = 0; c < count.length; c++) {
    const m = count[c];
    if (!(Number.isInteger(m) && m >= 0)) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `Cell ${c + 1} has a row count of ${m}: counts must be non-negative integers.`,
        { details: { cell: c + 1, count: m } },
      );
    }
    total += m;
  }
  const cols = keys.map((k) => frame.column(k));
  const byKeys = Int32Array.from({ length: count.length }, (_, c) => c).sort((a, b) => {
    for (const col of cols) {
      const d = compareOn(col, a, b);
      if (d !== 0) return d;
    }
    return a - b;
  });
  const idx = new Int32Array(total);
  let at = 0;
  for (const c of byKeys) {
    idx.fill(c, at, at + count[c]);
    at += count[c];
  }
  return frame.take(idx);
}

/** The parts of the analysis that needed row detail: a non-0/1 outcome and numeric covariate keys. */
function rowDetail(
  frame: Frame,
  spec: ValidPropensitySpec,
  keys: readonly string[],
): PropensityCompression["rowDetail"] {
  const out: { part: string; reason: string }[] = [];
  const col = frame.column(spec.outcome);
  if (col.kind !== "str" && col.values.some((v) => v !== 0 && v !== 1)) {
    out.push({
      part: `outcome '${spec.outcome}'`,
      reason:
        "a key, not a measure: the matched differences (Rosenbaum bounds), the Abadie–Imbens within-arm variances and the bootstrap resamples need every row's outcome, not a cell mean and Σ(y − ȳ)²",
    });
  }
  for (const k of keys) {
    if (k === spec.treatment || k === spec.outcome) continue;
    const c = frame.column(k);
    if (c.kind === "str" || c.values.every((v) => v === 0 || v === 1)) continue;
    out.push({
      part: `covariate '${k}'`,
      reason: "numeric, a key at its exact values: the models and the spline knots need the values, not bins",
    });
  }
  return out;
}

/**
 * The cells of a compressed analysis as units: the key columns of the non-empty cells (in the engine's order) and
 * their counts. Errors: `E_INVALID_ARGUMENT` for a count that is not a non-negative integer.
 */
function cellUnits(cells: CellFrame, keys: readonly string[]): { frame: Frame; counts: Float64Array } {
  const count = cells.frame.numeric(cells.count);
  const keep: number[] = [];
  for (let c = 0; c < count.length; c++) {
    const m = count[c];
    if (!(Number.isInteger(m) && m >= 0)) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `Cell ${c + 1} has a row count of ${m}: counts must be non-negative integers.`,
        { details: { cell: c + 1, count: m } },
      );
    }
    if (m > 0) keep.push(c);
  }
  const idx = Int32Array.from(keep);
  return { frame: cells.frame.select(keys).take(idx), counts: Float64Array.from(idx, (c) => count[c]) };
}

/**
 * The whole {@link propensity} result from compressed cells ({@link propensityCellRequest}), without expanding
 * them to rows: every cell is a unit of `count` identical rows, and the whole pipeline — the frequency-weighted
 * logit, IPW and AIPW with their sandwich SEs, balance, overlap, weights, matching with all ties on units, the
 * Abadie–Imbens SE, the Rosenbaum bounds on counted differences, the spline knots and the bootstrap (the same
 * drawn rows, mapped to their cells through cumulative counts) — runs on the cells, in O(cells) memory. The
 * cells are put in one canonical order (`canonicalLayout`), so any engine's cell order gives the same bits, and
 * {@link propensity} on the rows (which compresses first) gives the same result. Against the row pipeline on
 * the uncompressed rows (`stagePropensity`, every row a unit of one) every number agrees to 1e-10 relative;
 * quantities that are zero in theory (the SMD of a covariate the weights balance exactly) are rounding noise on
 * both paths and agree to an absolute 1e-10, and the parts that jump at scores tied in theory (two patterns with
 * the same true score, which the per-cell and per-row fits put a few ulps apart: nearest controls, histogram
 * bins, deciles, AUC ties) can differ there (test/designs/propensity/cells-equal-rows.test.ts). With `inputs.threads` > 1 the
 * bootstrap runs on worker threads. The result's `compression` field reports the cells, the rows and the parts
 * that needed row detail. Errors: `E_UNSUPPORTED_COMPRESSED` for the matching options that depend on the row
 * order ({@link propensityCellsUnsupported}), `E_INVALID_ARGUMENT` for a count that is not a non-negative
 * integer, and every error of the row analysis, with the same code.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, propensityCellRequest, propensityFromCells } from "truelift";
 * const cells = compressFrameToCells(frame, propensityCellRequest(spec, kinds));
 * propensityFromCells(cells, spec).ipw.ate.estimate; // = propensity(frame, spec).ipw.ate.estimate
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function propensityFromCells(
  cells: CellFrame,
  spec: ValidPropensitySpec,
  inputs?: DesignInputs,
): DeepReadonly<PropensityResult> | Promise<DeepReadonly<PropensityResult>> {
  const why = propensityCellsUnsupported(spec);
  if (why !== null) {
    throw new TrueliftError("E_UNSUPPORTED_COMPRESSED", `Cannot estimate from compressed cells: ${why}.`, {
      details: { matching: spec.matching ?? null },
    });
  }
  const keys = propensityCellKeys(spec);
  for (const k of keys) cells.frame.column(k); // E_COLUMN_MISSING when a key is absent
  const { frame, counts } = cellUnits(cells, keys);
  let rows = 0;
  for (let c = 0; c < counts.length; c++) rows += counts[c];
  const compression: PropensityCompression = {
    path: "cells",
    cells: cells.frame.nrows,
    rows,
    keys,
    rowDetail: rowDetail(frame, spec, keys),
  };
  const run = stagePropensityUnits(frame, counts, spec, compression);
  const input = run.bootstrapInput;
  if (!input) return run.finish(null).result;
  const withProgress = inputs?.onProgress ? { ...input, onProgress: inputs.onProgress } : input;
  const threads = inputs?.threads ?? 1;
  if (threads <= 1) return run.finish(ipwBootstrap(withProgress)).result;
  return ipwBootstrapParallel(withProgress, { threads }).then(
    ({ threads: _, ...boot }) => run.finish(boot).result,
  );
}
