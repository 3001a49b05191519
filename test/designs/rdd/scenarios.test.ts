import { describe, expect, it } from "vitest";
import { generateRdd } from "../../../src/data/generate/rdd-generate.js";
import { rdd } from "../../../src/designs/rdd/rdd.js";
import type { RddSpec } from "../../../src/designs/rdd/spec.js";

const base: RddSpec = { outcome: "y", running: "score", cutoff: 0.85, treated: "below", rdplot: false };
const sev = (r: ReturnType<typeof rdd>, code: string) => r.diagnostics.find((d) => d.code === code)?.severity;

describe("rdd on the generator's RD scenarios (src/data/generate/rdd-*.ts): the checks fire where they should", () => {
  it("clean: the robust CI covers the true effect and every check passes", () => {
    const { frame, truth } = generateRdd({ seed: 11, scenario: "clean" });
    const r = rdd(frame, { ...base, treatment: "treated" });
    const [lo, hi] = r.rows.robust.ci as readonly [number, number];
    expect(lo).toBeLessThan(truth.effect);
    expect(hi).toBeGreaterThan(truth.effect);
    for (const code of [
      "D_RDD_DENSITY_TEST",
      "D_RDD_POLYNOMIAL",
      "D_RDD_PLACEBO_CUTOFFS",
      "D_RDD_COMPLIANCE",
    ]) {
      expect(sev(r, code), code).toBe("pass");
    }
  });

  it("curved (no jump): a wide linear fit fakes a jump and the linear/quadratic diagnostic warns", () => {
    const { frame, truth } = generateRdd({ seed: 12, scenario: "curved" });
    expect(truth.effect).toBe(0);
    const r = rdd(frame, {
      ...base,
      bandwidth: 0.1,
      kernel: "uniform",
      support: "open",
      vce: "hc3",
      density: false,
    });
    expect(r.checks.polynomial[0].conventional?.pValue as number).toBeLessThan(0.05);
    expect(sev(r, "D_RDD_POLYNOMIAL")).toBe("warn");
  });

  it("manipulation: the density test fails", () => {
    const { frame } = generateRdd({ seed: 13, scenario: "manipulation" });
    const r = rdd(frame, { ...base, placebo: false });
    expect(sev(r, "D_RDD_DENSITY_TEST")).toBe("fail");
  });

  it("fuzzy: the Wald ratio recovers the effect with a strong first stage", () => {
    const { frame, truth } = generateRdd({ seed: 14, scenario: "fuzzy" });
    const r = rdd(frame, { ...base, treatment: "treated", fuzzy: true, density: false });
    const [lo, hi] = r.rows.robust.ci as readonly [number, number];
    expect(lo).toBeLessThan(truth.effect);
    expect(hi).toBeGreaterThan(truth.effect);
    expect(r.firstStage?.conventional.estimate as number).toBeGreaterThan(0.4);
    expect(sev(r, "D_RDD_WEAK_FIRST_STAGE")).toBe("pass");
    expect(sev(r, "D_RDD_COMPLIANCE")).toBe("info");
  });
});
