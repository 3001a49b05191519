import { TrueliftError } from "../../core/errors.js";
import {
  annotationRuleLayers,
  type DataRow,
  type LayerItem,
  layeredSpec,
  paddedValueScale,
} from "../shared/charts/layers.js";
import { OKABE_ITO } from "../shared/charts/theme.js";
import type { ChartFrameOptions, ChartSpec } from "../shared/charts/types.js";
import { frameOptions, requireFinite, requireRows, requireString } from "../shared/charts/validate.js";

const SIDE_LABEL = { left: "Below the cutoff", right: "At or above the cutoff" } as const;
const SIDE_COLORS = [OKABE_ITO[0], OKABE_ITO[1]];
const sideColor = {
  field: "side",
  type: "nominal",
  title: "Side",
  scale: { domain: [SIDE_LABEL.left, SIDE_LABEL.right], range: SIDE_COLORS },
} as const;

/** The tidy rows an RD plot is drawn from (what `rdplot` returns in `binRows` and `curve`). */
export interface RdPlotChartInput {
  readonly cutoff: number;
  readonly binRows: readonly {
    readonly side: "left" | "right";
    readonly mid: number;
    readonly meanY: number;
    readonly n: number;
    readonly ciLower: number;
    readonly ciUpper: number;
  }[];
  readonly curve: readonly { readonly side: "left" | "right"; readonly x: number; readonly y: number }[];
  /** rdplot's numbers of bins [left, right], its description of the binning and the polynomial order: when all
   * are given, the default subtitle says how the dots and lines were made. */
  readonly bins?: readonly [number, number];
  readonly binselectLabel?: string;
  readonly p?: number;
}

/**
 * Options of {@link rdPlotChart}: axis titles (with units), whether to draw the per-bin intervals, the cutoff
 * label. `title` __Default value:__ `"<yTitle> around the cutoff"`; `showCi` __Default value:__ false (rdplot's
 * default plot has no per-bin intervals; with few observations per bin they dwarf the jump);
 * `cutoffLabel` __Default value:__ `"Cutoff <c>"`.
 *
 * @example
 * ```ts
 * import type { RdPlotChartOptions } from "truelift";
 * const o: RdPlotChartOptions = { xTitle: "Query confidence (score)", yTitle: "Task completed (share)" };
 * ```
 */
export interface RdPlotChartOptions extends ChartFrameOptions {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly showCi?: boolean;
  readonly cutoffLabel?: string;
}

const RD_CHART = "rdPlotChart";

/**
 * The regression-discontinuity plot as R's `rdplot` draws it by default, as a layered Vega-Lite spec: the binned
 * means of rdplot's data-driven bins (layer `bins`, one dot per non-empty bin at its midpoint, sized by the
 * number of observations), the global polynomial fit drawn separately on each side so the line breaks at the
 * cutoff (`fit`), and a dashed vertical rule at the cutoff (`cutoff_rule` / `cutoff_label`). The per-bin
 * intervals (`bin_ci`) are opt-in (`showCi: true`). The y axis is fitted to what is drawn — the bin means and the
 * fitted curves (and the intervals when shown), padded by 5% of their range, not forced to include zero — so
 * the jump at the cutoff uses the plot's height. Sides are coloured with the Okabe–Ito palette. Pass the result
 * of `rdplot` directly. Pure and deeply frozen; throws `E_INVALID_ARGUMENT` for empty or non-finite rows.
 *
 * @see Calonico, S., Cattaneo, M. D. and Titiunik, R. (2015), "Optimal Data-Driven Regression Discontinuity
 * Plots", Journal of the American Statistical Association 110(512), 1753–1769.
 *
 * @example
 * ```ts
 * import { rdplot, rdPlotChart } from "truelift";
 * const plot = rdplot(y, x, { cutoff: 0.85 });
 * const spec = rdPlotChart(plot, { xTitle: "Query confidence", yTitle: "Task completed (share)" });
 * ```
 */
export function rdPlotChart(input: RdPlotChartInput, opts: RdPlotChartOptions): ChartSpec {
  const cutoff = requireFinite(input?.cutoff, "cutoff", RD_CHART);
  requireRows(input.binRows, RD_CHART);
  requireRows(input.curve, RD_CHART);
  const xTitle = requireString(opts?.xTitle, "xTitle", RD_CHART);
  const yTitle = requireString(opts.yTitle, "yTitle", RD_CHART);
  const described =
    opts.subtitle === undefined &&
    input.bins !== undefined &&
    typeof input.binselectLabel === "string" &&
    typeof input.p === "number";
  const frame = frameOptions(
    described
      ? {
          ...opts,
          subtitle: `Dots: means in ${input.bins?.[0]} + ${input.bins?.[1]} ${String(input.binselectLabel).split(" method")[0]} bins; lines: order-${input.p} polynomial fit on each side`,
        }
      : opts,
    `${yTitle} around the cutoff`,
    RD_CHART,
  );
  const label =
    opts.cutoffLabel === undefined
      ? `Cutoff ${cutoff}`
      : requireString(opts.cutoffLabel, "cutoffLabel", RD_CHART);
  const showCi = opts.showCi ?? false;
  const side = (s: unknown, what: string): string => {
    if (s !== "left" && s !== "right")
      throw new TrueliftError("E_INVALID_ARGUMENT", `${RD_CHART}: ${what} must be "left" or "right".`);
    return SIDE_LABEL[s];
  };
  const bins: DataRow[] = input.binRows.map((r, i) => ({
    side: side(r?.side, `binRows[${i}].side`),
    x: requireFinite(r.mid, `binRows[${i}].mid`, RD_CHART),
    y: requireFinite(r.meanY, `binRows[${i}].meanY`, RD_CHART),
    n: requireFinite(r.n, `binRows[${i}].n`, RD_CHART),
    ...(showCi
      ? {
          lo: requireFinite(r.ciLower, `binRows[${i}].ciLower`, RD_CHART),
          hi: requireFinite(r.ciUpper, `binRows[${i}].ciUpper`, RD_CHART),
        }
      : {}),
  }));
  const curve: DataRow[] = input.curve.map((p, i) => ({
    side: side(p?.side, `curve[${i}].side`),
    x: requireFinite(p.x, `curve[${i}].x`, RD_CHART),
    y: requireFinite(p.y, `curve[${i}].y`, RD_CHART),
  }));
  const drawn: number[] = [];
  for (const r of [...bins, ...curve]) drawn.push(Number(r.y));
  if (showCi) for (const r of bins) drawn.push(Number(r.lo), Number(r.hi));
  const yScale = paddedValueScale(drawn);
  const x = { field: "x", type: "quantitative", title: xTitle, scale: { zero: false } } as const;
  const y = { field: "y", type: "quantitative", title: yTitle, scale: yScale } as const;
  const layer: LayerItem[] = [];
  if (showCi) {
    layer.push({
      name: "bin_ci",
      data: { values: bins },
      mark: { type: "rule", opacity: 0.45 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", title: yTitle, scale: yScale },
        y2: { field: "hi" },
        color: sideColor,
      },
    });
  }
  layer.push(
    {
      name: "bins",
      data: { values: bins },
      mark: { type: "point", filled: true, opacity: 0.9 },
      encoding: {
        x,
        y,
        color: sideColor,
        size: { field: "n", type: "quantitative", title: "Observations in bin", legend: null },
        tooltip: [
          { field: "side", type: "nominal", title: "Side" },
          { field: "x", type: "quantitative", title: `${xTitle} (bin midpoint)`, format: ".4~f" },
          { field: "y", type: "quantitative", title: `${yTitle} (bin mean)`, format: ".4~f" },
          { field: "n", type: "quantitative", title: "Observations" },
        ],
      },
    },
    {
      name: "fit",
      data: { values: curve },
      mark: { type: "line", strokeWidth: 2.5 },
      encoding: { x, y, color: sideColor, detail: { field: "side", type: "nominal" } },
    },
    ...annotationRuleLayers([{ at: cutoff, label }], "x", xTitle, "cutoff", frame.width),
  );
  return layeredSpec(frame, layer);
}

/** Input of {@link densityPlotChart}: histogram bins around the cutoff, and optionally the density test. */
export interface DensityChartInput {
  readonly cutoff: number;
  /** Bins (e.g. `cutoffBinCounts(...).rows`): edges, count, side relative to the cutoff. */
  readonly bins: readonly { readonly lower: number; readonly upper: number; readonly count: number }[];
  /** Total number of observations the counts are shares of (so bar heights are densities). */
  readonly total: number;
  /** The density test's estimates at the cutoff (e.g. a `densityTest` result), drawn as points with 95% bars. */
  readonly test?: {
    readonly left: { readonly estimate: number | null; readonly se: number | null };
    readonly right: { readonly estimate: number | null; readonly se: number | null };
  };
}

/**
 * Options of {@link densityPlotChart}. `title` __Default value:__ `"Density of <xTitle> around the cutoff"`;
 * `cutoffLabel` __Default value:__ `"Cutoff <c>"`.
 *
 * @example
 * ```ts
 * import type { DensityChartOptions } from "truelift";
 * const o: DensityChartOptions = { xTitle: "Query confidence (score)" };
 * ```
 */
export interface DensityChartOptions extends ChartFrameOptions {
  readonly xTitle: string;
  readonly cutoffLabel?: string;
}

const DENSITY_CHART = "densityPlotChart";

/**
 * The manipulation check as a chart: a histogram of the running variable scaled to a density (count / (n ·
 * width)), bars coloured by side of the cutoff (layer `histogram`), the density test's one-sided estimates at
 * the cutoff with 95% intervals when given (`density_estimate`, `density_ci`), and a dashed vertical rule at the
 * cutoff. A pile-up of bars just below the rule is what sorting looks like. Pure and deeply frozen.
 *
 * @example
 * ```ts
 * import { cutoffBinCounts, densityPlotChart, densityTest } from "truelift";
 * const h = cutoffBinCounts(x, { cutoff: 0.85, width: 0.01, binsPerSide: 15 });
 * const spec = densityPlotChart({ cutoff: 0.85, bins: h.rows, total: h.total, test: densityTest(x, { cutoff: 0.85 }) }, { xTitle: "Query confidence" });
 * ```
 */
export function densityPlotChart(input: DensityChartInput, opts: DensityChartOptions): ChartSpec {
  const cutoff = requireFinite(input?.cutoff, "cutoff", DENSITY_CHART);
  requireRows(input.bins, DENSITY_CHART);
  const total = requireFinite(input.total, "total", DENSITY_CHART);
  if (!(total > 0))
    throw new TrueliftError("E_INVALID_ARGUMENT", `${DENSITY_CHART}: total must be positive.`);
  const xTitle = requireString(opts?.xTitle, "xTitle", DENSITY_CHART);
  const frame = frameOptions(opts, `Density of ${xTitle} around the cutoff`, DENSITY_CHART);
  const label =
    opts.cutoffLabel === undefined
      ? `Cutoff ${cutoff}`
      : requireString(opts.cutoffLabel, "cutoffLabel", DENSITY_CHART);
  const yTitle = "Density";
  const bars: DataRow[] = input.bins.map((b, i) => {
    const lower = requireFinite(b?.lower, `bins[${i}].lower`, DENSITY_CHART);
    const upper = requireFinite(b.upper, `bins[${i}].upper`, DENSITY_CHART);
    const count = requireFinite(b.count, `bins[${i}].count`, DENSITY_CHART);
    if (!(upper > lower))
      throw new TrueliftError("E_INVALID_ARGUMENT", `${DENSITY_CHART}: bins[${i}] has upper ≤ lower.`);
    return {
      side: lower >= cutoff ? SIDE_LABEL.right : SIDE_LABEL.left,
      lower,
      upper,
      count,
      density: count / (total * (upper - lower)),
    };
  });
  const layer: LayerItem[] = [
    {
      name: "histogram",
      data: { values: bars },
      mark: { type: "rect", opacity: 0.75, stroke: "white", strokeWidth: 0.5 },
      encoding: {
        x: { field: "lower", type: "quantitative", title: xTitle, scale: { zero: false } },
        x2: { field: "upper" },
        y: { field: "density", type: "quantitative", title: yTitle },
        y2: { datum: 0 },
        color: sideColor,
        tooltip: [
          { field: "lower", type: "quantitative", title: "From" },
          { field: "upper", type: "quantitative", title: "To" },
          { field: "count", type: "quantitative", title: "Observations" },
          { field: "density", type: "quantitative", title: yTitle, format: ".3~f" },
        ],
      },
    },
  ];
  if (input.test !== undefined) {
    const pts: DataRow[] = [];
    for (const [key, s] of [
      ["left", input.test.left],
      ["right", input.test.right],
    ] as const) {
      if (s?.estimate === null || s?.estimate === undefined || !Number.isFinite(s.estimate)) continue;
      const se = s.se !== null && Number.isFinite(s.se) ? s.se : null;
      pts.push({
        side: SIDE_LABEL[key],
        x: cutoff,
        density: s.estimate,
        lo: se === null ? s.estimate : s.estimate - 1.959963984540054 * se,
        hi: se === null ? s.estimate : s.estimate + 1.959963984540054 * se,
      });
    }
    if (pts.length > 0) {
      const x = { field: "x", type: "quantitative", title: xTitle } as const;
      layer.push(
        {
          name: "density_ci",
          data: { values: pts },
          mark: { type: "rule", strokeWidth: 2, xOffset: 0 },
          encoding: {
            x,
            y: { field: "lo", type: "quantitative", title: yTitle },
            y2: { field: "hi" },
            color: sideColor,
          },
        },
        {
          name: "density_estimate",
          data: { values: pts },
          mark: {
            type: "point",
            filled: true,
            size: 90,
            shape: "diamond",
            stroke: "black",
            strokeWidth: 0.5,
          },
          encoding: { x, y: { field: "density", type: "quantitative", title: yTitle }, color: sideColor },
        },
      );
    }
  }
  layer.push(...annotationRuleLayers([{ at: cutoff, label }], "x", xTitle, "cutoff", frame.width));
  return layeredSpec(frame, layer);
}
