import type { Diagnostic } from "../core/diagnostics.js";
import type { DeepReadonly, Json, Provenance, Term } from "../core/result.js";
import type { ClusterResult } from "../designs/cluster/cluster.js";
import { clusterSummary } from "../designs/cluster/summary.js";
import type { DidResult } from "../designs/did/did.js";
import { didSummary } from "../designs/did/summary.js";
import { propensityEstimatesChart } from "../designs/propensity/estimates-chart.js";
import type { PropensityResult } from "../designs/propensity/propensity.js";
import { propensitySummary } from "../designs/propensity/summary.js";
import type { RddResult } from "../designs/rdd/rdd.js";
import { rddSummary } from "../designs/rdd/summary.js";
import type { ChartSpec } from "../designs/shared/charts/types.js";
import type { DesignSummary } from "../designs/shared/summary.js";
import { synthSummary } from "../designs/synth/summary.js";
import type { SynthResult } from "../designs/synth/synth.js";
import type { ReportAnalysis, ReportChart, ReportDesign, ReportNaive } from "./report-types.js";

/**
 * The result type of each design, as the design functions return it (keyed by design name).
 *
 * @example
 * ```ts
 * import type { ReportDesignResults } from "truelift";
 * const r: ReportDesignResults["did"] = did(frame, spec);
 * ```
 */
export interface ReportDesignResults {
  readonly did: DeepReadonly<DidResult>;
  readonly propensity: DeepReadonly<PropensityResult>;
  readonly rdd: DeepReadonly<RddResult>;
  readonly synth: DeepReadonly<SynthResult>;
  readonly cluster: DeepReadonly<ClusterResult>;
}

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

interface Parts {
  readonly title: string;
  readonly outcome: string;
  readonly lines: ReportAnalysis["lines"];
  readonly naive: ReportNaive | null;
  readonly charts: Readonly<Record<string, ChartSpec | null>>;
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

/** What the report needs from each design beyond the common fields: its summary, naive contrast and extra charts. */
interface DesignAdapter<R> {
  readonly summary: (result: R) => DesignSummary;
  readonly naive: (result: R) => ReportNaive;
  readonly extraCharts?: (result: R) => Record<string, ChartSpec | null>;
}

const ADAPTERS: { readonly [D in ReportDesign]: DesignAdapter<ReportDesignResults[D]> } = {
  did: {
    summary: didSummary,
    naive: (r) => ({ label: "Treated group before vs after launch", estimate: r.naive.beforeAfter.estimate }),
  },
  cluster: {
    summary: clusterSummary,
    naive: (r) => ({
      label: "User-level comparison (users treated as independent)",
      estimate: r.naive.userLevel.estimate,
    }),
  },
  synth: {
    summary: synthSummary,
    naive: (r) => ({ label: "Treated unit before vs after launch", estimate: r.naive.beforeAfter }),
  },
  rdd: {
    summary: rddSummary,
    naive: (r) => ({
      label:
        r.naive.treatment === null
          ? "Above vs below the cutoff (all rows)"
          : "Treated vs untreated rows (all rows)",
      estimate: (r.naive.treatment ?? r.naive.sides).estimate,
    }),
  },
  propensity: {
    summary: propensitySummary,
    naive: (r) => ({
      label: "Treated minus untreated (raw difference)",
      estimate: r.naive.difference.estimate,
    }),
    extraCharts: (r) => ({ estimates: propensityEstimatesChart(r) }),
  },
};

function parts<D extends ReportDesign>(design: D, result: ReportDesignResults[D]): Parts {
  const adapter = ADAPTERS[design] as DesignAdapter<ReportDesignResults[D]> | undefined;
  if (!adapter) throw new Error(`reportAnalysis: unknown design '${String(design)}'`);
  const s = adapter.summary(result);
  return {
    title: s.title,
    outcome: result.outcome,
    lines: s.lines,
    naive: adapter.naive(result),
    charts: {
      ...(result.charts as unknown as Record<string, ChartSpec | null>),
      ...adapter.extraCharts?.(result),
    },
  };
}

/**
 * Turns a design result into a report section ({@link ReportAnalysis}): the headline estimate, the design's
 * summary lines, the naive contrast (DiD: treated before/after; cluster: user-level comparison; synth: treated
 * before/after; RD: treated vs untreated rows; propensity: raw difference), every diagnostic, the result's
 * charts (titled from their specs; propensity adds `propensityEstimatesChart`), and provenance. `nextSteps` is left for the renderers to derive.
 *
 * @example
 * ```ts
 * import { did, reportAnalysis } from "truelift";
 * const a = reportAnalysis("did", did(frame, spec), { id: "waves", truth: 0.05 });
 * a.naive?.label; // "Treated group before vs after launch"
 * ```
 */
export function reportAnalysis<D extends ReportDesign>(
  design: D,
  result: ReportDesignResults[D],
  options: ReportAnalysisOptions,
): ReportAnalysis {
  const p = parts(design, result);
  const r = result as unknown as {
    readonly estimate: Term;
    readonly alpha: number;
    readonly diagnostics: readonly Diagnostic[];
    readonly provenance: Provenance;
  };
  return {
    id: options.id,
    title: options.title ?? p.title,
    design,
    question: options.question ?? `What was the effect of the treatment on ${p.outcome}?`,
    estimate: r.estimate,
    ...(options.units !== undefined ? { units: options.units } : {}),
    naive: p.naive,
    truth: options.truth ?? null,
    lines: p.lines,
    diagnostics: r.diagnostics,
    charts: chartList(p.charts),
    provenance: {
      spec: r.provenance.spec,
      inputHash: options.inputHash ?? r.provenance.inputHash ?? null,
      seed: options.seed ?? r.provenance.seed ?? null,
      version: r.provenance.version,
      engine: r.provenance.engine,
    },
    alpha: r.alpha,
    result,
  };
}
