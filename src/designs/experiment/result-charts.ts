import type { DeepReadonly } from "../../core/result.js";
import { coefficientChart } from "../shared/charts/coefficient-chart.js";
import type { ChartSpec } from "../shared/charts/types.js";
import type { ExperimentResult } from "./experiment.js";

/**
 * The charts of an experiment (Vega-Lite specs with their data embedded). A type alias so it fits the report
 * adapter's `Record<string, ChartSpec | null>`.
 */
export type ExperimentCharts = {
  /** Forest plot of the relative lift of every variant on every metric, with its interval (in %); null when no
   * lift is defined (every control mean 0). */
  readonly lifts: ChartSpec | null;
};

/**
 * Builds the experiment's charts from the result's comparisons: a horizontal forest plot of relative lifts
 * (variant × metric), zero marked.
 *
 * @example
 * ```ts
 * import { experiment, experimentCharts } from "truelift";
 * experimentCharts(experiment(frame, spec)).lifts; // forest plot of relative lifts
 * ```
 * @see Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments, ch. 2 (the scorecard).
 */
export function experimentCharts(result: DeepReadonly<ExperimentResult>): ExperimentCharts {
  const rows = result.comparisons.flatMap((c) =>
    c.relative === null
      ? []
      : [
          {
            position: `${c.metric} · ${c.variant} vs ${c.control}${c.role === "guardrail" ? " (guardrail)" : ""}`,
            estimate: 100 * c.relative.estimate,
            ciLow: c.relative.ci ? 100 * c.relative.ci[0] : null,
            ciHigh: c.relative.ci ? 100 * c.relative.ci[1] : null,
          },
        ],
  );
  if (rows.length === 0) return { lifts: null };
  return {
    lifts: coefficientChart(rows, {
      positionTitle: "Metric · comparison",
      estimateTitle: "Relative lift (%)",
      orientation: "horizontal",
      title: "Relative lift by metric and variant",
    }),
  };
}
