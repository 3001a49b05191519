import type { Frame } from "../../core/frame.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import type { Factor, TermSpec } from "../../models/formula.js";
import type { FrequencySpec } from "../../models/frequency.js";
import { type OlsResult, ols } from "../../models/ols.js";
import type { Vcov } from "../../models/vcov/types.js";
import type { DidLayout } from "./layout.js";

/** How every DiD regression is fitted: the variance estimator and the interval level. */
export interface DidFitContext {
  readonly vcov: Vcov;
  readonly alpha: number;
}

/**
 * The variance estimator a DiD analysis uses: CR1 by the layout's cluster column with the chosen reference
 * distribution, or HC1 when there is no cluster column.
 *
 * @example
 * ```ts
 * import { didVcov } from "truelift";
 * didVcov("workspace_id", "t"); // { type: "cluster", by: ["workspace_id"], dist: "t" }
 * ```
 */
export function didVcov(cluster: string | null, dist: "t" | "normal"): Vcov {
  return cluster === null ? { type: "hc", kind: "HC1", dist } : { type: "cluster", by: [cluster], dist };
}

/**
 * A model term made of numeric columns (one column = a main effect, several = their product).
 *
 * @example
 * ```ts
 * import { numericTerm } from "truelift";
 * numericTerm("treated", "post"); // the interaction treated:post
 * ```
 */
export function numericTerm(...columns: string[]): TermSpec {
  return { factors: columns.map((column): Factor => ({ kind: "numeric", column })) };
}

/**
 * Fits `outcome ~ terms + covariates (| absorb)` on `frame` with the context's variance estimator. Missing
 * values were rejected up front by {@link layoutDid}, so nothing is dropped here. With `frequency` the frame's
 * rows are compressed cells and the fit is OLS on the cell means weighted by the counts (`OlsSpec.frequency`),
 * equal to the fit on the rows.
 *
 * @example
 * ```ts
 * import { fitDid, numericTerm } from "truelift";
 * const fit = fitDid(layout.frame, layout, [numericTerm("treated"), numericTerm("post"),
 *   numericTerm("treated", "post")], [], { vcov: didVcov("workspace_id", "t"), alpha: 0.05 });
 * ```
 */
export function fitDid(
  frame: Frame,
  layout: Pick<DidLayout, "outcome" | "covariates"> & { readonly frequency?: FrequencySpec | null },
  terms: readonly TermSpec[],
  absorb: readonly string[],
  ctx: DidFitContext,
): DeepReadonly<OlsResult> {
  const frequency = layout.frequency ?? null;
  return ols(frame, {
    ...(frequency === null ? {} : { frequency }),
    outcome: layout.outcome,
    terms: [...terms, ...layout.covariates.map((f) => ({ factors: [f] }))],
    absorb,
    vcov: ctx.vcov,
    alpha: ctx.alpha,
    missing: "error",
  });
}

/**
 * The named term of a fit (throws if absent — a programming error, never a user one).
 *
 * @example
 * ```ts
 * import { termOf } from "truelift";
 * termOf(fit, "treated:post").estimate;
 * ```
 */
export function termOf(fit: DeepReadonly<OlsResult>, name: string): Term {
  const t = fit.terms.find((x) => x.name === name);
  if (!t) throw new Error(`internal: term ${name} missing from the fit`);
  return t;
}
