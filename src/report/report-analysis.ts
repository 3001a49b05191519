import type { DeepReadonly, Json } from "../core/result.js";
import type { ChartSpec } from "../designs/shared/charts/types.js";
import type { Design, DesignAnalysis, DesignResult } from "../designs/shared/contract.js";
import { designAnalysis } from "../designs/shared/register.js";
import type { ReportAnalysis, ReportChart } from "./report-types.js";

/**
 * Options of {@link reportAnalysis}: the section id (required), and optionally the title, question, ground truth,
 * units, input hash and seed (when the runner knows them better than the result's own provenance).
 *
 * - `title`: __Default value:__ the design summary's title (e.g. "Difference-in-differences (two-group) on y");
 * - `question`: __Default value:__ "What was the effect of the treatment on <outcome>?";
 * - `truth`: __Default value:__ null (unknown);
 * - `inputHash`, `seed`: __Default value:__ the result's `provenance.inputHash` / `provenance.seed`, else null.
 *
 * @example
 * ```ts
 * import type { ReportAnalysisOptions } from "truelift";
 * const o: ReportAnalysisOptions = { id: "waves", question: "Did the staged rollout raise completion?", truth: 0.05 };
 * ```
 */
export interface ReportAnalysisOptions {
  readonly id: string;
  readonly title?: string;
  readonly question?: string;
  readonly truth?: number | null;
  readonly units?: string;
  readonly inputHash?: string | null;
  readonly seed?: number | null;
}

function chartTitle(spec: ChartSpec, fallback: string): string {
  const t = spec.title;
  if (typeof t === "string") return t;
  if (t !== null && typeof t === "object" && !Array.isArray(t)) {
    const text = (t as { readonly text?: Json }).text;
    if (typeof text === "string") return text;
    if (Array.isArray(text)) return text.join(" ");
  }
  return fallback;
}

/** The non-null charts of a result's `charts` object, titled from their specs (key order). */
function chartList(charts: Readonly<Record<string, ChartSpec | null>>): ReportChart[] {
  return Object.entries(charts)
    .filter((e): e is [string, ChartSpec] => e[1] !== null && e[1] !== undefined)
    .map(([key, spec]) => ({ title: chartTitle(spec, key), spec }));
}

/**
 * Turns a design's analysis ({@link DesignAnalysis}: the result plus what its report adapter derived) into a
 * report section ({@link ReportAnalysis}): the headline estimate, the design's summary lines, the naive contrast,
 * every diagnostic, the charts (titled from their specs), and provenance. `nextSteps` is left for the renderers
 * to derive from the diagnostics.
 *
 * @example
 * ```ts
 * import { designReport, didDesign, registerDesign } from "truelift";
 * const a = designReport(await registerDesign(didDesign).analyze(frame, spec), { id: "waves", truth: 0.05 });
 * a.naive?.label; // "Treated group before vs after launch"
 * ```
 */
export function designReport(analysis: DesignAnalysis, options: ReportAnalysisOptions): ReportAnalysis {
  const r = analysis.result;
  return {
    id: options.id,
    title: options.title ?? analysis.summary.title,
    design: analysis.design,
    question: options.question ?? `What was the effect of the treatment on ${r.outcome}?`,
    estimate: r.estimate,
    ...(options.units !== undefined ? { units: options.units } : {}),
    naive: analysis.naive,
    truth: options.truth ?? null,
    lines: analysis.summary.lines,
    diagnostics: r.diagnostics,
    charts: chartList(analysis.charts),
    provenance: {
      spec: r.provenance.spec,
      inputHash: options.inputHash ?? r.provenance.inputHash ?? null,
      seed: options.seed ?? r.provenance.seed ?? null,
      version: r.provenance.version,
      engine: r.provenance.engine,
    },
    alpha: r.alpha,
    result: r,
  };
}

/**
 * A report section from a design and one of its results: applies the design's report adapter (summary, naive
 * contrast — DiD: treated before/after; cluster: user-level comparison; synth: treated before/after; RD: treated
 * vs untreated rows; propensity: raw difference — and charts) and builds the section with {@link designReport}.
 *
 * @example
 * ```ts
 * import { did, didDesign, reportAnalysis } from "truelift";
 * const a = reportAnalysis(didDesign, did(frame, spec), { id: "waves", truth: 0.05 });
 * a.naive?.label; // "Treated group before vs after launch"
 * ```
 */
export function reportAnalysis<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  result: DeepReadonly<R>,
  options: ReportAnalysisOptions,
): ReportAnalysis {
  return designReport(designAnalysis(design, result), options);
}
