import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { SynthInSpacePlacebo, SynthInTimePlacebo, SynthLeaveOneOut } from "./placebo.js";
import type { SynthFit } from "./weights.js";

/**
 * Weight shares above which one donor dominates (warn) or is essentially the whole control (fail).
 *
 * @example
 * ```ts
 * import { SYNTH_WEIGHT_LIMITS } from "truelift";
 * SYNTH_WEIGHT_LIMITS.warn; // 0.5
 * ```
 */
export const SYNTH_WEIGHT_LIMITS = { warn: 0.5, fail: 0.8 } as const;

/**
 * Whether the treated series lies within the donors' range in each pre-period: a convex combination of donors
 * can never go above the highest or below the lowest donor, so a treated unit outside that envelope cannot be
 * matched (Abadie 2021, §5: interpolation, not extrapolation). Fail when it is outside on the same side in every
 * pre-period, warn when outside in a quarter of them or more.
 *
 * @example
 * ```ts
 * import { convexHullDiagnostic } from "truelift";
 * convexHullDiagnostic(panel.treated, panel.donors, 25, 20).severity; // "pass"
 * ```
 * @see Abadie (2021), "Using synthetic controls: feasibility, data requirements, and methodological aspects", JEL 59.
 */
export function convexHullDiagnostic(
  treated: Float64Array,
  donors: Float64Array,
  nDonors: number,
  preCount: number,
): Diagnostic {
  let above = 0;
  let below = 0;
  for (let t = 0; t < preCount; t++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < nDonors; j++) {
      const d = donors[t * nDonors + j];
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (treated[t] > hi) above++;
    else if (treated[t] < lo) below++;
  }
  const outside = above + below;
  const severity =
    above === preCount || below === preCount ? "fail" : outside >= preCount / 4 ? "warn" : "pass";
  return diagnostic("D_SYNTH_CONVEX_HULL", severity, { periodsAbove: above, periodsBelow: below, preCount });
}

/**
 * Warns when one donor carries more than half of the weight (fail above 80 %): the synthetic control is then
 * essentially that donor, and any shock to it moves the estimate one for one.
 *
 * @example
 * ```ts
 * import { weightConcentrationDiagnostic } from "truelift";
 * weightConcentrationDiagnostic(fit.weights, donorUnits).evidence.maxWeight; // 0.2016
 * ```
 */
export function weightConcentrationDiagnostic(
  weights: Float64Array,
  donorUnits: readonly string[],
): Diagnostic {
  let best = 0;
  for (let j = 1; j < weights.length; j++) if (weights[j] > weights[best]) best = j;
  const w = weights[best];
  let hhi = 0;
  for (const x of weights) hhi += x * x;
  const severity = w > SYNTH_WEIGHT_LIMITS.fail ? "fail" : w > SYNTH_WEIGHT_LIMITS.warn ? "warn" : "pass";
  return diagnostic("D_SYNTH_WEIGHT_CONCENTRATION", severity, {
    maxWeight: w,
    donor: donorUnits[best],
    effectiveDonors: 1 / hhi,
  });
}

/**
 * Warns when the donor pool is about as large as the pre-period (J ≥ 0.8·T0): with that many free weights the
 * fit can track noise, and a good pre-fit no longer guarantees a good counterfactual.
 *
 * @example
 * ```ts
 * import { overfitDiagnostic } from "truelift";
 * overfitDiagnostic(25, 20).severity; // "warn"
 * ```
 * @see Abadie, Diamond & Hainmueller (2015), AJPS 59; Abadie (2021), JEL 59, §6 (bias bound grows with J / T0).
 */
export function overfitDiagnostic(nDonors: number, preCount: number): Diagnostic {
  const ratio = nDonors / preCount;
  const severity = ratio >= 0.8 ? "warn" : "pass";
  return diagnostic("D_SYNTH_OVERFIT", severity, { donors: nDonors, preCount, ratio });
}

/**
 * Pre-period fit against the effect: fail when the pre-RMSPE exceeds the absolute effect, warn above half of it.
 *
 * @example
 * ```ts
 * import { preFitDiagnostic } from "truelift";
 * preFitDiagnostic(fit).evidence.ratio; // 0.45
 * ```
 */
export function preFitDiagnostic(fit: SynthFit): Diagnostic {
  const effect = Math.abs(fit.meanGap);
  const ratio = effect > 0 ? fit.preRmspe / effect : null;
  const severity = ratio === null || ratio > 1 ? "fail" : ratio > 0.5 ? "warn" : "pass";
  return diagnostic("D_SYNTH_PRE_FIT", severity, { preRmspe: fit.preRmspe, meanGap: fit.meanGap, ratio });
}

/**
 * Flags donors whose level shifts after the treatment date far more than the other donors' (robust z-score of
 * the post − pre mean change above 3, using the median and MAD of all donors' changes): an unrelated shock to a
 * donor contaminates the counterfactual when that donor has weight.
 *
 * @example
 * ```ts
 * import { donorBreakDiagnostic } from "truelift";
 * donorBreakDiagnostic(panel.donors, 25, 20, fit.weights, donorUnits, 0.001).severity;
 * ```
 */
export function donorBreakDiagnostic(
  donors: Float64Array,
  nDonors: number,
  preCount: number,
  weights: Float64Array,
  donorUnits: readonly string[],
  threshold: number,
): Diagnostic {
  const nPeriods = donors.length / nDonors;
  const change = new Float64Array(nDonors);
  for (let j = 0; j < nDonors; j++) {
    let pre = 0;
    let post = 0;
    for (let t = 0; t < nPeriods; t++) {
      if (t < preCount) pre += donors[t * nDonors + j];
      else post += donors[t * nDonors + j];
    }
    change[j] = post / (nPeriods - preCount) - pre / preCount;
  }
  const med = median(Array.from(change));
  const mad = 1.4826 * median(Array.from(change, (c) => Math.abs(c - med)));
  const flagged: string[] = [];
  const weighted: string[] = [];
  const z: number[] = [];
  for (let j = 0; j < nDonors; j++) {
    const zj = mad > 0 ? (change[j] - med) / mad : 0;
    if (Math.abs(zj) > 3) {
      flagged.push(donorUnits[j]);
      z.push(zj);
      if (weights[j] > threshold) weighted.push(donorUnits[j]);
    }
  }
  const severity = weighted.length > 0 ? "warn" : flagged.length > 0 ? "info" : "pass";
  return diagnostic("D_SYNTH_DONOR_BREAK", severity, {
    flagged,
    withWeight: weighted,
    robustZ: z,
    medianChange: med,
  });
}

/**
 * The placebo-inference summary: the pseudo p-values of both statistics with their floor 1/(J + 1); warns when
 * the floor itself is above α (too few donors for the test to ever reject).
 *
 * @example
 * ```ts
 * import { placeboDiagnostic } from "truelift";
 * placeboDiagnostic(placebos, 0.05).message;
 * ```
 */
export function placeboDiagnostic(pl: SynthInSpacePlacebo, alpha: number): Diagnostic {
  const p = pl.meanGapTest.pValue as number;
  const pr = pl.ratioTest.pValue;
  const floor = pl.meanGapTest.floor;
  const tooFew = floor > alpha;
  const dropped = pl.units.length - pl.kept;
  return diagnostic(
    "D_SYNTH_PLACEBO",
    tooFew ? "warn" : "info",
    {
      pValueMeanGap: p,
      pValueRatio: pr,
      floor,
      placebos: pl.kept,
      excluded: dropped,
      asExtreme: pl.meanGapTest.asExtreme,
    },
    { alpha },
  );
}

/**
 * The in-time placebo verdict: warn when the fake-date gap is at least half the estimated effect.
 *
 * @example
 * ```ts
 * import { inTimePlaceboDiagnostic } from "truelift";
 * inTimePlaceboDiagnostic(inTime, fit.meanGap, "signup_week").severity;
 * ```
 */
export function inTimePlaceboDiagnostic(p: SynthInTimePlacebo, effect: number, timeName: string): Diagnostic {
  const rel = effect !== 0 ? Math.abs(p.meanGap) / Math.abs(effect) : null;
  const severity = rel === null || rel >= 0.5 ? "warn" : "pass";
  return diagnostic(
    "D_SYNTH_IN_TIME_PLACEBO",
    severity,
    { fakeStart: p.fakeStart, meanGap: p.meanGap, preRmspe: p.preRmspe, relativeToEffect: rel },
    { time: timeName, effect },
  );
}

/**
 * The leave-one-out verdict: warn when dropping one donor flips the sign or moves the estimate by more than half.
 *
 * @example
 * ```ts
 * import { leaveOneOutDiagnostic } from "truelift";
 * leaveOneOutDiagnostic(loo, fit.meanGap).evidence.min; // +0.0739
 * ```
 */
export function leaveOneOutDiagnostic(loo: SynthLeaveOneOut, effect: number): Diagnostic {
  if (loo.gapRange === null) {
    return diagnostic("D_SYNTH_LEAVE_ONE_OUT", "info", { fits: 0 });
  }
  const [lo, hi] = loo.gapRange;
  const flips = Math.sign(lo) !== Math.sign(effect) || Math.sign(hi) !== Math.sign(effect);
  const moves = Math.max(Math.abs(lo - effect), Math.abs(hi - effect)) > 0.5 * Math.abs(effect);
  const severity = flips || moves ? "warn" : "pass";
  return diagnostic("D_SYNTH_LEAVE_ONE_OUT", severity, {
    fits: loo.fits.length,
    min: lo,
    max: hi,
    estimate: effect,
  });
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
