import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import { groupCodes } from "../core/group-codes.js";
import { DIAGNOSTIC_CATALOGUE } from "../core/messages.js";
import { type DeepReadonly, deepFreeze, type Term } from "../core/result.js";
import { matMul } from "../numeric/linalg/dense.js";
import type { OlsResult } from "./ols.js";
import { computeVcov } from "./vcov/index.js";
import type { LinearFit, VcovComputation } from "./vcov/meat.js";
import { normalizeVcov, type Vcov } from "./vcov/types.js";
import { waldTerm } from "./wald-term.js";

/**
 * Everything {@link withVcov} needs to re-estimate the variance without refitting, kept out of the result: the
 * frame and fitted rows (to read cluster columns), the working-coordinate {@link LinearFit}, the coefficient names
 * and values, and the parts of the result that do not depend on the variance.
 *
 * @example
 * ```ts
 * import { Frame, olsFit, parseFormula } from "truelift";
 * const { state } = olsFit(Frame.fromObject({ y: [1, 3, 2, 5], x: [1, 2, 3, 4] }), parseFormula("y ~ x"));
 * state.names; // ["Intercept", "x"]
 * ```
 */
export interface FitState {
  readonly frame: Frame;
  readonly rows: Int32Array | null;
  readonly fit: LinearFit;
  readonly names: readonly string[];
  readonly coef: Float64Array;
  readonly base: Omit<OlsResult, "terms" | "vcov" | "vcovMatrix" | "n" | "diagnostics">;
  readonly n: { obs: number; dropped: number; droppedReasons: Readonly<Record<string, number>> };
  readonly fitDiagnostics: readonly Diagnostic[];
}

/**
 * A fitted linear model, as statsmodels splits model and results: the plain, frozen {@link OlsResult} (what is
 * reported and serialised) next to the {@link FitState} that re-estimating its variance needs (the design
 * columns, mostly views of the frame, the fitted rows and coefficients). Returned by `olsFit`; pass it to
 * {@link withVcov} to swap the variance estimator without refitting. The result holds no reference to the state,
 * so it stays plain data; drop the fit to release the columns.
 *
 * @example
 * ```ts
 * import { Frame, olsFit, parseFormula, withVcov } from "truelift";
 * const frame = Frame.fromObject({ y: [1, 3, 2, 5, 4, 6], x: [1, 2, 3, 4, 5, 6] });
 * const fit = olsFit(frame, parseFormula("y ~ x"));
 * fit.result.terms[1].se;                                // iid SE
 * withVcov(fit, { type: "hc", kind: "HC3" }).terms[1].se; // HC3 SE, same estimate
 * ```
 * @see statsmodels `OLS(...).fit()` → `RegressionResults.get_robustcov_results`; design.md §3–4.
 */
export interface OlsFit {
  /** The result for the variance estimator of the spec (plain, deeply frozen data). */
  readonly result: DeepReadonly<OlsResult>;
  /** What {@link withVcov} needs to re-estimate the variance (not part of the result). */
  readonly state: FitState;
}

/**
 * Returns a new result with another variance estimator, without refitting the mean model: coefficients,
 * residuals and fit statistics are reused; terms, `vcov`, `vcovMatrix`, cluster counts and the variance
 * diagnostics are recomputed (statsmodels `get_robustcov_results`). Neither the fit nor its result is modified.
 *
 * The fitted columns come from the explicit {@link OlsFit} that `olsFit` returns, not from the result, which is
 * plain data: a result (or anything else without a fit state, such as a deserialised fit) raises
 * `E_DETACHED_RESULT`. Cluster columns are read from the original frame on the fitted rows; a missing cluster id
 * there raises `E_NAN_IN_CLUSTER` (refit with the clusters in the spec to drop those rows instead).
 *
 * @example
 * ```ts
 * import { Frame, olsFit, parseFormula, withVcov } from "truelift";
 * const frame = Frame.fromObject({ y: [1, 3, 2, 5, 4, 6], x: [1, 2, 3, 4, 5, 6], g: [1, 1, 2, 2, 3, 3] });
 * const fit = olsFit(frame, parseFormula("y ~ x"));
 * const cr1 = withVcov(fit, { type: "cluster", by: ["g"] });
 * const hc3 = withVcov(fit, { type: "hc", kind: "HC3" });
 * cr1.terms[1].estimate === fit.result.terms[1].estimate; // true: only the variance changes
 * ```
 * @see statsmodels `RegressionResults.get_robustcov_results`; design.md §4.
 */
export function withVcov(fit: OlsFit, vcov: Vcov): DeepReadonly<OlsResult> {
  const state: FitState | undefined = fit?.state;
  if (!state?.fit) {
    throw new TrueliftError(
      "E_DETACHED_RESULT",
      "This object has no fitted data attached (a result, or a fit that was deserialised or built by hand), so its variance cannot be re-estimated; pass the fit returned by olsFit().",
    );
  }
  const v = normalizeVcov(vcov);
  const clusters =
    v.type === "cluster"
      ? v.by.map((name) => {
          const g = groupCodes(state.frame, name, state.rows);
          if (g.missing > 0) {
            throw new TrueliftError(
              "E_NAN_IN_CLUSTER",
              `Cluster column '${name}' is missing for ${g.missing} of the ${state.fit.n} fitted rows.`,
              { details: { column: name, missing: g.missing } },
            );
          }
          return g;
        })
      : [];
  const comp = computeVcov(state.fit, v, clusters);
  return assembleResult(state, v, comp, state.fitDiagnostics);
}

/**
 * Builds the frozen result from a fit state and a variance computation (shared by `olsFit` and
 * {@link withVcov}). Variances are mapped to reported
 * coordinates (V = T V_γ Tᵀ); a negative or non-finite variance gives a null SE and `D_VCOV_NOT_PSD`.
 *
 * @example
 * ```ts
 * // internal (not exported from the package): olsFit() calls assembleResult(state, vcov, computeVcov(state.fit, vcov, clusters), diagnostics)
 * ```
 * @see statsmodels `RegressionResults` (`params`, `bse`, `tvalues`, `pvalues`, `conf_int`).
 */
export function assembleResult(
  state: FitState,
  vcov: Vcov,
  comp: VcovComputation,
  fitDiagnostics: readonly Diagnostic[],
): DeepReadonly<OlsResult> {
  const { fit, names, coef } = state;
  const k = fit.k;
  const t = fit.transform;
  const v = t ? matMul(matMul(t, comp.matrix, k, k, k), transpose(t, k), k, k, k) : comp.matrix;
  const diagnostics: Diagnostic[] = [...fitDiagnostics];
  for (const n of comp.notes) {
    const code = n.code as keyof typeof DIAGNOSTIC_CATALOGUE;
    diagnostics.push(diagnostic(code, "warn", n.evidence, DIAGNOSTIC_CATALOGUE[code]));
  }
  let negative = 0;
  const terms: Term[] = names.map((name, j) => {
    const df = comp.termDf ? (comp.termDf[j] ?? null) : comp.df;
    const estimate = coef[j];
    const variance = v[j * k + j];
    let se: number | null = null;
    if (!comp.undefined) {
      if (variance >= 0 && Number.isFinite(variance)) se = Math.sqrt(variance);
      else negative++;
    }
    return waldTerm(name, estimate, se, state.base.alpha, df);
  });
  if (negative > 0) {
    diagnostics.push(
      diagnostic("D_VCOV_NOT_PSD", "warn", { terms: negative }, DIAGNOSTIC_CATALOGUE.D_VCOV_NOT_PSD),
    );
  }
  const matrix = comp.undefined ? null : names.map((_, i) => names.map((__, j) => v[i * k + j]));
  const result: OlsResult = {
    ...state.base,
    terms,
    vcov,
    vcovMatrix: matrix,
    n: comp.clusters ? { ...state.n, clusters: [...comp.clusters] } : { ...state.n },
    diagnostics,
  };
  return deepFreeze(result);
}

function transpose(a: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[j * k + i] = a[i * k + j];
  return out;
}
