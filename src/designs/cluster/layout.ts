import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import type { ValidClusterSpec } from "./spec.js";

/**
 * The resolved data of a cluster-randomized experiment: user-level arrays and the cluster table (sizes, outcome
 * totals, arm, stratum), all validated.
 */
export interface ClusterLayout {
  readonly outcome: string;
  readonly clusterColumn: string;
  readonly treatmentColumn: string;
  /** Users (rows). */
  readonly n: number;
  readonly y: Float64Array;
  /** Arm of each user's cluster (0/1). */
  readonly d: Float64Array;
  /** Cluster code of each user, 0…K−1 in order of first appearance. */
  readonly codes: Int32Array;
  readonly labels: readonly (string | number)[];
  readonly clusters: number;
  readonly sizes: Float64Array;
  readonly sums: Float64Array;
  readonly treated: Uint8Array;
  /** Stratum code per cluster (null without strata) and the stratum labels. */
  readonly strata: Int32Array | null;
  readonly strataLabels: readonly (string | number)[] | null;
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
  const treatmentColumn = typeof spec.treatment === "string" ? spec.treatment : spec.treatment.column;
  const treatedValues = typeof spec.treatment === "string" ? undefined : spec.treatment.treatedValues;
  const req: ColumnRequirement[] = [
    { column: spec.outcome, kind: "numeric" },
    { column: treatmentColumn, kind: treatedValues === undefined ? "binary" : "categorical" },
    { column: spec.cluster, kind: "categorical", allowMissing: true },
  ];
  if (spec.strata !== undefined) req.push({ column: spec.strata, kind: "categorical" });
  if (spec.exposure && "column" in spec.exposure) req.push({ column: spec.exposure.column, kind: "binary" });
  if (spec.exposure && "user" in spec.exposure) req.push({ column: spec.exposure.user, kind: "categorical" });
  validateColumns(frame, req);
  const n = frame.nrows;
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "The data has no rows.");

  const groups = groupCodes(frame, spec.cluster, null);
  if (groups.missing > 0) {
    const rows: number[] = [];
    for (let i = 0; i < n && rows.length < 20; i++) if (groups.codes[i] < 0) rows.push(i + 1);
    throw new TrueliftError(
      "E_NAN_IN_CLUSTER",
      `Cluster column '${spec.cluster}' is missing for ${groups.missing} row${groups.missing === 1 ? "" : "s"} (row${rows.length === 1 ? "" : "s"} ${rows.slice(0, SHOW).join(", ")}${groups.missing > SHOW ? ", …" : ""}).`,
      { details: { column: spec.cluster, count: groups.missing, rows } },
    );
  }
  const K = groups.count;
  if (K < 2) {
    throw new TrueliftError(
      "E_CLUSTER_SINGLE",
      `All ${n} rows are in one cluster of '${spec.cluster}': a cluster-randomized comparison needs clusters in both arms.`,
      { details: { column: spec.cluster, clusters: K } },
    );
  }
  const codes = groups.codes;
  const labels: (string | number)[] = new Array(K);
  const firstRow = new Int32Array(K).fill(-1);
  for (let i = 0; i < n; i++) {
    const g = codes[i];
    if (firstRow[g] < 0) {
      firstRow[g] = i;
      labels[g] = frame.value(spec.cluster, i) as string | number;
    }
  }

  const d = treatment(frame, treatmentColumn, treatedValues);
  const treated = new Uint8Array(K);
  const varying: (string | number)[] = [];
  for (let g = 0; g < K; g++) treated[g] = d[firstRow[g]];
  for (let i = 0; i < n; i++) {
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
    for (let i = 0; i < n; i++) {
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
  checkOutcomeVaries(y, d, spec.outcome);
  const sizes = new Float64Array(K);
  const sums = new Float64Array(K);
  for (let i = 0; i < n; i++) {
    sizes[codes[i]] += 1;
    sums[codes[i]] += y[i];
  }
  return {
    outcome: spec.outcome,
    clusterColumn: spec.cluster,
    treatmentColumn,
    n,
    y,
    d,
    codes,
    labels,
    clusters: K,
    sizes,
    sums,
    treated,
    strata,
    strataLabels,
  };
}

/**
 * The outcome must vary within at least one arm: a constant outcome (or one constant within each arm) leaves
 * every residual 0, so every standard error would be exactly 0 and every t statistic 0/0.
 */
function checkOutcomeVaries(y: Float64Array, d: Float64Array, outcome: string): void {
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
