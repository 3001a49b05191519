import type { Diagnostic } from "../../core/diagnostics.js";
import { fixed, intervalText, pValueText, signed } from "../../core/format.js";
import type { DeepReadonly, Term } from "../../core/result.js";

/** One line of a design summary: a label and its value. */
export interface SummaryLine {
  readonly label: string;
  readonly value: string;
}

/** A design's result as labelled lines (the headline first) and its diagnostics — what the CLI prints. */
export interface DesignSummary {
  readonly title: string;
  readonly lines: readonly SummaryLine[];
  readonly diagnostics: readonly {
    readonly severity: string;
    readonly code: string;
    readonly message: string;
  }[];
}

/**
 * The diagnostics of a result as summary rows (severity, code, message).
 *
 * @example
 * ```ts
 * import { summaryDiagnostics } from "truelift";
 * summaryDiagnostics(result.diagnostics)[0].severity; // "pass" | "warn" | "fail" | "info"
 * ```
 */
export function summaryDiagnostics(
  diagnostics: readonly DeepReadonly<Diagnostic>[],
): DesignSummary["diagnostics"] {
  return diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message }));
}

/**
 * A {@link Term} on one line: signed estimate, SE, `level`% interval and p-value, with 5 decimals for estimates
 * below 0.01 in absolute value (`adaptive`, default) or always 4, and the reference distribution ("normal" or
 * "t(df)") when `reference` is set; "not computable" for a missing term.
 *
 * @example
 * ```ts
 * import { termText } from "truelift";
 * termText(result.estimate, 95, { reference: true }); // "+0.0541  SE 0.0109  95% CI [+0.0322, +0.0760]  p < 0.001  t(49)"
 * ```
 */
export function termText(
  t: Term | null,
  level: number,
  options: { readonly reference?: boolean; readonly adaptive?: boolean } = {},
): string {
  if (!t) return "not computable";
  const digits = (options.adaptive ?? true) && Math.abs(t.estimate) < 0.01 ? 5 : 4;
  const text = `${signed(t.estimate, digits)}  SE ${fixed(t.se, digits)}  ${level}% CI ${intervalText(t.ci, digits)}  p ${pValueText(t.pValue)}`;
  if (!options.reference) return text;
  return `${text}  ${t.df === null ? "normal" : `t(${Math.round(t.df * 10) / 10})`}`;
}
