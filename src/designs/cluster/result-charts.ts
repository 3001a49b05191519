import type { DeepReadonly } from "../../core/result.js";
import type { ChartSpec } from "../shared/charts/types.js";
import { clusterEstimatesChart, clusterMeansChart, outcomeDistributionChart } from "./charts.js";
import type { ClusterResult } from "./cluster.js";

/**
 * The charts of a cluster analysis (Vega-Lite specs with their tidy data embedded). A type alias rather than an
 * interface, so it fits the report adapter's `Record<string, ChartSpec | null>`.
 */
export type ClusterCharts = {
  /**
   * Outcome distributions by exposure group (treated / spillover-exposed / pure control) with their means; null
   * without the per-user histogram (an analysis from an engine's compressed cells).
   */
  readonly outcomeDistribution: ChartSpec | null;
  /** One point per cluster by arm, sized by cluster size, with the arms' means. */
  readonly clusterMeans: ChartSpec;
  /** Every estimate side by side with its interval (naive, WLS, CR1–CR3, two-exposure, small-K). */
  readonly estimates: ChartSpec;
};

/**
 * Builds the cluster design's charts from the result's tidy rows alone (`result.tidy`: outcome bins and means by
 * exposure group, cluster means by arm, estimates side by side).
 *
 * @example
 * ```ts
 * import { cluster, clusterCharts } from "truelift";
 * clusterCharts(cluster(frame, spec)).estimates; // forest plot of every estimate
 * ```
 */
export function clusterCharts(result: DeepReadonly<ClusterResult>): ClusterCharts {
  const { outcome, tidy } = result;
  return {
    outcomeDistribution:
      tidy.outcomeBins.length === 0
        ? null
        : outcomeDistributionChart(
            tidy.outcomeBins,
            tidy.exposureGroups.map((g) => ({ group: g.group, mean: g.mean, n: g.n })),
            { outcomeTitle: outcome },
          ),
    clusterMeans: clusterMeansChart(tidy.clusters, { outcomeTitle: `Mean ${outcome} per cluster` }),
    estimates: clusterEstimatesChart(tidy.estimates, { effectTitle: `Effect on ${outcome}` }),
  };
}
