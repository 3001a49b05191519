import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/core/frame.js";
import { generateRdd } from "../../src/data/generate/rdd-generate.js";
import { RDD_COLUMNS, resolveRddOptions } from "../../src/data/generate/rdd-scenarios.js";
import { densityTest } from "../../src/designs/rdd/density/density-test.js";
import { rdplot } from "../../src/designs/rdd/rdplot/rdplot.js";
import { errorCode } from "../helpers/error-code.js";

/** Tolerance in standard errors for sampling checks (a false alarm at 5 SE has probability ~6e-7). */
const Z = 5;

function ints(f: Frame, name: string): Int32Array {
  const c = f.column(name);
  if (c.kind !== "i32") throw new Error(`${name} is ${c.kind}`);
  return c.values;
}

/** Local-polynomial intercepts at the cutoff (uniform kernel, bandwidth h, order p) via rdplot's fits. */
function jumpAt(f: Frame, c: number, h: number, p: number): number {
  const r = rdplot(f.numeric("y"), f.numeric("score"), { cutoff: c, h, p, nbins: 5 });
  return r.coefficients.left[0] - r.coefficients.right[0];
}

describe("generateRdd", () => {
  it("is reproducible bit for bit and has the documented columns", () => {
    const a = generateRdd({ seed: 3, scenario: "manipulation", n: 2000 });
    const b = generateRdd({ seed: 3, scenario: "manipulation", n: 2000 });
    const c = generateRdd({ seed: 4, scenario: "manipulation", n: 2000 });
    expect(a.frame.names).toEqual([...RDD_COLUMNS]);
    expect(Array.from(a.frame.numeric("y"))).toEqual(Array.from(b.frame.numeric("y")));
    expect(Array.from(a.frame.numeric("score"))).toEqual(Array.from(b.frame.numeric("score")));
    expect(Array.from(a.frame.numeric("score"))).not.toEqual(Array.from(c.frame.numeric("score")));
    expect(Object.isFrozen(a.truth)).toBe(true);
    for (const v of a.frame.numeric("score")) expect(Number(v.toFixed(4))).toBe(v);
  });

  it("clean: a jump of `effect` and no sorting — the density test does not fire", () => {
    for (const seed of [1, 2, 3]) {
      const { frame, truth } = generateRdd({ seed, scenario: "clean" });
      expect(truth.outcomeJump).toBe(0.05);
      const d = densityTest(frame.numeric("score"), { cutoff: truth.cutoff });
      expect(d.diagnostics[0].code).toBe("D_RDD_DENSITY_TEST");
      expect(d.diagnostics[0].severity).toBe("pass");
      // the density estimates bracket the truth f(0.85) = 30·0.85⁴·0.15
      expect(Math.abs((d.left.estimate ?? 0) - truth.densityBelow)).toBeLessThan(Z * (d.left.se ?? 0));
      const est = jumpAt(frame, truth.cutoff, 0.05, 1);
      expect(Math.abs(est - truth.effect)).toBeLessThan(0.02);
    }
  });

  it("manipulation: units pile up just below the cutoff and the density test fires", () => {
    for (const seed of [1, 2, 3]) {
      const { frame, truth } = generateRdd({ seed, scenario: "manipulation" });
      expect(truth.moved).toBeGreaterThan(0);
      expect(Math.abs(truth.movedShare - 0.3)).toBeLessThan(0.06);
      const moved = ints(frame, "moved");
      const score = frame.numeric("score");
      for (let i = 0; i < moved.length; i++) if (moved[i] === 1) expect(score[i]).toBeLessThan(truth.cutoff);
      const d = densityTest(score, { cutoff: truth.cutoff });
      expect(d.diagnostics[0].severity).toBe("fail");
      expect(d.diagnostics[0].message).toMatch(/just below the threshold/);
      expect(d.estimate?.estimate).toBeLessThan(0); // f(c+) − f(c−) < 0
      expect(truth.densityBelow).toBeGreaterThan(truth.densityAbove);
      const mc = densityTest(score, { cutoff: truth.cutoff, method: "mccrary" });
      expect(mc.estimate?.pValue).toBeLessThan(0.05);
    }
  });

  it("curved: no true jump, but a linear fit over a wide bandwidth fakes one", () => {
    const { frame, truth } = generateRdd({ seed: 11, scenario: "curved" });
    expect(truth.outcomeJump).toBe(0);
    const fake = jumpAt(frame, truth.cutoff, 0.15, 1);
    const honest = jumpAt(frame, truth.cutoff, 0.05, 2);
    expect(Math.abs(fake)).toBeGreaterThan(0.04); // a spurious "effect" of several points
    expect(Math.abs(honest)).toBeLessThan(0.02);
    const d = densityTest(frame.numeric("score"), { cutoff: truth.cutoff });
    expect(d.diagnostics[0].severity).toBe("pass");
  });

  it("fuzzy: take-up jumps by less than 1 and the Wald ratio recovers the effect", () => {
    const { frame, truth } = generateRdd({ seed: 5, scenario: "fuzzy", n: 50_000, effect: 0.2 });
    expect(truth.firstStage).toBeCloseTo(0.6, 12);
    const t = ints(frame, "treated");
    const e = ints(frame, "eligible");
    let tb = 0;
    let nb = 0;
    let ta = 0;
    let na = 0;
    for (let i = 0; i < t.length; i++) {
      if (e[i] === 1) {
        tb += t[i];
        nb++;
      } else {
        ta += t[i];
        na++;
      }
    }
    expect(Math.abs(tb / nb - 0.8)).toBeLessThan(Z * Math.sqrt(0.16 / nb));
    expect(Math.abs(ta / na - 0.2)).toBeLessThan(Z * Math.sqrt(0.16 / na));
    const itt = jumpAt(frame, truth.cutoff, 0.1, 1);
    const r = rdplot(Float64Array.from(t), frame.numeric("score"), {
      cutoff: truth.cutoff,
      h: 0.1,
      p: 1,
      nbins: 5,
    });
    const fs = r.coefficients.left[0] - r.coefficients.right[0];
    expect(Math.abs(fs - 0.6)).toBeLessThan(0.06);
    expect(Math.abs(itt / fs - truth.effect)).toBeLessThan(0.08);
  });

  it("validates options by code", () => {
    expect(errorCode(() => generateRdd({ seed: 1.5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateRdd({ seed: 1, scenario: "x" as "clean" }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateRdd({ seed: 1, n: 10 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateRdd({ seed: 1, cutoff: 1.2 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateRdd({ seed: 1, takeUp: [0.5, 0.5] }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateRdd({ seed: 1, manipulationShare: 2 }))).toBe("E_INVALID_ARGUMENT");
    expect(resolveRddOptions({ seed: 1, scenario: "curved" }).curvature).toBe(0.15);
  });
});
