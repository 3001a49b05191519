import type { DeepReadonly, Term } from "../../core/result.js";
import { coefficientChart } from "../shared/charts/coefficient-chart.js";
import type { ChartSpec } from "../shared/charts/types.js";
import type { PropensityResult } from "./propensity.js";

/**
 * The propensity section's chart (the design returns none): the naive difference next to IPW, regression
 * adjustment and AIPW for the result's estimand, each with its confidence interval, so a reader sees how far
 * adjustment moves the answer and whether the estimators agree.
 *
 * @example
 * ```ts
 * import { propensity, propensityEstimatesChart } from "truelift";
 * const spec = propensityEstimatesChart(propensity(frame, spec));
 * ```
 */
export function propensityEstimatesChart(res: DeepReadonly<PropensityResult>): ChartSpec {
  const key = res.estimand === "ATT" ? "att" : "ate";
  const row = (position: string, t: Term) => ({
    position,
    estimate: t.estimate,
    ciLow: t.ci?.[0] ?? null,
    ciHigh: t.ci?.[1] ?? null,
  });
  const level = Math.round((1 - res.alpha) * 100);
  return coefficientChart(
    [
      row("Naive difference", res.naive.difference),
      row("IPW", res.ipw[key]),
      row("Regression adjustment", res.doublyRobust.ra[key]),
      row("AIPW (doubly robust)", res.doublyRobust.aipw[key]),
    ],
    {
      title: `Effect of ${res.treatment} on ${res.outcome}: naive vs adjusted (${res.estimand})`,
      subtitle: `Points: estimates; bars: ${level}% confidence intervals`,
      positionTitle: "Estimator",
      estimateTitle: `Effect on ${res.outcome}`,
      orientation: "horizontal",
      zeroRule: true,
    },
  );
}
