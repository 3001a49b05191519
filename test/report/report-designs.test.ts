import { describe, expect, it } from "vitest";
import { cluster } from "../../src/designs/cluster/cluster.js";
import { clusterDesign } from "../../src/designs/cluster/design.js";
import { didDesign } from "../../src/designs/did/design.js";
import { did } from "../../src/designs/did/did.js";
import { propensityDesign } from "../../src/designs/propensity/design.js";
import { propensity } from "../../src/designs/propensity/propensity.js";
import { rddDesign } from "../../src/designs/rdd/design.js";
import { rdd } from "../../src/designs/rdd/rdd.js";
import { synthDesign } from "../../src/designs/synth/design.js";
import { synth } from "../../src/designs/synth/synth.js";
import { renderReport } from "../../src/report/report.js";
import { reportAnalysis } from "../../src/report/report-analysis.js";
import { clusterFixture } from "../designs/cluster/cluster-fixture.js";
import { readFixture } from "../helpers/fixture.js";

const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const logs = readFixture("saas_llm_logs_seed42.csv.gz");

// The five tutorial analyses (../shared/fixtures/README.md), one report section each.
const analyses = [
  reportAnalysis(
    didDesign,
    did(logs, {
      outcome: "task_completed",
      time: "signup_week",
      treatment: { startColumn: "treatment_week" },
      cluster: "workspace_id",
      covariates: ["engagement_tier"],
    }),
    { id: "did", truth: 0.05 },
  ),
  reportAnalysis(
    propensityDesign,
    propensity(logs, {
      treatment: "opt_in_agent_mode",
      outcome: "task_completed",
      covariates: ["engagement_tier", "query_confidence"],
      estimator: "ipw",
    }),
    { id: "propensity" },
  ),
  reportAnalysis(
    rddDesign,
    rdd(logs, {
      outcome: "task_completed",
      running: "query_confidence",
      cutoff: 0.85,
      treated: "below",
      treatment: "routed_to_premium",
    }),
    { id: "rdd" },
  ),
  reportAnalysis(
    synthDesign,
    synth(logs, {
      outcome: "task_completed",
      unit: "workspace_id",
      time: "signup_week",
      treated: ids(0, 25),
      donors: ids(25, 50),
      treatmentStart: 20,
      window: { from: 0, to: 29 },
    }),
    { id: "synth" },
  ),
  reportAnalysis(
    clusterDesign,
    cluster(clusterFixture(), {
      outcome: "session_minutes_obs",
      treatment: { column: "wave", treatedValues: [1] },
      cluster: "workspace_id",
      exposure: { column: "opt_in_agent_mode" },
      inference: { pairs: false },
    }),
    { id: "cluster" },
  ),
];
const warnings: string[] = [];
const rendered = await renderReport(
  analyses,
  { title: "All five designs", generatedAt: "2026-11-23T00:00:00Z", version: "0.1.0" },
  { onChartWarning: (w) => warnings.push(w) },
);
const doc = JSON.parse(rendered.json);

describe("report sections from every design", () => {
  it("headline and naive numbers match the tutorial's (../shared/fixtures/README.md)", () => {
    const byId = Object.fromEntries(doc.analyses.map((a: { id: string }) => [a.id, a]));
    expect(byId.did.estimate.estimate).toBeCloseTo(0.0541, 4);
    expect(byId.propensity.naive.estimate).toBeCloseTo(0.2106, 4);
    expect(byId.propensity.estimate.estimate).toBeCloseTo(0.0848, 4);
    expect(byId.rdd.naive.estimate).toBeCloseTo(0.0632, 4);
    expect(byId.synth.estimate.estimate).toBeCloseTo(0.0829, 4);
    expect(byId.cluster.estimate.estimate).toBeCloseTo(0.6723, 4);
    expect(byId.cluster.estimate.se).toBeCloseTo(0.0652, 4);
  });

  it("every design contributes titled charts, all rendered to SVG with marks and no warnings", () => {
    for (const a of analyses) expect(a.charts.length, a.design).toBeGreaterThan(0);
    const figures = rendered.html.match(/<figure class="chart">[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.length).toBe(analyses.reduce((s, a) => s + a.charts.length, 0));
    for (const f of figures) {
      expect(f).not.toContain("chart-error");
      expect(f).toMatch(/<svg[\s\S]*(<path|<line|<circle|<rect)/);
    }
    expect(warnings).toEqual([]);
  });

  it("each section has the question, a verdict badge, checks and provenance", () => {
    expect(rendered.html.match(/<section class="analysis"/g)).toHaveLength(5);
    for (const a of analyses) {
      expect(rendered.html).toContain(`id="a-${a.id}" data-design="${a.design}"`);
      expect(a.diagnostics.length).toBeGreaterThan(0);
      expect(a.lines.length).toBeGreaterThan(0);
    }
    expect(rendered.html.match(/<h3>Provenance<\/h3>/g)).toHaveLength(5);
  });
});
