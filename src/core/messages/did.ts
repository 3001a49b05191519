import { type DiagnosticContext, summaryOnly } from "./template.js";

const signed = (x: number, digits = 4): string => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(digits);
/** "p = 0.447", or "p < 0.001". */
const pText = (p: number | null): string =>
  p === null ? "p n/a" : p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const precision3 = (x: number | null): string => (x === null ? "n/a" : x.toPrecision(3));
const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Message templates of the difference-in-differences diagnostics (two-group, staggered, Callaway–Sant'Anna,
 * Bacon decomposition), keyed by code: each writes the message a reader sees from the evidence (and, for a few
 * codes, display-only details such as the time column's name). The codes and summaries are in
 * `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * DID_MESSAGES.D_DID_NOT_APPLICABLE({ part: "placebo" }, { severity: "info", summary: "" });
 * // "The placebo trend test needs at least two pre-treatment periods."
 * ```
 */
export const DID_MESSAGES = {
  D_DID_WINDOW: (
    e: { to: number; controlStart: number; anticipation: number },
    _c: DiagnosticContext,
    d: { time: string },
  ): string =>
    `The analysis stops at ${d.time} ${e.to}: the comparison group (start ${e.controlStart}) is treated from ${d.time} ${e.controlStart - e.anticipation} on.`,
  D_DID_CONTAMINATED_CONTROL: (
    e: { to: number; controlStart: number; anticipation: number },
    _c: DiagnosticContext,
    d: { time: string },
  ): string =>
    `The window runs to ${d.time} ${e.to}, but the comparison group is treated from ${e.controlStart - e.anticipation}: its later rows are not a control. End the window at ${e.controlStart - e.anticipation - 1}.`,
  D_DID_PARALLEL_TRENDS: (
    e: {
      slopeDifference: number | null;
      slopePValue: number | null;
      leadsStatistic: number | null;
      leadsDf1: number | null;
      leadsDf2: number | null;
      leadsPValue: number | null;
    },
    c: DiagnosticContext,
    d: { time: string },
  ): string => {
    const parts: string[] = [];
    if (e.slopeDifference !== null)
      parts.push(
        `pre-trend slope difference ${signed(e.slopeDifference, 5)} per ${d.time} (${pText(e.slopePValue)})`,
      );
    if (e.leadsPValue !== null) {
      const ref = e.leadsDf2 === null ? `χ²(${e.leadsDf1})` : `F(${e.leadsDf1}, ${e.leadsDf2})`;
      parts.push(`the ${e.leadsDf1} event-study leads jointly ${pText(e.leadsPValue)} (${ref})`);
    }
    const conclusion =
      c.severity === "pass"
        ? "no evidence against parallel trends (a pass is not proof: the test may lack power)."
        : c.severity === "warn"
          ? "weak evidence of diverging pre-trends; inspect the event study."
          : c.severity === "fail"
            ? "the groups were already diverging before treatment, so the DiD estimate is not credible; consider synthetic control or conditioning on covariates."
            : "no pre-period test was possible.";
    return parts.length > 0 ? `${capitalize(parts.join("; "))}: ${conclusion}` : capitalize(conclusion);
  },
  D_DID_ANTICIPATION: (
    e: Record<string, never> | { periods: number; estimate: number; pValue: number | null },
    c: DiagnosticContext,
  ): string => {
    if (!("periods" in e)) return "Too few pre-periods to test for anticipation.";
    return c.severity === "warn"
      ? `In the last ${e.periods} periods before launch the treated group already moved by ${signed(e.estimate)} (${pText(e.pValue)}): anticipation. Re-run with anticipation: ${e.periods}.`
      : `No anticipation bump in the last ${e.periods} pre-periods (${signed(e.estimate)}, ${pText(e.pValue)}).`;
  },
  D_DID_GROUP_IMBALANCE: (
    e: { treatedRows: number; comparisonRows: number; treatedShare: number },
    c: DiagnosticContext,
  ): string => {
    const share = e.treatedShare;
    return c.severity === "warn"
      ? `Only ${(100 * Math.min(share, 1 - share)).toFixed(1)}% of rows are in the ${share < 0.5 ? "treated" : "comparison"} group: its means are noisy and dominate the standard error.`
      : `Treated ${e.treatedRows.toLocaleString("en-US")} rows vs comparison ${e.comparisonRows.toLocaleString("en-US")} (${(100 * share).toFixed(1)}% treated).`;
  },
  D_DID_TIME_VARYING_COVARIATE: (
    e: { flagged: readonly string[]; tested: readonly string[]; pValues: readonly (number | null)[] },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `${e.flagged.join(", ")} ${e.flagged.length === 1 ? "shifts" : "shift"} with treatment or over time; controlling for an outcome of the treatment biases the DiD — use pre-treatment values instead.`
      : "No covariate shifts differentially after treatment (each covariate's own DiD p ≥ 0.05).",
  D_DID_NO_CLUSTER: (_e: Record<string, never>): string =>
    "No cluster column was given, so standard errors treat every row as independent; if treatment was assigned to groups (workspaces, regions), pass that column as cluster.",
  D_DID_STAGGERED_TWFE: (e: { twfe: number; forbiddenWeight: number | null }): string => {
    const w =
      e.forbiddenWeight === null
        ? ""
        : ` ${(100 * e.forbiddenWeight).toFixed(1)}% of its weight comes from comparisons against already-treated units.`;
    return `Treatment starts at different times, so the TWFE estimate (${signed(e.twfe)}) is a weighted average of 2×2 comparisons;${w} With effects that change over time it can be biased, even in sign — rely on the Callaway–Sant'Anna estimates and see the Bacon decomposition.`;
  },
  D_DID_ZERO_SE: (e: { estimate: number; source: string }): string =>
    `The ${e.source} estimate ${signed(e.estimate)} has a standard error of exactly 0: the outcome is constant within every group × period cell, so the residuals are all zero and no uncertainty can be measured. The standard error, p-value and interval are left empty; check the outcome (is it aggregated or constant per cell?) before reading the estimate.`,
  D_DID_NOT_APPLICABLE: (
    e: { part: string; code?: string },
    _c: DiagnosticContext,
    failure?: { reason: string },
  ): string => {
    if (e.part === "placebo") return "The placebo trend test needs at least two pre-treatment periods.";
    if (e.part === "callaway-santanna covariates")
      return "Callaway–Sant'Anna uses numeric covariates only; text covariates were left out of its outcome and propensity models (encode them as 0/1 columns to include them).";
    if (e.part === "bacon") return `The Bacon decomposition could not run on these data: ${failure?.reason}`;
    return failure === undefined
      ? "Callaway–Sant'Anna and the Bacon decomposition need unit × period panel data: pass the unit column (or aggregate the rows to a unit × period panel). Only TWFE and the event study are reported, and they may be biased with staggered timing."
      : `Callaway–Sant'Anna could not run on these data: ${failure.reason}`;
  },
  D_DID_COVARIATE_ABSORBED: (e: { covariates: readonly string[]; absorbedBy: string }): string => {
    const one = e.covariates.length === 1;
    const group = e.absorbedBy;
    return `${e.covariates.join(", ")} ${one ? "does" : "do"} not vary within ${group}, so the ${group} fixed effects absorb ${one ? "it" : "them"} in TWFE and the event study; ${one ? "it still enters" : "they still enter"} the regression DiD and Callaway–Sant'Anna.`;
  },
  D_CS_TREATED_AFTER_SAMPLE: summaryOnly,
  D_CS_ALREADY_TREATED_DROPPED: summaryOnly,
  D_CS_UNBALANCED_DROPPED: summaryOnly,
  D_CS_LAST_GROUP_AS_CONTROL: summaryOnly,
  D_CS_SMALL_GROUP: summaryOnly,
  D_CS_CELL_DROPPED: summaryOnly,
  D_CS_PS_NOT_CONVERGED: summaryOnly,
  D_CS_LARGE_CRITICAL_VALUE: summaryOnly,
  D_CS_BAND_POINTWISE: summaryOnly,
  D_CS_AGGREGATION_EMPTY: summaryOnly,
  D_CS_PRETEST: (e: { statistic: number; df: number; pValue: number; alpha: number }): string =>
    `Wald pre-test that all ${e.df} pre-treatment ATT(g,t) are zero: W = ${e.statistic.toFixed(3)}, p = ${e.pValue.toPrecision(3)}${e.pValue < e.alpha ? " (parallel trends rejected)" : ""}.`,
  D_CS_PRETEST_UNAVAILABLE: summaryOnly,
  D_BACON_FORBIDDEN: (
    e: {
      forbiddenWeight: number;
      forbiddenEstimate: number | null;
      cleanWeight: number;
      cleanEstimate: number | null;
      oppositeSign: boolean;
      threshold: number;
      twfe: number;
    },
    c: DiagnosticContext,
  ): string => {
    const share = pct(e.forbiddenWeight);
    if (c.severity === "pass") {
      const agree =
        e.forbiddenEstimate === null
          ? "there are none"
          : e.cleanEstimate === null
            ? "there are no clean comparisons to compare them with"
            : "their average estimate has the same sign as the clean comparisons'";
      return `Comparisons with already-treated units as controls carry ${share} of the TWFE weight (at most ${pct(e.threshold)}) and ${agree}, so they do not drive the TWFE coefficient.`;
    }
    const why = [
      e.forbiddenWeight > e.threshold
        ? `carry ${share} of the TWFE weight (more than ${pct(e.threshold)})`
        : `carry ${share} of the TWFE weight`,
      e.oppositeSign
        ? `have an average estimate of ${precision3(e.forbiddenEstimate)} against ${precision3(e.cleanEstimate)} for the clean comparisons (opposite sign)`
        : null,
    ].filter((x) => x !== null);
    return `Comparisons that use already-treated units as controls ${why.join(" and ")}. ${c.summary}`;
  },
} as const;
