import type { Frame } from "./frame.js";
import { groupCodes } from "./group-codes.js";

/**
 * A long unit × period panel, coded for reshaping to a grid: each row's unit code (0..units−1, in order of first
 * appearance; −1 for a missing id) and period rank (its index in `periods`; −1 when its time is missing).
 */
export interface PanelIndex {
  readonly rows: number;
  readonly unit: Int32Array;
  readonly units: number;
  readonly period: Int32Array;
  /** The distinct periods, ascending. */
  readonly periods: readonly number[];
}

/**
 * Codes the unit and time columns of a long panel: units by first appearance ({@link groupCodes}), periods by
 * rank among the distinct times ({@link panelPeriods}, {@link periodRanks}). Validation (missing ids, one row
 * per cell) stays with the caller; {@link panelCells} finds the cells.
 *
 * @example
 * ```ts
 * import { Frame, panelIndex } from "truelift";
 * const p = panelIndex(Frame.fromObject({ id: ["b", "b", "a"], t: [2, 1, 2] }), "id", "t");
 * p.unit;    // Int32Array [0, 0, 1]
 * p.period;  // Int32Array [1, 0, 1]
 * p.periods; // [1, 2]
 * ```
 * @see Wickham (2014), "Tidy data", J. Stat. Software 59(10) — long to wide.
 */
export function panelIndex(frame: Frame, unit: string, time: string): PanelIndex {
  const units = groupCodes(frame, unit, null);
  const t = frame.numeric(time);
  const periods = panelPeriods(t);
  return {
    rows: frame.nrows,
    unit: units.codes,
    units: units.count,
    period: periodRanks(t, periods),
    periods,
  };
}

/**
 * The distinct values of a time column, ascending (NaN skipped), optionally only those inside a window
 * `[from, to]`.
 *
 * @example
 * ```ts
 * import { panelPeriods } from "truelift";
 * panelPeriods(Float64Array.of(3, 1, 3, 2)); // [1, 2, 3]
 * panelPeriods(Float64Array.of(3, 1, 3, 2), { from: 2, to: 3 }); // [2, 3]
 * ```
 */
export function panelPeriods(
  time: ArrayLike<number>,
  window?: { readonly from: number; readonly to: number },
): number[] {
  const distinct = new Set<number>();
  for (let i = 0; i < time.length; i++) {
    const t = time[i];
    if (window ? t >= window.from && t <= window.to : !Number.isNaN(t)) distinct.add(t);
  }
  return [...distinct].sort((a, b) => a - b);
}

/**
 * Each row's index in a period list (−1 when its time is not one of them: outside a window, or missing).
 *
 * @example
 * ```ts
 * import { periodRanks } from "truelift";
 * periodRanks(Float64Array.of(2004, 2006, 2005), [2004, 2005]); // Int32Array [0, -1, 1]
 * ```
 */
export function periodRanks(time: ArrayLike<number>, periods: readonly number[]): Int32Array {
  const index = new Map<number, number>();
  periods.forEach((p, j) => {
    index.set(p, j);
  });
  const out = new Int32Array(time.length);
  for (let i = 0; i < time.length; i++) out[i] = index.get(time[i]) ?? -1;
  return out;
}
