import type { DeepReadonly } from "../../core/result.js";
import {
  annotationRuleLayers,
  type DataRow,
  type LayerItem,
  layeredSpec,
  zeroRuleLayer,
} from "../shared/charts/layers.js";
import { OKABE_ITO } from "../shared/charts/theme.js";
import type { ChartFrameOptions, ChartSpec } from "../shared/charts/types.js";
import { frameOptions } from "../shared/charts/validate.js";
import type { BalanceTable } from "./balance.js";
import type { OverlapSummary, WeightSummary } from "./overlap.js";

const GROUPS = ["Opt-in (treated)", "Comparison (control)"];
const groupScale = { domain: [...GROUPS], range: [OKABE_ITO[0], OKABE_ITO[1]] as string[] };
const SHARE_TITLE = "Share of group";
const groupLabel = (g: "treated" | "control") => (g === "treated" ? GROUPS[0] : GROUPS[1]);

/**
 * Overlap chart: a mirrored histogram of the propensity scores on [0, 1] — the treated group's share of users
 * per bin above the axis, the comparison group's below it (field `signedShare`; axis labels show the absolute
 * share) — in opaque bars, so every colour drawn is a legend colour (overlaid semi-transparent bars blend into a
 * third colour). The trimming bounds are labelled dashed rules when trimming was applied.
 *
 * @example
 * ```ts
 * import { propensityOverlapChart } from "truelift";
 * const spec = propensityOverlapChart(result.overlap, { trim: result.trim });
 * ```
 */
export function propensityOverlapChart(
  overlap: DeepReadonly<OverlapSummary>,
  options: ChartFrameOptions & {
    readonly trim?: { readonly lower: number; readonly upper: number; readonly rule: string } | null;
  } = {},
): ChartSpec {
  const frame = frameOptions(options, "Propensity scores by group", "propensityOverlapChart");
  const data: DataRow[] = overlap.bins.map((b) => ({
    group: groupLabel(b.group),
    lower: b.lower,
    upper: b.upper,
    share: b.share,
    signedShare: b.group === "treated" || b.share === 0 ? b.share : -b.share, // no -0: JSON has none
    count: b.count,
  }));
  const x = {
    field: "lower",
    type: "quantitative",
    title: "Propensity score",
    scale: { domain: [0, 1] as number[] },
  } as const;
  const rules = options.trim
    ? [
        { at: options.trim.lower, label: `trim ${options.trim.lower.toFixed(3)}` },
        { at: options.trim.upper, label: `trim ${options.trim.upper.toFixed(3)}` },
      ]
    : [];
  const layer: LayerItem[] = [
    {
      name: "bars",
      mark: { type: "rect", opacity: 1, stroke: "white", strokeWidth: 0.5 },
      encoding: {
        x,
        x2: { field: "upper" },
        y: {
          field: "signedShare",
          type: "quantitative",
          title: SHARE_TITLE,
          stack: null,
          axis: { labelExpr: "format(abs(datum.value), '.0%')" },
        },
        y2: { datum: 0 },
        color: { field: "group", type: "nominal", title: "Group", scale: groupScale },
        tooltip: [
          { field: "group", type: "nominal", title: "Group" },
          { field: "lower", type: "quantitative", title: "From", format: ".2f" },
          { field: "upper", type: "quantitative", title: "To", format: ".2f" },
          { field: "count", type: "quantitative", title: "Users" },
          { field: "share", type: "quantitative", title: "Share", format: ".1%" },
        ],
      },
    },
    zeroRuleLayer("y", SHARE_TITLE),
    ...annotationRuleLayers(rules, "x", "Propensity score", "trim", frame.width),
  ];
  return layeredSpec(
    {
      ...frame,
      subtitle:
        frame.subtitle ??
        `Share of each group's users per score bin: ${GROUPS[0]} above the axis, ${GROUPS[1]} below`,
    },
    layer,
    data,
  );
}

/**
 * Love plot: the absolute standardized mean difference of every covariate column before and after weighting
 * (the headline estimand's weights) and, when the table has matched columns (`smdMatched`), after matching
 * (legend `matchedLabel`, default "Matched (1-NN)") — legend order raw, weighted, matched — with the balance
 * threshold as a dashed rule.
 *
 * @example
 * ```ts
 * import { propensityLovePlot } from "truelift";
 * const spec = propensityLovePlot(result.balance);
 * ```
 */
export function propensityLovePlot(
  balance: DeepReadonly<BalanceTable>,
  options: ChartFrameOptions & { readonly matchedLabel?: string } = {},
): ChartSpec {
  const hasMatched = balance.rows.some((r) => r.smdMatched !== null);
  const matchedStage = options.matchedLabel ?? "Matched (1-NN)";
  const frame = frameOptions(
    options,
    hasMatched
      ? "Covariate balance before and after weighting and matching"
      : "Covariate balance before and after weighting",
    "propensityLovePlot",
  );
  const after = `After weighting (${balance.estimand})`;
  const stages = ["Before weighting", after, ...(hasMatched ? [matchedStage] : [])];
  const colours = [OKABE_ITO[5], OKABE_ITO[2], OKABE_ITO[0]].slice(0, stages.length) as string[];
  const data: DataRow[] = [];
  for (const r of balance.rows) {
    const w = balance.estimand === "ATE" ? r.smdAte : r.smdAtt;
    if (r.smdRaw !== null)
      data.push({ covariate: r.covariate, stage: "Before weighting", smd: Math.abs(r.smdRaw) });
    if (w !== null) data.push({ covariate: r.covariate, stage: after, smd: Math.abs(w) });
    if (r.smdMatched !== null)
      data.push({ covariate: r.covariate, stage: matchedStage, smd: Math.abs(r.smdMatched) });
  }
  const xTitle = `|Standardized mean difference| (${balance.denominator} SD)`;
  const layer: LayerItem[] = [
    {
      name: "points",
      mark: { type: "point", filled: true, size: 70 },
      encoding: {
        x: { field: "smd", type: "quantitative", title: xTitle },
        y: { field: "covariate", type: "nominal", title: "Covariate", sort: null },
        color: {
          field: "stage",
          type: "nominal",
          title: "",
          scale: { domain: [...stages], range: colours },
        },
        shape: { field: "stage", type: "nominal", title: "", scale: { domain: [...stages] } },
        tooltip: [
          { field: "covariate", type: "nominal", title: "Covariate" },
          { field: "stage", type: "nominal", title: "Stage" },
          { field: "smd", type: "quantitative", title: "|SMD|", format: ".3f" },
        ],
      },
    },
    ...annotationRuleLayers(
      [{ at: balance.threshold, label: `${balance.threshold}` }],
      "x",
      xTitle,
      "threshold",
      frame.width,
    ),
  ];
  return layeredSpec(
    { ...frame, height: options.height ?? Math.max(120, 24 * balance.rows.length) },
    layer,
    data,
  );
}

/**
 * Weight distribution: per group, the inverse-probability weights of one estimand as a box drawn from their
 * quantiles (1–99% whisker, quartile box, median tick, maximum point), on a log scale.
 *
 * @example
 * ```ts
 * import { propensityWeightChart } from "truelift";
 * const spec = propensityWeightChart(result.weights, "ATE");
 * ```
 */
export function propensityWeightChart(
  weights: DeepReadonly<WeightSummary>,
  estimand: "ATE" | "ATT",
  options: ChartFrameOptions = {},
): ChartSpec {
  const frame = frameOptions(options, `Inverse-probability weights (${estimand})`, "propensityWeightChart");
  const data: DataRow[] = (["treated", "control"] as const).map((g) => {
    const arm = weights[estimand][g];
    const q = (p: number) => arm.quantiles.find((x) => x.q === p)?.weight ?? null;
    return {
      group: groupLabel(g),
      min: q(0),
      p01: q(0.01),
      p25: q(0.25),
      median: q(0.5),
      p75: q(0.75),
      p99: q(0.99),
      max: q(1),
      ess: Math.round(arm.ess),
      n: arm.n,
    };
  });
  const xTitle = "Weight (log scale)";
  const x = { field: "p01", type: "quantitative", title: xTitle, scale: { type: "log" } } as const;
  const y = { field: "group", type: "nominal", title: "Group" } as const;
  const color = { field: "group", type: "nominal", title: "Group", scale: groupScale, legend: null } as const;
  const tooltip = [
    { field: "group", type: "nominal", title: "Group" },
    { field: "median", type: "quantitative", title: "Median", format: ".2f" },
    { field: "p99", type: "quantitative", title: "99th percentile", format: ".2f" },
    { field: "max", type: "quantitative", title: "Largest", format: ".2f" },
    { field: "ess", type: "quantitative", title: "Effective sample size" },
    { field: "n", type: "quantitative", title: "Users" },
  ] as const;
  const layer: LayerItem[] = [
    { name: "whisker", mark: { type: "rule" }, encoding: { x, x2: { field: "p99" }, y, color } },
    {
      name: "box",
      mark: { type: "bar", size: 18 },
      encoding: { x: { ...x, field: "p25" }, x2: { field: "p75" }, y, color, tooltip: [...tooltip] },
    },
    {
      name: "median",
      mark: { type: "tick", color: "white", size: 18 },
      encoding: { x: { ...x, field: "median" }, y },
    },
    { name: "max", mark: { type: "point", filled: true }, encoding: { x: { ...x, field: "max" }, y, color } },
  ];
  return layeredSpec(
    {
      ...frame,
      height: options.height ?? 140,
      subtitle: frame.subtitle ?? "Box: quartiles; line: 1st–99th percentile; point: largest weight",
    },
    layer,
    data,
  );
}
