import { denseCodes } from "../../core/group-codes.js";
import type { RddCluster } from "./nn-residuals.js";

/**
 * One side of the cutoff, sorted by the running variable, as the local-polynomial fits consume it: the running
 * variable, the outcome, the take-up column of a fuzzy design, integer cluster codes, and rdrobust's tie
 * bookkeeping for the nearest-neighbour variance (`dups[i]`: rows sharing x[i]; `dupsid[i]`: 1-based rank of row i
 * within its ties).
 */
export interface RddSideData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly t: Float64Array | null;
  readonly cluster: RddCluster | null;
  readonly dups: Int32Array;
  readonly dupsid: Int32Array;
}

/**
 * Splits sorted data at the cutoff as rdrobust does (left: x < c, right: x ≥ c) and counts ties.
 *
 * @example
 * ```ts
 * import { splitSides } from "truelift";
 * const s = splitSides(Float64Array.of(-1, 0, 0, 2), Float64Array.of(1, 2, 3, 4), null, null, 0);
 * s.right.dups; // [2, 2, 1]
 * ```
 */
export function splitSides(
  x: Float64Array,
  y: Float64Array,
  t: Float64Array | null,
  cluster: Int32Array | null,
  c: number,
): { readonly left: RddSideData; readonly right: RddSideData } {
  let nl = 0;
  while (nl < x.length && x[nl] < c) nl++;
  const part = (from: number, to: number): RddSideData => {
    const xs = x.slice(from, to);
    const { dups, dupsid } = tieCounts(xs);
    return {
      x: xs,
      y: y.slice(from, to),
      t: t ? t.slice(from, to) : null,
      cluster: cluster ? clusterIndex(cluster.slice(from, to)) : null,
      dups,
      dupsid,
    };
  };
  return { left: part(0, nl), right: part(nl, x.length) };
}

/** Tie counts of a sorted array: group sizes and 1-based positions within each group. */
function tieCounts(x: Float64Array): { dups: Int32Array; dupsid: Int32Array } {
  const n = x.length;
  const dups = new Int32Array(n);
  const dupsid = new Int32Array(n);
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || x[i] !== x[start]) {
      for (let j = start; j < i; j++) {
        dups[j] = i - start;
        dupsid[j] = j - start + 1;
      }
      start = i;
    }
  }
  return { dups, dupsid };
}

function clusterIndex(codes: Int32Array): RddCluster {
  const dense = denseCodes(codes);
  return { codes: dense.codes, count: dense.count };
}
