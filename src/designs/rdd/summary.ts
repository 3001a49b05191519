import { fixed, intervalText, pValueText, signed } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics, termText } from "../shared/summary.js";
import type { RddResult } from "./rdd.js";

/** The summary of an RD result (see {@link DesignSummary}). */
export type RddSummary = DesignSummary;

const count = (n: number) => n.toLocaleString("en-US");

/**
 * Tidy summary of an {@link RddResult}: the headline (treated minus untreated), rdrobust's three rows, the
 * bandwidths and effective samples, the fuzzy first stage, the sweep, the validity checks, the bootstrap
 * interval, the naive contrasts and every diagnostic — the rows the CLI prints.
 *
 * @example
 * ```ts
 * import { rdd, rddSummary } from "truelift";
 * rddSummary(rdd(frame, spec)).lines[0]; // { label: "Effect (conventional, treated below)", value: "+0.0548  SE 0.0131 …" }
 * ```
 */
export function rddSummary(res: DeepReadonly<RddResult>): RddSummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const f = res.fit;
  lines.push({
    label: `Effect (${res.estimateRow}, treated ${res.treated})`,
    value: termText(res.estimate, level),
  });
  lines.push({ label: "Conventional", value: termText(res.rows.conventional, level) });
  lines.push({ label: "Bias-corrected", value: termText(res.rows.biasCorrected, level) });
  lines.push({ label: "Robust", value: termText(res.rows.robust, level) });
  const hh =
    f.h.below === f.h.above ? fixed(f.h.below, 4) : `${fixed(f.h.below, 4)} / ${fixed(f.h.above, 4)}`;
  const bb =
    f.b.below === f.b.above ? fixed(f.b.below, 4) : `${fixed(f.b.below, 4)} / ${fixed(f.b.above, 4)}`;
  lines.push({
    label: "Local fit",
    value: `p = ${f.p} (bias q = ${f.q}), ${f.kernel} kernel, ${f.vce.toUpperCase()} variance, bandwidth ${f.bwselect}: h ${hh}, b ${bb}`,
  });
  lines.push({
    label: "Sample",
    value: `${count(res.n.obs)} rows (${count(res.n.below)} below, ${count(res.n.above)} above); within h: ${count(f.nEffective.below)} below, ${count(f.nEffective.above)} above${res.n.dropped > 0 ? `; ${count(res.n.dropped)} dropped (missing)` : ""}`,
  });
  if (res.firstStage) {
    lines.push({ label: "First stage (take-up jump)", value: termText(res.firstStage.robust, level) });
    lines.push({
      label: "Reduced form (outcome jump)",
      value: termText(res.reducedForm?.robust ?? null, level),
    });
  }
  if (res.bootstrap) {
    const b = res.bootstrap.headline;
    lines.push({
      label: `Bootstrap ${level}% CI`,
      value: `${intervalText(b.ci)} (${b.reps} reps, seed ${b.seed}, percentile)`,
    });
  }
  for (const r of res.sweep) {
    lines.push({
      label: `Bandwidth ${Number(r.bandwidth.toPrecision(4))}${r.bandwidth === f.h.below && f.h.below === f.h.above ? " (h)" : ""}`,
      value: r.conventional
        ? `${termText(r.conventional, level)}  n ${count(r.n ?? 0)}`
        : `not computable (${r.failure?.code})`,
    });
  }
  for (const r of res.checks.polynomial) {
    lines.push({ label: `Polynomial order ${r.value}`, value: termText(r.conventional, level) });
  }
  for (const r of res.checks.placebo)
    lines.push({ label: `Placebo cutoff ${r.value}`, value: termText(r.robust, level) });
  for (const r of res.checks.donut)
    lines.push({ label: `Donut |x − c| ≥ ${r.value}`, value: termText(r.conventional, level) });
  for (const r of res.checks.covariates)
    lines.push({ label: `Covariate ${r.value}`, value: termText(r.robust, level) });
  if (res.density?.estimate) {
    lines.push({
      label: "Density test (manipulation)",
      value: `jump ${signed(res.density.estimate.estimate, 3)}, p ${pValueText(res.density.estimate.pValue)} (${res.density.method})`,
    });
  }
  lines.push({ label: "Naive (treated − untreated side)", value: termText(res.naive.sides, level) });
  if (res.naive.treatment)
    lines.push({ label: "Naive (treated − untreated rows)", value: termText(res.naive.treatment, level) });
  return {
    title: `Regression discontinuity (${res.design}) on ${res.outcome} at ${res.running} = ${res.cutoff}`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
