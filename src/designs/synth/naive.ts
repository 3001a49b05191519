import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { SynthPanel } from "./panel.js";

/**
 * What naive analyses of the same panel would report, for contrast with the synthetic control: the treated
 * series' before/after change, the post-period difference from the plain donor average, and the DiD against the
 * plain donor average (equal weights instead of fitted ones). Means over periods of the filled panel.
 */
export interface SynthNaive {
  readonly beforeAfter: number;
  readonly postDifference: number;
  readonly didVsDonorMean: number;
}

/**
 * Naive contrasts on the filled panel (see {@link SynthNaive}).
 *
 * @example
 * ```ts
 * import { synthNaive } from "truelift";
 * synthNaive(panel).beforeAfter; // the treated series' post − pre mean
 * ```
 */
export function synthNaive(panel: SynthPanel): SynthNaive {
  const T = panel.periods.length;
  const T0 = panel.preCount;
  const J = panel.nDonors;
  let tPre = 0;
  let tPost = 0;
  let dPre = 0;
  let dPost = 0;
  for (let t = 0; t < T; t++) {
    let d = 0;
    for (let j = 0; j < J; j++) d += panel.donors[t * J + j];
    d /= J;
    if (t < T0) {
      tPre += panel.treated[t];
      dPre += d;
    } else {
      tPost += panel.treated[t];
      dPost += d;
    }
  }
  tPre /= T0;
  dPre /= T0;
  tPost /= T - T0;
  dPost /= T - T0;
  return {
    beforeAfter: tPost - tPre,
    postDifference: tPost - dPost,
    didVsDonorMean: tPost - tPre - (dPost - dPre),
  };
}

/**
 * The naive contrasts as an info diagnostic, next to the synthetic-control estimate.
 *
 * @example
 * ```ts
 * import { naiveDiagnostic } from "truelift";
 * naiveDiagnostic(synthNaive(panel), fit.meanGap).message;
 * ```
 */
export function naiveDiagnostic(naive: SynthNaive, effect: number): Diagnostic {
  return diagnostic("D_SYNTH_NAIVE", "info", { ...naive, effect });
}
