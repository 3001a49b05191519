import type { CellFrame } from "../../core/cells.js";
import { compareKeyTuples } from "../../core/compress.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import { validateFrequency } from "../../models/frequency.js";
import type { ValidClusterSpec } from "./spec.js";

/**
 * The resolved data of a cluster-randomized experiment, all validated: its units and the cluster table (sizes,
 * outcome totals, arm, stratum). A unit is a row of the source frame — a user (`w` = 1, `ss` = 0) on the row
 * path, a compressed cell of users sharing cluster, arm and exposure flag on the cells path — so one
 * implementation serves both.
 */
export interface ClusterLayout {
  readonly outcome: string;
  readonly clusterColumn: string;
  readonly treatmentColumn: string;
  /** Users (rows summarised): Σ w. */
  readonly n: number;
  /** Units (rows of the frame the layout was built from: users, or cells). */
  readonly units: number;
  /** Users per unit (1 for a user, the cell count for a cell). */
  readonly w: Float64Array;
  /** Mean outcome per unit (the user's outcome, or the cell mean). */
  readonly y: Float64Array;
  /** Within-unit Σ(y − ȳ)² (0 for a user). */
  readonly ss: Float64Array;
  /** Arm of each unit's cluster (0/1). */
  readonly d: Float64Array;
  /** Cluster code of each unit, 0…K−1 in order of first appearance. */
  readonly codes: Int32Array;
  readonly labels: readonly (string | number)[];
  readonly clusters: number;
  readonly sizes: Float64Array;
  readonly sums: Float64Array;
  readonly treated: Uint8Array;
  /** Stratum code per cluster (null without strata) and the stratum labels. */
  readonly strata: Int32Array | null;
  readonly strataLabels: readonly (string | number)[] | null;
  /**
   * Per cluster, the value of each re-randomization balance column (`inference.randomization.rerandomization
   * .covariates`, constant within a cluster), in spec order; null without re-randomization.
   */
  readonly balance?: readonly Float64Array[] | null;
}

const SHOW = 5;

/**
 * Validates the data against a cluster spec, before any computation, and builds the cluster table:
 *
 * ```
 * columns exist and hold the right kinds (E_COLUMN_MISSING / E_COLUMN_TYPE / E_MISSING_VALUES / E_NOT_BINARY)
 *   → every row has a cluster id (E_NAN_IN_CLUSTER) → at least two clusters (E_CLUSTER_SINGLE)
 *   → treatment constant within each cluster (E_TREATMENT_VARIES_IN_CLUSTER) → both arms present
 *   (E_CLUSTER_ONE_ARM) → strata constant within clusters (E_STRATUM_VARIES_IN_CLUSTER)
 * ```
 *
 * Last, the outcome must vary within at least one arm (E_OUTCOME_CONSTANT): else every SE is exactly 0.
 *
 * @example
 * ```ts
 * import { layoutCluster, parseClusterSpec } from "truelift";
 * const layout = layoutCluster(frame, parseClusterSpec({
 *   outcome: "session_minutes_obs", treatment: { column: "wave", treatedValues: [1] }, cluster: "workspace_id",
 * }));
 * layout.clusters; // 50
 * ```
 * @see Hayes & Moulton (2017), Cluster Randomised Trials (2nd ed.), ch. 2.
 */
export function layoutCluster(frame: Frame, spec: ValidClusterSpec): ClusterLayout {
  validateClusterRows(frame, spec);
  const ones = new Float64Array(frame.nrows).fill(1);
  return layoutUnits(frame, spec, ones, new Float64Array(frame.nrows));
}

/**
 * The row-level checks of {@link layoutCluster} — columns of the right kinds, at least one row, every row with a
 * cluster id — with row numbers in the messages. The compressed path runs them on the rows before compressing,
 * so its errors read exactly as the row path's.
 *
 * @example
 * ```ts
 * import { parseClusterSpec, validateClusterRows } from "truelift";
 * validateClusterRows(frame, parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g" })); // or throws
 * ```
 */
export function validateClusterRows(frame: Frame, spec: ValidClusterSpec): void {
  validateColumns(frame, requirements(spec));
  if (frame.nrows === 0) throw new TrueliftError("E_EMPTY_DATA", "The data has no rows.");
  const groups = groupCodes(frame, spec.cluster, null);
  if (groups.missing > 0) missingClusters(spec, groups.codes, groups.missing);
}

/**
 * The layout of compressed cells ({@link CellFrame}: one row per distinct cluster × treatment × exposure flag ×
 * stratum, with the row count and the outcome's cell mean and within-cell Σ(y − ȳ)²), with the same checks and
 * coded errors as {@link layoutCluster} (a missing cluster id is reported by cell, as the rows are not there),
 * plus `E_BAD_FREQUENCY` for invalid counts or sums of squares.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, layoutClusterCells, parseClusterSpec } from "truelift";
 * const spec = parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g" });
 * const layout = layoutClusterCells(compressFrameToCells(frame, { keys: ["g", "d"], measures: ["y"] }), spec);
 * layout.n; // users summarised
 * ```
 * @see Wong, Lewis & Wardrop (2021) (compress, then estimate from the groups).
 */
export function layoutClusterCells(cells: CellFrame, spec: ValidClusterSpec): ClusterLayout {
  const frame = cells.frame;
  validateColumns(frame, requirements(spec));
  const ssColumn = cells.withinSS[spec.outcome];
  if (ssColumn === undefined) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `The cells carry no within-cell sum of squares of the outcome '${spec.outcome}'.`,
    );
  }
  validateFrequency(frame, { count: cells.count, withinSS: ssColumn });
  return layoutUnits(frame, spec, frame.numeric(cells.count), frame.numeric(ssColumn));
}

function requirements(spec: ValidClusterSpec): ColumnRequirement[] {
  const treatmentColumn = typeof spec.treatment === "string" ? spec.treatment : spec.treatment.column;
  const treatedValues = typeof spec.treatment === "string" ? undefined : spec.treatment.treatedValues;
  const req: ColumnRequirement[] = [
    { column: spec.outcome, kind: "numeric" },
    { column: treatmentColumn, kind: treatedValues === undefined ? "binary" : "categorical" },
    { column: spec.cluster, kind: "categorical", allowMissing: true },
  ];
  if (spec.strata !== undefined) req.push({ column: spec.strata, kind: "categorical" });
  for (const column of balanceColumns(spec)) req.push({ column, kind: "numeric" });
  if (spec.exposure && "column" in spec.exposure) req.push({ column: spec.exposure.column, kind: "binary" });
  if (spec.exposure && "user" in spec.exposure) req.push({ column: spec.exposure.user, kind: "categorical" });
  return req;
}

function missingClusters(
  spec: ValidClusterSpec,
  codes: Int32Array,
  missing: number,
  w?: Float64Array,
): never {
  const rows: number[] = [];
  let count = missing;
  if (w === undefined) {
    for (let i = 0; i < codes.length && rows.length < 20; i++) if (codes[i] < 0) rows.push(i + 1);
  } else {
    count = 0;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) count += w[i];
  }
  const where =
    rows.length === 0
      ? ""
      : ` (row${rows.length === 1 ? "" : "s"} ${rows.slice(0, SHOW).join(", ")}${count > SHOW ? ", …" : ""})`;
  throw new TrueliftError(
    "E_NAN_IN_CLUSTER",
    `Cluster column '${spec.cluster}' is missing for ${count} row${count === 1 ? "" : "s"}${where}.`,
    { details: { column: spec.cluster, count, rows } },
  );
}

/** The checks and the cluster table over units (rows or cells) with `w` users and within-unit SS `ss` each. */
function layoutUnits(frame: Frame, spec: ValidClusterSpec, w: Float64Array, ss: Float64Array): ClusterLayout {
  const treatmentColumn = typeof spec.treatment === "string" ? spec.treatment : spec.treatment.column;
  const treatedValues = typeof spec.treatment === "string" ? undefined : spec.treatment.treatedValues;
  const units = frame.nrows;
  let n = 0;
  for (let i = 0; i < units; i++) n += w[i];
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "The data has no rows.");

  const groups = groupCodes(frame, spec.cluster, null);
  if (groups.missing > 0) missingClusters(spec, groups.codes, groups.missing, w);
  const K = groups.count;
  if (K < 2) {
    throw new TrueliftError(
      "E_CLUSTER_SINGLE",
      `All ${n} rows are in one cluster of '${spec.cluster}': a cluster-randomized comparison needs clusters in both arms.`,
      { details: { column: spec.cluster, clusters: K } },
    );
  }
  const seen: (string | number)[] = new Array(K);
  const seenRow = new Int32Array(K).fill(-1);
  for (let i = 0; i < units; i++) {
    const g = groups.codes[i];
    if (seenRow[g] < 0) {
      seenRow[g] = i;
      seen[g] = frame.value(spec.cluster, i) as string | number;
    }
  }
  // Clusters in sorted label order, whatever the order of the rows or cells (an engine returns cells sorted,
  // memory in first appearance): seeded cluster-level draws then pick the same clusters on every path.
  const order = Array.from({ length: K }, (_, g) => g).sort((a, b) => compareKeyTuples([seen[a]], [seen[b]]));
  const rank = new Int32Array(K);
  order.forEach((g, r) => {
    rank[g] = r;
  });
  const codes = groups.codes.map((c) => (c < 0 ? c : rank[c]));
  const labels = order.map((g) => seen[g]);
  const firstRow = Int32Array.from(order, (g) => seenRow[g]);

  const d = treatment(frame, treatmentColumn, treatedValues);
  const treated = new Uint8Array(K);
  const varying: (string | number)[] = [];
  for (let g = 0; g < K; g++) treated[g] = d[firstRow[g]];
  for (let i = 0; i < units; i++) {
    const g = codes[i];
    if (d[i] !== treated[g] && !varying.includes(labels[g])) varying.push(labels[g]);
  }
  if (varying.length > 0) {
    throw new TrueliftError(
      "E_TREATMENT_VARIES_IN_CLUSTER",
      `Treatment '${treatmentColumn}' varies within ${varying.length} cluster${varying.length === 1 ? "" : "s"} of '${spec.cluster}' (${varying.slice(0, SHOW).join(", ")}${varying.length > SHOW ? ", …" : ""}).`,
      { details: { column: treatmentColumn, cluster: spec.cluster, clusters: varying.slice(0, 20) } },
    );
  }
  let nt = 0;
  for (let g = 0; g < K; g++) nt += treated[g];
  if (nt === 0 || nt === K) {
    throw new TrueliftError(
      "E_CLUSTER_ONE_ARM",
      `All ${K} clusters are ${nt === 0 ? "untreated" : "treated"} ('${treatmentColumn}'): there is nothing to compare.`,
      { details: { column: treatmentColumn, clusters: K, treated: nt } },
    );
  }

  let strata: Int32Array | null = null;
  let strataLabels: (string | number)[] | null = null;
  if (spec.strata !== undefined) {
    const sg = groupCodes(frame, spec.strata, null);
    strata = new Int32Array(K);
    strataLabels = new Array(sg.count);
    const bad: (string | number)[] = [];
    for (let g = 0; g < K; g++) strata[g] = sg.codes[firstRow[g]];
    for (let i = 0; i < units; i++) {
      const s = sg.codes[i];
      strataLabels[s] ??= frame.value(spec.strata, i) as string | number;
      if (s !== strata[codes[i]] && !bad.includes(labels[codes[i]])) bad.push(labels[codes[i]]);
    }
    if (bad.length > 0) {
      throw new TrueliftError(
        "E_STRATUM_VARIES_IN_CLUSTER",
        `Stratum '${spec.strata}' varies within ${bad.length} cluster${bad.length === 1 ? "" : "s"} (${bad.slice(0, SHOW).join(", ")}${bad.length > SHOW ? ", …" : ""}).`,
        { details: { column: spec.strata, clusters: bad.slice(0, 20) } },
      );
    }
  }

  const y = frame.numeric(spec.outcome);
  checkOutcomeVaries(y, d, ss, spec.outcome);
  const sizes = new Float64Array(K);
  const sums = new Float64Array(K);
  for (let i = 0; i < units; i++) {
    sizes[codes[i]] += w[i];
    sums[codes[i]] += w[i] * y[i];
  }
  return {
    outcome: spec.outcome,
    clusterColumn: spec.cluster,
    treatmentColumn,
    n,
    units,
    w,
    y,
    ss,
    d,
    codes,
    labels,
    clusters: K,
    sizes,
    sums,
    treated,
    strata,
    strataLabels,
    balance: clusterBalance(frame, spec, codes, firstRow, labels),
  };
}

/** The re-randomization balance columns of a spec (empty without re-randomization). */
export function balanceColumns(spec: ValidClusterSpec): readonly string[] {
  const r = spec.inference?.randomization;
  return typeof r === "object" && r.rerandomization ? r.rerandomization.covariates : [];
}

/** Each balance column's value per cluster; E_BALANCE_VARIES_IN_CLUSTER when it is not constant in a cluster. */
function clusterBalance(
  frame: Frame,
  spec: ValidClusterSpec,
  codes: Int32Array,
  firstRow: Int32Array,
  labels: readonly (string | number)[],
): Float64Array[] | null {
  const columns = balanceColumns(spec);
  if (columns.length === 0) return null;
  return columns.map((column) => {
    const v = frame.numeric(column);
    const out = Float64Array.from(firstRow, (i) => v[i]);
    const bad: (string | number)[] = [];
    for (let i = 0; i < v.length; i++) {
      const g = codes[i];
      if (v[i] !== out[g] && !bad.includes(labels[g])) bad.push(labels[g]);
    }
    if (bad.length > 0) {
      throw new TrueliftError(
        "E_BALANCE_VARIES_IN_CLUSTER",
        `Balance column '${column}' varies within ${bad.length} cluster${bad.length === 1 ? "" : "s"} (${bad.slice(0, SHOW).join(", ")}${bad.length > SHOW ? ", …" : ""}).`,
        { details: { column, clusters: bad.slice(0, 20) } },
      );
    }
    return out;
  });
}

/**
 * The outcome must vary within at least one arm: a constant outcome (or one constant within each arm) leaves
 * every residual 0, so every standard error would be exactly 0 and every t statistic 0/0.
 */
function checkOutcomeVaries(y: Float64Array, d: Float64Array, ss: Float64Array, outcome: string): void {
  if (ss.some((v) => v > 0)) return; // a cell whose users differ: the outcome varies
  const first = [Number.NaN, Number.NaN];
  for (let i = 0; i < y.length; i++) {
    const g = d[i] === 1 ? 1 : 0;
    if (Number.isNaN(first[g])) first[g] = y[i];
    else if (y[i] !== first[g]) return;
  }
  const overall = first[0] === first[1];
  throw new TrueliftError(
    "E_OUTCOME_CONSTANT",
    overall
      ? `Outcome '${outcome}' is ${first[0]} in every row: there is no variation to compare.`
      : `Outcome '${outcome}' is constant within each arm (${first[1]} for every treated user, ${first[0]} for every control user): the effect would be their difference with a standard error of exactly 0.`,
    {
      details: { outcome, treatedValue: first[1], controlValue: first[0] },
      hint: "Check the outcome column (and any filter): a cluster-randomized comparison needs the outcome to vary between users.",
    },
  );
}

/**
 * The arm (0/1) of every row of a frame under the spec's treatment definition (a 0/1 column, or the treated
 * values of `{ column, treatedValues }`), without validation.
 *
 * @example
 * ```ts
 * import { Frame, parseClusterSpec, rowArms } from "truelift";
 * const f = Frame.fromObject({ wave: [1, 2, 1] });
 * rowArms(f, parseClusterSpec({ outcome: "y", treatment: { column: "wave", treatedValues: [1] }, cluster: "g" })); // [1, 0, 1]
 * ```
 */
export function rowArms(frame: Frame, spec: ValidClusterSpec): Float64Array {
  return typeof spec.treatment === "string"
    ? treatment(frame, spec.treatment, undefined)
    : treatment(frame, spec.treatment.column, spec.treatment.treatedValues);
}

function treatment(
  frame: Frame,
  column: string,
  values: readonly (number | string)[] | undefined,
): Float64Array {
  const out = new Float64Array(frame.nrows);
  if (values === undefined) {
    const v = frame.numeric(column);
    for (let i = 0; i < out.length; i++) out[i] = v[i] === 1 ? 1 : 0;
    return out;
  }
  const wanted = new Set(values.map(String));
  for (let i = 0; i < out.length; i++) {
    const v = frame.value(column, i);
    out[i] = v !== null && wanted.has(String(v)) ? 1 : 0;
  }
  return out;
}
