import type { PanelIndex } from "./panel.js";

/**
 * The unit × period grid of a coded panel: the row of each cell, how many periods each unit has, and the rows
 * that repeat a cell.
 */
export interface PanelCells {
  /** Cell (u, s) is entry u·periods + s: the first row observed there, −1 when empty. */
  readonly rowOf: Int32Array;
  /** Distinct periods observed per unit. */
  readonly perUnit: Int32Array;
  /** Rows that repeat a unit-period pair already seen. */
  readonly duplicates: number;
  /** The first such row, −1 when none. */
  readonly firstDuplicate: number;
  /** Every cell holds exactly one row. */
  readonly balanced: boolean;
}

/**
 * Lays the rows of a coded panel ({@link PanelIndex}) on its unit × period grid. Rows with a negative unit code
 * or period rank (missing, outside the periods) are skipped. What a duplicate or an empty cell means — an error,
 * a dropped unit — is the caller's decision.
 *
 * @example
 * ```ts
 * import { panelCells } from "truelift";
 * const c = panelCells({ unit: Int32Array.of(0, 0, 1, 1), units: 2, period: Int32Array.of(0, 1, 0, 0), periods: [1, 2] });
 * c.rowOf;          // Int32Array [0, 1, 2, -1]
 * c.firstDuplicate; // 3
 * c.balanced;       // false
 * ```
 */
export function panelCells(index: Pick<PanelIndex, "unit" | "units" | "period" | "periods">): PanelCells {
  const { unit, units, period } = index;
  const nT = index.periods.length;
  const rowOf = new Int32Array(units * nT).fill(-1);
  const perUnit = new Int32Array(units);
  let duplicates = 0;
  let firstDuplicate = -1;
  let filled = 0;
  for (let i = 0; i < unit.length; i++) {
    const u = unit[i];
    const s = period[i];
    if (u < 0 || s < 0) continue;
    const cell = u * nT + s;
    if (rowOf[cell] >= 0) {
      duplicates++;
      if (firstDuplicate < 0) firstDuplicate = i;
    } else {
      rowOf[cell] = i;
      perUnit[u]++;
      filled++;
    }
  }
  return { rowOf, perUnit, duplicates, firstDuplicate, balanced: duplicates === 0 && filled === units * nT };
}
