import { TrueliftError } from "../../core/errors.js";

/**
 * The smallest spread of the running variable on a side of the cutoff, relative to max(1, |cutoff|), that the
 * local polynomial fit accepts: below it the powers (x − c)^j of the bias-correction fit (up to degree 2(q + 1))
 * underflow or cancel, the Gram matrix is numerically singular without failing its Cholesky test, and the
 * estimate comes out NaN.
 *
 * @example
 * ```ts
 * import { RDD_RUNNING_SPREAD_TOL } from "./scale.js"; // internal to the rdd design
 * RDD_RUNNING_SPREAD_TOL; // 1e-10
 * ```
 */
export const RDD_RUNNING_SPREAD_TOL = 1e-10;

/** Relative (to the largest |y| on the side) and absolute floors on the outcome's range on a side of the cutoff. */
const OUTCOME_RELATIVE_TOL = 1e-14;
const OUTCOME_ABSOLUTE_TOL = 1e-100;

/**
 * Refuses running and outcome values whose scale makes the local polynomial fit degenerate in floating point,
 * with `E_RDD_DEGENERATE_SCALE` and a rescaling hint, instead of a NaN estimate: on each side of the cutoff the
 * running variable must reach at least {@link RDD_RUNNING_SPREAD_TOL} · max(1, |c|) from the cutoff, and the
 * outcome's range must exceed 10⁻¹⁴ of its largest magnitude and 10⁻¹⁰⁰ (else its squares underflow to a zero
 * variance). `x` is sorted; `left`/`right` hold each side's outcomes. rdrobust has no such guard (its fit
 * returns NaN or garbage there); the estimate is scale-equivariant, so rescaling loses nothing.
 *
 * @example
 * ```ts
 * import { checkRddScale } from "./scale.js"; // internal to the rdd design
 * checkRddScale(Float64Array.of(-7e-30, 0, 3e-43), 0, [Float64Array.of(1, 2), Float64Array.of(3, 4)], "x", "y");
 * // throws E_RDD_DEGENERATE_SCALE: the running variable spans 3e-43 above the cutoff
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), "Robust nonparametric confidence intervals for regression-
 *   discontinuity designs", Econometrica 82(6) (the local polynomial and bias-correction fits guarded here).
 */
export function checkRddScale(
  x: Float64Array,
  cutoff: number,
  sides: readonly [Float64Array, Float64Array],
  running: string,
  outcome: string,
): void {
  const tol = RDD_RUNNING_SPREAD_TOL * Math.max(1, Math.abs(cutoff));
  const below = cutoff - x[0];
  const above = x[x.length - 1] - cutoff;
  for (const [side, spread] of [
    ["below", below],
    ["at or above", above],
  ] as const) {
    if (!(spread >= tol)) {
      throw new TrueliftError(
        "E_RDD_DEGENERATE_SCALE",
        `The running variable '${running}' reaches only ${spread} from the cutoff ${cutoff} ${side} it (less than ${tol}): at that scale the local polynomial's powers underflow and the fit is numerically singular.`,
        { details: { column: running, side: side === "below" ? "left" : "right", spread, tolerance: tol } },
      );
    }
  }
  for (const [i, v] of sides.entries()) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const y of v) {
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    const range = hi - lo;
    const size = Math.max(Math.abs(lo), Math.abs(hi));
    if (range > 0 && !(range > OUTCOME_RELATIVE_TOL * size && range > OUTCOME_ABSOLUTE_TOL)) {
      throw new TrueliftError(
        "E_RDD_DEGENERATE_SCALE",
        `Outcome '${outcome}' varies by only ${range} ${i === 0 ? "below" : "at or above"} the cutoff (values up to ${size} in magnitude): a difference that small is lost to rounding in the fit's variances.`,
        { details: { column: outcome, side: i === 0 ? "left" : "right", range, magnitude: size } },
      );
    }
  }
}
