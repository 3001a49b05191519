import { TrueliftError } from "../../../core/errors.js";

/**
 * Centred rolling mean with a window of `window` values (an odd positive integer), shrinking at the ends: value i
 * is the mean of values i − h … i + h that exist, h = (window − 1) / 2. Equals pandas
 * `Series.rolling(window, center=True, min_periods=1).mean()`. A window of 1 returns a copy.
 *
 * @example
 * ```ts
 * centredRollingMean([1, 2, 6, 4], 3); // [1.5, 3, 4, 5]
 * ```
 */
export function centredRollingMean(values: readonly number[], window: number): number[] {
  if (!Number.isInteger(window) || window < 1 || window % 2 === 0) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `The smoothing window must be an odd positive integer (a centred window); got ${String(window)}.`,
      { details: { window } },
    );
  }
  const h = (window - 1) / 2;
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const lo = Math.max(0, i - h);
    const hi = Math.min(values.length - 1, i + h);
    let s = 0;
    for (let j = lo; j <= hi; j++) s += values[j];
    out.push(s / (hi - lo + 1));
  }
  return out;
}
