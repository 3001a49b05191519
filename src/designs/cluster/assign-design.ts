import { TrueliftError } from "../../core/errors.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import type { Rng } from "../../core/rng.js";
import { shuffleFirst } from "../../models/resample.js";
import { spdInverse } from "../../numeric/linalg/index.js";

/**
 * Balance statistics a re-randomization rule can bound: the largest absolute standardized mean difference over
 * the covariates (`max-smd`), or the Mahalanobis distance between the arms' covariate means (`mahalanobis`,
 * Morgan & Rubin 2012).
 *
 * @example
 * ```ts
 * import { BALANCE_CRITERIA } from "truelift";
 * BALANCE_CRITERIA; // ["max-smd", "mahalanobis"]
 * ```
 */
export const BALANCE_CRITERIA = ["max-smd", "mahalanobis"] as const;
/** One of {@link BALANCE_CRITERIA}. */
export type BalanceCriterion = (typeof BALANCE_CRITERIA)[number];

/**
 * The default cap on re-randomization draws: past it, no assignment met the rule and `assignClusters` throws
 * `E_ASSIGN_BALANCE_UNREACHABLE` instead of looping forever.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_DRAWS } from "truelift";
 * DEFAULT_MAX_DRAWS; // 100000
 * ```
 */
export const DEFAULT_MAX_DRAWS = 100_000;

/**
 * Re-randomization: draw assignments until the balance statistic is at most `threshold` (the acceptance rule
 * "statistic ≤ threshold"). `values[j][i]` is covariate `covariates[j]` of cluster i (in design order).
 */
export interface RerandomizationRule {
  readonly criterion: BalanceCriterion;
  readonly threshold: number;
  readonly covariates: readonly string[];
  readonly values: readonly (readonly number[])[];
  readonly maxDraws: number;
}

/** One randomization block: its label (null when unstratified), its clusters (design indices) and how many are treated. */
export interface AssignmentBlock {
  readonly stratum: string | null;
  readonly members: readonly number[];
  readonly treated: number;
}

/**
 * A cluster-randomization mechanism as plain JSON data: which clusters, which strata, what share is treated and
 * the re-randomization rule. Built by {@link clusterAssignmentDesign}; drawn from by
 * {@link drawClusterAssignment}. Randomization inference re-draws under exactly this object.
 */
export interface ClusterAssignmentDesign {
  readonly mechanism: "complete" | "stratified";
  readonly clusters: readonly string[];
  readonly strata: readonly string[] | null;
  readonly treatedShare: number;
  /** Blocks in sorted stratum order; each treats `round(treatedShare · size)` clusters (halves round up). */
  readonly blocks: readonly AssignmentBlock[];
  readonly rerandomization: RerandomizationRule | null;
}

/** Input to {@link clusterAssignmentDesign}. */
export interface ClusterAssignmentDesignInput {
  /** Cluster ids, one per cluster (duplicates are an error). Their order is the order of every assignment vector. */
  readonly clusters: readonly (string | number)[];
  /** The stratum (block) of each cluster, aligned with `clusters`. __Default value:__ none (complete randomization). */
  readonly strata?: readonly (string | number)[] | null;
  /** Share of clusters treated in each block, in (0, 1). __Default value:__ 0.5. */
  readonly treatedShare?: number;
  /** Re-randomization rule. __Default value:__ none. `maxDraws` __Default value:__ {@link DEFAULT_MAX_DRAWS}. */
  readonly rerandomization?: {
    readonly criterion: BalanceCriterion;
    readonly threshold: number;
    readonly covariates: readonly string[];
    readonly values: readonly (readonly number[])[];
    readonly maxDraws?: number;
  } | null;
}

/** One draw from the mechanism: `treated[i]` is 1 when cluster i is treated; `draws` counts re-randomizations. */
export interface ClusterDraw {
  readonly treated: Uint8Array;
  /** Number of candidate assignments drawn (1 without re-randomization). */
  readonly draws: number;
  /** Balance statistic of the accepted draw (null without re-randomization). */
  readonly balance: number | null;
}

/**
 * Validates and freezes a cluster-randomization design: complete randomization of `round(treatedShare · K)`
 * clusters, or the same within each stratum, optionally re-randomized until a covariate-balance rule holds.
 * Throws `E_ASSIGN_DUPLICATE_CLUSTER`, `E_CLUSTER_SINGLE` (fewer than two clusters), `E_CLUSTER_ONE_ARM` (the
 * share leaves an arm empty), `E_LENGTH_MISMATCH`, `E_NONFINITE_VALUES` or `E_SINGULAR_DESIGN` (Mahalanobis
 * with collinear covariates).
 *
 * @example
 * ```ts
 * import { clusterAssignmentDesign } from "truelift";
 * const design = clusterAssignmentDesign({
 *   clusters: ["a", "b", "c", "d"], strata: ["x", "x", "y", "y"], treatedShare: 0.5,
 * });
 * design.blocks; // [{ stratum: "x", members: [0, 1], treated: 1 }, { stratum: "y", members: [2, 3], treated: 1 }]
 * ```
 * @see Morgan & Rubin (2012), "Rerandomization to improve covariate balance in experiments", Annals of Statistics 40(2).
 */
export function clusterAssignmentDesign(
  input: ClusterAssignmentDesignInput,
): DeepReadonly<ClusterAssignmentDesign> {
  const clusters = input.clusters.map(String);
  const k = clusters.length;
  const seen = new Map<string, number>();
  for (let i = 0; i < k; i++) {
    const prev = seen.get(clusters[i]);
    if (prev !== undefined) {
      throw new TrueliftError(
        "E_ASSIGN_DUPLICATE_CLUSTER",
        `Cluster '${clusters[i]}' appears more than once (rows ${prev + 1} and ${i + 1}).`,
        { details: { cluster: clusters[i], rows: [prev + 1, i + 1] } },
      );
    }
    seen.set(clusters[i], i);
  }
  if (k < 2) {
    throw new TrueliftError(
      "E_CLUSTER_SINGLE",
      `Only ${k} cluster${k === 1 ? "" : "s"}: nothing to randomize.`,
      {
        details: { clusters: k },
      },
    );
  }
  const share = input.treatedShare ?? 0.5;
  if (!(share > 0 && share < 1)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `treatedShare must lie strictly between 0 and 1; got ${share}.`,
      {
        details: { treatedShare: share },
      },
    );
  }
  const strata = input.strata == null ? null : input.strata.map(String);
  if (strata !== null && strata.length !== k) {
    throw new TrueliftError("E_LENGTH_MISMATCH", `strata has ${strata.length} entries; expected ${k}.`);
  }
  const blocks = buildBlocks(k, strata, share);
  const treatedTotal = blocks.reduce((s, b) => s + b.treated, 0);
  if (treatedTotal === 0 || treatedTotal === k) {
    throw new TrueliftError(
      "E_CLUSTER_ONE_ARM",
      `A treated share of ${share} puts all ${k} clusters in the ${treatedTotal === 0 ? "control" : "treated"} arm.`,
      { details: { clusters: k, treatedShare: share, treated: treatedTotal } },
    );
  }
  const rule = input.rerandomization ? checkRule(input.rerandomization, k) : null;
  const design: ClusterAssignmentDesign = {
    mechanism: strata === null ? "complete" : "stratified",
    clusters,
    strata,
    treatedShare: share,
    blocks,
    rerandomization: rule,
  };
  return deepFreeze(design);
}

function buildBlocks(k: number, strata: string[] | null, share: number): AssignmentBlock[] {
  if (strata === null) {
    return [
      { stratum: null, members: Array.from({ length: k }, (_, i) => i), treated: Math.round(share * k) },
    ];
  }
  const groups = new Map<string, number[]>();
  for (let i = 0; i < k; i++) {
    const g = groups.get(strata[i]);
    if (g) g.push(i);
    else groups.set(strata[i], [i]);
  }
  return [...groups.keys()].sort(compareLabels).map((s) => {
    const members = groups.get(s) as number[];
    return { stratum: s, members, treated: Math.round(share * members.length) };
  });
}

/** Sorts labels numerically when both parse as numbers, else as strings. */
function compareLabels(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkRule(
  r: NonNullable<ClusterAssignmentDesignInput["rerandomization"]>,
  k: number,
): RerandomizationRule {
  if (!(BALANCE_CRITERIA as readonly string[]).includes(r.criterion)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `Unknown balance criterion '${r.criterion}'.`, {
      hint: `Use one of: ${BALANCE_CRITERIA.join(", ")}.`,
    });
  }
  if (!(Number.isFinite(r.threshold) && r.threshold > 0)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `The re-randomization threshold must be positive; got ${r.threshold}.`,
    );
  }
  const maxDraws = r.maxDraws ?? DEFAULT_MAX_DRAWS;
  if (!(Number.isInteger(maxDraws) && maxDraws >= 1)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `maxDraws must be a positive integer; got ${maxDraws}.`);
  }
  if (r.covariates.length === 0 || r.covariates.length !== r.values.length) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      "Re-randomization needs at least one covariate, with one value vector per covariate.",
      { details: { covariates: [...r.covariates], vectors: r.values.length } },
    );
  }
  const values = r.values.map((v, j) => {
    if (v.length !== k) {
      throw new TrueliftError(
        "E_LENGTH_MISMATCH",
        `Covariate '${r.covariates[j]}' has ${v.length} values; expected one per cluster (${k}).`,
      );
    }
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) {
      throw new TrueliftError(
        "E_NONFINITE_VALUES",
        `Covariate '${r.covariates[j]}' has a missing or non-finite value (cluster row ${bad + 1}).`,
        { details: { covariate: r.covariates[j], row: bad + 1 } },
      );
    }
    return [...v];
  });
  const rule: RerandomizationRule = {
    criterion: r.criterion,
    threshold: r.threshold,
    covariates: [...r.covariates],
    values,
    maxDraws,
  };
  if (rule.criterion === "mahalanobis" && covarianceInverse(rule) === null) {
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      "The balance covariates are collinear (or one is constant), so the Mahalanobis distance is undefined.",
      { details: { covariates: [...rule.covariates] } },
    );
  }
  return rule;
}

/**
 * The number of distinct assignments the design allows before re-randomization: the product over blocks of
 * C(size, treated). Exact up to 2^53; larger counts are returned as floating point (or Infinity).
 *
 * @example
 * ```ts
 * import { clusterAssignmentDesign, countAssignments } from "truelift";
 * countAssignments(clusterAssignmentDesign({ clusters: [1, 2, 3, 4, 5, 6, 7, 8] })); // 70
 * ```
 */
export function countAssignments(design: DeepReadonly<ClusterAssignmentDesign>): number {
  let total = 1;
  for (const b of design.blocks) total *= binomial(b.members.length, b.treated);
  return total;
}

function binomial(n: number, r: number): number {
  const m = Math.min(r, n - r);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i;
  return Math.round(c);
}

/**
 * One draw of the mechanism from `rng`: in each block (sorted stratum order) a partial Fisher–Yates shuffle of
 * the block's clusters (in design order) with {@link shuffleFirst}, treating the first `treated` picked; with
 * re-randomization, repeated until {@link acceptsAssignment} holds (throws `E_ASSIGN_BALANCE_UNREACHABLE` after
 * `maxDraws`). Pure: the same design and rng state give the same assignment on every machine. For
 * randomization inference, draw replicate r from its own stream, e.g. `streamFor(seed, "replicate", r)`.
 *
 * @example
 * ```ts
 * import { clusterAssignmentDesign, createRng, drawClusterAssignment } from "truelift";
 * const design = clusterAssignmentDesign({ clusters: ["a", "b", "c", "d"] });
 * drawClusterAssignment(design, createRng(1)).treated; // Uint8Array with two 1s
 * ```
 */
export function drawClusterAssignment(design: DeepReadonly<ClusterAssignmentDesign>, rng: Rng): ClusterDraw {
  const rule = design.rerandomization;
  const k = design.clusters.length;
  const treated = new Uint8Array(k);
  const maxDraws = rule?.maxDraws ?? 1;
  for (let draw = 1; draw <= maxDraws; draw++) {
    treated.fill(0);
    for (const block of design.blocks) {
      const idx = shuffleFirst(rng, block.members.slice() as number[], block.treated);
      for (let j = 0; j < block.treated; j++) treated[idx[j]] = 1;
    }
    if (rule === null) return { treated, draws: 1, balance: null };
    const stat = assignmentBalance(design, treated) as number;
    if (stat <= rule.threshold) return { treated, draws: draw, balance: stat };
  }
  throw new TrueliftError(
    "E_ASSIGN_BALANCE_UNREACHABLE",
    `No assignment met ${rule?.criterion} ≤ ${rule?.threshold} in ${maxDraws} draws.`,
    { details: { criterion: rule?.criterion ?? null, threshold: rule?.threshold ?? null, maxDraws } },
  );
}

/**
 * The balance statistic of an assignment under the design's re-randomization rule (null when there is none):
 * `max-smd` = max over covariates of |x̄_T − x̄_C| / √((s²_T + s²_C)/2) with sample variances (Infinity when the
 * pooled SD is 0 but the means differ, 0 when both are equal); `mahalanobis` = (x̄_T − x̄_C)ᵀ [S (1/n_T + 1/n_C)]⁻¹
 * (x̄_T − x̄_C) with S the sample covariance of the covariates over all clusters (Morgan & Rubin 2012).
 *
 * @example
 * ```ts
 * import { assignmentBalance, clusterAssignmentDesign } from "truelift";
 * const design = clusterAssignmentDesign({
 *   clusters: [1, 2, 3, 4],
 *   rerandomization: { criterion: "max-smd", threshold: 0.5, covariates: ["size"], values: [[10, 20, 30, 40]] },
 * });
 * assignmentBalance(design, Uint8Array.of(1, 0, 0, 1)); // 0
 * ```
 */
export function assignmentBalance(
  design: DeepReadonly<ClusterAssignmentDesign>,
  treated: ArrayLike<number>,
): number | null {
  const rule = design.rerandomization;
  if (rule === null) return null;
  const diffs = meanDifferences(rule, treated);
  if (rule.criterion === "max-smd") {
    let worst = 0;
    for (const d of diffs.smd) worst = Math.max(worst, Math.abs(d));
    return worst;
  }
  const inv = covarianceInverse(rule) as Float64Array;
  const p = rule.covariates.length;
  const scale = 1 / diffs.nT + 1 / diffs.nC;
  let m = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) m += diffs.diff[a] * inv[a * p + b] * diffs.diff[b];
  return m / scale;
}

/**
 * True when the assignment satisfies the design's re-randomization rule (always true without one): the filter
 * randomization inference must apply to every re-drawn or enumerated assignment.
 *
 * @example
 * ```ts
 * import { acceptsAssignment, clusterAssignmentDesign } from "truelift";
 * acceptsAssignment(clusterAssignmentDesign({ clusters: [1, 2] }), Uint8Array.of(1, 0)); // true
 * ```
 */
export function acceptsAssignment(
  design: DeepReadonly<ClusterAssignmentDesign>,
  treated: ArrayLike<number>,
): boolean {
  const rule = design.rerandomization;
  if (rule === null) return true;
  return (assignmentBalance(design, treated) as number) <= rule.threshold;
}

/**
 * Every assignment the design allows (blocks combined lexicographically), filtered by the re-randomization rule:
 * exact randomization inference when {@link countAssignments} is small. Each yielded vector is a fresh array.
 *
 * @example
 * ```ts
 * import { clusterAssignmentDesign, enumerateAssignments } from "truelift";
 * [...enumerateAssignments(clusterAssignmentDesign({ clusters: [1, 2, 3, 4] }))].length; // 6
 * ```
 */
export function* enumerateAssignments(
  design: DeepReadonly<ClusterAssignmentDesign>,
): Generator<Uint8Array, void, undefined> {
  const k = design.clusters.length;
  const perBlock = design.blocks.map((b) => combinations(b.members.length, b.treated));
  const pos = new Array<number>(design.blocks.length).fill(0);
  for (;;) {
    const treated = new Uint8Array(k);
    for (let g = 0; g < design.blocks.length; g++) {
      for (const j of perBlock[g][pos[g]]) treated[design.blocks[g].members[j]] = 1;
    }
    if (acceptsAssignment(design, treated)) yield treated;
    let g = design.blocks.length - 1;
    while (g >= 0 && pos[g] === perBlock[g].length - 1) {
      pos[g] = 0;
      g--;
    }
    if (g < 0) return;
    pos[g]++;
  }
}

function combinations(n: number, r: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number): void => {
    if (cur.length === r) {
      out.push(cur.slice());
      return;
    }
    for (let i = start; i <= n - (r - cur.length); i++) {
      cur.push(i);
      rec(i + 1);
      cur.pop();
    }
  };
  rec(0);
  return out;
}

interface MeanDiffs {
  readonly diff: Float64Array;
  readonly smd: Float64Array;
  readonly meanT: Float64Array;
  readonly meanC: Float64Array;
  readonly nT: number;
  readonly nC: number;
}

/** Treated − control means and SMDs of each covariate of a rule (internal; exported for the balance table). */
export function meanDifferences(
  rule: DeepReadonly<Pick<RerandomizationRule, "values">>,
  treated: ArrayLike<number>,
): MeanDiffs {
  const p = rule.values.length;
  const diff = new Float64Array(p);
  const smd = new Float64Array(p);
  const meanT = new Float64Array(p);
  const meanC = new Float64Array(p);
  let nT = 0;
  for (let i = 0; i < treated.length; i++) if (treated[i]) nT++;
  const nC = treated.length - nT;
  for (let j = 0; j < p; j++) {
    const v = rule.values[j];
    let sT = 0;
    let sC = 0;
    for (let i = 0; i < v.length; i++) {
      if (treated[i]) sT += v[i];
      else sC += v[i];
    }
    const mT = nT > 0 ? sT / nT : Number.NaN;
    const mC = nC > 0 ? sC / nC : Number.NaN;
    let qT = 0;
    let qC = 0;
    for (let i = 0; i < v.length; i++) {
      if (treated[i]) qT += (v[i] - mT) ** 2;
      else qC += (v[i] - mC) ** 2;
    }
    const varT = nT > 1 ? qT / (nT - 1) : 0;
    const varC = nC > 1 ? qC / (nC - 1) : 0;
    const sd = Math.sqrt((varT + varC) / 2);
    meanT[j] = mT;
    meanC[j] = mC;
    diff[j] = mT - mC;
    smd[j] =
      sd > 0
        ? diff[j] / sd
        : diff[j] === 0
          ? 0
          : diff[j] > 0
            ? Number.POSITIVE_INFINITY
            : Number.NEGATIVE_INFINITY;
  }
  return { diff, smd, meanT, meanC, nT, nC };
}

const inverseCache = new WeakMap<object, Float64Array | null>();

function covarianceInverse(rule: DeepReadonly<RerandomizationRule>): Float64Array | null {
  const cached = inverseCache.get(rule);
  if (cached !== undefined) return cached;
  const p = rule.values.length;
  const k = rule.values[0].length;
  const means = rule.values.map((v) => v.reduce((s, x) => s + x, 0) / k);
  const cov = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += (rule.values[a][i] - means[a]) * (rule.values[b][i] - means[b]);
      cov[a * p + b] = s / (k - 1);
      cov[b * p + a] = s / (k - 1);
    }
  }
  const inv = spdInverse(cov, p);
  inverseCache.set(rule, inv);
  return inv;
}
