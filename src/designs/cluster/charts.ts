import { TrueliftError } from "../../core/errors.js";
import {
  type ChartFrameOptions,
  type ChartSpec,
  type CoefficientRow,
  coefficientChart,
  type DataRow,
  frameOptions,
  type LayerItem,
  layeredSpec,
  lineChart,
  requireFinite,
  requireFiniteOrNull,
  requireRows,
  requireString,
} from "../shared/charts/index.js";

/** One histogram bin of one exposure group: [binStart, binEnd), its count and density (count / (n · width)). */
export interface OutcomeBinRow {
  readonly group: string;
  readonly binStart: number;
  readonly binEnd: number;
  readonly count: number;
  readonly density: number;
}

/** One group's mean (and optional n) for the mean rules of {@link outcomeDistributionChart}. */
export interface GroupMeanRow {
  readonly group: string;
  readonly mean: number;
  readonly n?: number;
}

/**
 * Histogram rows of an outcome by group, with bins shared by all groups (equal width over the pooled range), for
 * {@link outcomeDistributionChart}: a spec with a few hundred rows instead of one per user. Densities are
 * count / (n_group · width), so groups of different sizes are comparable. Group order is order of first
 * appearance. Throws `E_LENGTH_MISMATCH` or `E_INVALID_ARGUMENT` (no finite values, bins < 1).
 *
 * @example
 * ```ts
 * import { outcomeHistogram } from "truelift";
 * outcomeHistogram([1, 2, 2, 3], ["a", "a", "b", "b"], { bins: 2 });
 * // [{ group: "a", binStart: 1, binEnd: 2, count: 1, density: 0.5 }, …]
 * ```
 */
export function outcomeHistogram(
  values: ArrayLike<number>,
  groups: ArrayLike<string>,
  options: { bins?: number } = {},
): OutcomeBinRow[] {
  if (values.length !== groups.length) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `outcomeHistogram: ${values.length} values but ${groups.length} groups.`,
    );
  }
  const bins = options.bins ?? 40;
  if (!(Number.isInteger(bins) && bins >= 1)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `outcomeHistogram: bins must be a positive integer; got ${bins}.`,
    );
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo))
    throw new TrueliftError("E_INVALID_ARGUMENT", "outcomeHistogram: no finite values.");
  const width = hi > lo ? (hi - lo) / bins : 1;
  const index = new Map<string, number>();
  const counts: number[][] = [];
  const totals: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let g = index.get(groups[i]);
    if (g === undefined) {
      g = index.size;
      index.set(groups[i], g);
      counts.push(new Array<number>(bins).fill(0));
      totals.push(0);
    }
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[g][b]++;
    totals[g]++;
  }
  const rows: OutcomeBinRow[] = [];
  for (const [group, g] of index) {
    for (let b = 0; b < bins; b++) {
      rows.push({
        group,
        binStart: lo + b * width,
        binEnd: lo + (b + 1) * width,
        count: counts[g][b],
        density: counts[g][b] / (totals[g] * width),
      });
    }
  }
  return rows;
}

/** Options of {@link outcomeDistributionChart}: the outcome axis title (with units) and the frame. */
export interface OutcomeDistributionOptions extends ChartFrameOptions {
  readonly outcomeTitle: string;
  /** __Default value:__ `"Exposure group"`. */
  readonly groupTitle?: string;
}

const DIST = "outcomeDistributionChart";

/**
 * Outcome distributions by exposure group (treated / spillover-exposed / pure control) with their means: one
 * translucent histogram area per group (density, so groups of different sizes compare) and a dashed vertical
 * rule with a label at each group's mean, in the group's colour. Layers: `density` (area, step interpolation),
 * `mean_rule`, `mean_label`. Pure; the tidy rows are embedded.
 *
 * @example
 * ```ts
 * import { outcomeDistributionChart, outcomeHistogram } from "truelift";
 * const bins = outcomeHistogram(minutes, groupLabels, { bins: 40 });
 * outcomeDistributionChart(bins, [{ group: "treated", mean: 5.8 }, { group: "pure control", mean: 5.0 }], {
 *   outcomeTitle: "Session minutes (per user)",
 * });
 * ```
 */
export function outcomeDistributionChart(
  bins: readonly OutcomeBinRow[],
  means: readonly GroupMeanRow[],
  opts: OutcomeDistributionOptions,
): ChartSpec {
  requireRows(bins, DIST);
  const outcomeTitle = requireString(opts?.outcomeTitle, "outcomeTitle", DIST);
  const groupTitle =
    opts.groupTitle === undefined ? "Exposure group" : requireString(opts.groupTitle, "groupTitle", DIST);
  const frame = frameOptions(opts, "Outcome by exposure group", DIST);
  const binRows: DataRow[] = bins.map((r, i) => ({
    group: requireString(r.group, `bins[${i}].group`, DIST),
    binStart: requireFinite(r.binStart, `bins[${i}].binStart`, DIST),
    binEnd: requireFinite(r.binEnd, `bins[${i}].binEnd`, DIST),
    count: requireFinite(r.count, `bins[${i}].count`, DIST),
    density: requireFinite(r.density, `bins[${i}].density`, DIST),
  }));
  const groups = [...new Set(binRows.map((r) => r.group as string))];
  const meanRows: DataRow[] = means.map((m, i) => {
    const group = requireString(m.group, `means[${i}].group`, DIST);
    const mean = requireFinite(m.mean, `means[${i}].mean`, DIST);
    if (!groups.includes(group)) groups.push(group);
    return { group, mean, label: `${group}: ${formatNumber(mean)}` };
  });
  const color = { field: "group", type: "nominal", title: groupTitle, scale: { domain: groups } } as const;
  const x = { field: "binStart", type: "quantitative", title: outcomeTitle } as const;
  const layer: LayerItem[] = [
    {
      name: "density",
      data: { values: binRows.map((r) => ({ ...r })) },
      mark: { type: "area", interpolate: "step-after", opacity: 0.35, line: true },
      encoding: {
        x,
        y: { field: "density", type: "quantitative", title: "Density", stack: null },
        color,
        tooltip: [
          { field: "group", type: "nominal", title: groupTitle },
          { field: "binStart", type: "quantitative", title: "From", format: ".3~f" },
          { field: "binEnd", type: "quantitative", title: "To", format: ".3~f" },
          { field: "count", type: "quantitative", title: "Users" },
        ],
      },
    },
  ];
  if (meanRows.length > 0) {
    const mx = { field: "mean", type: "quantitative", title: outcomeTitle } as const;
    layer.push(
      {
        name: "mean_rule",
        data: { values: meanRows.map((r) => ({ ...r })) },
        mark: { type: "rule", strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { x: mx, color },
      },
      {
        name: "mean_label",
        data: { values: meanRows.map((r) => ({ ...r })) },
        mark: { type: "text", angle: 270, align: "right", baseline: "bottom", dx: -4, dy: -3 },
        encoding: { x: mx, y: { value: 0 }, text: { field: "label", type: "nominal" }, color },
      },
    );
  }
  return layeredSpec(frame, layer);
}

/** One cluster for {@link clusterMeansChart}: its label, arm, size and mean outcome. */
export interface ClusterMeanPoint {
  readonly cluster: string | number;
  readonly arm: string;
  readonly size: number;
  readonly mean: number;
}

/** Options of {@link clusterMeansChart}. */
export interface ClusterMeansOptions extends ChartFrameOptions {
  /** The outcome axis title with units, e.g. "Mean session minutes per workspace". */
  readonly outcomeTitle: string;
  /** __Default value:__ `"Arm"`. */
  readonly armTitle?: string;
}

const MEANS = "clusterMeansChart";

/**
 * Cluster means by arm: one point per cluster (area ∝ cluster size, so the clusters the size-weighted estimate
 * leans on stand out), spread horizontally within its arm by rank so points do not overlap, and a wide tick at
 * each arm's size-weighted mean (the user-level mean of the arm). This is the picture behind a cluster-level
 * analysis: K points, not N users. Layers: `clusters`, `arm_mean`. Pure; the tidy rows are embedded.
 *
 * @example
 * ```ts
 * import { clusterMeansChart } from "truelift";
 * clusterMeansChart(result.tidy.clusters, { outcomeTitle: "Mean session minutes per workspace" });
 * ```
 */
export function clusterMeansChart(rows: readonly ClusterMeanPoint[], opts: ClusterMeansOptions): ChartSpec {
  requireRows(rows, MEANS);
  const outcomeTitle = requireString(opts?.outcomeTitle, "outcomeTitle", MEANS);
  const armTitle = opts.armTitle === undefined ? "Arm" : requireString(opts.armTitle, "armTitle", MEANS);
  const frame = frameOptions(opts, "Cluster means by arm", MEANS);
  const clean = rows.map((r, i) => {
    const size = requireFinite(r.size, `rows[${i}].size`, MEANS);
    if (size <= 0)
      throw new TrueliftError("E_INVALID_ARGUMENT", `${MEANS}: rows[${i}].size must be positive.`);
    return {
      cluster: String(r.cluster),
      arm: requireString(r.arm, `rows[${i}].arm`, MEANS),
      size,
      mean: requireFinite(r.mean, `rows[${i}].mean`, MEANS),
    };
  });
  const arms = [...new Set(clean.map((r) => r.arm))];
  const points: DataRow[] = [];
  const armMeans: DataRow[] = [];
  for (const arm of arms) {
    const members = clean.filter((r) => r.arm === arm).sort((a, b) => a.mean - b.mean);
    let sw = 0;
    let swy = 0;
    members.forEach((r, j) => {
      sw += r.size;
      swy += r.size * r.mean;
      const offset = members.length > 1 ? (j / (members.length - 1) - 0.5) * 0.6 : 0;
      points.push({ ...r, offset });
    });
    armMeans.push({
      arm,
      mean: swy / sw,
      clusters: members.length,
      users: sw,
      label: `${arm} mean ${formatNumber(swy / sw)}`,
    });
  }
  const armAxis = { field: "arm", type: "nominal", title: armTitle, sort: arms } as const;
  const y = { field: "mean", type: "quantitative", title: outcomeTitle, scale: { zero: false } } as const;
  const layer: LayerItem[] = [
    {
      name: "clusters",
      data: { values: points.map((r) => ({ ...r })) },
      mark: { type: "point", filled: true, opacity: 0.7 },
      encoding: {
        x: armAxis,
        xOffset: { field: "offset", type: "quantitative", scale: { domain: [-0.5, 0.5] } },
        y,
        size: { field: "size", type: "quantitative", title: "Users in cluster" },
        color: { field: "arm", type: "nominal", title: armTitle, scale: { domain: arms } },
        tooltip: [
          { field: "cluster", type: "nominal", title: "Cluster" },
          { field: "size", type: "quantitative", title: "Users" },
          { field: "mean", type: "quantitative", title: "Mean", format: ".4~f" },
        ],
      },
    },
    {
      name: "arm_mean",
      data: { values: armMeans.map((r) => ({ ...r })) },
      mark: { type: "tick", thickness: 3, size: 60, color: "#4D4D4D" },
      encoding: {
        x: armAxis,
        y,
        tooltip: [
          { field: "arm", type: "nominal", title: armTitle },
          { field: "mean", type: "quantitative", title: "Size-weighted mean", format: ".4~f" },
          { field: "clusters", type: "quantitative", title: "Clusters" },
          { field: "users", type: "quantitative", title: "Users" },
        ],
      },
    },
  ];
  return layeredSpec(frame, layer);
}

/** One estimate with its interval, as the cluster design's tidy rows hold them. */
export interface EstimateIntervalRow {
  readonly quantity: string;
  readonly method: string;
  readonly estimate: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

/** Options of {@link clusterEstimatesChart}. */
export interface ClusterEstimatesOptions extends ChartFrameOptions {
  /** The effect axis title with units, e.g. "Effect on session minutes (per user)". */
  readonly effectTitle: string;
  /** Keep only these quantities (e.g. ["effect", "direct", "spillover"]). __Default value:__ all. */
  readonly quantities?: readonly string[];
}

/**
 * Estimates side by side with their confidence intervals — naive user-level OLS, the cluster-mean WLS, CR1/CR2/CR3,
 * the two-exposure direct and spillover effects, the projected total, bootstrap and randomization intervals — as
 * a horizontal forest plot (the shared `coefficientChart` composite mark), one row per "quantity · method", with
 * a zero line. Rows without an interval keep their point. Pure.
 *
 * @example
 * ```ts
 * import { clusterEstimatesChart } from "truelift";
 * clusterEstimatesChart(result.tidy.estimates, { effectTitle: "Effect on session minutes (per user)" });
 * ```
 */
export function clusterEstimatesChart(
  rows: readonly EstimateIntervalRow[],
  opts: ClusterEstimatesOptions,
): ChartSpec {
  const chart = "clusterEstimatesChart";
  requireRows(rows, chart);
  const effectTitle = requireString(opts?.effectTitle, "effectTitle", chart);
  const keep = opts.quantities ? new Set(opts.quantities) : null;
  const coef: CoefficientRow[] = rows
    .filter((r) => keep === null || keep.has(r.quantity))
    .map((r, i) => ({
      position: `${requireString(r.quantity, `rows[${i}].quantity`, chart)} · ${requireString(r.method, `rows[${i}].method`, chart)}`,
      estimate: requireFinite(r.estimate, `rows[${i}].estimate`, chart),
      ciLow: requireFiniteOrNull(r.lower, `rows[${i}].lower`, chart),
      ciHigh: requireFiniteOrNull(r.upper, `rows[${i}].upper`, chart),
    }));
  if (coef.length === 0) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${chart}: no rows left after filtering by quantities.`);
  }
  return coefficientChart(coef, {
    positionTitle: "Estimate · method",
    estimateTitle: effectTitle,
    orientation: "horizontal",
    title: opts.title ?? "Estimates side by side (95% CIs)",
    ...(opts.subtitle === undefined ? {} : { subtitle: opts.subtitle }),
    ...(opts.width === undefined ? {} : { width: opts.width }),
    height: opts.height ?? Math.max(160, 26 * coef.length),
  });
}

/** Options of {@link powerCurveChart}. */
export interface PowerCurveOptions extends ChartFrameOptions {
  /** The MDE axis title with units, e.g. "Minimum detectable effect (minutes)". __Default value:__ "Minimum detectable effect". */
  readonly mdeTitle?: string;
  /** Mark the planned K with a rule. */
  readonly plannedClusters?: number;
}

/**
 * The power curve of a cluster design: the minimum detectable effect at the target power against the number of
 * clusters K (the `curve` rows of `clusterPower`), with a rule at K = 30 (the rule of thumb below which
 * small-sample inference matters) and at the planned K. Uses the shared `lineChart`. Pure.
 *
 * @example
 * ```ts
 * import { clusterPower, powerCurveChart } from "truelift";
 * const p = clusterPower({ clusters: 20, clusterSize: 300, icc: 0.05 });
 * powerCurveChart(p.curve, { plannedClusters: 20, mdeTitle: "MDE (SD units)" });
 * ```
 */
export function powerCurveChart(
  curve: readonly { readonly clusters: number; readonly mde: number }[],
  opts: PowerCurveOptions = {},
): ChartSpec {
  const chart = "powerCurveChart";
  requireRows(curve, chart);
  const rules = [{ at: 30, label: "K = 30" }];
  if (opts.plannedClusters !== undefined) {
    const at = requireFinite(opts.plannedClusters, "plannedClusters", chart);
    if (at !== 30) rules.push({ at, label: `planned K = ${at}` });
  }
  return lineChart(
    curve.map((p, i) => ({
      x: requireFinite(p.clusters, `curve[${i}].clusters`, chart),
      y: requireFinite(p.mde, `curve[${i}].mde`, chart),
      series: "MDE",
    })),
    {
      xTitle: "Clusters (K)",
      yTitle: opts.mdeTitle ?? "Minimum detectable effect",
      seriesTitle: "Curve",
      rules,
      points: false,
      yZero: true,
      title: opts.title ?? "Minimum detectable effect by number of clusters",
      ...(opts.subtitle === undefined ? {} : { subtitle: opts.subtitle }),
      ...(opts.width === undefined ? {} : { width: opts.width }),
      ...(opts.height === undefined ? {} : { height: opts.height }),
    },
  );
}

function formatNumber(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}
