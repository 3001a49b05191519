import type { Term } from "../../core/result.js";
import { criticalValue, twoSidedP } from "../../numeric/dist/index.js";

/** A guardrail's one-sided non-inferiority test. */
export interface GuardrailTest {
  /** The worst acceptable change (signed): below it (margin < 0) or above it (margin > 0) is harm. */
  readonly margin: number;
  /** The one-sided (1 − alpha) confidence bound on the side of harm (the (1 − 2α) interval's end). */
  readonly bound: number | null;
  /** P-value of H0 "the change is at least as bad as the margin". */
  readonly pValue: number | null;
  readonly nonInferior: boolean;
}

/**
 * Non-inferiority of a guardrail metric: with margin m < 0 tests H0: Δ ≤ m against Δ > m (t = (Δ − m)/SE), with
 * m > 0 tests H0: Δ ≥ m against Δ < m (t = (m − Δ)/SE), one-sided at alpha on the difference term's reference
 * distribution; the bound is Δ − q·SE (m < 0) or Δ + q·SE (m > 0) with q the (1 − alpha) quantile.
 *
 * @example
 * ```ts
 * import { nonInferiority } from "truelift/designs/experiment";
 * nonInferiority({ name: "d", estimate: -0.002, se: 0.003, statistic: null, df: null, pValue: null, ci: null }, -0.01, 0.05).nonInferior; // true
 * ```
 * @see Schuirmann (1987), J. Pharmacokinet. Biopharm. 15(6); FDA (2016), Non-Inferiority Clinical Trials.
 */
export function nonInferiority(diff: Term, margin: number, alpha: number): GuardrailTest {
  if (diff.se === null || !(diff.se > 0)) return { margin, bound: null, pValue: null, nonInferior: false };
  const t = margin < 0 ? (diff.estimate - margin) / diff.se : (margin - diff.estimate) / diff.se;
  const twoSided = twoSidedP(t, diff.df);
  const pValue = t > 0 ? twoSided / 2 : 1 - twoSided / 2;
  const q = criticalValue(2 * alpha, diff.df);
  const bound = margin < 0 ? diff.estimate - q * diff.se : diff.estimate + q * diff.se;
  return { margin, bound, pValue, nonInferior: pValue < alpha };
}
