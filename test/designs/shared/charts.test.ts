import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../../src/core/result.js";
import {
  ANNOTATION_COLOR,
  type CoefficientRow,
  centredRollingMean,
  chartConfig,
  coefficientChart,
  type LinePoint,
  lineChart,
  OKABE_ITO,
  scatterChart,
  VEGA_LITE_SCHEMA,
} from "../../../src/designs/shared/charts/index.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";

const XSS = "<img src=x onerror=alert(1)>";

/** Number of drawn items (paths, lines, texts) in the Vega mark groups named `<name>_marks`. */
function markItems(svg: string, name: string): number {
  const groups =
    svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"[^>]*>(.*?)</g>`, "g")) ?? [];
  return groups.reduce((s, g) => s + (g.match(/<(path|line|text)\b/g)?.length ?? 0), 0);
}

const LINES: LinePoint[] = [
  { x: 1, y: 10, series: "control", n: 5 },
  { x: 2, y: 11, series: "control", n: 5 },
  { x: 3, y: 11.5, series: "control", n: 5 },
  { x: 1, y: 12, series: XSS, n: 4 },
  { x: 2, y: 13, series: XSS, n: 4 },
  { x: 3, y: 16, series: XSS, n: 4 },
];

const COEFS: CoefficientRow[] = [
  { position: -2, estimate: 0.1, ciLow: -0.3, ciHigh: 0.5, bandLow: -0.5, bandHigh: 0.7 },
  { position: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true },
  { position: 0, estimate: 1.2, ciLow: 0.7, ciHigh: 1.7, bandLow: 0.5, bandHigh: 1.9 },
  { position: 1, estimate: 1.4, ciLow: 0.8, ciHigh: null, bandLow: 0.6, bandHigh: 2.2 },
];

describe("theme", () => {
  it("uses the eight Okabe–Ito colours for categories and a grey outside the palette for annotations", () => {
    expect([...OKABE_ITO].sort()).toEqual(
      ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"].sort(),
    );
    expect(chartConfig().range?.category).toEqual([...OKABE_ITO]);
    expect(OKABE_ITO).not.toContain(ANNOTATION_COLOR);
    expect(Object.isFrozen(OKABE_ITO)).toBe(true);
  });
});

describe("scatterChart", () => {
  it("builds the expected spec (spec as data)", () => {
    const spec = scatterChart(
      [
        { x: 0.6, y: 2, category: "a" },
        { x: 0.4, y: -0.5, category: "b" },
      ],
      { xTitle: "Weight (share)", yTitle: "Estimate (USD)", rules: [{ at: 1, label: "Overall = 1" }] },
    );
    const y = {
      field: "y",
      type: "quantitative",
      title: "Estimate (USD)",
      scale: { zero: false, padding: 12 },
    };
    const ruleY = { field: "at", type: "quantitative", title: "Estimate (USD)" };
    const rule = { values: [{ at: 1, label: "Overall = 1" }] };
    expect(spec).toEqual({
      $schema: VEGA_LITE_SCHEMA,
      description: "Estimate (USD) against Weight (share)",
      title: { text: "Estimate (USD) against Weight (share)" },
      width: 560,
      height: 320,
      config: chartConfig(),
      data: {
        values: [
          { x: 0.6, y: 2, category: "a" },
          { x: 0.4, y: -0.5, category: "b" },
        ],
      },
      layer: [
        {
          name: "points",
          mark: { type: "point", filled: true, size: 70, opacity: 0.85 },
          encoding: {
            x: { field: "x", type: "quantitative", title: "Weight (share)", scale: { zero: true } },
            y,
            color: { field: "category", type: "nominal", title: "Category" },
            shape: { field: "category", type: "nominal", title: "Category" },
            tooltip: [
              { field: "category", type: "nominal", title: "Category" },
              { field: "x", type: "quantitative", title: "Weight (share)" },
              { field: "y", type: "quantitative", title: "Estimate (USD)" },
            ],
          },
        },
        {
          name: "annotation_rule",
          data: rule,
          mark: { type: "rule", color: ANNOTATION_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { y: ruleY },
        },
        {
          name: "annotation_label",
          data: rule,
          mark: { type: "text", align: "right", baseline: "bottom", dy: -4, color: ANNOTATION_COLOR },
          encoding: { y: ruleY, x: { value: 560 }, text: { field: "label", type: "nominal" } },
        },
      ],
    });
    expect(Object.isFrozen(spec.layer)).toBe(true);
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it("compiles to one axis title per channel, renders one symbol per row, escapes categories", async () => {
    const rows = deepFreeze([
      { x: 1, y: 2, category: XSS },
      { x: 2, y: 3, category: "b" },
      { x: 3, y: 1, category: "b" },
    ]);
    const spec = scatterChart(rows, {
      xTitle: "Weight (share)",
      yTitle: "Estimate (USD)",
      rules: [{ at: 2, label: "x" }],
    });
    const { vega, warnings } = await compileChart(spec);
    expect(warnings).toEqual([]);
    const titles = (vega.axes ?? []).map((a) => a.title).filter((t) => t !== undefined);
    expect(titles.sort()).toEqual(["Estimate (USD)", "Weight (share)"]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "points")).toBe(3);
    expect(svg).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(svg).not.toContain("<img");
  });
});

describe("lineChart", () => {
  it("draws one line per series × kind, one point per observed row, and labelled rules", async () => {
    const rows = deepFreeze(LINES.map((r) => ({ ...r })));
    const counterfactual = deepFreeze([
      { x: 2, y: 13, series: XSS },
      { x: 3, y: 13.5, series: XSS },
    ]);
    const spec = lineChart(rows, {
      xTitle: "Week (index)",
      yTitle: "Orders per store (count)",
      rules: [
        { at: 2.5, label: "Launch" },
        { at: 1.5, label: "Announcement" },
      ],
      counterfactual,
    });
    expect(rows).toEqual(LINES);
    const values = (spec.data as { values: { kind: string }[] }).values;
    expect(values.map((v) => v.kind)).toEqual([
      ...Array(6).fill("Observed"),
      "Counterfactual",
      "Counterfactual",
    ]);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "lines")).toBe(3);
    expect(markItems(svg, "points")).toBe(LINES.length);
    expect(markItems(svg, "annotation_rule")).toBe(2);
    expect(markItems(svg, "annotation_label")).toBe(2);
    expect(svg).toContain("Announcement");
    expect(svg).toContain("stroke-dasharray");
    expect(svg).not.toContain("<img");
    expect(await renderSvg(spec)).toBe(svg);
  });

  it("without counterfactual or points has no dash encoding and a single line layer", async () => {
    const spec = lineChart(LINES, { xTitle: "t", yTitle: "y", points: false, yZero: true });
    const layers = spec.layer as { name: string; encoding: Record<string, unknown> }[];
    expect(layers.map((l) => l.name)).toEqual(["lines"]);
    expect(layers[0].encoding).not.toHaveProperty("strokeDash");
    expect(layers[0].encoding.y).toMatchObject({ scale: { zero: true } });
    expect((await compileChart(spec)).warnings).toEqual([]);
  });

  it("uses integer ticks only when every x is an integer", () => {
    const axisOf = (rows: LinePoint[]) =>
      (lineChart(rows, { xTitle: "t", yTitle: "y" }).layer as { encoding: { x: { axis: object } } }[])[0]
        .encoding.x.axis;
    expect(axisOf(LINES)).toEqual({ tickMinStep: 1, format: "d" });
    expect(axisOf([{ x: 0.5, y: 1, series: "a" }])).toEqual({});
  });

  it("rejects bad input with stable codes", () => {
    const o = { xTitle: "t", yTitle: "y" };
    expect(errorCode(() => lineChart([], o))).toBe("E_EMPTY_DATA");
    expect(errorCode(() => lineChart([{ x: 1, y: Number.NaN, series: "a" }], o))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => lineChart([{ x: 1, y: 1, series: 3 as unknown as string }], o))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => lineChart(LINES, { ...o, rules: [{ at: Number.NaN, label: "a" }] }))).toBe(
      "E_NONFINITE_VALUES",
    );
    expect(errorCode(() => lineChart(LINES, { ...o, width: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => lineChart(LINES, { ...o, observedLabel: "A", counterfactualLabel: "A" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});

describe("coefficientChart", () => {
  it("draws the band, CIs only where both limits exist, the zero rule and one point per row", async () => {
    const rows = deepFreeze(COEFS.map((r) => ({ ...r })));
    const spec = coefficientChart(rows, {
      positionTitle: "Weeks relative to launch",
      estimateTitle: "Effect (USD)",
      referenceLabel: "Reference (normalised to 0)",
      rules: [{ at: -0.5, label: "Launch" }],
    });
    expect(rows).toEqual(COEFS);
    expect((spec.data as { values: object[] }).values[1]).toEqual({
      position: -1,
      estimate: 0,
      ciLow: null,
      ciHigh: null,
      bandLow: null,
      bandHigh: null,
      marker: "Reference (normalised to 0)",
    });
    const layers = spec.layer as { name: string; transform?: object[] }[];
    expect(layers.find((l) => l.name === "ci")?.transform).toEqual([
      {
        filter: {
          and: [
            { field: "ciLow", valid: true },
            { field: "ciHigh", valid: true },
          ],
        },
      },
    ]);
    const { vega, warnings } = await compileChart(spec);
    expect(warnings).toEqual([]);
    const titles = (vega.axes ?? []).map((a) => a.title).filter((t) => t !== undefined);
    expect(titles.sort()).toEqual(["Effect (USD)", "Weeks relative to launch"]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "points")).toBe(4);
    expect(markItems(svg, "ci")).toBe(2);
    expect(markItems(svg, "band")).toBe(1);
    expect(markItems(svg, "zero_rule")).toBe(1);
    expect(svg).toContain("Reference (normalised to 0)");
  });

  it("draws forest plots horizontally with categories in row order", async () => {
    const rows: CoefficientRow[] = [
      { position: "Mobile", estimate: 0.1, ciLow: -0.3, ciHigh: 0.5, bandLow: -0.5, bandHigh: 0.7 },
      { position: XSS, estimate: 1.2, ciLow: 0.7, ciHigh: 1.7, bandLow: 0.5, bandHigh: 1.9 },
      { position: "Desktop", estimate: 0.4, ciLow: null, ciHigh: null },
    ];
    const spec = coefficientChart(rows, {
      positionTitle: "Segment",
      estimateTitle: "Lift (pp)",
      orientation: "horizontal",
    });
    const points = (spec.layer as { name: string; encoding: Record<string, { legend?: null }> }[]).find(
      (l) => l.name === "points",
    );
    expect(points?.encoding.y).toEqual({ field: "position", type: "nominal", title: "Segment", sort: null });
    expect(points?.encoding.color.legend).toBeNull(); // a single marker kind needs no legend
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "points")).toBe(3);
    expect(markItems(svg, "band")).toBe(2);
    expect(markItems(svg, "ci")).toBe(2);
    expect(svg).toContain("&lt;img");
    expect(svg).not.toContain("<img");
  });

  it("takes the reference rows' legend label from the caller (no built-in 'normalised' text)", () => {
    const o = { positionTitle: "Bandwidth", estimateTitle: "Jump (pp)" };
    const rows: CoefficientRow[] = [
      { position: 0.1, estimate: 1, ciLow: 0, ciHigh: 2, reference: true },
      { position: 0.2, estimate: 1.1, ciLow: 0.4, ciHigh: 1.8 },
    ];
    expect(errorCode(() => coefficientChart(rows, o))).toBe("E_INVALID_ARGUMENT");
    const spec = coefficientChart(rows, { ...o, referenceLabel: "Headline bandwidth (MSE-optimal)" });
    expect((spec.data as { values: { marker: string }[] }).values.map((v) => v.marker)).toEqual([
      "Headline bandwidth (MSE-optimal)",
      "Estimate",
    ]);
    expect(JSON.stringify(spec)).not.toContain("normalised");
    // without reference rows no label is needed
    expect(() => coefficientChart([rows[1]], o)).not.toThrow();
  });

  it("fits a numeric position axis to the positions and rules drawn, not to nice numbers", () => {
    const spec = coefficientChart(COEFS, {
      positionTitle: "Weeks relative to launch",
      estimateTitle: "Effect (USD)",
      referenceLabel: "Reference week",
      rules: [{ at: -0.5, label: "Launch" }],
    });
    const points = (spec.layer as { name: string; encoding: { x: { scale: object } } }[]).find(
      (l) => l.name === "points",
    );
    expect(points?.encoding.x.scale).toEqual({ zero: false, nice: false, domain: [-2, 1], padding: 16 });
  });

  it("rejects mixed or duplicate positions, rules on categories, and non-finite limits", () => {
    const o = { positionTitle: "p", estimateTitle: "e" };
    const row = { estimate: 1, ciLow: 0, ciHigh: 2 };
    expect(errorCode(() => coefficientChart([], o))).toBe("E_EMPTY_DATA");
    expect(
      errorCode(() =>
        coefficientChart(
          [
            { ...row, position: 1 },
            { ...row, position: "a" },
          ],
          o,
        ),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        coefficientChart(
          [
            { ...row, position: 1 },
            { ...row, position: 1 },
          ],
          o,
        ),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        coefficientChart([{ ...row, position: "a" }], { ...o, rules: [{ at: 0, label: "x" }] }),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => coefficientChart([{ ...row, position: 1, ciHigh: Number.NaN }], o))).toBe(
      "E_NONFINITE_VALUES",
    );
    expect(
      errorCode(() =>
        coefficientChart([{ ...row, position: 1 }], { ...o, orientation: "diagonal" as "vertical" }),
      ),
    ).toBe("E_INVALID_ARGUMENT");
  });
});

describe("centredRollingMean", () => {
  it("matches pandas rolling(window, center=True, min_periods=1).mean()", () => {
    // /usr/bin/python3: pandas 1.5.3, pd.Series(x).rolling(w, center=True, min_periods=1).mean().tolist()
    const x = [3.0, -1.5, 4.25, 10.0, 2.0, 0.5, 7.75];
    expectClose(centredRollingMean(x, 1), x, TOL.identity);
    expectClose(
      centredRollingMean(x, 3),
      [0.75, 1.9166666666666667, 4.25, 5.416666666666667, 4.166666666666667, 3.4166666666666665, 4.125],
      TOL.identity,
    );
    expectClose(
      centredRollingMean(x, 5),
      [1.9166666666666667, 3.9375, 3.55, 3.05, 4.9, 5.0625, 3.4166666666666665],
      TOL.identity,
    );
    expect(centredRollingMean([], 3)).toEqual([]);
  });

  it("needs an odd positive integer window", () => {
    for (const w of [0, 2, -1, 1.5, Number.NaN]) {
      expect(errorCode(() => centredRollingMean([1, 2], w))).toBe("E_INVALID_ARGUMENT");
    }
  });
});

describe("chart modules", () => {
  it("never import vega or vega-lite at run time (type-only imports are allowed)", () => {
    const root = new URL("../../../src/designs/", import.meta.url).pathname;
    const files = [
      ...readdirSync(join(root, "shared/charts")).map((f) => join(root, "shared/charts", f)),
      join(root, "did/charts.ts"),
    ];
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      const runtime = [
        ...text.matchAll(/^\s*(import|export)\s+(?!type\b)[^;]*?from\s+["'](vega[^"']*)["']/gm),
      ];
      expect(
        runtime.map((m) => m[2]),
        file,
      ).toEqual([]);
      expect(text, file).not.toMatch(/import\(\s*["']vega/);
    }
  });
});
