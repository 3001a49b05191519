import { TrueliftError } from "../../../core/errors.js";
import {
  annotationRuleLayers,
  type DataRow,
  dataExtentScale,
  integerAxis,
  type LayerItem,
  layeredSpec,
} from "./layers.js";
import type { ChartFrameOptions, ChartSpec, RuleAnnotation } from "./types.js";
import { frameOptions, requireFinite, requireRows, requireString, ruleAnnotations } from "./validate.js";

/**
 * One point of a series over time: position `x` (a period index or any numeric time), value `y`, the `series` it
 * belongs to, and optionally the number of observations `n` behind it (shown in tooltips).
 *
 * @example
 * ```ts
 * import type { LinePoint } from "truelift";
 * const p: LinePoint = { x: 3, y: 12.5, series: "treated", n: 400 };
 * ```
 */
export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly series: string;
  readonly n?: number;
}

/**
 * Options of {@link lineChart}.
 *
 * - `xTitle`, `yTitle`: axis titles; include the unit (e.g. "Week (index)", "Revenue per user (USD)").
 * - `seriesTitle`: colour-legend title; __Default value:__ `"Group"`.
 * - `rules`: labelled vertical rules (e.g. the treatment date); __Default value:__ none.
 * - `counterfactual`: points drawn as dashed lines, coloured like the observed series of the same name (a new
 *   colour for a name with no observed series); __Default value:__ none.
 * - `observedLabel`, `counterfactualLabel`: line-style legend entries; __Default value:__ `"Observed"`,
 *   `"Counterfactual"`.
 * - `points`: draw a point at each observed value; __Default value:__ `true`.
 * - `yZero`: force the value axis to include zero; __Default value:__ `false`.
 * - `title`: __Default value:__ `"<yTitle> over time"`.
 *
 * @example
 * ```ts
 * import type { LineChartOptions } from "truelift";
 * const o: LineChartOptions = { xTitle: "Week (index)", yTitle: "Sessions per user", rules: [{ at: 10, label: "Launch" }] };
 * ```
 */
export interface LineChartOptions extends ChartFrameOptions {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly seriesTitle?: string;
  readonly rules?: readonly RuleAnnotation[];
  readonly counterfactual?: readonly LinePoint[];
  readonly observedLabel?: string;
  readonly counterfactualLabel?: string;
  readonly points?: boolean;
  readonly yZero?: boolean;
}

const CHART = "lineChart";

function linePoints(rows: readonly LinePoint[], where: string): LinePoint[] {
  if (!Array.isArray(rows))
    throw new TrueliftError("E_INVALID_ARGUMENT", `${CHART}: ${where} must be an array.`);
  return rows.map((r, i) => {
    const x = requireFinite(r?.x, `${where}[${i}].x`, CHART);
    const y = requireFinite(r?.y, `${where}[${i}].y`, CHART);
    const series = requireString(r?.series, `${where}[${i}].series`, CHART);
    if (r.n === undefined) return { x, y, series };
    return { x, y, series, n: requireFinite(r.n, `${where}[${i}].n`, CHART) };
  });
}

/**
 * Series over time as a layered Vega-Lite spec: one coloured line (with points) per `series`, optional dashed
 * counterfactual lines, and labelled vertical rule annotations. The time axis spans exactly the plotted x values
 * and rules (no "nice" rounding to periods without data). The tidy data (`x`, `y`, `series`, `kind`, and
 * `n` when given) is embedded as `data.values`; `kind` is the observed / counterfactual label that drives the
 * dash pattern. Pure: the input rows are neither kept nor modified, and the result is deeply frozen.
 *
 * Layers (Vega-Lite names): `lines` (line per series × kind), `points` (observed rows only, one symbol per row),
 * then `<rule>_rule` / `<rule>_label` for the annotations.
 *
 * @example
 * ```ts
 * import { lineChart } from "truelift";
 * const spec = lineChart(
 *   [
 *     { x: 1, y: 10, series: "control" },
 *     { x: 2, y: 11, series: "control" },
 *     { x: 1, y: 12, series: "treated" },
 *     { x: 2, y: 15, series: "treated" },
 *   ],
 *   { xTitle: "Week (index)", yTitle: "Orders per store", rules: [{ at: 1.5, label: "Launch" }] },
 * );
 * ```
 */
export function lineChart(rows: readonly LinePoint[], opts: LineChartOptions): ChartSpec {
  requireRows(rows, CHART);
  const xTitle = requireString(opts?.xTitle, "xTitle", CHART);
  const yTitle = requireString(opts.yTitle, "yTitle", CHART);
  const frame = frameOptions(opts, `${yTitle} over time`, CHART);
  const seriesTitle =
    opts.seriesTitle === undefined ? "Group" : requireString(opts.seriesTitle, "seriesTitle", CHART);
  const observedLabel =
    opts.observedLabel === undefined ? "Observed" : requireString(opts.observedLabel, "observedLabel", CHART);
  const counterfactualLabel =
    opts.counterfactualLabel === undefined
      ? "Counterfactual"
      : requireString(opts.counterfactualLabel, "counterfactualLabel", CHART);
  if (observedLabel === counterfactualLabel) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${CHART}: observedLabel and counterfactualLabel must differ.`,
    );
  }
  const observed = linePoints(rows, "rows");
  const counterfactual =
    opts.counterfactual === undefined ? [] : linePoints(opts.counterfactual, "counterfactual");
  const rules = ruleAnnotations(opts.rules, CHART);
  const withPoints = opts.points ?? true;
  const hasN = observed.some((r) => r.n !== undefined) || counterfactual.some((r) => r.n !== undefined);

  const data: DataRow[] = [
    ...observed.map((r) => ({ ...r, kind: observedLabel })),
    ...counterfactual.map((r) => ({ ...r, kind: counterfactualLabel })),
  ];
  const allX = data.map((r) => r.x as number);
  const x = {
    field: "x",
    type: "quantitative",
    title: xTitle,
    scale: dataExtentScale([...allX, ...rules.map((r) => r.at)], 12),
    axis: integerAxis(allX),
  } as const;
  const y = {
    field: "y",
    type: "quantitative",
    title: yTitle,
    scale: { zero: opts.yZero ?? false },
  } as const;
  const color = { field: "series", type: "nominal", title: seriesTitle } as const;
  const tooltip = [
    { field: "series", type: "nominal", title: seriesTitle },
    { field: "x", type: "quantitative", title: xTitle },
    { field: "y", type: "quantitative", title: yTitle },
    ...(hasN ? [{ field: "n", type: "quantitative", title: "Observations" } as const] : []),
  ] as const;

  const layer: LayerItem[] = [
    {
      name: "lines",
      mark: { type: "line", strokeWidth: 2 },
      encoding: {
        x,
        y,
        color,
        ...(counterfactual.length === 0
          ? {}
          : {
              strokeDash: {
                field: "kind",
                type: "nominal",
                title: null,
                scale: {
                  domain: [observedLabel, counterfactualLabel],
                  range: [
                    [1, 0],
                    [6, 4],
                  ],
                },
              },
            }),
      },
    },
  ];
  if (withPoints) {
    layer.push({
      name: "points",
      transform: [{ filter: { field: "kind", equal: observedLabel } }],
      mark: { type: "point", filled: true, size: 36 },
      encoding: { x, y, color, tooltip: [...tooltip] },
    });
  }
  layer.push(...annotationRuleLayers(rules, "x", xTitle, "annotation", frame.width));
  return layeredSpec(frame, layer, data);
}
