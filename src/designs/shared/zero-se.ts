import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { Term } from "../../core/result.js";

/**
 * A standard error at or below this multiple of max(1, |estimate|) counts as 0: rounding leaves such SEs of
 * 10⁻¹⁷ instead of exactly 0 when every residual cancels.
 *
 * @example
 * ```ts
 * import { ZERO_SE_TOL } from "../shared/zero-se.js"; // internal to the designs
 * ZERO_SE_TOL; // 1e-10
 * ```
 */
export const ZERO_SE_TOL = 1e-10;

/**
 * Guards a design's headline term against a zero (or non-finite) standard error: then the statistic, the interval
 * and — when it is derived from the SE (`pValueFromSe`, the default) — the p-value become null and a failing
 * `D_ZERO_SE` diagnostic says why, never a zero-width interval, an infinite statistic or a NaN. A term with a
 * positive finite SE, a null SE or a non-finite estimate is returned unchanged with no diagnostic.
 *
 * @example
 * ```ts
 * import { guardZeroSe } from "../shared/zero-se.js"; // internal to the designs
 * const g = guardZeroSe({ name: "effect", estimate: 1, se: 0, statistic: null, df: null, pValue: null,
 *   ci: [1, 1] }, "cluster-mean");
 * g.term.ci;               // null
 * g.diagnostic?.severity;  // "fail"
 * ```
 * @see Wald (1943), Transactions of the AMS 54 (the Wald statistic estimate / se, undefined at se = 0).
 */
export function guardZeroSe(
  term: Term,
  method: string,
  pValueFromSe = true,
): { readonly term: Term; readonly diagnostic: Diagnostic | null } {
  const se = term.se;
  if (se === null || !Number.isFinite(term.estimate)) return { term, diagnostic: null };
  if (Number.isFinite(se) && se > ZERO_SE_TOL * Math.max(1, Math.abs(term.estimate))) {
    return { term, diagnostic: null };
  }
  return {
    term: {
      ...term,
      se: Number.isFinite(se) ? se : null,
      statistic: null,
      pValue: pValueFromSe ? null : term.pValue,
      ci: null,
    },
    diagnostic: diagnostic("D_ZERO_SE", "fail", { estimate: term.estimate, method }),
  };
}
