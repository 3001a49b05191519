import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { denseCodes, groupCodes } from "../../src/core/group-codes.js";

describe("groupCodes", () => {
  it("codes text by first appearance, missing as -1", () => {
    const g = groupCodes(Frame.fromObject({ g: ["b", "a", null, "b"] }), "g", null);
    expect([...g.codes]).toEqual([0, 1, -1, 0]);
    expect(g).toMatchObject({ column: "g", count: 2, missing: 1 });
  });

  it("codes only the used rows", () => {
    const g = groupCodes(Frame.fromObject({ g: [5, 9, 5, 7] }), "g", Int32Array.of(1, 3, 2));
    expect([...g.codes]).toEqual([0, 1, 2]);
    expect(g.count).toBe(3);
  });
});

describe("denseCodes", () => {
  it("codes every kind of number by first appearance (dense table, span table, hash map)", () => {
    expect([...denseCodes(Float64Array.of(7, 3, 7, 0)).codes]).toEqual([0, 1, 0, 2]);
    expect([...denseCodes(Float64Array.of(-2, 4, -2, Number.NaN)).codes]).toEqual([0, 1, 0, -1]);
    expect([...denseCodes(Float64Array.of(0.5, 1e12, 0.5, -0)).codes]).toEqual([0, 1, 0, 2]);
    expect(denseCodes(Float64Array.of(0, -0, Number.NaN))).toMatchObject({ count: 1, missing: 1 });
  });
});
