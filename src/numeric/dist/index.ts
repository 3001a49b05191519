import chisquare from "@stdlib/stats-base-dists-chisquare";
import fdist from "@stdlib/stats-base-dists-f";
import normal from "@stdlib/stats-base-dists-normal";
import tdist from "@stdlib/stats-base-dists-t";

/**
 * Reference distributions for inference, wrapping the `@stdlib` implementations (regularised incomplete beta /
 * gamma, accurate in the tails). Upper tails are computed as lower tails of the reflected statistic, so p-values
 * near 0 keep their relative precision instead of cancelling in `1 − cdf`.
 *
 * `df = null` (or `Infinity`) means the standard normal, the convention for z-statistics.
 *
 * @example
 * ```ts
 * import { twoSidedP, criticalValue } from "truelift";
 * twoSidedP(2.0, 49);       // t(49) two-sided p ≈ 0.0511
 * criticalValue(0.05, null); // 1.959963984540054
 * ```
 * @see Abramowitz & Stegun (1964), §26.5–26.7; stdlib-js/stats-base-dists.
 */
export function twoSidedP(statistic: number, df: number | null): number {
  const a = -Math.abs(statistic);
  const lower = df === null || !Number.isFinite(df) ? normal.cdf(a, 0, 1) : tdist.cdf(a, df);
  return Math.min(1, 2 * lower);
}

/** The (1 − alpha/2) quantile of t(df), or of the standard normal when df is null / Infinity. */
export function criticalValue(alpha: number, df: number | null): number {
  const p = 1 - alpha / 2;
  return df === null || !Number.isFinite(df) ? normal.quantile(p, 0, 1) : tdist.quantile(p, df);
}

/**
 * Standard normal CDF Φ(x).
 *
 * @example
 * ```ts
 * normalCdf(1.959963984540054); // 0.975
 * ```
 */
export function normalCdf(x: number): number {
  return normal.cdf(x, 0, 1);
}

/**
 * Standard normal quantile Φ⁻¹(p).
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // 1.959963984540054
 * ```
 */
export function normalQuantile(p: number): number {
  return normal.quantile(p, 0, 1);
}

/**
 * Standard normal density φ(x).
 *
 * @example
 * ```ts
 * normalPdf(0); // 0.3989422804014327
 * ```
 */
export function normalPdf(x: number): number {
  return normal.pdf(x, 0, 1);
}

/**
 * CDF of Student's t with df degrees of freedom.
 *
 * @example
 * ```ts
 * tCdf(-2, 10); // 0.03669401738537
 * ```
 */
export function tCdf(x: number, df: number): number {
  return tdist.cdf(x, df);
}

/**
 * Quantile of Student's t with df degrees of freedom.
 *
 * @example
 * ```ts
 * tQuantile(0.975, 49); // 2.009575237129239
 * ```
 */
export function tQuantile(p: number, df: number): number {
  return tdist.quantile(p, df);
}

/**
 * Upper tail P(χ²_df > x), for Wald tests.
 *
 * @example
 * ```ts
 * chisqSurvival(3.841458820694124, 1); // 0.05
 * ```
 */
export function chisqSurvival(x: number, df: number): number {
  return 1 - chisquare.cdf(x, df);
}

/**
 * Upper tail P(F(d1, d2) > x), for joint Wald F tests.
 *
 * @example
 * ```ts
 * fSurvival(4.0, 2, 30); // ≈ 0.0289
 * ```
 */
export function fSurvival(x: number, d1: number, d2: number): number {
  return 1 - fdist.cdf(x, d1, d2);
}
