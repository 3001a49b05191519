/**
 * Start offsets of the runs of `rows` tied in x with equal weight (the last entry is `rows.length`): the rows of a
 * run share the basis row and the kernel weight, so sums over them collapse to count × one term.
 *
 * @example
 * ```ts
 * import { tieRuns } from "./tie-runs.js"; // internal to the RD design
 * tieRuns(Float64Array.of(1, 1, 2), Int32Array.of(0, 1, 2), Float64Array.of(0.5, 0.5, 0.25)); // [0, 2, 3]
 * ```
 */
export function tieRuns(x: Float64Array, rows: Int32Array, w: Float64Array): Int32Array {
  const m = rows.length;
  const out = new Int32Array(m + 1);
  let g = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0 || x[rows[i]] !== x[rows[i - 1]] || w[i] !== w[i - 1]) out[g++] = i;
  }
  out[g++] = m;
  return out.slice(0, g);
}
