import { describe, expect, it } from "vitest";
import { experimentDesign } from "../../../src/designs/experiment/design.js";
import { experimentCharts } from "../../../src/designs/experiment/result-charts.js";
import { registerDesign } from "../../../src/designs/shared/register.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { threeArm } from "./three-arm.js";

describe("experiment: report adapter and charts", () => {
  it("analyze through the design contract: summary, naive contrast and a lift forest that compiles without warnings", async () => {
    const spec = {
      treatment: "arm",
      control: "A",
      metrics: ["y"],
      cuped: "pre",
      ratios: [{ numerator: "tasks", denominator: "sessions" }],
    };
    const a = await registerDesign(experimentDesign).analyze(threeArm(), spec);
    expect(a.design).toBe("experiment");
    expect(a.summary.lines[0].label).toBe("Effect on y: B vs A (Welch t, CUPED)");
    expect(a.naive.label).toBe("Difference in means without adjustment");
    const lifts = a.charts.lifts;
    expect(lifts).not.toBeNull();
    const { warnings } = await compileChart(lifts as NonNullable<typeof lifts>);
    expect(warnings).toEqual([]);
    expect(await renderSvg(lifts as NonNullable<typeof lifts>)).toContain("<svg");
  });

  it("charts are a pure function of the result (same spec twice, input unmutated)", async () => {
    const { experiment } = await import("../../../src/designs/experiment/experiment.js");
    const r = experiment(threeArm(), { treatment: "arm", control: "A", metrics: ["y", "conv"] });
    const before = JSON.stringify(r);
    expect(experimentCharts(r)).toEqual(experimentCharts(r));
    expect(JSON.stringify(r)).toBe(before);
  });
});
