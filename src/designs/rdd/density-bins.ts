import { isTrueliftError } from "../../core/errors.js";
import { cutoffBinCounts } from "./bins.js";

/** One bin of the running variable's histogram around the cutoff: `[lower, upper)` and its row count. */
export interface RddDensityBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
}

/**
 * The tidy rows of the RD density histogram: 10 bins on each side of the cutoff, of width h/10 rounded to two
 * significant digits (h: the mean of the two headline bandwidths), with the cutoff an exact decimal edge. Null
 * when the bins cannot be laid out (e.g. a bandwidth that is not a positive finite number). `counts` gives the
 * rows each value of `x` stands for (a compressed cell; default 1 each).
 *
 * @example
 * ```ts
 * import { rddDensityBins } from "truelift";
 * rddDensityBins(x, 0.85, 0.1)?.[9]; // { lower: 0.84, upper: 0.85, count: … }, the last bin below the cutoff
 * ```
 */
export function rddDensityBins(
  x: Float64Array,
  cutoff: number,
  bandwidth: number,
  counts: Float64Array | null = null,
): RddDensityBin[] | null {
  const width = Number((bandwidth / 10).toPrecision(2));
  try {
    const bins = cutoffBinCounts(x, { cutoff, width, binsPerSide: 10 });
    return bins.rows.map((r) => {
      let count = r.count;
      if (counts) {
        // binCounts' rule on sorted values: lower ≤ v < upper, counted with each value's rows.
        count = 0;
        for (let i = 0; i < x.length; i++) if (x[i] >= r.lower && x[i] < r.upper) count += counts[i];
      }
      return { lower: r.lower, upper: r.upper, count };
    });
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    return null;
  }
}
