import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { choleskySolve } from "../numeric/linalg/cholesky.js";
import { crossprod } from "../numeric/linalg/crossprod.js";
import type { DesignColumn, DesignMatrix } from "./design-matrix.js";
import type { OlsSolution } from "./ols-solve.js";
import type { OlsShape, OlsWorking } from "./ols-working.js";
import { weightedMean, weightedSs } from "./weighted-sums.js";

/** R², adjusted R² and within R² of a fit (null when undefined), with the diagnostics that explain a null. */
export interface OlsGoodnessOfFit {
  readonly r2: number | null;
  readonly adjR2: number | null;
  /** Fixed-effect models: R² of the demeaned outcome; else null. */
  readonly r2Within: number | null;
  /** `D_CONSTANT_OUTCOME`, `D_PERFECT_FIT`. */
  readonly diagnostics: Diagnostic[];
}

/**
 * R² against the centred TSS when the model has a constant (an intercept, absorbed fixed effects, or columns
 * that span the constant, as statsmodels' `k_constant`), else against the uncentred one; adjusted and within
 * R²; flags a constant outcome and a perfect fit. For compressed cells `withinSS` is Σ withinSS_c, which the
 * row-level RSS and every total sum of squares include (`sol.rss` is then the between-cell part).
 *
 * @example
 * ```ts
 * olsGoodnessOfFit(design, working, solution, shape, "y").r2; // e.g. 0.93
 * ```
 */
export function olsGoodnessOfFit(
  design: DesignMatrix,
  wc: OlsWorking,
  sol: OlsSolution,
  shape: OlsShape,
  outcome: string,
  withinSS = 0,
): OlsGoodnessOfFit {
  const { n, weights: w, intercept, absorb } = design;
  const { k, sumW, obs } = shape;
  const k1 = k + 1;
  const { aug } = sol;
  const rss = sol.rss + withinSS;
  const dfResid = obs - shape.kFull;
  const diagnostics: Diagnostic[] = [];
  // Like statsmodels (`k_constant`), a model whose columns span the constant (e.g. full-rank dummies without
  // an intercept) has an implicit intercept: R² is then centred.
  let hasConstant = true;
  let tss: number;
  if (absorb.length > 0) tss = wc.tssCentred;
  else if (intercept) tss = aug[k * k1 + k] - (aug[k] * aug[k]) / sumW;
  else {
    hasConstant = spansConstant(sol.chol, wc.work, n, w, sumW);
    tss = weightedSs(design.y, w, hasConstant ? weightedMean(design.y, w, sumW) : 0);
  }
  tss += withinSS;
  const r2 = tss > 0 ? 1 - rss / tss : null;
  if (r2 === null) diagnostics.push(diagnostic("D_CONSTANT_OUTCOME", "warn", { outcome }));
  const c0 = hasConstant ? 1 : 0;
  const adjR2 = r2 === null ? null : 1 - ((obs - c0) / dfResid) * (1 - r2);
  let r2Within: number | null = null;
  if (absorb.length > 0) {
    const within = weightedSs(wc.y, w, 0) + withinSS;
    r2Within = within > 0 ? 1 - rss / within : null;
  }
  if (rss === 0 || rss <= 1e-30 * Math.max(tss, 1e-300))
    diagnostics.push(diagnostic("D_PERFECT_FIT", "warn", { rss }));
  return { r2, adjR2, r2Within, diagnostics };
}

/** True when the constant vector lies in the span of the (uncentred, no-intercept) columns. */
function spansConstant(
  l: Float64Array,
  work: readonly (DesignColumn | null)[],
  n: number,
  w: Float64Array | null,
  sumW: number,
): boolean {
  const k = work.length;
  const g = crossprod([...work, null], n, w);
  const xw1 = Float64Array.from({ length: k }, (_, j) => g[j * (k + 1) + k]);
  const b = choleskySolve(l, k, xw1);
  let explained = 0;
  for (let j = 0; j < b.length; j++) explained += b[j] * xw1[j];
  return sumW - explained <= 1e-10 * sumW;
}
