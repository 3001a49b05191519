import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { TrueliftError } from "../../../core/errors.js";
import type { Frame } from "../../../core/frame.js";
import { denseCodes } from "../../../core/group-codes.js";
import { type PanelIndex, panelIndex } from "../../../core/panel.js";
import { panelCells } from "../../../core/panel-cells.js";
import { gramRank } from "../../../numeric/linalg/cholesky.js";
import type { CsValidSpec } from "./spec.js";

/**
 * A balanced panel in wide form, ready for the ATT(g,t) loop: units × periods, row-major.
 * Units are in order of first appearance in the frame.
 *
 * @example
 * ```ts
 * buildCsPanel(frame, validateCsSpec(spec)).y.length; // units × periods
 * ```
 */
export interface CsPanel {
  /** Number of units kept. */
  readonly n: number;
  /** Number of periods kept. */
  readonly nT: number;
  /** Sorted periods. */
  readonly periods: readonly number[];
  /** Outcome, `y[i * nT + s]`. */
  readonly y: Float64Array;
  /** Covariates, `x[(i * nT + s) * p + j]`, or null without covariates. */
  readonly x: Float64Array | null;
  readonly p: number;
  /** First treated period per unit (0 = never treated / treated after the sample). */
  readonly g: Float64Array;
  /** Treated groups whose ATT(g,t) are estimated, ascending. */
  readonly glist: readonly number[];
  /** Cluster index per unit (0..nClusters−1) or null when clustering by unit. */
  readonly cluster: Int32Array | null;
  readonly nClusters: number;
  /** Rows of the input frame. */
  readonly rows: number;
  readonly droppedUnits: number;
  /** Unit counts per group value (0 first when present). */
  readonly groupSizes: readonly { readonly group: number; readonly units: number }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Column values as a key per row (numbers, or codes of a text column; NaN / −1 = missing). */
function keyColumn(frame: Frame, name: string): { keys: ArrayLike<number>; text: boolean } {
  const col = frame.column(name);
  if (col.kind === "str") return { keys: col.codes, text: true };
  return { keys: col.values, text: false };
}

function isMissingKey(v: number, text: boolean): boolean {
  return text ? v < 0 : Number.isNaN(v);
}

function numericChecked(frame: Frame, name: string, role: string): Float64Array {
  const v = frame.numeric(name);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isNaN(x)) {
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `The ${role} column '${name}' has a missing value (row ${i}).`,
        {
          details: { column: name, row: i },
        },
      );
    }
    if (!Number.isFinite(x)) {
      throw new TrueliftError("E_NONFINITE_VALUES", `The ${role} column '${name}' has ${x} (row ${i}).`, {
        details: { column: name, row: i },
      });
    }
  }
  return v;
}

/**
 * Validates the long panel and reshapes it to wide form, applying did's pre-processing (`pre_process_did`):
 * groups after the last period (+ anticipation) become never treated; units treated in the first period are
 * dropped; units not observed in every period are dropped (did's `makeBalancedPanel`); without never-treated
 * units and with `control: "notYet"`, periods from the last treated group − anticipation on are dropped and that
 * group serves only as a comparison. Every condition that changes the sample is reported as a diagnostic;
 * malformed input throws a coded {@link TrueliftError} before any computation.
 *
 * ```
 * readCsColumns (types, missing / infinite values) → csPeriods → indexCsUnits (unit × period rows; group and
 *   cluster constant within units) → csGroupValues (late groups → never treated) → keepCsUnits (balanced, not
 *   already treated) → csComparison (treated groups, never / last-group comparison, kept periods)
 *   → widenCsPanel (wide outcome and covariates) → csClusters → checkCovariates → csGroupSizes (small groups)
 * ```
 *
 * @example
 * ```ts
 * const panel = buildCsPanel(frame, validateCsSpec({ outcome: "y", unit: "id", time: "t", group: "g" }));
 * panel.glist; // e.g. [2004, 2006, 2007]
 * ```
 */
export function buildCsPanel(frame: Frame, s: CsValidSpec): CsPanel {
  const cols = readCsColumns(frame, s);
  const { index, periods, periodIndex } = csPeriods(frame, s);
  const units = indexCsUnits(frame, s, cols, index);
  const groups = csGroupValues(s, units.gUnit, periods, periodIndex);
  const kept = keepCsUnits(units, groups.gUnit, periods[0]);
  const comparison = csComparison(s, periods, groups.gUnit, kept.keep);
  const wide = widenCsPanel(
    cols,
    units,
    groups.gUnit,
    kept.keep,
    comparison.periods.map((t) => periodIndex.get(t)!),
  );
  const { cluster, nClusters } = csClusters(wide.clusterRaw, wide.n);
  if (wide.x) checkCovariates(wide.x, wide.n, wide.nT, wide.p, s.covariates);
  const sizes = csGroupSizes(s, wide.g, wide.n, wide.p);
  const { n, nT, y, x, p, g } = wide;
  return {
    n,
    nT,
    periods: comparison.periods,
    y,
    x,
    p,
    g,
    glist: comparison.glist,
    cluster,
    nClusters,
    rows: cols.rows,
    droppedUnits: units.n0 - n,
    groupSizes: sizes.groupSizes,
    diagnostics: [
      ...groups.diagnostics,
      ...kept.diagnostics,
      ...comparison.diagnostics,
      ...sizes.diagnostics,
    ],
  };
}

/** The long panel's columns, validated row by row. */
interface CsColumns {
  readonly rows: number;
  readonly unitCol: { keys: ArrayLike<number>; text: boolean };
  readonly time: Float64Array;
  readonly groupRaw: Float64Array;
  readonly yAll: Float64Array;
  readonly covs: readonly Float64Array[];
  readonly clusterCol: { keys: ArrayLike<number>; text: boolean } | null;
}

function readCsColumns(frame: Frame, s: CsValidSpec): CsColumns {
  const rows = frame.nrows;
  if (rows === 0) throw new TrueliftError("E_EMPTY_DATA", "The data has no rows.");
  // Column presence and types first (Frame throws E_COLUMN_MISSING / E_COLUMN_TYPE).
  const unitCol = keyColumn(frame, s.unit);
  const time = frame.numeric(s.time);
  const groupRaw = frame.numeric(s.group);
  const yAll = numericChecked(frame, s.outcome, "outcome");
  const covs = s.covariates.map((c) => numericChecked(frame, c, "covariate"));
  const clusterCol = s.bootstrap?.clusterBy ? keyColumn(frame, s.bootstrap.clusterBy) : null;

  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(time[i])) {
      throw new TrueliftError(
        Number.isNaN(time[i]) ? "E_MISSING_VALUES" : "E_NONFINITE_VALUES",
        `The time column '${s.time}' has a missing or infinite value (row ${i}).`,
        { details: { column: s.time, row: i } },
      );
    }
    if (isMissingKey(unitCol.keys[i], unitCol.text)) {
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `The unit column '${s.unit}' has a missing id (row ${i}).`,
        {
          details: { column: s.unit, row: i },
        },
      );
    }
    const gv = groupRaw[i];
    if (gv === Number.POSITIVE_INFINITY || gv === Number.NEGATIVE_INFINITY) {
      throw new TrueliftError("E_NONFINITE_VALUES", `The group column '${s.group}' has ${gv} (row ${i}).`, {
        details: { column: s.group, row: i },
      });
    }
    if (clusterCol && isMissingKey(clusterCol.keys[i], clusterCol.text)) {
      throw new TrueliftError("E_NAN_IN_CLUSTER", `The cluster column has a missing value (row ${i}).`, {
        details: { column: s.bootstrap?.clusterBy ?? null, row: i },
      });
    }
  }
  return { rows, unitCol, time, groupRaw, yAll, covs, clusterCol };
}

/** Units (first appearance) and sorted distinct periods (at least 2) on the unit × period grid. */
function csPeriods(
  frame: Frame,
  s: CsValidSpec,
): { index: PanelIndex; periods: readonly number[]; periodIndex: Map<number, number> } {
  const index = panelIndex(frame, s.unit, s.time);
  const { periods } = index;
  if (periods.length < 2) {
    throw new TrueliftError(
      "E_CS_TOO_FEW_PERIODS",
      `The panel has ${periods.length} period(s); at least 2 are needed.`,
      {
        details: { periods: [...periods] },
      },
    );
  }
  const periodIndex = new Map<number, number>();
  periods.forEach((p, j) => {
    periodIndex.set(p, j);
  });
  return { index, periods, periodIndex };
}

/** Units in order of appearance: the input row of each unit × period, and each unit's group and cluster key. */
interface CsUnits {
  readonly n0: number;
  readonly nT0: number;
  /** Input row of unit u in period s, `rowOf[u * nT0 + s]`, or −1. */
  readonly rowOf: Int32Array;
  /** First treated period per unit as given (missing = 0). */
  readonly gUnit: Float64Array;
  readonly clusterKey: Float64Array | null;
}

function indexCsUnits(frame: Frame, s: CsValidSpec, cols: CsColumns, index: PanelIndex): CsUnits {
  const { rows, time, groupRaw, clusterCol } = cols;
  const nT0 = index.periods.length;
  const n0 = index.units;
  const { rowOf, firstDuplicate } = panelCells(index);
  const gUnit = new Float64Array(n0).fill(Number.NaN);
  const gSeen = new Uint8Array(n0);
  const clusterKey = clusterCol ? new Float64Array(n0) : null;
  for (let i = 0; i < rows; i++) {
    const u = index.unit[i];
    if (i === firstDuplicate) {
      const earlier = rowOf[u * nT0 + index.period[i]];
      throw new TrueliftError(
        "E_CS_DUPLICATE_ROWS",
        `Unit ${String(frame.value(s.unit, i))} has two rows for period ${time[i]} (rows ${earlier} and ${i}).`,
        { details: { unit: frame.value(s.unit, i), time: time[i], rows: [earlier, i] } },
      );
    }
    const gv = Number.isNaN(groupRaw[i]) ? 0 : groupRaw[i];
    if (!gSeen[u]) {
      gSeen[u] = 1;
      gUnit[u] = gv;
      if (clusterKey && clusterCol) clusterKey[u] = clusterCol.keys[i];
    } else {
      if (gUnit[u] !== gv) {
        throw new TrueliftError(
          "E_CS_GROUP_VARIES",
          `The group column '${s.group}' changes within unit ${String(frame.value(s.unit, i))} (${gUnit[u]} and ${gv}).`,
          { details: { unit: frame.value(s.unit, i), values: [gUnit[u], gv] } },
        );
      }
      if (clusterKey && clusterCol && clusterKey[u] !== clusterCol.keys[i]) {
        throw new TrueliftError(
          "E_CS_CLUSTER_VARIES",
          `The cluster column changes within unit ${String(frame.value(s.unit, i))}.`,
          { details: { unit: frame.value(s.unit, i) } },
        );
      }
    }
  }
  return { n0, nT0, rowOf, gUnit, clusterKey };
}

/**
 * Group values: 0, a period, or after the sample; values before or in the first period mean "already treated".
 * Groups after the last period (+ anticipation) become never treated (0) in the returned copy.
 */
function csGroupValues(
  s: CsValidSpec,
  given: Float64Array,
  periods: readonly number[],
  periodIndex: Map<number, number>,
): { gUnit: Float64Array; diagnostics: Diagnostic[] } {
  const gUnit = Float64Array.from(given);
  const first = periods[0];
  const last = periods[periods.length - 1];
  const badGroups = new Set<number>();
  const lateGroups = new Set<number>();
  for (let u = 0; u < gUnit.length; u++) {
    const gv = gUnit[u];
    if (gv === 0) continue;
    if (gv > last + s.anticipation) {
      lateGroups.add(gv);
      gUnit[u] = 0;
    } else if (gv > first && gv <= last && !periodIndex.has(gv)) badGroups.add(gv);
  }
  if (badGroups.size > 0) {
    const vals = [...badGroups].sort((a, b) => a - b);
    throw new TrueliftError(
      "E_CS_GROUP_NOT_PERIOD",
      `Group (first-treatment) values ${vals.slice(0, 5).join(", ")} are not periods of the panel.`,
      { details: { values: vals.slice(0, 50), periods } },
    );
  }
  const diagnostics: Diagnostic[] = [];
  if (lateGroups.size > 0) {
    diagnostics.push(
      diagnostic("D_CS_TREATED_AFTER_SAMPLE", "info", { groups: [...lateGroups].sort((a, b) => a - b) }),
    );
  }
  return { gUnit, diagnostics };
}

/** Keep units: observed in every period and not treated in / before the first period. */
function keepCsUnits(
  units: CsUnits,
  gUnit: Float64Array,
  first: number,
): { keep: Uint8Array; diagnostics: Diagnostic[] } {
  const { n0, nT0, rowOf } = units;
  const keep = new Uint8Array(n0);
  let unbalanced = 0;
  let alreadyTreated = 0;
  for (let u = 0; u < n0; u++) {
    let complete = true;
    for (let t = 0; t < nT0; t++) {
      if (rowOf[u * nT0 + t] < 0) {
        complete = false;
        break;
      }
    }
    const gv = gUnit[u];
    if (gv !== 0 && gv <= first) alreadyTreated++;
    else if (!complete) unbalanced++;
    else keep[u] = 1;
  }
  const diagnostics: Diagnostic[] = [];
  if (alreadyTreated > 0) {
    diagnostics.push(
      diagnostic("D_CS_ALREADY_TREATED_DROPPED", "warn", { units: alreadyTreated, firstPeriod: first }),
    );
  }
  if (unbalanced > 0) {
    diagnostics.push(diagnostic("D_CS_UNBALANCED_DROPPED", "warn", { units: unbalanced, periods: nT0 }));
  }
  return { keep, diagnostics };
}

/** Treated groups and the never-treated check: the groups to estimate and the periods kept. */
function csComparison(
  s: CsValidSpec,
  periods: readonly number[],
  gUnit: Float64Array,
  keep: Uint8Array,
): { periods: readonly number[]; glist: number[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  let hasNever = false;
  const gset = new Set<number>();
  for (let u = 0; u < keep.length; u++) {
    if (!keep[u]) continue;
    if (gUnit[u] === 0) hasNever = true;
    else gset.add(gUnit[u]);
  }
  let keptPeriods = periods;
  let glist = [...gset].sort((a, b) => a - b);
  if (!hasNever) {
    if (s.control === "never") {
      throw new TrueliftError(
        "E_CS_NO_NEVER_TREATED",
        "No never-treated units are left, so the never-treated comparison group is empty.",
        { details: { groups: glist } },
      );
    }
    const maxG = glist[glist.length - 1];
    keptPeriods = periods.filter((p) => p < maxG - s.anticipation);
    glist = glist.filter((g) => g < maxG);
    diagnostics.push(
      diagnostic("D_CS_LAST_GROUP_AS_CONTROL", "info", { lastGroup: maxG, periodsKept: keptPeriods.length }),
    );
    if (keptPeriods.length < 2) {
      throw new TrueliftError(
        "E_CS_TOO_FEW_PERIODS",
        `Without never-treated units, only ${keptPeriods.length} period(s) precede the last treated group.`,
        { details: { lastGroup: maxG } },
      );
    }
  }
  glist = glist.filter((g) => g > keptPeriods[0] + s.anticipation);
  if (glist.length === 0) {
    throw new TrueliftError(
      "E_CS_NO_GROUPS",
      "No treated group has a period before its treatment: nothing to estimate.",
      { details: { firstPeriod: keptPeriods[0], anticipation: s.anticipation } },
    );
  }
  return { periods: keptPeriods, glist, diagnostics };
}

/** The wide panel of the kept units and periods. */
interface CsWide {
  readonly n: number;
  readonly nT: number;
  readonly p: number;
  readonly y: Float64Array;
  readonly x: Float64Array | null;
  readonly g: Float64Array;
  readonly clusterRaw: Float64Array | null;
}

function widenCsPanel(
  cols: CsColumns,
  units: CsUnits,
  gUnit: Float64Array,
  keep: Uint8Array,
  colOf: readonly number[],
): CsWide {
  const { yAll, covs } = cols;
  const { n0, nT0, rowOf, clusterKey } = units;
  const nT = colOf.length;
  let n = 0;
  for (let u = 0; u < n0; u++) n += keep[u];
  const p = covs.length;
  const y = new Float64Array(n * nT);
  const x = p > 0 ? new Float64Array(n * nT * p) : null;
  const g = new Float64Array(n);
  const clusterRaw = clusterKey ? new Float64Array(n) : null;
  for (let u = 0, i = 0; u < n0; u++) {
    if (!keep[u]) continue;
    g[i] = gUnit[u];
    if (clusterRaw && clusterKey) clusterRaw[i] = clusterKey[u];
    for (let t = 0; t < nT; t++) {
      const r = rowOf[u * nT0 + colOf[t]];
      y[i * nT + t] = yAll[r];
      if (x) for (let j = 0; j < p; j++) x[(i * nT + t) * p + j] = covs[j][r];
    }
    i++;
  }
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "No unit is observed in every period.");
  return { n, nT, p, y, x, g, clusterRaw };
}

/** Cluster index per unit (null when clustering by unit); at least two clusters. */
function csClusters(
  clusterRaw: Float64Array | null,
  n: number,
): { cluster: Int32Array | null; nClusters: number } {
  if (!clusterRaw) return { cluster: null, nClusters: n };
  const coded = denseCodes(clusterRaw);
  if (coded.count < 2) {
    throw new TrueliftError("E_TOO_FEW_CLUSTERS", "The bootstrap cluster column has a single value.");
  }
  return { cluster: coded.codes, nClusters: coded.count };
}

/** Group sizes and small-group checks (did warns below #covariates + 5 units). */
function csGroupSizes(
  s: CsValidSpec,
  g: Float64Array,
  n: number,
  p: number,
): { groupSizes: { group: number; units: number }[]; diagnostics: Diagnostic[] } {
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(g[i], (sizes.get(g[i]) ?? 0) + 1);
  const groupSizes = [...sizes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([group, units]) => ({ group, units }));
  const reqSize = p + 5;
  const small = groupSizes.filter((gs) => gs.units < reqSize);
  const diagnostics: Diagnostic[] = [];
  if (small.length > 0) {
    const never = small.find((gs) => gs.group === 0);
    if (never && s.control === "never") {
      throw new TrueliftError(
        "E_CS_FEW_NEVER_TREATED",
        `Only ${never.units} never-treated unit(s): fewer than the ${reqSize} the comparison needs.`,
        { details: { units: never.units, required: reqSize } },
      );
    }
    diagnostics.push(
      diagnostic("D_CS_SMALL_GROUP", "warn", {
        groups: small.map((gs) => gs.group),
        units: small.map((gs) => gs.units),
        required: reqSize,
      }),
    );
  }
  return { groupSizes, diagnostics };
}

/** Constant or collinear covariates (with the intercept, first-period values) are a caller error. */
function checkCovariates(x: Float64Array, n: number, nT: number, p: number, names: readonly string[]): void {
  const k = p + 1;
  const gram = new Float64Array(k * k);
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += x[i * nT * p + j] / n;
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    row[0] = 1;
    for (let j = 0; j < p; j++) row[j + 1] = x[i * nT * p + j] - mean[j];
    for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) gram[a * k + b] += row[a] * row[b];
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) gram[b * k + a] = gram[a * k + b];
  const { dropped } = gramRank(gram, k);
  if (dropped.length > 0) {
    const cols = dropped.map((d) => (d === 0 ? "(intercept)" : names[d - 1]));
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      `Covariate(s) ${cols.join(", ")} are constant or collinear with the others.`,
      { details: { collinear: cols } },
    );
  }
}
