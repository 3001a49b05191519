import type { DiagnosticContext } from "./template.js";

const signed = (v: number, d = 4) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(d)}`;
const fixedOrNa = (v: number | null, d = 3): string =>
  v !== null && Number.isFinite(v) ? v.toFixed(d) : "n/a";
const pDensity = (p: number): string => (p < 0.0001 ? "< 0.0001" : p.toFixed(4));

/** The evidence of a density-test verdict (`D_RDD_DENSITY_TEST`, and `D_RDD_DENSITY_UNDEFINED` from the test). */
type DensityEvidence = {
  method: string;
  cutoff: number;
  densityLeft: number | null;
  densityRight: number | null;
  jump: number | null;
  statistic: number | null;
  pValue: number | null;
  alpha: number;
  hLeft: number;
  hRight: number;
  effectiveLeft: number;
  effectiveRight: number;
};

/**
 * Message templates of the regression-discontinuity diagnostics (estimation, validity checks, density test, RD
 * plot), keyed by code: each writes the message a reader sees from the evidence (and, for a few codes,
 * display-only details). The codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * RDD_MESSAGES.D_RDD_FEW_EFFECTIVE({ nBelow: 12, nAbove: 40 });
 * // "Only 12 observations on one side within the bandwidth: treat the estimate as fragile."
 * ```
 */
export const RDD_MESSAGES = {
  D_RDD_DENSITY_TEST: (e: DensityEvidence, c: DiagnosticContext): string => {
    const dens = `density just below ${fixedOrNa(e.densityLeft)} vs just above ${fixedOrNa(e.densityRight)}`;
    const p = pDensity(e.pValue ?? Number.NaN);
    if (c.severity === "fail") {
      const pile = (e.densityLeft ?? 0) > (e.densityRight ?? 0) ? "below" : "at or above";
      return `The running variable's density jumps at the cutoff ${e.cutoff} (${dens}, p = ${p}): too many units sit just ${pile} the threshold, as if they sorted themselves to that side, so units on either side may not be comparable.`;
    }
    return `No evidence that units sort around the cutoff ${e.cutoff}: ${dens} (p = ${p}).`;
  },
  D_RDD_DENSITY_FEW_EFFECTIVE: (e: {
    effectiveLeft: number;
    effectiveRight: number;
    minimum: number;
  }): string =>
    `Only ${Math.min(e.effectiveLeft, e.effectiveRight)} observations within the bandwidth on one side of the cutoff: the density test has little power there.`,
  D_RDD_DENSITY_MASS_POINTS: (e: { distinctValues: number; observations: number }): string =>
    `The running variable takes ${e.distinctValues} distinct values over ${e.observations} observations; the density estimates and standard errors were adjusted for the repeats (rddensity's mass-point correction).`,
  D_RDD_DENSITY_UNDEFINED: (
    _e: DensityEvidence | { code: string },
    _c: DiagnosticContext,
    failure?: { reason: string },
  ): string =>
    failure === undefined
      ? "The density test could not be computed here (too little data near the cutoff or a degenerate fit), so sorting around the threshold cannot be ruled out."
      : `The density test could not be run: ${failure.reason}`,
  D_RDD_DENSITY_BW_RANGE: (_e: { hLeft: number; hRight: number }): string =>
    "The bandwidth on one side reaches past the data on that side, so the whole side enters the local fit.",
  D_RDPLOT_MASS_POINTS: (e: {
    repeatedShareLeft: number;
    repeatedShareRight: number;
    adjusted: boolean;
  }): string =>
    e.adjusted
      ? "Many values of the running variable repeat, so the number of bins was chosen with polynomial-regression variance estimates (rdplot's mass-point adjustment)."
      : 'Many values of the running variable repeat; consider masspoints: "adjust".',
  D_RDPLOT_NO_VARIATION: (_e: { varianceLeft: number; varianceRight: number }): string =>
    "The outcome does not vary on one side of the cutoff, so that side is shown as a single bin.",
  D_RDD_BANDWIDTH: (e: {
    bwselect: string;
    hBelow: number;
    hAbove: number;
    bBelow: number;
    bAbove: number;
    nBelow: number;
    nAbove: number;
  }): string =>
    `${e.bwselect === "manual" ? "Bandwidth set by hand" : `Bandwidth chosen by ${e.bwselect}`}: h = ${e.hBelow.toPrecision(4)}${e.hAbove !== e.hBelow ? ` / ${e.hAbove.toPrecision(4)}` : ""}, keeping ${e.nBelow} rows below and ${e.nAbove} above the cutoff.`,
  D_RDD_FEW_EFFECTIVE: (e: { nBelow: number; nAbove: number }): string =>
    `Only ${Math.min(e.nBelow, e.nAbove)} observations on one side within the bandwidth: treat the estimate as fragile.`,
  D_RDD_MASS_POINTS: (
    e: { repeatedBelow: number; repeatedAbove: number; masspoints: string },
    c: DiagnosticContext,
  ): string =>
    `${(100 * Math.max(e.repeatedBelow, e.repeatedAbove)).toFixed(0)}% of the running variable's values on one side are repeats (mass points)${c.severity === "info" ? "" : e.masspoints === "adjust" ? '; bandwidth selection used the distinct values and required at least 10 of them on each side, as rdrobust\'s masspoints = "adjust" does' : ""}.`,
  D_RDD_MISSING_DROPPED: (e: { dropped: number }): string =>
    `${e.dropped} rows with a missing value in the columns used were dropped (as rdrobust does).`,
  D_RDD_COMPLIANCE: (e: { share: number; count: number }, c: DiagnosticContext): string =>
    c.severity === "info"
      ? `${e.count} rows (${(100 * e.share).toFixed(2)}%) are not treated as their side of the cutoff says: analysed as a fuzzy RD.`
      : e.count === 0
        ? "Every row is treated exactly as its side of the cutoff says: the design is sharp."
        : `${e.count} rows (${(100 * e.share).toFixed(2)}%) are not treated as their side of the cutoff says; the sharp estimate is an intention-to-treat effect — use fuzzy: true for the effect of treatment itself.`,
  D_RDD_WEAK_FIRST_STAGE: (
    e: { jump: number; robustZ: number | null; F: number | null; robustPValue: number | null },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `Take-up jumps by ${signed(e.jump, 3)} at the cutoff (F = ${e.F?.toFixed(1)}): the first stage is strong.`
      : c.severity === "warn"
        ? `Take-up jumps by only ${signed(e.jump, 3)} (F = ${e.F?.toFixed(1)} < 10): the fuzzy ratio is unstable and its interval unreliable.`
        : "Take-up does not jump detectably at the cutoff: the fuzzy ratio is not identified; report the reduced form instead.",
  D_RDD_COVARIATES: (
    e: { covariates: readonly string[]; pValues: readonly number[]; minPValue: number; threshold: number },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `'${e.covariates[e.pValues.indexOf(e.minPValue)]}' jumps at the cutoff (robust p = ${e.minPValue.toPrecision(2)}): the two sides differ in more than the treatment.`
      : `No covariate jumps at the cutoff (smallest robust p = ${e.minPValue.toPrecision(2)} across ${e.covariates.length}).`,
  D_RDD_PLACEBO_CUTOFFS: (
    e: { cutoffs: readonly number[]; estimates: readonly number[]; pValues: readonly number[] },
    c: DiagnosticContext,
  ): string => {
    const minP = Math.min(...e.pValues);
    const k = e.cutoffs.length;
    return c.severity === "warn"
      ? `A fake cutoff at ${e.cutoffs[e.pValues.indexOf(minP)]} also shows a jump (robust p = ${minP.toPrecision(2)}): the outcome has kinks or jumps unrelated to the threshold.`
      : `No jump at the ${k} placebo cutoff${k === 1 ? "" : "s"} (smallest robust p = ${minP.toPrecision(2)}).`;
  },
  D_RDD_DONUT: (
    e: {
      radii: readonly number[];
      estimates: readonly number[];
      z: readonly (number | null)[];
      maxShift: number;
      se: number;
    },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `Dropping the rows nearest the cutoff moves the estimate by up to ${signed(e.maxShift)}, more than sampling noise explains: it leans on the units right at the threshold, where sorting is likeliest.`
      : `Dropping the rows nearest the cutoff moves the estimate by at most ${signed(e.maxShift)}, within sampling noise.`,
  D_RDD_POLYNOMIAL: (
    e: {
      linear: number;
      linearSe: number;
      linearP: number;
      quadratic: number;
      quadraticSe: number;
      quadraticP: number;
      difference: number;
    },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `Linear (${signed(e.linear)}, p ${e.linearP.toPrecision(2)}) and quadratic (${signed(e.quadratic)}, p ${e.quadraticP.toPrecision(2)}) fits disagree: the outcome may curve near the cutoff, so a straight line can fake or hide a jump.`
      : `Linear (${signed(e.linear)}) and quadratic (${signed(e.quadratic)}) fits agree within one SE.`,
  D_RDD_BOOTSTRAP_FAILED: (e: { failed: number }): string =>
    `${e.failed} bootstrap replicates had a singular fit and were dropped.`,
  D_RDD_CHECK_FAILED: (e: { checks: readonly string[]; codes: readonly (string | null)[] }): string =>
    `${e.checks.length} validity re-estimate${e.checks.length === 1 ? "" : "s"} could not be computed (${e.checks.join(", ")}).`,
} as const;
