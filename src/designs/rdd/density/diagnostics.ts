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

function fmt(v: number | null, d = 3): string {
  return v !== null && Number.isFinite(v) ? v.toFixed(d) : "n/a";
}

function fmtP(p: number): string {
  return p < 0.0001 ? "< 0.0001" : p.toFixed(4);
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
  if (est === null || est.pValue === null)
    return diagnostic(
      "D_RDD_DENSITY_UNDEFINED",
      "warn",
      evidence,
      "The density test could not be computed here (too little data near the cutoff or a degenerate fit), so sorting around the threshold cannot be ruled out.",
    );
  const dens = `density just below ${fmt(left.estimate)} vs just above ${fmt(right.estimate)}`;
  if (est.pValue < o.alpha) {
    const pile = (left.estimate ?? 0) > (right.estimate ?? 0) ? "below" : "at or above";
    return diagnostic(
      "D_RDD_DENSITY_TEST",
      "fail",
      evidence,
      `The running variable's density jumps at the cutoff ${o.cutoff} (${dens}, p = ${fmtP(est.pValue)}): too many units sit just ${pile} the threshold, as if they sorted themselves to that side, so units on either side may not be comparable.`,
    );
  }
  return diagnostic(
    "D_RDD_DENSITY_TEST",
    "pass",
    evidence,
    `No evidence that units sort around the cutoff ${o.cutoff}: ${dens} (p = ${fmtP(est.pValue)}).`,
  );
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
      diagnostic(
        "D_RDD_DENSITY_MASS_POINTS",
        "info",
        { distinctValues: ties.distinct, observations: ties.n },
        `The running variable takes ${ties.distinct} distinct values over ${ties.n} observations; the density estimates and standard errors were adjusted for the repeats (rddensity's mass-point correction).`,
      ),
    );
  if (beyondRange)
    out.push(
      diagnostic(
        "D_RDD_DENSITY_BW_RANGE",
        "info",
        { hLeft: left.h, hRight: right.h },
        "The bandwidth on one side reaches past the data on that side, so the whole side enters the local fit.",
      ),
    );
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
      diagnostic(
        "D_RDD_DENSITY_FEW_EFFECTIVE",
        "warn",
        { effectiveLeft: left.nEffective, effectiveRight: right.nEffective, minimum: FEW_EFFECTIVE },
        `Only ${Math.min(left.nEffective, right.nEffective)} observations within the bandwidth on one side of the cutoff: the density test has little power there.`,
      ),
    );
}
