import { annotationRuleLayers, type DataRow, type LayerItem, layeredSpec } from "./layers.js";
import type { ChartFrameOptions, ChartSpec, RuleAnnotation } from "./types.js";
import { frameOptions, requireFinite, requireRows, requireString, ruleAnnotations } from "./validate.js";

/**
 * One point of a scatter chart: coordinates and the category that sets its colour and shape.
 *
 * @example
 * ```ts
 * import type { ScatterPoint } from "truelift";
 * const p: ScatterPoint = { x: 0.25, y: 1.8, category: "Treated vs never treated" };
 * ```
 */
export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  readonly category: string;
}

/**
 * Options of {@link scatterChart}.
 *
 * - `xTitle`, `yTitle`: axis titles, with units.
 * - `categoryTitle`: legend title; __Default value:__ `"Category"`.
 * - `rules`: labelled horizontal rules on the y axis (e.g. an overall estimate); __Default value:__ none.
 * - `xZero`, `yZero`: force the axis to include zero; __Default value:__ `true` for x, `false` for y.
 * - `title`: __Default value:__ `"<yTitle> against <xTitle>"`.
 *
 * @example
 * ```ts
 * import type { ScatterChartOptions } from "truelift";
 * const o: ScatterChartOptions = { xTitle: "Weight (share)", yTitle: "Estimate (USD)", rules: [{ at: 1.2, label: "Overall" }] };
 * ```
 */
export interface ScatterChartOptions extends ChartFrameOptions {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly categoryTitle?: string;
  readonly rules?: readonly RuleAnnotation[];
  readonly xZero?: boolean;
  readonly yZero?: boolean;
}

const CHART = "scatterChart";

/** An axis anchored at zero starts exactly there; a free axis gets 12 px of padding so no point sits on an edge. */
const axisScale = (zero: boolean) => (zero ? { zero: true } : { zero: false, padding: 12 });

/**
 * A scatter plot as a layered Vega-Lite spec: one filled symbol per row (layer `points`), coloured and shaped by
 * `category` (shape doubles colour for colour-blind and greyscale readers), and optional labelled horizontal
 * rules (`annotation_rule` / `annotation_label`). The tidy rows (`x`, `y`, `category`) are embedded as
 * `data.values`. Pure and deeply frozen.
 *
 * @example
 * ```ts
 * import { scatterChart } from "truelift";
 * const spec = scatterChart(
 *   [
 *     { x: 0.6, y: 2.0, category: "Earlier vs later treated" },
 *     { x: 0.4, y: -0.5, category: "Later vs earlier treated" },
 *   ],
 *   { xTitle: "Weight (share of total)", yTitle: "2×2 estimate (USD)", rules: [{ at: 1.0, label: "TWFE = 1" }] },
 * );
 * ```
 */
export function scatterChart(rows: readonly ScatterPoint[], opts: ScatterChartOptions): ChartSpec {
  requireRows(rows, CHART);
  const xTitle = requireString(opts?.xTitle, "xTitle", CHART);
  const yTitle = requireString(opts.yTitle, "yTitle", CHART);
  const frame = frameOptions(opts, `${yTitle} against ${xTitle}`, CHART);
  const categoryTitle =
    opts.categoryTitle === undefined ? "Category" : requireString(opts.categoryTitle, "categoryTitle", CHART);
  const rules = ruleAnnotations(opts.rules, CHART);
  const data: DataRow[] = rows.map((r, i) => ({
    x: requireFinite(r?.x, `rows[${i}].x`, CHART),
    y: requireFinite(r.y, `rows[${i}].y`, CHART),
    category: requireString(r.category, `rows[${i}].category`, CHART),
  }));
  const x = {
    field: "x",
    type: "quantitative",
    title: xTitle,
    scale: axisScale(opts.xZero ?? true),
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    title: yTitle,
    scale: axisScale(opts.yZero ?? false),
  } as const;
  const layer: LayerItem[] = [
    {
      name: "points",
      mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
      encoding: {
        x,
        y,
        color: { field: "category", type: "nominal", title: categoryTitle },
        shape: { field: "category", type: "nominal", title: categoryTitle },
        tooltip: [
          { field: "category", type: "nominal", title: categoryTitle },
          { field: "x", type: "quantitative", title: xTitle },
          { field: "y", type: "quantitative", title: yTitle },
        ],
      },
    },
    ...annotationRuleLayers(rules, "y", yTitle, "annotation", frame.width),
  ];
  return layeredSpec(frame, layer, data);
}
