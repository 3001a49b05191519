import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { panelIndex, panelPeriods, periodRanks } from "../../src/core/panel.js";
import { panelCells } from "../../src/core/panel-cells.js";

describe("panelIndex", () => {
  it("codes units by first appearance and periods by ascending rank", () => {
    const p = panelIndex(Frame.fromObject({ id: ["b", "b", "a", "a"], t: [2, 1, 2, 1] }), "id", "t");
    expect([...p.unit]).toEqual([0, 0, 1, 1]);
    expect([...p.period]).toEqual([1, 0, 1, 0]);
    expect(p).toMatchObject({ rows: 4, units: 2, periods: [1, 2] });
    expect(panelCells(p)).toMatchObject({ duplicates: 0, firstDuplicate: -1, balanced: true });
  });
});

describe("panelPeriods / periodRanks", () => {
  it("keeps distinct times ascending, inside a window when given, and ranks rows against a list", () => {
    expect(panelPeriods(Float64Array.of(3, Number.NaN, 1, 3))).toEqual([1, 3]);
    expect(panelPeriods(Float64Array.of(3, 1, 3, 2), { from: 2, to: 3 })).toEqual([2, 3]);
    expect([...periodRanks(Float64Array.of(5, 7, 6), [5, 6])]).toEqual([0, -1, 1]);
  });
});

describe("panelCells", () => {
  it("finds the first row of each cell, empty cells and repeated rows", () => {
    const c = panelCells({
      unit: Int32Array.of(0, 0, 1, 1, 1),
      units: 2,
      period: Int32Array.of(0, 1, 0, 0, 0),
      periods: [1, 2],
    });
    expect([...c.rowOf]).toEqual([0, 1, 2, -1]);
    expect([...c.perUnit]).toEqual([2, 1]);
    expect(c).toMatchObject({ duplicates: 2, firstDuplicate: 3, balanced: false });
  });
});
