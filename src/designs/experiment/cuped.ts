import type { ArmSummary } from "./welch.js";

/** The pooled moments of a metric y and its pre-period covariate x (over every row of every arm). */
export interface CupedMoments {
  readonly n: number;
  readonly meanY: number;
  readonly meanX: number;
  readonly m2Y: number;
  readonly m2X: number;
  readonly cpXY: number;
}

/**
 * CUPED's θ = cov(y, x) / var(x) over all rows of all arms pooled (Deng et al. 2013): one θ for every arm, so
 * the adjustment y − θ (x − x̄) changes each arm's mean by a quantity of mean zero under randomization. Null
 * when x is constant (nothing to adjust with).
 *
 * @example
 * ```ts
 * import { cupedTheta } from "truelift/designs/experiment";
 * cupedTheta({ n: 10, meanY: 1, meanX: 2, m2Y: 5, m2X: 4, cpXY: 2 }); // 0.5
 * ```
 * @see Deng, Xu, Kohavi & Walker (2013), "Improving the sensitivity of online controlled experiments by utilizing
 *   pre-experiment data", WSDM.
 */
export function cupedTheta(m: CupedMoments): number | null {
  return m.m2X > 0 ? m.cpXY / m.m2X : null;
}

/**
 * One arm's summary of the CUPED-adjusted metric y − θ (x − x̄_pooled): mean ȳ − θ (x̄_arm − x̄_pooled) and
 * Σ(adj − adj̄)² = M2_y − 2θ C_xy + θ² M2_x, exactly from the arm's moments.
 *
 * @example
 * ```ts
 * import { cupedArm } from "truelift/designs/experiment";
 * cupedArm({ n: 5, meanY: 1, meanX: 3, m2Y: 4, m2X: 2, cpXY: 1 }, 0.5, 2).mean; // 0.5
 * ```
 * @see Deng et al. (2013), WSDM.
 */
export function cupedArm(arm: CupedMoments, theta: number, pooledMeanX: number): ArmSummary {
  return {
    n: arm.n,
    mean: arm.meanY - theta * (arm.meanX - pooledMeanX),
    m2: Math.max(0, arm.m2Y - 2 * theta * arm.cpXY + theta * theta * arm.m2X),
  };
}
