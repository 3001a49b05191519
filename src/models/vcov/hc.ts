import { TrueliftError } from "../../core/errors.js";
import { sandwich } from "../../numeric/linalg/dense.js";
import { hcMeat, type LinearFit, observations, type VcovComputation } from "./meat.js";
import type { Dist, HcKind } from "./types.js";

/**
 * Heteroskedasticity-consistent sandwich (XᵀWX)⁻¹ [Σ ωᵢ xᵢxᵢᵀ] (XᵀWX)⁻¹ with ωᵢ = (wᵢeᵢ)² scaled by
 * HC0: 1 — HC1: N/(N−K) — HC2: 1/(1−hᵢ) — HC3: 1/(1−hᵢ)², hᵢ = wᵢxᵢᵀ(XᵀWX)⁻¹xᵢ (statsmodels `cov_type='HC0'…'HC3'`
 * on `wexog`/`wresid`). K counts absorbed fixed effects; leverages include the fixed effect's own wᵢ/W_g, which
 * is exact for one absorbed fixed effect — HC2/HC3 with two or more raise `E_UNSUPPORTED_VCOV`. A leverage of
 * 1 makes HC2/HC3 undefined: every SE is then null with diagnostic `D_LEVERAGE_ONE`.
 * Inference t(N−K) (`use_t=True`), or the normal with `dist: "normal"` (statsmodels' robust default). On
 * compressed cells the rows of a cell share its leverage, so the meat is summed per cell (see `hcMeat`) and N is
 * Σ count: the row-level result exactly.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const f = Frame.fromObject({ y: [1, 2, 4, 3, 7, 6], x: [0, 1, 2, 3, 4, 5] });
 * ols(f, { ...parseFormula("y ~ x"), vcov: { type: "hc", kind: "HC3" } }).terms[1].se;
 * ```
 * @see White (1980), "A heteroskedasticity-consistent covariance matrix estimator and a direct test for
 *   heteroskedasticity", Econometrica 48(4); MacKinnon & White (1985), "Some heteroskedasticity-consistent
 *   covariance matrix estimators with improved finite sample properties", J. Econometrics 29(3).
 */
export function hcVcov(fit: LinearFit, kind: HcKind, dist: Dist): VcovComputation {
  const power = kind === "HC2" ? 1 : kind === "HC3" ? 2 : 0;
  if (power > 0 && fit.absorb.length > 1) {
    throw new TrueliftError(
      "E_UNSUPPORTED_VCOV",
      `${kind} needs leverages, which are only available with at most one absorbed fixed effect (got ${fit.absorb.length}).`,
      { details: { kind, absorb: fit.absorb.map((a) => a.column) } },
    );
  }
  const { meat, leverageOne } = hcMeat(fit, power);
  const matrix = sandwich(fit.bread, meat, fit.k);
  if (kind === "HC1") {
    const f = observations(fit) / fit.dfResid;
    for (let i = 0; i < matrix.length; i++) matrix[i] *= f;
  }
  const notes = leverageOne > 0 ? [{ code: "D_LEVERAGE_ONE", evidence: { rows: leverageOne, kind } }] : [];
  return { matrix, df: dist === "t" ? fit.dfResid : null, notes, undefined: leverageOne > 0 };
}
