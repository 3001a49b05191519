import { normalCdf, normalQuantile } from "../numeric/dist/index.js";

/**
 * How {@link quantileSorted} interpolates between the order statistics a ≤ b around the p-quantile at fraction
 * t ∈ [0, 1) (both are Hyndman & Fan type 7; they differ by at most one unit in the last place):
 *
 * - `"numpy"`: numpy's symmetric form, `a + (b − a)·t` for t < ½ and `b − (b − a)(1 − t)` otherwise, so results
 *   agree with `np.percentile` bit for bit. The peers' convention.
 * - `"lerp"`: the one-sided form `a + (b − a)·t` for every t. The rdd and pairs-cluster bootstraps have always
 *   used it, so their seeded intervals keep their exact bits.
 *
 * __Default value:__ `"numpy"`.
 *
 * @example
 * ```ts
 * import { QUANTILE_INTERPOLATIONS } from "truelift";
 * QUANTILE_INTERPOLATIONS; // ["numpy", "lerp"]
 * ```
 */
export const QUANTILE_INTERPOLATIONS = ["numpy", "lerp"] as const;
/** One of {@link QUANTILE_INTERPOLATIONS}. */
export type QuantileInterpolation = (typeof QUANTILE_INTERPOLATIONS)[number];

/**
 * The p-quantile of sorted values by linear interpolation between order statistics — Hyndman & Fan type 7,
 * numpy's default `method="linear"`, R's default — by default with numpy's symmetric interpolation
 * (`a + (b − a)·t` for t < ½, `b − (b − a)(1 − t)` otherwise), so results agree with `np.percentile` bit for bit;
 * `interpolation: "lerp"` uses `a + (b − a)·t` throughout (see {@link QuantileInterpolation}).
 *
 * @example
 * ```ts
 * import { quantileSorted } from "truelift";
 * quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5, "lerp"); // 2.5
 * ```
 * @see Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American Statistician 50, 361–365.
 */
export function quantileSorted(
  sorted: ArrayLike<number>,
  p: number,
  interpolation: QuantileInterpolation = "numpy",
): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return t >= 0.5 && interpolation === "numpy" ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Percentile bootstrap interval [Q(α/2), Q(1 − α/2)] of the replicate values (type-7 quantiles), as
 * `scipy.stats.bootstrap(method="percentile")`. Null when there are no replicates. `interpolation` as in
 * {@link quantileSorted}.
 *
 * @example
 * ```ts
 * import { percentileInterval } from "truelift";
 * percentileInterval(Float64Array.of(3, 1, 2, 5, 4), 0.5); // [2, 4]
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 13.
 */
export function percentileInterval(
  replicates: ArrayLike<number>,
  alpha: number,
  interpolation: QuantileInterpolation = "numpy",
): [number, number] | null {
  if (replicates.length === 0) return null;
  const s = sortedCopy(replicates);
  return [quantileSorted(s, alpha / 2, interpolation), quantileSorted(s, 1 - alpha / 2, interpolation)];
}

/**
 * Basic (reverse-percentile) bootstrap interval [2θ̂ − Q(1 − α/2), 2θ̂ − Q(α/2)], as
 * `scipy.stats.bootstrap(method="basic")`. Null when there are no replicates.
 *
 * @example
 * ```ts
 * import { basicInterval } from "truelift";
 * basicInterval(Float64Array.of(3, 1, 2, 5, 4), 3, 0.5); // [2, 4]
 * ```
 * @see Davison & Hinkley, Bootstrap Methods and their Application (1997), §5.2.
 */
export function basicInterval(
  replicates: ArrayLike<number>,
  estimate: number,
  alpha: number,
): [number, number] | null {
  const p = percentileInterval(replicates, alpha);
  return p === null ? null : [2 * estimate - p[1], 2 * estimate - p[0]];
}

/** A BCa interval with its bias correction z₀ and acceleration a. */
export interface BcaInterval {
  readonly ci: readonly [number, number];
  readonly z0: number;
  readonly acceleration: number;
  /** The adjusted percentile levels (α₁, α₂) at which the replicate distribution is read. */
  readonly levels: readonly [number, number];
}

/**
 * Bias-corrected and accelerated (BCa) bootstrap interval, exactly as `scipy.stats.bootstrap(method="BCa")`
 * computes it (Efron & Tibshirani eq. 14.14–14.15):
 * z₀ = Φ⁻¹((#{θ* < θ̂} + #{θ* ≤ θ̂}) / 2B); a = Σdᵢ³ / (6 (Σdᵢ²)^{3/2}) with dᵢ = θ̄₍.₎ − θ₍ᵢ₎ over the jackknife
 * values (delete-one-row, or delete-one-cluster for cluster resampling); α₁,₂ = Φ(z₀ + (z₀ + z)/(1 − a(z₀ + z)))
 * at z = Φ⁻¹(α/2), Φ⁻¹(1 − α/2); interval [Q(α₁), Q(α₂)] (type-7 quantiles).
 * Returns null when it is undefined: no replicates, θ̂ outside the replicate range (z₀ = ±∞), a degenerate
 * jackknife (all values equal), or non-finite inputs.
 *
 * @example
 * ```ts
 * import { bcaInterval } from "truelift";
 * const reps = Float64Array.from({ length: 999 }, (_, i) => Math.exp((i - 499) / 400));
 * bcaInterval({ replicates: reps, estimate: 1, jackknife: Float64Array.of(0.9, 1, 1.05, 1.3), alpha: 0.05 });
 * ```
 * @see Efron (1987), "Better bootstrap confidence intervals", JASA 82, 171–185.
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), §14.3.
 */
export function bcaInterval(input: {
  readonly replicates: ArrayLike<number>;
  readonly estimate: number;
  readonly jackknife: ArrayLike<number>;
  readonly alpha: number;
}): BcaInterval | null {
  const { replicates, estimate, jackknife, alpha } = input;
  const b = replicates.length;
  if (b === 0 || !Number.isFinite(estimate)) return null;
  let below = 0;
  let atOrBelow = 0;
  for (let i = 0; i < b; i++) {
    if (replicates[i] < estimate) below++;
    if (replicates[i] <= estimate) atOrBelow++;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * b));
  const m = jackknife.length;
  if (m < 2) return null;
  let mean = 0;
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(jackknife[i])) return null;
    mean += jackknife[i];
  }
  mean /= m;
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    const d = mean - jackknife[i];
    num += d * d * d;
    den += d * d;
  }
  const acceleration = num / (6 * den ** 1.5);
  if (!Number.isFinite(z0) || !Number.isFinite(acceleration)) return null;
  const zLo = normalQuantile(alpha / 2);
  const zHi = -zLo;
  const n1 = z0 + zLo;
  const n2 = z0 + zHi;
  const a1 = normalCdf(z0 + n1 / (1 - acceleration * n1));
  const a2 = normalCdf(z0 + n2 / (1 - acceleration * n2));
  if (!Number.isFinite(a1) || !Number.isFinite(a2)) return null;
  const s = sortedCopy(replicates);
  return { ci: [quantileSorted(s, a1), quantileSorted(s, a2)], z0, acceleration, levels: [a1, a2] };
}

/**
 * Bootstrap standard error: the sample standard deviation (ddof = 1) of the replicate values, as
 * `scipy.stats.bootstrap(...).standard_error`; null with fewer than two values.
 *
 * @example
 * ```ts
 * import { bootstrapSe } from "truelift";
 * bootstrapSe(Float64Array.of(1, 2, 3, 4)); // 1.2909944487358056
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), §6.2.
 */
export function bootstrapSe(replicates: ArrayLike<number>): number | null {
  const b = replicates.length;
  if (b < 2) return null;
  let mean = 0;
  for (let i = 0; i < b; i++) mean += replicates[i];
  mean /= b;
  let ss = 0;
  for (let i = 0; i < b; i++) ss += (replicates[i] - mean) ** 2;
  return Math.sqrt(ss / (b - 1));
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}
