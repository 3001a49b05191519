import { describe, expect, it } from "vitest";
import { binCounts, cutoffBinCounts, decimalEdges } from "../../../src/designs/rdd/bins.js";
import { errorCode } from "../../helpers/error-code.js";
import { readFixture } from "../../helpers/fixture.js";

describe("binCounts with exact decimal edges", () => {
  const qc = readFixture("saas_llm_logs_seed42.csv.gz").numeric("query_confidence");

  it("reproduces the fixture's counts in [0.80, 0.82) … [0.88, 0.90)", () => {
    // ../shared/fixtures/README.md, Regression discontinuity: 2461 / 2481 / 2335 / 2229 / 2048.
    const r = binCounts(qc, { start: 0.8, width: 0.02, bins: 5 });
    expect(r.rows.map((b) => b.count)).toEqual([2461, 2481, 2335, 2229, 2048]);
    expect(r.rows.map((b) => b.label)).toEqual([
      "[0.80, 0.82)",
      "[0.82, 0.84)",
      "[0.84, 0.86)",
      "[0.86, 0.88)",
      "[0.88, 0.90)",
    ]);
    expect(r.below + r.above + r.rows.reduce((s, b) => s + b.count, 0)).toBe(r.total);
    expect(binCounts(qc, { start: "0.80", width: "0.02", bins: 5 }).rows[0].count).toBe(2461);
  });

  it("avoids the binary-edge trap: 11 users sit at exactly 0.82", () => {
    let atEdge = 0;
    let naive = 0;
    for (const v of qc) {
      if (v === 0.82) atEdge++;
      if (v >= 0.8 && v < 0.8 + 0.02) naive++; // 0.8 + 0.02 = 0.8200000000000001
    }
    expect(atEdge).toBe(11);
    expect(naive).toBe(2472);
    expect(decimalEdges(0.8, 0.02, 5)).toEqual([0.8, 0.82, 0.84, 0.86, 0.88, 0.9]);
  });

  it("handles negative starts, exponents and many bins exactly", () => {
    expect(decimalEdges("-0.3", "0.1", 6)).toEqual([-0.3, -0.2, -0.1, 0, 0.1, 0.2, 0.3]);
    expect(decimalEdges(1e-7, 1e-7, 2)).toEqual([1e-7, 2e-7, 3e-7]);
    const e = decimalEdges(0, 0.1, 1000);
    expect(e[3]).toBe(0.3);
    expect(e[999]).toBe(99.9);
    const r = binCounts(Float64Array.of(0.1, 0.2, 0.3, 0.30000000000000004), {
      start: 0,
      width: 0.1,
      bins: 4,
    });
    expect(r.rows.map((b) => b.count)).toEqual([0, 1, 1, 2]);
  });

  it("tags bins by side of the cutoff", () => {
    const r = cutoffBinCounts(qc, { cutoff: 0.85, width: 0.01, binsPerSide: 5 });
    expect(r.rows.length).toBe(10);
    expect(r.rows[4].label).toBe("[0.84, 0.85)");
    expect(r.rows[4].side).toBe("below");
    expect(r.rows[5].label).toBe("[0.85, 0.86)");
    expect(r.rows[5].side).toBe("above");
    const r2 = binCounts(qc, { start: 0.84, width: 0.01, bins: 2 });
    expect([r.rows[4].count, r.rows[5].count]).toEqual(r2.rows.map((b) => b.count));
    expect(Object.isFrozen(r.rows[0])).toBe(true);
  });

  it("rejects bad options by code", () => {
    expect(errorCode(() => binCounts(qc, { start: 0.8, width: 0, bins: 5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => binCounts(qc, { start: "abc", width: 0.1, bins: 5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => binCounts(qc, { start: 0, width: 0.1, bins: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => binCounts(Float64Array.of(Number.NaN), { start: 0, width: 0.1, bins: 1 }))).toBe(
      "E_MISSING_VALUES",
    );
    expect(errorCode(() => cutoffBinCounts(qc, { cutoff: 0.85, width: 0.01, binsPerSide: 0 }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});
