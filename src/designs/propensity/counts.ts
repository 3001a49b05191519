import type { QuantileInterpolation } from "../../models/bootstrap-ci.js";

/**
 * Order statistics of rows held as distinct values with frequency counts (compressed cells): the value of the
 * row at 0-based rank `r` of the sorted rows, without listing the rows. `order` sorts the units by value; the
 * cumulative counts along it locate a rank in O(log units).
 *
 * @example
 * ```ts
 * const ranks = countedRanks(Float64Array.of(3, 1), Float64Array.of(2, 1));
 * ranks.n;        // 3 rows: 1, 3, 3
 * ranks.at(1);    // 3
 * ```
 * @internal
 */
export interface CountedRanks {
  /** Rows (the sum of the counts). */
  readonly n: number;
  /** The value of the row at 0-based rank r (0 ≤ r < n) of the sorted rows. */
  at(r: number): number;
}

/**
 * {@link CountedRanks} of `values` with `counts` rows each (zero counts allowed; counts null = one row each).
 *
 * @example
 * ```ts
 * countedRanks(Float64Array.of(3, 1), Float64Array.of(2, 1)).at(0); // 1
 * ```
 * @internal
 */
export function countedRanks(values: ArrayLike<number>, counts: ArrayLike<number> | null): CountedRanks {
  const g = values.length;
  const order = Int32Array.from({ length: g }, (_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const cum = new Float64Array(g);
  let n = 0;
  for (let j = 0; j < g; j++) {
    n += counts ? counts[order[j]] : 1;
    cum[j] = n;
  }
  return {
    n,
    at(r) {
      // first position whose cumulative count exceeds r
      let lo = 0;
      let hi = g - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > r) hi = mid;
        else lo = mid + 1;
      }
      return values[order[lo]];
    },
  };
}

/**
 * The quantile of rows held as counted values, as `quantileSorted` (numpy's linear interpolation, h = (n − 1)p)
 * computes it on the sorted rows: the same two order statistics, the same arithmetic. NaN for no rows.
 *
 * @example
 * ```ts
 * countedQuantile(countedRanks(Float64Array.of(1, 2), Float64Array.of(3, 1)), 0.5); // 1
 * ```
 * @see Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American Statistician 50, 361–365
 *   (type 7).
 */
export function countedQuantile(
  ranks: CountedRanks,
  p: number,
  interpolation: QuantileInterpolation = "numpy",
): number {
  const n = ranks.n;
  if (n === 0 || !(p >= 0 && p <= 1)) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return ranks.at(n - 1);
  const t = h - lo;
  const a = ranks.at(lo);
  const b = ranks.at(lo + 1);
  const diff = b - a;
  return t >= 0.5 && interpolation === "numpy" ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Unit counts, or ones when none are given: every internal of the pipeline takes per-unit frequency counts (a
 * unit is a compressed cell, or one row on the uncompressed path).
 *
 * @example
 * ```ts
 * countsOr(null, 3); // Float64Array [1, 1, 1]
 * ```
 * @internal
 */
export function countsOr(w: Float64Array | null | undefined, n: number): Float64Array {
  return w ?? new Float64Array(n).fill(1);
}
