import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { SynthCells, SynthPanel } from "./panel.js";
import type { SynthPredictor } from "./spec.js";

/** The ADH predictor matrix: names, treated values (k) and donor values (k × J row-major). */
export interface SynthPredictors {
  readonly names: readonly string[];
  readonly treated: Float64Array;
  readonly donors: Float64Array;
}

/**
 * Builds the ADH predictors from the rows: each predictor is a column averaged per unit × period cell, then over
 * its periods (Synth's `predictors.op = "mean"` with `na.rm`): the listed `periods`, or `from`–`to`, or by
 * default the pre-period (periods before `preEnd`). The outcome column is read from the filled panel, so
 * `{ column: outcome, periods: [t] }` is Synth's special predictor "outcome in period t". Pooled treated units
 * contribute the mean of their values.
 *
 * `meansOf(column)` gives the column's cell means (u·T + t, NaN when empty), e.g. {@link frameCellMeans}; the
 * bootstrap passes resampled ones. Errors: `E_SYNTH_BAD_PREDICTOR` when a unit has no data for a predictor in
 * its periods, or a predictor does not vary across the donors (Synth stops on that too).
 *
 * @example
 * ```ts
 * import { frameCellMeans, synthPredictors } from "truelift";
 * const x = synthPredictors((c) => frameCellMeans(frame, cells, c), cells, panel, "task_completed",
 *   [{ column: "query_confidence" }, { column: "task_completed", periods: [5, 15] }]);
 * x.names; // ["query_confidence (mean 0–19)", "task_completed (mean 5, 15)"]
 * ```
 */
export function synthPredictors(
  meansOf: (column: string) => Float64Array,
  cells: SynthCells,
  panel: SynthPanel,
  outcome: string,
  predictors: readonly SynthPredictor[],
  preEnd: number = cells.treatmentStart,
): SynthPredictors {
  const k = predictors.length;
  const nT = cells.treatedUnits.length;
  const J = cells.donorUnits.length;
  const nUnits = nT + J;
  const nP = cells.periods.length;
  const labels = [...cells.treatedUnits, ...cells.donorUnits];
  const treated = new Float64Array(k);
  const donors = new Float64Array(k * J);
  const names: string[] = [];
  for (let i = 0; i < k; i++) {
    const pred = predictors[i];
    const use = new Uint8Array(nP);
    let label: string;
    if (pred.periods !== undefined) {
      const set = new Set(pred.periods);
      cells.periods.forEach((t, p) => {
        if (set.has(t)) use[p] = 1;
      });
      label = `${pred.column} (mean ${pred.periods.join(", ")})`;
    } else {
      const from = pred.from ?? Number.NEGATIVE_INFINITY;
      const to = pred.to ?? Number.POSITIVE_INFINITY;
      cells.periods.forEach((t, p) => {
        if (t >= from && t <= to && (pred.to !== undefined || t < preEnd)) use[p] = 1;
      });
      const chosen = cells.periods.filter((_, p) => use[p] === 1);
      label =
        chosen.length === 0
          ? pred.column
          : `${pred.column} (mean ${chosen[0]}${chosen.length > 1 ? `–${chosen[chosen.length - 1]}` : ""})`;
    }
    names.push(label);
    const means = pred.column === outcome ? panel.series : meansOf(pred.column);
    const unitValue = new Float64Array(nUnits);
    for (let u = 0; u < nUnits; u++) {
      let s = 0;
      let m = 0;
      for (let p = 0; p < nP; p++) {
        const x = means[u * nP + p];
        if (use[p] && !Number.isNaN(x)) {
          s += x;
          m++;
        }
      }
      if (m === 0) {
        throw new TrueliftError(
          "E_SYNTH_BAD_PREDICTOR",
          `Predictor ${label} has no data for unit ${labels[u]} in its periods.`,
          { details: { predictor: label, unit: labels[u] } },
        );
      }
      unitValue[u] = s / m;
    }
    let t = 0;
    for (let u = 0; u < nT; u++) t += unitValue[u];
    treated[i] = t / nT;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < J; j++) {
      const x = unitValue[nT + j];
      donors[i * J + j] = x;
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    if (J > 1 && !(hi > lo)) {
      throw new TrueliftError(
        "E_SYNTH_BAD_PREDICTOR",
        `Predictor ${label} takes the same value (${lo}) for every donor, so it cannot discriminate between them.`,
        { details: { predictor: label, value: lo } },
      );
    }
  }
  return { names, treated, donors };
}

/**
 * Cell means (u·T + t, NaN for empty cells) of a numeric column over the rows of the analysis, using the cells'
 * row → cell map. The column's missing values are skipped.
 *
 * @example
 * ```ts
 * import { frameCellMeans } from "truelift";
 * frameCellMeans(frame, cells, "query_confidence").length; // units × periods
 * ```
 */
export function frameCellMeans(data: Frame, cells: SynthCells, column: string): Float64Array {
  const v = data.numeric(column);
  const size = (cells.treatedUnits.length + cells.donorUnits.length) * cells.periods.length;
  const sums = new Float64Array(size);
  const counts = new Float64Array(size);
  for (let r = 0; r < v.length; r++) {
    const c = cells.rowCell[r];
    if (c < 0 || Number.isNaN(v[r])) continue;
    sums[c] += v[r];
    counts[c]++;
  }
  const means = new Float64Array(size);
  for (let c = 0; c < size; c++) means[c] = counts[c] > 0 ? sums[c] / counts[c] : Number.NaN;
  return means;
}
