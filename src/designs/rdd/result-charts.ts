import type { DeepReadonly } from "../../core/result.js";
import { type ChartSpec, coefficientChart } from "../shared/charts/index.js";
import { cutoffBinCounts } from "./bins.js";
import { densityPlotChart, rdPlotChart } from "./charts.js";
import type { DensityTestResult } from "./density/index.js";
import type { RdPlotResult } from "./rdplot/index.js";
import type { RddSweepRow } from "./sweep.js";

/** Vega-Lite specs of an RD analysis (null when the input is missing). */
export interface RddCharts {
  /** Binned means with the polynomial fits each side and the cutoff (rdplot). */
  readonly rdplot: ChartSpec | null;
  /** Histogram of the running variable around the cutoff with the density test's estimates. */
  readonly density: ChartSpec | null;
  /** The effect and its interval across the bandwidth sweep. */
  readonly sweep: ChartSpec | null;
}

/** Inputs of {@link rddCharts}. */
export interface RddChartInput {
  readonly outcome: string;
  readonly running: string;
  readonly cutoff: number;
  readonly x: Float64Array;
  readonly plot: DeepReadonly<RdPlotResult> | null;
  readonly density: DeepReadonly<DensityTestResult> | null;
  readonly sweep: readonly RddSweepRow[];
  readonly headlineBandwidth: number;
}

/**
 * The RD charts: the rdplot, the density histogram around the cutoff (20 bins per side of width h/10, with the
 * density test's estimates at the cutoff) and the bandwidth sweep as a coefficient chart. Pure; chart builders
 * that reject their input leave that chart null.
 *
 * @example
 * ```ts
 * // rddCharts({ outcome: "task_completed", running: "query_confidence", cutoff: 0.85, x, plot, density, sweep, headlineBandwidth: 0.1 })
 * ```
 */
export function rddCharts(i: RddChartInput): RddCharts {
  const safe = (f: () => ChartSpec): ChartSpec | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  const rdplot = i.plot
    ? safe(() => rdPlotChart(i.plot as RdPlotResult, { xTitle: i.running, yTitle: i.outcome }))
    : null;
  const density = safe(() => {
    const width = Number((i.headlineBandwidth / 10).toPrecision(2));
    const bins = cutoffBinCounts(i.x, { cutoff: i.cutoff, width, binsPerSide: 10 });
    return densityPlotChart(
      {
        cutoff: i.cutoff,
        bins: bins.rows.map((r) => ({ lower: r.lower, upper: r.upper, count: r.count })),
        total: i.x.length,
        ...(i.density ? { test: { left: i.density.left, right: i.density.right } } : {}),
      },
      { xTitle: i.running },
    );
  });
  const rows = i.sweep
    .filter((r) => r.conventional !== null)
    .map((r) => ({
      position: r.bandwidth,
      estimate: r.conventional?.estimate as number,
      ciLow: r.conventional?.ci?.[0] ?? null,
      ciHigh: r.conventional?.ci?.[1] ?? null,
      reference: r.bandwidth === i.headlineBandwidth,
    }));
  const sweep =
    rows.length > 0
      ? safe(() =>
          coefficientChart(rows, {
            positionTitle: "Bandwidth",
            estimateTitle: `Jump in ${i.outcome}`,
            zeroRule: true,
          }),
        )
      : null;
  return { rdplot, density, sweep };
}
