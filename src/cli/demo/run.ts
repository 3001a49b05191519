import type { Severity } from "../../core/diagnostics.js";
import { fixed, pValueText, signed } from "../../core/format.js";
import type { Frame } from "../../core/frame.js";
import type { Term } from "../../core/result.js";
import { cluster } from "../../designs/cluster/cluster.js";
import { clusterDesign } from "../../designs/cluster/design.js";
import { didDesign } from "../../designs/did/design.js";
import { did } from "../../designs/did/did.js";
import { propensityDesign } from "../../designs/propensity/design.js";
import { propensity } from "../../designs/propensity/propensity.js";
import { rddDesign } from "../../designs/rdd/design.js";
import { rdd } from "../../designs/rdd/rdd.js";
import { synthDesign } from "../../designs/synth/design.js";
import { synth } from "../../designs/synth/synth.js";
import type { ChartRenderer } from "../../report/chart-renderer.js";
import { reportAnalysis } from "../../report/report-analysis.js";
import type { ReportAnalysis } from "../../report/report-types.js";
import { reportView } from "../../report/report-view.js";
import type { DemoProgress } from "./progress.js";
import { DEMO_STORIES, type DemoSpecs, type DemoStory } from "./tutorial.js";

/** One line of the demo's one-screen summary. */
export interface DemoRow {
  readonly design: DemoStory["design"];
  readonly rollout: string;
  readonly naiveLabel: string;
  readonly naive: number | null;
  readonly estimate: number;
  readonly se: number | null;
  readonly ci: readonly [number, number] | null;
  /** Where the interval comes from (e.g. "CR1, t(49)" or "bootstrap, 500 reps"). */
  readonly ciSource: string;
  readonly truth: number;
  readonly ciCoversTruth: boolean | null;
  readonly keyCheck: { readonly code: string; readonly label: string; readonly severity: Severity | null };
  /** The analysis's verdict over all its checks: the report table's, read from `reportView` (one source). */
  readonly verdict: Severity;
  readonly note: string;
  /**
   * Why the headline differs from the design command's own, when it does (cluster: the direct effect, not the
   * cluster-mean WLS `truelift cluster` prints); null otherwise.
   */
  readonly headlineNote: string | null;
}

/** The demo's analyses (report sections) and its summary rows, in the tutorials' order. */
export interface DemoRun {
  readonly analyses: readonly ReportAnalysis[];
  readonly rows: readonly DemoRow[];
  /** Wall-clock seconds of each design, by design. */
  readonly seconds: Readonly<Record<string, number>>;
}

const STEP_LABELS: Record<DemoStory["design"], string> = {
  did: "difference-in-differences",
  propensity: "propensity scores (bootstrap)",
  rdd: "regression discontinuity (bootstrap)",
  synth: "synthetic control (placebos, bootstrap)",
  cluster: "cluster randomization (bootstrap)",
};

interface Ran {
  readonly analysis: ReportAnalysis;
  readonly ciOverride?: { readonly ci: readonly [number, number] | null; readonly source: string };
  readonly ciSource: string;
  readonly note: string;
  readonly headlineNote?: string | null;
}

function refText(t: Term): string {
  return t.df === null ? "normal" : `t(${Math.round(t.df * 10) / 10})`;
}

function runOne(story: DemoStory, frame: Frame, specs: DemoSpecs, ctx: RunContext): Ran {
  const base = {
    id: story.id,
    title: story.title,
    question: story.question,
    truth: story.truth,
    units: story.units,
    inputHash: ctx.inputHash,
    seed: ctx.seed,
  };
  switch (story.design) {
    case "did": {
      const r = did(frame, specs.did);
      const twoByTwo = r.twoByTwo ? `2×2 DiD ${signed(r.twoByTwo.term.estimate)}` : "";
      const placebo = r.placebo ? `; placebo slope p ${pValueText(r.placebo.slopeDifference.pValue)}` : "";
      return {
        analysis: reportAnalysis(didDesign, r, base),
        ciSource: `CR1 by workspace, ${refText(r.estimate)}`,
        note: `${twoByTwo}${placebo}`,
      };
    }
    case "propensity": {
      const r = propensity(frame, specs.propensity);
      return {
        analysis: reportAnalysis(propensityDesign, r, base),
        ciSource: "sandwich, normal",
        note: `ATT ${signed(r.ipw.att.estimate)}; propensity AUC ${fixed(r.model.auc, 3)}`,
      };
    }
    case "rdd": {
      const r = rdd(frame, specs.rdd);
      const n = r.fit.nEffective.below + r.fit.nEffective.above;
      return {
        analysis: reportAnalysis(rddDesign, r, base),
        ciSource: "HC3, normal",
        note: `bw ±0.10 (n ${n.toLocaleString("en-US")}); bootstrap CI ${ciText(r.bootstrap?.headline?.ci ?? null)}`,
      };
    }
    case "synth": {
      const r = synth(frame, specs.synth);
      const boot = r.bootstrap;
      return {
        analysis: reportAnalysis(synthDesign, r, base),
        ciOverride: boot ? { ci: boot.ci, source: `user bootstrap, ${boot.reps} reps` } : undefined,
        ciSource: "placebo p only",
        note: `pre-RMSE ${fixed(r.fit.preRmspe)}; placebo p ${pValueText(r.estimate.pValue)}`,
      };
    }
    case "cluster": {
      const r = cluster(frame, specs.cluster);
      const a = reportAnalysis(clusterDesign, r, base);
      const two = r.twoExposure;
      // The story is the direct effect net of spillover; the design's own headline (cluster-mean WLS) stays in
      // the section's summary lines.
      const headlineNote = two
        ? `truelift here = the direct effect (two-exposure model: treated vs pure-control users); \`truelift cluster\` headlines the cluster-mean WLS (${signed(r.estimate.estimate)}), which compares with control clusters that spillover lifts, so it understates the direct effect.`
        : null;
      const analysis: ReportAnalysis =
        two && headlineNote
          ? {
              ...a,
              estimate: two.direct,
              lines: [{ label: "Headline shown", value: headlineNote }, ...a.lines],
            }
          : a;
      return {
        analysis,
        headlineNote,
        ciSource: `CR1 by workspace, ${refText(analysis.estimate)}`,
        note: two
          ? `spillover ${signed(two.spillover.estimate)} (truth +0.20); naive SE ${fixed(r.naive.userLevel.se)}`
          : "",
      };
    }
  }
}

function ciText(ci: readonly [number, number] | null): string {
  return ci ? `[${signed(ci[0])}, ${signed(ci[1])}]` : "n/a";
}

/** What {@link runDemo} needs besides the data and specs. */
export interface RunContext {
  readonly seed: number;
  readonly inputHash: string;
  readonly progress: DemoProgress;
  /** Starts rendering each design's charts as soon as it is done (on a worker while the next design runs). */
  readonly renderer?: Pick<ChartRenderer, "render">;
}

/**
 * Runs the five tutorial analyses on `frame` (in the tutorials' order, one progress step each) and turns each
 * result into a report section (with the ground truth and the story's question) and a summary row.
 *
 * @example
 * ```ts
 * const run = await runDemo(frame, demoSpecs(500, 42), { seed: 42, inputHash, progress });
 * run.rows[0].estimate; // the DiD estimate
 * ```
 */
export async function runDemo(frame: Frame, specs: DemoSpecs, ctx: RunContext): Promise<DemoRun> {
  const analyses: ReportAnalysis[] = [];
  const rows: DemoRow[] = [];
  const seconds: Record<string, number> = {};
  for (const story of DEMO_STORIES) {
    await ctx.progress.step(STEP_LABELS[story.design]);
    const t0 = performance.now();
    const ran = runOne(story, frame, specs, ctx);
    seconds[story.design] = (performance.now() - t0) / 1000;
    const a = ran.analysis;
    analyses.push(a);
    // Errors are reported where the report awaits the same promise (the renderer renders a spec once).
    for (const c of a.charts) ctx.renderer?.render(c.spec).catch(() => undefined);
    const ci = ran.ciOverride ? ran.ciOverride.ci : a.estimate.ci;
    const key = a.diagnostics.find((d) => d.code === story.keyCheck);
    rows.push({
      design: story.design,
      rollout: story.rollout,
      naiveLabel: a.naive?.label ?? "",
      naive: a.naive?.estimate ?? null,
      estimate: a.estimate.estimate,
      se: a.estimate.se,
      ci,
      ciSource: ran.ciOverride ? ran.ciOverride.source : ran.ciSource,
      truth: story.truth,
      ciCoversTruth: ci ? ci[0] <= story.truth && story.truth <= ci[1] : null,
      keyCheck: { code: story.keyCheck, label: story.keyCheckLabel, severity: key?.severity ?? null },
      verdict: reportView(a).verdict,
      note: ran.note,
      headlineNote: ran.headlineNote ?? null,
    });
  }
  return { analyses, rows, seconds };
}
