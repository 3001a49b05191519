import { TrueliftError } from "../../core/errors.js";
import { coefficientChart } from "../shared/charts/coefficient-chart.js";
import { type LinePoint, lineChart } from "../shared/charts/line-chart.js";
import { scatterChart } from "../shared/charts/scatter-chart.js";
import { centredRollingMean } from "../shared/charts/smooth.js";
import type { ChartFrameOptions, ChartSpec } from "../shared/charts/types.js";
import { requireFinite, requireRows, requireString } from "../shared/charts/validate.js";
import type { DidTrendRow } from "./trends.js";

/**
 * Options of {@link didTrendChart}.
 *
 * - `treatmentStart`: first treated period; drawn as a labelled vertical rule, and splits pre from post.
 * - `outcomeLabel`: the outcome with its unit, e.g. "Revenue per user (USD)"; the y-axis title.
 * - `periodLabel`: x-axis title; __Default value:__ `"Period"`.
 * - `counterfactual`: the treated group's counterfactual means, drawn dashed; __Default value:__ computed by
 *   {@link didCounterfactual} when `treatedGroup` is given, none otherwise.
 * - `treatedGroup`, `controlGroup`: which groups the counterfactual belongs to / is built from; `controlGroup`
 *   __Default value:__ the only other group (required when there are more than two).
 * - `smoothing`: centred rolling-mean window in periods (odd integer), applied within the pre and the post period
 *   separately so no jump is smeared across the treatment date; __Default value:__ none.
 * - `treatmentLabel`: label of the rule; __Default value:__ `"Treatment starts"`.
 * - `title`: __Default value:__ `"<outcomeLabel>: group means over time"`; `subtitle` defaults to a sentence
 *   saying what the dashed line is and whether means are smoothed.
 *
 * @example
 * ```ts
 * import type { DidTrendChartOptions } from "truelift";
 * const o: DidTrendChartOptions = { treatmentStart: 10, outcomeLabel: "Orders per store", treatedGroup: "treated" };
 * ```
 */
export interface DidTrendChartOptions extends ChartFrameOptions {
  readonly treatmentStart: number;
  readonly outcomeLabel: string;
  readonly periodLabel?: string;
  readonly counterfactual?: readonly { readonly period: number; readonly mean: number }[];
  readonly treatedGroup?: string;
  readonly controlGroup?: string;
  readonly smoothing?: number;
  readonly treatmentLabel?: string;
}

/**
 * Options of {@link didCounterfactual}: see {@link DidTrendChartOptions} for each field.
 *
 * @example
 * ```ts
 * import type { DidCounterfactualOptions } from "truelift";
 * const o: DidCounterfactualOptions = { treatmentStart: 10, treatedGroup: "treated", controlGroup: "control" };
 * ```
 */
export interface DidCounterfactualOptions {
  readonly treatmentStart: number;
  readonly treatedGroup: string;
  readonly controlGroup?: string;
  readonly smoothing?: number;
}

const TREND = "didTrendChart";

function trendRows(rows: readonly DidTrendRow[], chart: string): DidTrendRow[] {
  requireRows(rows, chart);
  const seen = new Set<string>();
  return rows.map((r, i) => {
    const period = requireFinite(r?.period, `rows[${i}].period`, chart);
    const group = requireString(r.group, `rows[${i}].group`, chart);
    const mean = requireFinite(r.mean, `rows[${i}].mean`, chart);
    const n = requireFinite(r.n, `rows[${i}].n`, chart);
    if (n < 0) throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: rows[${i}].n must be non-negative.`);
    const key = JSON.stringify([group, period]);
    if (seen.has(key)) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `${chart}: group '${group}' has two rows for period ${period}.`,
        {
          details: { group, period },
        },
      );
    }
    seen.add(key);
    return { period, group, mean, n };
  });
}

/** Rows of one group sorted by period, with means smoothed within the pre and the post period when asked. */
function groupSeries(
  rows: readonly DidTrendRow[],
  group: string,
  treatmentStart: number,
  smoothing?: number,
) {
  const own = rows.filter((r) => r.group === group).sort((a, b) => a.period - b.period);
  if (smoothing === undefined) return own;
  const pre = own.filter((r) => r.period < treatmentStart);
  const post = own.filter((r) => r.period >= treatmentStart);
  const smooth = (part: DidTrendRow[]) => {
    const m = centredRollingMean(
      part.map((r) => r.mean),
      smoothing,
    );
    return part.map((r, i) => ({ ...r, mean: m[i] }));
  };
  return [...smooth(pre), ...smooth(post)];
}

function groupsOf(rows: readonly DidTrendRow[]): string[] {
  return [...new Set(rows.map((r) => r.group))];
}

function resolveControl(
  groups: string[],
  treated: string,
  control: string | undefined,
  chart: string,
): string {
  if (!groups.includes(treated)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: treatedGroup '${treated}' has no rows.`, {
      details: { treatedGroup: treated, groups },
    });
  }
  if (control !== undefined) {
    requireString(control, "controlGroup", chart);
    if (!groups.includes(control) || control === treated) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `${chart}: controlGroup '${control}' must be a group with rows, other than the treated group.`,
        { details: { controlGroup: control, groups } },
      );
    }
    return control;
  }
  const others = groups.filter((g) => g !== treated);
  if (others.length !== 1) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${chart}: there are ${others.length} groups besides '${treated}'; name the comparison with controlGroup.`,
      { details: { groups } },
    );
  }
  return others[0];
}

function computeCounterfactual(
  rows: readonly DidTrendRow[],
  opts: DidCounterfactualOptions,
  chart: string,
): { period: number; mean: number }[] {
  const start = requireFinite(opts.treatmentStart, "treatmentStart", chart);
  const treated = requireString(opts.treatedGroup, "treatedGroup", chart);
  const control = resolveControl(groupsOf(rows), treated, opts.controlGroup, chart);
  const preMean = (group: string): number => {
    let s = 0;
    let w = 0;
    for (const r of rows) {
      if (r.group === group && r.period < start) {
        s += r.n * r.mean;
        w += r.n;
      }
    }
    if (w === 0) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `${chart}: group '${group}' has no observations before period ${start}, so the pre-period gap is undefined.`,
        { details: { group, treatmentStart: start } },
      );
    }
    return s / w;
  };
  const gap = preMean(treated) - preMean(control);
  const path = groupSeries(rows, control, start, opts.smoothing);
  const lastPre = Math.max(...path.filter((r) => r.period < start).map((r) => r.period));
  return path.filter((r) => r.period >= lastPre).map((r) => ({ period: r.period, mean: r.mean + gap }));
}

/**
 * The difference-in-differences counterfactual for the treated group: the control group's mean path shifted by
 * the pre-period gap, gap = (treated pre-period mean) − (control pre-period mean), each pre-period mean weighted
 * by `n` (so it is the mean over all pre-period observations, as in the 2×2 DiD). Returned for the control's
 * periods from its last pre-treatment period on, so a dashed line starts at the treatment date's left. With
 * `smoothing`, the control path is smoothed as {@link didTrendChart} displays it; the gap always uses raw means.
 * Averaged over the post periods (weighted like the treated post mean), treated − counterfactual is the 2×2 DiD
 * estimate when the panel is balanced.
 *
 * Throws `E_INVALID_ARGUMENT` when a group is unknown, the control is ambiguous, or a group has no
 * pre-period observations.
 *
 * @see Card, D. and Krueger, A. B. (1994). Minimum wages and employment: a case study of the fast-food industry
 * in New Jersey and Pennsylvania. American Economic Review 84(4), 772–793.
 *
 * @example
 * ```ts
 * import { didCounterfactual } from "truelift";
 * didCounterfactual(
 *   [
 *     { period: 1, group: "c", mean: 10, n: 1 },
 *     { period: 2, group: "c", mean: 12, n: 1 },
 *     { period: 1, group: "t", mean: 15, n: 1 },
 *     { period: 2, group: "t", mean: 20, n: 1 },
 *   ],
 *   { treatmentStart: 2, treatedGroup: "t" },
 * ); // [{ period: 1, mean: 15 }, { period: 2, mean: 17 }]
 * ```
 */
export function didCounterfactual(
  rows: readonly DidTrendRow[],
  opts: DidCounterfactualOptions,
): { period: number; mean: number }[] {
  return computeCounterfactual(trendRows(rows, "didCounterfactual"), opts, "didCounterfactual");
}

/**
 * Group means over time for a difference-in-differences design: one line per group (points at each period), the
 * treatment date as a labelled vertical rule, and the DiD counterfactual of the treated group (the control trend
 * shifted by the pre-period gap, see {@link didCounterfactual}) as a dashed line in the treated group's colour.
 * Built on `lineChart`; the tidy rows (`x` = period, `y` = mean, `series` = group, `n`, `kind`) are embedded as
 * `data.values`. Pure and deeply frozen; the input rows are not modified.
 *
 * @see Card, D. and Krueger, A. B. (1994). Minimum wages and employment: a case study of the fast-food industry
 * in New Jersey and Pennsylvania. American Economic Review 84(4), 772–793.
 *
 * @example
 * ```ts
 * import { didTrendChart } from "truelift";
 * const spec = didTrendChart(
 *   [
 *     { period: 1, group: "control", mean: 10, n: 400 },
 *     { period: 2, group: "control", mean: 11, n: 400 },
 *     { period: 1, group: "treated", mean: 12, n: 380 },
 *     { period: 2, group: "treated", mean: 15, n: 380 },
 *   ],
 *   { treatmentStart: 2, outcomeLabel: "Orders per store", periodLabel: "Week (index)", treatedGroup: "treated" },
 * );
 * ```
 */
export function didTrendChart(rows: readonly DidTrendRow[], opts: DidTrendChartOptions): ChartSpec {
  const clean = trendRows(rows, TREND);
  const treatmentStart = requireFinite(opts?.treatmentStart, "treatmentStart", TREND);
  const outcomeLabel = requireString(opts.outcomeLabel, "outcomeLabel", TREND);
  const periodLabel =
    opts.periodLabel === undefined ? "Period" : requireString(opts.periodLabel, "periodLabel", TREND);
  const treatmentLabel =
    opts.treatmentLabel === undefined
      ? "Treatment starts"
      : requireString(opts.treatmentLabel, "treatmentLabel", TREND);
  const smoothing = opts.smoothing;
  if (smoothing !== undefined) centredRollingMean([], smoothing); // validates the window up front
  const treated =
    opts.treatedGroup === undefined ? undefined : requireString(opts.treatedGroup, "treatedGroup", TREND);
  if (treated !== undefined && !groupsOf(clean).includes(treated)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${TREND}: treatedGroup '${treated}' has no rows.`, {
      details: { treatedGroup: treated, groups: groupsOf(clean) },
    });
  }

  let counterfactual: { period: number; mean: number }[] = [];
  if (opts.counterfactual !== undefined) {
    if (!Array.isArray(opts.counterfactual)) {
      throw new TrueliftError("E_INVALID_ARGUMENT", `${TREND}: counterfactual must be an array.`);
    }
    counterfactual = opts.counterfactual.map((r, i) => ({
      period: requireFinite(r?.period, `counterfactual[${i}].period`, TREND),
      mean: requireFinite(r.mean, `counterfactual[${i}].mean`, TREND),
    }));
  } else if (treated !== undefined) {
    counterfactual = computeCounterfactual(
      clean,
      { treatmentStart, treatedGroup: treated, controlGroup: opts.controlGroup, smoothing },
      TREND,
    );
  }

  const observed: LinePoint[] = groupsOf(clean).flatMap((g) =>
    groupSeries(clean, g, treatmentStart, smoothing).map((r) => ({
      x: r.period,
      y: r.mean,
      series: g,
      n: r.n,
    })),
  );
  const cfSeries = treated ?? "Counterfactual";
  const notes = [
    ...(counterfactual.length > 0
      ? ["Dashed: DiD counterfactual (control trend shifted by the pre-period gap)"]
      : []),
    ...(smoothing !== undefined && smoothing > 1 ? [`Centred ${smoothing}-period rolling means`] : []),
  ];
  return lineChart(observed, {
    xTitle: periodLabel,
    yTitle: outcomeLabel,
    seriesTitle: "Group",
    title: opts.title ?? `${outcomeLabel}: group means over time`,
    ...(opts.subtitle !== undefined
      ? { subtitle: opts.subtitle }
      : notes.length > 0
        ? { subtitle: notes.join(". ") }
        : {}),
    ...(opts.width === undefined ? {} : { width: opts.width }),
    ...(opts.height === undefined ? {} : { height: opts.height }),
    rules: [{ at: treatmentStart, label: treatmentLabel }],
    counterfactual: counterfactual.map((r) => ({ x: r.period, y: r.mean, series: cfSeries })),
    counterfactualLabel: "DiD counterfactual",
  });
}

/**
 * One event-study coefficient: the effect `relTime` periods after treatment onset (negative = leads), its
 * confidence limits (null when not computable), and whether it is the normalised reference period.
 *
 * @example
 * ```ts
 * import type { EventStudyChartRow } from "truelift";
 * const r: EventStudyChartRow = { relTime: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true };
 * ```
 */
export interface EventStudyChartRow {
  readonly relTime: number;
  readonly estimate: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly reference: boolean;
}

/**
 * Options shared by {@link eventStudyChart} and {@link csDynamicChart}.
 *
 * - `outcomeLabel`: the outcome with its unit; the y axis reads "Effect on <outcomeLabel>".
 * - `timeLabel`: x-axis title; __Default value:__ `"Periods relative to treatment"`.
 * - `confidenceLevel`: level of the intervals, for the subtitle; __Default value:__ `0.95`.
 * - `onsetLabel`: label of the rule at −0.5 (between the last untreated and the first treated period);
 *   __Default value:__ `"Treatment onset"`.
 *
 * @example
 * ```ts
 * import type { DynamicChartOptions } from "truelift";
 * const o: DynamicChartOptions = { outcomeLabel: "orders per store", timeLabel: "Weeks since launch" };
 * ```
 */
export interface DynamicChartOptions extends ChartFrameOptions {
  readonly outcomeLabel: string;
  readonly timeLabel?: string;
  readonly confidenceLevel?: number;
  readonly onsetLabel?: string;
}

function percent(level: number | undefined, chart: string): string {
  const l = level === undefined ? 0.95 : requireFinite(level, "confidenceLevel", chart);
  if (!(l > 0 && l < 1)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: confidenceLevel must be between 0 and 1.`);
  }
  return `${Number((l * 100).toPrecision(6))}%`;
}

function dynamicFrame(opts: DynamicChartOptions, chart: string, title: string, subtitle: string) {
  const outcomeLabel = requireString(opts?.outcomeLabel, "outcomeLabel", chart);
  return {
    positionTitle:
      opts.timeLabel === undefined
        ? "Periods relative to treatment"
        : requireString(opts.timeLabel, "timeLabel", chart),
    estimateTitle: `Effect on ${outcomeLabel}`,
    title: opts.title ?? title,
    subtitle: opts.subtitle ?? subtitle,
    ...(opts.width === undefined ? {} : { width: opts.width }),
    ...(opts.height === undefined ? {} : { height: opts.height }),
    rules: [
      {
        at: -0.5,
        label:
          opts.onsetLabel === undefined
            ? "Treatment onset"
            : requireString(opts.onsetLabel, "onsetLabel", chart),
      },
    ],
  };
}

/**
 * Event-study (dynamic TWFE) coefficients: one point per relative period with its pointwise confidence interval,
 * the reference period (normalised to 0, usually −1) drawn as a grey diamond, a zero line, and the treatment
 * onset as a labelled rule at relative time −0.5. Rows whose limits are null keep their point and lose only the
 * interval. Built on `coefficientChart`; the tidy rows (`position` = relTime, `estimate`, `ciLow`, `ciHigh`,
 * `marker`) are embedded as `data.values`. Pure and deeply frozen.
 *
 * @see Freyaldenhoven, S., Hansen, C., Pérez Pérez, J. and Shapiro, J. M. (2021). Visualization, identification,
 * and estimation in the linear panel event-study design. NBER Working Paper 29170.
 *
 * @example
 * ```ts
 * import { eventStudyChart } from "truelift";
 * const spec = eventStudyChart(
 *   [
 *     { relTime: -2, estimate: 0.05, ciLow: -0.2, ciHigh: 0.3, reference: false },
 *     { relTime: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true },
 *     { relTime: 0, estimate: 0.8, ciLow: 0.5, ciHigh: 1.1, reference: false },
 *   ],
 *   { outcomeLabel: "orders per store" },
 * );
 * ```
 */
export function eventStudyChart(rows: readonly EventStudyChartRow[], opts: DynamicChartOptions): ChartSpec {
  const chart = "eventStudyChart";
  requireRows(rows, chart);
  const level = percent(opts?.confidenceLevel, chart);
  const frame = dynamicFrame(
    opts,
    chart,
    "Event study: effect by period relative to treatment",
    `Points: estimates; bars: ${level} pointwise confidence intervals`,
  );
  return coefficientChart(
    rows.map((r, i) => {
      if (typeof r?.reference !== "boolean") {
        throw new TrueliftError(
          "E_INVALID_ARGUMENT",
          `${chart}: rows[${i}].reference must be true or false.`,
        );
      }
      return {
        position: requireFinite(r.relTime, `rows[${i}].relTime`, chart),
        estimate: r.estimate,
        ciLow: r.ciLow,
        ciHigh: r.ciHigh,
        reference: r.reference,
      };
    }),
    { ...frame, referenceLabel: "Reference (normalised to 0)" },
  );
}

/**
 * One Callaway–Sant'Anna dynamic (event-time) aggregate ATT(e): event time `e`, the estimate, its pointwise
 * confidence limits, and optionally the simultaneous (uniform) band limits; null where not computable.
 *
 * @example
 * ```ts
 * import type { CsDynamicRow } from "truelift";
 * const r: CsDynamicRow = { e: 0, estimate: 0.8, ciLow: 0.5, ciHigh: 1.1, bandLow: 0.4, bandHigh: 1.2 };
 * ```
 */
export interface CsDynamicRow {
  readonly e: number;
  readonly estimate: number;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly bandLow?: number | null;
  readonly bandHigh?: number | null;
}

/**
 * Callaway–Sant'Anna dynamic effects ATT(e): one point per event time with its pointwise confidence interval,
 * the simultaneous (uniform, sup-t bootstrap) band as a shaded area when band limits are given, a zero line, and
 * the treatment onset as a labelled rule at e = −0.5. Rows with null limits keep their point. Built on
 * `coefficientChart`; the tidy rows (`position` = e, `estimate`, `ciLow`, `ciHigh`, `bandLow`, `bandHigh`,
 * `marker`) are embedded as `data.values`. Pure and deeply frozen.
 *
 * @see Callaway, B. and Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time periods. Journal
 * of Econometrics 225(2), 200–230.
 *
 * @example
 * ```ts
 * import { csDynamicChart } from "truelift";
 * const spec = csDynamicChart(
 *   [
 *     { e: -1, estimate: 0.02, ciLow: -0.2, ciHigh: 0.24, bandLow: -0.3, bandHigh: 0.34 },
 *     { e: 0, estimate: 0.8, ciLow: 0.5, ciHigh: 1.1, bandLow: 0.4, bandHigh: 1.2 },
 *   ],
 *   { outcomeLabel: "orders per store" },
 * );
 * ```
 */
export function csDynamicChart(rows: readonly CsDynamicRow[], opts: DynamicChartOptions): ChartSpec {
  const chart = "csDynamicChart";
  requireRows(rows, chart);
  const level = percent(opts?.confidenceLevel, chart);
  const hasBand = rows.some((r) => r?.bandLow != null && r.bandHigh != null);
  const frame = dynamicFrame(
    opts,
    chart,
    "Dynamic effects by event time (Callaway–Sant'Anna)",
    hasBand
      ? `Points: ATT(e); bars: ${level} pointwise confidence intervals; shaded: ${level} uniform band`
      : `Points: ATT(e); bars: ${level} pointwise confidence intervals`,
  );
  return coefficientChart(
    rows.map((r, i) => ({
      position: requireFinite(r?.e, `rows[${i}].e`, chart),
      estimate: r.estimate,
      ciLow: r.ciLow,
      ciHigh: r.ciHigh,
      bandLow: r.bandLow ?? null,
      bandHigh: r.bandHigh ?? null,
    })),
    frame,
  );
}

/**
 * One 2×2 comparison of the Goodman-Bacon decomposition: its comparison type (e.g. "Earlier vs Later Treated"),
 * its DiD estimate and its weight in the TWFE estimate.
 *
 * @example
 * ```ts
 * import type { BaconRow } from "truelift";
 * const r: BaconRow = { type: "Treated vs Untreated", estimate: 1.1, weight: 0.55 };
 * ```
 */
export interface BaconRow {
  readonly type: string;
  readonly estimate: number;
  readonly weight: number;
}

/**
 * Options of {@link baconChart}.
 *
 * - `twfe`: the two-way fixed-effects estimate, drawn as a labelled horizontal rule.
 * - `outcomeLabel`: the outcome with its unit; __Default value:__ `"outcome units"`.
 * - `title`: __Default value:__ `"Goodman-Bacon decomposition of the TWFE estimate"`.
 *
 * @example
 * ```ts
 * import type { BaconChartOptions } from "truelift";
 * const o: BaconChartOptions = { twfe: 0.93, outcomeLabel: "orders per store" };
 * ```
 */
export interface BaconChartOptions extends ChartFrameOptions {
  readonly twfe: number;
  readonly outcomeLabel?: string;
}

/**
 * The Goodman-Bacon decomposition as a scatter plot: each 2×2 DiD estimate against its weight in the TWFE
 * estimate, coloured and shaped by comparison type, with the TWFE estimate (the weighted average of the 2×2s) as
 * a labelled horizontal rule. Built on `scatterChart`; the tidy rows (`x` = weight, `y` = estimate, `category` =
 * type) are embedded as `data.values`. Weights must be finite and non-negative (`E_BAD_WEIGHTS`). Pure and
 * deeply frozen.
 *
 * @see Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing. Journal of
 * Econometrics 225(2), 254–277.
 *
 * @example
 * ```ts
 * import { baconChart } from "truelift";
 * const spec = baconChart(
 *   [
 *     { type: "Treated vs Untreated", estimate: 1.1, weight: 0.6 },
 *     { type: "Later vs Earlier Treated", estimate: -0.4, weight: 0.4 },
 *   ],
 *   { twfe: 0.5, outcomeLabel: "orders per store" },
 * );
 * ```
 */
export function baconChart(rows: readonly BaconRow[], opts: BaconChartOptions): ChartSpec {
  const chart = "baconChart";
  requireRows(rows, chart);
  const twfe = requireFinite(opts?.twfe, "twfe", chart);
  const outcomeLabel =
    opts.outcomeLabel === undefined
      ? "outcome units"
      : requireString(opts.outcomeLabel, "outcomeLabel", chart);
  const points = rows.map((r, i) => {
    const weight = requireFinite(r?.weight, `rows[${i}].weight`, chart);
    if (weight < 0) {
      throw new TrueliftError("E_BAD_WEIGHTS", `${chart}: rows[${i}].weight is negative (${weight}).`, {
        details: { row: i, weight },
      });
    }
    return {
      x: weight,
      y: requireFinite(r.estimate, `rows[${i}].estimate`, chart),
      category: requireString(r.type, `rows[${i}].type`, chart),
    };
  });
  return scatterChart(points, {
    xTitle: "Weight in the TWFE estimate (share)",
    yTitle: `2×2 DiD estimate (${outcomeLabel})`,
    categoryTitle: "Comparison",
    title: opts.title ?? "Goodman-Bacon decomposition of the TWFE estimate",
    subtitle:
      opts.subtitle ?? "Each point is one 2×2 comparison; the TWFE estimate is their weighted average",
    ...(opts.width === undefined ? {} : { width: opts.width }),
    ...(opts.height === undefined ? {} : { height: opts.height }),
    rules: [{ at: twfe, label: `TWFE estimate = ${Number(twfe.toPrecision(4))}` }],
  });
}
