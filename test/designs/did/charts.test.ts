import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../../src/core/result.js";
import {
  type BaconRow,
  baconChart,
  type CsDynamicRow,
  csDynamicChart,
  didCounterfactual,
  didTrendChart,
  type EventStudyChartRow,
  eventStudyChart,
} from "../../../src/designs/did/charts.js";
import type { DidTrendRow } from "../../../src/designs/did/trends.js";
import { chartConfig, VEGA_LITE_SCHEMA } from "../../../src/designs/shared/charts/theme.js";
import type { ChartSpec } from "../../../src/designs/shared/charts/types.js";
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

// Two groups, three weeks, treatment from week 3; unequal n so the gap weighting matters.
const TREND: DidTrendRow[] = [
  { period: 1, group: "control", mean: 10, n: 2 },
  { period: 2, group: "control", mean: 11, n: 2 },
  { period: 3, group: "control", mean: 13, n: 2 },
  { period: 1, group: "treated", mean: 12, n: 1 },
  { period: 2, group: "treated", mean: 14, n: 3 },
  { period: 3, group: "treated", mean: 19, n: 2 },
];

const EVENT: EventStudyChartRow[] = [
  { relTime: -3, estimate: 0.12, ciLow: -0.2, ciHigh: 0.44, reference: false },
  { relTime: -2, estimate: -0.05, ciLow: -0.31, ciHigh: 0.21, reference: false },
  { relTime: -1, estimate: 0, ciLow: null, ciHigh: null, reference: true },
  { relTime: 0, estimate: 0.9, ciLow: 0.55, ciHigh: 1.25, reference: false },
  { relTime: 1, estimate: 1.3, ciLow: 0.9, ciHigh: 1.7, reference: false },
  { relTime: 2, estimate: 1.1, ciLow: null, ciHigh: null, reference: false },
];

const CS: CsDynamicRow[] = [
  { e: -2, estimate: 0.03, ciLow: -0.25, ciHigh: 0.31, bandLow: -0.4, bandHigh: 0.46 },
  { e: -1, estimate: -0.02, ciLow: -0.28, ciHigh: 0.24, bandLow: -0.42, bandHigh: 0.38 },
  { e: 0, estimate: 0.85, ciLow: 0.5, ciHigh: 1.2, bandLow: 0.31, bandHigh: 1.39 },
  { e: 1, estimate: 1.2, ciLow: 0.8, ciHigh: 1.6, bandLow: null, bandHigh: null },
  { e: 2, estimate: 1.4, ciLow: null, ciHigh: null },
];

const BACON: BaconRow[] = [
  { type: "Treated vs Untreated", estimate: 1.1, weight: 0.5 },
  { type: "Earlier vs Later Treated", estimate: 0.8, weight: 0.3 },
  { type: "Later vs Earlier Treated", estimate: -0.4, weight: 0.2 },
];

describe("didTrendChart", () => {
  it("builds the expected spec (spec as data)", () => {
    const x = {
      field: "x",
      type: "quantitative",
      title: "Week (index)",
      // the axis spans the plotted periods 1 … 3 exactly, not a "nice" 0 … 4
      scale: { zero: false, nice: false, domain: [1, 3], padding: 12 },
      axis: { tickMinStep: 1, format: "d" },
    };
    const y = { field: "y", type: "quantitative", title: "Orders per store", scale: { zero: false } };
    const color = { field: "series", type: "nominal", title: "Group" };
    const rule = { values: [{ at: 3, label: "Treatment starts" }] };
    const ruleX = { field: "at", type: "quantitative", title: "Week (index)" };
    const spec = didTrendChart(TREND, {
      treatmentStart: 3,
      outcomeLabel: "Orders per store",
      periodLabel: "Week (index)",
      treatedGroup: "treated",
    });
    expect(spec).toEqual({
      $schema: VEGA_LITE_SCHEMA,
      description: "Orders per store: group means over time",
      title: {
        text: "Orders per store: group means over time",
        subtitle: "Dashed: DiD counterfactual (control trend shifted by the pre-period gap)",
      },
      width: 560,
      height: 320,
      config: chartConfig(),
      data: {
        values: [
          { x: 1, y: 10, series: "control", n: 2, kind: "Observed" },
          { x: 2, y: 11, series: "control", n: 2, kind: "Observed" },
          { x: 3, y: 13, series: "control", n: 2, kind: "Observed" },
          { x: 1, y: 12, series: "treated", n: 1, kind: "Observed" },
          { x: 2, y: 14, series: "treated", n: 3, kind: "Observed" },
          { x: 3, y: 19, series: "treated", n: 2, kind: "Observed" },
          // gap = (12·1 + 14·3)/4 − (10·2 + 11·2)/4 = 13.5 − 10.5 = 3, added to the control path from week 2
          { x: 2, y: 14, series: "treated", kind: "DiD counterfactual" },
          { x: 3, y: 16, series: "treated", kind: "DiD counterfactual" },
        ],
      },
      layer: [
        {
          name: "lines",
          mark: { type: "line", strokeWidth: 2 },
          encoding: {
            x,
            y,
            color,
            strokeDash: {
              field: "kind",
              type: "nominal",
              title: null,
              scale: {
                domain: ["Observed", "DiD counterfactual"],
                range: [
                  [1, 0],
                  [6, 4],
                ],
              },
            },
          },
        },
        {
          name: "points",
          transform: [{ filter: { field: "kind", equal: "Observed" } }],
          mark: { type: "point", filled: true, size: 36 },
          encoding: {
            x,
            y,
            color,
            tooltip: [
              { field: "series", type: "nominal", title: "Group" },
              { field: "x", type: "quantitative", title: "Week (index)" },
              { field: "y", type: "quantitative", title: "Orders per store" },
              { field: "n", type: "quantitative", title: "Observations" },
            ],
          },
        },
        {
          name: "annotation_rule",
          data: rule,
          mark: { type: "rule", color: "#4D4D4D", strokeDash: [6, 4], strokeWidth: 1.5 },
          encoding: { x: ruleX },
        },
        {
          name: "annotation_label",
          data: rule,
          mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 4, color: "#4D4D4D" },
          encoding: { x: ruleX, y: { value: 0 }, text: { field: "label", type: "nominal" } },
        },
      ],
    });
    expect(Object.isFrozen(spec)).toBe(true);
    expect(Object.isFrozen((spec.data as { values: object[] }).values[0])).toBe(true);
  });

  it("compiles without warnings and renders one line per group × kind and one point per row", async () => {
    const spec = didTrendChart(TREND, {
      treatmentStart: 3,
      outcomeLabel: "Orders per store",
      treatedGroup: "treated",
    });
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "lines")).toBe(3); // control, treated, treated counterfactual
    expect(markItems(svg, "points")).toBe(TREND.length);
    expect(markItems(svg, "annotation_rule")).toBe(1);
    expect(svg).toContain("Treatment starts");
    expect(svg).toContain("Orders per store");
  });

  it("does not mutate frozen input rows or options", () => {
    const rows = deepFreeze(TREND.map((r) => ({ ...r })));
    const opts = deepFreeze({
      treatmentStart: 3,
      outcomeLabel: "Orders",
      treatedGroup: "treated",
      smoothing: 3,
      counterfactual: [{ period: 3, mean: 16 }],
    });
    expect(() => didTrendChart(rows, opts)).not.toThrow();
    expect(rows).toEqual(TREND);
  });

  it("escapes user strings in the SVG and renders deterministically", async () => {
    const rows = TREND.map((r) => (r.group === "treated" ? { ...r, group: XSS } : r));
    const spec = didTrendChart(rows, { treatmentStart: 3, outcomeLabel: `Orders ${XSS}`, treatedGroup: XSS });
    expect(spec.data).toMatchObject({
      values: expect.arrayContaining([expect.objectContaining({ series: XSS })]),
    });
    const svg = await renderSvg(spec);
    expect(svg).toContain("&lt;img src=x onerror=alert(1)");
    expect(svg).not.toContain("<img");
    expect(await renderSvg(spec)).toBe(svg);
  });

  it("uses explicit counterfactual rows as given and attributes them to the treated group", () => {
    const spec = didTrendChart(TREND, {
      treatmentStart: 3,
      outcomeLabel: "Orders",
      treatedGroup: "treated",
      counterfactual: [
        { period: 2, mean: 14.2 },
        { period: 3, mean: 15.9 },
      ],
    });
    const values = (spec.data as { values: { kind: string; x: number; y: number; series: string }[] }).values;
    expect(values.filter((v) => v.kind === "DiD counterfactual")).toEqual([
      { x: 2, y: 14.2, series: "treated", kind: "DiD counterfactual" },
      { x: 3, y: 15.9, series: "treated", kind: "DiD counterfactual" },
    ]);
    // Without a treated group the dashed series gets its own name (and colour).
    const anon = didTrendChart(TREND, {
      treatmentStart: 3,
      outcomeLabel: "Orders",
      counterfactual: [{ period: 3, mean: 1 }],
    });
    expect((anon.data as { values: { series: string }[] }).values.at(-1)?.series).toBe("Counterfactual");
  });

  it("draws no counterfactual unless asked", () => {
    const spec = didTrendChart(TREND, { treatmentStart: 3, outcomeLabel: "Orders" });
    const values = (spec.data as { values: { kind: string }[] }).values;
    expect(values.every((v) => v.kind === "Observed")).toBe(true);
    expect(spec.title).toEqual({ text: "Orders: group means over time" });
    expect(JSON.stringify(spec.layer)).not.toContain('strokeDash":{"field');
  });

  it("smooths with a centred rolling mean within the pre and the post period separately", () => {
    const rows: DidTrendRow[] = [1, 2, 3, 4, 5, 6].flatMap((p) => [
      { period: p, group: "c", mean: [1, 2, 6, 4, 8, 9][p - 1], n: 1 },
      { period: p, group: "t", mean: [2, 3, 7, 5, 20, 22][p - 1], n: 1 },
    ]);
    const spec = didTrendChart(rows, {
      treatmentStart: 5,
      outcomeLabel: "y",
      smoothing: 3,
      treatedGroup: "t",
    });
    const values = (spec.data as { values: { x: number; y: number; series: string; kind: string }[] }).values;
    const c = values.filter((v) => v.series === "c").map((v) => v.y);
    // pre [1, 2, 6, 4] → pandas rolling(3, center=True, min_periods=1).mean() = [1.5, 3, 4, 5]; post [8, 9] → [8.5, 8.5]
    expectClose(c, [1.5, 3, 4, 5, 8.5, 8.5], TOL.identity);
    // counterfactual: smoothed control path from the last pre period (4) on, plus the raw pre gap (4.25 − 3.25 = 1)
    const cf = values.filter((v) => v.kind === "DiD counterfactual").map((v) => [v.x, v.y]);
    expectClose(
      cf,
      [
        [4, 6],
        [5, 9.5],
        [6, 9.5],
      ],
      TOL.identity,
    );
    expect(spec.title).toMatchObject({ subtitle: expect.stringContaining("Centred 3-period rolling means") });
  });

  it("rejects bad input with stable codes", () => {
    const o = { treatmentStart: 3, outcomeLabel: "y" };
    expect(errorCode(() => didTrendChart([], o))).toBe("E_EMPTY_DATA");
    expect(errorCode(() => didTrendChart([{ ...TREND[0], mean: Number.NaN }], o))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => didTrendChart([TREND[0], TREND[0]], o))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => didTrendChart([{ ...TREND[0], n: -1 }], o))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => didTrendChart(TREND, { ...o, smoothing: 2 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => didTrendChart(TREND, { ...o, treatedGroup: "nope" }))).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() => didTrendChart(TREND, { ...o, treatedGroup: "treated", controlGroup: "treated" })),
    ).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => didTrendChart(TREND, { ...o, treatmentStart: Number.POSITIVE_INFINITY }))).toBe(
      "E_NONFINITE_VALUES",
    );
    // a third group makes the comparison ambiguous
    const three = [...TREND, { period: 1, group: "other", mean: 1, n: 1 }];
    expect(errorCode(() => didTrendChart(three, { ...o, treatedGroup: "treated" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(() =>
      didTrendChart(three, { ...o, treatedGroup: "treated", controlGroup: "control" }),
    ).not.toThrow();
  });
});

describe("didCounterfactual", () => {
  it("is the control path shifted by the n-weighted pre-period gap; post treated − counterfactual is the 2×2 DiD", () => {
    const cf = didCounterfactual(TREND, { treatmentStart: 3, treatedGroup: "treated" });
    expect(cf).toEqual([
      { period: 2, mean: 14 },
      { period: 3, mean: 16 },
    ]);
    // 2×2 DiD from the cell means: (19 − 13.5) − (13 − 10.5) = 3 = 19 − 16
    const did = 19 - (12 * 1 + 14 * 3) / 4 - (13 - (10 * 2 + 11 * 2) / 4);
    expectClose(19 - cf[1].mean, did, TOL.identity);
  });

  it("throws when a group has no pre-period observations", () => {
    expect(errorCode(() => didCounterfactual(TREND, { treatmentStart: 1, treatedGroup: "treated" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    const zeroN = TREND.map((r) => (r.period < 3 && r.group === "control" ? { ...r, n: 0 } : r));
    expect(errorCode(() => didCounterfactual(zeroN, { treatmentStart: 3, treatedGroup: "treated" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});

describe("eventStudyChart", () => {
  it("spans the relative periods drawn (−3 … 2), not a nice −4 … 2", async () => {
    const spec = eventStudyChart(EVENT, { outcomeLabel: "orders per store (count)" });
    const { vega } = await compileChart(spec);
    const x = (vega.scales ?? []).find((sc) => sc.name === "x");
    expect(x).toMatchObject({ nice: false, domain: [-3, 2] });
  });

  it("marks the reference period, keeps rows with null CIs, and compiles and renders cleanly", async () => {
    const rows = deepFreeze(EVENT.map((r) => ({ ...r })));
    const spec = eventStudyChart(rows, { outcomeLabel: "orders per store (count)" });
    expect(rows).toEqual(EVENT);
    const values = (spec.data as { values: { position: number; marker: string }[] }).values;
    expect(values.filter((v) => v.marker === "Reference (normalised to 0)").map((v) => v.position)).toEqual([
      -1,
    ]);
    const layers = spec.layer as { name: string; data?: { values: { at: number; label: string }[] } }[];
    expect(layers.map((l) => l.name)).toEqual([
      "ci",
      "zero_rule",
      "points",
      "annotation_rule",
      "annotation_label",
    ]);
    expect(layers[3].data?.values).toEqual([{ at: -0.5, label: "Treatment onset" }]);
    expect(spec.title).toEqual({
      text: "Event study: effect by period relative to treatment",
      subtitle: "Points: estimates; bars: 95% pointwise confidence intervals",
    });

    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "points")).toBe(EVENT.length);
    expect(markItems(svg, "ci")).toBe(EVENT.filter((r) => r.ciLow !== null && r.ciHigh !== null).length);
    expect(markItems(svg, "zero_rule")).toBe(1);
    expect(markItems(svg, "annotation_rule")).toBe(1);
    expect(svg).toContain("Effect on orders per store (count)");
    expect(svg).toContain("Periods relative to treatment");
    expect(await renderSvg(spec)).toBe(svg);
  });

  it("formats the confidence level and rejects bad rows", () => {
    const spec = eventStudyChart(EVENT, { outcomeLabel: "y", confidenceLevel: 0.9 });
    expect(spec.title).toMatchObject({ subtitle: expect.stringContaining("90% pointwise") });
    expect(errorCode(() => eventStudyChart(EVENT, { outcomeLabel: "y", confidenceLevel: 1 }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => eventStudyChart([], { outcomeLabel: "y" }))).toBe("E_EMPTY_DATA");
    expect(errorCode(() => eventStudyChart([EVENT[0], EVENT[0]], { outcomeLabel: "y" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(
      errorCode(() =>
        eventStudyChart([{ ...EVENT[0], ciLow: Number.NEGATIVE_INFINITY }], { outcomeLabel: "y" }),
      ),
    ).toBe("E_NONFINITE_VALUES");
    const noFlag = [{ relTime: 0, estimate: 1, ciLow: 0, ciHigh: 2 }] as unknown as EventStudyChartRow[];
    expect(errorCode(() => eventStudyChart(noFlag, { outcomeLabel: "y" }))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("csDynamicChart", () => {
  it("draws the uniform band, pointwise CIs and one point per event time", async () => {
    const rows = deepFreeze(CS.map((r) => ({ ...r })));
    const spec = csDynamicChart(rows, {
      outcomeLabel: "orders per store (count)",
      timeLabel: "Weeks since launch",
    });
    expect(rows).toEqual(CS);
    const layers = spec.layer as { name: string; mark: { type: string } }[];
    expect(layers.map((l) => l.name)).toEqual([
      "band",
      "ci",
      "zero_rule",
      "points",
      "annotation_rule",
      "annotation_label",
    ]);
    expect(layers[0].mark.type).toBe("area");
    expect(spec.title).toMatchObject({ subtitle: expect.stringContaining("shaded: 95% uniform band") });
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "band")).toBe(1); // one area path
    expect(markItems(svg, "ci")).toBe(4);
    expect(markItems(svg, "points")).toBe(CS.length);
    expect(svg).toContain("Weeks since launch");
    expect(await renderSvg(spec)).toBe(svg);
  });

  it("omits the band layer when no band is given", async () => {
    const rows = CS.map(({ e, estimate, ciLow, ciHigh }) => ({ e, estimate, ciLow, ciHigh }));
    const spec = csDynamicChart(rows, { outcomeLabel: "y" });
    expect((spec.layer as { name: string }[]).map((l) => l.name)).not.toContain("band");
    expect((spec.data as { values: object[] }).values[0]).not.toHaveProperty("bandLow");
    expect((await compileChart(spec)).warnings).toEqual([]);
  });
});

describe("every DiD chart", () => {
  it("renders with no Vega-Lite or Vega warnings at all", async () => {
    const specs = [
      didTrendChart(TREND, {
        treatmentStart: 3,
        outcomeLabel: "y (units)",
        treatedGroup: "treated",
        smoothing: 3,
      }),
      eventStudyChart(EVENT, { outcomeLabel: "y (units)" }),
      csDynamicChart(CS, { outcomeLabel: "y (units)" }),
      baconChart(BACON, { twfe: 0.71 }),
    ];
    const warnings: string[] = [];
    for (const spec of specs) {
      const svg = await renderSvg(spec, { onWarning: (w) => warnings.push(w) });
      expect(svg.startsWith("<svg")).toBe(true);
    }
    expect(warnings).toEqual([]);
  });
});

describe("baconChart", () => {
  it("plots estimates against weights by type with the TWFE rule", async () => {
    const rows = deepFreeze(BACON.map((r) => ({ ...r })));
    const twfe = BACON.reduce((s, r) => s + r.weight * r.estimate, 0);
    const spec: ChartSpec = baconChart(rows, { twfe, outcomeLabel: "orders per store (count)" });
    expect(rows).toEqual(BACON);
    expect((spec.data as { values: object[] }).values).toEqual([
      { x: 0.5, y: 1.1, category: "Treated vs Untreated" },
      { x: 0.3, y: 0.8, category: "Earlier vs Later Treated" },
      { x: 0.2, y: -0.4, category: "Later vs Earlier Treated" },
    ]);
    const rule = (spec.layer as { name: string; data?: { values: object[] } }[]).find(
      (l) => l.name === "annotation_rule",
    );
    expect(rule?.data?.values).toEqual([{ at: twfe, label: "TWFE estimate = 0.71" }]);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "points")).toBe(BACON.length);
    expect(markItems(svg, "annotation_rule")).toBe(1);
    expect(svg).toContain("TWFE estimate = 0.71");
    expect(svg).toContain("2×2 DiD estimate (orders per store (count))");
  });

  it("escapes comparison types in the SVG", async () => {
    const svg = await renderSvg(baconChart([{ type: XSS, estimate: 1, weight: 1 }], { twfe: 1 }));
    expect(svg).toContain("&lt;img");
    expect(svg).not.toContain("<img");
  });

  it("rejects negative or non-finite weights", () => {
    expect(errorCode(() => baconChart([{ ...BACON[0], weight: -0.1 }], { twfe: 1 }))).toBe("E_BAD_WEIGHTS");
    expect(errorCode(() => baconChart([{ ...BACON[0], weight: Number.NaN }], { twfe: 1 }))).toBe(
      "E_NONFINITE_VALUES",
    );
    expect(errorCode(() => baconChart(BACON, { twfe: Number.NaN }))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => baconChart([], { twfe: 1 }))).toBe("E_EMPTY_DATA");
  });
});
