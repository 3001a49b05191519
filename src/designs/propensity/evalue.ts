import type { Term } from "../../core/result.js";

/**
 * The E-value of a risk ratio: the minimum strength of association (on the risk-ratio scale) that an unmeasured
 * confounder would need with both the treatment and the outcome, beyond the measured covariates, to explain the
 * observed ratio away: RR + √(RR(RR − 1)) for RR ≥ 1, and the same of 1/RR below 1.
 *
 * @example
 * ```ts
 * import { eValue } from "truelift";
 * eValue(3.9); // 7.26…
 * eValue(1);   // 1
 * ```
 * @see VanderWeele & Ding (2017), "Sensitivity analysis in observational research: introducing the E-value",
 *   Annals of Internal Medicine 167, 268–274.
 */
export function eValue(rr: number): number {
  const r = rr >= 1 ? rr : 1 / rr;
  return r + Math.sqrt(r * (r - 1));
}

/** The E-value of an estimate and of its confidence limit closest to the null. */
export interface EValueResult {
  /** `risk` — a 0/1 outcome, RR = (μ₀ + effect)/μ₀; `smd` — other outcomes, RR ≈ exp(0.91 · effect / SD(y)). */
  readonly scale: "risk" | "smd";
  readonly riskRatio: number;
  readonly riskRatioCi: readonly [number, number] | null;
  /** E-value of the point estimate. */
  readonly point: number;
  /** E-value of the confidence limit closest to 1 (1 when the interval includes the null); null without a CI. */
  readonly ciBound: number | null;
}

/**
 * E-values for an additive effect estimate. For a 0/1 outcome the effect is turned into a risk ratio with the
 * estimated control-arm risk μ₀ (the interval limits likewise, holding μ₀ fixed); for other outcomes the
 * standardized difference d = effect / SD(y) is turned into RR ≈ exp(0.91 d) (VanderWeele & Ding's conversion
 * for continuous outcomes).
 *
 * @example
 * ```ts
 * import { eValueFor } from "truelift";
 * const e = eValueFor(result.estimate, { scale: "risk", baseline: 0.55 });
 * e.point;   // how strong a hidden confounder would need to be
 * e.ciBound; // the same for the confidence limit
 * ```
 * @see VanderWeele & Ding (2017), Annals of Internal Medicine 167, 268–274, Table (risk differences and
 *   standardized mean differences).
 */
export function eValueFor(
  estimate: Term,
  conversion:
    | { readonly scale: "risk"; readonly baseline: number }
    | { readonly scale: "smd"; readonly sd: number },
): EValueResult | null {
  const toRr = (effect: number): number =>
    conversion.scale === "risk"
      ? (conversion.baseline + effect) / conversion.baseline
      : Math.exp((0.91 * effect) / conversion.sd);
  const bad = conversion.scale === "risk" ? !(conversion.baseline > 0) : !(conversion.sd > 0);
  if (bad) return null;
  const rr = toRr(estimate.estimate);
  if (!(rr > 0) || !Number.isFinite(rr)) return null;
  let riskRatioCi: [number, number] | null = null;
  let ciBound: number | null = null;
  if (estimate.ci) {
    const lo = toRr(estimate.ci[0]);
    const hi = toRr(estimate.ci[1]);
    riskRatioCi = [lo, hi];
    if (lo <= 1 && hi >= 1) ciBound = 1;
    else {
      const near = rr >= 1 ? lo : hi;
      ciBound = near > 0 && Number.isFinite(near) ? eValue(near) : null;
    }
  }
  return { scale: conversion.scale, riskRatio: rr, riskRatioCi, point: eValue(rr), ciBound };
}
