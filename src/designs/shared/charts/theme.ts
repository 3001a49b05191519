import type { Config } from "vega-lite";

/**
 * The Okabe–Ito palette: eight colours that stay distinguishable under the common forms of colour-vision
 * deficiency. Ordered for categorical series (blue, orange, bluish green, reddish purple, sky blue, vermillion,
 * yellow, black); black comes last so it stays free for annotations when there are few series.
 *
 * @see Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and presentations that are
 * friendly to colorblind people. https://jfly.uni-koeln.de/color/
 *
 * @example
 * ```ts
 * import { OKABE_ITO } from "truelift";
 * OKABE_ITO[0]; // "#0072B2"
 * ```
 */
export const OKABE_ITO = Object.freeze([
  "#0072B2",
  "#E69F00",
  "#009E73",
  "#CC79A7",
  "#56B4E9",
  "#D55E00",
  "#F0E442",
  "#000000",
] as const);

/**
 * Colour of annotation marks (treatment-date rules, zero lines, reference rules): a neutral dark grey that is not
 * one of the series colours.
 *
 * @example
 * ```ts
 * import { ANNOTATION_COLOR } from "truelift";
 * ANNOTATION_COLOR; // "#4D4D4D"
 * ```
 */
export const ANNOTATION_COLOR = "#4D4D4D";

/**
 * The Vega-Lite schema every chart declares in `$schema` (the major version of the `vega-lite` dependency).
 *
 * @example
 * ```ts
 * import { VEGA_LITE_SCHEMA } from "truelift";
 * VEGA_LITE_SCHEMA.endsWith("v6.json"); // true
 * ```
 */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Default plot-area size in pixels.
 *
 * @example
 * ```ts
 * import { CHART_SIZE } from "truelift";
 * CHART_SIZE.width; // 560
 * ```
 */
export const CHART_SIZE = Object.freeze({ width: 560, height: 320 });

/**
 * Shared Vega-Lite `config` of every truelift chart: system sans-serif font, left-anchored bold title with a grey
 * subtitle, light grid, no view frame, legends below the plot, and the {@link OKABE_ITO} palette for categories.
 * Built fresh on every call so callers may modify their copy.
 *
 * @example
 * ```ts
 * import { chartConfig } from "truelift";
 * chartConfig().range?.category; // the Okabe–Ito colours
 * ```
 */
export function chartConfig(): Config {
  return {
    font: "Helvetica, Arial, sans-serif",
    background: "white",
    padding: 8,
    title: {
      anchor: "start",
      fontSize: 15,
      fontWeight: "bold",
      color: "#1A1A1A",
      subtitleFontSize: 12,
      subtitleColor: "#555555",
      offset: 10,
    },
    axis: {
      titleFontSize: 12,
      titleFontWeight: "normal",
      titleColor: "#333333",
      labelFontSize: 11,
      labelColor: "#333333",
      gridColor: "#E6E6E6",
      domainColor: "#888888",
      tickColor: "#888888",
    },
    legend: {
      orient: "bottom",
      direction: "horizontal",
      titleFontSize: 12,
      titleFontWeight: "normal",
      labelFontSize: 11,
      labelLimit: 280,
    },
    view: { stroke: null },
    range: { category: [...OKABE_ITO] },
  };
}
