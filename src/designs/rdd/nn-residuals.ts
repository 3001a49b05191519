/** Dense cluster codes 0..count−1 of the rows of one side. */
export interface RddCluster {
  readonly codes: Int32Array;
  readonly count: number;
}

/**
 * rdrobust's nearest-neighbour residuals (`rdrobust_res` with `vce = "nn"`): for each row i of a sorted window,
 * the J ≥ `matches` closest other rows in x (ties enter as whole groups, equidistant neighbours on both sides
 * together), and `sqrt(J/(J+1))·(v_i − mean of v over the neighbours)` for each column v (outcome, take-up).
 * Distances within `sqrt(machine epsilon)` of each other count as ties, as rdrobust 3+ does.
 *
 * @example
 * ```ts
 * import { nnResiduals } from "truelift";
 * const x = Float64Array.of(1, 2, 3, 4);
 * const one = Int32Array.of(1, 1, 1, 1);
 * nnResiduals(x, [Float64Array.of(1, 2, 3, 4)], one, one, 1); // first row: sqrt(1/2)·(1 − 2)
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), Econometrica 82(6), §S.2 (nearest-neighbour variance).
 */
export function nnResiduals(
  x: Float64Array,
  columns: readonly Float64Array[],
  dups: Int32Array,
  dupsid: Int32Array,
  matches: number,
): Float64Array[] {
  const n = x.length;
  const out = columns.map(() => new Float64Array(n));
  const tolEps = Math.sqrt(2.220446049250313e-16);
  const target = Math.min(matches, n - 1);
  const sums = new Float64Array(columns.length);
  let lastFrom = -1;
  let lastTo = -1;
  for (let pos = 0; pos < n; pos++) {
    let rpos = dups[pos] - dupsid[pos];
    let lpos = dupsid[pos] - 1;
    while (lpos + rpos < target) {
      const li = pos - lpos - 1;
      const ri = pos + rpos + 1;
      if (li < 0) rpos += dups[ri];
      else if (ri >= n) lpos += dups[li];
      else {
        const dl = x[pos] - x[li];
        const dr = x[ri] - x[pos];
        const tol = Math.max(dl, dr) * tolEps;
        if (dl - dr > tol) rpos += dups[ri];
        else if (dr - dl > tol) lpos += dups[li];
        else {
          rpos += dups[ri];
          lpos += dups[li];
        }
      }
    }
    const from = Math.max(0, pos - lpos);
    const to = Math.min(n - 1, pos + rpos);
    const ji = to - from;
    const f = Math.sqrt(ji / (ji + 1));
    if (from !== lastFrom || to !== lastTo) {
      // Every row of a tie group shares its window: sum it once per group (same order, same rounding).
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c];
        let sum = 0;
        for (let j = from; j <= to; j++) sum += v[j];
        sums[c] = sum;
      }
      lastFrom = from;
      lastTo = to;
    }
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c];
      out[c][pos] = f * (v[pos] - (sums[c] - v[pos]) / ji);
    }
  }
  return out;
}
