import type { Frame } from "../../core/frame.js";
import type { Term } from "../../core/result.js";
import { type OutcomeBinRow, outcomeHistogram } from "./charts.js";
import type { ClusterEstimators } from "./estimators.js";
import type { ClusterExposure } from "./exposure.js";
import { type ClusterLayout, rowArms } from "./layout.js";
import type { PairsBootstrap } from "./pairs-bootstrap.js";
import type { SmallKInference } from "./small-k.js";
import type { ValidClusterSpec } from "./spec.js";
import type { TwoExposureModel } from "./two-exposure.js";

/** One cluster: its label, arm, stratum, size and mean outcome (the rows of a cluster-means-by-arm chart). */
export interface ClusterMeanRow {
  readonly cluster: string | number;
  readonly arm: "treated" | "control";
  readonly stratum: string | number | null;
  readonly size: number;
  readonly mean: number;
}

/** One exposure group's users: count, mean and SD of the outcome (outcome distributions by group). */
export interface ExposureGroupRow {
  readonly group: "treated" | "spillover" | "pure control" | "control";
  readonly n: number;
  readonly mean: number;
  readonly sd: number | null;
}

/** One estimate with its interval, for the side-by-side estimates chart. */
export interface EstimateRow {
  /** What is estimated: the effect of treating a cluster, or a two-exposure quantity. */
  readonly quantity: "effect" | "direct" | "spillover" | "projected total";
  /** How: the estimator or inference method. */
  readonly method: string;
  readonly estimate: number;
  readonly se: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** Tidy rows behind the cluster design's charts. */
export interface ClusterTidy {
  readonly clusters: readonly ClusterMeanRow[];
  readonly exposureGroups: readonly ExposureGroupRow[];
  readonly estimates: readonly EstimateRow[];
  /**
   * Histogram of the per-user outcome by exposure group (40 bins shared by all groups; {@link outcomeHistogram}).
   * It needs the users' outcomes: empty when the analysis ran on compressed cells of more than one user from an
   * engine (the in-memory path fills it from the rows).
   */
  readonly outcomeBins: readonly OutcomeBinRow[];
}

/**
 * The tidy rows of a cluster analysis: cluster means by arm, outcome by exposure group, every estimate with
 * its interval (naive, cluster-mean WLS, CR1/CR2/CR3, two-exposure, projected, wild bootstrap, randomization
 * inference, pairs bootstrap), and the histogram of the per-user outcome by exposure group (`outcomeBins`, when
 * given: see {@link clusterOutcomeBins}; else from the units when each is one user, else empty). Group counts,
 * means and SDs weigh units by their user counts and pool their within-unit sums of squares (Chan et al.), so
 * cells give the users' numbers.
 *
 * @example
 * ```ts
 * import { cluster } from "truelift";
 * cluster(frame, spec).tidy.estimates.map((r) => `${r.quantity} · ${r.method}`);
 * ```
 * @see Chan, Golub & LeVeque (1979) (pooled sums of squares).
 */
export function clusterTidy(
  layout: ClusterLayout,
  exposure: ClusterExposure | null,
  estimators: ClusterEstimators,
  twoExposure: TwoExposureModel | null,
  smallK: SmallKInference | null,
  bootstrap: PairsBootstrap | null,
  outcomeBins?: readonly OutcomeBinRow[],
): ClusterTidy {
  const clusters: ClusterMeanRow[] = [];
  for (let g = 0; g < layout.clusters; g++) {
    clusters.push({
      cluster: layout.labels[g],
      arm: layout.treated[g] ? "treated" : "control",
      stratum: layout.strata && layout.strataLabels ? layout.strataLabels[layout.strata[g]] : null,
      size: layout.sizes[g],
      mean: layout.sums[g] / layout.sizes[g],
    });
  }
  const groupOf = (i: number): number => (layout.d[i] === 1 ? 0 : exposure && exposure.spill[i] > 0 ? 1 : 2);
  const acc = [0, 1, 2].map(() => ({ n: 0, mean: 0, m2: 0 }));
  for (let i = 0; i < layout.units; i++) {
    const a = acc[groupOf(i)];
    const w = layout.w[i];
    const before = a.n;
    a.n += w;
    const delta = layout.y[i] - a.mean;
    a.mean += (delta * w) / a.n;
    a.m2 += layout.ss[i] + (delta * delta * before * w) / a.n;
  }
  const labels = exposure
    ? (["treated", "spillover", "pure control"] as const)
    : (["treated", "spillover", "control"] as const);
  const exposureGroups: ExposureGroupRow[] = acc
    .map((a, j) => ({
      group: labels[j],
      n: a.n,
      mean: a.mean,
      sd: a.n > 1 ? Math.sqrt(a.m2 / (a.n - 1)) : null,
    }))
    .filter((r) => r.n > 0);

  const estimates: EstimateRow[] = [];
  const add = (quantity: EstimateRow["quantity"], method: string, t: Term) =>
    estimates.push({
      quantity,
      method,
      estimate: t.estimate,
      se: t.se,
      lower: t.ci?.[0] ?? null,
      upper: t.ci?.[1] ?? null,
    });
  add("effect", "naive user-level OLS", estimators.naive);
  add("effect", "cluster-mean WLS", estimators.clusterMeans);
  add("effect", "CR1", estimators.cr1);
  add("effect", "CR2 (Bell–McCaffrey df)", estimators.cr2);
  add(
    "effect",
    estimators.cr3.name.endsWith("(clubSandwich)") ? "CR3 (jackknife, clubSandwich)" : "CR3 (jackknife)",
    estimators.cr3,
  );
  if (smallK?.wild) {
    const w = smallK.wild.treatment;
    estimates.push({
      quantity: "effect",
      method: "wild cluster bootstrap",
      estimate: w.estimate,
      se: null,
      lower: w.ci?.[0] ?? null,
      upper: w.ci?.[1] ?? null,
    });
  }
  if (smallK?.randomization) {
    const r = smallK.randomization;
    estimates.push({
      quantity: "effect",
      method: r.rerandomization ? "randomization inference (re-randomized)" : "randomization inference",
      estimate: r.estimate,
      se: null,
      lower: r.ci?.[0] ?? null,
      upper: r.ci?.[1] ?? null,
    });
  }
  if (twoExposure) {
    add("direct", "two-exposure CR1", twoExposure.direct);
    add("spillover", "two-exposure CR1", twoExposure.spillover);
    add("projected total", "delta method", twoExposure.projected.term);
  }
  for (const b of bootstrap?.estimates ?? []) {
    const quantity = (b.name === "effect" ? "effect" : b.name) as EstimateRow["quantity"];
    estimates.push({
      quantity,
      method: "pairs cluster bootstrap",
      estimate: b.estimate,
      se: b.se,
      lower: b.ci?.[0] ?? null,
      upper: b.ci?.[1] ?? null,
    });
  }
  let single = true;
  for (let i = 0; i < layout.units && single; i++) single = layout.w[i] === 1;
  const bins =
    outcomeBins ??
    (single
      ? outcomeHistogram(
          layout.y,
          Array.from(layout.d, (_, i) => labels[groupOf(i)]),
          { bins: 40 },
        )
      : []);
  return { clusters, exposureGroups, estimates, outcomeBins: bins };
}

/**
 * The histogram of the per-user outcome by exposure group (treated / spillover / pure control, or control without
 * exposure), from the rows — what the compressed path cannot rebuild from cell means.
 *
 * @example
 * ```ts
 * import { clusterOutcomeBins, parseClusterSpec } from "truelift";
 * clusterOutcomeBins(frame, parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g" })).length;
 * ```
 */
export function clusterOutcomeBins(frame: Frame, spec: ValidClusterSpec): OutcomeBinRow[] {
  const d = rowArms(frame, spec);
  const flag = spec.exposure && "column" in spec.exposure ? frame.numeric(spec.exposure.column) : null;
  const labels = spec.exposure
    ? (["treated", "spillover", "pure control"] as const)
    : (["treated", "spillover", "control"] as const);
  const groups = Array.from(d, (di, i) => labels[di === 1 ? 0 : flag && flag[i] === 1 ? 1 : 2]);
  return outcomeHistogram(frame.numeric(spec.outcome), groups, { bins: 40 });
}
