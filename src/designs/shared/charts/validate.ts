import { TrueliftError } from "../../../core/errors.js";
import { CHART_SIZE } from "./theme.js";
import type { ChartFrameOptions, RuleAnnotation } from "./types.js";

/**
 * Throws `E_EMPTY_DATA` when a chart gets no rows.
 *
 * @example
 * ```ts
 * requireRows([], "lineChart"); // throws TrueliftError E_EMPTY_DATA
 * ```
 */
export function requireRows(rows: readonly unknown[], chart: string): void {
  if (!Array.isArray(rows)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: rows must be an array of objects.`);
  }
  if (rows.length === 0) throw new TrueliftError("E_EMPTY_DATA", `${chart}: there are no rows to plot.`);
}

/**
 * Returns `value` when it is a finite number; throws `E_NONFINITE_VALUES` for NaN / ±Infinity and
 * `E_INVALID_ARGUMENT` for anything that is not a number.
 *
 * @example
 * ```ts
 * requireFinite(1.5, "rows[0].y", "lineChart"); // 1.5
 * ```
 */
export function requireFinite(value: unknown, what: string, chart: string): number {
  if (typeof value !== "number") {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: ${what} must be a number.`, {
      details: { field: what, received: typeof value },
    });
  }
  if (!Number.isFinite(value)) {
    throw new TrueliftError(
      "E_NONFINITE_VALUES",
      `${chart}: ${what} is ${value}; a finite number is needed.`,
      {
        details: { field: what, value: String(value) },
      },
    );
  }
  return value;
}

/**
 * Like {@link requireFinite} but lets `null` (and an absent value, returned as `null`) through: for confidence
 * limits that could not be computed.
 *
 * @example
 * ```ts
 * requireFiniteOrNull(null, "rows[2].ciLow", "coefficientChart"); // null
 * ```
 */
export function requireFiniteOrNull(value: unknown, what: string, chart: string): number | null {
  if (value === null || value === undefined) return null;
  return requireFinite(value, what, chart);
}

/**
 * Returns `value` when it is a string; throws `E_INVALID_ARGUMENT` otherwise.
 *
 * @example
 * ```ts
 * requireString("treated", "rows[0].series", "lineChart"); // "treated"
 * ```
 */
export function requireString(value: unknown, what: string, chart: string): string {
  if (typeof value !== "string") {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: ${what} must be a string.`, {
      details: { field: what, received: typeof value },
    });
  }
  return value;
}

/**
 * Validates the frame options and fills the defaults: the given or default title, optional subtitle, and a
 * positive finite width and height (__Default value:__ {@link CHART_SIZE}).
 *
 * @example
 * ```ts
 * frameOptions({ width: 400 }, "Trend", "lineChart"); // { title: "Trend", width: 400, height: 320 }
 * ```
 */
export function frameOptions(
  opts: ChartFrameOptions,
  defaultTitle: string,
  chart: string,
): { title: string; subtitle?: string; width: number; height: number } {
  const title = opts.title === undefined ? defaultTitle : requireString(opts.title, "title", chart);
  const size = (v: number | undefined, d: number, what: string): number => {
    if (v === undefined) return d;
    const n = requireFinite(v, what, chart);
    if (n <= 0) throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: ${what} must be positive.`);
    return n;
  };
  const width = size(opts.width, CHART_SIZE.width, "width");
  const height = size(opts.height, CHART_SIZE.height, "height");
  return opts.subtitle === undefined
    ? { title, width, height }
    : { title, subtitle: requireString(opts.subtitle, "subtitle", chart), width, height };
}

/**
 * Validates and copies rule annotations (finite position, string label).
 *
 * @example
 * ```ts
 * ruleAnnotations([{ at: 10, label: "Launch" }], "lineChart"); // [{ at: 10, label: "Launch" }]
 * ```
 */
export function ruleAnnotations(
  rules: readonly RuleAnnotation[] | undefined,
  chart: string,
): RuleAnnotation[] {
  if (rules === undefined) return [];
  if (!Array.isArray(rules))
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: rules must be an array.`);
  return rules.map((r, i) => ({
    at: requireFinite(r?.at, `rules[${i}].at`, chart),
    label: requireString(r?.label, `rules[${i}].label`, chart),
  }));
}
