import type { ClusterSuffStats } from "../../models/wild-bootstrap.js";
import type { ClusterLayout } from "./layout.js";

/**
 * Per-cluster sufficient statistics S_g = X_gᵀX_g and b_g = X_gᵀy_g of a user-level linear model whose columns are
 * an intercept plus `columns` (one pass over the layout's units, each weighted by its user count: the same sums
 * from users or from compressed cells, as a unit's regressors are constant within it). The pairs and wild cluster bootstraps resample these
 * instead of rows.
 *
 * @example
 * ```ts
 * import { clusterSuffStats } from "truelift";
 * const stats = clusterSuffStats(layout, [layout.d], ["Intercept", "treatment"]);
 * stats.gram.length; // K · 4
 * ```
 * @see Roodman, MacKinnon, Nielsen & Webb (2019), "Fast and wild", Stata Journal 19(1).
 */
export function clusterSuffStats(
  layout: ClusterLayout,
  columns: readonly Float64Array[],
  names: readonly string[],
): ClusterSuffStats {
  const k = columns.length + 1;
  const K = layout.clusters;
  const gram = new Float64Array(K * k * k);
  const xty = new Float64Array(K * k);
  const x = new Float64Array(k);
  x[0] = 1;
  const { y, w, codes, n, units } = layout;
  for (let i = 0; i < units; i++) {
    for (let j = 1; j < k; j++) x[j] = columns[j - 1][i];
    const gb = codes[i] * k * k;
    const xb = codes[i] * k;
    const wi = w[i];
    const yi = wi * y[i];
    for (let a = 0; a < k; a++) {
      const xa = x[a];
      if (xa === 0) continue;
      xty[xb + a] += xa * yi;
      for (let b = 0; b <= a; b++) gram[gb + a * k + b] += wi * xa * x[b];
    }
  }
  for (let g = 0; g < K; g++) {
    const gb = g * k * k;
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) gram[gb + b * k + a] = gram[gb + a * k + b];
  }
  return { k, count: K, n, gram, xty, names };
}
