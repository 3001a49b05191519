import { createHash } from "node:crypto";
import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance, toJson } from "../../core/result.js";
import { streamFor } from "../../core/rng.js";
import { validateColumns } from "../../core/validate.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import {
  type BalanceCriterion,
  type ClusterAssignmentDesign,
  clusterAssignmentDesign,
  countAssignments,
  drawClusterAssignment,
  meanDifferences,
} from "./assign-design.js";
import { type AssignSpec, parseAssignSpec, type ValidAssignSpec } from "./assign-spec.js";

/**
 * The run {@link assignClusters} draws from: `streamFor(seed, "sequence", ASSIGN_STREAM)` (= `createRng(seed, 0)`).
 */
export const ASSIGN_STREAM = 0;

/** One cluster's assignment. */
export interface ClusterAssignmentRow {
  readonly cluster: string;
  readonly stratum: string | null;
  readonly treated: 0 | 1;
}

/** Balance of one cluster covariate between the arms (cluster-level means; SMD with the pooled SD of the arms). */
export interface AssignmentBalanceRow {
  readonly covariate: string;
  readonly meanTreated: number;
  readonly meanControl: number;
  readonly difference: number;
  /** Null when both arms are constant with different means (infinite SMD). */
  readonly smd: number | null;
}

/** The re-randomization that produced the assignment: the rule, how many draws it took and the accepted statistic. */
export interface RerandomizationRecord {
  readonly criterion: BalanceCriterion;
  readonly threshold: number;
  readonly covariates: readonly string[];
  readonly maxDraws: number;
  readonly draws: number;
  readonly statistic: number;
  /** The acceptance rule in words, e.g. "accept the first draw with max |SMD| ≤ 0.1". */
  readonly rule: string;
}

/** Everything {@link assignClusters} returns: plain, frozen, JSON-serialisable data (the plan to register). */
export interface ClusterAssignment {
  readonly method: "cluster-assign";
  readonly cluster: string;
  readonly strata: readonly string[];
  readonly seed: number;
  /** SHA-256 over the canonical spec and the cluster table's used columns (sorted by cluster id). */
  readonly inputHash: string;
  readonly assignment: readonly ClusterAssignmentRow[];
  readonly counts: {
    readonly clusters: number;
    readonly treated: number;
    readonly control: number;
    readonly blocks: readonly {
      readonly stratum: string | null;
      readonly clusters: number;
      readonly treated: number;
    }[];
    /** Distinct assignments the design allows before re-randomization. */
    readonly possibleAssignments: number;
  };
  readonly balance: readonly AssignmentBalanceRow[];
  readonly rerandomization: RerandomizationRecord | null;
  /** The mechanism, for randomization inference: `drawClusterAssignment(design, rng)` re-draws under it. */
  readonly design: ClusterAssignmentDesign;
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Seeded cluster randomization: complete, or stratified (blocked) by cluster covariates, optionally
 * re-randomized until covariate balance passes a threshold. Input is a table with one row per cluster. Returns
 * the assignment with the seed, the number of draws and acceptance rule, the balance table, the mechanism
 * (`design`) for randomization inference, and a SHA-256 of the inputs so the plan can be registered before any
 * outcome exists. The same spec and clusters give the same assignment on every machine, whatever the row order.
 *
 * Errors: `E_INVALID_SPEC`, `E_COLUMN_MISSING`, `E_NAN_IN_CLUSTER` (a missing cluster id),
 * `E_ASSIGN_DUPLICATE_CLUSTER`, `E_CLUSTER_SINGLE`, `E_CLUSTER_ONE_ARM`, `E_COLUMN_TYPE` / `E_MISSING_VALUES`
 * (covariates), `E_ASSIGN_BALANCE_UNREACHABLE`.
 *
 * @example
 * ```ts
 * import { Frame, assignClusters } from "truelift";
 * const clusters = Frame.fromObject({
 *   ws: ["a", "b", "c", "d", "e", "f"], region: ["eu", "eu", "eu", "us", "us", "us"], seats: [10, 12, 30, 8, 40, 22],
 * });
 * const plan = assignClusters(clusters, {
 *   cluster: "ws", strata: "region", seed: 1, rerandomize: { criterion: "max-smd", threshold: 0.5, covariates: ["seats"] },
 * });
 * plan.assignment;            // [{ cluster: "a", stratum: "eu", treated: 1 }, …]
 * plan.rerandomization?.draws; // how many draws it took
 * ```
 * @see Morgan & Rubin (2012), Annals of Statistics 40(2); Hayes & Moulton, Cluster Randomised Trials (2017), ch. 6.
 */
export function assignClusters(clusters: Frame, spec: AssignSpec): DeepReadonly<ClusterAssignment> {
  const s = parseAssignSpec(spec);
  const strataCols = s.strata === undefined ? [] : typeof s.strata === "string" ? [s.strata] : s.strata;
  validateColumns(clusters, [{ column: s.cluster, kind: "categorical", allowMissing: true }]);
  checkClusterIds(clusters, s.cluster);
  const fallback = defaultCovariates(clusters, s.cluster, strataCols);
  const rerandCols = s.rerandomize
    ? (s.rerandomize.covariates ?? s.balanceCovariates ?? fallback)
    : undefined;
  if (rerandCols !== undefined && rerandCols.length === 0) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      "Invalid assignment spec: spec.rerandomize.covariates: re-randomization needs numeric cluster covariates, and the table has none.",
    );
  }
  const balanceCols = s.balanceCovariates ?? rerandCols ?? fallback;
  validateColumns(clusters, [
    ...strataCols.map((column) => ({ column, kind: "categorical" as const })),
    ...[...new Set([...balanceCols, ...(rerandCols ?? [])])].map((column) => ({
      column,
      kind: "numeric" as const,
    })),
  ]);

  const n = clusters.nrows;
  const ids = Array.from({ length: n }, (_, i) => String(clusters.value(s.cluster, i)));
  const order = ids.map((_, i) => i).sort((a, b) => compareIds(ids[a], ids[b]));
  const sortedIds = order.map((i) => ids[i]);
  const strata =
    strataCols.length === 0
      ? null
      : order.map((i) => strataCols.map((c) => String(clusters.value(c, i))).join("|"));
  const colValues = (c: string): number[] => {
    const v = clusters.numeric(c);
    return order.map((i) => v[i]);
  };
  const design = clusterAssignmentDesign({
    clusters: sortedIds,
    strata,
    treatedShare: s.treatedShare ?? 0.5,
    rerandomization: s.rerandomize
      ? {
          criterion: s.rerandomize.criterion,
          threshold: s.rerandomize.threshold,
          covariates: rerandCols as string[],
          values: (rerandCols as string[]).map(colValues),
          maxDraws: s.rerandomize.maxDraws,
        }
      : null,
  });
  const draw = drawClusterAssignment(design, streamFor(s.seed, "sequence", ASSIGN_STREAM));
  const treated = draw.treated;
  const balance = balanceTable(balanceCols, balanceCols.map(colValues), treated);
  const inputHash = hashInputs(s, sortedIds, strata, balanceCols, rerandCols ?? [], colValues);

  const nT = treated.reduce((a, b) => a + b, 0);
  const rule = design.rerandomization;
  const rerandomization: RerandomizationRecord | null = rule
    ? {
        criterion: rule.criterion,
        threshold: rule.threshold,
        covariates: [...rule.covariates],
        maxDraws: rule.maxDraws,
        draws: draw.draws,
        statistic: draw.balance as number,
        rule: `accept the first draw with ${rule.criterion === "max-smd" ? "max |SMD|" : "Mahalanobis distance"} ≤ ${rule.threshold} (at most ${rule.maxDraws} draws)`,
      }
    : null;
  const result: ClusterAssignment = {
    method: "cluster-assign",
    cluster: s.cluster,
    strata: strataCols,
    seed: s.seed,
    inputHash,
    assignment: sortedIds.map((cluster, i) => ({
      cluster,
      stratum: strata ? strata[i] : null,
      treated: treated[i] === 1 ? 1 : 0,
    })),
    counts: {
      clusters: n,
      treated: nT,
      control: n - nT,
      blocks: design.blocks.map((b) => ({
        stratum: b.stratum,
        clusters: b.members.length,
        treated: b.treated,
      })),
      possibleAssignments: countAssignments(design),
    },
    balance,
    rerandomization,
    design: design as ClusterAssignmentDesign,
    diagnostics: assignDiagnostics(design, balance, rerandomization, s.treatedShare ?? 0.5),
    provenance: {
      spec: toJson(s),
      inputHash,
      seed: s.seed,
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
    },
  };
  return deepFreeze(result);
}

function checkClusterIds(frame: Frame, column: string): void {
  const rows: number[] = [];
  let count = 0;
  for (let i = 0; i < frame.nrows; i++) {
    const v = frame.value(column, i);
    if (v === null || v === "") {
      count++;
      if (rows.length < 20) rows.push(i + 1);
    }
  }
  if (count > 0) {
    throw new TrueliftError(
      "E_NAN_IN_CLUSTER",
      `Column '${column}' has ${count} missing cluster ${count === 1 ? "id" : "ids"} (rows ${rows.slice(0, 5).join(", ")}${count > 5 ? ", …" : ""}).`,
      { details: { column, count, rows } },
    );
  }
}

function defaultCovariates(frame: Frame, cluster: string, strata: readonly string[]): string[] {
  return frame.names.filter((c) => c !== cluster && !strata.includes(c) && frame.column(c).kind !== "str");
}

function compareIds(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function balanceTable(
  names: readonly string[],
  values: readonly number[][],
  treated: Uint8Array,
): AssignmentBalanceRow[] {
  if (names.length === 0) return [];
  const d = meanDifferences({ values }, treated);
  return names.map((covariate, j) => ({
    covariate,
    meanTreated: d.meanT[j],
    meanControl: d.meanC[j],
    difference: d.diff[j],
    smd: Number.isFinite(d.smd[j]) ? d.smd[j] : null,
  }));
}

function hashInputs(
  s: ValidAssignSpec,
  ids: readonly string[],
  strata: readonly string[] | null,
  balanceCols: readonly string[],
  rerandCols: readonly string[],
  colValues: (c: string) => number[],
): string {
  const covs = [...new Set([...balanceCols, ...rerandCols])].sort();
  const payload = {
    spec: canonical(toJson(s)),
    clusters: ids,
    strata,
    covariates: Object.fromEntries(covs.map((c) => [c, colValues(c)])),
  };
  return createHash("sha256").update(JSON.stringify(payload)).digest("hex");
}

/** JSON with object keys sorted, so the hash does not depend on key order. */
function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, Json>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return v;
}

function assignDiagnostics(
  design: DeepReadonly<ClusterAssignmentDesign>,
  balance: readonly AssignmentBalanceRow[],
  rerand: RerandomizationRecord | null,
  share: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (balance.length > 0) {
    let worst = balance[0];
    for (const b of balance)
      if (Math.abs(b.smd ?? Number.POSITIVE_INFINITY) > Math.abs(worst.smd ?? Number.POSITIVE_INFINITY))
        worst = b;
    const maxSmd = worst.smd === null ? null : Math.abs(worst.smd);
    const severity = maxSmd === null || maxSmd > 0.25 ? "warn" : "pass";
    out.push(
      diagnostic("D_ASSIGN_BALANCE", severity, {
        maxAbsSmd: maxSmd,
        worstCovariate: worst.covariate,
        covariates: balance.length,
      }),
    );
  }
  if (rerand) {
    out.push(
      diagnostic("D_ASSIGN_RERANDOMIZED", "info", {
        criterion: rerand.criterion,
        threshold: rerand.threshold,
        draws: rerand.draws,
        statistic: rerand.statistic,
      }),
    );
  }
  const odd = design.blocks.filter((b) => Math.abs(b.treated - share * b.members.length) > 1e-9);
  if (odd.length > 0) {
    const nT = design.blocks.reduce((a, b) => a + b.treated, 0);
    out.push(
      diagnostic(
        "D_ASSIGN_ODD_BLOCKS",
        "info",
        { blocks: odd.length, realisedShare: nT / design.clusters.length, targetShare: share },
        { treated: nT, clusters: design.clusters.length },
      ),
    );
  }
  return out;
}
