import type { Diagnostic } from "../../../core/diagnostics.js";
import type { Term } from "../../../core/result.js";
import type { DensityBinomialRow } from "./binomial.js";

/**
 * Kernels of the local-polynomial density estimator, as rddensity names them: triangular `(1 − |u|)`, uniform
 * `1/2`, Epanechnikov `0.75·(1 − u²)`, all on |u| ≤ 1.
 *
 * @example
 * ```ts
 * import { DENSITY_KERNELS } from "truelift";
 * DENSITY_KERNELS[0]; // "triangular" (the default)
 * ```
 */
export const DENSITY_KERNELS = ["triangular", "uniform", "epanechnikov"] as const;
/** One of {@link DENSITY_KERNELS}. */
export type DensityKernel = (typeof DENSITY_KERNELS)[number];

/**
 * Bandwidth selectors of rddensity / rdbwdensity: `each` (MSE of each side's density, two bandwidths), `diff`
 * (MSE of the difference, one common bandwidth), `sum` (MSE of the sum, common), `comb` (the default: for each
 * side the median of `each`, `diff` and `sum`).
 *
 * @example
 * ```ts
 * import { DENSITY_BWSELECT } from "truelift";
 * DENSITY_BWSELECT; // ["comb", "each", "diff", "sum"]
 * ```
 */
export const DENSITY_BWSELECT = ["comb", "each", "diff", "sum"] as const;
/** One of {@link DENSITY_BWSELECT}. */
export type DensityBwSelect = (typeof DENSITY_BWSELECT)[number];

/**
 * Variance estimators of the density estimator: `jackknife` (rddensity's default, valid with the data's mass
 * points) or the asymptotic `plugin` formula.
 *
 * @example
 * ```ts
 * import { DENSITY_VCE } from "truelift";
 * DENSITY_VCE; // ["jackknife", "plugin"]
 * ```
 */
export const DENSITY_VCE = ["jackknife", "plugin"] as const;
/** One of {@link DENSITY_VCE}. */
export type DensityVce = (typeof DENSITY_VCE)[number];

/**
 * Manipulation tests: `cjm` — Cattaneo, Jansson & Ma (2020) local-polynomial density test as rddensity runs it
 * (the default); `mccrary` — McCrary's (2008) histogram-smoothing test of the log density difference.
 *
 * @example
 * ```ts
 * import { DENSITY_METHODS } from "truelift";
 * DENSITY_METHODS; // ["cjm", "mccrary"]
 * ```
 */
export const DENSITY_METHODS = ["cjm", "mccrary"] as const;
/** One of {@link DENSITY_METHODS}. */
export type DensityMethod = (typeof DENSITY_METHODS)[number];

/**
 * Options of `densityTest`. Only `cutoff` is required; the defaults are rddensity's.
 *
 * Observations are split as rddensity does: `x < cutoff` is the left side, `x ≥ cutoff` the right side
 * (whichever side is treated).
 */
export interface DensityTestOptions {
  /** The threshold c; it must lie strictly inside the range of x. */
  readonly cutoff: number;
  /** __Default value:__ `"cjm"`. */
  readonly method?: DensityMethod;
  /** Significance level for the interval and the diagnostic, in (0, 1). __Default value:__ 0.05. */
  readonly alpha?: number;
  /** cjm: local polynomial order of the CDF fit, 1 … 7. __Default value:__ 2. */
  readonly p?: number;
  /** cjm: order of the bias-corrected (robust) fit, p … 7. __Default value:__ p + 1. */
  readonly q?: number;
  /** cjm: __Default value:__ `"triangular"`. */
  readonly kernel?: DensityKernel;
  /**
   * cjm: `"unrestricted"` (separate fits each side, rddensity's default) or `"restricted"` (the two sides share
   * the CDF level and higher derivatives; needs one common bandwidth, and `bwselect` `"each"` is not available —
   * `"comb"` then takes min(diff, sum) as rddensity does). __Default value:__ `"unrestricted"`.
   */
  readonly fitselect?: "unrestricted" | "restricted";
  /** cjm: bandwidth selector when `h` is not given. __Default value:__ `"comb"`. */
  readonly bwselect?: DensityBwSelect;
  /** cjm: __Default value:__ `"jackknife"`. */
  readonly vce?: DensityVce;
  /**
   * cjm: a fixed bandwidth (both sides) or `[left, right]`; skips the selector. mccrary: the smoothing
   * bandwidth. __Default value:__ data-driven.
   */
  readonly h?: number | readonly [number, number];
  /** cjm: adjust the empirical CDF and the jackknife for repeated values (rddensity `massPoints`). __Default value:__ true. */
  readonly massPoints?: boolean;
  /** cjm: keep selected bandwidths inside the data and above the local-sample minimums. __Default value:__ true. */
  readonly regularize?: boolean;
  /** cjm: minimum observations within the bandwidth on each side (with `regularize`). __Default value:__ 20 + p + 1. */
  readonly nLocalMin?: number;
  /** cjm: minimum distinct values within the bandwidth on each side (with `regularize`). __Default value:__ 20 + p + 1. */
  readonly nUniqueMin?: number;
  /** mccrary: histogram bin width. __Default value:__ 2·sd(x)·n^(−1/2) (McCrary 2008, eq. 6). */
  readonly binWidth?: number;
  /** cjm: also run rddensity's local binomial tests in 10 nested windows (`binomial` rows). __Default value:__ true. */
  readonly binomial?: boolean;
  /**
   * Rows each value of x stands for (compressed data: one value per distinct running value with its count);
   * the test then reads O(values). __Default value:__ 1 each.
   */
  readonly counts?: Float64Array;
}

/** The density estimate on one side of the cutoff (for `mccrary`, the smoothed histogram height at c). */
export interface DensitySide {
  /**
   * Estimated density f(c−) or f(c+) (of the whole sample, so the two sides integrate to 1 together); null when
   * the local fit is singular (or, for mccrary, not positive).
   */
  readonly estimate: number | null;
  /** Its standard error; null when the variance estimate is not positive. */
  readonly se: number | null;
  /** Observations on this side within the bandwidth. */
  readonly nEffective: number;
  /** Bandwidth used on this side. */
  readonly h: number;
}

/** What rdbwdensity reports for one target: the bandwidth, and the variance and squared-bias constants behind it. */
export interface DensityBandwidthRow {
  readonly target: "left" | "right" | "diff" | "sum";
  readonly h: number;
  readonly variance: number | null;
  readonly biasSq: number | null;
}

/**
 * Result of `densityTest`: plain, deeply frozen data.
 *
 * `estimate` is the jump in the density at the cutoff, f(c+) − f(c−) (right minus left), with the robust
 * bias-corrected test (cjm: the order-q fit with the chosen variance; mccrary: the log difference
 * θ = ln f(c+) − ln f(c−) and its asymptotic SE). `conventional` is the order-p fit's test (cjm only; not valid
 * with an MSE-optimal bandwidth, shown for comparison as rddensity's `all = TRUE` prints it).
 */
export interface DensityTestResult {
  readonly method: DensityMethod;
  readonly cutoff: number;
  readonly alpha: number;
  /**
   * The density jump (cjm: f(c+) − f(c−); mccrary: ln f(c+) − ln f(c−)) with its test and interval; null when it
   * cannot be computed (a `D_RDD_DENSITY_UNDEFINED` diagnostic says so).
   */
  readonly estimate: Term | null;
  /** cjm: the same from the order-p fit without bias correction; null for mccrary. */
  readonly conventional: Term | null;
  readonly left: DensitySide;
  readonly right: DensitySide;
  /** How the bandwidths were chosen: a selector name, or `"manual"` when `h` was given. */
  readonly bandwidthMethod: DensityBwSelect | "manual" | "mccrary";
  /** cjm with a data-driven bandwidth: rdbwdensity's table; otherwise empty. */
  readonly bandwidths: readonly DensityBandwidthRow[];
  /** cjm: rddensity's complementary binomial tests in nested windows around the cutoff; otherwise empty. */
  readonly binomial: readonly DensityBinomialRow[];
  readonly n: {
    readonly total: number;
    readonly left: number;
    readonly right: number;
    readonly effectiveLeft: number;
    readonly effectiveRight: number;
  };
  /** Whether repeated values were found (and, with `massPoints`, adjusted for). */
  readonly massPoints: boolean;
  /** The options in force after defaults (JSON). */
  readonly options: {
    readonly fitselect: "unrestricted" | "restricted";
    readonly p: number;
    readonly q: number;
    readonly kernel: DensityKernel;
    readonly vce: DensityVce;
    readonly bwselect: DensityBwSelect;
    readonly massPoints: boolean;
    readonly regularize: boolean;
    readonly nLocalMin: number;
    readonly nUniqueMin: number;
    readonly binWidth: number | null;
  };
  /** `D_RDD_DENSITY_*` diagnostics: the manipulation verdict first, then warnings about the fit. */
  readonly diagnostics: readonly Diagnostic[];
}
