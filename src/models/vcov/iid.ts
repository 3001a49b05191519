import type { LinearFit, VcovComputation } from "./meat.js";

/**
 * Classical (homoskedastic) variance σ²(XᵀWX)⁻¹ with σ² = Σwe²/(N−K), K counting absorbed fixed effects;
 * inference t(N−K). Equals statsmodels `OLS/WLS(...).fit()` (`cov_type='nonrobust'`).
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const f = Frame.fromObject({ y: [1, 2, 4, 3, 5], x: [0, 1, 2, 3, 4] });
 * ols(f, { ...parseFormula("y ~ x"), vcov: { type: "iid" } }).terms[1].se;
 * ```
 * @see Greene, Econometric Analysis (8th ed.), §4.7.
 */
export function iidVcov(fit: LinearFit): VcovComputation {
  const s2 = fit.rss / fit.dfResid;
  const matrix = new Float64Array(fit.bread.length);
  for (let i = 0; i < matrix.length; i++) matrix[i] = s2 * fit.bread[i];
  return { matrix, df: fit.dfResid, notes: [] };
}
