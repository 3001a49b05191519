import { TrueliftError } from "../core/errors.js";
import type { DeepReadonly } from "../core/result.js";
import { groupCodes } from "./design-matrix.js";
import { assembleResult, FIT_STATES, type OlsResult } from "./ols.js";
import { computeVcov } from "./vcov/index.js";
import { normalizeVcov, type Vcov } from "./vcov/types.js";

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
 * import { ols, parseFormula, withVcov } from "truelift";
 * const iid = ols(frame, parseFormula("task_completed ~ treated*post + C(engagement_tier)"));
 * const cr1 = withVcov(iid, { type: "cluster", by: ["workspace_id"] });
 * const hc3 = withVcov(iid, { type: "hc", kind: "HC3" });
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
