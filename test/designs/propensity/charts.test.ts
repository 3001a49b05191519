import { describe, expect, test } from "vitest";
import { propensity, propensityCharts, propensityLovePlot } from "../../../src/designs/propensity/index.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { LALONDE_COVARIATES, lalondeFrame } from "./lalonde.js";

describe("propensity charts", () => {
  const res = propensity(lalondeFrame(), {
    treatment: "treat",
    outcome: "re78",
    covariates: LALONDE_COVARIATES,
    trim: { rule: "crump" },
  });
  const charts = propensityCharts(res);

  test("overlap, love plot and weight distribution compile and render", async () => {
    for (const spec of [charts.overlap, charts.love, charts.weights]) {
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      await compileChart(spec);
      const svg = await renderSvg(spec);
      expect(svg).toContain("<svg");
    }
  }, 60_000);

  test("tidy rows: trimming bounds on the overlap chart, one row per covariate and stage on the love plot", () => {
    const overlap = JSON.stringify(charts.overlap);
    expect(overlap).toContain(`trim ${res.trim?.lower.toFixed(3)}`);
    const love = charts.love as unknown as { data: { values: { stage: string }[] } };
    expect(love.data.values.length).toBe(3 * res.balance.rows.length);
    const weights = charts.weights as unknown as { data: { values: { group: string; max: number }[] } };
    expect(weights.data.values.map((r) => r.group)).toEqual(["Opt-in (treated)", "Comparison (control)"]);
  });

  test("overlap: a mirrored histogram in opaque legend colours (treated above the axis, comparison below)", async () => {
    type Spec = {
      data: { values: { group: string; share: number; signedShare: number }[] };
      layer: {
        name: string;
        mark?: { type: string; opacity?: number };
        encoding?: {
          y?: { field?: string };
          y2?: object;
          color?: { scale?: { domain: string[]; range: string[] } };
        };
      }[];
    };
    const spec = JSON.parse(JSON.stringify(charts.overlap)) as Spec;
    for (const r of spec.data.values) {
      expect(r.signedShare).toBe(r.group === "Opt-in (treated)" || r.share === 0 ? r.share : -r.share);
    }
    const bars = spec.layer.find((l) => l.name === "bars");
    expect(bars?.mark).toEqual({ type: "rect", opacity: 1, stroke: "white", strokeWidth: 0.5 });
    expect(bars?.encoding?.y?.field).toBe("signedShare");
    expect(bars?.encoding?.y2).toEqual({ datum: 0 });
    const legend = bars?.encoding?.color?.scale;
    expect(legend?.domain).toEqual(["Opt-in (treated)", "Comparison (control)"]);
    // every bar drawn is fully opaque and in one of the two legend colours: no blended third colour
    const svg = await renderSvg(charts.overlap);
    const group = svg.match(/<g class="mark-rect role-mark bars_marks"[^>]*>(.*?)<\/g>/)?.[1] ?? "";
    const fills = new Set([...group.matchAll(/fill="([^"]+)"/g)].map((m) => m[1].toUpperCase()));
    expect(fills.size).toBe(2);
    expect([...fills].sort()).toEqual([...(legend?.range ?? [])].map((c) => c.toUpperCase()).sort());
    expect(group).not.toMatch(/fill-opacity="0\./);
  }, 60_000);

  test("love plot: raw / weighted / matched (1-NN) series in that legend order, threshold rule; two without matching", async () => {
    type Love = {
      data: { values: { covariate: string; stage: string; smd: number }[] };
      layer: {
        encoding?: { color?: { scale?: { domain?: string[] } }; shape?: { scale?: { domain?: string[] } } };
      }[];
    };
    const love = charts.love as unknown as Love;
    const stages = ["Before weighting", "After weighting (ATE)", "Matched (1-NN)"];
    const points = love.layer.find((l) => l.encoding?.color?.scale?.domain);
    expect(points?.encoding?.color?.scale?.domain).toEqual(stages);
    expect(points?.encoding?.shape?.scale?.domain).toEqual(stages);
    for (const row of res.balance.rows) {
      const m = love.data.values.find((v) => v.covariate === row.covariate && v.stage === "Matched (1-NN)");
      expect(m?.smd).toBe(Math.abs(row.smdMatched as number));
    }
    expect(JSON.stringify(love)).toContain(`"${res.balance.threshold}"`);
    const unmatched = propensityLovePlot({
      ...res.balance,
      maxAbsSmdMatched: null,
      rows: res.balance.rows.map((r) => ({ ...r, smdMatched: null })),
    }) as unknown as Love;
    expect(unmatched.data.values.length).toBe(2 * res.balance.rows.length);
    expect(
      unmatched.layer.find((l) => l.encoding?.color?.scale?.domain)?.encoding?.color?.scale?.domain,
    ).toEqual(stages.slice(0, 2));
    await compileChart(unmatched as never);
  }, 60_000);
});
