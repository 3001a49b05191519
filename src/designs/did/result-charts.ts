import type { DeepReadonly } from "../../core/result.js";
import type { ChartSpec } from "../shared/charts/types.js";
import { baconChart, csDynamicChart, didTrendChart, eventStudyChart } from "./charts.js";
import type { DidResult } from "./did.js";

/**
 * The charts of a DiD analysis (Vega-Lite specs with their tidy data embedded); absent parts are null. A type
 * alias rather than an interface, so it fits the report adapter's `Record<string, ChartSpec | null>`.
 */
export type DidCharts = {
  readonly trend: ChartSpec;
  readonly eventStudy: ChartSpec | null;
  readonly csDynamic: ChartSpec | null;
  readonly bacon: ChartSpec | null;
};

/**
 * Builds every chart a DiD result can show, from the result's tidy rows alone: group means over time with the
 * treatment date and counterfactual, the event study, and for staggered adoption the Callaway–Sant'Anna dynamic
 * effects with their uniform band and the Bacon scatter.
 *
 * @example
 * ```ts
 * import { did, didCharts } from "truelift";
 * didCharts(did(frame, spec)).trend.title;
 * ```
 */
export function didCharts(result: DeepReadonly<DidResult>): DidCharts {
  const { layout, staggered } = result;
  const outcomeLabel = result.outcome;
  const periodLabel = layout.time;
  const confidenceLevel = 1 - result.alpha;
  const twoGroup = result.design === "two-group" && layout.start !== null;
  const firstStart =
    layout.start?.effective ??
    Math.min(
      ...layout.cohorts.filter((c) => c.start !== null).map((c) => (c.start as number) - layout.anticipation),
    );
  const trend = didTrendChart(result.trends.rows, {
    treatmentStart: firstStart,
    outcomeLabel,
    periodLabel,
    ...(twoGroup ? { treatedGroup: "treated", controlGroup: "comparison" } : {}),
    ...(twoGroup ? {} : { treatmentLabel: "First cohort treated" }),
  });
  const events = result.eventStudy;
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
