import { TrueliftError } from "../../core/errors.js";
import type { Term } from "../../core/result.js";
import { waldTerm } from "./term.js";

/** One arm's size, mean and Σ(y − ȳ)² of a metric (possibly CUPED-adjusted). */
export interface ArmSummary {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
}

/** A difference of two arm means with its inference, and what the relative lift needs. */
export interface MeanContrast {
  readonly difference: Term;
  readonly controlMean: number;
  readonly variantMean: number;
  readonly varControl: number;
  readonly varVariant: number;
  /** Covariance of the two arms' mean estimates (0 for independent arms). */
  readonly cov: number;
}

/**
 * Throws `E_EXPERIMENT_SMALL_ARM` when an arm has fewer than two units (its variance is undefined).
 *
 * @example
 * ```ts
 * import { requireUnits } from "truelift/designs/experiment";
 * requireUnits(1, "B", "task_completed", "rows"); // throws E_EXPERIMENT_SMALL_ARM
 * ```
 */
export function requireUnits(n: number, arm: string, metric: string, unit: string): void {
  if (n < 2) {
    throw new TrueliftError(
      "E_EXPERIMENT_SMALL_ARM",
      `Arm '${arm}' has ${n} ${unit} for '${metric}': a variance needs at least two.`,
      { details: { arm, metric, n } },
    );
  }
}

/**
 * Welch's unequal-variance two-sample t test of variant − control from the arms' sufficient statistics: SE
 * √(s_v²/n_v + s_c²/n_c) and Welch–Satterthwaite df (v_v + v_c)² / (v_v²/(n_v − 1) + v_c²/(n_c − 1)), as scipy
 * `ttest_ind(equal_var=False)`.
 *
 * @example
 * ```ts
 * import { welchContrast } from "truelift/designs/experiment";
 * welchContrast({ n: 100, mean: 0.5, m2: 24.75 }, { n: 100, mean: 0.6, m2: 23.76 }, 0.05).difference.df; // ≈ 197.9
 * ```
 * @see Welch (1947), Biometrika 34; Satterthwaite (1946), Biometrics Bulletin 2.
 */
export function welchContrast(control: ArmSummary, variant: ArmSummary, alpha: number): MeanContrast {
  const vc = control.m2 / (control.n - 1) / control.n;
  const vv = variant.m2 / (variant.n - 1) / variant.n;
  const df = (vc + vv) ** 2 / (vv ** 2 / (variant.n - 1) + vc ** 2 / (control.n - 1));
  const se = Math.sqrt(vc + vv);
  return {
    difference: waldTerm(
      "difference",
      variant.mean - control.mean,
      se,
      Number.isFinite(df) ? df : null,
      alpha,
    ),
    controlMean: control.mean,
    variantMean: variant.mean,
    varControl: vc,
    varVariant: vv,
    cov: 0,
  };
}
