import type { DesignColumn } from "./design-matrix.js";

/**
 * Weighted mean of x with a second, compensating pass (sum of weights given).
 *
 * @example
 * ```ts
 * weightedMean(Float64Array.of(1, 2, 3), null, 3); // 2
 * ```
 */
export function weightedMean(x: Float64Array, w: Float64Array | null, sumW: number): number {
  const n = x.length;
  let s = 0;
  if (w) for (let i = 0; i < n; i++) s += w[i] * x[i];
  else for (let i = 0; i < n; i++) s += x[i];
  const m = s / sumW;
  let c = 0;
  if (w) for (let i = 0; i < n; i++) c += w[i] * (x[i] - m);
  else for (let i = 0; i < n; i++) c += x[i] - m;
  return m + c / sumW;
}

/**
 * Weighted sum of squared deviations of x from `center`.
 *
 * @example
 * ```ts
 * weightedSs(Float64Array.of(1, 2, 3), null, 2); // 2
 * ```
 */
export function weightedSs(x: Float64Array, w: Float64Array | null, center: number): number {
  let s = 0;
  const n = x.length;
  if (w)
    for (let i = 0; i < n; i++) {
      const d = x[i] - center;
      s += w[i] * d * d;
    }
  else
    for (let i = 0; i < n; i++) {
      const d = x[i] - center;
      s += d * d;
    }
  return s;
}

/**
 * A location shift for a column: the mean of ≤ 4096 evenly spaced rows (any constant is exact; near the mean
 * is well conditioned).
 *
 * @example
 * ```ts
 * sampleShift(Float64Array.of(1, 2, 3)); // 2
 * ```
 */
export function sampleShift(x: DesignColumn): number {
  const n = x.length;
  const m = Math.min(n, 4096);
  let s = 0;
  if (x instanceof Float64Array) {
    for (let t = 0; t < m; t++) s += x[Math.floor((t * n) / m)];
  } else {
    const one = new Float64Array(1);
    for (let t = 0; t < m; t++) {
      x.fill(Math.floor((t * n) / m), 1, one, 0);
      s += one[0];
    }
  }
  return s / m;
}
