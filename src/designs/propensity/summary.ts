import { fixed, intervalText, pValueText, signed } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics, termText } from "../shared/summary.js";
import type { PropensityResult } from "./propensity.js";

/** The summary of a propensity result: labelled lines (the headline first) and its diagnostics. */
export type PropensitySummary = DesignSummary;

const count = (n: number) => Math.round(n).toLocaleString("en-US");

function rosenbaumText(res: DeepReadonly<PropensityResult>): string {
  const r = res.sensitivity.rosenbaum;
  if (r === null) return "not computed: fewer than two matched differences are non-zero";
  const level = `${Number((100 * r.alpha).toPrecision(6))}%`;
  const what = r.direction === "increase" ? "" : " (decrease)";
  const counts = `${count(r.pairs)} non-zero differences, ${count(r.zeros)} zero`;
  if (r.gammaCritical !== null)
    return `significance at ${level}${what} lost at Γ = ${fixed(r.gammaCritical, 2)} (${counts})`;
  if (r.pValue >= r.alpha)
    return `not significant at ${level}${what} even at Γ = 1 (p ${pValueText(r.pValue)}; ${counts})`;
  return `significant at ${level}${what} at every Γ up to 10⁸ (${counts})`;
}

/**
 * Tidy summary of a {@link PropensityResult}: the headline estimate, IPW / regression adjustment / AIPW for the
 * ATE and ATT, the bootstrap interval, the naive difference, the propensity model, overlap, weights, balance,
 * trimming, matched balance, the Rosenbaum bounds, the E-value and the double-robustness demonstration — the
 * rows the CLI prints and reports render.
 *
 * @example
 * ```ts
 * import { propensity, propensitySummary } from "truelift";
 * propensitySummary(propensity(frame, spec)).lines[0]; // { label: "Effect (AIPW, ATE)", value: "+0.0847  SE 0.0057 …" }
 * ```
 */
export function propensitySummary(res: DeepReadonly<PropensityResult>): PropensitySummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const est = { ipw: "IPW", ra: "regression adjustment", aipw: "AIPW" }[res.estimator];
  lines.push({ label: `Effect (${est}, ${res.estimand})`, value: termText(res.estimate, level) });
  lines.push({
    label: "Sample",
    value: `${count(res.n.obs)} rows: ${count(res.n.treated)} opt-in, ${count(res.n.control)} comparison${res.n.dropped > 0 ? ` (${count(res.n.dropped)} trimmed)` : ""}`,
  });
  lines.push({ label: "Naive difference", value: termText(res.naive.difference, level) });
  lines.push({ label: "IPW ATE (sandwich)", value: termText(res.ipw.ate, level) });
  lines.push({ label: "IPW ATT (sandwich)", value: termText(res.ipw.att, level) });
  const b = res.ipw.bootstrap;
  if (b) {
    lines.push({
      label: `IPW bootstrap (${b.reps} refits, seed ${b.seed})`,
      value: `ATE SE ${fixed(b.ate.se)} ${level}% CI ${intervalText(b.ate.ci)}; ATT SE ${fixed(b.att.se)} ${level}% CI ${intervalText(b.att.ci)}${b.failed > 0 ? `; ${b.failed} failed` : ""}`,
    });
  }
  lines.push({ label: "Regression adjustment ATE", value: termText(res.doublyRobust.ra.ate, level) });
  lines.push({ label: "Regression adjustment ATT", value: termText(res.doublyRobust.ra.att, level) });
  const mo = res.matching.options;
  const nn = `${mo.k}-NN`;
  lines.push({
    label: `${nn} matching ${res.matching.estimand} (${[mo.distance === "logit" ? "logit" : "", `${mo.ties} ties`, mo.replace ? "" : "no replacement", mo.caliper !== null ? `caliper ${mo.caliper} SD` : ""].filter((x) => x !== "").join(", ")})`,
    value: `${signed(res.matching.estimate)}  SE ${fixed(res.matching.se)}  ${level}% CI ${intervalText(res.matching.ci)}  (${res.matching.distinctControlsUsed.toLocaleString("en-US")} controls used${res.matching.treatedUnmatched > 0 ? `; ${res.matching.treatedUnmatched.toLocaleString("en-US")} opt-in users without a match within the caliper` : ""})`,
  });
  lines.push({ label: "AIPW ATE", value: termText(res.doublyRobust.aipw.ate, level) });
  lines.push({ label: "AIPW ATT", value: termText(res.doublyRobust.aipw.att, level) });
  const m = res.model;
  lines.push({
    label: `Propensity model (${m.family}${m.penalty.type === "l2" ? `, L2 C = ${m.penalty.C}` : ""})`,
    value: `AUC ${fixed(m.auc, 3)}, pseudo-R² ${fixed(m.pseudoR2, 3)}, ${m.coefficients.length} coefficients, Hosmer–Lemeshow p ${pValueText(m.calibration.pValue)}`,
  });
  const o = res.overlap;
  lines.push({
    label: "Overlap",
    value: `common support ${fixed(o.commonSupport[0], 3)}–${fixed(o.commonSupport[1], 3)}; outside: ${o.outsideSupport.treated} opt-in, ${o.outsideSupport.control} comparison`,
  });
  if (res.trim) {
    lines.push({
      label: `Trimming (${res.trim.rule})`,
      value: `kept scores in [${fixed(res.trim.lower, 3)}, ${fixed(res.trim.upper, 3)}]; dropped ${res.trim.dropped.treated} opt-in, ${res.trim.dropped.control} comparison`,
    });
  }
  const w = res.weights[res.estimand];
  lines.push({
    label: `Weights (${res.estimand})`,
    value: `effective sample size ${count(w.treated.ess)} of ${count(w.treated.n)} opt-in, ${count(w.control.ess)} of ${count(w.control.n)} comparison; max weight ${fixed(Math.max(w.treated.max, w.control.max), 2)}`,
  });
  lines.push({
    label: `Balance (|SMD| < ${res.balance.threshold}, ${res.balance.denominator} SD)`,
    value: `max |SMD| ${fixed(res.balance.maxAbsSmdRaw, 3)} raw → ${fixed(res.balance.maxAbsSmdWeighted, 3)} weighted${res.balance.failing.length > 0 ? `; failing: ${res.balance.failing.join(", ")}` : ""}`,
  });
  if (res.balance.maxAbsSmdMatched !== null) {
    lines.push({
      label: `Matched balance (${nn}, ${res.balance.denominator} SD)`,
      value: `max |SMD| ${fixed(res.balance.maxAbsSmdRaw, 3)} raw → ${fixed(res.balance.maxAbsSmdMatched, 3)} matched`,
    });
  }
  lines.push({ label: `Rosenbaum bounds (${nn} matched sets)`, value: rosenbaumText(res) });
  const e = res.sensitivity.eValue;
  if (e) {
    lines.push({
      label: `E-value (${e.scale === "risk" ? "risk ratio" : "SMD → RR"} ${fixed(e.riskRatio, 3)})`,
      value: `estimate ${fixed(e.point, 2)}, CI limit ${fixed(e.ciBound, 2)}`,
    });
  }
  const d = res.demonstration;
  if (d) {
    lines.push({
      label: `Demonstration (${d.misspecified} model wrong)`,
      value: `ATE: IPW ${signed(d.ipw.ate.estimate)}, RA ${signed(d.ra.ate.estimate)}, AIPW ${signed(d.aipw.ate.estimate)}`,
    });
  }
  return {
    title: `Propensity scores: effect of ${res.treatment} on ${res.outcome}`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
