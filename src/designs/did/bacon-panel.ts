import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type PanelIndex, panelIndex } from "../../core/panel.js";
import { panelCells } from "../../core/panel-cells.js";

/**
 * A balanced panel with a staggered, absorbing binary treatment, coded for the Goodman-Bacon decomposition:
 * dense unit codes, period ranks (0 = earliest period), and each unit's timing group as the rank of its first
 * treated period (`periods` = never treated within the panel, 0 = treated from the first period on).
 */
export interface StaggeredPanel {
  readonly rows: number;
  /** Unit code per row, 0..units−1 (first-appearance order). */
  readonly unit: Int32Array;
  readonly units: number;
  /** Period rank per row, 0..periods−1 in increasing time. */
  readonly period: Int32Array;
  /** The time value of each period rank, increasing. */
  readonly times: readonly number[];
  /** Rank of each unit's first treated period; `times.length` for never-treated units. */
  readonly firstTreated: Int32Array;
  /** A row of each unit, to print its label in messages. */
  readonly unitRow: Int32Array;
}

/** Which column defines the treatment: a first-treatment period, or a 0/1 indicator. */
export type TreatmentSource =
  | { readonly kind: "start"; readonly column: string }
  | { readonly kind: "indicator"; readonly column: string };

const SHOW = 5;

/**
 * Codes units and periods, checks that every unit is observed exactly once in every period (bacondecomp refuses
 * unbalanced panels), and derives each unit's timing group from `treatStart` (constant within a unit; 0, missing
 * or later than the last period = never treated; a start between two observed periods takes effect at the next
 * one) or from a 0/1 treatment indicator that must switch on at most once and never off.
 *
 * @example
 * ```ts
 * const f = Frame.fromObject({ id: [1, 1, 2, 2], t: [1, 2, 1, 2], g: [2, 2, 0, 0] });
 * const p = codeStaggeredPanel(f, "id", "t", { kind: "start", column: "g" });
 * p.firstTreated; // Int32Array [1, 2]: unit 1 from the second period, unit 2 never
 * ```
 * @see Goodman-Bacon (2021), "Difference-in-differences with variation in treatment timing", J. Econometrics
 *   225(2), §2 (balanced panel, absorbing treatment); bacondecomp `create_treatment_groups()`.
 */
export function codeStaggeredPanel(
  frame: Frame,
  unitName: string,
  timeName: string,
  source: TreatmentSource,
): StaggeredPanel {
  const n = frame.nrows;
  const index = panelIndex(frame, unitName, timeName);
  const { unit, units, period, periods: times } = index;
  const unitRow = new Int32Array(units).fill(-1);
  for (let i = 0; i < n; i++) if (unitRow[unit[i]] < 0) unitRow[unit[i]] = i;

  checkBalance(frame, unitName, index, unitRow);
  const label = (u: number) => frame.value(unitName, unitRow[u]);
  const firstTreated =
    source.kind === "start"
      ? groupsFromStart(frame.numeric(source.column), source.column, unit, units, times, label)
      : groupsFromIndicator(frame.numeric(source.column), source.column, unit, units, period, times, label);
  return {
    rows: n,
    unit,
    units,
    period,
    times,
    firstTreated,
    unitRow,
  };
}

function checkBalance(frame: Frame, unitName: string, index: PanelIndex, unitRow: Int32Array): void {
  const { unit, units, rows: n } = index;
  const T = index.periods.length;
  const cells = units * T;
  // Distinct periods per unit (rows per unit when the unit × period grid is too large to mark).
  let perUnit: Int32Array;
  let duplicates = 0;
  let firstDuplicate = -1;
  if (cells <= Math.max(n, 1 << 26)) {
    const grid = panelCells(index);
    if (grid.balanced) return;
    ({ perUnit, duplicates, firstDuplicate } = grid);
  } else {
    perUnit = new Int32Array(units);
    for (let i = 0; i < n; i++) perUnit[unit[i]]++;
  }
  const short: (string | number | null)[] = [];
  let shortCount = 0;
  for (let u = 0; u < units; u++) {
    if (perUnit[u] < T) {
      shortCount++;
      if (short.length < 20) short.push(frame.value(unitName, unitRow[u]));
    }
  }
  const dupText =
    duplicates > 0
      ? ` ${duplicates} ${duplicates === 1 ? "row repeats" : "rows repeat"} a unit-period pair (first at row ${firstDuplicate + 1}).`
      : "";
  const shortText =
    shortCount > 0
      ? ` ${shortCount} of ${units} units are not observed in every period (e.g. ${short
          .slice(0, SHOW)
          .map((s) => `'${s}'`)
          .join(", ")}).`
      : "";
  throw new TrueliftError(
    "E_UNBALANCED_PANEL",
    `The panel is not balanced: ${n} rows for ${units} units × ${T} periods (${cells} expected).${shortText}${dupText}`,
    {
      details: {
        rows: n,
        units,
        periods: T,
        expected: cells,
        incompleteUnits: shortCount,
        examples: short,
        duplicateRows: duplicates,
      },
    },
  );
}

/** Rank of the first period with time ≥ start, or T when none. */
function rankAtOrAfter(times: readonly number[], start: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] >= start) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function groupsFromStart(
  start: Float64Array,
  column: string,
  unit: Int32Array,
  units: number,
  times: readonly number[],
  label: (u: number) => number | string | null,
): Int32Array {
  const n = unit.length;
  const value = new Float64Array(units);
  const set = new Uint8Array(units);
  for (let i = 0; i < n; i++) {
    const raw = start[i];
    const v = Number.isNaN(raw) || raw === 0 ? Number.POSITIVE_INFINITY : raw;
    const u = unit[i];
    if (!set[u]) {
      set[u] = 1;
      value[u] = v;
    } else if (value[u] !== v) {
      const show = (x: number) => (x === Number.POSITIVE_INFINITY ? "never (0 or missing)" : String(x));
      throw new TrueliftError(
        "E_TREATMENT_NOT_ABSORBING",
        `Column '${column}' must hold one first-treatment period per unit, but unit '${label(u)}' has both ${show(value[u])} and ${show(v)} (row ${i + 1}).`,
        { details: { column, unit: label(u), values: [show(value[u]), show(v)], row: i + 1 } },
      );
    }
  }
  const first = new Int32Array(units);
  for (let u = 0; u < units; u++) first[u] = rankAtOrAfter(times, value[u]);
  return first;
}

function groupsFromIndicator(
  d: Float64Array,
  column: string,
  unit: Int32Array,
  units: number,
  period: Int32Array,
  times: readonly number[],
  label: (u: number) => number | string | null,
): Int32Array {
  const n = unit.length;
  const T = times.length;
  const first = new Int32Array(units).fill(T);
  for (let i = 0; i < n; i++) if (d[i] === 1 && period[i] < first[unit[i]]) first[unit[i]] = period[i];
  for (let i = 0; i < n; i++) {
    const u = unit[i];
    if ((period[i] >= first[u] ? 1 : 0) !== d[i]) {
      throw new TrueliftError(
        "E_TREATMENT_NOT_ABSORBING",
        `Treatment '${column}' switches off: unit '${label(u)}' is treated from ${times[first[u]]} but has ${column} = ${d[i]} at ${times[period[i]]} (row ${i + 1}).`,
        {
          details: {
            column,
            unit: label(u),
            firstTreated: times[first[u]],
            time: times[period[i]],
            row: i + 1,
          },
        },
      );
    }
  }
  return first;
}
