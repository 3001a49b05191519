import { describe, expect, it } from "vitest";
import { generateSynthPanel } from "../../src/data/generate/synth-scenarios.js";
import { errorCode } from "../helpers/error-code.js";

describe("generateSynthPanel", () => {
  it("is reproducible bit for bit and lays the matrix out donors first, periods in order", () => {
    const a = generateSynthPanel({ seed: 42 });
    const b = generateSynthPanel({ seed: 42 });
    expect(a.matrix.y).toEqual(b.matrix.y);
    expect(a.truth).toEqual(b.truth);
    expect(generateSynthPanel({ seed: 43 }).matrix.y).not.toEqual(a.matrix.y);
    expect(a.matrix.n0).toBe(30);
    expect(a.matrix.t0).toBe(30);
    expect(a.matrix.unitNames.at(-1)).toBe("treated_1");
    expect(a.matrix.periods).toHaveLength(40);
    expect(a.frame.nrows).toBe(31 * 40);
    // frame and matrix agree, row by row
    const y = a.frame.numeric("y");
    expect(Array.from(y)).toEqual(Array.from(a.matrix.y));
  });

  it("rollout: the treated untreated path is the stated convex combination, the effect is known, one donor shocked", () => {
    const { frame, matrix, truth } = generateSynthPanel({ seed: 7, noiseSd: 0 });
    expect(truth.att).toBe(2);
    expect(truth.insideHull).toBe(true);
    expect(truth.weights.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 12);
    const T = matrix.periods.length;
    const row = (name: string) => matrix.unitNames.indexOf(name);
    const y0 = frame.numeric("y0");
    const treated = row("treated_1");
    for (let t = 0; t < T; t++) {
      let combo = 0;
      for (const w of truth.weights) {
        const j = row(w.donor);
        // the combination is of the donors' untreated, unshocked paths
        const shock = w.donor === truth.shockedDonor && t >= truth.preCount ? truth.shock : 0;
        combo += w.weight * (matrix.y[j * T + t] - shock);
      }
      expect(y0[treated * T + t]).toBeCloseTo(combo, 9);
      const effect = t >= truth.preCount ? 2 : 0;
      expect(matrix.y[treated * T + t] - y0[treated * T + t]).toBeCloseTo(effect, 12);
    }
    expect(truth.shockedDonor).not.toBeNull();
    expect(truth.weights.map((w) => w.donor)).toContain(truth.shockedDonor);
    const d = row(truth.shockedDonor as string);
    expect(matrix.y[d * T + truth.preCount] - y0[d * T + truth.preCount]).toBe(0); // y0 includes the shock
    expect(truth.shock).toBe(5);
  });

  it("outside-hull: the treated level is above every donor in every pre-period", () => {
    const { matrix, truth } = generateSynthPanel({ seed: 11, scenario: "outside-hull", noiseSd: 0.1 });
    expect(truth.insideHull).toBe(false);
    expect(truth.shockedDonor).toBeNull();
    expect(truth.levelGap).toBeGreaterThan(0);
    const T = matrix.periods.length;
    let above = 0;
    for (let t = 0; t < matrix.t0; t++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < matrix.n0; j++) max = Math.max(max, matrix.y[j * T + t]);
      if (matrix.y[matrix.n0 * T + t] > max) above++;
    }
    expect(above).toBeGreaterThanOrEqual(matrix.t0 - 2);
  });

  it("supports several treated units, a growing effect, and validates options", () => {
    const { matrix, truth } = generateSynthPanel({
      seed: 1,
      treated: 3,
      effect: 1,
      effectSlope: 0.5,
      periods: 20,
      treatmentStart: 15,
    });
    expect(matrix.unitNames.length - matrix.n0).toBe(3);
    expect(truth.effectByPeriod.map((e) => e.effect)).toEqual([1, 1.5, 2, 2.5, 3, 3.5]);
    expect(truth.att).toBeCloseTo(2.25, 12);
    expect(Object.isFrozen(truth)).toBe(true);
    expect(errorCode(() => generateSynthPanel({ seed: 1, donors: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateSynthPanel({ seed: 1, periods: 10, treatmentStart: 11 }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => generateSynthPanel({ seed: 1, factorRho: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateSynthPanel({ seed: 1.5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateSynthPanel({ seed: 1, scenario: "nope" as never }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});
