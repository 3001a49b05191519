import type { Term } from "../core/result.js";
import { criticalValue, twoSidedP } from "../numeric/dist/index.js";

/**
 * A {@link Term} from an estimate and its standard error: Wald statistic estimate / se, two-sided p-value and
 * 1 − alpha interval against the normal (`df` null) or Student t(df) reference. When the standard error is
 * missing, not finite or not positive (or the estimate is not finite) every inferential field is null and a
 * finite standard error is kept as given — never a NaN.
 *
 * @example
 * ```ts
 * import { waldTerm } from "truelift";
 * waldTerm("ATE", 0.0848, 0.0052, 0.05).ci;     // [0.0746…, 0.0949…] (normal)
 * waldTerm("slope", 0.0541, 0.0109, 0.05, 49).df; // 49 (t reference)
 * ```
 * @see Wald (1943), "Tests of statistical hypotheses concerning several parameters when the number of
 *   observations is large", Transactions of the AMS 54, 426–482.
 */
export function waldTerm(
  name: string,
  estimate: number,
  se: number | null,
  alpha: number,
  df: number | null = null,
): Term {
  if (se === null || !Number.isFinite(se) || !(se > 0) || !Number.isFinite(estimate)) {
    const kept = se !== null && Number.isFinite(se) ? se : null;
    return { name, estimate, se: kept, statistic: null, df, pValue: null, ci: null };
  }
  const crit = criticalValue(alpha, df);
  const statistic = estimate / se;
  return {
    name,
    estimate,
    se,
    statistic,
    df,
    pValue: twoSidedP(statistic, df),
    ci: [estimate - crit * se, estimate + crit * se],
  };
}

/**
 * Difference of two independent means (a − b) with Welch's standard error √(s²ₐ/nₐ + s²_b/n_b) and the
 * Welch–Satterthwaite degrees of freedom, as a t-reference {@link Term}; from each group's count, mean and
 * centred sum of squares m2 = Σ (x − mean)². Groups with fewer than two rows give a term without inference.
 *
 * @example
 * ```ts
 * import { welchDifference } from "truelift";
 * welchDifference("gap", { n: 3, mean: 2, m2: 2 }, { n: 3, mean: 1, m2: 2 }, 0.05).df; // 4
 * ```
 * @see Welch (1947), "The generalization of Student's problem when several different population variances are
 *   involved", Biometrika 34, 28–35.
 */
export function welchDifference(
  name: string,
  a: { readonly n: number; readonly mean: number; readonly m2: number },
  b: { readonly n: number; readonly mean: number; readonly m2: number },
  alpha: number,
): Term {
  const estimate = a.mean - b.mean;
  const va = a.n > 1 ? a.m2 / (a.n - 1) / a.n : Number.NaN;
  const vb = b.n > 1 ? b.m2 / (b.n - 1) / b.n : Number.NaN;
  const v = va + vb;
  if (!(v > 0) || !Number.isFinite(v)) return waldTerm(name, estimate, null, alpha);
  let df = (v * v) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  if (!Number.isFinite(df)) {
    // Denormal-small variances underflow v² to 0 (0/0): the same formula on the shares va/v, vb/v.
    const ra = va / v;
    const rb = vb / v;
    df = 1 / ((ra * ra) / (a.n - 1) + (rb * rb) / (b.n - 1));
  }
  return waldTerm(name, estimate, Math.sqrt(v), alpha, df);
}

/**
 * Running count, mean and centred sum of squares of a stream of numbers (Welford's one-pass update), the input
 * {@link welchDifference} takes.
 *
 * @example
 * ```ts
 * import { RunningMoments } from "truelift";
 * const m = new RunningMoments();
 * for (const x of [1, 2, 3]) m.add(x);
 * m.mean; // 2 (m.m2 = 2)
 * ```
 * @see Welford (1962), "Note on a method for calculating corrected sums of squares and products",
 *   Technometrics 4, 419–420.
 */
export class RunningMoments {
  n = 0;
  mean = 0;
  m2 = 0;
  add(x: number): void {
    this.n++;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
  }
}
