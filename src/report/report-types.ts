import type { Diagnostic } from "../core/diagnostics.js";
import type { Json, Term } from "../core/result.js";
import type { ChartSpec } from "../designs/shared/charts/types.js";
import type { NaiveContrast } from "../designs/shared/contract.js";
import type { SummaryLine } from "../designs/shared/summary.js";

/**
 * One titled chart of a report section: a Vega-Lite spec with its data embedded (rendered to inline SVG).
 *
 * @example
 * ```ts
 * import { didCharts, type ReportChart } from "truelift";
 * const c: ReportChart = { title: "Event study", spec: didCharts(result).trend };
 * ```
 */
export interface ReportChart {
  readonly title: string;
  readonly spec: ChartSpec;
}

/**
 * How a section's numbers can be reproduced: the canonical design spec, the SHA-256 of the input data, the seed
 * (null when nothing random ran), the truelift version and the engine.
 *
 * @example
 * ```ts
 * import type { ReportProvenance } from "truelift";
 * const p: ReportProvenance = { spec: { outcome: "y" }, inputHash: "ab12…", seed: 7, version: "0.1.0", engine: "memory" };
 * ```
 */
export interface ReportProvenance {
  readonly spec: Json;
  readonly inputHash: string | null;
  readonly seed: number | null;
  readonly version: string;
  readonly engine: "memory" | "duckdb" | "warehouse";
}

/**
 * One section of a report: one analysis, as the tidy data every renderer (HTML, Markdown, JSON) reads.
 * Build it from a design result with `reportAnalysis` (src/report/report-analysis.ts) or by hand.
 *
 * - `id`: stable, unique within a report (used as the HTML anchor after slugging);
 * - `question`: the business question in words ("Did the staged rollout raise task completion?");
 * - `estimate`: truelift's headline estimate; `naive`: the naive contrast (null when the design has none);
 * - `truth`: the known ground truth (synthetic data only; null / absent otherwise);
 * - `lines`: labelled summary lines from the design's `*-summary.ts` renderer;
 * - `diagnostics`: every check, rendered as pass/warn/fail/info badges with sentence and evidence;
 * - `charts`: titled Vega-Lite specs, rendered to inline SVG in the HTML;
 * - `nextSteps`: "what to do next" advice; when absent the renderers derive it from `diagnostics`
 *   (`nextSteps` in src/report/next-steps.ts);
 * - `result`: the full design result, written to results.json.
 *
 * @example
 * ```ts
 * import { did, reportAnalysis } from "truelift";
 * const a = reportAnalysis("did", did(frame, spec), { id: "rollout", question: "Did the rollout raise completion?" });
 * a.estimate.ci; // [0.032, 0.076]
 * ```
 */
export interface ReportAnalysis {
  readonly id: string;
  readonly title: string;
  /** The design's registry name (e.g. "did"). */
  readonly design: string;
  readonly question: string;
  readonly estimate: Term;
  /** Outcome units for the estimate in words (e.g. "percentage points"); __Default value:__ none. */
  readonly units?: string;
  readonly naive: NaiveContrast | null;
  readonly truth?: number | null;
  readonly lines: readonly SummaryLine[];
  readonly diagnostics: readonly Diagnostic[];
  readonly charts: readonly ReportChart[];
  readonly nextSteps?: readonly string[];
  readonly provenance: ReportProvenance;
  readonly alpha: number;
  readonly result: unknown;
}

/**
 * Report-level metadata: the title, when it was generated (ISO string; pass it in so output is reproducible),
 * the truelift version, and where the analyses came from (e.g. "truelift demo" or the run-spec path).
 *
 * @example
 * ```ts
 * import type { ReportMeta } from "truelift";
 * const meta: ReportMeta = { title: "truelift demo", generatedAt: "2026-11-23T19:00:00Z", version: "0.1.0", source: "truelift demo" };
 * ```
 */
export interface ReportMeta {
  readonly title: string;
  readonly generatedAt: string;
  readonly version: string;
  readonly source?: string;
  /** A paragraph under the title; __Default value:__ none. */
  readonly intro?: string;
}

/**
 * The three renderings of one report, from the same tidy data: a self-contained HTML page (inline CSS and SVG,
 * no scripts), Markdown, and JSON (the analyses with their full results).
 *
 * @example
 * ```ts
 * import { renderReport, writeReport } from "truelift";
 * const rendered = await renderReport(analyses, meta);
 * await writeReport("truelift-report", rendered);
 * ```
 */
export interface RenderedReport {
  readonly html: string;
  readonly markdown: string;
  readonly json: string;
}

/**
 * The file names {@link RenderedReport} is written to by `writeReport`.
 *
 * @example
 * ```ts
 * import { REPORT_FILES } from "truelift";
 * REPORT_FILES.html; // "index.html"
 * ```
 */
export const REPORT_FILES = { html: "index.html", markdown: "report.md", json: "results.json" } as const;
