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
      diagnostic(
        "D_SDID_WEIGHTS_MAX_ITER",
        "info",
        {
          estimators: capped,
          maxIter: fits[headline].options.maxIter,
          omegaIterations: fits[headline].iterations.omega,
          lambdaIterations: fits[headline].iterations.lambda,
        },
        `The weight solver for ${capped.join(", ")} stopped at its iteration cap (${fits[headline].options.maxIter}) before its decrease rule; R synthdid stops at the same cap with the same settings, so the weights are what synthdid reports.`,
      ),
    );
  }
  if (se && se.se === null) {
    const why =
      se.unavailable === "single-treated"
        ? "it is undefined with a single treated unit (use the placebo method)"
        : se.unavailable === "too-few-controls"
          ? "the placebo method needs more control units than treated units"
          : "only one control unit carries weight, so leaving units out is degenerate";
    out.push(
      diagnostic(
        "D_SDID_SE_UNAVAILABLE",
        "warn",
        { method: se.method, reason: se.unavailable },
        `No ${se.method} standard error: ${why}. The estimate is reported without a confidence interval.`,
      ),
    );
  }
  const tau = fits[headline].estimate;
  const ratio = tau === 0 ? null : preRmse / Math.abs(tau);
  out.push(
    diagnostic(
      "D_SDID_PRE_FIT",
      ratio !== null && ratio <= 0.5 ? "pass" : "warn",
      { preRmse, estimate: tau, ratio },
      ratio !== null && ratio <= 0.5
        ? `Before the change the synthetic comparison tracks the treated units to within ${abs(preRmse)} (root mean square, after the level shift), small next to the estimated effect of ${fmt(tau)}.`
        : `Before the change the synthetic comparison misses the treated units by ${abs(preRmse)} on average (root mean square, after the level shift), which is not small next to the estimated effect of ${fmt(tau)}: treat the estimate with caution.`,
    ),
  );
  out.push(
    diagnostic(
      "D_SDID_ESTIMATORS",
      "info",
      { sdid: fits.sdid.estimate, sc: fits.sc.estimate, did: fits.did.estimate },
      `Synthetic DiD ${fmt(fits.sdid.estimate)}, synthetic control ${fmt(fits.sc.estimate)}, plain DiD ${fmt(fits.did.estimate)}: plain DiD weights every donor and pre-period equally and is shown for contrast only.`,
    ),
  );
  return out;
}

function abs(x: number): string {
  return fmt(x).slice(1);
}

function fmt(x: number): string {
  const a = Math.abs(x);
  const digits = a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return `${x >= 0 ? "+" : "−"}${a.toFixed(digits)}`;
}
