import { describe, expect, it } from "vitest";
import { generatePanel } from "../../../src/data/generate/panel.js";
import { did } from "../../../src/designs/did/did.js";
import { didCharts } from "../../../src/designs/did/result-charts.js";
import { compileChart } from "../../../src/report/vega.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";

const SPEC = {
  outcome: "y",
  time: "period",
  treatment: { startColumn: "first_treat" },
  unit: "unit",
} as const;

describe("did with staggered adoption (generated panels with known truth)", () => {
  const { frame, truth } = generatePanel({ seed: 3, scenario: "staggered", units: 1000 });
  const res = did(frame, SPEC);

  it("uses Callaway–Sant'Anna as the headline and recovers the true overall ATT", () => {
    expect(res.design).toBe("staggered");
    expect(res.estimateSource).toBe("callaway-santanna");
    const se = res.estimate.se as number;
    // Simulation check: |estimate − truth| within 3 SE (one seed; the 200-seed bias study is in bench/).
    expect(Math.abs(res.estimate.estimate - truth.overall)).toBeLessThan(3 * se);
    const dyn = res.staggered?.callawaySantAnna?.aggregations.dynamic;
    for (const row of dyn?.rows ?? []) {
      const t = truth.dynamic.find((d) => d.eventTime === row.key);
      if (!t || row.estimate === null || row.se === null) continue;
      expect(Math.abs(row.estimate - t.att)).toBeLessThan(4 * row.se);
    }
  });

  it("TWFE is visibly biased with growing effects, warned, and equals the Bacon weighted sum", () => {
    const twfe = res.twfe.effect;
    expect(truth.overall - twfe.estimate).toBeGreaterThan(5 * (twfe.se as number));
    expect(res.diagnostics.find((d) => d.code === "D_DID_STAGGERED_TWFE")?.severity).toBe("warn");
    const bacon = res.staggered?.bacon?.result;
    expectClose(bacon?.weightedSum, twfe.estimate, { atol: 1e-10 });
    expectClose(bacon?.twfe, twfe.estimate, TOL.estimate);
  });

  it("charts: CS dynamic effects and the Bacon scatter compile without warnings", async () => {
    const charts = didCharts(res);
    for (const spec of [charts.trend, charts.eventStudy!, charts.csDynamic!, charts.bacon!]) {
      expect((await compileChart(spec)).warnings).toEqual([]);
    }
  });

  it("parallel trends pass here and fail on the violated scenario", () => {
    expect(res.diagnostics.find((d) => d.code === "D_DID_PARALLEL_TRENDS")?.severity).toBe("pass");
    const bad = generatePanel({ seed: 3, scenario: "trend-violation", units: 1000 });
    const r2 = did(bad.frame, SPEC);
    expect(r2.diagnostics.find((d) => d.code === "D_DID_PARALLEL_TRENDS")?.severity).toBe("fail");
    expect(r2.diagnostics.find((d) => d.code === "D_CS_PRETEST")?.severity).toBe("warn");
  });

  it("a time-invariant covariate is absorbed by the unit effects in TWFE, and used by CS", () => {
    const r = did(frame, { ...SPEC, covariates: ["x"] });
    const d = r.diagnostics.find((x) => x.code === "D_DID_COVARIATE_ABSORBED");
    expect(d?.evidence.covariates).toEqual(["x"]);
    expect(r.twfe.effect.estimate).toBeCloseTo(res.twfe.effect.estimate, 10);
    expect(Math.abs(r.estimate.estimate - truth.overall)).toBeLessThan(3 * (r.estimate.se as number));
  });

  it("without a unit column CS is not applicable: TWFE is the headline, with a warning", () => {
    const r = did(frame, { ...SPEC, unit: undefined, cluster: "cluster" });
    expect(r.estimateSource).toBe("twfe");
    expect(r.staggered?.callawaySantAnna).toBeNull();
    expect(r.diagnostics.some((d) => d.code === "D_DID_NOT_APPLICABLE" && d.severity === "warn")).toBe(true);
  });

  it("the multiplier bootstrap is seeded: same seed, same bands", () => {
    const small = generatePanel({ seed: 5, scenario: "staggered", units: 200 }).frame;
    const spec = { ...SPEC, staggered: { bootstrap: { reps: 199, seed: 11 } } };
    const a = did(small, spec).staggered?.callawaySantAnna;
    const b = did(small, spec).staggered?.callawaySantAnna;
    expect(a?.seSource).toBe("bootstrap");
    expect(a?.aggregations.dynamic?.rows).toEqual(b?.aggregations.dynamic?.rows);
    expect(a?.aggregations.dynamic?.bandCriticalValue).toBeGreaterThan(1.96);
  });

  it("bootstrap without a seed is a spec error", () => {
    expect(errorCode(() => did(frame, { ...SPEC, staggered: { bootstrap: { reps: 9 } } } as never))).toBe(
      "E_INVALID_SPEC",
    );
  });
});
