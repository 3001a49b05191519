import type { DeepReadonly } from "../../core/result.js";
import type { ChartSpec } from "../shared/charts/types.js";
import { propensityLovePlot, propensityOverlapChart, propensityWeightChart } from "./charts.js";
import type { PropensityResult } from "./propensity.js";

/**
 * The three propensity charts, as Vega-Lite specs. A type alias rather than an interface, so it fits the report
 * adapter's `Record<string, ChartSpec | null>`.
 */
export type PropensityCharts = {
  readonly overlap: ChartSpec;
  readonly love: ChartSpec;
  readonly weights: ChartSpec;
};

/**
 * Builds the propensity charts from the result's tidy data alone: the overlap histogram with the trimming bounds
 * (`result.overlap`, `result.trim`), the love plot before and after weighting and matching (`result.balance`,
 * labelled with the matching's k) and the weight distribution of the result's estimand (`result.weights`).
 *
 * @example
 * ```ts
 * import { propensity, propensityCharts } from "truelift";
 * propensityCharts(propensity(frame, spec)).love; // covariate balance before and after adjustment
 * ```
 */
export function propensityCharts(result: DeepReadonly<PropensityResult>): PropensityCharts {
  return {
    overlap: propensityOverlapChart(result.overlap, { trim: result.trim }),
    love: propensityLovePlot(result.balance, { matchedLabel: `Matched (${result.matching.options.k}-NN)` }),
    weights: propensityWeightChart(result.weights, result.estimand),
  };
}
