import type { EvidenceValue, Severity } from "../diagnostics.js";

/** The evidence a diagnostic carries: named numbers, strings, booleans, nulls and lists of them (JSON-safe). */
export type Evidence = Readonly<Record<string, EvidenceValue>>;

/**
 * What the catalogue knows besides the evidence when it writes a diagnostic's message: the severity the check
 * reached and the code's one-line summary from `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * const context: DiagnosticContext = { severity: "warn", summary: "Some replicates failed." };
 * ```
 */
export interface DiagnosticContext {
  readonly severity: Severity;
  readonly summary: string;
}

/**
 * A message template of the diagnostic catalogue: the sentence a reader sees, written from the evidence, the
 * {@link DiagnosticContext} and (for a few codes) display-only details that are not kept in the evidence.
 * Declared with a method signature so that templates with precisely typed evidence fit one catalogue type.
 *
 * @example
 * ```ts
 * const t: DiagnosticTemplate = (e: { rows: number }) => `${e.rows} rows were dropped.`;
 * ```
 */
export type DiagnosticTemplate = {
  render(evidence: Evidence, context: DiagnosticContext, detail: unknown): string;
}["render"];

/**
 * The template of codes whose message is their catalogue summary, whatever the evidence.
 *
 * @example
 * ```ts
 * summaryOnly({}, { severity: "info", summary: "Nothing to add." }); // "Nothing to add."
 * ```
 */
export function summaryOnly(_evidence: Evidence, context: DiagnosticContext): string {
  return context.summary;
}
