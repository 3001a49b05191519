import { describe, expect, it } from "vitest";
import {
  donorWeightsChart,
  type LeaveOneOutPoint,
  leaveOneOutChart,
  placeboSpaghettiChart,
  synthGapChart,
  synthTrajectoryChart,
} from "../../../src/designs/synth/charts.js";
import { sdid } from "../../../src/designs/synth/sdid.js";
import { synthdidEstimate, synthdidGap } from "../../../src/designs/synth/sdid-estimate.js";
import { type SynthMatrix, selectRows } from "../../../src/designs/synth/sdid-types.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { errorCode } from "../../helpers/error-code.js";
import { prop99 } from "./sdid-fixture.js";

/** Number of SVG mark items in the named Vega-Lite layer. */
function markItems(svg: string, name: string): number {
  const groups =
    svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark ${name}_marks"[^>]*>(.*?)</g>`, "g")) ?? [];
  return groups.reduce((s, g) => s + (g.match(/<(path|line|text)\b/g)?.length ?? 0), 0);
}

const panel = prop99();
const res = sdid(panel, { se: false });
const trajectory = res.trajectory.map((r) => ({
  period: r.period as number,
  treated: r.treated,
  synthetic: r.synthetic,
}));
const opts = { treatmentStart: 1989, outcomeLabel: "Packs per capita", periodLabel: "Year" };

/** Placebo gaps: each of the first few controls as the treated unit against the others, with SC weights. */
function placeboRows() {
  const t = panel.periods.length;
  const rows: { unit: string; period: number; gap: number; treated: boolean }[] = [];
  for (let d = 0; d < 5; d++) {
    const order = [...Array(panel.n0).keys()].filter((i) => i !== d).concat([d]);
    const y = selectRows(panel.y, t, order);
    const m: SynthMatrix = { ...panel, y, n0: panel.n0 - 1, unitNames: order.map((i) => panel.unitNames[i]) };
    const fit = synthdidEstimate(m, "sc");
    for (const [k, gap] of synthdidGap(m, fit.omega).entries()) {
      rows.push({ unit: panel.unitNames[d], period: panel.periods[k] as number, gap, treated: false });
    }
  }
  for (const r of res.trajectory)
    rows.push({ unit: "California", period: r.period as number, gap: r.gap, treated: true });
  return rows;
}

describe("synthetic-control charts", () => {
  it("treated vs synthetic trajectories: two lines, one point per period, the treatment rule", async () => {
    const spec = synthTrajectoryChart(trajectory, opts);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "lines")).toBe(2);
    expect(markItems(svg, "points")).toBe(31);
    expect(svg).toContain("Treatment starts");
    expect(svg).toContain("Synthetic control");
    expect(Object.isFrozen(spec)).toBe(true);
  });

  it("gap plot: one line, a zero rule and the treatment rule", async () => {
    const spec = synthGapChart(
      res.trajectory.map((r) => ({ period: r.period as number, gap: r.gap })),
      opts,
    );
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "zero_rule")).toBe(1);
    expect(markItems(svg, "treatment_rule")).toBe(1);
    expect(svg).toContain("Gap in Packs per capita");
  });

  it("time axes span the plotted periods (3 … 9), not nice numbers around them (2 … 10)", async () => {
    const periods = [3, 4, 5, 6, 7, 8, 9];
    const o = { treatmentStart: 6, outcomeLabel: "Sessions", periodLabel: "Week" };
    const gap = synthGapChart(
      periods.map((p) => ({ period: p, gap: p > 5 ? 1 : 0.1 })),
      o,
    );
    const traj = synthTrajectoryChart(
      periods.map((p) => ({ period: p, treated: 10 + p, synthetic: 10 + p / 2 })),
      o,
    );
    const spaghetti = placeboSpaghettiChart(
      periods.flatMap((p) => [
        { unit: "T", period: p, gap: p > 5 ? 1 : 0, treated: true },
        { unit: "A", period: p, gap: 0.1, treated: false },
      ]),
      o,
    );
    for (const spec of [gap, traj, spaghetti]) {
      const layers = spec.layer as { encoding?: { x?: { field?: string; scale?: object } } }[];
      const x = layers.map((l) => l.encoding?.x).find((e) => e?.scale !== undefined);
      expect(x?.scale).toMatchObject({ zero: false, nice: false, domain: [3, 9] });
      const { vega } = await compileChart(spec);
      const xScale = (vega.scales ?? []).find((sc) => sc.name === "x");
      expect(xScale).toMatchObject({ nice: false, domain: [3, 9] });
    }
  });

  it("placebo spaghetti: one grey line per placebo and the treated line highlighted", async () => {
    const spec = placeboSpaghettiChart(placeboRows(), opts);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "placebos")).toBe(5);
    expect(markItems(svg, "treated")).toBe(1);
    expect(svg).toContain("5 placebo units in grey");
    expect(
      errorCode(() => placeboSpaghettiChart([{ unit: "a", period: 1, gap: 0, treated: false }], opts)),
    ).toBe("E_INVALID_ARGUMENT");
  });

  it("leave-one-out band spans the refitted synthetic controls", async () => {
    const t = panel.periods.length;
    const used = res.unitWeights.map((w, i) => ({ w: w.sc, i })).filter((x) => x.w > 0.001);
    // plain SC here, so the full synthetic control and the refits are on the same footing
    const scGap = synthdidGap(panel, synthdidEstimate(panel, "sc").omega);
    const rows: LeaveOneOutPoint[] = trajectory.flatMap((r, k) => [
      { period: r.period, series: "treated" as const, value: r.treated },
      { period: r.period, series: "synthetic" as const, value: r.treated - scGap[k] },
    ]);
    for (const { i } of used) {
      const keep = [...Array(panel.unitNames.length).keys()].filter((k) => k !== i);
      const y = selectRows(panel.y, t, keep);
      const m: SynthMatrix = {
        ...panel,
        y,
        n0: panel.n0 - 1,
        unitNames: keep.map((k) => panel.unitNames[k]),
      };
      const fit = synthdidEstimate(m, "sc");
      for (const [k, gap] of synthdidGap(m, fit.omega).entries()) {
        rows.push({
          period: panel.periods[k] as number,
          series: "leave-one-out",
          value: trajectory[k].treated - gap,
        });
      }
    }
    const spec = leaveOneOutChart(rows, opts);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    expect(markItems(svg, "band")).toBe(1);
    expect(markItems(svg, "lines")).toBe(2);
    expect(svg).toContain(`without each of ${used.length} donors`);
  });

  it("donor weights: bars for donors above the threshold, grouped by method", async () => {
    const rows = res.unitWeights.flatMap((w) => [
      { unit: w.unit, weight: w.sdid, method: "SDID" },
      { unit: w.unit, weight: w.sc, method: "SC" },
    ]);
    const spec = donorWeightsChart(rows);
    expect((await compileChart(spec)).warnings).toEqual([]);
    const svg = await renderSvg(spec);
    const shown = res.unitWeights.filter((w) => w.sdid >= 0.001 || w.sc >= 0.001).length;
    expect(markItems(svg, "bars")).toBe(2 * shown);
    expect(svg).toContain(`${shown} of 38 donors shown`);
    const single = donorWeightsChart(res.unitWeights.map((w) => ({ unit: w.unit, weight: w.sc })));
    expect(await renderSvg(single)).toContain("Donor weights");
    expect(errorCode(() => donorWeightsChart([{ unit: "a", weight: 0 }]))).toBe("E_INVALID_ARGUMENT");
  });
});
