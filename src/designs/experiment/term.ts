import type { Term } from "../../core/result.js";
import { criticalValue, twoSidedP } from "../../numeric/dist/index.js";

/**
 * A {@link Term} from an estimate and its standard error: the Wald statistic, its two-sided p-value and the
 * (1 − alpha) interval against t(df), or the standard normal when `df` is null. A standard error that is not a
 * positive finite number leaves the statistic, p-value and interval null (never an infinite statistic or a
 * zero-width interval).
 *
 * @example
 * ```ts
 * import { waldTerm } from "truelift/designs/experiment";
 * waldTerm("lift", 0.04, 0.01, null, 0.05).ci; // [0.0204, 0.0596]
 * ```
 * @see Wald (1943), Transactions of the AMS 54.
 */
export function waldTerm(
  name: string,
  estimate: number,
  se: number | null,
  df: number | null,
  alpha: number,
): Term {
  if (se === null || !(Number.isFinite(se) && se > 0) || !Number.isFinite(estimate)) {
    return {
      name,
      estimate,
      se: se !== null && Number.isFinite(se) ? se : null,
      statistic: null,
      df,
      pValue: null,
      ci: null,
    };
  }
  const statistic = estimate / se;
  const q = criticalValue(alpha, df);
  return {
    name,
    estimate,
    se,
    statistic,
    df,
    pValue: twoSidedP(statistic, df),
    ci: [estimate - q * se, estimate + q * se],
  };
}

/**
 * The relative lift μ_v / μ_c − 1 of a variant over the control and its delta-method standard error, from the
 * two means' variances and covariance: Var ≈ V_v / μ_c² − 2 μ_v C / μ_c³ + μ_v² V_c / μ_c⁴. Normal reference
 * (df null). The control mean must not be 0 (the lift is undefined there: callers report no lift instead).
 *
 * @example
 * ```ts
 * import { relativeLift } from "truelift/designs/experiment";
 * relativeLift({ control: 0.5, variant: 0.54, varControl: 1e-4, varVariant: 1e-4, cov: 0 }, 0.05).estimate; // 0.08
 * ```
 * @see Deng, Knoblich & Lu (2018), "Applying the delta method in metric analytics", KDD.
 */
export function relativeLift(
  m: {
    readonly control: number;
    readonly variant: number;
    readonly varControl: number;
    readonly varVariant: number;
    readonly cov: number;
  },
  alpha: number,
): Term {
  const c = m.control;
  const v = m.variant;
  const variance =
    m.varVariant / (c * c) - (2 * v * m.cov) / (c * c * c) + (v * v * m.varControl) / (c * c * c * c);
  return waldTerm("relative lift", v / c - 1, Math.sqrt(Math.max(variance, 0)), null, alpha);
}
