import { denseCodes } from "../../core/group-codes.js";
import type { RddCluster } from "./nn-residuals.js";

/**
 * Sorted units of RD data: a unit is one row (count 1) on the row path or one compressed cell (rows sharing the
 * running value, take-up and cluster) on the cells path. Every RD statistic reads a unit through its count, its
 * outcome mean and its within-unit Σ(y − ȳ)² (frequency weights: one implementation for rows and cells).
 */
export interface RddUnits {
  /** Running variable per unit, ascending. */
  readonly x: Float64Array;
  /** Rows per unit (positive integers; all 1 on the row path). */
  readonly n: Float64Array;
  /** Outcome mean per unit. */
  readonly y: Float64Array;
  /** Within-unit Σ(y − ȳ)² per unit, or null when every unit is constant (rows). */
  readonly ss: Float64Array | null;
  /** Take-up per unit (constant within a unit: a compression key), or null. */
  readonly t: Float64Array | null;
}

/**
 * One side of the cutoff, sorted by the running variable, as the local-polynomial fits consume it: the
 * {@link RddUnits} of the side, dense cluster codes per unit and the number of rows the units hold.
 */
export interface RddSideData extends RddUnits {
  readonly cluster: RddCluster | null;
  /** Σ n: rows on this side. */
  readonly rows: number;
}

/**
 * Splits sorted units at the cutoff as rdrobust does (left: x < c, right: x ≥ c).
 *
 * @example
 * ```ts
 * import { splitSides } from "truelift";
 * const ones = Float64Array.of(1, 1, 1, 1);
 * const s = splitSides({ x: Float64Array.of(-1, 0, 0, 2), n: ones, y: Float64Array.of(1, 2, 3, 4), ss: null, t: null }, null, 0);
 * s.right.rows; // 3
 * ```
 */
export function splitSides(
  units: RddUnits,
  cluster: Int32Array | null,
  c: number,
): { readonly left: RddSideData; readonly right: RddSideData } {
  const { x } = units;
  let nl = 0;
  while (nl < x.length && x[nl] < c) nl++;
  const part = (from: number, to: number): RddSideData => {
    const n = units.n.slice(from, to);
    let rows = 0;
    for (let i = 0; i < n.length; i++) rows += n[i];
    return {
      x: x.slice(from, to),
      n,
      y: units.y.slice(from, to),
      ss: units.ss ? units.ss.slice(from, to) : null,
      t: units.t ? units.t.slice(from, to) : null,
      cluster: cluster ? clusterIndex(cluster.slice(from, to)) : null,
      rows,
    };
  };
  return { left: part(0, nl), right: part(nl, x.length) };
}

/** Rows of the units i ∈ [from, to). */
export function rowsIn(n: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += n[i];
  return s;
}

/** Distinct values of a sorted array. */
export function distinctSorted(x: Float64Array): number {
  let m = x.length > 0 ? 1 : 0;
  for (let i = 1; i < x.length; i++) if (x[i] !== x[i - 1]) m++;
  return m;
}

function clusterIndex(codes: Int32Array): RddCluster {
  const dense = denseCodes(codes);
  return { codes: dense.codes, count: dense.count };
}
