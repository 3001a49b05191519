/**
 * Kernels of the local-polynomial RD estimator, as rdrobust names them: triangular `(1 − |u|)`, uniform `1/2`,
 * Epanechnikov `0.75·(1 − u²)`, each divided by the bandwidth and zero outside the support.
 *
 * @example
 * ```ts
 * import { RDD_KERNELS } from "truelift";
 * RDD_KERNELS[0]; // "triangular" (rdrobust's default)
 * ```
 */
export const RDD_KERNELS = ["triangular", "uniform", "epanechnikov"] as const;
/** One of {@link RDD_KERNELS}. */
export type RddKernel = (typeof RDD_KERNELS)[number];

/**
 * Which end points the kernel window includes. `closed` is rdrobust's `|u| ≤ 1`; `open` is `|u| < 1`, the strict
 * `c − h < x < c + h` window of a hand-rolled OLS on a slice of the data (the tutorial's convention).
 *
 * @example
 * ```ts
 * import { RDD_SUPPORTS } from "truelift";
 * RDD_SUPPORTS; // ["closed", "open"]
 * ```
 */
export const RDD_SUPPORTS = ["closed", "open"] as const;
/** One of {@link RDD_SUPPORTS}. */
export type RddSupport = (typeof RDD_SUPPORTS)[number];

/**
 * The constant of the rule-of-thumb pilot bandwidth `C·min(sd, IQR/1.349)·N^(−1/5)` in rdrobust's bandwidth
 * selector, per kernel.
 *
 * @example
 * ```ts
 * import { RDD_KERNEL_CONSTANT } from "truelift";
 * RDD_KERNEL_CONSTANT.uniform; // 1.843
 * ```
 */
export const RDD_KERNEL_CONSTANT: Readonly<Record<RddKernel, number>> = Object.freeze({
  triangular: 2.576,
  uniform: 1.843,
  epanechnikov: 2.34,
});

/**
 * Kernel weight K((x − c)/h)/h of one observation (rdrobust's `rdrobust_kweight`); 0 outside the support.
 *
 * @example
 * ```ts
 * import { kernelWeight } from "truelift";
 * kernelWeight(0.5, 0, 1, "triangular", "closed"); // 0.5
 * kernelWeight(1, 0, 1, "uniform", "open");        // 0
 * ```
 */
export function kernelWeight(
  x: number,
  c: number,
  h: number,
  kernel: RddKernel,
  support: RddSupport,
): number {
  const u = (x - c) / h;
  const a = Math.abs(u);
  // open: the strict slice c − h < x < c + h compared in x (as `df[(x > c - h) & (x < c + h)]` does)
  if (support === "open" ? !(x > c - h && x < c + h) : !(a <= 1)) return 0;
  if (kernel === "uniform") return 0.5 / h;
  if (kernel === "epanechnikov") return (0.75 * (1 - u * u)) / h;
  return (1 - a) / h;
}
