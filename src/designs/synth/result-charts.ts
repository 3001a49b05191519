import type { DeepReadonly } from "../../core/result.js";
import type { ChartSpec } from "../shared/charts/types.js";
import {
  donorWeightsChart,
  leaveOneOutChart,
  placeboSpaghettiChart,
  synthGapChart,
  synthTrajectoryChart,
} from "./charts.js";
import type { SynthResult } from "./synth.js";

/**
 * The charts of a synthetic-control result (Vega-Lite specs with their data embedded); absent parts are null. A
 * type alias rather than an interface, so it fits the report adapter's `Record<string, ChartSpec | null>`.
 */
export type SynthCharts = {
  readonly trajectory: ChartSpec;
  readonly gap: ChartSpec;
  readonly placebo: ChartSpec | null;
  readonly leaveOneOut: ChartSpec | null;
  readonly weights: ChartSpec;
};

/**
 * Builds every chart of a synthetic-control result from its tidy rows (`result.rows`, `result.extensions`):
 * treated vs synthetic with the treatment date, the gap, the placebo spaghetti with the treated gap highlighted,
 * the leave-one-out band, and the donor weights (next to the SDID and augmented-SC weights when those ran).
 *
 * @example
 * ```ts
 * import { synth, synthCharts } from "truelift";
 * synthCharts(synth(frame, spec)).trajectory; // treated vs synthetic over time
 * ```
 */
export function synthCharts(result: DeepReadonly<SynthResult>): SynthCharts {
  const { rows, extensions, outcome } = result;
  const time = {
    treatmentStart: result.panel.treatmentStart,
    outcomeLabel: outcome,
    periodLabel: result.time,
  };
  const trajectory = synthTrajectoryChart(
    rows.trajectory.map((r) => ({ period: r.period, treated: r.treated, synthetic: r.synthetic })),
    time,
  );
  const gap = synthGapChart(
    rows.trajectory.map((r) => ({ period: r.period, gap: r.gap })),
    { ...time, outcomeLabel: `${outcome}: treated − synthetic` },
  );
  const placeboRows = rows.placeboGaps.filter((r) => r.kept);
  const placebo = placeboRows.some((r) => !r.treated)
    ? placeboSpaghettiChart(
        placeboRows.map((r) => ({ unit: r.unit, period: r.period, gap: r.gap, treated: r.treated })),
        { ...time, outcomeLabel: `${outcome}: gap` },
      )
    : null;
  const byPeriod = new Map(rows.trajectory.map((r) => [r.period, r]));
  const leaveOneOut =
    rows.leaveOneOut.length === 0
      ? null
      : leaveOneOutChart(
          [
            ...rows.trajectory.flatMap((r) => [
              { period: r.period, series: "treated" as const, value: r.treated },
              { period: r.period, series: "synthetic" as const, value: r.synthetic },
            ]),
            ...rows.leaveOneOut.map((r) => ({
              period: r.period,
              series: "leave-one-out" as const,
              value: (byPeriod.get(r.period)?.treated ?? 0) - r.gap,
              unit: r.dropped,
            })),
          ],
          time,
        );
  const multi = extensions.sdid !== null || extensions.augmented !== null;
  const weightRows = rows.weights.map((w) => ({
    unit: w.unit,
    weight: w.weight,
    ...(multi ? { method: "SC" } : {}),
  }));
  if (extensions.sdid) {
    for (const w of extensions.sdid.unitWeights)
      weightRows.push({ unit: w.unit, weight: w.sdid, method: "SDID" });
  }
  if (extensions.augmented) {
    for (const w of extensions.augmented.weights)
      weightRows.push({ unit: w.unit, weight: w.augmented, method: "Augmented SC" });
  }
  const weights = donorWeightsChart(weightRows);
  return { trajectory, gap, placebo, leaveOneOut, weights };
}
