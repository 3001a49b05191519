import type { TopLevelSpec } from "vega-lite";
import { TrueliftError } from "../../../core/errors.js";
import { isJsonObject } from "../../../core/json.js";
import type { Json } from "../../../core/result.js";
import { deepFreeze } from "../../../core/result.js";
import { ANNOTATION_COLOR, chartConfig, VEGA_LITE_SCHEMA } from "./theme.js";
import type { ChartSpec, RuleAnnotation } from "./types.js";

/**
 * One layer of a layered Vega-Lite spec (a unit spec or a nested layer), as the `vega-lite` types define it.
 * Builders are typed against these so a misspelt property fails `tsc`, not the renderer.
 *
 * @example
 * ```ts
 * const zero: LayerItem = { mark: "rule", encoding: { y: { datum: 0 } } };
 * ```
 */
export type LayerItem = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];

/**
 * A row of inline data (`data.values`): plain JSON values only.
 *
 * @example
 * ```ts
 * const row: DataRow = { x: 1, y: 2.5, series: "treated" };
 * ```
 */
export type DataRow = Readonly<Record<string, Json>>;

/**
 * Labelled reference rules across the plot, as two layers with their own inline data (`at`, `label`): a dashed
 * grey rule and its label. On `"x"` the rules are vertical (e.g. a treatment date) and the label sits at the top
 * of the plot, left-aligned just right of the rule; on `"y"` they are horizontal (e.g. the TWFE estimate) and the
 * label sits at the right end, just above the rule. `axisTitle` must equal the title the data layers give the
 * same channel, so Vega-Lite keeps one axis title. Returns `[]` when there are no rules.
 *
 * @example
 * ```ts
 * const layers = annotationRuleLayers([{ at: 10, label: "Launch" }], "x", "Week", "treatment", 560);
 * layers.length; // 2
 * ```
 */
export function annotationRuleLayers(
  rules: readonly RuleAnnotation[],
  channel: "x" | "y",
  axisTitle: string,
  name: string,
  plotWidth: number,
): LayerItem[] {
  if (rules.length === 0) return [];
  const data = { values: rules.map((r) => ({ at: r.at, label: r.label })) };
  const position = { field: "at", type: "quantitative", title: axisTitle } as const;
  if (channel === "x") {
    return [
      {
        name: `${name}_rule`,
        data,
        mark: { type: "rule", color: ANNOTATION_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x: position },
      },
      {
        name: `${name}_label`,
        data,
        mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 4, color: ANNOTATION_COLOR },
        encoding: { x: position, y: { value: 0 }, text: { field: "label", type: "nominal" } },
      },
    ];
  }
  return [
    {
      name: `${name}_rule`,
      data,
      mark: { type: "rule", color: ANNOTATION_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: position },
    },
    {
      name: `${name}_label`,
      data,
      mark: { type: "text", align: "right", baseline: "bottom", dy: -4, color: ANNOTATION_COLOR },
      encoding: { y: position, x: { value: plotWidth }, text: { field: "label", type: "nominal" } },
    },
  ];
}

/**
 * A solid grey rule at zero on the value axis (`"y"`: horizontal, `"x"`: vertical), with its own one-row data so
 * exactly one rule is drawn whatever the chart's data.
 *
 * @example
 * ```ts
 * const zero = zeroRuleLayer("y", "Effect (USD)");
 * ```
 */
export function zeroRuleLayer(channel: "x" | "y", axisTitle: string): LayerItem {
  const position = { field: "at", type: "quantitative", title: axisTitle } as const;
  return {
    name: "zero_rule",
    data: { values: [{ at: 0 }] },
    mark: { type: "rule", color: ANNOTATION_COLOR, strokeWidth: 1 },
    encoding: channel === "y" ? { y: position } : { x: position },
  };
}

/**
 * Axis settings for a quantitative position: integer ticks and labels when every value is an integer (periods,
 * event time), otherwise the Vega-Lite defaults.
 *
 * @example
 * ```ts
 * integerAxis([-2, -1, 0, 1]); // { tickMinStep: 1, format: "d" }
 * ```
 */
export function integerAxis(values: readonly number[]): { tickMinStep?: number; format?: string } {
  return values.length > 0 && values.every(Number.isInteger) ? { tickMinStep: 1, format: "d" } : {};
}

/**
 * Wraps layers into a top-level spec with the shared `$schema`, `config` (see `chartConfig`), title and
 * subtitle, ARIA description (the title), plot size and optional shared inline data, then deep-freezes it and
 * checks that it is plain JSON data ({@link ChartSpec}; `E_INVALID_ARGUMENT` otherwise, e.g. a typed array in the
 * data).
 *
 * @example
 * ```ts
 * const spec = layeredSpec({ title: "Trend", width: 560, height: 320 }, [zeroRuleLayer("y", "Effect")]);
 * spec.$schema; // VEGA_LITE_SCHEMA
 * ```
 */
export function layeredSpec(
  frame: { title: string; subtitle?: string; width: number; height: number },
  layer: LayerItem[],
  data?: readonly DataRow[],
): ChartSpec {
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    description: frame.title,
    title:
      frame.subtitle === undefined ? { text: frame.title } : { text: frame.title, subtitle: frame.subtitle },
    width: frame.width,
    height: frame.height,
    config: chartConfig(),
    ...(data === undefined ? {} : { data: { values: data.map((r) => ({ ...r })) } }),
    layer,
  };
  const frozen: unknown = deepFreeze(spec);
  if (!isChartSpec(frozen)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `Chart '${frame.title}': the spec is not plain JSON data.`,
      {
        hint: "Build chart layers and data from plain objects, arrays, strings, numbers, booleans and null.",
      },
    );
  }
  return frozen;
}

/** The Vega-Lite spec built against the `vega-lite` types is also plain JSON data with a `$schema`. */
function isChartSpec(value: unknown): value is ChartSpec {
  return isJsonObject(value) && typeof value.$schema === "string";
}

/**
 * A quantitative scale whose domain is exactly the data's extent, [min, max] of `values`, not rounded out to
 * "nice" numbers (Vega-Lite's default would start an axis of periods −3 … 5 at −4, where there is no data).
 * `paddingPx` keeps the outermost marks off the plot edge without adding tick values. Returns `{ zero: false }`
 * alone when there are no finite values.
 *
 * @example
 * ```ts
 * dataExtentScale([-3, -2, 0, 5], 12); // { zero: false, nice: false, domain: [-3, 5], padding: 12 }
 * ```
 */
export function dataExtentScale(
  values: readonly number[],
  paddingPx?: number,
): { zero: false; nice?: false; domain?: number[]; padding?: number } {
  const pad = paddingPx === undefined ? {} : { padding: paddingPx };
  const [lo, hi] = extent(values);
  if (!(lo <= hi)) return { zero: false, ...pad };
  return { zero: false, nice: false, domain: [lo, hi], ...pad };
}

/**
 * A quantitative value scale fitted to `values`: domain [min − pad, max + pad] with pad = `share` of the range
 * (or of |value|, or 1, when all values are equal), not forced to include zero and not rounded out.
 *
 * @example
 * ```ts
 * paddedValueScale([0.2, 0.7]); // { zero: false, nice: false, domain: [0.175, 0.725] }
 * ```
 */
export function paddedValueScale(
  values: readonly number[],
  share = 0.05,
): { zero: false; nice?: false; domain?: number[] } {
  const [lo, hi] = extent(values);
  if (!(lo <= hi)) return { zero: false };
  const range = hi - lo;
  const pad = range > 0 ? share * range : Math.abs(lo) > 0 ? share * Math.abs(lo) : 1;
  return { zero: false, nice: false, domain: [lo - pad, hi + pad] };
}

/** [min, max] of the finite values ([+∞, −∞] when there are none). */
function extent(values: readonly number[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}
