import { pValueText } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics, termText } from "../shared/summary.js";
import type { ExperimentResult } from "./experiment.js";

const INFERENCE_LABEL = {
  welch: "Welch t",
  HC2: "OLS, HC2",
  CR1: "OLS, CR1 by cluster",
  CR2: "OLS, CR2 by cluster (Bell–McCaffrey df)",
  delta: "delta method",
} as const;

/**
 * Tidy summary of an {@link ExperimentResult}: the headline (or why it is withheld: a sample-ratio mismatch),
 * the arms, then per metric and variant the difference, the relative lift, the multiplicity-adjusted p-value,
 * the unadjusted difference and variance reduction (CUPED / Lin) and the guardrail verdicts, then every
 * diagnostic — the lines the CLI prints.
 *
 * @example
 * ```ts
 * import { experiment, experimentSummary } from "truelift";
 * experimentSummary(experiment(frame, spec)).lines[0];
 * // { label: "Effect on task_completed: 1 vs 0 (Welch t)", value: "+0.0464  SE 0.0044  95% CI [+0.0378, +0.0550]  p < 0.001  t(49980.8)" }
 * ```
 */
export function experimentSummary(res: DeepReadonly<ExperimentResult>): DesignSummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const head = res.comparisons.find((c) => c.role === "primary") ?? res.comparisons[0];
  lines.push({
    label: `Effect on ${res.estimate.name} (${INFERENCE_LABEL[head.inference]}${head.adjustment === "none" ? "" : `, ${head.adjustment === "cuped" ? "CUPED" : "Lin-adjusted"}`})`,
    value: res.headlineBlocked
      ? `withheld: sample-ratio mismatch (χ² p ${pValueText(res.srm.pValue)}) — the arms are not the sizes the randomization planned, so no effect is reported`
      : termText(res.estimate, level, { reference: true }),
  });
  lines.push({
    label: "Arms",
    value: res.arms
      .map(
        (a) =>
          `${a.level}: ${a.rows.toLocaleString("en-US")} rows${res.n.clusters === null ? "" : ` in ${a.units} clusters`}`,
      )
      .join("; "),
  });
  for (const c of res.comparisons) {
    const tag = `${c.metric} ${c.variant} vs ${c.control}`;
    lines.push({
      label: `${tag}${c.role === "guardrail" ? " (guardrail)" : ""}`,
      value: `${termText(c.difference, level)}${c.pAdjusted === null || res.adjust === "none" ? "" : `  p(${res.adjust}) ${pValueText(c.pAdjusted)}`}`,
    });
    lines.push({
      label: `${tag}, relative lift`,
      value: c.relative ? termText(c.relative, level) : "undefined (the control mean is 0)",
    });
    if (c.unadjusted && c.varianceReduction !== null) {
      lines.push({
        label: `${tag}, unadjusted`,
        value: `${termText(c.unadjusted, level)}  (variance reduced by ${(100 * c.varianceReduction).toFixed(1)}%)`,
      });
    }
    if (c.guardrail) {
      lines.push({
        label: `${tag}, non-inferiority (margin ${c.guardrail.margin})`,
        value: `${c.guardrail.nonInferior ? "holds" : "not shown"}  one-sided bound ${c.guardrail.bound === null ? "n/a" : c.guardrail.bound.toFixed(5)}  p ${pValueText(c.guardrail.pValue)}`,
      });
    }
  }
  return {
    title: `Randomized experiment: ${res.arms.length - 1} variant${res.arms.length > 2 ? "s" : ""} vs ${res.arms[0].level}`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
