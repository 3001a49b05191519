import type { DeepReadonly } from "../../core/result.js";
import type { ChartSpec } from "../shared/charts/types.js";
import { baconChart, csDynamicChart, didTrendChart, eventStudyChart } from "./charts.js";
import type { EventStudy } from "./event-study.js";
import type { DidLayout } from "./layout.js";
import type { StaggeredDid } from "./staggered.js";
import type { DidTrends } from "./trends.js";

/** The charts of a DiD analysis (Vega-Lite specs with their tidy data embedded); absent parts are null. */
export interface DidCharts {
  readonly trend: ChartSpec;
  readonly eventStudy: ChartSpec | null;
  readonly csDynamic: ChartSpec | null;
  readonly bacon: ChartSpec | null;
}

/**
 * Builds every chart a DiD result can show: group means over time with the treatment date and counterfactual,
 * the event study, and for staggered adoption the Callaway–Sant'Anna dynamic effects with their uniform band and
 * the Bacon scatter.
 *
 * @example
 * ```ts
 * import { didCharts } from "truelift";
 * didCharts(layout, trends, eventStudy, staggered, 0.05).trend.title;
 * ```
 */
export function didCharts(
  layout: DidLayout,
  trends: DidTrends,
  events: DeepReadonly<EventStudy> | null,
  staggered: StaggeredDid | null,
  alpha: number,
): DidCharts {
  const outcomeLabel = layout.outcome;
  const periodLabel = layout.time;
  const confidenceLevel = 1 - alpha;
  const twoGroup = layout.kind === "two-group" && layout.start !== null;
  const firstStart =
    layout.start?.effective ??
    Math.min(
      ...layout.cohorts.filter((c) => c.start !== null).map((c) => (c.start as number) - layout.anticipation),
    );
  const trend = didTrendChart(trends.rows, {
    treatmentStart: firstStart,
    outcomeLabel,
    periodLabel,
    ...(twoGroup ? { treatedGroup: "treated", controlGroup: "comparison" } : {}),
    ...(twoGroup ? {} : { treatmentLabel: "First cohort treated" }),
  });
  const eventStudy =
    events === null
      ? null
      : eventStudyChart(events.rows, {
          outcomeLabel,
          timeLabel: `${periodLabel} relative to treatment`,
          confidenceLevel,
        });
  const cs = staggered?.callawaySantAnna?.aggregations.dynamic ?? null;
  const csRows = (cs?.rows ?? [])
    .filter((r) => r.estimate !== null)
    .map((r) => ({
      e: r.key,
      estimate: r.estimate as number,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      bandLow: r.bandLow ?? null,
      bandHigh: r.bandHigh ?? null,
    }));
  const csDynamic =
    csRows.length === 0
      ? null
      : csDynamicChart(csRows, {
          outcomeLabel,
          timeLabel: `${periodLabel} relative to treatment`,
          confidenceLevel,
        });
  const bacon = staggered?.bacon
    ? baconChart(
        staggered.bacon.result.comparisons.map((c) => ({
          type: c.type,
          estimate: c.estimate,
          weight: c.weight,
        })),
        { twfe: staggered.bacon.result.twfe, outcomeLabel },
      )
    : null;
  return { trend, eventStudy, csDynamic, bacon };
}
