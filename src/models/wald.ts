import { TrueliftError } from "../core/errors.js";
import type { DeepReadonly } from "../core/result.js";
import { chisqSurvival, fSurvival } from "../numeric/dist/index.js";
import { cholesky, choleskySolve } from "../numeric/linalg/cholesky.js";
import type { OlsResult } from "./ols.js";

/**
 * A joint Wald test that several coefficients are all zero.
 *
 * `chi2 = bᵀ V⁻¹ b` over the q tested coefficients, with the model's own variance estimator. `statistic` is
 * `chi2 / q`; with a t reference (`df2` = the terms' df, G − 1 when clustered) it is referred to F(q, df2) as
 * fixest's `wald()` does, with a normal reference to χ²(q) / q (statsmodels' `wald_test(use_f=False)`), and
 * `pValue` follows. Null when the variance block is not positive definite (too few clusters for q restrictions).
 */
export interface WaldTest {
  readonly terms: readonly string[];
  readonly chi2: number | null;
  readonly statistic: number | null;
  readonly df1: number;
  readonly df2: number | null;
  readonly pValue: number | null;
}

/**
 * Joint Wald test of `terms` = 0 in a fitted linear model, using its variance estimator.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula, waldTest } from "truelift";
 * const fit = ols(frame, { ...parseFormula("y ~ a + b + c"), vcov: { type: "cluster", by: ["g"] } });
 * waldTest(fit, ["a", "b"]); // { chi2, statistic: chi2 / 2, df1: 2, df2: G − 1, pValue }
 * ```
 * @see Wald (1943); Wooldridge, Econometric Analysis of Cross Section and Panel Data (2010), §4.2.3 (robust Wald
 *   statistics); fixest `wald()`.
 */
export function waldTest(fit: DeepReadonly<OlsResult>, terms: readonly string[]): WaldTest {
  const index = terms.map((name) => {
    const i = fit.terms.findIndex((t) => t.name === name);
    if (i < 0) {
      throw new TrueliftError("E_INVALID_ARGUMENT", `The model has no term '${name}' to test.`, {
        details: { term: name, terms: fit.terms.map((t) => t.name) },
      });
    }
    return i;
  });
  const q = index.length;
  const df2 = q > 0 ? fit.terms[index[0]].df : null;
  const empty = { terms: [...terms], chi2: null, statistic: null, df1: q, df2, pValue: null };
  if (q === 0 || fit.vcovMatrix === null) return Object.freeze(empty);
  const v = new Float64Array(q * q);
  const b = new Float64Array(q);
  for (let r = 0; r < q; r++) {
    b[r] = fit.terms[index[r]].estimate;
    for (let c = 0; c < q; c++) v[r * q + c] = fit.vcovMatrix[index[r]][index[c]];
  }
  const l = cholesky(v, q);
  if (l === null) return Object.freeze(empty);
  const x = choleskySolve(l, q, b);
  let chi2 = 0;
  for (let r = 0; r < q; r++) chi2 += b[r] * x[r];
  const statistic = chi2 / q;
  const pValue = df2 === null ? chisqSurvival(chi2, q) : fSurvival(statistic, q, df2);
  return Object.freeze({ terms: [...terms], chi2, statistic, df1: q, df2, pValue });
}
