import { describe, expect, test } from "vitest";
import { propensity } from "../../../src/designs/propensity/index.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { LALONDE_COVARIATES, lalondeFrame } from "./lalonde.js";

describe("propensity charts", () => {
  const res = propensity(lalondeFrame(), {
    treatment: "treat",
    outcome: "re78",
    covariates: LALONDE_COVARIATES,
    trim: { rule: "crump" },
  });

  test("overlap, love plot and weight distribution compile and render", async () => {
    for (const spec of [res.charts.overlap, res.charts.love, res.charts.weights]) {
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      await compileChart(spec);
      const svg = await renderSvg(spec);
      expect(svg).toContain("<svg");
    }
  }, 60_000);

  test("tidy rows: trimming bounds on the overlap chart, one row per covariate and stage on the love plot", () => {
    const overlap = JSON.stringify(res.charts.overlap);
    expect(overlap).toContain(`trim ${res.trim?.lower.toFixed(3)}`);
    const love = res.charts.love as unknown as { data: { values: { stage: string }[] } };
    expect(love.data.values.length).toBe(2 * res.balance.rows.length);
    const weights = res.charts.weights as unknown as { data: { values: { group: string; max: number }[] } };
    expect(weights.data.values.map((r) => r.group)).toEqual(["Opt-in (treated)", "Comparison (control)"]);
  });
});
