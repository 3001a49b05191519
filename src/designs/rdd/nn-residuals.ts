/** Dense cluster codes 0..count−1 of the units of one side. */
export interface RddCluster {
  readonly codes: Int32Array;
  readonly count: number;
}

/**
 * Variance residuals of a local fit, per unit (a row, or a compressed cell of rows sharing x, take-up and
 * cluster): `mean[c][i]` is response column c's residual at unit i's mean, and a row of unit i with outcome y has
 * outcome residual `mean[0][i] + slope[i]·(y − ȳ_i)` (take-up is constant within a unit). Every residual is affine
 * in its row's value within a unit, so Σe over a unit is n·ē and Σe² is n·ē² + slope²·Σ(y − ȳ)².
 */
export interface RddResiduals {
  readonly mean: readonly Float64Array[];
  readonly slope: Float64Array;
}

/**
 * rdrobust's nearest-neighbour residuals (`rdrobust_res` with `vce = "nn"`) on sorted units with counts: for
 * each row, the J ≥ `matches` closest other rows in x (ties enter as whole groups — a row's window is its whole
 * tie group plus whole neighbouring groups, equidistant neighbours on both sides together), and
 * `sqrt(J/(J+1))·(v_i − mean of v over the neighbours)` for each column v (outcome, take-up), returned per unit
 * ({@link RddResiduals}). Distances within `sqrt(machine epsilon)` of each other count as ties, as rdrobust 3+
 * does.
 *
 * @example
 * ```ts
 * import { nnResiduals } from "truelift";
 * const x = Float64Array.of(1, 2, 3, 4);
 * const n = Float64Array.of(1, 1, 1, 1);
 * nnResiduals(x, n, [Float64Array.of(1, 2, 3, 4)], 1).mean[0][0]; // sqrt(1/2)·(1 − 2)
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), Econometrica 82(6), §S.2 (nearest-neighbour variance).
 */
export function nnResiduals(
  x: Float64Array,
  n: Float64Array,
  columns: readonly Float64Array[],
  matches: number,
): RddResiduals {
  const m = x.length;
  const mean = columns.map(() => new Float64Array(m));
  const slope = new Float64Array(m);
  // Tie groups of units: start offsets and row counts.
  const starts: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < m; i++) {
    if (i === 0 || x[i] !== x[i - 1]) {
      starts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1] += n[i];
    total += n[i];
  }
  starts.push(m);
  const groups = counts.length;
  const tolEps = Math.sqrt(2.220446049250313e-16);
  const target = Math.min(matches, total - 1);
  const sums = new Float64Array(columns.length);
  for (let g = 0; g < groups; g++) {
    const xg = x[starts[g]];
    let lo = g;
    let hi = g;
    let inWindow = counts[g];
    while (inWindow - 1 < target) {
      const li = lo - 1;
      const ri = hi + 1;
      if (li < 0) inWindow += counts[++hi];
      else if (ri >= groups) inWindow += counts[--lo];
      else {
        const dl = xg - x[starts[li]];
        const dr = x[starts[ri]] - xg;
        const tol = Math.max(dl, dr) * tolEps;
        if (dl - dr > tol) inWindow += counts[++hi];
        else if (dr - dl > tol) inWindow += counts[--lo];
        else {
          inWindow += counts[++hi];
          inWindow += counts[--lo];
        }
      }
    }
    const from = starts[lo];
    const to = starts[hi + 1];
    const ji = inWindow - 1;
    const f = Math.sqrt(ji / (ji + 1));
    for (let c = 0; c < columns.length; c++) {
      const v = columns[c];
      let sum = 0;
      for (let j = from; j < to; j++) sum += n[j] * v[j];
      sums[c] = sum;
    }
    for (let i = starts[g]; i < starts[g + 1]; i++) {
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c];
        mean[c][i] = f * (v[i] - (sums[c] - v[i]) / ji);
      }
      slope[i] = f * (1 + 1 / ji);
    }
  }
  return { mean, slope };
}
