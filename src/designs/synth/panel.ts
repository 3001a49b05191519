import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { panelPeriods, periodRanks } from "../../core/panel.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import type { ValidSynthSpec } from "./spec.js";

/**
 * The unit × period cells of a synthetic-control analysis before any filling: which units (treated first, then
 * donors), which periods, and the outcome sum and row count of every cell. `rowCell` maps each row of the input
 * frame to its cell (−1 for rows outside the window or of units outside the analysis), so a bootstrap can rebuild
 * the cells from resampled rows without touching the frame again.
 */
export interface SynthCells {
  readonly treatedUnits: readonly string[];
  readonly donorUnits: readonly string[];
  /** The period grid: every integer from the window's start to its end when the periods are integers. */
  readonly periods: readonly number[];
  /** Number of pre-treatment periods T0 (periods before `treatmentStart`). */
  readonly preCount: number;
  readonly treatmentStart: number;
  /** Cell (u, t) is entry u·T + t; units are the treated units, then the donors. */
  readonly sums: Float64Array;
  readonly counts: Float64Array;
  /**
   * Outcome mean of every cell (NaN when empty): the one entry's value when a single row (or compressed cell) fills
   * the cell, else sum / count, so a cell compressed from its rows has the rows' mean bit for bit.
   */
  readonly means: Float64Array;
  /** The cell of every entry of the source (its rows, or its compressed cells); −1 outside the analysis. */
  readonly rowCell: Int32Array;
  readonly rowsUsed: number;
  readonly rowsOutside: number;
  readonly window: { readonly from: number; readonly to: number };
}

/**
 * The filled panel the weights are fitted on. `series` holds every unit's cell means (u·T + t) after linear
 * interpolation of interior empty cells and flat edge fill; `treated` is the equal-weight mean of the treated
 * units' series; `donors` is T × J, row-major (entry t·J + j).
 */
export interface SynthPanel {
  readonly periods: readonly number[];
  readonly preCount: number;
  readonly treated: Float64Array;
  readonly donors: Float64Array;
  readonly series: Float64Array;
  readonly nUnits: number;
  readonly nDonors: number;
  /** Number of empty cells that were filled, per unit (treated units first). */
  readonly filledByUnit: Int32Array;
  readonly filled: number;
}

/**
 * Validates the data against a synthetic-control spec and aggregates the rows to unit × period cells (before any
 * estimation):
 *
 * ```
 * check columns → resolve treated units and the donor pool (E_SYNTH_UNKNOWN_UNIT / E_SYNTH_NO_DONORS)
 *   → window and period grid → pre/post split (E_SYNTH_TOO_FEW_PRE / E_TOO_FEW_PERIODS)
 *   → cell sums and counts → every unit has data (E_SYNTH_EMPTY_UNIT), treated units have pre-period data
 *     (E_SYNTH_TREATED_NO_PRE)
 * ```
 *
 * @example
 * ```ts
 * import { parseSynthSpec, synthCells } from "truelift";
 * const cells = synthCells(frame, parseSynthSpec({
 *   outcome: "task_completed", unit: "workspace_id", time: "signup_week",
 *   treated: range(0, 25), donors: range(25, 50), treatmentStart: 20, window: { from: 0, to: 29 },
 * }));
 * cells.periods.length; // 30
 * ```
 */
export function synthCells(data: Frame, spec: ValidSynthSpec): SynthCells {
  validateColumns(data, synthColumnRequirements(spec));
  return synthCellsFromEntries(
    {
      units: unitKeys(data, spec.unit),
      time: data.numeric(spec.time),
      y: data.numeric(spec.outcome),
      count: null,
    },
    spec,
  );
}

/**
 * The column checks of a synthetic-control analysis, in the order the row path runs them (outcome, unit, time,
 * user): the compressed path runs the same on its cells.
 *
 * @example
 * ```ts
 * import { parseSynthSpec, synthColumnRequirements } from "truelift";
 * synthColumnRequirements(parseSynthSpec(spec)).map((r) => r.column); // ["task_completed", "workspace_id", "signup_week"]
 * ```
 */
export function synthColumnRequirements(spec: ValidSynthSpec): ColumnRequirement[] {
  return [
    { column: spec.outcome, kind: "numeric" },
    { column: spec.unit, kind: "categorical" },
    { column: spec.time, kind: "numeric" },
    ...(spec.user === undefined ? [] : [{ column: spec.user, kind: "categorical" as const }]),
  ];
}

/**
 * The entries a panel is built from: rows (`count` null, each counts once) or compressed cells (`count` rows of
 * mean `y` each). `units` are the unit labels as text (see {@link synthUnitKeys}).
 */
export interface SynthEntries {
  readonly units: readonly string[];
  readonly time: Float64Array;
  readonly y: Float64Array;
  readonly count: Float64Array | null;
}

/**
 * {@link synthCells} from validated entries — the rows, or the compressed cells of the design's `GROUP BY` — so
 * both paths resolve units, window, periods and errors by one implementation.
 *
 * @example
 * ```ts
 * import { parseSynthSpec, synthCellsFromEntries } from "truelift";
 * const cells = synthCellsFromEntries({ units: ["a", "a", "b", "b"], time: Float64Array.of(0, 1, 0, 1),
 *   y: Float64Array.of(1, 2, 3, 4), count: Float64Array.of(2, 1, 5, 5) },
 *   parseSynthSpec({ outcome: "y", unit: "u", time: "t", treated: ["a"], treatmentStart: 1 }));
 * ```
 */
export function synthCellsFromEntries(entries: SynthEntries, spec: ValidSynthSpec): SynthCells {
  const n = entries.units.length;
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "The data have no rows.");
  const keys = entries.units;
  const present = new Set(keys);
  const treatedUnits = unique(spec.treated.map(String));
  const unknown = treatedUnits.filter((u) => !present.has(u));
  if (unknown.length > 0) {
    throw new TrueliftError(
      "E_SYNTH_UNKNOWN_UNIT",
      `Treated ${unknown.length === 1 ? "unit" : "units"} ${unknown.slice(0, 5).join(", ")} ${unknown.length === 1 ? "is" : "are"} not in column '${spec.unit}'.`,
      { details: { column: spec.unit, missing: unknown } },
    );
  }
  const time = entries.time;
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = time[i];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  const from = spec.window?.from ?? tMin;
  const to = spec.window?.to ?? tMax;
  const treatedSet = new Set(treatedUnits);
  let donorUnits: string[];
  if (spec.donors === undefined) {
    // Every other unit with at least one row in the window.
    const inWindow = new Set<string>();
    for (let i = 0; i < n; i++) if (time[i] >= from && time[i] <= to) inWindow.add(keys[i]);
    donorUnits = sortUnits([...inWindow].filter((u) => !treatedSet.has(u)));
  } else {
    donorUnits = unique(spec.donors.map(String));
    const both = donorUnits.filter((u) => treatedSet.has(u));
    if (both.length > 0) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `${both.length === 1 ? "Unit" : "Units"} ${both.slice(0, 5).join(", ")} ${both.length === 1 ? "is" : "are"} both treated and a donor.`,
        { details: { units: both } },
      );
    }
    const absent = donorUnits.filter((u) => !present.has(u));
    if (absent.length > 0) {
      throw new TrueliftError(
        "E_SYNTH_UNKNOWN_UNIT",
        `Donor ${absent.length === 1 ? "unit" : "units"} ${absent.slice(0, 5).join(", ")} ${absent.length === 1 ? "is" : "are"} not in column '${spec.unit}'.`,
        { details: { column: spec.unit, missing: absent } },
      );
    }
  }
  if (donorUnits.length === 0) {
    throw new TrueliftError(
      "E_SYNTH_NO_DONORS",
      `The donor pool is empty: ${spec.donors === undefined ? `no unit of '${spec.unit}' other than the treated ones has rows in the window [${from}, ${to}]` : "spec.donors lists no unit"}.`,
      { details: { treated: treatedUnits.length, from, to } },
    );
  }

  const observed = panelPeriods(time, { from, to });
  let periods: number[];
  if (
    observed.every(Number.isInteger) &&
    Number.isInteger(from) &&
    Number.isInteger(to) &&
    to - from < 100_000
  ) {
    periods = [];
    for (let t = from; t <= to; t++) periods.push(t);
  } else {
    periods = observed;
  }
  if (periods.length === 0) {
    throw new TrueliftError("E_EMPTY_DATA", `No rows have ${spec.time} within the window [${from}, ${to}].`, {
      details: { from, to, dataRange: [tMin, tMax] },
    });
  }
  const preCount = periods.filter((t) => t < spec.treatmentStart).length;
  if (preCount < 2) {
    throw new TrueliftError(
      "E_SYNTH_TOO_FEW_PRE",
      `Only ${preCount} ${preCount === 1 ? "period lies" : "periods lie"} before the treatment start ${spec.treatmentStart} in the window [${from}, ${to}]; the weights need at least 2.`,
      { details: { preCount, treatmentStart: spec.treatmentStart, from, to } },
    );
  }
  if (preCount === periods.length) {
    throw new TrueliftError(
      "E_TOO_FEW_PERIODS",
      `No period of the window [${from}, ${to}] is at or after the treatment start ${spec.treatmentStart}: there is no post-period to estimate an effect on.`,
      { details: { treatmentStart: spec.treatmentStart, from, to } },
    );
  }

  const unitIndex = new Map<string, number>();
  treatedUnits.forEach((u, i) => {
    unitIndex.set(u, i);
  });
  donorUnits.forEach((u, j) => {
    unitIndex.set(u, treatedUnits.length + j);
  });
  const periodOf = periodRanks(time, periods);
  const nPeriods = periods.length;
  const nUnits = treatedUnits.length + donorUnits.length;
  const { y, count } = entries;
  const sums = new Float64Array(nUnits * nPeriods);
  const counts = new Float64Array(nUnits * nPeriods);
  const single = new Float64Array(nUnits * nPeriods);
  const entriesIn = new Int32Array(nUnits * nPeriods);
  const rowCell = new Int32Array(n).fill(-1);
  let rowsUsed = 0;
  let rowsOutside = 0;
  for (let i = 0; i < n; i++) {
    const u = unitIndex.get(keys[i]);
    if (u === undefined) continue;
    const p = periodOf[i];
    const w = count === null ? 1 : count[i];
    if (p < 0) {
      rowsOutside += w;
      continue;
    }
    const c = u * nPeriods + p;
    rowCell[i] = c;
    sums[c] += count === null ? y[i] : w * y[i];
    counts[c] += w;
    single[c] = y[i];
    entriesIn[c]++;
    rowsUsed += w;
  }
  const means = new Float64Array(nUnits * nPeriods);
  for (let c = 0; c < means.length; c++) {
    means[c] = entriesIn[c] === 0 ? Number.NaN : entriesIn[c] === 1 ? single[c] : sums[c] / counts[c];
  }
  const labels = [...treatedUnits, ...donorUnits];
  const empty: string[] = [];
  for (let u = 0; u < nUnits; u++) {
    let total = 0;
    for (let p = 0; p < nPeriods; p++) total += counts[u * nPeriods + p];
    if (total === 0) empty.push(labels[u]);
  }
  if (empty.length > 0) {
    throw new TrueliftError(
      "E_SYNTH_EMPTY_UNIT",
      `${empty.length === 1 ? "Unit" : "Units"} ${empty.slice(0, 5).join(", ")}${empty.length > 5 ? ", …" : ""} of '${spec.unit}' ${empty.length === 1 ? "has" : "have"} no rows in the window [${from}, ${to}]: every cell is empty, so there is nothing to interpolate.`,
      { details: { units: empty, from, to } },
    );
  }
  const noPre: string[] = [];
  for (let u = 0; u < treatedUnits.length; u++) {
    let total = 0;
    for (let p = 0; p < preCount; p++) total += counts[u * nPeriods + p];
    if (total === 0) noPre.push(labels[u]);
  }
  if (noPre.length > 0) {
    throw new TrueliftError(
      "E_SYNTH_TREATED_NO_PRE",
      `Treated ${noPre.length === 1 ? "unit" : "units"} ${noPre.slice(0, 5).join(", ")} ${noPre.length === 1 ? "has" : "have"} no rows before the treatment start ${spec.treatmentStart}: the pre-period fit has nothing to match.`,
      { details: { units: noPre, treatmentStart: spec.treatmentStart } },
    );
  }
  return {
    treatedUnits,
    donorUnits,
    periods,
    preCount,
    treatmentStart: spec.treatmentStart,
    sums,
    counts,
    means,
    rowCell,
    rowsUsed,
    rowsOutside,
    window: { from, to },
  };
}

/**
 * Fills a panel from cell sums and counts: cell means, then per unit linear interpolation of interior empty
 * cells (in the period values, as pandas' `interpolate(method="index")`; on an evenly spaced grid the same as
 * `method="linear"`) and flat fill of leading / trailing empty cells with the nearest observed mean. Returns null
 * when a unit has no observed cell at all (possible in a bootstrap replicate).
 *
 * @example
 * ```ts
 * import { synthPanel } from "truelift";
 * const panel = synthPanel(cells, cells.sums, cells.counts);
 * panel?.filled; // number of cells that were interpolated or edge-filled
 * ```
 */
export function synthPanel(cells: SynthCells, sums: Float64Array, counts: Float64Array): SynthPanel | null {
  const means = new Float64Array(sums.length);
  for (let c = 0; c < means.length; c++) means[c] = counts[c] > 0 ? sums[c] / counts[c] : Number.NaN;
  return synthPanelFromMeans(cells, means);
}

/**
 * {@link synthPanel} from cell means (NaN for an empty cell), e.g. {@link SynthCells.means}.
 *
 * @example
 * ```ts
 * import { synthPanelFromMeans } from "truelift";
 * synthPanelFromMeans(cells, cells.means)?.treated; // the treated series
 * ```
 */
export function synthPanelFromMeans(cells: SynthCells, means: Float64Array): SynthPanel | null {
  const nPeriods = cells.periods.length;
  const nTreated = cells.treatedUnits.length;
  const nDonors = cells.donorUnits.length;
  const nUnits = nTreated + nDonors;
  const series = new Float64Array(nUnits * nPeriods);
  const filledByUnit = new Int32Array(nUnits);
  let filled = 0;
  for (let u = 0; u < nUnits; u++) {
    const off = u * nPeriods;
    for (let p = 0; p < nPeriods; p++) series[off + p] = means[off + p];
    const f = fillSeries(series, off, nPeriods, cells.periods);
    if (f < 0) return null;
    filledByUnit[u] = f;
    filled += f;
  }
  const treated = new Float64Array(nPeriods);
  for (let p = 0; p < nPeriods; p++) {
    let s = 0;
    for (let u = 0; u < nTreated; u++) s += series[u * nPeriods + p];
    treated[p] = s / nTreated;
  }
  const donors = new Float64Array(nPeriods * nDonors);
  for (let j = 0; j < nDonors; j++) {
    const off = (nTreated + j) * nPeriods;
    for (let p = 0; p < nPeriods; p++) donors[p * nDonors + j] = series[off + p];
  }
  return {
    periods: cells.periods,
    preCount: cells.preCount,
    treated,
    donors,
    series,
    nUnits,
    nDonors,
    filledByUnit,
    filled,
  };
}

/**
 * The diagnostic on filled cells: info when none were empty, warn otherwise with the count per unit kind.
 *
 * @example
 * ```ts
 * import { filledCellsDiagnostic } from "truelift";
 * filledCellsDiagnostic(cells, panel).evidence.filled; // 14
 * ```
 */
export function filledCellsDiagnostic(cells: SynthCells, panel: SynthPanel): Diagnostic {
  const nTreated = cells.treatedUnits.length;
  let treatedFilled = 0;
  for (let u = 0; u < nTreated; u++) treatedFilled += panel.filledByUnit[u];
  const total = panel.nUnits * cells.periods.length;
  const units: string[] = [];
  const labels = [...cells.treatedUnits, ...cells.donorUnits];
  for (let u = 0; u < panel.nUnits; u++) if (panel.filledByUnit[u] > 0) units.push(labels[u]);
  const share = panel.filled / total;
  return diagnostic("D_SYNTH_FILLED_CELLS", panel.filled === 0 ? "pass" : share > 0.1 ? "warn" : "info", {
    filled: panel.filled,
    cells: total,
    treatedFilled,
    donorFilled: panel.filled - treatedFilled,
    units: units.slice(0, 50),
  });
}

/** Fills NaNs of series[off .. off+len) in place; returns the number filled, or −1 if all are NaN. */
function fillSeries(v: Float64Array, off: number, len: number, x: readonly number[]): number {
  let first = -1;
  let last = -1;
  for (let p = 0; p < len; p++) {
    if (!Number.isNaN(v[off + p])) {
      if (first < 0) first = p;
      last = p;
    }
  }
  if (first < 0) return -1;
  let filled = 0;
  for (let p = 0; p < first; p++) {
    v[off + p] = v[off + first];
    filled++;
  }
  for (let p = last + 1; p < len; p++) {
    v[off + p] = v[off + last];
    filled++;
  }
  let prev = first;
  for (let p = first + 1; p <= last; p++) {
    if (Number.isNaN(v[off + p])) continue;
    if (p > prev + 1) {
      const y0 = v[off + prev];
      const y1 = v[off + p];
      const x0 = x[prev];
      const dx = x[p] - x0;
      for (let q = prev + 1; q < p; q++) {
        v[off + q] = y0 + ((y1 - y0) * (x[q] - x0)) / dx;
        filled++;
      }
    }
    prev = p;
  }
  return filled;
}

/**
 * The unit labels of a frame's rows as text (a missing text label is ""), as the panel matches them against the
 * spec's treated and donor ids.
 *
 * @example
 * ```ts
 * import { Frame, synthUnitKeys } from "truelift";
 * synthUnitKeys(Frame.fromObject({ u: [1, 2] }), "u"); // ["1", "2"]
 * ```
 */
export function synthUnitKeys(data: Frame, unit: string): string[] {
  return unitKeys(data, unit);
}

function unitKeys(data: Frame, unit: string): string[] {
  const col = data.column(unit);
  const out = new Array<string>(data.nrows);
  if (col.kind === "str") {
    for (let i = 0; i < out.length; i++) out[i] = col.codes[i] < 0 ? "" : col.levels[col.codes[i]];
  } else {
    for (let i = 0; i < out.length; i++) out[i] = String(col.values[i]);
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Numeric ids in numeric order, others in string order. */
function sortUnits(units: string[]): string[] {
  const numeric = units.every((u) => u !== "" && Number.isFinite(Number(u)));
  return numeric ? units.sort((a, b) => Number(a) - Number(b)) : units.sort();
}
