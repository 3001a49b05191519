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
 * when the bins cannot be laid out (e.g. a bandwidth that is not a positive finite number).
 *
 * @example
 * ```ts
 * import { rddDensityBins } from "truelift";
 * rddDensityBins(x, 0.85, 0.1)?.[9]; // { lower: 0.84, upper: 0.85, count: … }, the last bin below the cutoff
 * ```
 */
export function rddDensityBins(x: Float64Array, cutoff: number, bandwidth: number): RddDensityBin[] | null {
  const width = Number((bandwidth / 10).toPrecision(2));
  try {
    const bins = cutoffBinCounts(x, { cutoff, width, binsPerSide: 10 });
    return bins.rows.map((r) => ({ lower: r.lower, upper: r.upper, count: r.count }));
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    return null;
  }
}
