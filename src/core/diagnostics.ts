import type { DiagnosticTemplate } from "./messages/template.js";
import { DIAGNOSTIC_CATALOGUE, DIAGNOSTIC_MESSAGES, type DiagnosticCode } from "./messages.js";

/**
 * Severity of a diagnostic, from an assumption check that held (`pass`) to one that failed (`fail`).
 *
 * @example
 * ```ts
 * SEVERITIES.includes("warn"); // true
 * ```
 */
export const SEVERITIES = ["pass", "warn", "fail", "info"] as const;
/** One of {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[number];

/** Severities from worst to least: the one ordering every verdict (report, screen, `--fail-on`) uses. */
const WORST_FIRST: readonly Severity[] = ["fail", "warn", "pass", "info"];

/**
 * The worst severity among diagnostics (`fail` > `warn` > `pass`), or `info` when there are only informational
 * ones (or none): an analysis's one verdict, read by the report table, the demo screen and `--fail-on`.
 *
 * @example
 * ```ts
 * import { worstSeverity } from "truelift";
 * worstSeverity([{ severity: "pass" }, { severity: "warn" }]); // "warn"
 * ```
 */
export function worstSeverity(diagnostics: readonly Pick<Diagnostic, "severity">[]): Severity {
  for (const s of WORST_FIRST) if (diagnostics.some((d) => d.severity === s)) return s;
  return "info";
}

/**
 * The diagnostics at least as severe as `level` (`warn`: warnings and failures; `fail`: failures only), in the
 * ordering of {@link worstSeverity}.
 *
 * @example
 * ```ts
 * failingChecks([{ severity: "warn" }, { severity: "pass" }], "warn").length; // 1
 * ```
 */
export function failingChecks<D extends Pick<Diagnostic, "severity">>(
  diagnostics: readonly D[],
  level: "warn" | "fail",
): D[] {
  const worst = WORST_FIRST.slice(0, WORST_FIRST.indexOf(level) + 1);
  return diagnostics.filter((d) => worst.includes(d.severity));
}

/** A number, string, boolean or null: the values a diagnostic's evidence may hold (JSON-safe). */
export type EvidenceValue = number | string | boolean | null | readonly (number | string | null)[];

/**
 * One identifying assumption or warning sign, as data: a stable code from the catalogue, a severity, the evidence
 * (numbers), and a sentence a product manager can read. Designs return these in `result.diagnostics`; reports
 * render them.
 *
 * @example
 * ```ts
 * import { diagnostic } from "truelift";
 * const d = diagnostic("D_RDD_FEW_EFFECTIVE", "warn", { nBelow: 12, nAbove: 40 });
 * d.message; // "Only 12 observations on one side within the bandwidth: treat the estimate as fragile."
 * ```
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  readonly message: string;
}

type Messages = typeof DIAGNOSTIC_MESSAGES;

/**
 * The evidence a code's message template reads (and the diagnostic keeps).
 *
 * @example
 * ```ts
 * const e: DiagnosticEvidence<"D_RDD_FEW_EFFECTIVE"> = { nBelow: 12, nAbove: 40 };
 * ```
 */
export type DiagnosticEvidence<C extends DiagnosticCode> = Parameters<Messages[C]>[0] &
  Readonly<Record<string, EvidenceValue>>;

/**
 * The trailing arguments of {@link diagnostic} for a code: none, or the display-only details its template needs
 * besides the evidence.
 *
 * @example
 * ```ts
 * const none: DiagnosticDetailArgs<"D_RDD_FEW_EFFECTIVE"> = [];
 * ```
 */
export type DiagnosticDetailArgs<C extends DiagnosticCode> =
  Parameters<Messages[C]> extends [unknown, unknown, infer D]
    ? [detail: D]
    : Parameters<Messages[C]> extends [unknown] | [unknown, unknown]
      ? []
      : Parameters<Messages[C]> extends [unknown, unknown, (infer D)?]
        ? [detail?: D]
        : [];

const TEMPLATES: Readonly<Record<DiagnosticCode, DiagnosticTemplate>> = DIAGNOSTIC_MESSAGES;

/**
 * Builds a frozen {@link Diagnostic}; its message comes from the code's template in the catalogue
 * (`core/messages.ts`), written from the evidence, the severity and, for a few codes, display-only details.
 *
 * @example
 * ```ts
 * diagnostic("D_RDD_FEW_EFFECTIVE", "warn", { nBelow: 12, nAbove: 40 }).message;
 * // "Only 12 observations on one side within the bandwidth: treat the estimate as fragile."
 * ```
 */
export function diagnostic<C extends DiagnosticCode>(
  code: C,
  severity: Severity,
  evidence: DiagnosticEvidence<C>,
  ...detail: DiagnosticDetailArgs<C>
): Diagnostic;
/**
 * Builds a frozen {@link Diagnostic} with a message written by the caller.
 *
 * @deprecated Messages belong in the catalogue: drop the message argument and let the code's template write it.
 * @example
 * ```ts
 * diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters.");
 * ```
 */
export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  evidence: Record<string, EvidenceValue>,
  message: string,
): Diagnostic;
export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  evidence: Readonly<Record<string, EvidenceValue>>,
  ...rest: readonly unknown[]
): Diagnostic {
  const extra = rest[0];
  const message =
    typeof extra === "string"
      ? extra
      : TEMPLATES[code](evidence, { severity, summary: DIAGNOSTIC_CATALOGUE[code] }, extra);
  return Object.freeze({ code, severity, evidence: Object.freeze({ ...evidence }), message });
}
