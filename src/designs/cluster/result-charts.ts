import type { ChartSpec } from "../shared/charts/types.js";
import {
  clusterEstimatesChart,
  clusterMeansChart,
  outcomeDistributionChart,
  outcomeHistogram,
} from "./charts.js";
import type { ClusterExposure } from "./exposure.js";
import type { ClusterLayout } from "./layout.js";
import type { ClusterTidy } from "./tidy.js";

/** The charts of a cluster analysis (Vega-Lite specs with their tidy data embedded). */
export interface ClusterCharts {
  /** Outcome distributions by exposure group (treated / spillover-exposed / pure control) with their means. */
  readonly outcomeDistribution: ChartSpec;
  /** One point per cluster by arm, sized by cluster size, with the arms' means. */
  readonly clusterMeans: ChartSpec;
  /** Every estimate side by side with its interval (naive, WLS, CR1–CR3, two-exposure, small-K). */
  readonly estimates: ChartSpec;
}

/**
 * Builds the cluster design's charts from its layout and tidy rows.
 *
 * @example
 * ```ts
 * import { cluster } from "truelift";
 * cluster(frame, spec).charts.estimates; // forest plot of every estimate
 * ```
 */
export function clusterCharts(
  layout: ClusterLayout,
  exposure: ClusterExposure | null,
  tidy: ClusterTidy,
): ClusterCharts {
  const control = exposure ? "pure control" : "control";
  const groups = Array.from(layout.d, (d, i) =>
    d === 1 ? "treated" : exposure && exposure.spill[i] > 0 ? "spillover" : control,
  );
  const bins = outcomeHistogram(layout.y, groups, { bins: 40 });
  return {
    outcomeDistribution: outcomeDistributionChart(
      bins,
      tidy.exposureGroups.map((g) => ({ group: g.group, mean: g.mean, n: g.n })),
      { outcomeTitle: layout.outcome },
    ),
    clusterMeans: clusterMeansChart(tidy.clusters, { outcomeTitle: `Mean ${layout.outcome} per cluster` }),
    estimates: clusterEstimatesChart(tidy.estimates, { effectTitle: `Effect on ${layout.outcome}` }),
  };
}
