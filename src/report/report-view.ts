import type { Diagnostic, Severity } from "../core/diagnostics.js";
import { worstSeverity } from "../core/diagnostics.js";
import { intervalText, pValueText, signed } from "../core/format.js";
import { nextSteps } from "./next-steps.js";
import type { ReportAnalysis } from "./report-types.js";

/**
 * One headline number of a report section: a label, the exact value (what results.json holds) and its display
 * text (what the HTML and Markdown show). Every renderer reads the same rows, so their numbers agree.
 *
 * @example
 * ```ts
 * import type { ReportNumber } from "truelift";
 * const n: ReportNumber = { key: "estimate", label: "truelift estimate", value: 0.0541, text: "+0.0541" };
 * ```
 */
export interface ReportNumber {
  readonly key: "estimate" | "se" | "ciLow" | "ciHigh" | "pValue" | "naive" | "truth";
  readonly label: string;
  readonly value: number | null;
  readonly text: string;
}

/**
 * The display model of one report section, derived from a {@link ReportAnalysis}: the headline numbers, the
 * estimate in words, the verdict (worst diagnostic severity), and the "what to do next" advice.
 *
 * @example
 * ```ts
 * import { reportView } from "truelift";
 * reportView(analysis).verdict; // "warn"
 * ```
 */
export interface ReportView {
  readonly analysis: ReportAnalysis;
  readonly level: number;
  readonly digits: number;
  readonly numbers: readonly ReportNumber[];
  readonly sentence: string;
  readonly ciCoversTruth: boolean | null;
  readonly verdict: Severity;
  readonly counts: Readonly<Record<Severity, number>>;
  readonly nextSteps: readonly string[];
}

/** Decimals used for a section's numbers: 4, or 5 when the estimate is below 0.01 in magnitude. */
function digitsFor(x: number): number {
  return Math.abs(x) < 0.01 && x !== 0 ? 5 : 4;
}

function sentence(a: ReportAnalysis, level: number, digits: number, covers: boolean | null): string {
  const e = a.estimate;
  const units = a.units ? ` ${a.units}` : "";
  const parts: string[] = [];
  const ci = e.ci;
  if (ci === null) {
    parts.push(
      `truelift estimates an effect of ${signed(e.estimate, digits)}${units}; no confidence interval could be computed (see the checks below).`,
    );
  } else {
    const excludesZero = ci[0] > 0 || ci[1] < 0;
    // The headline's own p-value (for synth the placebo pseudo p) must agree before the words claim an effect.
    const pAgrees = e.pValue === null || e.pValue < a.alpha;
    parts.push(
      `truelift estimates an effect of ${signed(e.estimate, digits)}${units} (${level}% CI ${signed(ci[0], digits)} to ${signed(ci[1], digits)}). ` +
        (!excludesZero
          ? "The interval includes zero: the data are consistent with no effect."
          : pAgrees
            ? `The interval excludes zero: the data show a ${e.estimate > 0 ? "positive" : "negative"} effect.`
            : `The interval excludes zero, but the design's p-value is ${pValueText(e.pValue)} (not below ${a.alpha}): the data do not show a clear effect.`),
    );
  }
  if (a.naive !== null) {
    parts.push(
      `A naive analysis (${a.naive.label.toLowerCase()}) would have said ${signed(a.naive.estimate, digits)}.`,
    );
  }
  if (a.truth !== undefined && a.truth !== null) {
    parts.push(
      `The true effect, known because the data are simulated, is ${signed(a.truth, digits)}` +
        (covers === null ? "." : covers ? "; the interval covers it." : "; the interval misses it."),
    );
  }
  return parts.join(" ");
}

/**
 * Builds the {@link ReportView} of one analysis. `nextSteps` is the analysis's own list when given, otherwise
 * derived from its diagnostics with `nextSteps` (src/report/next-steps.ts).
 *
 * @example
 * ```ts
 * import { reportView } from "truelift";
 * reportView(analysis).numbers.find((n) => n.key === "estimate")?.text; // "+0.0541"
 * ```
 */
export function reportView(a: ReportAnalysis): ReportView {
  const level = Math.round((1 - a.alpha) * 1000) / 10;
  const e = a.estimate;
  const digits = digitsFor(e.estimate);
  const truth = a.truth ?? null;
  const covers = truth === null || e.ci === null ? null : e.ci[0] <= truth && truth <= e.ci[1];
  const numbers: ReportNumber[] = [
    { key: "estimate", label: "truelift estimate", value: e.estimate, text: signed(e.estimate, digits) },
    { key: "se", label: "Standard error", value: e.se, text: e.se === null ? "n/a" : e.se.toFixed(digits) },
    {
      key: "ciLow",
      label: `${level}% CI low`,
      value: e.ci?.[0] ?? null,
      text: signed(e.ci?.[0] ?? null, digits),
    },
    {
      key: "ciHigh",
      label: `${level}% CI high`,
      value: e.ci?.[1] ?? null,
      text: signed(e.ci?.[1] ?? null, digits),
    },
    { key: "pValue", label: "p-value", value: e.pValue, text: pValueText(e.pValue) },
  ];
  if (a.naive !== null) {
    numbers.push({
      key: "naive",
      label: `Naive: ${a.naive.label}`,
      value: a.naive.estimate,
      text: signed(a.naive.estimate, digits),
    });
  }
  if (truth !== null)
    numbers.push({ key: "truth", label: "Ground truth", value: truth, text: signed(truth, digits) });
  const counts = { pass: 0, warn: 0, fail: 0, info: 0 };
  for (const d of a.diagnostics) counts[d.severity] += 1;
  return {
    analysis: a,
    level,
    digits,
    numbers,
    sentence: sentence(a, level, digits, covers),
    ciCoversTruth: covers,
    verdict: worstSeverity(a.diagnostics),
    counts,
    nextSteps: a.nextSteps ?? nextSteps(a.diagnostics),
  };
}

/**
 * The estimate with its interval on one line, e.g. "+0.0541 [+0.0323, +0.0760]".
 *
 * @example
 * ```ts
 * import { estimateWithCi } from "truelift";
 * estimateWithCi(reportView(analysis)); // "+0.0541 [+0.0323, +0.0760]"
 * ```
 */
export function estimateWithCi(v: ReportView): string {
  const e = v.analysis.estimate;
  return `${signed(e.estimate, v.digits)} ${intervalText(e.ci, v.digits)}`;
}

/**
 * A diagnostic's evidence as "key = value" strings (numbers to 4 significant digits, arrays comma-joined).
 *
 * @example
 * ```ts
 * import { evidenceItems } from "truelift";
 * evidenceItems({ clusters: 12, p: 0.01234 }); // ["clusters = 12", "p = 0.01234"]
 * ```
 */
export function evidenceItems(evidence: Diagnostic["evidence"]): string[] {
  const show = (v: unknown): string => {
    if (v === null) return "n/a";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
    return String(v);
  };
  return Object.entries(evidence).map(
    ([k, v]) => `${k} = ${Array.isArray(v) ? v.map(show).join(", ") : show(v)}`,
  );
}

export { worstSeverity };
