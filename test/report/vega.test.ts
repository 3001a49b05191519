import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../src/core/result.js";
import { scatterChart } from "../../src/designs/shared/charts/scatter-chart.js";
import type { ChartSpec } from "../../src/designs/shared/charts/types.js";
import { compileChart, renderSvg } from "../../src/report/vega.js";

/** Runs an async function and returns the code of the TrueliftError it rejects with. */
async function asyncErrorCode(f: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const SIMPLE = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  data: {
    values: [
      { a: 1, b: 2 },
      { a: 2, b: 4 },
    ],
  },
  mark: "point",
  encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
} as const;

describe("compileChart", () => {
  it("compiles to a Vega spec with no warnings for a clean spec", async () => {
    const { vega, warnings } = await compileChart(SIMPLE as unknown as ChartSpec);
    expect(warnings).toEqual([]);
    expect(vega.$schema).toMatch(/vega\/v\d+\.json$/);
    expect(vega.marks?.length).toBeGreaterThan(0);
  });

  it("collects Vega-Lite warnings through the logger instead of printing them", async () => {
    const spec = {
      ...SIMPLE,
      mark: "bar",
      encoding: { ...SIMPLE.encoding, shape: { field: "a", type: "nominal" } },
    };
    const { warnings } = await compileChart(spec as unknown as ChartSpec);
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join(" ")).toMatch(/shape/);
  });

  it("throws E_INVALID_SPEC for a spec Vega-Lite rejects or that is not an object", async () => {
    expect(
      await asyncErrorCode(() => compileChart({ ...SIMPLE, mark: "nonsense" } as unknown as ChartSpec)),
    ).toBe("E_INVALID_SPEC");
    expect(await asyncErrorCode(() => compileChart(null as unknown as ChartSpec))).toBe("E_INVALID_SPEC");
    expect(await asyncErrorCode(() => compileChart({ f: () => 1 } as unknown as ChartSpec))).toBe(
      "E_INVALID_SPEC",
    );
  });

  it("accepts a deeply frozen spec and leaves it unchanged", async () => {
    const spec = deepFreeze(structuredClone(SIMPLE));
    const before = JSON.stringify(spec);
    await compileChart(spec as unknown as ChartSpec);
    await renderSvg(spec as unknown as ChartSpec);
    expect(JSON.stringify(spec)).toBe(before);
  });
});

describe("renderSvg", () => {
  it("renders a standalone SVG headlessly, one symbol per row, identically every time", async () => {
    const svg = await renderSvg(SIMPLE as unknown as ChartSpec);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    const symbols = svg.match(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/)?.[1] ?? "";
    expect(symbols.match(/<path\b/g)?.length).toBe(2);
    expect(await renderSvg(SIMPLE as unknown as ChartSpec)).toBe(svg);
  });

  it("escapes user strings in titles, labels and data", async () => {
    const evil = `<script>alert("x")</script> & <img src=x onerror=alert(1)>`;
    const spec = scatterChart([{ x: 1, y: 1, category: evil }], {
      xTitle: evil,
      yTitle: "y (units)",
      title: evil,
    });
    const svg = await renderSvg(spec);
    expect(svg).not.toMatch(/<script|<img/);
    expect(svg).toContain("&lt;script&gt;");
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(svg).toContain("&amp;");
  });

  it("refuses to load external data (no network, no file access)", async () => {
    const spec = { ...SIMPLE, data: { url: "https://example.com/data.csv" } };
    expect(await asyncErrorCode(() => renderSvg(spec as unknown as ChartSpec))).toBe("E_INVALID_SPEC");
    const file = { ...SIMPLE, data: { url: "/etc/passwd" } };
    expect(await asyncErrorCode(() => renderSvg(file as unknown as ChartSpec))).toBe("E_INVALID_SPEC");
  });

  it("measures text with Helvetica metrics, so long titles do not inflate the SVG", async () => {
    // 80 × "a" at 12 px: Helvetica 80 · 0.556 · 12 · 1.1 ≈ 587 px; Vega's own estimate, 0.8 em a character, is 768 px.
    const spec = scatterChart([{ x: 1, y: 1, category: "a" }], {
      xTitle: "x (units)",
      yTitle: "y (units)",
      subtitle: "a".repeat(80),
    });
    const svg = await renderSvg(spec);
    const width = Number(svg.match(/^<svg[^>]* width="(\d+(?:\.\d+)?)"/)?.[1]);
    expect(width).toBeGreaterThan(587);
    expect(width).toBeLessThan(700);
  });

  it("passes compile warnings to onWarning", async () => {
    const spec = {
      ...SIMPLE,
      mark: "bar",
      encoding: { ...SIMPLE.encoding, shape: { field: "a", type: "nominal" } },
    };
    const seen: string[] = [];
    await renderSvg(spec as unknown as ChartSpec, { onWarning: (w) => seen.push(w) });
    expect(seen.length).toBeGreaterThan(0);
  });

  it("loads vega and vega-lite lazily (no static runtime import)", () => {
    const text = readFileSync(new URL("../../src/report/vega.ts", import.meta.url), "utf8");
    expect(text).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+["']vega(-lite)?["']/m);
    expect(text).toMatch(/import\("vega"\)/);
    expect(text).toMatch(/import\("vega-lite"\)/);
  });
});
