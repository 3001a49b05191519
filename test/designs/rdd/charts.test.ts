import { describe, expect, it } from "vitest";
import { generateRdd } from "../../../src/data/generate/rdd-generate.js";
import { cutoffBinCounts } from "../../../src/designs/rdd/bins.js";
import { densityPlotChart, rdPlotChart } from "../../../src/designs/rdd/charts.js";
import { densityTest } from "../../../src/designs/rdd/density/density-test.js";
import { rdplot } from "../../../src/designs/rdd/rdplot/rdplot.js";
import { VEGA_LITE_SCHEMA } from "../../../src/designs/shared/charts/theme.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { errorCode } from "../../helpers/error-code.js";

/** Number of drawn items (paths, lines, texts, rects) in the Vega mark groups named `<name>_marks`. */
function markItems(svg: string, name: string): number {
  const groups =
    svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"[^>]*>(.*?)</g>`, "g")) ?? [];
  return groups.reduce((s, g) => s + (g.match(/<(path|line|text|rect)\b/g)?.length ?? 0), 0);
}

const { frame, truth } = generateRdd({ seed: 2, scenario: "manipulation", n: 4000 });
const x = frame.numeric("score");
const y = frame.numeric("y");

describe("rdPlotChart", () => {
  const plot = rdplot(y, x, { cutoff: truth.cutoff, nbins: [12, 6] });

  it("layers rdplot's binned means, the fit per side and the cutoff rule, as plain frozen JSON", () => {
    const spec = rdPlotChart(plot, { xTitle: "Score (index)", yTitle: "Outcome (units)" });
    expect(spec.$schema).toBe(VEGA_LITE_SCHEMA);
    const names = (spec.layer as { name: string }[]).map((l) => l.name);
    // rdplot's default plot: no per-bin interval whiskers
    expect(names).toEqual(["bins", "fit", "cutoff_rule", "cutoff_label"]);
    expect((spec.title as { subtitle?: string }).subtitle).toBe(
      "Dots: means in 12 + 6 manually evenly spaced bins; lines: order-4 polynomial fit on each side",
    );
    expect(Object.isFrozen(spec)).toBe(true);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const bins = (spec.layer as { name: string; data: { values: Record<string, unknown>[] } }[])[0].data
      .values;
    // one dot per rdplot bin (12 + 6 here), not one per distinct running value
    expect(bins.length).toBe(plot.binRows.length);
    expect(bins.length).toBeLessThanOrEqual(18);
    expect(bins[0]).toEqual({
      side: "Below the cutoff",
      x: plot.binRows[0].mid,
      y: plot.binRows[0].meanY,
      n: plot.binRows[0].n,
    });
    expect(new Set(bins.map((b) => b.side))).toEqual(new Set(["Below the cutoff", "At or above the cutoff"]));
    const withCi = rdPlotChart(plot, { xTitle: "Score", yTitle: "Outcome", showCi: true });
    expect((withCi.layer as { name: string }[]).map((l) => l.name)).toEqual([
      "bin_ci",
      "bins",
      "fit",
      "cutoff_rule",
      "cutoff_label",
    ]);
  });

  it("fits the y axis to the bin means and fitted curves, not to interval ends", () => {
    // A 0/1 outcome in many small bins: t intervals of bins with n = 2 reach ±6, which used to set the axis.
    const n = 400;
    const xs = Float64Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
    const ys = Float64Array.from(xs, (v, i) => ((i * 7919) % 10 < (v >= 0 ? 6 : 3) ? 1 : 0));
    const small = rdplot(ys, xs, { cutoff: 0, nbins: [100, 100] });
    expect(Math.min(...small.binRows.map((b) => b.ciLower))).toBeLessThan(-1);
    const spec = rdPlotChart(small, { xTitle: "Score", yTitle: "Completed (share)" });
    const drawn = [...small.binRows.map((b) => b.meanY), ...small.curve.map((p) => p.y)];
    const lo = Math.min(...drawn);
    const hi = Math.max(...drawn);
    const pad = 0.05 * (hi - lo);
    const layers = spec.layer as { name: string; encoding: { y: { scale?: object } } }[];
    for (const name of ["bins", "fit"]) {
      expect(layers.find((l) => l.name === name)?.encoding.y.scale).toEqual({
        zero: false,
        nice: false,
        domain: [lo - pad, hi + pad],
      });
    }
    expect(hi - lo).toBeLessThanOrEqual(1.5);
  });

  it("compiles and renders: one dot per bin, two fitted lines, one cutoff rule", async () => {
    const spec = rdPlotChart(plot, { xTitle: "Score (index)", yTitle: "Outcome (units)" });
    const compiled = await compileChart(spec);
    expect(compiled.warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "bins")).toBe(plot.binRows.length);
    expect(markItems(svg, "fit")).toBe(2);
    expect(markItems(svg, "cutoff_rule")).toBe(1);
  });

  it("escapes labels and rejects bad rows by code", async () => {
    const xss = "<img src=x onerror=alert(1)>";
    const svg = await renderSvg(rdPlotChart(plot, { xTitle: xss, yTitle: "y", cutoffLabel: xss }));
    expect(svg).not.toContain("<img");
    expect(errorCode(() => rdPlotChart({ ...plot, binRows: [] }, { xTitle: "x", yTitle: "y" }))).toBe(
      "E_EMPTY_DATA",
    );
    const bad = { ...plot, curve: [{ side: "left" as const, x: Number.NaN, y: 1 }] };
    expect(errorCode(() => rdPlotChart(bad, { xTitle: "x", yTitle: "y" }))).toBe("E_NONFINITE_VALUES");
    const side = { ...plot, curve: [{ side: "middle" as "left", x: 0, y: 1 }] };
    expect(errorCode(() => rdPlotChart(side, { xTitle: "x", yTitle: "y" }))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("densityPlotChart", () => {
  const hist = cutoffBinCounts(x, { cutoff: truth.cutoff, width: 0.01, binsPerSide: 8 });
  const test = densityTest(x, { cutoff: truth.cutoff });

  it("draws the histogram as densities by side, the test's estimates at the cutoff and the rule", async () => {
    const spec = densityPlotChart(
      { cutoff: truth.cutoff, bins: hist.rows, total: hist.total, test },
      { xTitle: "Score" },
    );
    const layers = spec.layer as { name: string; data: { values: { density: number; count?: number }[] } }[];
    expect(layers.map((l) => l.name)).toEqual([
      "histogram",
      "density_ci",
      "density_estimate",
      "cutoff_rule",
      "cutoff_label",
    ]);
    const bars = layers[0].data.values;
    expect(bars.length).toBe(16);
    // density = count / (n · width): the bars integrate to the share of data in the window
    const share = bars.reduce((s, b) => s + b.density * 0.01, 0);
    expect(share).toBeCloseTo((hist.total - hist.below - hist.above) / hist.total, 10);
    // the pile-up: the last bin below the cutoff is taller than the first above it
    expect(bars[7].density).toBeGreaterThan(bars[8].density);
    const compiled = await compileChart(spec);
    expect(compiled.warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "histogram")).toBe(16);
    expect(markItems(svg, "density_estimate")).toBe(2);
  });

  it("works without a test and validates input by code", () => {
    const spec = densityPlotChart(
      { cutoff: truth.cutoff, bins: hist.rows, total: hist.total },
      { xTitle: "Score" },
    );
    expect((spec.layer as { name: string }[]).map((l) => l.name)).toEqual([
      "histogram",
      "cutoff_rule",
      "cutoff_label",
    ]);
    expect(
      errorCode(() => densityPlotChart({ cutoff: 0.85, bins: hist.rows, total: 0 }, { xTitle: "s" })),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        densityPlotChart(
          { cutoff: 0.85, bins: [{ lower: 1, upper: 1, count: 2 }], total: 5 },
          { xTitle: "s" },
        ),
      ),
    ).toBe("E_INVALID_ARGUMENT");
  });
});
