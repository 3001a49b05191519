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

/** A number, string, boolean or null: the values a diagnostic's evidence may hold (JSON-safe). */
export type EvidenceValue = number | string | boolean | null | readonly (number | string | null)[];

/**
 * One identifying assumption or warning sign, as data: a stable code, a severity, the evidence (numbers), and a
 * sentence a product manager can read. Designs return these in `result.diagnostics`; reports render them.
 *
 * @example
 * ```ts
 * import { diagnostic } from "truelift";
 * const d = diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters: CR1 SEs are anti-conservative.");
 * ```
 */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly evidence: Readonly<Record<string, EvidenceValue>>;
  readonly message: string;
}

/**
 * Builds a frozen {@link Diagnostic}.
 *
 * @example
 * ```ts
 * diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters.");
 * ```
 */
export function diagnostic(
  code: string,
  severity: Severity,
  evidence: Record<string, EvidenceValue>,
  message: string,
): Diagnostic {
  return Object.freeze({ code, severity, evidence: Object.freeze({ ...evidence }), message });
}
