import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { validateColumns } from "../../core/validate.js";

/** The one-way random-effects (ANOVA) decomposition behind an ICC estimate, and the cluster sizes. */
export interface IccEstimate {
  /** max(0, raw): the ICC used for power. */
  readonly icc: number;
  /** (MSB − MSW) / (MSB + (n₀ − 1)·MSW); negative when clusters differ less than chance would make them. */
  readonly iccRaw: number;
  readonly truncated: boolean;
  readonly msb: number;
  readonly msw: number;
  /** The average cluster size adjusted for unequal sizes: (N − Σm²/N) / (K − 1). */
  readonly n0: number;
  /** Between-cluster and within-cluster variance components (σ²_b truncated at 0). */
  readonly varianceBetween: number;
  readonly varianceWithin: number;
  /** Sample SD of the outcome over all rows (n − 1 divisor): the σ a power calculation scales by. */
  readonly sd: number;
  readonly clusters: number;
  readonly obs: number;
  readonly sizes: { readonly mean: number; readonly cv: number; readonly min: number; readonly max: number };
}

/**
 * The intra-cluster correlation of an outcome by the one-way ANOVA estimator for unequal cluster sizes
 * (Donner & Koval 1980; Eldridge et al. 2006): with K clusters of sizes m_i, N = Σ m_i,
 * MSB = Σ m_i (ȳ_i − ȳ)² / (K − 1), MSW = Σ Σ (y − ȳ_i)² / (N − K), n₀ = (N − Σ m_i² / N) / (K − 1),
 * ICC = (MSB − MSW) / (MSB + (n₀ − 1) MSW), truncated at 0. Use baseline (pre-experiment) data: a treatment
 * effect that differs by cluster inflates it. Cluster-size CV uses the population SD of sizes (divisor K), which
 * makes the Eldridge design effect equal 1 + (Σm²/Σm − 1)·ICC exactly.
 *
 * @example
 * ```ts
 * import { estimateIcc, Frame } from "truelift";
 * const f = Frame.fromObject({ ws: ["a", "a", "b", "b"], y: [1, 2, 5, 6] });
 * estimateIcc(f, { outcome: "y", cluster: "ws" }).icc; // 0.96: MSB 16, MSW 0.5, n₀ 2
 * ```
 * @see Donner & Koval (1980), Biometrics 36; Eldridge, Ashby & Kerry (2006), Int J Epidemiol 35(5).
 */
export function estimateIcc(
  frame: Frame,
  columns: { outcome: string; cluster: string },
): DeepReadonly<IccEstimate> {
  validateColumns(frame, [
    { column: columns.outcome, kind: "numeric" },
    { column: columns.cluster, kind: "categorical", allowMissing: true },
  ]);
  const y = frame.numeric(columns.outcome);
  const codes = clusterCodes(frame, columns.cluster);
  const k = codes.levels;
  if (k < 2) {
    throw new TrueliftError("E_CLUSTER_SINGLE", `Only ${k} cluster: the ICC needs at least two.`, {
      details: { clusters: k },
    });
  }
  const n = y.length;
  if (n <= k) {
    throw new TrueliftError(
      "E_TOO_FEW_OBSERVATIONS",
      `${n} rows in ${k} clusters: the ICC needs repeated rows per cluster.`,
    );
  }
  const sum = new Float64Array(k);
  const size = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sum[codes.codes[i]] += y[i];
    size[codes.codes[i]]++;
    total += y[i];
  }
  const grand = total / n;
  let ssb = 0;
  let sumSq = 0;
  for (let g = 0; g < k; g++) {
    const mean = sum[g] / size[g];
    ssb += size[g] * (mean - grand) ** 2;
    sumSq += size[g] * size[g];
  }
  let ssw = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const g = codes.codes[i];
    ssw += (y[i] - sum[g] / size[g]) ** 2;
    sst += (y[i] - grand) ** 2;
  }
  const msb = ssb / (k - 1);
  const msw = ssw / (n - k);
  const n0 = (n - sumSq / n) / (k - 1);
  const denom = msb + (n0 - 1) * msw;
  const iccRaw = denom > 0 ? (msb - msw) / denom : 0;
  const meanSize = n / k;
  let varSize = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (let g = 0; g < k; g++) {
    varSize += (size[g] - meanSize) ** 2;
    min = Math.min(min, size[g]);
    max = Math.max(max, size[g]);
  }
  const result: IccEstimate = {
    icc: Math.max(0, iccRaw),
    iccRaw,
    truncated: iccRaw < 0,
    msb,
    msw,
    n0,
    varianceBetween: Math.max(0, (msb - msw) / n0),
    varianceWithin: msw,
    sd: Math.sqrt(sst / (n - 1)),
    clusters: k,
    obs: n,
    sizes: { mean: meanSize, cv: Math.sqrt(varSize / k) / meanSize, min, max },
  };
  return deepFreeze(result);
}

/** Dense 0..K−1 codes for a cluster column of any kind; throws `E_NAN_IN_CLUSTER` on a missing id. */
function clusterCodes(frame: Frame, column: string): { codes: Int32Array; levels: number } {
  const { codes, count, missing } = groupCodes(frame, column, null);
  if (missing > 0) {
    throw new TrueliftError("E_NAN_IN_CLUSTER", `Column '${column}' has ${missing} missing cluster ids.`, {
      details: { column, count: missing },
    });
  }
  return { codes, levels: count };
}
