import type { DiagnosticContext } from "./template.js";

const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const pText = (p: number | null): string =>
  p === null ? "p n/a" : p < 0.001 ? `p = ${p.toExponential(1)}` : `p = ${p.toFixed(3)}`;
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const signed = (x: number): string => (x >= 0 ? "+" : "−") + Math.abs(x).toPrecision(3);

/**
 * Message templates of the randomized-experiment diagnostics (sample-ratio mismatch, variance reduction,
 * guardrails, multiplicity), keyed by code; the codes and summaries are in `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * EXPERIMENT_MESSAGES.D_EXPERIMENT_MULTIPLE_TESTING({ tests: 4, method: "holm" });
 * // "4 comparisons (variants × primary metrics): p-values adjusted by Holm's method (family-wise error)."
 * ```
 */
export const EXPERIMENT_MESSAGES = {
  D_EXPERIMENT_SRM: (
    e: {
      unit: string;
      arms: readonly (string | number | null)[];
      observed: readonly (string | number | null)[];
      expected: readonly (string | number | null)[];
      chi2: number;
      pValue: number;
      threshold: number;
    },
    c: DiagnosticContext,
  ): string => {
    const obs = e.observed.map((o) => int(Number(o))).join(" / ");
    const exp = e.expected.map((o) => int(Number(o))).join(" / ");
    return c.severity === "fail"
      ? `Sample-ratio mismatch: the arms (${e.arms.join(" / ")}) hold ${obs} ${e.unit} where the planned split expects ${exp} (χ² = ${e.chi2.toFixed(2)}, ${pText(e.pValue)} < ${e.threshold}). Assignment or logging is broken, so no effect is reported: find the cause (users lost in one arm, bots filtered unevenly, a redirect or crash after assignment) before trusting any number.`
      : `Arm sizes match the planned split: ${obs} ${e.unit} against ${exp} expected (χ² = ${e.chi2.toFixed(2)}, ${pText(e.pValue)}).`;
  },
  D_EXPERIMENT_VARIANCE_REDUCTION: (e: {
    method: string;
    metrics: readonly (string | number | null)[];
    reductions: readonly (string | number | null)[];
  }): string =>
    `${e.method === "cuped" ? "CUPED" : "Lin's regression adjustment"} reduced the variance of the effect by ${e.metrics
      .map((m, i) => `${pct(Number(e.reductions[i]))} (${m})`)
      .join(", ")}: same estimand, ${e.method === "cuped" ? "narrower" : "usually narrower"} intervals.`,
  D_EXPERIMENT_GUARDRAIL: (
    e: {
      metric: string;
      variant: string;
      estimate: number;
      margin: number;
      bound: number | null;
      pValue: number | null;
    },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `Guardrail ${e.metric} holds for variant ${e.variant}: the change ${signed(e.estimate)} is shown not to be worse than the margin ${signed(e.margin)} (one-sided bound ${e.bound === null ? "n/a" : signed(e.bound)}, ${pText(e.pValue)}).`
      : `Guardrail ${e.metric} is not shown safe for variant ${e.variant}: the change ${signed(e.estimate)} could be worse than the margin ${signed(e.margin)} (one-sided bound ${e.bound === null ? "n/a" : signed(e.bound)}, ${pText(e.pValue)}).`,
  D_EXPERIMENT_MULTIPLE_TESTING: (e: { tests: number; method: string }): string =>
    e.method === "none"
      ? `${e.tests} comparisons (variants × primary metrics) with unadjusted p-values: expect about ${(0.05 * e.tests).toFixed(1)} false positives at 5% when nothing works.`
      : `${e.tests} comparisons (variants × primary metrics): p-values adjusted by ${e.method === "holm" ? "Holm's method (family-wise error)" : "Benjamini–Hochberg (false discovery rate)"}.`,
};
