import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { DidLayout } from "./layout.js";
import { groupEffect } from "./regression.js";

/**
 * The layout to use in regressions that absorb the group effect (TWFE, event study, anticipation check): the
 * covariates that are constant within every group (e.g. a time-invariant unit trait when the unit is absorbed)
 * are dropped, since the fixed effects already contain them, with an info diagnostic naming them. They still
 * enter the regression DiD and Callaway–Sant'Anna (which conditions on them).
 *
 * @example
 * ```ts
 * import { withoutAbsorbedCovariates } from "truelift";
 * const { layout: fe, diagnostic } = withoutAbsorbedCovariates(layout);
 * ```
 */
export function withoutAbsorbedCovariates(layout: DidLayout): {
  layout: DidLayout;
  diagnostic: Diagnostic | null;
} {
  if (layout.covariates.length === 0) return { layout, diagnostic: null };
  const group = groupEffect(layout);
  const absorbed = layout.covariates.filter((f) => constantWithin(layout, group, f.column));
  if (absorbed.length === 0) return { layout, diagnostic: null };
  const names = absorbed.map((f) => f.column);
  return {
    layout: { ...layout, covariates: layout.covariates.filter((f) => !names.includes(f.column)) },
    diagnostic: diagnostic("D_DID_COVARIATE_ABSORBED", "info", { covariates: names, absorbedBy: group }),
  };
}

function constantWithin(layout: DidLayout, group: string, column: string): boolean {
  const seen = new Map<string, string>();
  for (let i = 0; i < layout.frame.nrows; i++) {
    const g = String(layout.frame.value(group, i));
    const v = String(layout.frame.value(column, i));
    const first = seen.get(g);
    if (first === undefined) seen.set(g, v);
    else if (first !== v) return false;
  }
  return true;
}
