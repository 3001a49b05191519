import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { TrueliftError } from "../../../core/errors.js";
import type { Frame } from "../../../core/frame.js";
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
 * @example
 * ```ts
 * const panel = buildCsPanel(frame, validateCsSpec({ outcome: "y", unit: "id", time: "t", group: "g" }));
 * panel.glist; // e.g. [2004, 2006, 2007]
 * ```
 */
export function buildCsPanel(frame: Frame, s: CsValidSpec): CsPanel {
  const diagnostics: Diagnostic[] = [];
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

  // Periods.
  const periods = [...new Set(time)].sort((a, b) => a - b);
  if (periods.length < 2) {
    throw new TrueliftError(
      "E_CS_TOO_FEW_PERIODS",
      `The panel has ${periods.length} period(s); at least 2 are needed.`,
      {
        details: { periods },
      },
    );
  }
  const periodIndex = new Map<number, number>();
  periods.forEach((p, j) => {
    periodIndex.set(p, j);
  });
  const nT0 = periods.length;

  // Units.
  const unitIndex = new Map<number, number>();
  const rowUnit = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const key = unitCol.keys[i];
    let u = unitIndex.get(key);
    if (u === undefined) {
      u = unitIndex.size;
      unitIndex.set(key, u);
    }
    rowUnit[i] = u;
  }
  const n0 = unitIndex.size;
  const rowOf = new Int32Array(n0 * nT0).fill(-1);
  const gUnit = new Float64Array(n0).fill(Number.NaN);
  const gSeen = new Uint8Array(n0);
  const clusterKey = clusterCol ? new Float64Array(n0) : null;
  for (let i = 0; i < rows; i++) {
    const u = rowUnit[i];
    const sIdx = periodIndex.get(time[i])!;
    if (rowOf[u * nT0 + sIdx] >= 0) {
      throw new TrueliftError(
        "E_CS_DUPLICATE_ROWS",
        `Unit ${String(frame.value(s.unit, i))} has two rows for period ${time[i]} (rows ${rowOf[u * nT0 + sIdx]} and ${i}).`,
        { details: { unit: frame.value(s.unit, i), time: time[i], rows: [rowOf[u * nT0 + sIdx], i] } },
      );
    }
    rowOf[u * nT0 + sIdx] = i;
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

  // Group values: 0, a period, or after the sample; values before or in the first period mean "already treated".
  const first = periods[0];
  const last = periods[nT0 - 1];
  const badGroups = new Set<number>();
  const lateGroups = new Set<number>();
  for (let u = 0; u < n0; u++) {
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
  if (lateGroups.size > 0) {
    diagnostics.push(
      diagnostic("D_CS_TREATED_AFTER_SAMPLE", "info", { groups: [...lateGroups].sort((a, b) => a - b) }),
    );
  }

  // Keep units: observed in every period and not treated in / before the first period.
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
  if (alreadyTreated > 0) {
    diagnostics.push(
      diagnostic("D_CS_ALREADY_TREATED_DROPPED", "warn", { units: alreadyTreated, firstPeriod: first }),
    );
  }
  if (unbalanced > 0) {
    diagnostics.push(diagnostic("D_CS_UNBALANCED_DROPPED", "warn", { units: unbalanced, periods: nT0 }));
  }

  // Treated groups and the never-treated check.
  let hasNever = false;
  const gset = new Set<number>();
  for (let u = 0; u < n0; u++) {
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

  // Wide arrays.
  const nT = keptPeriods.length;
  const colOf = keptPeriods.map((p) => periodIndex.get(p)!);
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

  let cluster: Int32Array | null = null;
  let nClusters = n;
  if (clusterRaw) {
    const idx = new Map<number, number>();
    cluster = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let c = idx.get(clusterRaw[i]);
      if (c === undefined) {
        c = idx.size;
        idx.set(clusterRaw[i], c);
      }
      cluster[i] = c;
    }
    nClusters = idx.size;
    if (nClusters < 2) {
      throw new TrueliftError("E_TOO_FEW_CLUSTERS", "The bootstrap cluster column has a single value.");
    }
  }

  if (x) checkCovariates(x, n, nT, p, s.covariates);

  // Group sizes and small-group checks (did warns below #covariates + 5 units).
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) sizes.set(g[i], (sizes.get(g[i]) ?? 0) + 1);
  const groupSizes = [...sizes.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([group, units]) => ({ group, units }));
  const reqSize = p + 5;
  const small = groupSizes.filter((gs) => gs.units < reqSize);
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

  return {
    n,
    nT,
    periods: keptPeriods,
    y,
    x,
    p,
    g,
    glist,
    cluster,
    nClusters,
    rows,
    droppedUnits: n0 - n,
    groupSizes,
    diagnostics,
  };
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
