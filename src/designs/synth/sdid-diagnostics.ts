import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { SdidEstimator, SdidFit } from "./sdid-estimate.js";
import type { SdidSe } from "./sdid-se.js";

/**
 * Pre-period fit of a synthdid-family fit: the treated-minus-synthetic gap after removing its λ-weighted
 * pre-period level (the intercept SDID allows), as a root mean square over the pre-periods.
 *
 * @example
 * ```ts
 * import { sdidPreFitRmse } from "truelift";
 * sdidPreFitRmse([1, 1, 1], [1 / 3, 1 / 3, 1 / 3]); // 0: a constant gap is absorbed by the intercept
 * ```
 */
export function sdidPreFitRmse(
  preGap: readonly number[],
  lambda: ArrayLike<number>,
  intercept = true,
): number {
  let level = 0;
  if (intercept) {
    let lsum = 0;
    for (let s = 0; s < preGap.length; s++) lsum += lambda[s];
    if (lsum > 0) {
      for (let s = 0; s < preGap.length; s++) level += lambda[s] * preGap[s];
      level /= lsum;
    } else {
      level = preGap.reduce((a, b) => a + b, 0) / preGap.length;
    }
  }
  let ss = 0;
  for (const g of preGap) ss += (g - level) ** 2;
  return Math.sqrt(ss / preGap.length);
}

/**
 * Diagnostics of {@link sdid}: solver stops, SE availability, pre-fit, and the estimator contrast.
 *
 * @example
 * ```ts
 * import { sdidDiagnostics, synthdidEstimate } from "truelift";
 * const fits = { sdid: synthdidEstimate(panel), sc: synthdidEstimate(panel, "sc"), did: synthdidEstimate(panel, "did") };
 * sdidDiagnostics("sdid", fits, null, 1.8).map((d) => d.code); // ["D_SDID_WEIGHTS_MAX_ITER", "D_SDID_PRE_FIT", …]
 * ```
 */
export function sdidDiagnostics(
  headline: SdidEstimator,
  fits: Readonly<Record<SdidEstimator, SdidFit>>,
  se: SdidSe | null,
  preRmse: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const capped = (Object.keys(fits) as SdidEstimator[]).filter((k) => fits[k].hitMaxIter);
  if (capped.length > 0) {
    out.push(
      diagnostic("D_SDID_WEIGHTS_MAX_ITER", "info", {
        estimators: capped,
        maxIter: fits[headline].options.maxIter,
        omegaIterations: fits[headline].iterations.omega,
        lambdaIterations: fits[headline].iterations.lambda,
      }),
    );
  }
  if (se && se.se === null) {
    out.push(diagnostic("D_SDID_SE_UNAVAILABLE", "warn", { method: se.method, reason: se.unavailable }));
  }
  const tau = fits[headline].estimate;
  const ratio = tau === 0 ? null : preRmse / Math.abs(tau);
  out.push(
    diagnostic("D_SDID_PRE_FIT", ratio !== null && ratio <= 0.5 ? "pass" : "warn", {
      preRmse,
      estimate: tau,
      ratio,
    }),
  );
  out.push(
    diagnostic("D_SDID_ESTIMATORS", "info", {
      sdid: fits.sdid.estimate,
      sc: fits.sc.estimate,
      did: fits.did.estimate,
    }),
  );
  return out;
}
