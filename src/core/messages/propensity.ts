import type { DiagnosticContext } from "./template.js";

const pct = (x: number) => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
const count = (x: number): string => x.toLocaleString("en-US");
const capitalize = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;

/** One arm of the inverse-probability weights, unrounded (the evidence keeps rounded copies). */
type WeightArm = { ess: number; n: number; max: number; sum?: number };

/**
 * Message templates of the propensity-score diagnostics (overlap, weights, balance, matching, sensitivity), keyed
 * by code: each writes the message a reader sees from the evidence and, because the evidence keeps rounded
 * numbers, from display-only details holding the unrounded values. The codes and summaries are in
 * `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * PROPENSITY_MESSAGES.D_PS_SELECTION(
 *   { naive: 0.2, adjusted: 0.1, selectionShare: 0.5 },
 *   { severity: "info", summary: "" },
 *   { naive: 0.2, adjusted: 0.1, share: 0.5, estimand: "ATT" },
 * ); // "Opt-in users differ from the rest before any effect: the naive gap is 0.2000, …"
 * ```
 */
export const PROPENSITY_MESSAGES = {
  D_PS_OVERLAP: (
    e: {
      commonSupportLower: number;
      commonSupportUpper: number;
      outsideTreated: number;
      outsideControl: number;
      extremeTreated: number;
      extremeControl: number;
    },
    c: DiagnosticContext,
    d: { commonSupport: readonly [number, number]; outsideShareTreated: number; outsideShareControl: number },
  ): string => {
    const range = `${d.commonSupport[0].toFixed(3)}–${d.commonSupport[1].toFixed(3)}`;
    return c.severity === "pass"
      ? `Opt-in and comparison users overlap well: both groups have propensity scores across ${range}, and no user has a score below 0.01 or above 0.99.`
      : `Limited overlap: ${pct(d.outsideShareTreated)} of opt-in and ${pct(d.outsideShareControl)} of comparison users fall outside the common range ${range}, and ${e.extremeTreated + e.extremeControl} have scores beyond [0.01, 0.99]. Estimates there rest on extrapolation; consider trimming (e.g. the Crump rule).`;
  },
  D_PS_TRIMMED: (
    e: { rule: string; lower: number; upper: number; droppedTreated: number; droppedControl: number },
    _c: DiagnosticContext,
    d: { lower: number; upper: number },
  ): string => {
    const how = e.rule === "crump" ? "Crump et al. rule" : "user bounds";
    const dt = e.droppedTreated;
    const dc = e.droppedControl;
    return dt + dc > 0
      ? `Trimming (${how}) kept users with propensity scores in [${d.lower.toFixed(3)}, ${d.upper.toFixed(3)}], dropping ${dt} opt-in and ${dc} comparison users; the estimates describe the users who remain.`
      : `Trimming (${how}) to [${d.lower.toFixed(3)}, ${d.upper.toFixed(3)}] dropped nobody.`;
  },
  D_PS_WEIGHTS: (
    e: {
      estimand: string;
      essTreated: number;
      essControl: number;
      nTreated: number;
      nControl: number;
      maxWeightTreated: number;
      maxWeightControl: number;
    },
    c: DiagnosticContext,
    d: { treated: WeightArm; control: WeightArm },
  ): string => {
    const { treated: t, control: k } = d;
    const essT = Math.round(t.ess).toLocaleString("en-US");
    const essC = Math.round(k.ess).toLocaleString("en-US");
    const share = (a: WeightArm) => (a.sum === undefined || !(a.sum > 0) ? 0 : a.max / a.sum);
    const top = Math.max(share(t), share(k));
    if (c.severity === "fail" && top > 0.1) {
      const arm = share(t) >= share(k) ? "opt-in" : "comparison";
      return `Near-separation: one ${arm} user carries ${pct(top)} of that group's ${e.estimand} weight (largest weight ${Math.max(t.max, k.max).toFixed(1)}), so the weighting estimate rests on a handful of users. Trim to the region of overlap (trim: { rule: "crump" }, CLI --trim crump) or use fewer covariates.`;
    }
    return c.severity === "pass"
      ? `The ${e.estimand} weights are well behaved: they keep ${pct(t.ess / t.n)} of the opt-in and ${pct(k.ess / k.n)} of the comparison users' information (effective sample sizes ${essT} and ${essC}); the largest weight is ${t.max >= k.max ? t.max.toFixed(1) : k.max.toFixed(1)}.`
      : `A few users carry much of the ${e.estimand} weight: effective sample sizes are ${essT} of ${count(t.n)} opt-in and ${essC} of ${count(k.n)} comparison users; the estimate is noisier than the row count suggests and sensitive to those users, and the weighting estimate's confidence interval can be too narrow (its sampling distribution is skewed by the heavy weights). The doubly robust estimate is steadier; trimming also helps.`;
  },
  D_PS_BALANCE: (
    e: {
      threshold: number;
      denominator: string;
      maxAbsSmdRaw: number;
      maxAbsSmdWeighted: number;
      failing: readonly string[];
    },
    c: DiagnosticContext,
    d: {
      maxAbsSmdRaw: number;
      maxAbsSmdWeighted: number;
      failing: number;
      worst: { covariate: string; smd: number } | null;
    },
  ): string =>
    c.severity === "pass"
      ? `After weighting, the groups look alike on every measured covariate: the largest standardized difference is ${d.maxAbsSmdWeighted.toFixed(3)} (was ${d.maxAbsSmdRaw.toFixed(3)}), below ${e.threshold}.`
      : `After weighting, ${d.failing} covariate column${d.failing === 1 ? "" : "s"} still differ between the groups (worst: ${d.worst?.covariate}, standardized difference ${(d.worst?.smd ?? 0).toFixed(3)}; threshold ${e.threshold}). The propensity model misses part of how users select in — add the missing terms (e.g. interactions) or rely on the doubly robust estimate.`,
  D_PS_ESTIMATORS_DISAGREE: (
    _e: { ipw: number; ra: number; aipw: number; maxSe: number },
    c: DiagnosticContext,
    d: { ipw: number; ra: number; aipw: number },
  ): string =>
    c.severity === "pass"
      ? `Weighting (${d.ipw.toFixed(4)}), outcome regression (${d.ra.toFixed(4)}) and the doubly robust estimate (${d.aipw.toFixed(4)}) agree.`
      : `Weighting gives ${d.ipw.toFixed(4)} but the doubly robust estimate is ${d.aipw.toFixed(4)} (outcome regression ${d.ra.toFixed(4)}): at least one model is misspecified, so trust the doubly robust number only if the outcome model is right.`,
  D_PS_SELECTION: (
    _e: { naive: number; adjusted: number; selectionShare: number | null },
    _c: DiagnosticContext,
    d: { naive: number; adjusted: number; share: number | null; estimand: string },
  ): string =>
    d.share === null
      ? `The naive difference is zero; the adjusted ${d.estimand} is ${d.adjusted.toFixed(4)}.`
      : `Opt-in users differ from the rest before any effect: the naive gap is ${d.naive.toFixed(4)}, the adjusted ${d.estimand} ${d.adjusted.toFixed(4)} — about ${Math.round(100 * d.share)}% of the naive gap is who opts in, not what the feature does.`,
  D_PS_EVALUE: (
    _e: { scale: string; riskRatio: number; point: number; ciBound: number | null },
    _c: DiagnosticContext,
    d: { point: number; ciBound: number | null },
  ): string =>
    `To explain the effect away, an unmeasured confounder would need a risk ratio of at least ${d.point.toFixed(2)} with both opting in and the outcome, beyond the covariates measured${d.ciBound === null ? "" : d.ciBound === 1 ? "; the confidence interval already includes no effect" : `; to move the confidence interval to include no effect, ${d.ciBound.toFixed(2)}`}.`,
  D_PS_CALIBRATION: (
    _e: { hosmerLemeshow: number; pValue: number; auc: number },
    c: DiagnosticContext,
    d: { pValue: number; auc: number },
  ): string =>
    c.severity === "pass"
      ? `The propensity model is well calibrated: within each tenth of predicted scores the share who opted in matches the prediction (Hosmer–Lemeshow p = ${d.pValue.toFixed(3)}); it separates the groups with AUC ${d.auc.toFixed(3)}.`
      : `The propensity model's predictions miss the observed opt-in rates in some score deciles (Hosmer–Lemeshow p = ${d.pValue < 0.001 ? "< 0.001" : d.pValue.toFixed(3)}): the model form is probably wrong (missing interactions or non-linear terms).`,
  D_PS_BOOTSTRAP_FAILED: (e: { failed: number; reps: number }, c: DiagnosticContext): string =>
    `${e.failed} of ${e.reps} bootstrap replicates could not refit the propensity model and were dropped. ${c.summary}`,
  D_PS_MATCHING: (
    e: {
      k: number;
      treatedMatched: number;
      treatedUnmatched: number;
      maxAbsSmdMatched: number;
      threshold: number;
    },
    _c: DiagnosticContext,
    d: {
      caliper: boolean;
      maxAbsSmd: number;
      worst: { covariate: string; level: string | null } | null;
    },
  ): string => {
    const parts: string[] = [];
    if (e.treatedUnmatched > 0)
      parts.push(
        `${count(e.treatedUnmatched)} of ${count(e.treatedMatched + e.treatedUnmatched)} opt-in users found no comparison user ${d.caliper ? "inside the caliper" : "left to match without replacement"}, so the matched estimate describes only the matched ones`,
      );
    if (d.maxAbsSmd >= e.threshold && d.worst)
      parts.push(
        `the matched groups still differ on ${d.worst.covariate}${d.worst.level !== null ? ` = ${d.worst.level}` : ""} (|SMD| ${d.maxAbsSmd.toFixed(3)} ≥ ${e.threshold})`,
      );
    if (parts.length === 0)
      return `Every opt-in user found a match and the matched groups look alike on every measured covariate (largest |SMD| ${d.maxAbsSmd.toFixed(3)}).`;
    return `${capitalize(parts.join("; and "))}.`;
  },
  D_PS_ROSENBAUM: (
    e:
      | { gammaCritical: null; pairs: number; matchedSets: number }
      | { gammaCritical: number | null; pairs: number; zeros: number; pValue: number; direction: string },
    _c: DiagnosticContext,
    d?: { alpha: number; gammaCritical: number | null; pValue: number },
  ): string => {
    if ("matchedSets" in e || d === undefined)
      return `Rosenbaum bounds were not computed: fewer than two of the ${"matchedSets" in e ? count(e.matchedSets) : ""} matched opt-in users differ in outcome from their matched comparison users.`;
    const level = `${Number((100 * d.alpha).toPrecision(6))} %`;
    const effect = e.direction === "increase" ? "the matched effect" : "the matched decrease";
    if (d.gammaCritical !== null)
      return `An unmeasured trait would have to change the odds of opting in by a factor of Γ = ${d.gammaCritical.toFixed(2)} within matched pairs before ${effect} stops being significant at ${level}.`;
    if (d.pValue >= d.alpha)
      return `${capitalize(effect)} is not significant at ${level} even without hidden bias (Γ = 1, one-sided signed-rank p = ${d.pValue.toFixed(3)}), so there is no significance for an unmeasured trait to explain away.`;
    return `${capitalize(effect)} stays significant at ${level} however strongly an unmeasured trait changes the odds of opting in within matched pairs (checked up to Γ = 10⁸).`;
  },
} as const;
