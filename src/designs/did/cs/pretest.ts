import { chisqSurvival } from "../../../numeric/dist/index.js";
import { cholesky, choleskySolve } from "../../../numeric/linalg/cholesky.js";
import { rcondSpd } from "./two-by-two.js";

const EPS = 2.220446049250313e-16;

/**
 * did's Wald pre-test of parallel trends: W = n · θ̂ᵀ V̂⁻¹ θ̂ over the pre-treatment ATT(g,t) (t < g) with a
 * non-zero SE, V̂ the analytic influence-function covariance Σψψᵀ/n, compared with χ²(q). Returns null when
 * there is no pre-treatment cell or V̂ is singular (rcond ≤ eps), as did does.
 *
 * @example
 * ```ts
 * waldPreTest([0.01, -0.02], gramBlock, 500); // { statistic, df: 2, pValue }
 * ```
 * @see Callaway & Sant'Anna (2021), J. Econometrics 225(2), Section 4 (pre-testing); did `att_gt` (`W`, `Wpval`).
 */
export function waldPreTest(
  att: readonly number[],
  gramBlock: Float64Array,
  n: number,
): { statistic: number; df: number; pValue: number } | null {
  const q = att.length;
  if (q === 0) return null;
  const v = new Float64Array(q * q);
  for (let a = 0; a < q * q; a++) v[a] = gramBlock[a] / n;
  if (rcondSpd(v, q) <= EPS) return null;
  const l = cholesky(v, q)!;
  const sol = choleskySolve(l, q, Float64Array.from(att));
  let w = 0;
  for (let a = 0; a < q; a++) w += att[a] * sol[a];
  w *= n;
  return { statistic: w, df: q, pValue: chisqSurvival(w, q) };
}
