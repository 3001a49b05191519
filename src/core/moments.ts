/**
 * Sufficient statistics ("moments") for linear estimators. This is the contract between the in-memory path and
 * the SQL pushdown path: SQL returns these per group, and `models` consumes them without knowing who computed them.
 *
 * For a weighted regression of y on k columns X, per group g (a cluster, a cell, or the whole data):
 * `n` rows, `sumW` = Σw, `xtx` = Σ w·x xᵀ (k×k, row-major, symmetric), `xty` = Σ w·x y (k), `yty` = Σ w·y².
 * The group's score sum at coefficients β is `xty − xtx·β`, which is all that CR1 cluster-robust variance needs.
 * Raw cross-products lose precision when columns have large means; producers should centre on a shifted origin
 * and record it in `origin` (consumers undo the shift). `origin` null means raw.
 */
export interface RegressionMoments {
  readonly columns: readonly string[];
  readonly n: number;
  readonly sumW: number;
  readonly xtx: Float64Array;
  readonly xty: Float64Array;
  readonly yty: number;
}

/** {@link RegressionMoments} per group (e.g. per cluster), keyed by the group's id. */
export interface GroupedRegressionMoments {
  readonly columns: readonly string[];
  readonly groups: readonly { readonly key: string | number; readonly moments: RegressionMoments }[];
}

/**
 * Univariate moments of one variable in one group: count, weight sum, mean and centred sum of squares
 * (Welford / Chan et al. pairwise-combinable form).
 */
export interface ScalarMoments {
  readonly n: number;
  readonly sumW: number;
  readonly mean: number;
  /** Σ w (x − mean)². */
  readonly m2: number;
}

/**
 * Combines two {@link ScalarMoments} exactly (Chan, Golub & LeVeque 1979), the operation a GROUP BY merge needs.
 *
 * @example
 * ```ts
 * import { combineScalarMoments } from "truelift";
 * const a = { n: 2, sumW: 2, mean: 1, m2: 0 };
 * const b = { n: 2, sumW: 2, mean: 3, m2: 0 };
 * combineScalarMoments(a, b); // { n: 4, sumW: 4, mean: 2, m2: 4 }
 * ```
 * @see Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing sample variances".
 */
export function combineScalarMoments(a: ScalarMoments, b: ScalarMoments): ScalarMoments {
  const sumW = a.sumW + b.sumW;
  if (sumW === 0) return { n: a.n + b.n, sumW: 0, mean: 0, m2: 0 };
  const delta = b.mean - a.mean;
  const mean = a.mean + (delta * b.sumW) / sumW;
  const m2 = a.m2 + b.m2 + (delta * delta * a.sumW * b.sumW) / sumW;
  return { n: a.n + b.n, sumW, mean, m2 };
}
