import { TrueliftError } from "../../core/errors.js";
import {
  annotationRuleLayers,
  type DataRow,
  dataExtentScale,
  integerAxis,
  type LayerItem,
  layeredSpec,
  zeroRuleLayer,
} from "../shared/charts/layers.js";
import { type LinePoint, lineChart } from "../shared/charts/line-chart.js";
import { OKABE_ITO } from "../shared/charts/theme.js";
import type { ChartFrameOptions, ChartSpec } from "../shared/charts/types.js";
import { frameOptions, requireFinite, requireRows, requireString } from "../shared/charts/validate.js";

/**
 * Options shared by the synthetic-control time charts.
 *
 * - `treatmentStart`: first treated period, drawn as a labelled vertical rule.
 * - `outcomeLabel`: the outcome with its unit (e.g. "Packs per capita"); the value-axis title.
 * - `periodLabel`: __Default value:__ `"Period"`. `treatmentLabel`: __Default value:__ `"Treatment starts"`.
 *
 * @example
 * ```ts
 * import type { SynthTimeChartOptions } from "truelift";
 * const o: SynthTimeChartOptions = { treatmentStart: 1989, outcomeLabel: "Packs per capita", periodLabel: "Year" };
 * ```
 */
export interface SynthTimeChartOptions extends ChartFrameOptions {
  readonly treatmentStart: number;
  readonly outcomeLabel: string;
  readonly periodLabel?: string;
  readonly treatmentLabel?: string;
}

/** One period of treated vs synthetic trajectories (e.g. `sdid(…).trajectory` with numeric periods). */
export interface SynthTrajectoryPoint {
  readonly period: number;
  readonly treated: number;
  readonly synthetic: number;
}

function timeOptions(opts: SynthTimeChartOptions, chart: string) {
  const treatmentStart = requireFinite(opts?.treatmentStart, "treatmentStart", chart);
  const outcomeLabel = requireString(opts.outcomeLabel, "outcomeLabel", chart);
  const periodLabel =
    opts.periodLabel === undefined ? "Period" : requireString(opts.periodLabel, "periodLabel", chart);
  const treatmentLabel =
    opts.treatmentLabel === undefined
      ? "Treatment starts"
      : requireString(opts.treatmentLabel, "treatmentLabel", chart);
  return { treatmentStart, outcomeLabel, periodLabel, treatmentLabel };
}

/**
 * Treated vs synthetic trajectories: the treated (mean) outcome as a solid line, its synthetic comparison dashed,
 * and the treatment date as a labelled rule (built on the shared `lineChart`).
 *
 * @example
 * ```ts
 * import { synthTrajectoryChart } from "truelift";
 * const spec = synthTrajectoryChart(res.trajectory, { treatmentStart: 1989, outcomeLabel: "Packs per capita" });
 * ```
 */
export function synthTrajectoryChart(
  rows: readonly SynthTrajectoryPoint[],
  opts: SynthTimeChartOptions & { readonly treatedLabel?: string; readonly syntheticLabel?: string },
): ChartSpec {
  const chart = "synthTrajectoryChart";
  requireRows(rows, chart);
  const o = timeOptions(opts, chart);
  const treated = opts.treatedLabel ?? "Treated";
  const synthetic = opts.syntheticLabel ?? "Synthetic control";
  const observed: LinePoint[] = rows.map((r, i) => ({
    x: requireFinite(r?.period, `rows[${i}].period`, chart),
    y: requireFinite(r.treated, `rows[${i}].treated`, chart),
    series: treated,
  }));
  const counterfactual: LinePoint[] = rows.map((r, i) => ({
    x: r.period,
    y: requireFinite(r.synthetic, `rows[${i}].synthetic`, chart),
    series: synthetic,
  }));
  return lineChart(observed, {
    xTitle: o.periodLabel,
    yTitle: o.outcomeLabel,
    seriesTitle: "Unit",
    rules: [{ at: o.treatmentStart, label: o.treatmentLabel }],
    counterfactual,
    observedLabel: "Observed",
    counterfactualLabel: "Synthetic",
    title: opts.title ?? `${o.outcomeLabel}: treated vs synthetic control`,
    ...(opts.subtitle === undefined ? {} : { subtitle: opts.subtitle }),
    ...(opts.width === undefined ? {} : { width: opts.width }),
    ...(opts.height === undefined ? {} : { height: opts.height }),
  });
}

/**
 * The gap (treated minus synthetic) per period, with a zero line and the treatment date: after the date the gap
 * is the estimated effect path, before it the pre-period misfit.
 *
 * @example
 * ```ts
 * import { synthGapChart } from "truelift";
 * const spec = synthGapChart(res.trajectory.map((r) => ({ period: r.period, gap: r.gap })), {
 *   treatmentStart: 1989, outcomeLabel: "Packs per capita",
 * });
 * ```
 */
export function synthGapChart(
  rows: readonly { readonly period: number; readonly gap: number }[],
  opts: SynthTimeChartOptions,
): ChartSpec {
  const chart = "synthGapChart";
  requireRows(rows, chart);
  const o = timeOptions(opts, chart);
  const yTitle = `Gap in ${o.outcomeLabel} (treated − synthetic)`;
  const frame = frameOptions(opts, `${o.outcomeLabel}: gap between treated and synthetic control`, chart);
  const data: DataRow[] = rows.map((r, i) => ({
    period: requireFinite(r?.period, `rows[${i}].period`, chart),
    gap: requireFinite(r.gap, `rows[${i}].gap`, chart),
  }));
  const x = {
    field: "period",
    type: "quantitative",
    title: o.periodLabel,
    scale: dataExtentScale([...data.map((r) => r.period as number), o.treatmentStart]),
    axis: integerAxis(data.map((r) => r.period as number)),
  } as const;
  const layer: LayerItem[] = [
    zeroRuleLayer("y", yTitle),
    {
      name: "gap",
      mark: { type: "line", strokeWidth: 2, color: OKABE_ITO[0], point: true },
      encoding: {
        x,
        y: { field: "gap", type: "quantitative", title: yTitle },
        tooltip: [
          { field: "period", type: "quantitative", title: o.periodLabel },
          { field: "gap", type: "quantitative", title: "Gap", format: ".4~g" },
        ],
      },
    },
    ...treatmentRule(o, frame.width),
  ];
  return layeredSpec(frame, layer, data);
}

/** One point of a placebo gap path: the unit (a donor used as a placebo, or the treated unit), period and gap. */
export interface PlaceboGapPoint {
  readonly unit: string;
  readonly period: number;
  readonly gap: number;
  readonly treated: boolean;
}

/**
 * Placebo "spaghetti": every in-space placebo's gap path as a thin grey line and the treated unit's gap
 * highlighted on top, with a zero line and the treatment date. If the treated line stands out from the grey
 * bundle after the date, the effect is unlikely to be chance.
 *
 * @example
 * ```ts
 * import { placeboSpaghettiChart } from "truelift";
 * const spec = placeboSpaghettiChart(
 *   [
 *     { unit: "A", period: 1, gap: 0.1, treated: false },
 *     { unit: "A", period: 2, gap: -0.2, treated: false },
 *     { unit: "CA", period: 1, gap: 0, treated: true },
 *     { unit: "CA", period: 2, gap: -2, treated: true },
 *   ],
 *   { treatmentStart: 2, outcomeLabel: "Packs per capita" },
 * );
 * ```
 */
export function placeboSpaghettiChart(
  rows: readonly PlaceboGapPoint[],
  opts: SynthTimeChartOptions,
): ChartSpec {
  const chart = "placeboSpaghettiChart";
  requireRows(rows, chart);
  const o = timeOptions(opts, chart);
  const data: DataRow[] = rows.map((r, i) => {
    if (typeof r?.treated !== "boolean") {
      throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: rows[${i}].treated must be true or false.`);
    }
    return {
      unit: requireString(r.unit, `rows[${i}].unit`, chart),
      period: requireFinite(r.period, `rows[${i}].period`, chart),
      gap: requireFinite(r.gap, `rows[${i}].gap`, chart),
      role: r.treated ? "Treated" : "Placebo",
    };
  });
  if (!data.some((r) => r.role === "Treated")) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: no row has treated = true.`);
  }
  const placebos = new Set(data.filter((r) => r.role === "Placebo").map((r) => r.unit)).size;
  const yTitle = `Gap in ${o.outcomeLabel} (unit − its synthetic control)`;
  const frame = frameOptions(
    {
      subtitle: `${placebos} placebo unit${placebos === 1 ? "" : "s"} in grey; the treated unit highlighted`,
      ...opts,
    },
    `${o.outcomeLabel}: treated gap against placebo gaps`,
    chart,
  );
  const x = {
    field: "period",
    type: "quantitative",
    title: o.periodLabel,
    scale: dataExtentScale([...data.map((r) => r.period as number), o.treatmentStart]),
    axis: integerAxis(data.map((r) => r.period as number)),
  } as const;
  const y = { field: "gap", type: "quantitative", title: yTitle } as const;
  const layer: LayerItem[] = [
    zeroRuleLayer("y", yTitle),
    {
      name: "placebos",
      transform: [{ filter: { field: "role", equal: "Placebo" } }],
      mark: { type: "line", strokeWidth: 1, color: "#9E9E9E", opacity: 0.6 },
      encoding: {
        x,
        y,
        detail: { field: "unit", type: "nominal" },
        tooltip: [{ field: "unit", type: "nominal", title: "Unit" }],
      },
    },
    {
      name: "treated",
      transform: [{ filter: { field: "role", equal: "Treated" } }],
      mark: { type: "line", strokeWidth: 3, color: OKABE_ITO[5] },
      encoding: {
        x,
        y,
        detail: { field: "unit", type: "nominal" },
        tooltip: [
          { field: "unit", type: "nominal", title: "Unit" },
          { field: "period", type: "quantitative", title: o.periodLabel },
          { field: "gap", type: "quantitative", title: "Gap", format: ".4~g" },
        ],
      },
    },
    ...treatmentRule(o, frame.width),
  ];
  return layeredSpec(frame, layer, data);
}

/**
 * One row of a leave-one-out chart: the treated outcome, the full synthetic control, or the synthetic control
 * refitted without one donor (`unit` names the donor left out).
 */
export interface LeaveOneOutPoint {
  readonly period: number;
  readonly series: "treated" | "synthetic" | "leave-one-out";
  readonly value: number;
  readonly unit?: string;
}

/**
 * Leave-one-out robustness: the treated outcome and the synthetic control, with a grey band spanning, per
 * period, the lowest to highest synthetic control refitted without each donor in turn. A narrow band means no
 * single donor drives the counterfactual.
 *
 * @example
 * ```ts
 * import { leaveOneOutChart } from "truelift";
 * const spec = leaveOneOutChart(
 *   [
 *     { period: 1, series: "treated", value: 10 }, { period: 1, series: "synthetic", value: 10.1 },
 *     { period: 1, series: "leave-one-out", value: 9.9, unit: "A" }, { period: 1, series: "leave-one-out", value: 10.3, unit: "B" },
 *   ],
 *   { treatmentStart: 1, outcomeLabel: "Sales" },
 * );
 * ```
 */
export function leaveOneOutChart(rows: readonly LeaveOneOutPoint[], opts: SynthTimeChartOptions): ChartSpec {
  const chart = "leaveOneOutChart";
  requireRows(rows, chart);
  const o = timeOptions(opts, chart);
  const lines: DataRow[] = [];
  const band = new Map<number, { lo: number; hi: number; n: number }>();
  rows.forEach((r, i) => {
    const period = requireFinite(r?.period, `rows[${i}].period`, chart);
    const value = requireFinite(r.value, `rows[${i}].value`, chart);
    if (r.series === "leave-one-out") {
      const b = band.get(period) ?? { lo: value, hi: value, n: 0 };
      band.set(period, { lo: Math.min(b.lo, value), hi: Math.max(b.hi, value), n: b.n + 1 });
    } else if (r.series === "treated" || r.series === "synthetic") {
      lines.push({ period, value, series: r.series === "treated" ? "Treated" : "Synthetic control" });
    } else {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `${chart}: rows[${i}].series must be "treated", "synthetic" or "leave-one-out".`,
      );
    }
  });
  if (band.size === 0) throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: no leave-one-out rows.`);
  const donors = Math.max(...[...band.values()].map((b) => b.n));
  const frame = frameOptions(
    {
      subtitle: `Grey band: range of the synthetic control refitted without each of ${donors} donors in turn`,
      ...opts,
    },
    `${o.outcomeLabel}: leave-one-out synthetic controls`,
    chart,
  );
  const periods = [...band.keys()].sort((a, b) => a - b);
  const x = {
    field: "period",
    type: "quantitative",
    title: o.periodLabel,
    scale: dataExtentScale([...periods, o.treatmentStart]),
    axis: integerAxis(periods),
  } as const;
  const layer: LayerItem[] = [
    {
      name: "band",
      data: {
        values: periods.map((p) => ({ period: p, lo: band.get(p)?.lo ?? 0, hi: band.get(p)?.hi ?? 0 })),
      },
      mark: { type: "area", color: "#BDBDBD", opacity: 0.5 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", title: o.outcomeLabel, scale: { zero: false } },
        y2: { field: "hi" },
      },
    },
    {
      name: "lines",
      mark: { type: "line", strokeWidth: 2 },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: o.outcomeLabel, scale: { zero: false } },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          scale: { domain: ["Treated", "Synthetic control"], range: [OKABE_ITO[5], OKABE_ITO[0]] },
        },
        strokeDash: {
          field: "series",
          type: "nominal",
          legend: null,
          scale: {
            domain: ["Treated", "Synthetic control"],
            range: [
              [1, 0],
              [6, 4],
            ],
          },
        },
      },
    },
    ...treatmentRule(o, frame.width),
  ];
  return layeredSpec(frame, layer, lines);
}

/** One donor's weight, optionally per method (e.g. `"SDID"`, `"SC"`, `"Augmented"`). */
export interface DonorWeightRow {
  readonly unit: string;
  readonly weight: number;
  readonly method?: string;
}

/**
 * Options of {@link donorWeightsChart}: `minWeight` — donors whose |weight| is below it under every method are
 * left out and counted in the subtitle (__Default value:__ 0.001); `title`, `subtitle`, `width`, `height`.
 *
 * @example
 * ```ts
 * import type { DonorWeightsChartOptions } from "truelift";
 * const o: DonorWeightsChartOptions = { minWeight: 0.01 };
 * ```
 */
export interface DonorWeightsChartOptions extends ChartFrameOptions {
  readonly minWeight?: number;
}

/**
 * Donor weights as a horizontal bar chart, largest first; with a `method` column, bars are grouped per donor
 * and coloured by method. Negative weights (augmented SC) extend left of the zero line.
 *
 * @example
 * ```ts
 * import { donorWeightsChart } from "truelift";
 * const spec = donorWeightsChart(res.unitWeights.flatMap((w) => [
 *   { unit: w.unit, weight: w.sdid, method: "SDID" },
 *   { unit: w.unit, weight: w.sc, method: "SC" },
 * ]));
 * ```
 */
export function donorWeightsChart(
  rows: readonly DonorWeightRow[],
  opts: DonorWeightsChartOptions = {},
): ChartSpec {
  const chart = "donorWeightsChart";
  requireRows(rows, chart);
  const min = opts.minWeight === undefined ? 0.001 : requireFinite(opts.minWeight, "minWeight", chart);
  const data = rows.map((r, i) => ({
    unit: requireString(r?.unit, `rows[${i}].unit`, chart),
    weight: requireFinite(r.weight, `rows[${i}].weight`, chart),
    method: r.method === undefined ? "Weight" : requireString(r.method, `rows[${i}].method`, chart),
  }));
  const keep = new Set(data.filter((r) => Math.abs(r.weight) >= min).map((r) => r.unit));
  const all = new Set(data.map((r) => r.unit));
  const kept = data.filter((r) => keep.has(r.unit));
  if (kept.length === 0) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: no donor has a weight of at least ${min}.`);
  }
  const methods = [...new Set(kept.map((r) => r.method))];
  const best = new Map<string, number>();
  for (const r of kept) best.set(r.unit, Math.max(best.get(r.unit) ?? Number.NEGATIVE_INFINITY, r.weight));
  const order = [...best.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([u]) => u);
  const dropped = all.size - keep.size;
  const frame = frameOptions(
    {
      subtitle:
        dropped > 0
          ? `${keep.size} of ${all.size} donors shown; ${dropped} with weight below ${min} left out`
          : `All ${all.size} donors`,
      height: Math.max(120, 22 * order.length * Math.max(1, methods.length) * 0.7),
      ...opts,
    },
    "Donor weights of the synthetic control",
    chart,
  );
  const grouped = methods.length > 1 || methods[0] !== "Weight";
  const layer: LayerItem[] = [
    zeroRuleLayer("x", "Weight"),
    {
      name: "bars",
      mark: { type: "bar" },
      encoding: {
        y: { field: "unit", type: "nominal", title: "Donor", sort: order },
        x: { field: "weight", type: "quantitative", title: "Weight" },
        ...(grouped
          ? {
              color: { field: "method", type: "nominal", title: "Method", scale: { range: [...OKABE_ITO] } },
              yOffset: { field: "method", type: "nominal", sort: methods },
            }
          : { color: { value: OKABE_ITO[0] } }),
        tooltip: [
          { field: "unit", type: "nominal", title: "Donor" },
          ...(grouped ? [{ field: "method", type: "nominal", title: "Method" } as const] : []),
          { field: "weight", type: "quantitative", title: "Weight", format: ".4f" },
        ],
      },
    },
  ];
  return layeredSpec(frame, layer, kept);
}

/** The labelled vertical rule at the treatment date that every synthetic-control time chart carries. */
function treatmentRule(
  o: { readonly treatmentStart: number; readonly treatmentLabel: string; readonly periodLabel: string },
  width: number,
): LayerItem[] {
  return annotationRuleLayers(
    [{ at: o.treatmentStart, label: o.treatmentLabel }],
    "x",
    o.periodLabel,
    "treatment",
    width,
  );
}
