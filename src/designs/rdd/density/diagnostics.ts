import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import type { Term } from "../../../core/result.js";

/** Fewest observations within the bandwidth per side before the test is flagged as unreliable (rddensity's rule). */
const FEW_EFFECTIVE = 20;

/** What the diagnostics read from one side of a density test. */
export interface DensitySideSummary {
  readonly estimate: number | null;
  readonly nEffective: number;
  readonly h: number;
}

/**
 * The manipulation verdict of a density test as a diagnostic: `D_RDD_DENSITY_TEST` with severity `fail` when the
 * p-value is below alpha (naming the side units piled up on), `pass` otherwise, or `D_RDD_DENSITY_UNDEFINED`
 * (`warn`) when the test could not be computed; the evidence holds both densities, the jump, the statistic, the
 * p-value, the bandwidths and the effective sample sizes.
 *
 * @example
 * ```ts
 * import { densityVerdict } from "truelift";
 * densityVerdict({ cutoff: 0.85, alpha: 0.05 }, t.estimate, t.left, t.right, "cjm").severity; // "pass"
 * ```
 */
export function densityVerdict(
  o: { cutoff: number; alpha: number },
  est: Term | null,
  left: DensitySideSummary,
  right: DensitySideSummary,
  what: string,
): Diagnostic {
  const evidence = {
    method: what,
    cutoff: o.cutoff,
    densityLeft: left.estimate,
    densityRight: right.estimate,
    jump: est === null ? null : est.estimate,
    statistic: est?.statistic ?? null,
    pValue: est?.pValue ?? null,
    alpha: o.alpha,
    hLeft: left.h,
    hRight: right.h,
    effectiveLeft: left.nEffective,
    effectiveRight: right.nEffective,
  };
  if (est === null || est.pValue === null) return diagnostic("D_RDD_DENSITY_UNDEFINED", "warn", evidence);
  if (est.pValue < o.alpha) return diagnostic("D_RDD_DENSITY_TEST", "fail", evidence);
  return diagnostic("D_RDD_DENSITY_TEST", "pass", evidence);
}

/**
 * All diagnostics of a Cattaneo–Jansson–Ma density test: the verdict first, then `D_RDD_DENSITY_FEW_EFFECTIVE`
 * (fewer than 20 observations within the bandwidth on a side), `D_RDD_DENSITY_MASS_POINTS` (repeated values,
 * adjusted for) and `D_RDD_DENSITY_BW_RANGE` (a bandwidth reaching past the data).
 *
 * @example
 * ```ts
 * import { cjmDiagnostics } from "truelift";
 * cjmDiagnostics({ cutoff: 0.85, alpha: 0.05 }, t.estimate, t.left, t.right, { distinct: 9000, n: 50000 }, false);
 * ```
 */
export function cjmDiagnostics(
  o: { cutoff: number; alpha: number },
  est: Term | null,
  left: DensitySideSummary,
  right: DensitySideSummary,
  ties: { distinct: number; n: number } | null,
  beyondRange: boolean,
): Diagnostic[] {
  const out = [densityVerdict(o, est, left, right, "cjm")];
  densityFewObsDiagnostics(out, left, right);
  if (ties !== null)
    out.push(
      diagnostic("D_RDD_DENSITY_MASS_POINTS", "info", {
        distinctValues: ties.distinct,
        observations: ties.n,
      }),
    );
  if (beyondRange) out.push(diagnostic("D_RDD_DENSITY_BW_RANGE", "info", { hLeft: left.h, hRight: right.h }));
  return out;
}

/**
 * Appends `D_RDD_DENSITY_FEW_EFFECTIVE` (warn) when either side has fewer than 20 observations within the
 * bandwidth (rddensity's summary warns at the same point).
 *
 * @example
 * ```ts
 * import { densityFewObsDiagnostics } from "truelift";
 * const out = [];
 * densityFewObsDiagnostics(out, { estimate: 1, nEffective: 12, h: 0.1 }, { estimate: 1, nEffective: 40, h: 0.1 });
 * out[0].code; // "D_RDD_DENSITY_FEW_EFFECTIVE"
 * ```
 */
export function densityFewObsDiagnostics(
  out: Diagnostic[],
  left: DensitySideSummary,
  right: DensitySideSummary,
): void {
  if (left.nEffective < FEW_EFFECTIVE || right.nEffective < FEW_EFFECTIVE)
    out.push(
      diagnostic("D_RDD_DENSITY_FEW_EFFECTIVE", "warn", {
        effectiveLeft: left.nEffective,
        effectiveRight: right.nEffective,
        minimum: FEW_EFFECTIVE,
      }),
    );
}
