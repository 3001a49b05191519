import type { Term } from "../../core/result.js";
import { criticalValue, twoSidedP } from "../../numeric/dist/index.js";

/**
 * A {@link Term} with a normal reference distribution (z statistic, two-sided p, Wald interval); a missing or
 * non-positive standard error gives nulls for every inferential field.
 *
 * @example
 * ```ts
 * import { normalTerm } from "truelift";
 * normalTerm("ATE", 0.0848, 0.0052, 0.05).ci; // [0.0746…, 0.0949…]
 * ```
 */
export function normalTerm(name: string, estimate: number, se: number | null, alpha: number): Term {
  if (se === null || !(se > 0) || !Number.isFinite(se)) {
    return { name, estimate, se: null, statistic: null, df: null, pValue: null, ci: null };
  }
  const z = criticalValue(alpha, null);
  const statistic = estimate / se;
  return {
    name,
    estimate,
    se,
    statistic,
    df: null,
    pValue: twoSidedP(statistic, null),
    ci: [estimate - z * se, estimate + z * se],
  };
}
