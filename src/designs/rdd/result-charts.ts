import type { DeepReadonly } from "../../core/result.js";
import { type ChartSpec, coefficientChart } from "../shared/charts/index.js";
import { densityPlotChart, rdPlotChart } from "./charts.js";
import type { RddResult } from "./rdd.js";
import type { RdPlotResult } from "./rdplot/index.js";

/**
 * Vega-Lite specs of an RD analysis (null when the input is missing). A type alias rather than an interface, so
 * it fits the report adapter's `Record<string, ChartSpec | null>`.
 */
export type RddCharts = {
  /** Binned means with the polynomial fits each side and the cutoff (rdplot). */
  readonly rdplot: ChartSpec | null;
  /** Histogram of the running variable around the cutoff with the density test's estimates. */
  readonly density: ChartSpec | null;
  /** The effect and its interval across the bandwidth sweep. */
  readonly sweep: ChartSpec | null;
};

/**
 * The RD charts, from the result's tidy rows alone: the rdplot, the density histogram around the cutoff
 * (`result.densityBins`, with the density test's estimates at the cutoff) and the bandwidth sweep as a
 * coefficient chart, the headline bandwidth (the mean of the two sides' h) marked as such in the legend (e.g.
 * "Headline bandwidth (MSE-optimal)"). Pure; chart builders that reject their input leave that chart null.
 *
 * @example
 * ```ts
 * import { rdd, rddCharts } from "truelift";
 * rddCharts(rdd(frame, spec)).sweep; // the effect across bandwidths
 * ```
 */
export function rddCharts(result: DeepReadonly<RddResult>): RddCharts {
  const safe = (f: () => ChartSpec): ChartSpec | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };
  const { outcome, running, cutoff, rdplot: plot, density: test, densityBins } = result;
  const rdplot = plot
    ? safe(() => rdPlotChart(plot as RdPlotResult, { xTitle: running, yTitle: outcome }))
    : null;
  const density =
    densityBins === null
      ? null
      : safe(() =>
          densityPlotChart(
            {
              cutoff,
              bins: densityBins.map((r) => ({ lower: r.lower, upper: r.upper, count: r.count })),
              total: result.n.obs,
              ...(test ? { test: { left: test.left, right: test.right } } : {}),
            },
            { xTitle: running },
          ),
        );
  const headlineBandwidth = (result.fit.h.below + result.fit.h.above) / 2;
  const rows = result.sweep
    .filter((r) => r.conventional !== null)
    .map((r) => ({
      position: r.bandwidth,
      estimate: r.conventional?.estimate as number,
      ciLow: r.conventional?.ci?.[0] ?? null,
      ciHigh: r.conventional?.ci?.[1] ?? null,
      reference: r.bandwidth === headlineBandwidth,
    }));
  const sweep =
    rows.length > 0
      ? safe(() =>
          coefficientChart(rows, {
            positionTitle: `Bandwidth (${running})`,
            estimateTitle: `Jump in ${outcome}`,
            zeroRule: true,
            title: `Jump in ${outcome} across bandwidths`,
            subtitle: "Points: estimate at each bandwidth (conventional, b = h); bars: confidence intervals",
            estimateLabel: "Estimate at this bandwidth",
            referenceLabel: headlineBandwidthLabel(result.fit.bwselect, result.fit.h),
          }),
        )
      : null;
  return { rdplot, density, sweep };
}

/**
 * The sweep chart's legend entry for the headline bandwidth: how it was chosen (`bwselect`: MSE- or
 * CER-optimal, or given by the user), noting when it is the mean of two sides' bandwidths.
 *
 * @example
 * ```ts
 * headlineBandwidthLabel("mserd", { below: 0.1, above: 0.1 }); // "Headline bandwidth (MSE-optimal)"
 * ```
 */
export function headlineBandwidthLabel(
  bwselect: string,
  h: { readonly below: number; readonly above: number },
): string {
  const how = bwselect.startsWith("mse")
    ? "MSE-optimal"
    : bwselect.startsWith("cer")
      ? "CER-optimal"
      : bwselect === "manual"
        ? "chosen"
        : bwselect;
  return `Headline bandwidth (${how}${h.below === h.above ? "" : ", mean of both sides"})`;
}
