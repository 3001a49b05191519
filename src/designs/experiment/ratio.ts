import { TrueliftError } from "../../core/errors.js";
import { waldTerm } from "./term.js";
import type { MeanContrast } from "./welch.js";

/** One arm's randomization units for a ratio metric: count, means, variances (n − 1) and covariance of the
 * per-unit numerator and denominator totals. */
export interface RatioArm {
  readonly units: number;
  readonly meanNum: number;
  readonly meanDen: number;
  readonly varNum: number;
  readonly varDen: number;
  readonly covNumDen: number;
}

/**
 * The ratio Σnumerator / Σdenominator of an arm and the delta-method variance of it at the randomization unit
 * (Deng, Knoblich & Lu 2018): with per-unit totals N_i, D_i over n units and R = N̄ / D̄,
 * Var(R) ≈ (s_N² − 2R s_ND + R² s_D²) / (n D̄²) — exact from the per-unit sums (n, ΣN, ΣD, ΣN², ΣD², ΣND).
 * Throws `E_EXPERIMENT_ZERO_DENOMINATOR` when the arm's denominator total is 0.
 *
 * @example
 * ```ts
 * import { ratioOfMeans } from "truelift/designs/experiment";
 * ratioOfMeans({ units: 100, meanNum: 2, meanDen: 4, varNum: 1, varDen: 2, covNumDen: 0.5 }, "A", "tasks/sessions");
 * // { ratio: 0.5, variance: 0.000375 }
 * ```
 * @see Deng, Knoblich & Lu (2018), "Applying the delta method in metric analytics: a practical guide with novel
 *   ideas", KDD.
 */
export function ratioOfMeans(
  arm: RatioArm,
  name: string,
  metric: string,
): { ratio: number; variance: number } {
  if (arm.meanDen === 0) {
    throw new TrueliftError(
      "E_EXPERIMENT_ZERO_DENOMINATOR",
      `The denominator of '${metric}' sums to 0 in arm '${name}': the ratio is undefined there.`,
      { details: { arm: name, metric } },
    );
  }
  const r = arm.meanNum / arm.meanDen;
  const v =
    (arm.varNum - 2 * r * arm.covNumDen + r * r * arm.varDen) / (arm.units * arm.meanDen * arm.meanDen);
  return { ratio: r, variance: Math.max(v, 0) };
}

/**
 * Variant − control difference of two independent arms' ratios, with the delta-method SE and normal inference,
 * and the pieces the relative lift needs.
 *
 * @example
 * ```ts
 * import { ratioContrast } from "truelift/designs/experiment";
 * ratioContrast({ ratio: 0.5, variance: 1e-4 }, { ratio: 0.55, variance: 1e-4 }, 0.05).difference.estimate; // 0.05
 * ```
 * @see Deng, Knoblich & Lu (2018), KDD.
 */
export function ratioContrast(
  control: { readonly ratio: number; readonly variance: number },
  variant: { readonly ratio: number; readonly variance: number },
  alpha: number,
): MeanContrast {
  return {
    difference: waldTerm(
      "difference",
      variant.ratio - control.ratio,
      Math.sqrt(control.variance + variant.variance),
      null,
      alpha,
    ),
    controlMean: control.ratio,
    variantMean: variant.ratio,
    varControl: control.variance,
    varVariant: variant.variance,
    cov: 0,
  };
}
