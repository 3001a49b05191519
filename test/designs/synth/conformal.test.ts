import { describe, expect, it } from "vitest";
import { generateSynthPanel } from "../../../src/data/generate/synth-scenarios.js";
import {
  conformalInference,
  conformalPointwise,
  conformalPValue,
} from "../../../src/designs/synth/conformal.js";
import type { SynthMatrix } from "../../../src/designs/synth/sdid-types.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";

interface ModelExpected {
  pointwise: { lb: number[]; ub: number[] };
  p_null0: number;
  p_null3: number;
  grid_p: number[];
  ci: [number, number];
  estimate: number;
}
const golden = loadGolden<{
  grid: number[];
  pointwise_grid: [number, number, number];
  alpha: number;
  sc: ModelExpected;
  did: ModelExpected;
}>("synth", "sdid-conformal");
const data = golden.data as { J: number; T0: number; T1: number; Y1: number[]; Y0: number[][] };
const T = data.T0 + data.T1;
const panel: SynthMatrix = {
  y: Float64Array.from([...data.Y0.flat(), ...data.Y1]),
  n0: data.J,
  t0: data.T0,
  unitNames: [...data.Y0.map((_, j) => `d${j + 1}`), "treated"],
  periods: Array.from({ length: T }, (_, t) => t + 1),
};
const g = golden.expected;

describe("conformal inference (moving-block permutations) against scinference's code path", () => {
  for (const model of ["sc", "did"] as const) {
    it(`${model}: p-values under θ = 0 and θ = 3, the whole p-value curve, and the 90% set`, () => {
      // p-values are multiples of 1/T: the counts must match exactly (the JSON keeps 15 digits)
      const count = (p: number) => Math.round(p * T);
      expect(count(conformalPValue(panel, 0, { model }))).toBe(count(g[model].p_null0));
      expect(count(conformalPValue(panel, 3, { model }))).toBe(count(g[model].p_null3));
      const res = conformalInference(panel, {
        model,
        alpha: g.alpha,
        grid: { from: g.grid[0], to: g.grid.at(-1) as number, points: g.grid.length },
      });
      expect(res.grid.map((r) => count(r.pValue))).toEqual(g[model].grid_p.map(count));
      expectClose(res.ci, g[model].ci, { atol: 1e-12 }, "ci");
      expectClose(res.estimate, g[model].estimate, { rtol: 1e-8 }, "estimate");
      expect(count(res.pValue)).toBe(count(g[model].p_null0));
      expect(res.pValueFloor).toBeCloseTo(1 / T, 15);
      expect(res.openLower || res.openUpper).toBe(false);
    });
  }

  for (const model of ["sc", "did"] as const) {
    it(`${model}: pointwise intervals per post period (scinference confidence_interval)`, () => {
      const [from, to, points] = g.pointwise_grid;
      const res = conformalPointwise(panel, { model, alpha: g.alpha, grid: { from, to, points } });
      expect(res).toHaveLength(data.T1);
      expectClose(
        res.map((r) => r.ci?.[0]),
        g[model].pointwise.lb,
        { atol: 1e-9 },
        "lb",
      );
      expectClose(
        res.map((r) => r.ci?.[1]),
        g[model].pointwise.ub,
        { atol: 1e-9 },
        "ub",
      );
      expect(res.every((r) => !r.open)).toBe(true);
    });
  }

  it("covers the true effect of a generated rollout and flags an edge-reaching set", () => {
    const { matrix, truth } = generateSynthPanel({ seed: 5, scenario: "rollout", donors: 12, shock: 0 });
    const res = conformalInference(matrix, { alpha: 0.1 });
    expect(res.ci).not.toBeNull();
    expect(res.ci?.[0]).toBeLessThanOrEqual(truth.att);
    expect(res.ci?.[1]).toBeGreaterThanOrEqual(truth.att);
    const narrow = conformalInference(matrix, {
      alpha: 0.1,
      grid: { from: truth.att - 0.1, to: truth.att + 0.1 },
    });
    expect(narrow.diagnostics.find((d) => d.code === "D_CONFORMAL_GRID")?.severity).toBe("warn");
    expect(Object.isFrozen(res)).toBe(true);
  });

  it("warns when the panel is too short for the level, and rejects bad options", () => {
    const { matrix } = generateSynthPanel({ seed: 1, donors: 5, periods: 8, treatmentStart: 6 });
    const res = conformalInference(matrix, { alpha: 0.05 });
    expect(res.diagnostics.map((d) => d.code)).toContain("D_CONFORMAL_COARSE");
    expect(errorCode(() => conformalInference(matrix, { q: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => conformalInference(matrix, { grid: { from: 1, to: 0 } }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});
