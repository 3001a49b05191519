import { describe, expect, it } from "vitest";
import type { Frame } from "../../../src/core/frame.js";
import { experiment } from "../../../src/designs/experiment/experiment.js";
import { experimentSummary } from "../../../src/designs/experiment/summary.js";
import { readFixture } from "../../helpers/fixture.js";

const fixture = readFixture("saas_llm_logs_seed42.csv.gz");

/** The fixture with a share of the variant's light users lost (a logging bug): a sample-ratio mismatch. */
function withLostUsers(): Frame {
  const v = fixture.numeric("prompt_variant");
  const keep = Int32Array.from({ length: fixture.nrows }, (_, i) => (v[i] === 1 && i % 20 === 1 ? 0 : 1));
  return fixture.filter(keep);
}

describe("experiment: sample-ratio mismatch blocks the headline", () => {
  it("the tutorial split is healthy: SRM passes and the headline has its interval", () => {
    const r = experiment(fixture, { treatment: "prompt_variant", control: 0, metrics: ["task_completed"] });
    expect(r.diagnostics.find((d) => d.code === "D_EXPERIMENT_SRM")?.severity).toBe("pass");
    expect(r.headlineBlocked).toBe(false);
    expect(r.estimate.ci).not.toBeNull();
  });

  it("units lost in one arm: a failing SRM diagnostic with a plain sentence, the headline's inference null", () => {
    const r = experiment(withLostUsers(), {
      treatment: "prompt_variant",
      control: 0,
      metrics: ["task_completed"],
    });
    const d = r.diagnostics.find((x) => x.code === "D_EXPERIMENT_SRM");
    expect(d?.severity).toBe("fail");
    expect(d?.message).toMatch(/^Sample-ratio mismatch: .* no effect is reported/);
    expect(r.srm.pValue).toBeLessThan(0.001);
    expect(r.headlineBlocked).toBe(true);
    expect(r.estimate.se).toBeNull();
    expect(r.estimate.ci).toBeNull();
    expect(r.estimate.pValue).toBeNull();
    expect(experimentSummary(r).lines[0].value).toMatch(/^withheld: sample-ratio mismatch/);
  });

  it("a planned split that matches the observed one passes", () => {
    const lost = withLostUsers();
    const n1 = lost.numeric("prompt_variant").reduce((a, b) => a + b, 0);
    const r = experiment(lost, {
      treatment: "prompt_variant",
      control: 0,
      metrics: ["task_completed"],
      plannedSplit: [lost.nrows - n1, n1],
    });
    expect(r.srm.pValue).toBeCloseTo(1, 12);
    expect(r.headlineBlocked).toBe(false);
  });
});

describe("experiment: guardrails and multiplicity", () => {
  it("guardrails: non-inferior within a loose margin, not shown within a tight one; outside the Holm family", () => {
    const r = experiment(fixture, {
      treatment: "prompt_variant",
      control: 0,
      metrics: ["task_completed", "thumbs_up"],
      guardrails: [
        { metric: "retained_7d", margin: -0.01 },
        { metric: "cost_usd", margin: 0.00001 },
      ],
    });
    const g = r.diagnostics.filter((d) => d.code === "D_EXPERIMENT_GUARDRAIL");
    expect(g.map((d) => d.severity)).toEqual(["pass", "warn"]);
    expect(g[0].message).toMatch(/^Guardrail retained_7d holds for variant 1/);
    const retained = r.comparisons.find((c) => c.metric === "retained_7d");
    expect(retained?.pAdjusted).toBeNull();
    expect(retained?.guardrail?.bound).toBeGreaterThan(-0.01);
    const primary = r.comparisons.filter((c) => c.role === "primary");
    const p = primary.map((c) => c.difference.pValue as number);
    // Holm with two tests: the smaller p doubled, the larger max(2·p₁, p₂).
    const [lo, hi] = p[0] < p[1] ? [0, 1] : [1, 0];
    expect(primary[lo].pAdjusted).toBeCloseTo(Math.min(1, 2 * p[lo]), 15);
    expect(primary[hi].pAdjusted).toBeCloseTo(Math.max(2 * p[lo], p[hi]), 15);
    expect(r.diagnostics.find((d) => d.code === "D_EXPERIMENT_MULTIPLE_TESTING")?.evidence.tests).toBe(2);
  });

  it("--adjust bh and none", () => {
    const spec = {
      treatment: "prompt_variant",
      control: 0,
      metrics: ["task_completed", "thumbs_up", "retained_7d"],
    };
    const bh = experiment(fixture, { ...spec, adjust: "bh" });
    const none = experiment(fixture, { ...spec, adjust: "none" });
    for (const c of none.comparisons) expect(c.pAdjusted).toBe(c.difference.pValue);
    for (const c of bh.comparisons)
      expect(c.pAdjusted as number).toBeGreaterThanOrEqual(c.difference.pValue as number);
  });
});
