import type { Json } from "../../../core/result.js";

/**
 * A Vega-Lite specification as plain, deeply frozen JSON data: what every chart function returns. It embeds its
 * data as `data.values` (tidy rows), so it can be serialised with `JSON.stringify`, stored next to the result,
 * and compiled or rendered later (`compileChart`, `renderSvg`).
 *
 * @example
 * ```ts
 * import { scatterChart, type ChartSpec } from "truelift";
 * const spec: ChartSpec = scatterChart([{ x: 1, y: 2, category: "a" }], { xTitle: "x (units)", yTitle: "y (units)" });
 * JSON.parse(JSON.stringify(spec)); // same data
 * ```
 */
export interface ChartSpec {
  readonly $schema: string;
  readonly [key: string]: Json;
}

/**
 * Options every chart accepts: title, subtitle and the plot-area size in pixels.
 *
 * - `title`: __Default value:__ chart-specific (each chart documents its own).
 * - `subtitle`: a second, grey line under the title; __Default value:__ none (or chart-specific).
 * - `width`, `height`: __Default value:__ `560` × `320` (see `CHART_SIZE`).
 *
 * @example
 * ```ts
 * import type { ChartFrameOptions } from "truelift";
 * const frame: ChartFrameOptions = { title: "Weekly revenue", width: 640, height: 360 };
 * ```
 */
export interface ChartFrameOptions {
  readonly title?: string;
  readonly subtitle?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * A labelled reference line across the plot at a position on the time or position axis (e.g. the treatment
 * date), or at a value on the value axis (e.g. the TWFE estimate).
 *
 * @example
 * ```ts
 * import type { RuleAnnotation } from "truelift";
 * const launch: RuleAnnotation = { at: 12, label: "Launch" };
 * ```
 */
export interface RuleAnnotation {
  readonly at: number;
  readonly label: string;
}
