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

/** Everything withVcov needs to re-estimate the variance without refitting (kept out of the result). */
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

/** Results produced in this process, mapped to their fitted state (results themselves stay plain data). */
export const FIT_STATES = new WeakMap<object, FitState>();

/**
 * Returns a new result with another variance estimator, without refitting the mean model: coefficients,
 * residuals and fit statistics are reused; terms, `vcov`, `vcovMatrix`, cluster counts and the variance
 * diagnostics are recomputed (statsmodels `get_robustcov_results`). The input result is not modified.
 *
 * The fitted columns are held in a module-level `WeakMap` keyed by the result object, so only results produced
 * by `ols` (or `withVcov`) in this process qualify; a result rebuilt from JSON raises `E_DETACHED_RESULT`.
 * Cluster columns are read from the original frame on the fitted rows; a missing cluster id there raises
 * `E_NAN_IN_CLUSTER` (refit with the clusters in the spec to drop those rows instead).
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula, withVcov } from "truelift";
 * const frame = Frame.fromObject({ y: [1, 3, 2, 5, 4, 6], x: [1, 2, 3, 4, 5, 6], g: [1, 1, 2, 2, 3, 3] });
 * const iid = ols(frame, parseFormula("y ~ x"));
 * const cr1 = withVcov(iid, { type: "cluster", by: ["g"] });
 * const hc3 = withVcov(iid, { type: "hc", kind: "HC3" });
 * cr1.terms[1].estimate === iid.terms[1].estimate; // true: only the variance changes
 * ```
 * @see statsmodels `RegressionResults.get_robustcov_results`; design.md §4.
 */
export function withVcov(result: DeepReadonly<OlsResult>, vcov: Vcov): DeepReadonly<OlsResult> {
  const state = FIT_STATES.get(result as object);
  if (!state) {
    throw new TrueliftError(
      "E_DETACHED_RESULT",
      "This result has no fitted data attached (it was deserialised or built by hand), so its variance cannot be re-estimated.",
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
 * Builds the frozen result from a fit state and a variance computation (shared by `ols` and
 * {@link withVcov}), and remembers the state for later `withVcov` calls. Variances are mapped to reported
 * coordinates (V = T V_γ Tᵀ); a negative or non-finite variance gives a null SE and `D_VCOV_NOT_PSD`.
 *
 * @example
 * ```ts
 * // internal (not exported from the package): ols() calls assembleResult(state, vcov, computeVcov(state.fit, vcov, clusters), diagnostics)
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
  const frozen = deepFreeze(result);
  FIT_STATES.set(frozen, state);
  return frozen;
}

function transpose(a: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[j * k + i] = a[i * k + j];
  return out;
}
