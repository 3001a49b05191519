import type { DiagnosticContext } from "./template.js";

const signed = (x: number, digits = 4): string => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(digits);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
/** Signed, with 1, 2 or 4 decimals by magnitude (the synthetic-DiD messages). */
const signedAdaptive = (x: number): string => {
  const a = Math.abs(x);
  const digits = a >= 100 ? 1 : a >= 1 ? 2 : 4;
  return `${x >= 0 ? "+" : "−"}${a.toFixed(digits)}`;
};
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** The evidence of the in-time placebo verdict (`D_SYNTH_IN_TIME_PLACEBO` when the placebo ran). */
type InTimeEvidence = {
  fakeStart: number;
  meanGap: number;
  preRmspe: number;
  relativeToEffect: number | null;
};

/**
 * Message templates of the synthetic-control diagnostics (classic, synthetic DiD, augmented SC, conformal
 * inference), keyed by code: each writes the message a reader sees from the evidence (and, for a few codes,
 * display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * SYNTH_MESSAGES.D_SYNTH_LEAVE_ONE_OUT({ fits: 0 }, { severity: "info", summary: "" });
 * // "No donor could be left out."
 * ```
 */
export const SYNTH_MESSAGES = {
  D_SYNTH_FILLED_CELLS: (e: {
    filled: number;
    cells: number;
    treatedFilled: number;
    donorFilled: number;
    units: readonly string[];
  }): string =>
    e.filled === 0
      ? `Every one of the ${e.cells} unit × period cells has data; nothing was interpolated.`
      : `${e.filled} of ${e.cells} unit × period cells (${(100 * (e.filled / e.cells)).toFixed(1)}%) had no rows and were filled by linear interpolation or from the nearest observed period (${e.treatedFilled} in treated units, ${e.donorFilled} in donors).`,
  D_SYNTH_CONVEX_HULL: (
    e: { periodsAbove: number; periodsBelow: number; preCount: number },
    c: DiagnosticContext,
  ): string => {
    const { periodsAbove: above, periodsBelow: below, preCount } = e;
    const outside = above + below;
    const side = above >= below ? "above the highest" : "below the lowest";
    return c.severity === "fail"
      ? `In every one of the ${preCount} pre-periods the treated unit is ${side} donor: no weighted average of donors can reproduce it, so the synthetic control is biased toward the donors. Add donors that resemble the treated unit, or use augmented synthetic control or synthetic DiD (which allow a level shift).`
      : c.severity === "warn"
        ? `The treated unit is outside the donors' range in ${outside} of ${preCount} pre-periods (${above} above, ${below} below): the fit has to extrapolate there; check the pre-period fit and consider augmented synthetic control.`
        : outside === 0
          ? `The treated unit lies within the donors' range in all ${preCount} pre-periods.`
          : `The treated unit lies within the donors' range in ${preCount - outside} of ${preCount} pre-periods.`;
  },
  D_SYNTH_WEIGHT_CONCENTRATION: (
    e: { maxWeight: number; donor: string; effectiveDonors: number },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `The largest weight is ${pct(e.maxWeight)} (donor ${e.donor}); the weights are spread over about ${e.effectiveDonors.toFixed(1)} effective donors.`
      : `Donor ${e.donor} carries ${pct(e.maxWeight)} of the weight: the counterfactual is essentially one unit, so anything that happened to it after the launch shows up in the estimate. Check the leave-one-out results.`,
  D_SYNTH_OVERFIT: (e: { donors: number; preCount: number; ratio: number }, c: DiagnosticContext): string =>
    c.severity === "warn"
      ? `${e.donors} donors for ${e.preCount} pre-periods: with ${e.ratio >= 1 ? "more donors than" : "nearly as many donors as"} periods the weights can fit noise. Prefer a smaller pool of similar donors, and rely on the in-time placebo and leave-one-out checks.`
      : `${e.donors} donors for ${e.preCount} pre-periods: enough pre-periods to pin the weights down.`,
  D_SYNTH_PRE_FIT: (
    e: { preRmspe: number; meanGap: number; ratio: number | null },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `The synthetic control tracks the treated unit before the launch to ${e.preRmspe.toFixed(4)} (RMSPE), well below the estimated effect of ${signed(e.meanGap)}.`
      : `The pre-launch fit is loose (RMSPE ${e.preRmspe.toFixed(4)}) compared with the effect of ${signed(e.meanGap)}: gaps of this size already occurred before the launch, so the estimate is ${c.severity === "fail" ? "not distinguishable from fit error" : "fragile"}.`,
  D_SYNTH_DONOR_BREAK: (
    e: {
      flagged: readonly string[];
      withWeight: readonly string[];
      robustZ: readonly number[];
      medianChange: number;
    },
    c: DiagnosticContext,
  ): string => {
    const weighted = e.withWeight;
    const flagged = e.flagged;
    return c.severity === "warn"
      ? `${weighted.join(", ")} ${plural(weighted.length, "shifts", "shift")} after the launch far more than the other donors (robust z ${e.robustZ.map((x) => x.toFixed(1)).join(", ")}) and ${plural(weighted.length, "carries", "carry")} weight: an unrelated shock there moves the counterfactual. Drop ${plural(weighted.length, "it", "them")} from the donor pool and compare.`
      : c.severity === "info"
        ? `${flagged.join(", ")} ${plural(flagged.length, "shifts", "shift")} after the launch far more than the other donors, but ${plural(flagged.length, "has", "have")} no weight in the synthetic control.`
        : "No donor shifts after the launch much more than the others.";
  },
  D_SYNTH_NAIVE: (e: {
    beforeAfter: number;
    postDifference: number;
    didVsDonorMean: number;
    effect: number;
  }): string =>
    `For contrast: the treated unit's before/after change is ${signed(e.beforeAfter)}, its post-launch difference from the plain donor average ${signed(e.postDifference)}, and the DiD against the plain donor average ${signed(e.didVsDonorMean)}; the synthetic control estimates ${signed(e.effect)}.`,
  D_SYNTH_PLACEBO: (
    e: {
      pValueMeanGap: number;
      pValueRatio: number | null;
      floor: number;
      placebos: number;
      excluded: number;
      asExtreme: number;
    },
    c: DiagnosticContext,
    d: { alpha: number },
  ): string =>
    `${e.asExtreme} of ${e.placebos} placebo donors show a mean gap as large as the treated unit's: pseudo p = ${e.pValueMeanGap.toFixed(4)} (the smallest possible with ${e.placebos} placebos is 1/${e.placebos + 1} = ${e.floor.toFixed(4)}); post/pre RMSPE ratio p = ${e.pValueRatio === null ? "n/a" : e.pValueRatio.toFixed(4)}.${e.excluded > 0 ? ` ${e.excluded} placebos with a poor pre-fit were excluded.` : ""}${c.severity === "warn" ? ` With so few donors no result can reach p ≤ ${d.alpha}.` : ""}`,
  D_SYNTH_IN_TIME_PLACEBO: (
    e: InTimeEvidence | { fakeStart: number },
    c: DiagnosticContext,
    d: { time: string; effect: number } | { time: string; skipped: string },
  ): string => {
    if ("skipped" in d || !("meanGap" in e))
      return `The in-time placebo at ${d.time} ${e.fakeStart} was skipped: ${"skipped" in d ? d.skipped : ""} Set inTimePlacebo.start later, or give the predictor explicit periods.`;
    const rel = e.relativeToEffect;
    return c.severity === "pass"
      ? `With a fake launch at ${d.time} ${e.fakeStart} the synthetic control keeps tracking the treated unit (mean gap ${signed(e.meanGap)} before the real launch, vs the effect ${signed(d.effect)}).`
      : `With a fake launch at ${d.time} ${e.fakeStart} a gap of ${signed(e.meanGap)} opens before anything happened — ${rel === null ? "as large as" : `${(100 * rel).toFixed(0)}% of`} the estimated effect: the synthetic control does not predict the treated unit out of sample.`;
  },
  D_SYNTH_LEAVE_ONE_OUT: (
    e: { fits: number } | { fits: number; min: number; max: number; estimate: number },
    c: DiagnosticContext,
  ): string => {
    if (!("min" in e)) return "No donor could be left out.";
    const { min: lo, max: hi, estimate: effect } = e;
    const flips = Math.sign(lo) !== Math.sign(effect) || Math.sign(hi) !== Math.sign(effect);
    return c.severity === "pass"
      ? `Leaving out each of the ${e.fits} used donors in turn keeps the effect between ${signed(lo)} and ${signed(hi)}.`
      : `Leaving out single donors moves the effect to between ${signed(lo)} and ${signed(hi)} (estimate ${signed(effect)})${flips ? ", even flipping its sign" : ""}: the result hinges on particular donors.`;
  },
  D_SYNTH_WEIGHTS_NOT_UNIQUE: (
    e:
      | { donors: number; preCount: number }
      | {
          donors: number;
          preCount: number;
          epsilon: number;
          lossV: number;
          lossVMin: number;
          lossVMax: number;
          unique: boolean;
        },
  ): string =>
    "lossVMin" in e
      ? `Several donor combinations match the predictors equally well (to within ${e.epsilon.toPrecision(1)} of the best fit) but track the pre-period very differently: their pre-period MSPE ranges from ${e.lossVMin.toPrecision(3)} to ${e.lossVMax.toPrecision(3)} (the weights shown: ${e.lossV.toPrecision(3)}). The predictors do not pin down the weights, so the estimate depends on which combination the solver picked; use fewer, more informative predictors or fit the pre-period outcomes directly.`
      : "Several donor combinations fit the pre-period equally well, so the weights shown are one of them (the estimate may depend on that choice); use fewer donors or more pre-periods.",
  D_SYNTH_V_SEARCH: (e: {
    starts: readonly string[];
    methods: readonly string[];
    lossV: readonly number[];
    convergence: readonly number[];
  }): string =>
    `V was chosen by Nelder–Mead and BFGS from ${e.starts.length} starts (${e.starts.map((start, i) => `${start}: ${e.methods[i]} MSPE ${e.lossV[i].toPrecision(6)}${e.convergence[i] === 0 ? "" : `, stopped with code ${e.convergence[i]}`}`).join("; ")}), keeping the lowest pre-period MSPE.`,
  D_SYNTH_EXTENSION_FAILED: (
    e: { part: string; code: string },
    _c: DiagnosticContext,
    d: { reason: string },
  ): string => `The ${e.part} estimate could not be computed on this panel (${e.code}): ${d.reason}`,
  D_SDID_WEIGHTS_MAX_ITER: (e: {
    estimators: readonly string[];
    maxIter: number;
    omegaIterations: number;
    lambdaIterations: number;
  }): string =>
    `The weight solver for ${e.estimators.join(", ")} stopped at its iteration cap (${e.maxIter}) before its decrease rule; R synthdid stops at the same cap with the same settings, so the weights are what synthdid reports.`,
  D_SDID_SE_UNAVAILABLE: (e: { method: string; reason: string | null }): string => {
    const why =
      e.reason === "single-treated"
        ? "it is undefined with a single treated unit (use the placebo method)"
        : e.reason === "too-few-controls"
          ? "the placebo method needs more control units than treated units"
          : "only one control unit carries weight, so leaving units out is degenerate";
    return `No ${e.method} standard error: ${why}. The estimate is reported without a confidence interval.`;
  },
  D_SDID_PRE_FIT: (
    e: { preRmse: number; estimate: number; ratio: number | null },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `Before the change the synthetic comparison tracks the treated units to within ${signedAdaptive(e.preRmse).slice(1)} (root mean square, after the level shift), small next to the estimated effect of ${signedAdaptive(e.estimate)}.`
      : `Before the change the synthetic comparison misses the treated units by ${signedAdaptive(e.preRmse).slice(1)} on average (root mean square, after the level shift), which is not small next to the estimated effect of ${signedAdaptive(e.estimate)}: treat the estimate with caution.`,
  D_SDID_ESTIMATORS: (e: { sdid: number; sc: number; did: number }): string =>
    `Synthetic DiD ${signedAdaptive(e.sdid)}, synthetic control ${signedAdaptive(e.sc)}, plain DiD ${signedAdaptive(e.did)}: plain DiD weights every donor and pre-period equally and is shown for contrast only.`,
  D_ASCM_RIDGE: (e: {
    lambda: number;
    source: string;
    preRmseSc: number;
    preRmseAugmented: number;
    scEstimate: number;
    augmentedEstimate: number;
  }): string =>
    `The ridge outcome model (λ = ${e.lambda.toPrecision(4)}, ${e.source === "given" ? "given" : "chosen by cross-validation"}) cut the pre-period RMSE from ${e.preRmseSc.toPrecision(4)} to ${e.preRmseAugmented.toPrecision(4)} and moved the estimate from ${e.scEstimate.toPrecision(4)} (plain SC) to ${e.augmentedEstimate.toPrecision(4)}.`,
  D_ASCM_NEGATIVE_WEIGHTS: (e: { negativeWeights: number; negativeMass: number }): string =>
    `${e.negativeWeights} donor${e.negativeWeights === 1 ? "" : "s"} get negative weight (total ${e.negativeMass.toPrecision(3)}): the augmented counterfactual extrapolates beyond the donors' convex hull, which is what corrects the pre-period fit but relies on the ridge outcome model.`,
  D_CONFORMAL_GRID: (
    e: {
      from: number;
      to: number;
      points: number;
      step: number;
      openLower: boolean;
      openUpper: boolean;
      gapsInSet: boolean;
    },
    _c: DiagnosticContext,
    d: { alpha: number; ci: readonly [number, number] | null },
  ): string =>
    d.ci === null
      ? `No effect size on the grid ${e.from.toPrecision(4)} … ${e.to.toPrecision(4)} has p > ${d.alpha}; widen the grid.`
      : `The ${Math.round((1 - d.alpha) * 100)}% conformal set runs from ${d.ci[0].toPrecision(4)} to ${d.ci[1].toPrecision(4)} (grid step ${e.step.toPrecision(3)})${e.openLower || e.openUpper ? ", and reaches the edge of the grid, so it is wider than shown" : ""}${e.gapsInSet ? "; some effect sizes inside it are rejected (the set is not an interval)" : ""}.`,
  D_CONFORMAL_COARSE: (e: { periods: number; floor: number; alpha: number }): string =>
    `With ${e.periods} periods the conformal p-value cannot go below ${e.floor.toPrecision(3)}, above α = ${e.alpha}: no effect size can be rejected.`,
} as const;
