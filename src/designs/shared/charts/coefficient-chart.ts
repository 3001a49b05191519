import { TrueliftError } from "../../../core/errors.js";
import {
  annotationRuleLayers,
  type DataRow,
  dataExtentScale,
  integerAxis,
  type LayerItem,
  layeredSpec,
  zeroRuleLayer,
} from "./layers.js";
import { ANNOTATION_COLOR, OKABE_ITO } from "./theme.js";
import type { ChartFrameOptions, ChartSpec, RuleAnnotation } from "./types.js";
import {
  frameOptions,
  requireFinite,
  requireFiniteOrNull,
  requireRows,
  requireString,
  ruleAnnotations,
} from "./validate.js";

/**
 * One coefficient: where it sits (`position`: event time, a period, or a category label for forest plots), the
 * point `estimate`, its pointwise confidence limits (null when not computable, e.g. the normalised reference
 * period), optional simultaneous (uniform) band limits, and whether it is the reference (normalised) coefficient.
 *
 * @example
 * ```ts
 * import type { CoefficientRow } from "truelift";
 * const r: CoefficientRow = { position: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true };
 * ```
 */
export interface CoefficientRow {
  readonly position: number | string;
  readonly estimate: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly bandLow?: number | null;
  readonly bandHigh?: number | null;
  readonly reference?: boolean;
}

/**
 * Options of {@link coefficientChart}.
 *
 * - `positionTitle`, `estimateTitle`: axis titles, with units (e.g. "Weeks since launch", "Effect (USD)").
 * - `orientation`: `"vertical"` puts positions on the x axis and estimates on y (event studies); `"horizontal"`
 *   puts positions on y and estimates on x (forest plots); __Default value:__ `"vertical"`.
 * - `rules`: labelled rules across the position axis (numeric positions only), e.g. the treatment onset;
 *   __Default value:__ none.
 * - `zeroRule`: draw a solid rule at zero on the estimate axis; __Default value:__ `true`.
 * - `estimateLabel`: the estimates' marker legend entry; __Default value:__ `"Estimate"`.
 * - `referenceLabel`: the legend entry of the `reference: true` rows, which only the caller can name (an event
 *   study's normalised period, a bandwidth sweep's chosen bandwidth); required when any row is a reference.
 * - `title`: __Default value:__ `"Estimates with confidence intervals"`.
 *
 * @example
 * ```ts
 * import type { CoefficientChartOptions } from "truelift";
 * const o: CoefficientChartOptions = { positionTitle: "Segment", estimateTitle: "Lift (pp)", orientation: "horizontal" };
 * ```
 */
export interface CoefficientChartOptions extends ChartFrameOptions {
  readonly positionTitle: string;
  readonly estimateTitle: string;
  readonly orientation?: "vertical" | "horizontal";
  readonly rules?: readonly RuleAnnotation[];
  readonly zeroRule?: boolean;
  readonly estimateLabel?: string;
  readonly referenceLabel?: string;
}

const CHART = "coefficientChart";

const BOTH_VALID = (lo: string, hi: string) => ({
  filter: {
    and: [
      { field: lo, valid: true },
      { field: hi, valid: true },
    ],
  },
});

/**
 * Coefficients with confidence intervals as a layered Vega-Lite spec, the composite mark behind event-study and
 * forest plots. Layers, bottom to top (Vega-Lite names):
 *
 * 1. `band`: the uniform (simultaneous) band, when any row has both band limits: a shaded area over numeric
 *    positions, a shaded bar per category otherwise;
 * 2. `ci`: a rule from `ciLow` to `ciHigh` for every row whose two limits are non-null (rows with a null limit
 *    keep their point and lose only the interval);
 * 3. `zero_rule`: the zero line on the estimate axis;
 * 4. `points`: one symbol per row, reference rows drawn as grey diamonds (legend `referenceLabel`);
 * 5. `annotation_rule` / `annotation_label`: labelled rules such as the treatment onset.
 *
 * Numeric positions are a quantitative axis spanning exactly the positions (and rules) drawn — no "nice"
 * rounding, so an event study from −3 to 5 does not start at −4 — with integer ticks when all positions are
 * integers; string positions a nominal axis in row order. Mixing the two throws `E_INVALID_ARGUMENT`, as do duplicate positions. The tidy rows
 * (`position`, `estimate`, `ciLow`, `ciHigh`, `marker`, and `bandLow`/`bandHigh` when a band is present) are
 * embedded as `data.values`. Pure and deeply frozen.
 *
 * @see Freyaldenhoven, S., Hansen, C., Pérez Pérez, J. and Shapiro, J. M. (2021). Visualization, identification,
 * and estimation in the linear panel event-study design. NBER Working Paper 29170 (plotting conventions: the
 * normalised period marked, the zero line, pointwise intervals with a uniform band).
 *
 * @example
 * ```ts
 * import { coefficientChart } from "truelift";
 * const spec = coefficientChart(
 *   [
 *     { position: -2, estimate: 0.1, ciLow: -0.3, ciHigh: 0.5 },
 *     { position: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true },
 *     { position: 0, estimate: 1.2, ciLow: 0.7, ciHigh: 1.7 },
 *   ],
 *   {
 *     positionTitle: "Weeks relative to launch",
 *     estimateTitle: "Effect on orders (per store)",
 *     referenceLabel: "Reference week (normalised to 0)",
 *     rules: [{ at: -0.5, label: "Launch" }],
 *   },
 * );
 * ```
 */
export function coefficientChart(rows: readonly CoefficientRow[], opts: CoefficientChartOptions): ChartSpec {
  requireRows(rows, CHART);
  const positionTitle = requireString(opts?.positionTitle, "positionTitle", CHART);
  const estimateTitle = requireString(opts.estimateTitle, "estimateTitle", CHART);
  const frame = frameOptions(opts, "Estimates with confidence intervals", CHART);
  const orientation = opts.orientation ?? "vertical";
  if (orientation !== "vertical" && orientation !== "horizontal") {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${CHART}: orientation must be "vertical" or "horizontal".`,
    );
  }
  const estimateLabel =
    opts.estimateLabel === undefined ? "Estimate" : requireString(opts.estimateLabel, "estimateLabel", CHART);
  const hasReference = rows.some((r) => r?.reference === true);
  if (hasReference && opts.referenceLabel === undefined) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${CHART}: rows marked reference need a referenceLabel.`, {
      hint: 'Name what the reference rows are, e.g. referenceLabel: "Reference period (normalised to 0)".',
    });
  }
  const referenceLabel =
    opts.referenceLabel === undefined
      ? "Reference"
      : requireString(opts.referenceLabel, "referenceLabel", CHART);
  if (estimateLabel === referenceLabel) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${CHART}: estimateLabel and referenceLabel must differ.`);
  }
  const rules = ruleAnnotations(opts.rules, CHART);

  const numeric = rows.every((r) => typeof r?.position === "number");
  if (!numeric && !rows.every((r) => typeof r?.position === "string")) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${CHART}: positions must be all numbers (a quantitative axis) or all strings (categories).`,
    );
  }
  if (!numeric && rules.length > 0) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${CHART}: rules need numeric positions.`);
  }
  const seen = new Set<number | string>();
  const data: DataRow[] = rows.map((r, i) => {
    const position = numeric
      ? requireFinite(r.position, `rows[${i}].position`, CHART)
      : requireString(r.position, `rows[${i}].position`, CHART);
    if (seen.has(position)) {
      throw new TrueliftError("E_INVALID_ARGUMENT", `${CHART}: position ${String(position)} occurs twice.`, {
        details: { position },
      });
    }
    seen.add(position);
    return {
      position,
      estimate: requireFinite(r.estimate, `rows[${i}].estimate`, CHART),
      ciLow: requireFiniteOrNull(r.ciLow, `rows[${i}].ciLow`, CHART),
      ciHigh: requireFiniteOrNull(r.ciHigh, `rows[${i}].ciHigh`, CHART),
      bandLow: requireFiniteOrNull(r.bandLow, `rows[${i}].bandLow`, CHART),
      bandHigh: requireFiniteOrNull(r.bandHigh, `rows[${i}].bandHigh`, CHART),
      marker: r.reference === true ? referenceLabel : estimateLabel,
    };
  });
  const hasBand = data.some((r) => r.bandLow !== null && r.bandHigh !== null);
  if (!hasBand) {
    for (const r of data) {
      delete (r as Record<string, unknown>).bandLow;
      delete (r as Record<string, unknown>).bandHigh;
    }
  }
  const markers = [estimateLabel, referenceLabel].filter((m) => data.some((r) => r.marker === m));

  const pos = numeric
    ? ({
        field: "position",
        type: "quantitative",
        title: positionTitle,
        scale: dataExtentScale([...data.map((r) => r.position as number), ...rules.map((r) => r.at)], 16),
        axis: integerAxis(data.map((r) => r.position as number)),
      } as const)
    : ({ field: "position", type: "nominal", title: positionTitle, sort: null } as const);
  const val = (field: string) => ({ field, type: "quantitative", title: estimateTitle }) as const;
  const vertical = orientation === "vertical";
  const place = <A, B>(p: A, v: B, v2?: string) =>
    vertical
      ? { x: p, y: v, ...(v2 === undefined ? {} : { y2: { field: v2 } }) }
      : { y: p, x: v, ...(v2 === undefined ? {} : { x2: { field: v2 } }) };

  const layer: LayerItem[] = [];
  if (hasBand) {
    layer.push({
      name: "band",
      transform: [BOTH_VALID("bandLow", "bandHigh")],
      mark: numeric
        ? { type: "area", color: OKABE_ITO[0], opacity: 0.18, orient: vertical ? "vertical" : "horizontal" }
        : vertical
          ? { type: "bar", color: OKABE_ITO[0], opacity: 0.18, width: { band: 0.5 } }
          : { type: "bar", color: OKABE_ITO[0], opacity: 0.18, height: { band: 0.5 } },
      encoding: place(pos, val("bandLow"), "bandHigh"),
    });
  }
  layer.push({
    name: "ci",
    transform: [BOTH_VALID("ciLow", "ciHigh")],
    mark: { type: "rule", color: OKABE_ITO[0], strokeWidth: 1.5 },
    encoding: place(pos, val("ciLow"), "ciHigh"),
  });
  if (opts.zeroRule ?? true) layer.push(zeroRuleLayer(vertical ? "y" : "x", estimateTitle));
  layer.push({
    name: "points",
    mark: { type: "point", filled: true, size: 50, opacity: 1 },
    encoding: {
      ...place(pos, val("estimate")),
      color: {
        field: "marker",
        type: "nominal",
        title: null,
        scale: {
          domain: markers,
          range: markers.map((m) => (m === estimateLabel ? OKABE_ITO[0] : ANNOTATION_COLOR)),
        },
        ...(markers.length > 1 ? {} : { legend: null }),
      },
      shape: {
        field: "marker",
        type: "nominal",
        title: null,
        scale: { domain: markers, range: markers.map((m) => (m === estimateLabel ? "circle" : "diamond")) },
        ...(markers.length > 1 ? {} : { legend: null }),
      },
      tooltip: [
        { field: "position", type: numeric ? "quantitative" : "nominal", title: positionTitle },
        { field: "estimate", type: "quantitative", title: estimateTitle },
        { field: "ciLow", type: "quantitative", title: "CI low" },
        { field: "ciHigh", type: "quantitative", title: "CI high" },
      ],
    },
  });
  layer.push(...annotationRuleLayers(rules, vertical ? "x" : "y", positionTitle, "annotation", frame.width));
  return layeredSpec(frame, layer, data);
}
